"""The synthetic report generator: true values, defects, layouts, determinism."""
from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
import pytest

from gxbg_kit import schema as S
from gxbg_kit import synth

CASES = [(seed, template, scale) for seed, (template, scale) in enumerate(
    (t, s) for t in synth.TEMPLATES for s in synth.SCALES)]


def counts(truth, row, reason=None):
    return truth.app_cells[(row, reason)]


@pytest.mark.parametrize("seed,template,scale", CASES)
def test_identities_hold(seed, template, scale):
    t = synth.generate_truth(seed, template, scale)
    for j, _ in enumerate(synth.APPLICANT_CODES):
        col = {k: v[j] for k, v in t.app_cells.items()}
        assert col[("received", None)] + col[("carried_over", None)] == (
            col[("processed_total", None)] + col[("carried_forward", None)])
        assert col[("processed_total", None)] == sum(
            v for (row, _), v in col.items() if row in S.OUTCOME_ROWS)
    for key, values in t.app_cells.items():
        assert values[-1] == sum(values[:-1]), key
    for p in S.PROCEEDINGS:
        assert t.review_cells[(p, "total")] == sum(t.review_cells[(p, r)] for r in S.REVIEW_PARTS)
    assert t.expected_failures == set()
    assert t.checks["ok"].all()
    assert set(t.checks["check"]) == set(synth.MODELLED_CHECKS)


@pytest.mark.parametrize("seed,template,scale", CASES)
def test_frames_follow_schema(seed, template, scale):
    t = synth.generate_truth(seed, template, scale, defects=synth.DEFECTS)
    for frame, table in ((t.applications, S.APPLICATIONS), (t.active, S.ACTIVE),
                         (t.reviews, S.REVIEWS)):
        table.validate(frame)
        assert list(frame.columns) == table.names
        for col in table.columns:
            assert frame[col.name].dtype == col.pandas_dtype(), (table.name, col.name)
        keys = [k for k in table.key if k != "report_id"]
        assert not frame.duplicated(keys).any()
    S.CHECKS_TABLE.validate(t.checks)
    assert len(t.reviews) == 15


def test_template_versions():
    t19 = synth.generate_truth(1, "2019")
    t21 = synth.generate_truth(1, "2021")
    m19 = set(t19.active["measure"].astype(str))
    m21 = set(t21.active["measure"].astype(str))
    assert {"new_made", "new_published", "published_total", "prior_items", "change",
            "procurement_items", "procurement_amount"} <= m19
    assert m21 == {"issued", "repealed", "in_force", "decisions", "fee_amount"}
    assert "other_services" in set(t19.active["item"].astype(str))
    assert not {"other_services", "procurement"} & set(t21.active["item"].astype(str))
    other19 = t19.applications[t19.applications["row"] == "other"]
    other21 = t21.applications[t21.applications["row"] == "other"]
    assert other19["reason"].isna().all() and len(other19) == 7
    assert set(other21["reason"].astype(str)) == set(S.REASONS_BY_ROW["other"])
    assert t19.year in (2019, 2020) and 2021 <= t21.year <= 2024
    money = t19.active[t19.active["measure"] == "procurement_amount"]
    assert (money["unit"] == "万元").all()
    assert t21.active.loc[t21.active["measure"] == "fee_amount", "unit"].eq("万元").all()
    assert t21.active.loc[t21.active["measure"] != "fee_amount", "unit"].isna().all()


def test_mixed_template_mixes():
    kinds = set()
    for seed in range(20):
        t = synth.generate_truth(seed, "mixed")
        assert t.template == "mixed"
        assert t.other_split == (t.active_template == "2019")
        kinds.add(t.active_template)
    assert kinds == {"2019", "2021"}


@pytest.mark.parametrize("scale,low,high", [("county", 0, 20), ("city", 100, 1000),
                                            ("province", 10_000, 100_000)])
