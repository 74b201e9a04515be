"""Synthetic corpus for the batch benchmark: N units recombined and perturbed from the real samples.

    python benchmarks/corpus.py --units 200 --seed 7 --out /tmp/corpus

The three bundled samples are read with perfaudit's own ingest; their 30 projects (with goals,
funding and indicators) form a pool. Units are grouped into departments the way a city's are
(``department_sizes``: a quarter of the departments with one unit, the others 2–30, about a dozen
on average); every document names its department (A in its header, B and C on a cover, which
Tianjin's budget books have). Unit ``i`` gets a layout and a physical form in turn (A, B,
C × rows, one cell per line), a unique name and code, and 2–12 projects drawn from
the whole pool — so projects of a layout-A sample reappear in layout-B and C tables and the
other way round — with perturbed names, amounts, spending plans and indicator values. One file
per unit; the same ``--units`` and ``--seed`` give byte-identical files.

The writers produce each layout's rows form as the samples show it (tab-separated rows); the
cells form is derived from it with the same conversion the ingest tests use (``tests/variants.py``).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from variants import rows_to_cells  # noqa: E402  (the ingest tests' own form conversion)

from perfaudit.ingest import ingest_paths  # noqa: E402
from perfaudit.taxonomy import LEVEL1, LEVEL2_BY_LEVEL1  # noqa: E402

LAYOUTS = ("A", "B", "C")
FORMS = ("rows", "cells")
PLACES = ("天津市", "巨鹿县", "广州市", "保定市", "邯郸市", "佛山市", "滨海新区", "邢台市", "东莞市", "河西区", "南开区", "平乡县")
ORGS = ("文学艺术界联合会", "群众艺术馆", "图书馆", "文化馆", "博物馆", "美术馆", "档案馆", "少年宫", "科技馆", "非遗保护中心")
DEPARTMENTS = ("文化广电和旅游局", "文学艺术界联合会", "教育局", "档案局", "科学技术局", "民政局", "卫生健康委员会",
               "农业农村局", "水务局", "交通运输局", "生态环境局", "住房和城乡建设局")
# Units per department as a city's budget has them: a quarter of the departments have one unit,
# the others 2 to 30 (about a dozen per department on average).
SINGLE_UNIT_SHARE, LARGEST_DEPARTMENT = 0.25, 30
NAME_VARIANTS = ("", "（续建）", "（第二期）", "专项", "补助", "（{year}年）")


@dataclass
class Project:
    name: str
    total: float
    fiscal: float | None
    other: float | None
    fund_use: str
    goal: str
    plan: tuple[int, int, int, int]
    indicators: list[dict]  # level1, level2, level3, description, annual, period, basis


def _text(value) -> str:
    return "" if pd.isna(value) else str(value)


def project_pool() -> list[Project]:
    """The samples' projects with their indicators, as plain records."""
    dataset = ingest_paths([REPO / "examples"]).dataset
    pool = []
    for project in dataset.projects.itertuples(index=False):
        rows = dataset.indicators[dataset.indicators["project_id"] == project.project_id].sort_values("seq")
        indicators = [
            {
                "level1": _text(r.level1), "level2": _text(r.level2), "level3": _text(r.level3),
                "description": _text(r.description) or _text(r.level3),
                "annual": _text(r.target_annual), "period": _text(r.target_period) or _text(r.target_annual),
                "basis": _text(r.basis) or "单位工作安排",
            }
            for r in rows.itertuples(index=False)
            if _text(r.level1) in LEVEL2_BY_LEVEL1 and _text(r.level2) in LEVEL2_BY_LEVEL1[_text(r.level1)]
        ]
        pool.append(Project(
            name=_text(project.project_name), total=float(project.budget_total),
            fiscal=None, other=None, fund_use=_text(project.fund_use) or f"用于{_text(project.project_name)}支出。",
            goal=_text(project.goal) or f"1.保障{_text(project.project_name)}顺利实施。", plan=(25, 50, 80, 100),
            indicators=indicators,
        ))
    return pool


