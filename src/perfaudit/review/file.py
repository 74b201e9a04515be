"""The review file ``OUT/reviews/<unit_id>.toml``: one per unit, for people to edit and tools to write.

Format (TOML, UTF-8)::

    unit_id = "c-721001-9b9aa6fb"        # optional; when present it must name the file's unit

    [signoff]                            # optional: the unit's sign-off
    reviewer = "张三"
    date = 2026-12-01                    # a TOML date (or the string "2026-12-01")

    [findings.3f2a9c0d1e2b4a5c]          # the finding_id shown in the report and by `perfaudit review`
    status = "排除"                      # 确认 | 排除 | 已整改 (or confirmed | excluded | resolved); optional
    reason = "该项目为一次性采购"          # required with 排除
    note = "与财政科核实"                 # optional

Reading uses ``tomllib``; anything else than the keys above is refused, with the file and line, so
that a typo (``reson``) never silently drops a decision. Writing edits the existing file with
``tomlkit``, which keeps a person's comments and layout, re-reads the result and replaces the file
atomically (``atomic.write_bytes``): a reader sees the old file or the new one, never half of one.
A file that does not read is never written over. Where the file is: ``outdir.OutputFolder``.

A change is a read, an edit and a write; ``review_lock`` serializes these per unit across threads
and processes (``perfaudit review``, ``perfaudit serve``), so two writers at once both land.
"""

from __future__ import annotations

import datetime
import fcntl
import os
import re
import time
import tomllib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping

from ..atomic import write_bytes
from ..errors import ReviewFileError
from ..fingerprint import sha256_bytes
from ..outdir import OutputFolder
from .model import STATUS_LABELS, EXCLUDED, Disposition, Review, SignOff

FINDING_ID = re.compile(r"[0-9a-f]{16}")
_STATUS_BY_WORD = {**{label: key for key, label in STATUS_LABELS.items()}, **{key: key for key in STATUS_LABELS}}
_FINDING_KEYS = ("status", "reason", "note")
_TOP_KEYS = ("unit_id", "signoff", "findings")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
# How long a writer waits for another writer of the same unit (a write takes milliseconds).
LOCK_TIMEOUT = 30.0


