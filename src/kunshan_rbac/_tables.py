"""Reading duty lists from tables, whatever the file format, with every problem located.

A *table* is what one sheet of a workbook or one CSV file holds: rows of cell values,
plus what the sheet knew about merged cells. `_xlsx` and `_csv` turn files into tables;
this module reads them:

* the header row is searched for among the first rows (the title rows above it are kept
  to find the town), and columns are found by their names, in any order, under the names
  real lists give them (`COLUMNS`); unknown columns are ignored;
* cells are cleaned (white space and line breaks trimmed, zero-width characters removed,
  numbers and dates turned into text); a 领域 cell left blank carries the 领域 of the row
  above (merged cells, and CSV exports of merged cells), a section row such as
  ``一、党的建设`` sets the 领域 of the rows below, and note rows under the table
  (``注：…``, ``制表人：…``, ``合计``) are skipped;
* towns and departments are resolved against the unit catalogue by code, name or alias
  (after `normalize_name`); an unknown name is a problem, never a new unit;
* items are recognised by their normalised name: the same name in two towns is one item,
  whose code comes from the item catalogue or, without one, is derived from the name
  (`derive_code`);
* every problem becomes a `Problem` whose ``row`` is the row number the spreadsheet shows
  (1-based) and whose ``column`` is the column letter (``A``, ``B``…), or the column's
  header name when the column itself is missing.

A row with a problem is never loaded in part: it is left out of the graph, and its
problems are reported.
"""

from __future__ import annotations

import datetime
import enum
import functools
import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from ._dates import parse_date, span
from ._errors import AmbiguousNameError, KunshanRbacError, Problem, UnknownUnitError
from ._graph import ResponsibilityGraph
from ._model import Authority, Department, Item, ListKind, Town, Unit
from ._text import normalize_name as _normalize_name

__all__ = [
    "CODE_PREFIX",
    "COLUMNS",
    "FORMULA_TRIGGERS",
    "HEADER_SCAN_ROWS",
    "LAYOUTS",
    "Column",
    "Loader",
    "Table",
    "TableKind",
    "classify",
    "column_letter",
    "derive_code",
    "guard_formula",
    "unguard_formula",
]

normalize_name = functools.lru_cache(maxsize=1 << 16)(_normalize_name)
"""`kunshan_rbac.normalize_name`, remembered: a list repeats the same names many times."""

HEADER_SCAN_ROWS = 20
"""How many rows from the top of a table are searched for the header row."""

CODE_PREFIX = "KR-"
"""Prefix of item codes derived from item names (`derive_code`)."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP's list)."""


# ---------------------------------------------------------------------------- cells


def guard_formula(text: str) -> str:
    """Keep a CSV cell text from being read as a formula: prefix one apostrophe.

    A text is guarded when it starts with one of `FORMULA_TRIGGERS`, or when it starts
    with an apostrophe followed by a trigger or another apostrophe (so that
    `unguard_formula` gives it back unchanged). Other texts, including most that start
    with an apostrophe, are left as they are.

    Examples:
        >>> guard_formula("=1+1"), guard_formula("'=x"), guard_formula("'abc")
        ("'=1+1", "''=x", "'abc")
    """
    if text.startswith(FORMULA_TRIGGERS) or _guarded(text):
        return "'" + text
    return text


def unguard_formula(text: str) -> str:
    """Undo `guard_formula`: drop the apostrophe it added, and only that one.

    Examples:
        >>> unguard_formula("'=1+1"), unguard_formula("''=x"), unguard_formula("'abc")
        ('=1+1', "'=x", "'abc")
    """
    return text[1:] if _guarded(text) else text


def _guarded(text: str) -> bool:
    return len(text) > 1 and text[0] == "'" and (text[1] == "'" or text[1] in FORMULA_TRIGGERS)


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_LINES = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x0b")


def cell_text(value: object) -> str:
    """A cell's value as clean text: trimmed lines, no zero-width characters.

    Numbers lose a ``.0`` that a spreadsheet added, dates read as ``2025-07-01``, and line
    breaks inside the text are kept (one per line, each line trimmed, blank lines dropped).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    elif isinstance(value, datetime.datetime):
        text = value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    elif isinstance(value, datetime.date | datetime.time):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.translate(_INVISIBLE)
    lines = [line.strip() for line in _LINES.split(text)]
    return "\n".join(line for line in lines if line)


def _one_line(text: str) -> str:
    """Join a wrapped name into one line (no space between CJK characters)."""
    parts = text.split("\n")
    joined = parts[0]
    for part in parts[1:]:
        gap = " " if joined[-1:].isascii() and joined[-1:].isalnum() and part[:1].isascii() \
            and part[:1].isalnum() else ""
        joined += gap + part
    return joined


_NAME_SPLIT = re.compile(r"[、,;/\n]+")
_BASIS_SPLIT = re.compile(r"[\n;；]+")


def split_names(text: str) -> list[str]:
    """Unit names from one cell: split on 、，,；; / and line breaks (any width)."""
    folded = unicodedata.normalize("NFKC", text)
    return [part.strip() for part in _NAME_SPLIT.split(folded) if part.strip()]


def split_basis(text: str) -> tuple[str, ...]:
    """Legal bases from one cell: one per line, or separated by ；."""
    return tuple(part.strip() for part in _BASIS_SPLIT.split(text) if part.strip())


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 → ``A``, 26 → ``AA``.

    Examples:
        >>> column_letter(0), column_letter(27)
        ('A', 'AB')
    """
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def derive_code(name: str) -> str:
    """The stable code of an item known only by its name.

    ``KR-`` followed by the first 10 hexadecimal digits of the SHA-256 of the name's
    `normalize_name` key (UTF-8). The same name, however it is typed (full-width forms,
    spaces, punctuation), gets the same code in every town and every run.

    Examples:
        >>> derive_code("秸秆禁烧巡查") == derive_code(" 秸秆禁烧巡查。")
        True
        >>> derive_code("秸秆禁烧巡查")
        'KR-697d0bb5a2'
    """
    digest = hashlib.sha256(normalize_name(name).encode("utf-8")).hexdigest()
    return CODE_PREFIX + digest[:10]