def _scale_value(value: str, rng: random.Random) -> str:
    """Perturb the first number of an indicator value; percentages stay within 0–100."""
    match = re.search(r"\d+(?:\.\d+)?", value)
    if not match:
        return value
    number = float(match.group())
    if "%" in value[match.end():match.end() + 2]:
        new = min(100.0, max(50.0, number + rng.choice((-5, 0, 0, 5))))
    else:
        new = number * rng.uniform(0.6, 1.8)
    text = f"{new:.0f}" if "." not in match.group() else f"{new:.1f}"
    return value[:match.start()] + text + value[match.end():]


def perturbed(project: Project, rng: random.Random, year: int, taken: set[str]) -> Project:
    name = project.name
    for variant in rng.sample(NAME_VARIANTS, len(NAME_VARIANTS)):
        candidate = project.name + variant.format(year=year)
        if candidate not in taken:
            name = candidate
            break
    else:
        name = f"{project.name}（{len(taken) + 1}）"
    taken.add(name)
    total = round(max(1.0, project.total * rng.uniform(0.5, 2.0)), 2)
    other = round(total * rng.choice((0, 0, 0, 0.2, 1.0)), 2)
    fiscal = round(total - other, 2)
    mar = rng.choice((10, 20, 25, 30))
    plan = (mar, mar + rng.choice((20, 30)), rng.choice((70, 80, 90)), 100)
    indicators = [dict(ind, annual=_scale_value(ind["annual"], rng), period=_scale_value(ind["period"], rng))
                  for ind in project.indicators]
    return Project(name, total, fiscal or None, other or None, project.fund_use,
                   project.goal.replace(project.name, name), plan, indicators)


