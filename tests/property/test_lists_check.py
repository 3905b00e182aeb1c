"""The lists keep the check report: ``read_lists(write_lists(g, at=d))`` gives the same
`kr.check` report at ``d`` as ``g``, rule by rule and place by place, on generated graphs
(a property) and on the embedded sample; and a writer that drops the 赋权文号 column is
caught (a test of the test)."""

from __future__ import annotations

import csv
import datetime
import io
import os
import tempfile
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import kunshan_rbac as kr
from kunshan_rbac._sample import SAMPLE_FILE
from strategies import dates, graphs

SAMPLE_PRESENT = resources.files("kunshan_rbac").joinpath("data", SAMPLE_FILE).is_file()
THOROUGH = os.environ.get("KUNSHAN_RBAC_PROFILE") == "thorough"
EXAMPLES = max(10, settings.default.max_examples // 3)
"""Each example writes and reads a folder of lists: a third of the profile's examples."""

Writer = Callable[[kr.ResponsibilityGraph, Path, str, datetime.date], object]
Key = tuple[str, str, str | None, str | None, str | None]


def write(graph: kr.ResponsibilityGraph, folder: Path, fmt: str, day: datetime.date) -> object:
    """The real writer."""
    return kr.write_lists(graph, folder, format=fmt, at=day)


def write_without_grants(graph: kr.ResponsibilityGraph, folder: Path, fmt: str,
                         day: datetime.date) -> object:
    """A wrong writer: CSV lists whose 赋权文号 column has been dropped."""
    for path in kr.write_lists(graph, folder, format="csv", at=day):
        text = path.read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        if not rows or "赋权文号" not in rows[0]:
            continue
        drop = rows[0].index("赋权文号")
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(
            [cell for index, cell in enumerate(row) if index != drop] for row in rows)
        path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return None


def report_keys(report: kr.Report) -> Counter[Key]:
    """Each violation by rule, severity and place (item, town, unit), counted.

    Record ids and periods are left out: the lists hold the lists of one day, so a
    record read back has another id and no dates of its own.
    """
    return Counter((v.rule, v.severity.value, v.item, v.town, v.unit) for v in report.violations)


def round_trip_reports(graph: kr.ResponsibilityGraph, day: datetime.date, fmt: str,
                       writer: Writer = write) -> tuple[kr.Report, kr.Report]:
    """The check report of ``graph`` at ``day``, and that of its lists read back."""
    with tempfile.TemporaryDirectory() as folder:
        writer(graph, Path(folder), fmt, day)
        again = kr.read_lists(folder)
    return kr.check(graph, at=day), kr.check(again, at=day)


def assert_same_report(graph: kr.ResponsibilityGraph, day: datetime.date, fmt: str,
                       writer: Writer = write) -> None:
    """The law: the same rules ran and found the same violations at the same places."""
    before, after = round_trip_reports(graph, day, fmt, writer)
    assert after.rules == before.rules
    assert report_keys(after) == report_keys(before)


@settings(max_examples=EXAMPLES)
@given(graphs(), dates, st.sampled_from(["xlsx", "csv"]))
def test_lists_keep_the_check_report(graph: kr.ResponsibilityGraph, day: datetime.date,
                                     fmt: str) -> None:
    """read_lists(write_lists(g, at=d)) has the check report of g at d: the grants of
    delegated items (赋权文号) come back with their records."""
    assert_same_report(graph, day, fmt)


def test_a_writer_that_drops_grants_breaks_the_law() -> None:
    """Test of the test: with the 赋权文号 column dropped, the property finds a graph
    whose round trip reports a town-capacity warning the graph does not have."""
    broken = settings(phases=(Phase.generate,), max_examples=300, database=None)(
        given(graphs(), dates)(lambda graph, day: assert_same_report(
            graph, day, "csv", write_without_grants)))
    with pytest.raises(AssertionError):
        broken()


@pytest.mark.skipif(not SAMPLE_PRESENT, reason="the sample data file is not built yet")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"] if THOROUGH else ["csv"])
def test_the_sample_keeps_its_check_report(fmt: str) -> None:
    """The sample's lists read back give its 41 warnings, not 553: the 512 grants of the
    towns' delegated penalties survive the round trip (as workbooks too in the thorough
    profile; the property covers both formats on generated graphs)."""
    before, after = round_trip_reports(kr.load_sample(), datetime.date(2025, 7, 1), fmt)
    assert len(before.violations) == 41
    assert report_keys(after) == report_keys(before)


@pytest.mark.skipif(not SAMPLE_PRESENT, reason="the sample data file is not built yet")
def test_the_sample_without_grants_would_be_caught() -> None:
    """Test of the test on the sample: without the 赋权文号 column, its lists read back
    report the town-capacity warnings of every delegated penalty."""
    before, after = round_trip_reports(kr.load_sample(), datetime.date(2025, 7, 1), "csv",
                                       write_without_grants)
    added = report_keys(after) - report_keys(before)
    assert added
    assert {key[0] for key in added} == {"town-capacity"}
