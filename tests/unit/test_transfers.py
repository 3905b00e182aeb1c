"""Tests of kunshan_rbac._transfers: reclaim, delegate, revert, atomic and history-keeping."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import kunshan_rbac as kr
from kunshan_rbac._jsonio import dumps


@pytest.fixture
def g() -> kr.ResponsibilityGraph:
    """周庄镇 and 锦溪镇 holding two penalty items, and the housing bureau leading ZJ-002."""
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("zhouzhuang", "周庄镇", aliases=("周庄",)))
    graph.add_unit(kr.Town("jinxi", "锦溪镇"))
    graph.add_unit(kr.Department("zhj", "市综合行政执法局", aliases=("市综合执法局",)))
    graph.add_unit(kr.Department("zjj", "市住房和城乡建设局", aliases=("市住建局",)))
    graph.add_item(kr.Item("ZF-0101", "对擅自占用城市道路的处罚", power_type="行政处罚"))
    graph.add_item(kr.Item("ZF-0102", "对擅自设置户外广告的处罚", power_type="行政处罚"))
    graph.add_item(kr.Item("ZJ-002", "住宅专项维修资金日常管理"))
    for town in ("zhouzhuang", "jinxi"):
        for item in ("ZF-0101", "ZF-0102"):
            graph.assign(item, town=town, list="basic", primary=town, start="2021-01-01",
                         grant="苏政发〔2020〕91号")
        graph.assign("ZJ-002", town=town, list="cooperative", primary="zjj", secondary=[town],
                     start="2021-01-01", duty="审核", secondary_duty="受理")
    return graph


def test_reclaim_as_the_issue_writes_it(g: kr.ResponsibilityGraph) -> None:
    """The issue's reclaim example behaves as written."""
    t = g.reclaim(["ZF-0101", "ZF-0102"], towns=["zhouzhuang"], to="市综合行政执法局",
                  effective="2025-03-01", ref="昆编办〔2025〕3号", reason="专业性强,乡镇无力承接",
                  keep_secondary=True)
    assert g.owner("ZF-0101", town="zhouzhuang", at="2025-02-28").primary.code == "zhouzhuang"
    own = g.owner("ZF-0101", town="zhouzhuang", at="2025-03-01")
    assert own.primary.name == "市综合行政执法局"
    assert own.list is kr.ListKind.RECLAIMED
    assert [u.code for u in own.secondary] == ["zhouzhuang"]
    assert t.kind is kr.TransferKind.RECLAIM
    assert t.items == ("ZF-0101", "ZF-0102")
    assert t.towns == ("zhouzhuang",)
    assert t.from_units == ("zhouzhuang",)
    assert t.to_unit == "zhj"
    assert t.effective == datetime.date(2025, 3, 1)
    assert t.ref == "昆编办〔2025〕3号"
    assert g.owner("ZF-0101", town="jinxi", at="2025-03-01").primary.code == "jinxi"


def test_reclaim_drops_the_town_by_default(g: kr.ResponsibilityGraph) -> None:
    """Without keep_secondary the town keeps no role in a reclaimed item."""
    g.reclaim("ZF-0101", towns="zhouzhuang", to="zhj", effective="2025-03-01")
    assert g.owner("ZF-0101", town="zhouzhuang", at="2025-03-01").secondary == ()


def test_reclaim_without_towns_takes_every_holding_town(g: kr.ResponsibilityGraph) -> None:
    """towns=None reclaims from every town that is primary on the date."""
    t = g.reclaim(["ZF-0101"], to="zhj", effective="2025-03-01")
    assert t.towns == ("jinxi", "zhouzhuang")


def test_delegate_hands_down_and_keeps_the_department(g: kr.ResponsibilityGraph) -> None:
    """delegate() makes the town primary on BASIC, the department secondary by default."""
    t = g.delegate(["ZJ-002"], towns=None, effective="2024-06-01", ref="昆政办〔2024〕8号",
                   keep_secondary=True, secondary_duty="政策指导、使用监管")
    assert t.towns == ("jinxi", "zhouzhuang")
    assert t.to_unit is None
    assert t.to_units == ("jinxi", "zhouzhuang")
    own = g.owner("ZJ-002", town="zhouzhuang", at="2024-06-01")
    assert own.list is kr.ListKind.BASIC
    assert own.primary.code == "zhouzhuang"
    assert [u.code for u in own.secondary] == ["zjj"]
    before = g.owner("ZJ-002", town="zhouzhuang", at="2024-05-31")
    assert before.list is kr.ListKind.COOPERATIVE
    assert before.primary.code == "zjj"


