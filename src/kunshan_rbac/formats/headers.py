"""The columns a list may have, the names real lists give them, and the header row.

A new header wording is a new synonym in a `Column` here; nothing else changes.
"""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Collection

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
    "lists_named",
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
    "领域", ("类别", "事项类别", "所属领域", "领域类别", "分类", "一级分类", "履职领域", "职责领域",
             "抽查类别", "抽查领域")
)
_NAME_SYNONYMS = (
    "履职事项", "履职事项名称", "事项", "名称", "职责事项", "职权名称", "项目名称", "收回事项",
    "配合事项", "基本履职事项", "配合履职事项", "收回事项名称", "抽查事项", "检查事项",
    "抽查事项名称",
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
     "法律法规依据", "设立依据", "法定依据", "检查依据", "抽查依据"),
)
_POWER_UNIT = ("实施主体", "事项主体", "实施部门", "责任主体", "主办单位", "承办单位", "检查主体",
               "抽查主体", "实施单位")
"""Unit column names of power lists (权责清单), 双随机 inspection lists (随机抽查事项清单) and
other published lists: accepted for the department that leads, with less weight than the
duty lists' own names."""

_DEPARTMENT = Column(
    "对应上级部门",
    ("上级部门", "县级责任部门", "市级责任部门", "责任部门", "主责部门", "上级主管部门",
     "对应部门", "牵头部门", "县市级部门", "对应县级部门", "对应市级部门", "上级责任部门",
     "关联单位", *_POWER_UNIT),
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
     "关联单位", *_POWER_UNIT),
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


_TOWN_PREFIX = re.compile(r"^(?:乡镇街道|镇街道|乡镇|镇街|街道|镇|乡)")


def _header_forms(text: str) -> tuple[str, ...]:
    """The keys a header text is looked up by, most exact first: as written, without
    bracketed parts, and without a town prefix (镇（街道）, 乡镇（街道）, 镇街, 乡镇)."""
    full = normalize_name(text)
    bare = normalize_name(_BRACKETS.sub("", text))
    return full, bare, _TOWN_PREFIX.sub("", full), _TOWN_PREFIX.sub("", bare)


def _synonym_index(kind: TableKind) -> dict[str, tuple[int, str]]:
    index: dict[str, tuple[int, str]] = {}
    for column in COLUMNS[kind]:
        for rank, name in enumerate((column.name, *column.synonyms)):
            key = normalize_name(name)
            priority = 0 if rank == 0 else 2 if name in _POWER_UNIT else 1
            if key not in index or index[key][0] > priority:
                index[key] = (priority, column.name)
    return index


_SYNONYMS = {kind: _synonym_index(kind) for kind in TableKind}

_CATALOGUE_NAMES = {
    TableKind.UNITS: {"单位", "单位目录", "单位表", "单位清单", "units"},
    TableKind.ITEMS: {"事项", "事项目录", "事项表", "事项库", "items"},
}
_IGNORED_SHEETS = ("说明", "封面", "目录", "备注", "填表", "填报", "注释", "readme")


_LIST_WORDS = ((TableKind.RECLAIMED, "收回"), (TableKind.COOPERATIVE, "配合"),
               (TableKind.BASIC, "基本"))


def lists_named(name: str) -> tuple[TableKind, ...]:
    """The lists a sheet name, title or file name names: each whose word (``收回``,
    ``配合``, ``基本``) it holds.

    Examples:
        >>> lists_named("周市镇-收回-双随机抽查事项"), lists_named("基本和配合履职事项清单")
        ((TableKind.RECLAIMED,), (TableKind.COOPERATIVE, TableKind.BASIC))
    """
    key = normalize_name(name)
    return tuple(kind for kind, word in _LIST_WORDS if word in key)


def classify(name: str) -> TableKind | None:
    """The kind of table a sheet or file name announces, if any.

    Catalogues are named exactly (``单位``, ``事项``, or ``单位目录``, ``事项目录``...); a
    list is recognised by ``收回``, ``配合`` or ``基本`` anywhere in the name, when the
    name holds exactly one of them (a name of two lists announces neither).

    Examples:
        >>> classify("附件1 基本履职事项清单"), classify("单位"), classify("基本和配合清单")
        (TableKind.BASIC, TableKind.UNITS, None)
    """
    key = normalize_name(name)
    for kind, names in _CATALOGUE_NAMES.items():
        if key in names:
            return kind
    named = lists_named(name)
    return named[0] if len(named) == 1 else None


