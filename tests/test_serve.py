"""``perfaudit serve``: the reviewer's workspace. Quick: the security checks (Host, token, paths,
bind), malformed requests refused without a change, concurrent writes to one unit through the
server and the CLI's code path all landing, lazy start and Ctrl-C. Slow: a real Chromium excludes
a finding on a unit's page and sees the rebuilt report with the grade changed."""

from __future__ import annotations

import base64
import http.client
import json
import re
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import htmlsafety
from perfaudit.batch.manifest import Manifest
from perfaudit.batch.records import UnitResult
from perfaudit.cli import main
from perfaudit.ingest import ingest_paths
from perfaudit.outdir import OutputFolder
from perfaudit.pipeline import write_unit_bundles
from perfaudit.review import command
from perfaudit.review.file import read_review
from perfaudit.review.model import EXCLUDED, Disposition
from perfaudit.serve.app import TOKEN_HEADER, make_server, serve_in_thread
from perfaudit.serve.security import BindRefused, check_bind, host_allowed, resolve_under
from perfaudit.settings import load_settings

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
JULU, DEPARTMENT = "c-721001-9b9aa6fb", "dn-5c64367217be"
GONE = "0123456789abcdef"  # a well-formed finding id that no finding has
REPORT = """<!DOCTYPE html><html><head><meta charset="utf-8"/>
<meta content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'" http-equiv="Content-Security-Policy"/>
<title>t</title></head><body><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>
<div class="review"><code class="finding-id">{fid}</code></div></body></html>"""


# ---------------------------------------------------------------- pure checks

def test_host_header_must_name_this_server():
    assert host_allowed("127.0.0.1:8765", 8765, False) and host_allowed("localhost:8765", 8765, False)
    assert host_allowed("[::1]:8765", 8765, False)
    for foreign in ("evil.example:8765", "127.0.0.1:80", "127.0.0.1", "", None, "localhost:8765:1", "[::1"):
        assert not host_allowed(foreign, 8765, False), foreign
    assert not host_allowed("192.168.1.5:8765", 8765, False)
    assert host_allowed("192.168.1.5:8765", 8765, True)  # an address literal is never rebound
    assert not host_allowed("evil.example:8765", 8765, True)  # a name is, unless it is this machine's


def test_paths_stay_inside_the_output_folder(tmp_path):
    root = (tmp_path / "out").resolve()
    (root / "units").mkdir(parents=True)
    (root / "units" / "a.html").write_text("x")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "leak").symlink_to(tmp_path / "secret.txt")
    assert resolve_under(root, "/units/a.html") == root / "units" / "a.html"
    for bad in ("/../secret.txt", "/%2e%2e/secret.txt", "/units/..%2f..%2fsecret.txt", "/leak", "/.perfaudit.lock",
                "units/a.html", "/a%00b", "/%ff", "/units\\..\\x"):
        assert resolve_under(root, bad) is None, bad


def test_a_non_loopback_bind_needs_the_flag(tmp_path, capsys):
    assert check_bind("127.0.0.1", False) is None and check_bind("localhost", False) is None
    with pytest.raises(BindRefused):
        check_bind("0.0.0.0", False)
    assert "WARNING" in check_bind("0.0.0.0", True)
    (tmp_path / "manifest.json").write_text("{}")
    assert main(["serve", str(tmp_path), "--host", "0.0.0.0", "--port", "0"]) == 2
    assert "--allow-remote" in capsys.readouterr().err


# ---------------------------------------------------------------- the server (no rebuilds)

@pytest.fixture(scope="module")
def out(tmp_path_factory):
    """An output folder with the examples' bundles, a manifest and a stand-in report page for Julu."""
    out = tmp_path_factory.mktemp("serve") / "out"
    write_unit_bundles(ingest_paths([EXAMPLES]).dataset, OutputFolder(out).bundles.root, load_settings())
    findings = pd.read_parquet(OutputFolder(out).bundles.unit_file(JULU, "findings.parquet"))
    Manifest(units={JULU: UnitResult(JULU, "ok", department_id=DEPARTMENT)}).save(out)
    (out / "units" / JULU).mkdir(parents=True)
    (out / "units" / JULU / "report.html").write_text(REPORT.format(fid=findings["finding_id"].iloc[0]), encoding="utf-8")
    (out / "index.html").write_text(REPORT.format(fid=""), encoding="utf-8")
    return out


@pytest.fixture()
def server(out):
    shutil.rmtree(out / "reviews", ignore_errors=True)
    server = make_server(out, "127.0.0.1", 0)
    serve_in_thread(server)
    yield server
    server.shutdown()
    server.server_close()


