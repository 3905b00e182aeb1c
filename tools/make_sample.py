"""Build the embedded Kunshan sample by replaying its plan through the public API.

The plan (``tools/sample_data.py``) says what each town held before its reform and what
its three lists hold after. This script records that history the way a user would:
pre-reform holdings with ``assign`` from 2021, then, on each town's reform date, the
reclaimed items with ``reclaim`` (one transfer per receiving department and working
method), the delegated items with ``delegate``, and the new cooperative and basic items
with ``assign``. The result is written with ``write_json`` to the package's data folder.

Run it after changing the plan::

    python tools/make_sample.py            # writes src/kunshan_rbac/data/kunshan.json.gz
    python tools/make_sample.py --check    # exits 1 if the shipped file is out of date
"""

from __future__ import annotations

import argparse
import gzip
import sys
from collections import defaultdict
from pathlib import Path

import sample_data as plan

import kunshan_rbac as kr
from kunshan_rbac._jsonio import dumps, write_json

TARGET = (
    Path(__file__).resolve().parent.parent / "src" / "kunshan_rbac" / "data" / "kunshan.json.gz"
)

_UNIT_KINDS = {"authority": kr.Authority, "town": kr.Town, "department": kr.Department}
_LIST_DOC = {"2024": "昆编办〔2024〕15号", "2025": "昆编办〔2025〕6号"}
"""The (illustrative) documents adopting the towns' three lists, by year."""
_GRANTED = {"行政处罚", "行政强制", "行政检查", "行政许可"}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def build() -> kr.ResponsibilityGraph:
    """Replay the plan and return the graph."""
    graph = kr.ResponsibilityGraph()
    for unit in plan.units():
        kind = _UNIT_KINDS[_text(unit["kind"])]
        parent = unit["parent"] if isinstance(unit["parent"], str) else None
        graph.add_unit(
            kind(_text(unit["code"]), _text(unit["name"]), aliases=_strings(unit["aliases"]),
                 parent=parent)
        )
    for item in plan.items():
        graph.add_item(
            kr.Item(
                _text(item["code"]),
                _text(item["name"]),
                domain=_text(item["domain"]),
                power_type=item["power_type"] if isinstance(item["power_type"], str) else None,
                basis=_strings(item["basis"]),
                parent=item["parent"] if isinstance(item["parent"], str) else None,
            )
        )
    pre = plan.PRE_REFORM_START
    reforms = plan.reform_dates()
    plans = plan.town_plans()
    # Everything each town held before its reform.
    for town_plan in plans:
        town = _text(town_plan["town"])
        reform = reforms[town]
        for entry in _entries(town_plan, "basic"):
            start = pre if entry["since"] == "pre" else reform
            source = plan._GRANT_CITY if entry["since"] == "pre" else _LIST_DOC[reform[:4]]
            graph.assign(
                _text(entry["item"]), town=town, list=kr.ListKind.BASIC, primary=town,
                secondary=_strings(entry["secondary"]), start=start, duty=_text(entry["duty"]),
                source=source, grant=_text(entry["grant"]),
            )
        for entry in _entries(town_plan, "delegated"):
            graph.assign(
                _text(entry["item"]), town=town, list=kr.ListKind.COOPERATIVE,
                primary=_text(entry["from"]), secondary=[town], start=pre,
                duty=_text(entry["dept_duty"]), secondary_duty=_text(entry["town_duty"]),
                source=plan._GRANT_CITY,
            )
        for entry in _entries(town_plan, "reclaimed"):
            code = _text(entry["item"])
            power = graph.item(code).power_type
            graph.assign(
                code, town=town, list=kr.ListKind.BASIC, primary=town, start=pre,
                source=plan._GRANT_CITY,
                grant=plan._GRANT_PROVINCE if power in _GRANTED else "",
            )
    # The reform, town by town, in date order.
    for town_plan in sorted(plans, key=lambda p: (reforms[_text(p["town"])], p["town"])):
        town = _text(town_plan["town"])
        reform = reforms[town]
        doc = _LIST_DOC[reform[:4]]
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for entry in _entries(town_plan, "reclaimed"):
            groups[(_text(entry["to"]), _text(entry["method"]))].append(_text(entry["item"]))
        for (department, method), codes in sorted(groups.items()):
            graph.reclaim(
                codes, towns=[town], to=department, effective=reform, ref=doc,
                reason="专业性强、乡镇无力承接,由上级部门收回", keep_secondary=bool(method),
                duty="依法实施", secondary_duty=method,
            )
        for entry in _entries(town_plan, "delegated"):
            graph.delegate(
                [_text(entry["item"])], towns=[town], effective=reform, ref=doc,
                reason="下沉基层,就近办理", keep_secondary=True,
                duty=_text(entry["town_duty"]), secondary_duty=_text(entry["dept_duty"]),
            )
        for entry in _entries(town_plan, "cooperative"):
            graph.assign(
                _text(entry["item"]), town=town, list=kr.ListKind.COOPERATIVE,
                primary=_text(entry["primary"]), secondary=[town], start=reform,
                duty=_text(entry["dept_duty"]), secondary_duty=_text(entry["town_duty"]),
                source=doc,
            )
    return graph


def _entries(town_plan: plan.Plan, key: str) -> list[plan.Entry]:
    value = town_plan[key]
    return [e for e in value if isinstance(e, dict)] if isinstance(value, list) else []


def main(argv: list[str] | None = None) -> int:
    """Write the sample file, or with ``--check`` compare it with the shipped one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the shipped file differs from a fresh build")
    args = parser.parse_args(argv)
    graph = build()
    if args.check:
        current = gzip.decompress(TARGET.read_bytes()).decode() if TARGET.exists() else ""
        if current != dumps(graph):
            print(f"{TARGET} is out of date; run python tools/make_sample.py", file=sys.stderr)
            return 1
        print(f"{TARGET} is up to date")
        return 0
    write_json(graph, TARGET)
    print(f"wrote {TARGET} ({TARGET.stat().st_size / 1e3:.0f} kB), {graph!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
