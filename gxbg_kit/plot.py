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
    Importing this module registers the CJK font shipped in
    ``gxbg_kit/fonts/`` (a GB2312 subset of Noto Sans CJK SC, SIL Open Font
    License) with matplotlib and puts it first in ``font.sans-serif``, so
    Chinese renders on machines without Chinese system fonts; see
    :func:`setup_fonts`.

Determinism
    Fixed figure sizes and DPI, fixed ordering (the order of the analyse
    frames: year, agency, report; codes in template order), fixed colours per
    code, ``svg.hashsalt`` set and text drawn as paths in SVG
    (``svg.fonttype = "path"``), TrueType embedding in PDF.  Use
    :func:`gxbg_kit.figures.save_figure` to write files without timestamps.

Missing values
    A value that is NA gets no bar and a small grey "NA" mark where the bar
    would be (a 0 gets an empty bar and no mark); in heatmaps NA cells are
    light grey.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager, ticker
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from . import analyse
from .schema import (
    ACTIVE_ITEMS, ACTIVE_MEASURES, APPLICANT_PARTS, APPLICANTS, APPLICATION_REASONS,
    APPLICATION_ROWS, CHECKS, OUTCOME_ROWS, PROCEEDINGS, REASONS_BY_ROW, REPORTS, REVIEW_RESULTS,
    STATUSES, TABLES,
    TEMPLATES,
)

__all__ = [
    "FONT_FILE", "FONT_FAMILY", "FIGSIZE", "DPI", "LABELS", "TEXT",
    "setup_fonts", "set_language", "get_language", "label", "text", "labels_table",
    "normative_documents", "enforcement_decisions", "fees", "disclosure_volumes",
    "requests_by_applicant", "outcome_mix", "grant_rate", "refusal_reasons", "backlog",
    "review_correction_rate", "theme_frequencies", "theme_cooccurrence", "top_keywords",
    "similarity", "check_failures", "cell_completeness",
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


def setup_fonts(system_fallback: bool = False) -> str:
    """Register the shipped CJK font with matplotlib and make it the default.

    Idempotent. Sets ``font.family`` to the shipped font, then DejaVu Sans
    (matplotlib's own font) for symbols the subset lacks. Installed system CJK
    fonts are *not* used by default, so charts (and notebook outputs) are the
    same on every machine; pass ``system_fallback=True`` to append the system
    CJK fonts of ``_SYSTEM_CJK`` that are present, for characters outside GB2312.
    Sets the rcParams that make SVG and PDF output deterministic and
    self-contained: ``svg.hashsalt``, ``svg.fonttype = "path"``,
    ``pdf.fonttype = 42``, ``ps.fonttype = 42``. Returns the font's family name.
    """
    manager = font_manager.fontManager
    if not any(Path(f.fname) == FONT_FILE for f in manager.ttflist):
        if not FONT_FILE.exists():
            raise FileNotFoundError(f"{FONT_FILE} is missing: the package was installed without "
                                    "its fonts/ folder (run scripts/make_font_subset.py)")
        manager.addfont(str(FONT_FILE))
    # regular-weight upright faces only: matplotlib logs a warning for others
    names = {f.name for f in manager.ttflist
             if f.weight in (400, "normal", "regular") and f.style == "normal"
             and Path(f.fname).exists()}
    rc = matplotlib.rcParams
    system = [n for n in _SYSTEM_CJK if n in names] if system_fallback else []
    front = [FONT_FAMILY, "DejaVu Sans", *system]
    rc["font.family"] = front
    rc["font.sans-serif"] = front + [f for f in rc["font.sans-serif"] if f not in front]
    rc["axes.unicode_minus"] = True  # the shipped font has U+2212
    rc["svg.hashsalt"] = "gxbg_kit"
    rc["svg.fonttype"] = "path"
    rc["pdf.fonttype"] = 42
    rc["ps.fonttype"] = 42
    return FONT_FAMILY


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
            out[domain][code] = {"zh": zh, "en": _EN[domain][code]}
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


def _color(domain: str, code: str):
    """A fixed colour per code: its position in the domain's code list."""
    codes = list(LABELS.get(domain, {}))
    i = codes.index(code) if code in codes else len(codes)
    palette = _PALETTE if len(codes) <= 10 else _PALETTE_20
    return palette[i % len(palette)]


def _figure(ax=None, figsize=FIGSIZE):
    setup_fonts()
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize, dpi=DPI)
    return fig, ax


