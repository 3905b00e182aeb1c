"""`read_lists`: duty lists read from workbooks and CSV files, every problem located.

`read_lists` loads a town's workbook (``玉山镇.xlsx``), a CSV file
(``巴城镇_基本履职事项清单.csv``) or a folder of them, with the optional catalogues
``单位`` (units) and ``事项`` (items) as sheets or files, and reports every problem with
its place. Reading is a pipeline of steps, each with its inputs and outputs:

1. files to tables (`kunshan_rbac.formats.xlsx`, `kunshan_rbac.formats.csv`), each
   table sorted into a list or a catalogue by its name;
2. the unit catalogue to `Units` (`kunshan_rbac.formats.units.read_units`);
3. the item catalogue to `Items` (`kunshan_rbac.formats.items.read_items`);
4. each list table, once its town is found, to rows
   (`kunshan_rbac.formats.build.read_list`);
5. units, items and rows to the graph (`kunshan_rbac.formats.build.build_graph`).
"""

from __future__ import annotations

import datetime
import functools
import gzip
import json
from importlib import resources
from pathlib import Path
from typing import Literal, overload

import attrs

from .._dates import DateLike, parse_optional_date
from .._errors import InvalidRecordError, LoadError, Problem
from .._graph import ResponsibilityGraph
from .._limits import DEFAULT_LIMITS, Limits
from .._model import Unit
from .._origin import Inference, InferenceKind
from .build import Rows, build_graph, read_list
from .cells import cell_text
from .csv import read_csv
from .headers import TableKind, classify, find_header, ignorable_sheet, lists_named
from .items import read_items
from .table import Table
from .units import Units, read_units
from .xlsx import read_workbook

__all__ = ["embedded_units", "read_lists"]

_WORKBOOKS = (".xlsx", ".xlsm")
_UNREADABLE = (".xls", ".xlsb", ".ods", ".et", ".numbers", ".wps")


# ---------------------------------------------------------------------------- reading


@overload
def read_lists(
    path: str | Path,
    *,
    effective: DateLike | None = ...,
    on_error: Literal["raise"] = ...,
    limits: Limits | None = ...,
) -> ResponsibilityGraph: ...


@overload
def read_lists(
    path: str | Path,
    *,
    effective: DateLike | None = ...,
    on_error: Literal["collect"],
    limits: Limits | None = ...,
) -> tuple[ResponsibilityGraph, list[Problem]]: ...


def read_lists(
    path: str | Path,
    *,
    effective: DateLike | None = None,
    on_error: str = "raise",
    limits: Limits | None = None,
) -> ResponsibilityGraph | tuple[ResponsibilityGraph, list[Problem]]:
    """Load duty lists from a workbook, a CSV file, or a folder of them.

    Each workbook holds one town's lists, one sheet per list (基本履职事项清单,
    配合履职事项清单, 上级部门收回事项清单), and is named after the town (``玉山镇.xlsx``)
    or names it in the title row above the header. CSV files hold one list each and are
    named ``<town>_<list>.csv``. A sheet or file named ``单位`` is the unit catalogue
    (编码, 名称, 类型, 简称, 上级) and one named ``事项`` the item catalogue (编码,
    事项名称, 领域, 权力类型, 依据, 上级事项); without a unit catalogue, the embedded
    Kunshan units are used. See the formats reference for the columns and their
    accepted names.

    Rows become records: on the basic list the town is primary and each 协同部门 is
    secondary; on the cooperative list 对应上级部门 is primary and the town secondary; on
    the reclaimed list 承接部门 is primary, and the town stays secondary when 工作方式 says
    what it still does.

    Args:
        path: a ``.xlsx`` workbook, a ``.csv`` file, or a folder holding them.
        effective: the first day the lists hold (``None``: they hold at any date). A row's
            own 生效日期 / 失效日期, if the list has those columns, take precedence.
        on_error: ``"raise"`` (the default) raises `LoadError` listing every error;
            ``"collect"`` returns the graph of the rows without errors, with every
            problem: errors, warnings (a column left unread, a section count that does
            not match its rows) and notes (what the reader inferred: a 领域 carried down,
            a header built from two rows, a lead marker, a wrapped name rejoined).
        limits: how much one file may hold (`DEFAULT_LIMITS` if not given): a file over
            a limit (a workbook that unzips to more than ``workbook_bytes``, a sheet of more
            than ``rows`` rows holding a value...) is one problem, found while streaming.

    Returns:
        The graph; with ``on_error="collect"``, a ``(graph, problems)`` pair.

    Raises:
        LoadError: with ``on_error="raise"``, when anything cannot be loaded; its
            ``problems`` give each file, sheet, row (as the spreadsheet numbers it),
            column (its letter) and what was expected.
        InvalidRecordError: ``on_error`` is neither ``"raise"`` nor ``"collect"``.
        InvalidDateError: ``effective`` is not a date.

    Examples:
        >>> import kunshan_rbac as kr, pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "单位.csv").write_text(
        ...     "编码,名称,类型,简称\\n"
        ...     "yushan,玉山镇,镇,玉山\\n"
        ...     "zjj,市住房和城乡建设局,部门,市住建局\\n", encoding="utf-8")
        >>> _ = (folder / "玉山镇_配合履职事项清单.csv").write_text(
        ...     "序号,事项名称,对应上级部门,镇街配合职责\\n"
        ...     "1,配合开展燃气安全宣传,市住建局,宣传、报告\\n", encoding="utf-8")
        >>> g = kr.read_lists(folder)
        >>> g.owner("配合开展燃气安全宣传", town="玉山镇", at="2025-07-01").primary.name
        '市住房和城乡建设局'
    """
    if on_error not in ("raise", "collect"):
        raise InvalidRecordError(
            f"on_error must be 'raise' or 'collect', not {on_error!r}",
            field="on_error", value=on_error,
        )
    start = parse_optional_date(effective)
    graph, problems = _read(Path(path), start,
                            limits if limits is not None else DEFAULT_LIMITS)
    if on_error == "collect":
        return graph, problems
    errors = [p for p in problems if p.is_error]
    if errors:
        raise LoadError(errors)
    return graph


