"""Tables of results: to_arrow / to_pandas on every result type, on lists and on the graph."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from typing import Any

import pytest

import kunshan_rbac as kr
from kunshan_rbac import _frames
from kunshan_rbac._ownership_table import OWNERSHIP_COLUMNS

DOCS = Path(__file__).parents[2] / "docs"
DAY = datetime.date(2025, 12, 31)
PLAIN = {"string", "date32[day]", "int64", "double", "bool", "list<item: string>",
         "list<item: int64>"}


@pytest.fixture(scope="module")
def g() -> kr.ResponsibilityGraph:
    """The sample graph."""
    return kr.load_sample()


@pytest.fixture(scope="module")
def evaluation(g: kr.ResponsibilityGraph) -> kr.Evaluation:
    """An evaluation of one week of the sample's orders."""
    return kr.evaluate(g, kr.load_sample_orders(), start="2025-03-03", end="2025-03-09")


def results(g: kr.ResponsibilityGraph, evaluation: kr.Evaluation) -> dict[str, Any]:
    """One value of every kind of result, by the kind of table it makes."""
    router = kr.Router(g)
    return {
        "ownership": g.owner("B-CJ-001", town="玉山镇", at=DAY),
        "stats": kr.stats(g, at=DAY),
        "diff": kr.diff(g, "2025-03-31", "2025-04-01", town="周庄镇"),
        "report": kr.check(g, at=DAY),
        "explanation": g.explain("B-CJ-001", town="玉山镇", at=DAY),
        "transfer": g.transfers()[0],
        "route": router.route("小区电梯坏了没人修", town="玉山镇", at="2025-06-01"),
        "evaluation": evaluation,
        "evaluation_row": evaluation.towns["玉山镇"],
        "town_score": kr.rank_towns(evaluation)[0],
        "picture": g.picture("玉山镇", at=DAY),
    }


def test_every_result_type_gives_its_kind_of_table(
    g: kr.ResponsibilityGraph, evaluation: kr.Evaluation
) -> None:
    """Each result's to_arrow has its kind's schema, with plain column types only, and
    its to_pandas has the same columns."""
    for kind, value in results(g, evaluation).items():
        table = value.to_arrow()
        assert table.schema == _frames.schema(kind), kind
        assert {str(f.type) for f in table.schema} <= PLAIN, kind
        assert table.num_rows > 0, kind
        assert list(value.to_pandas().columns) == table.column_names, kind


def test_the_documented_kinds_are_the_built_kinds() -> None:
    """The reference lists every kind of table with its columns, as the module defines
    them."""
    text = (DOCS / "reference" / "tables.md").read_text(encoding="utf-8")
    for kind, frame in _frames.FRAMES.items():
        assert f"`{kind}`" in text, kind
        for column in frame.columns:
            assert f"`{column.name}`" in text, (kind, column.name)


def test_an_ownership_row_says_what_the_answer_says(g: kr.ResponsibilityGraph) -> None:
    """Codes, names, the list's code and label, the secondary units and the period."""
    o = g.owner("B-CJ-001", town="玉山镇", at=DAY)
    (row,) = o.to_arrow().to_pylist()
    assert row == {
        "item": o.item.code, "item_name": o.item.name, "town": "yushan", "town_name": "玉山镇",
        "list": "basic", "list_label": "基本履职事项清单", "primary": o.primary.code,
        "primary_name": o.primary.name, "secondary": [u.code for u in o.secondary],
        "secondary_names": [u.name for u in o.secondary], "start": o.start, "end": o.end,
    }


def test_pandas_columns_are_plain(g: kr.ResponsibilityGraph) -> None:
    """Dates are datetime64, ids nullable Int64, enums strings: no enum or unit objects."""
    df = g.to_pandas("records")
    assert str(df["start"].dtype).startswith("datetime64")
    assert str(df["id"].dtype) == "Int64"
    assert str(df["closed_by"].dtype) == "Int64"
    assert df["closed_by"].isna().any()
    assert df["closed_by"].notna().any()
    assert set(df["role_label"]) == {"主责", "次责"}
    assert set(df["list"]) == {"basic", "cooperative", "reclaimed"}
    for column in df.columns:
        first = df[column].dropna().iloc[0]
        assert not isinstance(first, (kr.ListKind, kr.Role, kr.Town, kr.Department)), column


def test_a_list_of_ownerships_is_one_table(g: kr.ResponsibilityGraph) -> None:
    """kr.to_arrow(g.duties(...)) has one row per answer, in order."""
    answers = g.duties("市住建局", at=DAY)
    table = kr.to_arrow(answers)
    assert table.num_rows == len(answers)
    assert table.column("item").to_pylist() == [o.item.code for o in answers]
    assert kr.to_pandas(answers)["primary_name"].iloc[0] == answers[0].primary.name


