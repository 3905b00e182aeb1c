"""Tests of the consistency rules: a planted violation and its corrected neighbour per rule,
the report, rule selection, custom rules, and a test of the tests (broken rules that the
planted examples reject)."""

from __future__ import annotations

import datetime
import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest

import kunshan_rbac as kr

Graph = kr.ResponsibilityGraph

BASIC = kr.Item("B-001", "住宅专项维修资金使用受理、审核和日常管理", domain="城乡建设",
                basis="《住宅专项维修资金管理办法》")
COOP = kr.Item("C-001", "配合开展燃气用户安全宣传和隐患排查", domain="城乡建设",
               basis="《城镇燃气管理条例》")
PENALTY = kr.Item("R-001", "对未取得施工许可证擅自施工的处罚", domain="城乡建设",
                  power_type="行政处罚", basis="《建筑法》第六十四条")
GRANT = "苏政发〔2020〕91号"


def catalogue(*items: kr.Item, units: Iterable[kr.Unit] = ()) -> Graph:
    """A graph with 昆山市, two towns, two departments and the given items."""
    g = kr.ResponsibilityGraph()
    g.add_unit(kr.Authority("kunshan", "昆山市"))
    g.add_unit(kr.Town("yushan", "玉山镇", parent="kunshan"))
    g.add_unit(kr.Town("bacheng", "巴城镇", parent="kunshan"))
    g.add_unit(kr.Department("zjj", "市住房和城乡建设局", aliases="市住建局", parent="kunshan"))
    g.add_unit(kr.Department("scj", "市市场监督管理局", aliases="市市场监管局", parent="kunshan"))
    for unit in units:
        g.add_unit(unit)
    for item in items:
        g.add_item(item)
    return g


def with_records(g: Graph, *rows: dict[str, Any]) -> Graph:
    """``g`` plus raw records, loaded through the JSON format as a messy file would be.

    ``assign`` always writes a primary with its secondaries; a spreadsheet can hold a
    secondary alone, and must still load so that ``check`` can report it.
    """
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "graph.json")
        kr.write_json(g, path)
        data = json.loads(path.read_text(encoding="utf-8"))
        first = max((r["id"] for r in data["records"]), default=0) + 1
        for offset, row in enumerate(rows):
            data["records"].append({
                "id": first + offset, "role": "primary", "start": None, "end": None,
                "duty": "", "source": "", "grant": "", "opened_by": None, "closed_by": None,
                **row,
            })
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return kr.read_json(path)


@attrs.frozen
class Case:
    """A planted violation of ``rule`` and its corrected neighbour.

    ``inside`` is a day on which the violation holds, ``outside`` one on which the same
    graph is clean of it (``None``: not time-bound).
    """

    rule: str
    name: str
    bad: Callable[[], Graph] = attrs.field(repr=False)
    good: Callable[[], Graph] = attrs.field(repr=False)
    inside: str | None = None
    outside: str | None = None

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.name}"


# ---------------------------------------------------------------- one-primary


def no_primary_bad() -> Graph:
    g = catalogue(BASIC)
    g.assign("B-001", town="yushan", list="basic", primary="yushan", secondary="zjj",
             start="2024-01-01", end="2025-01-01")
    return with_records(g, {"unit": "zjj", "item": "B-001", "town": "yushan",
                            "role": "secondary", "list": "basic", "start": "2025-01-01"})


def no_primary_good() -> Graph:
    g = catalogue(BASIC)
    g.assign("B-001", town="yushan", list="basic", primary="yushan", secondary="zjj",
             start="2024-01-01", end="2025-01-01")
    g.assign("B-001", town="yushan", list="basic", primary="yushan", secondary="zjj",
             start="2025-01-01")
    return g


def two_primaries(hand_over: str) -> Callable[[], Graph]:
    def build() -> Graph:
        g = catalogue(COOP)
        g.assign("C-001", town="yushan", list="cooperative", primary="zjj",
                 secondary="yushan", start="2024-01-01", end="2025-01-01")
        g.assign("C-001", town="yushan", list="cooperative", primary="scj",
                 secondary="yushan", start=hand_over, end="2026-01-01")
        return g

    return build


def several_lists(reclaimed_from: str) -> Callable[[], Graph]:
    def build() -> Graph:
        g = catalogue(BASIC)
        g.assign("B-001", town="yushan", list="basic", primary="yushan",
                 start="2024-01-01", end="2025-01-01")
        g.assign("B-001", town="yushan", list="reclaimed", primary="zjj", start=reclaimed_from)
        return g

    return build


# ---------------------------------------------------------------- the lists


def assigned(item: kr.Item, list: str, primary: str, secondary: list[str],
             **extra: Any) -> Callable[[], Graph]:
    def build() -> Graph:
        g = catalogue(item)
        g.assign(item.code, town="yushan", list=list, primary=primary, secondary=secondary,
                 start="2024-01-01", **extra)
        return g

    return build


def town_leaves(stays: bool) -> Callable[[], Graph]:
    def build() -> Graph:
        g = catalogue(COOP)
        g.assign("C-001", town="yushan", list="cooperative", primary="zjj",
                 secondary="yushan", start="2024-01-01", end="2025-01-01")
        g.assign("C-001", town="yushan", list="cooperative", primary="zjj",
                 secondary=["yushan"] if stays else [], start="2025-01-01")
        return g

    return build