# ---------------------------------------------------------------------------- columns


class TableKind(enum.Enum):
    """What a table holds: one of the three lists, or a catalogue of units or items."""

    BASIC = "basic"
    COOPERATIVE = "cooperative"
    RECLAIMED = "reclaimed"
    UNITS = "units"
    ITEMS = "items"

    def __repr__(self) -> str:
        return f"TableKind.{self.name}"

    @property
    def list(self) -> ListKind | None:
        """The list it holds, or ``None`` for a catalogue."""
        return _TABLE_LISTS.get(self)

    @property
    def label(self) -> str:
        """The sheet name (and CSV file name part) `write_lists` gives it."""
        kind = self.list
        return kind.label if kind is not None else ("单位" if self is TableKind.UNITS else "事项")

    @classmethod
    def of(cls, kind: ListKind) -> TableKind:
        """The table kind of a list."""
        return {value: key for key, value in _TABLE_LISTS.items()}[kind]


_TABLE_LISTS = {
    TableKind.BASIC: ListKind.BASIC,
    TableKind.COOPERATIVE: ListKind.COOPERATIVE,
    TableKind.RECLAIMED: ListKind.RECLAIMED,
}


@attrs.frozen
class Column:
    """A column a table may have.

    Attributes:
        name: the header `write_lists` writes (and the name problems use).
        synonyms: other headers real lists use for it (compared after `normalize_name`,
            with or without a bracketed part, e.g. ``镇（街道）配合职责``).
        required: whether the table is unreadable without it.
    """

    name: str
    synonyms: tuple[str, ...] = ()
    required: bool = False


_SEQ = Column("序号", ("序",))
_DOMAIN = Column(
    "领域", ("类别", "事项类别", "所属领域", "领域类别", "分类", "一级分类", "履职领域", "职责领域")
)
_NAME_SYNONYMS = (
    "履职事项", "履职事项名称", "事项", "名称", "职责事项", "职权名称", "项目名称", "收回事项",
    "配合事项", "基本履职事项", "配合履职事项", "收回事项名称",
)
_NAME = Column("事项名称", _NAME_SYNONYMS, required=True)
_WORK = Column(
    "具体工作事项",
    ("具体工作", "主要内容", "具体内容", "工作内容", "具体事项", "工作事项", "具体工作内容",
     "履职内容", "事项内容", "职责内容", "主要职责"),
)
_PARTNERS = Column(
    "协同部门",
    ("协同单位", "配合部门", "协办部门", "相关部门", "关联部门", "协同配合部门", "协同责任部门",
     "协同单位部门"),
)
_BASIS = Column(
    "依据",
    ("事项依据", "法律依据", "政策依据", "实施依据", "设定依据", "履职依据", "依据文件",
     "法律法规依据", "设立依据", "法定依据"),
)
_DEPARTMENT = Column(
    "对应上级部门",
    ("上级部门", "县级责任部门", "市级责任部门", "责任部门", "主责部门", "上级主管部门",
     "对应部门", "牵头部门", "县市级部门", "对应县级部门", "对应市级部门", "上级责任部门",
     "关联单位"),
    required=True,
)
_DEPARTMENT_DUTY = Column(
    "上级部门职责",
    ("县级部门职责", "市级部门职责", "部门职责", "主责部门职责", "上级部门主要职责",
     "责任部门职责"),
)
_TOWN_DUTY = Column(
    "镇街配合职责",
    ("乡镇街道配合职责", "镇街道配合职责", "乡镇配合职责", "镇配合职责", "街道配合职责", "配合职责",
     "镇街职责", "乡镇职责"),
)
_TYPE = Column("事项类型", ("权力类型", "类型", "职权类型", "权力事项类型"))
_TAKER = Column(
    "承接部门",
    ("承接单位", "收回部门", "收回单位", "实施部门", "承接主体", "责任部门", "收回后承接部门",
     "关联单位"),
    required=True,
)
_MODE = Column(
    "工作方式",
    ("镇街工作方式", "收回后工作方式", "运行方式", "工作机制", "镇街配合方式", "镇街职责"),
)
_ITEM_CODE = Column("事项编码", ("编码", "项目编码", "事项代码"))
_START = Column("生效日期", ("生效时间", "起始日期", "开始日期", "实施日期"))
_END = Column("失效日期", ("失效时间", "终止日期", "截止日期", "废止日期"))

