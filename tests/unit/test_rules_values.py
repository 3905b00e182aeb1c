"""Tests of the rules' values: what a `Violation`, a `Rule` and a `Report` promise.

A violation's place, text and plain-data view; a rule's description, repr and how it
adopts what its function yields; a report's verdict, counts, grouping, one-line summary,
text table, JSON, HTML and Arrow views. The reports here are built by hand, so that each
promise is checked on the smallest value that shows it.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from collections.abc import Iterable
from typing import Any

import pytest

import kunshan_rbac as kr

ERROR, WARNING = kr.Severity.ERROR, kr.Severity.WARNING
DAY = datetime.date(2025, 1, 1)

UNREAD = kr.Problem("巴城镇_基本履职事项清单.csv", None, 3, "E", "市火星局",
                    "a unit of the catalogue (单位)")
"""A load error: row 3 of a list was not read."""
UNKNOWN_COLUMN = kr.Problem("巴城镇_基本履职事项清单.csv", None, 1, "H", "备注",
                            "a column the reader knows", severity="warning")
"""A load warning: the row was read, one column was left out."""


def on_row(problem: kr.Problem, row: int) -> kr.Problem:
    """``problem`` on another row."""
    return kr.Problem(problem.file, problem.sheet, row, problem.column, problem.value,
                      problem.expected, severity=problem.severity)


def violation(rule: str = "r", severity: kr.Severity = ERROR, message: str = "m",
              **where: Any) -> kr.Violation:
    return kr.Violation(rule, severity, message, **where)


def nothing(graph: kr.ResponsibilityGraph, at: datetime.date | None) -> Iterable[kr.Violation]:
    """Find nothing.

    A second line that is not the description.
    """
    return ()


# ---------------------------------------------------------------- Severity


def test_each_severity_has_its_chinese_label_and_is_read_from_it() -> None:
    """ERROR is 错误 and WARNING is 警告, and each label reads back as its severity."""
    assert (ERROR.label, WARNING.label) == ("错误", "警告")
    assert kr.Severity.parse("警告") is WARNING
    assert kr.Severity.parse("错误") is ERROR
    assert kr.Severity.parse("warning") is WARNING


# ---------------------------------------------------------------- Violation


def test_a_violation_place_names_item_town_unit_and_record_in_that_order() -> None:
    """``place`` lists what is known of item, town, unit and record (record 0 included),
    and ``str()`` puts it between the rule and the message."""
    full = violation(item="B-001", town="yushan", unit="zjj", record=0)
    assert full.place == "item B-001, town yushan, unit zjj, record #0"
    assert str(full) == "r (error): item B-001, town yushan, unit zjj, record #0: m"
    assert violation(unit="zjj").place == "unit zjj"
    assert violation(town="yushan").place == "town yushan"
    assert violation(record=7).place == "record #7"
    assert violation(item="B-001").place == "item B-001"
    assert violation().place == ""
    assert str(violation(severity=WARNING)) == "r (warning): m"


def test_a_violation_to_dict_holds_every_field_as_plain_data() -> None:
    """``to_dict`` gives every field: the severity by name, dates as ISO text, the
    records as a list, and ``None`` for what is not known."""
    full = violation("one-primary", ERROR, "two primaries", item="B-001", town="yushan",
                     unit="zjj", record=4, start=DAY, end=datetime.date(2025, 6, 1),
                     records=[4, 9])
    assert full.to_dict() == {
        "rule": "one-primary", "severity": "error", "message": "two primaries",
        "item": "B-001", "town": "yushan", "unit": "zjj", "record": 4,
        "start": "2025-01-01", "end": "2025-06-01", "records": [4, 9],
    }
    assert violation(severity=WARNING).to_dict() == {
        "rule": "r", "severity": "warning", "message": "m", "item": None, "town": None,
        "unit": None, "record": None, "start": None, "end": None, "records": [],
    }


def test_a_violation_keeps_its_records_as_a_tuple_and_refuses_malformed_fields() -> None:
    """``records`` may be given as any iterable and is kept as a tuple in order; the
    severity is read from its name or label; a non-text place or a non-date period is a
    TypeError."""
    made = violation(records=iter([9, 4]), severity="警告")  # type: ignore[arg-type]
    assert made.records == (9, 4)
    assert made.severity is WARNING
    assert made == violation(records=(9, 4), severity=WARNING)
    for bad in ({"item": 1}, {"town": 1}, {"unit": 1}, {"start": "2025-01-01"},
                {"end": "2025-01-01"}):
        with pytest.raises(TypeError):
            violation(**bad)
    with pytest.raises(TypeError):
        kr.Violation(1, ERROR, "m")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        kr.Violation("r", ERROR, None)  # type: ignore[arg-type]


# ---------------------------------------------------------------- Rule


def test_a_rule_description_is_the_first_line_of_its_docstring_unless_given() -> None:
    """Without ``description``, a rule's description is the first line of the function's
    docstring, stripped; without a docstring it is empty; a given description, even an
    empty one, wins over the docstring."""
    assert kr.rule("nothing")(nothing).description == "Find nothing."

    def bare(graph: kr.ResponsibilityGraph, at: datetime.date | None) -> Iterable[Any]:
        return ()

    assert kr.rule("bare")(bare).description == ""
    assert kr.rule("quiet", description="")(nothing).description == ""
    assert kr.rule("said", description="Says so.")(nothing).description == "Says so."


def test_a_rule_id_must_be_lower_case_words_joined_by_hyphens() -> None:
    """Ids like ``my-rule`` or ``rule2`` are taken; capitals, spaces, underscores, a
    leading digit or hyphen, or a non-string are an InvalidRuleError naming the id."""
    for good in ("r", "my-rule", "rule2", "a-1-b"):
        assert kr.rule(good)(nothing).id == good
    for bad in ("My-rule", "my rule", "my_rule", "2rule", "-rule", "rule-", "", 3):
        with pytest.raises(kr.InvalidRuleError, match="not a rule id") as info:
            kr.rule(bad)  # type: ignore[arg-type]
        assert info.value.rule == bad
    with pytest.raises(kr.InvalidRuleError, match="not a rule id"):
        kr.Rule("My Rule", ERROR, "", nothing)
    with pytest.raises(kr.InvalidRuleError, match="not a severity"):
        kr.Rule("my-rule", "fatal", "", nothing)
    with pytest.raises(TypeError):
        kr.Rule("my-rule", ERROR, None, nothing)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        kr.Rule("my-rule", ERROR, "", "not callable")  # type: ignore[arg-type]


def test_a_rule_repr_names_its_function() -> None:
    """A rule's repr shows its function by qualified name, or by repr when the callable
    has no name (a ``functools.partial``)."""
    assert repr(kr.rule("nothing")(nothing)) == (
        "Rule(id='nothing', severity=Severity.ERROR, description='Find nothing.', "
        "function=nothing)"
    )
    unnamed = functools.partial(nothing)
    assert repr(kr.rule("partial")(unnamed)).endswith(f"function={unnamed!r})")


def test_calling_a_rule_reads_the_date_and_gives_none_for_every_date() -> None:
    """``rule(graph, at)`` hands the function the day read from ``at``, and ``None``
    when no day is given; it returns a tuple."""
    seen: list[datetime.date | None] = []

    @kr.rule("spy")
    def spy(graph: kr.ResponsibilityGraph, at: datetime.date | None) -> Iterable[Any]:
        seen.append(at)
        return iter(())

    assert spy(kr.ResponsibilityGraph(), "2025年7月1日") == ()
    assert spy(kr.ResponsibilityGraph()) == ()
    assert seen == [datetime.date(2025, 7, 1), None]


@pytest.mark.parametrize(("yielded", "declared"), [
    (violation("spy", ERROR), ("spy", WARNING)),
    (violation("other", WARNING), ("spy", WARNING)),
    (violation("other", ERROR), ("spy", WARNING)),
])
def test_a_rule_gives_what_it_yields_its_own_id_and_severity(
    yielded: kr.Violation, declared: tuple[str, kr.Severity],
) -> None:
    """Whatever id or severity a yielded violation carries, the rule reports it under
    its own id and declared severity, with every other field kept."""
    spy = kr.rule(declared[0], severity=declared[1])(lambda graph, at: [yielded])
    (adopted,) = spy(kr.ResponsibilityGraph())
    assert (adopted.rule, adopted.severity) == declared
    assert adopted.message == yielded.message
    assert spy.adopt(yielded) == adopted


def test_a_violation_that_already_agrees_is_adopted_unchanged() -> None:
    """A violation with the rule's id and severity is reported as it is."""
    spy = kr.rule("spy", severity=WARNING)(nothing)
    agreeing = violation("spy", WARNING, item="B-001")
    assert spy.adopt(agreeing) == agreeing