def test_history_is_never_rewritten(g: kr.ResponsibilityGraph) -> None:
    """After reclaim and revert, every earlier date names the same owners as before.

    Only the end of the period in force on those dates changes, from open to the
    reclaim's effective date.
    """
    days = ["2020-12-31", "2021-01-01", "2024-01-01", "2025-02-28"]

    def answers() -> dict[str, object]:
        result: dict[str, object] = {}
        for day in days:
            own = g.explain("ZF-0101", town="zhouzhuang", at=day).ownership
            result[day] = own and (own.list, own.primary, own.secondary, own.start)
        return result

    before = answers()
    t = g.reclaim(["ZF-0101"], towns=["zhouzhuang"], to="zhj", effective="2025-03-01")
    g.revert(t, effective="2026-01-01", ref="昆编办〔2026〕1号")
    assert answers() == before
    assert g.owner("ZF-0101", town="zhouzhuang", at="2025-02-28").end == datetime.date(2025, 3, 1)
    periods = g.history("ZF-0101", town="zhouzhuang")
    assert [(p.start, p.primary.code, p.list) for p in periods] == [
        (datetime.date(2021, 1, 1), "zhouzhuang", kr.ListKind.BASIC),
        (datetime.date(2025, 3, 1), "zhj", kr.ListKind.RECLAIMED),
        (datetime.date(2026, 1, 1), "zhouzhuang", kr.ListKind.BASIC),
    ]
    assert [x.kind for x in g.transfers(item="ZF-0101")] == [
        kr.TransferKind.RECLAIM, kr.TransferKind.REVERT
    ]
    restored = g.owner("ZF-0101", town="zhouzhuang", at="2026-01-01")
    assert {r.grant for r in restored.records} == {"苏政发〔2020〕91号"}


def test_future_dated_transfers_leave_today_alone(g: kr.ResponsibilityGraph) -> None:
    """A transfer dated in the future changes only answers from that date."""
    g.reclaim(["ZF-0102"], to="zhj", effective="2099-01-01")
    assert g.owner("ZF-0102", town="jinxi").primary.code == "jinxi"
    assert g.owner("ZF-0102", town="jinxi", at="2099-01-01").primary.code == "zhj"


def test_a_failing_transfer_lists_every_reason_and_changes_nothing(
    g: kr.ResponsibilityGraph,
) -> None:
    """TransferError collects all reasons; the canonical dump is unchanged."""
    g.reclaim(["ZF-0102"], towns=["jinxi"], to="zhj", effective="2025-06-01")
    snapshot = dumps(g)
    with pytest.raises(kr.TransferError) as info:
        g.reclaim(["ZF-0101", "ZJ-002", "NOPE", "ZF-0102"], towns=["zhouzhuang", "jinxi"],
                  to="zhj", effective="2025-03-01")
    reasons = "\n".join(info.value.reasons)
    assert "'NOPE'" in reasons
    assert "ZJ-002 in town zhouzhuang: the primary on 2025-03-01 is zjj" in reasons
    assert "ZF-0102 in town jinxi: effective date 2025-03-01 falls before a later change" in (
        reasons
    )
    assert isinstance(info.value, ValueError)
    assert dumps(g) == snapshot
    with pytest.raises(kr.TransferError, match="is a town, not a department"):
        g.reclaim(["ZF-0101"], towns=["zhouzhuang"], to="jinxi", effective="2025-03-01")
    with pytest.raises(kr.TransferError, match="does not hold it"):
        g.reclaim(["ZF-0101"], towns=["zhouzhuang"], to="zhj", effective="2020-01-01")
    with pytest.raises(kr.TransferError, match="effective date"):
        g.reclaim(["ZF-0101"], to="zhj", effective="2025-02-30")
    with pytest.raises(kr.TransferError, match="only a department's lead can be delegated"):
        g.delegate(["ZF-0101"], towns=["jinxi"], effective="2025-03-01")
    assert dumps(g) == snapshot


