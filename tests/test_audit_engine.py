"""The engine: the findings table, stable ids, the confidential exemption, configuration."""

from __future__ import annotations

import re

import pytest

import audit_fixtures as af
from audit_fixtures import BEN, GOOD, OUT, QTY, QUA, SAT, SERV, SOC, Project
from perfaudit.audit import FINDINGS, audit_dataset, catalogue
from perfaudit.audit.findings import finding_id, finding_key
from perfaudit.errors import ConfigError

# Every rule family triggered at once: an unquantified, vague, misplaced, duplicated project.
MESSY = [
    (OUT, QTY, "开展活动次数", "100%", {"description": "开展活动次数"}),
    (BEN, SOC, "促进文化发展", "有效促进"),
    (BEN, SOC, "编外人员的满意度", "100%"),
]


def messy_dataset(confidential: bool = False):
    return af.dataset(
        Project(
            name="ABCDEF" if confidential else "甲", goal="保密" if confidential else None, indicators=MESSY,
            confidential=confidential, plan=(30.0, 60.0, 80.0, None),
        ),
        Project(name="乙", indicators=[*GOOD, *MESSY]),
    )


def test_catalogue_is_complete_and_ordered():
    expected = [f"S{i:02d}" for i in range(1, 18)] + [f"A{i:02d}" for i in range(1, 17)] + [f"Q{i:02d}" for i in range(1, 13)]
    expected += [f"C{i:02d}" for i in range(1, 19)] + ["D01", "D02", "D03", "D04", "D05", "X01", "X02", "X03"]
    rules = catalogue()
    assert [r.id for r in rules] == expected
    for r in rules:
        assert r.name_zh and r.name_en and r.check_zh and r.basis and r.suggestion, r.id
        assert r.severity == r.severities[0]


def test_findings_table_columns_and_ids():
    found = af.findings(messy_dataset())
    assert list(found.columns) == list(FINDINGS)
    assert {str(dtype) for dtype in found.dtypes} <= {"string", "Int64"}
    assert found["finding_id"].is_unique
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in found["finding_id"])
    assert found["source_line"].notna().all() and (found["source_file"] == af.FILE).all()
    assert set(found["severity"]) <= {"error", "warning", "info"}


def test_finding_ids_are_stable_across_runs_and_independent_of_other_findings():
    first = af.findings(messy_dataset())
    again = af.findings(messy_dataset())
    assert first["finding_id"].tolist() == again["finding_id"].tolist()
    row = first[first["rule_id"] == "Q03"].iloc[0]
    key = finding_key("Q03", af.UNIT, row["project_name"], row["indicator"], row["evidence"])
    assert row["finding_id"] == finding_id(key)
    fewer = af.findings(messy_dataset(), config=af.settings(disabled_rules=["C02", "D03"]))
    assert set(fewer["finding_id"]) < set(first["finding_id"])


def test_a_project_added_before_another_leaves_its_finding_ids_alone():
    vague = Project(name="乙项目", indicators=[*GOOD, (BEN, SOC, "社会影响", "显著提升")])
    before = af.findings(af.dataset(Project(), vague))
    after = af.findings(af.dataset(Project(name="新增项目"), Project(), vague))
    of = lambda found, column: set(found.loc[found["project_name"] == "乙项目", column])  # noqa: E731
    assert of(before, "project_id") == {f"{af.UNIT}-p002"} and of(after, "project_id") == {f"{af.UNIT}-p003"}
    assert of(before, "finding_id") and of(before, "finding_id") == of(after, "finding_id")


def test_identical_findings_get_distinct_ids():
    data = af.dataset(Project(indicators=[*GOOD, (BEN, SOC, "行业影响", "是"), (BEN, SOC, "行业影响", "是")]))
    found = af.findings(data, "Q02")
    assert len(found) == 2 and found["finding_id"].is_unique


def test_confidential_project_gets_x01_and_only_money_rules():
    found = af.findings(messy_dataset(confidential=True))
    secret = found[found["project_name"] == "ABCDEF"]
    assert "X01" in set(secret["rule_id"])
    kept = {r.id for r in catalogue() if r.applies_to_confidential}
    assert set(secret["rule_id"]) <= kept
    assert "A05" in set(secret["rule_id"])  # its spending plan is disclosed and still checked
    # nothing the redaction explains: no completeness, quantification, coherence or duplication findings
    assert not secret["rule_id"].str.match(r"^(S|Q|C|D|A0[36789])").any()
    # the disclosed project is audited in full, and is not compared with the withheld one
    other = found[found["project_name"] == "乙"]
    assert {"C02", "Q03", "C06"} <= set(other["rule_id"])
    assert "D02" not in set(found["rule_id"])
    # D03 is one note for the unit, whatever the number of projects
    assert len(found[found["rule_id"] == "D03"]) == 1 and found.loc[found["rule_id"] == "D03", "project_id"].isna().all()


