"""Laws of transfers: atomic when they fail, history-keeping when they apply."""

from __future__ import annotations

import datetime

from hypothesis import event, given
from hypothesis import strategies as st

import kunshan_rbac as kr
from kunshan_rbac._jsonio import dumps
from strategies import EPOCH, LAST_DAY, graphs


@st.composite
def requests(draw: st.DrawFn, graph: kr.ResponsibilityGraph) -> tuple[str, dict[str, object]]:
    """A transfer request on the graph, often one that cannot apply."""
    items = [i.code for i in graph.items()] + ["NO-SUCH-ITEM"]
    towns = [t.code for t in graph.towns()] + ["no-such-town"]
    units = [u.code for u in graph.units()]
    kind = draw(st.sampled_from(["reclaim", "delegate", "revert"]))
    # Late dates follow every recorded change, so many such requests can apply.
    effective = draw(st.dates(EPOCH - datetime.timedelta(days=400), LAST_DAY)
                     | st.dates(LAST_DAY + datetime.timedelta(days=1),
                                LAST_DAY + datetime.timedelta(days=30)))
    late = LAST_DAY + datetime.timedelta(days=1)
    held = [
        (own.item.code, own.town.code, own.primary.kind)
        for own in (
            graph.explain(i.code, town=t.code, at=late).ownership
            for i in graph.items() for t in graph.towns()
        )
        if own is not None
    ]
    departments = [d.code for d in graph.departments()]
    if kind != "revert" and held and draw(st.booleans()):
        # A request built to apply: the named town holds the item as the kind requires.
        item, town, primary_kind = draw(st.sampled_from(held))
        kind = "reclaim" if primary_kind == "town" else "delegate"
        args: dict[str, object] = {"items": [item], "towns": [town], "effective": late}
        if kind == "reclaim":
            args["to"] = draw(st.sampled_from(departments))
        return kind, args
    if kind == "revert":
        ids = [t.id for t in graph.transfers()] + [999]
        return kind, {"transfer": draw(st.sampled_from(ids)), "effective": effective}
    args = {
        "items": draw(st.lists(st.sampled_from(items), min_size=1, max_size=3)
                      | st.lists(st.sampled_from(items[:-1]), min_size=1, max_size=1)),
        "towns": draw(st.none() | st.lists(st.sampled_from(towns), min_size=1, max_size=3)),
        "effective": effective,
        "keep_secondary": draw(st.booleans()),
    }
    if kind == "reclaim":
        args["to"] = draw(st.sampled_from(units))
    return kind, args


def _answers(graph: kr.ResponsibilityGraph, day: datetime.date) -> dict[tuple[str, str], object]:
    found: dict[tuple[str, str], object] = {}
    for item in graph.items():
        for town in graph.towns():
            e = graph.explain(item.code, town=town.code, at=day)
            own = e.ownership
            found[(item.code, town.code)] = (
                e.problem if own is None else (own.list, own.primary.code, own.secondary)
            )
    return found


@given(st.data())
def test_failing_transfers_change_nothing_and_applied_ones_keep_the_past(
    data: st.DataObject,
) -> None:
    """A refused transfer leaves the canonical dump byte-for-byte unchanged; an applied
    one leaves every answer before its effective date as it was."""
    graph = data.draw(graphs())
    kind, args = data.draw(requests(graph))
    before = dumps(graph)
    probe_days = sorted({EPOCH - datetime.timedelta(days=1), EPOCH,
                         data.draw(st.dates(EPOCH - datetime.timedelta(days=400), LAST_DAY))})
    past = {d: _answers(graph, d) for d in probe_days}
    refused: kr.TransferError | None = None
    try:
        transfer = getattr(graph, kind)(**args)
    except kr.TransferError as error:
        refused = error
    if refused is not None:
        event(f"{kind} refused")
        assert refused.reasons
        assert dumps(graph) == before
        return
    event(f"{kind} applied")
    assert graph.transfers()[-1] == transfer
    for day, answers in past.items():
        if day < transfer.effective:
            assert _answers(graph, day) == answers
    records_before = before.count('"id":')
    assert dumps(graph).count('"id":') > records_before