# ---------------------------------------------------------------- data shape


def dated(start: str, end: str) -> Callable[[], Graph]:
    def build() -> Graph:
        g = catalogue(BASIC)
        g.assign("B-001", town="yushan", list="basic", primary="yushan", secondary="zjj",
                 start=start, end=end)
        return g

    return build


def twice(first_end: str | None) -> Callable[[], Graph]:
    def build() -> Graph:
        g = catalogue(BASIC)
        g.assign("B-001", town="yushan", list="basic", primary="yushan", secondary="zjj",
                 start="2024-01-01", end=first_end)
        g.assign("B-001", town="yushan", list="basic", primary="yushan", secondary="zjj",
                 start="2024-06-01")
        return g

    return build


def parents(*units: kr.Unit) -> Callable[[], Graph]:
    def build() -> Graph:
        g = catalogue(BASIC, units=units)
        g.assign("B-001", town="yushan", list="basic", primary="yushan", start="2024-01-01")
        return g

    return build


def item_parents(cycle: bool) -> Callable[[], Graph]:
    def build() -> Graph:
        parent = kr.Item("B-002", "农村生活垃圾分类收运管理",
                         basis="《江苏省城乡生活垃圾管理条例》",
                         parent="B-003" if cycle else None)
        child = kr.Item("B-003", "农村生活垃圾分类收运管理(收运)", basis="同上", parent="B-002")
        g = catalogue(parent, child)
        for code in ("B-002", "B-003"):
            g.assign(code, town="yushan", list="basic", primary="yushan", start="2024-01-01")
        return g

    return build


# ---------------------------------------------------------------- the catalogue


def one_item(item: kr.Item, *, grant: str = "") -> Callable[[], Graph]:
    def build() -> Graph:
        g = catalogue(item)
        g.assign(item.code, town="yushan", list="basic", primary="yushan", start="2024-01-01",
                 grant=grant)
        return g

    return build


def sub_item(parent_basis: str) -> Callable[[], Graph]:
    def build() -> Graph:
        parent = kr.Item("B-010", "最低生活保障审核确认", basis=parent_basis or ())
        child = kr.Item("B-011", "最低生活保障申请受理、入户调查", parent="B-010")
        g = catalogue(parent, child)
        g.assign("B-011", town="yushan", list="basic", primary="yushan", start="2024-01-01")
        return g

    return build


def orphan(assign_it: bool) -> Callable[[], Graph]:
    def build() -> Graph:
        g = catalogue(BASIC, COOP)
        g.assign("B-001", town="yushan", list="basic", primary="yushan", start="2024-01-01")
        if assign_it:
            g.assign("C-001", town="bacheng", list="cooperative", primary="scj",
                     secondary="bacheng", start="2024-01-01")
        return g

    return build


def named(first: str, second: str) -> Callable[[], Graph]:
    def build() -> Graph:
        g = catalogue(kr.Item("B-020", first, basis="《大气污染防治法》"),
                      kr.Item("B-021", second, basis="《大气污染防治法》"))
        for code in ("B-020", "B-021"):
            g.assign(code, town="yushan", list="basic", primary="yushan", start="2024-01-01")
        return g

    return build


COERCION = attrs.evolve(PENALTY, code="R-002", name="查封施工现场", power_type="行政强制")