def test_a_rule_refuses_to_adopt_anything_but_a_violation() -> None:
    """``adopt`` of a value that is not a Violation is a TypeError naming the rule."""
    spy = kr.rule("spy")(nothing)
    with pytest.raises(TypeError, match=r"rule 'spy' yielded 'oops'"):
        spy.adopt("oops")


# ---------------------------------------------------------------- Report: verdict and counts


def test_a_report_is_ok_unless_an_error_is_found_or_a_row_is_unread() -> None:
    """Warnings and load warnings leave a report ok; an error violation, or a load
    error, makes it not ok."""
    assert kr.Report([]).ok
    assert kr.Report([violation(severity=WARNING)], problems=[UNKNOWN_COLUMN]).ok
    assert not kr.Report([violation(severity=ERROR)]).ok
    assert not kr.Report([], problems=[UNREAD]).ok
    assert not kr.Report([violation(severity=WARNING)], problems=[UNKNOWN_COLUMN, UNREAD]).ok


def test_a_report_splits_its_violations_into_errors_and_warnings_in_order() -> None:
    """``errors`` and ``warnings`` keep the report's order and together are all of it."""
    first, second = violation("a", ERROR), violation("b", WARNING)
    third = violation("c", ERROR)
    report = kr.Report([first, second, third])
    assert report.violations == (first, second, third)
    assert report.errors == (first, third)
    assert report.warnings == (second,)


