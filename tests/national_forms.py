"""项目支出绩效目标申报表 (财预〔2015〕88号 template and provincial copies, layout N1), written by
script from the description in issue 13 — no real document is copied.

A document is a list of blocks: a paragraph (``str``) or a table (a list of rows, each a list of
cell texts, merged cells written as empty cells). ``text(name, form)`` writes it in either text
form: ``rows`` (one row a line, cells separated by tabs) or ``cells`` (every cell on its own line
behind a tab, rows ended by a blank line), as the samples in examples/ are.

Run as a script to write every form of every document to a folder: ``python tests/national_forms.py OUT``.
"""

from __future__ import annotations

import sys
from pathlib import Path

FORMS = ("rows", "cells")
FOOTER = "填表人：李明\t联系电话：027-86851234"

# Wuhan-style, annual only, 万元: one 一级 cell per group (merged: the rows below leave it
# empty), a leading 年度绩效指标 label column, older 一级 names, a 填表人 footer row.
WUHAN = [
    "项目支出绩效目标申报表",
    "（2020年度）",
    [
        ["项目名称", "青山区中小学校园安全保障经费"],
        ["主管部门及代码", "[015001]武汉市青山区教育局", "实施单位", "武汉市青山区钢都小学"],
        ["项目属性", "延续", "项目期", "202001-202012"],
        ["项目资金（万元）", "年度资金总额：", "35.50"],
        ["", "其中：财政拨款", "30.00"],
        ["", "其他资金", "5.50"],
        ["总体目标", "年度目标", "完成全区校园安保人员配备和监控设备维护，全年校园安全责任事故为零。"],
        ["年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
        ["", "项目完成指标", "数量指标", "配备校园安保人员", "≥45人"],
        ["", "", "质量指标", "监控设备完好率", "≥98%"],
        ["", "", "时效指标", "设备维护完成时间", "2020年12月底前"],
        ["", "", "成本指标", "安保服务费", "≤30万元"],
        ["", "项目效益指标", "社会效益指标", "校园安全责任事故", "0起"],
        ["", "满意度指标", "服务对象满意度指标", "师生家长满意度", "≥90%"],
        FOOTER.split("\t"),
    ],
]

# Side-by-side 中期 / 年度, amounts in 元 (项目资金（元）), goals split into 中期目标 / 年度目标 under
# 总体目标, a 绩效标准 column after the 年度 half.
SIDE_BY_SIDE = [
    "项目支出绩效目标申报表",
    "（2023年度）",
    [
        ["项目名称", "老旧小区二次供水设施改造"],
        ["主管部门及代码", "[208002]某市住房和城乡建设局", "实施单位", "某市城市建设服务中心"],
        ["项目属性", "新增", "项目期", "2023.07-2024.01"],
        ["项目资金（元）", "中期资金总额：", "1200000", "年度资金总额：", "800000"],
        ["", "其中：财政拨款", "1000000", "其中：财政拨款", "700000"],
        ["", "其他资金", "200000", "其他资金", "100000"],
        ["总体目标", "中期目标", "年度目标"],
        ["", "完成全市30个老旧小区二次供水设施改造，保障居民用水安全。", "完成20个老旧小区二次供水设施改造。"],
        ["一级指标", "二级指标", "三级指标", "指标值", "一级指标", "二级指标", "三级指标", "指标值", "绩效标准"],
        ["产出指标", "数量指标", "改造小区数量", "30个", "产出指标", "数量指标", "改造小区数量", "20个", "计划标准"],
        ["", "质量指标", "改造工程验收合格率", "100%", "", "质量指标", "改造工程验收合格率", "100%", "行业标准"],
        ["", "时效指标", "改造完成时间", "2024年1月底前", "", "时效指标", "改造完成时间", "2023年12月底前", "计划标准"],
        ["效益指标", "社会效益指标", "受益居民户数", "≥6000户", "效益指标", "社会效益指标", "受益居民户数", "≥4000户", "计划标准"],
        ["满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "历史标准"],
    ],
    "填表人：王芳    联系电话：0731-82210000",
]

# 一级 repeated on every row, one 一级 column for both halves, the 中期 half left blank, an empty
# 二级 placeholder row (生态效益 with no indicator), 指标值及单位, 项目起止时间, 实施期绩效目标 /
# 本年度绩效目标 labels, a category as 项目属性.
REPEATED = [
    "项目支出绩效目标申报表",
    "（2024年度）",
    [
        ["项目名称", "乡镇卫生院业务用房修缮"],
        ["主管部门及代码", "[301001]某县卫生健康局", "实施单位", "某县城关镇卫生院"],
        ["项目属性", "基础建设、修缮类", "项目起止时间", "202403-202410"],
        ["项目资金（万元）", "中期资金总额：", "", "年度资金总额：", "48.00"],
        ["", "其中：财政拨款", "", "其中：财政拨款", "48.00"],
        ["", "其他资金", "", "其他资金", ""],
        ["总体目标", "实施期绩效目标", "本年度绩效目标"],
        ["", "", "完成卫生院业务用房屋面防水和外墙修缮800平方米，改善就医环境。"],
        ["一级指标", "二级指标", "三级指标", "指标值及单位", "二级指标", "三级指标", "指标值及单位"],
        ["产出指标", "", "", "", "数量指标", "修缮面积", "≥800平方米"],
        ["产出指标", "", "", "", "质量指标", "工程验收合格率", "100%"],
        ["产出指标", "", "", "", "时效指标", "工程完工时间", "2024年10月底前"],
        ["效益指标", "", "", "", "社会效益指标", "就医环境改善", "明显改善"],
        ["效益指标", "", "", "", "生态效益指标", "", ""],
        ["满意度指标", "", "", "", "服务对象满意度指标", "患者满意度", "≥90%"],
    ],
]

DOCUMENTS = {"wuhan": WUHAN, "side_by_side": SIDE_BY_SIDE, "repeated": REPEATED}
FILE_NAMES = {
    "wuhan": "wuhan_qingshan_anquan_2020.txt",
    "side_by_side": "gongshui_gaizao_2023.txt",
    "repeated": "weishengyuan_xiushan_2024.txt",
}


def render(blocks: list, form: str) -> str:
    """The blocks as a text export in ``form`` (``rows`` or ``cells``)."""
    parts = []
    for block in blocks:
        if isinstance(block, str):
            parts.append(block + "\n")
        elif form == "rows":
            parts.append("".join("\t".join(row) + "\n" for row in block))
        else:
            parts.append("".join("".join(f"\t{cell}\n" for cell in row) + "\n" for row in block))
    return "\n".join(parts)


def text(name: str, form: str = "rows") -> str:
    return render(DOCUMENTS[name], form)


def write_all(folder: Path) -> list[Path]:
    """Every document in every form, as ``<form>/<file name>``."""
    written = []
    for form in FORMS:
        (folder / form).mkdir(parents=True, exist_ok=True)
        for name, file_name in FILE_NAMES.items():
            path = folder / form / file_name
            path.write_text(text(name, form), encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all(Path(sys.argv[1])):
        print(path)