CASES = [
    Case("one-primary", "no-primary", no_primary_bad, no_primary_good,
         "2025-06-01", "2024-06-01"),
    Case("one-primary", "two-primaries-overlap", two_primaries("2024-06-01"),
         two_primaries("2025-01-01"), "2024-09-01", "2025-06-01"),
    Case("one-primary", "several-lists", several_lists("2024-06-01"),
         several_lists("2025-01-01"), "2024-09-01", "2025-06-01"),
    Case("primary-not-secondary", "department-both",
         assigned(COOP, "cooperative", "zjj", ["yushan", "zjj"]),
         assigned(COOP, "cooperative", "zjj", ["yushan", "scj"]), "2024-06-01", "2023-06-01"),
    Case("basic-primary-is-town", "department-primary",
         assigned(BASIC, "basic", "zjj", ["yushan"]),
         assigned(BASIC, "basic", "yushan", ["zjj"]), "2024-06-01", "2023-06-01"),
    Case("basic-primary-is-town", "authority-primary",
         assigned(BASIC, "basic", "kunshan", []),
         assigned(BASIC, "basic", "yushan", ["kunshan"]), "2024-06-01", "2023-06-01"),
    Case("cooperative-roles", "town-primary",
         assigned(COOP, "cooperative", "yushan", ["zjj"]),
         assigned(COOP, "cooperative", "zjj", ["yushan"]), "2024-06-01", "2023-06-01"),
    Case("cooperative-roles", "town-not-secondary",
         assigned(COOP, "cooperative", "zjj", ["scj"]),
         assigned(COOP, "cooperative", "zjj", ["scj", "yushan"]), "2024-06-01", "2023-06-01"),
    Case("cooperative-roles", "town-leaves-early", town_leaves(False), town_leaves(True),
         "2025-06-01", "2024-06-01"),
    Case("reclaimed-upward", "town-primary",
         assigned(PENALTY, "reclaimed", "yushan", ["zjj"], grant=GRANT),
         assigned(PENALTY, "reclaimed", "zjj", ["yushan"]), "2024-06-01", "2023-06-01"),
    Case("reclaimed-upward", "authority-primary",
         assigned(PENALTY, "reclaimed", "kunshan", []),
         assigned(PENALTY, "reclaimed", "zjj", []), "2024-06-01", "2023-06-01"),
    Case("own-town-only", "other-town-secondary",
         assigned(BASIC, "basic", "yushan", ["bacheng"]),
         assigned(BASIC, "basic", "yushan", ["zjj"]), "2024-06-01", "2023-06-01"),
    Case("own-town-only", "other-town-primary",
         assigned(COOP, "cooperative", "zjj", ["yushan", "bacheng"]),
         assigned(COOP, "cooperative", "zjj", ["yushan", "scj"]), "2024-06-01", "2023-06-01"),
    Case("valid-interval", "end-before-start", dated("2025-01-01", "2024-01-01"),
         dated("2024-01-01", "2025-01-01"), "2030-01-01"),
    Case("valid-interval", "never-in-force", dated("2024-06-01", "2024-06-01"),
         dated("2024-01-01", "2024-06-02"), "2030-01-01"),
    Case("valid-interval", "overlapping-records", twice(None), twice("2024-06-01"),
         "2024-09-01", "2024-03-01"),
    Case("acyclic-hierarchy", "unit-cycle",
         parents(kr.Department("fgw", "市发展和改革委员会", parent="tjj"),
                 kr.Department("tjj", "市统计局", parent="fgw")),
         parents(kr.Department("fgw", "市发展和改革委员会", parent="kunshan"),
                 kr.Department("tjj", "市统计局", parent="fgw")), "2030-01-01"),
    Case("acyclic-hierarchy", "self-parent",
         parents(kr.Department("fgw", "市发展和改革委员会", parent="fgw")),
         parents(kr.Department("fgw", "市发展和改革委员会", parent="kunshan")), "2030-01-01"),
    Case("acyclic-hierarchy", "item-cycle", item_parents(True), item_parents(False),
         "2030-01-01"),
    Case("has-basis", "no-basis", one_item(attrs.evolve(BASIC, basis=())), one_item(BASIC),
         "2024-06-01", "2023-06-01"),
    Case("has-basis", "sub-item-of-item-without-basis", sub_item(""),
         sub_item("《社会救助暂行办法》第十一条"), "2024-06-01", "2023-06-01"),
    Case("orphan-item", "on-no-list", orphan(False), orphan(True), "2024-06-01"),
    Case("town-capacity", "penalty-without-grant", one_item(PENALTY),
         one_item(PENALTY, grant=GRANT), "2024-06-01", "2023-06-01"),
    Case("town-capacity", "coercion-without-grant", one_item(COERCION),
         one_item(COERCION, grant=GRANT), "2024-06-01", "2023-06-01"),
    Case("duplicate-name", "spaces", named("秸秆禁烧巡查", "秸秆禁烧 巡查"),
         named("秸秆禁烧巡查", "露天焚烧垃圾巡查"), "2030-01-01"),
    Case("duplicate-name", "full-width-punctuation",
         named("矛盾纠纷排查化解(人民调解)", "矛盾纠纷排查化解（人民调解）。"),
         named("矛盾纠纷排查化解(人民调解)", "矛盾纠纷排查化解(行政调解)"), "2030-01-01"),
]
TIMED = [c for c in CASES if c.outside is not None]

Run = Callable[[Graph], Iterable[kr.Violation]]


def builtin(rule_id: str) -> Run:
    """Run one built-in rule through ``kr.check``."""
    return lambda g: kr.check(g, select=[rule_id]).violations


def caught(case: Case, run: Run) -> bool:
    """Whether ``run`` finds a violation in the planted example."""
    return any(True for _ in run(case.bad()))


def passes(case: Case, run: Run) -> bool:
    """Whether ``run`` finds nothing in the corrected neighbour."""
    return not any(True for _ in run(case.good()))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_planted_violation_is_caught(case: Case) -> None:
    """The planted example breaks its rule, and only its rule's id is reported."""
    assert caught(case, builtin(case.rule))
    report = kr.check(case.bad(), select=case.rule)
    assert {v.rule for v in report.violations} == {case.rule}
    severity = {r.id: r.severity for r in kr.RULES}[case.rule]
    assert report.ok is (severity is kr.Severity.WARNING)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_corrected_neighbour_passes(case: Case) -> None:
    """The corrected neighbour breaks no rule at all, on any date."""
    assert passes(case, builtin(case.rule))
    assert kr.check(case.good()).violations == ()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_planted_violation_is_caught_on_a_day_inside_it(case: Case) -> None:
    """Checking a day inside the planted violation's period finds it."""
    assert case.inside is not None
    assert kr.check(case.bad(), at=case.inside, select=case.rule).violations


