"""Synthetic annual reports with known true values.

A synthetic report is made in two steps:

1. :func:`generate_truth` draws the numbers of one report, a :class:`Truth`:
   agency, year, template version, the cells of the three template tables
   (identities hold: 新收 + 上年结转 = (七)总计 + 结转下年度 per applicant
   column, (七)总计 = the sum of the outcome rows, each row's six applicant
   columns sum to its 总计, each review proceeding's 总计 = its four parts),
   the numbers the narrative states, and optional controlled *defects*
   (:data:`DEFECTS`).  ``Truth.applications``, ``.active`` and ``.reviews`` are
   the tidy frames a perfect parser returns, coerced by ``schema``;
   ``Truth.checks`` is what that parser's checks say and
   ``Truth.expected_failures`` names the checks that must fail.
2. :func:`render` prints a truth as a complete report in a text layout
   (``tab``, ``pipe``, ``cells`` = one cell per line, ``markdown``, ``html`` with
   colspan/rowspan and page chrome); :func:`render_bytes` also makes ``docx``
   and ``pdf`` files.  ``noise=True`` adds the label variants of real reports.
   :data:`EXTRA_LAYOUTS` are text layouts the parser cannot read yet (``spaced``
   = PDF text, ``flattened`` = a web page on one line, ``broken_markdown`` =
   PDF-to-Markdown output): :func:`render` prints them, corpora draw them only
   when asked to.

:func:`generate_corpus` / :func:`iter_corpus` draw many reports (template,
scale, layout, noise, encoding and defects at random) and :func:`write_corpus`
writes them with their truth (Parquet or CSV) and a manifest, deterministically
by seed (same seed, same bytes)::

    from gxbg_kit import synth
    t = synth.generate_truth(7, template="2019", scale="city", defects=["blank_cells"])
    text = synth.render(t, "pipe", noise=True)
    synth.write_corpus("corpus/", 1000, seed=1, defect_share=0.1)

The cells of each template version and their printed labels come from
``template`` (:data:`template.ACTIVE_BLOCKS`, :func:`template.application_keys`,
``template.REVIEW_CELLS``), their codes and names from ``schema``; the few labels
that are only printed (table corners, column groups) are defined once below,
and every layout prints the same table model (:func:`_active_table`,
:func:`_applications_table`, :func:`_reviews_table`).
"""
from __future__ import annotations

import datetime
import hashlib
import html as _html
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema as S
from . import template as T

__all__ = [
    "LAYOUTS", "DEFECTS", "SCALES", "TEMPLATES", "STYLES", "EXTENSIONS", "Truth", "CorpusItem",
    "generate_truth", "generate_corpus", "iter_corpus", "render", "render_bytes", "render_html",
    "write_corpus", "BINARY_LAYOUTS", "ALL_LAYOUTS", "WRITER_LIBRARIES",
    "expected_checks", "ENCODINGS", "EXTRA_LAYOUTS", "SCAN_LAYOUTS",
]

LAYOUTS = ("tab", "pipe", "cells", "markdown", "html")
#: Layouts printed as files, not text, by :func:`render_bytes`, and the library each needs.
WRITER_LIBRARIES = {"docx": "docx", "pdf": "reportlab"}
BINARY_LAYOUTS = tuple(WRITER_LIBRARIES)
ALL_LAYOUTS = LAYOUTS + BINARY_LAYOUTS
#: Text layouts :func:`render` prints that the parser cannot read yet, so they are not in
#: :data:`LAYOUTS` (nor drawn by corpora unless asked for): ``spaced`` = text as
#: ``pdftotext -layout`` gives it (cells padded to columns, vertical labels, wrapped
#: headers, page breaks); ``flattened`` = a web page flattened to one line of glued cells
#: between lines of page chrome; ``broken_markdown`` = PDF-to-Markdown output (split rows,
#: labels outside tables, header fragments as rows).
EXTRA_LAYOUTS = ("spaced", "flattened", "broken_markdown")
#: Layouts of scanned paper: ``scan`` = the ``pdf`` layout printed, scanned at
#: :data:`SCAN_DPI` with a slight skew, blur and scanner noise, and saved as an
#: image-only PDF (no text layer; read with OCR, ``gxbg_kit[ocr]``).  Not drawn by
#: corpora unless asked for (OCR costs seconds a page).
SCAN_LAYOUTS = ("scan",)
#: The printer's random stream of a layout is seeded with its index here: new layouts are
#: appended, never inserted, so a layout's renders do not change when a layout is added
#: (or when an extra layout moves into :data:`LAYOUTS`).
_LAYOUT_SEEDS = {name: i for i, name in enumerate(
    ("tab", "pipe", "cells", "markdown", "html", "docx", "pdf", *EXTRA_LAYOUTS, *SCAN_LAYOUTS))}
EXTENSIONS = {"tab": "txt", "pipe": "txt", "cells": "txt", "markdown": "md", "html": "html",
              "docx": "docx", "pdf": "pdf", "spaced": "txt", "flattened": "txt",
              "broken_markdown": "md", "scan": "pdf"}
#: How merged cells of a text table are printed: ``grid`` repeats every covered
#: position as a blank cell; ``rowspan_blank`` drops positions covered by a
#: colspan and prints one blank for a cell spanning down from a row above (seed
#: 000); ``compact`` prints each merged cell once and nothing else (seeds 001, 004).
STYLES = ("grid", "rowspan_blank", "compact")
LAYOUT_STYLES = {"tab": ("grid", "rowspan_blank"), "pipe": ("compact", "grid"),
                 "cells": ("compact",), "markdown": ("grid",), "html": ("grid",),
                 "docx": ("grid",), "pdf": ("grid",), "scan": ("grid",),
                 # spaced always lays cells out on the full grid, whatever the style
                 "spaced": ("grid",), "flattened": ("compact",), "broken_markdown": ("grid", "compact")}
DEFECTS = ("blank_cells", "broken_identity", "missing_rows", "narrative_disagrees",
           "truncated_reviews")
TEMPLATES = ("2019", "2021", "mixed")
SCALES = ("county", "city", "province")
#: Checks the truth models (a parser may emit more, e.g. ``manifest``).
MODELLED_CHECKS = ("identity", "applicant_sum", "outcome_sum", "review_sum", "completeness",
                   "narrative")

# --------------------------------------------------------------------------
# Template skeleton: which cells a report of each version prints
# --------------------------------------------------------------------------
#: Active-disclosure blocks (``template.ACTIVE_BLOCKS``): (第二十条 item, [(item code, row
#: label)], [(measure code, column label)]).
ACTIVE_BLOCKS = T.ACTIVE_BLOCKS
ACTIVE_WIDTH = 4  # the 第二十条 tables are printed as one 4-column table
MONEY_MEASURES = T.MONEY_MEASURES
MONEY_UNIT = T.MONEY_UNIT

APPLICATION_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_GROUP = "申请人情况"
ORG_GROUP = "法人或其他组织"
OUTCOME_GROUP = "三、本年度办理结果"
ROW_LABELS = T.PRINTED_ROWS
APPLICANT_LABELS = T.PRINTED_APPLICANTS
SUIT_GROUP = "行政诉讼"
PROCEEDING_LABELS = T.PRINTED_PROCEEDINGS
N_REVIEW_CELLS = len(T.REVIEW_CELLS)

#: Section headings; the first wording is the template's, the others are variants seen in reports.
HEADINGS = {
    "overview": [S.SECTIONS["overview"]],
    "active": [S.SECTIONS["active"]],
    "applications": [S.SECTIONS["applications"], "三、依申请公开情况"],
    "reviews": [S.SECTIONS["reviews"], "四、行政复议和行政诉讼情况"],
    "problems": [S.SECTIONS["problems"]],
    "other": [S.SECTIONS["other"]],
}
#: Label variants printed under ``noise=True`` (as in the seed reports).
LABEL_VARIANTS = {
    "上一年项目数量": ["上年项目数量", "上年度项目数量"],
    "其他结果": ["其它结果"],
    "（三）不予公开": ["（三）不 予 开 公"],
}


def application_skeleton(other_split: bool) -> list[tuple[str, str | None]]:
    """The (row, reason) rows of the applications table, in printed order: the 2021
    template's (（六）其他处理 split in three) or the 2019 template's (one row)."""
    return T.application_keys("2021" if other_split else "2019")


def active_skeleton(version: str) -> list[tuple[str, str]]:
    """The (item, measure) cells of the 第二十条 tables of a template version."""
    return T.active_keys(version)


REVIEW_SKELETON = list(T.REVIEW_CELLS)
APPLICANT_CODES = list(S.APPLICANTS)  # six parts, then total

# --------------------------------------------------------------------------
# Names and phrases
# --------------------------------------------------------------------------
PLACES = {
    "甘肃省": {"定西市": ["通渭县", "陇西县", "渭源县"], "庆阳市": ["西峰区", "环县", "庆城县"]},
    "河南省": {"洛阳市": ["西工区", "洛龙区", "孟津区"], "开封市": ["兰考县", "杞县"]},
    "四川省": {"绵阳市": ["涪城区", "三台县"], "宜宾市": ["翠屏区", "南溪区"]},
    "浙江省": {"湖州市": ["德清县", "长兴县"], "台州市": ["椒江区", "临海市"]},
}
DEPARTMENTS = ["财政局", "教育局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局",
               "农业农村局", "卫生健康委员会", "市场监督管理局", "人力资源和社会保障局", "民政局", "水利局"]