def _short(s: str, n: int = 14) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _report_labels(df: pd.DataFrame) -> dict[str, str]:
    """report_id -> "agency year" (agency shortened) or the first 8 digits of the id."""
    out = {}
    for row in df.drop_duplicates("report_id").itertuples(index=False):
        rid = str(row.report_id)
        agency = getattr(row, "agency", pd.NA)
        year = getattr(row, "year", pd.NA)
        parts = [_short(str(agency))] if not pd.isna(agency) else [rid[:8]]
        if not pd.isna(year):
            parts.append(str(year))
        out[rid] = " ".join(parts)
    return out


def _ids(df: pd.DataFrame) -> list[str]:
    return [str(r) for r in pd.unique(df["report_id"])]


def _floats(values) -> np.ndarray:
    return pd.array(values, dtype="Float64").to_numpy(dtype=float, na_value=np.nan)


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


def _grouped(ax, wide: pd.DataFrame, domain: str, lang: str, *, width=0.8):
    """Grouped bars: one group per row of ``wide``, one bar per column (a code)."""
    n = max(len(wide.columns), 1)
    x = np.arange(len(wide))
    w = width / n
    for i, code in enumerate(wide.columns):
        _bars(ax, x - width / 2 + w * (i + 0.5), wide[code], width=w,
              label=label(domain, code, lang), color=_color(domain, code))
    return x


def _set_categories(ax, x, labels, *, horizontal=False, rotate=True):
    """Category ticks, and limits that keep a slot for every category (NA ones too)."""
    n = len(labels)
    if horizontal:
        ax.set_yticks(x, labels)
        ax.set_ylim(n - 0.5, -0.5)  # first category on top
    else:
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_xticks(x, labels, rotation=30 if rotate and len(labels) > 3 else 0,
                      ha="right" if rotate and len(labels) > 3 else "center")


def _empty(ax, lang):
    ax.text(0.5, 0.5, text("no_data", lang), ha="center", va="center", transform=ax.transAxes,
            color=_NA_COLOR)


def _no_data(fig, ax, title, lang):
    _empty(ax, lang)
    return _finish(fig, ax, title, lang)


def _finish(fig, ax, title, lang, legend=True):
    ax.set_title(text(title, lang))
    if legend and ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return fig


def _metric(df: pd.DataFrame, marker: str, fn, **kw) -> pd.DataFrame:
    """``df`` itself when it already is the analyse output (has ``marker``), else fn(df)."""
    return df if marker in df.columns else fn(df, **kw)


def _heatmap(ax, mat: pd.DataFrame, row_labels, col_labels, *, cmap="Blues", vmin=None,
             vmax=None, fmt="{:.0f}", colorbar_label=None, annotate=None):
    values = np.ma.masked_invalid(mat.astype("Float64").to_numpy(dtype=float, na_value=np.nan))
    cm = matplotlib.colormaps[cmap].with_extremes(bad="0.9")
    im = ax.imshow(values, cmap=cm, vmin=vmin, vmax=vmax, aspect="auto",
                   interpolation="nearest")
    long_labels = any(len(str(c)) > 4 for c in col_labels)
    ax.set_xticks(np.arange(values.shape[1]), col_labels, rotation=45 if long_labels else 0,
                  ha="right" if long_labels else "center")
    ax.set_yticks(np.arange(values.shape[0]), row_labels)
    annotate = values.size <= 400 if annotate is None else annotate
    if annotate:
        for (i, j), v in np.ndenumerate(values.filled(np.nan)):
            if not np.isnan(v):
                r, g, b, _ = im.cmap(im.norm(v))
                dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
                ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=7,
                        color="white" if dark else "black")
    cbar = ax.figure.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    if fmt == "{:.0f}":  # counts
        cbar.locator = ticker.MaxNLocator(integer=True)
        cbar.update_ticks()
    elif fmt.endswith("%}"):
        cbar.formatter = ticker.PercentFormatter(1.0)
        cbar.update_ticks()
    if colorbar_label:
        cbar.set_label(colorbar_label)
    return im


# --------------------------------------------------------------------------
# active disclosure
# --------------------------------------------------------------------------