@pytest.mark.parametrize("case", TIMED, ids=lambda c: c.id)
def test_planted_violation_is_not_reported_on_a_day_outside_it(case: Case) -> None:
    """Checking a day outside the period finds nothing for the rule."""
    assert kr.check(case.bad(), at=case.outside, select=case.rule).violations == ()


def test_every_rule_has_planted_examples() -> None:
    """Each built-in rule has at least one planted violation and neighbour."""
    assert {c.rule for c in CASES} == {r.id for r in kr.RULES}


def test_rule_catalogue_ids_and_severities() -> None:
    """The built-in rules are the issue's twelve, in order, with their severities."""
    expected = [
        ("one-primary", "error"), ("primary-not-secondary", "error"),
        ("basic-primary-is-town", "error"), ("cooperative-roles", "error"),
        ("reclaimed-upward", "error"), ("own-town-only", "error"),
        ("valid-interval", "error"), ("acyclic-hierarchy", "error"),
        ("has-basis", "warning"), ("orphan-item", "warning"),
        ("town-capacity", "warning"), ("duplicate-name", "warning"),
    ]
    assert [(r.id, r.severity.value) for r in kr.RULES] == expected
    assert all(r.description.endswith(".") for r in kr.RULES)


# ---------------------------------------------------------------- what is reported


def test_one_primary_reports_the_period_and_records() -> None:
    """An overlap of two primaries is one violation with its exact period and records."""
    g = two_primaries("2024-06-01")()
    (violation,) = kr.check(g, select="one-primary").violations
    assert violation.item == "C-001"
    assert violation.town == "yushan"
    assert violation.start == datetime.date(2024, 6, 1)
    assert violation.end == datetime.date(2025, 1, 1)
    assert set(violation.records) == {r.id for r in g.records()}
    assert "2 primary units (scj, zjj) from 2024-06-01 until 2025-01-01" in violation.message


def test_a_long_violation_is_reported_once_not_per_day() -> None:
    """Ten years of a wrong primary make one violation, not one per day."""
    g = catalogue(BASIC)
    g.assign("B-001", town="yushan", list="basic", primary="zjj", start="2015-01-01",
             end="2025-01-01")
    assert len(kr.check(g).violations) == 1


def test_one_primary_agrees_with_owner() -> None:
    """Where one-primary reports a conflict, ``owner`` refuses to pick one."""
    g = two_primaries("2024-06-01")()
    with pytest.raises(kr.OwnershipConflictError):
        g.owner("C-001", town="yushan", at="2024-09-01")
    assert g.owner("C-001", town="yushan", at="2025-06-01").primary.code == "scj"


def test_record_violations_name_the_record_and_unit() -> None:
    """A violation of a record-level rule carries the record, its unit and its period."""
    g = assigned(BASIC, "basic", "zjj", ["yushan"])()
    (violation,) = kr.check(g, select="basic-primary-is-town").violations
    record = g.records()[0]
    assert (violation.record, violation.unit, violation.start, violation.end) == (
        record.id, "zjj", record.start, record.end)
    assert violation.records == (record.id,)
    assert "make yushan primary" in violation.message


def test_primary_not_secondary_names_the_secondary_record_to_end() -> None:
    """The secondary record is the one to fix when a unit holds both roles."""
    g = assigned(COOP, "cooperative", "zjj", ["yushan", "zjj"])()
    (violation,) = kr.check(g, select="primary-not-secondary").violations
    secondary = next(r for r in g.records() if r.unit == "zjj" and r.role is kr.Role.SECONDARY)
    assert violation.record == secondary.id
    assert violation.unit == "zjj"


def test_cooperative_gap_covers_only_the_period_without_the_town() -> None:
    """The town leaving the cooperative item early is reported from that day on."""
    (violation,) = kr.check(town_leaves(False)(), select="cooperative-roles").violations
    assert (violation.start, violation.end) == (datetime.date(2025, 1, 1), None)


def test_town_primary_on_the_reclaimed_list_says_so() -> None:
    """A reclaimed item still led by the town is named as such."""
    g = assigned(PENALTY, "reclaimed", "yushan", [], grant=GRANT)()
    (violation,) = kr.check(g, select="reclaimed-upward").violations
    assert violation.message.startswith("the town itself is primary on the reclaimed list")


def test_a_cycle_is_reported_once() -> None:
    """A cycle of three units is one violation naming the whole cycle."""
    g = parents(kr.Department("a", "甲局", parent="b"), kr.Department("b", "乙局", parent="c"),
                kr.Department("c", "丙局", parent="a"))()
    (violation,) = kr.check(g).violations
    assert violation.unit == "a"
    assert "a → b → c → a" in violation.message


def test_duplicate_names_are_reported_once_per_group() -> None:
    """Three items with one normalised name make one warning listing all three."""
    g = named("秸秆禁烧巡查", "秸秆禁烧 巡查")()
    g.add_item(kr.Item("B-022", "秸秆禁烧巡查。", basis="x"))
    g.assign("B-022", town="bacheng", list="basic", primary="bacheng")
    (violation,) = kr.check(g, select="duplicate-name").violations
    assert violation.item == "B-020"
    assert "B-020, B-021, B-022" in violation.message