def test_revert_checks_that_nothing_changed_since(g: kr.ResponsibilityGraph) -> None:
    """A revert applies once, not before its transfer, and not after later changes."""
    t = g.reclaim(["ZF-0101"], towns=["zhouzhuang"], to="zhj", effective="2025-03-01")
    with pytest.raises(kr.TransferError, match="before transfer #1 took effect"):
        g.revert(t, effective="2025-01-01")
    back = g.revert(t.id, effective="2025-09-01")
    assert back.reverts == t.id
    with pytest.raises(kr.TransferError, match="changed since transfer #1"):
        g.revert(t, effective="2026-01-01")
    with pytest.raises(kr.TransferError, match="not a transfer of this graph"):
        g.revert(99, effective="2026-01-01")


def test_other_secondaries_keep_assisting(g: kr.ResponsibilityGraph) -> None:
    """A reclaim keeps other assisting departments as secondary, with their duty."""
    g.add_item(kr.Item("X", "镇级事项"))
    g.assign("X", town="jinxi", list="basic", primary="jinxi", secondary=["zjj"],
             secondary_duty="业务指导")
    g.reclaim(["X"], towns=["jinxi"], to="zhj", effective="2025-01-01")
    own = g.owner("X", town="jinxi", at="2025-01-01")
    assert [u.code for u in own.secondary] == ["zjj"]
    assert {r.duty for r in own.records if r.unit == "zjj"} == {"业务指导"}


def test_batch_reclaim_of_347_items_in_10_towns_is_one_transfer() -> None:
    """Reclaiming 347 items across 10 towns is one call and one transfer."""
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Department("zhj", "市综合行政执法局"))
    towns = [f"t{i}" for i in range(10)]
    for code in towns:
        graph.add_unit(kr.Town(code, f"{code}镇"))
    items = [f"R{i:03d}" for i in range(347)]
    for code in items:
        graph.add_item(kr.Item(code, f"处罚事项{code}", power_type="行政处罚"))
        for town in towns:
            graph.assign(code, town=town, list="basic", primary=town, grant="赋权")
    t = graph.reclaim(items, towns=towns, to="zhj", effective="2025-07-01")
    assert len(t.moves) == 3470
    s = kr.stats(graph, at="2025-07-01")
    assert s.distinct(kr.ListKind.RECLAIMED) == 347
    assert s.mean(kr.ListKind.RECLAIMED) == 347.0
    assert s.total(kr.ListKind.BASIC) == 0


@pytest.mark.parametrize("keep_secondary", [False, True])
def test_a_reclaim_numbers_its_new_records_in_item_and_town_order(
    g: kr.ResponsibilityGraph, keep_secondary: bool,
) -> None:
    """The records a transfer opens take the ids after every stored one, one after
    another in (item, town) order and, within a move, in the order opened (the
    department's, then the town's); each move names its own, and no id is used twice."""
    top = max(r.id for r in g.records())
    t = g.reclaim(["ZF-0102", "ZF-0101"], towns=["zhouzhuang", "jinxi"], to="zhj",
                  effective="2025-03-01", keep_secondary=keep_secondary)
    per_move = 2 if keep_secondary else 1
    assert [(m.item, m.town) for m in t.moves] == sorted(
        (item, town) for item in ("ZF-0101", "ZF-0102") for town in ("jinxi", "zhouzhuang"))
    opened = [i for m in t.moves for i in m.opened]
    assert opened == list(range(top + 1, top + 1 + per_move * len(t.moves)))
    records = {r.id: r for r in g.records()}
    assert len(records) == len(g.records())
    for move in t.moves:
        units = [records[i].unit for i in move.opened]
        assert units == (["zhj", move.town] if keep_secondary else ["zhj"])
        assert all((records[i].item, records[i].town) == (move.item, move.town)
                   for i in (*move.opened, *move.closed))


def test_duplicate_names_in_a_transfer_are_reasons(g: kr.ResponsibilityGraph) -> None:
    """Naming an item or a town twice is reported, not silently merged."""
    with pytest.raises(kr.TransferError, match="named twice"):
        g.reclaim(["ZF-0101", "ZF-0101"], to="zhj", effective="2025-01-01")
    with pytest.raises(kr.TransferError, match="named twice"):
        g.reclaim(["ZF-0101"], towns=["jinxi", "锦溪镇"], to="zhj", effective="2025-01-01")