PROVINCE_DEPARTMENTS = ["财政厅", "教育厅", "自然资源厅", "生态环境厅", "住房和城乡建设厅",
                        "交通运输厅", "农业农村厅", "民政厅", "水利厅"]
OVERVIEW_PHRASES = [
    "{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "坚持“以公开为常态、不公开为例外”，不断提升政务公开质量和实效。",
    "{year}年，{agency}按照上级关于政务公开工作的部署要求，紧紧围绕中心工作，持续深化政府信息公开，"
    "切实保障人民群众的知情权、参与权、表达权和监督权。",
]
MANAGEMENT_PHRASES = [
    "（三）政府信息管理情况。严格落实信息发布“三审三校”制度，坚持先审后发，严把政治关、法律关、政策关、保密关、文字关。",
    "（三）政府信息管理情况。及时更新政府信息公开指南和目录，落实保密审查机制，确保发布内容准确规范。",
]
PLATFORM_PHRASES = [
    "（四）政府信息公开平台建设情况。加强政府门户网站与政务新媒体联动，优化信息公开专栏设置，及时发布权威信息。",
    "（四）政府信息公开平台建设情况。持续规范政府网站信息公开专栏，强化政务新媒体日常监管。",
]
OVERSIGHT_PHRASES = [
    "（五）监督保障情况。将政务公开工作纳入年度绩效考核，定期开展自查，及时整改发现的问题。",
    "（五）监督保障情况。调整完善政务公开工作领导小组，明确专人负责，强化工作保障。",
]
PROBLEM_PHRASES = [
    "主动公开的及时性有待提高", "政策解读的形式较为单一", "重点领域信息公开的深度和广度不够",
    "工作人员业务能力有待加强", "政务新媒体更新不够及时", "依申请公开答复的规范性有待提升",
]
MEASURE_PHRASES = [
    "加强业务培训，提升工作人员业务水平", "丰富政策解读形式，提高解读质量",
    "深化重点领域信息公开，回应社会关切", "健全信息发布审核机制，确保信息准确规范",
    "加强平台建设管理，提高信息更新频率", "规范依申请公开办理流程，依法依规答复",
]
OTHER_PHRASES = ["无。", "无其他需要报告的事项。",
                 "本年度未收取政府信息公开信息处理费。",
                 "按照《政府信息公开信息处理费管理办法》规定的按件、按量收费标准，本年度没有产生信息公开处理费。"]
ORDINALS = "一二三四五六七八九"
#: How the overview states 本年新收 and 办结 (the narrative check reads them).
RECEIVED_PHRASES = ["共收到政府信息公开申请{}件，办结{}件。", "全年共受理政府信息公开申请{}件，办结{}件。",
                    "共收到依申请公开{}件，已办结{}件。"]

#: Median magnitudes by scale (counts per year; money in 万元).
MAGNITUDES = {
    "county": dict(requests=4, zero_requests=0.25, requests_sigma=0.9, reviews=0.3, licensing=800,
                   penalty=150, coercion=10, fees=300, documents=5, regulations=0, items=20,
                   procurement=30, procurement_amount=2000),
    "city": dict(requests=250, zero_requests=0.0, requests_sigma=0.5, reviews=6, licensing=30000,
                 penalty=3000, coercion=200, fees=5000, documents=40, regulations=3, items=80,
                 procurement=200, procurement_amount=50000),
    "province": dict(requests=20000, zero_requests=0.0, requests_sigma=0.4, reviews=150,
                     licensing=300000, penalty=20000, coercion=2000, fees=50000, documents=100,
                     regulations=15, items=300, procurement=800, procurement_amount=500000),
}
APPLICANT_SHARES = np.array([30.0, 3.0, 0.3, 0.3, 0.6, 1.0])  # Dirichlet weights of the six parts


# --------------------------------------------------------------------------
# Truth
# --------------------------------------------------------------------------
@dataclass
class Truth:
    """The true content of one synthetic report.

    ``app_cells[(row, reason)]`` holds the seven printed counts of a row (six
    applicant parts, then the total; None where the cell is blank or the row
    missing), ``active_cells[(item, measure)]`` the printed values,
    ``review_cells[(proceeding, result)]`` the 15 review numbers.  The tidy
    frames derive from them.
    """

    agency: str
    year: int
    template: str
    active_template: str
    other_split: bool
    scale: str
    seed: int
    app_cells: dict
    active_cells: dict
    review_cells: dict
    narrative: dict = field(default_factory=dict)   # numbers stated in 一、总体情况
    defects: tuple = ()
    missing_rows: tuple = ()                         # (row, reason) rows not printed
    blank_cells: tuple = ()                          # (table, key..., applicant) printed blank
    reviews_printed: int = N_REVIEW_CELLS            # how many of the 15 numbers are printed

    # -- tidy frames -------------------------------------------------------
    @cached_property
    def applications(self) -> pd.DataFrame:
        return _frame(S.APPLICATIONS, _application_records(self))

    @cached_property
    def active(self) -> pd.DataFrame:
        return _frame(S.ACTIVE, _active_records(self))

    @cached_property
    def reviews(self) -> pd.DataFrame:
        return _frame(S.REVIEWS, _review_records(self))

    @cached_property
    def checks(self) -> pd.DataFrame:
        """The checks a perfect parser computes from the printed report."""
        return expected_checks(self)

    @cached_property
    def check_records(self) -> list[dict]:
        """:attr:`checks` as a list of dicts (fast; no pandas)."""
        return _check_records(self)

    @cached_property
    def expected_failures(self) -> set[str]:
        """Names of the checks with at least one ``ok == False``."""
        return {r["check"] for r in self.check_records if r["ok"] is False}

    def cell_count(self, table: str) -> tuple[int, int]:
        """(template cells, printed non-blank cells) of a table."""
        cells = {"applications": [v for row in self.app_cells.values() for v in row],
                 "active": list(self.active_cells.values()),
                 "reviews": list(self.review_cells.values())}[table]
        return len(cells), sum(v is not None for v in cells)

    def __repr__(self) -> str:
        return (f"Truth({self.agency!r}, {self.year}, template={self.template!r}, "
                f"scale={self.scale!r}, seed={self.seed}, defects={list(self.defects)})")


def _frame(table: S.Table, records: list, columns: list[str] | None = None) -> pd.DataFrame:
    """A schema-coerced frame of records (by default: the table's columns but report_id, raw,
    inferred)."""
    columns = columns or [c for c in table.names if c not in ("report_id", "raw", "inferred")]
    df = pd.DataFrame.from_records(records, columns=columns)
    if "value" in df:
        df["value"] = df["value"].astype("Float64")
    return table.coerce(df)


def _application_records(t: Truth) -> list[tuple]:
    return [(row, reason, a, v) for (row, reason), counts in t.app_cells.items()
            for a, v in zip(APPLICANT_CODES, counts)]


def _active_records(t: Truth) -> list[tuple]:
    return [(item, m, v, (MONEY_UNIT if m in MONEY_MEASURES and v is not None else None))
            for (item, m), v in t.active_cells.items()]


def _review_records(t: Truth) -> list[tuple]:
    return [(p, r, v) for (p, r), v in t.review_cells.items()]


def _template_name(active_template: str, other_split: bool) -> str:
    if active_template == ("2021" if other_split else "2019"):
        return active_template
    return "mixed"


def _as_rng(rng_or_seed) -> tuple[np.random.Generator, int]:
    if isinstance(rng_or_seed, np.random.Generator):
        seed = int(rng_or_seed.integers(2**63))
    else:
        seed = int(rng_or_seed)
    return np.random.default_rng(seed), seed


def _lognormal(rng, median: float, sigma: float = 1.0) -> int:
    return 0 if median <= 0 else int(round(median * float(np.exp(rng.normal(0.0, sigma)))))


def _money(rng, median: float) -> float:
    decimals = int(rng.choice([0, 2, 4]))
    x = median * float(np.exp(rng.normal(0.0, 1.0)))
    return float(f"{x:.{decimals}f}")


def _agency(rng, scale: str) -> str:
    province = str(rng.choice(list(PLACES)))
    city = str(rng.choice(list(PLACES[province])))
    if scale == "province":
        return province + ("人民政府" if rng.random() < 0.3 else str(rng.choice(PROVINCE_DEPARTMENTS)))
    if scale == "city":
        return city + ("人民政府" if rng.random() < 0.3 else str(rng.choice(DEPARTMENTS)))
    county = str(rng.choice(PLACES[province][city]))
    if rng.random() < 0.2:
        return f"{city}{county}人民政府"
    return county + str(rng.choice(DEPARTMENTS))


def _draw_applications(rng, scale: str, other_split: bool) -> dict:
    mag = MAGNITUDES[scale]
    total = 0 if rng.random() < mag["zero_requests"] else int(
        rng.poisson(mag["requests"] * np.exp(rng.normal(0.0, mag["requests_sigma"]))))
    shares = rng.dirichlet(APPLICANT_SHARES)
    received = rng.multinomial(total, shares)
    carried_over = rng.binomial(received, 0.06)
    carried_forward = rng.binomial(received + carried_over, 0.05)
    processed = received + carried_over - carried_forward
    skeleton = application_skeleton(other_split)
    leaves = [k for k in skeleton if k[0] in S.OUTCOME_ROWS]
    weights = {"granted": 8.0, "partly_granted": 2.0, "not_held": 4.0, "needs_creation": 1.0}
    alpha = np.array([weights.get(reason or row, 0.4) for row, reason in leaves])
    probs = rng.dirichlet(alpha)
    outcome = np.stack([rng.multinomial(n, probs) for n in processed], axis=1)  # leaves × parts
    parts = {("received", None): received, ("carried_over", None): carried_over,
             ("processed_total", None): processed, ("carried_forward", None): carried_forward}
    parts.update({leaf: outcome[i] for i, leaf in enumerate(leaves)})
    return {k: [int(x) for x in parts[k]] + [int(parts[k].sum())] for k in skeleton}


