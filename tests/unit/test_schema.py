from pathlib import Path

import pandas as pd
import pytest

import gxbg_kit as gx
from gxbg_kit.schema import CHECKS, CHECKS_TABLE, NARRATIVE_TABLES, REASONS, TABLES, all_tables


def test_dictionary_lists_every_column_once():
    d = gx.dictionary()
    assert d["table"].unique().tolist() == list(all_tables())
    for name, t in all_tables().items():
        assert d[d["table"] == name]["column"].tolist() == t.names
    assert d["zh"].notna().all() and d["meaning"].notna().all()
    assert "withheld=（三）不予公开" in d.set_index(["table", "column"]).loc[("applications", "row"), "codes"]


def test_reasons_and_checks_are_part_of_dictionary():
    assert set(gx.dictionary("reasons")["reason"]) == set(REASONS)
    assert gx.dictionary("check_kinds")["check"].tolist() == list(CHECKS)
    # "checks" is the checks table like any table (it used to list the check kinds)
    assert gx.dictionary("checks")["column"].tolist() == CHECKS_TABLE.names
    with pytest.raises(KeyError):
        gx.dictionary("nope")


def test_narrative_tables_are_defined_like_the_others():
    import gxbg_kit.narrative as nv

    assert list(NARRATIVE_TABLES) == ["problems", "problem_themes", "tokens"]
    assert not set(NARRATIVE_TABLES) & set(TABLES)  # TABLES: what parsing makes and the cache keeps
    for name in NARRATIVE_TABLES:
        d = gx.dictionary(name)
        assert d["column"].tolist() == NARRATIVE_TABLES[name].names
        assert d["zh"].notna().all() and d["meaning"].notna().all()
    assert nv.PROBLEM_COLUMNS == NARRATIVE_TABLES["problems"].names
    assert nv.KIND_DTYPE == NARRATIVE_TABLES["problems"].column("kind").pandas_dtype()
    themes = NARRATIVE_TABLES["problem_themes"].column("theme").codes
    assert list(themes) == nv.load_codebook()["theme"].tolist()
    sections = pd.DataFrame({"report_id": ["r1"], "section": ["problems"], "heading": ["五、"],
                             "text": ["一是信息公开不及时。二是人员力量不足。下一步，我局将加强培训。"]})
    problems = nv.problems_frame(sections)
    long = nv.problem_themes(problems)
    tokens = nv.tokenize(problems)
    for name, df in (("problems", problems), ("problem_themes", long), ("tokens", tokens)):
        table = NARRATIVE_TABLES[name]
        assert list(df.columns) == table.names and len(df)
        table.validate(df)
        pd.testing.assert_frame_equal(df, table.coerce(df))  # the schema's dtypes already
        assert not df.duplicated(list(table.key)).any()


def test_check_codes_cover_every_value_the_checks_make(tmp_path):
    # table, row and reason of the checks table are categories: a value outside their
    # codes would be lost (NA) when records become frames, so every value must be a code
    import gxbg_kit.checks as ch
    from gxbg_kit.pipeline import parse_file
    from gxbg_kit.synth import write_corpus

    records = [
        *ch.check_manifest("r", {"agency": ("甲", "乙"), "year": (2022, 2023)}),
        *ch.check_unreadable("r", [("applications", "withheld", "state_secret", "business", "?"),
                                   ("active", "fees", "fee_amount", None, "?"),
                                   ("reviews", "suit_direct", "pending", None, "?")]),
        *ch.check_placement("r", [("applications", [("ambiguous_split", ("other", "overdue_fee"), "")]),
                                  ("active", [("unplaced_values", "licensing", "")]),
                                  ("reviews", [("ambiguous_split", "review", "")])]),
        *ch.check_completeness("r", {"applications": (1, 2), "active": (1, 2), "reviews": (1, 2)}),
        *ch.check_encoding_replaced("r", [(0, 1, 2)], "utf-8"),
    ]
    write_corpus(tmp_path, 30, seed=11, defect_share=0.5)
    files = [p for p in sorted(tmp_path.iterdir()) if p.name != "manifest.csv" and p.is_file()]
    files += sorted(p for p in (Path(__file__).parents[2] / "data" / "reports").iterdir())
    for f in files:
        records += parse_file(f, f.name, None)["checks"]
    names = CHECKS_TABLE.names
    for column in ("check", "table", "row", "reason", "applicant"):
        i, codes = names.index(column), CHECKS_TABLE.column(column).codes
        values = {r[i] for r in records} - {None}
        assert values <= set(codes), (column, values - set(codes))
    frame = CHECKS_TABLE.frame(records)
    for column in ("table", "row", "reason"):  # nothing lost on the way to the frame
        i = names.index(column)
        assert frame[column].notna().sum() == sum(r[i] is not None for r in records)
    # the codes are in alphabetical order: the table sorts as it did with string columns
    for column in ("table", "row", "reason"):
        codes = list(CHECKS_TABLE.column(column).codes)
        assert codes == sorted(codes)


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

    root = Path(__file__).resolve().parents[2]
    render = runpy.run_path(str(root / "scripts" / "make_docs.py"))["render"]
    assert (root / "docs" / "dictionary.md").read_text(encoding="utf-8") == render(), \
        "docs/dictionary.md is stale: run python scripts/make_docs.py"


@pytest.mark.parametrize("batch_size", [1, 7, 40])
def test_batches_sorted_in_workers_combine_to_the_fully_sorted_table(tmp_path, batch_size):
    # workers sort each batch by the key; combining then only orders whole reports
    # (report_id blocks): the result must equal a full sort of all rows
    import random

    from gxbg_kit.pipeline import parse_file, records_to_arrow
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