def _amount(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _codes(level1: str, level2: str) -> tuple[str, str]:
    first = LEVEL1.index(level1) + 1
    return str(first), f"{first}{LEVEL2_BY_LEVEL1[level1].index(level2) + 1}"


def write_a(unit: dict, projects: list[Project]) -> str:
    total = sum(p.total for p in projects)
    fiscal = sum(p.fiscal or 0 for p in projects)
    other = sum(p.other or 0 for p in projects)
    sums = [_amount(total), _amount(fiscal or None), "", _amount(other or None)]
    lines = ["", "", "项目支出绩效目标表（含转移支付项目）", "", f"部门名称：{unit['department']}", "", "单位：万元", "",
             "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标",
             "\t".join(["合计", *sums, "", ""]), "\t".join([unit["name"], *sums, "", ""])]
    for p in projects:
        items = []
        for n, ind in enumerate(p.indicators, start=1):
            code1, code2 = _codes(ind["level1"], ind["level2"])
            items.append(f"{n}、{code1}-{ind['level1']}；{code2}-{ind['level2'].removesuffix('指标')}；{ind['level3']}；"
                         f"实施周期指标值:{ind['period']}；年度指标值:{ind['annual']}。")
        lines.append("\t".join([p.name, _amount(p.total), _amount(p.fiscal), "", _amount(p.other), p.goal, "".join(items)]))
    return "\n".join(lines) + "\n"


def _grid_rows(p: Project, with_basis: bool) -> list[str]:
    rows, previous = [], None
    for ind in p.indicators:
        cells = [ind["level1"] if ind["level1"] != previous else "", ind["level2"], ind["level3"], ind["description"], ind["annual"]]
        previous = ind["level1"]
        rows.append("\t".join(cells + ([ind["basis"]] if with_basis else [])))
    return rows


def write_b(unit: dict, projects: list[Project]) -> str:
    lines = ["", "", unit["department"], f"{unit['year']} 年部门预算绩效文本", "", f"{unit['department']}编制", "",
             "第一部分", "", "部门整体绩效目标", "", "一、总体绩效目标", "", "总体绩效目标", "",
             f"围绕{unit['name']}年度重点工作，组织开展各项业务活动。", "", "第二部分", "", "预算项目绩效目标", ""]
    for n, p in enumerate(projects, start=1):
        plan = [f"{v}%" for v in p.plan]
        lines += [
            f"{n}.{p.name}绩效目标表", "", f"{unit['code']} {unit['name']}", "", "单位：万元", "",
            f"项目编码\t{unit['code']}{unit['year']}P{n:06d}\t\t项目名称\t{p.name}\t\t",
            f"预算规模及 资金用途\t预算数\t{_amount(p.total)}\t其中：财政 资金\t{_amount(p.fiscal)}\t其他资金\t{_amount(p.other)}",
            f"\t{p.fund_use}\t\t\t\t\t",
            "资金支出计 划（%）\t3 月底\t\t6 月底\t10 月底\t12 月底\t",
            f"\t{plan[0]}\t\t{plan[1]}\t{plan[2]}\t{plan[3]}\t",
            f"绩效目标\t{p.goal}\t\t\t\t\t",
            "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定 依据\t",
            *_grid_rows(p, with_basis=True), "",
        ]
    return "\n".join(lines) + "\n"


def write_c(unit: dict, projects: list[Project]) -> str:
    lines = ["", unit["department"], f"{unit['year']} 年部门预算绩效文本", ""]
    for n, p in enumerate(projects, start=1):
        lines += [
            f"{n}.{p.name}绩效目标表", "", f"{unit['code']}{unit['name']}", "", "单位：万元", "",
            f"项目名称\t{p.name}",
            f"预算规模及资金用途\t预算数\t{_amount(p.total)}\t其中：财政资金\t{_amount(p.fiscal)}\t其他资金\t{_amount(p.other)}",
            f"\t{p.fund_use}",
            f"绩效目标\t{p.goal}",
            "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值",
            *_grid_rows(p, with_basis=False), "",
        ]
    return "\n".join(lines) + "\n"


WRITERS = {"A": write_a, "B": write_b, "C": write_c}


def department_sizes(units: int, rng: random.Random) -> list[int]:
    """Units per department, in order, adding up to ``units``."""
    sizes: list[int] = []
    while sum(sizes) < units:
        size = 1 if rng.random() < SINGLE_UNIT_SHARE else rng.randint(2, LARGEST_DEPARTMENT)
        sizes.append(min(size, units - sum(sizes)))
    return sizes


def departments(units: int, rng: random.Random) -> list[tuple[str, str]]:
    """(place, department name) of each unit: consecutive units share a department."""
    names = [(place, f"{place}{department}") for department in DEPARTMENTS for place in PLACES]
    rng.shuffle(names)
    chosen = []
    for number, size in enumerate(department_sizes(units, rng)):
        place, name = names[number % len(names)]
        if number >= len(names):  # more departments than names: the n-th city-wide one of its kind
            name = f"{name}第{number // len(names) + 1}分局"
        chosen += [(place, name)] * size
    return chosen


def generate(units: int, seed: int, out: Path) -> list[Path]:
    """Write ``units`` documents (one unit each) to ``out``; returns their paths."""
    rng = random.Random(seed)
    pool = project_pool()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i, (place, department) in enumerate(departments(units, rng)):
        layout, form = LAYOUTS[i % 3], FORMS[(i // 3) % 2]
        unit = {
            "name": f"{place}{ORGS[rng.randrange(len(ORGS))]}第{i + 1}分支机构",
            "department": department,
            "code": f"{500000 + i:06d}",
            "year": rng.choice((2024, 2025)),
        }
        taken: set[str] = set()
        projects = [perturbed(p, rng, unit["year"], taken) for p in rng.sample(pool, rng.randint(2, 12))]
        text = WRITERS[layout](unit, projects)
        data = rows_to_cells(text) if form == "cells" else text.encode("utf-8")
        path = out / f"unit{i + 1:05d}_{layout}_{form}.txt"
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20, help="number of units (one document each)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same corpus)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the generated documents")
    args = parser.parse_args(argv)
    paths = generate(args.units, args.seed, args.out)
    print(f"wrote {len(paths)} documents to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
