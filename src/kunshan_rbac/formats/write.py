"""Writing a graph on a date as lists: workbooks or CSV files, plus the catalogues."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from .._atomic import ensure_folder
from .._dates import DateLike, parse_date
from .._errors import (
    ExportError,
    InvalidRecordError,
    KunshanRbacError,
    OwnershipConflictError,
    Problem,
)
from .._graph import ResponsibilityGraph
from .._model import Authority, Department, Item, ListKind, Ownership, Role, Town, Unit
from .._text import normalize_name
from .cells import cell_text, is_power_type, split_names
from .csv import write_csv
from .headers import LAYOUTS, TableKind, classify
from .units import unit_type, unit_type_known
from .xlsx import Sheet, write_workbook

__all__ = ["FORMATS", "RECLAIMED_PLACEHOLDER", "write_lists"]

FORMATS = ("xlsx", "csv")
"""The formats `write_lists` writes."""

RECLAIMED_PLACEHOLDER = "配合"
"""The 工作方式 written for a town that stays secondary on a reclaimed item but whose
record has no duty text: an empty 工作方式 would mean the town keeps no part."""

def _names_ok(text: str) -> bool:
    """Whether a name is one cell entry that reads back as itself (no separator)."""
    folded = unicodedata.normalize("NFKC", text).strip()
    return split_names(text) == [folded] and cell_text(text) == text and "\n" not in text


_UNSAFE_FILE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
             *(f"LPT{i}" for i in range(10))}


class _Writer:
    """Turns a graph on a date into sheets, collecting what cannot be written."""

    def __init__(self, graph: ResponsibilityGraph, day: datetime.date, folder: Path,
                 suffix: str) -> None:
        self.graph = graph
        self.day = day
        self.folder = folder
        self.suffix = suffix
        self.problems: list[Problem] = []
        self.item_keys: dict[str, set[str]] = defaultdict(set)
        for item in graph.items():
            self.item_keys[normalize_name(item.name)].add(item.code)

    def unit_ref(self, unit: Unit, file: str, sheet: str) -> str:
        """How a list names a unit: its name when that reads back as it, else its code."""
        for text in (unit.name, unit.code):
            if not _names_ok(text):
                continue
            try:
                if self.graph.unit(text).code == unit.code:
                    return text
            except KunshanRbacError:
                continue
        self.problems.append(Problem(file, sheet, value=unit.code, expected="a unit whose "
                                     "name or code is one entry of a list cell (no 、,;/ or "
                                     "line break)"))
        return unit.code

    def item_ambiguous(self, item: Item) -> bool:
        return len(self.item_keys.get(normalize_name(item.name), ())) > 1

    def stems(self) -> dict[str, str]:
        """The file name (without extension) of each town's output."""
        towns = self.graph.towns()
        counts: dict[str, int] = defaultdict(int)
        for town in towns:
            counts[town.name.casefold()] += 1
        stems: dict[str, str] = {}
        for town in towns:
            chosen = None
            for text in (town.name, town.code):
                if (_file_safe(text) and counts.get(text.casefold(), 0) <= 1
                        and classify(text) is None and self._is_town(text, town)):
                    chosen = text
                    break
            if chosen is None:
                self.problems.append(Problem(str(self.folder), value=town.code,
                                             expected="a town whose name or code can name a "
                                             "file"))
                continue
            stems[town.code] = chosen
        return stems

    def _is_town(self, text: str, town: Town) -> bool:
        try:
            return self.graph.town(text).code == town.code
        except KunshanRbacError:
            return False

    def town_rows(self, town: Town, file_of: Callable[[ListKind], str]
                  ) -> dict[ListKind, list[tuple[str, ...]]]:
        """The rows of the three lists of one town (``file_of`` names each list's file)."""
        answers: dict[ListKind, list[Ownership]] = {kind: [] for kind in ListKind}
        seen: set[str] = set()
        for kind in ListKind:
            for item in self.graph.items_on(kind, town=town.code, at=self.day):
                if item.code in seen:
                    continue
                seen.add(item.code)
                try:
                    answer = self.graph.owner(item.code, town=town.code, at=self.day)
                except OwnershipConflictError as exc:
                    self.problems.append(Problem(file_of(kind), kind.label, value=item.name,
                                                 expected=f"one primary: {exc.problem} on "
                                                 f"{self.day.isoformat()} (item {item.code})"))
                    continue
                answers[answer.list].append(answer)
        return {kind: self.rows(kind, found, town, file_of(kind))
                for kind, found in answers.items()}

    def rows(self, kind: ListKind, answers: list[Ownership], town: Town,
             file: str) -> list[tuple[str, ...]]:
        sheet = kind.label
        out: list[dict[str, str]] = []
        answers.sort(key=lambda a: ((a.item.domain if kind is not ListKind.RECLAIMED
                                     else a.item.power_type or ""), a.item.code))
        for answer in answers:
            item = answer.item
            records = [r for r in answer.records if r.holds_on(self.day)]
            primary_duty = next((r.duty for r in records if r.role is Role.PRIMARY), "")
            grant = next((r.grant for r in records if r.role is Role.PRIMARY), "")
            town_duty = next((r.duty for r in records
                              if r.role is Role.SECONDARY and r.unit == town.code), "")
            others = [u for u in answer.secondary if u.code != town.code]
            row = {
                "领域": item.domain,
                "事项名称": item.name,
                "依据": "\n".join(item.basis),
                "事项编码": item.code if self.item_ambiguous(item) else "",
                "赋权文号": grant,
            }
            if kind is ListKind.BASIC:
                if answer.primary.code != town.code:
                    self.problems.append(Problem(file, sheet, value=item.name, expected=(
                        f"the town as primary of a basic-list item; {answer.primary.name} is "
                        f"primary on {self.day.isoformat()} (item {item.code})")))
                    continue
                row["具体工作事项"] = primary_duty
                row["协同部门"] = "、".join(self.unit_ref(u, file, sheet) for u in others)
            else:
                if not isinstance(answer.primary, Department):
                    self.problems.append(Problem(file, sheet, value=item.name, expected=(
                        f"a department as primary of a {kind.short}-list item; "
                        f"{answer.primary.name} is a {answer.primary.kind} (item {item.code})")))
                    continue
                department = self.unit_ref(answer.primary, file, sheet)
                row["协同部门"] = "、".join(self.unit_ref(u, file, sheet) for u in others)
                town_secondary = any(u.code == town.code for u in answer.secondary)
                if kind is ListKind.COOPERATIVE:
                    row["对应上级部门"] = department
                    row["上级部门职责"] = primary_duty
                    row["镇街配合职责"] = town_duty
                else:
                    row["承接部门"] = department
                    row["事项类型"] = item.power_type or ""
                    row["工作方式"] = (town_duty or RECLAIMED_PLACEHOLDER) if town_secondary \
                        else ""
            out.append(row)
        header = self.header(TableKind.of(kind), out)
        return [header, *(tuple(str(i) if name == "序号" else row.get(name, "")
                                for name in header) for i, row in enumerate(out, start=1))]

    @staticmethod
    def header(kind: TableKind, rows: list[dict[str, str]]) -> tuple[str, ...]:
        """The layout's columns, plus 协同部门, 事项编码 and 赋权文号 when some row needs
        them."""
        names = [c.name for c in LAYOUTS[kind]]
        for extra in ("协同部门", "事项编码", "赋权文号"):
            if extra not in names and any(row.get(extra) for row in rows):
                names.append(extra)
        return tuple(names)

    def units_rows(self, file: str) -> list[tuple[str, ...]]:
        rows: list[tuple[str, ...]] = [tuple(c.name for c in LAYOUTS[TableKind.UNITS])]
        for unit in self.graph.units():
            kind = unit_type(unit)
            if isinstance(unit, Authority) and not unit_type_known(kind):
                self.problems.append(Problem(file, "单位", value=kind, expected=(
                    f"an authority level that reads back (市, 县, 区...); {unit.code} has "
                    f"{kind!r}")))
            aliases = [a for a in unit.aliases if a != unit.name]
            bad = [a for a in aliases if not _names_ok(a)]
            if bad:
                self.problems.append(Problem(file, "单位", value=bad[0], expected=(
                    f"aliases of {unit.code} without 、,;/ or line breaks, since 简称 "
                    "separates them by 、")))
            rows.append((unit.code, unit.name, kind, "、".join(aliases), unit.parent or ""))
        return rows

    def items_rows(self, file: str) -> list[tuple[str, ...]]:
        rows: list[tuple[str, ...]] = [tuple(c.name for c in LAYOUTS[TableKind.ITEMS])]
        for item in self.graph.items():
            if is_power_type(item.domain):
                self.problems.append(Problem(file, "事项", value=item.domain, expected=(
                    f"a 领域 that is not a power type; {item.code} has {item.domain!r}, "
                    "which lists read as 事项类型 (correct the item's domain, or write the "
                    "JSON format)")))
            rows.append((item.code, item.name, item.domain, item.power_type or "",
                         "\n".join(item.basis), item.parent or ""))
        return rows


