"""The configuration blocks of the issue-23 checks (``[audit.relevance]``, ``[audit.goals]``,
``[audit.plausibility]``, ``[audit.template]``, ``[audit.official]``): word lists, patterns and
thresholds, read by the rules of the module of the same name."""

from __future__ import annotations

import re
from typing import Any

from ...errors import ConfigError
from ..context import AuditInput


def setting(data: AuditInput, block: str, key: str) -> Any:
    return data.config[block][key]


def pattern(data: AuditInput, block: str, key: str) -> re.Pattern:
    """The patterns of a list as one regular expression (matches nothing when the list is empty)."""
    patterns = tuple(data.config[block][key])
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else re.compile(r"(?!)")
    except re.error as exc:
        raise ConfigError(f"[audit.{block}] {key}: not a valid regular expression ({exc})") from None


def first(text: str, words) -> str | None:
    """The first of ``words`` (list order) that ``text`` contains."""
    return next((word for word in words if word in text), None)
