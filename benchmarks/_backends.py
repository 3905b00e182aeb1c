"""The backends compared: kunshan_rbac, a plain dict, networkx and Casbin.

Each backend builds from the same generated towns (`_data.TownPlan`) and answers the same
questions with the same arguments. Baselines answer with plain tuples
``(list, primary, secondaries)``; kunshan_rbac answers with its `Ownership` values.
"""

from __future__ import annotations

import datetime
import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from _data import Dataset, TownPlan

__all__ = ["BACKENDS", "Backend", "TransferRefused"]

FOREVER = datetime.date.max.toordinal() + 1
Answer = tuple[str, str, tuple[str, ...]]
"""(list, primary unit, secondary units)."""


class TransferRefused(Exception):
    """A baseline refused a move (the town does not lead the item on that date)."""


class Backend(Protocol):
    """What every backend offers to the harness."""

    name: str
    notes: dict[str, str]

    def begin(self, data: Dataset) -> None: ...
    def add_town(self, plan: TownPlan) -> None: ...
    def finish(self) -> None: ...
    def owner(self, item: str, town: str, at: datetime.date | None = None) -> Any: ...
    def primary(self, answer: Any) -> str: ...
    def duties(self, unit: str) -> list[Any]: ...
    def items_on(self, kind: str, town: str) -> list[Any]: ...
    def reclaim(self, items: Sequence[str], towns: Sequence[str], to: str,
                effective: datetime.date) -> Any: ...


def _day(value: datetime.date | None) -> int:
    return (value or datetime.date.today()).toordinal()


# --------------------------------------------------------------------------- kunshan_rbac


class Library:
    """kunshan_rbac through its public API."""

    name = "kunshan_rbac"

    def __init__(self) -> None:
        import kunshan_rbac as kr

        self.kr = kr
        self.graph = kr.ResponsibilityGraph()
        self.notes: dict[str, str] = {}
        self.lists = {k.value: k for k in kr.ListKind}

    def begin(self, data: Dataset) -> None:
        kr, graph = self.kr, self.graph
        for kind, code, name, parent in data.units():
            if kind == "authority":
                graph.add_unit(kr.Authority(code, name, parent=parent))
            elif kind == "department":
                graph.add_unit(kr.Department(code, name, parent=parent))
            else:
                graph.add_unit(kr.Town(code, name, parent=parent))
        for code, name, power, basis in data.items:
            graph.add_item(kr.Item(code, name, power_type=power, basis=basis))

    def add_town(self, plan: TownPlan) -> None:
        graph, lists, town = self.graph, self.lists, plan.code
        for a in plan.assigns:
            graph.assign(a.item, town=town, list=lists[a.list], primary=a.primary,
                         secondary=a.secondary, start=a.start, grant=a.grant)
        for t in plan.transfers:
            if t.kind == "reclaim":
                graph.reclaim(t.items, towns=town, to=t.to, effective=t.effective,
                              keep_secondary=t.keep_secondary)
            else:
                graph.delegate(t.items, towns=town, effective=t.effective,
                               keep_secondary=t.keep_secondary)

    def finish(self) -> None:
        pass

    def owner(self, item: str, town: str, at: datetime.date | None = None) -> Any:
        return self.graph.owner(item, town=town, at=at)

    def primary(self, answer: Any) -> str:
        return str(answer.primary.code)

    def duties(self, unit: str) -> list[Any]:
        return self.graph.duties(unit)

    def items_on(self, kind: str, town: str) -> list[Any]:
        return self.graph.items_on(self.lists[kind], town=town)

    def reclaim(self, items: Sequence[str], towns: Sequence[str], to: str,
                effective: datetime.date) -> Any:
        return self.graph.reclaim(list(items), towns=list(towns), to=to, effective=effective)


class LibraryJson(Library):
    """kunshan_rbac loaded with ``read_json`` from the file the builder wrote."""

    name = "kunshan_rbac (json)"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def begin(self, data: Dataset) -> None:
        pass

    def add_town(self, plan: TownPlan) -> None:
        pass

    def finish(self) -> None:
        self.graph = self.kr.read_json(self.path)