_UNIT_CODE = Column("编码", ("单位编码", "代码"), required=True)
_UNIT_NAME = Column("名称", ("单位名称", "全称"), required=True)
_UNIT_TYPE = Column("类型", ("单位类型", "类别", "层级"), required=True)
_UNIT_ALIASES = Column("简称", ("别名", "简称别名"))
_UNIT_PARENT = Column("上级", ("上级单位", "上级编码", "所属单位"))

_CATALOGUE_CODE = Column("编码", ("事项编码", "代码", "项目编码"), required=True)
_CATALOGUE_TYPE = Column("权力类型", ("事项类型", "类型", "职权类型"))
_CATALOGUE_PARENT = Column("上级事项", ("上级编码", "上级事项编码", "父事项", "所属事项"))

LAYOUTS: dict[TableKind, tuple[Column, ...]] = {
    TableKind.BASIC: (_SEQ, _DOMAIN, _NAME, _WORK, _PARTNERS, _BASIS),
    TableKind.COOPERATIVE: (_SEQ, _DOMAIN, _NAME, _DEPARTMENT, _DEPARTMENT_DUTY, _TOWN_DUTY,
                            _BASIS),
    TableKind.RECLAIMED: (_SEQ, _NAME, _TYPE, _TAKER, _MODE, _BASIS),
    TableKind.UNITS: (_UNIT_CODE, _UNIT_NAME, _UNIT_TYPE, _UNIT_ALIASES, _UNIT_PARENT),
    TableKind.ITEMS: (_CATALOGUE_CODE, _NAME, _DOMAIN, _CATALOGUE_TYPE, _BASIS,
                      _CATALOGUE_PARENT),
}
"""The columns `write_lists` writes, in order, for each kind of table."""

_EXTRAS: dict[TableKind, tuple[Column, ...]] = {
    TableKind.BASIC: (_ITEM_CODE, _TYPE, _START, _END),
    TableKind.COOPERATIVE: (_PARTNERS, _ITEM_CODE, _TYPE, _START, _END),
    TableKind.RECLAIMED: (_DOMAIN, _PARTNERS, _ITEM_CODE, _START, _END),
    TableKind.UNITS: (),
    TableKind.ITEMS: (),
}

COLUMNS: dict[TableKind, tuple[Column, ...]] = {
    kind: LAYOUTS[kind] + _EXTRAS[kind] for kind in TableKind
}
"""Every column read for each kind of table: the layout, then optional extras
(协同部门 on the cooperative and reclaimed lists, 事项编码, 事项类型, 领域, and the
per-row dates 生效日期 / 失效日期)."""

_BRACKETS = re.compile(r"[（(【\[［][^）)】\]］]*[）)】\]］]")


def _header_forms(text: str) -> tuple[str, str]:
    return normalize_name(text), normalize_name(_BRACKETS.sub("", text))


def _synonym_index(kind: TableKind) -> dict[str, tuple[int, str]]:
    index: dict[str, tuple[int, str]] = {}
    for column in COLUMNS[kind]:
        for rank, name in enumerate((column.name, *column.synonyms)):
            key = normalize_name(name)
            priority = 0 if rank == 0 else 1
            if key not in index or index[key][0] > priority:
                index[key] = (priority, column.name)
    return index


_SYNONYMS = {kind: _synonym_index(kind) for kind in TableKind}

_CATALOGUE_NAMES = {
    TableKind.UNITS: {"单位", "单位目录", "单位表", "单位清单", "units"},
    TableKind.ITEMS: {"事项", "事项目录", "事项表", "事项库", "items"},
}
_IGNORED_SHEETS = ("说明", "封面", "目录", "备注", "填表", "填报", "注释", "readme")


def classify(name: str) -> TableKind | None:
    """The kind of table a sheet or file name announces, if any.

    Catalogues are named exactly (``单位``, ``事项``, or ``单位目录``, ``事项目录``...); a
    list is recognised by ``收回``, ``配合`` or ``基本`` anywhere in the name.

    Examples:
        >>> classify("附件1 基本履职事项清单"), classify("单位")
        (TableKind.BASIC, TableKind.UNITS)
    """
    key = normalize_name(name)
    for kind, names in _CATALOGUE_NAMES.items():
        if key in names:
            return kind
    if "收回" in key:
        return TableKind.RECLAIMED
    if "配合" in key:
        return TableKind.COOPERATIVE
    if "基本" in key:
        return TableKind.BASIC
    return None


def ignorable_sheet(name: str) -> bool:
    """Whether a sheet's name marks it as notes or a cover (说明, 封面, 目录...)."""
    key = normalize_name(name)
    return any(word in key for word in _IGNORED_SHEETS)


# ---------------------------------------------------------------------------- tables