def test_orphan_depends_on_the_day_checked() -> None:
    """An item whose list entry ended is an orphan after that day, not over all dates."""
    g = catalogue(BASIC)
    g.assign("B-001", town="yushan", list="basic", primary="yushan", start="2024-01-01",
             end="2025-01-01")
    assert kr.check(g).violations == ()
    (violation,) = kr.check(g, at="2025-06-01").violations
    assert violation.rule == "orphan-item"
    assert "on 2025-06-01" in violation.message


def test_a_sub_item_holds_its_parent_off_the_orphan_list() -> None:
    """A parent counts as held through a listed sub-item, and a sub-item through its parent."""
    g = sub_item("《社会救助暂行办法》")()
    assert kr.check(g).violations == ()
    g = catalogue(kr.Item("P", "最低生活保障", basis="x"), kr.Item("P-1", "受理", parent="P"))
    g.assign("P", town="yushan", list="basic", primary="yushan")
    assert kr.check(g).violations == ()


def test_town_capacity_only_for_a_town_as_primary() -> None:
    """A penalty item led by a department, or with the town secondary, needs no grant."""
    g = assigned(PENALTY, "reclaimed", "zjj", ["yushan"])()
    assert kr.check(g, select="town-capacity").violations == ()


def test_specialist_power_types_can_be_configured() -> None:
    """``specialist_power_types`` replaces the default set for town-capacity."""
    licence = attrs.evolve(PENALTY, power_type="行政许可")
    g = one_item(licence)()
    assert kr.check(g).violations == ()
    report = kr.check(g, specialist_power_types="行政许可")
    assert [v.rule for v in report.violations] == ["town-capacity"]
    assert kr.check(one_item(PENALTY)(), specialist_power_types=["行政许可"]).violations == ()
    assert frozenset({"行政处罚", "行政强制"}) == kr.SPECIALIST_POWER_TYPES


def test_specialist_power_types_must_be_names() -> None:
    """An empty power type is refused with a KunshanRbacError."""
    with pytest.raises(kr.InvalidRuleError, match="specialist_power_types"):
        kr.check(catalogue(), specialist_power_types=[""])


def test_messy_data_load_and_report_many_problems_at_once() -> None:
    """One graph with several broken rules reports each of them."""
    g = catalogue(BASIC, COOP, attrs.evolve(PENALTY, basis=()))
    g.assign("B-001", town="yushan", list="basic", primary="zjj", secondary="zjj")
    g.assign("C-001", town="yushan", list="cooperative", primary="yushan", secondary="bacheng")
    g.assign("R-001", town="yushan", list="reclaimed", primary="yushan", start="2025-01-01",
             end="2024-01-01")
    report = kr.check(g)
    assert not report.ok
    assert {v.rule for v in report.violations} == {
        "primary-not-secondary", "basic-primary-is-town", "cooperative-roles",
        "own-town-only", "valid-interval", "orphan-item",
    }


def test_check_leaves_the_graph_unchanged() -> None:
    """Checking reads only: the records and transfers are the same afterwards."""
    g = two_primaries("2024-06-01")()
    before = (g.records(), g.transfers(), repr(g))
    kr.check(g)
    kr.check(g, at="2024-09-01")
    assert (g.records(), g.transfers(), repr(g)) == before


def test_the_date_is_read_like_any_date() -> None:
    """``at`` takes the library's date forms, and a bad one raises InvalidDateError."""
    g = two_primaries("2024-06-01")()
    assert kr.check(g, at="2024年9月1日").at == datetime.date(2024, 9, 1)
    assert kr.check(g, at=datetime.date(2024, 9, 1)).violations
    with pytest.raises(kr.InvalidDateError):
        kr.check(g, at="2024-13-01")


def test_an_empty_graph_is_clean() -> None:
    """Nothing to check, nothing found."""
    report = kr.check(kr.ResponsibilityGraph())
    assert report.ok
    assert report.violations == ()


# ---------------------------------------------------------------- the report


def messy_report() -> kr.Report:
    """A report with errors and warnings in two towns."""
    g = catalogue(BASIC, attrs.evolve(COOP, basis=()))
    g.assign("B-001", town="yushan", list="basic", primary="zjj", start="2024-01-01")
    g.assign("C-001", town="bacheng", list="cooperative", primary="zjj", secondary="bacheng")
    g.assign("B-001", town="bacheng", list="basic", primary="scj", start="2024-01-01")
    return kr.check(g)


def test_report_ok_counts_errors_only() -> None:
    """Warnings leave a report ok; an error does not."""
    warned = kr.check(one_item(PENALTY)())
    assert warned.ok
    assert warned.warnings
    assert not warned.errors
    report = messy_report()
    assert not report.ok
    assert len(report.errors) == 2
    assert len(report.warnings) == 1


def test_report_orders_violations_by_rule_then_town() -> None:
    """Violations come in catalogue order of rules, then by town and item."""
    report = messy_report()
    assert [(v.rule, v.town) for v in report.violations] == [
        ("basic-primary-is-town", "bacheng"),
        ("basic-primary-is-town", "yushan"),
        ("has-basis", None),
    ]
    assert report.rules == tuple(r.id for r in kr.RULES)


