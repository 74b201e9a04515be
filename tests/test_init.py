"""`perfaudit init DIR`: a working folder with the shipped notebooks, suites and examples and the
default configuration commented out; never overwrites a file unless --force."""

from __future__ import annotations

import tomllib
from pathlib import Path

from perfaudit.cli import EXIT_INPUT, EXIT_OK, main
from perfaudit.resources import EXAMPLES, NOTEBOOKS, SUITES, data_dir
from perfaudit.settings import default_config_text

REPO = Path(__file__).resolve().parents[1]


def test_init_copies_the_shipped_files_and_a_commented_config(tmp_path, capsys):
    work = tmp_path / "audit"
    assert main(["init", str(work)]) == EXIT_OK
    printed = capsys.readouterr().out
    for name, repo_folder in ((NOTEBOOKS, "notebooks"), (SUITES, "expectations"), (EXAMPLES, "examples")):
        shipped = sorted(p.name for p in data_dir(name).iterdir() if p.suffix in (".ipynb", ".json", ".txt"))
        assert shipped and sorted(p.name for p in (work / repo_folder).iterdir()) == shipped
        for file_name in shipped:
            assert (work / repo_folder / file_name).read_bytes() == (REPO / repo_folder / file_name).read_bytes()
            assert f"wrote {work / repo_folder / file_name}" in printed
    config = (work / "config.toml").read_text(encoding="utf-8")
    assert tomllib.loads(config) == {}  # everything commented out: the defaults apply
    # every setting and section line of the defaults is there, commented out, in order
    settings = [line for line in default_config_text().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    commented = [line[2:] for line in config.splitlines() if line.startswith("# ") and line[2:] in settings]
    assert commented == settings and "# [report]" in config and "# cell_timeout = 120" in config


def test_a_config_with_one_key_uncommented_is_a_valid_config(tmp_path):
    work = tmp_path / "audit"
    assert main(["init", str(work), "-q"]) == EXIT_OK
    lines = (work / "config.toml").read_text(encoding="utf-8").splitlines()
    edited = [line[2:] if line in ("# [report]", "# cell_timeout = 120") else line for line in lines]
    (work / "config.toml").write_text("\n".join(edited) + "\n", encoding="utf-8")
    assert tomllib.loads((work / "config.toml").read_text(encoding="utf-8")) == {"report": {"cell_timeout": 120}}
    assert main(["rules", "--config", str(work / "config.toml")]) == EXIT_OK


def test_init_refuses_to_overwrite_unless_forced(tmp_path, capsys):
    work = tmp_path / "audit"
    (work / "notebooks").mkdir(parents=True)
    mine = work / "notebooks" / "unit_audit.ipynb"
    mine.write_text("my edits", encoding="utf-8")
    assert main(["init", str(work)]) == EXIT_INPUT
    error = capsys.readouterr().err
    assert f"{mine}" in error and "--force" in error and "Traceback" not in error
    assert mine.read_text(encoding="utf-8") == "my edits"
    assert sorted(p.name for p in work.rglob("*")) == ["notebooks", "unit_audit.ipynb"]  # nothing else written
    assert main(["init", str(work), "--force"]) == EXIT_OK
    assert mine.read_bytes() == (REPO / "notebooks" / "unit_audit.ipynb").read_bytes()