@attrs.define
class Table:
    """One sheet or CSV file as rows of raw cell values.

    Attributes:
        file: the file, as problems name it.
        sheet: the sheet's name (``None`` for a CSV file).
        name: what names the table: the sheet name, or the CSV file's name.
        rows: cell values by row and column (0-based); rows may differ in length.
        inherited: ``(row, column)`` cells whose value was copied from a merged cell that
            starts on an earlier row (a 领域 written once for several rows).
        merged_rows: rows holding a merged cell that spans several columns.
    """

    file: str
    sheet: str | None
    name: str
    rows: list[list[Any]]
    inherited: set[tuple[int, int]] = attrs.field(factory=set)
    merged_rows: set[int] = attrs.field(factory=set)
    _texts: dict[int, list[str]] = attrs.field(factory=dict, init=False, repr=False)

    def text(self, row: int, column: int) -> str:
        """The cleaned text of a cell ('' outside the table)."""
        texts = self._texts.get(row)
        if texts is None:
            texts = self._texts[row] = [cell_text(value) for value in self.rows[row]]
        return texts[column] if column < len(texts) else ""

    def raw(self, row: int, column: int) -> Any:
        """The raw value of a cell (``None`` outside the table)."""
        cells = self.rows[row]
        return cells[column] if column < len(cells) else None

    def problem(self, expected: str, *, row: int | None = None, column: str | None = None,
                value: Any = None) -> Problem:
        """A problem in this table; ``row`` is 0-based here and shown 1-based."""
        return Problem(self.file, self.sheet, None if row is None else row + 1, column, value,
                       expected)

    def title_text(self, before: int) -> str:
        """The text of the rows above row ``before``, joined by spaces."""
        texts: list[str] = []
        for row in range(min(before, len(self.rows))):
            for column in range(len(self.rows[row])):
                text = self.text(row, column)
                if text and text not in texts:
                    texts.append(text)
        return " ".join(texts)


@attrs.frozen
class Header:
    """Where a table's header is and which column holds what."""

    row: int
    columns: dict[str, int]

    def letter(self, name: str) -> str:
        """The letter of a column the header has, or its name when it has none."""
        index = self.columns.get(name)
        return column_letter(index) if index is not None else name


def find_header(table: Table, kind: TableKind) -> Header | list[Problem]:
    """The header row of a table: the first of the top rows naming every required column.

    Returns:
        The `Header`, or the problems that say what is missing.
    """
    synonyms = _SYNONYMS[kind]
    required = [c.name for c in COLUMNS[kind] if c.required]
    best: tuple[int, int, dict[str, int]] | None = None
    for row in range(min(HEADER_SCAN_ROWS, len(table.rows))):
        found: dict[str, tuple[int, int]] = {}
        clashes: list[Problem] = []
        for column in range(len(table.rows[row])):
            text = _one_line(table.text(row, column))
            if not text:
                continue
            full, bare = _header_forms(text)
            match = synonyms.get(full) or synonyms.get(bare)
            if match is None:
                continue
            priority = match[0] if synonyms.get(full) else 2
            name = match[1]
            if name in found:
                old_priority, old_column = found[name]
                if old_priority == priority:
                    clashes.append(table.problem(
                        f"one column for {name}; columns {column_letter(old_column)} and "
                        f"{column_letter(column)} both name it: rename one",
                        row=row, column=column_letter(column), value=text))
                    continue
                if old_priority < priority:
                    continue
            found[name] = (priority, column)
        columns = {name: column for name, (_p, column) in found.items()}
        if all(name in columns for name in required) and len(columns) >= 2:
            return clashes if clashes else Header(row, columns)
        score = sum(name in columns for name in required) * 100 + len(columns)
        if columns and (best is None or score > best[1]):
            best = (row, score, columns)
    names = ", ".join(c.name for c in LAYOUTS[kind])
    if best is None or best[1] < 100:
        return [table.problem(
            f"a header row naming the columns of the {kind.label} ({names}) within the first "
            f"{HEADER_SCAN_ROWS} rows")]
    row, _score, columns = best
    return [
        table.problem(
            f"a column {column.name} in the header row of the {kind.label} "
            f"(also accepted: {'、'.join(column.synonyms[:6])})",
            row=row, column=column.name)
        for column in COLUMNS[kind]
        if column.required and column.name not in columns
    ]


_NOTE = re.compile(
    r"^(?:[※*]|(?:注|备注|说明|附注|附件说明|填表说明|填报说明)\s*[:：0-9一二三四五六七八九十、.．(（]"
    r"|(?:注|备注|说明)$"
    r"|(?:制表|审核|填报|填表|联系)(?:人|单位|日期|时间|电话)?\s*[:：]"
    r"|(?:合计|总计|小计)(?:\s|[:：]|\d|$))"
)
_TOTAL = re.compile(r"^(?:合计|总计|小计)")
_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十百]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[)）])\s*(.+)$",
    re.DOTALL,
)


@attrs.frozen
class _Cells:
    """The cleaned cells of one data row, by column name."""

    table: Table
    header: Header
    row: int
    texts: dict[str, str]

    def get(self, name: str) -> str:
        return self.texts.get(name, "")

    def problem(self, name: str, expected: str, value: Any = None) -> Problem:
        index = self.header.columns.get(name)
        shown = value if value is not None else (
            self.table.raw(self.row, index) if index is not None else None)
        return self.table.problem(f"{name}: {expected}", row=self.row,
                                  column=self.header.letter(name), value=shown)