def _file_safe(text: str) -> bool:
    return (bool(text) and not _UNSAFE_FILE.search(text) and text == text.strip()
            and not text.endswith(".") and text.split(".")[0].upper() not in _RESERVED)


def write_lists(
    graph: ResponsibilityGraph,
    folder: str | Path,
    *,
    format: str = "xlsx",
    at: DateLike | None = None,
) -> list[Path]:
    """Publish the lists of every town on a date, in the layout governments use.

    With ``format="xlsx"``, one workbook per town (``玉山镇.xlsx``) with the three sheets
    (基本履职事项清单, 配合履职事项清单, 上级部门收回事项清单), each under a title row;
    with ``format="csv"``, three files per town (``玉山镇_基本履职事项清单.csv``...) in
    UTF-8 with a byte-order mark. Either way the folder also gets the catalogues ``单位``
    and ``事项``, so that `read_lists` loads it again without the embedded units.

    Units are named by name (by code when the name would not read back as the same
    unit); a town that stays secondary on a reclaimed item has its part in 工作方式
    (`RECLAIMED_PLACEHOLDER` when the record holds no text); the primary record's grant
    goes into a 赋权文号 column, so that the lists read back give the same `check`
    report on ``at`` as the graph. History, transfers and record sources are not
    shown: the JSON format keeps them. Cells that a spreadsheet would take for formulas
    stay text (see the formats reference). Files of the same names are replaced;
    nothing is written when anything cannot be.

    Args:
        graph: the graph.
        folder: where to write (created if missing).
        format: ``"xlsx"`` or ``"csv"``.
        at: the date whose lists to write (``None``: today).

    Returns:
        The files written, catalogues first.

    Raises:
        ExportError: some item cannot be shown on a list on that date (no single primary,
            a basic-list item led by a department...); every such place is listed.
        InvalidRecordError: ``format`` is not ``"xlsx"`` or ``"csv"``.
        InvalidDateError: ``at`` is not a date.
        WriteError: ``folder`` is a file, or the system refused a write (a full disk...).
            Each file is written beside its target and then moved in place, so a file
            that was not written is left as it was.

    Examples:
        >>> import kunshan_rbac as kr, tempfile
        >>> g = kr.ResponsibilityGraph()
        >>> g.add_unit(kr.Town("yushan", "玉山镇"))
        >>> g.add_unit(kr.Department("zjj", "市住房和城乡建设局", aliases=("市住建局",)))
        >>> g.add_item(kr.Item("ZJ-001", "住宅专项维修资金使用受理、审核和日常管理"))
        >>> _ = g.assign("ZJ-001", town="yushan", list="basic", primary="yushan",
        ...              secondary=["zjj"])
        >>> names = [p.name for p in kr.write_lists(g, tempfile.mkdtemp(), format="csv")]
        >>> len(names), names[0], names[2]
        (5, '单位.csv', '玉山镇_基本履职事项清单.csv')
    """
    if format not in FORMATS:
        raise InvalidRecordError(f"format must be 'xlsx' or 'csv', not {format!r}",
                                 field="format", value=format)
    day = parse_date(at)
    target = Path(folder)
    writer = _Writer(graph, day, target, format)
    stems = writer.stems()
    outputs: list[tuple[Path, list[tuple[str, list[tuple[str, ...]], str]]]] = []
    for name, rows_of in (("单位", writer.units_rows), ("事项", writer.items_rows)):
        path = target / f"{name}.{format}"
        outputs.append((path, [(name, rows_of(str(path)), "")]))
    for town in graph.towns():
        stem = stems.get(town.code)
        if stem is None:
            continue
        book = target / f"{stem}.xlsx"

        def file_of(kind: ListKind, stem: str = stem, book: Path = book) -> str:
            return str(book if format == "xlsx" else target / f"{stem}_{kind.label}.csv")

        per_list = writer.town_rows(town, file_of)
        sheets = [(kind.label, per_list[kind], f"{town.name}{kind.label}") for kind in ListKind]
        if format == "xlsx":
            outputs.append((book, sheets))
        else:
            outputs += [(target / f"{stem}_{label}.csv", [(label, rows, "")])
                        for label, rows, _title in sheets]
    writer.problems += _unwritable(outputs)
    if writer.problems:
        raise ExportError(writer.problems)
    ensure_folder(target)
    written = []
    for path, sheets in outputs:
        if format == "xlsx":
            write_workbook(path, [
                Sheet(name, rows[0], tuple(rows[1:]), title) for name, rows, title in sheets
            ])
        else:
            _name, rows, _title = sheets[0]
            write_csv(path, rows[0], rows[1:])
        written.append(path)
    return written