def test_magnitudes_by_scale(scale, low, high):
    received = np.array([synth.generate_truth(seed, "2021", scale).app_cells[("received", None)][-1]
                         for seed in range(150)])
    assert low <= np.median(received) <= high
    assert np.mean((received >= low) & (received <= high)) > 0.7
    if scale == "county":
        assert (received == 0).mean() > 0.1


def test_natural_persons_dominate():
    t = synth.generate_truth(3, "2021", "province")
    received = counts(t, "received")
    assert received[0] > received[-1] / 2


def test_determinism_by_seed():
    a = synth.generate_truth(42, "mixed", "city", defects=("blank_cells", "missing_rows"))
    b = synth.generate_truth(42, "mixed", "city", defects=("blank_cells", "missing_rows"))
    pd.testing.assert_frame_equal(a.applications, b.applications)
    pd.testing.assert_frame_equal(a.active, b.active)
    for layout in synth.LAYOUTS:
        assert synth.render(a, layout, noise=True) == synth.render(b, layout, noise=True)
    c = synth.generate_truth(43, "mixed", "city")
    assert not a.applications["count"].equals(c.applications["count"])
    rng_truth = synth.generate_truth(np.random.default_rng(5))
    assert rng_truth.seed == synth.generate_truth(np.random.default_rng(5)).seed


