"""The problem-theme codebook: every pattern matches its examples and none of its counter-examples."""
from __future__ import annotations

import pandas as pd
import pytest

from gxbg_kit import narrative as nv

CODEBOOK = nv.load_codebook()
REQUIRED = {"timeliness", "depth_breadth", "interpretation", "platform_media", "staffing_capacity",
            "awareness_attitude", "review_error", "participation_response", "institutions",
            "form_single", "standardisation"}


def _phrases(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";") if p.strip()]


def test_codebook_columns_and_required_themes():
    assert list(CODEBOOK.columns) == nv.CODEBOOK_COLUMNS
    assert REQUIRED <= set(CODEBOOK["theme"])
    assert CODEBOOK["theme"].is_unique
    for row in CODEBOOK.itertuples():
        assert row.label_zh and row.label_en and row.description, row.theme
        assert len(_phrases(row.examples)) >= 3, row.theme
        assert len(_phrases(row.counter_examples)) >= 2, row.theme


@pytest.mark.parametrize("theme", list(CODEBOOK["theme"]))
def test_patterns_match_examples_and_no_counter_examples(theme):
    row = CODEBOOK.set_index("theme").loc[theme]
    for example in _phrases(row["examples"]):
        assert theme in nv.match_themes(example, CODEBOOK), f"{theme} misses example {example!r}"
    for counter in _phrases(row["counter_examples"]):
        assert theme not in nv.match_themes(counter, CODEBOOK), f"{theme} matches {counter!r}"


def test_praise_and_plans_carry_no_theme():
    # sentences from the seeds' overview sections: achievements, not problems
    for text in ("及时发布权威信息，主动回应网民关切，强化正向舆论引导。",
                 "严格落实公示公开内容“三审三校”制度，坚持分级分类审核、先审后发。",
                 "全县共开设政务微博、微信、客户端等政务新媒体49个。",
                 "重点领域信息公开力度不断加大。"):
        assert nv.match_themes(text, CODEBOOK) == [], text


def test_user_codebook_from_path_and_frame(tmp_path):
    own = pd.DataFrame({"theme": ["web", "staff"], "patterns": ["网站", "人员|兼职"]})
    path = tmp_path / "own.csv"
    own.to_csv(path, index=False)
    problems = pd.DataFrame({"report_id": ["r"] * 3, "kind": ["problem"] * 3, "n": [1, 2, 3],
                             "text": ["网站更新不及时", "兼职人员多，网站少", "没有问题"]})
    for cb in (path, own):
        got = nv.assign_themes(problems, cb)["themes"]
        assert got.iloc[:2].tolist() == ["web", "web;staff"] and pd.isna(got.iloc[2])
    long = nv.problem_themes(problems, own)
    assert long["theme"].tolist() == ["web", "web", "staff"]
    assert list(long["theme"].cat.categories) == ["web", "staff"]


def test_bad_codebooks_fail_early():
    with pytest.raises(ValueError, match="theme 'x'"):
        nv.load_codebook(pd.DataFrame({"theme": ["x"], "patterns": ["(unclosed"]}))
    with pytest.raises(ValueError, match="patterns"):
        nv.load_codebook(pd.DataFrame({"theme": ["x"]}))
    with pytest.raises(ValueError, match="unique"):
        nv.load_codebook(pd.DataFrame({"theme": ["x", "x"], "patterns": ["a", "b"]}))


@pytest.mark.parametrize("text, themes", [
    ("政务公开工作人员多为兼职，业务能力参差不齐。", ["staffing_capacity"]),
    ("政策解读形式较为单一，图解、视频解读较少。", ["form_single", "interpretation"]),
    ("个别单位对政务公开工作认识不到位。", ["awareness_attitude"]),
    ("政府网站个别栏目更新不及时。", ["timeliness"]),
    ("依申请公开答复不够规范。", ["application_handling"]),
    ("政务公开标准化规范化建设有待加强。", ["standardisation"]),
    ("政务新媒体存在“睡眠”账号。", ["platform_media"]),
    ("公开内容与群众需求还有差距。", ["depth_breadth"]),
    ("部分单位信息公开审核机制不健全，存在错别字。", ["review_error", "institutions"]),
    ("政民互动回应不够及时，网民留言回复不及时。", ["timeliness", "participation_response"]),
    ("部门之间沟通协调不够，信息共享不畅。", ["coordination"]),
    ("公开的信息实用性不强，群众关注度不高。", ["content_quality"]),
    ("对政务公开工作重视程度不够，存在重发布轻解读现象。", ["awareness_attitude"]),
    ("基层政务公开工作仍较为薄弱。", []),
])
def test_typical_problem_statements(text, themes):
    """Wordings common in other reports (not in the seeds), coded by hand."""
    assert nv.match_themes(text, CODEBOOK) == themes
