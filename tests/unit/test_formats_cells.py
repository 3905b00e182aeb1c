"""Tests of kunshan_rbac.formats.cells: a basis cell is split between documents only, and
power types are recognised however they are spaced."""

from __future__ import annotations

import pytest

from kunshan_rbac.formats.cells import is_power_type, split_basis


@pytest.mark.parametrize(("text", "bases"), [
    ("《消防法》第三十二条；《安全生产法》第九条",
     ("《消防法》第三十二条", "《安全生产法》第九条")),
    ("《消防法》\n《安全生产法》", ("《消防法》", "《安全生产法》")),
    ("《中华人民共和国食品安全法（2021年修正；2018年修订）》", (
        "《中华人民共和国食品安全法（2021年修正；2018年修订）》",)),
    ("【法律】《城镇燃气管理条例》第四十五条 未取得燃气经营许可证从事燃气经营活动的；"
     "由燃气管理部门责令停止违法行为", (
         "【法律】《城镇燃气管理条例》第四十五条 未取得燃气经营许可证从事燃气经营活动的；"
         "由燃气管理部门责令停止违法行为",)),
    ("“第一款；第二款”；农经发〔2019〕6号", ("“第一款；第二款”", "农经发〔2019〕6号")),
    ("1. 《土地管理法》第六十二条; 2. 《农村土地承包法》", (
        "1. 《土地管理法》第六十二条", "2. 《农村土地承包法》")),
])
def test_a_basis_is_split_between_documents_only(text: str, bases: tuple[str, ...]) -> None:
    """A ； splits bases only outside brackets and quotation marks and only before a new
    document (a 《title》, a 【type】, a document number, a numbered entry)."""
    assert split_basis(text) == bases


def test_power_types_are_recognised_and_domains_are_not() -> None:
    """Every standard power type and the local variants are power types, spaced or not;
    the sample's 领域 are not."""
    assert all(is_power_type(t) for t in ("行政许可", "行 政 处 罚", "其他行政权力", "公共服务",
                                          "非行政许可审批", "其他权力"))
    assert not any(is_power_type(t) for t in ("民生服务", "城乡建设", "行政", "处罚", ""))
