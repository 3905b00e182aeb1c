"""``export-authz``: hand the lists to an authorization engine (OpenFGA, Cedar, SpiceDB).

Exit status: 0 when the files were written; 2 when nothing could be (a load error, data
without a single primary somewhere, a folder that cannot be written).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._cedar import to_cedar
from .._dates import parse_date
from .._openfga import to_openfga
from .._spicedb import to_spicedb
from ._common import add_data, add_format, load_graph, print_result, wants_json

__all__ = ["register"]

ENGINES = ("openfga", "cedar", "spicedb")


def register(commands: Any) -> None:
    """Add the ``export-authz`` sub-command."""
    parser = commands.add_parser(
        "export-authz",
        help="write the lists for an authorization engine (OpenFGA, Cedar, SpiceDB)",
        description="Write the lists as an OpenFGA store (model.fga, model.json, "
        "tuples.json and store.fga.yaml, whose tests are the library's answers, for `fga "
        "model test`) or as Cedar schema, policies and entities (with requests.jsonl, the "
        "library's answers as Cedar requests) or as a SpiceDB schema, relationships and a "
        "zed validate file. Dates are carried by conditions (OpenFGA) or "
        "by Cedar's datetime extension or by SpiceDB caveats.",
    )
    parser.add_argument("engine", choices=ENGINES, help="the engine to write for")
    parser.add_argument("out", metavar="OUT/", help="the folder to write into")
    add_data(parser)
    parser.add_argument(
        "--at", metavar="DATE", action="append", dest="dates",
        help="test on this date (repeatable; default: every record boundary, the day "
        "before each, and 10 random dates)",
    )
    parser.add_argument(
        "--no-tests", action="store_true",
        help="write the model and data only, without the library's answers",
    )
    add_format(parser, help="what to print about the files written: text (default) or json")
    parser.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    graph = load_graph(args.data)
    dates = [parse_date(d) for d in args.dates] if args.dates else None
    try:
        if args.engine == "openfga":
            written = to_openfga(graph).write(args.out, dates=dates, tests=not args.no_tests)
        elif args.engine == "cedar":
            written = to_cedar(graph).write(args.out, dates=dates, requests=not args.no_tests)
        else:
            written = to_spicedb(graph).write(args.out, dates=dates, tests=not args.no_tests)
    except OSError as exc:
        print(f"kunshan-rbac: error: cannot write into {args.out}: {exc.strerror or exc}",
              file=sys.stderr)
        return 2
    if wants_json(args):
        print_result({"engine": args.engine, "folder": str(args.out),
                      "files": [str(p) for p in written]})
    else:
        print(f"wrote {', '.join(p.name for p in written)} into {args.out}")
    return 0
