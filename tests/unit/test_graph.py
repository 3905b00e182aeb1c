"""Tests of kunshan_rbac._graph: the catalogue, assignment and the questions."""

from __future__ import annotations

import copy
import datetime
import pickle
import sys
import threading

import networkx as nx
import pytest

import kunshan_rbac as kr
from kunshan_rbac._graph import store_of


@pytest.fixture
def g() -> kr.ResponsibilityGraph:
    """The graph of the issue's contract: one town, one department, one basic item."""
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("yushan", "玉山镇"))
    graph.add_unit(kr.Department("zjj", "市住房和城乡建设局", aliases=("市住建局",)))
    graph.add_item(
        kr.Item("ZJ-001", "住宅专项维修资金使用受理、审核和日常管理", domain="城乡建设",
                basis=("《住宅专项维修资金管理办法》",))
    )
    graph.assign("ZJ-001", town="yushan", list=kr.ListKind.BASIC, primary="yushan",
                 secondary=["市住建局"], start="2024-06-01")
    return graph


def test_contract_calls_work_as_written(g: kr.ResponsibilityGraph) -> None:
    """Every call of the public contract works as the issue writes it."""
    own = g.owner("ZJ-001", town="玉山镇", at="2025年1月1日")
    assert own.primary.code == "yushan"
    assert [u.code for u in own.secondary] == ["zjj"]
    assert own.list is kr.ListKind.BASIC
    assert own.item.code == "ZJ-001"
    assert own.town == kr.Town("yushan", "玉山镇")
    assert own.start == datetime.date(2024, 6, 1)
    assert own.end is None
    duties = g.duties("zjj", at="2025-01-01", role=kr.Role.SECONDARY)
    assert [(o.item.code, o.town.code) for o in duties] == [("ZJ-001", "yushan")]
    assert [i.code for i in g.items_on(kr.ListKind.BASIC, town="yushan", at="2025-01-01")] == [
        "ZJ-001"
    ]
    text = str(g.explain("ZJ-001", town="yushan", at="2025-01-01"))
    assert "2024-06-01" in text
    assert "市住房和城乡建设局" in text
    assert [t.code for t in g.towns()] == ["yushan"]
    assert [d.code for d in g.departments()] == ["zjj"]
    assert [i.code for i in g.items()] == ["ZJ-001"]
    assert isinstance(g.to_networkx(), nx.MultiDiGraph)
    s = kr.stats(g, at="2025-12-31")
    assert s.per_town["玉山镇"][kr.ListKind.BASIC] == 1
    assert s.mean(kr.ListKind.COOPERATIVE) == 0.0
    assert s.distinct(kr.ListKind.RECLAIMED) == 0


def test_owner_by_code_name_and_alias(g: kr.ResponsibilityGraph) -> None:
    """Items and towns are found by code, exact name and normalised name."""
    by_name = g.owner("住宅专项维修资金使用受理、审核和日常管理", town="yushan", at="2025-01-01")
    by_folded = g.owner("住宅专项维修资金使用受理，审核和日常管理 ", town="yushan", at="2025-01-01")
    assert by_name == by_folded == g.owner("ZJ-001", town="yushan", at="2025-01-01")
    assert g.unit("市住建局").code == "zjj"
    assert g.unit("市 住建局").code == "zjj"


def test_validity_is_half_open(g: kr.ResponsibilityGraph) -> None:
    """A record holds from its start day and no longer on its end day."""
    g.add_item(kr.Item("X", "临时事项"))
    g.assign("X", town="yushan", list="basic", primary="yushan", start="2024-01-01",
             end="2024-02-01")
    assert g.owner("X", town="yushan", at="2024-01-01").primary.code == "yushan"
    assert g.owner("X", town="yushan", at="2024-01-31").primary.code == "yushan"
    with pytest.raises(kr.NotAssignedError):
        g.owner("X", town="yushan", at="2024-02-01")
    with pytest.raises(kr.NotAssignedError):
        g.owner("X", town="yushan", at="2023-12-31")