def _active_wide(active, reports, item_measures: list[tuple[str, str]]) -> tuple[pd.DataFrame, dict]:
    vol = analyse.active_volumes(active, reports=reports)
    labels = _report_labels(vol) if len(vol) else {}
    ids = _ids(vol)
    cols = {}
    for item, measure in item_measures:
        sel = vol[(vol["item"] == item) & (vol["measure"] == measure)]
        cols[(item, measure)] = sel.set_index(sel["report_id"].astype(str))["value"].reindex(ids)
    wide = pd.DataFrame(cols, index=ids)
    return wide, labels


def _active_grouped(active, reports, pairs: list[tuple[str, str]], domain: str,
                    codes: list[str], lang, ax, figsize):
    """Grouped bars per report of the (item, measure) ``pairs``, labelled by ``codes``."""
    fig, ax = _figure(ax, figsize)
    wide, labels = _active_wide(active, reports, pairs)
    wide.columns = codes
    if wide.empty:
        _empty(ax, lang)
    else:
        x = _grouped(ax, wide, domain, lang)
        _set_categories(ax, x, [labels[r] for r in wide.index])
    return fig, ax


def normative_documents(active: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                        lang: str | None = None, ax=None, figsize=FIGSIZE) -> Figure:
    """规范性文件 per report: issued (制发), repealed (废止) and in force (现行有效).

    Grouped bars, one group per report, in the order of
    :func:`gxbg_kit.analyse.active_volumes`; the 2021-template measures.
    """
    lang = _check_lang(lang)
    measures = ["issued", "repealed", "in_force"]
    fig, ax = _active_grouped(active, reports, [("normative_documents", m) for m in measures],
                              "measure", measures, lang, ax, figsize)
    ax.set_ylabel(text("documents", lang))
    return _finish(fig, ax, "normative_documents", lang)


def enforcement_decisions(active: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                          lang: str | None = None, ax=None, log: bool = True,
                          figsize=FIGSIZE) -> Figure:
    """行政许可, 行政处罚, 行政强制: decisions (处理决定数量) per report, log scale.

    Grouped bars, one group per report; the y axis is logarithmic (``log``)
    because the numbers span orders of magnitude; a 0 has no visible bar.
    """
    lang = _check_lang(lang)
    items = ["licensing", "penalty", "coercion"]
    fig, ax = _active_grouped(active, reports, [(i, "decisions") for i in items],
                              "item", items, lang, ax, figsize)
    if log:
        ax.set_yscale("log")
    ax.set_ylabel(text("decisions_log" if log else "count", lang))
    return _finish(fig, ax, "enforcement_decisions", lang)


def fees(active: pd.DataFrame, reports: pd.DataFrame | None = None, *, lang: str | None = None,
         ax=None, figsize=FIGSIZE) -> Figure:
    """行政事业性收费: fee amount (万元) per report, one bar each."""
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    wide, labels = _active_wide(active, reports, [("fees", "fee_amount")])
    if wide.empty:
        _empty(ax, lang)
    else:
        x = np.arange(len(wide))
        _bars(ax, x, wide.iloc[:, 0], width=0.6, color=_color("item", "fees"),
              label=label("item", "fees", lang))
        _set_categories(ax, x, [labels[r] for r in wide.index])
    ax.set_ylabel(text("wan_yuan", lang))
    return _finish(fig, ax, "fees", lang, legend=False)


def disclosure_volumes(active: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                       lang: str | None = None, figsize=(10.0, 11.0)) -> Figure:
    """The three volume charts stacked: 规范性文件, enforcement decisions (log), fees."""
    lang = _check_lang(lang)
    setup_fonts()
    fig, axes = plt.subplots(3, 1, figsize=figsize, dpi=DPI)
    normative_documents(active, reports, lang=lang, ax=axes[0])
    enforcement_decisions(active, reports, lang=lang, ax=axes[1])
    fees(active, reports, lang=lang, ax=axes[2])
    fig.suptitle(text("disclosure_volumes", lang))
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------
# requests
# --------------------------------------------------------------------------

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