def test_transfer_text_names_kind_and_document(g: kr.ResponsibilityGraph) -> None:
    """str(transfer) is a readable line."""
    t = g.reclaim(["ZF-0101"], towns=["周庄"], to="zhj", effective="2025-03-01",
                  ref="昆编办〔2025〕3号", reason="专业性强")
    assert str(t) == (
        "transfer #1 reclaim (收回) effective 2025-03-01, 昆编办〔2025〕3号: 专业性强; "
        "1 item(s) in 1 town(s), from zhouzhuang to zhj"
    )


def test_text_fields_must_be_strings(g: kr.ResponsibilityGraph) -> None:
    """A document reference that is not text is a reason, not a broken record."""
    with pytest.raises(kr.TransferError, match="ref must be a string"):
        g.reclaim(["ZF-0101"], to="zhj", effective="2025-03-01", ref=None)  # type: ignore[arg-type]


def test_delegate_records_the_grant(g: kr.ResponsibilityGraph) -> None:
    """A delegated power carries its empowering document on the town's record."""
    g.delegate(["ZJ-002"], towns=["jinxi"], effective="2025-01-01", grant="昆政发〔2025〕1号")
    own = g.owner("ZJ-002", town="jinxi", at="2025-01-01")
    assert [r.grant for r in own.records if r.unit == "jinxi"] == ["昆政发〔2025〕1号"]


def test_reclaim_to_an_unknown_unit_is_a_reason(g: kr.ResponsibilityGraph) -> None:
    """A reclaim whose target names no unit fails with that reason, and changes nothing."""
    snapshot = dumps(g)
    with pytest.raises(kr.TransferError) as info:
        g.reclaim(["ZF-0101"], towns=["zhouzhuang"], to="没有这个局", effective="2025-03-01")
    assert [r for r in info.value.reasons if r.startswith("target '没有这个局'")]
    assert dumps(g) == snapshot


@pytest.mark.parametrize("field", ["ref", "reason", "duty", "secondary_duty", "grant"])
def test_delegate_text_fields_must_be_strings(g: kr.ResponsibilityGraph, field: str) -> None:
    """Every text a delegation writes on records or in the log must be a string."""
    with pytest.raises(kr.TransferError, match=f"{field} must be a string"):
        g.delegate(["ZJ-002"], towns=["jinxi"], effective="2025-01-01", **{field: 7})
    assert g.owner("ZJ-002", town="jinxi", at="2025-01-01").primary.code == "zjj"


@pytest.mark.parametrize("field", ["ref", "reason", "duty", "secondary_duty"])
def test_reclaim_text_fields_must_be_strings(g: kr.ResponsibilityGraph, field: str) -> None:
    """Every text a reclaim writes on records or in the log must be a string."""
    with pytest.raises(kr.TransferError, match=f"{field} must be a string"):
        g.reclaim(["ZF-0101"], towns=["jinxi"], to="zhj", effective="2025-01-01",
                  **{field: 7})


@pytest.mark.parametrize("field", ["ref", "reason"])
def test_revert_text_fields_must_be_strings(g: kr.ResponsibilityGraph, field: str) -> None:
    """A revert's document reference and reason must be strings."""
    t = g.reclaim(["ZF-0101"], towns=["jinxi"], to="zhj", effective="2025-01-01")
    with pytest.raises(kr.TransferError, match=f"{field} must be a string"):
        g.revert(t, effective="2025-06-01", **{field: 7})
    assert g.owner("ZF-0101", town="jinxi", at="2025-06-01").primary.code == "zhj"


def test_reclaim_of_a_conflicting_answer_names_the_conflict(g: kr.ResponsibilityGraph) -> None:
    """A named town where two units are primary on the effective day cannot be reclaimed
    from: the reason says the town has two primaries on that day."""
    g.assign("ZF-0101", town="jinxi", list="basic", primary="zjj", start="2024-01-01")
    with pytest.raises(kr.TransferError) as info:
        g.reclaim(["ZF-0101"], towns=["jinxi"], to="zhj", effective="2025-03-01")
    assert list(info.value.reasons) == [
        "item ZF-0101 in town jinxi: 2 primary units on 2025-03-01"
    ]


