"""The rules reference: `perfaudit rules`, the generated docs/rules.md, the shared tolerance."""

from __future__ import annotations

import json
from pathlib import Path

from perfaudit.audit import catalogue
from perfaudit.audit.reference import markdown
from perfaudit.cli import main
from perfaudit.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_docs_rules_md_is_generated_from_the_registry():
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == markdown(), (
        "docs/rules.md is out of date: run `python -m perfaudit.audit.reference > docs/rules.md`"
    )


def test_reference_documents_every_rule_and_its_configuration():
    text = markdown()
    audit = load_settings().section("audit")
    for rule in catalogue():
        assert f"#### {rule.id} {rule.name_zh} — {rule.name_en}" in text
        for key in rule.config_keys:
            section, *rest = key.split(".")
            value = audit[section]
            for part in rest:
                value = value[part]  # every documented key exists in the configuration
    assert "penalty_c" in text and "zero_at" in text


def test_rules_command_lists_the_catalogue(capsys):
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(catalogue()) == 71
    assert lines[0].startswith("S01  error") and "缺少产出指标 — no output indicator" in lines[0]


def test_rules_markdown_command(capsys):
    assert main(["rules", "--markdown"]) == 0
    assert capsys.readouterr().out == markdown()


def test_a03_tolerance_is_the_suites_tolerance():
    audit_tolerance = load_settings().section("audit")["tolerance"]
    for table, expectation in (("projects", "projects.sources_sum"), ("declared_totals", "declared_totals.parts_sum")):
        suite = json.loads((ROOT / "expectations" / f"{table}.json").read_text(encoding="utf-8"))
        kwargs = next(e["kwargs"] for e in suite["expectations"] if e["meta"]["id"] == expectation)
        assert kwargs["max_value"] == audit_tolerance == -kwargs["min_value"]