def requests_by_applicant(applications: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                          share: bool = False, lang: str | None = None, ax=None,
                          figsize=FIGSIZE) -> Figure:
    """New requests (本年新收) per report, stacked by applicant type.

    Horizontal stacked bars of counts (or, with ``share=True``, of shares of
    the printed 总计).  A report with any NA applicant cell has no bar.
    Accepts the applications table or the per-report output of
    :func:`gxbg_kit.analyse.requests_by_applicant`.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    df = _metric(applications, "share", analyse.requests_by_applicant, reports=reports)
    if df.empty:
        return _no_data(fig, ax, "requests_by_applicant", lang)
    labels = _report_labels(df)
    wide = df.pivot_table(index="report_id", columns="applicant",
                          values="share" if share else "count", aggfunc="first",
                          observed=True, dropna=False)
    wide = wide.reindex(index=_ids(df), columns=APPLICANT_PARTS)
    x = _stacked(ax, wide, "applicant", lang, horizontal=True)
    _set_categories(ax, x, [labels[r] for r in wide.index], horizontal=True)
    if share:
        ax.xaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    ax.set_xlabel(text("share" if share else "requests", lang))
    return _finish(fig, ax, "requests_by_applicant", lang)


def outcome_mix(applications: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                pooled: bool = True, lang: str | None = None, ax=None,
                figsize=FIGSIZE) -> Figure:
    """Share of each outcome of the requests processed, per report and pooled.

    Stacked bars of :func:`gxbg_kit.analyse.outcome_shares` (outcome rows
    as a whole): 予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理 as
    shares of 办理结果总计.  With ``pooled`` (and the applications table
    given), a last bar shows the pooled shares.  A report with any NA share
    has no bar.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    is_metric = "share" in applications.columns
    per = applications if is_metric else analyse.outcome_shares(applications, reports=reports)
    per = per[per["reason"].isna()]
    labels = _report_labels(per) if len(per) else {}
    wide = per.pivot_table(index="report_id", columns="outcome", values="share", aggfunc="first",
                           observed=True, dropna=False)
    wide = wide.reindex(index=_ids(per), columns=OUTCOME_ROWS)
    names = [labels[r] for r in wide.index]
    if pooled and not is_metric:
        pool = analyse.outcome_shares(applications, pooled=True)
        pool = pool[pool["reason"].isna()].set_index("outcome")["share"]
        wide.loc["__pooled__"] = pool.reindex(OUTCOME_ROWS).to_numpy()
        names.append(text("pooled", lang))
    if wide.empty:
        return _no_data(fig, ax, "outcome_mix", lang)
    x = _stacked(ax, wide, "row", lang)
    _set_categories(ax, x, names)
    ax.yaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    ax.set_ylabel(text("share", lang))
    return _finish(fig, ax, "outcome_mix", lang)


def grant_rate(applications: pd.DataFrame, reports: pd.DataFrame | None = None, *,
               lang: str | None = None, ax=None, figsize=FIGSIZE) -> Figure:
    """Grant rate per report: (予以公开 + 部分公开) / 办理结果总计, one bar each.

    Accepts the applications table or :func:`gxbg_kit.analyse.grant_rate`.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    df = _metric(applications, "grant_rate", analyse.grant_rate, reports=reports)
    if df.empty:
        _empty(ax, lang)
    else:
        x = np.arange(len(df))
        _bars(ax, x, df["grant_rate"], width=0.6, color=_color("row", "granted"),
              label=text("rate", lang))
        _set_categories(ax, x, list(_report_labels(df).values()))
    ax.yaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    ax.set_ylim(0, 1)
    ax.set_ylabel(text("rate", lang))
    return _finish(fig, ax, "grant_rate", lang, legend=False)


def refusal_reasons(applications: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                    pooled: bool = True, lang: str | None = None, ax=None,
                    figsize=FIGSIZE) -> Figure:
    """Mix of the reasons for 不予公开, 无法提供 and 不予处理.

    ``pooled=True``: horizontal bars, one per sub-reason in template order, of
    the pooled share of all such refusals (:func:`gxbg_kit.analyse.refusal_reasons`
    with ``pooled=True``), coloured by outcome row.  ``pooled=False``: one
    horizontal bar per report, stacked by sub-reason (shares of the report's
    refusals; a report with any NA sub-reason has no bar).  Accepts the
    applications table or the matching analyse frame.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    df = _metric(applications, "share", analyse.refusal_reasons, pooled=pooled, reports=reports)
    if df.empty:
        return _no_data(fig, ax, "refusal_reasons", lang)
    codes = [r for row in analyse.REFUSAL_ROWS for r in REASONS_BY_ROW[row]]
    if "report_id" in df.columns:
        wide = df.pivot_table(index="report_id", columns="reason", values="share",
                              aggfunc="first", observed=True, dropna=False)
        wide = wide.reindex(index=_ids(df), columns=codes)
        labels = _report_labels(df)
        y = _stacked(ax, wide, "reason", lang, horizontal=True)
        _set_categories(ax, y, [labels[r] for r in wide.index], horizontal=True)
    else:
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
    return _finish(fig, ax, "refusal_reasons", lang)