def test_revert_restores_duties_grants_and_sources(g: kr.ResponsibilityGraph) -> None:
    """A revert re-opens copies of the ended records with their duty and grant; their
    source is the revert's document when one is given, else the original source."""
    t = g.delegate(["ZJ-002"], towns=["jinxi", "zhouzhuang"], effective="2025-01-01",
                   ref="下放文", grant="赋权文")
    g.revert(t, effective="2025-06-01", ref="收回文")
    own = g.owner("ZJ-002", town="jinxi", at="2025-06-01")
    assert own.primary.code == "zjj"
    assert sorted((r.unit, r.duty, r.source) for r in own.records) == [
        ("jinxi", "受理", "收回文"), ("zjj", "审核", "收回文"),
    ]
    g2 = kr.ResponsibilityGraph()
    g2.add_unit(kr.Town("jinxi", "锦溪镇"))
    g2.add_unit(kr.Department("zjj", "市住房和城乡建设局"))
    g2.add_item(kr.Item("ZJ-002", "住宅专项维修资金日常管理"))
    g2.assign("ZJ-002", town="jinxi", list="cooperative", primary="zjj", secondary=["jinxi"],
              start="2021-01-01", duty="审核", secondary_duty="受理", source="原文",
              grant="原赋权")
    t2 = g2.delegate(["ZJ-002"], towns=["jinxi"], effective="2025-01-01", ref="下放文")
    g2.revert(t2, effective="2025-06-01")
    own2 = g2.owner("ZJ-002", town="jinxi", at="2025-06-01")
    assert own2.list is kr.ListKind.COOPERATIVE
    assert sorted((r.unit, r.role.value, r.duty, r.source, r.grant) for r in own2.records) == [
        ("jinxi", "secondary", "受理", "原文", ""),
        ("zjj", "primary", "审核", "原文", "原赋权"),
    ]


def test_a_record_ending_on_the_effective_date_is_not_in_force(
    g: kr.ResponsibilityGraph,
) -> None:
    """A record that ends exactly on a transfer's effective date is neither in force then
    nor a later change: the only reason is that the town no longer holds the item."""
    g.add_item(kr.Item("E", "到期事项"))
    g.assign("E", town="jinxi", list="basic", primary="jinxi", start="2021-01-01",
             end="2025-03-01")
    with pytest.raises(kr.TransferError) as info:
        g.reclaim(["E"], towns=["jinxi"], to="zhj", effective="2025-03-01")
    assert list(info.value.reasons) == [
        "item E in town jinxi: the town does not hold it on 2025-03-01 (it is on no list then)"
    ]


def test_a_record_starting_on_the_effective_date_is_a_later_change(
    g: kr.ResponsibilityGraph,
) -> None:
    """A record that starts on the effective date counts as a later change, and the
    message quotes exactly the dates of the later changes from that day on."""
    g.reclaim(["ZF-0101"], towns=["jinxi"], to="zhj", effective="2025-03-01")
    with pytest.raises(kr.TransferError) as info:
        g.reclaim(["ZF-0101"], towns=["jinxi"], to="zhj", effective="2025-03-01")
    assert len(info.value.reasons) == 1
    assert "(on 2025-03-01); transfers must follow each other in date order" in (
        info.value.reasons[0]
    )
    with pytest.raises(kr.TransferError) as info:
        g.delegate(["ZJ-002"], towns=["jinxi"], effective="2020-06-01")
    assert "(on 2021-01-01)" in info.value.reasons[0]


def _reasons(call: Any) -> list[str]:
    """The reasons of the TransferError that ``call`` must raise."""
    with pytest.raises(kr.TransferError) as info:
        call()
    return list(info.value.reasons)


def test_a_name_that_cannot_be_resolved_is_one_reason(g: kr.ResponsibilityGraph) -> None:
    """An unknown item among known ones is reported once, as unknown, and is not mistaken
    for a repeat of the name before it."""
    reasons = _reasons(lambda: g.reclaim(["ZF-0101", "NOPE"], towns=["jinxi"], to="zhj",
                                         effective="2025-03-01"))
    assert len(reasons) == 1
    assert reasons[0].startswith("item 'NOPE': ")
    assert "named twice" not in reasons[0]


