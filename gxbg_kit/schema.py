"""Every field once, and the tables that list them.

In the spirit of PUDL's ``metadata/fields.py`` and resources: :data:`FIELDS` defines
each field once (dtype, Chinese and English label, meaning, unit, code list, where on
the form it comes from); each table in :data:`TABLES` lists its fields by name, with its
key, and may only narrow a field's code list (``codes=``, as PUDL's per-resource
constraints do). Dtypes, validation (pandera), the record type of each table
(``APPLICATIONS.Record``: code reads ``r.count``), the printed data dictionary
(``data_dictionary.py``, ``docs/dictionary.md``) and the empty frames all derive from
here. Fields renamed since an earlier version are in :data:`RENAMED`; the kit takes the
old name, with a ``FutureWarning``, wherever it is given a frame or a column name
(:func:`renamed_column`).

The columnar transport (records → Arrow → pandas) is :mod:`gxbg_kit.columnar`.
"""
from __future__ import annotations

import warnings
from collections import namedtuple
from dataclasses import dataclass, field, replace
from functools import partial

import pandas as pd

from . import columnar

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
    "unplaced_values": "a row printed more values than the template has and they cannot be told apart "
                       "(the row's cells are NA), or fewer, in a layout that leaves no trace of "
                       "its blank cells (space runs), and the table's sums do not place the "
                       "blanks (cells that differ between the placements they keep are NA)",
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
# Fields and tables
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    """One field of the tidy tables, defined once (:data:`FIELDS`)."""

    name: str
    dtype: str  # pandas dtype name: string, category, Int64, Float64, boolean
    zh: str  # Chinese label
    en: str  # English label
    meaning: str
    codes: dict | None = None  # code -> label, for a category
    unit: str = ""
    source: str = ""  # where on the form the value comes from

    def pandas_dtype(self):
        if self.dtype == "category":
            if self.codes is None:
                return "category"
            return pd.CategoricalDtype(list(self.codes))
        if self.dtype == "string":
            return pd.StringDtype()
        return self.dtype


#: the name of earlier versions; a Field is what a table's column is
Column = Field

#: every field of every table, by name
FIELDS: dict[str, Field] = {}


def _field(name, dtype, zh, en, meaning, codes=None, *, unit="", source="") -> Field:
    if name in FIELDS:
        raise ValueError(f"field {name!r} is defined twice")
    FIELDS[name] = f = Field(name, dtype, zh, en, meaning, codes, unit, source)
    return f


#: fields renamed since an earlier version: (table, old name) -> (new name, version).
#: The old name is a deprecation alias wherever the kit is given a frame or a column
#: name: :meth:`Table.coerce` renames it (the CSV of a data package written by 0.1,
#: read with ``package.read_csv``), and :func:`renamed_column` maps a column name a function is given
#: (``by=``); both warn (FutureWarning). The aliases go in a later minor version.
RENAMED = {
    ("reports", "reason"): ("status_reason", "0.2.0"),
    ("checks", "reason"): ("cell", "0.2.0"),
}
_OLD_NAMES = frozenset(old for _, old in RENAMED)


def renamed_column(columns, name: str, table: str | None = None) -> str | None:
    """The column a renamed field's old ``name`` now is, among ``columns`` (of
    ``table``, or of any table); None when ``name`` is not an old name, is itself among
    ``columns``, or none of its new names is there. Warns (FutureWarning)."""
    if name not in _OLD_NAMES or name in columns:
        return None
    hits = [(t, new, since) for (t, old), (new, since) in RENAMED.items()
            if old == name and new in columns and table in (None, t)]
    if not hits:
        return None
    if len(hits) > 1:
        raise KeyError(f"{name!r} was renamed: it is now one of "
                       f"{', '.join(repr(n) for _, n, _ in hits)}, by table")
    t, new, since = hits[0]
    _warn_renamed(t, name, new, since, stacklevel=4)  # the caller of renamed_column's caller
    return new


