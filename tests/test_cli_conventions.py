"""The command line as an operator meets it: -V, -q/-v, help with examples and exit codes, the
unit listing, configuration ranges, folders holding files that are not documents, content that
is not what its suffix says, and faults of the machine as one line (exit 2, no traceback)."""

from __future__ import annotations

import errno
import shutil
import tempfile
from pathlib import Path

import pytest

from perfaudit.cli import EXIT_INPUT, EXIT_OK, main
from perfaudit.ingest import ingest_paths

REPO = Path(__file__).resolve().parents[1]
JULU = REPO / "examples" / "julu_wenlian_2024.txt"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version_short_and_long(capsys):
    for flag in ("-V", "--version"):
        with pytest.raises(SystemExit) as stop:
            main([flag])
        assert stop.value.code == 0
        assert capsys.readouterr().out.startswith("perfaudit ")


@pytest.mark.parametrize("command", [[], ["run"], ["report"], ["review"], ["units"]])
def test_help_has_examples_and_exit_codes(capsys, command):
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "perfaudit " in out.split("examples:")[1]
    assert "exit codes:" in out and "3  another run holds the output folder" in out


def test_report_help_names_the_command_that_lists_unit_ids(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    assert "listed by 'perfaudit units'" in capsys.readouterr().out


def test_units_lists_ids_and_quiet_prints_ids_alone(capsys):
    code, out, _ = run(capsys, "units", str(REPO / "examples"))
    assert code == EXIT_OK
    assert "UNIT_ID" in out and "巨鹿县文学艺术界联合会本级" in out and "julu_wenlian_2024.txt" in out
    code, quiet, _ = run(capsys, "units", "-q", str(REPO / "examples"))
    ids = quiet.split()
    assert code == EXIT_OK and len(ids) == 3 and all(unit_id in out for unit_id in ids)


def test_quiet_and_verbose(capsys, tmp_path):
    _, out, _ = run(capsys, "ingest", "-q", str(JULU), "--out", str(tmp_path))
    assert out == ""
    _, out, _ = run(capsys, "ingest", "-v", str(JULU), "--out", str(tmp_path))
    assert out.startswith("configuration: defaults") and "ok      julu_wenlian_2024.txt" in out


def test_quiet_and_verbose_exclude_each_other(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["ingest", "-q", "-v", str(JULU), "--out", "x"])
    assert stop.value.code == 2


@pytest.mark.parametrize(("toml", "message"), [
    ("[batch]\nscheduler_timeout = -5\n", "'batch.scheduler_timeout' must be greater than 0, got -5"),
    ("[batch]\nunit_timeout = 0\n", "'batch.unit_timeout' must be greater than 0, got 0"),
    ("[batch]\nworkers = -1\n", "'batch.workers' must be at least 0, got -1"),
    ("[audit.thresholds]\ngoal_similarity = 1.5\n", "'audit.thresholds.goal_similarity' must be between 0 and 1, got 1.5"),
    ("[audit.grade.bands]\ngood = 180\n", "'audit.grade.bands.good' must be between 0 and 100, got 180"),
])
def test_configuration_ranges(capsys, tmp_path, toml, message):
    config = tmp_path / "config.toml"
    config.write_text(toml, encoding="utf-8")
    code, out, err = run(capsys, "audit", str(JULU), "--out", str(tmp_path / "o"), "--config", str(config))
    assert code == EXIT_INPUT
    assert err.strip() == f"perfaudit: {config}: {message}"
    assert out == ""  # refused before any document is read


def test_defaults_are_within_their_ranges():
    from perfaudit.settings import load_settings

    load_settings()  # raises if a shipped default is out of its range


# ------------------------------------------------------------------ folders and content

def _folder_with_extras(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / ".git").mkdir(parents=True)
    shutil.copy(JULU, folder)
    (folder / ".git" / "notes.txt").write_text("not a document", encoding="utf-8")
    (folder / "README.txt").write_text("这些是2024年的文件", encoding="utf-8")
    (folder / "说明.md").write_text("# notes", encoding="utf-8")
    (folder / "run.log").write_text("log", encoding="utf-8")
    (folder / "manifest.json").write_text("{}", encoding="utf-8")
    (folder / "scan.PNG").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    (folder / ".DS_Store").write_bytes(bytes(10))
    return folder


def test_files_that_are_not_documents_are_skipped_not_refused(capsys, tmp_path):
    folder = _folder_with_extras(tmp_path)
    result = ingest_paths([folder])
    assert not result.refused
    assert [f.source_file for f in result.files if not f.skipped] == ["julu_wenlian_2024.txt"]
    assert {f.source_file: f.skipped for f in result.skipped} == {
        ".git/": "a hidden folder", ".DS_Store": "a hidden file", "README.txt": "a README",
        "manifest.json": "a JSON file", "run.log": "a log file", "scan.PNG": "an image", "说明.md": "Markdown notes",
    }
    code, out, err = run(capsys, "ingest", str(folder), "--out", str(tmp_path / "o"))
    assert code == EXIT_OK and err == ""
    assert "skipped README.txt: a README" in out


def test_a_file_named_on_the_command_line_is_read_whatever_its_name(tmp_path):
    readme = tmp_path / "README.txt"
    shutil.copy(JULU, readme)
    result = ingest_paths([readme])
    assert not result.skipped and not result.refused and len(result.dataset.units) == 1


def test_other_unsupported_files_in_a_folder_are_still_refused(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(JULU, folder)
    (folder / "budget.csv").write_text("a,b\n", encoding="utf-8")
    [refused] = ingest_paths([folder]).refused
    assert "budget.csv: unsupported file type .csv" in refused.error


@pytest.mark.parametrize(("name", "data", "what"), [
    ("report.pdf", b"\x89PNG\r\n\x1a\n" + bytes(64), "the file is a PNG image, not a .pdf document"),
    ("table.xlsx", b"\xff\xd8\xff\xe0" + bytes(64), "the file is a JPEG image, not a .xlsx document"),
    ("notes.txt", b"PK\x03\x04" + bytes(64), "the file is a ZIP archive, not a .txt document"),
    ("form.docx", b"\x1f\x8b\x08" + bytes(64), "the file is a gzip archive, not a .docx document"),
])
def test_content_of_another_type_says_what_it_is(tmp_path, name, data, what):
    path = tmp_path / name
    path.write_bytes(data)
    [refused] = ingest_paths([path]).refused
    assert refused.error == f"{name}: {what}"


# ------------------------------------------------------------------ faults of the machine

def test_out_naming_a_file_is_one_line(capsys, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("", encoding="utf-8")
    code, _, err = run(capsys, "run", str(JULU), "--out", str(afile), "--no-progress")
    assert code == EXIT_INPUT
    assert err == f"perfaudit: {afile}: the output folder is a file, not a folder (choose another --out)\n"


def test_out_below_a_file_is_one_line(capsys, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("", encoding="utf-8")
    code, _, err = run(capsys, "ingest", str(JULU), "--out", str(afile / "tables"))
    assert code == EXIT_INPUT
    assert err == f"perfaudit: {afile / 'tables'}: not a directory\n"


def test_unwritable_output_folder_fails_before_any_work(capsys, tmp_path, monkeypatch):
    out = tmp_path / "reports"

    def denied(*args, dir=None, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(dir))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    code, out_text, err = run(capsys, "run", str(JULU), "--out", str(out), "--no-progress")
    assert code == EXIT_INPUT and out_text == ""
    assert err == f"perfaudit: cannot write the output folder: {out}: permission denied\n"


def test_write_error_while_writing_is_one_line(capsys, tmp_path, monkeypatch):
    from perfaudit.model import Dataset

    def full(self, out_dir):
        raise OSError(errno.ENOSPC, "No space left on device", str(Path(out_dir) / "projects.parquet"))

    monkeypatch.setattr(Dataset, "write", full)
    code, _, err = run(capsys, "ingest", str(JULU), "--out", str(tmp_path))
    assert code == EXIT_INPUT
    assert err == f"perfaudit: {tmp_path / 'projects.parquet'}: no space left on device\n"


def test_missing_configured_font_fails_before_any_unit(capsys, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[report]\ncjk_font_file = "{tmp_path / "gone.ttc"}"\n', encoding="utf-8")
    code, _, err = run(capsys, "run", str(JULU), "--out", str(tmp_path / "o"), "--config", str(config), "--no-progress")
    assert code == EXIT_INPUT
    assert err.startswith(f"perfaudit: {tmp_path / 'gone.ttc'}: the reports' CJK font file cannot be read")
    assert not (tmp_path / "o" / "units").exists()
