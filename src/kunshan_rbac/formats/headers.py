"""The columns a list may have, the names real lists give them, and the header row.

A new header wording is a new synonym in a `Column` here; nothing else changes.
"""

from __future__ import annotations

import enum
import re

import attrs

from .._errors import Problem
from .._model import ListKind
from .cells import column_letter, normalize_name, one_line
from .table import Table

__all__ = [
    "COLUMNS",
    "HEADER_SCAN_ROWS",
    "LAYOUTS",
    "Column",
    "Header",
    "TableKind",
    "classify",
    "find_header",
    "ignorable_sheet",
]

HEADER_SCAN_ROWS = 20
"""How many rows from the top of a table are searched for the header row."""

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
_GRANT = Column(
    "赋权文号",
    ("赋权依据", "赋权文件", "下放文号", "委托文号", "赋权文件文号", "赋权文件名称及文号",
     "下放依据", "委托依据", "授权文号"),
)

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
    TableKind.BASIC: (_ITEM_CODE, _TYPE, _START, _END, _GRANT),
    TableKind.COOPERATIVE: (_PARTNERS, _ITEM_CODE, _TYPE, _START, _END, _GRANT),
    TableKind.RECLAIMED: (_DOMAIN, _PARTNERS, _ITEM_CODE, _START, _END, _GRANT),
    TableKind.UNITS: (),
    TableKind.ITEMS: (),
}

COLUMNS: dict[TableKind, tuple[Column, ...]] = {
    kind: LAYOUTS[kind] + _EXTRAS[kind] for kind in TableKind
}
"""Every column read for each kind of table: the layout, then optional extras
(协同部门 on the cooperative and reclaimed lists, 事项编码, 事项类型, 领域, the
per-row dates 生效日期 / 失效日期, and 赋权文号: the document that empowered the row's
primary unit, the town on the basic list)."""

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

    Example:
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
            text = one_line(table.text(row, column))
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


