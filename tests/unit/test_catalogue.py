"""Tests of kunshan_rbac._catalogue: units, items and the one name resolver."""

from __future__ import annotations

import pytest

import kunshan_rbac as kr
from kunshan_rbac._catalogue import Catalogue
from kunshan_rbac._graph import catalogue_of


@pytest.fixture
def cat() -> Catalogue:
    """A city, two towns, two departments and an item with a sub-item."""
    catalogue = Catalogue()
    catalogue.add_unit(kr.Authority("kunshan", "昆山市", aliases=("昆山",)))
    catalogue.add_unit(kr.Town("yushan", "玉山镇", aliases=("玉山",), parent="kunshan"))
    catalogue.add_unit(kr.Town("bacheng", "巴城镇", parent="kunshan"))
    catalogue.add_unit(kr.Department("zjj", "市住房和城乡建设局", aliases=("市住建局",)))
    catalogue.add_unit(kr.Department("scjgj", "市市场监督管理局", aliases=("市市场监管局",)))
    catalogue.add_item(kr.Item("ZJ-001", "住宅专项维修资金管理"))
    catalogue.add_item(kr.Item("ZJ-001-1", "维修资金使用审核", parent="ZJ-001"))
    return catalogue


def test_codes_names_aliases_and_folded_names_resolve(cat: Catalogue) -> None:
    """A unit is found by code, name, alias, and name after normalize_name."""
    assert cat.unit_code("zjj") == "zjj"
    assert cat.unit_code("市住房和城乡建设局") == "zjj"
    assert cat.unit_code("市住建局") == "zjj"
    assert cat.unit_code(" 市 住建局 ") == "zjj"
    assert cat.item_code("住宅专项维修资金管理") == "ZJ-001"
    assert cat.item_code("《住宅专项维修资金管理》") == "ZJ-001"


def test_the_authority_prefix_rule(cat: Catalogue) -> None:
    """A unit name with the authority's name in front, or without its leading 市, finds
    the unit when nothing else does."""
    assert cat.unit_code("昆山市住建局") == "zjj"
    assert cat.unit_code("昆山住建局") == "zjj"
    assert cat.unit_code("住建局") == "zjj"
    assert cat.unit_code("昆山市玉山镇", kind="town") == "yushan"


def test_the_prefix_rule_does_not_guess(cat: Catalogue) -> None:
    """The prefix rule neither finds what no unit is called nor hides the original
    error, and an exact name always wins over it."""
    with pytest.raises(kr.UnknownUnitError) as info:
        cat.unit_code("昆山市交通局")
    assert info.value.unit == "昆山市交通局"
    assert cat.unit_code("昆山市") == "kunshan"


def test_a_prefixed_name_that_fits_two_units_is_refused() -> None:
    """When the variants lead to several units, none is chosen."""
    catalogue = Catalogue()
    catalogue.add_unit(kr.Authority("ks", "昆山市"))
    catalogue.add_unit(kr.Department("a", "住建局"))
    catalogue.add_unit(kr.Department("b", "市住建局"))
    with pytest.raises(kr.UnknownUnitError):
        catalogue.unit_code("昆山市交通住建局")
    # 昆山市住建局 could be 住建局 or 市住建局: refused.
    with pytest.raises(kr.UnknownUnitError):
        catalogue.unit_code("昆山市住建局")


def test_unknown_names_get_suggestions(cat: Catalogue) -> None:
    """An unknown name is refused with close names to try."""
    with pytest.raises(kr.UnknownUnitError) as info:
        cat.unit_code("玉山真")
    assert "玉山镇" in info.value.suggestions
    with pytest.raises(kr.UnknownItemError) as item_info:
        cat.item_code("住宅专项维修资金管")
    assert "住宅专项维修资金管理" in item_info.value.suggestions


def test_kind_filters_and_says_what_the_name_is(cat: Catalogue) -> None:
    """Asking for a town by a department's name says what that unit is."""
    with pytest.raises(kr.UnknownUnitError, match="zjj is a department"):
        cat.unit_code("市住建局", kind="town")


def test_ambiguous_names_are_refused() -> None:
    """A name two units share is refused, listing both."""
    catalogue = Catalogue()
    catalogue.add_unit(kr.Department("a", "市住建局"))
    catalogue.add_unit(kr.Department("b", "住建局", aliases=("市住建局",)))
    with pytest.raises(kr.AmbiguousNameError) as info:
        catalogue.unit_code("市住建局")
    assert info.value.candidates == ("a", "b")


def test_names_must_be_strings(cat: Catalogue) -> None:
    """A non-string name is a record error, not a crash."""
    with pytest.raises(kr.InvalidRecordError):
        cat.unit_code(3)  # type: ignore[arg-type]
    with pytest.raises(kr.InvalidRecordError):
        cat.item_code(None)  # type: ignore[arg-type]


