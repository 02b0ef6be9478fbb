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
    # table, row and cell of the checks table are categories: a value outside their
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
    assert all(isinstance(r, CHECKS_TABLE.Record) for r in records)
    for column in ("check", "table", "row", "cell", "applicant"):
        codes = CHECKS_TABLE.column(column).codes
        values = {getattr(r, column) for r in records} - {None}
        assert values <= set(codes), (column, values - set(codes))
    frame = CHECKS_TABLE.frame(records)
    for column in ("table", "row", "cell"):  # nothing lost on the way to the frame
        assert frame[column].notna().sum() == sum(getattr(r, column) is not None for r in records)
    # the codes are in alphabetical order: the table sorts as it did with string columns
    for column in ("table", "row", "cell"):
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


def test_every_column_of_every_table_is_a_field_defined_once():
    from gxbg_kit.schema import FIELDS

    used = {f for t in all_tables().values() for f in t.fields}
    assert used == set(FIELDS), ("defined but unused", set(FIELDS) - used)
    for t in all_tables().values():
        for c in t.columns:
            f = FIELDS[c.name]
            # a table may narrow a field's codes, nothing else
            assert (c.dtype, c.zh, c.en, c.meaning, c.unit, c.source) == \
                (f.dtype, f.zh, f.en, f.meaning, f.unit, f.source)
            if c.codes is not f.codes:
                assert set(c.codes) <= set(f.codes), (t.name, c.name)
    assert all(f.zh and f.en and f.meaning for f in FIELDS.values())


def test_a_field_cannot_be_defined_twice_nor_a_table_list_an_undefined_one():
    from gxbg_kit import schema

    with pytest.raises(ValueError, match="defined twice"):
        schema._field("count", "Int64", "件数", "count", "again")
    with pytest.raises(ValueError, match="not defined"):
        schema.Table("t", "表", "a table", ("report_id", "no_such_field"))
    with pytest.raises(ValueError, match="key names fields"):
        schema.Table("t", "表", "a table", ("report_id",), key=("count",))


def test_each_table_has_a_named_record_type_in_its_column_order():
    import pickle

    for t in all_tables().values():
        assert t.Record._fields == tuple(t.names)
    rec = TABLES["reviews"].Record("r", "review", "upheld", 3, "3", False)
    assert rec.count == 3 and rec[3] == 3  # a tuple: the columnar transport reads it by position
    assert pickle.loads(pickle.dumps(rec)) == rec  # records cross process boundaries
    from gxbg_kit.schema import record_maker
    assert record_maker(TABLES["reviews"])(tuple(rec)) == rec


def test_renamed_fields_are_taken_under_their_old_name_with_a_warning():
    import gxbg_kit.analyse as an
    from gxbg_kit.schema import RENAMED

    assert RENAMED[("reports", "reason")][0] == "status_reason"
    assert RENAMED[("checks", "reason")][0] == "cell"
    old = pd.DataFrame({"report_id": ["a"], "path": ["a.txt"], "status": ["ok"],
                        "reason": ["complete"]})  # a reports table written by 0.1
    with pytest.warns(FutureWarning, match="reports.reason was renamed 'status_reason'"):
        new = TABLES["reports"].coerce(old)
    assert "reason" not in new.columns and new.loc[0, "status_reason"] == "complete"
    # applications.reason is not renamed: nothing to warn about
    apps = TABLES["applications"].coerce(pd.DataFrame({"reason": ["state_secret"]}))
    assert apps.loc[0, "reason"] == "state_secret"
    # a column name given to a function (by=)
    with pytest.warns(FutureWarning):
        assert an._by("reason", new) == ["status_reason"]
    d = gx.dictionary("renamed")
    assert set(zip(d["table"], d["old"], d["new"])) == {
        ("reports", "reason", "status_reason"), ("checks", "reason", "cell")}


def test_dictionary_of_fields_lists_each_field_once_with_its_tables():
    f = gx.dictionary("fields").set_index("field")
    assert f.index.is_unique
    assert f.loc["count", "tables"] == "applications, reviews"
    assert f.loc["row", "tables"] == "applications, checks"
    assert f.loc["status_reason", "en"] == "status reason"
