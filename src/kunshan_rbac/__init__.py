"""kunshan_rbac: who is responsible for what in local government.

Towns, departments and duty items, with their primary and secondary responsibilities on
the three township duty lists (basic, cooperative, reclaimed), as a graph with validity
dates. Ask who owns an item in a town on a date, what a unit answers for, and why.

Examples:
    >>> import kunshan_rbac as kr
    >>> g = kr.load_sample()
    >>> kr.stats(g, at="2025-12-31").distinct(kr.ListKind.RECLAIMED)
    347
"""

import inspect as _inspect

from . import plot
from ._assertions import AssertionReport, AssertionResult, assertions_schema, run_assertions
from ._calendar import (
    CHINA_TZ,
    AdjustedWorkday,
    CalendarYear,
    DateTimeLike,
    Holiday,
    Notice,
    WorkCalendar,
    calendar_schema,
)
from ._cedar import CedarExport, to_cedar
from ._ci import Baseline, fingerprint, report_schema
from ._dates import DateLike, parse_date
from ._deadlines import ORDER_KINDS, Deadlines, LimitRule, TimeLimit, deadlines_schema
from ._diff import Change, Diff, diff
from ._errors import (
    AmbiguousNameError,
    CalendarRangeError,
    DuplicateCodeError,
    ExportError,
    InvalidArgumentError,
    InvalidDateError,
    InvalidRecordError,
    KunshanRbacError,
    LoadError,
    MissingExtraError,
    NotAssignedError,
    OwnershipConflictError,
    Problem,
    TransferError,
    UnknownItemError,
    UnknownUnitError,
    WriteError,
)
from ._evaluate import METRICS, Evaluation, EvaluationRow, OrdersBehind, evaluate
from ._explain import Explanation
from ._frames import to_arrow, to_pandas
from ._graph import ResponsibilityGraph
from ._jsonio import read_json, write_json
from ._lexicon import DeclineClass, Lexicon, LexiconEntry
from ._limits import DEFAULT_LIMITS, Limits
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
from ._orders import Order, OrderEvent, Orders
from ._orders_io import read_orders, write_orders
from ._origin import Inference, InferenceKind, Origin
from ._ownership_table import ownership_table
from ._picture import Picture, PictureEntry, PictureRole
from ._router import Alternative, Route, Router
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
from ._sample_orders import load_sample_orders
from ._scores import TownScore, rank_towns
from ._spicedb import SpiceDBExport, to_spicedb
from ._stats import Stats, TownCounts, power_counts, stats
from ._supervision import (
    THRESHOLDS,
    Finding,
    Rectification,
    Supervision,
    find_problems,
    supervision_schema,
)
from ._templates import HandlingTemplate, Templates
from ._text import normalize_name
from ._transfers import Move, Transfer, TransferKind
from ._unread import Unread
from .formats import read_lists, write_lists

__version__ = "0.1.0"

__all__ = [
    "CHINA_TZ",
    "DEFAULT_LIMITS",
    "ENFORCEMENT_POWER_TYPES",
    "METRICS",
    "ORDER_KINDS",
    "POWER_TYPES",
    "RULES",
    "SPECIALIST_POWER_TYPES",
    "THRESHOLDS",
    "AdjustedWorkday",
    "Alternative",
    "AmbiguousNameError",
    "AssertionReport",
    "AssertionResult",
    "Authority",
    "Baseline",
    "CalendarRangeError",
    "CalendarYear",
    "CedarExport",
    "Change",
    "DateLike",
    "DateTimeLike",
    "Deadlines",
    "DeclineClass",
    "Department",
    "Diff",
    "DuplicateCodeError",
    "Evaluation",
    "EvaluationRow",
    "Explanation",
    "ExportError",
    "Finding",
    "HandlingTemplate",
    "Holiday",
    "Inference",
    "InferenceKind",
    "InvalidArgumentError",
    "InvalidDateError",
    "InvalidRecordError",
    "InvalidRuleError",
    "Item",
    "KunshanRbacError",
    "Lexicon",
    "LexiconEntry",
    "LimitRule",
    "Limits",
    "ListKind",
    "LoadError",
    "MissingExtraError",
    "Move",
    "NotAssignedError",
    "Notice",
    "OpenFGAExport",
    "Order",
    "OrderEvent",
    "Orders",
    "OrdersBehind",
    "Origin",
    "Ownership",
    "OwnershipConflictError",
    "Picture",
    "PictureEntry",
    "PictureRole",
    "Problem",
    "Record",
    "Rectification",
    "Report",
    "ResponsibilityGraph",
    "Role",
    "Route",
    "Router",
    "Rule",
    "RuleFunction",
    "Severity",
    "SpiceDBExport",
    "Stats",
    "Supervision",
    "Templates",
    "TimeLimit",
    "Town",
    "TownCounts",
    "TownScore",
    "Transfer",
    "TransferError",
    "TransferKind",
    "Unit",
    "UnknownItemError",
    "UnknownRuleError",
    "UnknownUnitError",
    "Unread",
    "Violation",
    "WorkCalendar",
    "WriteError",
    "__version__",
    "assertions_schema",
    "calendar_schema",
    "check",
    "deadlines_schema",
    "diff",
    "evaluate",
    "find_problems",
    "fingerprint",
    "load_sample",
    "load_sample_orders",
    "normalize_name",
    "ownership_table",
    "parse_date",
    "plot",
    "power_counts",
    "rank_towns",
    "read_json",
    "read_lists",
    "read_orders",
    "report_schema",
    "rule",
    "run_assertions",
    "stats",
    "supervision_schema",
    "to_arrow",
    "to_cedar",
    "to_openfga",
    "to_pandas",
    "to_spicedb",
    "write_json",
    "write_lists",
    "write_orders",
]

# Exported classes and functions say they come from here, not from the private module
# that defines them, so that reprs, tracebacks and documentation name
# `kunshan_rbac.ResponsibilityGraph` (type aliases and constants have no module to set).
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type) or _inspect.isfunction(_value):
        _value.__module__ = "kunshan_rbac"
del _name, _value
