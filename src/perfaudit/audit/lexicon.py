"""Word lists and patterns of ``[audit.lexicon]``, compiled once, as predicates on normalised text.

Every predicate takes text already normalised with ``norm`` (NFKC, no white space): one place
decides what a rate name, a count name, a vague value … is, and every rule asks here.
"""

from __future__ import annotations

import re
from typing import Mapping

import pandas as pd

from ..errors import ConfigError
from ..ingest.values import MAGNITUDES, OPERATORS_AFTER, OPERATORS_BEFORE, UNIT_KINDS
from ..text import squash

# A bracketed tail of a name: 慰问人数（人）, 服务对象满意度（%）.
_TRAILING_BRACKET = re.compile(r"\(([^()]*)\)$")
# Prefix tags that templates put before names: 【核心】, [必填].
_PREFIX_TAG = re.compile(r"^(?:【[^】]*】|\[[^\]]*\])+")
_EDGE_PUNCTUATION = "。.;；,，、!?：:"
_KNOWN_UNITS = frozenset(unit for units in UNIT_KINDS.values() for unit in units)
_OPERATOR_WORDS = sorted(
    {word for words in (*OPERATORS_BEFORE.values(), *OPERATORS_AFTER.values()) for word in words},
    key=len,
    reverse=True,
)
_DIGIT = re.compile(r"\d")


def norm(text: object) -> str:
    """Matching form of a cell: NFKC, no white space, no edge punctuation; '' for missing."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return squash(str(text)).strip(_EDGE_PUNCTUATION)


def name_core(name: str) -> str:
    """A normalised name without a prefix tag and without a trailing bracket (（人）, （线上/线下）)."""
    core = _PREFIX_TAG.sub("", name)
    match = _TRAILING_BRACKET.search(core)
    return core[: match.start()] if match and match.start() else core


def bracket_unit(name: str) -> str | None:
    """The unit a name states in its trailing brackets (慰问人数（人） -> 人), if it is a unit."""
    match = _TRAILING_BRACKET.search(name)
    if match and is_unit(match.group(1)):
        return match.group(1)
    return None


def unit_alternatives(unit: str) -> set[str]:
    """Readings of a value's unit, magnitude removed: 人(次) -> {人, 人次}; 万平方米 -> {平方米}."""
    bare = unit.split("/", 1)[0]
    optional = re.fullmatch(r"(.*)\((.*)\)", bare)
    readings = {optional.group(1), optional.group(1) + optional.group(2)} if optional else {bare}
    return {reading.lstrip(MAGNITUDES) or reading for reading in readings}


def is_unit(text: str) -> bool:
    return bool(text) and (text in _KNOWN_UNITS or text.lstrip(MAGNITUDES) in _KNOWN_UNITS)


def has_digit(text: str) -> bool:
    return bool(_DIGIT.search(text))