def backlog(applications: pd.DataFrame, reports: pd.DataFrame | None = None, *,
            lang: str | None = None, ax=None, figsize=FIGSIZE) -> Figure:
    """Requests carried over from last year (上年结转) and forward (结转下年度).

    Grouped bars per report, from :func:`gxbg_kit.analyse.backlog`.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    df = _metric(applications, "carried_forward_share", analyse.backlog, reports=reports)
    if df.empty:
        _empty(ax, lang)
    else:
        wide = df.set_index(df["report_id"].astype(str))[["carried_over", "carried_forward"]]
        x = _grouped(ax, wide, "row", lang)
        _set_categories(ax, x, list(_report_labels(df).values()))
    ax.set_ylabel(text("requests", lang))
    return _finish(fig, ax, "backlog", lang)


def review_correction_rate(reviews: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                           pooled: bool = False, lang: str | None = None, ax=None,
                           figsize=FIGSIZE) -> Figure:
    """Correction rate 纠正 / (总计 − 尚未审结) of reviews and lawsuits.

    Per report: grouped bars, one per proceeding (行政复议, 行政诉讼 without
    and after review).  ``pooled=True``: one bar per proceeding, pooled over
    reports.  From :func:`gxbg_kit.analyse.review_correction_rate`.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    df = _metric(reviews, "correction_rate", analyse.review_correction_rate,
                 pooled=pooled, reports=reports)
    procs = list(PROCEEDINGS)
    if df.empty:
        _empty(ax, lang)
    elif "report_id" not in df.columns:  # pooled
        rate = df.set_index(df["proceeding"].astype(str))["correction_rate"].reindex(procs)
        x = np.arange(len(procs))
        for i, p in enumerate(procs):
            _bars(ax, x[i:i + 1], rate.iloc[i:i + 1], width=0.6, color=_color("proceeding", p),
                  label=label("proceeding", p, lang))
        _set_categories(ax, x, [label("proceeding", p, lang) for p in procs], rotate=False)
    else:
        wide = df.pivot_table(index="report_id", columns="proceeding", values="correction_rate",
                              aggfunc="first", observed=True, dropna=False)
        wide = wide.reindex(index=_ids(df), columns=procs)
        x = _grouped(ax, wide, "proceeding", lang)
        _set_categories(ax, x, [_report_labels(df)[r] for r in wide.index])
    ax.yaxis.set_major_formatter(ticker.PercentFormatter(1.0))
    ax.set_ylim(0, 1)
    ax.set_ylabel(text("rate", lang))
    return _finish(fig, ax, "review_correction_rate", lang)


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