def test_confidential_exemption_list_matches_the_catalogue():
    kept = [r.id for r in catalogue() if r.applies_to_confidential]
    assert kept == ["A01", "A02", "A04", "A05", "X01"]


def test_same_cause_findings_are_merged_with_related_rules():
    data = af.dataset(Project(indicators=[*GOOD, (OUT, "成本指标", "采购经费是否按标准进行采购", "是"), (SAT, SERV, "参与人员满意度", "少于10次")]))
    found = af.findings(data)
    procurement = found[found["indicator"] == "采购经费是否按标准进行采购"]
    assert procurement["rule_id"].tolist() == ["C10"] and procurement["related_rules"].tolist() == ["Q06,Q02"]
    satisfaction = found[found["indicator"] == "参与人员满意度"]
    assert satisfaction["rule_id"].tolist() == ["C04"] and satisfaction["related_rules"].tolist() == ["C07"]
    # without the groups every rule reports on its own
    separate = af.findings(data, config=af.settings(same_cause=[]))
    assert {"C10", "Q06", "Q02", "C04", "C07"} <= set(separate["rule_id"]) and separate["related_rules"].isna().all()


def test_unknown_rule_in_same_cause_is_a_config_error():
    with pytest.raises(ConfigError, match="same_cause"):
        af.findings(af.dataset(Project()), config=af.settings(same_cause=[["Q02", "Z99"]]))


def test_configuration_overrides_thresholds():
    data = af.dataset(Project(indicators=GOOD[:3]))
    assert af.findings(data, "S07").empty
    assert len(af.findings(data, "S07", config=af.settings(thresholds__min_indicators=4))) == 1


def test_configuration_overrides_lexicons():
    data = af.dataset(Project(indicators=[*GOOD, (BEN, SOC, "群众文化事业", "蒸蒸日上")]))
    assert af.findings(data, "Q03").empty
    vague = [*af.DEFAULTS.section("audit")["lexicon"]["vague_values"], "蒸蒸日上"]
    assert len(af.findings(data, "Q03", config=af.settings(lexicon__vague_values=vague))) == 1


def test_config_file_overrides_part_of_the_audit_section(tmp_path):
    from perfaudit.settings import load_settings

    path = tmp_path / "audit.toml"
    path.write_text("[audit.thresholds]\nmin_indicators = 7\n\n[audit.grade.weights]\ncompleteness = 40.0\nrelevance = 10.0\n", encoding="utf-8")
    settings = load_settings(path)
    audit = settings.section("audit")
    assert audit["thresholds"]["min_indicators"] == 7 and audit["thresholds"]["goal_min_chars"] == 12
    assert len(af.findings(af.dataset(Project()), "S07", config=settings)) == 1


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"disabled_rules": ["Z99"]}, "Z99"),
        ({"lexicon__scoring_patterns": ["得(分"]}, "scoring_patterns"),
        ({"grade__weights": {"completeness": 50.0, "relevance": 25.0, "appropriateness": 25.0, "feasibility": 25.0}}, "sum to 100"),
        ({"grade__points": {"error": 1.0, "warning": 2.0, "info": 0.5}}, "error ≥ warning"),
    ],
)
def test_invalid_configuration_is_a_config_error(override, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        af.findings(af.dataset(Project()), config=af.settings(**override))


def test_disabled_rules_do_not_run():
    found = af.findings(messy_dataset(), config=af.settings(disabled_rules=["D03", "Q03"]))
    assert not {"D03", "Q03"} & set(found["rule_id"])


def test_grades_table_and_record():
    result = audit_dataset(messy_dataset(), af.DEFAULTS, validation=af.validation())
    grades = result.grades
    assert grades.columns.tolist() == [
        "unit_id", "unit_name", "projects", "findings", "error", "warning", "info", "score", "grade",
        "completeness", "relevance", "appropriateness", "feasibility",
    ]
    row = grades.iloc[0]
    assert row["findings"] == len(result.findings) and row["projects"] == 2
    assert row["score"] == pytest.approx(row[["completeness", "relevance", "appropriateness", "feasibility"]].sum())
    record = result.grade_record(af.UNIT)
    assert record["score"] == row["score"] and record["grade"] == row["grade"]
    assert [item["label"] for item in record["breakdown"]] == ["完整性", "相关性", "适当性", "可行性"]
    assert "项目数" in record["formula_zh"] and record["config"]["weights"]["completeness"] == 25.0
    lines = result.summary_lines()
    assert lines[0].startswith("测试单位 (u-1): 2 projects") and "D03" in lines[1]


def test_empty_dataset():
    result = audit_dataset(af.Dataset.empty(), af.DEFAULTS, validation=af.validation())
    assert result.findings.empty and list(result.findings.columns) == list(FINDINGS)
    assert result.grades.empty


def test_findings_files(tmp_path):
    from openpyxl import load_workbook

    from perfaudit.audit import write_findings

    data = messy_dataset()
    result = audit_dataset(data, af.DEFAULTS, validation=af.validation())
    paths = write_findings(result.findings, tmp_path, data.units, grades=result.grades)
    assert [p.name for p in paths] == ["findings.parquet", "findings.csv", "findings.xlsx", "grades.csv"]
    assert (tmp_path / "findings.csv").read_bytes().startswith("\ufefffinding_id,number,rule_id,rule_name,severity".encode())
    import pandas as pd

    assert pd.read_parquet(tmp_path / "findings.parquet").astype(FINDINGS).equals(result.findings)
    sheet = load_workbook(tmp_path / "findings.xlsx")["测试单位"]
    assert sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[1]][:3] == ["finding_id", "number", "rule_id"]
    numbers = [c.value for c in sheet["B"][2:]]  # 问题1, 问题2 … within the unit, by project and rule order
    assert sorted(numbers, key=lambda n: int(n[2:])) == [f"问题{i}" for i in range(1, len(numbers) + 1)]
    assert [c.value for c in sheet[2]][:3] == ["编号", "问题号", "规则"]
    assert sheet.max_row == len(result.findings) + 2
    assert 8 <= sheet.column_dimensions["K"].width <= 62  # evidence: readable, capped