def test_not_assigned_error_says_what_was_searched(g: kr.ResponsibilityGraph) -> None:
    """NotAssignedError is a LookupError naming the lists searched and the held periods."""
    with pytest.raises(kr.NotAssignedError) as info:
        g.owner("ZJ-001", town="yushan", at="2024-05-31")
    error = info.value
    assert isinstance(error, LookupError)
    assert isinstance(error, kr.KunshanRbacError)
    assert error.item == "ZJ-001"
    assert error.town == "yushan"
    assert error.at == datetime.date(2024, 5, 31)
    assert error.searched == tuple(k.label for k in kr.ListKind)
    assert error.held == ((datetime.date(2024, 6, 1), None),)
    assert "基本履职事项清单" in str(error)


def test_unknown_names_raise_key_errors_with_suggestions(g: kr.ResponsibilityGraph) -> None:
    """Unknown items and towns raise KeyError subclasses carrying what was asked."""
    with pytest.raises(kr.UnknownItemError) as item_info:
        g.owner("ZJ-002", town="yushan")
    assert isinstance(item_info.value, KeyError)
    assert item_info.value.item == "ZJ-002"
    assert "ZJ-001" in item_info.value.suggestions
    with pytest.raises(kr.UnknownUnitError) as town_info:
        g.owner("ZJ-001", town="巴城镇")
    assert town_info.value.unit == "巴城镇"
    assert town_info.value.kind == "town"


def test_a_department_is_not_a_town(g: kr.ResponsibilityGraph) -> None:
    """Naming a department where a town is needed says so."""
    with pytest.raises(kr.UnknownUnitError, match="zjj is a department"):
        g.owner("ZJ-001", town="市住建局")


def test_ambiguous_names_list_candidates() -> None:
    """A name that fits two units raises AmbiguousNameError instead of picking one."""
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("a", "城关镇", parent="x"))
    graph.add_unit(kr.Town("b", "城关镇", parent="y"))
    with pytest.raises(kr.AmbiguousNameError) as info:
        graph.town("城关镇")
    assert info.value.candidates == ("a", "b")
    assert isinstance(info.value, LookupError)


def test_two_primaries_raise_conflict_listing_candidates(g: kr.ResponsibilityGraph) -> None:
    """When the data hold two primaries, owner() lists both instead of choosing."""
    g.assign("ZJ-001", town="yushan", list="basic", primary="zjj", start="2025-01-01")
    with pytest.raises(kr.OwnershipConflictError) as info:
        g.owner("ZJ-001", town="yushan", at="2025-06-01")
    assert info.value.candidates == ("yushan", "zjj")
    assert g.owner("ZJ-001", town="yushan", at="2024-12-31").primary.code == "yushan"


def test_no_primary_is_a_conflict() -> None:
    """Secondary records without a primary give a conflict, not an answer."""
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("t", "玉山镇"))
    graph.add_unit(kr.Department("d", "市住建局"))
    graph.add_item(kr.Item("I", "事项"))
    store_of(graph).insert(kr.Record(1, "d", "I", "t", kr.Role.SECONDARY, kr.ListKind.BASIC))
    with pytest.raises(kr.OwnershipConflictError, match="no primary"):
        graph.owner("I", town="t", at="2025-01-01")


def test_records_on_two_lists_at_once_are_a_conflict(g: kr.ResponsibilityGraph) -> None:
    """An item on two lists of a town at once has no single answer."""
    g.assign("ZJ-001", town="yushan", list="cooperative", primary="zjj", start="2025-01-01")
    with pytest.raises(kr.OwnershipConflictError, match="several lists"):
        g.owner("ZJ-001", town="yushan", at="2025-01-01")
    on_basic = g.items_on(kr.ListKind.BASIC, town="yushan", at="2025-01-01")
    on_coop = g.items_on(kr.ListKind.COOPERATIVE, town="yushan", at="2025-01-01")
    assert [i.code for i in on_basic] == [i.code for i in on_coop] == ["ZJ-001"]