def _contains_any(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def _compile(patterns: tuple[str, ...], key: str) -> re.Pattern:
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else re.compile(r"(?!)")
    except re.error as exc:
        raise ConfigError(f"[audit.lexicon] {key}: not a valid regular expression ({exc})") from None


class Lexicon:
    """The ``[audit.lexicon]`` section, compiled. Read-only after construction."""

    def __init__(self, config: Mapping):
        self.config = config
        self._timeliness_name = _compile((config["timeliness_name_pattern"],), "timeliness_name_pattern")
        self._operation = _compile(self.words("operation_patterns"), "operation_patterns")
        self._scoring = _compile(self.words("scoring_patterns"), "scoring_patterns")
        self._boilerplate = _compile(self.words("goal_boilerplate"), "goal_boilerplate")
        self._placeholder = _compile(self.words("placeholder_patterns"), "placeholder_patterns")
        self._markup = _compile(self.words("markup_patterns"), "markup_patterns")
        self._finance = _compile(self.words("finance_management_patterns"), "finance_management_patterns")
        self._not_target = _compile(self.words("goal_not_target_patterns"), "goal_not_target_patterns")
        self._pays_on_time = _compile((config["payment_timeliness_pattern"],), "payment_timeliness_pattern")
        adverbs = "|".join(map(re.escape, sorted(self.words("vague_adverbs"), key=len, reverse=True))) or "(?!)"
        verbs = "|".join(map(re.escape, sorted(self.words("vague_verbs"), key=len, reverse=True))) or "(?!)"
        # 有效促进, 持续发挥作用 (an adverb and a verb anywhere); 提升服务能力, 进一步丰富 (a verb first)
        self._vague_phrase = re.compile(f"(?:{adverbs})(?:{verbs})|^(?:{adverbs})*(?:{verbs})")

    def words(self, key: str) -> tuple[str, ...]:
        return tuple(self.config[key])

    # --- names --------------------------------------------------------------------------------
    def is_rate(self, name: str) -> bool:
        text = name_core(name)
        for word in self.words("rate_exclusions"):
            text = text.replace(word, "")
        return _contains_any(text, self.words("rate_words"))

    def is_count(self, name: str) -> bool:
        text = name_core(name)
        if self.is_rate(name) or text.endswith(self.words("count_exclusions")):
            return False
        return text.endswith(self.words("count_endings"))

    def is_time_count(self, name: str) -> bool:
        return name_core(name).endswith(self.words("time_count_endings"))

    def is_satisfaction(self, name: str) -> bool:
        return _contains_any(name, self.words("satisfaction_words")) and not self.is_count(name)

    def is_negative(self, name: str) -> bool:
        return _contains_any(name, self.words("negative_metrics")) and not _contains_any(
            name, self.words("negative_reversals")
        )

    def is_growth(self, name: str) -> bool:
        return _contains_any(name, self.words("growth_words"))

    def is_quality_rate(self, name: str) -> bool:
        return not self.is_negative(name) and _contains_any(name, self.words("quality_rates"))

    def is_positive(self, name: str) -> bool:
        """Higher is better: satisfaction and quality/normal-operation rates."""
        return not self.is_negative(name) and (self.is_satisfaction(name) or self.is_quality_rate(name))

    def names_time(self, name: str) -> bool:
        return bool(self._timeliness_name.search(name))

    def operation_phrase(self, text: str) -> str | None:
        """The words of ``text`` that describe operations or inputs (正常运行, 经费保障), if any."""
        match = self._operation.search(text)
        return match.group(0) if match else None

    def finance_phrase(self, text: str) -> str | None:
        """The words of ``text`` that make it a finance-management requirement (资金支付及时率, 合规率)."""
        match = self._finance.search(text)
        return match.group(0) if match else None

    def pays_on_time(self, name: str) -> bool:
        """The name is about paying (or handing out) money on time: 资金支付及时率, 补贴发放及时性."""
        return bool(self._pays_on_time.search(name))

    def not_target_phrase(self, text: str) -> str | None:
        """Words of a goal that state necessity, background or past results (发挥了, 是…的桥梁)."""
        match = self._not_target.search(text)
        return match.group(0) if match else None

    def first_word(self, text: str, key: str) -> str | None:
        """The first word of the lexicon list ``key`` that ``text`` contains (list order)."""
        return next((word for word in self.words(key) if word in text), None)

    def has(self, text: str, key: str) -> bool:
        """``text`` contains a word of the lexicon list ``key``."""
        return _contains_any(text, self.words(key))

    # --- values -------------------------------------------------------------------------------
    def is_yes_no(self, value: str) -> bool:
        return value in self.words("yes_no_values")

    def is_undecided(self, value: str) -> bool:
        return value in self.words("undecided_values")

    def is_vague(self, value: str) -> bool:
        """No figure, and a vague word as the whole value or its end (制度健全), or vague phrasing."""
        if not value or has_digit(value):
            return False
        vague = self.words("vague_values")
        return value in vague or value.endswith(tuple(v for v in vague if len(v) > 1)) or bool(self._vague_phrase.search(value))

    def is_slogan(self, name: str) -> bool:
        """A name that is a slogan rather than a measure: a vague verb phrase (提升…影响力, 促进…发展)
        or a ``…情况`` / ``…能力`` ending without a rate or count."""
        core = name_core(name)
        return bool(self._vague_phrase.search(core)) or core.endswith(self.words("slogan_endings"))

    def is_placeholder(self, name: str) -> bool:
        """A row name that is template filler standing for no indicator: 无, /, —."""
        return name in self.words("placeholder_names")

    def is_empty_value(self, value: str) -> bool:
        """No value: nothing, or only a dash or slash."""
        return not value or value in self.words("empty_values")

    def is_unit_only(self, value: str) -> bool:
        """A unit and perhaps an operator, but no number: ``次``, ``≥%``, ``不少于万元``."""
        text = value
        for word in _OPERATOR_WORDS:
            text = text.replace(word, "")
        return not has_digit(value) and is_unit(text)

    def has_operator(self, value: str) -> bool:
        """The value states its 指标性质 (≥ ≤ = or 不少于, 以上, 以内 …), as 财预〔2021〕101号 asks."""
        return any(word in value for word in _OPERATOR_WORDS) or self.has(value, "operator_words")

    def is_zero_target(self, value: str, number: float | None) -> bool:
        """A target of none at all: ``0``, ``≤0%``, ``0起``, ``0事故``, ``零事故``, ``无事故``."""
        return (number == 0 and has_digit(value)) or self.has(value, "zero_target_words")

    def names_a_time(self, value: str) -> bool:
        return self.has(value, "time_value_words")

    def is_scoring_rule(self, value: str) -> bool:
        return bool(self._scoring.search(value))

    # --- free text ------------------------------------------------------------------------------
    def strip_boilerplate(self, text: str) -> str:
        return self._boilerplate.sub("", text)

    def placeholders(self, text: str) -> list[str]:
        return [m.group(0) for m in self._placeholder.finditer(text)]

    def markup(self, text: str) -> list[str]:
        return [m.group(0) for m in self._markup.finditer(text)]
