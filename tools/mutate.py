"""Mutation testing for kunshan_rbac: how many small wrong versions of a module do the tests catch?

A *mutant* is the module with one small change: a comparison moved across its boundary
(``<`` into ``<=``, ``==`` into ``!=``), ``and`` into ``or``, ``+`` into ``-``, an integer
constant one more or one less, a ``not`` removed, a statement replaced by ``pass``, or a
returned value replaced by ``None``. Each mutant is run against a subset of the tests; a
mutant is *killed* when the tests fail (or time out) and *survives* when they pass.

Usage (from the repository root, in the project's virtual environment)::

    python tools/mutate.py --module _timeline --jobs 2 --out tools/mutation/_timeline.json
    python tools/mutate.py --module _store --tests tests/unit/test_store.py --limit 50
    python tools/mutate.py --module _timeline --list          # only list the mutants
    python tools/mutate.py --module _rules --list             # every file of a subpackage
    python tools/mutate.py --module _rules/_values --list     # one file of a subpackage

A module is a file of the package (``_timeline`` is ``src/kunshan_rbac/_timeline.py``,
``_rules/_values`` is ``src/kunshan_rbac/_rules/_values.py``) or a subpackage (``_rules``:
every ``.py`` file under ``src/kunshan_rbac/_rules/``, in sorted path order). Mutant ids
run through the files in that order, so the ids of one file are the same whether it is
mutated alone or with its package (``--module _rules/_values`` numbers its mutants as
``--module _rules`` does), and they are stable for as long as the package's source is
unchanged; every mutant is reported with its file
and line (``src/kunshan_rbac/_rules/_values.py:120``). ``--only`` takes ids or ranges
(``--only 72-281 396``).

Why a small mutator of our own rather than mutmut or cosmic-ray:

* No per-mutant reinstall and no database: the package is copied once per worker into a
  temporary folder, the mutated module's source is swapped in there, and pytest runs with
  that copy first on ``PYTHONPATH``. The working tree is never written to, so an interrupted
  run leaves nothing behind (the temporary copies are removed on exit, including Ctrl-C).
* Each module is run against the tests that exercise it (its unit test file plus the
  property and stateful tests that reach it, see ``DEFAULT_TESTS``), with ``pytest -x`` in
  the ``ci`` Hypothesis profile and a per-mutant timeout, which keeps a module to minutes on
  a small machine.
* The operators are the ones that find boundary and branch gaps in this library's date
  logic; the list is short on purpose, so that every survivor can be read and classified.

Survivors that change nothing observable are listed, with a one-line reason each, in
``tools/mutation/equivalent.txt`` as ``module:line operator original -> mutated  # reason``.

It is not part of CI: a module takes from several minutes to tens of minutes.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "kunshan_rbac"

# The tests that exercise each module. A module not listed uses its unit test file plus
# the property and stateful folders.
DEFAULT_TESTS: dict[str, list[str]] = {
    "_timeline": [
        "tests/unit/test_timeline.py",
        "tests/unit/test_store.py",
        "tests/unit/test_graph.py",
        "tests/property/test_timeline_properties.py",
        "tests/property/test_owner_properties.py",
    ],
    "_catalogue": [
        "tests/unit/test_catalogue.py",
        "tests/unit/test_graph.py",
        "tests/property/test_owner_properties.py",
    ],
    "_store": [
        "tests/unit/test_store.py",
        "tests/unit/test_graph.py",
        "tests/property/test_owner_properties.py",
        "tests/property/test_transfer_properties.py",
        "tests/stateful/test_transfers_stateful.py",
        "tests/property/test_store_properties.py",
        "tests/property/test_store_write_properties.py",
        "tests/stateful/test_store_stateful.py",
    ],
    "_transfers": [
        "tests/unit/test_transfers.py",
        "tests/unit/test_graph_arguments.py",
        "tests/property/test_transfer_properties.py",
        "tests/stateful/test_transfers_stateful.py",
    ],
    "_dates": [
        "tests/unit/test_dates.py",
        "tests/property/test_timeline_properties.py",
    ],
    "_graph": [
        "tests/unit/test_graph.py",
        "tests/unit/test_graph_arguments.py",
        "tests/unit/test_graph_queries.py",
        "tests/property/test_graph_queries_properties.py",
        "tests/property/test_owner_properties.py",
        "tests/property/test_transfer_properties.py",
        "tests/unit/test_frames.py",
    ],
    "_rules": [
        "tests/unit/test_rules.py",
        "tests/unit/test_rules_check.py",
        "tests/property/test_rules_properties.py",
    ],
}

COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
NOT_DELETED = (
    ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Pass,
)


@dataclass
class Mutant:
    """One mutant: where, which operator, the source before and after, and its fate."""

    id: int
    file: str
    line: int
    operator: str
    original: str
    mutated: str
    status: str = "pending"
    seconds: float = 0.0
    site: int | None = None  # the number of the mutation within its file (None: == id)


def _text(node: ast.AST) -> str:
    text = ast.unparse(node).strip().splitlines()
    return text[0] if text else ""


class _Mutator(ast.NodeTransformer):
    """Walk a module; count every mutation site and apply the one numbered ``target``.

    Children are visited before their parent, so changing a node never shifts the
    numbering of the sites inside it.
    """

    def __init__(self, target: int | None) -> None:
        self.target = target
        self.count = 0
        self.sites: list[tuple[int, str, str, str]] = []

    def _site(self, node: ast.AST, operator: str, before: str, after: str) -> bool:
        index = self.count
        self.count += 1
        self.sites.append((getattr(node, "lineno", 0), operator, before, after))
        return index == self.target

    # Annotations and docstrings are not code under test.
    def visit_arg(self, node: ast.arg) -> ast.AST:
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:
            node.value = self.visit(node.value)
        return self._statement(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.body = self._body(node.body)
        node.args.defaults = [self.visit(d) for d in node.args.defaults]
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.body = self._body(node.body)
        return node

    def _body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for statement in body:
            result = self.visit(statement)
            out.append(result if isinstance(result, ast.stmt) else ast.Pass())
        return out

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for field, old in ast.iter_fields(node):
            if isinstance(old, list) and old and isinstance(old[0], ast.stmt):
                setattr(node, field, self._body(old))
        for field, old in ast.iter_fields(node):
            if isinstance(old, list) and not (old and isinstance(old[0], ast.stmt)):
                setattr(node, field, [self.visit(v) if isinstance(v, ast.AST) else v for v in old])
            elif isinstance(old, ast.AST):
                setattr(node, field, self.visit(old))
        if isinstance(node, ast.stmt):
            return self._statement(node)
        return node

    def _statement(self, node: ast.stmt) -> ast.AST:
        if isinstance(node, NOT_DELETED):
            return node
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return node  # a docstring
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return node
        if self._site(node, "statement-deletion", _text(node), "pass"):
            return ast.copy_location(ast.Pass(), node)
        return node

    def visit_Return(self, node: ast.Return) -> ast.AST:
        if node.value is not None:
            node.value = self.visit(node.value)
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                before = _text(node)
                if self._site(node, "return-none", before, "return None"):
                    node.value = ast.Constant(None)
        return self._statement(node)

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            swap = COMPARE_SWAPS.get(type(op))
            if swap is None:
                continue
            before = _text(node)
            new_ops = list(node.ops)
            new_ops[i] = swap()
            after = _text(ast.Compare(node.left, new_ops, node.comparators))
            if self._site(node, "compare", before, after):
                node.ops = new_ops
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        swapped = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        before = _text(node)
        after = _text(ast.BoolOp(swapped, node.values))
        if self._site(node, "and-or", before, after):
            node.op = swapped
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Add | ast.Sub):
            swapped = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
            if isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
                return node  # string concatenation: ``-`` is a TypeError, not a mutant
            before = _text(node)
            after = _text(ast.BinOp(node.left, swapped, node.right))
            if self._site(node, "add-sub", before, after):
                node.op = swapped
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        not_op = isinstance(node.op, ast.Not)
        if not_op and self._site(node, "not-removal", _text(node), _text(node.operand)):
            return node.operand
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if isinstance(value, int) and not isinstance(value, bool):
            for delta in (1, -1):
                if self._site(node, "constant", repr(value), repr(value + delta)):
                    return ast.copy_location(ast.Constant(value + delta), node)
        return node


def mutants_of(path: Path, first: int = 0) -> list[Mutant]:
    """All mutants of one source file, numbered in walk order from ``first``."""
    mutator = _Mutator(None)
    mutator.visit(ast.parse(path.read_text(encoding="utf-8")))
    rel = path.relative_to(ROOT).as_posix()
    return [
        Mutant(first + i, rel, line, op, before, after, site=i)
        for i, (line, op, before, after) in enumerate(mutator.sites)
    ]


def module_files(name: str) -> list[Path]:
    """The source files of a module name: one file, or every file of a subpackage."""
    base = PACKAGE / name
    if base.is_dir():
        return sorted(p for p in base.rglob("*.py") if "__pycache__" not in p.parts)
    path = base.with_name(base.name + ".py")
    return [path] if path.is_file() else []


def mutants_of_files(paths: list[Path]) -> list[Mutant]:
    """The mutants of several files, numbered on from one file to the next."""
    mutants: list[Mutant] = []
    for path in paths:
        mutants += mutants_of(path, first=len(mutants))
    return mutants


def _ids(values: list[str]) -> list[int]:
    """``--only`` values: ids (``12``) and inclusive ranges (``12-40``)."""
    ids: list[int] = []
    for value in values:
        low, dash, high = value.partition("-")
        ids += range(int(low), int(high) + 1) if dash else [int(low)]
    return ids


def mutated_source(path: Path, target: int) -> str:
    """The source of ``path`` with mutation number ``target`` applied."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tree = _Mutator(target).visit(tree)
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def _run_pytest(src: Path, tests: list[str], timeout: float) -> tuple[str, float]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.setdefault("KUNSHAN_RBAC_PROFILE", "ci")
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return "timeout", time.monotonic() - started
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return ("survived" if code == 0 else "killed"), time.monotonic() - started