def _request(server, method, path, body=None, headers=None, raw=None):
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=60)
    headers = {"Host": f"127.0.0.1:{server.server_address[1]}", **(headers or {})}
    data = raw if raw is not None else (json.dumps(body).encode("utf-8") if body is not None else None)
    if data is not None:
        headers.setdefault("Content-Type", "application/json")
    connection.request(method, path, body=data, headers=headers)
    answer = connection.getresponse()
    content = answer.read()
    connection.close()
    return answer.status, content


def _finding_ids(out) -> list[str]:
    return list(pd.read_parquet(OutputFolder(out).bundles.unit_file(JULU, "findings.parquet"))["finding_id"])


def test_the_unit_page_gets_the_workspace_and_stays_safe(server, out):
    status, page = _request(server, "GET", f"/units/{JULU}/report.html")
    page = page.decode("utf-8")
    assert status == 200 and server.workspace.token in page and 'src="/_perfaudit/workspace.js"' in page
    assert htmlsafety.problems(page) == [] and "&lt;script&gt;alert(1)" in page  # document text still escaped
    assert (out / "units" / JULU / "report.html").read_text(encoding="utf-8") == REPORT.format(fid=_finding_ids(out)[0])
    for asset in ("workspace.js", "workspace.css"):
        status, text = _request(server, "GET", f"/_perfaudit/{asset}")
        assert status == 200 and b"http" not in text  # nothing from a CDN
    assert _request(server, "GET", "/")[0] == 200


def test_refused_requests_change_nothing(server, out):
    fid = _finding_ids(out)[0]
    write = f"/_perfaudit/api/units/{JULU}/findings/{fid}"
    token = {TOKEN_HEADER: server.workspace.token}
    good = {"status": "excluded", "reason": "附表已列"}
    port = server.server_address[1]
    refused = [
        ("POST", write, good, {}, None, 403),  # no token
        ("POST", write, good, {TOKEN_HEADER: "x" * 43}, None, 403),  # a wrong one
        ("POST", write, good, {**token, "Host": f"evil.example:{port}"}, None, 403),  # DNS rebinding
        ("POST", write, good, {**token, "Origin": "http://evil.example"}, None, 403),  # another site
        ("GET", f"/units/{JULU}/report.html", None, {"Host": f"evil.example:{port}"}, None, 403),
        ("GET", "/../../etc/passwd", None, {}, None, 404),
        ("GET", "/%2e%2e/%2e%2e/etc/passwd", None, {}, None, 404),
        ("GET", "/.perfaudit.lock", None, {}, None, 404),
        ("GET", f"/bundles/{JULU}/findings.parquet", None, {}, None, 404),
        ("POST", write, None, token, b"{not json", 400),
        ("POST", write, None, {**token, "Content-Type": "text/plain"}, json.dumps(good).encode(), 415),
        ("POST", write, {"status": "excluded"}, token, None, 400),  # 排除 without a reason
        ("POST", write, {"status": "驳回"}, token, None, 400),
        ("POST", write, {**good, "extra": 1}, token, None, 400),
        ("POST", write, {"status": "confirmed", "note": 5}, token, None, 400),
        ("POST", write, {"status": "confirmed", "note": "x" * 5000}, token, None, 400),
        ("POST", write, ["confirmed"], token, None, 400),
        ("POST", f"/_perfaudit/api/units/{JULU}/findings/0123456789abcdef", good, token, None, 400),  # no such finding
        ("POST", f"/_perfaudit/api/units/{JULU}/findings/..%2f..%2fx", good, token, None, 404),
        ("POST", f"/_perfaudit/api/units/..%2f..%2fx/findings/{fid}", good, token, None, 404),
        ("POST", f"/_perfaudit/api/units/{JULU}/signoff", {"reviewer": "张三", "date": "2026-13-01"}, token, None, 400),
        ("POST", f"/_perfaudit/api/units/{JULU}/signoff", {"reviewer": " "}, token, None, 400),
    ]
    for method, path, body, headers, raw, expected in refused:
        status, answer = _request(server, method, path, body, headers, raw)
        assert status == expected, (method, path, headers, status, answer)
        assert b"root:" not in answer
    assert not OutputFolder(out).review_file(JULU).exists()
    status, answer = _request(server, "POST", write, good, token)
    assert status == 200 and json.loads(answer)["ticket"] is None  # no --inputs: no rebuild
    assert read_review(out, JULU).dispositions == {fid: Disposition(fid, EXCLUDED, "附表已列")}
    status, answer = _request(server, "POST", f"/_perfaudit/api/units/{JULU}/signoff", {"reviewer": "张三", "date": "2026-12-01"}, token)
    assert status == 200 and json.loads(answer)["state"]["signoff"] == {"reviewer": "张三", "date": "2026-12-01"}
    assert str(read_review(out, JULU).signoff.date) == "2026-12-01"