def _draw_active(rng, scale: str, version: str) -> dict:
    mag = MAGNITUDES[scale]
    out: dict = {}
    for item in ("regulations", "normative_documents"):
        median = mag["regulations" if item == "regulations" else "documents"]
        made = _lognormal(rng, median)
        stock = made + _lognormal(rng, 3 * median + 1)
        if version == "2021":
            out[(item, "issued")] = made
            out[(item, "repealed")] = int(rng.binomial(stock, 0.1))
            out[(item, "in_force")] = stock
        else:
            out[(item, "new_made")] = made
            out[(item, "new_published")] = int(rng.binomial(made, 0.9))
            out[(item, "published_total")] = stock
    items = ("licensing", "other_services", "penalty", "coercion") if version == "2019" else (
        "licensing", "penalty", "coercion")
    for item in items:
        median = mag.get(item, mag["licensing"] / 10)
        if version == "2019":
            prior = _lognormal(rng, mag["items"] / 4)
            out[(item, "prior_items")] = prior
            out[(item, "change")] = int(rng.integers(-min(prior, 5), 6))
        out[(item, "decisions")] = 0 if rng.random() < 0.2 else _lognormal(rng, median)
    if version == "2019":
        prior = _lognormal(rng, mag["items"] / 2)
        out[("fees", "prior_items")] = prior
        out[("fees", "change")] = int(rng.integers(-min(prior, 5), 4))
        out[("procurement", "procurement_items")] = _lognormal(rng, mag["procurement"])
        out[("procurement", "procurement_amount")] = _money(rng, mag["procurement_amount"])
    else:
        out[("fees", "fee_amount")] = _money(rng, mag["fees"])
    return {k: float(out[k]) for k in active_skeleton(version)}


def _draw_reviews(rng, scale: str) -> dict:
    lam = MAGNITUDES[scale]["reviews"]
    out = {}
    for p, factor in zip(S.PROCEEDINGS, (1.0, 0.5, 0.3)):
        parts = rng.multinomial(int(rng.poisson(lam * factor)), [0.6, 0.15, 0.1, 0.15])
        out.update({(p, r): int(v) for r, v in zip(S.REVIEW_PARTS, parts)})
        out[(p, "total")] = int(parts.sum())
    return {k: out[k] for k in REVIEW_SKELETON}


def generate_truth(rng_or_seed, template: str = "2021", scale: str = "county", year: int | None = None,
                   agency: str | None = None, defects=()) -> Truth:
    """Draw the true content of one report.

    ``template`` is ``"2019"``, ``"2021"`` or ``"mixed"`` (2021 active tables with an
    unsplit (六)其他处理, or 2019 active tables with a split one, chosen at random);
    ``scale`` sets magnitudes (``county``: mostly 0–20 requests, ``city``: hundreds,
    ``province``: tens of thousands); ``defects`` is a subset of :data:`DEFECTS`.
    """
    if template not in TEMPLATES:
        raise ValueError(f"template must be one of {TEMPLATES}, not {template!r}")
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
    unknown = set(defects) - set(DEFECTS)
    if unknown:
        raise ValueError(f"unknown defects {sorted(unknown)}; known: {DEFECTS}")
    rng, seed = _as_rng(rng_or_seed)
    if template == "mixed":
        active_template = str(rng.choice(["2019", "2021"]))
        other_split = active_template == "2019"
    else:
        active_template, other_split = template, template == "2021"
    if year is None:
        year = int(rng.integers(2019, 2021) if active_template == "2019" else rng.integers(2021, 2025))
    t = Truth(
        agency=agency or _agency(rng, scale), year=int(year),
        template=_template_name(active_template, other_split), active_template=active_template,
        other_split=other_split, scale=scale, seed=seed,
        app_cells=_draw_applications(rng, scale, other_split),
        active_cells=_draw_active(rng, scale, active_template),
        review_cells=_draw_reviews(rng, scale),
        defects=tuple(d for d in DEFECTS if d in set(defects)),
    )
    _apply_defects(t, rng)
    _set_narrative(t, rng)
    return t


def _apply_defects(t: Truth, rng) -> None:
    if "missing_rows" in t.defects:
        # sub-reason rows other than the first of their group: the group label stays printed
        candidates = [k for k in t.app_cells if k[1] is not None and S.REASONS_BY_ROW[k[0]][0] != k[1]]
        picks = rng.choice(len(candidates), size=int(rng.integers(1, 3)), replace=False)
        t.missing_rows = tuple(candidates[i] for i in sorted(picks))
        for k in t.missing_rows:
            t.app_cells[k] = [None] * len(APPLICANT_CODES)
    if "blank_cells" in t.defects:
        cells = [("applications", k, j) for k, v in t.app_cells.items() if k not in t.missing_rows
                 for j in range(len(v))]
        cells += [("reviews", k, None) for k in t.review_cells]
        cells += [("active", k, None) for k in t.active_cells if k[1] not in MONEY_MEASURES]
        picks = rng.choice(len(cells), size=int(rng.integers(1, 4)), replace=False)
        blanks = []
        for i in sorted(picks):
            table, key, j = cells[i]
            if table == "applications":
                t.app_cells[key][j] = None
                blanks.append((table, *key, APPLICANT_CODES[j]))
            else:
                getattr(t, f"{'review' if table == 'reviews' else 'active'}_cells")[key] = None
                blanks.append((table, *key))
        t.blank_cells = tuple(blanks)
    if "broken_identity" in t.defects:
        cells = [(k, len(APPLICANT_CODES) - 1) for k in t.app_cells]
        cells += [(("processed_total", None), j) for j in range(len(APPLICANT_CODES) - 1)]
        cells = [(k, j) for k, j in cells if t.app_cells[k][j] is not None]
        k, j = cells[int(rng.integers(len(cells)))]
        delta = int(rng.integers(1, 4))
        if t.app_cells[k][j] >= delta and rng.random() < 0.5:
            delta = -delta
        t.app_cells[k][j] += delta
    if "truncated_reviews" in t.defects:
        cut = int(rng.integers(1, 7))
        t.reviews_printed = N_REVIEW_CELLS - cut
        for key in REVIEW_SKELETON[t.reviews_printed:]:
            t.review_cells[key] = None


def _set_narrative(t: Truth, rng) -> None:
    """Numbers the overview states; from the printed table unless a defect says otherwise."""
    def printed_total(row):
        v = t.app_cells[(row, None)][-1]
        return v if v is not None else int(rng.integers(0, 5))

    keys = ["received", "processed_total"]
    if rng.random() < 0.5:
        keys += ["carried_over", "carried_forward"]
    t.narrative = {k: printed_total(k) for k in keys}
    if not any(t.narrative.values()) and rng.random() < 0.5:
        t.narrative = {}  # “未收到政府信息公开申请” (seed 003)
    if "narrative_disagrees" in t.defects:
        t.narrative = t.narrative or {"received": 0, "processed_total": 0}
        t.narrative["received"] += int(rng.integers(1, 6))


# --------------------------------------------------------------------------
# The checks a perfect parser computes
# --------------------------------------------------------------------------
def _check(rows, check, table, row, cell, applicant, expected, actual, detail=""):
    if expected is None or actual is None:
        ok = None
    else:
        ok = abs(expected - actual) < 1e-9
    rows.append(dict(check=check, table=table, row=row, cell=cell, applicant=applicant,
                     expected=expected, actual=actual, ok=ok, detail=detail))


def _sum(values):
    return None if any(v is None for v in values) else sum(values)


CHECK_COLUMNS = [f for f in S.CHECKS_TABLE.fields if f != "report_id"]


def expected_checks(t: Truth) -> pd.DataFrame:
    """The identity, sum, completeness and narrative checks of the printed report."""
    return _frame(S.CHECKS_TABLE, t.check_records, CHECK_COLUMNS)


def _check_records(t: Truth) -> list[dict]:
    out: list[dict] = []
    app = t.app_cells
    for j, a in enumerate(APPLICANT_CODES):
        col = {k: v[j] for k, v in app.items()}
        _check(out, "identity", "applications", None, None, a,
               _sum([col[("received", None)], col[("carried_over", None)]]),
               _sum([col[("processed_total", None)], col[("carried_forward", None)]]))
        _check(out, "outcome_sum", "applications", "processed_total", None, a,
               col[("processed_total", None)], _sum([v for k, v in col.items() if k[0] in S.OUTCOME_ROWS]))
    for (row, reason), v in app.items():
        _check(out, "applicant_sum", "applications", row, reason, "total", v[-1], _sum(v[:-1]))
    for p in S.PROCEEDINGS:
        _check(out, "review_sum", "reviews", p, None, None, t.review_cells[(p, "total")],
               _sum([t.review_cells[(p, r)] for r in S.REVIEW_PARTS]))
    for table in ("applications", "active", "reviews"):
        n, found = t.cell_count(table)
        _check(out, "completeness", table, None, None, None, n, found)
    for row, stated in t.narrative.items():
        _check(out, "narrative", "applications", row, None, "total", app[(row, None)][-1], stated)
    return out


# --------------------------------------------------------------------------
# Rendering: a report is a list of blocks; a table is rows of merged cells
# --------------------------------------------------------------------------
@dataclass
class _Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    header: bool = False   # a column label (wrapped in the ``cells`` layout)
    value: bool = False    # a number cell; "" means printed blank


