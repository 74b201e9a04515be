"""The rule registry: every rule of the catalogue (docs/rules.md), registered by id, in order.

A rule is a small pure function over the audit input (the tidy tables with derived features,
the configuration and, for four rules, the validation result) that returns ``Hit`` records. The
engine turns hits into findings: it adds the rule's metadata, the project name and the stable
finding id, and applies the confidential-project exemption, so rules never deal with those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from ..terms import CONTEXT, CRITERIA, CRITERION_ZH, SEVERITIES, SEVERITY_ZH  # noqa: F401  (re-exported)

# A confidential project keeps the rules about its money and spending plan, which are disclosed,
# and X01 itself; every other rule reads goal or indicator text that is redacted by design, so its
# findings would only restate the redaction (issue 14: S03–S07 on a redacted project were noise).
KEPT_FOR_CONFIDENTIAL = ("A01", "A02", "A04", "A05", "X01")


@dataclass(frozen=True)
class Hit:
    """One problem a rule found: where it is, the text a reviewer would quote, and what is wrong."""

    unit_id: str
    source_file: str
    source_line: int | None
    evidence: str
    message: str
    project_id: str | None = None
    indicator: str | None = None
    severity: str | None = None  # None: the rule's default severity
    suggestion: str | None = None  # what to change in this place; None: the rule's general suggestion
    source_ref: str | None = None  # the place in any format (第12行, Sheet1!C12 …); None: from the line


@dataclass(frozen=True)
class Rule:
    id: str
    name_zh: str
    name_en: str
    severity: str  # default severity
    criterion: str  # a key of CRITERIA, or CONTEXT
    check_zh: str  # what is checked (the catalogue's "check" column, in Chinese)
    basis: str  # 依据
    suggestion: str  # 整改建议
    check: Callable[[Any], Iterable[Hit]]
    config_keys: tuple[str, ...] = ()  # keys of [audit] read by the rule (dotted)
    severities: tuple[str, ...] = ()  # every severity the rule can give, default first
    uses_validation: bool = False  # findings come from the validation result (one source of truth)
    examples: tuple[str, ...] = ()  # source text that triggers the rule (for docs/rules.md)

    @property
    def applies_to_confidential(self) -> bool:
        return self.id in KEPT_FOR_CONFIDENTIAL

    @property
    def criterion_zh(self) -> str:
        return CRITERION_ZH[self.criterion]


REGISTRY: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    name_zh: str,
    name_en: str,
    severity: str,
    criterion: str,
    check_zh: str,
    basis: str,
    suggestion: str,
    config: tuple[str, ...] = (),
    also: tuple[str, ...] = (),
    uses_validation: bool = False,
    examples: tuple[str, ...] = (),
) -> Callable:
    """Register the decorated function as rule ``rule_id``; ``also`` lists further severities it gives."""
    if severity not in SEVERITIES or any(s not in SEVERITIES for s in also):
        raise ValueError(f"{rule_id}: unknown severity")
    if criterion not in CRITERION_ZH:
        raise ValueError(f"{rule_id}: unknown criterion {criterion}")

    def register(check: Callable[[Any], Iterable[Hit]]) -> Callable[[Any], Iterable[Hit]]:
        if rule_id in REGISTRY:
            raise ValueError(f"rule {rule_id} registered twice")
        REGISTRY[rule_id] = Rule(
            id=rule_id,
            name_zh=name_zh,
            name_en=name_en,
            severity=severity,
            criterion=criterion,
            check_zh=check_zh,
            basis=basis,
            suggestion=suggestion,
            check=check,
            config_keys=config,
            severities=(severity, *also),
            uses_validation=uses_validation,
            examples=examples,
        )
        return check

    return register


FAMILIES = "SAQCDX"


def rule_order(rule_id: str) -> tuple[int, str]:
    """Catalogue order: S, A, Q, C, D, X; by number within a family."""
    return FAMILIES.index(rule_id[0]), rule_id


def catalogue() -> list[Rule]:
    """Every registered rule, in catalogue order."""
    from . import rules  # noqa: F401  (importing the rules package registers the rules)

    return sorted(REGISTRY.values(), key=lambda r: rule_order(r.id))


def rule_named(rule_id: str) -> Rule | None:
    """The registered rule of that id, the catalogue loaded first (a grade can be computed
    without the rules ever having run in this process)."""
    from . import rules  # noqa: F401

    return REGISTRY.get(rule_id)
