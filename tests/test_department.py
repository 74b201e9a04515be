"""Department reports (issue 18): identity, the budget-weighted roll-up, common problems across
units, totals against the declared totals, 部门整体 targets, the Word form; no kernels here
(the end-to-end run is in test_department_run.py)."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import docx
import pandas as pd
import pytest

from department_fixtures import DEPARTMENT, UNITS, layout_a_document, three_unit_document
from perfaudit.audit.department import budget_weights, department_grade, roll_up
from perfaudit.audit.grade import letter
from perfaudit.ingest import ingest_paths, read_document
from perfaudit.model import make_table
from perfaudit.bundle import read_department
from perfaudit.outdir import unit_report_link_from_department as unit_report_link
from perfaudit.pipeline import write_department_bundle, write_department_bundles, write_unit_bundles
from perfaudit.report.department import department_projects, totals_check, unit_totals
from perfaudit.report.markup import render
from perfaudit.report.opinion import department_opinion_docx
from perfaudit.report.sections.department import chart_section, common_problems_section, summary, targets_section
from perfaudit.settings import load_settings

pytestmark = pytest.mark.usefixtures("chart_fonts")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
BANDS = {"excellent": 90.0, "good": 80.0, "fair": 60.0}


def _grade(score: float, lost_to: str = "S02", grade: str | None = None) -> dict:
    """A unit grade record with two criteria and one rule's deduction (grade.grade_unit's shape);
    ``grade`` a letter capped below its score's band."""
    half = score / 2
    return {
        "score": score,
        "grade": grade or letter(score, BANDS),
        "breakdown": [
            {"criterion": "completeness", "label": "完整性", "weight": 50.0, "findings": 1, "error": 1, "warning": 0,
             "info": 0, "penalty": 1.0, "score": half},
            {"criterion": "relevance", "label": "相关性", "weight": 50.0, "findings": 0, "error": 0, "warning": 0,
             "info": 0, "penalty": 0.0, "score": half},
        ],
        "deductions": [{"rule_id": lost_to, "label": lost_to, "findings": 1, "points": 100.0 - score}] if score < 100 else [],
    }


# ---------------------------------------------------------------- identity

def test_units_of_one_department_share_a_stable_id_and_a_unit_without_one_is_its_own():
    three = read_document(three_unit_document().encode(), "dept.txt").units
    assert len(three) == 3 and three["department"].eq(DEPARTMENT).all()
    assert three["department_id"].nunique() == 1 and three["department_id"].iloc[0].startswith("dn-")
    # the same department in another document (another unit, other amounts) gets the same id
    other = read_document(layout_a_document(DEPARTMENT, {"某市博物馆": UNITS["某市文化馆"]}).encode(), "more.txt").units
    assert other["department_id"].iloc[0] == three["department_id"].iloc[0]
    # full-width and half-width spellings of a name are one department (NFKC)
    wide = read_document(layout_a_document(DEPARTMENT.replace("市", "市 "), UNITS).encode(), "wide.txt").units
    assert wide["department_id"].iloc[0] == three["department_id"].iloc[0]
    examples = ingest_paths([EXAMPLES]).dataset.units.set_index("unit_id")
    assert examples.loc["n-a68528022d76", "department_id"] == "du-n-a68528022d76"  # no department stated
    assert examples.loc["c-721001-9b9aa6fb", "department_id"].startswith("dn-")


# ---------------------------------------------------------------- roll-up

def test_weights_follow_budgets_and_fall_back_to_equal():
    assert budget_weights({"a": 300.0, "b": 100.0}) == {"a": 0.75, "b": 0.25}
    assert budget_weights({"a": 300.0, "b": None}) == {"a": 1.0, "b": 0.0}
    assert budget_weights({"a": None, "b": 0.0}) == {"a": 0.5, "b": 0.5}


def test_department_grade_is_budget_weighted_points_not_an_average_of_letters():
    # a small unit graded 优 does not lift a large unit graded 差: 0.9 × 50 + 0.1 × 95 = 54.5 → 差
    grades = {"big": _grade(50.0), "small": _grade(95.0, "A01")}
    record = department_grade(grades, {"big": 900.0, "small": 100.0}, BANDS)
    assert record["score"] == 54.5 and record["grade"] == "差"
    assert [item["score"] for item in record["breakdown"]] == [27.25, 27.25]
    assert sum(item["score"] for item in record["breakdown"]) == pytest.approx(record["score"])
    assert record["breakdown"][0]["findings"] == 2 and record["breakdown"][0]["penalty"] == 1.0
    assert [(d["rule_id"], d["points"]) for d in record["deductions"]] == [("S02", 45.0), ("A01", 0.5)]
    assert record["unweighted"] == []
    # equal budgets: the plain mean of the points
    assert department_grade(grades, {"big": 1.0, "small": 1.0}, BANDS)["score"] == 72.5