def _warn_renamed(table: str, old: str, new: str, since: str, stacklevel: int) -> None:
    warnings.warn(f"{table}.{old} was renamed {new!r} in gxbg_kit {since} ('{old}' means only "
                  "the applications sub-row now); the old name goes in a later version",
                  FutureWarning, stacklevel=stacklevel)


@dataclass(frozen=True)
class Table:
    """A tidy table: its fields by name, in column order, and its key.

    ``codes`` narrows the code list of a category field in this table (PUDL's
    per-resource constraints): ``applications.row`` takes the application rows only.
    ``Record`` is a named tuple of the columns: the record type code builds rows with.
    """

    name: str
    zh: str
    meaning: str
    fields: tuple[str, ...]
    key: tuple[str, ...] = field(default_factory=tuple)
    codes: dict = field(default_factory=dict)

    def __post_init__(self):
        unknown = [f for f in (*self.fields, *self.codes) if f not in FIELDS]
        if unknown:
            raise ValueError(f"table {self.name} lists fields that are not defined: {unknown}")
        missing = [k for k in self.key if k not in self.fields]
        if missing:
            raise ValueError(f"table {self.name}'s key names fields it does not have: {missing}")
        columns = tuple(replace(FIELDS[f], codes=self.codes[f]) if f in self.codes else FIELDS[f]
                        for f in self.fields)
        record = namedtuple(f"{self.name.title().replace('_', '')}Record", self.fields,
                            module=__name__)
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "Record", record)
        globals()[record.__name__] = record  # picklable by name

    @property
    def names(self) -> list[str]:
        return list(self.fields)

    def column(self, name: str) -> Field:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def empty(self) -> pd.DataFrame:
        return self.coerce(pd.DataFrame({c: [] for c in self.names}))

    def frame(self, records: list[tuple], sort: bool = True) -> pd.DataFrame:
        """A typed frame from records (tuples in column order), sorted by the key."""
        return columnar.frame(self, records, sort=sort)

    def sort(self, df: pd.DataFrame, consume: bool = False) -> pd.DataFrame:
        """Rows sorted by the key (categories in code order, NA last), stably
        (:func:`columnar.sort_frame`)."""
        return columnar.sort_frame(self, df, consume=consume)

    @property
    def by_report(self) -> bool:
        """Rows are grouped by report: the key starts with report_id."""
        return columnar.by_report(self)

    def coerce(self, df: pd.DataFrame) -> pd.DataFrame:
        """Return ``df`` with this table's columns, in order, with their dtypes.

        Extra columns are kept after the documented ones. A column under a renamed
        field's old name (:data:`RENAMED`) is renamed, with a FutureWarning.
        """
        df = df.copy()
        for (t, old), (new, since) in RENAMED.items():
            if t == self.name and old in df.columns and new not in df.columns:
                _warn_renamed(t, old, new, since, stacklevel=3)  # coerce's caller
                df = df.rename(columns={old: new})
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


def record_maker(table: Table):
    """A fast constructor of ``table.Record`` from one tuple of the values in column
    order (``tuple.__new__``, no Python frame): for the per-cell loops of parsing."""
    return partial(tuple.__new__, table.Record)


def _codes_by_table(*groups: tuple[str, dict]) -> dict[str, str]:
    """One code list of several tables' code lists, each label prefixed with its table
    (``applications: （一）予以公开``); a code of two tables lists both labels. Codes
    are in alphabetical order, so a category column sorts as its strings did."""
    out: dict[str, str] = {}
    for table, codes in groups:
        for code, label in codes.items():
            out[code] = f"{out[code]}; {table}: {label}" if code in out else f"{table}: {label}"
    return dict(sorted(out.items()))


# -- report fields --------------------------------------------------------------
_field("report_id", "string", "报告编号", "report id",
       "stable report id: the first 16 hex digits of the file's SHA-256 (in duplicates, the "
       "kept copy's: the same bytes)")
_field("path", "string", "文件路径", "file path", "path of the file, relative to the corpus folder "
       "(in duplicates, of that copy)")
_field("kept_path", "string", "保留文件路径", "kept copy's path",
       "path of the kept copy, the reports row: the first path in sorted order (among copies "
       "that were read, if one copy failed)")
