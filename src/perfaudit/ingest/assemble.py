"""ParsedDocument -> the contract tables: ids, canonical levels, parsed values, year, confidentiality."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Mapping

from ..model import AMOUNT_COLUMNS, PERIOD_AMOUNT_COLUMNS, SOURCE_AMOUNT_COLUMNS, Dataset, make_table
from ..taxonomy import split_code
from .lexicon import level_name
from ..text import nfkc, squash
from .cells import Ref, SourceDocument
from .parsed import ParsedDocument, ParsedIndicator, ParsedUnit
from .specs import LayoutSpec
from .values import drop_form_notes, is_date_column, parse_value, split_score

_SAFE_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,29}")
_YEAR = re.compile(r"(20\d{2})\s*年")
_FILE_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_TEN_THOUSAND = {"元": 10_000.0, "万元": 1.0}
_TARGET_AMOUNTS = ("budget_total", "fiscal_funds", "other_funds")
_DECLARED_TEXT = ("period_goal", "project_type", "start", "end", "department_code")


def unit_id(unit: ParsedUnit) -> str:
    """ASCII, file-name safe, at most 41 characters, stable, unique across a province.

    Local unit codes are assigned per county, so a code alone does not identify a unit: the id
    is ``c-<code>-<hash>`` for a plain ASCII code (NFKC), ``k-<hash>`` for any other code, else
    ``n-<hash>``, the hash taken of the code, the NFKC unit name and its department. Corrections
    of anything else in the document leave it unchanged.
    """
    return _stable_id(unit.code, squash(unit.name) + "|" + squash(unit.department))


def department_id(unit: ParsedUnit, uid: str, code: str | None) -> str:
    """The unit's department (部门), as stable as a unit id: ``d`` + the unit id scheme over the
    department's code (``主管部门及代码``) where given and its NFKC name (``dc-015001-<hash>``,
    ``dk-…``, ``dn-<hash>``). A unit without a stated department is a department of its own:
    ``du-<unit id>``."""
    if not squash(unit.department) and not code:
        return "du-" + uid
    return "d" + _stable_id(code, squash(unit.department))


def _stable_id(code: str | None, name: str) -> str:
    if code:
        code = nfkc(code).strip().lower()
        digest = _digest(code + "|" + name)
        return f"c-{code}-{digest[:8]}" if _SAFE_CODE.fullmatch(code) else "k-" + digest
    return "n-" + _digest(name)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def budget_year(parsed: ParsedDocument, text: str, file_name: str) -> tuple[int | None, str | None]:
    """(year, how it was found): ``stated`` in the title/header, else from the ``file_name``,
    else ``text`` when one year clearly dominates it (at least twice, and twice as often as any
    other). A tie is never broken: no year rather than a guess."""
    header = _YEAR.findall(parsed.title or "") or _YEAR.findall(parsed.front_matter[:2000])
    if header:
        return int(header[0]), "stated"
    found = _FILE_YEAR.findall(file_name)
    if found:
        return int(found[-1]), "file_name"
    counts = Counter(_YEAR.findall(text)).most_common(2)
    if counts and counts[0][1] >= 2 and (len(counts) == 1 or counts[0][1] >= 2 * counts[1][1]):
        return int(counts[0][0]), "text"
    return None, None


def _where(ref: Ref | None, prefix: str = "source") -> dict:
    return {f"{prefix}_line": ref.line if ref else None, f"{prefix}_ref": ref.label() if ref else None}


def is_confidential(name: str, goal: str | None, settings: Mapping) -> bool:
    text = nfkc(goal) + nfkc(name)
    if any(word in text for word in settings["confidential_words"]):
        return True
    return bool(re.match(settings["code_like_name"], nfkc(name)))


def _level(text: str | None) -> str | None:
    """Canonical level name; a spelling outside the taxonomy is kept (NFKC) for S06 to report."""
    if not text:
        return None
    return level_name(text) or split_code(nfkc(text))[1] or None


def _level_and_score(label: str | None) -> tuple[str | None, str | None]:
    """(level name, the score its label states): ``成本指标(0-20)分`` -> (成本指标, 0-20分); a
    template's (必填) note is no part of the name."""
    name, score = split_score(drop_form_notes(label))
    return _level(name), score


def _value_columns(raw: str | None, prefix: str = "", unit: str | None = None, date_column: bool = False) -> dict:
    """The parsed value; ``unit`` is the grid's own 度量单位 cell, which wins over the parsed unit;
    in a ``date_column`` an Excel serial is a date."""
    parsed = parse_value(raw, date_column)
    return {
        f"{prefix}op": parsed.op,
        f"{prefix}number": parsed.number,
        f"{prefix}measure_unit": unit or parsed.measure_unit,
        f"{prefix}value_kind": parsed.value_kind,
    }


