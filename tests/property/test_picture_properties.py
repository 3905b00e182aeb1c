"""Laws of `ResponsibilityGraph.picture`: it holds every listed item, with roles that
agree with `owner`."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from hypothesis import given

import kunshan_rbac as kr
from strategies import dates, graphs, messy_graphs

Picturer = Callable[[kr.ResponsibilityGraph, str, datetime.date], list[tuple[str, str, str]]]


def _real(g: kr.ResponsibilityGraph, unit: str, day: datetime.date) -> list[tuple[str, str, str]]:
    return [(e.item.code, e.town.code, e.role.value) for e in g.picture(unit, at=day)]


def _from_duties(g: kr.ResponsibilityGraph, unit: str, day: datetime.date
                 ) -> list[tuple[str, str, str]]:
    """A wrong picture: duties() only, which leaves out reclaimed items."""
    return [(o.item.code, o.town.code, "primary" if o.primary.code == unit else "secondary")
            for o in g.duties(unit, at=day)]


def _expected_role(g: kr.ResponsibilityGraph, unit: str, item: str, town: str,
                   day: datetime.date) -> str:
    try:
        o = g.owner(item, town=town, at=day)
    except kr.OwnershipConflictError:
        return "conflict"
    if o.primary.code == unit:
        return "primary"
    if unit in {u.code for u in o.secondary}:
        return "secondary"
    return "reclaimed" if o.list is kr.ListKind.RECLAIMED else "listed"


def _check(g: kr.ResponsibilityGraph, day: datetime.date, picturer: Picturer) -> None:
    for town in g.towns():
        entries = picturer(g, town.code, day)
        pairs = {(item, t) for item, t, _ in entries}
        for kind in kr.ListKind:
            for item in g.items_on(kind, town=town.code, at=day):
                assert (item.code, town.code) in pairs, (item.code, town.code, kind)
        for item, t, role in entries:
            assert role == _expected_role(g, town.code, item, t, day), (item, t)


@given(graphs(), dates)
def test_a_town_picture_holds_every_listed_item_with_owner_roles(
    g: kr.ResponsibilityGraph, day: datetime.date
) -> None:
    """Every item items_on() lists for a town is in its picture, and each entry's role
    is what owner() says: primary, secondary, reclaimed (a department answers) or listed.
    A department's entries are exactly the (item, town) pairs of its duties()."""
    _check(g, day, _real)
    for dept in g.departments():
        entries = {(e.item.code, e.town.code, e.role) for e in g.picture(dept.code, at=day)}
        assert entries == {
            (o.item.code, o.town.code,
             kr.PictureRole.PRIMARY if o.primary.code == dept.code
             else kr.PictureRole.SECONDARY)
            for o in g.duties(dept.code, at=day)
        }


@given(messy_graphs(), dates)
def test_the_law_holds_on_messy_data(g: kr.ResponsibilityGraph, day: datetime.date) -> None:
    """With conflicting records, the picture still holds every listed item, and a
    conflict is an entry with role conflict rather than an error."""
    _check(g, day, _real)


def test_the_law_catches_a_picture_built_from_duties() -> None:
    """Test of the test: a picture that leaves out reclaimed items fails the law."""
    g = kr.ResponsibilityGraph()
    g.add_unit(kr.Town("t", "甲镇"))
    g.add_unit(kr.Department("d", "市甲局"))
    g.add_item(kr.Item("A", "事项A"))
    g.assign("A", town="t", list="reclaimed", primary="d")
    day = datetime.date(2025, 1, 1)
    _check(g, day, _real)
    with pytest.raises(AssertionError):
        _check(g, day, _from_duties)
