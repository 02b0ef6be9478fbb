"""Every chart stays readable at corpus scale: 1,000 synthetic reports give a bounded number
of artists and no overlapping tick labels; per-report views of MAX_REPORTS reports too."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from gxbg_kit import analyse, plot, synth  # noqa: E402
from gxbg_kit import schema as S  # noqa: E402
from gxbg_kit.narrative import load_codebook  # noqa: E402

PROVINCES = ["甘肃省", "河南省", "广东省", "浙江省", "四川省", "江苏省", "湖北省", "山东省"]
MAX_ARTISTS = 300


def _tidy(items, table, records) -> pd.DataFrame:
    """One coerced frame of every truth's records (much faster than Truth's own frames)."""
    cols = [c for c in table.names if c not in ("report_id", "raw", "inferred")]
    recs, ids = [], []
    for i, item in enumerate(items):
        r = records(item.truth)
        recs += r
        ids += [f"{i:016x}"] * len(r)
    df = pd.DataFrame.from_records(recs, columns=cols)
    df.insert(0, "report_id", ids)
    return table.coerce(df)


def synthetic_frames(n: int, seed: int = 11) -> dict:
    """The tidy frames of ``n`` synthetic reports (gxbg_kit.synth truths, not parsed)."""
    items = list(synth.iter_corpus(n, seed, layouts=("tab",)))
    rng = np.random.default_rng(seed)
    ids = [f"{i:016x}" for i in range(n)]
    agencies = [it.truth.agency for it in items]
    reports = pd.DataFrame({
        "report_id": ids, "path": [f"{i:06d}_{r}.txt" for i, r in enumerate(ids)],
        # a tenth without an agency, as real reports whose agency was not found
        "agency": [pd.NA if i % 10 == 0 else a for i, a in enumerate(agencies)],
        "year": [it.truth.year for it in items],
        "template": [it.truth.template for it in items],
        "level": [{"county": "county", "city": "city", "province": "province"}[it.truth.scale]
                  for it in items],
        "province": rng.choice(PROVINCES, n), "status": "ok",
    })
    reports["agency_key"] = [a[:4] for a in agencies]  # many keys: more than MAX_GROUPS
    checks = pd.DataFrame([dict(r, report_id=ids[i]) for i, it in enumerate(items)
                           for r in it.truth.check_records])
    themes = list(load_codebook()["theme"])
    pt = [{"report_id": rid, "kind": kind, "n": k, "theme": t}
          for rid in ids for kind in ("problem", "measure") for k in range(1, 3)
          for t in rng.choice(themes, 2, replace=False)]
    a, b = rng.integers(0, n, 5 * n), rng.integers(0, n, 5 * n)
    sim = pd.DataFrame({"report_id_a": np.array(ids)[a], "report_id_b": np.array(ids)[b],
                        "similarity": rng.random(5 * n)})
    return {
        "reports": S.REPORTS.coerce(reports),
        "applications": _tidy(items, S.APPLICATIONS, synth._application_records),
        "active": _tidy(items, S.ACTIVE, synth._active_records),
        "reviews": _tidy(items, S.REVIEWS, synth._review_records),
        "checks": S.CHECKS_TABLE.coerce(checks),
        "problem_themes": pd.DataFrame(pt).astype({"report_id": "string", "theme": "string"}),
        "similarity": sim[sim["report_id_a"] != sim["report_id_b"]].reset_index(drop=True),
    }


@pytest.fixture(scope="module")
def big():
    return synthetic_frames(1000)


@pytest.fixture(scope="module")
def small(big):
    """MAX_REPORTS reports: the largest selection drawn per report."""
    ids = set(big["reports"]["report_id"].iloc[:plot.MAX_REPORTS])
    return {k: v[v[v.columns[0]].isin(ids)] if k != "similarity"
            else v[v["report_id_a"].isin(ids) & v["report_id_b"].isin(ids)]
            for k, v in big.items()}


CHARTS = {
    "normative_documents": lambda f, **kw: plot.normative_documents(f["active"], f["reports"], **kw),
    "enforcement_decisions": lambda f, **kw: plot.enforcement_decisions(f["active"], f["reports"],
                                                                        **kw),
    "fees": lambda f, **kw: plot.fees(f["active"], f["reports"], **kw),
    "disclosure_volumes": lambda f, **kw: plot.disclosure_volumes(f["active"], f["reports"], **kw),
    "requests_by_applicant": lambda f, **kw: plot.requests_by_applicant(
        f["applications"], f["reports"], **kw),
    "outcome_mix": lambda f, **kw: plot.outcome_mix(f["applications"], f["reports"], **kw),
    "grant_rate": lambda f, **kw: plot.grant_rate(f["applications"], f["reports"], **kw),
    "refusal_reasons": lambda f, **kw: plot.refusal_reasons(f["applications"], f["reports"],
                                                            pooled=False, **kw),
    "backlog": lambda f, **kw: plot.backlog(f["applications"], f["reports"], **kw),
    "review_correction_rate": lambda f, **kw: plot.review_correction_rate(
        f["reviews"], f["reports"], **kw),
    "theme_frequencies": lambda f, **kw: plot.theme_frequencies(
        f["problem_themes"], reports=f["reports"], **({"by": "year"} | kw)),
    "theme_cooccurrence": lambda f, **kw: plot.theme_cooccurrence(f["problem_themes"]),
    "similarity": lambda f, **kw: plot.similarity(f["similarity"], f["reports"], **kw),
    "check_failures": lambda f, **kw: plot.check_failures(f["checks"], f["reports"], **kw),
    "cell_completeness": lambda f, **kw: plot.cell_completeness(f["checks"], f["reports"], **kw),
}


def artists(fig) -> int:
    """The most patches, lines, texts, collections, images and visible tick labels of one
    panel (axes) of the figure."""
    counts = [0]
    for ax in fig.axes:
        n = len(ax.patches) + len(ax.lines) + len(ax.texts) + len(ax.collections)
        n += len(ax.images)
        n += sum(1 for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_visible())
        counts.append(n)
    return max(counts)


def overlaps(fig) -> list[tuple[str, str]]:
    """Pairs of visible, non-empty tick labels of one axis whose boxes overlap (> 1 px)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    bad = []
    for ax in fig.axes:
        for labels in (ax.get_xticklabels(), ax.get_yticklabels()):
            shown = [t for t in labels if t.get_visible() and t.get_text()]
            boxes = [t.get_window_extent(renderer) for t in shown]
            for i in range(len(boxes)):
                for j in range(i + 1, len(boxes)):
                    a, b = boxes[i], boxes[j]
                    w = min(a.x1, b.x1) - max(a.x0, b.x0)
                    h = min(a.y1, b.y1) - max(a.y0, b.y0)
                    if w > 1 and h > 1:
                        bad.append((shown[i].get_text(), shown[j].get_text()))
    return bad


