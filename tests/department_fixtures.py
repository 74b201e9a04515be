"""Department documents for the department-report tests: layout A text with several units.

``three_unit_document()`` is one 部门 (某市文化广电旅游局) with three units — its 本级 and two
subordinate units, one of them a single-project unit with a sparse table — a 合计 row and one
row per unit, as layout A states them. The 合计 row is off by ``total_error`` 万元 when asked,
so that a test sees a declared total that does not match its units.
"""

from __future__ import annotations

from pathlib import Path

DEPARTMENT = "某市文化广电旅游局"
HEADER = "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标"

FULL_INDICATORS = (
    "1、1-产出指标；11-数量指标；举办培训班次数；实施周期指标值:≥6次；年度指标值:≥6次。"
    "2、1-产出指标；12-质量指标；培训合格率；实施周期指标值:≥95%；年度指标值:≥95%。"
    "3、1-产出指标；13-时效指标；完成时间；实施周期指标值:2024年12月31日前；年度指标值:2024年12月31日前。"
    "4、2-效益指标；22-社会效益；惠及基层文艺骨干人数；实施周期指标值:≥300人次；年度指标值:≥300人次。"
    "5、3-满意度指标；31-服务对象满意度；参训人员满意度；实施周期指标值:≥90%；年度指标值:≥90%。"
)
SPARSE_INDICATORS = "1、1-产出指标；11-数量指标；开展活动；实施周期指标值:若干；年度指标值:若干。"

# unit name -> its projects as (name, budget 万元, goal, indicators)
UNITS: dict[str, list[tuple[str, float, str, str]]] = {
    "某市文化广电旅游局（本级）": [
        ("基层文艺骨干培训经费", 120.0, "举办基层文艺骨干培训6期，培训300人次，提升基层文艺辅导水平。", FULL_INDICATORS),
        ("文化惠民演出经费", 380.5, "组织文化惠民演出，丰富群众文化生活。", FULL_INDICATORS),
        ("公共文化服务宣传经费", 45.0, "开展公共文化服务宣传，提高群众知晓度。", SPARSE_INDICATORS),
    ],
    "某市图书馆": [
        ("图书采购经费", 260.0, "采购图书，丰富馆藏。", FULL_INDICATORS),
        ("阅读推广活动经费", 64.25, "开展全民阅读推广活动。", SPARSE_INDICATORS),
    ],
    "某市文化馆": [
        ("群众文化活动经费", 30.0, "开展群众文化活动。", SPARSE_INDICATORS),
    ],
}


def _amount(value: float) -> str:
    return f"{value:,.2f}"


def layout_a_document(department: str, units: dict[str, list[tuple[str, float, str, str]]], *,
                      total_error: float = 0.0, year: int = 2024) -> str:
    """A layout A document (rows form) of ``units`` under ``department``."""
    total = sum(budget for projects in units.values() for _, budget, _, _ in projects) + total_error
    lines = [f"{year}年项目支出绩效目标表", "", f"部门名称：{department}", "", "单位：万元", "", HEADER,
             f"合计\t{_amount(total)}\t{_amount(total)}\t\t\t\t"]
    for name, projects in units.items():
        budget = sum(b for _, b, _, _ in projects)
        lines.append(f"{name}\t{_amount(budget)}\t{_amount(budget)}\t\t\t\t")
        lines += [f"{project}\t{_amount(b)}\t{_amount(b)}\t\t\t{goal}\t{indicators}" for project, b, goal, indicators in projects]
    return "\n".join(lines) + "\n"


def three_unit_document(*, total_error: float = 0.0) -> str:
    return layout_a_document(DEPARTMENT, UNITS, total_error=total_error)


def write_three_unit_document(folder: Path, name: str = "wenlv_department_2024.txt", **kw) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(three_unit_document(**kw), encoding="utf-8")
    return path