def test_assign_rejects_malformed_values(g: kr.ResponsibilityGraph) -> None:
    """assign() refuses unknown references and malformed values, and changes nothing."""
    before = g.records()
    with pytest.raises(kr.InvalidRecordError):
        g.assign("ZJ-001", town="yushan", list="other", primary="yushan")
    with pytest.raises(kr.InvalidDateError):
        g.assign("ZJ-001", town="yushan", list="basic", primary="yushan", start="2025-13-01")
    with pytest.raises(kr.UnknownUnitError):
        g.assign("ZJ-001", town="yushan", list="basic", primary="nobody")
    with pytest.raises(kr.InvalidRecordError):
        g.assign("ZJ-001", town="yushan", list="basic", primary="yushan",
                 secondary=["zjj", "市住建局"])
    with pytest.raises(kr.UnknownUnitError):
        g.assign("ZJ-001", town="zjj", list="basic", primary="yushan")
    assert g.records() == before


def test_assign_keeps_rule_breaking_data(g: kr.ResponsibilityGraph) -> None:
    """Data that break consistency rules load, so that they can be reported."""
    g.add_unit(kr.Town("bacheng", "巴城镇"))
    records = g.assign("ZJ-001", town="bacheng", list="basic", primary="yushan",
                       start="2025-01-01", end="2024-01-01")
    assert len(records) == 1
    assert records[0].end == datetime.date(2024, 1, 1)


def test_duplicate_codes_are_refused_unless_equal(g: kr.ResponsibilityGraph) -> None:
    """Adding an equal value again is a no-op; another value under the code is refused."""
    g.add_unit(kr.Town("yushan", "玉山镇"))
    with pytest.raises(kr.DuplicateCodeError) as info:
        g.add_unit(kr.Town("yushan", "玉山"))
    assert info.value.code == "yushan"
    with pytest.raises(kr.DuplicateCodeError):
        g.add_item(kr.Item("zjj", "与单位同码的事项"))


def test_duties_filters_by_role_and_list(g: kr.ResponsibilityGraph) -> None:
    """duties() returns the unit's roles, filtered by role and list."""
    assert [o.item.code for o in g.duties("yushan", at="2025-01-01")] == ["ZJ-001"]
    assert g.duties("yushan", at="2025-01-01", role="secondary") == []
    assert g.duties("zjj", at="2025-01-01", role=kr.Role.PRIMARY) == []
    assert g.duties("zjj", at="2025-01-01", list="cooperative") == []
    assert g.duties("zjj", at="2024-01-01") == []


def test_sub_items_and_records_listing(g: kr.ResponsibilityGraph) -> None:
    """Sub-items are listed under their parent; records can be filtered."""
    g.add_item(kr.Item("ZJ-001-1", "维修资金应急使用", parent="ZJ-001"))
    assert [i.code for i in g.sub_items("ZJ-001")] == ["ZJ-001-1"]
    assert [r.unit for r in g.records(item="ZJ-001", town="yushan")] == ["yushan", "zjj"]
    assert [r.unit for r in g.records(unit="市住建局")] == ["zjj"]


def test_to_networkx_has_one_node_per_item_and_an_edge_per_record(
    g: kr.ResponsibilityGraph,
) -> None:
    """The networkx view keeps one node per catalogue item, not per (item, town)."""
    g.add_unit(kr.Town("bacheng", "巴城镇"))
    g.assign("ZJ-001", town="bacheng", list="basic", primary="bacheng")
    view = g.to_networkx()
    assert set(view.nodes) == {"yushan", "bacheng", "zjj", "ZJ-001"}
    edges = [(u, v, d["town"], d["role"]) for u, v, d in view.edges(data=True)]
    assert sorted(edges) == [
        ("bacheng", "ZJ-001", "bacheng", "primary"),
        ("yushan", "ZJ-001", "yushan", "primary"),
        ("zjj", "ZJ-001", "yushan", "secondary"),
    ]
    assert view.nodes["ZJ-001"]["kind"] == "item"