def data_rows(table: Table, header: Header, kind: TableKind) -> Iterable[_Cells]:
    """The data rows under the header, cleaned, with 领域 carried down and notes skipped."""
    domain = ""
    in_notes = False
    for row in range(header.row + 1, len(table.rows)):
        cells = table.rows[row]
        own = [
            (column, table.text(row, column))
            for column in range(len(cells))
            if (row, column) not in table.inherited and table.text(row, column)
        ]
        if not own:
            continue
        distinct = {text for _c, text in own}
        first = _one_line(own[0][1])
        single = len(distinct) == 1
        name_index = header.columns.get(_NAME.name)
        name_text = table.text(row, name_index) if name_index is not None else ""
        note = _NOTE.match(first)
        if note and (not name_text or name_text == own[0][1] or _TOTAL.match(first)):
            in_notes = True
            continue
        section = _SECTION.match(first) if single and kind.list is not None else None
        if single and (in_notes or (row in table.merged_rows and len(own) > 1)):
            if not in_notes and kind.list is not None:
                domain = _one_line(section.group(1) if section else first)
            continue
        if section is not None:
            domain = _one_line(section.group(1))
            continue
        texts = {name: table.text(row, index) for name, index in header.columns.items()}
        if _DOMAIN.name in header.columns and kind.list is not None:
            if texts[_DOMAIN.name]:
                domain = _one_line(texts[_DOMAIN.name])
            else:
                texts[_DOMAIN.name] = domain
        elif domain and kind.list is not None:
            texts[_DOMAIN.name] = domain
        yield _Cells(table, header, row, texts)


# ---------------------------------------------------------------------------- loading

_TOWN_TYPES = {"镇", "乡", "街道", "乡镇", "镇街", "town"}
_DEPARTMENT_TYPES = {"部门", "department"}
_AUTHORITY_TYPES = {
    "国家", "省", "自治区", "直辖市", "市", "地级市", "县级市", "县", "自治县", "区", "州",
    "自治州", "盟", "旗", "自治旗", "地区", "authority",
}


def unit_type(unit: Unit) -> str:
    """The 类型 written for a unit in the ``单位`` catalogue."""
    if isinstance(unit, Town):
        return "街道" if unit.name.endswith("街道") else "镇"
    if isinstance(unit, Department):
        return "部门"
    return unit.level


def unit_type_known(text: str) -> bool:
    """Whether a 类型 can be read back (`unit_type` of an authority is its level)."""
    key = normalize_name(text)
    return key in _TOWN_TYPES | _DEPARTMENT_TYPES | _AUTHORITY_TYPES


@attrs.define
class _Place:
    file: str
    sheet: str | None
    row: int

    def __str__(self) -> str:
        where = f"{self.file}, {self.sheet}" if self.sheet else self.file
        return f"{where}, row {self.row}"


@attrs.define
class _ItemInfo:
    """What is known about one item so far, with where each fact came from."""

    code: str
    name: str
    place: _Place
    domain: tuple[str, _Place] | None = None
    power_type: tuple[str, _Place] | None = None
    basis: tuple[tuple[str, ...], _Place] | None = None
    parent: str | None = None


@attrs.define
class _ListRow:
    cells: _Cells
    kind: ListKind
    town: str
    item: str
    primary: str
    secondary: list[str]
    duty: str
    secondary_duty: str
    start: datetime.date | None
    end: datetime.date | None

    @property
    def place(self) -> _Place:
        return _Place(self.cells.table.file, self.cells.table.sheet, self.cells.row + 1)