def test_a_list_of_whole_results_puts_their_rows_one_after_another(
    g: kr.ResponsibilityGraph,
) -> None:
    """Two Stats make one table whose ``at`` column tells them apart."""
    first, second = kr.stats(g, at="2024-01-01"), kr.stats(g, at=DAY)
    table = kr.to_arrow([first, second])
    assert table.num_rows == 2 * len(g.towns())
    assert table.column("at").to_pylist() == [first.at] * 10 + [second.at] * 10
    assert table.slice(10).to_pylist() == second.to_arrow().to_pylist()


def test_totals_of_the_stats_table_agree_with_stats(g: kr.ResponsibilityGraph) -> None:
    """The per-town counts are those of Stats, and total is their sum."""
    s = kr.stats(g, at=DAY)
    for row in s.to_arrow().to_pylist():
        counts = s.per_town[row["town"]]
        assert [row[k.value] for k in kr.ListKind] == [counts[k] for k in kr.ListKind]
        assert row["total"] == sum(counts.values())


def test_lists_that_make_no_single_table_are_refused(g: kr.ResponsibilityGraph) -> None:
    """Mixed kinds, foreign values, a string and an empty list without kind are refused
    with InvalidArgumentError; an empty list with kind has the kind's columns."""
    o = g.owner("B-CJ-001", town="玉山镇", at=DAY)
    with pytest.raises(kr.InvalidArgumentError, match="one kind"):
        kr.to_arrow([o, g.transfers()[0]])
    with pytest.raises(kr.InvalidArgumentError):
        kr.to_arrow([o, 3])
    with pytest.raises(kr.InvalidArgumentError):
        kr.to_arrow("ownership")
    with pytest.raises(kr.InvalidArgumentError, match="kind="):
        kr.to_arrow([])
    with pytest.raises(kr.InvalidArgumentError):
        kr.to_arrow([], kind="nonsense")
    empty = kr.to_arrow([], kind="ownership")
    assert empty.num_rows == 0
    assert empty.schema == o.to_arrow().schema


def test_records_and_transfers_get_names_from_a_graph(g: kr.ResponsibilityGraph) -> None:
    """Values that hold codes only have null names alone, and names given the graph."""
    t = g.transfers()[0]
    alone = t.to_arrow().to_pylist()[0]
    named = t.to_arrow(g).to_pylist()[0]
    assert alone["item_name"] is None
    assert named["item_name"] == g.item(t.moves[0].item).name
    assert named["from_unit_name"] == g.unit(t.moves[0].from_unit).name
    records = g.records(town="玉山镇")[:5]
    table = kr.to_arrow(records, graph=g)
    assert table.column("unit_name").to_pylist() == [g.unit(r.unit).name for r in records]


def test_graph_records_table(g: kr.ResponsibilityGraph) -> None:
    """"records": every record; with at, exactly those in force that day."""
    every = g.to_arrow("records")
    assert every.num_rows == len(g.records())
    on = g.to_arrow("records", at=DAY)
    assert on.column("id").to_pylist() == [r.id for r in g.records() if r.holds_on(DAY)]


def test_graph_ownerships_table(g: kr.ResponsibilityGraph) -> None:
    """"ownerships": with at, one row per (item, town) on a list, agreeing with owner();
    without, the periods of ownership_table with names added."""
    table = g.to_arrow("ownerships", at=DAY).to_pylist()
    pairs = {(i.code, t.code) for t in g.towns() for k in kr.ListKind
             for i in g.items_on(k, town=t.code, at=DAY)}
    assert {(r["item"], r["town"]) for r in table} == pairs
    for row in table[::97]:
        answer = g.owner(row["item"], town=row["town"], at=DAY)
        assert (row["list"], row["primary"]) == (answer.list.value, answer.primary.code)
    history = g.to_arrow("ownerships")
    assert history.select(list(OWNERSHIP_COLUMNS)).equals(
        kr.ownership_table(g)
    )


def test_graph_items_units_and_transfers_tables(g: kr.ResponsibilityGraph) -> None:
    """"items", "units", "transfers": the catalogue and one row per move."""
    items = g.to_arrow("items")
    assert items.column("code").to_pylist() == [i.code for i in g.items()]
    on = set(g.to_arrow("items", at=DAY).column("code").to_pylist())
    listed = {i.code for t in g.towns() for k in kr.ListKind
              for i in g.items_on(k, town=t.code, at=DAY)}
    assert on == listed
    units = g.to_pandas("units")
    assert len(units) == len(g.units())
    assert set(units["kind_label"]) >= {"镇街", "部门"}
    transfers = g.to_arrow("transfers")
    assert transfers.num_rows == sum(len(t.moves) for t in g.transfers())
    early = g.to_arrow("transfers", at="2024-12-31")
    assert max(early.column("effective").to_pylist()) <= datetime.date(2024, 12, 31)
    assert early.num_rows < transfers.num_rows


def test_graph_refuses_an_unknown_kind(g: kr.ResponsibilityGraph) -> None:
    """An unknown kind is an InvalidArgumentError naming the kinds."""
    with pytest.raises(kr.InvalidArgumentError, match="records"):
        g.to_arrow("rows")


