"""One definition of every tidy table and column.

Dtypes, validation (pandera schemas), the printed data dictionary
(``data_dictionary.py``) and the empty frames all derive from the ``TABLES``
defined here, in the spirit of PUDL's metadata: each column says what it is, in
English and Chinese, which codes it allows and where in the national template it
comes from.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# why a report has the status it has: defined with ReadError, which carries one
from .errors import REASONS

# --------------------------------------------------------------------------
# Code lists (code -> Chinese label as printed in the national template)
# --------------------------------------------------------------------------
APPLICANTS = {
    "natural_person": "自然人",
    "business": "商业企业",
    "research": "科研机构",
    "nonprofit": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他（法人或其他组织）",
    "total": "总计",
}
APPLICANT_PARTS = [a for a in APPLICANTS if a != "total"]

APPLICATION_ROWS = {
    "received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partly_granted": "（二）部分公开",
    "withheld": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
    "processed_total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
OUTCOME_ROWS = ["granted", "partly_granted", "withheld", "unable", "not_processed", "other"]

APPLICATION_REASONS = {
    # (三) 不予公开
    "state_secret": "1.属于国家秘密",
    "prohibited_by_law": "2.其他法律行政法规禁止公开",
    "three_safeties_one_stability": "3.危及“三安全一稳定”",
    "third_party_rights": "4.保护第三方合法权益",
    "internal_affairs": "5.属于三类内部事务信息",
    "process_info": "6.属于四类过程性信息",
    "enforcement_file": "7.属于行政执法案卷",
    "query_item": "8.属于行政查询事项",
    # (四) 无法提供
    "not_held": "1.本机关不掌握相关政府信息",
    "needs_creation": "2.没有现成信息需要另行制作",
    "unclear_after_correction": "3.补正后申请内容仍不明确",
    # (五) 不予处理
    "complaint_petition": "1.信访举报投诉类申请",
    "repeated": "2.重复申请",
    "publication": "3.要求提供公开出版物",
    "mass_repeated": "4.无正当理由大量反复申请",
    "confirm_or_reissue": "5.要求行政机关确认或重新出具已获取信息",
    # (六) 其他处理 (2021 template only)
    "overdue_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "overdue_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other": "3.其他",
}
REASONS_BY_ROW = {
    "withheld": ["state_secret", "prohibited_by_law", "three_safeties_one_stability",
                 "third_party_rights", "internal_affairs", "process_info",
                 "enforcement_file", "query_item"],
    "unable": ["not_held", "needs_creation", "unclear_after_correction"],
    "not_processed": ["complaint_petition", "repeated", "publication", "mass_repeated",
                      "confirm_or_reissue"],
    "other": ["overdue_correction", "overdue_fee", "other"],
}

PROCEEDINGS = {
    "review": "行政复议",
    "suit_direct": "行政诉讼：未经复议直接起诉",
    "suit_after_review": "行政诉讼：复议后起诉",
}
REVIEW_RESULTS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
REVIEW_PARTS = ["upheld", "corrected", "other", "pending"]

ACTIVE_ITEMS = {
    "regulations": "规章（第二十条第（一）项）",
    "normative_documents": "（行政）规范性文件（第二十条第（一）项）",
    "licensing": "行政许可（第二十条第（五）项）",
    "other_services": "其他对外管理服务事项（第二十条第（五）项，2019）",
    "penalty": "行政处罚（第二十条第（六）项）",
    "coercion": "行政强制（第二十条第（六）项）",
    "fees": "行政事业性收费（第二十条第（八）项）",
    "procurement": "政府集中采购（第二十条第（九）项，2019）",
}
ACTIVE_MEASURES = {
    "issued": "本年制发件数（2021）",
    "repealed": "本年废止件数（2021）",
    "in_force": "现行有效件数（2021）",
    "new_made": "本年新制作数量（2019）",
    "new_published": "本年新公开数量（2019）",
    "published_total": "对外公开总数量（2019）",
    "prior_items": "上一年项目数量（2019）",
    "change": "本年增/减（2019）",
    "decisions": "（本年）处理决定数量",
    "fee_amount": "本年收费金额（2021，万元）",
    "procurement_items": "采购项目数量（2019）",
    "procurement_amount": "采购总金额（2019，万元）",
}

SECTIONS = {
    "overview": "一、总体情况",
    "active": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "reviews": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}

TEMPLATES = {
    "2019": "2019 template (国办公开办函〔2019〕60号): 新制作/新公开/对外公开总数量, 第(九)项采购",
    "2021": "2021 template (国办公开办函〔2021〕30号): 制发/废止/现行有效, (六)其他处理 split in three",
    "mixed": "labels of both template versions in one report",
    "unknown": "no template label recognised",
}

STATUSES = {
    "ok": "parsed; every template cell found",
    "partial": "parsed; some template cells or sections missing (they are NA)",
    "failed": "nothing could be parsed; see reason",
}

CHECKS = {
    "identity": "新收 + 上年结转 = (七)总计 + 结转下年度, per applicant column",
    "applicant_sum": "a row's applicant columns sum to its 总计 column",
    "outcome_sum": "(七)总计 equals the sum of all outcome rows (一)…(六), per applicant column",
    "other_sum": "(六)其他处理 equals the sum of its three sub-rows (where both are printed)",
    "review_sum": "each proceeding's 总计 equals 维持 + 纠正 + 其他 + 尚未审结",
    "completeness": "how many of the template's cells were found (expected = template, actual = found)",
    "unreadable_cell": "a cell whose characters were garbled by extraction (e.g. ???, (cid:12)); value is NA",
    "ambiguous_split": "digits of a row ran together and more than one cut into cells (or none) fits the "
                       "template's sums; the row's cells are NA and the detail lists the candidates",
    "unplaced_values": "a row printed more values than the template has and they cannot be told apart; "
                       "the row's cells are NA",
    "ocr_corrected": "a cell of a scanned (OCR) table whose reading broke the template's sums, "
                     "corrected because exactly one confusable digit (0/8/6/9, 1/7, 3/8, 5/6) makes "
                     "every sum hold; the cell is inferred and the detail names the correction",
    "ocr_unverified": "a cell of a scanned (OCR) table in a sum that does not hold, which no single "
                      "confusable digit repairs; the cell is NA",
    "narrative": "a number stated in the narrative versus the same number in the table (expected = table)",
    "manifest": "a manifest value versus the value read from the text (expected = manifest)",
    "encoding_replaced": "bytes of a text or HTML file that were not valid in its encoding (a few "
                         "stray bytes, e.g. a GBK phrase in a UTF-8 file) were read as U+FFFD and "
                         "the report kept; actual = bytes replaced, the detail gives their lines",
}

# --------------------------------------------------------------------------
# Table definitions
# --------------------------------------------------------------------------


_ARROW_TYPES = {"string": pa.large_string(), "category": pa.large_string(), "Int64": pa.int64(),
                "Float64": pa.float64(), "boolean": pa.bool_()}
_PANDAS_TYPES = {pa.large_string(): pd.StringDtype(), pa.string(): pd.StringDtype(),
                 pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(),
                 pa.bool_(): pd.BooleanDtype()}


def _arrow_array(values, kind: pa.DataType) -> pa.Array:
    """``pa.array`` of Python values; values Arrow will not take as they are (an int
    in a text column, 3.0 in a count column) go through the pandas dtype instead."""
    try:
        return pa.array(values, type=kind, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        series = pd.Series(list(values), dtype=object)
        if kind == pa.large_string():
            series = series.map(lambda v: v if v is None or pd.isna(v) else str(v))
            return pa.array(series.astype(pd.StringDtype())).cast(kind)
        dtype = {pa.int64(): "Int64", pa.float64(): "Float64", pa.bool_(): "boolean"}[kind]
        numbers = series if dtype == "boolean" else pd.to_numeric(series, errors="raise")
        return pa.array(numbers.astype(dtype)).cast(kind)


def _code_array(col: Column) -> pa.Array:
    return _codes_as_arrow(tuple(col.codes))


@cache
def _codes_as_arrow(codes: tuple[str, ...]) -> pa.Array:
    return pa.array(codes, type=pa.large_string())


def _dictionary_codes(col: pa.ChunkedArray, column: Column) -> pa.ChunkedArray:
    """Positions in the column's code list of a dictionary column's values (nulls stay null)."""
    codes = _code_array(column)
    if all(chunk.dictionary.equals(codes) for chunk in col.chunks):
        return pa.chunked_array([chunk.indices for chunk in col.chunks], type=col.type.index_type)
    return pc.index_in(col.cast(pa.large_string()), value_set=codes)


def release_memory() -> None:
    """Hand memory freed by large conversions back to the operating system: Arrow's
    pool keeps freed blocks, and glibc keeps freed heap (e.g. the buffers of
    batches received from workers) until trimmed, as dask's workers also do."""
    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _libc():
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _libc()


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # pandas dtype name: string, category, Int64, Float64, boolean
    zh: str
    meaning: str
    codes: dict | None = None
    source: str = ""
    unit: str = ""

    def pandas_dtype(self):
        if self.dtype == "category":
            if self.codes is None:
                return "category"
            return pd.CategoricalDtype(list(self.codes))
        if self.dtype == "string":
            return pd.StringDtype()
        return self.dtype

    def arrow_type(self) -> pa.DataType:
        if self.dtype == "category" and self.codes is not None:
            index = pa.int8() if len(self.codes) < 128 else pa.int16()
            return pa.dictionary(index, pa.large_string())
        return _ARROW_TYPES[self.dtype]

    def to_arrow(self, values) -> pa.Array:
        """Values of this column (Python objects; None, NaN and pd.NA are missing)."""
        kind = self.arrow_type()
        if pa.types.is_dictionary(kind):
            strings = _arrow_array(values, pa.large_string())
            codes = pc.index_in(strings, value_set=_code_array(self)).cast(kind.index_type)
            return pa.DictionaryArray.from_arrays(codes, _code_array(self))
        return _arrow_array(values, kind)


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    meaning: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def empty(self) -> pd.DataFrame:
        return self.coerce(pd.DataFrame({c: [] for c in self.names}))

    def frame(self, records: list[tuple], sort: bool = True) -> pd.DataFrame:
        """A typed frame from records (tuples in column order), sorted by the key."""
        if not records:
            return self.empty()
        return self.from_arrow([self.to_arrow(records)], sort=sort)

    # -- Arrow: the columnar form records take between parsing and pandas -------
    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.arrow_type()) for c in self.columns])

    def to_arrow(self, records: list[tuple]) -> pa.Table:
        """An Arrow table of records (tuples in column order) with this table's types:
        categories are dictionary-encoded with the code list as dictionary, so tables
        made anywhere (worker processes, cluster nodes) concatenate without re-coding."""
        return pa.table([c.to_arrow(list(map(itemgetter(i), records)))
                         for i, c in enumerate(self.columns)], schema=self.arrow_schema())

    def from_arrow(self, parts: list[pa.Table], sort: bool = True,
                   presorted: bool = False) -> pd.DataFrame:
        """One typed pandas frame of Arrow tables made by :meth:`to_arrow`, sorted by
        the key. ``parts`` is emptied: each column's Arrow memory is freed once it is
        converted, so a large table needs little more than its final size.

        ``presorted``: each part is already sorted by the key (:meth:`sort_arrow`)
        and holds all rows of its reports, so only whole reports are put in order."""
        table = pa.concat_tables(parts) if parts else self.to_arrow([])
        parts.clear()
        if table.num_rows == 0:
            return self.empty()
        order = None
        if sort:
            order = (self._report_block_order(table) if presorted and self.by_report
                     else self._order(table))
        large = table.num_rows >= 4_000_000  # trimming after each column costs time
        out = {}
        for col in self.columns:
            values = table.column(0)
            table = table.remove_column(0)
            if order is not None:
                values = values.take(order)
            series = values.to_pandas(types_mapper=_PANDAS_TYPES.get)
            del values
            if large:
                release_memory()
            target = col.pandas_dtype()
            if series.dtype != target:  # e.g. a dictionary column that was all null
                series = series.astype(target)
            elif col.dtype != "string":  # zero-copy from Arrow is read-only: own the buffers
                series = series.copy()
            out[col.name] = series
        return pd.DataFrame(out, copy=False)

    @property
    def by_report(self) -> bool:
        """Rows are grouped by report: the key starts with report_id."""
        return self.key[:1] == ("report_id",)

    def sort_arrow(self, table: pa.Table) -> pa.Table:
        """``table`` sorted by the key."""
        return table.take(self._order(table)) if self.key and table.num_rows else table

    @staticmethod
    def _report_block_order(table: pa.Table) -> pa.Array:
        """Row order that puts whole reports in report_id order, keeping the order of
        rows within each report (a stable sort of blocks, not of rows: parts sorted
        by the key, each holding all rows of its reports, then need no row sort)."""
        starts, lengths, ids, offset = [], [], [], 0
        for chunk in pc.run_end_encode(table.column("report_id")).chunks:
            ends = chunk.run_ends.to_numpy().astype(np.int64)
            lengths.append(np.diff(ends, prepend=0))
            starts.append(offset + ends - lengths[-1])
            ids.append(chunk.values)
            offset += len(chunk)
        blocks = pc.sort_indices(pa.concat_arrays(ids)).to_numpy()
        starts, lengths = np.concatenate(starts)[blocks], np.concatenate(lengths)[blocks]
        new_starts = np.cumsum(lengths) - lengths
        return pa.array(np.repeat(starts - new_starts, lengths) + np.arange(lengths.sum()))

    def _order(self, table: pa.Table) -> pa.Array:
        """Row order by the key (categories in code order, NA last), stable."""
        if not self.key:
            return pa.array(range(table.num_rows), pa.int64())
        keys = {}
        for k in self.key:
            col = table.column(k)
            keys[k] = (_dictionary_codes(col, self.column(k)) if pa.types.is_dictionary(col.type)
                       else col)
        return pc.sort_indices(pa.table(keys),
                               sort_keys=[(k, "ascending", "at_end") for k in keys])

    def coerce(self, df: pd.DataFrame) -> pd.DataFrame:
        """Return ``df`` with this table's columns, in order, with their dtypes.

        Extra columns are kept after the documented ones.
        """
        df = df.copy()
        for col in self.columns:
            if col.name not in df.columns:
                df[col.name] = pd.NA
            target = col.pandas_dtype()
            if col.dtype in ("Int64", "Float64"):
                df[col.name] = pd.to_numeric(df[col.name], errors="raise").astype(target)
            elif col.dtype == "boolean":
                df[col.name] = df[col.name].astype("boolean")
            else:
                df[col.name] = df[col.name].astype(target)
        extra = [c for c in df.columns if c not in self.names]
        return df[self.names + extra].reset_index(drop=True)

    def sort(self, df: pd.DataFrame, consume: bool = False) -> pd.DataFrame:
        """Rows sorted by the table's key (categories in code order, NA last), stably.

        With ``consume=True`` the columns of ``df`` are dropped as they are copied,
        so sorting a large frame needs memory for one extra column, not a whole copy.
        """
        if not self.key or df.empty:
            return df.reset_index(drop=True)
        keys = {}
        for k in self.key:
            col = df[k]
            if isinstance(col.dtype, pd.CategoricalDtype):  # sort by category order
                codes = col.cat.codes.to_numpy()
                keys[k] = pa.array(codes, mask=codes < 0)
            else:  # strings stay in Arrow: no Python objects for millions of ids
                keys[k] = pa.array(col)
        order = self._order(pa.table(keys)).to_numpy()
        del keys
        out = {}
        for c in list(df.columns):
            out[c] = df[c].take(order).reset_index(drop=True)
            if consume:
                del df[c]
        return pd.DataFrame(out, copy=False)

    def pandera_schema(self):
        """A pandera ``DataFrameSchema`` generated from this definition."""
        import pandera.pandas as pa

        cols = {}
        for c in self.columns:
            checks = []
            dtype = c.pandas_dtype()
            if c.dtype == "category" and c.codes is not None:
                checks.append(pa.Check.isin(list(c.codes)))
            cols[c.name] = pa.Column(dtype, checks=checks, nullable=True, coerce=False)
        return pa.DataFrameSchema(cols, strict=False, ordered=False, name=self.name)

    def validate(self, df: pd.DataFrame) -> pd.DataFrame:
        return self.pandera_schema().validate(df)