@attrs.define
class _Source:
    table: Table
    kind: TableKind
    town_hint: str
    inferred: tuple[Inference, ...] = ()


def _read(path: Path, effective: datetime.date | None,
          limits: Limits) -> tuple[ResponsibilityGraph, list[Problem]]:
    problems: list[Problem] = []
    sources: list[_Source] = []
    if path.is_dir():
        try:
            files = sorted(
                p for p in path.iterdir()
                if p.is_file() and not p.name.startswith((".", "~$"))
                and not p.name.endswith(".part")
            )
        except OSError as exc:
            files = []
            problems.append(Problem(str(path),
                                    expected=f"a readable folder ({exc.strerror or exc})"))
        for file in files:
            suffix = file.suffix.lower()
            if suffix in _UNREADABLE:
                problems.append(Problem(str(file), value=file.suffix, expected="a .xlsx workbook "
                                        "or a .csv file: save this file in one of those formats"))
            elif suffix in (*_WORKBOOKS, ".csv"):
                _scan(file, sources, problems, limits)
    elif path.is_file():
        if path.suffix.lower() in (*_WORKBOOKS, ".csv"):
            _scan(path, sources, problems, limits)
        else:
            problems.append(Problem(str(path), value=path.suffix or path.name,
                                    expected="a .xlsx workbook, a .csv file or a folder"))
    else:
        problems.append(Problem(str(path), expected="an existing workbook, CSV file or folder"))
    units = read_units([s.table for s in sources if s.kind is TableKind.UNITS],
                       embedded_units())
    items = read_items([s.table for s in sources if s.kind is TableKind.ITEMS])
    found = units.problems + items.problems
    lists = [s for s in sources if s.kind.list is not None]
    if not units.has_units:
        problems.append(Problem(str(path), expected="a unit catalogue (a sheet or file named "
                                "单位) or the embedded Kunshan units, which are not available"))
    if not lists and not problems and not found:
        problems.append(Problem(str(path), expected="at least one list: a workbook named after "
                                "a town with sheets named after the lists, or "
                                "<town>_<list>.csv files"))
    rows = Rows()
    for source in lists:
        kind = source.kind.list
        assert kind is not None
        town = _town(units, source, found)
        if town is not None:
            for inference in source.inferred:
                found.append(source.table.problem(
                    f"a list named by the sheet or a title row; neither names one, so the "
                    f"sheet is read as the {inference.value} that the file name "
                    f"{inference.written!r} names", value=source.table.name, severity="note"))
            found += read_list(source.table, kind, town, units=units, items=items, rows=rows,
                               effective=effective, inferred=source.inferred)
    graph, built = build_graph(units, items, rows)
    return graph, problems + found + built