def test_report_groups_by_rule_with_every_rule_that_ran() -> None:
    """``by_rule`` lists every rule that ran, empty or not."""
    grouped = messy_report().by_rule()
    assert list(grouped) == [r.id for r in kr.RULES]
    assert len(grouped["basic-primary-is-town"]) == 2
    assert grouped["one-primary"] == ()


def test_report_text_is_a_table_grouped_by_rule_and_town() -> None:
    """``str(report)`` has a summary, a header per rule and per town, and a row each."""
    text = str(messy_report())
    lines = text.splitlines()
    assert lines[0] == "checked 12 rules over all dates: 2 errors, 1 warning"
    assert "basic-primary-is-town (error): 2" in lines
    assert "  巴城镇 (bacheng)" in lines
    assert "  玉山镇 (yushan)" in lines
    assert "  (no town)" in lines
    assert lines.index("  巴城镇 (bacheng)") < lines.index("  玉山镇 (yushan)")
    assert any(line.startswith("    B-001  #") for line in lines)
    assert "one-primary" not in text


def test_clean_report_text_says_so() -> None:
    """A clean report is one line."""
    assert str(kr.check(catalogue(), at="2025-01-01")) == (
        "checked 12 rules on 2025-01-01: no violations"
    )


def test_report_to_dict_and_json() -> None:
    """``to_dict`` and ``to_json`` give the same plain data, Chinese unescaped."""
    report = messy_report()
    data = report.to_dict()
    assert data["ok"] is False
    assert (data["errors"], data["warnings"]) == (2, 1)
    assert data["at"] is None
    assert data["rules"][0] == {"id": "one-primary", "violations": 0}
    first = data["violations"][0]
    assert first["rule"] == "basic-primary-is-town"
    assert first["severity"] == "error"
    assert first["start"] == "2024-01-01"
    assert first["end"] is None
    assert json.loads(report.to_json()) == data
    assert "依据" in report.to_json()
    assert json.loads(report.to_json(indent=None)) == data


def test_violation_repr_is_valid_python() -> None:
    """A violation's repr evaluates back to an equal violation."""
    namespace = {"Violation": kr.Violation, "Severity": kr.Severity, "datetime": datetime}
    for violation in messy_report().violations:
        assert eval(repr(violation), namespace) == violation
    report = messy_report()
    namespace["Report"] = kr.Report
    assert eval(repr(report), namespace) == report


def test_violation_text_and_place() -> None:
    """``str(violation)`` is one line with the rule, severity, place and message."""
    violation = kr.Violation("one-primary", "error", "no primary unit", item="B-001",
                             town="yushan", record=3)
    assert violation.severity is kr.Severity.ERROR
    assert violation.place == "item B-001, town yushan, record #3"
    assert str(violation) == (
        "one-primary (error): item B-001, town yushan, record #3: no primary unit"
    )
    assert str(kr.Violation("x", "warning", "m")) == "x (warning): m"


def test_violation_is_frozen_and_validated() -> None:
    """Violations cannot be changed, and malformed fields are refused."""
    violation = kr.Violation("x", kr.Severity.WARNING, "m")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        violation.message = "other"  # type: ignore[misc]
    with pytest.raises(kr.InvalidRuleError, match="not a severity"):
        kr.Violation("x", "fatal", "m")
    with pytest.raises(TypeError):
        kr.Violation("x", "error", "m", record="3")  # type: ignore[arg-type]


def test_severity_reads_names_and_labels() -> None:
    """Severity parses its value, name and Chinese label; its repr is Python."""
    assert kr.Severity.parse("ERROR") is kr.Severity.ERROR
    assert kr.Severity.parse("错误") is kr.Severity.ERROR
    assert kr.Severity.WARNING.label == "警告"
    assert repr(kr.Severity.WARNING) == "Severity.WARNING"


# ---------------------------------------------------------------- choosing rules


def test_select_takes_one_id_or_several() -> None:
    """``select`` runs only the named rules; a lone string is one id."""
    assert kr.check(catalogue(), select="has-basis").rules == ("has-basis",)
    assert kr.check(catalogue(), select=["has-basis", "one-primary"]).rules == (
        "one-primary", "has-basis")
    assert kr.check(catalogue()).rules == tuple(r.id for r in kr.RULES)


def test_ignore_leaves_rules_out() -> None:
    """``ignore`` removes rules, also from a selection."""
    ids = [r.id for r in kr.RULES]
    assert kr.check(catalogue(), ignore="has-basis").rules == tuple(
        i for i in ids if i != "has-basis")
    assert kr.check(catalogue(), select=["has-basis", "orphan-item"],
                    ignore=["has-basis"]).rules == ("orphan-item",)


def test_unknown_rule_ids_raise_naming_the_known_ones() -> None:
    """An unknown id raises UnknownRuleError (a ValueError) listing the known ids."""
    with pytest.raises(kr.UnknownRuleError) as info:
        kr.check(catalogue(), select=["one-primry", "nope"])
    error = info.value
    assert isinstance(error, ValueError)
    assert isinstance(error, kr.KunshanRbacError)
    assert error.rules == ("one-primry", "nope")
    assert error.known == tuple(r.id for r in kr.RULES)
    assert "did you mean one-primary?" in str(error)
    assert "duplicate-name" in str(error)
    with pytest.raises(kr.UnknownRuleError):
        kr.check(catalogue(), ignore="no-such-rule")


