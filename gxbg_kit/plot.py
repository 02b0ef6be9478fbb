"""Charts of the tidy tables and of the metrics in :mod:`gxbg_kit.analyse`.

Every chart function takes the tidy frames (or the matching
:mod:`gxbg_kit.analyse` output), returns a :class:`matplotlib.figure.Figure`
and never calls ``plt.show()``.  Figures are created through pyplot, so a
notebook shows them with ``plt.show()``; close them with ``plt.close(fig)``.

Language
    Every label of a code (applicant types, outcome rows, reasons, items,
    measures, proceedings, checks, …) comes from one table, :data:`LABELS`,
    with a Chinese and an English label per code; titles and axis labels come
    from :data:`TEXT`.  :func:`set_language` sets the default language
    (``"zh"`` or ``"en"``) and each chart takes ``lang=`` to override it.
    Agency names stay as printed (Chinese) in both languages.

Font
    Importing this module changes no matplotlib setting.  Each chart is drawn
    under :func:`style` (``matplotlib.rc_context``): the CJK font shipped in
    ``gxbg_kit/fonts/`` (a GB2312 subset of Noto Sans CJK SC, SIL Open Font
    License), registered with matplotlib's font manager on the first chart, so
    Chinese renders on machines without Chinese system fonts.
    :func:`setup_fonts` makes the font the global default for your own figures.

Aggregation
    Every chart of reports takes ``by=``: ``None`` (default) draws one bar or
    row per report for at most :data:`MAX_REPORTS` reports and groups by year
    above that; ``"report"`` forces the per-report view (small selections
    only); ``"all"`` pools every report; any other value is a column of
    ``reports`` (``"year"``, ``"level"``, ``"province"``, ``"template"``,
    ``"agency_key"``, …), at most :data:`MAX_GROUPS` groups.  Grouped charts show
    distributions across reports (strip plots with medians), pooled shares and
    rates with Wilson 95 % intervals (:func:`wilson_interval`); each tick says
    how many reports it stands for ("2021 (n=12)") and every title gives n.
    Tick labels that would overlap are turned, shrunk or thinned.

Determinism
    Fixed figure sizes and DPI, fixed ordering (the order of the analyse
    frames: year, agency, report; codes in template order), fixed colours per
    code, ``svg.hashsalt`` set and text drawn as paths in SVG
    (``svg.fonttype = "path"``), TrueType embedding in PDF.  Use
    :func:`gxbg_kit.figures.save_figure` to write files without timestamps.

Missing values
    A value that is NA gets no bar and a small grey "NA" mark where the bar
    would be (a 0 gets an empty bar and no mark); in heatmaps NA cells are
    light grey, explained by a swatch above the colour bar.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager, ticker
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from . import analyse
from .schema import (
    ACTIVE_ITEMS, ACTIVE_MEASURES, APPLICANT_PARTS, APPLICANTS, APPLICATION_REASONS,
    APPLICATION_ROWS, CHECKS, OUTCOME_ROWS, PROCEEDINGS, REASONS_BY_ROW, REPORTS, REVIEW_RESULTS,
    STATUSES, TABLES,
    TEMPLATES, renamed_column,
)

__all__ = [
    "FONT_FILE", "FONT_FAMILY", "FIGSIZE", "DPI", "LABELS", "TEXT", "MAX_REPORTS", "MAX_GROUPS",
    "style", "setup_fonts", "wilson_interval", "set_language", "get_language", "label", "text", "labels_table",
    "normative_documents", "enforcement_decisions", "fees", "disclosure_volumes",
    "requests_by_applicant", "outcome_mix", "grant_rate", "refusal_reasons", "backlog",
    "review_correction_rate", "theme_frequencies", "theme_cooccurrence", "top_keywords",
    "similarity", "check_failures", "cell_completeness", "panel",
]

# --------------------------------------------------------------------------
# font
# --------------------------------------------------------------------------

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "GxbgKitSansSC-Regular.ttf"
FONT_FAMILY = "GxbgKit Sans SC"
#: system CJK fonts used, when installed, for the rare characters outside GB2312
_SYSTEM_CJK = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
               "Microsoft YaHei", "SimHei", "PingFang SC")

FIGSIZE = (8.0, 4.5)
WIDE = (10.0, 5.0)
SQUARE = (7.0, 6.0)
DPI = 100
#: per-report views (one bar or row per report) up to this many reports; above, charts aggregate
MAX_REPORTS = 30
#: at most this many groups per chart; the smallest ones beyond are pooled as "other"
MAX_GROUPS = 20

_SYSTEM_FALLBACK = [False]


def _register_font() -> None:
    """Add the shipped font to matplotlib's font manager (once; no rcParams changed)."""
    manager = font_manager.fontManager
    if not any(Path(f.fname) == FONT_FILE for f in manager.ttflist):
        if not FONT_FILE.exists():
            raise FileNotFoundError(f"{FONT_FILE} is missing: the package was installed without "
                                    "its fonts/ folder (run scripts/make_font_subset.py)")
        manager.addfont(str(FONT_FILE))


def style(system_fallback: bool | None = None) -> dict:
    """The rcParams every chart is drawn with (and :func:`save_figure` saves with).

    The shipped font first, then DejaVu Sans (matplotlib's own font) for symbols
    the subset lacks, then, with ``system_fallback`` (default: as last given to
    :func:`setup_fonts`), the installed system CJK fonts of ``_SYSTEM_CJK``; and
    the settings that make SVG and PDF output deterministic and self-contained
    (``svg.hashsalt``, ``svg.fonttype = "path"``, TrueType fonts in PDF/PS).
    Registers the shipped font with matplotlib's font manager (which changes no
    setting).  Use it as ``with matplotlib.rc_context(plot.style()): ...``.
    """
    _register_font()
    if system_fallback is None:
        system_fallback = _SYSTEM_FALLBACK[0]
    system = []
    if system_fallback:
        names = {f.name for f in font_manager.fontManager.ttflist
                 if f.weight in (400, "normal", "regular") and f.style == "normal"
                 and Path(f.fname).exists()}  # other faces make matplotlib log warnings
        system = [n for n in _SYSTEM_CJK if n in names]
    front = [FONT_FAMILY, "DejaVu Sans", *system]
    rest = [f for f in matplotlib.rcParamsDefault["font.sans-serif"] if f not in front]
    return {"font.family": front, "font.sans-serif": front + rest,
            "axes.unicode_minus": True,  # the shipped font has U+2212
            "svg.hashsalt": "gxbg_kit", "svg.fonttype": "path",
            "pdf.fonttype": 42, "ps.fonttype": 42}


def setup_fonts(system_fallback: bool = False) -> str:
    """Make the shipped CJK font matplotlib's default for *every* figure (global).

    Charts of this module do not need it: each applies :func:`style` while it
    is drawn, and importing the module changes no matplotlib setting.  Call it
    to use the font in your own figures; it updates ``matplotlib.rcParams``
    with :func:`style`.  Installed system CJK fonts are *not* used by default,
    so charts (and notebook outputs) are the same on every machine; pass
    ``system_fallback=True`` to append those present, for characters outside
    GB2312 (charts drawn afterwards use them too).  Returns the font's family
    name.
    """
    _SYSTEM_FALLBACK[0] = bool(system_fallback)
    matplotlib.rcParams.update(style(system_fallback))
    return FONT_FAMILY


def _styled(fn):
    """Draw the chart under :func:`style` (fonts, deterministic output), restoring rcParams."""
    @functools.wraps(fn)
    def chart(*args, **kwargs):
        with matplotlib.rc_context(style()):
            return fn(*args, **kwargs)
    return chart


# --------------------------------------------------------------------------
# labels
# --------------------------------------------------------------------------

_LANG = "zh"
LANGUAGES = ("zh", "en")


def set_language(lang: str) -> None:
    """Set the default label language of every chart: ``"zh"`` or ``"en"``."""
    global _LANG
    _LANG = _check_lang(lang)


def get_language() -> str:
    """The default label language."""
    return _LANG


def _check_lang(lang: str | None) -> str:
    lang = _LANG if lang is None else lang
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, not {lang!r}")
    return lang


def _short_zh(s: str) -> str:
    """A template label without its numbering and its legal-basis note."""
    s = re.sub(r"^（[一二三四五六七八九十]+）|^[一二三四五六七八九十]+、|^\d+\.", "", s)
    s = re.sub(r"（第二十条.*）$", "", s)
    s = re.sub(r"（20\d\d，", "（", s)
    s = re.sub(r"（20\d\d）$", "", s)
    return s