def theme_frequencies(problem_themes: pd.DataFrame, *, kind: str | None = "problem",
                      by_year: bool = False, reports: pd.DataFrame | None = None,
                      codebook: pd.DataFrame | None = None, top: int | None = None,
                      lang: str | None = None, ax=None, figsize=FIGSIZE) -> Figure:
    """How many problem items raise each theme.

    Horizontal bars of ``n_items`` per theme, most frequent first
    (:func:`gxbg_kit.analyse.theme_frequencies`); ``top`` keeps the first
    themes.  ``by_year=True`` (needs ``reports``) draws a theme × year heatmap
    of item counts instead.  Theme labels come from the codebook's
    label_zh/label_en (the shipped one unless ``codebook`` is given).
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    names = _theme_labels(codebook, lang)
    freq = analyse.theme_frequencies(problem_themes, kind=kind, by_year=by_year, reports=reports)
    if freq.empty:
        return _no_data(fig, ax, "theme_frequencies", lang)
    if by_year:
        overall = freq.groupby("theme")["n_items"].sum()
        themes = sorted(overall.index, key=lambda t: (-overall[t], t))[:top]
        mat = freq.pivot_table(index="theme", columns="year", values="n_items", aggfunc="sum",
                               observed=True).reindex(themes).fillna(0)
        _heatmap(ax, mat, [names.get(t, t) for t in themes], [str(y) for y in mat.columns],
                 colorbar_label=text("items", lang))
        ax.set_xlabel(text("year", lang))
        return _finish(fig, ax, "theme_by_year", lang, legend=False)
    freq = freq.head(top) if top else freq
    y = np.arange(len(freq))
    _bars(ax, y, freq["n_items"], horizontal=True, height=0.7, color=_PALETTE[0])
    _set_categories(ax, y, [names.get(t, t) for t in freq["theme"]], horizontal=True)
    ax.set_xlabel(text("items", lang))
    return _finish(fig, ax, "theme_frequencies_measure" if kind == "measure"
                   else "theme_frequencies", lang, legend=False)


def theme_cooccurrence(problem_themes: pd.DataFrame, *, kind: str | None = "problem",
                       codebook: pd.DataFrame | None = None, lang: str | None = None, ax=None,
                       figsize=SQUARE) -> Figure:
    """Heatmap of theme co-occurrence: items coded with both themes (diagonal: with the theme).

    From :func:`gxbg_kit.analyse.theme_cooccurrence`, themes by frequency.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    mat = analyse.theme_cooccurrence(problem_themes, kind=kind)
    if mat.empty:
        return _no_data(fig, ax, "theme_cooccurrence", lang)
    names = _theme_labels(codebook, lang)
    tl = [names.get(t, t) for t in mat.index]
    _heatmap(ax, mat, tl, tl, colorbar_label=text("items", lang))
    return _finish(fig, ax, "theme_cooccurrence", lang, legend=False)


def _pick(df: pd.DataFrame, given: str | None, candidates: Sequence[str], what: str) -> str:
    if given is not None:
        return given
    for c in candidates:
        if c in df.columns:
            return c
    raise ValueError(f"no {what} column among {list(candidates)}; pass it explicitly")


def top_keywords(keywords: pd.DataFrame, *, n: int = 20, term: str | None = None,
                 value: str | None = None, lang: str | None = None, ax=None,
                 figsize=FIGSIZE) -> Figure:
    """The ``n`` keywords with the highest value (count, document frequency or TF-IDF weight).

    ``keywords``: a frame with a term column (``term``, ``keyword``, ``token``
    or ``word``) and a value column (``weight``, ``score``, ``tfidf``, ``tf``,
    ``count``, ``df`` or ``n``), e.g. :func:`gxbg_kit.narrative.term_frequencies`
    of the whole corpus, or :func:`gxbg_kit.narrative.keywords` of one group.
    Rows with the same term are added up.  Horizontal bars, highest first,
    ties by term.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    term = _pick(keywords, term, ("term", "keyword", "token", "word"), "term")
    value = _pick(keywords, value, ("weight", "score", "tfidf", "tf", "count", "df", "n"),
                  "value")
    kw = keywords.groupby(keywords[term].astype(str))[value].sum().reset_index()
    kw = kw.sort_values([value, term], ascending=[False, True], kind="stable").head(n)
    if kw.empty:
        return _no_data(fig, ax, "top_keywords", lang)
    y = np.arange(len(kw))
    _bars(ax, y, kw[value], horizontal=True, height=0.7, color=_PALETTE[0])
    _set_categories(ax, y, list(kw[term]), horizontal=True)
    ax.set_xlabel(text("count" if value in ("tf", "count", "df", "n") else "weight", lang))
    return _finish(fig, ax, "top_keywords", lang, legend=False)


def similarity(sim: pd.DataFrame, reports: pd.DataFrame | None = None, *,
               a: str | None = None, b: str | None = None, value: str | None = None,
               lang: str | None = None, ax=None, figsize=SQUARE) -> Figure:
    """Heatmap of text similarity between reports (0-1), to spot boilerplate.

    ``sim``: a square frame (index and columns report ids) or a long frame
    with two report-id columns and a similarity column, such as
    :func:`gxbg_kit.narrative.narrative_similarity` (report_id_a,
    report_id_b, similarity; other names can be given as ``a``, ``b``,
    ``value``).  Report order: that of ``reports``
    (year, agency, id) when given, else sorted ids.  Missing pairs are grey.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    if sim.shape[0] == sim.shape[1] and set(map(str, sim.index)) == set(map(str, sim.columns)):
        mat = sim.copy()
        mat.index = mat.index.astype(str)
        mat.columns = mat.columns.astype(str)
    else:
        a = _pick(sim, a, ("report_id_a", "report_id", "report_a", "a"), "first report")
        b = _pick(sim, b, ("report_id_b", "other_report_id", "report_b", "b"), "second report")
        value = _pick(sim, value, ("similarity", "cosine", "score", "value"), "similarity")
        long = sim[[a, b, value]].astype({a: str, b: str})
        both = pd.concat([long, long.rename(columns={a: b, b: a})], ignore_index=True)
        mat = both.pivot_table(index=a, columns=b, values=value, aggfunc="max")
    ids = sorted(set(mat.index) | set(mat.columns))
    names = {i: i[:8] for i in ids}
    if reports is not None:
        rep = analyse._labelled(reports[["report_id"]].astype("string").drop_duplicates(),
                                reports, [])
        order = [r for r in rep["report_id"].astype(str) if r in set(ids)]
        ids = order + [i for i in ids if i not in set(order)]
        names.update({k: v for k, v in _report_labels(rep).items()})
    mat = mat.reindex(index=ids, columns=ids).astype("Float64")
    for i in ids:
        if pd.isna(mat.loc[i, i]):
            mat.loc[i, i] = 1.0
    if not ids:
        return _no_data(fig, ax, "similarity", lang)
    tl = [names[i] for i in ids]
    _heatmap(ax, mat, tl, tl, cmap="viridis", vmin=0, vmax=1, fmt="{:.2f}",
             colorbar_label=text("cosine", lang))
    return _finish(fig, ax, "similarity", lang, legend=False)