def test_history_joins_periods_with_the_same_answer(g: kr.ResponsibilityGraph) -> None:
    """Two consecutive records with the same owners read as one period."""
    g.add_item(kr.Item("Y", "另一事项"))
    g.assign("Y", town="yushan", list="basic", primary="yushan", end="2024-01-01",
             source="旧文件")
    g.assign("Y", town="yushan", list="basic", primary="yushan", start="2024-01-01",
             source="新文件")
    periods = g.history("Y", town="yushan")
    assert len(periods) == 1
    assert periods[0].start is None
    assert periods[0].end is None
    assert [r.source for r in periods[0].records] == ["旧文件", "新文件"]


def test_repr_counts_the_contents(g: kr.ResponsibilityGraph) -> None:
    """The graph's repr says what it holds."""
    assert repr(g) == (
        "<ResponsibilityGraph: 1 towns, 1 other units, 1 items, 2 records, 0 transfers>"
    )


def _answers(graph: kr.ResponsibilityGraph, questions: list[tuple[str, str, str]]
             ) -> list[object]:
    """The graph's answer (or the kind of error) to each (item, town, date) question,
    plus duties() and items_on() of each town on the last date."""
    found: list[object] = []
    for item, town, at in questions:
        try:
            found.append(graph.owner(item, town=town, at=at))
        except kr.KunshanRbacError as exc:
            found.append(type(exc).__name__)
    for town in sorted({t for _, t, _ in questions}):
        found.append(graph.duties(town, at="2025-12-31"))
        found.append(graph.items_on("reclaimed", town=town, at="2025-12-31"))
    return found


def test_concurrent_readers_of_an_unchanging_graph_agree() -> None:
    """Threads that only read one graph, all starting on cold caches at once, get the
    same answers as a single thread: filling the timeline cache on first read is safe."""
    single = kr.load_sample()
    keys = sorted({(r.item, r.town) for r in single.records()})[:1500]
    questions = [(i, t, at) for i, t in keys for at in ("2024-06-01", "2025-12-31", "2030-01-01")]
    expected = _answers(single, questions)
    shared = kr.load_sample()  # nothing cached yet
    threads = 4
    start = threading.Barrier(threads)
    results: dict[int, list[object]] = {}
    failures: list[BaseException] = []

    def read(n: int) -> None:
        try:
            start.wait(timeout=30)
            results[n] = _answers(shared, questions)
        except BaseException as exc:  # reported below, with the thread's number
            failures.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, inside the cache fills
    try:
        workers = [threading.Thread(target=read, args=(n,)) for n in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=120)
    finally:
        sys.setswitchinterval(interval)
    assert not any(w.is_alive() for w in workers), "a reader did not finish"
    assert failures == []
    assert len(results) == threads
    for answers in results.values():
        assert answers == expected


def test_a_graph_pickles_and_copies_whole() -> None:
    """A pickled or deep-copied graph answers as the original, and changing the copy
    leaves the original alone."""
    original = kr.load_sample()
    before = original.owner("B-CJ-001", town="玉山镇", at="2025-08-01")
    for copy_ in (pickle.loads(pickle.dumps(original)), copy.deepcopy(original)):
        assert copy_.owner("B-CJ-001", town="玉山镇", at="2025-08-01") == before
        assert copy_.unit("昆山市住建局") == original.unit("市住建局")
        assert repr(copy_) == repr(original)
        copy_.reclaim("B-CJ-001", towns="玉山镇", to="市住建局", effective="2030-01-01")
        assert copy_.owner("B-CJ-001", town="玉山镇", at="2030-01-01").primary.code != "yushan"
        assert original.owner("B-CJ-001", town="玉山镇", at="2030-01-01") == before