def _c(name, dtype, zh, meaning, codes=None, source="", unit=""):
    return Column(name, dtype, zh, meaning, codes, source, unit)


REPORT_ID = _c("report_id", "string", "报告编号",
               "stable report id: the first 16 hex digits of the file's SHA-256")

INFERRED = _c("inferred", "boolean", "推断", "True when the cell's boundaries or row were not printed but "
              "inferred: digits that ran together (a flattened web page) cut into cells by the digit "
              "count and the template's sums (the only cut that satisfies every sum), or a numbers row "
              "without its label placed by the template order. Leave these out for a strictly printed "
              "reading; in the 第二十条 tables no sum checks a cut, and a blank cell that left no trace "
              "can make one wrong")

TABLES: dict[str, Table] = {}


def _table(t: Table) -> Table:
    TABLES[t.name] = t
    return t


REPORTS = _table(Table(
    "reports", "报告", "one row per report (distinct bytes; other copies are in duplicates) and per "
    "file that could not be read: metadata, status and why",
    (
        REPORT_ID,
        _c("path", "string", "文件路径", "path of the file, relative to the corpus folder"),
        _c("source_format", "category", "来源格式", "how the file was read",
           {"text": "plain text", "markdown": "Markdown", "html": "HTML page",
            "pdf": "PDF", "docx": "Word .docx", "doc": "legacy Word .doc", "unknown": "unknown"}),
        _c("encoding", "string", "编码", "detected text encoding (text and HTML files)"),
        _c("sha256", "string", "SHA-256", "hash of the file's bytes"),
        _c("size_bytes", "Int64", "文件大小", "size of the file", unit="bytes"),
        _c("agency", "string", "机关名称", "reporting agency: from the text, else from the manifest"),
        _c("agency_key", "string", "机关标识", "one key for one organ in every year: the agency's "
           "name normalised (data/agency_names.csv: no year or title words, 管理委员会 → 管委会, "
           "片区管理局 → 片区, …) and written from the manifest's city down; the manifest's "
           "agency_key where it gives one; NA when no agency is known"),
        _c("year", "Int64", "报告年度", "year the report covers: from the text, else the manifest"),
        _c("template", "category", "模板版本", "which national template the tables follow", TEMPLATES),
        _c("status", "category", "解析状态", "how far parsing got", STATUSES),
        _c("reason", "category", "原因", "why the report has its status", REASONS),
        _c("message", "string", "说明", "a specific, human-readable explanation of the reason"),
        _c("province", "string", "省", "province (manifest)"),
        _c("city", "string", "市", "prefecture-level city (manifest)"),
        _c("county", "string", "县区", "county-level unit (manifest)"),
        _c("region", "string", "地区", "most specific place name known"),
        _c("level", "category", "层级", "administrative level of the agency",
           {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇", "unknown": "未知"}),
        _c("agency_text", "string", "机关名称（正文）", "agency as read from the text (NA if not named)"),
        _c("agency_manifest", "string", "机关名称（清单）", "agency as given in the manifest"),
        _c("year_text", "Int64", "年度（正文）", "year as read from the text"),
        _c("year_manifest", "Int64", "年度（清单）", "year as given in the manifest"),
        _c("n_checks_failed", "Int64", "未通过检查数", "number of checks with ok == False"),
        _c("engines", "string", "表格提取引擎", "PDF/Word: which extraction produced each table, "
           "e.g. 'active:pdfplumber; applications:camelot-lattice' (NA for text and HTML)"),
        _c("pages", "Int64", "页数", "number of pages (PDF)"),
        _c("ocr_pages", "string", "OCR页", "PDF: the pages read by OCR (scanned pages), e.g. '1,2,3' "
           "(NA: none)"),
        _c("ocr_confidence", "Float64", "OCR置信度", "PDF read by OCR: the mean confidence (0..1) "
           "of the text boxes it recognised"),
    ),
    key=("path",),
))

APPLICATIONS = _table(Table(
    "applications", "收到和处理政府信息公开申请情况",
    "section 三: one row per (outcome row, reason, applicant type) cell of the 7-column table",
    (
        REPORT_ID,
        _c("row", "category", "行", "row of the table", APPLICATION_ROWS,
           source="三、收到和处理政府信息公开申请情况, row labels"),
        _c("reason", "category", "具体情形", "sub-row (NA for rows without sub-reasons, and for an "
           "unsplit (六)其他处理)", APPLICATION_REASONS, source="numbered sub-rows 1. 2. …"),
        _c("applicant", "category", "申请人类型", "applicant column", APPLICANTS,
           source="申请人情况 columns"),
        _c("count", "Int64", "件数", "number of requests; NA when the cell is blank, missing or "
           "unreadable", unit="requests"),
        _c("raw", "string", "原文", "the cell text as printed (NA if the cell is missing)"),
        INFERRED,
    ),
    key=("report_id", "row", "reason", "applicant"),
))

ACTIVE = _table(Table(
    "active", "主动公开政府信息情况",
    "section 二: one row per (item, measure) cell of the 第二十条 tables",
    (
        REPORT_ID,
        _c("item", "category", "信息内容", "row of the 第二十条 tables", ACTIVE_ITEMS),
        _c("measure", "category", "指标", "column of the 第二十条 tables", ACTIVE_MEASURES),
        _c("value", "Float64", "数值",
           "number in the measure's standard unit: counts as printed; 增N → +N, 减N → −N; money "
           "in 万元 (a cell printed in 元 is divided by 10,000)"),
        _c("unit", "string", "单位", "unit of value: 件/项 counts are NA-unit, money is 万元"),
        _c("raw", "string", "原文", "the cell text as printed"),
        INFERRED,
    ),
    key=("report_id", "item", "measure"),
))

REVIEWS = _table(Table(
    "reviews", "政府信息公开行政复议、行政诉讼情况",
    "section 四: one row per (proceeding, result) of the 15-number table",
    (
        REPORT_ID,
        _c("proceeding", "category", "程序", "administrative review or lawsuit", PROCEEDINGS),
        _c("result", "category", "结果", "outcome column", REVIEW_RESULTS),
        _c("count", "Int64", "件数", "number of cases; NA when blank or missing", unit="cases"),
        _c("raw", "string", "原文", "the cell text as printed"),
        INFERRED,
    ),
    key=("report_id", "proceeding", "result"),
))

SECTIONS_TABLE = _table(Table(
    "sections", "报告章节", "one row per top-level section found",
    (
        REPORT_ID,
        _c("section", "category", "章节", "which template section", SECTIONS),
        _c("heading", "string", "标题", "the heading as printed"),
        _c("text", "string", "正文", "the section's text without its heading (tables included)"),
    ),
    key=("report_id", "section"),
))


def _codes_by_table(*groups: tuple[str, dict]) -> dict[str, str]:
    """One code list of several tables' code lists, each label prefixed with its table
    (``applications: （一）予以公开``); a code of two tables lists both labels. Codes
    are in alphabetical order, so a category column sorts as its strings did."""
    out: dict[str, str] = {}
    for table, codes in groups:
        for code, label in codes.items():
            out[code] = f"{out[code]}; {table}: {label}" if code in out else f"{table}: {label}"
    return dict(sorted(out.items()))


#: Codes of the checks table's ``table``, ``row`` and ``reason`` columns: the tables a
#: check is about, and the codes of their rows and cells it names.
CHECK_TABLES = dict(sorted({t.name: t.zh for t in (REPORTS, APPLICATIONS, ACTIVE, REVIEWS)}.items()))
CHECK_ROWS = _codes_by_table(
    ("applications", APPLICATION_ROWS), ("active", ACTIVE_ITEMS), ("reviews", PROCEEDINGS),
    ("reports", {f: REPORTS.column(f).zh for f in ("agency", "year")}))
CHECK_REASONS = _codes_by_table(
    ("applications", APPLICATION_REASONS), ("active", ACTIVE_MEASURES), ("reviews", REVIEW_RESULTS))

CHECKS_TABLE = _table(Table(
    "checks", "校验", "one row per arithmetic or consistency check of a report",
    (
        REPORT_ID,
        _c("check", "category", "校验", "which check", CHECKS),
        _c("table", "category", "表", "table the check is about", CHECK_TABLES),
        _c("row", "category", "行", "what the check is about within its table: an applications row, "
           "an active item, a reviews proceeding, or a reports field (manifest checks); NA for "
           "checks of a whole table", CHECK_ROWS),
        _c("reason", "category", "具体情形", "the cell within the row, where it applies: an "
           "applications sub-row (reason), an active measure or a reviews result (unreadable "
           "cells)", CHECK_REASONS),
        _c("applicant", "category", "申请人类型", "applicant column, where it applies", APPLICANTS),
        _c("expected", "Float64", "应为", "the value the check expects (the printed total, the template "
           "cell count, the table value)"),
        _c("actual", "Float64", "实为", "the value found (sum of parts, cells found, narrative value)"),
        _c("ok", "boolean", "通过", "True/False; NA when a value needed is missing"),
        _c("detail", "string", "说明", "a readable explanation"),
    ),
    key=("report_id", "check", "table", "row", "reason", "applicant"),
))

DUPLICATES = _table(Table(
    "duplicates", "重复文件",
    "one row per file whose bytes repeat a report's: it has no row of its own in reports "
    "(the kept copy stands for it), so report_id is a key of reports",
    (
        _c("report_id", "string", "报告编号", "report_id of the kept copy (the same bytes: the same "
           "SHA-256); join to reports on it"),
        _c("path", "string", "文件路径", "path of this copy, relative to the corpus folder"),
        _c("kept_path", "string", "保留文件路径", "path of the kept copy, the reports row: the first "
           "path in sorted order (among copies that were read, if one copy failed)"),
        _c("size_bytes", "Int64", "文件大小", "size of the file", unit="bytes"),
        _c("agency_manifest", "string", "机关名称（清单）", "agency this copy has in the manifest "
           "(may differ from the kept copy's)"),
        _c("year_manifest", "Int64", "年度（清单）", "year this copy has in the manifest"),
    ),
    key=("path",),
))


# --------------------------------------------------------------------------
# Narrative tables: derived from ``sections`` by gxbg_kit.narrative (Corpus.problems,
# .problem_themes, .tokens); not parsed from files, so not in TABLES (which the
# parser, the cache and the workers fill), but in the dictionary and the data package.
# --------------------------------------------------------------------------
NARRATIVE_TABLES: dict[str, Table] = {}

#: Kinds of a section 五 item.
KINDS = {"problem": "存在的主要问题", "measure": "改进情况（改进措施）"}


def _codebook_themes() -> dict[str, str]:
    """Theme codes of the shipped codebook (``data/problem_themes.csv``), in its order."""
    import csv
    import importlib.resources

    path = importlib.resources.files("gxbg_kit").joinpath("data", "problem_themes.csv")
    with path.open("r", encoding="utf-8", newline="") as f:
        return {row["theme"].strip(): f"{row['label_zh']} ({row['label_en']})"
                for row in csv.DictReader(f)}


THEMES = _codebook_themes()


def _narrative_table(t: Table) -> Table:
    NARRATIVE_TABLES[t.name] = t
    return t


ITEM_KIND = _c("kind", "category", "类别", "problem (存在的主要问题) or measure (改进情况: what "
               "the agency will do)", KINDS)
ITEM_N = _c("n", "Int64", "序号", "1-based number of the item within its kind, in text order")

PROBLEMS = _narrative_table(Table(
    "problems", "存在的主要问题及改进情况",
    "section 五 split into items: one row per self-reported problem or improvement measure "
    "(narrative.problems_frame; the splitting rules are in docs/themes.md)",
    (
        REPORT_ID,
        ITEM_KIND,
        ITEM_N,
        _c("text", "string", "内容", "the item's text without its enumeration marker (一是, （一）, 1. …)"),
        _c("themes", "string", "主题", "codes of the problem themes whose patterns match the item "
           "(codebook data/problem_themes.csv), joined by ';' in codebook order; NA when none matches"),
    ),
    key=("report_id", "kind", "n"),
))

PROBLEM_THEMES = _narrative_table(Table(
    "problem_themes", "问题主题",
    "one row per (problem or measure item, theme): the themes of problems in long form",
    (
        REPORT_ID,
        ITEM_KIND,
        ITEM_N,
        _c("theme", "category", "主题", "a theme of the shipped codebook, in codebook order "
           "(label_en, description and patterns in data/problem_themes.csv)", THEMES),
    ),
    key=("report_id", "kind", "n", "theme"),
))

TOKENS = _narrative_table(Table(
    "tokens", "分词",
    "jieba tokens of every problem and measure item (narrative.tokenize: the domain dictionary "
    "data/jieba_userdict.txt; white space, punctuation, numbers and stopwords dropped)",
    (
        REPORT_ID,
        ITEM_KIND,
        ITEM_N,
        _c("token", "string", "词", "the token"),
        _c("i", "Int64", "位置", "0-based position of the token among all tokens of its item "
           "before any was dropped, so windows over i are real distances"),
    ),
    key=("report_id", "kind", "n", "i"),
))


def all_tables() -> dict[str, Table]:
    """Every table of a corpus: the parsed ones (``TABLES``), then the narrative ones."""
    return {**TABLES, **NARRATIVE_TABLES}
