"""Tests of what the engine exports share: ids, grants from the answers, probe dates."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr
from fixtures_authz import tricky
from kunshan_rbac._authz import encode, grant_rows, grants, probe_dates, town_duties

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


# The SHA-256 of every file the three exports write, as the writers wrote them before they
# read the graph town by town (files with tests for tricky(), without for the sample).
TRICKY = {
    "cedar/entities.json": "ee4da8147096f3105b19afac9607b83786a7912966107698e6d8461588b4179e",
    "cedar/policies.cedar": "43600a60c70c6d49ce652b4fe464f046748fffeac6f43305f3359a7f29828868",
    "cedar/requests.jsonl": "60a1bdf5acac2be589eb68100c29ca332b9f6d70e905d3297b0b13d08594f363",
    "cedar/schema.cedarschema": "e56d2bd410c5f3f5c04c95811e3cfb9bc36c53c4a6424ffab6ef19bebea2ba21",
    "cedar/schema.cedarschema.json":
        "76d1743dd9d0194eeb48774f1a0d97100c80da5f44f09b0f2d870096aa875c6c",
    "openfga/model.fga": "1b965327e62e57a68ffe470d69788b9daf8be677e995b24920fc58e071fb1ab0",
    "openfga/model.json": "b0851035dabafb42ba600251e2f7f179579a24d9d9959bdde3091b9472037e96",
    "openfga/store.fga.yaml": "1d8e29dd13edd0458544ae17af41cff176877ba626e4dcb6a02e6e8f9b574690",
    "openfga/tuples.json": "ef2f143042005c9ec5966eef9bfd3d5317db03e7b0009c81e82732674c56b354",
    "spicedb/relationships.txt": "786d99ec18ea93ceb007ea85f9859984fb07aba0ba395bbbd9e9a41b622a5ab6",
    "spicedb/schema.zed": "466b666eddf2ff368a9a89a818fffe904bfe73e7c5552d064e0d9cde0716df42",
    "spicedb/validation.yaml": "67db45cd7e4b5020129002e945cb22207d9b4c80ddf39199c34c478266e1809d",
}
SAMPLE = {
    "cedar/entities.json": "bc537e6d0f4192f931a74836479473acdb4cf2fa57f56b9d3163d24fec9adc4a",
    "cedar/policies.cedar": "ef629eeb9377a5115effb5f4847a4e895d83bbfac96103a29636aa80e6cb4741",
    "cedar/schema.cedarschema": "454533e969440f28b5ab3b97a9de0b7dc9387fb64c688458e70f9e8aefd6f08c",
    "cedar/schema.cedarschema.json":
        "b3e9f95f7d8b8e4d802c65b4d447ff6feec1b70667058b1ce879bbac36c59497",
    "openfga/model.fga": "1b965327e62e57a68ffe470d69788b9daf8be677e995b24920fc58e071fb1ab0",
    "openfga/model.json": "b0851035dabafb42ba600251e2f7f179579a24d9d9959bdde3091b9472037e96",
    "openfga/tuples.json": "dfb579cc67a098a6df5a045c75c6513b5d672128535456da8173fb9d921aa82e",
    "spicedb/relationships.txt": "f094212fe94b21b0d8547cdd12ddffa507d59714ec8b3b2b3007cb2b47e5f35c",
    "spicedb/schema.zed": "466b666eddf2ff368a9a89a818fffe904bfe73e7c5552d064e0d9cde0716df42",
}


def written(graph: kr.ResponsibilityGraph, folder: Path, *, tests: bool) -> dict[str, str]:
    """The SHA-256 of each file that the three exports of ``graph`` write into ``folder``."""
    kr.to_openfga(graph).write(folder / "openfga", tests=tests)
    kr.to_cedar(graph).write(folder / "cedar", requests=tests)
    kr.to_spicedb(graph).write(folder / "spicedb", tests=tests)
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_exports_write_the_same_bytes_as_before(tmp_path: Path) -> None:
    """Non-ASCII codes, a duty held in two periods, secondaries, the sample's transfers:
    every file of every export is byte for byte what the earlier writers wrote."""
    assert written(tricky(), tmp_path / "tricky", tests=True) == TRICKY
    assert written(kr.load_sample(), tmp_path / "sample", tests=False) == SAMPLE


def test_a_changed_byte_is_caught(tmp_path: Path) -> None:
    """Test of the test: an export with one more transfer differs in hash."""
    g = tricky()
    g.reclaim(["B-2"], towns=["town-b"], to="zjj", effective="2030-01-01", ref="文3")
    assert written(g, tmp_path, tests=False) != {
        name: digest for name, digest in TRICKY.items()
        if name.rsplit("/", 1)[-1] not in ("store.fga.yaml", "requests.jsonl", "validation.yaml")}


def test_town_duties_are_the_grants_one_town_at_a_time() -> None:
    """Each town comes once, in order, its duties each once, and flattened they are
    the grants in their order."""
    g = tricky()
    towns = list(town_duties(g))
    assert [t for t, _ in towns] == sorted({t for t, _ in towns})
    flat = [(item, town, kind, unit, role, periods) for town, duties in towns
            for item, kind, holders in duties for unit, role, periods in holders]
    assert flat == list(grant_rows(g))
    for _, duties in towns:
        keys = [(item, kind) for item, kind, _ in duties]
        assert len(keys) == len(set(keys))
        assert all(holders for _, _, holders in duties)