def test_a_department_never_reads_better_than_its_best_unit():
    # a unit of 94.48 points capped at 中 (benefit indicators without figures): its department of
    # one unit is 中 as well, with the reason, not 优 from the score's band
    record = department_grade({"only": _grade(94.48, grade="中")}, {"only": 100.0}, BANDS)
    assert record["score"] == 94.48 and record["grade"] == "中"
    assert "最高为“中”" in record["cap"]["reason_zh"]
    uncapped = department_grade({"a": _grade(95.0), "b": _grade(92.0)}, {"a": 1.0, "b": 1.0}, BANDS)
    assert uncapped["grade"] == "优" and uncapped["cap"] is None


def _findings(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"rule_id": rule, "severity": severity, "unit_id": unit, "project_id": f"{unit}-p001",
                          "finding_id": f"{rule}-{unit}", "rule_rank": 0} for rule, severity, unit in rows])


def test_roll_up_states_a_problem_of_most_units_once_with_their_list():
    config = load_settings().section("audit")
    grades = {u: _grade(85.0) for u in ("u1", "u2", "u3")}
    findings = _findings([("S04", "warning", "u1"), ("S04", "warning", "u3"), ("S03", "warning", "u2"),
                          ("A01", "error", "u2")])
    record = roll_up(grades, {u: 10.0 for u in grades}, findings, 3, config)
    assert [(p["rule_id"], p["unit_ids"]) for p in record["common_problems"]] == [("S04", ["u1", "u3"])]
    assert record["grade"] == "良" and record["units"] == 3 and record["error"] == 1
    assert record["conclusion"]["action"] == "良" and record["conclusion"]["reason"].startswith("3 个单位中审核结果为“良”的 3 个")


# ---------------------------------------------------------------- bundles and report content

