"""Layout specs: each layout of the family as package data (``ingest/layouts/<name>.toml``).

A spec says how to recognise a layout (``signature``), what its labels mean (``columns`` of a
summary table, ``fields`` and ``grid`` of per-project tables), the unit of its amounts and what
the layout can hold at all (``capabilities``, which later stages read instead of the name).
``extends = "C"`` starts from another spec and overrides what the file gives.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Mapping

from ..text import squash
from .lexicon import bare_key, canonical

CAPABILITIES = ("period_values", "basis", "spending_plan", "project_codes", "declared_totals")
INTERPRETERS = ("summary", "project_tables", "declaration", "tree", "department")


@lru_cache(maxsize=16384)  # every cell's text is matched many times over
def label_key(text: str) -> str:
    """What labels are matched on: NFKC, no white space, parenthesised parts removed, the
    wording the lexicon gives for it (``项目支出名称`` -> ``项目名称``)."""
    return canonical(bare_key(text))


@dataclass(frozen=True)
class LayoutSpec:
    name: str
    description: str
    interpreter: str
    amount_unit: str
    capabilities: Mapping[str, bool]
    signature_all: tuple[str, ...]
    signature_any: tuple[tuple[str, ...], ...]
    signature_none: tuple[str, ...]
    labels: Mapping[str, str]
    columns: Mapping[str, str]  # summary table: header label -> field
    fields: Mapping[str, str]  # per-project tables: labelled field -> field
    grid: Mapping[str, str]  # indicator grid: header label -> column
    required: Mapping[str, str]  # field or column -> the label a refusal names

    def document_columns(self) -> dict:
        """What the documents table says of a document in this layout: its capabilities
        (``has_<capability>``) and its names of the four amounts (``amount_labels``)."""
        return {
            **{f"has_{name}": value for name, value in self.capabilities.items()},
            "amount_labels": "|".join(self.labels.get(c, "") for c in ("budget_total", "fiscal_funds", "special_funds", "other_funds")),
        }

    def score(self, labels: set[str]) -> int:
        """How many signature labels the document's label set holds; 0 when it does not match."""
        if not all(label in labels for label in self.signature_all):
            return 0
        if any(label in labels for label in self.signature_none):
            return 0
        groups = [sum(label in labels for label in group) for group in self.signature_any]
        if not all(groups):
            return 0
        return len(self.signature_all) + sum(groups)


def _merge(base: dict, override: dict) -> dict:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return merged


def _raw(name: str) -> dict:
    data = tomllib.loads((files("perfaudit.ingest") / "layouts" / f"{name}.toml").read_text(encoding="utf-8"))
    base = data.pop("extends", None)
    return _merge(_raw(base), data) if base else data


def _frozen(mapping: dict | None, keys=label_key) -> Mapping[str, str]:
    frozen: dict[str, str] = {}
    for label, value in (mapping or {}).items():
        key = keys(label)
        if frozen.setdefault(key, value) != value:  # two wordings of one label, two meanings
            raise ValueError(f"layout spec: {label!r} means {value!r}, the lexicon reads it as {key!r} = {frozen[key]!r}")
    return MappingProxyType(frozen)


def _spec(data: dict) -> LayoutSpec:
    capabilities = data.get("capabilities", {})
    unknown = set(capabilities) - set(CAPABILITIES)
    if unknown or data["interpreter"] not in INTERPRETERS:
        raise ValueError(f"layout spec {data['name']}: unknown capability or interpreter {sorted(unknown)}")
    signature = data.get("signature", {})
    return LayoutSpec(
        name=data["name"],
        description=data["description"],
        interpreter=data["interpreter"],
        amount_unit=data.get("amount_unit", "万元"),
        capabilities=MappingProxyType({c: bool(capabilities.get(c, False)) for c in CAPABILITIES}),
        signature_all=tuple(label_key(x) for x in signature.get("all", ())),
        signature_any=tuple(tuple(label_key(x) for x in group) for group in signature.get("any", ())),
        signature_none=tuple(label_key(x) for x in signature.get("none", ())),
        labels=MappingProxyType(dict(data.get("labels", {}))),
        columns=_frozen(data.get("columns")),
        fields=_frozen(data.get("fields"), keys=squash),
        grid=_frozen(data.get("grid")),
        required=MappingProxyType(dict(data.get("required", {}))),
    )


@cache
def layout_specs() -> tuple[LayoutSpec, ...]:
    """Every shipped spec, by file name order."""
    names = sorted(p.name.removesuffix(".toml") for p in (files("perfaudit.ingest") / "layouts").iterdir()
                   if p.name.endswith(".toml"))
    return tuple(_spec(_raw(name)) for name in names)


def spec_named(name: str) -> LayoutSpec:
    return next(spec for spec in layout_specs() if spec.name == name)


@cache
def header_labels() -> frozenset[str]:
    """Every label that can head a table column (summary columns and grid columns of all specs)."""
    return frozenset(k for spec in layout_specs() for k in (*spec.columns, *spec.grid))


@cache
def _header_fields() -> Mapping[str, str]:
    return MappingProxyType({k: v for spec in layout_specs() for k, v in (*spec.columns.items(), *spec.grid.items())})


def header_field(text: str) -> str | None:
    """The column a header label names in any spec (``一级指标`` -> ``level1``, ``总计`` -> ``budget_total``)."""
    return _header_fields().get(label_key(text))


@cache
def field_labels() -> frozenset[str]:
    """Every label of a labelled field in any spec (squashed): text that never stands in a grid row."""
    return frozenset(k for spec in layout_specs() for k in spec.fields)