def test_by_rule_keeps_every_rule_run_and_adds_rules_that_did_not() -> None:
    """``by_rule`` has every rule that ran, in run order, empty or not, and then any
    rule whose violations the report holds without having run it."""
    a1, a2, stray = violation("a"), violation("a", message="again"), violation("x")
    report = kr.Report([a1, stray, a2], rules=["b", "a"])
    assert report.rules == ("b", "a")
    assert report.by_rule() == {"b": (), "a": (a1, a2), "x": (stray,)}


def test_unread_counts_the_rows_the_load_errors_left_out() -> None:
    """``unread`` counts the rows named by load errors only; load warnings add none."""
    assert kr.Report([], problems=[UNREAD, UNKNOWN_COLUMN]).unread == kr.Unread(1, 0)
    assert not kr.Report([], problems=[UNKNOWN_COLUMN]).unread


# ---------------------------------------------------------------- Report: summary and text


@pytest.mark.parametrize(("report", "line"), [
    (kr.Report([], rules=["a"]), "checked 1 rule over all dates: no violations"),
    (kr.Report([], DAY, ["a", "b"]), "checked 2 rules on 2025-01-01: no violations"),
    (kr.Report([violation()], rules=["r"]),
     "checked 1 rule over all dates: 1 error, 0 warnings"),
    (kr.Report([violation(severity=WARNING)], rules=["r"]),
     "checked 1 rule over all dates: 0 errors, 1 warning"),
    (kr.Report([violation(), violation(message="n"), violation(severity=WARNING),
                violation(severity=WARNING, message="n")], rules=[]),
     "checked 0 rules over all dates: 2 errors, 2 warnings"),
    (kr.Report([], rules=["a"], problems=[UNREAD]),
     "checked 1 rule over all dates: 0 errors, 0 warnings in the rows read; "
     "1 row not read (1 load problem)"),
    (kr.Report([], rules=["a"], problems=[UNREAD, on_row(UNREAD, 4)]),
     "checked 1 rule over all dates: 0 errors, 0 warnings in the rows read; "
     "2 rows not read (2 load problems)"),
    (kr.Report([], rules=["a"], problems=[UNKNOWN_COLUMN]),
     "checked 1 rule over all dates: 0 errors, 0 warnings; 1 load warning"),
    (kr.Report([], rules=["a"], problems=[UNKNOWN_COLUMN, UNKNOWN_COLUMN]),
     "checked 1 rule over all dates: 0 errors, 0 warnings; 2 load warnings"),
], ids=["clean", "clean-on-a-day", "one-error", "one-warning", "plurals",
        "one-unread-row", "two-unread-rows", "one-load-warning", "two-load-warnings"])
def test_the_summary_says_what_was_checked_and_found_in_one_line(
    report: kr.Report, line: str,
) -> None:
    """The summary counts rules, errors, warnings and load problems in the right
    number, says "no violations" only when nothing was found and every row was read,
    and never while rows are missing."""
    assert report.summary() == line
    assert str(report).splitlines()[0] == line


def test_the_text_groups_by_rule_and_town_in_aligned_columns() -> None:
    """``str(report)`` gives, under the summary, one block per rule that found
    something (its severity and count), a header per town with its display name (or
    "(no town)"), and one row per violation: the item or else the unit, the record, and
    the message, each column padded to its widest cell and left out when empty."""
    report = kr.Report(
        [
            violation("a", item="B-001", town="yushan", record=12, message="first"),
            violation("a", item="B-0002", town="yushan", message="second"),
            violation("a", unit="zjj", town="bacheng", record=3, message="third"),
            violation("b", WARNING, message="fourth"),
            violation("b", WARNING, item="C-001", message="fifth"),
        ],
        rules=["quiet", "a", "b"],
        names={"yushan": "玉山镇"},
    )
    assert str(report) == "\n".join([
        "checked 3 rules over all dates: 3 errors, 2 warnings",
        "",
        "a (error): 3",
        "  玉山镇 (yushan)",
        "    B-001   #12  first",
        "    B-0002       second",
        "  bacheng (bacheng)",
        "    zjj  #3  third",
        "",
        "b (warning): 2",
        "  (no town)",
        "           fourth",
        "    C-001  fifth",
    ])


