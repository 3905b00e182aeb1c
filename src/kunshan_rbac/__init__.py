"""kunshan_rbac: who is responsible for what in local government.

Towns, departments and duty items, with their primary and secondary responsibilities on
the three township duty lists (basic, cooperative, reclaimed), as a graph with validity
dates. Ask who owns an item in a town on a date, what a unit answers for, and why.

Example:
    >>> import kunshan_rbac as kr
    >>> g = kr.load_sample()
    >>> kr.stats(g, at="2025-12-31").distinct(kr.ListKind.RECLAIMED)
    347
"""

from ._assertions import AssertionReport, AssertionResult, assertions_schema, run_assertions
from ._cedar import CedarExport, to_cedar
from ._ci import Baseline, fingerprint, report_schema
from ._dates import DateLike, parse_date
from ._diff import Change, Diff, diff
from ._errors import (
    AmbiguousNameError,
    DuplicateCodeError,
    ExportError,
    InvalidDateError,
    InvalidRecordError,
    KunshanRbacError,
    LoadError,
    NotAssignedError,
    OwnershipConflictError,
    Problem,
    TransferError,
    UnknownItemError,
    UnknownUnitError,
)
from ._explain import Explanation
from ._graph import ResponsibilityGraph
from ._jsonio import read_json, write_json
from ._lists import read_lists, write_lists
from ._model import (
    ENFORCEMENT_POWER_TYPES,
    POWER_TYPES,
    Authority,
    Department,
    Item,
    ListKind,
    Ownership,
    Record,
    Role,
    Town,
    Unit,
)
from ._openfga import OpenFGAExport, to_openfga
from ._rules import (
    RULES,
    SPECIALIST_POWER_TYPES,
    InvalidRuleError,
    Report,
    Rule,
    RuleFunction,
    Severity,
    UnknownRuleError,
    Violation,
    check,
    rule,
)
from ._sample import load_sample
from ._spicedb import SpiceDBExport, to_spicedb
from ._stats import Stats, TownCounts, power_counts, stats
from ._text import normalize_name
from ._transfers import Move, Transfer, TransferKind

__version__ = "0.1.0"

__all__ = [
    "ENFORCEMENT_POWER_TYPES",
    "POWER_TYPES",
    "RULES",
    "SPECIALIST_POWER_TYPES",
    "AmbiguousNameError",
    "AssertionReport",
    "AssertionResult",
    "Authority",
    "Baseline",
    "CedarExport",
    "Change",
    "DateLike",
    "Department",
    "Diff",
    "DuplicateCodeError",
    "Explanation",
    "ExportError",
    "InvalidDateError",
    "InvalidRecordError",
    "InvalidRuleError",
    "Item",
    "KunshanRbacError",
    "ListKind",
    "LoadError",
    "Move",
    "NotAssignedError",
    "OpenFGAExport",
    "Ownership",
    "OwnershipConflictError",
    "Problem",
    "Record",
    "Report",
    "ResponsibilityGraph",
    "Role",
    "Rule",
    "RuleFunction",
    "Severity",
    "SpiceDBExport",
    "Stats",
    "Town",
    "TownCounts",
    "Transfer",
    "TransferError",
    "TransferKind",
    "Unit",
    "UnknownItemError",
    "UnknownRuleError",
    "UnknownUnitError",
    "Violation",
    "__version__",
    "assertions_schema",
    "check",
    "diff",
    "fingerprint",
    "load_sample",
    "normalize_name",
    "parse_date",
    "power_counts",
    "read_json",
    "read_lists",
    "report_schema",
    "rule",
    "run_assertions",
    "stats",
    "to_cedar",
    "to_openfga",
    "to_spicedb",
    "write_json",
    "write_lists",
]
