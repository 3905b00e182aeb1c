"""Tests of `kr.check`'s arguments: rule ids, custom rules and their errors."""

from __future__ import annotations

import pytest

import kunshan_rbac as kr


@pytest.mark.parametrize("parameter", ["select", "ignore"])
@pytest.mark.parametrize("value", [[1], ["one-primary", None], (b"one-primary",)])
def test_a_rule_id_that_is_not_a_string_is_a_type_error(parameter: str, value: object) -> None:
    """`select` and `ignore` take rule ids as strings: anything else among them is a
    `TypeError` naming the value, not an "unknown rule" error."""
    with pytest.raises(TypeError, match="rule ids are strings") as caught:
        kr.check(kr.ResponsibilityGraph(), **{parameter: value})
    assert not isinstance(caught.value, kr.UnknownRuleError)
