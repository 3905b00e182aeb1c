"""Tests of assertion files: reading with lines, each expectation kind, located errors."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import kunshan_rbac as kr

SPEC = """\
tests:
  - name: 住宅维修资金 belongs to the towns after the reform
    owner:
      - {item: B-CJ-043, town: 玉山镇, at: 2025-12-31, primary: 玉山镇, secondary: [市住建局],
         list: basic}
      - {item: B-CJ-043, town: 玉山镇, at: 2024-12-31, primary: 市住建局}
    duties:
      - {unit: 市住建局, at: 2025-12-31, role: primary, includes: [R-ZJ-002],
         excludes: [B-CJ-043]}
    check:
      - {rule: one-primary, count: 0}
      - {rule: has-basis, max: 41}
"""


def write(tmp_path: Path, text: str, name: str = "lists.yaml") -> Path:
    """Write an assertion file and return its path."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def small() -> kr.ResponsibilityGraph:
    """One town, one department, an item moved from the town to the department in 2025."""
    g = kr.ResponsibilityGraph()
    g.add_unit(kr.Town("yushan", "玉山镇"))
    g.add_unit(kr.Department("zjj", "市住房和城乡建设局", aliases=("市住建局",)))
    g.add_item(kr.Item("B-001", "住宅专项维修资金", basis="《办法》"))
    g.add_item(kr.Item("B-002", "物业管理", basis="《条例》"))
    g.assign("B-001", town="yushan", list="basic", primary="yushan", secondary="zjj",
             start="2024-01-01")
    g.assign("B-002", town="yushan", list="basic", primary="yushan", start="2024-01-01")
    g.reclaim(["B-002"], towns=["yushan"], to="zjj", effective="2025-01-01", ref="文")
    return g


def test_the_issue_example_passes_on_the_sample(tmp_path: Path) -> None:
    """The example of the format (without routes) holds on the sample, line by line."""
    report = kr.run_assertions(write(tmp_path, SPEC))
    assert report.ok, str(report)
    assert [r.line for r in report.results] == [4, 6, 8, 11, 12]
    assert [r.kind for r in report.results] == ["owner", "owner", "duties", "check", "check"]
    assert report.data is None
    assert report.tests == ("住宅维修资金 belongs to the towns after the reform",)


def test_a_wrong_owner_fails_with_expected_and_found(tmp_path: Path) -> None:
    """A failed owner expectation names its line, what was expected and what was found."""
    path = write(tmp_path, """\
        tests:
          - name: wrong
            owner:
              - {item: B-CJ-043, town: 玉山镇, at: 2025-12-31, primary: 市住建局}
        """)
    report = kr.run_assertions(path)
    assert not report.ok
    (failure,) = report.failures
    assert failure.line == 4
    assert failure.file == str(path)
    assert "primary 市住建局" in failure.expected
    assert "primary 玉山镇 (yushan)" in failure.found
    assert f"{path}:4: FAILED" in str(report)


@pytest.mark.parametrize(
    ("fields", "passes"),
    [
        ("primary: 玉山镇", True),
        ("primary: yushan, list: 基本", True),
        ("primary: 市住建局", False),
        ("secondary: [市住建局]", True),
        ("secondary: []", False),
        ("list: cooperative", False),
        ("assigned: false", False),
    ],
)
def test_owner_fields(tmp_path: Path, fields: str, passes: bool) -> None:
    """Only the fields given are compared, by unit code whatever name is used."""
    path = write(tmp_path, f"""\
        data: data.json
        tests:
          - name: owner
            owner:
              - {{item: B-001, town: 玉山镇, at: 2025-06-01, {fields}}}
        """)
    kr.write_json(small(), tmp_path / "data.json")
    assert kr.run_assertions(path).ok is passes


def test_assigned_false_passes_when_no_list_holds_the_item(tmp_path: Path) -> None:
    """``assigned: false`` expects no list of the town to hold the item then."""
    kr.write_json(small(), tmp_path / "data.json")
    path = write(tmp_path, """\
        data: data.json
        tests:
          - name: before the lists
            owner:
              - {item: B-001, town: yushan, at: 2023-06-01, assigned: false}
              - {item: B-001, town: yushan, at: 2024-06-01, assigned: false}
        """)
    report = kr.run_assertions(path)
    assert [r.passed for r in report.results] == [True, False]