# ---------------------------------------------------------------- custom rules


@kr.rule("duty-text", severity=kr.Severity.WARNING)
def duty_text(graph: Graph, at: datetime.date | None) -> Iterable[kr.Violation]:
    """Every primary record says what the unit does."""
    for record in graph.records():
        if record.role is kr.Role.PRIMARY and not record.duty and (
            at is None or record.holds_on(at)
        ):
            yield kr.Violation("duty-text", kr.Severity.WARNING, "no duty text",
                               item=record.item, town=record.town, record=record.id)


def test_rule_decorator_makes_a_rule() -> None:
    """The decorator returns a Rule with its id, severity and docstring description."""
    assert isinstance(duty_text, kr.Rule)
    assert duty_text.id == "duty-text"
    assert duty_text.severity is kr.Severity.WARNING
    assert duty_text.description == "Every primary record says what the unit does."
    assert repr(duty_text).startswith("Rule(id='duty-text', severity=Severity.WARNING")


def test_custom_rules_run_after_the_built_in_ones() -> None:
    """A custom rule adds its violations to the built-in ones and is selectable."""
    g = assigned(BASIC, "basic", "zjj", [])()
    report = kr.check(g, rules=[duty_text])
    assert [v.rule for v in report.violations] == ["basic-primary-is-town", "duty-text"]
    assert report.rules[-1] == "duty-text"
    assert [v.rule for v in kr.check(g, rules=[duty_text], select="duty-text").violations] == [
        "duty-text"]
    assert kr.check(g, rules=[duty_text], ignore="duty-text").rules == tuple(
        r.id for r in kr.RULES)
    with pytest.raises(kr.UnknownRuleError):
        kr.check(g, select="duty-text")


def test_custom_rule_receives_the_date_checked() -> None:
    """A custom rule gets ``None`` over all dates and the day when one is checked."""
    seen: list[datetime.date | None] = []

    @kr.rule("spy")
    def spy(graph: Graph, at: datetime.date | None) -> Iterable[kr.Violation]:
        seen.append(at)
        return ()

    kr.check(catalogue(), rules=[spy])
    kr.check(catalogue(), at="2025-07-01", rules=[spy])
    assert seen == [None, datetime.date(2025, 7, 1)]


def test_declared_severity_and_id_win() -> None:
    """Violations a rule yields get the rule's id and declared severity."""

    @kr.rule("loud", severity="warning", description="says everything is an error")
    def loud(graph: Graph, at: datetime.date | None) -> Iterable[kr.Violation]:
        yield kr.Violation("other-id", kr.Severity.ERROR, "panic")

    report = kr.check(catalogue(), rules=[loud])
    (violation,) = report.violations
    assert (violation.rule, violation.severity) == ("loud", kr.Severity.WARNING)
    assert report.ok
    assert loud.description == "says everything is an error"
    assert loud(catalogue()) == (violation,)


def test_calling_a_built_in_rule_runs_it_alone() -> None:
    """``rule(graph, at)`` gives what ``check`` gives for that rule."""
    g = two_primaries("2024-06-01")()
    rule = next(r for r in kr.RULES if r.id == "one-primary")
    assert rule(g) == kr.check(g, select="one-primary").violations
    assert rule(g, "2025-06-01") == ()


def test_custom_rule_ids_must_be_free_and_well_formed() -> None:
    """A taken id, a malformed id or severity raise InvalidRuleError."""

    @kr.rule("one-primary")
    def clash(graph: Graph, at: datetime.date | None) -> Iterable[kr.Violation]:
        return ()

    with pytest.raises(kr.InvalidRuleError, match="already used by a built-in rule"):
        kr.check(catalogue(), rules=[clash])
    twin = kr.rule("duty-text")(clash.function)
    with pytest.raises(kr.InvalidRuleError, match="another custom rule"):
        kr.check(catalogue(), rules=[duty_text, twin])
    assert kr.check(catalogue(), rules=[duty_text, duty_text]).rules.count("duty-text") == 1
    with pytest.raises(kr.InvalidRuleError, match="not a rule id"):
        kr.rule("My Rule")
    with pytest.raises(kr.InvalidRuleError, match="not a severity"):
        kr.rule("my-rule", severity="fatal")
    assert isinstance(kr.InvalidRuleError("x"), ValueError)


def test_rules_must_be_rules_and_yield_violations() -> None:
    """Passing a bare function, or yielding something else, is a TypeError."""
    with pytest.raises(TypeError, match=r"@kr\.rule"):
        kr.check(catalogue(), rules=[duty_text.function])  # type: ignore[list-item]

    @kr.rule("chatty")
    def chatty(graph: Graph, at: datetime.date | None) -> Iterable[Any]:
        yield "something is wrong"

    with pytest.raises(TypeError, match=r"must yield kr\.Violation"):
        kr.check(catalogue(), rules=[chatty])


# ---------------------------------------------------------------- a test of the tests


