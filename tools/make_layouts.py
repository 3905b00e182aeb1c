"""Write the spreadsheet layout corpus: lists laid out as county and township governments
publish them, one file per layout, under ``tests/fixtures/layouts/``.

Each layout is written from the rows below (with its merged ranges for workbooks), so the
files can be rebuilt with ``python tools/make_layouts.py``. What each file should read as
is written by hand beside it (``<file>.expected.json``), never produced by the reader.
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

FOLDER = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "layouts"

Row = list[str | int | None]

WORKBOOKS: dict[str, tuple[str, list[Row], list[str]]] = {
    # A county 权责清单-style cooperative list: attachment line, title, a header grouped
    # over two rows (职责分工 over 部门职责 | 镇（街道）配合职责), the power-list unit
    # column 实施主体, a section row with a count, a lead marker, a 备注 column and a
    # 填表说明 footer.
    "玉山镇-配合-分组表头.xlsx": (
        "配合履职事项清单",
        [
            ["附件2"],
            ["玉山镇配合履职事项清单"],
            ["序号", "事项名称", "实施主体", "职责分工", None, "依据", "备注"],
            [None, None, None, "部门职责", "镇（街道）配合职责", None, None],
            ["一、城乡建设（2项）"] + [None] * 6,
            [1, "乡村建设规划许可申请受理、初审、报送", "市自然资源和规划局（牵头）、市农业农村局",
             "核发乡村建设规划许可证", "受理申请、初审、报送", "《城乡规划法》第四十一条", ""],
            [2, "配合开展燃气用户安全宣传和隐患排查", "昆山市住房\n和城乡建设局",
             "燃气安全监管", "宣传、排查、报告", "《城镇燃气管理条例》", "动态调整"],
            ["填表说明：实施主体标注（牵头）的为主责部门。"] + [None] * 6,
        ],
        ["A1:G1", "A2:G2", "A3:A4", "B3:B4", "C3:C4", "D3:E3", "F3:F4", "G3:G4", "A5:G5",
         "A8:G8"],
    ),
    # A township basic list with a header over three rows (履职要求 over 具体工作事项 and a
    # second group 协同配合 over 协同部门), and 领域 merged down over its items.
    "巴城镇-基本-三行表头.xlsx": (
        "基本履职事项清单",
        [
            ["巴城镇基本履职事项清单"],
            ["序号", "领域", "事项名称", "履职要求", None, None],
            [None, None, None, "具体工作事项", "协同配合", None],
            [None, None, None, None, "协同部门", "依据"],
            [1, "生态环境", "秸秆禁烧巡查", "组织巡查、劝阻", "市生态环境局、市农业农村局",
             "《大气污染防治法》第七十七条"],
            [2, None, "镇级河长巡河和河湖长效管护", "巡河、协调", "市水务局", ""],
        ],
        ["A1:F1", "A2:A4", "B2:B4", "C2:C4", "D2:F2", "D3:D4", "E3:F3", "B5:B6"],
    ),
    # A 双随机一公开 随机抽查事项清单 attached to a 收回 notice: the inspection items the
    # departments take back, under the inspection list's own headers (序号 | 抽查类别 |
    # 抽查事项 | 检查对象 | 检查方式 | 检查依据 | 实施主体 | 备注). Neither the sheet
    # (随机抽查事项清单) nor its title names one of the three lists: only the file name
    # does, and a 填报说明 sheet stands before it. 抽查类别 is merged down over its items;
    # a joint inspection is led by a marked department; a department name is wrapped;
    # a footer ends it. 检查对象, 检查方式 (how the department inspects: no column of the
    # reclaimed list) and 备注 are reported, not read.
    "周市镇-收回-双随机抽查事项.xlsx": (
        "随机抽查事项清单",
        [
            ["附件3"],
            ["周市镇2025年度“双随机、一公开”随机抽查事项清单"],
            ["序号", "抽查类别", "抽查事项", "检查对象", "检查方式", "检查依据", "实施主体",
             "备注"],
            [1, "建设工程质量检查", "对在建建设工程质量的抽查", "在建房屋建筑和市政基础设施工程",
             "现场检查", "《建设工程质量管理条例》；《江苏省建设工程质量管理条例》", "市住建局",
             None],
            [2, None, "对建筑施工企业安全生产条件的抽查", "建筑施工企业", "现场检查、书面检查",
             "《安全生产许可证条例》", "昆山市住房\n和城乡建设局", None],
            [3, "燃气安全检查", "对燃气经营企业经营行为的抽查", "燃气经营企业", "现场检查",
             "《城镇燃气管理条例》第四十五条", "市住建局（牵头）、市应急管理局", "部门联合抽查"],
            [4, "公共场所卫生检查", "对公共场所卫生状况的抽查", "住宿、沐浴、美容美发场所",
             "现场检查", "《公共场所卫生管理条例》", "市卫健委", None],
            ["注：抽查比例和频次按年度抽查计划执行；镇综合行政执法局发现问题线索及时推送实施主体。"]
            + [None] * 7,
        ],
        ["A1:H1", "A2:H2", "B4:B5", "A8:H8"],
    ),
    # A 收回 notice's attachment in the shape of a township 行政执法事项清单 (序号 | 事项类别
    # | 事项名称 | 事项依据 | 实施主体 | 备注): 事项类别 holds the power type (行政处罚,
    # 行政检查), merged down over its items, as power lists write it; it is read as the
    # power type, never as the 领域. 备注 is reported, not read; a 合计 row ends it.
    "陆家镇-收回-执法事项类别.xlsx": (
        "上级部门收回事项清单",
        [
            ["陆家镇上级部门收回事项清单（行政执法事项）"],
            ["序号", "事项类别", "事项名称", "事项依据", "实施主体", "备注"],
            [1, "行政处罚", "对违法超限运输的处罚", "《公路法》", "市交通运输局", None],
            [2, None, "对禁渔期、禁渔区捕捞的处罚", "《渔业法》第三十八条", "市农业农村局",
             "已受理案件由原实施单位继续办理"],
            [3, "行政检查", "对农药经营单位的监督检查", "《农药管理条例》", "市农业农村局", None],
            ["合计：3项"] + [None] * 5,
        ],
        ["A1:F1", "B3:B4", "A6:F6"],
    ),
}

NOTE_SHEETS: dict[str, tuple[str, list[Row]]] = {
    "周市镇-收回-双随机抽查事项.xlsx": (
        "填报说明",
        [["填报说明"], ["1. 本表所列事项由实施主体按年度抽查计划组织实施。"],
         ["2. 镇综合行政执法局发现问题线索后推送实施主体处置。"]],
    ),
}
"""Sheets of notes written before a workbook's list sheet: read by nobody, reported by
nobody (their names mark them as notes)."""

CSVS: dict[str, str] = {
    # A 收回事项 notice saved as CSV from a workbook whose first column (承接部门) was
    # merged down over its items: the continuation rows are blank there.
    "周庄镇_上级部门收回事项清单.csv": (
        "承接部门,序号,事项名称,事项类型,工作方式,依据\n"
        "市住建局,1,对未取得施工许可证擅自施工的处罚,行政处罚,镇网格发现线索后推送承接部门,"
        "《建筑法》第六十四条\n"
        ",2,对未组织竣工验收擅自交付使用的处罚,行政处罚,,《建设工程质量管理条例》第五十八条\n"
        "市卫健委,3,对公共场所卫生违法行为的处罚,行政处罚,,《公共场所卫生管理条例》\n"
        "备注：收回事项已受理的案件由原实施单位继续办理。,,,,,\n"
    ),
    # A basic list with section rows carrying counts (one count wrong), a 协同部门 name
    # wrapped in its cell, and a basis whose quoted article holds its own ；.
    "锦溪镇_基本履职事项清单.csv": (
        "序号,领域,事项名称,具体工作事项,协同部门,依据\n"
        "三、民生服务（3项）,,,,,\n"
        "1,,最低生活保障申请受理、入户调查、审核,受理、调查,市民政局,《社会救助暂行办法》第十一条\n"
        "2,,临时救助申请受理和小额救助,受理申请,市民政局,\n"
        "四、城乡建设（1项）,,,,,\n"
        "3,,住宅专项维修资金使用受理、审核和日常管理,受理、审核,\"昆山市住房\n和城乡建设局\","
        "【法律】《城镇燃气管理条例》第四十五条 未取得燃气经营许可证从事燃气经营活动的；"
        "由燃气管理部门责令停止违法行为；《住宅专项维修资金管理办法》\n"
    ),
    # A cooperative list whose grouped header was saved as CSV: the group name 责任分工
    # in its first column and blanks after, the sub-headers on the row below; one unknown
    # column (工作要求), a duty by its words, whose town side is already read.
    "千灯镇_配合履职事项清单.csv": (
        "序号,事项名称,责任分工,,镇（街道）配合职责,工作要求\n"
        ",,责任主体,协同部门,,\n"
        "1,配合景区旅游市场秩序整治,市文体广旅局,市市场监管局,巡查、报告,每月一次\n"
        "2,配合古镇文物安全巡查,市文体广旅局（主责）,,巡查、报告,\n"
    ),
    # A reclaimed list grouped by power type, as 收回 notices often are: section rows
    # 一、行政处罚（2项） and 二、行政强制（1项） give their rows the power type (counts
    # checked), never the 领域; the list has no 事项类型 column of its own.
    "花桥镇_上级部门收回事项清单.csv": (
        "序号,事项名称,承接部门,工作方式,依据\n"
        "一、行政处罚（2项）,,,,\n"
        "1,对水污染物超标排放的处罚,市生态环境局,镇网格发现线索后推送承接部门,"
        "《水污染防治法》第八十三条\n"
        "2,对大气污染物超标排放的处罚,市生态环境局,,《大气污染防治法》第九十九条\n"
        "二、行政强制（1项）,,,,\n"
        "3,对违法排放污染物的设施设备查封扣押,市生态环境局,,《环境保护法》第二十五条\n"
    ),
    # A basic list whose second row repeats the first row's item with 领域 left blank:
    # the 领域 above is carried down, but the mistake reported is the duplicate.
    "张浦镇_基本履职事项清单.csv": (
        "序号,领域,事项名称,具体工作事项,协同部门\n"
        "1,平安法治,矛盾纠纷排查化解和人民调解,排查、调解,市司法局\n"
        "2,民生服务,就业困难人员认定和就业援助,受理、认定,市人社局\n"
        "3,,矛盾纠纷排查化解和人民调解,排查、调解,市司法局\n"
    ),
}


def main(folder: Path = FOLDER) -> None:
    """Write every layout file into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (sheet, rows, merges) in WORKBOOKS.items():
        book = openpyxl.Workbook()
        page = book.active
        assert page is not None
        page.title = sheet
        for row in rows:
            page.append(row)
        for cells in merges:
            page.merge_cells(cells)
        if name in NOTE_SHEETS:
            title, notes = NOTE_SHEETS[name]
            extra = book.create_sheet(title, 0)
            for row in notes:
                extra.append(row)
        book.save(folder / name)
    for name, text in CSVS.items():
        (folder / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER)