def _scan(file: Path, sources: list[_Source], problems: list[Problem],
          limits: Limits) -> None:
    """Read one file's tables and sort them into lists and catalogues."""
    name = str(file)
    if file.suffix.lower() == ".csv":
        table = read_csv(file, name, limits)
        if isinstance(table, list):
            problems += table
            return
        stem = file.stem
        kind = classify(stem)
        hint = ""
        if kind is None or kind.list is not None:
            town_part, _sep, list_part = stem.rpartition("_")
            split_kind = classify(list_part) if town_part else None
            if split_kind is not None and split_kind.list is not None:
                kind, hint = split_kind, town_part
            else:
                hint = stem
        if kind is None:
            kind = classify(_top_text(table))
        if kind is None:
            problems.append(Problem(name, value=file.name, expected="a CSV file named "
                                    "<town>_<list>.csv (e.g. 巴城镇_基本履职事项清单.csv), "
                                    "单位.csv or 事项.csv"))
            return
        sources.append(_Source(table, kind, hint))
        return
    tables = read_workbook(file, name, limits)
    if tables and isinstance(tables[0], Problem):
        problems += [t for t in tables if isinstance(t, Problem)]
        return
    found: list[_Source | Table] = []
    for table in (t for t in tables if isinstance(t, Table)):
        if ignorable_sheet(table.name):
            kind = classify(table.name)
        else:
            kind = classify(table.name) or classify(_top_text(table))
        if kind is not None:
            found.append(_Source(table, kind, file.stem))
        elif table.rows and not ignorable_sheet(table.name):
            found.append(table)
    unnamed = [t for t in found if isinstance(t, Table)]
    by_file = _file_list(file, found, unnamed)
    for entry in found:
        if isinstance(entry, _Source):
            sources.append(entry)
        elif by_file is not None:
            sources.append(_Source(entry, by_file, file.stem, (Inference(
                InferenceKind.LIST, value=by_file.label, written=file.name),)))
        else:
            named = lists_named(file.stem)
            why = (f"; the file name names the {named[0].label}, but {len(unnamed)} sheets "
                   "name no list, so it cannot say which sheet holds it" if len(named) == 1
                   and len(unnamed) > 1 else "")
            problems.append(entry.problem(
                "a sheet named after a list (基本履职事项清单, 配合履职事项清单, "
                "上级部门收回事项清单) or a catalogue (单位, 事项), or a title row naming the "
                f"list; rename the sheet, or name it 说明 if it holds notes{why}",
                value=entry.name))


def _file_list(file: Path, found: list[_Source | Table], unnamed: list[Table]
               ) -> TableKind | None:
    """The list a workbook's file name gives the one sheet that names none.

    Only when the file name names exactly one list (``周市镇-收回-双随机抽查事项.xlsx``),
    exactly one sheet (not notes, not blank) names no list, and no other sheet already
    holds that list: anything else is reported, not guessed.
    """
    named = lists_named(file.stem)
    if len(named) != 1 or len(unnamed) != 1:
        return None
    if any(isinstance(entry, _Source) and entry.kind is named[0] for entry in found):
        return None
    return named[0]


def _top_text(table: Table) -> str:
    """The text of the first rows that hold a single text (title rows)."""
    texts = []
    for row in range(min(5, len(table.rows))):
        cells = {cell_text(v) for v in table.rows[row]} - {""}
        if len(cells) == 1:
            texts.append(next(iter(cells)))
        elif cells:
            break
    return " ".join(texts)


def _town(units: Units, source: _Source, problems: list[Problem]) -> str | None:
    """The town of a list table: from the file's name, or its title rows."""
    table = source.table
    header = find_header(table, source.kind)
    title = table.title_text(header.row) if not isinstance(header, list) else _top_text(table)
    by_name, named = units.town_in(source.town_hint)
    by_title, titled = units.town_in(title)
    if by_name and by_title and by_name != by_title:
        problems.append(table.problem(
            f"one town: the file is named after {units.name(by_name)} but the "
            f"title names {units.name(by_title)}", row=0, value=title))
        return None
    town = by_name or by_title
    if town is None:
        fits = sorted(set(named) | set(titled))
        detail = f"; it fits several towns ({', '.join(fits)})" if fits else ""
        problems.append(table.problem(
            "a town of the unit catalogue: name the workbook after the town (玉山镇.xlsx) or "
            f"the CSV file <town>_<list>.csv, or name the town in the title row{detail}",
            value=source.town_hint or title or None))
    return town


@functools.cache
def _embedded() -> tuple[Unit, ...] | None:
    from .._jsonio import unit_from_dict
    from .._sample import SAMPLE_FILE

    data_file = resources.files("kunshan_rbac").joinpath("data", SAMPLE_FILE)
    if not data_file.is_file():
        return None
    raw = data_file.read_bytes()
    if SAMPLE_FILE.endswith(".gz"):
        raw = gzip.decompress(raw)
    data = json.loads(raw.decode("utf-8"))
    return tuple(unit_from_dict(row) for row in data.get("units", ()))


def embedded_units() -> tuple[Unit, ...] | None:
    """The units of the embedded Kunshan sample, or ``None`` while it is not installed."""
    return _embedded()
