"""``test``: run an assertion file against the sample or a data set.

Exit status: 0 when every expectation holds, 1 when one fails, 2 when the file (or the
data set it names) cannot be read, with one line per problem on standard error.
"""

from __future__ import annotations

import argparse
from typing import Any

from .._assertions import run_assertions
from .._ci import FORMATS, render
from .._errors import LoadError
from ._check import load_failed
from ._common import add_format

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the ``test`` sub-command."""
    parser = commands.add_parser(
        "test",
        help="check the expectations of an assertion file (owner, duties, check, route)",
        description="Run the expectations of a YAML assertion file against the embedded "
        "sample or a data set, and report each failure with its file and line, what was "
        "expected and what was found. Exit status: 0 when all pass, 1 when any fails, 2 "
        "when the file cannot be read.",
    )
    parser.add_argument("file", metavar="FILE.yaml", help="the assertion file")
    parser.add_argument(
        "--data", metavar="PATH",
        help="the data set to test (overrides the file's data:; default: the file's data:, "
        "else the embedded sample)",
    )
    add_format(
        parser, FORMATS,
        help="text: the failures and a summary (default); json: for programs; junit: JUnit "
        "XML test results; sarif: SARIF 2.1.0 with each failure at its line",
    )
    parser.set_defaults(func=_test)


def _test(args: argparse.Namespace) -> int:
    try:
        report = run_assertions(args.file, data=args.data)
    except LoadError as exc:
        return load_failed("test", args.format, exc, data=args.data, file=args.file)
    print(render("test", args.format, report))
    return 0 if report.ok else 1