def test_a_town_named_twice_is_planned_once(g: kr.ResponsibilityGraph) -> None:
    """A town named twice (by code and by name) is one reason, and the town's own
    problems are reported once, not once per naming."""
    reasons = _reasons(lambda: g.reclaim(["ZJ-002"], towns=["jinxi", "锦溪镇"], to="zhj",
                                         effective="2025-03-01"))
    assert reasons == [
        "town '锦溪镇' is named twice",
        "item ZJ-002 in town jinxi: the primary on 2025-03-01 is zjj, not the town; only a "
        "town's own items can be reclaimed",
    ]


def test_no_holding_town_is_the_reason_when_towns_are_not_named(
    g: kr.ResponsibilityGraph,
) -> None:
    """With towns=None, an item that no town leads on the day is refused with that reason
    (not with a vaguer "nothing to move")."""
    reasons = _reasons(lambda: g.reclaim(["ZJ-002"], to="zhj", effective="2025-03-01"))
    assert reasons == ["item ZJ-002: no town holds it as reclaim requires on 2025-03-01"]
    reasons = _reasons(lambda: g.delegate(["ZF-0101"], effective="2025-03-01"))
    assert reasons == ["item ZF-0101: no town holds it as delegate requires on 2025-03-01"]


def test_later_change_quotes_only_dates_from_the_effective_day(
    g: kr.ResponsibilityGraph,
) -> None:
    """A record in force on the effective day that ends later is a later change; the
    message quotes its end, not its start, which lies before the effective day."""
    g.add_item(kr.Item("E", "限期事项"))
    g.assign("E", town="jinxi", list="basic", primary="jinxi", start="2021-01-01",
             end="2026-01-01")
    reasons = _reasons(lambda: g.reclaim(["E"], towns=["jinxi"], to="zhj",
                                         effective="2025-03-01"))
    assert reasons == [
        "item E in town jinxi: effective date 2025-03-01 falls before a later change of the "
        "same item and town (on 2026-01-01); transfers must follow each other in date order"
    ]


def test_a_later_change_is_the_only_reason_for_its_item_and_town(
    g: kr.ResponsibilityGraph,
) -> None:
    """An (item, town) that changes after the effective day is refused for that alone:
    what it looks like on the day is not judged as well."""
    g.delegate(["ZJ-002"], towns=["jinxi"], effective="2025-06-01")
    reasons = _reasons(lambda: g.reclaim(["ZJ-002"], towns=["jinxi"], to="zhj",
                                         effective="2025-03-01"))
    assert reasons == [
        "item ZJ-002 in town jinxi: effective date 2025-03-01 falls before a later change of "
        "the same item and town (on 2025-06-01); transfers must follow each other in date "
        "order"
    ]


def test_a_wrong_target_is_the_only_reason(g: kr.ResponsibilityGraph) -> None:
    """A reclaim to a town is refused for its target alone; the items are not then
    planned as if the town were a department."""
    reasons = _reasons(lambda: g.reclaim(["ZF-0101"], towns=["jinxi"], to="jinxi",
                                         effective="2025-03-01", keep_secondary=True))
    assert reasons == [
        "target 'jinxi' is a town, not a department; reclaimed items go to a department"
    ]


def test_delegating_a_towns_own_item_is_one_reason(g: kr.ResponsibilityGraph) -> None:
    """Delegating an item a town already leads is refused with that reason alone."""
    reasons = _reasons(lambda: g.delegate(["ZF-0101"], towns=["jinxi"],
                                          effective="2025-03-01"))
    assert reasons == [
        "item ZF-0101 in town jinxi: the primary on 2025-03-01 is jinxi, a town; only a "
        "department's lead can be delegated"
    ]


def test_delegate_keeps_other_assisting_departments(g: kr.ResponsibilityGraph) -> None:
    """A delegation keeps every other assisting unit as secondary, with its duty."""
    g.add_item(kr.Item("X", "协作事项"))
    g.assign("X", town="jinxi", list="cooperative", primary="zjj", secondary=["jinxi", "zhj"],
             start="2021-01-01", secondary_duty="配合")
    g.delegate(["X"], towns=["jinxi"], effective="2025-01-01", keep_secondary=False)
    own = g.owner("X", town="jinxi", at="2025-01-01")
    assert own.primary.code == "jinxi"
    assert [u.code for u in own.secondary] == ["zhj"]
    assert [(r.unit, r.duty) for r in own.records if r.role is kr.Role.SECONDARY] == [
        ("zhj", "配合")
    ]


