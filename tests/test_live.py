"""The auditor's live notebook view (report/live.py): the report's styles scoped to the notebook's
outputs and an interactive findings table, shown in JupyterLab only — never in a perfaudit run,
never in the HTML/PDF reports. (A screenshot of JupyterLab in headless Chromium was looked at
when this was built: coloured badges, left-aligned text, the DataTables search and paging.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from perfaudit.report import live
from perfaudit.bundle import UnitBundle
from perfaudit.report.render import render_html
from perfaudit.settings import load_settings

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "unit_audit.ipynb"


@pytest.fixture()
def bundle(monkeypatch) -> UnitBundle:
    monkeypatch.setenv(live.JUPYTER_SERVER_KERNEL, "unit_audit.ipynb")  # a kernel of JupyterLab
    findings = pd.DataFrame([{
        "rule_id": "Q03", "rule_name": "模糊定性表述", "severity": "warning", "criterion": "可行性",
        "project_name": "项目<甲>", "indicator": "社会效益", "evidence": "<script>alert(1)</script>有效促进",
        "source_line": 76, "message": "指标值“有效促进”是模糊定性表述。", "suggestion": "改为可衡量的目标值。",
    }, {
        "rule_id": "S01", "rule_name": "缺少绩效目标", "severity": "critical", "criterion": "完整性",
        "project_name": "项目乙", "indicator": pd.NA, "evidence": pd.NA,
        "source_line": pd.NA, "message": "未填写绩效目标。", "suggestion": "补填。",
    }]).astype({"indicator": "string", "evidence": "string", "source_line": "Int64"})
    settings = dict(load_settings().section("report"))
    return UnitBundle("c-1", {"unit_name": "测试单位", "report_settings": settings}, None, findings, {}, {})


def _shown(bundle, done_marker=None) -> list[dict]:
    InteractiveShell.instance()
    with capture_output() as captured:
        live.show(bundle, done_marker)
    return [output.data for output in captured.outputs]


def test_live_view_cell_is_left_out_of_the_reports():
    cells = {cell["id"]: cell for cell in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]}
    cell = cells["live-view"]
    assert "remove-cell" in cell["metadata"]["tags"]
    assert "live.show(unit, done_marker)" in "".join(cell["source"])


def test_a_perfaudit_run_shows_nothing(bundle):
    assert _shown(bundle, done_marker="/tmp/marker") == []


def test_outside_a_jupyter_server_nothing_is_embedded(bundle, monkeypatch):
    # papermill's saved notebook opens untrusted: an itables table would show its trust message
    monkeypatch.delenv(live.JUPYTER_SERVER_KERNEL)
    assert _shown(bundle) == []


def test_missing_values_are_empty_cells_not_na(bundle):
    frame = live.findings_frame(bundle)
    assert frame.iloc[1].tolist()[5:8] == ["", "", ""]
    assert frame.iloc[0].tolist()[7] == 76
    assert "<NA>" not in frame.to_html() and "nan" not in frame.to_html()


def test_live_view_shows_scoped_styles_and_an_offline_escaped_table(bundle):
    shown = "\n".join(data.get("text/html", "") for data in _shown(bundle))
    assert f"<style>{live.OUTPUT_SCOPE} {{" in shown
    assert "ITable" in shown and "测试单位：全部发现" in shown
    # Offline: no script, stylesheet, image or frame from a network (links to itables' docs are only links).
    assert not re.search(r"""<(script|link|img|iframe)\b[^>]*\b(src|href)=["']?(https?:)?//""", shown)
    assert not re.search(r"""@import|import\(["']https?:""", shown)
    assert "<script>alert(1)</script>" not in shown  # document text is escaped in the table


def test_scoped_stylesheet_nests_every_rule_and_drops_page_rules(bundle):
    css = live.scoped_stylesheet(bundle)
    assert css.startswith(live.OUTPUT_SCOPE + " {") and css.rstrip().endswith("}")
    assert "@page" not in css and not re.search(r"^(html|body|main\.report)\s*\{", css, re.M)
    assert ".sev-warning" in css and "Noto Sans CJK SC" in css
    depth = 0
    for char in css:  # balanced: everything after the scope's opening brace is inside it
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0


def test_report_html_never_gets_the_live_outputs(tmp_path):
    notebook = nbformat.v4.new_notebook()
    removed = nbformat.v4.new_code_cell("live.show(unit, done_marker)", metadata={"tags": ["remove-cell"]})
    removed.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<script>itables</script>"})]
    kept = nbformat.v4.new_code_cell("report.cover(unit)")
    kept.outputs = [nbformat.v4.new_output("execute_result", data={"text/html": "<p>封面</p>"}, execution_count=1)]
    notebook.cells = [removed, kept]
    html = render_html(notebook, title="测试", font_family="Noto Sans CJK SC", mono_font_family="Noto Sans Mono CJK SC")
    (tmp_path / "report.html").write_text(html, encoding="utf-8")  # also checked by the session's HTML scan
    assert "<p>封面</p>" in html and "itables" not in html
