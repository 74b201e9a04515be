"""Department reports end to end (issue 18): ``perfaudit run`` builds one report per department
next to the unit reports, links them both ways, and rebuilds a department only when one of its
units' inputs changed."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from department_fixtures import DEPARTMENT, UNITS, layout_a_document, write_three_unit_document
from perfaudit.batch import BatchOptions, run_batch

pytestmark = pytest.mark.slow

OTHER_DEPARTMENT = "某市体育局"


def _inputs(folder: Path) -> Path:
    write_three_unit_document(folder, "a_wenlv_2024.txt", total_error=1.0)
    # one more unit of the same department, in a document of its own
    (folder / "b_wenlv_museum_2024.txt").write_text(
        layout_a_document(DEPARTMENT, {"某市博物馆": UNITS["某市文化馆"]}), encoding="utf-8")
    (folder / "c_sport_2024.txt").write_text(
        layout_a_document(OTHER_DEPARTMENT, {"某市体育中心": UNITS["某市图书馆"]}), encoding="utf-8")
    return folder


def _built(summary) -> tuple[set[str], set[str]]:
    return ({run.result.unit_name for run in summary.units if run.status == "ok"},
            {run.result.unit_name for run in summary.departments if run.status == "ok"})


def test_department_reports_roll_up_link_and_rebuild_only_what_changed(tmp_path):
    inputs, out = _inputs(tmp_path / "docs"), tmp_path / "out"
    options = BatchOptions(workers=2, progress=False)
    first = run_batch([inputs], out, options)
    assert first.exit_code == 0
    # a department of one unit (OTHER_DEPARTMENT) gets no report of its own: it would repeat its unit's
    assert _built(first) == ({*UNITS, "某市博物馆", "某市体育中心"}, {DEPARTMENT})

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    [department_id] = [key for key, entry in manifest["departments"].items() if entry["unit_name"] == DEPARTMENT]
    members = [unit_id for unit_id, entry in manifest["units"].items() if entry["department_id"] == department_id]
    assert len(members) == 4
    folder = out / "departments" / department_id
    assert {p.name for p in folder.iterdir()} >= {"report.html", "report.pdf", "report.ipynb", "opinion.docx"}

    # the department's figures are the sums of its unit reports' figures
    figures = manifest["departments"][department_id]["summary"]
    assert figures["units"] == 4
    assert figures["budget"] == pytest.approx(sum(manifest["units"][u]["summary"]["budget"] for u in members))
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert f"{figures['budget']:,.2f}" in html  # 合计 row of the units table
    assert "+1.00" in html  # the 合计 row of a_wenlv_2024.txt is off by 1 万元
    second_page = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(folder / "report.pdf"), "-"],
                                 check=True, capture_output=True, text=True).stdout
    assert DEPARTMENT in second_page and "部门项目支出绩效目标审核报告" in second_page  # running header

    # every link of the department report reaches a unit report; the index links the department
    links = set(re.findall(r'href="(\.\./\.\./units/[^"]+)"', html))
    assert len(links) == 4 and all((folder / link).resolve().is_file() for link in links)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="departments/{department_id}/report.html"' in index
    [sport] = [u for u, entry in manifest["units"].items() if entry["unit_name"] == "某市体育中心"]
    assert manifest["units"][sport]["department_id"] not in manifest["departments"]
    assert f'href="units/{sport}/report.html"' in index.split("按部门汇总")[1].split("单位一览")[0]  # its department's row

    run_json = json.loads((out / "run.json").read_text(encoding="utf-8"))
    entry = next(d for d in run_json["departments"] if d["department_id"] == department_id)
    assert sorted(entry["unit_ids"]) == sorted(members) and run_json["department_counts"]["ok"] == 1

    # nothing changed: nothing is rebuilt
    assert _built(run_batch([inputs], out, options)) == (set(), set())

    # one unit's input changes: that unit and its department are rebuilt, nothing else
    museum = inputs / "b_wenlv_museum_2024.txt"
    museum.write_text(museum.read_text(encoding="utf-8").replace("30.00", "31.00"), encoding="utf-8")
    third = run_batch([inputs], out, options)
    assert third.exit_code == 0
    assert _built(third) == ({"某市博物馆"}, {DEPARTMENT})
    reasons = {run.result.unit_name: run.reason for run in third.departments}
    assert reasons == {DEPARTMENT: "input file changed"}

    # --department selects that department (and its units); --unit selects units only
    forced = run_batch([inputs], out, BatchOptions(workers=2, progress=False, force=True, department_ids=(department_id,)))
    assert _built(forced) == ({*UNITS, "某市博物馆"}, {DEPARTMENT})
    one = run_batch([inputs], out, BatchOptions(workers=2, progress=False, force=True, unit_ids=(members[0],)))
    assert _built(one)[1] == set() and len(_built(one)[0]) == 1
