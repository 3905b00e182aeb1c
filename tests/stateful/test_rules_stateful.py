"""Stateful test: from a clean graph, any sequence of successful transfers leaves it clean.

The machine applies random reclaims, delegations and reverts (a transfer that cannot
apply raises `TransferError` and changes nothing, so it is skipped), and after each step
``kr.check`` must find no error. A plain reference model (who leads each moved item now)
is checked against ``owner`` on the way. A deliberately broken reclaim, which opens the
new records but forgets to end the old ones, shows that the machine catches such a bug.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

import kunshan_rbac as kr
from strategies import EPOCH, graphs


class TransfersKeepGraphsClean(RuleBasedStateMachine):
    """Random transfers on a clean graph, with ``check`` as the invariant."""

    graph: kr.ResponsibilityGraph

    @initialize(graph=graphs(transfers=False))
    def start(self, graph: kr.ResponsibilityGraph) -> None:
        """Take a clean graph without history, and start the clock in 2020.

        A graph with no record gets one basic-list item, so that transfers have work.
        """
        if not graph.records():
            graph.assign(graph.items()[0].code, town=graph.towns()[0].code, list="basic",
                         primary=graph.towns()[0].code)
        self.graph = graph
        self.day = EPOCH
        self.model: dict[tuple[str, str], tuple[str, kr.ListKind]] = {}
        self.items = [i.code for i in graph.items()]
        self.towns = [t.code for t in graph.towns()]
        self.departments = [d.code for d in graph.departments()]

    def advance(self, days: int) -> datetime.date:
        """Move the clock on: transfers follow each other in date order."""
        self.day += datetime.timedelta(days=days)
        return self.day

    def record(self, transfer: kr.Transfer) -> None:
        """Update the reference model with the moves of a successful transfer."""
        event(f"{transfer.kind.value} applied")
        event("some transfer applied")
        for move in transfer.moves:
            self.model[(move.item, move.town)] = (move.to_unit, move.to_list)

    def led(self, day: datetime.date, *, by_town: bool) -> list[tuple[str, str]]:
        """The (item, town) pairs led by the town (or by a department) on ``day``."""
        found = []
        for item in self.items:
            for town in self.towns:
                try:
                    owner = self.graph.owner(item, town=town, at=day)
                except kr.KunshanRbacError:
                    continue
                if (owner.primary.code == town) is by_town:
                    found.append((item, town))
        return found

    def target(self, data: st.DataObject, day: datetime.date, *, by_town: bool,
               ) -> tuple[str, str]:
        """Mostly an (item, town) the transfer can move; sometimes any, to test refusals."""
        candidates = self.led(day, by_town=by_town)
        aim = data.draw(st.integers(0, 4), label="aim") > 0
        if candidates and aim:
            return data.draw(st.sampled_from(candidates), label="pair")
        return (data.draw(st.sampled_from(self.items), label="item"),
                data.draw(st.sampled_from(self.towns), label="town"))

    @rule(data=st.data(), days=st.integers(1, 200), keep=st.booleans(), every=st.booleans())
    def reclaim(self, data: st.DataObject, days: int, keep: bool, every: bool) -> None:
        """Take an item back from one town, or from every town holding it."""
        day = self.advance(days)
        item, town = self.target(data, day, by_town=True)
        to = data.draw(st.sampled_from(self.departments), label="to")
        try:
            transfer = self.graph.reclaim([item], towns=None if every else [town], to=to,
                                          effective=day, keep_secondary=keep,
                                          ref="昆编〔2025〕1号")
        except kr.TransferError:
            return
        self.record(transfer)

    @rule(data=st.data(), days=st.integers(1, 200), keep=st.booleans(), every=st.booleans())
    def delegate(self, data: st.DataObject, days: int, keep: bool, every: bool) -> None:
        """Hand an item down to one town, or to every town where a department leads it."""
        day = self.advance(days)
        item, town = self.target(data, day, by_town=False)
        try:
            transfer = self.graph.delegate([item], towns=None if every else [town],
                                           effective=day, keep_secondary=keep,
                                           ref="昆编〔2025〕2号")
        except kr.TransferError:
            return
        self.record(transfer)

    @rule(data=st.data(), days=st.integers(1, 200))
    def revert(self, data: st.DataObject, days: int) -> None:
        """Undo an earlier transfer."""
        transfers = self.graph.transfers()
        if not transfers:
            return
        target = data.draw(st.sampled_from(transfers))
        try:
            transfer = self.graph.revert(target, effective=self.advance(days),
                                         ref="昆编〔2025〕3号")
        except kr.TransferError:
            return
        self.record(transfer)

    @invariant()
    def clean(self) -> None:
        """No error over the whole history, nor on the current day."""
        report = kr.check(self.graph)
        assert report.ok, str(report)
        assert kr.check(self.graph, at=self.day).ok

    @invariant()
    def matches_model(self) -> None:
        """Each moved item is led by the unit and list the last transfer gave it."""
        for (item, town), (unit, kind) in self.model.items():
            owner = self.graph.owner(item, town=town, at=self.day)
            assert (owner.primary.code, owner.list) == (unit, kind)


TestTransfersKeepGraphsClean = TransfersKeepGraphsClean.TestCase


class ForgetfulReclaim(TransfersKeepGraphsClean):
    """Broken on purpose: reclaims by opening new records without ending the old ones."""

    @rule(data=st.data(), days=st.integers(1, 200), keep=st.booleans())
    def reclaim(self, data: st.DataObject, days: int, keep: bool) -> None:
        """Put the item on the reclaimed list from a day, leaving the basic record open."""
        item = data.draw(st.sampled_from(self.items))
        to = data.draw(st.sampled_from(self.departments))
        day = self.advance(days)
        for town in self.towns:
            try:
                owner = self.graph.owner(item, town=town, at=day)
            except kr.KunshanRbacError:
                continue
            if owner.primary.code == town:
                self.graph.assign(item, town=town, list=kr.ListKind.RECLAIMED, primary=to,
                                  secondary=[town] if keep else [], start=day)

    def matches_model(self) -> None:
        """Not an invariant here: only ``check`` is to catch the bug."""


def test_the_machine_catches_a_reclaim_that_forgets_to_end_records() -> None:
    """Run against the broken reclaim, the machine fails on a one-primary error."""
    with pytest.raises(AssertionError, match="one-primary"):
        run_state_machine_as_test(
            ForgetfulReclaim,
            settings=settings(max_examples=200, derandomize=True, database=None,
                              deadline=None, suppress_health_check=list(HealthCheck)),
        )