def assert_readable(fig) -> None:
    assert artists(fig) < MAX_ARTISTS, artists(fig)
    assert not overlaps(fig), overlaps(fig)[:5]
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    suptitle = fig.get_suptitle() if fig._suptitle is not None else ""
    assert "n=" in suptitle or (titles and all("n=" in t for t in titles)), (suptitle, titles)


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_chart_is_readable_at_1000_reports(big, name):
    fig = CHARTS[name](big)
    assert_readable(fig)
    plt.close(fig)


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_chart_is_readable_per_report_at_max_reports(small, name):
    fig = CHARTS[name](small)
    assert_readable(fig)
    plt.close(fig)


@pytest.mark.parametrize("by", ["level", "province", "template", "agency_key", "all"])
def test_grouping_by_any_reports_column(big, by):
    for name in ("grant_rate", "outcome_mix", "check_failures", "enforcement_decisions"):
        fig = CHARTS[name](big, by=by)
        assert_readable(fig)
        plt.close(fig)


def test_default_groups_by_year_with_n(big):
    fig = plot.grant_rate(big["applications"], big["reports"], lang="en")
    ax = fig.axes[0]
    rates = analyse.grant_rate(big["applications"], reports=big["reports"])
    known = rates[rates["grant_rate"].notna()]
    n = known.groupby("year").size()
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"{y} (n={c})" for y, c in n.items()]
    assert ax.get_title().endswith(f"(n={len(known)})")
    # the pooled point of each year is Σ granted / Σ processed over its reports
    pooled = known.groupby("year")[["granted", "partly_granted", "processed_total"]].sum()
    expected = (pooled["granted"] + pooled["partly_granted"]) / pooled["processed_total"]
    points = [line for line in ax.lines if line.get_marker() == "o"][0]
    np.testing.assert_allclose(points.get_ydata(), expected.to_numpy(dtype=float))


