"""The 赋权文号 column: the document that empowered a list row's primary unit (a town on
its basic list) is read under the names real delegation lists use, and written back."""

from __future__ import annotations

from pathlib import Path

import pytest

import kunshan_rbac as kr
from fixtures_lists import BASIC_SHEET, units_csv, write_csv

HEADER = ["序号", "领域", "事项名称", "具体工作事项", "协同部门", "依据", "事项类型"]
PENALTY = [1, "城乡建设", "对未取得施工许可证擅自施工的处罚", "立案、调查、处罚", "",
           "《建筑法》第六十四条", "行政处罚"]
GRANT = "苏政发〔2020〕91号"


@pytest.mark.parametrize(
    "column", ["赋权文号", "赋权依据", "赋权文件", "下放文号", "委托文号", "赋权（文号）"])
def test_grant_is_read_under_its_names(tmp_path: Path, column: str) -> None:
    """The town's record of a delegated penalty keeps the document in the grant column,
    whichever name the list gives it, and the town-capacity rule is then satisfied."""
    units_csv(tmp_path)
    write_csv(tmp_path / f"巴城镇_{BASIC_SHEET}.csv", [[*HEADER, column], [*PENALTY, GRANT]])
    graph = kr.read_lists(tmp_path)
    answer = graph.owner("对未取得施工许可证擅自施工的处罚", town="巴城镇", at="2025-07-01")
    assert [r.grant for r in answer.records] == [GRANT]
    assert kr.check(graph, select="town-capacity").violations == ()


def test_no_grant_column_means_no_grant(tmp_path: Path) -> None:
    """Without the column the record has no grant, and town-capacity warns about it."""
    units_csv(tmp_path)
    write_csv(tmp_path / f"巴城镇_{BASIC_SHEET}.csv", [HEADER, PENALTY])
    graph = kr.read_lists(tmp_path)
    assert [r.grant for r in graph.records()] == [""]
    assert len(kr.check(graph, select="town-capacity").violations) == 1


def _graph(grant: str) -> kr.ResponsibilityGraph:
    g = kr.ResponsibilityGraph()
    g.add_unit(kr.Town("yushan", "玉山镇"))
    g.add_unit(kr.Department("zjj", "市住房和城乡建设局", aliases=("市住建局",)))
    g.add_item(kr.Item("ZJ-001", "对未取得施工许可证擅自施工的处罚", power_type="行政处罚"))
    g.add_item(kr.Item("ZJ-002", "配合开展燃气用户安全宣传和隐患排查"))
    g.assign("ZJ-001", town="yushan", list="basic", primary="yushan", grant=grant)
    g.assign("ZJ-002", town="yushan", list="cooperative", primary="zjj", secondary="yushan",
             grant="昆建〔2024〕3号")
    return g


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_grants_are_written_and_read_back(tmp_path: Path, fmt: str) -> None:
    """write_lists writes each primary record's grant in 赋权文号, on every list, and
    read_lists gives it back to the same record."""
    kr.write_lists(_graph(GRANT), tmp_path, format=fmt, at="2025-07-01")
    again = kr.read_lists(tmp_path)
    grants = {(r.item, r.role.value): r.grant for r in again.records()}
    assert grants == {("ZJ-001", "primary"): GRANT, ("ZJ-002", "primary"): "昆建〔2024〕3号",
                      ("ZJ-002", "secondary"): ""}


def test_the_column_is_written_only_when_needed(tmp_path: Path) -> None:
    """A list whose rows hold no grant has no 赋权文号 column: the layout stays as
    governments publish it."""
    paths = kr.write_lists(_graph(""), tmp_path, format="csv", at="2025-07-01")
    headers = {p.name: p.read_text(encoding="utf-8-sig").splitlines()[0] for p in paths}
    assert "赋权文号" not in headers[f"玉山镇_{BASIC_SHEET}.csv"]
    assert "赋权文号" in headers["玉山镇_配合履职事项清单.csv"]