def test_concurrent_writes_to_one_unit_all_land(server, out):
    """Writers through the server and through the CLI's code path (``review.command``), all at once,
    each on its own finding of the same unit: every decision is in the file afterwards."""
    fids = _finding_ids(out)[:16]
    token = {TOKEN_HEADER: server.workspace.token}
    start = threading.Barrier(len(fids))
    failures = []

    def through_server(fid):
        start.wait()
        status, answer = _request(server, "POST", f"/_perfaudit/api/units/{JULU}/findings/{fid}",
                                  {"status": "excluded", "reason": f"理由 {fid}"}, token)
        if status != 200:
            failures.append(answer)

    def through_cli(fid):
        start.wait()
        command.record(out, JULU, fid, status=EXCLUDED, reason=f"理由 {fid}")

    threads = [threading.Thread(target=through_server if i % 2 else through_cli, args=(fid,)) for i, fid in enumerate(fids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert read_review(out, JULU).dispositions == {fid: Disposition(fid, EXCLUDED, f"理由 {fid}") for fid in fids}


def test_it_starts_without_the_heavy_stages_and_ends_on_ctrl_c(out):
    probe = subprocess.run([sys.executable, "-c", "import sys, perfaudit.serve, perfaudit.serve.app, perfaudit.cli; "
                            "print(sorted(m for m in ('pandas', 'perfaudit.report', 'great_expectations', 'tomlkit') if m in sys.modules))"],
                           capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "[]"
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "perfaudit", "serve", str(out), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        ready = time.monotonic() - started
        assert line.startswith("perfaudit serve: http://127.0.0.1:"), line + process.stderr.read()
        print(f"serve ready in {ready:.2f} s")
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=20)
    assert code == 130, process.stderr.read()


# ---------------------------------------------------------------- end to end (slow)

def _seed_near_a_band(inputs: Path, out: Path) -> str:
    """Julu's review file set aside all its findings but its error and 12 warnings, so that the
    unit scores just under 80 (中) and setting the error aside crosses into 良; returns the error's id."""
    from perfaudit.pipeline import audit
    from perfaudit.review.file import write_review
    from perfaudit.review.model import Review

    findings = audit(ingest_paths([inputs]).dataset, load_settings()).audit.for_unit(JULU).sort_values("finding_id")
    error = findings.loc[findings["severity"] == "error", "finding_id"].iloc[0]
    weighed_alike = findings[(findings["severity"] == "warning") & ~findings["rule_id"].isin(["S01", "S02"])]
    keep = {error, *weighed_alike["finding_id"].iloc[:12]}
    seeded = {fid: Disposition(fid, EXCLUDED, "种子") for fid in findings["finding_id"] if fid not in keep}
    write_review(out, Review(JULU, {**seeded, GONE: Disposition(GONE, None, None, "旧版文件的意见")}))  # and a stale one
    return error


def _grade(browser) -> str:
    """The unit's grade as page 1 states it, in its conclusion block (建议等级 X（…分）)."""
    text = browser.evaluate("(document.querySelector('.conclusion') || {}).textContent || ''")
    found = re.search(r"建议等级 (\S)（", text)
    return found.group(1) if found else ""


def _conclusion(browser) -> str:
    return browser.evaluate("(document.querySelector('.conclusion .grade-letter') || {}).textContent || ''").strip()


@pytest.mark.slow
def test_a_reviewer_excludes_a_finding_in_chromium_and_sees_the_rebuilt_report(tmp_path, capsys):
    from browser import Browser
    from perfaudit.batch import BatchOptions, run_batch
    from perfaudit.serve.rebuild import Rebuilder

    inputs, out = tmp_path / "inputs", tmp_path / "reports"
    shutil.copytree(EXAMPLES, inputs)
    error = _seed_near_a_band(inputs, out)
    summary = run_batch([inputs], out, BatchOptions(workers=1, progress=False))
    assert all(u.result.ok for u in summary.units)
    server = make_server(out, "127.0.0.1", 0, rebuilder=None)
    server.workspace.rebuilder = Rebuilder(server.workspace.out_dir, [inputs])
    serve_in_thread(server)
    url = f"http://127.0.0.1:{server.server_address[1]}/units/{JULU}/report.html"
    browser = Browser(url, str(tmp_path / "profile"), width=1200, height=900)
    try:
        deadline = time.monotonic() + 20
        while not browser.evaluate(f"!!document.querySelector('.pa-controls[data-finding=\"{error}\"]')"):
            assert time.monotonic() < deadline, "no controls on the page"
            time.sleep(0.2)
        assert (_grade(browser), _conclusion(browser)) == ("中", "中")  # the grade and the 88号 review result
        stale = "(e => e.hidden ? '' : e.textContent)(document.querySelector('.pa-stale'))"
        assert GONE in browser.evaluate(stale) and "旧版文件的意见" in browser.evaluate(stale)

        def click(selector):
            browser.evaluate(f"document.querySelector({json.dumps(selector)}).scrollIntoView({{block: 'center'}})")
            box = browser.evaluate(f"(r => [r.x + r.width / 2, r.y + r.height / 2])"
                                   f"(document.querySelector({json.dumps(selector)}).getBoundingClientRect())")
            browser.click(*box)

        controls = f'.pa-controls[data-finding="{error}"]'
        click(f"{controls} button.pa-excluded")
        assert browser.evaluate("document.activeElement.className") == "pa-reason"
        click(f"{controls} .pa-submit")  # without a reason: refused in the page, nothing written
        assert "排除须填写理由" in browser.evaluate("document.getElementById('pa-status').textContent")
        assert error not in read_review(out, JULU).dispositions
        click(f"{controls} .pa-reason")
        browser.call("Input.insertText", text="12月底数据在附表中<b>")
        click(f"{controls} .pa-submit")
        deadline = time.monotonic() + 600  # the rebuild: the unit, its department, the index
        seen_progress = False
        while _grade(browser) != "良":
            shown = browser.evaluate("(document.getElementById('pa-status') || {}).textContent || ''") or ""
            seen_progress = seen_progress or "正在更新" in shown
            assert time.monotonic() < deadline and "失败" not in shown, shown
            time.sleep(0.5)
        assert seen_progress
        text = browser.evaluate("document.body.innerText")
        assert "12月底数据在附表中<b>" in text and "已排除和已整改的发现" in text and _conclusion(browser) == "良"
        assert browser.evaluate("document.querySelectorAll('b').length") == 0  # the reason is text, never markup
        assert GONE in browser.evaluate(stale) and GONE in text  # the stale disposition: in the bar and the report
    finally:
        browser.close()
        server.shutdown()
        server.server_close()
        server.workspace.rebuilder.stop()
    assert read_review(out, JULU).dispositions[error] == Disposition(error, EXCLUDED, "12月底数据在附表中<b>")
    assert read_review(out, JULU).dispositions[GONE] == Disposition(GONE, None, None, "旧版文件的意见")  # never dropped
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["units"][JULU]["summary"]["grade"] == "良"
    capsys.readouterr()
    assert main(["review", str(out), "--unit", JULU, "--all"]) == 0
    listed = capsys.readouterr().out
    assert error in listed and "[排除]" in listed and "12月底数据在附表中<b>" in listed and "1 stale" in listed


@pytest.mark.slow
def test_writes_from_processes_and_the_server_at_once_all_land(server, out):
    """``perfaudit review`` processes and server threads on the same unit at the same moment."""
    fids = _finding_ids(out)[:10]
    token = {TOKEN_HEADER: server.workspace.token}
    processes = [subprocess.Popen([sys.executable, "-m", "perfaudit", "review", str(out), "--unit", JULU, "--finding", fid,
                                   "--resolved", "--note", f"进程 {fid}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for fid in fids[:4]]
    answers = []

    def hammer(fid):  # keeps writing its finding for as long as a process may be writing
        rounds = 0
        while rounds < 3 or any(process.poll() is None for process in processes):
            rounds += 1
            answers.append(_request(server, "POST", f"/_perfaudit/api/units/{JULU}/findings/{fid}",
                                    {"status": "resolved", "note": f"网页 {fid}"}, token)[0])

    threads = [threading.Thread(target=hammer, args=(fid,)) for fid in fids[4:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [process.wait(timeout=120) for process in processes] == [0] * 4 and set(answers) == {200}
    expected = {fid: Disposition(fid, "resolved", None, f"{'进程' if i < 4 else '网页'} {fid}") for i, fid in enumerate(fids)}
    assert read_review(out, JULU).dispositions == expected


# ---------------------------------------------------------------- the rebuild queue

def _fake_run(tmp_path, exit_codes: list[int], failed: str = "") -> str:
    """A stand-in for ``perfaudit run``: logs its start and end, takes a moment, writes a run.json
    in which every unit but ``failed`` was built, exits with the next of ``exit_codes``."""
    return f"""
import json, pathlib, sys, time
root = pathlib.Path({str(tmp_path)!r})
count = len(list(root.glob("run-*")))
(root / f"run-{{count}}").write_text(" ".join(sys.argv[1:]))
time.sleep(0.5)
(root / "out" / "run.json").write_text(json.dumps({{"units": [
    {{"unit_id": u, "status": "failed" if u == {failed!r} else "ok", "reason": "kernel died" if u == {failed!r} else "review file changed"}}
    for u in ("u1", "u2", "u3")]}}))
(root / f"end-{{count}}").write_text("")
sys.exit({exit_codes!r}[min(count, {len(exit_codes) - 1})])
"""


def _rebuilder(tmp_path, monkeypatch, exit_codes, failed=""):
    from perfaudit.serve import rebuild

    (tmp_path / "out").mkdir()
    (tmp_path / "docs").mkdir()
    Manifest().save(tmp_path / "out")
    script = _fake_run(tmp_path, exit_codes, failed)
    monkeypatch.setattr(rebuild, "LOCKED_RETRY_SECONDS", 0.1)
    monkeypatch.setattr(rebuild.Rebuilder, "command", lambda self, selection: [
        sys.executable, "-c", script, *[word for pair in sorted(selection) for word in pair]])
    return rebuild.Rebuilder(tmp_path / "out", [tmp_path / "docs"])


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_rebuilds_run_one_at_a_time_and_requests_made_meanwhile_join_the_next(tmp_path, monkeypatch):
    rebuilder = _rebuilder(tmp_path, monkeypatch, [1])  # exit 1: some unit failed, not the ones asked for
    try:
        rebuilder.request("u1", "d1")
        _wait_for(tmp_path / "run-0")
        rebuilder.request("u2", "d2")
        last = rebuilder.request("u3", None)
        assert rebuilder.wait(last, 60)
        assert (tmp_path / "run-0").read_text() == "--department d1"
        assert (tmp_path / "run-1").read_text() == "--department d2 --unit u3" and not (tmp_path / "run-2").exists()
        assert (tmp_path / "end-0").stat().st_mtime_ns <= (tmp_path / "run-1").stat().st_mtime_ns  # never two at once
        status = rebuilder.status()
        assert status["state"] == "idle" and status["completed"] == last and status["last"]["ok"]
    finally:
        rebuilder.stop()


def test_a_rebuild_waits_while_another_run_holds_the_folder(tmp_path, monkeypatch):
    rebuilder = _rebuilder(tmp_path, monkeypatch, [3, 3, 0])  # exit 3: the output folder is locked
    try:
        ticket = rebuilder.request("u1", "d1")
        assert rebuilder.wait(ticket, 60) and rebuilder.status()["last"]["ok"]
        assert [(tmp_path / f"run-{n}").read_text() for n in range(3)] == ["--department d1"] * 3
    finally:
        rebuilder.stop()


def test_a_rebuild_that_fails_the_unit_asked_for_says_which_and_why(tmp_path, monkeypatch):
    rebuilder = _rebuilder(tmp_path, monkeypatch, [1], failed="u2")
    try:
        assert rebuilder.wait(rebuilder.request("u2", "d2"), 60)
        assert rebuilder.status()["last"] == {"ticket": 1, "exit_code": 1, "ok": False, "message": "u2: kernel died"}
    finally:
        rebuilder.stop()


def test_inputs_that_lack_a_file_of_the_last_run_disable_rebuilds(tmp_path):
    from perfaudit.serve.rebuild import Rebuilder

    (tmp_path / "docs").mkdir()
    Manifest(files={"julu_wenlian_2024.txt": {"sha256": "0", "units": [JULU], "status": "ok"}}).save(tmp_path)
    rebuilder = Rebuilder(tmp_path, [tmp_path / "docs"])
    try:
        deadline = time.monotonic() + 60
        while rebuilder.status()["state"] != "disabled":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert "julu_wenlian_2024.txt" in rebuilder.status()["last"]["message"] and rebuilder.request(JULU, None) is None
    finally:
        rebuilder.stop()