def _copies(n: int, base: Path) -> Iterator[Path]:
    for i in range(n):
        src = base / f"worker{i}" / "src"
        shutil.copytree(
            PACKAGE, src / "kunshan_rbac", ignore=shutil.ignore_patterns("__pycache__")
        )
        yield src


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--module", required=True,
        help="a module file (_timeline, _rules/_values) or a subpackage (_rules: all its files)",
    )
    parser.add_argument("--tests", nargs="+", help="test paths (default: see DEFAULT_TESTS)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, help="run only the first N mutants")
    parser.add_argument(
        "--only", nargs="+", metavar="ID", help="run only these mutant ids (12, or 12-40)"
    )
    parser.add_argument("--timeout", type=float, help="seconds per mutant (default 3x baseline)")
    parser.add_argument("--out", type=Path, help="write the report as JSON here")
    parser.add_argument(
        "--survivors-of", type=Path, metavar="REPORT",
        help="run again only the survivors of an earlier JSON report of the same module and "
        "source (after adding tests); the score counts the mutants it killed as killed",
    )
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    args = parser.parse_args(argv)

    name = args.module.removesuffix(".py").removesuffix("/").replace(os.sep, "/")
    paths = module_files(name)
    if not paths:
        parser.error(f"no module {PACKAGE / name}.py and no subpackage {PACKAGE / name}")
    top = name.split("/")[0]
    tests = args.tests or DEFAULT_TESTS.get(
        name,
        DEFAULT_TESTS.get(
            top, [f"tests/unit/test_{top.lstrip('_')}.py", "tests/property", "tests/stateful"]
        ),
    )
    package = module_files(top) if "/" in name else paths
    chosen = {p.relative_to(ROOT).as_posix() for p in paths}
    mutants = [m for m in mutants_of_files(package) if m.file in chosen]
    if args.list:
        for m in mutants:
            print(f"#{m.id} {m.file}:{m.line} {m.operator}: {m.original} -> {m.mutated}")
        return 0
    earlier: dict[int, Mutant] = {}
    if args.survivors_of:
        report = json.loads(args.survivors_of.read_text(encoding="utf-8"))
        earlier = {m["id"]: Mutant(**m) for m in report["mutants"]}
        now = {m.id: (m.file, m.line, m.operator, m.original) for m in mutants}
        if any(now.get(i) != (m.file, m.line, m.operator, m.original)
               for i, m in earlier.items()):
            parser.error(f"{args.survivors_of} was made from another version of {name}")
        args.only = [str(i) for i, m in earlier.items() if m.status == "survived"]
    if args.only:
        wanted = set(_ids(args.only))
        mutants = [m for m in mutants if m.id in wanted]
    if args.limit:
        mutants = mutants[: args.limit]

    with tempfile.TemporaryDirectory(prefix="kunshan-mutate-") as tmp:
        workers: queue.Queue[Path] = queue.Queue()
        for src in _copies(max(1, args.jobs), Path(tmp)):
            workers.put(src)
        baseline_src = workers.get()
        status, seconds = _run_pytest(baseline_src, tests, timeout=3600)
        workers.put(baseline_src)
        if status != "survived":
            print(f"the tests fail without any mutation ({' '.join(tests)})", file=sys.stderr)
            return 1
        timeout = args.timeout or max(30.0, 3 * seconds)
        print(f"baseline: {seconds:.1f}s; {len(mutants)} mutants, timeout {timeout:.0f}s each")

        def run(mutant: Mutant) -> Mutant:
            src = workers.get()
            path = ROOT / mutant.file
            target = src / "kunshan_rbac" / path.relative_to(PACKAGE)
            site = mutant.id if mutant.site is None else mutant.site
            try:
                target.write_text(mutated_source(path, site), encoding="utf-8")
                mutant.status, mutant.seconds = _run_pytest(src, tests, timeout)
            finally:
                shutil.copyfile(path, target)
                workers.put(src)
            return mutant

        done = 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            try:
                for mutant in pool.map(run, mutants):
                    done += 1
                    mark = "S" if mutant.status == "survived" else "."
                    print(mark, end="" if done % 60 else "\n", flush=True)
            except KeyboardInterrupt:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        print()

    if earlier:
        rerun = {m.id: m for m in mutants}
        mutants = [rerun.get(i, m) for i, m in earlier.items()]
    survivors = [m for m in mutants if m.status == "survived"]
    killed = len(mutants) - len(survivors)
    score = 100.0 * killed / len(mutants) if mutants else 100.0
    timeouts = sum(m.status == "timeout" for m in mutants)
    print(f"{name}: {killed}/{len(mutants)} mutants killed ({score:.1f}%), "
          f"{len(survivors)} survived"
          + (f"; {timeouts} of the killed timed out" if timeouts else ""))
    for m in survivors:
        print(f"  #{m.id} {m.file}:{m.line} {m.operator}: {m.original} -> {m.mutated}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "module": name,
            "tests": tests,
            "profile": os.environ.get("KUNSHAN_RBAC_PROFILE", "ci"),
            "total": len(mutants),
            "killed": killed,
            "survived": len(survivors),
            "score": round(score, 1),
            "mutants": [asdict(m) for m in mutants],
        }
        args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
