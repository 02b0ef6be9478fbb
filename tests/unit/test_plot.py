"""Charts, labels, the shipped CJK font and save_figure, checked on the artists."""
from __future__ import annotations

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from gxbg_kit import analyse, plot  # noqa: E402
from gxbg_kit.figures import data_fingerprint, read_manifest, save_figure  # noqa: E402
from gxbg_kit.schema import (  # noqa: E402
    ACTIVE_ITEMS, ACTIVE_MEASURES, APPLICANTS, APPLICATION_REASONS, APPLICATION_ROWS, CHECKS,
    CHECKS_TABLE, PROCEEDINGS, REVIEW_RESULTS,
)

try:
    from test_analyse import A, B, C, apps_frame, full, make_frames, reviews_frame
except ImportError:  # tests run as a package
    from tests.unit.test_analyse import A, B, C, apps_frame, full, make_frames, reviews_frame


@pytest.fixture(autouse=True)
def _clean():
    plot.set_language("zh")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    plt.close("all")
    plot.set_language("zh")


@pytest.fixture(scope="module")
def frames():
    return make_frames(5, seed=7, na_rate=0.02)


# ordered a, b, c by (year, agency): 东 U+4E1C sorts before 西 U+897F
REPORTS = pd.DataFrame({"report_id": ["a", "b", "c"],
                        "agency": ["东城区财政局", "西城区教育局", "南山区人民政府"],
                        "year": [2021, 2021, 2022]})


def containers(ax) -> dict:
    return {c.get_label(): c for c in ax.containers}


def heights(container, horizontal=False) -> list[float]:
    return [p.get_width() if horizontal else p.get_height() for p in container.patches]


def assert_same(values, expected):
    """Equal as floats, NA == NaN."""
    a = np.asarray(values, dtype=float)
    b = pd.array(expected, dtype="Float64").to_numpy(dtype=float, na_value=np.nan)
    np.testing.assert_allclose(a, b, equal_nan=True)


def ticklabels(ax, axis="x") -> list[str]:
    ax.figure.canvas.draw()
    ticks = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [t.get_text() for t in ticks]


# --------------------------------------------------------------------------
# font
# --------------------------------------------------------------------------