class _Printer:
    """Every random choice of how a truth is printed in one layout."""

    def __init__(self, truth: Truth, layout: str, noise: bool, style: str | None):
        if layout not in _LAYOUT_SEEDS:
            raise ValueError(f"layout must be one of {tuple(_LAYOUT_SEEDS)}, not {layout!r}")
        self.rng = rng = np.random.default_rng([truth.seed, _LAYOUT_SEEDS[layout], int(noise)])
        self.layout, self.noise = layout, noise
        self.style = style or str(rng.choice(LAYOUT_STYLES[layout]))
        if self.style not in STYLES:
            raise ValueError(f"style must be one of {STYLES}, not {self.style!r}")
        self.fullwidth = noise and rng.random() < 0.3
        self.halfwidth_punct = noise and rng.random() < 0.5
        self.spaced = noise and rng.random() < 0.5
        self.trailing = noise and layout not in ("markdown", "html") and rng.random() < 0.5
        self.variants = noise and rng.random() < 0.5
        self.chrome = layout == "html" or (noise and rng.random() < 0.5)
        # 2019 procurement amount: 41.13万元, 32445 万元, a 单位：万元 header, or 251000元
        self.money_style = str(rng.choice(["unit", "unit_space", "header", "yuan"]))
        self.thousands = noise and rng.random() < 0.3  # money as 1,447.3263
        self.increase = str(rng.choice(["增{}", "增 {}", "{}"]))
        self.decrease = str(rng.choice(["减{}", "减 {}"]))
        self.headings = {k: (str(rng.choice(v)) if noise else v[0]) for k, v in HEADINGS.items()}
        text_noise = noise and layout in ("tab", "pipe")
        # seeds 000, 002: some rows lose their leading blank cells, which trail instead
        self.rotate_rows = noise and layout == "tab" and rng.random() < 0.3
        self.office_html = noise and layout == "html" and rng.random() < 0.6
        # seed 000: 一、 | 本年新收… in two cells, and a trailing empty cell on data rows
        self.split_numbering = text_noise and rng.random() < 0.3
        self.trailing_cell = text_noise and rng.random() < 0.3
        # seed 000: agency and year-title on separate lines; seed 001: tables in an appendix
        self.split_title = noise and layout != "html" and rng.random() < 0.2
        self.appendix = noise and layout != "html" and rng.random() < 0.15
        # spaced, flattened: a stray single space inside some labels (no draw for other layouts)
        self.stray = noise and layout in ("spaced", "flattened")

    # -- labels ------------------------------------------------------------
    def label(self, text: str) -> str:
        if self.variants and text in LABEL_VARIANTS and self.rng.random() < 0.5:
            text = str(self.rng.choice(LABEL_VARIANTS[text]))
        if self.spaced and self.rng.random() < 0.4:
            text = _space_out(text, self.rng)
        if self.halfwidth_punct:
            text = text.translate(HALFWIDTH)
        if self.trailing and self.rng.random() < 0.3:
            text += " "
        if self.stray and self.rng.random() < 0.15:
            text = _stray_space(text, self.rng)
        return text

    def number(self, v, money: bool = False) -> str:
        if v is None:
            return ""
        s = _plain(v, thousands=money and self.thousands)
        return s.translate(FULLWIDTH_DIGITS) if self.fullwidth else s

    def active_value(self, measure: str, v) -> str:
        if v is None:
            return ""
        if measure == "change":
            if v > 0:
                return self.increase.format(self.number(v))
            if v < 0:
                return self.decrease.format(self.number(-v))
        if measure == "procurement_amount" and self.money_style == "yuan":
            return self.number(round(v * 10_000), money=True) + "元"
        if measure == "procurement_amount" and self.money_style != "header":
            space = " " if self.money_style == "unit_space" else ""
            return self.number(v, money=True) + space + MONEY_UNIT
        return self.number(v, money=measure in MONEY_MEASURES)

    def measure_label(self, measure: str, text: str) -> str:
        if measure == "procurement_amount" and self.money_style == "header":
            text += "（单位：万元）"
        return self.label(text)


HALFWIDTH = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":"})
FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_NUMBERING = re.compile(r"^([一二三四五六七八九]、|（[一二三四五六七]）|\d\.)")


def _plain(v, thousands: bool = False) -> str:
    """A number as reports print it: integers without a decimal point; ``thousands``
    groups the integer part (``1,447.3263``)."""
    v = float(v)
    s = str(int(v)) if v.is_integer() else repr(v)
    if thousands:
        whole, dot, frac = s.partition(".")
        s = f"{int(whole):,}{dot}{frac}"
    return s


def _space_out(text: str, rng) -> str:
    """``（三）不予公开`` -> ``（三） 不 予 公 开`` (short labels only, as in seed 000)."""
    m = _NUMBERING.match(text)
    prefix, rest = (m.group(0), text[m.end():]) if m else ("", text)
    if not 2 <= len(rest) <= 8 or " " in rest:
        return text
    return (prefix + " " if prefix else "") + " ".join(rest)


def _stray_space(text: str, rng) -> str:
    """``行政规范性文件`` -> ``行政规 范性文件``: one space between two non-space characters."""
    spots = [i for i in range(1, len(text)) if not text[i - 1].isspace() and not text[i].isspace()]
    if not spots:
        return text
    i = spots[int(rng.integers(len(spots)))]
    return text[:i] + " " + text[i:]


def _active_table(t: Truth, p: _Printer) -> list[list[_Cell]]:
    rows = []
    for item_no, items, measures in ACTIVE_BLOCKS[t.active_template]:
        rows.append([_Cell(p.label(f"第二十条第{item_no}项"), colspan=ACTIVE_WIDTH,
                           header=True)])
        spans = [1] * len(measures)
        spans[-1] = ACTIVE_WIDTH - len(measures)
        rows.append([_Cell(p.label("信息内容"), header=True)]
                    + [_Cell(p.measure_label(m, lab), colspan=s, header=True)
                       for (m, lab), s in zip(measures, spans)])
        for item, lab in items:
            rows.append([_Cell(p.label(lab))]
                        + [_Cell(p.active_value(m, t.active_cells[(item, m)]), colspan=s, value=True)
                           for (m, _), s in zip(measures, spans)])
    return rows


def _applications_table(t: Truth, p: _Printer) -> list[list[_Cell]]:
    H = lambda text, **kw: _Cell(p.label(text), header=True, **kw)  # noqa: E731
    rows = [
        [H(APPLICATION_CORNER, colspan=3, rowspan=3), H(APPLICANT_GROUP, colspan=7)],
        [H(APPLICANT_LABELS["natural_person"], rowspan=2), H(ORG_GROUP, colspan=5),
         H(APPLICANT_LABELS["total"], rowspan=2)],
        [H(APPLICANT_LABELS[a]) for a in S.APPLICANT_PARTS[1:]],
    ]
    printed = [k for k in application_skeleton(t.other_split) if k not in t.missing_rows]
    n_outcome = sum(k[0] in S.OUTCOME_ROWS or k[0] == "processed_total" for k in printed)
    for row, reason in printed:
        values = [_Cell(p.number(v), value=True) for v in t.app_cells[(row, reason)]]
        labels = []
        if row in S.OUTCOME_ROWS or row == "processed_total":
            if row == "granted":
                labels.append(_Cell(p.label(OUTCOME_GROUP), rowspan=n_outcome))
            if reason is None:
                labels.append(_Cell(p.label(ROW_LABELS[row]), colspan=2))
            else:
                group = [k for k in printed if k[0] == row]
                if group[0] == (row, reason):
                    labels.append(_Cell(p.label(ROW_LABELS[row]), rowspan=len(group)))
                labels.append(_Cell(p.label(S.APPLICATION_REASONS[reason])))
        elif p.split_numbering:
            number, rest = ROW_LABELS[row][:2], ROW_LABELS[row][2:]
            labels += [_Cell(number), _Cell(p.label(rest), colspan=2)]
        else:
            labels.append(_Cell(p.label(ROW_LABELS[row]), colspan=3))
        rows.append(labels + values)
    return rows


def _reviews_table(t: Truth, p: _Printer) -> list[list[_Cell]]:
    H = lambda text, **kw: _Cell(p.label(text), header=True, **kw)  # noqa: E731
    results = [H(S.REVIEW_RESULTS[r]) for r in S.REVIEW_RESULTS]
    return [
        [H(PROCEEDING_LABELS["review"], colspan=5), H(SUIT_GROUP, colspan=10)],
        [H(S.REVIEW_RESULTS[r], rowspan=2) for r in S.REVIEW_RESULTS]
        + [H(PROCEEDING_LABELS["suit_direct"], colspan=5),
           H(PROCEEDING_LABELS["suit_after_review"], colspan=5)],
        results + [H(S.REVIEW_RESULTS[r]) for r in S.REVIEW_RESULTS],
        [_Cell(p.number(t.review_cells[k]), value=True) for k in REVIEW_SKELETON[:t.reviews_printed]],
    ]


def _narrative(t: Truth, p: _Printer) -> str:
    n = {k: p.number(v) for k, v in t.narrative.items()}
    if not n:
        return f"{t.year}年，本机关未收到政府信息公开申请。"
    if "carried_over" in n:
        return (f"{t.year}年，共新收政府信息公开申请{n['received']}件，上年结转{n['carried_over']}件，"
                f"办结{n['processed_total']}件，结转下年度继续办理{n['carried_forward']}件。")
    template = str(p.rng.choice(RECEIVED_PHRASES))
    return f"{t.year}年，" + template.format(n["received"], n["processed_total"])