_field("source_format", "category", "来源格式", "source format", "how the file was read",
       {"text": "plain text", "markdown": "Markdown", "html": "HTML page",
        "pdf": "PDF", "docx": "Word .docx", "doc": "legacy Word .doc", "unknown": "unknown"})
_field("encoding", "string", "编码", "encoding", "detected text encoding (text and HTML files)")
_field("sha256", "string", "SHA-256", "SHA-256", "hash of the file's bytes")
_field("size_bytes", "Int64", "文件大小", "file size", "size of the file", unit="bytes")
_field("agency", "string", "机关名称", "agency",
       "reporting agency: from the text, else from the manifest")
_field("agency_key", "string", "机关标识", "agency key", "one key for one organ in every year: "
       "the agency's name normalised (data/agency_names.csv: no year or title words, 管理委员会 "
       "→ 管委会, 片区管理局 → 片区, …) and written from the manifest's city down; the "
       "manifest's agency_key where it gives one; NA when no agency is known")
_field("year", "Int64", "报告年度", "report year",
       "year the report covers: from the text, else the manifest")
_field("template", "category", "模板版本", "template version",
       "which national template the tables follow", TEMPLATES)
_field("status", "category", "解析状态", "parse status", "how far parsing got", STATUSES)
_field("status_reason", "category", "原因", "status reason",
       "why the report has its status (was reports.reason before 0.2.0)", REASONS)
_field("message", "string", "说明", "message",
       "a specific, human-readable explanation of the status reason")