def test_tables_are_queryable_by_duckdb(g: kr.ResponsibilityGraph) -> None:
    """An Arrow table of the graph is what DuckDB reads directly."""
    duckdb = pytest.importorskip("duckdb")
    ownerships = g.to_arrow("ownerships", at=DAY)
    assert ownerships.num_rows > 0
    rows = duckdb.sql(
        "select list_label, count(*) from ownerships group by 1 order by 1"
    ).fetchall()
    assert sum(n for _, n in rows) == ownerships.num_rows


def test_missing_pyarrow_names_the_extra(
    g: kr.ResponsibilityGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without pyarrow, every table call raises MissingExtraError (an ImportError)
    naming kunshan-rbac[analytics]."""
    o = g.owner("B-CJ-001", town="玉山镇", at=DAY)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    for call in (o.to_arrow, lambda: g.to_arrow("items"), lambda: kr.to_arrow([o])):
        with pytest.raises(kr.MissingExtraError, match=r"kunshan-rbac\[analytics\]") as info:
            call()
        assert isinstance(info.value, ImportError)


def test_missing_pandas_names_the_extra(
    g: kr.ResponsibilityGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without pandas, to_pandas raises MissingExtraError naming the extra."""
    o = g.owner("B-CJ-001", town="玉山镇", at=DAY)
    monkeypatch.setitem(sys.modules, "pandas", None)
    for call in (o.to_pandas, lambda: g.to_pandas("items"), lambda: kr.to_pandas([o])):
        with pytest.raises(kr.MissingExtraError, match=r"kunshan-rbac\[analytics\]") as info:
            call()
        assert info.value.module == "pandas"


def test_registering_an_unknown_kind_is_refused() -> None:
    """A result module cannot register a kind that has no columns."""
    with pytest.raises(ValueError, match="no table kind"):
        _frames.register(int, "nonsense")


def test_a_list_of_changes_has_the_diff_columns(g: kr.ResponsibilityGraph) -> None:
    """kr.to_arrow(d.changes) gives the diff's rows with the dates compared left null."""
    d = kr.diff(g, "2025-03-31", "2025-04-01", town="周庄镇")
    table = kr.to_arrow(d.changes)
    whole = d.to_arrow()
    assert table.schema == whole.schema
    assert table.drop_columns(["before", "after"]).equals(
        whole.drop_columns(["before", "after"])
    )
    assert table.column("before").null_count == table.num_rows


def test_graph_tables_can_be_narrowed_to_some_columns(g: kr.ResponsibilityGraph) -> None:
    """columns= keeps those columns in that order, with the values of the whole table;
    a column the kind does not have, or a lone string, is refused."""
    whole = g.to_arrow("records", at=DAY)
    some = g.to_arrow("records", at=DAY, columns=["unit_name", "id"])
    assert some.column_names == ["unit_name", "id"]
    assert some.equals(whole.select(["unit_name", "id"]))
    assert list(g.to_pandas("items", columns=["code"]).columns) == ["code"]
    with pytest.raises(kr.InvalidArgumentError, match="columns"):
        g.to_arrow("records", columns=["nonsense"])
    with pytest.raises(kr.InvalidArgumentError, match="columns"):
        g.to_arrow("records", columns="id")


def test_orders_assertions_and_findings_give_their_tables(
    g: kr.ResponsibilityGraph, evaluation: kr.Evaluation, tmp_path: Path
) -> None:
    """Orders (one row per event, times in China's zone), an assertion report (one row
    per expectation) and a supervision (one row per finding, with its task) convert
    like every other result, and a list of their parts gives the same rows."""
    orders = kr.load_sample_orders()
    table = orders.to_arrow()
    assert table.schema == _frames.schema("order_event")
    assert table.num_rows == sum(len(o.events) for o in orders)
    first = next(iter(orders))
    assert table.slice(0, len(first.events)).to_pylist() == kr.to_arrow([first]).to_pylist()
    assert table.column("time")[0].as_py() == first.events[0].time
    assert list(orders.to_pandas().columns) == table.column_names
    spec = tmp_path / "lists.yaml"
    spec.write_text(
        "tests:\n  - name: one\n    owner:\n"
        "      - {item: B-CJ-043, town: 玉山镇, at: 2025-12-31, primary: 玉山镇}\n"
        "      - {item: B-CJ-043, town: 玉山镇, at: 2024-12-31, primary: 玉山镇}\n",
        encoding="utf-8")
    report = kr.run_assertions(spec)
    rows = report.to_arrow().to_pylist()
    assert [r["passed"] for r in rows] == [r.passed for r in report.results]
    assert [r["line"] for r in rows] == [r.line for r in report.results]
    assert not all(r["passed"] for r in rows)
    findings = kr.find_problems(evaluation, found="2025-03-10")
    assert findings
    supervision = kr.Supervision.open(findings, opened="2025-03-10")
    frame = supervision.to_arrow()
    assert frame.schema == _frames.schema("finding")
    assert frame.column("finding").to_pylist() == [f.id for f in findings]
    assert frame.column("due").to_pylist() == [t.due for t in supervision.tasks]
    assert kr.to_arrow(list(findings)).column("owner").null_count == len(findings)
