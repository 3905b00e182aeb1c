"""What the sub-commands share: loading a data set, dates, output."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .._ci import REPORT_VERSION
from .._dates import parse_date
from .._open import load_data as load_graph

__all__ = ["JSON_VERSION", "add_at", "add_data", "add_format", "load_graph", "print_json",
           "print_result", "versioned", "wants_json"]

JSON_VERSION = REPORT_VERSION
"""The ``version`` field of every command's JSON output (the same as ``check``'s and
``test``'s reports); it changes only when a field changes meaning."""


def add_data(parser: argparse.ArgumentParser) -> None:
    """Add ``--data PATH``: the data set to query instead of the embedded sample."""
    parser.add_argument(
        "--data",
        metavar="PATH",
        help="a saved data set (.json or .json.gz written by kunshan-rbac) instead of the "
        "embedded Kunshan sample",
    )


def add_format(
    parser: argparse.ArgumentParser,
    choices: tuple[str, ...] = ("text", "json"),
    *,
    help: str = "text for people (default), json for programs",
    group: Any = None,
) -> None:
    """Add ``--format FORMAT`` and ``--json`` (the same as ``--format json``) to a command.

    Both write to ``args.format``; the default is the first choice. ``group``: a mutually
    exclusive group of the parser to add them to (with the command's other output
    options); by default a group of their own.
    """
    if group is None:
        group = parser.add_mutually_exclusive_group()
    group.add_argument("--format", choices=choices, default=choices[0], help=help)
    group.add_argument("--json", dest="format", action="store_const", const="json",
                       help="the same as --format json")


def add_at(parser: argparse.ArgumentParser) -> None:
    """Add ``--at DATE`` (default: today)."""
    parser.add_argument(
        "--at", metavar="DATE", help="the date to ask about, e.g. 2025-07-01 or 2025年7月1日 "
        "(default: today)"
    )


def at_date(args: argparse.Namespace) -> Any:
    """The ``--at`` date, read strictly (a bad date raises `InvalidDateError`)."""
    return parse_date(args.at)


def print_json(value: Any) -> None:
    """Print a JSON value with Chinese kept readable."""
    print(json.dumps(value, ensure_ascii=False, indent=2))


def wants_json(args: argparse.Namespace) -> bool:
    """Whether the command was asked for JSON (``--format json`` or ``--json``)."""
    return getattr(args, "format", None) == "json"


def versioned(value: Any, key: str = "result") -> dict[str, Any]:
    """A command's JSON result with the ``version`` field first: a dict gets it added, any
    other value (a list) is put under ``key``."""
    if isinstance(value, dict):
        return {"version": JSON_VERSION, **value}
    return {"version": JSON_VERSION, key: value}


def print_result(value: Any, key: str = "result") -> None:
    """Print a command's JSON result, `versioned`."""
    print_json(versioned(value, key))
