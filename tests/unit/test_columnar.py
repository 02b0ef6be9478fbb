"""columnar: records → Arrow → typed pandas frames, sorted by a table's key, whatever the
table (it knows nothing of the template)."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from gxbg_kit import columnar
from gxbg_kit.schema import TABLES


def test_records_round_trip_with_the_table_types_and_na_kept():
    t = TABLES["reviews"]
    recs = [t.Record("b", "review", "total", None, None, False),
            t.Record("a", "suit_direct", "upheld", 2, "2", True),
            t.Record("a", "review", "upheld", 0, "0", None)]
    arrow = columnar.to_arrow(t, recs)
    assert arrow.schema.field("proceeding").type == pa.dictionary(pa.int8(), pa.large_string())
    df = columnar.from_arrow(t, [arrow])
    assert df["report_id"].tolist() == ["a", "a", "b"]  # sorted by the key, codes in their order
    assert df["proceeding"].tolist() == ["review", "suit_direct", "review"]
    assert str(df["count"].dtype) == "Int64" and df["count"].isna().tolist() == [False, False, True]
    assert df["inferred"].isna().tolist() == [True, False, False]  # None stays NA, not False
    pd.testing.assert_frame_equal(df, t.coerce(df))


def test_values_arrow_will_not_take_as_they_are_go_through_the_pandas_dtype():
    t = TABLES["reviews"]
    df = columnar.frame(t, [t.Record("a", "review", "upheld", 3.0, 7, False)])
    assert df.loc[0, "count"] == 3 and df.loc[0, "raw"] == "7"
    with pytest.raises((ValueError, TypeError)):
        columnar.frame(t, [t.Record("a", "review", "upheld", "three", "3", False)])


def test_sort_frame_sorts_categories_in_code_order_and_na_last():
    t = TABLES["applications"]
    df = t.coerce(pd.DataFrame({"report_id": ["a", "a", "a"],
                                "row": ["granted", "received", "withheld"],
                                "reason": [None, None, "state_secret"],
                                "applicant": ["total", "total", "total"]}))
    out = columnar.sort_frame(t, df.iloc[::-1].reset_index(drop=True))
    assert out["row"].tolist() == ["received", "granted", "withheld"]  # template order
    assert columnar.by_report(t) and not columnar.by_report(TABLES["reports"])


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
        combined = columnar.from_arrow(TABLES[name], [b[name] for b in batches], presorted=True)
        everything = TABLES[name].frame([r for rec in recs for r in rec[name]])
        pd.testing.assert_frame_equal(combined, everything)
        assert combined["report_id"].is_monotonic_increasing