@contextmanager
def review_lock(out_dir: Path, unit_id: str, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the unit's write lock (``OUT/reviews/.<unit_id>.toml.lock``, an ``flock``) while its
    review file is read, edited and written. Each holder opens the file anew, so threads of one
    process exclude each other as processes do; the OS releases the lock when its holder dies.
    The lock file stays (removing it would let two writers lock two different files)."""
    path = OutputFolder(out_dir).review_file(unit_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ReviewFileError(str(path), f"another writer has held this file for {timeout:g} s; nothing written") from None
                time.sleep(0.01)
        yield
    finally:
        os.close(fd)  # releases the lock


def review_digest(path: Path) -> str | None:
    """SHA-256 of the file's bytes (None when there is none): part of the unit's fingerprint."""
    try:
        return sha256_bytes(path.read_bytes())
    except FileNotFoundError:
        return None


def _line_of(text: str, finding_id: str | None) -> int | None:
    """The line of a finding's table header (``[findings.ID]``), or of ``[signoff]`` for None."""
    wanted = finding_id or "signoff"
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("[") and wanted in stripped.split("#", 1)[0]:
            return number
    return None


def _text(value: Any, path: Path, what: str, line: int | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ReviewFileError(str(path), f"{what} must be a string, not {type(value).__name__}", line)
    return value.strip() or None


def parse_review(text: str, path: Path, unit_id: str) -> Review:
    """The review in ``text`` (the content of ``path``); ReviewFileError naming the file and line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        if position:
            raise ReviewFileError(str(path), f"not valid TOML: {message[:position.start()]} (column {position[2]})",
                                  int(position[1])) from None
        raise ReviewFileError(str(path), f"not valid TOML: {message}") from None
    unknown = sorted(set(data) - set(_TOP_KEYS))
    if unknown:
        raise ReviewFileError(str(path), f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(_TOP_KEYS)})")
    if data.get("unit_id", unit_id) != unit_id:
        raise ReviewFileError(str(path), f"unit_id {data['unit_id']!r} is not this file's unit {unit_id!r}")
    findings = data.get("findings", {})
    if not isinstance(findings, dict):
        raise ReviewFileError(str(path), "findings must be a table of [findings.<finding_id>] tables")
    dispositions = {}
    for finding_id, entry in findings.items():
        line = _line_of(text, finding_id)
        if not FINDING_ID.fullmatch(finding_id):
            raise ReviewFileError(str(path), f"[findings.{finding_id}]: a finding id is 16 hex digits", line)
        if not isinstance(entry, dict):
            raise ReviewFileError(str(path), f"findings.{finding_id} must be a table", line)
        extra = sorted(set(entry) - set(_FINDING_KEYS))
        if extra:
            raise ReviewFileError(str(path), f"[findings.{finding_id}]: unknown key(s) {', '.join(extra)} "
                                  f"(allowed: {', '.join(_FINDING_KEYS)})", line)
        word = _text(entry.get("status"), path, f"[findings.{finding_id}] status", line)
        if word is not None and word not in _STATUS_BY_WORD:
            raise ReviewFileError(str(path), f"[findings.{finding_id}]: status {word!r} is not one of "
                                  + " / ".join(STATUS_LABELS.values()), line)
        disposition = Disposition(
            finding_id, _STATUS_BY_WORD.get(word),
            _text(entry.get("reason"), path, f"[findings.{finding_id}] reason", line),
            _text(entry.get("note"), path, f"[findings.{finding_id}] note", line),
        )
        if disposition.status == EXCLUDED and not disposition.reason:
            raise ReviewFileError(str(path), f"[findings.{finding_id}]: 排除 needs a reason", line)
        dispositions[finding_id] = disposition
    return Review(unit_id, dispositions, _signoff(data.get("signoff"), path, _line_of(text, None)))


def _signoff(value: Any, path: Path, line: int | None) -> SignOff | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"reviewer", "date"}:
        raise ReviewFileError(str(path), "[signoff] holds reviewer and date only", line)
    reviewer = _text(value.get("reviewer"), path, "[signoff] reviewer", line)
    date = value.get("date")
    if isinstance(date, str):
        try:
            date = datetime.date.fromisoformat(date.strip())
        except ValueError:
            date = None
    if not reviewer or not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise ReviewFileError(str(path), "[signoff] needs reviewer (a name) and date (YYYY-MM-DD)", line)
    return SignOff(reviewer, date)


def read_review(out_dir: Path, unit_id: str) -> Review:
    """The unit's review (an empty one when it has no file); ReviewFileError when it does not read."""
    path = OutputFolder(out_dir).review_file(unit_id)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return Review(unit_id)
    except UnicodeDecodeError as error:
        raise ReviewFileError(str(path), f"not UTF-8 text (byte {error.start})") from None
    return parse_review(text, path, unit_id)


def read_reviews(out_dir: Path, unit_ids: list[str]) -> tuple[dict[str, Review], dict[str, ReviewFileError]]:
    """The reviews of these units, and the errors of those whose file does not read."""
    reviews, errors = {}, {}
    for unit_id in unit_ids:
        try:
            reviews[unit_id] = read_review(out_dir, unit_id)
        except ReviewFileError as error:
            errors[unit_id] = error
    return reviews, errors


HEADER = (
    "perfaudit review file: one reviewer's decisions on one unit (see README, 'Reviewing findings').\n"
    "status = 确认 | 排除 | 已整改; 排除 needs a reason; note is free text. Edit by hand or with `perfaudit review`."
)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def write_review(out_dir: Path, review: Review, context: Mapping[str, str] | None = None) -> Path:
    """Write ``review`` into the unit's file, keeping what a person wrote around it (comments,
    order). ``context``: finding_id -> a line for people (rule, project), written as a comment
    above a finding's new entry. Refuses (ReviewFileError, file untouched) when the file on disk
    does not read."""
    import tomlkit

    path = OutputFolder(out_dir).review_file(review.unit_id)
    on_disk = read_review(out_dir, review.unit_id)  # raises for a malformed file: never overwritten
    document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.is_file() else _new_document(review.unit_id)
    if review.signoff is not None:
        document["signoff"] = {"reviewer": review.signoff.reviewer, "date": review.signoff.date}
    elif "signoff" in document:
        del document["signoff"]
    if "findings" not in document:
        document["findings"] = tomlkit.table(is_super_table=True)
    findings = document["findings"]
    for finding_id in set(on_disk.dispositions) - set(review.dispositions):
        del findings[finding_id]
    for finding_id, disposition in review.dispositions.items():
        if finding_id not in findings:
            entry = tomlkit.table()
            if context and context.get(finding_id):
                entry.add(tomlkit.comment(_one_line(context[finding_id])))
            findings[finding_id] = entry
        entry = findings[finding_id]
        values = {"status": STATUS_LABELS[disposition.status] if disposition.status else None,
                  "reason": disposition.reason, "note": disposition.note}
        for key, value in values.items():
            if value is None:
                entry.pop(key, None)
            else:
                entry[key] = value
    text = tomlkit.dumps(document)
    if parse_review(text, path, review.unit_id) != review:  # what we write must read back as meant
        raise ReviewFileError(str(path), "the edited file would not read back as written; left unchanged")
    write_bytes(path, text.encode("utf-8"))
    return path


def _new_document(unit_id: str):
    import tomlkit

    document = tomlkit.document()
    for line in HEADER.splitlines():
        document.add(tomlkit.comment(line))
    document["unit_id"] = unit_id
    return document