def test_the_text_lists_load_problems_before_the_violations() -> None:
    """With load problems, the text lists them under the summary: as load problems
    with what they left unread, or as load warnings when every row was read."""
    unread = kr.Report([violation()], rules=["r"], problems=[UNREAD, UNKNOWN_COLUMN])
    assert str(unread).splitlines()[1:] == [
        "",
        "load problems (1 row not read): 2",
        f"  {UNREAD}",
        f"  {UNKNOWN_COLUMN}",
        "",
        "r (error): 1",
        "  (no town)",
        "    m",
    ]
    warned = kr.Report([], rules=["r"], problems=[UNKNOWN_COLUMN])
    assert str(warned).splitlines()[1:] == ["", "load warnings: 1", f"  {UNKNOWN_COLUMN}"]


# ---------------------------------------------------------------- Report: data views


def test_a_report_to_dict_holds_the_verdict_counts_rules_violations_and_problems() -> None:
    """``to_dict`` gives ok, the day (ISO), the error and warning counts, each rule run
    with its count (run order), every violation's own dict, and the load problems with
    what they left unread; ``to_json`` is the same data as readable JSON."""
    error, warning = violation("a", item="巡查"), violation("b", WARNING)
    report = kr.Report([error, warning], DAY, ["b", "a"], problems=[UNREAD])
    data = report.to_dict()
    assert data == {
        "ok": False,
        "at": "2025-01-01",
        "errors": 1,
        "warnings": 1,
        "rules": [{"id": "b", "violations": 1}, {"id": "a", "violations": 1}],
        "violations": [error.to_dict(), warning.to_dict()],
        "unread": {"rows": 1, "files": 0},
        "problems": [UNREAD.to_dict()],
    }
    assert kr.Report([]).to_dict()["at"] is None
    text = report.to_json()
    assert json.loads(text) == data
    assert "巡查" in text
    assert text.startswith('{\n  "ok": false,')
    assert "\n" not in report.to_json(indent=None)


def test_a_report_in_a_notebook_is_a_table_of_its_violations() -> None:
    """The HTML view is the summary over one row per violation: rule, severity label,
    town name, item or else unit, record, message."""
    report = kr.Report(
        [violation("a", item="B-001", town="yushan", record=0, message="first"),
         violation("b", WARNING, unit="zjj", message="second")],
        names={"yushan": "玉山镇"},
    )
    html = report._repr_html_()
    assert report.summary() in html
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert cells == ["a", "错误", "玉山镇", "B-001", "#0", "first",
                     "b", "警告", "", "zjj", "", "second"]


def test_a_report_and_its_violations_become_arrow_and_pandas_tables() -> None:
    """``to_arrow`` has one row per violation with the day checked; ``to_pandas`` is
    the same table; violations alone make the same rows without the day."""
    pytest.importorskip("pyarrow")
    pytest.importorskip("pandas")
    first, second = violation("a", item="B-001", record=2), violation("b", WARNING)
    report = kr.Report([first, second], DAY, ["a", "b"])
    table = report.to_arrow()
    assert table.column("rule").to_pylist() == ["a", "b"]
    assert table.column("checked").to_pylist() == [DAY, DAY]
    assert table.column("record").to_pylist() == [2, None]
    assert list(report.to_pandas()["rule"]) == ["a", "b"]
    alone = kr.to_arrow([first, second])
    assert alone.column("rule").to_pylist() == ["a", "b"]
    assert alone.column("checked").to_pylist() == [None, None]
    assert kr.to_arrow([report]).column("severity").to_pylist() == ["error", "warning"]


def test_report_problems_must_be_problems() -> None:
    """A report's problems are Problem values: anything else is a TypeError naming it,
    and the problems given are kept in order."""
    with pytest.raises(TypeError, match=r"not 'row 3'"):
        kr.Report([], problems=[UNREAD, "row 3"])  # type: ignore[list-item]
    assert kr.Report([], problems=iter([UNKNOWN_COLUMN, UNREAD])).problems == (
        UNKNOWN_COLUMN, UNREAD)