_EN = {
    "applicant": {
        "natural_person": "Natural persons", "business": "Businesses",
        "research": "Research institutions", "nonprofit": "Non-profit organisations",
        "legal_services": "Legal service providers", "other_org": "Other organisations",
        "total": "Total",
    },
    "row": {
        "received": "New requests", "carried_over": "Carried over from last year",
        "granted": "Granted", "partly_granted": "Partly granted", "withheld": "Withheld",
        "unable": "Unable to provide", "not_processed": "Not processed",
        "other": "Otherwise handled", "processed_total": "Total processed",
        "carried_forward": "Carried forward to next year",
    },
    "reason": {
        "state_secret": "State secret", "prohibited_by_law": "Prohibited by other law",
        "three_safeties_one_stability": "Endangers security or stability",
        "third_party_rights": "Third-party rights", "internal_affairs": "Internal affairs",
        "process_info": "Process information", "enforcement_file": "Enforcement file",
        "query_item": "Administrative query item",
        "not_held": "Not held by the agency", "needs_creation": "Would need to be created",
        "unclear_after_correction": "Still unclear after correction",
        "complaint_petition": "Complaint or petition", "repeated": "Repeated request",
        "publication": "Asks for publications", "mass_repeated": "Mass repeated requests",
        "confirm_or_reissue": "Confirm or reissue information",
        "overdue_correction": "Correction overdue", "overdue_fee": "Fee overdue",
        "other": "Other",
    },
    "proceeding": {
        "review": "Administrative review", "suit_direct": "Lawsuit without review",
        "suit_after_review": "Lawsuit after review",
    },
    "result": {
        "upheld": "Upheld", "corrected": "Corrected", "other": "Other", "pending": "Pending",
        "total": "Total",
    },
    "item": {
        "regulations": "Regulations", "normative_documents": "Normative documents",
        "licensing": "Licensing", "other_services": "Other services",
        "penalty": "Penalties", "coercion": "Coercive measures", "fees": "Fees",
        "procurement": "Procurement",
    },
    "measure": {
        "issued": "Issued", "repealed": "Repealed", "in_force": "In force",
        "new_made": "Newly made", "new_published": "Newly published",
        "published_total": "Published in total", "prior_items": "Items last year",
        "change": "Change", "decisions": "Decisions", "fee_amount": "Fees (10,000 yuan)",
        "procurement_items": "Procurement items",
        "procurement_amount": "Procurement (10,000 yuan)",
    },
    "check": {
        "identity": "Requests in = out", "applicant_sum": "Applicant columns sum",
        "outcome_sum": "Outcomes sum", "other_sum": "Other-handled sub-rows sum",
        "review_sum": "Review/lawsuit totals", "completeness": "Cells found",
        "unreadable_cell": "Unreadable cells", "ambiguous_split": "Run-together digits (ambiguous)",
           "unplaced_values": "Values that cannot be placed",
           "encoding_replaced": "Bytes replaced (encoding)", "narrative": "Narrative vs table",
        "ocr_corrected": "OCR digit corrected by the sums",
        "ocr_unverified": "OCR cell not verified by the sums",
        "manifest": "Manifest vs text",
    },
    "table": {"reports": "Reports", "applications": "Requests", "active": "Proactive disclosure",
              "reviews": "Reviews and lawsuits", "sections": "Sections", "checks": "Checks",
              "duplicates": "Duplicate files"},
    "level": {"province": "Province", "city": "City", "county": "County",
              "township": "Township", "unknown": "Unknown"},
    "template": {"2019": "2019 template", "2021": "2021 template", "mixed": "Mixed templates",
                 "unknown": "Unknown template"},
    "status": {"ok": "Parsed", "partial": "Partly parsed", "failed": "Failed"},
    "kind": {"problem": "Problems", "measure": "Improvement measures"},
}
_ZH_OVERRIDES = {
    "applicant": {"other_org": "其他组织"},
    "row": {"received": "本年新收", "carried_over": "上年结转", "processed_total": "办理结果总计",
            "carried_forward": "结转下年度"},
    "reason": {"overdue_correction": "逾期不补正", "overdue_fee": "逾期未缴费",
               "confirm_or_reissue": "要求确认或重新出具", "three_safeties_one_stability":
               "危及“三安全一稳定”"},
    "proceeding": {"suit_direct": "行政诉讼（未经复议）", "suit_after_review": "行政诉讼（复议后）"},
    "result": {"upheld": "维持", "corrected": "纠正", "other": "其他", "pending": "尚未审结"},
    "item": {"normative_documents": "规范性文件"},
    "measure": {"decisions": "处理决定数量"},
    "template": {"2019": "2019年版模板", "2021": "2021年版模板", "mixed": "新旧模板混用",
                 "unknown": "未识别模板"},
    "status": {"ok": "解析完整", "partial": "部分解析", "failed": "解析失败"},
    "table": {"reports": "报告", "applications": "依申请公开", "active": "主动公开",
              "reviews": "复议诉讼", "sections": "章节", "checks": "校验"},
    "check": {"identity": "收支平衡", "applicant_sum": "申请人合计", "outcome_sum": "办理结果合计",
              "other_sum": "其他处理合计", "review_sum": "复议诉讼合计", "completeness": "单元格完整性",
              "unreadable_cell": "无法识别的单元格", "ambiguous_split": "数字粘连无法拆分",
              "unplaced_values": "无法定位的数值",
              "encoding_replaced": "编码错误字节已替换", "narrative": "正文与表格一致",
              "ocr_corrected": "识别数字按合计更正", "ocr_unverified": "识别数字无法核验",
              "manifest": "清单与正文一致"},
}
_ZH_SOURCES = {
    "applicant": APPLICANTS, "row": APPLICATION_ROWS, "reason": APPLICATION_REASONS,
    "proceeding": PROCEEDINGS, "result": REVIEW_RESULTS, "item": ACTIVE_ITEMS,
    "measure": ACTIVE_MEASURES, "check": CHECKS, "table": {t: TABLES[t].zh for t in TABLES},
    "level": dict(REPORTS.column("level").codes), "template": TEMPLATES, "status": STATUSES,
    "kind": {"problem": "存在的主要问题", "measure": "改进情况"},
}


def _build_labels() -> dict[str, dict[str, dict[str, str]]]:
    out = {}
    for domain, codes in _ZH_SOURCES.items():
        out[domain] = {}
        for code, zh in codes.items():
            zh = _ZH_OVERRIDES.get(domain, {}).get(code, _short_zh(zh))
            # a code added to schema.py without an English label (a test catches it) still draws
            en = _EN[domain].get(code) or code.replace("_", " ").capitalize()
            out[domain][code] = {"zh": zh, "en": en}
    return out


#: domain -> code -> {"zh": label, "en": label}, for every code of schema.py
LABELS: dict[str, dict[str, dict[str, str]]] = _build_labels()

#: chart titles, axis labels and other words: key -> {"zh", "en"}
TEXT: dict[str, dict[str, str]] = {
    "normative_documents": {"zh": "规范性文件：制发、废止与现行有效",
                            "en": "Normative documents: issued, repealed, in force"},
    "enforcement_decisions": {"zh": "行政许可、行政处罚、行政强制决定数量",
                              "en": "Licensing, penalty and coercion decisions"},
    "fees": {"zh": "行政事业性收费金额", "en": "Administrative fees collected"},
    "disclosure_volumes": {"zh": "主动公开情况", "en": "Proactive disclosure"},
    "requests_by_applicant": {"zh": "本年新收申请：按申请人类型",
                              "en": "New requests by applicant type"},
    "outcome_mix": {"zh": "申请办理结果构成", "en": "Outcomes of requests processed"},
    "grant_rate": {"zh": "公开率：（予以公开＋部分公开）／办理结果总计",
                   "en": "Grant rate: (granted + partly granted) / total processed"},
    "refusal_reasons": {"zh": "不予公开、无法提供、不予处理的原因构成",
                        "en": "Reasons for withholding, unable to provide, not processing"},
    "backlog": {"zh": "上年结转与结转下年度申请", "en": "Requests carried over and forward"},
    "review_correction_rate": {"zh": "纠错率：纠正／（总计－尚未审结）",
                               "en": "Correction rate: corrected / (total - pending)"},
    "theme_frequencies": {"zh": "自述问题主题频次", "en": "Themes of self-reported problems"},
    "theme_frequencies_measure": {"zh": "改进措施主题频次", "en": "Themes of improvement measures"},
    "theme_by_year": {"zh": "自述问题主题：按年度", "en": "Themes of problems by year"},
    "theme_cooccurrence": {"zh": "问题主题共现", "en": "Co-occurrence of problem themes"},
    "top_keywords": {"zh": "高频关键词", "en": "Top keywords"},
    "similarity": {"zh": "报告文本相似度", "en": "Similarity of report texts"},
    "check_failures": {"zh": "校验未通过情况（报告×校验）", "en": "Failed checks (report × check)"},
    "cell_completeness": {"zh": "表格单元格完整性", "en": "Completeness of table cells"},
    "count": {"zh": "件数", "en": "Count"},
    "requests": {"zh": "申请件数", "en": "Requests"},
    "share": {"zh": "占比", "en": "Share"},
    "rate": {"zh": "比率", "en": "Rate"},
    "documents": {"zh": "件数", "en": "Documents"},
    "decisions_log": {"zh": "决定数量（对数刻度）", "en": "Decisions (log scale)"},
    "wan_yuan": {"zh": "万元", "en": "10,000 yuan"},
    "items": {"zh": "条数", "en": "Items"},
    "weight": {"zh": "权重", "en": "Weight"},
    "year": {"zh": "年度", "en": "Year"},
    "theme": {"zh": "主题", "en": "Theme"},
    "report": {"zh": "报告", "en": "Report"},
    "n_failed": {"zh": "未通过次数", "en": "Failures"},
    "pooled": {"zh": "全部（合并）", "en": "All (pooled)"},
    "no_data": {"zh": "无数据", "en": "No data"},
    "cosine": {"zh": "相似度", "en": "Similarity"},
    "all": {"zh": "全部报告", "en": "All reports"},
    "unknown": {"zh": "未知", "en": "Unknown"},
    "other_groups": {"zh": "其他", "en": "Other"},
    "na_cell": {"zh": "无法计算（缺失）", "en": "Not computable (NA)"},
    "reports": {"zh": "各报告", "en": "Reports"},
    "pooled_ci": {"zh": "合并值（95% Wilson 区间）", "en": "Pooled (95% Wilson interval)"},
    "median_iqr": {"zh": "中位数与四分位距", "en": "Median and interquartile range"},
    "failed_share": {"zh": "未通过报告占比", "en": "Share of reports failing"},
    "share_reports": {"zh": "提及该主题的报告占比", "en": "Share of reports raising the theme"},
    "panel": {"zh": "历年情况", "en": "over the years"},
    "panel_requests": {"zh": "依申请公开：新收、上年结转与结转下年度",
                       "en": "Requests: new, carried over, carried forward"},
    "panel_outcomes": {"zh": "办理结果构成与公开率", "en": "Outcomes and grant rate"},
    "panel_themes": {"zh": "自述问题主题（条数）", "en": "Themes of self-reported problems (items)"},
    "grant_rate_ci": {"zh": "公开率（95% Wilson 区间）", "en": "Grant rate (95% Wilson interval)"},
    "carried_forward_share": {"zh": "结转下年度占比：结转下年度／（本年新收＋上年结转）",
                              "en": "Carried forward / (new + carried over)"},
}


def label(domain: str, code, lang: str | None = None) -> str:
    """The label of a code in ``lang``: ``label("row", "granted", "en") == "Granted"``.

    Unknown codes are returned as they are.
    """
    lang = _check_lang(lang)
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return "NA"
    entry = LABELS.get(domain, {}).get(str(code))
    return entry[lang] if entry else str(code)


def text(key: str, lang: str | None = None) -> str:
    """A title or axis text from :data:`TEXT` in ``lang``."""
    return TEXT[key][_check_lang(lang)]


def labels_table() -> pd.DataFrame:
    """Every code label as a frame: domain, code, zh, en (for documentation)."""
    rows = [{"domain": d, "code": c, **v} for d, codes in LABELS.items() for c, v in codes.items()]
    return pd.DataFrame(rows).astype("string")


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

_PALETTE = list(matplotlib.colormaps["tab10"].colors) + list(matplotlib.colormaps["Set2"].colors)
_PALETTE_20 = list(matplotlib.colormaps["tab20"].colors) + list(matplotlib.colormaps["tab20b"].colors)
_NA_COLOR = "0.6"
_NA_CELL = "0.9"
_Z95 = 1.959963984540054