def test_sheet_names_are_safe_and_unique():
    from perfaudit.audit.export import sheet_names

    names = sheet_names(["广州市文学艺术界联合会（本级）", "a/b:c*d?e[f]", "x" * 40, "x" * 40, "A"])
    assert names[1] == "a_b_c_d_e_f_" and all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == len(names)


def test_workbook_keeps_document_text_as_text(tmp_path):
    from openpyxl import load_workbook

    from perfaudit.audit import write_findings

    data = af.dataset(Project(indicators=[*GOOD, (OUT, QTY, "=SUM(A1)次数", "100%"), (OUT, QTY, "活动\x01次数", "100%")]))
    result = audit_dataset(data, af.DEFAULTS, validation=af.validation())
    write_findings(result.findings, tmp_path, data.units)
    sheet = load_workbook(tmp_path / "findings.xlsx")["测试单位"]
    indicators = {row[10].value: row[10].data_type for row in sheet.iter_rows(min_row=3) if row[2].value == "C02"}
    assert indicators == {"=SUM(A1)次数": "s", "活动次数": "s"}


def test_scoring_rules_are_text_never_durations():
    from perfaudit.audit.context import build_input

    data = af.dataset(Project(indicators=[*GOOD, (OUT, QUA, "培训考核", "满分100分", {"period": "得90分"})]), layout="A")
    audit_input = build_input(data, af.DEFAULTS.section("audit"), None)
    row = next(r for r in audit_input.indicators if r["name"] == "培训考核")
    assert (row["value_kind"], row["number"], row["period_value_kind"], row["period_number"]) == ("text", None, "text", None)
    assert not row["value_measurable"]
    found = af.findings(data)
    assert set(found.loc[found["indicator"] == "培训考核", "rule_id"]) == {"Q07"}  # no A07 about a 时长


def test_a_sparse_unit_without_benefit_indicators_is_not_graded_above_a_full_one():
    # issue 14: one project, two indicators, no 效益 graded 良 above its parent
    sparse = audit_dataset(af.dataset(Project(indicators=GOOD[:2])), af.DEFAULTS, validation=af.validation())
    full = audit_dataset(af.dataset(Project(indicators=[*GOOD, (BEN, SOC, "行业影响", "是")])), af.DEFAULTS, validation=af.validation())
    (sparse_record,), (full_record,) = sparse.records.values(), full.records.values()
    assert sparse_record["grade"] not in ("优", "良") and full_record["grade"] == "优"
    assert sparse_record["score"] < full_record["score"]
    assert sparse_record["deductions"][0]["rule_id"] == "S02"


def test_csv_text_that_excel_would_run_is_text(tmp_path):
    """Evidence such as ``=100%`` or ``=CMD|' /C calc'!A0`` (kept as text from a workbook) is
    written with a leading apostrophe; figures stay numbers."""
    import pandas as pd

    from perfaudit.audit import write_findings

    data = messy_dataset()
    result = audit_dataset(data, af.DEFAULTS, validation=af.validation())
    findings = result.findings.copy()
    findings.loc[0, "evidence"] = "=CMD|' /C calc'!A0"
    findings.loc[1, "evidence"] = "-1+1"
    write_findings(findings, tmp_path, data.units, grades=result.grades)
    written = pd.read_csv(tmp_path / "findings.csv", skiprows=[1], encoding="utf-8-sig")
    assert written.loc[0, "evidence"] == "'=CMD|' /C calc'!A0" and written.loc[1, "evidence"] == "'-1+1"
    grades = pd.read_csv(tmp_path / "grades.csv", skiprows=[1], encoding="utf-8-sig")
    assert pd.api.types.is_numeric_dtype(grades["score"])