@kr.rule("one-primary")
def ignores_dates(graph: Graph, at: datetime.date | None) -> Iterable[kr.Violation]:
    """Broken: counts primary units per (item, town) over all time, ignoring dates."""
    counts = Counter((r.item, r.town) for r in graph.records() if r.role is kr.Role.PRIMARY)
    for (item, town), count in counts.items():
        if count != 1:
            yield kr.Violation("one-primary", "error", f"{count} primaries", item, town)


@kr.rule("one-primary")
def open_records_only(graph: Graph, at: datetime.date | None) -> Iterable[kr.Violation]:
    """Broken: looks only at open-ended records, as if the present were all that matters."""
    primaries: Counter[tuple[str, str]] = Counter()
    keys = set()
    for r in graph.records():
        if r.end is None:
            keys.add((r.item, r.town))
            primaries[(r.item, r.town)] += r.role is kr.Role.PRIMARY
    for key in keys:
        if primaries[key] != 1:
            yield kr.Violation("one-primary", "error", "not one primary", *key)


ONE_PRIMARY_CASES = [c for c in CASES if c.rule == "one-primary"]


def failures(run: Run) -> list[str]:
    """The one-primary planted cases that ``run`` gets wrong."""
    return [
        c.id for c in ONE_PRIMARY_CASES if not (caught(c, run) and passes(c, run))
    ]


def test_planted_examples_accept_the_real_rule() -> None:
    """The real one-primary rule passes every planted one-primary case."""
    real = next(r for r in kr.RULES if r.id == "one-primary")
    assert failures(real) == []


@pytest.mark.parametrize("broken", [ignores_dates, open_records_only],
                         ids=["ignores-dates", "open-records-only"])
def test_planted_examples_reject_a_broken_rule(broken: kr.Rule) -> None:
    """A one-primary rule that ignores interval overlap fails some planted case.

    ``ignores_dates`` raises a false alarm on a clean hand-over; ``open_records_only``
    misses an overlap of two closed records. Either would make the planted tests fail.
    """
    assert failures(broken)


def test_check_takes_the_date_by_keyword() -> None:
    """check(graph, at=...) is the form; a positional date still works in this release
    with a DeprecationWarning and gives the same report; two positional values or the
    date twice are refused."""
    graph = kr.load_sample()
    expected = kr.check(graph, at="2025-12-31")
    with pytest.warns(DeprecationWarning, match=r"check\(graph, at=\.\.\.\)"):
        old = kr.check(graph, "2025-12-31")  # type: ignore[call-arg]
    assert old == expected
    assert old.at == datetime.date(2025, 12, 31)
    with pytest.raises(TypeError):
        kr.check(graph, "2025-12-31", at="2025-12-31")  # type: ignore[misc]
    with pytest.raises(TypeError):
        kr.check(graph, "2025-12-31", "one-primary")  # type: ignore[call-arg]


UNREAD = kr.Problem("巴城镇_基本履职事项清单.csv", None, 3, "E", "市火星局",
                    "a unit of the catalogue (单位)")


def test_load_problems_make_the_report_not_ok() -> None:
    """Load problems given to check go into the report, which is then not ok and never
    says "no violations", though the rows read break no rule."""
    g = catalogue(BASIC)
    g.assign("B-001", town="yushan", list="basic", primary="yushan")
    clean = kr.check(g)
    assert clean.ok
    assert "no violations" in clean.summary()
    partial = kr.check(g, problems=[UNREAD])
    assert partial.violations == clean.violations
    assert partial.problems == (UNREAD,)
    assert not partial.ok
    assert "no violations" not in partial.summary()
    assert partial.summary().endswith("1 row not read (1 load problem)")
    assert (partial.unread.rows, partial.unread.files) == (1, 0)
    assert str(UNREAD) in str(partial)
    assert partial.to_dict()["problems"] == [UNREAD.to_dict()]
    assert partial.to_dict()["unread"] == {"rows": 1, "files": 0}
    assert partial != clean


def test_read_lists_collect_then_check(tmp_path: Path) -> None:
    """The library flow: lists read with on_error="collect" and checked with their
    problems give a report that names the unread row."""
    (tmp_path / "单位.csv").write_text(
        "编码,名称,类型\nbacheng,巴城镇,镇\nmzj,市民政局,部门\n", encoding="utf-8")
    (tmp_path / "巴城镇_基本履职事项清单.csv").write_text(
        "序号,领域,事项名称,具体工作事项,协同部门,依据\n"
        "1,民生服务,临时救助申请受理,受理申请,市民政局,《社会救助暂行办法》\n"
        "2,民生服务,最低生活保障申请受理,受理申请,市火星局,《社会救助暂行办法》\n",
        encoding="utf-8")
    g, problems = kr.read_lists(tmp_path, on_error="collect")
    report = kr.check(g, problems=problems)
    assert not report.ok
    assert [(p.row, p.column) for p in report.problems] == [(3, "E")]
    assert "row 3, column E" in str(report)


def test_problems_must_be_problems() -> None:
    """Anything but Problem values among the problems is a TypeError naming it."""
    with pytest.raises(TypeError, match=r"kr\.Problem"):
        kr.check(kr.ResponsibilityGraph(), problems=["row 3 is bad"])  # type: ignore[list-item]