def _color(domain: str, code: str):
    """A fixed colour per code: its position in the domain's code list."""
    codes = list(LABELS.get(domain, {}))
    i = codes.index(code) if code in codes else len(codes)
    palette = _PALETTE if len(codes) <= 10 else _PALETTE_20
    return palette[i % len(palette)]


def _figure(ax=None, figsize=FIGSIZE):
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize, dpi=DPI)
    return fig, ax


def _short(s: str, n: int = 14) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _known(v) -> bool:
    return not (v is None or (not isinstance(v, str) and pd.isna(v)))


def _ids(df: pd.DataFrame) -> list[str]:
    return [str(r) for r in pd.unique(df["report_id"])]


def _floats(values) -> np.ndarray:
    return pd.array(values, dtype="Float64").to_numpy(dtype=float, na_value=np.nan)


def wilson_interval(k, n, z: float = _Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of the proportion ``k / n`` (95 % by default).

    ``k`` and ``n`` are counts (scalars or arrays); the bounds are NaN where
    either is NA or ``n`` is 0.  Unlike the normal approximation it stays inside
    [0, 1] and is wide for small ``n`` (1 of 1 gives 0.21–1.00).
    """
    k, n = np.atleast_1d(_floats(np.atleast_1d(k))), np.atleast_1d(_floats(np.atleast_1d(n)))
    ok = ~np.isnan(k) & ~np.isnan(n) & (np.nan_to_num(n) > 0)
    nn = np.where(ok, n, 1.0)
    p = np.where(ok, k, 0.0) / nn
    denom = 1 + z ** 2 / nn
    centre = (p + z ** 2 / (2 * nn)) / denom
    half = z * np.sqrt(np.clip(p * (1 - p) / nn + z ** 2 / (4 * nn ** 2), 0, None)) / denom
    return np.where(ok, centre - half, np.nan), np.where(ok, centre + half, np.nan)


# -- reports: labels and groups ----------------------------------------------

def _meta(df: pd.DataFrame, reports: pd.DataFrame | None) -> pd.DataFrame:
    """One row per report of ``df`` (in its order): the ``reports`` columns, else df's agency/year."""
    ids = _ids(df)
    if reports is not None and "report_id" in reports.columns:
        meta = reports.drop_duplicates("report_id")
    else:
        meta = df[["report_id"] + [c for c in ("agency", "year") if c in df.columns]]
        meta = meta.drop_duplicates("report_id")
    meta = meta.set_index(meta["report_id"].astype(str)).drop(columns="report_id")
    return meta.reindex(ids)


def _stem(path: str) -> str:
    name = re.split(r"[\\/]", path.strip())[-1]
    return name.rsplit(".", 1)[0] if "." in name[1:] else name


def _report_names(meta: pd.DataFrame) -> dict[str, str]:
    """report_id -> a readable label, unique within the chart.

    The agency as printed (shortened) and the year; without an agency the file
    name's stem (from ``reports.path``), else the first 8 digits of the id.
    Reports that would share a label get " (1)", " (2)", … in chart order.
    """
    names = {}
    for rid, row in zip(meta.index, meta.to_dict("records")):
        agency, path, year = row.get("agency"), row.get("path"), row.get("year")
        if _known(agency) and str(agency).strip():
            base = _short(str(agency).strip())
        elif _known(path) and str(path).strip():
            base = _short(_stem(str(path)), 20)
        else:
            base = rid[:8]
        names[rid] = f"{base} {int(year)}" if _known(year) else base
    counts, seen = Counter(names.values()), Counter()
    for rid, name in names.items():
        if counts[name] > 1:
            seen[name] += 1
            names[rid] = f"{name} ({seen[name]})"
    return names


_NA_KEY, _OTHER_KEY = "\0na", "\0other"
#: per-report stacked bars of many parts (refusal reasons) up to this many reports
_MAX_STACKED = 12
_CODED_BY = ("level", "template", "status")


class _Groups(NamedTuple):
    """How a chart splits its reports: ``by`` is "report", "all" or a reports column."""

    by: str
    key: pd.Series            # report_id -> group key
    names: dict[str, str]     # group key -> label (without n)
    order: list[str]          # group keys in chart order

    @property
    def per_report(self) -> bool:
        return self.by == "report"

    def ticks(self, n: pd.Series | None = None) -> list[str]:
        """Group labels, with "(n=…)" from ``n`` (group key -> reports) unless per report."""
        if self.per_report or n is None:
            return [self.names[k] for k in self.order]
        return [f"{self.names[k]} (n={int(n.get(k, 0))})" for k in self.order]

    def positions(self, ids) -> np.ndarray:
        """The category position of each report of ``ids``."""
        pos = pd.Series(np.arange(len(self.order)), index=self.order)
        return pos.reindex(self.key.reindex(list(ids)).to_numpy()).to_numpy(dtype=float)

    def count(self, mask: pd.Series) -> pd.Series:
        """Reports per group where ``mask`` (indexed by report_id) is True."""
        key = self.key[mask.reindex(self.key.index).fillna(False).astype(bool).to_numpy()]
        return key.value_counts().reindex(self.order, fill_value=0)


def _groups(df: pd.DataFrame, reports: pd.DataFrame | None, by: str | None,
            lang: str) -> _Groups:
    """Resolve ``by`` for the reports of ``df``.

    None: one bar or row per report when there are at most :data:`MAX_REPORTS`,
    else by year (when years are known), else all reports as one group.
    "report": per report (a ValueError above MAX_REPORTS); "all": one group;
    any other value: a column of ``reports`` (year, level, province, template,
    agency_key, …).
    """
    meta = _meta(df, reports)
    ids = list(meta.index)
    if by is None:
        has_year = "year" in meta.columns and meta["year"].notna().any()
        by = "report" if len(ids) <= MAX_REPORTS else ("year" if has_year else "all")
    if by == "report":
        if len(ids) > MAX_REPORTS:
            raise ValueError(f"by='report' draws one bar per report: {len(ids)} reports are more "
                             f"than MAX_REPORTS={MAX_REPORTS}; pass by='year', 'level', 'province'"
                             ", 'template', 'agency_key' or 'all', or select fewer reports")
        return _Groups("report", pd.Series(ids, index=ids, dtype=object), _report_names(meta), ids)
    if by == "all":
        return _Groups("all", pd.Series("all", index=ids, dtype=object),
                       {"all": text("all", lang)}, ["all"])
    by = renamed_column(meta.columns, by, "reports") or by
    if by not in meta.columns:
        hint = "" if reports is not None else " (pass reports=)"
        raise ValueError(f"by={by!r} is not a column of reports{hint}; use None, 'report', 'all' "
                         "or a column such as 'year', 'level', 'province', 'template', 'agency_key'")
    return _column_groups(meta[by], by, lang)


def _group_key(v) -> str:
    if not _known(v) or str(v).strip() == "":
        return _NA_KEY
    if isinstance(v, (int, float, np.integer, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def _column_groups(values: pd.Series, by: str, lang: str) -> _Groups:
    """Groups from one reports column: sorted (numbers numerically, codes in code order, NA
    last); beyond :data:`MAX_GROUPS` the smallest are pooled as "other"."""
    codes = list(LABELS[by]) if by in _CODED_BY else None
    key = values.map(_group_key).astype(object)

    def order_key(k):
        if k == _NA_KEY:
            return (3, 0.0, "")
        if codes is not None:
            return (0, float(codes.index(k) if k in codes else len(codes)), k)
        try:
            return (1, float(k), k)
        except ValueError:
            return (2, 0.0, k)

    order = sorted(set(key), key=order_key)
    if len(order) > MAX_GROUPS:
        size = key.value_counts()
        keep = set(sorted(order, key=lambda k: (-size[k], order_key(k)))[:MAX_GROUPS - 1])
        key = key.where(key.isin(keep), _OTHER_KEY)
        order = [k for k in order if k in keep] + [_OTHER_KEY]
    special = {_NA_KEY: text("unknown", lang), _OTHER_KEY: text("other_groups", lang)}
    names = {k: special.get(k) or (label(by, k, lang) if codes is not None else k) for k in order}
    return _Groups(by, key, names, order)


def _pooled(parts: pd.DataFrame, den: pd.Series, groups: _Groups):
    """Per group: the parts and ``den`` summed over its reports where all are known
    and the parts add up to ``den`` (a report whose parts disagree with its printed
    total would push a pooled share past 100 %).

    ``parts`` (report_id × parts) and ``den`` are indexed by report_id.  Returns
    (shares: group × parts, NA where the summed den is 0 or no report is
    complete; sums: group × parts; n: complete reports per group).
    """
    d = den.reindex(parts.index)
    ok = pd.Series(parts.index.isin(analyse.adding_up(parts, d)), index=parts.index)
    key = groups.key.reindex(parts.index)[ok.to_numpy()]
    sums = parts[ok.to_numpy()].astype(float).groupby(key.to_numpy()).sum()
    dsum = d[ok.to_numpy()].astype(float).groupby(key.to_numpy()).sum()
    sums, dsum = sums.reindex(groups.order), dsum.reindex(groups.order)
    shares = sums.div(dsum.where(dsum > 0), axis=0)
    return shares, sums, groups.count(ok)


# -- drawing ------------------------------------------------------------------

def _mark_na(ax, positions, *, horizontal=False):
    """A small grey "NA" where a bar would start."""
    for p in positions:
        if horizontal:
            ax.annotate("NA", (0, p), xytext=(2, 0), textcoords="offset points",
                        xycoords=("axes fraction", "data"), va="center", ha="left",
                        fontsize=7, color=_NA_COLOR)
        else:
            ax.annotate("NA", (p, 0), xytext=(0, 2), textcoords="offset points",
                        xycoords=("data", "axes fraction"), ha="center", va="bottom",
                        fontsize=7, color=_NA_COLOR, rotation=90)


def _bars(ax, x, heights, *, horizontal=False, bottom=None, **kw):
    """ax.bar / ax.barh with NA heights drawn as nothing plus a grey "NA" mark."""
    heights = _floats(heights)
    if horizontal:
        container = ax.barh(x, heights, left=bottom, **kw)
    else:
        container = ax.bar(x, heights, bottom=bottom, **kw)
    _mark_na(ax, np.atleast_1d(x)[np.isnan(heights)], horizontal=horizontal)
    return container


def _interval(ax, x, p, lo, hi, **kw):
    """Error bars from ``lo`` to ``hi`` around ``p`` where all three are known."""
    x, p, lo, hi = (np.asarray(v, dtype=float) for v in (x, p, lo, hi))
    ok = ~(np.isnan(p) | np.isnan(lo) | np.isnan(hi))
    if ok.any():
        yerr = np.vstack([p[ok] - lo[ok], hi[ok] - p[ok]]).clip(0)
        ax.errorbar(x[ok], p[ok], yerr=yerr, **{"fmt": "none", "ecolor": "0.2",
                                                "elinewidth": 1, "capsize": 2, **kw})


def _strip(ax, pos, values, *, width=0.5, **kw):
    """A strip plot (one scatter): values at ``pos`` with a fixed jitter of ±width/2."""
    pos, values = np.asarray(pos, dtype=float), _floats(values)
    ok = ~(np.isnan(pos) | np.isnan(values))
    jitter = (np.random.default_rng(0).random(int(ok.sum())) - 0.5) * width
    ax.scatter(pos[ok] + jitter, values[ok], **{"s": 9, "alpha": 0.45, "linewidths": 0, **kw})


def _median_iqr(ax, pos, values, groups: _Groups, **kw):
    """Median (marker) and interquartile range (bar) of ``values`` per group at ``pos``."""
    v = pd.Series(_floats(values), index=groups.key.index)
    q = v.groupby(groups.key.to_numpy()).quantile([0.25, 0.5, 0.75]).unstack()
    q = q.reindex(groups.order)
    if q.empty or q.shape[1] < 3:
        return
    _interval(ax, pos, q[0.5], q[0.25], q[0.75], **{"fmt": "_", "ms": 10, "mew": 2,
                                                    "capsize": 0, "elinewidth": 2, **kw})


def _grouped(ax, wide: pd.DataFrame, domain: str, lang: str, *, width=0.8):
    """Grouped bars: one group per row of ``wide``, one bar per column (a code)."""
    n = max(len(wide.columns), 1)
    x = np.arange(len(wide))
    w = width / n
    for i, code in enumerate(wide.columns):
        _bars(ax, x - width / 2 + w * (i + 0.5), wide[code], width=w,
              label=label(domain, code, lang), color=_color(domain, code))
    return x


def _stacked(ax, wide: pd.DataFrame, domain: str, lang: str, *, horizontal=False, width=0.7):
    """Stacked bars; a row with any NA part gets no bar and an "NA" mark."""
    x = np.arange(len(wide))
    complete = wide.notna().all(axis=1).to_numpy(dtype=bool)
    bottom = np.zeros(len(wide))
    for code in wide.columns:
        h = np.where(complete, _floats(wide[code]), np.nan)
        if horizontal:
            ax.barh(x, h, width, left=bottom, label=label(domain, code, lang),
                    color=_color(domain, code))
        else:
            ax.bar(x, h, width, bottom=bottom, label=label(domain, code, lang),
                   color=_color(domain, code))
        bottom = bottom + np.nan_to_num(h)
    _mark_na(ax, x[~complete], horizontal=horizontal)
    return x


def _set_categories(ax, x, labels, *, horizontal=False, rotate=True):
    """Category ticks, and limits that keep a slot for every category (NA ones too)."""
    n = len(labels)
    if horizontal:
        ax.set_yticks(x, labels)
        ax.set_ylim(n - 0.5, -0.5)  # first category on top
    else:
        turn = rotate and n > 3
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_xticks(x, labels, rotation=(90 if n > 12 else 30) if turn else 0,
                      ha="right" if turn and n <= 12 else "center",
                      rotation_mode="anchor" if turn and n <= 12 else "default")


def _integer_ticks(axis) -> None:
    """Count axes: ticks at whole numbers only."""
    axis.set_major_locator(ticker.MaxNLocator(integer=True))


def _empty(ax, lang):
    ax.text(0.5, 0.5, text("no_data", lang), ha="center", va="center", transform=ax.transAxes,
            color=_NA_COLOR)


def _no_data(fig, ax, title, lang):
    _empty(ax, lang)
    return _finish(fig, ax, title, lang)


def _title(key: str, lang: str, n: int | None) -> str:
    if n is None:
        return text(key, lang)
    return f"{text(key, lang)}（n={n}）" if lang == "zh" else f"{text(key, lang)} (n={n})"


def _finish(fig, ax, title, lang, legend=True, n: int | None = None):
    """Title (with n, the reports behind the chart), legend, layout, readable tick labels."""
    ax.set_title(_title(title, lang, n))
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    _declutter(fig)
    return fig


def _overlapping(labels, renderer) -> bool:
    """Whether two neighbouring tick labels' boxes overlap (by more than half a pixel)."""
    boxes = [t.get_window_extent(renderer) for t in labels]
    return any(min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5
               for a, b in zip(boxes, boxes[1:]))


def _declutter(fig) -> None:
    """Make overlapping category tick labels readable: turn x labels upright, shrink the
    font (down to 6 pt), and only then label every k-th category."""
    get = getattr(fig.canvas, "get_renderer", None)  # Agg canvases (inline, Qt, Tk, …)
    renderer = get() if get is not None else fig._get_renderer()
    for _ in range(2):
        changed = False
        for ax in fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                labels = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
                if len(labels) < 2 or not _overlapping(labels, renderer):
                    continue
                changed = True
                if axis is ax.xaxis:
                    for t in labels:
                        t.set(rotation=90, ha="center", rotation_mode="default")
                size = labels[0].get_fontsize()
                while size > 6 and _overlapping(labels, renderer):
                    size -= 1
                    for t in labels:
                        t.set_fontsize(size)
                step = 1
                while _overlapping([t for t in labels if t.get_visible()], renderer):
                    step += 1
                    for i, t in enumerate(labels):
                        t.set_visible(i % step == 0)
        if not changed:
            return
        fig.tight_layout()


def _metric(df: pd.DataFrame, marker: str, fn, **kw) -> pd.DataFrame:
    """``df`` itself when it already is the analyse output (has ``marker``), else fn(df)."""
    return df if marker in df.columns else fn(df, **kw)


def _na_legend(cbar, lang) -> None:
    """A grey swatch above the colour bar: grey cells could not be computed."""
    handle = Patch(facecolor=_NA_CELL, edgecolor="0.7", label=text("na_cell", lang))
    cbar.ax.legend(handles=[handle], loc="lower right", bbox_to_anchor=(1.0, 1.01),
                   frameon=False, fontsize=7, handlelength=1, handleheight=1, borderaxespad=0)


def _heatmap(ax, mat: pd.DataFrame, row_labels, col_labels, *, cmap="Blues", vmin=None,
             vmax=None, fmt="{:.0f}", colorbar_label=None, annotate=None, diagonal=False,
             lang="zh"):
    """A heat map; NA cells grey (with a legend); ``diagonal``: the diagonal is left out of the
    colour scale and drawn white (annotated in black)."""
    values = np.ma.masked_invalid(mat.astype("Float64").to_numpy(dtype=float, na_value=np.nan))
    diag = np.zeros(values.shape, dtype=bool)
    if diagonal:
        np.fill_diagonal(diag, True)
        off = values[~diag].compressed()
        vmin = vmin if vmin is not None else (off.min() if off.size else None)
        vmax = vmax if vmax is not None else (off.max() if off.size else None)
        if vmin is not None and vmax is not None and vmax <= vmin:
            vmax = vmin + 1
    cm = matplotlib.colormaps[cmap].with_extremes(bad=_NA_CELL)
    im = ax.imshow(values, cmap=cm, vmin=vmin, vmax=vmax, aspect="auto", interpolation="nearest")
    if diagonal:
        ax.imshow(np.where(diag[..., None], 1.0, np.zeros(4)), aspect="auto",
                  interpolation="nearest")  # white diagonal over the colours, transparent elsewhere
    long_labels = any(len(str(c)) > 4 for c in col_labels)
    ax.set_xticks(np.arange(values.shape[1]), col_labels, rotation=45 if long_labels else 0,
                  ha="right" if long_labels else "center",
                  rotation_mode="anchor" if long_labels else "default")
    ax.set_yticks(np.arange(values.shape[0]), row_labels)
    if values.size <= 150 if annotate is None else annotate:
        _annotate(ax, im, values, diag, fmt)
    cbar = ax.figure.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    if fmt == "{:.0f}":  # counts
        cbar.locator = ticker.MaxNLocator(integer=True)
        cbar.update_ticks()
    elif fmt.endswith("%}"):
        cbar.formatter = ticker.PercentFormatter(1.0)
        cbar.update_ticks()
    if colorbar_label:
        cbar.set_label(colorbar_label)
    if (np.ma.getmaskarray(values) & ~diag).any():
        _na_legend(cbar, lang)
    return im


def _annotate(ax, im, values, diag, fmt) -> None:
    for (i, j), v in np.ndenumerate(values.filled(np.nan)):
        if not np.isnan(v):
            r, g, b, _ = im.cmap(im.norm(v))
            dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5 and not diag[i, j]
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=7,
                    color="white" if dark else "black")


# --------------------------------------------------------------------------
# active disclosure
# --------------------------------------------------------------------------

def _active_wide(active, reports, item_measures: list[tuple[str, str]]) -> pd.DataFrame:
    """One row per report (analyse order), one column per (item, measure): the values."""
    vol = analyse.active_volumes(active, reports=reports)
    ids = _ids(vol)
    vol = vol.assign(report_id=vol["report_id"].astype(str))
    cols = {}
    for item, measure in item_measures:
        sel = vol[(vol["item"] == item) & (vol["measure"] == measure)]
        cols[(item, measure)] = sel.set_index("report_id")["value"].reindex(ids)
    return pd.DataFrame(cols, index=pd.Index(ids, name="report_id"))


def _distributions(ax, wide: pd.DataFrame, groups: _Groups, domain: str, lang: str,
                   *, width=0.8) -> pd.Series:
    """Per group, per column (a code): a strip of the reports' values and their median and
    interquartile range, side by side.  Returns the reports with any known value per group."""
    m = max(len(wide.columns), 1)
    w = width / m
    base = groups.positions(wide.index)
    x = np.arange(len(groups.order))
    for i, code in enumerate(wide.columns):
        shift = -width / 2 + w * (i + 0.5)
        color = _color(domain, code)
        _strip(ax, base + shift, wide[code], width=w * 0.8, color=color,
               label=label(domain, code, lang))
        _median_iqr(ax, x + shift, wide[code].reindex(groups.key.index), groups, color="black",
                    label=text("median_iqr", lang) if i == 0 else None)
    return groups.count(wide.notna().any(axis=1))


def _active_chart(active, reports, pairs: list[tuple[str, str]], domain: str, codes: list[str],
                  by, lang, ax, figsize):
    """Grouped bars per report, or strips with medians per group, of the (item, measure)
    ``pairs``, labelled by ``codes``.  Returns (fig, ax, groups or None, n reports)."""
    fig, ax = _figure(ax, figsize)
    wide = _active_wide(active, reports, pairs)
    wide.columns = codes
    if wide.empty:
        _empty(ax, lang)
        return fig, ax, None, 0
    groups = _groups(wide.reset_index(), reports, by, lang)
    n = int(wide.notna().any(axis=1).sum())
    if groups.per_report:
        x = _grouped(ax, wide, domain, lang) if len(codes) > 1 else np.arange(len(wide))
        if len(codes) == 1:
            _bars(ax, x, wide.iloc[:, 0], width=0.6, color=_color(domain, codes[0]),
                  label=label(domain, codes[0], lang))
        _set_categories(ax, x, groups.ticks())
    else:
        counts = _distributions(ax, wide, groups, domain, lang)
        _set_categories(ax, np.arange(len(groups.order)), groups.ticks(counts))
        ax.set_yscale("symlog", linthresh=1)  # volumes span orders of magnitude; 0 stays drawn
        ax.set_ylim(bottom=-0.5)
    return fig, ax, groups, n


@_styled
def normative_documents(active: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                        by: str | None = None, lang: str | None = None, ax=None,
                        figsize=FIGSIZE) -> Figure:
    """规范性文件: issued (制发), repealed (废止) and in force (现行有效).

    Per report (at most :data:`MAX_REPORTS`, ``by="report"``): grouped bars in
    the order of :func:`gxbg_kit.analyse.active_volumes`.  Per group (``by`` a
    reports column such as "year", "level", "province", "template",
    "agency_key", or "all"; by default by year above MAX_REPORTS reports): a
    strip of the reports' values per measure with their median and interquartile
    range, on a symmetric log axis (linear below 1, so 0 is drawn); tick labels
    give n, the reports with a value.  The title's n counts
    the reports with any value.  The 2021-template measures.
    """
    lang = _check_lang(lang)
    measures = ["issued", "repealed", "in_force"]
    fig, ax, groups, n = _active_chart(active, reports,
                                       [("normative_documents", m) for m in measures],
                                       "measure", measures, by, lang, ax, figsize)
    if groups is not None and groups.per_report:
        _integer_ticks(ax.yaxis)
    ax.set_ylabel(text("documents", lang))
    return _finish(fig, ax, "normative_documents", lang, n=n)


@_styled
def enforcement_decisions(active: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                          by: str | None = None, lang: str | None = None, ax=None,
                          log: bool = True, figsize=FIGSIZE) -> Figure:
    """行政许可, 行政处罚, 行政强制: decisions (处理决定数量), log scale.

    Per report: grouped bars (a 0 has no visible bar on the log axis).  Per
    group (``by``, as :func:`normative_documents`): strips with median and
    interquartile range on a symmetric log axis, so 0 is drawn.  ``log=False``
    gives a linear axis.
    """
    lang = _check_lang(lang)
    items = ["licensing", "penalty", "coercion"]
    fig, ax, groups, n = _active_chart(active, reports, [(i, "decisions") for i in items],
                                       "item", items, by, lang, ax, figsize)
    if groups is not None and groups.per_report and log:
        ax.set_yscale("log")
    elif groups is not None and not log:
        ax.set_yscale("linear")
    ax.set_ylabel(text("decisions_log" if log else "count", lang))
    return _finish(fig, ax, "enforcement_decisions", lang, n=n)


@_styled
def fees(active: pd.DataFrame, reports: pd.DataFrame | None = None, *, by: str | None = None,
         lang: str | None = None, ax=None, figsize=FIGSIZE) -> Figure:
    """行政事业性收费: fee amount (万元); one bar per report, or a strip with median and
    interquartile range per group (``by``, as :func:`normative_documents`)."""
    lang = _check_lang(lang)
    fig, ax, _, n = _active_chart(active, reports, [("fees", "fee_amount")], "item", ["fees"],
                                  by, lang, ax, figsize)
    ax.set_ylabel(text("wan_yuan", lang))
    return _finish(fig, ax, "fees", lang, legend=False, n=n)


@_styled
def disclosure_volumes(active: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                       by: str | None = None, lang: str | None = None,
                       figsize=(10.0, 11.0)) -> Figure:
    """The three volume charts stacked: 规范性文件, enforcement decisions (log), fees."""
    lang = _check_lang(lang)
    fig, axes = plt.subplots(3, 1, figsize=figsize, dpi=DPI)
    normative_documents(active, reports, by=by, lang=lang, ax=axes[0])
    enforcement_decisions(active, reports, by=by, lang=lang, ax=axes[1])
    fees(active, reports, by=by, lang=lang, ax=axes[2])
    fig.suptitle(text("disclosure_volumes", lang))
    fig.tight_layout()
    _declutter(fig)
    return fig

# --------------------------------------------------------------------------
# requests
# --------------------------------------------------------------------------

def _wide(df: pd.DataFrame, columns: str, values: str, codes) -> pd.DataFrame:
    """report_id × codes of ``values`` (reports in the frame's order)."""
    wide = df.pivot_table(index=df["report_id"].astype(str), columns=columns, values=values,
                          aggfunc="first", observed=True, dropna=False)
    return wide.reindex(index=_ids(df), columns=list(codes))


def _per_report(df: pd.DataFrame, column: str) -> pd.Series:
    """A per-report value of a long frame (first row of each report), indexed by report_id."""
    first = df.drop_duplicates("report_id")
    return pd.Series(_floats(first[column]), index=first["report_id"].astype(str).to_numpy())


@_styled
def requests_by_applicant(applications: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                          share: bool = False, by: str | None = None, lang: str | None = None,
                          ax=None, figsize=FIGSIZE) -> Figure:
    """New requests (本年新收) by applicant type.

    Per report (at most :data:`MAX_REPORTS`): horizontal stacked bars of counts
    (or, with ``share=True``, of shares of the printed 总计); a report with any
    NA applicant cell has no bar.  Per group (``by``: "year", "level",
    "province", "template", "agency_key", … or "all"; by default by year above
    MAX_REPORTS reports): the counts summed (or pooled shares) over the group's
    reports whose six applicant cells and 总计 are known, n of them on each tick.
    Accepts the applications table or the per-report output of
    :func:`gxbg_kit.analyse.requests_by_applicant`.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    df = _metric(applications, "share", analyse.requests_by_applicant, reports=reports)
    if df.empty:
        return _no_data(fig, ax, "requests_by_applicant", lang)
    groups = _groups(df, reports, by, lang)
    counts = _wide(df, "applicant", "count", APPLICANT_PARTS)
    complete = counts.notna().all(axis=1) & _per_report(df, "total").reindex(counts.index).notna()
    if groups.per_report:
        wide = _wide(df, "applicant", "share" if share else "count", APPLICANT_PARTS)
        ticks = groups.ticks()
    else:
        shares, sums, n = _pooled(counts, _per_report(df, "total"), groups)
        wide, ticks = (shares if share else sums), groups.ticks(n)
    x = _stacked(ax, wide, "applicant", lang, horizontal=True)
    _set_categories(ax, x, ticks, horizontal=True)
    if share:
        ax.xaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    else:
        _integer_ticks(ax.xaxis)
    ax.set_xlabel(text("share" if share else "requests", lang))
    return _finish(fig, ax, "requests_by_applicant", lang, n=int(complete.sum()))


@_styled
def outcome_mix(applications: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                pooled: bool = True, by: str | None = None, lang: str | None = None, ax=None,
                figsize=FIGSIZE) -> Figure:
    """Share of each outcome of the requests processed.

    Stacked bars of :func:`gxbg_kit.analyse.outcome_shares` (outcome rows as a
    whole): 予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理 as shares
    of 办理结果总计.  Per report (at most :data:`MAX_REPORTS`): one bar each (a
    report with any NA share has none) and, with ``pooled`` (and the
    applications table given), a last bar of the pooled shares.  Per group
    (``by``: "year", "level", "province", "template", "agency_key", … or "all";
    by default by year above MAX_REPORTS reports): the shares pooled over the
    group's reports whose six outcomes and 总计 are known, n of them on each
    tick.  The title's n counts the reports with a complete mix.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    is_metric = "share" in applications.columns
    per = applications if is_metric else analyse.outcome_shares(applications, reports=reports)
    per = per[per["reason"].isna()]
    if per.empty:
        return _no_data(fig, ax, "outcome_mix", lang)
    groups = _groups(per, reports, by, lang)
    counts = _wide(per, "outcome", "count", OUTCOME_ROWS)
    shares, _, n = _pooled(counts, _per_report(per, "processed_total"), groups)
    if groups.per_report:
        wide = _wide(per, "outcome", "share", OUTCOME_ROWS)
        names = groups.ticks()
        if pooled and not is_metric:
            pool = analyse.outcome_shares(applications, pooled=True)
            pool = pool[pool["reason"].isna()].set_index("outcome")["share"]
            wide.loc["__pooled__"] = pool.reindex(OUTCOME_ROWS).to_numpy()
            names.append(text("pooled", lang))
    else:
        wide, names = shares, groups.ticks(n)
    x = _stacked(ax, wide, "row", lang)
    _set_categories(ax, x, names)
    ax.yaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    ax.set_ylabel(text("share", lang))
    return _finish(fig, ax, "outcome_mix", lang, n=int(n.sum()))


def _rate_chart(ax, ids, num, den, rate, groups: _Groups, lang: str, color) -> int:
    """Rates with Wilson 95 % intervals.  Per report: bars with their interval.  Per group:
    a strip of the reports' rates and the pooled rate (Σ num / Σ den over the reports where
    both are known) with its interval; ticks give n.  Returns the reports with a rate."""
    num, den = pd.Series(_floats(num), index=ids), pd.Series(_floats(den), index=ids)
    rate = pd.Series(_floats(rate), index=ids)
    if groups.per_report:
        x = np.arange(len(ids))
        _bars(ax, x, rate, width=0.6, color=color, label=text("rate", lang))
        _interval(ax, x, rate, *wilson_interval(num, den))
        _set_categories(ax, x, groups.ticks())
        return int(rate.notna().sum())
    _strip(ax, groups.positions(ids), rate, color=color, label=text("reports", lang))
    known = num.notna() & den.notna() & (num <= den)  # a rate above 1 is a misprint
    key = groups.key.reindex(ids)[known.to_numpy()].to_numpy()
    k = num[known].groupby(key).sum().reindex(groups.order)
    n = den[known].groupby(key).sum().reindex(groups.order)
    x = np.arange(len(groups.order))
    p = (k / n.where(n > 0)).to_numpy(dtype=float)
    _interval(ax, x, p, *wilson_interval(k, n), fmt="o", color="black", ecolor="black", ms=4,
              capsize=3, label=text("pooled_ci", lang))
    _set_categories(ax, x, groups.ticks(groups.count(rate.notna())))
    return int(rate.notna().sum())


@_styled
def grant_rate(applications: pd.DataFrame, reports: pd.DataFrame | None = None, *,
               by: str | None = None, lang: str | None = None, ax=None,
               figsize=FIGSIZE) -> Figure:
    """Grant rate: (予以公开 + 部分公开) / 办理结果总计, with Wilson 95 % intervals.

    Per report (at most :data:`MAX_REPORTS`): one bar each with the interval of
    its requests.  Per group (``by``: "year", "level", "province", "template",
    "agency_key", … or "all"; by default by year above MAX_REPORTS reports): a
    strip of the reports' rates and the pooled rate of the group (requests
    summed) with its interval; n (reports with a rate) on each tick and in the
    title.  Accepts the applications table or :func:`gxbg_kit.analyse.grant_rate`.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    df = _metric(applications, "grant_rate", analyse.grant_rate, reports=reports)
    if df.empty:
        return _no_data(fig, ax, "grant_rate", lang)
    groups = _groups(df, reports, by, lang)
    n = _rate_chart(ax, _ids(df), df["granted"] + df["partly_granted"], df["processed_total"],
                    df["grant_rate"], groups, lang, _color("row", "granted"))
    ax.yaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    ax.set_ylim(0, 1)
    ax.set_ylabel(text("rate", lang))
    return _finish(fig, ax, "grant_rate", lang, legend=not groups.per_report, n=n)


def _refusal_pooled_bars(ax, df: pd.DataFrame, lang: str) -> int:
    """Horizontal bars of the pooled refusal-reason shares, coloured by outcome row."""
    y = np.arange(len(df))
    for row in analyse.REFUSAL_ROWS:
        sel = (df["row"].astype(str) == row).to_numpy()
        if sel.any():
            _bars(ax, y[sel], df.loc[sel, "share"], horizontal=True, height=0.7,
                  color=_color("row", row), label=label("row", row, lang))
    _set_categories(ax, y, [label("reason", r, lang) for r in df["reason"].astype(str)],
                    horizontal=True)
    ax.xaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    ax.set_xlabel(text("share", lang))
    return int(df["n_reports"].max()) if len(df) and df["n_reports"].notna().any() else 0


@_styled
def refusal_reasons(applications: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                    pooled: bool = True, by: str | None = None, lang: str | None = None,
                    ax=None, figsize=FIGSIZE) -> Figure:
    """Mix of the reasons for 不予公开, 无法提供 and 不予处理 (shares of all such refusals).

    ``pooled=True`` and no ``by`` (or ``by="all"``): horizontal bars, one per
    sub-reason in template order, of the pooled share
    (:func:`gxbg_kit.analyse.refusal_reasons` with ``pooled=True``), coloured
    by outcome row; n = reports pooled.  ``pooled=False`` with at most
    :data:`MAX_REPORTS` reports (or ``by="report"``): one stacked bar per report
    (a report with any NA sub-reason has no bar), or beyond 12 reports a heat
    map sub-reason × report.  ``by`` a reports column
    ("year", "level", "province", "template", "agency_key", …; also the default
    of ``pooled=False`` above MAX_REPORTS): a heat map sub-reason × group of the
    shares pooled over the group's reports whose sub-reasons are all known, n of
    them on each tick.  Accepts the applications table or the matching analyse
    frame.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    if by == "all" or (pooled and by is None) or "report_id" not in applications.columns:
        df = _metric(applications, "share", analyse.refusal_reasons, pooled=True)
        if df.empty or df["share"].isna().all():
            return _no_data(fig, ax, "refusal_reasons", lang)
        n = _refusal_pooled_bars(ax, df, lang)
        return _finish(fig, ax, "refusal_reasons", lang, n=n)
    df = _metric(applications, "share", analyse.refusal_reasons, reports=reports)
    if df.empty:
        return _no_data(fig, ax, "refusal_reasons", lang)
    pairs = [(row, r) for row in analyse.REFUSAL_ROWS for r in REASONS_BY_ROW[row]]
    df = df.assign(pair=df["row"].astype(str) + "/" + df["reason"].astype(str))
    codes = [f"{row}/{r}" for row, r in pairs]
    counts = _wide(df, "pair", "count", codes)
    groups = _groups(df, reports, by, lang)
    shares, _, n = _pooled(counts, _per_report(df, "refusals"), groups)
    if groups.per_report:  # a report's shares are NA when any of its sub-reasons is NA
        shares = _wide(df, "pair", "share", codes)
        if len(shares) <= _MAX_STACKED:  # 16 segments a bar: a heat map beyond a few reports
            shares.columns = [r for _, r in pairs]
            y = _stacked(ax, shares, "reason", lang, horizontal=True)
            _set_categories(ax, y, groups.ticks(), horizontal=True)
            ax.xaxis.set_major_formatter(ticker.PercentFormatter(1.0))
            ax.set_xlabel(text("share", lang))
            return _finish(fig, ax, "refusal_reasons", lang, n=int(n.sum()))
    _heatmap(ax, shares.T, [label("reason", r, lang) for _, r in pairs],
             groups.ticks(None if groups.per_report else n),
             cmap="Oranges", vmin=0, fmt="{:.0%}", colorbar_label=text("share", lang), lang=lang)
    return _finish(fig, ax, "refusal_reasons", lang, legend=False, n=int(n.sum()))


@_styled
def backlog(applications: pd.DataFrame, reports: pd.DataFrame | None = None, *,
            by: str | None = None, lang: str | None = None, ax=None,
            figsize=FIGSIZE) -> Figure:
    """Requests carried over from last year (上年结转) and forward (结转下年度).

    Per report (at most :data:`MAX_REPORTS`): grouped bars of the two counts,
    from :func:`gxbg_kit.analyse.backlog`.  Per group (``by``: "year", "level",
    "province", "template", "agency_key", … or "all"; by default by year above
    MAX_REPORTS reports): the share of the year's workload carried forward,
    结转下年度 / (本年新收 + 上年结转), as a strip of the reports' shares and the
    pooled share with its Wilson 95 % interval; n on each tick.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    df = _metric(applications, "carried_forward_share", analyse.backlog, reports=reports)
    if df.empty:
        return _no_data(fig, ax, "backlog", lang)
    groups = _groups(df, reports, by, lang)
    if groups.per_report:
        wide = df.set_index(df["report_id"].astype(str))[["carried_over", "carried_forward"]]
        x = _grouped(ax, wide, "row", lang)
        _set_categories(ax, x, groups.ticks())
        _integer_ticks(ax.yaxis)
        ax.set_ylabel(text("requests", lang))
        n = int(wide.notna().any(axis=1).sum())
        return _finish(fig, ax, "backlog", lang, n=n)
    n = _rate_chart(ax, _ids(df), df["carried_forward"], df["received"] + df["carried_over"],
                    df["carried_forward_share"], groups, lang, _color("row", "carried_forward"))
    ax.yaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    ax.set_ylim(0, 1)
    ax.set_ylabel(text("carried_forward_share", lang))
    return _finish(fig, ax, "backlog", lang, n=n)


def _correction_groups(ax, df: pd.DataFrame, groups: _Groups, lang: str) -> pd.Series:
    """Pooled correction rate per group and proceeding with Wilson intervals, side by side.
    Returns the reports per group with any decided case."""
    procs = list(PROCEEDINGS)
    x = np.arange(len(groups.order))
    known = df["corrected"].notna() & df["decided"].notna()
    sub = df[known.to_numpy()]
    key = groups.key.reindex(sub["report_id"].astype(str)).to_numpy()
    for i, p in enumerate(procs):
        sel = (sub["proceeding"].astype(str) == p).to_numpy()
        k = sub.loc[sel, "corrected"].astype(float).groupby(key[sel]).sum().reindex(groups.order)
        n = sub.loc[sel, "decided"].astype(float).groupby(key[sel]).sum().reindex(groups.order)
        shift = (i - (len(procs) - 1) / 2) * 0.25
        _interval(ax, x + shift, (k / n.where(n > 0)).to_numpy(dtype=float),
                  *wilson_interval(k, n), fmt="o", ms=5, capsize=3,
                  color=_color("proceeding", p), ecolor=_color("proceeding", p),
                  label=label("proceeding", p, lang))
    decided = sub[sub["decided"].astype(float) > 0]
    return groups.count(pd.Series(True, index=pd.unique(decided["report_id"].astype(str))))


@_styled
def review_correction_rate(reviews: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                           pooled: bool = False, by: str | None = None,
                           lang: str | None = None, ax=None, figsize=FIGSIZE) -> Figure:
    """Correction rate 纠正 / (总计 − 尚未审结) of reviews and lawsuits, Wilson 95 % intervals.

    Per report (at most :data:`MAX_REPORTS`): grouped bars, one per proceeding
    (行政复议, 行政诉讼 without and after review), each with the interval of its
    decided cases (a rate from one case spans 21–100 %).  ``pooled=True`` (or
    ``by="all"``): one bar per proceeding, pooled over reports.  ``by`` a
    reports column ("year", "level", "province", "template", "agency_key", …;
    by default by year above MAX_REPORTS reports): the pooled rate per group and
    proceeding with its interval; n (reports with a decided case) on each tick.
    From :func:`gxbg_kit.analyse.review_correction_rate`.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    df = _metric(reviews, "correction_rate", analyse.review_correction_rate, reports=reports)
    procs = list(PROCEEDINGS)
    if df.empty:
        return _no_data(fig, ax, "review_correction_rate", lang)
    if pooled or by == "all" or "report_id" not in df.columns:
        n = _correction_pooled(ax, df, lang)
    else:
        groups = _groups(df, reports, by, lang)
        if groups.per_report:
            wide = _wide(df, "proceeding", "correction_rate", procs)
            x = _grouped(ax, wide, "proceeding", lang)
            w = 0.8 / len(procs)
            corr = _wide(df, "proceeding", "corrected", procs)
            dec = _wide(df, "proceeding", "decided", procs)
            for i, p in enumerate(procs):
                _interval(ax, x - 0.4 + w * (i + 0.5), wide[p], *wilson_interval(corr[p], dec[p]))
            _set_categories(ax, x, groups.ticks())
            n = int(wide.notna().any(axis=1).sum())
        else:
            counts = _correction_groups(ax, df, groups, lang)
            _set_categories(ax, np.arange(len(groups.order)), groups.ticks(counts))
            n = int(counts.sum())
    ax.yaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    ax.set_ylim(0, 1)
    ax.set_ylabel(text("rate", lang))
    return _finish(fig, ax, "review_correction_rate", lang, n=n)


def _correction_pooled(ax, df: pd.DataFrame, lang: str) -> int:
    """One bar per proceeding of the pooled correction rate, with Wilson intervals."""
    procs = list(PROCEEDINGS)
    if "report_id" in df.columns:
        known = df[df["corrected"].notna() & df["decided"].notna()]
        sums = known.groupby(known["proceeding"].astype(str))[["corrected", "decided"]].sum()
        n = int(known.loc[known["decided"].astype(float) > 0, "report_id"].nunique())
    else:
        sums = df.set_index(df["proceeding"].astype(str))[["corrected", "decided"]]
        n = int(df["n_reports"].max()) if "n_reports" in df.columns else 0
    sums = sums.reindex(procs).astype("Float64")
    rate = sums["corrected"] / sums["decided"].where(sums["decided"] > 0)
    x = np.arange(len(procs))
    for i, p in enumerate(procs):
        _bars(ax, x[i:i + 1], rate.iloc[i:i + 1], width=0.6, color=_color("proceeding", p),
              label=label("proceeding", p, lang))
    _interval(ax, x, _floats(rate), *wilson_interval(sums["corrected"], sums["decided"]))
    _set_categories(ax, x, [label("proceeding", p, lang) for p in procs], rotate=False)
    return n


# --------------------------------------------------------------------------
# narrative
# --------------------------------------------------------------------------

def _theme_labels(codebook, lang: str) -> dict[str, str]:
    if codebook is None:
        try:
            from .narrative import load_codebook
            codebook = load_codebook()
        except Exception:  # the narrative module or its codebook is not there
            return {}
    col = f"label_{lang}"
    if not isinstance(codebook, pd.DataFrame) or "theme" not in codebook or col not in codebook:
        return {}
    return {str(t): str(v) for t, v in zip(codebook["theme"], codebook[col]) if str(v)}


def _theme_shares(problem_themes, kind, reports, by, lang):
    """theme × group: the share of the group's reports (with any coded item of ``kind``)
    that raise the theme; the groups; reports per group."""
    pt = analyse._themes_long(problem_themes, kind)[["report_id", "theme"]]
    pt = pt.assign(report_id=pt["report_id"].astype(str)).drop_duplicates()
    groups = _groups(pt, reports, by, lang)
    pt = pt.assign(group=groups.key.reindex(pt["report_id"]).to_numpy())
    base = pt.groupby("group")["report_id"].nunique().reindex(groups.order, fill_value=0)
    raised = pt.groupby(["theme", "group"])["report_id"].nunique().unstack("group")
    raised = raised.reindex(columns=groups.order).fillna(0)
    return raised.div(base.where(base > 0), axis=1), groups, base


@_styled
def theme_frequencies(problem_themes: pd.DataFrame, *, kind: str | None = "problem",
                      by_year: bool = False, reports: pd.DataFrame | None = None,
                      codebook: pd.DataFrame | None = None, top: int | None = None,
                      by: str | None = None, lang: str | None = None, ax=None,
                      figsize=FIGSIZE) -> Figure:
    """Which themes the self-reported problems (or measures) raise.

    No ``by``: horizontal bars of ``n_items`` per theme, most frequent first
    (:func:`gxbg_kit.analyse.theme_frequencies`); n in the title counts the
    reports with any coded item.  ``by`` a reports column ("year", "level",
    "province", "template", "agency_key", …; ``by_year=True`` is ``by="year"``;
    needs ``reports``): a theme × group heat map of the *share of the group's
    reports* (those with any coded item) raising each theme, n per group on the
    ticks, so years with more reports do not look busier.  ``top`` keeps the
    most frequent themes.  Theme labels come from the codebook's
    label_zh/label_en (the shipped one unless ``codebook`` is given).
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    names = _theme_labels(codebook, lang)
    by = "year" if by_year and by is None else by
    freq = analyse.theme_frequencies(problem_themes, kind=kind)
    if freq.empty:
        return _no_data(fig, ax, "theme_frequencies", lang)
    themes = list(freq["theme"].astype(str))[:top]
    if by is not None:
        if reports is None:
            raise ValueError(f"by={by!r} needs reports")
        shares, groups, base = _theme_shares(problem_themes, kind, reports, by, lang)
        _heatmap(ax, shares.reindex(themes), [names.get(t, t) for t in themes],
                 groups.ticks(base), vmin=0, vmax=1, fmt="{:.0%}",
                 colorbar_label=text("share_reports", lang), lang=lang)
        ax.set_xlabel(text("year", lang) if by == "year" else "")
        return _finish(fig, ax, "theme_by_year" if by == "year" else "theme_frequencies", lang,
                       legend=False, n=int(base.sum()))
    freq = freq.head(top) if top else freq
    n = analyse._themes_long(problem_themes, kind)["report_id"].nunique()
    y = np.arange(len(freq))
    _bars(ax, y, freq["n_items"], horizontal=True, height=0.7, color=_PALETTE[0])
    _set_categories(ax, y, [names.get(t, t) for t in freq["theme"]], horizontal=True)
    _integer_ticks(ax.xaxis)
    ax.set_xlabel(text("items", lang))
    return _finish(fig, ax, "theme_frequencies_measure" if kind == "measure"
                   else "theme_frequencies", lang, legend=False, n=int(n))


@_styled
def theme_cooccurrence(problem_themes: pd.DataFrame, *, kind: str | None = "problem",
                       codebook: pd.DataFrame | None = None, top: int | None = 20,
                       lang: str | None = None, ax=None, figsize=SQUARE) -> Figure:
    """Heatmap of theme co-occurrence: items coded with both themes.

    From :func:`gxbg_kit.analyse.theme_cooccurrence`, themes by frequency (the
    ``top`` most frequent).  The diagonal (items with the theme) is printed but
    left out of the colour scale, which it would otherwise swamp.  n in the
    title counts the reports with any coded item.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    mat = analyse.theme_cooccurrence(problem_themes, kind=kind)
    if mat.empty:
        return _no_data(fig, ax, "theme_cooccurrence", lang)
    mat = mat.iloc[:top, :top]
    names = _theme_labels(codebook, lang)
    tl = [names.get(t, t) for t in mat.index]
    _heatmap(ax, mat, tl, tl, vmin=0, colorbar_label=text("items", lang), diagonal=True,
             lang=lang)
    n = analyse._themes_long(problem_themes, kind)["report_id"].nunique()
    return _finish(fig, ax, "theme_cooccurrence", lang, legend=False, n=int(n))


def _pick(df: pd.DataFrame, given: str | None, candidates: Sequence[str], what: str) -> str:
    if given is not None:
        return given
    for c in candidates:
        if c in df.columns:
            return c
    raise ValueError(f"no {what} column among {list(candidates)}; pass it explicitly")


@_styled
def top_keywords(keywords: pd.DataFrame, *, n: int = 20, term: str | None = None,
                 value: str | None = None, n_reports: int | None = None,
                 lang: str | None = None, ax=None, figsize=FIGSIZE) -> Figure:
    """The ``n`` keywords with the highest value (count, document frequency or TF-IDF weight).

    ``keywords``: a frame with a term column (``term``, ``keyword``, ``token``
    or ``word``) and a value column (``weight``, ``score``, ``tfidf``, ``tf``,
    ``count``, ``df`` or ``n``), e.g. :func:`gxbg_kit.narrative.term_frequencies`
    of the whole corpus, or :func:`gxbg_kit.narrative.keywords` of one group.
    Rows with the same term are added up.  Horizontal bars, highest first,
    ties by term.  The title gives ``n_reports`` (the reports the keywords come
    from) when passed, or the distinct ``report_id`` of the frame.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    term = _pick(keywords, term, ("term", "keyword", "token", "word"), "term")
    value = _pick(keywords, value, ("weight", "score", "tfidf", "tf", "count", "df", "n"),
                  "value")
    if n_reports is None and "report_id" in keywords.columns:
        n_reports = int(keywords["report_id"].nunique())
    kw = keywords.groupby(keywords[term].astype(str))[value].sum().reset_index()
    kw = kw.sort_values([value, term], ascending=[False, True], kind="stable").head(n)
    if kw.empty:
        return _no_data(fig, ax, "top_keywords", lang)
    y = np.arange(len(kw))
    _bars(ax, y, kw[value], horizontal=True, height=0.7, color=_PALETTE[0])
    _set_categories(ax, y, list(kw[term]), horizontal=True)
    counts = value in ("tf", "count", "df", "n")
    if counts:
        _integer_ticks(ax.xaxis)
    ax.set_xlabel(text("count" if counts else "weight", lang))
    return _finish(fig, ax, "top_keywords", lang, legend=False, n=n_reports)


def _similarity_long(sim, a, b, value) -> pd.DataFrame:
    """Pairs (a, b, value) both ways, without self pairs, from a square or long frame."""
    if sim.shape[0] == sim.shape[1] and set(map(str, sim.index)) == set(map(str, sim.columns)):
        sq = sim.copy()
        sq.index, sq.columns = sq.index.astype(str), sq.columns.astype(str)
        sq.index.name, sq.columns.name = "a", "b"
        long = sq.reset_index().melt(id_vars="a", var_name="b", value_name="value")
    else:
        a = _pick(sim, a, ("report_id_a", "report_id", "report_a", "a"), "first report")
        b = _pick(sim, b, ("report_id_b", "other_report_id", "report_b", "b"), "second report")
        value = _pick(sim, value, ("similarity", "cosine", "score", "value"), "similarity")
        long = sim[[a, b, value]].astype({a: str, b: str})
        long.columns = ["a", "b", "value"]
        long = pd.concat([long, long.rename(columns={"a": "b", "b": "a"})], ignore_index=True)
    long["value"] = _floats(long["value"])
    return long[long["a"] != long["b"]]


@_styled
def similarity(sim: pd.DataFrame, reports: pd.DataFrame | None = None, *,
               a: str | None = None, b: str | None = None, value: str | None = None,
               by: str | None = None, lang: str | None = None, ax=None,
               figsize=SQUARE) -> Figure:
    """Heatmap of text similarity between reports (0-1), to spot boilerplate.

    ``sim``: a square frame (index and columns report ids) or a long frame
    with two report-id columns and a similarity column, such as
    :func:`gxbg_kit.narrative.narrative_similarity` (report_id_a,
    report_id_b, similarity; other names can be given as ``a``, ``b``,
    ``value``).  Per report (at most :data:`MAX_REPORTS`): report × report, in
    the order of ``reports`` (year, agency, id) when given, else sorted ids; the
    diagonal (1) is white and left out of the colour scale, which spans the
    other pairs.  Per group (``by`` a reports column, by default year above
    MAX_REPORTS reports): the mean similarity of pairs of distinct reports
    between (and, on the diagonal, within) groups.  Missing pairs are grey.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    long = _similarity_long(sim, a, b, value)
    ids = sorted(set(long["a"]) | set(long["b"]))
    if not ids:
        return _no_data(fig, ax, "similarity", lang)
    if reports is not None:
        rep = analyse._labelled(reports[["report_id"]].astype("string").drop_duplicates(),
                                reports, [])
        order = [r for r in rep["report_id"].astype(str) if r in set(ids)]
        ids = order + [i for i in ids if i not in set(order)]
    groups = _groups(pd.DataFrame({"report_id": ids}), reports, by, lang)
    known = long.dropna(subset=["value"])
    ga = groups.key.reindex(known["a"]).to_numpy()
    gb = groups.key.reindex(known["b"]).to_numpy()
    mat = known["value"].groupby([ga, gb]).mean().unstack()
    mat = mat.reindex(index=groups.order, columns=groups.order).astype("Float64")
    if groups.per_report:
        for i in ids:
            mat.loc[i, i] = 1.0
        tl = groups.ticks()
    else:
        tl = groups.ticks(groups.key.value_counts())
    _heatmap(ax, mat, tl, tl, cmap="viridis", fmt="{:.2f}", colorbar_label=text("cosine", lang),
             diagonal=groups.per_report, lang=lang,
             vmin=None if groups.per_report else 0, vmax=None if groups.per_report else 1)
    return _finish(fig, ax, "similarity", lang, legend=False, n=len(ids))


# --------------------------------------------------------------------------
# data quality
# --------------------------------------------------------------------------

@_styled
def check_failures(checks: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                   by: str | None = None, lang: str | None = None, ax=None,
                   figsize=WIDE) -> Figure:
    """Heatmap of failed checks, from :func:`gxbg_kit.analyse.check_failures`.

    Per report (at most :data:`MAX_REPORTS`): reports (rows) × checks
    (columns), cells = failures; a cell where the check never ran, or could
    only be evaluated as NA, is grey ("not computable").  Per group (``by``:
    "year", "level", "province", "template", "agency_key", … or "all"; by
    default by year above MAX_REPORTS reports): the share of the group's
    reports where the check was evaluated that failed it at least once; n
    (reports) on each tick.  Only checks that ran for some report are shown.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    df = _metric(checks, "n_failed", analyse.check_failures, reports=reports)
    ran = df.groupby("check", observed=True)["n_checks"].sum()
    cols = [c for c in CHECKS if c in ran.index and ran[c] > 0]
    if df.empty or not cols:
        return _no_data(fig, ax, "check_failures", lang)
    evaluated = (df["n_checks"] - df["n_na"]) > 0
    groups = _groups(df, reports, by, lang)
    collabels = [label("check", c, lang) for c in cols]
    if groups.per_report:
        df = df.assign(cell=df["n_failed"].astype("Float64").mask(~evaluated))
        mat = _wide(df, "check", "cell", cols)
        _heatmap(ax, mat, groups.ticks(), collabels, cmap="Reds", vmin=0,
                 colorbar_label=text("n_failed", lang), lang=lang)
    else:
        df = df.assign(failed=(df["n_failed"] > 0).astype(float).where(evaluated))
        shares = _group_means(df, "check", "failed", cols, groups)
        _heatmap(ax, shares, groups.ticks(groups.key.value_counts()), collabels, cmap="Reds",
                 vmin=0, vmax=1, fmt="{:.0%}", colorbar_label=text("failed_share", lang),
                 lang=lang)
    return _finish(fig, ax, "check_failures", lang, legend=False, n=len(groups.key))


def _group_means(df: pd.DataFrame, columns: str, values: str, codes, groups: _Groups):
    """group × codes: the mean of ``values`` over the group's reports where it is known."""
    wide = _wide(df, columns, values, codes).astype(float)
    key = groups.key.reindex(wide.index).to_numpy()
    return wide.groupby(key).mean().reindex(index=groups.order, columns=list(codes))


@_styled
def cell_completeness(checks: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                      by: str | None = None, lang: str | None = None, ax=None,
                      figsize=FIGSIZE) -> Figure:
    """Heatmap of the share of template cells found (0-100 %), per table.

    From :func:`gxbg_kit.analyse.cell_completeness` (the ``completeness``
    checks).  Per report (at most :data:`MAX_REPORTS`): reports × tables.  Per
    group (``by``, as :func:`check_failures`): cells found / template cells,
    summed over the group's reports; n (reports) on each tick.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    df = _metric(checks, "share", analyse.cell_completeness, reports=reports)
    if df.empty:
        return _no_data(fig, ax, "cell_completeness", lang)
    tables = [t for t in TABLES if t in set(df["table"].astype(str))]
    tables += sorted(set(df["table"].astype(str)) - set(tables))
    groups = _groups(df, reports, by, lang)
    if groups.per_report:
        mat, rows = _wide(df, "table", "share", tables), groups.ticks()
    else:
        actual = _wide(df, "table", "actual", tables).astype(float)
        expected = _wide(df, "table", "expected", tables).astype(float)
        ok = actual.notna() & expected.notna()
        key = groups.key.reindex(actual.index).to_numpy()
        sums_a = actual.where(ok).groupby(key).sum(min_count=1)
        sums_e = expected.where(ok).groupby(key).sum(min_count=1)
        mat = (sums_a / sums_e.where(sums_e > 0)).reindex(index=groups.order, columns=tables)
        rows = groups.ticks(groups.key.value_counts())
    _heatmap(ax, mat, rows, [label("table", t, lang) for t in tables], cmap="Greens", vmin=0,
             vmax=1, fmt="{:.0%}", colorbar_label=text("share", lang), lang=lang)
    return _finish(fig, ax, "cell_completeness", lang, legend=False, n=len(groups.key))


# --------------------------------------------------------------------------
# one organ over the years
# --------------------------------------------------------------------------

def _panel_rows(data: pd.DataFrame, agency_key) -> pd.DataFrame:
    """The rows of :func:`gxbg_kit.analyse.panel` of one organ, by year."""
    if "agency_key" not in data.columns or "year" not in data.columns:
        raise ValueError("panel() takes the frame of gxbg_kit.analyse.panel")
    keys = list(pd.unique(data["agency_key"].dropna().astype(str)))
    if agency_key is None and len(keys) != 1:
        raise ValueError(f"the panel has {len(keys)} organs: pass agency_key= one of "
                         f"{keys[:10]}{' …' if len(keys) > 10 else ''}")
    key = keys[0] if agency_key is None else str(agency_key)
    rows = data[data["agency_key"].astype(str) == key].sort_values("year", kind="stable")
    if rows.empty:
        raise ValueError(f"agency_key {agency_key!r} is not in the panel")
    return rows.reset_index(drop=True)


def _panel_requests(ax, rows: pd.DataFrame, years: list[str], lang: str) -> None:
    wide = rows[["received", "carried_over", "carried_forward"]].set_axis(years)
    x = _grouped(ax, wide, "row", lang)
    _set_categories(ax, x, years, rotate=False)
    _integer_ticks(ax.yaxis)
    ax.set_ylabel(text("requests", lang))
    ax.set_title(text("panel_requests", lang), fontsize=10)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def _panel_outcomes(ax, rows: pd.DataFrame, years: list[str], lang: str) -> None:
    wide = rows[[f"share_{o}" for o in OUTCOME_ROWS]].set_axis(years)
    wide.columns = list(OUTCOME_ROWS)
    x = _stacked(ax, wide, "row", lang)
    n = rows["processed_total"]
    _set_categories(ax, x, [f"{y}\nn={int(v) if _known(v) else 'NA'}"
                            for y, v in zip(years, n)], rotate=False)
    k = rows["granted"] + rows["partly_granted"]
    _interval(ax, x, _floats(rows["grant_rate"]), *wilson_interval(k, n), fmt="o", ms=4,
              color="black", ecolor="black", capsize=3, label=text("grant_rate_ci", lang))
    ax.yaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(text("share", lang))
    ax.set_title(text("panel_outcomes", lang), fontsize=10)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def _panel_themes(ax, rows: pd.DataFrame, years: list[str], codebook, top, lang) -> bool:
    cols = [c for c in rows.columns if c.startswith("theme_")]
    if not cols:
        return False
    mat = rows[cols].set_axis(years).T.astype("Float64")
    mat.index = [c[len("theme_"):] for c in cols]
    total = mat.sum(axis=1)
    mat = mat.loc[sorted(mat.index, key=lambda t: (-total[t], t))[:top]]
    names = _theme_labels(codebook, lang)
    _heatmap(ax, mat, [names.get(t, t) for t in mat.index], years,
             colorbar_label=text("items", lang), lang=lang)
    ax.set_title(text("panel_themes", lang), fontsize=10)
    return True


@_styled
def panel(data: pd.DataFrame, agency_key: str | None = None, *,
          codebook: pd.DataFrame | None = None, top: int = 8, lang: str | None = None,
          figsize=(10.0, 10.0)) -> Figure:
    """One organ over the years: requests, outcomes and self-reported themes.

    ``data``: the frame of :func:`gxbg_kit.analyse.panel` (one row per
    agency_key and year); ``agency_key``: the organ (needed when the frame has
    several).  Three panels sharing the years: requests received (本年新收),
    carried over and carried forward (counts); the outcome shares of the
    requests processed, stacked, with the grant rate and its Wilson 95 %
    interval, n (requests processed) on each tick; and, when the panel has theme
    columns, a theme × year heat map of the items of section 五 coded with each
    of the ``top`` themes (grey: no items found that year).  A year with two
    reports of the organ is NA throughout (the panel does not choose).  The
    title gives the organ as last printed and n, its reports.
    """
    lang = _check_lang(lang)
    rows = _panel_rows(data, agency_key)
    years = [str(int(y)) for y in rows["year"]]
    has_themes = any(c.startswith("theme_") for c in rows.columns)
    fig, axes = plt.subplots(3 if has_themes else 2, 1, figsize=figsize, dpi=DPI)
    _panel_requests(axes[0], rows, years, lang)
    _panel_outcomes(axes[1], rows, years, lang)
    if has_themes:
        _panel_themes(axes[2], rows, years, codebook, top, lang)
    agency = rows["agency"].dropna()
    name = str(agency.iloc[-1]) if len(agency) else str(rows["agency_key"].iloc[0])
    n = int(rows["n_reports"].sum()) if "n_reports" in rows.columns else len(rows)
    fig.suptitle(f"{name}：{text('panel', lang)}（n={n}）" if lang == "zh"
                 else f"{name}: {text('panel', lang)} (n={n})")
    fig.tight_layout()
    _declutter(fig)
    return fig