def _enumerate(phrases) -> str:
    return "；".join(f"{ORDINALS[i]}是{s}" for i, s in enumerate(phrases)) + "。"


def _blocks(t: Truth, p: _Printer) -> list[tuple[str, object]]:
    """The report as (kind, content) blocks: title, heading, para, table."""
    rng = p.rng
    pick = lambda xs, k=1: [str(x) for x in rng.choice(xs, size=k, replace=False)]  # noqa: E731
    year = f"{t.year} 年" if p.noise and rng.random() < 0.3 else f"{t.year}年"
    published = int(t.app_cells[("received", None)][-1] or 0) * 3 + int(rng.integers(20, 2000))
    problems = pick(PROBLEM_PHRASES, int(rng.integers(2, 4)))
    measures = pick(MEASURE_PHRASES, int(rng.integers(2, 4)))
    title = [("title", f"{t.agency}{year}政府信息公开工作年度报告")]
    if p.split_title:
        title = [("title", t.agency), ("title", f"{year}度政府信息公开工作年度报告")]
    sections = {
        "overview": [
            ("para", pick(OVERVIEW_PHRASES)[0].format(year=t.year, agency=t.agency)),
            ("para", f"（一）主动公开情况。{t.year}年，通过政府网站主动公开政府信息{published}条。"),
            ("para", "（二）依申请公开情况。" + _narrative(t, p)),
            ("para", pick(MANAGEMENT_PHRASES)[0]),
            ("para", pick(PLATFORM_PHRASES)[0]),
            ("para", pick(OVERSIGHT_PHRASES)[0])],
        "active": [("table", _active_table(t, p))],
        "applications": [("table", _applications_table(t, p))],
        "reviews": ([("para", "本年度没有因政府信息公开引起的行政复议、行政诉讼。")]
                    if p.noise and not any(t.review_cells.values()) and rng.random() < 0.5 else [])
        + [("table", _reviews_table(t, p))],
        "problems": [
            ("para", "政府信息公开工作取得了一定成效，但仍存在一些不足：" + _enumerate(problems)),
            ("para", "下一步，我们将重点做好以下工作：" + _enumerate(measures))],
        "other": [("para", pick(OTHER_PHRASES)[0])],
    }
    if p.appendix:  # seed 001: narrative sections first, the tables in an appendix
        order = ["overview", "problems", "other"]
        headings = {name: ORDINALS[i] + p.headings[name][1:] for i, name in enumerate(order)}
        tables = [("para", "附：政府信息公开工作年度报告表")]
        for i, name in enumerate(["active", "applications", "reviews"]):
            tables += [("heading", f"{i + 1}、{p.headings[name][2:]}")] + sections[name]
    else:
        order, headings, tables = list(sections), p.headings, []
    intro = ("para", "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定编制本报告。"
                     f"本报告所列数据的统计期限为{t.year}年1月1日至{t.year}年12月31日。")
    body = [b for name in order for b in [("heading", headings[name])] + sections[name]]
    signature = [("para", t.agency), ("para", f"{t.year + 1}年1月{int(rng.integers(10, 29))}日")]
    return title + [intro] + body + tables + signature


def _place(table: list[list[_Cell]]) -> tuple[dict, dict]:
    """Grid positions of merged cells: ``placed[(r, c)]`` is the cell whose top-left is there;
    ``taken[(r, c)]`` is "cell", or "col" when covered by a colspan of the same row, "row"
    under the first column of a cell spanning down from above, "rowx" under its others."""
    taken: dict[tuple[int, int], str] = {}
    placed: dict[tuple[int, int], _Cell] = {}
    for r, row in enumerate(table):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed[(r, c)] = cell
            taken[(r, c)] = "cell"
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if dr or dc:
                        taken[(r + dr, c + dc)] = "col" if dr == 0 else ("row" if dc == 0 else "rowx")
            c += cell.colspan
    return placed, taken


def _grid(table: list[list[_Cell]]) -> list[list[tuple[str, _Cell | None]]]:
    """Expand merged cells: each row's positions as (kind, cell) pairs (see :func:`_place`)."""
    placed, taken = _place(table)
    width = [0] * len(table)
    for r, c in taken:
        if r < len(table):
            width[r] = max(width[r], c + 1)
    return [[(taken.get((r, c), "col"), placed.get((r, c))) for c in range(width[r])]
            for r in range(len(table))]


def _text_rows(table: list[list[_Cell]], style: str) -> list[list[_Cell]]:
    """The cells each printed line of a text table holds, in a merge style."""
    keep = {"grid": {"col", "row", "rowx"}, "rowspan_blank": {"row"}, "compact": set()}[style]
    return [[cell if kind == "cell" else _Cell("") for kind, cell in row if kind == "cell" or kind in keep]
            for row in _grid(table)]


def _filled(row: list[_Cell]) -> bool:
    """No number cell of the row is printed blank."""
    return all(c.text for c in row if c.value)


def _rotate(row: list[_Cell]) -> list[_Cell]:
    """Move a row's leading blank cells to its end (``→→2.重复申请→0…`` → ``2.重复申请→0…→→``)."""
    lead = next((i for i, c in enumerate(row) if c.text or c.value), 0)
    if lead == 0 or row[lead].value:
        return row
    return row[lead:] + row[:lead]


def _wrap(text: str, rng) -> str:
    """Wrap a header label over lines, as PDF/Word extraction does (seed 004)."""
    if len(text) < 4 or rng.random() < 0.5:
        return text
    width = 2 if len(text) == 4 else (len(text) + 1) // 2 if len(text) <= 8 else 16
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


def _render_table_text(table, p: _Printer) -> str:
    rows = _text_rows(table, p.style)
    # positional noise only where it stays unambiguous: not in rows with a blank number
    # (``label→→5→…`` could be a blank label column or a blank first number)
    if p.trailing_cell:
        rows = [row + [_Cell("")] if row and row[-1].value and _filled(row) else row for row in rows]
    if p.rotate_rows:
        rows = [_rotate(row) if _filled(row) and p.rng.random() < 0.2 else row for row in rows]
    if p.layout == "tab":
        return "\n".join("\t".join(c.text for c in row) for row in rows)
    if p.layout == "pipe":
        return "\n".join(" | ".join(c.text for c in row) + " |" for row in rows)
    if p.layout == "markdown":
        width = max(len(r) for r in rows)
        lines = ["| " + " | ".join([c.text for c in row] + [""] * (width - len(row))) + " |"
                 for row in rows]
        return "\n".join(lines[:1] + ["|" + "---|" * width] + lines[1:])
    # cells: one cell per line, a blank line between cells; a blank value cell is a space
    return "\n\n".join(_wrap(c.text, p.rng) if c.header else (c.text or " ")
                       for row in rows for c in row)