def ignorable_sheet(name: str) -> bool:
    """Whether a sheet's name marks it as notes or a cover (说明, 封面, 目录...)."""
    key = normalize_name(name)
    return any(word in key for word in _IGNORED_SHEETS)


@attrs.frozen
class Header:
    """Where a table's header is and which column holds what.

    Attributes:
        row: the last header row (0-based); data rows start below it.
        columns: the column index of each column read, by its name.
        first: the first header row (``row`` unless the header is grouped over several
            rows, such as 责任分工 over 责任主体 | 协同部门).
        reported: warnings for the header's columns that are not read, and a note when
            the header was built from several rows; reported once per sheet.
        carry: the columns whose blank cells take the value above: 领域, and 事项类型
            when it is read from a 领域 column (`kunshan_rbac.formats.powers`).
    """

    row: int
    columns: dict[str, int]
    first: int | None = None
    reported: tuple[Problem, ...] = ()
    carry: tuple[str, ...] = ("领域",)

    def letter(self, name: str) -> str:
        """The letter of a column the header has, or its name when it has none."""
        index = self.columns.get(name)
        return column_letter(index) if index is not None else name


def _match(synonyms: dict[str, tuple[int, str]], text: str) -> tuple[int, str] | None:
    """The column a header text names, with its priority (lower is surer)."""
    for rank, key in enumerate(_header_forms(text)):
        match = synonyms.get(key)
        if match is not None:
            return (match[0], match[1]) if rank == 0 else (max(match[0], 2) + rank, match[1])
    return None


def _own(table: Table, row: int) -> list[tuple[int, str]]:
    """The texts a row holds itself (not copied from a merged cell above)."""
    if row >= len(table.rows):
        return []
    return [(column, one_line(table.text(row, column))) for column in range(len(table.rows[row]))
            if (row, column) not in table.inherited and table.text(row, column)]


def _sub_header(table: Table, row: int, synonyms: dict[str, tuple[int, str]]) -> bool:
    """Whether a row under a header row is the sub-header row of a grouped header: every
    text it holds itself names a column."""
    own = _own(table, row)
    return bool(own) and all(_match(synonyms, text) is not None for _c, text in own)


def _composed(table: Table, first: int, last: int) -> list[str]:
    """Each column's header text over rows ``first``–``last``: the lowest text given."""
    width = max(len(table.rows[r]) for r in range(first, last + 1))
    texts = []
    for column in range(width):
        text = ""
        for row in range(last, first - 1, -1):
            text = one_line(table.text(row, column))
            if text:
                break
        texts.append(text)
    return texts


def _depth(table: Table, row: int, synonyms: dict[str, tuple[int, str]]) -> int:
    """How many rows the header starting at ``row`` spans (1 to 3).

    The last row of a grouped header holds only column names (its group row above holds
    the group's name, such as 责任分工, merged or followed by blanks); a three-row header
    has a second group row between.
    """
    if len({text for _c, text in _own(table, row)}) < 2:
        return 1
    for depth in (3, 2):
        last = row + depth - 1
        if last < len(table.rows) and _sub_header(table, last, synonyms):
            if depth == 3 and not _sub_header(table, row + 1, synonyms):
                below = {c for c in range(len(table.rows[last])) if table.text(last, c)}
                if not all(c in below for c, _t in _own(table, row + 1)):
                    continue
            return depth
    return 1


_NO_COLUMN = ("联系", "电话", "备注", "时限", "期限", "对象", "比例", "频次", "周期", "人员",
              "层级", "基数")
"""Words of headers that no list column holds (contacts, remarks, time limits, the
parties inspected, sampling figures): such a column is reported without a hint."""

_SORT_WORDS = {
    "grant": ("赋权", "下放", "委托", "授权"),
    "basis": ("依据", "法规", "法律", "条例", "规章", "条款", "文件"),
    "unit": ("主体", "单位", "部门", "机构", "机关", "科室", "处室"),
    "duty": ("职责", "方式", "内容", "工作", "任务", "措施", "要求"),
    "role": ("牵头", "主责", "主办", "配合", "协同", "协办", "协助"),
    "domain": ("领域", "类别", "分类"),
    "type": ("类型",),
    "code": ("编码", "代码"),
    "name": ("事项",),
}
"""The words that say what a header holds. A header's head noun comes last in Chinese
(部门职责 is a duty, 职责部门 a unit), so the sort whose word ends latest wins; 名称 is
no word of its own (法规名称 names a basis)."""

