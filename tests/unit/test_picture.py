"""A unit's whole picture: every item it is on the lists for, with its part in each."""

from __future__ import annotations

import datetime

import pytest

import kunshan_rbac as kr

DAY = datetime.date(2025, 12, 31)


@pytest.fixture(scope="module")
def g() -> kr.ResponsibilityGraph:
    """The sample graph."""
    return kr.load_sample()


def test_a_town_picture_holds_its_reclaimed_items(g: kr.ResponsibilityGraph) -> None:
    """玉山镇 is on the lists for 575 items; duties() gives the 460 where it holds a role,
    and the other 115 are reclaimed items answered for by a department."""
    p = g.picture("玉山镇", at=DAY)
    duties = g.duties("玉山镇", at=DAY)
    assert len(p) == 575
    assert len(duties) == 460
    counts = p.counts()
    assert counts[kr.PictureRole.PRIMARY] + counts[kr.PictureRole.SECONDARY] == 460
    assert counts[kr.PictureRole.RECLAIMED] == 115
    assert {(o.item.code, o.town.code) for o in duties} == {
        (e.item.code, e.town.code) for e in p
        if e.role in (kr.PictureRole.PRIMARY, kr.PictureRole.SECONDARY)
    }
    for e in p:
        if e.role is kr.PictureRole.RECLAIMED:
            assert e.list is kr.ListKind.RECLAIMED
            assert isinstance(e.responsible, kr.Department)


def test_a_department_picture_is_its_duties(g: kr.ResponsibilityGraph) -> None:
    """For a department, the picture's entries are the answers of duties(), with roles."""
    p = g.picture("市住建局", at=DAY)
    duties = g.duties("市住建局", at=DAY)
    assert [e.ownership for e in p] == sorted(
        duties, key=lambda o: (o.town.code, list(kr.ListKind).index(o.list), o.item.code)
    )
    primary = {(o.item.code, o.town.code) for o in duties if o.primary.code == "zjj"}
    assert {(e.item.code, e.town.code) for e in p
            if e.role is kr.PictureRole.PRIMARY} == primary


def test_picture_table_has_a_role_column(g: kr.ResponsibilityGraph) -> None:
    """to_pandas gives one row per entry with the role's code and Chinese label and the
    responsible unit's code and name."""
    df = g.picture("玉山镇", at=DAY).to_pandas()
    assert len(df) == 575
    assert df["role"].value_counts().to_dict() == {
        "secondary": 314, "primary": 146, "reclaimed": 115
    }
    reclaimed = df[df["role"] == "reclaimed"]
    assert set(reclaimed["role_label"]) == {"已收回"}
    assert (reclaimed["primary"] != "yushan").all()
    assert reclaimed["primary_name"].notna().all()


def test_items_filters_by_role(g: kr.ResponsibilityGraph) -> None:
    """items(role) gives the items of the entries with that role, by code or label."""
    p = g.picture("玉山镇", at=DAY)
    assert len(p.items("reclaimed")) == 115
    assert p.items("已收回") == p.items(kr.PictureRole.RECLAIMED)
    assert len(p.items()) == len(p)


def test_conflicts_and_listed_items_are_entries_not_errors() -> None:
    """An (item, town) with two primaries is a conflict entry (no error), one on the
    town's cooperative list without the town is 'listed', and the picture says so."""
    g = kr.ResponsibilityGraph()
    g.add_unit(kr.Town("t", "甲镇"))
    g.add_unit(kr.Department("d", "市甲局"))
    g.add_unit(kr.Department("e", "市乙局"))
    for code in ("A", "B", "C"):
        g.add_item(kr.Item(code, f"事项{code}"))
    g.assign("A", town="t", list="basic", primary="t")
    g.assign("A", town="t", list="basic", primary="d")
    g.assign("B", town="t", list="cooperative", primary="d")
    g.assign("C", town="t", list="reclaimed", primary="e", secondary=["t"])
    p = g.picture("甲镇", at=DAY)
    roles = {e.item.code: e.role for e in p}
    assert roles == {"A": kr.PictureRole.CONFLICT, "B": kr.PictureRole.LISTED,
                     "C": kr.PictureRole.SECONDARY}
    conflict = next(e for e in p if e.item.code == "A")
    assert conflict.ownership is None
    assert conflict.responsible is None
    assert p.to_arrow().num_rows == 3
    with pytest.raises(kr.OwnershipConflictError):
        g.duties("甲镇", at=DAY)


def test_unknown_unit_and_wrong_types_are_refused(g: kr.ResponsibilityGraph) -> None:
    """An unknown unit is UnknownUnitError; a non-string unit or date, InvalidArgumentError."""
    with pytest.raises(kr.UnknownUnitError):
        g.picture("不存在镇", at=DAY)
    with pytest.raises(kr.InvalidArgumentError):
        g.picture(["玉山镇"], at=DAY)  # type: ignore[arg-type]
    with pytest.raises(kr.InvalidArgumentError):
        g.picture("玉山镇", at=20251231)  # type: ignore[arg-type]


def test_picture_text_is_short(g: kr.ResponsibilityGraph) -> None:
    """repr is one line with the counts; str lists the entries."""
    p = g.picture("玉山镇", at=DAY)
    assert repr(p) == ("<Picture 玉山镇 (yushan) on 2025-12-31: 575 entries "
                       "(146 primary, 314 secondary, 115 reclaimed)>")
    assert len(str(p).splitlines()) == 576