_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_MAX_CELL = 32_767


def _unwritable(outputs: list[tuple[Path, list[tuple[str, list[tuple[str, ...]], str]]]]
                ) -> list[Problem]:
    """Cells a spreadsheet cannot hold, or that would not read back as written.

    Control characters, lone surrogates and more than 32,767 characters cannot be
    written; spaces at the ends of a line, blank lines and zero-width characters would be
    dropped by `read_lists` (which trims cells), so a name ``"玉山镇 "`` would come back
    as ``"玉山镇"``: those are reported rather than changed in silence.
    """
    problems = []
    for path, sheets in outputs:
        for name, rows, title in sheets:
            for number, row in enumerate(rows, start=2 if title else 1):
                for text in row:
                    if _ILLEGAL.search(text) or len(text) > _MAX_CELL:
                        problems.append(Problem(str(path), name, number, None, text[:80],
                                                "text without control characters or lone "
                                                "surrogates (such as '\\ud800'), at most "
                                                f"{_MAX_CELL} characters per cell"))
                    elif cell_text(text) != text:
                        problems.append(Problem(str(path), name, number, None, text[:80],
                                                "text that reads back as written: no spaces at "
                                                "the start or end of a line, no blank lines, no "
                                                "zero-width characters (correct the name or "
                                                "text, or write the JSON format)"))
    return problems