_field("province", "string", "省", "province", "province (manifest)")
_field("city", "string", "市", "city", "prefecture-level city (manifest)")
_field("county", "string", "县区", "county", "county-level unit (manifest)")
_field("region", "string", "地区", "region", "most specific place name known")
_field("level", "category", "层级", "administrative level", "administrative level of the agency",
       {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇", "unknown": "未知"})
_field("agency_text", "string", "机关名称（正文）", "agency (text)",
       "agency as read from the text (NA if not named)")
_field("agency_manifest", "string", "机关名称（清单）", "agency (manifest)",
       "agency as given in the manifest (in duplicates, this copy's: it may differ from the "
       "kept copy's)")
_field("year_text", "Int64", "年度（正文）", "year (text)", "year as read from the text")
_field("year_manifest", "Int64", "年度（清单）", "year (manifest)", "year as given in the manifest")
_field("n_checks_failed", "Int64", "未通过检查数", "failed checks",
       "number of checks with ok == False")
_field("engines", "string", "表格提取引擎", "table engines", "PDF/Word: which extraction produced "
       "each table, e.g. 'active:pdfplumber; applications:camelot-lattice' (NA for text and HTML)")
_field("pages", "Int64", "页数", "pages", "number of pages (PDF)")
_field("ocr_pages", "string", "OCR页", "OCR pages", "PDF: the pages read by OCR (scanned pages), "
       "e.g. '1,2,3' (NA: none)")
_field("ocr_confidence", "Float64", "OCR置信度", "OCR confidence", "PDF read by OCR: the mean "
       "confidence (0..1) of the text boxes it recognised")

# -- cell fields of the template's tables ----------------------------------------
#: Codes of the checks table's ``table``, ``row`` and ``cell`` fields: the tables a check
#: is about, and the codes of their rows and cells it names.
CHECK_TABLES = {"active": "主动公开政府信息情况", "applications": "收到和处理政府信息公开申请情况",
                "reports": "报告", "reviews": "政府信息公开行政复议、行政诉讼情况"}
CHECK_ROWS = _codes_by_table(
    ("applications", APPLICATION_ROWS), ("active", ACTIVE_ITEMS), ("reviews", PROCEEDINGS),
    ("reports", {f: FIELDS[f].zh for f in ("agency", "year")}))
CHECK_REASONS = _codes_by_table(
    ("applications", APPLICATION_REASONS), ("active", ACTIVE_MEASURES), ("reviews", REVIEW_RESULTS))

_field("row", "category", "行", "row", "row of a template table: an applications row (its code "
       "list in applications); in checks also an active item, a reviews proceeding, or a "
       "reports field (manifest checks), NA for checks of a whole table", CHECK_ROWS,
       source="三、收到和处理政府信息公开申请情况, row labels")
_field("reason", "category", "具体情形", "sub-row (reason)", "numbered sub-row of an applications "
       "row: why a request was withheld, could not be answered, not processed or otherwise "
       "handled (NA for rows without sub-rows, and for an unsplit (六)其他处理)",
       APPLICATION_REASONS, source="numbered sub-rows 1. 2. … of rows (三)…(六)")
_field("cell", "category", "单元格", "cell", "the cell within the check's row, where it applies: "
       "an applications sub-row (its reason code), an active measure or a reviews result "
       "(was checks.reason before 0.2.0)", CHECK_REASONS)
_field("applicant", "category", "申请人类型", "applicant type", "applicant column", APPLICANTS,
       source="申请人情况 columns")
_field("item", "category", "信息内容", "item", "row of the 第二十条 tables", ACTIVE_ITEMS,
       source="二、主动公开政府信息情况, 第二十条 items")
_field("measure", "category", "指标", "measure", "column of the 第二十条 tables", ACTIVE_MEASURES,
       source="二、主动公开政府信息情况, column headings")
_field("proceeding", "category", "程序", "proceeding", "administrative review or lawsuit",
       PROCEEDINGS, source="四、行政复议、行政诉讼, column groups")
_field("result", "category", "结果", "result", "outcome column", REVIEW_RESULTS,
       source="四、行政复议、行政诉讼, columns of each group")
_field("count", "Int64", "件数", "count", "number of requests (applications) or cases (reviews); "
       "NA when the cell is blank, missing or unreadable", unit="件 (requests or cases)")
_field("value", "Float64", "数值", "value",
       "number in the measure's standard unit: counts as printed; 增N → +N, 减N → −N; money "
       "in 万元 (a cell printed in 元 is divided by 10,000)")
_field("unit", "string", "单位", "unit", "unit of value: 件/项 counts are NA-unit, money is 万元")
_field("raw", "string", "原文", "printed text", "the cell text as printed (NA if the cell is missing)")
_field("inferred", "boolean", "推断", "inferred", "True when the cell's boundaries or row were "
       "not printed but inferred: digits that ran together (a flattened web page) cut into "
       "cells by the digit count and the template's sums (the only cut that satisfies every "
       "sum), or a numbers row without its label placed by the template order. Leave these "
       "out for a strictly printed reading; in the 第二十条 tables no sum checks a cut, and a "
       "blank cell that left no trace can make one wrong")

# -- section fields -----------------------------------------------------------------
_field("section", "category", "章节", "section", "which template section", SECTIONS)
_field("heading", "string", "标题", "heading", "the heading as printed")
_field("text", "string", "正文", "text", "the text of a section (without its heading; tables "
       "included) or of a section 五 item (without its enumeration marker: 一是, （一）, 1. …)")

# -- check fields ---------------------------------------------------------------------
_field("check", "category", "校验", "check", "which check", CHECKS)
_field("table", "category", "表", "table", "table the check is about", CHECK_TABLES)
_field("expected", "Float64", "应为", "expected", "the value the check expects (the printed "
       "total, the template cell count, the table value)")
_field("actual", "Float64", "实为", "actual",
       "the value found (sum of parts, cells found, narrative value)")
_field("ok", "boolean", "通过", "passed", "True/False; NA when a value needed is missing")
_field("detail", "string", "说明", "detail", "a readable explanation")

TABLES: dict[str, Table] = {}


def _table(t: Table) -> Table:
    TABLES[t.name] = t
    return t


REPORTS = _table(Table(
    "reports", "报告", "one row per report (distinct bytes; other copies are in duplicates) and per "
    "file that could not be read: metadata, status and why",
    ("report_id", "path", "source_format", "encoding", "sha256", "size_bytes", "agency",
     "agency_key", "year", "template", "status", "status_reason", "message", "province", "city",
     "county", "region", "level", "agency_text", "agency_manifest", "year_text", "year_manifest",
     "n_checks_failed", "engines", "pages", "ocr_pages", "ocr_confidence"),
    key=("path",),
))

APPLICATIONS = _table(Table(
    "applications", "收到和处理政府信息公开申请情况",
    "section 三: one row per (outcome row, reason, applicant type) cell of the 7-column table",
    ("report_id", "row", "reason", "applicant", "count", "raw", "inferred"),
    key=("report_id", "row", "reason", "applicant"),
    codes={"row": APPLICATION_ROWS},
))

ACTIVE = _table(Table(
    "active", "主动公开政府信息情况",
    "section 二: one row per (item, measure) cell of the 第二十条 tables",
    ("report_id", "item", "measure", "value", "unit", "raw", "inferred"),
    key=("report_id", "item", "measure"),
))

REVIEWS = _table(Table(
    "reviews", "政府信息公开行政复议、行政诉讼情况",
    "section 四: one row per (proceeding, result) of the 15-number table",
    ("report_id", "proceeding", "result", "count", "raw", "inferred"),
    key=("report_id", "proceeding", "result"),
))

SECTIONS_TABLE = _table(Table(
    "sections", "报告章节", "one row per top-level section found",
    ("report_id", "section", "heading", "text"),
    key=("report_id", "section"),
))

CHECKS_TABLE = _table(Table(
    "checks", "校验", "one row per arithmetic or consistency check of a report",
    ("report_id", "check", "table", "row", "cell", "applicant", "expected", "actual", "ok",
     "detail"),
    key=("report_id", "check", "table", "row", "cell", "applicant"),
))

DUPLICATES = _table(Table(
    "duplicates", "重复文件",
    "one row per file whose bytes repeat a report's: it has no row of its own in reports "
    "(the kept copy stands for it), so report_id is a key of reports",
    ("report_id", "path", "kept_path", "size_bytes", "agency_manifest", "year_manifest"),
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


_field("kind", "category", "类别", "kind", "problem (存在的主要问题) or measure (改进情况: what "
       "the agency will do)", KINDS)
_field("n", "Int64", "序号", "item number",
       "1-based number of the item within its kind, in text order")
_field("themes", "string", "主题", "themes", "codes of the problem themes whose patterns match "
       "the item (codebook data/problem_themes.csv), joined by ';' in codebook order; NA when "
       "none matches")
_field("theme", "category", "主题", "theme", "a theme of the shipped codebook, in codebook order "
       "(label_en, description and patterns in data/problem_themes.csv)", THEMES)
_field("token", "string", "词", "token", "the token")
_field("i", "Int64", "位置", "token position", "0-based position of the token among all tokens "
       "of its item before any was dropped, so windows over i are real distances")

PROBLEMS = _narrative_table(Table(
    "problems", "存在的主要问题及改进情况",
    "section 五 split into items: one row per self-reported problem or improvement measure "
    "(narrative.problems_frame; the splitting rules are in docs/themes.md)",
    ("report_id", "kind", "n", "text", "themes"),
    key=("report_id", "kind", "n"),
))

PROBLEM_THEMES = _narrative_table(Table(
    "problem_themes", "问题主题",
    "one row per (problem or measure item, theme): the themes of problems in long form",
    ("report_id", "kind", "n", "theme"),
    key=("report_id", "kind", "n", "theme"),
))

TOKENS = _narrative_table(Table(
    "tokens", "分词",
    "jieba tokens of every problem and measure item (narrative.tokenize: the domain dictionary "
    "data/jieba_userdict.txt; white space, punctuation, numbers and stopwords dropped)",
    ("report_id", "kind", "n", "token", "i"),
    key=("report_id", "kind", "n", "i"),
))


def all_tables() -> dict[str, Table]:
    """Every table of a corpus: the parsed ones (``TABLES``), then the narrative ones."""
    return {**TABLES, **NARRATIVE_TABLES}