# --------------------------------------------------------------------------- plain dict


class Periods:
    """The answers of one (town, item) over time: parallel lists, bisected by start."""

    __slots__ = ("answers", "ends", "starts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.answers: list[Answer] = []


class PlainDict:
    """A plain dict keyed by (town, item), with the smallest indexes the questions need.

    ``now[(town, item)]`` is today's answer; ``history[(town, item)]`` holds every period;
    ``by_unit`` and ``by_town`` are the keys a unit has records for and the items a town
    holds. ``owner(item, town)`` is ``now[(town, item)]``: the floor for a Python call.
    """

    name = "dict"

    def __init__(self) -> None:
        self.now: dict[tuple[str, str], Answer] = {}
        self.history: dict[tuple[str, str], Periods] = {}
        self.by_unit: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.by_town: dict[str, set[str]] = defaultdict(set)
        self.today = datetime.date.today().toordinal()
        self.notes: dict[str, str] = {}
        self.owner = self._owner_function()
        self.owner_text = self._owner_text_function()

    def begin(self, data: Dataset) -> None:
        pass

    def add_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        """Index records given as (unit, item, town, role, list, start, end)."""
        grouped: dict[tuple[str, str], dict[tuple[int, int], list[Any]]] = defaultdict(dict)
        for unit, item, town, role, kind, start, end in rows:
            key = (town, item)
            span = (start.toordinal() if start else 0, end.toordinal() if end else FOREVER)
            entry = grouped[key].setdefault(span, [kind, None, []])
            if role == "primary":
                entry[1] = unit
            else:
                entry[2].append(unit)
            self.by_unit[unit].add(key)
        for key, spans in grouped.items():
            periods = self.history.get(key)
            if periods is None:
                periods = self.history[key] = Periods()
                self.by_town[key[0]].add(key[1])
            for (start, end), (kind, primary, secondary) in sorted(spans.items()):
                answer = (kind, primary, tuple(sorted(secondary)))
                periods.starts.append(start)
                periods.ends.append(end)
                periods.answers.append(answer)
                if start <= self.today < end:
                    self.now[key] = answer

    def add_town(self, plan: TownPlan) -> None:
        self.add_rows(plan.rows)

    def finish(self) -> None:
        pass

    def _owner_function(self) -> Callable[..., Answer]:
        """``owner`` as a plain function over the dicts (no method or attribute lookups)."""
        now, history = self.now, self.history

        def owner(item: str, town: str, at: datetime.date | None = None) -> Answer:
            if at is None:
                return now[(town, item)]
            periods = history[(town, item)]
            day = at.toordinal()
            index = bisect_right(periods.starts, day) - 1
            if index < 0 or day >= periods.ends[index]:
                raise KeyError((town, item, at))
            return periods.answers[index]

        return owner

    def _owner_text_function(self) -> Callable[..., Answer]:
        """``owner`` taking the date as ISO text, parsed inline."""
        history, parse = self.history, datetime.date.fromisoformat

        def owner(item: str, town: str, at: str) -> Answer:
            periods = history[(town, item)]
            day = parse(at).toordinal()
            index = bisect_right(periods.starts, day) - 1
            if index < 0 or day >= periods.ends[index]:
                raise KeyError((town, item, at))
            return periods.answers[index]

        return owner

    def primary(self, answer: Any) -> str:
        return str(answer[1])

    def duties(self, unit: str) -> list[tuple[tuple[str, str], Answer]]:
        now = self.now
        found = []
        for key in self.by_unit.get(unit, ()):
            answer = now.get(key)
            if answer is not None and (answer[1] == unit or unit in answer[2]):
                found.append((key, answer))
        found.sort()
        return found

    def items_on(self, kind: str, town: str) -> list[str]:
        now = self.now
        found = []
        for item in self.by_town.get(town, ()):
            answer = now.get((town, item))
            if answer is not None and answer[0] == kind:
                found.append(item)
        found.sort()
        return found

    def reclaim(self, items: Sequence[str], towns: Sequence[str], to: str,
                effective: datetime.date) -> int:
        day = effective.toordinal()
        moves = [(town, item) for item in items for town in towns]
        for key in moves:
            periods = self.history[key]
            index = bisect_right(periods.starts, day) - 1
            if index < 0 or day >= periods.ends[index] or periods.answers[index][1] != key[0]:
                raise TransferRefused(key)
            if index != len(periods.starts) - 1:
                raise TransferRefused(key)
        for key in moves:
            periods = self.history[key]
            periods.ends[-1] = day
            answer = ("reclaimed", to, ())
            periods.starts.append(day)
            periods.ends.append(FOREVER)
            periods.answers.append(answer)
            if day <= self.today:
                self.now[key] = answer
            self.by_unit[to].add(key)
        return len(moves)


class PlainDictJson(PlainDict):
    """The dict baseline loaded from the same JSON file (``json.load`` + indexing)."""

    name = "dict (json)"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def add_town(self, plan: TownPlan) -> None:
        pass

    def finish(self) -> None:
        with self.path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        parse = datetime.date.fromisoformat
        self.add_rows([
            (r["unit"], r["item"], r["town"], r["role"], r["list"],
             parse(r["start"]) if r["start"] else None, parse(r["end"]) if r["end"] else None)
            for r in data["records"]
        ])


# --------------------------------------------------------------------------- networkx


class NetworkX:
    """A straightforward networkx DiGraph: an edge from each unit to each (item, town) node
    it has records for, holding those records' periods; every town also has an edge to each
    of its (item, town) nodes, so that a town's lists can be listed."""

    name = "networkx"

    def __init__(self) -> None:
        import networkx as nx

        self.graph = nx.DiGraph()
        self.notes: dict[str, str] = {}

    def begin(self, data: Dataset) -> None:
        for kind, code, _name, _parent in data.units():
            self.graph.add_node(code, kind=kind)

    def add_town(self, plan: TownPlan) -> None:
        graph = self.graph
        for unit, item, town, role, kind, start, end in plan.rows:
            node = (item, town)
            span = (start.toordinal() if start else 0, end.toordinal() if end else FOREVER,
                    role, kind)
            if graph.has_edge(unit, node):
                graph[unit][node]["periods"].append(span)
            else:
                graph.add_edge(unit, node, periods=[span])
            if not graph.has_edge(town, node):
                graph.add_edge(town, node, periods=[])

    def finish(self) -> None:
        pass

    def _answer(self, node: tuple[str, str], day: int) -> Answer | None:
        kind = primary = None
        secondary = []
        for unit, data in self.graph.pred[node].items():
            for start, end, role, listed in data["periods"]:
                if start <= day < end:
                    if role == "primary":
                        primary, kind = unit, listed
                    else:
                        secondary.append(unit)
        if primary is None or kind is None:
            return None
        return (kind, primary, tuple(sorted(secondary)))

    def owner(self, item: str, town: str, at: datetime.date | None = None) -> Answer:
        answer = self._answer((item, town), _day(at))
        if answer is None:
            raise KeyError((item, town, at))
        return answer

    def primary(self, answer: Any) -> str:
        return str(answer[1])

    def duties(self, unit: str) -> list[tuple[tuple[str, str], Answer]]:
        day = _day(None)
        found = []
        for node, data in self.graph.succ[unit].items():
            if any(s <= day < e for s, e, _r, _k in data["periods"]):
                answer = self._answer(node, day)
                if answer is not None:
                    found.append((node, answer))
        found.sort()
        return found

    def items_on(self, kind: str, town: str) -> list[str]:
        day = _day(None)
        found = []
        for node in self.graph.succ[town]:
            answer = self._answer(node, day)
            if answer is not None and answer[0] == kind:
                found.append(node[0])
        found.sort()
        return found

    def reclaim(self, items: Sequence[str], towns: Sequence[str], to: str,
                effective: datetime.date) -> int:
        graph, day = self.graph, effective.toordinal()
        moves = [(item, town) for item in items for town in towns]
        for node in moves:
            answer = self._answer(node, day)
            if answer is None or answer[1] != node[1]:
                raise TransferRefused(node)
        for node in moves:
            for _unit, data in graph.pred[node].items():
                data["periods"] = [
                    (s, day, r, k) if s <= day < e else (s, e, r, k)
                    for s, e, r, k in data["periods"]
                ]
            span = (day, FOREVER, "primary", "reclaimed")
            if graph.has_edge(to, node):
                graph[to][node]["periods"].append(span)
            else:
                graph.add_edge(to, node, periods=[span])
        return len(moves)


# --------------------------------------------------------------------------- Casbin

CASBIN_MODEL = """
[request_definition]
r = sub, dom, obj, act, day

[policy_definition]
p = sub, dom, obj, act, list, start, end

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && r.dom == p.dom && r.obj == p.obj && r.act == p.act \
&& r.day >= p.start && r.day < p.end
"""
"""RBAC with domains (the town is the domain), with a record's validity as two fields."""

OPEN_START = "0001-01-01"
OPEN_END = "9999-12-31"


def _adapter(rules: list[list[str]]) -> Any:
    """An in-memory Casbin adapter that loads rules as Casbin's file adapter does (by
    appending them to the model's policy); writes are accepted and dropped."""
    from casbin.persist import Adapter

    class RuleAdapter(Adapter):  # type: ignore[misc]
        def load_policy(self, model: Any) -> None:
            policy = model.model["p"]["p"].policy
            for rule in rules:
                policy.append(rule)

        def add_policies(self, sec: str, ptype: str, rules: Any) -> bool:
            return True

        def remove_policies(self, sec: str, ptype: str, rules: Any) -> bool:
            return True

    return RuleAdapter()


def _casbin_rows(plan: TownPlan) -> list[list[str]]:
    return [
        [unit, town, item, role, kind, start.isoformat() if start else OPEN_START,
         end.isoformat() if end else OPEN_END]
        for unit, item, town, role, kind, start, end in plan.rows
    ]


class CasbinDefault:
    """Casbin's default ``Enforcer`` with the RBAC-with-domains model above, one policy
    line per record; questions go through ``get_filtered_policy`` (a scan)."""

    name = "casbin"

    def __init__(self) -> None:
        self.rules: list[list[str]] = []
        self.enforcer: Any = None
        self.notes = {
            "owner": "get_filtered_policy(1, town, item): a scan of every policy line",
            "duties": "get_filtered_policy(0, unit), in-force lines of the unit",
            "items_on": "get_filtered_policy(1, town), in-force primary lines",
            "reclaim": "remove_policies + add_policies (ended and new lines)",
        }

    def begin(self, data: Dataset) -> None:
        pass

    def add_town(self, plan: TownPlan) -> None:
        self.rules += _casbin_rows(plan)

    def finish(self) -> None:
        import casbin

        model = casbin.Enforcer.new_model(text=CASBIN_MODEL)
        self.enforcer = casbin.Enforcer(model, _adapter(self.rules))
        self.rules = []

    def _lines(self, town: str, item: str) -> list[list[str]]:
        return self.enforcer.get_filtered_policy(1, town, item)  # type: ignore[no-any-return]

    @staticmethod
    def _answer(lines: list[list[str]], day: str) -> Answer | None:
        kind = primary = None
        secondary = []
        for unit, _town, _item, role, listed, start, end in lines:
            if start <= day < end:
                if role == "primary":
                    primary, kind = unit, listed
                else:
                    secondary.append(unit)
        if primary is None or kind is None:
            return None
        return (kind, primary, tuple(sorted(secondary)))

    def owner(self, item: str, town: str, at: datetime.date | None = None) -> Answer:
        day = (at or datetime.date.today()).isoformat()
        answer = self._answer(self._lines(town, item), day)
        if answer is None:
            raise KeyError((item, town, at))
        return answer

    def primary(self, answer: Any) -> str:
        return str(answer[1])

    def enforce(self, unit: str, town: str, item: str, day: datetime.date) -> bool:
        return bool(self.enforcer.enforce(unit, town, item, "primary", day.isoformat()))

    def _unit_lines(self, unit: str) -> list[list[str]]:
        return self.enforcer.get_filtered_policy(0, unit)  # type: ignore[no-any-return]

    def _town_lines(self, town: str) -> list[list[str]]:
        return self.enforcer.get_filtered_policy(1, town)  # type: ignore[no-any-return]

    def duties(self, unit: str) -> list[tuple[str, str, str, str]]:
        day = datetime.date.today().isoformat()
        found = [
            (line[1], line[2], line[3], line[4])
            for line in self._unit_lines(unit)
            if line[5] <= day < line[6]
        ]
        found.sort()
        return found

    def items_on(self, kind: str, town: str) -> list[str]:
        day = datetime.date.today().isoformat()
        found = [
            line[2]
            for line in self._town_lines(town)
            if line[3] == "primary" and line[4] == kind and line[5] <= day < line[6]
        ]
        found.sort()
        return found

    def reclaim(self, items: Sequence[str], towns: Sequence[str], to: str,
                effective: datetime.date) -> int:
        day = effective.isoformat()
        old: list[list[str]] = []
        new: list[list[str]] = []
        for item in items:
            for town in towns:
                lines = self._lines(town, item)
                answer = self._answer(lines, day)
                if answer is None or answer[1] != town:
                    raise TransferRefused((item, town))
                for line in lines:
                    if line[5] <= day < line[6]:
                        old.append(list(line))
                        new.append([*line[:6], day])
                new.append([to, town, item, "primary", "reclaimed", day, OPEN_END])
        self.enforcer.remove_policies(old)
        self.enforcer.add_policies(new)
        return len(items) * len(towns)


class CasbinFast(CasbinDefault):
    """Casbin's ``FastEnforcer``, its policy indexed by (town, item): the fastest honest
    encoding for "who is primary" (a filtered read of the index, and ``enforce``).

    For ``duties`` and ``items_on`` it keeps two more FastEnforcers over the same lines,
    indexed by unit and by town; they are built after the load and memory are measured,
    so the load and memory columns are those of the (town, item) index alone.
    """

    name = "casbin fast"

    def __init__(self) -> None:
        super().__init__()
        self.by_unit: Any = None
        self.by_town: Any = None
        self.notes = {
            "owner": "FastEnforcer(cache_key_order=[1, 2]): fast_policy_filter(town, item)",
            "duties": "a second FastEnforcer indexed by unit (cache_key_order=[0])",
            "items_on": "a third FastEnforcer indexed by town (cache_key_order=[1])",
            "reclaim": "remove_policies + add_policies on the (town, item) index only",
        }
        self.all_rules: list[list[str]] = []

    def finish(self) -> None:
        self.all_rules = self.rules
        self.enforcer = self._fast([1, 2])
        self.rules = []

    def _fast(self, order: list[int]) -> Any:
        import casbin
        from casbin.model import FastModel

        model = FastModel(order)
        model.load_model_from_text(CASBIN_MODEL)
        return casbin.FastEnforcer(model, _adapter(self.all_rules), cache_key_order=order)

    def build_secondary_indexes(self) -> None:
        self.by_unit = self._fast([0])
        self.by_town = self._fast([1])
        self.all_rules = []

    @staticmethod
    def _filtered(enforcer: Any, *keys: str) -> list[list[str]]:
        from casbin.model import fast_policy_filter

        policy = enforcer.get_model().model["p"]["p"].policy
        with fast_policy_filter(policy, *keys):
            return list(policy)

    def _lines(self, town: str, item: str) -> list[list[str]]:
        return self._filtered(self.enforcer, town, item)

    def _unit_lines(self, unit: str) -> list[list[str]]:
        return self._filtered(self.by_unit, unit)

    def _town_lines(self, town: str) -> list[list[str]]:
        return self._filtered(self.by_town, town)


BACKENDS: dict[str, Callable[..., Backend]] = {
    "kunshan_rbac": Library,
    "kunshan_rbac-json": LibraryJson,
    "dict": PlainDict,
    "dict-json": PlainDictJson,
    "networkx": NetworkX,
    "casbin": CasbinDefault,
    "casbin-fast": CasbinFast,
}
