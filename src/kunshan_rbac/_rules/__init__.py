"""Consistency rules: no item outside the lists, no blurred boundary.

The reform promises that every duty has one clear owner and that towns are not left
with what they cannot do. `check` tests a graph against the built-in `RULES` (and any
custom `Rule` made with `rule`) and returns a `Report` of `Violation` values, each of
`Severity` ``ERROR`` or ``WARNING``, with the records and dates concerned.

Examples:
    >>> import kunshan_rbac as kr
    >>> kr.check(kr.ResponsibilityGraph()).summary()
    'checked 12 rules over all dates: no violations'
"""

from ._builtin import RULES, SPECIALIST_POWER_TYPES
from ._check import check
from ._values import (
    InvalidRuleError,
    Report,
    Rule,
    RuleFunction,
    Severity,
    UnknownRuleError,
    Violation,
    rule,
)

__all__ = [
    "RULES",
    "SPECIALIST_POWER_TYPES",
    "InvalidRuleError",
    "Report",
    "Rule",
    "RuleFunction",
    "Severity",
    "UnknownRuleError",
    "Violation",
    "check",
    "rule",
]
