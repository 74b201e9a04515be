"""One finding per cause: rules that fire on the same place for one underlying problem are merged.

Several rules can describe one problem of one cell: a ``是`` under 成本指标 is a yes/no value (Q02)
and a cost that is not money (Q06); a satisfaction value ``少于10次`` is not a percentage (C04) and
points the wrong way (C07). ``[audit] same_cause`` lists groups of rule ids, most specific first:
on one place (an indicator, or a project's line), the first rule of a group that fired is reported
and the others of the group that fired there are attached to it as ``related_rules``. Groups are
applied in order, so a rule kept by one group can still be attached by a later group, carrying its
own related rules along.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from ..errors import ConfigError
from .registry import Hit, Rule


def place(hit: Hit) -> tuple:
    """Where a hit is: its indicator (whatever line the rule points at), else its project's line."""
    if hit.indicator:
        return (hit.unit_id, hit.project_id, "indicator", hit.indicator)
    return (hit.unit_id, hit.project_id, hit.source_file, hit.source_line)


def check_groups(groups: Sequence[Sequence[str]], known: set[str]) -> None:
    unknown = sorted({rule_id for group in groups for rule_id in group} - known)
    if unknown:
        raise ConfigError(f"[audit] same_cause: unknown rule ids {', '.join(unknown)}")


def merge_same_cause(
    hits: Iterable[tuple[Rule, Hit]], groups: Sequence[Sequence[str]]
) -> list[tuple[Rule, Hit, tuple[str, ...]]]:
    """The hits that remain, in their order, each with the ids of the hits merged into it."""
    hits = list(hits)
    by_place: dict[tuple, dict[str, int]] = {}
    for index, (rule, hit) in enumerate(hits):
        by_place.setdefault(place(hit), {}).setdefault(rule.id, index)
    related: dict[int, list[str]] = {index: [] for index in range(len(hits))}
    dropped: set[int] = set()
    for rules_here in by_place.values():
        for group in groups:
            present = [rules_here[r] for r in group if r in rules_here and rules_here[r] not in dropped]
            if len(present) < 2:
                continue
            keeper, *others = present
            for other in others:
                dropped.add(other)
                related[keeper] += [hits[other][0].id, *related[other]]
    return [
        (rule, hit, tuple(dict.fromkeys(related[index])))
        for index, (rule, hit) in enumerate(hits)
        if index not in dropped
    ]
