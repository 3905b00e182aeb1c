"""The ``kunshan-rbac`` command line.

Each sub-command lives in a module of this package that offers ``register(subparsers)``.
User errors (an unknown town, a bad date, a broken file) print one line to standard error
and exit with status 2; a question with a negative answer (an item on no list) exits 1;
nothing the user can cause ends in a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._errors import KunshanRbacError, LoadError
from . import _authz, _check, _evaluate, _explain, _files, _history, _queries, _route, _test

__all__ = ["main"]

_COMMANDS = (_queries, _explain, _history, _check, _files, _route, _evaluate, _test, _authz)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="kunshan-rbac",
        description=(
            "Who is responsible for what: township duty lists (basic, cooperative, "
            "reclaimed) as a dated responsibility graph. Without a data set, the embedded "
            "Kunshan sample is used."
        ),
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _COMMANDS:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except LoadError as exc:
        print(f"kunshan-rbac: error: {exc}", file=sys.stderr)
        return 2
    except KunshanRbacError as exc:
        print(f"kunshan-rbac: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return 0
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