@pytest.fixture(scope="module")
def department_root(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("department-bundles")
    dataset = read_document(three_unit_document(total_error=1.0).encode(), "dept.txt")
    settings = load_settings()
    write_unit_bundles(dataset, root, settings)
    [(department_id, _)] = write_department_bundles(dataset.units, root, settings).items()
    return root, department_id


def test_department_figures_are_the_sums_of_its_units_and_name_the_declared_mismatch(department_root):
    root, department_id = department_root
    department = read_department(root, department_id)
    assert [u.unit_name for u in department.units] == list(UNITS)  # document order: 本级 first
    budgets = {name: sum(b for _, b, _, _ in projects) for name, projects in UNITS.items()}
    check = totals_check(department).set_index("column")
    assert check.loc["budget_total", "projects"] == pytest.approx(sum(budgets.values()))
    assert check.loc["budget_total", "unit_rows"] == pytest.approx(sum(budgets.values()))
    assert check.loc["budget_total", "document_diff"] == pytest.approx(1.0)  # the 合计 row is off by 1 万元
    assert unit_totals(department)["diff"].abs().max() < 0.005
    record = department.record
    assert record["projects"] == sum(len(u.dataset.projects) for u in department.units)
    assert record["findings"] == sum(len(u.findings) for u in department.units)
    weights = record["weights"]
    expected = sum(weights[u.unit_id] * u.grade["score"] for u in department.units)
    assert record["score"] == pytest.approx(expected, abs=0.01)
    html = render(summary(department))
    for unit in department.units:
        assert f'href="{unit_report_link(unit.unit_id)}"' in html
    assert unit_report_link("n-1") == "../../units/n-1/report.html"
    assert "缺少效益指标" in render(common_problems_section(department))
    assert chart_section(department) is not None


def test_the_department_summary_gives_each_units_conclusion_the_projects_at_risk_and_the_budget_by_result(department_root):
    root, department_id = department_root
    department = read_department(root, department_id)
    html = render(summary(department))
    for unit in department.units:
        assert unit.grade["conclusion"]["label"] in html
        top = unit.grade["deductions"][0]
        assert top["label"].removeprefix(top["rule_id"]).strip() in html
        assert f"<code>{unit.unit_id}</code>" not in html  # names, not ids
    projects = department_projects(department)
    risky = projects[projects["action"].isin(["中", "差"])].sort_values("budget", ascending=False)
    assert not risky.empty and risky.iloc[0]["project_name"] in html.split("风险较大的项目")[1]
    assert "按审核结果的项目预算（万元）" in html
    for action, own in projects.groupby("action"):
        assert f"<td>{action}</td><td class=\"num\">{len(own)}</td><td class=\"num\">{own['budget'].sum():,.2f}</td>" in html
    assert "各单位的文件均未列出部门整体绩效目标" in html  # none of the fixture's documents has one


def test_the_common_problem_statement_is_true_for_a_department_of_two_units(tmp_path):
    units = dict(list(UNITS.items())[:2])
    dataset = read_document(layout_a_document(DEPARTMENT, units).encode(), "two.txt")
    settings = load_settings()
    write_unit_bundles(dataset, tmp_path, settings)
    [(department_id, _)] = write_department_bundles(dataset.units, tmp_path, settings).items()
    department = read_department(tmp_path, department_id)
    common = department.record["common_problems"]
    assert common and all(len(p["unit_ids"]) == 2 for p in common)  # both lack 效益指标: said of both
    assert "（2 个单位）" in render(common_problems_section(department))
    none = replace(department, meta={**department.meta, "record": {**department.record, "common_problems": []}})
    text = render(common_problems_section(none))
    assert "没有两个单位都有的问题" in text and "半数以上" not in text


def test_a_department_of_one_unit_has_no_chart(tmp_path):
    dataset = read_document(layout_a_document(DEPARTMENT, {"某市文化馆": UNITS["某市文化馆"]}).encode(), "one.txt")
    settings = load_settings()
    write_unit_bundles(dataset, tmp_path, settings)
    [(department_id, _)] = write_department_bundles(dataset.units, tmp_path, settings).items()
    assert chart_section(read_department(tmp_path, department_id)) is None


def test_unit_targets_are_shown_when_present_and_none_when_absent(department_root):
    root, department_id = department_root
    department = read_department(root, department_id)
    assert targets_section(department) is None  # no section (it would fill a page with one sentence)
    assert render(chart_section(department)).count("四、图表分析") == 1
    first = department.units[0]
    targets = make_table("unit_targets", [
        {"unit_id": first.unit_id, "target_id": f"{first.unit_id}-t01", "kind": "goal", "name": None,
         "text": "全年开展惠民演出<b>200</b>场", "budget_total": None, "fiscal_funds": None, "other_funds": None,
         "source_file": "dept.txt", "source_line": 3, "source_ref": "第3行"},
        {"unit_id": first.unit_id, "target_id": f"{first.unit_id}-t02", "kind": "task", "name": "公共文化服务",
         "text": "开展公共文化服务", "budget_total": 120.0, "fiscal_funds": 120.0, "other_funds": None,
         "source_file": "dept.txt", "source_line": 4, "source_ref": "第4行"},
    ])
    indicators = first.dataset.indicators.copy()
    indicators.loc[0, "scope"] = "unit"
    dataset = replace(first.dataset, unit_targets=targets, indicators=indicators)
    department = replace(department, units=[replace(first, dataset=dataset), *department.units[1:]])
    html = render(targets_section(department))
    assert first.unit_name in html and "年度总体目标" in html and "年度主要任务" in html
    assert "&lt;b&gt;200&lt;/b&gt;" in html and "公共文化服务" in html
    assert indicators.loc[0, "level3"] in html
    assert "五、图表分析" in render(chart_section(department))


def test_a_unit_with_only_its_own_indicators_has_department_targets(department_root):
    """部门整体 indicators without goals or tasks still make a targets section (the summary and
    the chart's number ask without building it)."""
    root, department_id = department_root
    department = read_department(root, department_id)
    last = department.units[-1]
    indicators = last.dataset.indicators.copy()
    indicators.loc[0, "scope"] = "unit"
    department = replace(department, units=[*department.units[:-1], replace(last, dataset=replace(last.dataset, indicators=indicators))])
    assert last.dataset.unit_targets.empty
    html = render(targets_section(department))
    assert last.unit_name in html and "部门整体绩效指标" in html and indicators.loc[0, "level3"] in html
    assert "各单位的文件均未列出部门整体绩效目标" not in render(summary(department))
    assert "五、图表分析" in render(chart_section(department))


def test_department_opinion_has_the_conclusion_units_and_common_problems(department_root):
    root, department_id = department_root
    department = read_department(root, department_id)
    data = department_opinion_docx(department)
    assert data == department_opinion_docx(department)  # the same bytes for the same bundle
    document = docx.Document(io.BytesIO(data))
    text = "\n".join([p.text for p in document.paragraphs] +
                     [c.text for t in document.tables for row in t.rows for c in row.cells])
    assert "部门项目支出绩效目标审核意见书" in text and f"{DEPARTMENT}：" in text  # 主送 the department
    conclusion = department.record["conclusion"]
    assert f"审核结果为“{conclusion['action']}”，{conclusion['consequence']}。" in text
    assert all(unit.unit_name in text for unit in department.units)
    assert "缺少效益指标（全部3个单位）" in text


def test_a_stale_department_bundle_is_refused(department_root, tmp_path):
    root, department_id = department_root
    other = read_document(layout_a_document("另一部门", {"某市文化馆": UNITS["某市文化馆"]}).encode(), "x.txt")
    settings = load_settings()
    write_unit_bundles(other, tmp_path, settings)
    write_department_bundle(tmp_path, department_id, DEPARTMENT, list(other.units["unit_id"]), settings)
    with pytest.raises(Exception, match="belongs to"):
        read_department(tmp_path, department_id)


def test_department_option_selects_a_department_and_its_units(tmp_path, capsys):
    from perfaudit.cli import EXIT_INPUT, EXIT_OK, main

    guangzhou = "n-a68528022d76"  # states no department: a department of its own
    assert main(["run", str(EXAMPLES), "--out", str(tmp_path), "--dry-run", "--department", f"du-{guangzhou}"]) == EXIT_OK
    built = [line.split()[1] for line in capsys.readouterr().out.splitlines() if line.startswith("build")]
    assert built == [guangzhou]  # its unit: a department of one unit has no report of its own
    assert main(["run", str(EXAMPLES), "--out", str(tmp_path), "--dry-run", "--department", "dn-000000000000"]) == EXIT_INPUT
    assert "--department dn-000000000000: no such department in the inputs" in capsys.readouterr().err


RECIPE = {"code": "c", "notebook": "n", "config": "k", "suites": "s", "dependencies": "d", "options": "o"}


def _planned(found, manifest, files, units, out_dir):
    from perfaudit.batch.plan import Selection
    from perfaudit.batch.run import make_plan

    plan = make_plan(found, manifest, RECIPE, Selection(), files, units, out_dir, "notebook-sha")
    return {p.unit_id: p.action for p in plan.units + plan.departments}


def _built_manifest(out_dir: Path, units: dict[str, dict], sha: dict[str, str]):
    """A manifest as a run over ``units`` leaves it, with their report files in place."""
    from perfaudit.fingerprint import department_fingerprint, unit_fingerprint
    from perfaudit.batch.manifest import Manifest
    from perfaudit.batch.records import DEPARTMENT, UnitResult

    def result(key: str, fingerprint: str, **kw) -> UnitResult:
        outputs = {kind: f"{key}/report.{kind}" for kind in ("html", "pdf")}
        for path in outputs.values():
            (out_dir / path).parent.mkdir(parents=True, exist_ok=True)
            (out_dir / path).write_text("x")
        return UnitResult(key, "ok", fingerprint=fingerprint, outputs=outputs, **kw)

    fingerprints = {u: unit_fingerprint(info["source_file"], sha[info["source_file"]], RECIPE, None)  # no review file
                    for u, info in units.items()}
    manifest = Manifest(recipe=RECIPE, files={name: {"sha256": h, "status": "ok", "units": sorted(
        u for u, info in units.items() if info["source_file"] == name)} for name, h in sha.items()})
    manifest.units = {u: result(u, fingerprints[u], department_id=info["department_id"], source_file=info["source_file"])
                      for u, info in units.items()}
    for department_id in {info["department_id"] for info in units.values()}:
        members = {u: fingerprints[u] for u, info in units.items() if info["department_id"] == department_id}
        manifest.departments[department_id] = result(department_id, department_fingerprint(members, "notebook-sha"),
                                                     kind=DEPARTMENT)
    return manifest


def test_a_changed_input_rebuilds_its_units_and_their_department_only(tmp_path):
    units = {
        "u1": {"unit_name": "本级", "department": "甲", "department_id": "dn-a", "source_file": "a.txt"},
        "u2": {"unit_name": "下属", "department": "甲", "department_id": "dn-a", "source_file": "b.txt"},
        "u3": {"unit_name": "乙本级", "department": "乙", "department_id": "dn-b", "source_file": "c.txt"},
    }
    sha = {"a.txt": "1", "b.txt": "2", "c.txt": "3"}
    manifest = _built_manifest(tmp_path, units, sha)
    files = {name: {**entry} for name, entry in manifest.files.items()}
    found = {name: (tmp_path / name, h) for name, h in sha.items()}
    assert set(_planned(found, manifest, files, units, tmp_path).values()) == {"skip"}
    found["b.txt"] = (tmp_path / "b.txt", "2-changed")
    # 乙 has one unit: no department report of its own (it would repeat u3's)
    assert _planned(found, manifest, files, units, tmp_path) == {
        "u1": "skip", "u2": "build", "u3": "skip", "dn-a": "build"}
    # a document refused now: its unit keeps its last report and its place in the department
    refused = {**files, "b.txt": {"sha256": None, "status": "failed", "reason": "b.txt:1: unreadable", "units": []}}
    found["b.txt"] = (tmp_path / "b.txt", None)
    read = {u: info for u, info in units.items() if u != "u2"}
    assert _planned(found, manifest, refused, read, tmp_path) == {
        "u1": "skip", "u3": "skip", "u2": "failed", "dn-a": "skip"}