def test_level_and_template_groups_use_labels_not_codes(big):
    fig = plot.outcome_mix(big["applications"], big["reports"], by="template", lang="en")
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels and all(t.split(" (n=")[0] in {plot.label("template", c, "en")
                                                  for c in S.TEMPLATES} for t in labels), labels
    fig = plot.check_failures(big["checks"], big["reports"], by="level", lang="zh")
    fig.canvas.draw()
    labels = [t.get_text().split(" (n=")[0] for t in fig.axes[0].get_yticklabels()]
    assert set(labels) == {plot.label("level", c, "zh") for c in ("county", "city", "province")}
    assert not set(labels) & {"county", "city", "province"}


def test_too_many_groups_are_pooled_as_other(big):
    fig = plot.grant_rate(big["applications"], big["reports"], by="agency_key", lang="en")
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert len(labels) == plot.MAX_GROUPS and labels[-1].startswith("Other (n=")
    total = sum(int(t.rsplit("n=", 1)[1].rstrip(")")) for t in labels)
    assert total == analyse.grant_rate(big["applications"])["grant_rate"].notna().sum()


def test_per_report_view_refused_for_many_reports(big):
    with pytest.raises(ValueError, match="MAX_REPORTS"):
        plot.grant_rate(big["applications"], big["reports"], by="report")
    with pytest.raises(ValueError, match="not a column"):
        plot.grant_rate(big["applications"], big["reports"], by="nonsense")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_chart_shows_a_raw_code(big, lang):
    """Labels come from the template model in the language asked, never codes."""
    codes = {c for domain in plot.LABELS.values() for c in domain if "_" in c}
    plot.set_language(lang)
    try:
        for name, chart in CHARTS.items():
            fig = chart(big)
            fig.canvas.draw()
            words = {t.get_text() for t in fig.findobj(Text)}
            shown = {c for c in codes for w in words if c in w}
            assert not shown, (name, shown)
            plt.close(fig)
    finally:
        plot.set_language("zh")


def test_grouped_mix_is_analyse_pooled_by_group(big):
    """The pooled shares per year drawn are those of analyse's by= pooling, n included."""
    pool = analyse.outcome_shares(big["applications"], pooled=True, reports=big["reports"],
                                  by="year")
    pool = pool[pool["reason"].isna() & (pool["outcome"] == "granted")]
    fig = plot.outcome_mix(big["applications"], big["reports"], lang="en")
    ax = fig.axes[0]
    granted = [c for c in ax.containers if c.get_label() == "Granted"][0]
    np.testing.assert_allclose([p.get_height() for p in granted.patches],
                               pool["share"].to_numpy(dtype=float))
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        f"{y} (n={n})" for y, n in zip(pool["year"], pool["n_reports"])]


def test_panel_chart_is_readable(big):
    """One organ over nine years (the panel charts a handful of reports by design)."""
    ids = list(big["reports"]["report_id"].iloc[:9])
    reports = big["reports"][big["reports"]["report_id"].isin(ids)].assign(
        agency_key="K", year=range(2017, 2026))
    apps = big["applications"][big["applications"]["report_id"].isin(ids)]
    pt = big["problem_themes"][big["problem_themes"]["report_id"].isin(ids)]
    pan = analyse.panel(apps, reports, problems=pt)
    fig = plot.panel(pan)
    assert_readable(fig)
    assert fig.get_suptitle().endswith("（n=9）")