def test_codes_are_unique_across_units_and_items(cat: Catalogue) -> None:
    """A code names one thing; adding the same value again does nothing."""
    cat.add_unit(kr.Town("yushan", "玉山镇", aliases=("玉山",), parent="kunshan"))
    with pytest.raises(kr.DuplicateCodeError):
        cat.add_unit(kr.Town("yushan", "别的镇"))
    with pytest.raises(kr.DuplicateCodeError):
        cat.add_item(kr.Item("zjj", "事项"))
    with pytest.raises(kr.InvalidRecordError):
        cat.add_unit(kr.Item("X", "事项"))  # type: ignore[arg-type]


def test_listings_and_views(cat: Catalogue) -> None:
    """units(), items() and children() are ordered by code; the maps are read-only."""
    assert [u.code for u in cat.units()] == ["bacheng", "kunshan", "scjgj", "yushan", "zjj"]
    assert [i.code for i in cat.items()] == ["ZJ-001", "ZJ-001-1"]
    assert [i.code for i in cat.children("ZJ-001")] == ["ZJ-001-1"]
    assert cat.is_town("yushan")
    assert not cat.is_town("zjj")
    assert "zjj" in cat.unit_map
    with pytest.raises(TypeError):
        cat.unit_map["x"] = kr.Town("x", "某镇")  # type: ignore[index]


def test_the_graph_resolves_with_its_catalogue() -> None:
    """ResponsibilityGraph.unit and the catalogue agree, prefix rule included."""
    g = kr.load_sample()
    catalogue = catalogue_of(g)
    for name in ("市住建局", "昆山市住建局", "玉山镇"):
        assert g.unit(name).code == catalogue.unit_code(name)
    assert g.unit("昆山市住建局") == g.unit("市住建局")


def test_items_are_added_once_and_only_items() -> None:
    """Adding an equal item again changes nothing; anything but an Item is refused with
    the library's error."""
    catalogue = Catalogue()
    item = kr.Item("A-1", "道路占用审批")
    catalogue.add_item(item)
    catalogue.add_item(kr.Item("A-1", "道路占用审批"))
    assert catalogue.items() == [item]
    with pytest.raises(kr.InvalidRecordError, match="expected an Item"):
        catalogue.add_item("A-2")  # type: ignore[arg-type]
    assert catalogue.items() == [item]


def test_an_exact_item_name_wins_over_folded_ones() -> None:
    """A name written exactly as one item's finds that item even when another item's
    name folds to the same spelling; a folded name that fits both is ambiguous."""
    catalogue = Catalogue()
    catalogue.add_item(kr.Item("A-1", "ABC事项"))
    catalogue.add_item(kr.Item("A-2", "ＡＢＣ事项"))
    assert catalogue.item_code("ABC事项") == "A-1"
    assert catalogue.item_code("ＡＢＣ事项") == "A-2"
    with pytest.raises(kr.AmbiguousNameError):
        catalogue.item_code("abc事项")


def test_a_kind_picks_its_unit_among_units_of_other_kinds_with_the_name() -> None:
    """A name that a town and a department share finds the town when a town is asked
    for, and the department when a department is; without a kind it is ambiguous."""
    catalogue = Catalogue()
    catalogue.add_unit(kr.Town("zhouzhuang", "周庄镇", aliases=("周庄",)))
    catalogue.add_unit(kr.Department("zzgw", "周庄旅游管委会", aliases=("周庄",)))
    assert catalogue.unit_code("周庄", kind="town") == "zhouzhuang"
    assert catalogue.unit_code("周庄", kind="department") == "zzgw"
    with pytest.raises(kr.AmbiguousNameError):
        catalogue.unit_code("周庄")


def test_suggestions_for_a_kind_are_units_of_that_kind(cat: Catalogue) -> None:
    """An unknown town name is answered with towns to try, never with departments."""
    cat.add_unit(kr.Department("ysz", "玉山站"))
    with pytest.raises(kr.UnknownUnitError) as info:
        cat.unit_code("玉山真", kind="town")
    assert "玉山镇" in info.value.suggestions
    assert "玉山站" not in info.value.suggestions
    with pytest.raises(kr.UnknownUnitError) as info:
        cat.unit_code("玉山真")
    assert {"玉山镇", "玉山站"} <= set(info.value.suggestions)


def test_at_most_three_suggestions_are_given() -> None:
    """However many names are close, an unknown name gets the three closest."""
    catalogue = Catalogue()
    for i in range(6):
        catalogue.add_unit(kr.Department(f"d{i}", f"市第{i}管理局"))
    with pytest.raises(kr.UnknownUnitError) as info:
        catalogue.unit_code("市第管理局")
    assert len(info.value.suggestions) == 3


def test_the_prefix_rule_strips_only_the_authoritys_own_name(cat: Catalogue) -> None:
    """A name that starts with another city's name is not cut at the length of this
    authority's name: 太仓市住建局 is not 昆山's 住建局."""
    with pytest.raises(kr.UnknownUnitError):
        cat.unit_code("太仓市住建局")
    with pytest.raises(kr.UnknownUnitError):
        cat.unit_code("太仓住建局")