# --------------------------------------------------------------------------
# Extra text layouts (EXTRA_LAYOUTS): PDF text, flattened web pages, PDF-to-Markdown
# --------------------------------------------------------------------------
def _display_width(text: str) -> int:
    """Columns a monospaced terminal gives ``text``: wide (CJK, full-width) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, align: str) -> str:
    room = width - _display_width(text)
    if align == "right":
        return " " * room + text
    if align == "center":
        return " " * (room // 2) + text + " " * (room - room // 2)
    return text + " " * room


_VERTICAL_PREFIX = re.compile(r"^([一二三四五六七八九]、|[（(][一二三四五六七八九][）)])")


def _vertical_chunks(text: str) -> list[str]:
    """A label printed down a column, one character a line; its ordinal stays whole
    (``三、本年度办理结果`` -> ``三、``, ``本``, ``年``, …)."""
    text = "".join(text.split())
    m = _VERTICAL_PREFIX.match(text)
    return ([m.group(0)] if m else []) + list(text[m.end() if m else 0:])


def _header_lines(text: str, rng) -> list[str]:
    """A header label as a narrow PDF column prints it: a word of 4–8 characters sometimes
    wrapped over two lines, letter-spaced (``商 业 企`` / ``业``); a long phrase split in two."""
    chars = "".join(text.split())
    if len(chars) > 12:
        middle = len(chars) // 2
        cut = min((i + 1 for i, ch in enumerate(chars) if ch in "，,"), key=lambda i: abs(i - middle),
                  default=middle)
        return [chars[:cut], chars[cut:]]
    if 4 <= len(chars) <= 8 and rng.random() < 0.6:
        k = int(rng.integers((len(chars) + 1) // 2, len(chars)))
        return [" ".join(chars[:k]), " ".join(chars[k:])]
    return [text]


def _spaced_table(table, p: _Printer, page_break: list[str] | None = None) -> list[str]:
    """A table as ``pdftotext -layout`` prints it: every grid column padded to its display
    width, 2+ spaces between columns, a blank cell as spaces; cells spanning rows printed
    one character a line down their rows (rows grow lines where they need more); headers
    wrapped.  ``page_break`` lines (a footer, then a line starting with a form feed) go
    in before a random data row."""
    rng = p.rng
    placed, taken = _place(table)
    n_rows, n_cols = len(table), 1 + max(c for _, c in taken)
    centered = rng.random() < 0.5          # vertical labels centred in their rows, or on top
    number_align = str(rng.choice(["right", "center"]))
    gap = [0] + [int(rng.integers(2, 5)) for _ in range(n_cols - 1)]  # spaces before column c
    content = {}                           # (r, c) -> (lines, align, vertical)
    for (r, c), cell in sorted(placed.items()):
        if cell.rowspan > 1 and cell.colspan == 1 and cell.text.strip():
            content[(r, c)] = (_vertical_chunks(cell.text), "left", True)
        elif cell.header and cell.text.strip():
            lines = _header_lines(cell.text, rng) if cell.colspan == 1 or len(cell.text) > 12 else [
                cell.text]
            content[(r, c)] = (lines, "center", False)
        else:
            content[(r, c)] = ([cell.text], number_align if cell.value else "left", False)
    # line heights of the rows: a row's own cells first, then cells spanning rows
    height = [1] * n_rows
    for (r, c), (lines, _, _) in content.items():
        if placed[(r, c)].rowspan == 1:
            height[r] = max(height[r], len(lines))
    for (r, c), (lines, _, _) in sorted(content.items(), key=lambda kv: placed[kv[0]].rowspan):
        span = min(placed[(r, c)].rowspan, n_rows - r)
        for i in range(len(lines) - sum(height[r:r + span])):
            height[r + i % span] += 1
    start = [0]
    for h in height:
        start.append(start[-1] + h)
    # column widths: one-column cells first, then cells spanning columns widen their last column
    width = [0] * n_cols
    for (r, c), (lines, _, _) in sorted(content.items(), key=lambda kv: placed[kv[0]].colspan):
        span = placed[(r, c)].colspan
        need = max(_display_width(x) for x in lines)
        have = sum(width[c:c + span]) + sum(gap[c + 1:c + span])
        width[c + span - 1] += max(0, need - have)
    canvas: list[dict] = [{} for _ in range(start[-1])]
    for (r, c), (lines, align, vertical) in content.items():
        cell = placed[(r, c)]
        block = start[min(r + cell.rowspan, n_rows)] - start[r]
        offset = (block - len(lines)) // 2 if vertical and centered else 0
        for i, text in enumerate(lines):
            canvas[start[r] + offset + i][c] = (text, cell.colspan, align)
    out = []
    for line in canvas:
        parts, c = [], 0
        while c < n_cols:
            parts.append(" " * gap[c])
            text, span, align = line.get(c, ("", 1, "left"))
            parts.append(_pad(text, sum(width[c:c + span]) + sum(gap[c + 1:c + span]), align))
            c += span
        out.append("".join(parts).rstrip())
    if page_break:
        data_rows = [r for r in range(n_rows) if any(c.value for c in table[r])]
        if len(data_rows) > 4:
            at = start[data_rows[int(rng.integers(2, len(data_rows) - 2))]]
            if page_break[-1] == "\f":  # no running header: the page's first line starts with it
                out[at], page_break = "\f" + out[at], page_break[:-1]
            out[at:at] = page_break
    return out


def _page_break(p: _Printer, title: str) -> list[str]:
    """The lines a page break leaves in PDF text: a footer (``- 3 -`` or a bare page number),
    then the next page, which starts with a form feed, sometimes with a running header (a
    last line of just ``\f`` goes in front of the table's next line)."""
    rng = p.rng
    page = int(rng.integers(2, 6))
    footer = " " * int(rng.integers(20, 50)) + (f"- {page} -" if rng.random() < 0.6 else str(page))
    if rng.random() < 0.5:
        return ["", footer, "\f" + " " * int(rng.integers(0, 20)) + title, ""]
    return ["", footer, "\f"]


def _render_spaced(t: Truth, p: _Printer, blocks) -> str:
    rng = p.rng
    title = "".join(content for kind, content in blocks if kind == "title")
    breaks = rng.random() < 0.5  # a page break in the applications table
    out: list[str] = []
    n_table = 0
    for kind, content in blocks:
        if kind == "table":
            page = _page_break(p, title) if breaks and n_table == 1 else None
            out += [""] + _spaced_table(content, p, page) + [""]
            n_table += 1
        elif kind == "title":
            out.append(" " * int(rng.integers(8, 30)) + content)
        else:
            out.append(content)
    return "\n".join(out) + "\n"


def _flat_table(table, p: _Printer) -> str:
    """A table flattened: rows glued to each other, cells glued in most rows (a blank cell
    vanishes), single spaces between some cells of some rows (``0 0 0 0 0 00``)."""
    rng = p.rng
    out = ""
    for row in _text_rows(table, p.style):
        texts = [c.text for c in row]
        if texts and any(c.value for c in row) and rng.random() < 0.25:
            line = texts[0] + "".join((" " if rng.random() < 0.7 else "") + x for x in texts[1:])
        else:
            line = "".join(texts)
        out += (" " if out and rng.random() < 0.05 else "") + line
    return out


def _render_flattened(t: Truth, p: _Printer, blocks) -> str:
    rng = p.rng
    title = "".join(content for kind, content in blocks if kind == "title")
    body = ""
    for kind, content in blocks:
        piece = _flat_table(content, p) if kind == "table" else content
        body += (" " if body and rng.random() < 0.3 else "") + piece
    day, hour, minute = int(rng.integers(10, 29)), int(rng.integers(8, 18)), int(rng.integers(0, 60))
    before = [f"标题: {title}", f"发布时间: {t.year + 1}-01-{day} {hour:02d}:{minute:02d}",
              "当前位置：首页 > 政务公开 > 政府信息公开工作年度报告", f"来源: {t.agency}"]
    before = [before[i] for i in sorted(rng.choice(len(before), size=int(rng.integers(2, 5)),
                                                   replace=False))]
    if rng.random() < 0.6:
        before.append("==== 正文 ====")
    after = ["[ 打印本页 | 关闭窗口 ]", "责任编辑：管理员", "分享到："]
    after = after[:int(rng.integers(1, 4))]
    return "\n".join(before + [body] + after) + "\n"


def _halves(text: str, rng) -> tuple[str, str]:
    """A header label cut in two (``商业企业`` -> ``商业``, ``企业``); short ones stay whole."""
    chars = "".join(text.split())
    if len(chars) < 4:
        return text, ""
    k = int(rng.integers(len(chars) // 2, len(chars) // 2 + 2)) if len(chars) > 4 else 2
    return chars[:k], chars[k:]


def _broken_markdown_table(table, p: _Printer) -> list[str]:
    """A pipe table as PDF-to-Markdown tools leave it: header rows cut into fragment rows,
    some data rows split in two (label row, then the numbers with empty label cells), some
    labels on a line of their own outside the table (the numbers follow in a row with no
    label cells), sometimes no ``|---|`` separator row."""
    rng = p.rng
    rows = _text_rows(table, p.style)
    width = max(len(r) for r in rows)
    separator = rng.random() < 0.7
    out: list = []   # rows (lists of cell texts) and plain lines (str)
    for row in rows:
        texts = [c.text.strip() for c in row]
        is_header = any(c.header for c in row) and all(c.header or not c.text.strip() for c in row)
        labelled = any(c.value for c in row) and any(not c.value and c.text.strip() for c in row)
        draw = rng.random()
        if is_header and draw < 0.35 and any(len("".join(x.split())) >= 4 for x in texts):
            parts = [_halves(x, rng) if c.header else (x, "") for x, c in zip(texts, row)]
            out += [[a for a, _ in parts], [b for _, b in parts]]
        elif labelled and draw < 0.2:
            out += [[x if not c.value else "" for x, c in zip(texts, row)],
                    [x if c.value else "" for x, c in zip(texts, row)]]
        elif labelled and draw < 0.28:
            out.append(" ".join(x for x, c in zip(texts, row) if x and not c.value))
            out.append([x for x, c in zip(texts, row) if c.value])
        else:
            out.append(texts)
    lines, first = [], True
    for item in out:
        if isinstance(item, str):
            lines += ["", item, ""]
            first = True
            continue
        lines.append("| " + " | ".join(item + [""] * (width - len(item))) + " |")
        if first and separator:
            lines.append("|" + "---|" * width)
        first = False
    return lines


def _render_broken_markdown(t: Truth, p: _Printer, blocks) -> str:
    rng = p.rng
    heading = str(rng.choice(["## {}", "**{}**", "{}"]))
    out: list[str] = []
    for kind, content in blocks:
        if kind == "table":
            out.append("\n".join(_broken_markdown_table(content, p)).strip("\n"))
        elif kind == "title":
            out.append("# " + content)
        elif kind == "heading":
            out.append(heading.format(content))
        else:
            out.append(content)
    return "\n\n".join(out) + "\n"


_EXTRA_RENDERERS = {"spaced": _render_spaced, "flattened": _render_flattened,
                    "broken_markdown": _render_broken_markdown}


def render(truth: Truth, layout: str = "tab", *, noise: bool = False, style: str | None = None) -> str:
    """Print ``truth`` as a complete report in ``layout`` (one of :data:`LAYOUTS` or
    :data:`EXTRA_LAYOUTS`).

    ``noise`` adds label variants seen in real reports (spaced-out labels, half-width
    punctuation, full-width digits, trailing spaces, variant headings, page chrome);
    ``style`` fixes how merged cells of text tables are printed (:data:`STYLES`;
    default: a random style that suits the layout; ``spaced`` always lays cells out on
    the full grid).  Deterministic for a given truth, layout, noise and style.
    """
    if layout in BINARY_LAYOUTS:
        raise ValueError(f"{layout} is a binary layout: use render_bytes()")
    p = _Printer(truth, layout, noise, style)
    if layout == "html":
        return _render_html(truth, p)
    if layout in _EXTRA_RENDERERS:
        return _EXTRA_RENDERERS[layout](truth, p, _blocks(truth, p))
    out = []
    if p.chrome:
        out += ["当前位置：首页", " > 政务公开 > 政府信息公开工作年度报告"]
    for kind, content in _blocks(truth, p):
        if kind == "table":
            out.append(_render_table_text(content, p))
        elif layout == "markdown" and kind in ("title", "heading"):
            out.append(("# " if kind == "title" else "## ") + content)
        else:
            out.append(content)
    if p.chrome:
        out += ["责任编辑：管理员", "[ 打印本页 | 关闭窗口 ]"]
    sep = "\n" if layout == "pipe" and p.rng.random() < 0.5 else "\n\n"
    return sep.join(out) + "\n"


def render_bytes(truth: Truth, layout: str = "tab", *, noise: bool = False, style: str | None = None,
                 encoding: str = "utf-8") -> bytes:
    """The file of ``truth`` in any of :data:`ALL_LAYOUTS` or :data:`EXTRA_LAYOUTS`: text
    layouts encoded with
    ``encoding``; ``docx`` (python-docx) and ``pdf`` (reportlab, the kit's CJK font) with
    real merged cells and grid lines.  Deterministic, like :func:`render`."""
    if layout == "docx":
        return _render_docx(truth, _Printer(truth, layout, noise, style))
    if layout == "pdf":
        return _render_pdf(truth, _Printer(truth, layout, noise, style))
    if layout == "scan":
        return _render_scan(truth, noise, style)
    return render(truth, layout, noise=noise, style=style).encode(encoding)


def _spans(table) -> tuple[int, int, list[tuple[int, int, _Cell]]]:
    """(rows, columns, [(row, column, cell)]) of a table of merged cells."""
    placed, taken = _place(table)
    width = 1 + max(c for _, c in taken)
    return len(table), width, [(r, c, cell) for (r, c), cell in placed.items()]


def _render_docx(t: Truth, p: _Printer) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    when = datetime.datetime(t.year + 1, 1, 15, 9, 0, 0)
    props = d.core_properties
    props.author = props.last_modified_by = t.agency
    props.created = props.modified = when
    props.revision = 1
    for kind, content in _blocks(t, p):
        if kind == "table":
            n_rows, width, cells = _spans(content)
            table = d.add_table(rows=n_rows, cols=width)
            table.style = "Table Grid"
            grid = [list(row.cells) for row in table.rows]  # table.cell() is O(table) a call
            for r, c, cell in cells:
                target = grid[r][c]
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(grid[r + cell.rowspan - 1][c + cell.colspan - 1])
                target.text = cell.text
            continue
        para = d.add_paragraph()
        run = para.add_run(content)
        if kind == "title":
            props.title = content
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run.bold = kind in ("title", "heading")
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with fixed member timestamps (python-docx stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


PDF_FONT = Path(__file__).parent / "fonts" / "GxbgKitSansSC-Regular.ttf"
#: Column widths (points) of the PDF tables, by number of grid columns; A4 less 2 × 40 pt.
PDF_WIDTHS = {4: [155, 120, 120, 120], 10: [40, 75, 120] + [40] * 7, 15: [515 / 15] * 15}


def _render_pdf(t: Truth, p: _Printer) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if "GxbgSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("GxbgSans", str(PDF_FONT)))
    style = {kind: ParagraphStyle(kind, fontName="GxbgSans", wordWrap="CJK", **kw) for kind, kw in {
        "title": dict(fontSize=15, leading=22, alignment=1, spaceAfter=10),
        "heading": dict(fontSize=11, leading=18, spaceBefore=6),
        "para": dict(fontSize=10.5, leading=16, firstLineIndent=21),
        "cell": dict(fontSize=7.5, leading=9.5, alignment=1)}.items()}
    story = []
    for kind, content in _blocks(t, p):
        if kind != "table":
            story.append(Paragraph(_html.escape(content), style[kind]))
            continue
        n_rows, width, cells = _spans(content)
        data = [[""] * width for _ in range(n_rows)]
        widths = PDF_WIDTHS.get(width) or [515 / width] * width
        commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("FONT", (0, 0), (-1, -1), "GxbgSans", 7.5),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (-1, -1), "CENTER")]
        for r, c, cell in cells:
            data[r][c] = Paragraph(_html.escape(cell.text), style["cell"]) if not cell.value else cell.text
            if cell.rowspan > 1 or cell.colspan > 1:
                commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
            if cell.value and cell.text:  # a long number is set smaller, never over the grid line
                room = sum(widths[c:c + cell.colspan]) - 5
                need = pdfmetrics.stringWidth(cell.text, "GxbgSans", 7.5)
                if need > room:
                    commands.append(("FONTSIZE", (c, r), (c, r), 7.5 * room / need))
        story += [Table(data, colWidths=widths, style=TableStyle(commands)), Spacer(1, 8)]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=40, rightMargin=40, topMargin=50,
                      bottomMargin=50, title=t.agency, author=t.agency, invariant=1).build(story)
    return buf.getvalue()


#: How the ``scan`` layout scans its paper: resolution (dpi), the largest skew (degrees,
#: either way), the blur (Gaussian radius, pixels) and the scanner noise (standard
#: deviation of the grey levels, 0..255).
SCAN_DPI = 150
SCAN_SKEW = 0.6
SCAN_BLUR = 0.6
SCAN_NOISE = 8.0


def _render_scan(t: Truth, noise: bool, style: str | None) -> bytes:
    """The ``pdf`` layout of ``t`` printed and scanned: every page rasterised at
    :data:`SCAN_DPI` in grey, turned by a random angle within ±:data:`SCAN_SKEW`°,
    blurred, given Gaussian noise and saved as an image-only PDF (one JPEG per
    page, reportlab's invariant mode: the same truth gives the same bytes)."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    printed = _render_pdf(t, _Printer(t, "pdf", noise, style))
    rng = np.random.default_rng([t.seed, _LAYOUT_SEEDS["scan"], int(noise)])
    doc = pdfium.PdfDocument(printed)
    out = io.BytesIO()
    c = canvas.Canvas(out, invariant=1)
    for page in doc:
        w, h = page.get_size()
        img = page.render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L")
        img = img.rotate(float(rng.uniform(-SCAN_SKEW, SCAN_SKEW)), resample=Image.BICUBIC,
                         fillcolor=255).filter(ImageFilter.GaussianBlur(SCAN_BLUR))
        pixels = np.asarray(img, dtype=np.float32) + rng.normal(0, SCAN_NOISE, (img.height, img.width))
        img = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=85)
        buf.seek(0)
        c.setPageSize((w, h))
        c.drawImage(ImageReader(buf), 0, 0, width=w, height=h)
        c.showPage()
    doc.close()
    c.save()
    return out.getvalue()


def render_html(truth: Truth, *, noise: bool = False) -> str:
    """Print ``truth`` as a full HTML page (tables with colspan/rowspan, page chrome)."""
    return render(truth, "html", noise=noise)


def _html_table(table, p: _Printer) -> str:
    """A <table> with colspan/rowspan; with noise, as office-exported pages print it:
    <th> headers, labels wrapped with <br/>, <span> wrappers, &nbsp; around numbers."""
    lines = ['<table border="1" cellspacing="0" cellpadding="0" style="width:100%">', "<tbody>"]
    for row in table:
        tds = []
        for c in row:
            attrs = (f' colspan="{c.colspan}"' if c.colspan > 1 else "") + (
                f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "")
            tag = "th" if c.header and p.office_html else "td"
            if not c.text.strip():
                text = "&nbsp;"
            elif c.header and p.office_html:
                text = "<br/>".join(_html.escape(x, quote=False) for x in _wrap(c.text, p.rng).split("\n"))
            else:
                text = _html.escape(c.text, quote=False)
            if p.office_html:
                pad = "&nbsp;" if c.value and p.rng.random() < 0.3 else ""
                text = f'<span style="font-family:宋体;font-size:10.5pt">{pad}{text}{pad}</span>'
            tds.append(f'<{tag}{attrs}><p style="text-align:center">{text}</p></{tag}>')
        lines.append("<tr>" + "".join(tds) + "</tr>")
    return "\n".join(lines + ["</tbody>", "</table>"])


def _render_html(t: Truth, p: _Printer) -> str:
    body = []
    title = ""
    for kind, content in _blocks(t, p):
        if kind == "title":
            title = content
            body.append(f'<h1 class="title">{_html.escape(content)}</h1>')
            body.append(f'<div class="info">发布时间：{t.year + 1}-01-{int(p.rng.integers(10, 29))} 10:00'
                        f'&nbsp;&nbsp;来源：{_html.escape(t.agency)}&nbsp;&nbsp;字号：[大 中 小]</div>')
            body.append('<div class="content" id="zoom">')
        elif kind == "heading":
            body.append(f'<p style="text-indent:2em"><strong>{_html.escape(content)}</strong></p>')
        elif kind == "table":
            body.append(_html_table(content, p))
        else:
            body.append(f'<p style="text-indent:2em">{_html.escape(content)}</p>')
    body.append("</div>")
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_html.escape(title)}</title>",
        "<style>",
        "body { font-family: 'Microsoft YaHei', SimSun; } table { border-collapse: collapse; }",
        ".nav:before { content: '一、总体情况 1 2 3'; } td { border: 1px solid #000; }",
        "</style>",
        '<script type="text/javascript">',
        'var pageStats = {"本年新收": 987654, "办结": 123456};',
        'function printPage() { window.print(); } document.title = "三、收到和处理政府信息公开申请情况";',
        "</script>",
        "</head>",
        "<body>",
        '<div class="nav">当前位置：<a href="/">首页</a> &gt; <a href="#">政务公开</a> &gt; 政府信息公开工作年度报告</div>',
        '<div class="article">',
        *body,
        "</div>",
        f'<div class="footer">主办单位：{_html.escape(t.agency)}&nbsp;&nbsp;[ 打印本页 | 关闭窗口 ]</div>',
        '<script>var _hmt = _hmt || []; (function() { var hm = document.createElement("script"); })();</script>',
        "</body>",
        "</html>",
        "",
    ])


# --------------------------------------------------------------------------
# Corpora
# --------------------------------------------------------------------------
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")


@dataclass
class CorpusItem:
    """One report of a corpus: its truth and how it is printed and encoded."""

    truth: Truth
    layout: str
    noise: bool
    encoding: str = "utf-8"

    def render(self) -> str:
        return render(self.truth, self.layout, noise=self.noise)

    def to_bytes(self) -> bytes:
        return render_bytes(self.truth, self.layout, noise=self.noise, encoding=self.encoding)


SCALE_SHARES = {"county": 0.8, "city": 0.17, "province": 0.03}


def iter_corpus(n: int, seed: int, defect_share: float = 0.1, layouts=LAYOUTS,
                templates=TEMPLATES, noise_share: float = 0.3):
    """Yield the items of :func:`generate_corpus` one by one (for large corpora)."""
    rng = np.random.default_rng(seed)
    layouts, templates = list(layouts), list(templates)
    for _ in range(n):
        sub = int(rng.integers(2**63))
        scale = str(rng.choice(list(SCALE_SHARES), p=list(SCALE_SHARES.values())))
        defects = ()
        if rng.random() < defect_share:
            defects = tuple(rng.choice(DEFECTS, size=int(rng.integers(1, 3)), replace=False))
        truth = generate_truth(sub, template=str(rng.choice(templates)), scale=scale, defects=defects)
        layout = str(rng.choice(layouts))
        noise = bool(rng.random() < noise_share)
        # noisy text files come in the encodings real ones use; HTML pages declare UTF-8
        encoding = str(rng.choice(ENCODINGS, p=[0.4, 0.2, 0.3, 0.1]))
        text = layout not in ("html", *BINARY_LAYOUTS, *SCAN_LAYOUTS)
        yield CorpusItem(truth, layout, noise, encoding if noise and text else "utf-8")


def generate_corpus(n: int, seed: int, defect_share: float = 0.1, layouts=LAYOUTS,
                    templates=TEMPLATES, noise_share: float = 0.3) -> list[CorpusItem]:
    """``n`` reports: random template, scale (80 % county, 17 % city, 3 % province), layout,
    noise (a ``noise_share`` of them; noisy text files also get a random encoding) and a
    ``defect_share`` of them with one or two random :data:`DEFECTS`."""
    return list(iter_corpus(n, seed, defect_share, layouts, templates, noise_share))


TRUTH_TABLES = {"applications": (S.APPLICATIONS, _application_records),
                "active": (S.ACTIVE, _active_records),
                "reviews": (S.REVIEWS, _review_records),
                "checks": (S.CHECKS_TABLE, None)}
MANIFEST_COLUMNS = ["file", "report_id", "agency", "year", "template", "layout", "encoding", "scale",
                    "noise", "defects", "expected_failures"]


def write_corpus(folder, n: int, seed: int, *, defect_share: float = 0.1, layouts=LAYOUTS,
                 templates=TEMPLATES, noise_share: float = 0.3, truth_format: str = "parquet",
                 chunk: int = 2000, truth_folder=None) -> pd.DataFrame:
    """Write ``n`` synthetic reports to ``folder`` with their truth.

    Files are ``NNNNNN_<report_id>.<txt|md|html>`` (report_id = the first 16 hex digits of
    the file's SHA-256, as the parser derives it); ``truth/`` holds ``applications``,
    ``active``, ``reviews`` and ``checks`` (the expected checks) as Parquet or CSV with
    that report_id and the file name, written ``chunk`` reports at a time (``truth_folder``
    puts them elsewhere, e.g. out of the way of ``gx.load_corpus(folder)``, which reads every
    file below ``folder``); ``manifest.csv`` has one row per file.  Same seed, same bytes.
    Returns the manifest.
    """
    if truth_format not in ("parquet", "csv"):
        raise ValueError("truth_format must be 'parquet' or 'csv'")
    folder = Path(folder)
    truth_folder = Path(truth_folder) if truth_folder is not None else folder / "truth"
    folder.mkdir(parents=True, exist_ok=True)
    truth_folder.mkdir(parents=True, exist_ok=True)
    writers = {name: _TruthWriter(truth_folder / f"{name}.{truth_format}")
               for name in TRUTH_TABLES}
    records: dict[str, list] = {name: [] for name in TRUTH_TABLES}
    manifest = []
    width = max(6, len(str(n)))
    items = iter_corpus(n, seed, defect_share, layouts, templates, noise_share)
    for i, item in enumerate(items):
        data = item.to_bytes()
        rid = hashlib.sha256(data).hexdigest()[:16]
        name = f"{i:0{width}d}_{rid}.{EXTENSIONS[item.layout]}"
        (folder / name).write_bytes(data)
        t = item.truth
        for table, (_, build) in TRUTH_TABLES.items():
            if build is not None:
                records[table] += [(rid, name, *r) for r in build(t)]
        records["checks"] += [(rid, name, *r.values()) for r in t.check_records]
        manifest.append((name, rid, t.agency, t.year, t.template, item.layout, item.encoding,
                         t.scale, item.noise, ";".join(t.defects),
                         ";".join(sorted(t.expected_failures))))
        if (i + 1) % chunk == 0:
            _flush(writers, records)
    _flush(writers, records, final=True)
    man = pd.DataFrame(manifest, columns=MANIFEST_COLUMNS)
    man.to_csv(folder / "manifest.csv", index=False)
    return man


def _flush(writers, records, final=False) -> None:
    for name, (table, _) in TRUTH_TABLES.items():
        if records[name] or (final and not writers[name].started):
            data = (CHECK_COLUMNS if name == "checks"
                    else [c for c in table.names if c not in ("report_id", "raw", "inferred")])
            writers[name].write(_frame(table, records[name], ["report_id", "file"] + data))
            records[name].clear()
        if final:
            writers[name].close()


class _TruthWriter:
    """Append frames to one Parquet or CSV file."""

    def __init__(self, path: Path):
        self.path, self.started, self._pq = path, False, None

    def write(self, df: pd.DataFrame) -> None:
        if self.path.suffix == ".csv":
            df.to_csv(self.path, mode="a" if self.started else "w", header=not self.started,
                      index=False)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            batch = pa.Table.from_pandas(df, preserve_index=False)
            if self._pq is None:
                self._pq = pq.ParquetWriter(self.path, batch.schema)
            self._pq.write_table(batch.cast(self._pq.schema))
        self.started = True

    def close(self) -> None:
        if self._pq is not None:
            self._pq.close()
            self._pq = None


def main(argv=None) -> None:
    """``python -m gxbg_kit.synth FOLDER N [--seed S] …``: write a synthetic corpus."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m gxbg_kit.synth", description=main.__doc__)
    ap.add_argument("folder")
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--defect-share", type=float, default=0.1)
    ap.add_argument("--noise-share", type=float, default=0.3)
    ap.add_argument("--layouts", default=",".join(LAYOUTS),
                    help=f"comma-separated, of {', '.join(ALL_LAYOUTS + EXTRA_LAYOUTS)}")
    ap.add_argument("--templates", default=",".join(TEMPLATES))
    ap.add_argument("--truth-format", choices=("parquet", "csv"), default="parquet")
    ap.add_argument("--truth-folder", default=None)
    a = ap.parse_args(argv)
    man = write_corpus(a.folder, a.n, a.seed, defect_share=a.defect_share, noise_share=a.noise_share,
                       layouts=a.layouts.split(","), templates=a.templates.split(","),
                       truth_format=a.truth_format, truth_folder=a.truth_folder)
    print(f"wrote {len(man)} reports to {a.folder}")


if __name__ == "__main__":
    main()


def cell_outcomes(truth: Truth, report) -> pd.DataFrame:
    """How each template cell of ``truth`` was read back: one row per cell with
    ``table``, the cell's key columns and ``outcome``: ``right`` (the true value, or NA
    where the truth is blank), ``inferred`` (the true value, placed by the arithmetic
    or the template order), ``na`` (NA where the truth has a value) or ``wrong``.
    The measure of "a wrong number is worse than a missing one"."""
    parts = []
    for name, col in (("applications", "count"), ("active", "value"), ("reviews", "count")):
        table = S.TABLES[name]
        keys = [k for k in table.key if k != "report_id"]
        t = getattr(truth, name)[keys + [col]]
        p = getattr(report, name)[keys + [col, "inferred"]]
        m = t.astype(object).merge(p.astype(object), on=keys, how="left", suffixes=("_t", "_p"))
        a, b = m[col + "_t"], m[col + "_p"]
        a_na, b_na = a.isna(), b.isna()
        same = pd.Series([not x and not y and abs(float(u) - float(v)) < 1e-9
                          for x, y, u, v in zip(a_na, b_na, a, b)], index=m.index, dtype=bool)
        inferred = m["inferred"].map(lambda v: v is True or (not pd.isna(v) and bool(v)))
        outcome = np.select([a_na & b_na, b_na, same & inferred, same],
                            ["right", "na", "inferred", "right"], "wrong")
        parts.append(m[keys].assign(table=name, outcome=outcome))
    return pd.concat(parts, ignore_index=True)
