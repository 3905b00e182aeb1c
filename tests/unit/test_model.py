"""Tests of kunshan_rbac._model: frozen values, validators and labels."""

from __future__ import annotations

import copy
import datetime
import pickle

import attrs
import pytest

import kunshan_rbac as kr


def test_values_are_frozen() -> None:
    """Units, items and records cannot be changed in place."""
    town = kr.Town("yushan", "玉山镇")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        town.name = "别的"  # type: ignore[misc]
    assert attrs.evolve(town, name="玉山").name == "玉山"


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (lambda: kr.Town("", "玉山镇"), "code"),
        (lambda: kr.Town("has space", "玉山镇"), "code"),
        (lambda: kr.Town("yushan", "  "), "name"),
        (lambda: kr.Department("zjj", "市住建局", aliases=("",)), "aliases"),
        (lambda: kr.Item("A", "事项", power_type=""), "power_type"),
        (lambda: kr.Item("A", "事项", parent="has space"), "parent"),
        (lambda: kr.Record(1, "u", "i", "t", kr.Role.PRIMARY, kr.ListKind.BASIC,
                           datetime.datetime(2025, 1, 1)), "start"),
    ],
)
def test_validators_name_the_field(factory: object, field: str) -> None:
    """Malformed values raise InvalidRecordError naming the field."""
    with pytest.raises(kr.InvalidRecordError) as info:
        factory()  # type: ignore[operator]
    assert info.value.field == field


def test_a_lone_string_basis_is_not_split() -> None:
    """basis= given one string keeps it whole."""
    assert kr.Item("A", "事项", basis="《消防法》").basis == ("《消防法》",)
    assert kr.Item("A", "事项", basis=["《消防法》", "《安全生产法》"]).basis == (
        "《消防法》", "《安全生产法》"
    )


def test_list_kinds_and_roles_read_their_labels() -> None:
    """ListKind and Role parse their names, values and Chinese labels."""
    assert kr.ListKind.parse("基本履职事项清单") is kr.ListKind.BASIC
    assert kr.ListKind.parse("RECLAIMED") is kr.ListKind.RECLAIMED
    assert kr.ListKind.parse("收回") is kr.ListKind.RECLAIMED
    assert kr.Role.parse("主责") is kr.Role.PRIMARY
    assert kr.Role.parse("协办") is kr.Role.SECONDARY
    assert kr.ListKind.COOPERATIVE.label == "配合履职事项清单"
    with pytest.raises(kr.InvalidRecordError):
        kr.ListKind.parse("其他清单")


def test_reprs_are_valid_python() -> None:
    """A value's repr evaluates back to an equal value, so failing examples replay."""
    record = kr.Record(3, "zjj", "ZJ-001", "yushan", kr.Role.SECONDARY, kr.ListKind.BASIC,
                       datetime.date(2024, 6, 1), None, source="昆政办〔2024〕8号")
    namespace = {"Record": kr.Record, "Role": kr.Role, "ListKind": kr.ListKind,
                 "datetime": datetime}
    assert eval(repr(record), namespace) == record
    item = kr.Item("A", "事项", domain="城乡建设", power_type="行政处罚", basis=("《建筑法》",))
    assert eval(repr(item), {"Item": kr.Item}) == item


def test_enforcement_items() -> None:
    """Penalties, coercion and inspection count as enforcement."""
    assert kr.Item("A", "处罚", power_type="行政处罚").is_enforcement
    assert not kr.Item("B", "许可", power_type="行政许可").is_enforcement
    assert not kr.Item("C", "职责").is_enforcement


def test_record_validity() -> None:
    """holds_on follows the half-open interval."""
    record = kr.Record(1, "u", "i", "t", kr.Role.PRIMARY, kr.ListKind.BASIC,
                       datetime.date(2024, 1, 1), datetime.date(2024, 2, 1))
    assert record.holds_on(datetime.date(2024, 1, 1))
    assert not record.holds_on(datetime.date(2024, 2, 1))
    assert record.period == "2024-01-01 – 2024-02-01"


def test_trusted_moves_equal_validated_ones() -> None:
    """The transfers' fast move constructor builds the same value as the checked one,
    each field in its place (every field holds a different value)."""
    from kunshan_rbac._model import _trusted_move

    fields = ("ZJ-001", "yushan", "zhoushi", "zjj", kr.ListKind.BASIC, kr.ListKind.RECLAIMED,
              (3, 4), (9,))
    trusted = _trusted_move(*fields)
    checked = kr.Move(*fields)
    assert [getattr(trusted, f.name) for f in attrs.fields(kr.Move)] == list(fields)
    assert type(trusted) is kr.Move
    assert trusted == checked
    assert copy.deepcopy(trusted) == checked
    assert pickle.loads(pickle.dumps(trusted)) == checked
    assert hash(trusted) == hash(checked)
    assert repr(trusted) == repr(checked)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        trusted.item = "x"  # type: ignore[misc]


def test_trusted_records_equal_validated_ones() -> None:
    """The graph's fast record constructor builds the same value as the checked one,
    each field in its place (every field holds a different value)."""
    from kunshan_rbac._model import _trusted_record

    fields = (7, "zjj", "ZJ-001", "yushan", kr.Role.SECONDARY, kr.ListKind.BASIC,
              datetime.date(2024, 6, 1), datetime.date(2025, 1, 1), "指导", "昆政办〔2024〕8号",
              "2", 3, 5)
    trusted = _trusted_record(*fields)
    checked = kr.Record(*fields[:8], duty="指导", source="昆政办〔2024〕8号", grant="2",
                        opened_by=3, closed_by=5)
    assert [getattr(trusted, f.name) for f in attrs.fields(kr.Record)] == list(fields)
    assert type(trusted) is kr.Record
    assert trusted == checked
    assert hash(trusted) == hash(checked)
    assert repr(trusted) == repr(checked)
    assert attrs.asdict(trusted) == attrs.asdict(checked)
    assert copy.deepcopy(trusted) == checked
    assert pickle.loads(pickle.dumps(trusted)) == checked
    assert attrs.evolve(trusted, duty="") == attrs.evolve(checked, duty="")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        trusted.end = None  # type: ignore[misc]


def test_units_share_their_fields_but_stay_distinct() -> None:
    """Town, Department and Authority have the same first fields in the same order, keep
    their reprs, and a town never equals a department with the same fields."""
    names = [f.name for f in attrs.fields(kr.Town)]
    assert names == [f.name for f in attrs.fields(kr.Department)] == [
        "code", "name", "aliases", "parent"]
    assert [f.name for f in attrs.fields(kr.Authority)] == [*names, "level"]
    assert repr(kr.Department("zjj", "市住建局")) == (
        "Department(code='zjj', name='市住建局', aliases=(), parent=None)")
    assert repr(kr.Authority("ks", "昆山市")) == (
        "Authority(code='ks', name='昆山市', aliases=(), parent=None, level='市')")
    assert kr.Town("x", "某") != kr.Department("x", "某")  # type: ignore[comparison-overlap]
    assert kr.Town("x", "某") == kr.Town("x", "某")
    assert len({kr.Town("x", "某"), kr.Department("x", "某")}) == 2
    assert (kr.Town.kind, kr.Department.kind, kr.Authority.kind) == (
        "town", "department", "authority")
    with pytest.raises(kr.InvalidRecordError):
        kr.Department("has space", "某局")
    with pytest.raises(TypeError):
        kr.Town("x", "某", ("alias",))  # type: ignore[call-arg]