def test_duties_includes_excludes_and_count(tmp_path: Path) -> None:
    """A duties expectation fails on a missing included item, a held excluded one, a count."""
    kr.write_json(small(), tmp_path / "data.json")
    path = write(tmp_path, """\
        data: data.json
        tests:
          - name: duties
            duties:
              - {unit: 市住建局, at: 2025-06-01, role: primary, includes: [B-002], count: 1}
              - {unit: 市住建局, at: 2024-06-01, role: primary, includes: [B-002]}
              - {unit: zjj, at: 2025-06-01, excludes: [B-001]}
              - {unit: zjj, at: 2025-06-01, town: 玉山镇, count: 3}
        """)
    report = kr.run_assertions(path)
    assert [r.passed for r in report.results] == [True, False, False, False]
    assert "missing [B-002]" in report.results[1].found
    assert "holds excluded [B-001]" in report.results[2].found
    assert report.results[3].found == "2 duties"


def test_check_bounds(tmp_path: Path) -> None:
    """check expectations compare the rule's count with count, min and max."""
    path = write(tmp_path, """\
        tests:
          - name: rules
            check:
              - {rule: has-basis, count: 41}
              - {rule: has-basis, min: 42}
              - {rule: has-basis, max: 40}
              - {rule: one-primary, at: 2025-07-01, count: 0}
        """)
    report = kr.run_assertions(path)
    assert [r.passed for r in report.results] == [True, False, False, True]
    assert report.results[1].found == "41 violations"


def test_unknown_names_fail_the_expectation_not_the_file(tmp_path: Path) -> None:
    """An item the data do not know is a failure with the library's message, not exit 2."""
    path = write(tmp_path, """\
        tests:
          - name: unknown
            owner:
              - {item: X-404, town: 玉山镇, at: 2025-06-01, primary: 玉山镇}
        """)
    (result,) = kr.run_assertions(path).results
    assert not result.passed
    assert "unknown item 'X-404'" in result.found


def test_data_option_overrides_the_file(tmp_path: Path) -> None:
    """``data=`` replaces the file's ``data:``; the file's is read relative to the file."""
    kr.write_json(small(), tmp_path / "data.json")
    sub = tmp_path / "specs"
    sub.mkdir()
    path = write(sub, """\
        data: ../data.json
        tests:
          - name: small
            owner:
              - {item: B-001, town: yushan, at: 2025-06-01, primary: yushan}
        """)
    assert kr.run_assertions(path).ok
    with pytest.raises(kr.LoadError, match=r"nowhere\.json"):
        kr.run_assertions(path, data=tmp_path / "nowhere.json")


@pytest.mark.parametrize(
    ("text", "row", "column", "words"),
    [
        ("tests:\n  - name: x\n    owner:\n      - {item: B-001, town: t, at: 2025-13-01}\n",
         4, "tests[0].owner[0].at", "cannot read"),
        ("tests:\n  - name: x\n    owner:\n      - {item: B-001, town: t}\n",
         4, "tests[0].owner[0]", "'at' is a required property"),
        ("tests:\n  - name: x\n    owner:\n      - {item: 12, town: t, at: 2025-01-01}\n",
         4, "tests[0].owner[0].item", "quote it"),
        ("tests:\n  - name: x\n    check:\n      - {rule: one-primry, count: 0}\n",
         4, "tests[0].check[0].rule", "a rule id"),
        ("tests:\n  - name: x\n    check:\n      - {rule: one-primary}\n",
         4, "tests[0].check[0]", "at least one of count, min, max"),
        ("tests:\n  - name: x\n    owner:\n      - {item: B, town: t, at: 2025-01-01,"
         " primry: t}\n", 4, "tests[0].owner[0]", "only the fields"),
        ("tests:\n  - name: x\n    name: y\n    owner: []\n", 3, "tests[0].name",
         "each key once"),
        ("tests:\n  - name: x\n    owner:\n      - {item: B, town: t, at: 2025-01-01,"
         " list: kitchen}\n", 4, "tests[0].owner[0].list", "is not one of"),
        ("tests: [\n", 2, None, "valid YAML"),
        ("", None, None, "a mapping with a 'tests' list"),
    ],
)
def test_bad_files_give_located_problems(
    tmp_path: Path, text: str, row: int | None, column: str | None, words: str
) -> None:
    """Every problem of a bad file is a LoadError problem with the line and the field."""
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(kr.LoadError) as caught:
        kr.run_assertions(path)
    problem = caught.value.problems[0]
    assert problem.file == str(path)
    assert problem.row == row
    assert problem.column == column
    assert words in str(problem)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    """Two bad expectations give two problems, in line order."""
    path = write(tmp_path, """\
        tests:
          - name: x
            owner:
              - {item: B, town: t, at: someday}
              - {item: B, town: t, at: 2025-01-01, list: kitchen}
        """)
    with pytest.raises(kr.LoadError) as caught:
        kr.run_assertions(path)
    assert [p.row for p in caught.value.problems] == [4, 5]