def test_a_revert_never_leaves_a_unit_both_primary_and_secondary(
    g: kr.ResponsibilityGraph,
) -> None:
    """Every transfer names exactly one primary that is not also secondary: a revert that
    would re-open a department as both is refused, once, and changes nothing."""
    g.add_item(kr.Item("X", "协作事项"))
    g.assign("X", town="jinxi", list="cooperative", primary="zjj", secondary=["zjj"],
             start="2021-01-01")
    t = g.delegate(["X"], towns=["jinxi"], effective="2025-01-01")
    snapshot = dumps(g)
    reasons = _reasons(lambda: g.revert(t, effective="2025-06-01"))
    assert reasons == [
        "item X in town jinxi: the transfer would leave it without exactly one primary "
        "(primary ['zjj'], secondary ['zjj'])"
    ]
    assert dumps(g) == snapshot
    g.reclaim(["X"], towns=["jinxi"], to="zhj", effective="2025-06-01")
    reasons = _reasons(lambda: g.revert(t, effective="2025-09-01"))
    assert len(reasons) == 1
    assert "it has changed since transfer #1" in reasons[0]


def test_changed_since_names_what_it_is_and_what_the_transfer_left(
    g: kr.ResponsibilityGraph,
) -> None:
    """A revert refused because the item changed quotes the list and lead now and the
    list and lead the transfer left."""
    t = g.reclaim(["ZF-0101"], towns=["zhouzhuang"], to="zhj", effective="2025-03-01")
    g.revert(t, effective="2025-09-01")
    reasons = _reasons(lambda: g.revert(t, effective="2026-01-01"))
    assert reasons == [
        "item ZF-0101 in town zhouzhuang: it has changed since transfer #1 (now basic led by "
        "zhouzhuang, the transfer left it reclaimed led by zhj)"
    ]


def test_a_revert_into_a_conflict_names_the_conflict(g: kr.ResponsibilityGraph) -> None:
    """A revert on a day where the (item, town) has two primaries is refused with that
    reason."""
    t = g.reclaim(["ZF-0101"], towns=["zhouzhuang"], to="zhj", effective="2025-03-01")
    g.assign("ZF-0101", town="zhouzhuang", list="reclaimed", primary="zjj", start="2025-06-01")
    reasons = _reasons(lambda: g.revert(t, effective="2025-09-01"))
    assert reasons == ["item ZF-0101 in town zhouzhuang: 2 primary units on 2025-09-01"]


def test_a_revert_on_its_transfers_day_falls_before_the_transfers_records(
    g: kr.ResponsibilityGraph,
) -> None:
    """A revert may be dated on its transfer's day (it is not before it), but the records
    the transfer opened that day are a later change, and that is the one reason."""
    t = g.reclaim(["ZF-0101"], towns=["zhouzhuang"], to="zhj", effective="2025-03-01")
    reasons = _reasons(lambda: g.revert(t, effective="2025-03-01"))
    assert reasons == [
        "item ZF-0101 in town zhouzhuang: effective date 2025-03-01 falls before a later "
        "change of the same item and town (on 2025-03-01); transfers must follow each other "
        "in date order"
    ]


def test_delegate_without_towns_takes_only_towns_a_department_leads(
    g: kr.ResponsibilityGraph,
) -> None:
    """delegate(towns=None) hands down the item in the towns where a department leads it
    on the day, and leaves alone towns that lead it themselves or hold nothing then."""
    g.add_unit(kr.Town("qiandeng", "千灯镇"))
    g.add_item(kr.Item("Y", "混合事项"))
    g.assign("Y", town="jinxi", list="cooperative", primary="zjj", secondary=["jinxi"],
             start="2021-01-01")
    g.assign("Y", town="zhouzhuang", list="basic", primary="zhouzhuang", start="2021-01-01")
    g.assign("Y", town="qiandeng", list="cooperative", primary="zjj", start="2021-01-01",
             end="2024-01-01")
    t = g.delegate(["Y"], effective="2025-03-01")
    assert t.towns == ("jinxi",)
    assert g.owner("Y", town="jinxi", at="2025-03-01").primary.code == "jinxi"
    assert g.owner("Y", town="zhouzhuang", at="2025-03-01").primary.code == "zhouzhuang"
