"""Tests of what the engine exports share: ids, grants from the answers, probe dates."""

from __future__ import annotations

import datetime
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr
from fixtures_authz import tricky
from kunshan_rbac._authz import encode, grants, probe_dates

D = datetime.date


@given(st.text(min_size=1))
def test_encode_is_reversible_and_safe(code: str) -> None:
    """Encoded ids are plain ASCII without separators, and decode to the code."""
    encoded = encode(code)
    assert encoded.isascii()
    assert not set(encoded) & set(" |:#@\t\n")
    assert unquote(encoded) == code


def test_plain_codes_stay_as_they_are() -> None:
    """The sample's codes need no encoding."""
    assert encode("B-CJ-043") == "B-CJ-043"
    assert all(encode(u.code) == u.code for u in kr.load_sample().units())


def test_grants_join_touching_periods_and_keep_gaps() -> None:
    """A unit's role on a duty in two periods is one grant with two periods."""
    found = {(g.item, g.town, g.list.value, g.unit, g.role.value): g.periods
             for g in grants(tricky())}
    assert found[("事项1", "镇A", "basic", "镇A", "primary")] == (
        (D(2021, 1, 1), D(2024, 7, 1)), (D(2025, 4, 1), None))
    assert found[("事项1", "镇A", "reclaimed", "zjj", "primary")] == (
        (D(2024, 7, 1), D(2025, 4, 1)),)
    assert found[("B-2", "镇A", "basic", "镇A", "primary")] == ((D(2021, 1, 1), None),)


def test_grants_refuse_conflicting_data() -> None:
    """Two primaries at once: ExportError names the place, since engines would say both."""
    g = tricky()
    g.assign("B-2", town="town-b", list="basic", primary="zjj", start="2022-01-01")
    with pytest.raises(kr.ExportError) as caught:
        list(grants(g))
    assert caught.value.problems[0].sheet == "town-b"
    assert caught.value.problems[0].column == "B-2"


def test_probe_dates_hold_every_boundary_and_the_day_before() -> None:
    """Every record boundary, the day before it, and the random extra dates."""
    days = probe_dates(tricky(), extra=5, seed=1)
    for bound in (D(2021, 1, 1), D(2024, 7, 1), D(2025, 4, 1)):
        assert bound in days
        assert bound - datetime.timedelta(days=1) in days
    assert len(days) == 6 + 5
    assert days == probe_dates(tricky(), extra=5, seed=1)