def test_values_keep_their_text(tmp_path: Path) -> None:
    """Quoted scalars and dates are read as written: nothing becomes a number or a date."""
    g = kr.ResponsibilityGraph()
    g.add_unit(kr.Town("0012", "一镇"))
    g.add_item(kr.Item("0034", "事项", basis="x"))
    g.assign("0034", town="0012", list="basic", primary="0012", start="2024-01-01")
    kr.write_json(g, tmp_path / "data.json")
    path = write(tmp_path, """\
        data: data.json
        tests:
          - name: codes
            owner:
              - {item: "0034", town: "0012", at: 2025-01-01, primary: "0012"}
        """)
    assert kr.run_assertions(path).ok


class FakeRoute:
    """What the dispatcher answers: declined, the item and the ownership."""

    def __init__(self, declined: bool, item: Any, ownership: Any) -> None:
        self.declined = declined
        self.item = item
        self.ownership = ownership


class FakeRouter:
    """A stand-in dispatcher: routes any text to B-CJ-043 in the town asked about."""

    def __init__(self, graph: kr.ResponsibilityGraph) -> None:
        self.graph = graph

    def route(self, text: str, *, town: str, at: Any) -> FakeRoute:
        if "天气" in text:
            return FakeRoute(True, None, None)
        own = self.graph.owner("B-CJ-043", town=town, at=at)
        return FakeRoute(False, own.item, own)


ROUTES = """\
tests:
  - name: routes
    route:
      - {text: 楼上漏水到我家了物业不管, town: 玉山镇, at: 2025-10-01, primary: 玉山镇}
      - {text: 楼上漏水到我家了物业不管, town: 玉山镇, at: 2025-10-01, item: B-CJ-043}
      - {text: 楼上漏水, town: 玉山镇, at: 2024-10-01, primary: 玉山镇}
      - {text: 明天天气怎么样, town: 玉山镇, at: 2025-10-01, declined: true}
      - {text: 明天天气怎么样, town: 玉山镇, at: 2025-10-01, primary: 玉山镇}
"""


def test_route_expectations_use_the_dispatcher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With kr.Router present, route expectations compare its item, primary and decline."""
    monkeypatch.setattr(kr, "Router", FakeRouter, raising=False)
    report = kr.run_assertions(write(tmp_path, ROUTES))
    assert [r.passed for r in report.results] == [True, True, False, True, False]
    assert report.results[4].found == "declined"


def test_route_expectations_without_the_dispatcher_are_a_located_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without kr.Router, a file with routes is refused at the line of each route."""
    monkeypatch.delattr(kr, "Router", raising=False)
    with pytest.raises(kr.LoadError) as caught:
        kr.run_assertions(write(tmp_path, ROUTES))
    assert [p.row for p in caught.value.problems] == [4, 5, 6, 7, 8]
    assert "route assertions need the dispatcher" in str(caught.value.problems[0])


def test_the_shipped_schema_is_valid_and_accepts_the_example() -> None:
    """The packaged JSON Schema is a valid draft 2020-12 schema and accepts the example."""
    schema = kr.assertions_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    import yaml

    document = yaml.safe_load(SPEC)
    for test in document["tests"]:
        for kind in ("owner", "duties", "check"):
            for fields in test.get(kind, ()):
                for key, value in fields.items():
                    if not isinstance(value, list | int | str | bool):
                        fields[key] = str(value)
    jsonschema.validate(document, schema)


def test_report_views() -> None:
    """to_dict and the summary count passed and failed expectations."""
    results = (
        kr.AssertionResult("t", "owner", "f.yaml", 3, True, "a", "a"),
        kr.AssertionResult("t", "check", "f.yaml", 4, False, "b", "c"),
    )
    report = kr.AssertionReport("f.yaml", None, results)
    assert report.summary() == "f.yaml: 2 expectations in 1 test: 1 passed, 1 failed"
    assert report.to_dict()["failed"] == 1
    assert str(report).splitlines()[0] == "f.yaml:4: FAILED: t (check): b; found c"