_HELPER_WORDS = ("配合", "协同", "协办", "协助", "参与", "联合", "相关")
_PRIMARY_WORDS = ("牵头", "主责", "主办", "责任", "实施", "承接", "执法", "主管", "检查", "抽查",
                  "发起")
_DEPARTMENT_WORDS = ("部门", "上级", "县级", "市级", "区级")
_TOWN_WORDS = ("镇", "街道", "乡")

_LEAD_UNIT = {TableKind.COOPERATIVE: "对应上级部门", TableKind.RECLAIMED: "承接部门"}
"""The column of the unit that answers fully, on lists where a department does."""

_DUTIES: dict[str, dict[TableKind, tuple[str, ...]]] = {
    "town": {TableKind.BASIC: ("具体工作事项",), TableKind.COOPERATIVE: ("镇街配合职责",),
             TableKind.RECLAIMED: ("工作方式",)},
    "helper": {TableKind.COOPERATIVE: ("镇街配合职责",), TableKind.RECLAIMED: ("工作方式",)},
    "department": {TableKind.COOPERATIVE: ("上级部门职责",)},
    "primary": {TableKind.BASIC: ("具体工作事项",), TableKind.COOPERATIVE: ("上级部门职责",)},
    "": {TableKind.BASIC: ("具体工作事项",),
         TableKind.COOPERATIVE: ("上级部门职责", "镇街配合职责"),
         TableKind.RECLAIMED: ("工作方式",)},
}
"""The duty columns of each list by whose duty a header names: the town's, the
helpers', the department's, the primary unit's, or nobody's in particular."""


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def _sort(text: str) -> str:
    """What a header holds by its words: the sort (`_SORT_WORDS`) whose word ends last."""
    best, end = "", -1
    for sort, words in _SORT_WORDS.items():
        for word in words:
            found = text.rfind(word)
            if found >= 0 and found + len(word) > end:
                best, end = sort, found + len(word)
    return best


def _keyword_hint(kind: TableKind, text: str) -> tuple[str, tuple[str, ...]]:
    """What a header's words say it holds (a role, a unit, a duty, a basis...) and the
    columns of this list that may hold it (none when no column does).

    Words decide before spelling: 配合单位 is a unit column of helpers (协同部门), not the
    town's duty; 法规名称 is a basis, not an item's name; 部门职责 is the department's
    duty, 镇街工作方式 the town's.
    """
    if _has(text, _NO_COLUMN):
        return "", ()
    sort = _sort(text)
    helper = _has(text, _HELPER_WORDS)
    if sort == "unit" or (sort == "role" and not _has(text, _SORT_WORDS["duty"])):
        if helper:
            return sort, ("协同部门",)
        lead = _LEAD_UNIT.get(kind)
        if _has(text, _PRIMARY_WORDS):
            return sort, (lead,) if lead else ()
        return sort, (lead or "协同部门",)
    if sort in ("duty", "role"):
        whose = ("town" if _has(text, _TOWN_WORDS) else "helper" if helper else
                 "department" if _has(text, _DEPARTMENT_WORDS) else
                 "primary" if _has(text, _PRIMARY_WORDS) else "")
        return "duty", _DUTIES[whose].get(kind, ())
    column = {"grant": "赋权文号", "basis": "依据", "domain": "领域", "type": "事项类型",
              "code": "事项编码", "name": "事项名称"}.get(sort)
    return sort, (column,) if column else ()


def _suggestion(kind: TableKind, text: str) -> tuple[str, tuple[str, ...]]:
    """What an unread header text might be: ``(sort, columns)``, by the header's words
    (`_keyword_hint`), else by its spelling (``sort`` is then '')."""
    sort, hints = _keyword_hint(kind, _header_forms(text)[0])
    if sort or _has(text, _NO_COLUMN):
        return sort, hints
    keys = {normalize_name(n): c.name for c in COLUMNS[kind] for n in (c.name, *c.synonyms)}
    close = difflib.get_close_matches(_header_forms(text)[1], list(keys), n=1, cutoff=0.6)
    return "", (keys[close[0]],) if close else ()


_SORTS = {"grant": "a grant", "basis": "a basis", "unit": "a unit", "duty": "a duty",
          "role": "a role", "domain": "a 领域", "type": "a type", "code": "a code",
          "name": "an item's name"}


