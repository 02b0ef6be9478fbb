"""plot.panel on the real panel of the sample corpus (data/reports): one organ over the years."""
from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

import gxbg_kit as gx  # noqa: E402
from gxbg_kit import analyse, plot  # noqa: E402
from gxbg_kit.narrative import load_codebook  # noqa: E402
from tests.unit.test_plot import assert_same, containers, heights, ticklabels  # noqa: E402
from tests.unit.test_plot_scale import assert_readable  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "data" / "reports"
CZJ = "平潭综合实验区财政金融局"   # nine years, 2017-2025 (2017 and 2018 without template tables)
HTP = "平潭综合实验区海坛片区"     # seven years, 2019-2025
REQUEST_ROWS = ["received", "carried_over", "carried_forward"]


@pytest.fixture(scope="module")
def real_panel() -> pd.DataFrame:
    corpus = gx.load_corpus(DATA, progress=False, cache=False)
    return analyse.panel(corpus)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def organ(pan: pd.DataFrame, key: str) -> pd.DataFrame:
    return pan[pan["agency_key"] == key].sort_values("year").reset_index(drop=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_panel_draws_the_real_organ_year_by_year(real_panel, lang):
    rows = organ(real_panel, CZJ)
    years = [str(y) for y in rows["year"]]
    assert years == [str(y) for y in range(2017, 2026)]
    fig = plot.panel(real_panel, CZJ, lang=lang)
    requests, outcomes, themes = fig.axes[:3]

    # requests: one bar per year and row, labelled from the template model; counts on
    # an integer axis; a year without a table is NA (a grey mark), never a 0 bar
    bars = containers(requests)
    assert list(bars) == [plot.label("row", r, lang) for r in REQUEST_ROWS]
    assert_same(heights(bars[plot.label("row", "received", lang)]), rows["received"])
    assert ticklabels(requests) == years
    assert all(float(t).is_integer() for t in requests.get_yticks())
    n_na = int(rows[REQUEST_ROWS].isna().to_numpy().sum())
    assert n_na == 6  # 2017 and 2018, three rows each
    assert [t.get_text() for t in requests.texts].count("NA") == n_na

    # outcomes: stacked shares, n processed under each year (NA where unknown)
    granted = containers(outcomes)[plot.label("row", "granted", lang)]
    assert_same(heights(granted), rows["share_granted"])
    n = ["NA" if pd.isna(v) else str(int(v)) for v in rows["processed_total"]]
    assert ticklabels(outcomes) == [f"{y}\nn={k}" for y, k in zip(years, n)]

    # themes: labels of the codebook in the language, never codes; cells are item counts
    codebook = load_codebook()
    names = dict(zip(codebook["theme"], codebook[f"label_{lang}"]))
    shown = ticklabels(themes, axis="y")
    assert shown and set(shown) <= set(names.values())
    assert not any(re.fullmatch(r"[a-z_]+", s) for s in shown)
    codes = [c for c, name in names.items() if name in shown]
    image = themes.images[0].get_array()
    assert image.sum() == rows[[f"theme_{c}" for c in codes]].to_numpy().sum()
    assert ticklabels(themes) == years

    title = fig.get_suptitle()
    assert title.startswith(CZJ) and title.endswith("（n=9）" if lang == "zh" else "(n=9)")


def test_panel_of_the_township_shows_its_own_seven_years(real_panel):
    rows = organ(real_panel, HTP)
    fig = plot.panel(real_panel, HTP, lang="en")
    requests, outcomes = fig.axes[:2]
    assert ticklabels(requests) == [str(y) for y in range(2019, 2026)]
    assert_same(heights(containers(requests)["New requests"]), rows["received"])
    # processed_total 0 every year: every share is NA, drawn as no bar with an NA mark
    assert (rows["processed_total"] == 0).all()
    assert [t.get_text() for t in outcomes.texts].count("NA") == len(rows)
    assert fig.get_suptitle().endswith("(n=7)")


def test_panel_names_an_unknown_or_missing_organ(real_panel):
    with pytest.raises(ValueError, match="organs: pass agency_key"):
        plot.panel(real_panel)  # seven organs: say which
    with pytest.raises(ValueError, match="not in the panel"):
        plot.panel(real_panel, "平潭综合实验区不存在局")


def test_panel_stays_readable_over_thirty_years(real_panel):
    """Thirty years of real rows (the two Pingtan organs' years, renumbered 1996-2025)."""
    rows = pd.concat([organ(real_panel, CZJ), organ(real_panel, HTP)] * 2).iloc[:30]
    long = rows.assign(agency_key="K", year=range(1996, 2026)).reset_index(drop=True)
    fig = plot.panel(long)
    assert_readable(fig)  # bounded artists per panel, no overlapping tick labels, n
    requests, outcomes, themes = fig.axes[:3]
    years = [str(y) for y in range(1996, 2026)]
    for ax in (requests, themes):
        assert [t.get_text() for t in ax.get_xticklabels() if t.get_visible()] == years
    assert all(float(t).is_integer() for t in requests.get_yticks())
    assert_same(heights(containers(requests)[plot.label("row", "received")]), long["received"])
    assert fig.get_suptitle().endswith("（n=30）")
