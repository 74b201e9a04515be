"""The audit is a property of the document, not of its export: the scripted variants of the samples
(other encodings, punctuation widths, physical forms, line endings) give the same findings with the
same ids; the variants that change content give the findings that change."""

from __future__ import annotations

import pytest

import audit_fixtures as af
import variants
from perfaudit.audit import audit_dataset
from perfaudit.ingest import read_document


def audit(name: str, data: bytes | None = None):
    file_name = variants.SAMPLES[name]
    dataset = read_document(data if data is not None else (variants.EXAMPLES / file_name).read_bytes(), file_name)
    return audit_dataset(dataset, af.DEFAULTS, validation=af.validation()).findings


@pytest.fixture(scope="module")
def originals():
    return {name: audit(name) for name in variants.SAMPLES}


CASES = [(name, variant) for name, found in variants.IDENTICAL.items() for variant in found]


@pytest.mark.parametrize(("name", "variant"), CASES, ids=[f"{n}-{v.__name__}" for n, v in CASES])
def test_variant_gives_the_same_findings(originals, name, variant):
    found = audit(name, variant(variants.sample_text(name)))
    original = originals[name]
    # the physical form changes line numbers (and so the order), never which findings there are
    assert sorted(zip(found["finding_id"], found["rule_id"])) == sorted(zip(original["finding_id"], original["rule_id"]))


def test_empty_value_is_reported_and_not_judged():
    found = audit("julu", variants.empty_value(variants.sample_text("julu")))
    s09 = found[found["rule_id"] == "S09"]
    assert s09["indicator"].tolist() == ["开展创先争优的次数"] and s09["source_line"].tolist() == [69]
    judged = found[(found["indicator"] == "开展创先争优的次数") & found["rule_id"].str.match(r"^[QC]")]
    assert judged.empty


def test_html_goal_is_residue():
    found = audit("tianjin", variants.html_goal(variants.sample_text("tianjin")))
    x02 = found[found["rule_id"] == "X02"]
    assert x02["project_name"].tolist() == ["群众艺术馆运行经费"] and x02["severity"].tolist() == ["info"]
    assert x02["source_line"].tolist() == [106] and x02["evidence"].iloc[0].startswith("<p>1.通过物业服务")


def test_confidential_project_is_reported_once_and_exempt(originals):
    found = audit("julu", variants.confidential_project(variants.sample_text("julu")))
    secret = found[found["project_name"] == "ABCDEF"]
    assert secret["rule_id"].tolist() == ["X01"]
    assert "不予披露" in secret["evidence"].iloc[0]
    # without the withheld project there is no block to share: D02 is gone for the others too
    assert "D02" not in set(found["rule_id"])
    assert len(originals["julu"][originals["julu"]["project_name"] == "老年诗词楹联协会经费"]) > 0
