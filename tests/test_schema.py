import pandas as pd
import pytest

import gxbg_kit as gx
from gxbg_kit.schema import REASONS, TABLES


def test_dictionary_lists_every_column_once():
    d = gx.dictionary()
    for name, t in TABLES.items():
        assert d[d["table"] == name]["column"].tolist() == t.names
    assert d["zh"].notna().all() and d["meaning"].notna().all()
    assert "withheld=（三）不予公开" in d.set_index(["table", "column"]).loc[("applications", "row"), "codes"]


def test_reasons_and_checks_are_part_of_dictionary():
    assert set(gx.dictionary("reasons")["reason"]) == set(REASONS)
    assert "identity" in set(gx.dictionary("checks")["check"])
    with pytest.raises(KeyError):
        gx.dictionary("nope")


def test_coerce_gives_categorical_codes_and_nullable_counts():
    t = TABLES["applications"]
    df = t.coerce(pd.DataFrame({"report_id": ["x"], "row": ["granted"], "reason": [None],
                                "applicant": ["total"], "count": [None], "raw": [""]}))
    assert isinstance(df["row"].dtype, pd.CategoricalDtype)
    assert str(df["count"].dtype) == "Int64" and df["count"].isna().all()


def test_pandera_schema_rejects_unknown_code():
    import pandera.errors

    t = TABLES["reviews"]
    bad = t.empty().astype({"result": "string"})
    bad.loc[0] = ["x", "review", "bogus", 1, "1", False]
    with pytest.raises(pandera.errors.SchemaError):
        t.validate(bad)


def test_printed_dictionary_is_generated_from_the_schema():
    import runpy
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    render = runpy.run_path(str(root / "scripts" / "make_docs.py"))["render"]
    assert (root / "docs" / "dictionary.md").read_text(encoding="utf-8") == render(), \
        "docs/dictionary.md is stale: run python scripts/make_docs.py"


@pytest.mark.parametrize("batch_size", [1, 7, 40])
def test_batches_sorted_in_workers_combine_to_the_fully_sorted_table(tmp_path, batch_size):
    # workers sort each batch by the key; combining then only orders whole reports
    # (report_id blocks): the result must equal a full sort of all rows
    import random

    from gxbg_kit.corpus import parse_file, records_to_arrow
    from gxbg_kit.synth import write_corpus

    write_corpus(tmp_path, 40, seed=7, defect_share=0.3)
    files = sorted(p for p in tmp_path.iterdir() if p.name != "manifest.csv")
    random.Random(batch_size).shuffle(files)
    recs = [parse_file(f, f.name, None) for f in files]
    batches = [records_to_arrow(recs[i:i + batch_size]) for i in range(0, len(recs), batch_size)]
    for name in ("applications", "active", "reviews", "sections", "checks"):
        combined = TABLES[name].from_arrow([b[name] for b in batches], presorted=True)
        everything = TABLES[name].frame([r for rec in recs for r in rec[name]])
        pd.testing.assert_frame_equal(combined, everything)
        assert combined["report_id"].is_monotonic_increasing