def test_write_corpus_is_byte_identical(tmp_path):
    def files(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    man = synth.write_corpus(tmp_path / "a", 12, seed=7, defect_share=0.5)
    synth.write_corpus(tmp_path / "b", 12, seed=7, defect_share=0.5)
    a, b = files(tmp_path / "a"), files(tmp_path / "b")
    assert a == b
    assert {"manifest.csv", "truth/applications.parquet", "truth/active.parquet",
            "truth/reviews.parquet", "truth/checks.parquet"} <= set(a)
    assert list(man.columns[:6]) == ["file", "report_id", "agency", "year", "template", "layout"]
    for row in man.itertuples():
        data = a[row.file]
        assert hashlib.sha256(data).hexdigest()[:16] == row.report_id
        assert row.file.endswith("." + synth.EXTENSIONS[row.layout])
    apps = pd.read_parquet(tmp_path / "a" / "truth" / "applications.parquet")
    assert set(apps["report_id"]) == set(man["report_id"])
    assert man["defects"].fillna("").ne("").any()
    c = synth.write_corpus(tmp_path / "c", 3, seed=8, truth_format="csv")
    assert (tmp_path / "c" / "truth" / "reviews.csv").exists() and len(c) == 3


def test_generate_corpus_shares():
    items = synth.generate_corpus(200, seed=1, defect_share=0.25, layouts=("tab", "html"),
                                  templates=("2019",))
    share = np.mean([bool(i.truth.defects) for i in items])
    assert 0.15 < share < 0.35
    assert {i.layout for i in items} == {"tab", "html"}
    assert {i.truth.active_template for i in items} == {"2019"}
    assert {i.truth.scale for i in items} >= {"county", "city"}


# ---------------------------------------------------------------- defects
def test_defect_blank_cells():
    for seed in range(10):
        t = synth.generate_truth(seed, "2021", defects=["blank_cells"])
        n_blank = len(t.blank_cells)
        n_na = (t.applications["count"].isna().sum() + t.reviews["count"].isna().sum()
                + t.active["value"].isna().sum())
        assert 1 <= n_blank == n_na
        assert "completeness" in t.expected_failures
        assert t.expected_failures <= {"completeness", "narrative"}


def test_defect_broken_identity():
    for seed in range(20):
        t = synth.generate_truth(seed, "2019", "city", defects=["broken_identity"])
        assert t.expected_failures, seed
        assert t.expected_failures <= {"identity", "applicant_sum", "outcome_sum"}
        assert t.applications["count"].notna().all()


def test_defect_missing_rows():
    for seed in range(10):
        t = synth.generate_truth(seed, "2021", defects=["missing_rows"])
        assert t.missing_rows
        text = synth.render(t, "tab")
        for row, reason in t.missing_rows:
            assert S.APPLICATION_REASONS[reason] not in text
            sel = t.applications[(t.applications["row"] == row) & (t.applications["reason"] == reason)]
            assert len(sel) == 7 and sel["count"].isna().all()
        assert "completeness" in t.expected_failures


def test_defect_narrative_disagrees():
    t = synth.generate_truth(3, "2021", defects=["narrative_disagrees"])
    assert t.expected_failures == {"narrative"}
    assert t.narrative["received"] != counts(t, "received")[-1]
    assert re.search(f"(申请|公开){t.narrative['received']}件", synth.render(t, "tab"))


def test_defect_truncated_reviews():
    for seed in range(10):
        t = synth.generate_truth(seed, "2021", defects=["truncated_reviews"])
        k = 15 - t.reviews_printed
        assert 1 <= k <= 6
        assert t.reviews["count"].isna().sum() == k
        assert t.reviews["count"].iloc[-k:].isna().all()
        assert "completeness" in t.expected_failures
        last = synth.render(t, "tab", style="grid").split("四、政府信息公开行政复议、行政诉讼情况")[1]
        numbers = last.strip().split("\n\n")[0].splitlines()[-1].split("\t")
        assert len(numbers) == 15 - k


def test_unknown_arguments_rejected():
    with pytest.raises(ValueError):
        synth.generate_truth(1, template="2020")
    with pytest.raises(ValueError):
        synth.generate_truth(1, scale="village")
    with pytest.raises(ValueError):
        synth.generate_truth(1, defects=["typo"])
    with pytest.raises(ValueError):
        synth.render(synth.generate_truth(1), "pdf")


# ---------------------------------------------------------------- layouts
def required_labels(t):
    labels = [t.agency, f"{t.year}年政府信息公开工作年度报告"]
    labels += list(S.SECTIONS.values())
    labels += [synth.ROW_LABELS[r] for r in S.APPLICATION_ROWS]
    labels += [S.APPLICATION_REASONS[reason] for (_, reason) in t.app_cells if reason]
    labels += [f"第二十条第{no}项" for no, _, _ in synth.ACTIVE_BLOCKS[t.active_template]]
    labels += [lab for _, items, measures in synth.ACTIVE_BLOCKS[t.active_template]
               for _, lab in items + measures]
    labels += ["行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "结果维持", "尚未审结",
               synth.APPLICATION_CORNER, "申请人情况", "法人或其他组织", "三、本年度办理结果"]
    return labels


@pytest.mark.parametrize("layout", synth.LAYOUTS)
@pytest.mark.parametrize("template", synth.TEMPLATES)
def test_layout_contains_template_labels(layout, template):
    t = synth.generate_truth(11, template, "city")
    text = synth.render(t, layout)
    flat = text if layout != "cells" else re.sub(r"(?<=\S)\n(?=\S)", "", text)  # unwrap labels
    for label in required_labels(t):
        assert label in flat, (layout, label)
    received, processed = counts(t, "received")[-1], counts(t, "processed_total")[-1]
    assert re.search(f"(申请|公开){received}件", text) and f"办结{processed}件" in text


def test_layout_shapes():
    t = synth.generate_truth(2, "2021", "city", defects=["blank_cells"])
    tab = synth.render(t, "tab", style="grid")
    assert "\t" in tab and " | " not in tab
    rows = [line for line in tab.splitlines() if line.startswith("一、本年新收")]
    assert len(rows) == 1 and len(rows[0].split("\t")) == 10
    pipe = synth.render(t, "pipe", style="compact")
    assert "一、本年新收政府信息公开申请数量 | " in pipe
    assert "\n2.其他法律行政法规禁止公开 | " in pipe
    md = synth.render(t, "markdown")
    assert "\n|---|---|" in md and md.startswith("# ")
    cells = synth.render(t, "cells")
    assert "\t" not in cells and " | " not in cells
    assert "\n\n \n\n" in cells  # a blank cell is a line with a space


def test_html_page():
    t = synth.generate_truth(5, "2021", "county", defects=["blank_cells"])
    page = synth.render_html(t)
    assert page.startswith("<!DOCTYPE html>") and page.count("<table") == 3
    assert "<script" in page and "<style>" in page
    assert re.search(r'<td colspan="7"><p[^>]*>申请人情况', page)
    assert re.search(r'<td rowspan="(20|22)"><p[^>]*>三、本年度办理结果', page)
    assert re.search(r'<td rowspan="8"><p[^>]*>（三）不予公开', page)
    assert re.search(r'<td colspan="5"><p[^>]*>行政复议', page)
    assert "&nbsp;</td>" in page.replace("&nbsp;</p></td>", "&nbsp;</td>")
    assert page == synth.render(t, "html")


def test_noise_variants():
    seen = set()
    for seed in range(30):
        t = synth.generate_truth(seed, "2019")
        text = synth.render(t, "tab", noise=True)
        seen |= {v for v in ("不 予 开 公", "(一)", "０", "上年度项目数量", "当前位置", " \t")
                 if v in text}
        plain = synth.render(t, "tab")
        assert "０" not in plain and "当前位置" not in plain
    assert seen == {"不 予 开 公", "(一)", "０", "上年度项目数量", "当前位置", " \t"}


def test_change_and_money_formats():
    texts = "".join(synth.render(synth.generate_truth(s, "2019"), "tab") for s in range(30))
    assert re.search(r"\t增\s?\d+", texts) and re.search(r"\t减\s?\d+", texts)
    assert re.search(r"\t[\d.]+万元", texts) and re.search(r"\t[\d.]+ 万元", texts)
    assert "采购总金额（单位：万元）" in texts
    assert re.search(r"\t\d+元", texts)  # printed in 元: the truth stays in 万元
    noisy = "".join(synth.render(synth.generate_truth(s, "2021"), "tab", noise=True) for s in range(30))
    assert re.search(r"\t\d{1,3}(,\d{3})+(\.\d+)?\t", noisy)


def test_write_corpus_chunks_and_encodings(tmp_path):
    a = synth.write_corpus(tmp_path / "a", 30, seed=3, noise_share=1.0, chunk=7)
    b = synth.write_corpus(tmp_path / "b", 30, seed=3, noise_share=1.0, chunk=1000)
    pd.testing.assert_frame_equal(a, b)
    for name in ("applications", "active", "reviews", "checks"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a" / "truth" / f"{name}.parquet"),
                                      pd.read_parquet(tmp_path / "b" / "truth" / f"{name}.parquet"))
    assert set(a["encoding"]) > {"utf-8"}
    assert set(a.loc[a["layout"] == "html", "encoding"]) <= {"utf-8"}
    for row in a.itertuples():
        text = (tmp_path / "a" / row.file).read_bytes().decode(row.encoding)
        assert "政府信息公开" in text
    empty = synth.write_corpus(tmp_path / "c", 0, seed=3)
    assert empty.empty and pd.read_parquet(tmp_path / "c" / "truth" / "checks.parquet").empty


@pytest.mark.parametrize("layout", synth.BINARY_LAYOUTS)
def test_binary_layouts(layout):
    pytest.importorskip(synth.WRITER_LIBRARIES[layout])
    t = synth.generate_truth(4, "2021", "city", defects=["truncated_reviews"])
    data = synth.render_bytes(t, layout, noise=True)
    assert data == synth.render_bytes(t, layout, noise=True)
    if layout == "docx":
        import io
        import zipfile

        xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
        assert xml.count("<w:tbl>") == 3 and '<w:gridSpan w:val="7"/>' in xml and "<w:vMerge" in xml
        assert "申请人情况" in xml and "七）总计" in xml.replace(" ", "").replace(")", "）")
    else:
        assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    with pytest.raises(ValueError, match="render_bytes"):
        synth.render(t, layout)
    assert synth.render_bytes(t, "tab", encoding="gb18030").decode("gb18030") == synth.render(t, "tab")


def test_write_corpus_truth_elsewhere(tmp_path):
    man = synth.write_corpus(tmp_path / "reports", 4, seed=9, truth_folder=tmp_path / "truth")
    assert not (tmp_path / "reports" / "truth").exists()
    assert set(pd.read_parquet(tmp_path / "truth" / "reviews.parquet")["file"]) == set(man["file"])


def test_command_line(tmp_path, capsys):
    synth.main([str(tmp_path / "c"), "3", "--seed", "2", "--layouts", "tab,html", "--truth-format", "csv"])
    assert "wrote 3 reports" in capsys.readouterr().out
    man = pd.read_csv(tmp_path / "c" / "manifest.csv")
    assert len(man) == 3 and set(man["layout"]) <= {"tab", "html"}
    assert (tmp_path / "c" / "truth" / "applications.csv").exists()


# ---------------------------------------------------------------- extra text layouts
EXTRA_CASES = [(seed, template, noise) for seed in range(4) for template in synth.TEMPLATES
               for noise in (False, True)]
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def extra_truth(seed, template):
    defects = ("blank_cells", "missing_rows") if seed % 2 else ()
    return synth.generate_truth(seed, template, ("county", "city", "province")[seed % 3],
                                defects=defects)


def printed_values(t):
    """The non-blank true values in table order, each as the set of digit strings it may
    print as (a change prints without its sign, a procurement amount sometimes in 元)."""
    out = []
    for (_, measure), v in t.active_cells.items():
        if v is not None:
            forms = {synth._plain(v), synth._plain(abs(v))}
            if measure == "procurement_amount":
                forms.add(synth._plain(round(v * 10_000)))
            out.append(forms)
    for key in synth.application_skeleton(t.other_split):
        if key not in t.missing_rows:
            out += [{synth._plain(v)} for v in t.app_cells[key] if v is not None]
    out += [{synth._plain(v)} for v in t.review_cells.values() if v is not None]
    return out


def as_number(token):
    """A printed value cell's digits (``增 3`` -> ``3``, ``1,447.3万元`` -> ``1447.3``), or None."""
    s = re.sub(r"\s|,|增|减|万元|元", "", token.translate(_FULLWIDTH))
    return s if re.fullmatch(r"\d+(\.\d+)?", s) else None


def assert_sections(text):
    for name, wordings in synth.HEADINGS.items():
        assert any(w[2:] in text for w in wordings), name


@pytest.mark.parametrize("seed,template,noise", EXTRA_CASES)
def test_spaced_layout(seed, template, noise):
    t = extra_truth(seed, template)
    text = synth.render(t, "spaced", noise=noise)
    assert text == synth.render(t, "spaced", noise=noise)
    assert "\t" not in text and "|" not in text
    assert_sections(text)
    footer = re.compile(r"(- )?\d+( -)?")
    tokens = [as_number(tok) for line in text.split("\n") if not footer.fullmatch(line.strip())
              for tok in re.split(r" {2,}", line.strip())]
    numbers = [x for x in tokens if x is not None]
    expected = printed_values(t)
    assert len(numbers) == len(expected)  # every value printed once, none glued to a neighbour
    assert all(x in forms for x, forms in zip(numbers, expected))


@pytest.mark.parametrize("seed,template,noise", EXTRA_CASES)
def test_flattened_layout(seed, template, noise):
    t = extra_truth(seed, template)
    text = synth.render(t, "flattened", noise=noise)
    assert text == synth.render(t, "flattened", noise=noise)
    lines = text.splitlines()
    long = [line for line in lines if len(line) > 120]
    assert len(long) == 1 and 3 <= len(lines) <= 12  # the body, and a few lines of chrome
    body = long[0]
    assert_sections(body)
    assert synth.ROW_LABELS["received"] in "".join(body.split())
    digits = re.sub(r"(?<=\d),(?=\d{3})", "", body.translate(_FULLWIDTH))
    at = 0
    for forms in printed_values(t):  # in table order, glued or not
        found = [i for i in (digits.find(f, at) for f in forms) if i >= 0]
        assert found, (forms, digits[at:at + 80])
        at = min(found) + 1


@pytest.mark.parametrize("seed,template,noise", EXTRA_CASES)
def test_broken_markdown_layout(seed, template, noise):
    t = extra_truth(seed, template)
    text = synth.render(t, "broken_markdown", noise=noise)
    assert text == synth.render(t, "broken_markdown", noise=noise)
    assert_sections(text)
    rows = [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in text.splitlines() if line.startswith("|") and not line.startswith("|---")]
    numbers = [x for row in rows for x in map(as_number, row) if x is not None]
    expected = printed_values(t)
    assert len(numbers) == len(expected)
    assert all(x in forms for x, forms in zip(numbers, expected))


def split_rows(text):
    """Pipe rows of labels only followed by a row of numbers whose first cell is empty."""
    rows = [line.strip().strip("|").split("|") if line.startswith("|") else None
            for line in text.splitlines()]
    return [(a, b) for a, b in zip(rows, rows[1:]) if a and b
            and any(c.strip() for c in a) and not any(as_number(c) for c in a)
            and not b[0].strip() and any(as_number(c) for c in b)]


def test_broken_markdown_quirks_occur():
    texts = [synth.render(extra_truth(seed, "2021"), "broken_markdown", noise=bool(seed % 2))
             for seed in range(6)]
    assert all(re.search(r"^\| .+ \|$", x, re.M) for x in texts)
    assert any(split_rows(x) for x in texts)
    separated = set()  # does a table's first row have a |---| row under it?
    for x in texts:
        lines = ["", *x.splitlines(), ""]
        separated |= {lines[i + 1].startswith("|---") for i in range(1, len(lines) - 1)
                      if lines[i].startswith("| ") and not lines[i - 1].startswith("|")}
    assert separated == {True, False}


def test_spaced_quirks_occur():
    texts = [synth.render(extra_truth(seed, template), "spaced", noise=True)
             for seed in range(4) for template in ("2019", "2021")]
    joined = "\n".join(texts)
    assert "\f" in joined and re.search(r"^ +(- \d+ -|\d+)$", joined, re.M)  # a page break
    assert re.search(r"^三、\s*$|^三、 ", joined, re.M) and re.search(r"^本 ", joined, re.M)
    assert re.search(r"[^\s] [^\s] [^\s]", joined)  # letter-spaced wrapped headers


def test_extra_layouts_are_not_parser_layouts():
    assert set(synth.EXTRA_LAYOUTS) == {"spaced", "flattened", "broken_markdown"}
    assert not set(synth.EXTRA_LAYOUTS) & set(synth.ALL_LAYOUTS)
    t = synth.generate_truth(2, "2021", "city")
    for layout, ext in (("spaced", "txt"), ("flattened", "txt"), ("broken_markdown", "md")):
        assert synth.EXTENSIONS[layout] == ext
        assert synth.render_bytes(t, layout, encoding="gb18030").decode("gb18030") == synth.render(t, layout)
    assert len({synth.render(t, layout) for layout in synth.EXTRA_LAYOUTS}) == 3
    items = list(synth.iter_corpus(3, seed=1, layouts=synth.EXTRA_LAYOUTS, noise_share=1.0))
    assert all(item.to_bytes().decode(item.encoding) == item.render() for item in items)
    with pytest.raises(ValueError):
        synth.render(t, "spaced_out")
