"""Build duty-list workbooks and CSV files inside the tests, messy the way real ones are.

Everything here writes into a folder the test owns (``tmp_path``): a unit catalogue
(`UNITS`), the three lists of a town in their published layout (`BASIC`, `COOPERATIVE`,
`RECLAIMED`), and helpers that write them as a workbook (`write_book`, with merged cells
and title rows) or as CSV (`write_csv`, in any encoding).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import openpyxl

Rows = list[list[Any]]

UNITS_HEADER = ["编码", "名称", "类型", "简称", "上级"]
UNITS: Rows = [
    ["kunshan", "昆山市", "市", "", ""],
    ["yushan", "玉山镇", "镇", "玉山", "kunshan"],
    ["bacheng", "巴城镇", "镇", "巴城", "kunshan"],
    ["zhoushi", "周市镇", "镇", "周市", "kunshan"],
    ["zjj", "市住房和城乡建设局", "部门", "市住建局、住建局", "kunshan"],
    ["scj", "市市场监督管理局", "部门", "市市场监管局", "kunshan"],
    ["mzj", "市民政局", "部门", "", "kunshan"],
    ["sthj", "苏州市昆山生态环境局", "部门", "市生态环境局", "kunshan"],
    ["nyj", "市农业农村局", "部门", "市农业局", "kunshan"],
    ["zhzf", "市综合行政执法局", "部门", "市综合执法局", "kunshan"],
]
"""A small Kunshan unit catalogue: the city, three towns and six departments."""

BASIC_HEADER = ["序号", "领域", "事项名称", "具体工作事项", "协同部门", "依据"]
BASIC: Rows = [
    [1, "民生服务", "最低生活保障申请受理、入户调查、审核", "受理申请，入户调查", "市民政局",
     "《社会救助暂行办法》第十一条"],
    [2, "民生服务", "临时救助申请受理和小额救助", "受理申请", "市民政局", ""],
    [3, "城乡建设", "住宅专项维修资金使用受理、审核和日常管理", "受理、审核", "市住建局",
     "《住宅专项维修资金管理办法》"],
    [4, "生态环境", "秸秆禁烧巡查", "日常巡查", "市生态环境局、市农业农村局", ""],
]

COOPERATIVE_HEADER = ["序号", "领域", "事项名称", "对应上级部门", "上级部门职责", "镇街配合职责",
                      "依据"]
COOPERATIVE: Rows = [
    [1, "城乡建设", "配合开展燃气用户安全宣传和隐患排查", "市住建局", "监督检查",
     "宣传、摸排、报告",
     ""],
    [2, "市场监管", "协助开展食品安全监督管理", "市市场监管局", "检查、执法", "宣传、报告", ""],
]

RECLAIMED_HEADER = ["序号", "事项名称", "事项类型", "承接部门", "工作方式", "依据"]
RECLAIMED: Rows = [
    [1, "对未取得施工许可证擅自施工的处罚", "行政处罚", "市住建局", "镇网格发现线索后推送",
     "《建筑法》第六十四条"],
    [2, "对水污染物超标排放的处罚", "行政处罚", "市生态环境局", "", "《水污染防治法》第八十三条"],
]

BASIC_SHEET = "基本履职事项清单"
COOPERATIVE_SHEET = "配合履职事项清单"
RECLAIMED_SHEET = "上级部门收回事项清单"


def write_book(
    path: Path,
    sheets: dict[str, Rows],
    *,
    merges: dict[str, Sequence[str]] | None = None,
) -> Path:
    """Write a workbook with the given sheets (rows from A1) and merged ranges."""
    book = openpyxl.Workbook()
    default = book.active
    assert default is not None
    book.remove(default)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for cells in (merges or {}).get(name, ()):
            sheet.merge_cells(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def merge_column(rows: Rows, header_row: int, column: int) -> list[str]:
    """Blank the repeats of a column (as a merged cell shows them) and return the ranges.

    ``header_row`` is the 1-based row of the header; ``column`` the 0-based column.
    Runs of equal values below the header become one merged range each.
    """
    letter = chr(65 + column)
    ranges = []
    start = header_row  # index into rows of the first data row
    while start < len(rows):
        end = start
        while end + 1 < len(rows) and rows[end + 1][column] == rows[start][column]:
            end += 1
        if end > start:
            ranges.append(f"{letter}{start + 1}:{letter}{end + 1}")
            for index in range(start + 1, end + 1):
                rows[index][column] = None
        start = end + 1
    return ranges


def town_book(folder: Path, town: str = "玉山镇", *, units: bool = True,
              basic: Rows | None = None, cooperative: Rows | None = None,
              reclaimed: Rows | None = None, name: str | None = None) -> Path:
    """A clean workbook of one town's three lists (plus the 单位 sheet)."""
    sheets: dict[str, Rows] = {
        BASIC_SHEET: [BASIC_HEADER, *(basic if basic is not None else BASIC)],
        COOPERATIVE_SHEET: [COOPERATIVE_HEADER, *(cooperative if cooperative is not None
                                                  else COOPERATIVE)],
        RECLAIMED_SHEET: [RECLAIMED_HEADER, *(reclaimed if reclaimed is not None else RECLAIMED)],
    }
    if units:
        sheets["单位"] = [UNITS_HEADER, *UNITS]
    return write_book(folder / f"{name or town}.xlsx", sheets)


def csv_bytes(rows: Iterable[Sequence[Any]], *, encoding: str = "utf-8-sig",
              delimiter: str = ",") -> bytes:
    """Rows as CSV bytes in an encoding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def write_csv(path: Path, rows: Iterable[Sequence[Any]], *, encoding: str = "utf-8-sig",
              delimiter: str = ",") -> Path:
    """Write rows as a CSV file in an encoding."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_bytes(rows, encoding=encoding, delimiter=delimiter))
    return path


def units_csv(folder: Path) -> Path:
    """The unit catalogue as ``单位.csv``."""
    return write_csv(folder / "单位.csv", [UNITS_HEADER, *UNITS])


def town_csvs(folder: Path, town: str = "巴城镇", *, encoding: str = "utf-8-sig") -> list[Path]:
    """A town's three lists as ``<town>_<list>.csv`` files."""
    return [
        write_csv(folder / f"{town}_{BASIC_SHEET}.csv", [BASIC_HEADER, *BASIC], encoding=encoding),
        write_csv(folder / f"{town}_{COOPERATIVE_SHEET}.csv",
                  [COOPERATIVE_HEADER, *COOPERATIVE], encoding=encoding),
        write_csv(folder / f"{town}_{RECLAIMED_SHEET}.csv", [RECLAIMED_HEADER, *RECLAIMED],
                  encoding=encoding),
    ]
