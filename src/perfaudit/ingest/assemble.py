"""ParsedDocument -> the contract tables: ids, canonical levels, parsed values, year, confidentiality."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Mapping

from ..model import Dataset, make_table
from ..taxonomy import canonical_level, split_code
from ..text import nfkc, squash
from .parsed import ParsedDocument, ParsedUnit
from .values import parse_value

_SAFE_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_YEAR = re.compile(r"(20\d{2})\s*年")
_FILE_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def unit_id(unit: ParsedUnit) -> str:
    """ASCII, file-name safe, at most 42 characters, stable.

    ``c-<code>`` for a plain ASCII unit code (NFKC), ``k-<hash>`` for any other code (so two codes
    never share an id and a long one stays short), else ``n-<hash>`` of the NFKC name (+ department).
    """
    if unit.code:
        code = nfkc(unit.code).strip().lower()
        return "c-" + code if _SAFE_CODE.fullmatch(code) else "k-" + _digest(code)
    return "n-" + _digest(squash(unit.name) + "|" + squash(unit.department))


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def budget_year(parsed: ParsedDocument, text: str, file_name: str) -> int | None:
    """From the title/header, else the most frequent year in the text, else the file name."""
    header = _YEAR.findall(parsed.title or "") or _YEAR.findall(parsed.front_matter[:2000])
    if header:
        return int(header[0])
    years = Counter(_YEAR.findall(text))
    if years:
        return int(max(years.items(), key=lambda item: (item[1], item[0]))[0])
    found = _FILE_YEAR.findall(file_name)
    return int(found[-1]) if found else None


def is_confidential(name: str, goal: str | None, settings: Mapping) -> bool:
    text = nfkc(goal) + nfkc(name)
    if any(word in text for word in settings["confidential_words"]):
        return True
    return bool(re.match(settings["code_like_name"], nfkc(name)))


def _level(text: str | None) -> str | None:
    """Canonical level name; a spelling outside the taxonomy is kept (NFKC) for S06 to report."""
    if not text:
        return None
    return canonical_level(text) or split_code(nfkc(text))[1] or None


def _value_columns(raw: str | None, prefix: str = "") -> dict:
    parsed = parse_value(raw)
    return {
        f"{prefix}op": parsed.op,
        f"{prefix}number": parsed.number,
        f"{prefix}measure_unit": parsed.measure_unit,
        f"{prefix}value_kind": parsed.value_kind,
    }


def assemble(
    parsed: ParsedDocument,
    *,
    text: str,
    source_file: str,
    sha256: str,
    encoding: str,
    year: int | None,
    settings: Mapping,
) -> Dataset:
    year = year if year is not None else budget_year(parsed, text, source_file)
    where = {"source_file": source_file}
    unit_ids = [unit_id(u) for u in parsed.units]
    units = [
        {
            "unit_id": uid,
            "unit_name": u.name,
            "unit_code": u.code,
            "department": u.department,
            "budget_year": year,
            "layout": parsed.layout,
            "source_line": u.line,
            **where,
        }
        for uid, u in zip(unit_ids, parsed.units)
    ]
    projects, indicators = [], []
    seq_in_unit: Counter = Counter()
    for p in parsed.projects:
        uid = unit_ids[p.unit_index]
        seq_in_unit[uid] += 1
        pid = f"{uid}-p{seq_in_unit[uid]:03d}"
        projects.append(
            {
                "project_id": pid,
                "unit_id": uid,
                "seq": seq_in_unit[uid],
                "project_name": p.name,
                "project_code": p.code,
                "budget_total": p.budget_total,
                "fiscal_funds": p.fiscal_funds,
                "special_funds": p.special_funds,
                "other_funds": p.other_funds,
                "fund_use": p.fund_use,
                "goal": p.goal or None,
                **{column: p.plan.get(column) for column in ("plan_mar", "plan_jun", "plan_oct", "plan_dec")},
                "confidential": is_confidential(p.name, p.goal, settings),
                "goal_line": p.goal_line,
                "budget_line": p.budget_line,
                "plan_line": p.plan_line,
                "source_line": p.line,
                **where,
            }
        )
        for seq, ind in enumerate(p.indicators, start=1):
            level1_code, _ = split_code(ind.level1 or "")
            level2_code, _ = split_code(ind.level2 or "")
            indicators.append(
                {
                    "project_id": pid,
                    "unit_id": uid,
                    "seq": seq,
                    "level1": _level(ind.level1),
                    "level2": _level(ind.level2),
                    "level1_code": level1_code,
                    "level2_code": level2_code,
                    "level3": ind.level3,
                    "description": ind.description,
                    "target_period": ind.target_period,
                    "target_annual": ind.target_annual,
                    "basis": ind.basis,
                    **_value_columns(ind.target_annual),
                    **_value_columns(ind.target_period, "period_"),
                    "value_line": ind.value_line,
                    "source_line": ind.line,
                    **where,
                }
            )
    totals = [
        {
            "scope": t.scope,
            "unit_id": unit_ids[t.unit_index] if t.unit_index is not None else None,
            **{k: t.amounts.get(k) for k in ("budget_total", "fiscal_funds", "special_funds", "other_funds")},
            "source_line": t.line,
            **where,
        }
        for t in parsed.totals
    ]
    document = {
        "source_file": source_file,
        "source_sha256": sha256,
        "encoding": encoding,
        "layout": parsed.layout,
        "form": parsed.form,
        "budget_year": year,
        "title": parsed.title,
        "front_matter": parsed.front_matter,
        "source_line": 1,
    }
    return Dataset(
        documents=make_table("documents", [document]),
        units=make_table("units", units),
        projects=make_table("projects", projects),
        indicators=make_table("indicators", indicators),
        declared_totals=make_table("declared_totals", totals),
    )