def assemble(
    parsed: ParsedDocument,
    *,
    source: SourceDocument,
    spec: LayoutSpec,
    sha256: str,
    year: int | None,
    settings: Mapping,
) -> Dataset:
    source_file = source.source_file
    if year is not None:
        year_source = "override"
    else:
        year, year_source = budget_year(parsed, source.text, source_file)
    amount_unit = parsed.amount_unit or spec.amount_unit
    scale = _TEN_THOUSAND.get(amount_unit, 1.0)

    def amount(value: float | None) -> float | None:  # every amount in 万元
        return None if value is None else round(value / scale, 6)

    where = {"source_file": source_file}
    unit_ids = [unit_id(u) for u in parsed.units]
    # A unit's department code is the 主管部门及代码 of its projects, when they agree on one.
    department_codes = [{p.department_code for p in parsed.projects if p.unit_index == i and p.department_code}
                        for i in range(len(parsed.units))]
    units = [
        {
            "unit_id": uid,
            "unit_name": u.name,
            "unit_code": u.code,
            "department": u.department,
            "department_id": department_id(u, uid, codes.pop() if len(codes) == 1 else None),
            "budget_year": year,
            "layout": spec.name,
            **_where(u.ref),
            **where,
        }
        for uid, u, codes in zip(unit_ids, parsed.units, department_codes)
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
                **{column: amount(getattr(p, column)) for column in AMOUNT_COLUMNS},
                "fund_use": p.fund_use,
                "goal": p.goal or None,
                **{column: amount(getattr(p, column)) for column in PERIOD_AMOUNT_COLUMNS},
                **{column: getattr(p, column) or None for column in _DECLARED_TEXT},
                **{column: p.plan.get(column) for column in ("plan_mar", "plan_jun", "plan_oct", "plan_dec")},
                "confidential": is_confidential(p.name, p.goal, settings),
                **_where(p.goal_ref, "goal"),
                **_where(p.budget_ref, "budget"),
                **_where(p.plan_ref, "plan"),
                **{column: amount(p.sources.get(column)) for column in SOURCE_AMOUNT_COLUMNS},
                "budget_breakdown": p.budget_breakdown,
                **_where(p.ref),
                **where,
            }
        )
        indicators.extend(_indicator_rows(p.indicators, uid, pid, "project", where))
    for uid, u in zip(unit_ids, parsed.units):
        indicators.extend(_indicator_rows(u.indicators, uid, None, "unit", where))
    seq_in_unit = Counter()
    targets = []
    for t in parsed.targets:
        uid = unit_ids[t.unit_index]
        seq_in_unit[uid] += 1
        targets.append(
            {
                "unit_id": uid,
                "target_id": f"{uid}-t{seq_in_unit[uid]:03d}",
                "kind": t.kind,
                "name": t.name or None,
                "text": t.text or None,
                **{column: amount(getattr(t, column)) for column in _TARGET_AMOUNTS},
                **_where(t.ref),
                **where,
            }
        )
    totals = [
        {
            "scope": t.scope,
            "unit_id": unit_ids[t.unit_index] if t.unit_index is not None else None,
            **{k: amount(t.amounts.get(k)) for k in AMOUNT_COLUMNS},
            **_where(t.ref),
            **where,
        }
        for t in parsed.totals
    ]
    document = {
        "source_file": source_file,
        "source_sha256": sha256,
        "encoding": source.encoding,
        "format": source.format,
        "layout": spec.name,
        "form": source.form,
        **spec.document_columns(),
        **{f"has_{name}": value for name, value in parsed.capabilities.items()},
        "amount_unit": amount_unit,
        "budget_year": year,
        "budget_year_source": year_source,
        "title": parsed.title,
        "front_matter": parsed.front_matter,
        **_where(Ref(line=1) if source.lines is not None or not source.blocks else source.blocks[0].ref),
    }
    return Dataset(
        documents=make_table("documents", [document]),
        units=make_table("units", units),
        projects=make_table("projects", projects),
        indicators=make_table("indicators", indicators),
        declared_totals=make_table("declared_totals", totals),
        unit_targets=make_table("unit_targets", targets),
    )


def _indicator_rows(parsed: list[ParsedIndicator], uid: str, pid: str | None, scope: str, where: dict) -> list[dict]:
    """The indicators of one project (``scope`` "project") or of a unit as a whole ("unit", no project)."""
    rows = []
    for seq, ind in enumerate(parsed, start=1):
        level1_code, _ = split_code(ind.level1 or "")
        level2_code, _ = split_code(ind.level2 or "")
        (level1, level1_score), (level2, level2_score) = _level_and_score(ind.level1), _level_and_score(ind.level2)
        dated = is_date_column(ind.measure_unit, level2, ind.level3)
        rows.append(
            {
                "project_id": pid,
                "unit_id": uid,
                "seq": seq,
                "level1": level1,
                "level2": level2,
                "level1_code": level1_code,
                "level2_code": level2_code,
                "level1_score": level1_score,
                "level2_score": level2_score,
                "level3": drop_form_notes(ind.level3),
                "description": ind.description,
                "target_period": ind.target_period,
                "target_annual": ind.target_annual,
                "basis": ind.basis,
                **_value_columns(ind.target_annual, unit=ind.measure_unit, date_column=dated),
                **_value_columns(ind.target_period, "period_", unit=ind.period_measure_unit, date_column=dated),
                **_where(ind.value_ref, "value"),
                "nature": ind.nature,
                "direction": ind.direction,
                "weight": ind.weight,
                "scoring_rule": ind.scoring_rule,
                **_where(ind.ref),
                **where,
                "scope": scope,
                "previous_value": ind.previous_value,
            }
        )
    return rows
