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
    bad.loc[0] = ["x", "review", "bogus", 1, "1"]
    with pytest.raises(pandera.errors.SchemaError):
        t.validate(bad)


def test_printed_dictionary_is_generated_from_the_schema():
    import runpy
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    render = runpy.run_path(str(root / "scripts" / "make_docs.py"))["render"]
    assert (root / "docs" / "dictionary.md").read_text(encoding="utf-8") == render(), \
        "docs/dictionary.md is stale: run python scripts/make_docs.py"