def _unread(kind: TableKind, text: str, taken: Collection[str]) -> str:
    """The end of the warning for a header column that is not read: what its name looks
    like and the column it may be, when this list reads one it does not read yet."""
    sort, hints = _suggestion(kind, text)
    readable = {c.name for c in COLUMNS[kind]}
    free = [h for h in hints if h in readable and h not in taken]
    looks = f"its name looks like {_SORTS[sort]} column" if sort else ""
    if free:
        return f"; {looks + ': ' if looks else ''}it may be {' or '.join(free)}: rename " \
            "it so if it is"
    used = [h for h in hints if h in taken]
    if used:
        return f"; {looks or 'its name is close to ' + used[0]}, but {used[0]} is read " \
            "from another column"
    if looks:
        return f"; {looks}, but the {kind.label} has no such column"
    return ""


def find_header(table: Table, kind: TableKind) -> Header | list[Problem]:
    """The header of a table: the first of the top rows naming every required column.

    A header may span two or three rows (a group name such as 职责分工 over 部门职责 |
    镇（街道）配合职责): each column then takes the lowest name given for it. Every
    header text that names no column is reported in `Header.reported` as a warning that
    says which column it might be.

    Returns:
        The `Header`, or the problems that say what is missing.
    """
    synonyms = _SYNONYMS[kind]
    required = [c.name for c in COLUMNS[kind] if c.required]
    best: tuple[int, int, dict[str, int], list[tuple[int, str]]] | None = None
    for row in range(min(HEADER_SCAN_ROWS, len(table.rows))):
        depth = _depth(table, row, synonyms) if _own(table, row) else 1
        last = row + depth - 1
        texts = _composed(table, row, last)
        found: dict[str, tuple[int, int]] = {}
        clashes: list[Problem] = []
        unread: list[tuple[int, str]] = []
        for column, text in enumerate(texts):
            if not text:
                continue
            match = _match(synonyms, text)
            if match is None:
                unread.append((column, text))
                continue
            priority, name = match
            if name in found:
                old_priority, old_column = found[name]
                if old_priority == priority:
                    clashes.append(table.problem(
                        f"one column for {name}; columns {column_letter(old_column)} and "
                        f"{column_letter(column)} both name it: rename one",
                        row=last, column=column_letter(column), value=text))
                    continue
                if old_priority < priority:
                    unread.append((column, text))
                    continue
                unread.append((old_column, texts[old_column]))
            found[name] = (priority, column)
        columns = {name: column for name, (_p, column) in found.items()}
        if all(name in columns for name in required) and len(columns) >= 2:
            if clashes:
                return clashes
            reported = []
            if depth > 1:
                reported.append(table.problem(
                    f"a header built from rows {row + 1}–{last + 1} (a grouped header: each "
                    "column named by its lowest header cell)", row=row, severity="note"))
            for column, text in sorted(unread):
                maybe = _unread(kind, text, columns)
                reported.append(table.problem(
                    f"a column the {kind.label} reads: this column is not read{maybe}",
                    row=last, column=column_letter(column), value=text, severity="warning"))
            return Header(last, columns, row, tuple(reported))
        score = sum(name in columns for name in required) * 100 + len(columns)
        if columns and (best is None or score > best[1]):
            best = (row, score, columns, unread)
    names = ", ".join(c.name for c in LAYOUTS[kind])
    if best is None or best[1] < 100:
        return [table.problem(
            f"a header row naming the columns of the {kind.label} ({names}) within the first "
            f"{HEADER_SCAN_ROWS} rows")]
    row, _score, columns, unread = best
    return [
        table.problem(
            f"a column {column.name} in the header row of the {kind.label} "
            f"(also accepted: {'、'.join(column.synonyms[:6])})"
            + _candidates(kind, column.name, unread),
            row=row, column=column.name)
        for column in COLUMNS[kind]
        if column.required and column.name not in columns
    ]


def _candidates(kind: TableKind, name: str, unread: list[tuple[int, str]]) -> str:
    """The unread header columns whose words say they may be the missing column ``name``."""
    found = [f"{column_letter(column)} ({text})" for column, text in sorted(unread)
             if name in _suggestion(kind, text)[1]]
    if not found:
        return ""
    return f"; column {', '.join(found)} may be it: rename it so if it is"