class Loader:
    """Builds a graph from catalogue and list tables, collecting every problem.

    Feed it the catalogue tables first (`add_units`, `add_items`), then call `start`,
    then `add_list` for each list table, then `finish`.

    Args:
        effective: the first day the records hold (``None``: since always).
        embedded: the units to use when no ``单位`` table is given.
    """

    def __init__(self, *, effective: datetime.date | None,
                 embedded: Sequence[Unit] | None) -> None:
        self.effective = effective
        self.embedded = embedded
        self.problems: list[Problem] = []
        self.units: dict[str, tuple[Unit, _Place | None]] = {}
        self.unit_parents: list[tuple[str, str, _Cells]] = []
        self.catalogue: dict[str, _ItemInfo] | None = None
        self.catalogue_parents: list[tuple[str, str, _Cells]] = []
        self.items: dict[str, _ItemInfo] = {}
        self.item_names: dict[str, set[str]] = defaultdict(set)
        self.rows: list[_ListRow] = []
        self.held: dict[tuple[str, str], list[_ListRow]] = defaultdict(list)
        self.sources: dict[tuple[str, ListKind], str] = {}
        self.lookup = ResponsibilityGraph()
        self.units_given = False

    # -------------------------------------------------------------- catalogues

    def add_units(self, table: Table) -> None:
        """Read a ``单位`` table: 编码, 名称, 类型, 简称, 上级."""
        self.units_given = True
        header = find_header(table, TableKind.UNITS)
        if isinstance(header, list):
            self.problems += header
            return
        for cells in data_rows(table, header, TableKind.UNITS):
            self._unit_row(cells)

    def _unit_row(self, cells: _Cells) -> None:
        code = _one_line(cells.get("编码"))
        name = _one_line(cells.get("名称"))
        kind_text = _one_line(cells.get("类型"))
        problems: list[Problem] = []
        if not code or any(ch.isspace() for ch in code):
            problems.append(cells.problem("编码", "a code without spaces"))
        if not name:
            problems.append(cells.problem("名称", "the unit's name"))
        key = normalize_name(kind_text)
        if key not in _TOWN_TYPES | _DEPARTMENT_TYPES | _AUTHORITY_TYPES:
            problems.append(cells.problem(
                "类型", "镇 or 街道 for a town, 部门 for a department, 市, 县 or 区 for an "
                "authority"))
        if problems:
            self.problems += problems
            return
        aliases = tuple(dict.fromkeys(a for a in split_names(cells.get("简称")) if a != name))
        unit: Unit
        if key in _TOWN_TYPES:
            unit = Town(code, name, aliases=aliases)
        elif key in _DEPARTMENT_TYPES:
            unit = Department(code, name, aliases=aliases)
        else:
            unit = Authority(code, name, aliases=aliases, level=kind_text)
        place = _Place(cells.table.file, cells.table.sheet, cells.row + 1)
        existing = self.units.get(code)
        if existing is not None and existing[0] != unit:
            self.problems.append(cells.problem(
                "编码", f"a code used once; {code!r} is already {existing[0].name} "
                f"({existing[1]})"))
            return
        self.units[code] = (unit, place)
        parent = _one_line(cells.get("上级"))
        if parent:
            self.unit_parents.append((code, parent, cells))

    def add_items(self, table: Table) -> None:
        """Read a ``事项`` table: 编码, 事项名称, 领域, 权力类型, 依据, 上级事项."""
        header = find_header(table, TableKind.ITEMS)
        if isinstance(header, list):
            self.problems += header
            return
        if self.catalogue is None:
            self.catalogue = {}
        for cells in data_rows(table, header, TableKind.ITEMS):
            self._catalogue_row(cells)

    def _catalogue_row(self, cells: _Cells) -> None:
        assert self.catalogue is not None
        code = _one_line(cells.get("编码"))
        name = _one_line(cells.get(_NAME.name))
        problems = []
        if not code or any(ch.isspace() for ch in code):
            problems.append(cells.problem("编码", "an item code without spaces"))
        if not normalize_name(name):
            problems.append(cells.problem(_NAME.name, "the item's name"))
        if problems:
            self.problems += problems
            return
        place = _Place(cells.table.file, cells.table.sheet, cells.row + 1)
        info = _ItemInfo(code, name, place)
        self._merge_facts(info, cells, place, catalogue=True)
        existing = self.catalogue.get(code)
        if existing is not None:
            if (existing.name, _fact(existing.domain), _fact(existing.power_type),
                    _fact(existing.basis)) != (info.name, _fact(info.domain),
                                               _fact(info.power_type), _fact(info.basis)):
                self.problems.append(cells.problem(
                    "编码", f"a code used once; {code!r} is already {existing.name!r} "
                    f"({existing.place})"))
            return
        self.catalogue[code] = info
        self.item_names[normalize_name(name)].add(code)
        parent = _one_line(cells.get(_CATALOGUE_PARENT.name))
        if parent:
            self.catalogue_parents.append((code, parent, cells))

    def start(self) -> None:
        """Settle the catalogues: resolve parents and index the units' names."""
        if not self.units_given and self.embedded is not None:
            for unit in self.embedded:
                self.units[unit.code] = (unit, None)
        names: dict[str, set[str]] = defaultdict(set)
        for code, (unit, _place) in self.units.items():
            for name in (unit.name, *unit.aliases):
                names[normalize_name(name)].add(code)
        for code, parent, cells in self.unit_parents:
            fits = {parent} if parent in self.units else names.get(normalize_name(parent), set())
            found = next(iter(fits)) if len(fits) == 1 else None
            if found is None:
                self.problems.append(cells.problem("上级", "the code or name of a unit in the "
                                                   "catalogue"))
                self.units.pop(code, None)
                continue
            unit, place = self.units[code]
            self.units[code] = (attrs.evolve(unit, parent=found), place)
        for code, (unit, place) in list(self.units.items()):
            try:
                self.lookup.add_unit(unit)
            except KunshanRbacError as exc:
                if place is not None:
                    self.problems.append(Problem(place.file, place.sheet, place.row, None,
                                                 unit.code, str(exc)))
                del self.units[code]
        if self.catalogue is not None:
            for code, parent, cells in self.catalogue_parents:
                target = parent if parent in self.catalogue else None
                if target is None:
                    codes = self.item_names.get(normalize_name(parent), set())
                    target = next(iter(codes)) if len(codes) == 1 else None
                if target is None or target == code:
                    self.problems.append(cells.problem(
                        _CATALOGUE_PARENT.name, "the code or name of another item in the "
                        "catalogue"))
                    continue
                self.catalogue[code].parent = target
            self.items = dict(self.catalogue)

    @property
    def has_units(self) -> bool:
        """Whether any unit is known (given or embedded)."""
        return bool(self.units)

    # -------------------------------------------------------------- names

    def town_in(self, text: str) -> tuple[str | None, list[str]]:
        """The town a file name or title names: exactly, or as the longest town name in it.

        Returns:
            ``(code, [])``, ``(None, [])`` when no town is named, or ``(None, codes)`` when
            several towns fit equally well.
        """
        text = text.strip()
        if not text:
            return None, []
        try:
            return self.lookup.town(text).code, []
        except (UnknownUnitError, AmbiguousNameError):
            pass
        key = normalize_name(text)
        best = 0
        found: set[str] = set()
        for town in self.lookup.towns():
            for name in (town.name, *town.aliases):
                folded = normalize_name(name)
                if len(folded) >= 2 and folded in key:
                    if len(folded) > best:
                        best, found = len(folded), {town.code}
                    elif len(folded) == best:
                        found.add(town.code)
        if len(found) == 1:
            return next(iter(found)), []
        return None, sorted(found)

    def unit_code(self, name: str) -> str:
        """The code of the unit with this code, name or alias (with or without the
        authority's name in front: 昆山市住建局 finds 市住建局), as the graph's one
        resolver finds it.

        Raises:
            UnknownUnitError, AmbiguousNameError: as `ResponsibilityGraph.unit`.
        """
        return self.lookup.unit(name).code

    # -------------------------------------------------------------- lists

    def add_list(self, table: Table, kind: ListKind, town: str) -> None:
        """Read one list table of a town (``town`` is a code)."""
        table_kind = TableKind.of(kind)
        header = find_header(table, table_kind)
        if isinstance(header, list):
            self.problems += header
            return
        where = f"{table.file}, {table.sheet}" if table.sheet else table.file
        previous = self.sources.get((town, kind))
        if previous is not None:
            self.problems.append(table.problem(
                f"one {kind.label} per town; {self.lookup.town(town).name}'s is already read "
                f"from {previous}"))
            return
        self.sources[(town, kind)] = where
        for cells in data_rows(table, header, table_kind):
            row = self._list_row(cells, kind, town)
            if row is not None:
                self._hold(row)

    def _list_row(self, cells: _Cells, kind: ListKind, town: str) -> _ListRow | None:
        problems: list[Problem] = []
        name = _one_line(cells.get(_NAME.name))
        if not normalize_name(name):
            problems.append(cells.problem(_NAME.name, "the item's name"))
        place = _Place(cells.table.file, cells.table.sheet, cells.row + 1)
        start, end = self.effective, None
        for column in (_START, _END):
            text = cells.get(column.name)
            if not text:
                continue
            try:
                day = parse_date(_one_line(text))
            except KunshanRbacError:
                problems.append(cells.problem(column.name, "a date such as 2025-07-01 or "
                                              "2025年7月1日"))
                continue
            if column is _START:
                start = day
            else:
                end = day
        if start is not None and end is not None and end <= start:
            problems.append(cells.problem(_END.name, f"a day after the start "
                                          f"({start.isoformat()})"))
        primary = town
        secondary: list[str] = []
        duty = secondary_duty = ""
        if kind is ListKind.BASIC:
            duty = cells.get(_WORK.name)
        else:
            column = _DEPARTMENT if kind is ListKind.COOPERATIVE else _TAKER
            names = split_names(cells.get(column.name))
            if len(names) != 1:
                problems.append(cells.problem(
                    column.name, "exactly one department (the one that answers fully); "
                    "name the others under 协同部门"))
            else:
                found = self._department(cells, column.name, names[0], problems)
                if found is not None:
                    primary = found
            if kind is ListKind.COOPERATIVE:
                duty = cells.get(_DEPARTMENT_DUTY.name)
                secondary_duty = cells.get(_TOWN_DUTY.name)
                secondary.append(town)
            else:
                secondary_duty = cells.get(_MODE.name)
                if secondary_duty:
                    secondary.append(town)
        for partner in split_names(cells.get(_PARTNERS.name)):
            code = self._unit(cells, _PARTNERS.name, partner, problems)
            if code is None:
                continue
            if code in (town, primary) or code in secondary:
                problems.append(cells.problem(
                    _PARTNERS.name, f"each unit once, and not the primary: {partner!r} is "
                    "named twice"))
                continue
            secondary.append(code)
        info = self._item(cells, name, place, problems) if normalize_name(name) else None
        if not problems and info is not None:
            self._merge_facts(info, cells, place, catalogue=False, problems=problems)
        if problems or info is None:
            self.problems += problems
            return None
        self.items.setdefault(info.code, info)
        self.item_names[normalize_name(name)].add(info.code)
        return _ListRow(cells, kind, town, info.code, primary, secondary, duty, secondary_duty,
                        start, end)

    def _unit(self, cells: _Cells, column: str, name: str, problems: list[Problem]) -> str | None:
        try:
            return self.unit_code(name)
        except UnknownUnitError as exc:
            hint = f"; did you mean {', '.join(exc.suggestions)}?" if exc.suggestions else ""
            problems.append(cells.problem(column, f"a unit of the catalogue (单位); {name!r} is "
                                          f"not one{hint}"))
        except AmbiguousNameError as exc:
            problems.append(cells.problem(column, f"a name of one unit: {name!r} fits "
                                          f"{', '.join(exc.candidates)}; use a code"))
        return None

    def _department(self, cells: _Cells, column: str, name: str,
                    problems: list[Problem]) -> str | None:
        code = self._unit(cells, column, name, problems)
        if code is not None and not isinstance(self.lookup.unit(code), Department):
            problems.append(cells.problem(column, f"a department: {name!r} is a "
                                          f"{self.lookup.unit(code).kind}"))
            return None
        return code

    def _item(self, cells: _Cells, name: str, place: _Place,
              problems: list[Problem]) -> _ItemInfo | None:
        """The item a row names (by 事项编码, or by its normalised name)."""
        key = normalize_name(name)
        given = _one_line(cells.get(_ITEM_CODE.name))
        if given and any(ch.isspace() for ch in given):
            problems.append(cells.problem(_ITEM_CODE.name, "an item code without spaces"))
            return None
        if self.catalogue is not None:
            if given:
                info = self.catalogue.get(given)
                if info is None:
                    problems.append(cells.problem(_ITEM_CODE.name, "the code of an item of the "
                                                  "catalogue (事项)"))
                    return None
                if normalize_name(info.name) != key:
                    problems.append(cells.problem(
                        _NAME.name, f"the name of item {given}, {info.name!r}"))
                    return None
            else:
                codes = self.item_names.get(key, set())
                if len(codes) != 1:
                    problems.append(cells.problem(
                        _NAME.name,
                        f"the name of one item of the catalogue (事项): it fits "
                        f"{', '.join(sorted(codes))}; add a 事项编码 column" if codes else
                        "an item of the catalogue (事项): this name is not in it"))
                    return None
                info = self.catalogue[next(iter(codes))]
        else:
            code = given or derive_code(name)
            info = self.items.get(code) or _ItemInfo(code, name, place)
            others = self.item_names.get(key, set()) - {code}
            if others:
                problems.append(cells.problem(
                    _ITEM_CODE.name if given else _NAME.name,
                    f"one code per item name: this name is also item {sorted(others)[0]}"))
                return None
            if given and normalize_name(info.name) != key:
                problems.append(cells.problem(
                    _ITEM_CODE.name, f"a code used for one item: {given} is already "
                    f"{info.name!r} ({info.place})"))
                return None
        return info

    def _merge_facts(self, info: _ItemInfo, cells: _Cells, place: _Place, *, catalogue: bool,
                     problems: list[Problem] | None = None) -> None:
        """Add a row's 领域, 事项类型 and 依据 to what is known of an item.

        A fact already known from elsewhere must agree (compared after `normalize_name`);
        a blank cell states nothing.
        """
        type_column = _CATALOGUE_TYPE.name if catalogue else _TYPE.name
        facts: list[tuple[str, str, Any]] = []
        domain = _one_line(cells.get(_DOMAIN.name))
        if domain:
            facts.append(("domain", _DOMAIN.name, domain))
        power = _one_line(cells.get(type_column))
        if power:
            facts.append(("power_type", type_column, power))
        basis = split_basis(cells.get(_BASIS.name))
        if basis:
            facts.append(("basis", _BASIS.name, basis))
        conflicts = []
        for field, column, value in facts:
            known = getattr(info, field)
            if known is None:
                continue
            if _fold(known[0]) != _fold(value):
                shown = "；".join(known[0]) if isinstance(known[0], tuple) else known[0]
                conflicts.append(cells.problem(
                    column, f"the same {column} as the item has at {known[1]}: {shown!r}"))
        if conflicts:
            if problems is not None:
                problems += conflicts
            else:
                self.problems += conflicts
            return
        for field, _column, value in facts:
            if getattr(info, field) is None:
                setattr(info, field, (value, place))

    def _hold(self, row: _ListRow) -> None:
        """Keep a row unless its town already holds the item over an overlapping period."""
        key = (row.item, row.town)
        for other in self.held[key]:
            if _overlap(other, row):
                same = other.kind is row.kind
                what = (f"a row once: this item is already on this list at {other.place}"
                        if same else f"the item on one list: it is already on the "
                        f"{other.kind.label} at {other.place}")
                self.problems.append(row.cells.problem(_NAME.name, what))
                return
        self.held[key].append(row)
        self.rows.append(row)

    # -------------------------------------------------------------- graph

    def finish(self) -> tuple[ResponsibilityGraph, list[Problem]]:
        """The graph of the good rows, and every problem found."""
        graph = ResponsibilityGraph()
        for unit in self.lookup.units():
            graph.add_unit(unit)
        used = {row.item for row in self.rows}
        added: set[str] = set()
        for code, info in self.items.items():
            if self.catalogue is None and code not in used:
                continue
            try:
                graph.add_item(Item(
                    code, info.name,
                    domain=_fact(info.domain) or "",
                    power_type=_fact(info.power_type),
                    basis=_fact(info.basis) or (),
                    parent=info.parent,
                ))
            except KunshanRbacError as exc:
                self.problems.append(Problem(info.place.file, info.place.sheet, info.place.row,
                                             None, code, str(exc)))
                continue
            added.add(code)
        for row in self.rows:
            if row.item not in added:
                self.problems.append(row.cells.problem(
                    _NAME.name, f"an item that can be loaded; item {row.item} cannot"))
                continue
            try:
                graph.assign(
                    row.item, town=row.town, list=row.kind, primary=row.primary,
                    secondary=row.secondary, start=row.start, end=row.end, duty=row.duty,
                    secondary_duty=row.secondary_duty,
                )
            except KunshanRbacError as exc:
                self.problems.append(row.cells.problem(_NAME.name, str(exc)))
        return graph, self.problems


def _fact(value: tuple[Any, _Place] | None) -> Any:
    return None if value is None else value[0]


def _fold(value: str | tuple[str, ...]) -> object:
    if isinstance(value, tuple):
        return tuple(normalize_name(v) for v in value)
    return normalize_name(value)


def _overlap(first: _ListRow, second: _ListRow) -> bool:
    (start1, end1), (start2, end2) = span(first.start, first.end), span(second.start, second.end)
    return max(start1, start2) < min(end1, end2)