def test_font_file_is_small_truetype_and_licensed():
    assert plot.FONT_FILE.exists()
    assert plot.FONT_FILE.stat().st_size < 5 * 1024 * 1024
    with TTFont(str(plot.FONT_FILE)) as font:
        assert "glyf" in font and "CFF " not in font  # TrueType outlines embed cleanly in PDF
        assert font["name"].getDebugName(1) == plot.FONT_FAMILY
        cmap = font.getBestCmap()
    ofl = (plot.FONT_FILE.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in ofl and "Reserved Font Name" in ofl
    for s in ("政府信息公开工作年度报告", "予以公开部分公开不予公开", "，。：；（）“”、", "ABCxyz019%−"):
        missing = [ch for ch in s if ord(ch) not in cmap]
        assert not missing, missing
    # every Chinese label the charts use
    words = [v["zh"] for codes in plot.LABELS.values() for v in codes.values()]
    words += [v["zh"] for v in plot.TEXT.values()]
    missing = sorted({ch for w in words for ch in w if ord(ch) not in cmap})
    assert not missing, missing


def test_chinese_renders_with_shipped_font_and_no_warnings(frames, caplog):
    caplog.set_level("INFO", logger="matplotlib")
    before = dict(matplotlib.rcParams)
    fig = plot.outcome_mix(frames["applications"], frames["reports"], lang="zh")
    assert dict(matplotlib.rcParams) == before  # the chart's style is not left behind
    fig.canvas.draw()  # warnings are errors here: no "Glyph … missing"
    assert not [r for r in caplog.records if r.levelno >= 30]  # no findfont log noise
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert any("予以公开" == t.get_text() for t in texts)
    for t in texts:
        path = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
        assert path == str(plot.FONT_FILE), (t.get_text(), path)
    assert plot.style()["font.sans-serif"][0] == plot.FONT_FAMILY
    assert plot.style()["svg.fonttype"] == "path" and plot.style()["svg.hashsalt"]


def test_import_changes_no_matplotlib_setting():
    """Importing gxbg_kit.plot (in a fresh interpreter) leaves rcParams and the fonts alone."""
    import subprocess
    import sys
    code = ("import matplotlib; from matplotlib import font_manager as fm; "
            "before = dict(matplotlib.rcParams); n = len(fm.fontManager.ttflist); "
            "import gxbg_kit.plot; "
            "assert dict(matplotlib.rcParams) == before; "
            "assert len(fm.fontManager.ttflist) == n; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_renders_on_a_machine_without_chinese_fonts(monkeypatch):
    """Only matplotlib's own fonts plus the shipped one: Chinese still renders."""
    manager = font_manager.fontManager
    own = [f for f in manager.ttflist if "mpl-data" in f.fname]
    monkeypatch.setattr(manager, "ttflist", own)
    font_manager.FontManager._findfont_cached.cache_clear()
    try:
        with matplotlib.rc_context():
            plot.setup_fonts()
            assert matplotlib.rcParams["font.family"] == [plot.FONT_FAMILY, "DejaVu Sans"]
            fig = plot.grant_rate(apps_frame({"a": full(A)}), REPORTS)
            fig.axes[0].set_xlabel("CO₂ 排放")  # ₂ is not in the subset: DejaVu Sans has it
            fig.canvas.draw()  # warnings are errors: no missing glyph
            for t in fig.findobj(Text):
                if t.get_text().strip():
                    path = font_manager.findfont(t.get_fontproperties())
                    assert path == str(plot.FONT_FILE), (t.get_text(), path)
    finally:
        font_manager.FontManager._findfont_cached.cache_clear()


def test_every_label_renders_without_missing_glyphs():
    with matplotlib.rc_context(plot.style()), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots(figsize=(4, 4))
        words = [v["zh"] for codes in plot.LABELS.values() for v in codes.values()]
        ax.set_title(" ".join(words[:40]))
        ax.set_xlabel(" ".join(words[40:]))
        ax.set_ylabel(" ".join(v["zh"] for v in plot.TEXT.values()))
        fig.canvas.draw()
    assert not [str(w.message) for w in caught], [str(w.message) for w in caught]


def test_pdf_and_svg_embed_the_font(tmp_path):
    fig = plot.grant_rate(apps_frame({"a": full(A)}), REPORTS)
    save_figure(fig, "f", outdir=tmp_path, formats=("pdf", "svg"))  # saves under plot.style()
    pdf = (tmp_path / "f.pdf").read_bytes()
    assert b"GxbgKitSansSC-Regular" in pdf and b"/FontFile2" in pdf  # TrueType embedded
    svg = (tmp_path / "f.svg").read_text(encoding="utf-8")
    assert "<text" not in svg  # glyphs as paths: no font needed to view


# --------------------------------------------------------------------------
# labels and language
# --------------------------------------------------------------------------

@pytest.mark.parametrize("domain,codes", [
    ("applicant", APPLICANTS), ("row", APPLICATION_ROWS), ("reason", APPLICATION_REASONS),
    ("proceeding", PROCEEDINGS), ("result", REVIEW_RESULTS), ("item", ACTIVE_ITEMS),
    ("measure", ACTIVE_MEASURES), ("check", CHECKS),
])
def test_labels_cover_every_code(domain, codes):
    assert set(plot.LABELS[domain]) == set(codes)
    for lang in ("zh", "en"):
        names = [plot.label(domain, c, lang) for c in codes]
        assert all(names) and len(set(names)) == len(names) or domain == "reason"
    for code in codes:
        zh = plot.label(domain, code, "zh")
        assert "第二十条" not in zh and not zh[:1].isdigit()
        assert plot.label(domain, code, "en").isascii()


def test_label_lookup_and_language_switch():
    assert plot.label("row", "granted", "zh") == "予以公开"
    assert plot.label("row", "granted", "en") == "Granted"
    assert plot.label("reason", "state_secret", "zh") == "属于国家秘密"
    assert plot.label("row", "nonsense") == "nonsense"
    plot.set_language("en")
    assert plot.get_language() == "en"
    assert plot.label("applicant", "business") == "Businesses"
    with pytest.raises(ValueError):
        plot.set_language("fr")
    with pytest.raises(ValueError):
        plot.label("row", "granted", "fr")
    table = plot.labels_table()
    assert list(table.columns) == ["domain", "code", "zh", "en"]


# --------------------------------------------------------------------------
# request charts
# --------------------------------------------------------------------------

@pytest.fixture
def apps():
    return apps_frame({"a": full(A), "b": full(B), "c": full(C)})


def test_grant_rate_bars(apps):
    fig = plot.grant_rate(apps, REPORTS)
    ax = fig.axes[0]
    rates = analyse.grant_rate(apps, reports=REPORTS)
    assert_same(heights(ax.containers[0]), rates["grant_rate"])
    assert_same(heights(ax.containers[0]), [0.6, np.nan, np.nan])
    assert ticklabels(ax) == ["东城区财政局 2021", "西城区教育局 2021", "南山区人民政府 2022"]
    assert ax.get_title() == plot.text("grant_rate", "zh") + "（n=1）"  # reports with a rate
    a = rates.iloc[0]
    low, high = plot.wilson_interval(a["granted"] + a["partly_granted"], a["processed_total"])
    segments = ax.collections[0].get_segments()  # the interval drawn on a's bar
    assert segments[0][:, 1] == pytest.approx([low[0], high[0]])
    assert sum(t.get_text() == "NA" for t in ax.texts) == 2
    assert ax.get_ylim() == (0, 1)


def test_wilson_interval_textbook_values():
    low, high = plot.wilson_interval([5, 0, 1, pd.NA, 3], [10, 10, 1, 4, 0])
    assert low[:3] == pytest.approx([0.2366, 0.0, 0.2065], abs=1e-4)
    assert high[:3] == pytest.approx([0.7634, 0.2775, 1.0], abs=1e-4)
    assert np.isnan(low[3:]).all() and np.isnan(high[3:]).all()  # NA count, no cases


def test_outcome_mix_stacks_shares_and_pools(apps):
    fig = plot.outcome_mix(apps, REPORTS, lang="en")
    ax = fig.axes[0]
    bars = containers(ax)
    assert list(bars) == ["Granted", "Partly granted", "Withheld", "Unable to provide",
                          "Not processed", "Otherwise handled"]
    # bars: a (complete), b (incomplete: no bar), c (0 processed: no bar), pooled (a + c)
    assert_same(heights(bars["Granted"]), [0.5, np.nan, np.nan, 0.5])
    assert_same(heights(bars["Withheld"]), [3 / 20, np.nan, np.nan, 3 / 20])
    withheld = bars["Withheld"].patches[0]
    assert withheld.get_y() == pytest.approx(0.5 + 0.1)  # stacked on granted + partly
    assert ticklabels(ax)[-1] == "All (pooled)"
    assert ax.get_title() == "Outcomes of requests processed (n=2)"  # a and c are complete
    assert ax.yaxis.get_major_formatter()(0.5, 0) == "50%"


def test_outcome_mix_accepts_analyse_output(apps):
    shares = analyse.outcome_shares(apps)
    fig = plot.outcome_mix(shares)
    bars = containers(fig.axes[0])
    assert_same(heights(bars["予以公开"]), [0.5, np.nan, np.nan])  # no pooled bar


def test_requests_by_applicant_stacks_counts():
    rows = []
    for rid, counts in {"a": [5, 3, 0, 0, 1, 1, 10], "b": [2, pd.NA, 0, 0, 0, 0, 4]}.items():
        for applicant, v in zip(list(APPLICANTS), counts):
            rows.append({"report_id": rid, "row": "received", "applicant": applicant, "count": v})
    df = pd.DataFrame(rows)
    fig = plot.requests_by_applicant(df, REPORTS)
    ax = fig.axes[0]
    bars = containers(ax)
    assert list(bars)[:2] == ["自然人", "商业企业"]
    assert_same(heights(bars["自然人"], horizontal=True), [5, np.nan])
    assert_same(heights(bars["商业企业"], horizontal=True), [3, np.nan])
    assert bars["商业企业"].patches[0].get_x() == 5  # stacked after 自然人
    assert ticklabels(ax, "y") == ["东城区财政局 2021", "西城区教育局 2021"]
    fig = plot.requests_by_applicant(df, share=True, lang="en")
    assert_same(heights(containers(fig.axes[0])["Natural persons"], horizontal=True), [0.5, np.nan])


def test_refusal_reasons_pooled_bars(apps):
    fig = plot.refusal_reasons(apps, lang="en")
    ax = fig.axes[0]
    pooled = analyse.refusal_reasons(apps, pooled=True)
    bars = containers(ax)
    assert list(bars) == ["Withheld", "Unable to provide", "Not processed"]
    got = [w for name in bars for w in heights(bars[name], horizontal=True)]
    assert_same(got, pooled["share"])
    assert ticklabels(ax, "y")[0] == "State secret"
    assert len(ticklabels(ax, "y")) == 16
    fig = plot.refusal_reasons(apps, REPORTS, pooled=False)
    ax = fig.axes[0]
    per = analyse.refusal_reasons(apps)
    bars = containers(ax)
    assert len(bars) == 16 and list(bars)[0] == "属于国家秘密"
    # a: 2 of 6 refusals; b: a blank sub-reason, no bar; c: 0 refusals, no bar
    assert_same(heights(bars["属于国家秘密"], horizontal=True), [2 / 6, np.nan, np.nan])
    assert_same(heights(bars["重复申请"], horizontal=True), [2 / 6, np.nan, np.nan])
    assert bars["重复申请"].patches[0].get_x() == pytest.approx(4 / 6)  # after 2 + 1 + 1
    assert per["share"].notna().sum() == 16


def test_backlog_bars(apps):
    fig = plot.backlog(apps, REPORTS)
    bars = containers(fig.axes[0])
    assert_same(heights(bars["上年结转"]), [4, 0, 0])
    assert_same(heights(bars["结转下年度"]), [2, 0, 0])


def test_review_correction_rate_bars():
    df = reviews_frame({"a": {"review": (3, 2, 0, 1, 6), "suit_direct": (1, 0, 0, 1, 2),
                              "suit_after_review": (0, 0, 0, 2, 2)},
                        "b": {"review": (1, 1, 0, pd.NA, 2), "suit_direct": (0, 1, 0, 0, 1),
                              "suit_after_review": (0, 0, 0, 0, 0)}})
    fig = plot.review_correction_rate(df, REPORTS, lang="en")
    bars = containers(fig.axes[0])
    assert_same(heights(bars["Administrative review"]), [0.4, np.nan])
    assert_same(heights(bars["Lawsuit without review"]), [0.0, 1.0])
    fig = plot.review_correction_rate(df, pooled=True)
    ax = fig.axes[0]
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert_same([c.patches[0].get_height() for c in bars], [0.4, 0.5, np.nan])
    assert ticklabels(ax) == ["行政复议", "行政诉讼（未经复议）", "行政诉讼（复议后）"]


# --------------------------------------------------------------------------
# active disclosure
# --------------------------------------------------------------------------

def active_value(active, report_id, item, measure):
    sel = active[(active["report_id"] == report_id) & (active["item"] == item)
                 & (active["measure"] == measure)]
    return sel["value"].iloc[0] if len(sel) else pd.NA


def test_enforcement_decisions_log_scale(frames):
    fig = plot.enforcement_decisions(frames["active"], frames["reports"], lang="en")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    order = analyse.active_volumes(frames["active"], reports=frames["reports"])
    ids = list(pd.unique(order["report_id"]))
    bars = containers(ax)
    assert list(bars) == ["Licensing", "Penalties", "Coercive measures"]
    for item, name in [("licensing", "Licensing"), ("penalty", "Penalties")]:
        assert_same(heights(bars[name]), [active_value(frames["active"], r, item, "decisions")
                                   for r in ids])
    assert ax.get_ylabel() == "Decisions (log scale)"


def test_normative_documents_and_fees(frames):
    act, rep = frames["active"], frames["reports"]
    ids = list(pd.unique(analyse.active_volumes(act, reports=rep)["report_id"]))
    fig = plot.normative_documents(act, rep)
    bars = containers(fig.axes[0])
    assert list(bars) == ["本年制发件数", "本年废止件数", "现行有效件数"]
    assert_same(heights(bars["现行有效件数"]), [active_value(act, r, "normative_documents", "in_force")
                                    for r in ids])
    fig = plot.fees(act, rep)
    assert_same(heights(fig.axes[0].containers[0]), [active_value(act, r, "fees", "fee_amount")
                                              for r in ids])
    assert fig.axes[0].get_ylabel() == "万元"


def test_disclosure_volumes_three_panels(frames):
    fig = plot.disclosure_volumes(frames["active"], frames["reports"], lang="en")
    axes = [ax for ax in fig.axes]
    assert len(axes) == 3
    assert [ax.get_yscale() for ax in axes] == ["linear", "log", "linear"]
    assert fig.get_suptitle() == "Proactive disclosure"


# --------------------------------------------------------------------------
# narrative charts
# --------------------------------------------------------------------------

PT = pd.DataFrame({"report_id": ["a", "a", "a", "b", "b", "b"],
                   "kind": ["problem"] * 5 + ["measure"], "n": [1, 1, 2, 1, 1, 1],
                   "theme": ["t1", "t2", "t1", "t1", "t3", "t2"]})
CODEBOOK = pd.DataFrame({"theme": ["t1", "t2", "t3"], "label_zh": ["时效性", "解读", "平台"],
                         "label_en": ["Timeliness", "Interpretation", "Platforms"]})


def test_theme_frequencies_bars():
    fig = plot.theme_frequencies(PT, codebook=CODEBOOK, lang="en")
    ax = fig.axes[0]
    assert_same(heights(ax.containers[0], horizontal=True), [3, 1, 1])
    assert ticklabels(ax, "y") == ["Timeliness", "Interpretation", "Platforms"]
    fig = plot.theme_frequencies(PT, codebook=CODEBOOK, by_year=True, reports=REPORTS)
    img = fig.axes[0].images[0].get_array()
    # a and b (2021) both have coded problems: t1 in both, t2 and t3 in one each
    assert img.tolist() == [[1.0], [0.5], [0.5]]
    assert ticklabels(fig.axes[0]) == ["2021 (n=2)"]
    assert fig.axes[0].get_title() == plot.text("theme_by_year", "zh") + "（n=2）"


def test_theme_cooccurrence_heatmap():
    fig = plot.theme_cooccurrence(PT, codebook=CODEBOOK)
    ax = fig.axes[0]
    assert ax.images[0].get_array().tolist() == [[3, 1, 1], [1, 1, 0], [1, 0, 1]]
    assert ticklabels(ax, "y") == ["时效性", "解读", "平台"]


def test_top_keywords():
    kw = pd.DataFrame({"term": ["政务新媒体", "依申请公开", "政策解读", "重点领域", "政策解读"],
                       "count": [10, 7, 3, 3, 4]})
    fig = plot.top_keywords(kw, n=3)
    ax = fig.axes[0]
    assert_same(heights(ax.containers[0], horizontal=True), [10, 7, 7])
    assert ticklabels(ax, "y") == ["政务新媒体", "依申请公开", "政策解读"]  # ties by term
    tf = pd.DataFrame({"token": ["公开", "解读"], "tf": [5, 9], "df": [2, 2]})
    fig = plot.top_keywords(tf, lang="en")
    assert_same(heights(fig.axes[0].containers[0], horizontal=True), [9, 5])
    assert fig.axes[0].get_xlabel() == "Count"


def test_similarity_heatmap_from_long_and_square():
    long = pd.DataFrame({"report_id": ["a", "a", "b"], "other_report_id": ["b", "c", "c"],
                         "similarity": [0.9, 0.1, pd.NA]})
    fig = plot.similarity(long, REPORTS)
    img = fig.axes[0].images[0].get_array()
    assert img[0, 1] == pytest.approx(0.9) and img[1, 0] == pytest.approx(0.9)
    assert img[0, 0] == 1.0 and bool(img.mask[1, 2])
    assert ticklabels(fig.axes[0], "y")[0] == "东城区财政局 2021"
    narrative = long.rename(columns={"report_id": "report_id_a",
                                     "other_report_id": "report_id_b"})
    img2 = plot.similarity(narrative, REPORTS).axes[0].images[0].get_array()
    assert img2.filled(-1).tolist() == img.filled(-1).tolist()
    square = pd.DataFrame([[1.0, 0.5], [0.5, 1.0]], index=["x", "y"], columns=["x", "y"])
    fig = plot.similarity(square)
    assert fig.axes[0].images[0].get_array().tolist() == [[1.0, 0.5], [0.5, 1.0]]


# --------------------------------------------------------------------------
# data quality charts
# --------------------------------------------------------------------------

def test_check_failures_heatmap():
    chk = CHECKS_TABLE.coerce(pd.DataFrame([
        {"report_id": "a", "check": "identity", "ok": False},
        {"report_id": "a", "check": "identity", "ok": False},
        {"report_id": "a", "check": "outcome_sum", "ok": True},
        {"report_id": "b", "check": "identity", "ok": True},
        {"report_id": "b", "check": "outcome_sum", "ok": pd.NA},
    ]))
    fig = plot.check_failures(chk, REPORTS, lang="en")
    ax = fig.axes[0]
    img = ax.images[0].get_array()
    assert ticklabels(ax) == ["Requests in = out", "Outcomes sum"]
    assert ticklabels(ax, "y") == ["东城区财政局 2021", "西城区教育局 2021", "南山区人民政府 2022"]
    assert img[0].tolist() == [2, 0] and img[1, 0] == 0
    assert bool(img.mask[1, 1]) and bool(img.mask[2, 0])  # NA only / never ran: grey


def test_cell_completeness_heatmap():
    chk = CHECKS_TABLE.coerce(pd.DataFrame([
        {"report_id": "a", "check": "completeness", "table": "applications",
         "expected": 200.0, "actual": 150.0},
        {"report_id": "a", "check": "completeness", "table": "reviews",
         "expected": 15.0, "actual": 15.0},
        {"report_id": "b", "check": "completeness", "table": "applications",
         "expected": 200.0, "actual": 200.0},
    ]))
    fig = plot.cell_completeness(chk, REPORTS, lang="en")
    ax = fig.axes[0]
    img = ax.images[0].get_array()
    assert img[0].tolist() == [0.75, 1.0] and img[1, 0] == 1.0 and bool(img.mask[1, 1])
    assert ticklabels(ax) == ["Requests", "Reviews and lawsuits"]
    assert [t.get_text() for t in ax.texts] == ["75%", "100%", "100%"]


# --------------------------------------------------------------------------
# all charts: language switch, no plt.show, fixed size
# --------------------------------------------------------------------------

def all_charts(f):
    return [
        plot.disclosure_volumes(f["active"], f["reports"]),
        plot.requests_by_applicant(f["applications"], f["reports"]),
        plot.outcome_mix(f["applications"], f["reports"]),
        plot.grant_rate(f["applications"], f["reports"]),
        plot.refusal_reasons(f["applications"]),
        plot.backlog(f["applications"], f["reports"]),
        plot.review_correction_rate(f["reviews"], f["reports"]),
        plot.theme_frequencies(f["problem_themes"]),
        plot.theme_cooccurrence(f["problem_themes"]),
        plot.check_failures(f["checks"], f["reports"]),
        plot.cell_completeness(f["checks"], f["reports"]),
    ]


def test_set_language_switches_every_chart(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("plt.show() called"))
    plot.set_language("en")
    f = make_frames(3, seed=5, na_rate=0.02)
    for fig in all_charts(f):
        title = fig.axes[0].get_title()
        assert title and not re.search("[\u4e00-\u9fff]", title), title
        assert tuple(fig.get_size_inches()) in {plot.FIGSIZE, plot.WIDE, plot.SQUARE,
                                                (10.0, 11.0)}
        assert fig.dpi == plot.DPI
    plot.set_language("zh")
    fig = plot.grant_rate(f["applications"])
    assert re.search("[\u4e00-\u9fff]", fig.axes[0].get_title())


def test_empty_frames_give_a_no_data_chart():
    empty = apps_frame({})
    fig = plot.grant_rate(empty, lang="en")
    assert [t.get_text() for t in fig.axes[0].texts] == ["No data"]


# --------------------------------------------------------------------------
# save_figure
# --------------------------------------------------------------------------

def test_save_figure_is_byte_identical_and_manifest(tmp_path, apps):
    data = {"applications": apps, "reports": REPORTS}
    out = tmp_path / "figures"
    contents = []
    for _ in range(2):
        fig = plot.grant_rate(apps, REPORTS)
        paths = save_figure(fig, "grant_rate", notebook="03_outcomes.ipynb", data=data,
                            outdir=out, dpi=72)
        assert [p.name for p in paths] == ["grant_rate.png", "grant_rate.svg",
                                           "grant_rate.pdf"]
        contents.append({p.suffix: p.read_bytes() for p in paths})
        plt.close(fig)
    assert contents[0][".svg"] == contents[1][".svg"]
    assert contents[0][".pdf"] == contents[1][".pdf"]
    assert contents[0][".png"] == contents[1][".png"]
    assert b"CreationDate" not in contents[0][".pdf"]
    assert b"<dc:date>" not in contents[0][".svg"]
    save_figure(plot.backlog(apps), "backlog", notebook="03_outcomes.ipynb", data=apps,
                outdir=out, formats=("svg",))
    man = read_manifest(out)
    assert list(man.columns) == ["figure", "notebook", "files", "data_fingerprint"]
    assert list(man["figure"]) == ["backlog", "grant_rate"]  # one row each, sorted
    assert man["files"].iloc[0] == "backlog.svg"
    assert man["data_fingerprint"].iloc[1] == data_fingerprint(data)
    assert man["data_fingerprint"].iloc[0] == data_fingerprint(apps)
    with pytest.raises(ValueError):
        save_figure(plot.grant_rate(apps), "../evil", outdir=out)


def test_data_fingerprint_ignores_order_but_not_values(apps):
    fp = data_fingerprint(apps)
    shuffled = apps.sample(frac=1, random_state=1)[list(reversed(apps.columns))]
    assert data_fingerprint(shuffled) == fp
    changed = apps.copy()
    changed.loc[0, "count"] = 999
    assert data_fingerprint(changed) != fp
    assert data_fingerprint({"x": apps, "y": REPORTS}) == data_fingerprint({"y": REPORTS,
                                                                          "x": apps})
    assert data_fingerprint(None) == ""
    assert len(fp) == 16


def test_save_figure_rejects_unknown_formats_and_fingerprints_lists(tmp_path, apps):
    with pytest.raises(ValueError):
        save_figure(plot.grant_rate(apps), "g", outdir=tmp_path, formats=("gif",))
    assert data_fingerprint([apps, REPORTS]) != data_fingerprint([REPORTS, apps])
    with pytest.raises(TypeError):
        data_fingerprint(42)


def test_system_cjk_fonts_not_used_unless_asked():
    import matplotlib

    from gxbg_kit import plot

    plot.setup_fonts()
    assert list(matplotlib.rcParams["font.family"]) == [plot.FONT_FAMILY, "DejaVu Sans"]
    plot.setup_fonts(system_fallback=True)
    assert list(matplotlib.rcParams["font.family"])[:2] == [plot.FONT_FAMILY, "DejaVu Sans"]
    plot.setup_fonts()


# --------------------------------------------------------------------------
# readability: labels, colour scales, NA legend, integer ticks
# --------------------------------------------------------------------------

def test_report_labels_are_unique_and_readable_without_agency(apps):
    reports = pd.DataFrame({"report_id": ["a", "b", "c"],
                            "agency": ["东城区财政局", "东城区财政局", pd.NA],
                            "year": [2021, 2021, 2022],
                            "path": ["x/a.txt", "x/b.txt", "reports/陇西县2022年报.html"]})
    fig = plot.grant_rate(apps, reports)
    # two reports of one agency and year told apart; no agency: the file name, not the id
    assert ticklabels(fig.axes[0]) == ["东城区财政局 2021 (1)", "东城区财政局 2021 (2)",
                                       "陇西县2022年报 2022"]
    fig = plot.grant_rate(apps)  # no reports at all: the id, still unique
    assert ticklabels(fig.axes[0]) == ["a", "b", "c"]


def test_similarity_colour_scale_ignores_the_diagonal():
    square = pd.DataFrame([[1.0, 0.2, 0.3], [0.2, 1.0, np.nan], [0.3, np.nan, 1.0]],
                          index=list("xyz"), columns=list("xyz"))
    fig = plot.similarity(square, lang="en")
    ax = fig.axes[0]
    image = ax.images[0]
    assert image.norm.vmin == pytest.approx(0.2) and image.norm.vmax == pytest.approx(0.3)
    overlay = ax.images[1].get_array()  # the diagonal painted white, the rest transparent
    assert overlay[0, 0].tolist() == [1.0] * 4 and overlay[0, 1, 3] == 0
    legend = fig.axes[1].get_legend()  # the colour bar carries the NA swatch
    assert [t.get_text() for t in legend.get_texts()] == ["Not computable (NA)"]
    assert ax.get_title() == "Similarity of report texts (n=3)"


def test_cooccurrence_scale_ignores_diagonal_and_no_na_swatch():
    fig = plot.theme_cooccurrence(PT, codebook=CODEBOOK)
    image = fig.axes[0].images[0]
    assert image.norm.vmax == 1  # off-diagonal maximum; the diagonal (3) would swamp it
    assert fig.axes[1].get_legend() is None  # no NA cell, no swatch


def test_count_axes_have_integer_ticks(apps):
    for fig, axis in [(plot.backlog(apps, REPORTS), "y"),
                      (plot.theme_frequencies(PT, codebook=CODEBOOK), "x")]:
        ax = fig.axes[0]
        fig.canvas.draw()
        ticks = ax.get_yticks() if axis == "y" else ax.get_xticks()
        assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), ticks


def test_grouping_by_a_reports_column_pools_with_n(apps):
    reports = REPORTS.assign(level=["city", "county", "city"])
    fig = plot.outcome_mix(apps, reports, by="level", lang="en")
    ax = fig.axes[0]
    # a (city) complete, b (county) incomplete, c (city) complete with 0 processed
    assert ticklabels(ax) == ["City (n=2)", "County (n=0)"]
    pooled = analyse.outcome_shares(apps, pooled=True)
    granted = pooled[(pooled["outcome"] == "granted") & pooled["reason"].isna()]["share"]
    assert_same([p.get_height() for p in containers(ax)["Granted"].patches],
                [granted.iloc[0], np.nan])
    with pytest.raises(ValueError, match="not a column"):
        plot.outcome_mix(apps, REPORTS, by="level")


# --------------------------------------------------------------------------
# one organ over the years
# --------------------------------------------------------------------------

def panel_frames():
    f = make_frames(6, seed=3, na_rate=0.0)
    f["reports"] = f["reports"].assign(agency_key=["K"] * 5 + ["L"],
                                       year=[2019, 2020, 2021, 2023, 2024, 2021])
    return f


def test_panel_one_organ_over_the_years():
    f = panel_frames()
    pan = analyse.panel(f["applications"], f["reports"], problems=f["problems"])
    with pytest.raises(ValueError, match="agency_key"):
        plot.panel(pan)  # two organs: say which
    fig = plot.panel(pan, "K", top=50, lang="en")
    requests, outcomes, themes = fig.axes[:3]
    rows = pan[pan["agency_key"] == "K"]
    assert_same(heights(containers(requests)["New requests"]), rows["received"])
    assert_same(heights(containers(outcomes)["Granted"]), rows["share_granted"])
    assert ticklabels(outcomes) == [f"{y}\nn={n}" for y, n in zip(rows["year"],
                                                                 rows["processed_total"])]
    assert ticklabels(themes) == ["2019", "2020", "2021", "2023", "2024"]
    theme_rows = [c for c in pan.columns if c.startswith("theme_")]
    assert themes.images[0].get_array().sum() == rows[theme_rows].to_numpy().sum()
    assert fig.get_suptitle().endswith("over the years (n=5)")
    assert all(float(t).is_integer() for t in requests.get_yticks())  # counts