# --------------------------------------------------------------------------
# data quality
# --------------------------------------------------------------------------

def check_failures(checks: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                   lang: str | None = None, ax=None, figsize=WIDE) -> Figure:
    """Heatmap of failed checks: reports (rows) × checks (columns), cells = failures.

    From :func:`gxbg_kit.analyse.check_failures`; a cell where the check never
    ran, or could only be evaluated as NA, is grey; only checks that ran for
    some report are shown.
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    df = _metric(checks, "n_failed", analyse.check_failures, reports=reports)
    ran = df.groupby("check", observed=True)["n_checks"].sum()
    cols = [c for c in CHECKS if c in ran.index and ran[c] > 0]
    if df.empty or not cols:
        return _no_data(fig, ax, "check_failures", lang)
    evaluated = df["n_checks"] - df["n_na"]
    df = df.assign(cell=df["n_failed"].astype("Float64").mask(evaluated == 0))
    mat = df.pivot_table(index="report_id", columns="check", values="cell", aggfunc="first",
                         observed=True, dropna=False).reindex(index=_ids(df), columns=cols)
    labels = _report_labels(df)
    _heatmap(ax, mat, [labels[r] for r in mat.index], [label("check", c, lang) for c in cols],
             cmap="Reds", vmin=0, colorbar_label=text("n_failed", lang))
    return _finish(fig, ax, "check_failures", lang, legend=False)


def cell_completeness(checks: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                      lang: str | None = None, ax=None, figsize=FIGSIZE) -> Figure:
    """Heatmap of the share of template cells found: reports × tables (0-100 %).

    From :func:`gxbg_kit.analyse.cell_completeness` (the ``completeness``
    checks).
    """
    lang = _check_lang(lang)
    fig, ax = _figure(ax, figsize)
    df = _metric(checks, "share", analyse.cell_completeness, reports=reports)
    if df.empty:
        return _no_data(fig, ax, "cell_completeness", lang)
    tables = [t for t in TABLES if t in set(df["table"].astype(str))]
    tables += sorted(set(df["table"].astype(str)) - set(tables))
    mat = df.pivot_table(index="report_id", columns="table", values="share", aggfunc="first",
                         dropna=False).reindex(index=_ids(df), columns=tables)
    labels = _report_labels(df)
    _heatmap(ax, mat, [labels[r] for r in mat.index], [label("table", t, lang) for t in tables],
             cmap="Greens", vmin=0, vmax=1, fmt="{:.0%}", colorbar_label=text("share", lang))
    return _finish(fig, ax, "cell_completeness", lang, legend=False)


setup_fonts()
