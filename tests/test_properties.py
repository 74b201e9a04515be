"""Property-based tests (hypothesis) of the readers and the value parser.

- any input either reads or raises the package's InputError, nothing else;
- reading is invariant under encoding, punctuation width, line ends and layout characters;
- the line numbers the tables report point at the text they claim;
- unit ids are short, file-name safe, and stay inside the output folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import badinputs
import variants
from perfaudit.errors import InputError
from perfaudit.ingest import read_document
from perfaudit.ingest.assemble import unit_id
from perfaudit.ingest.decode import decode_document, looks_like_target_document
from perfaudit.ingest.parsed import ParsedUnit, parse_amount
from perfaudit.ingest.cells import Ref
from perfaudit.ingest.sources.text import strip_markers
from perfaudit.ingest.values import VALUE_KINDS, parse_value
from perfaudit.model import Dataset
from perfaudit.settings import load_settings
from perfaudit.text import nfkc, remove_layout_chars, squash

# The profile of this module: moderate example counts (an example reads whole documents, often
# twice), no deadline (reading time varies with the machine's load).
PROFILE = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
SETTINGS = load_settings()
SAMPLE_TEXT = {name: variants.sample_text(name) for name in variants.SAMPLES}


def read(data: bytes, file: str = "doc.txt") -> Dataset | InputError:
    """The dataset, or the InputError; any other exception fails the test."""
    try:
        return read_document(data, file, settings=SETTINGS)
    except InputError as error:
        assert error.source_file == file and "\n" not in str(error)
        assert error.line is None or error.line >= 1
        return error


# --- inputs: random bytes, document-like token soup, mutated samples -------------------------

# Document-like soup: lines built from the labels, rows and values of the three layouts, in
# random order and number, so that random documents get past layout detection into the readers.
LINES = (
    "项目支出绩效目标表", "单位名称：某单位", "部门名称：某部门", "单位：万元", "合计\t1,500.06\t1,500.06\t\t\t\t",
    "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标",
    "某单位（本级）\t16.40\t16.40\t\t\t\t",
    "某项目\t16.40\t16.40\t\t\t目标。\t1、1-产出指标；11-数量指标；名称；实施周期指标值:1次；年度指标值:1次。",
    "某项目\t5\t\t\t\t目标\t1、2-效益指标；22-社会效益；名称；年度指标值:≥95%",
    "1.某项目绩效目标表", "[bookmark: _Toc1]2.另一项目绩效目标表", "721001 某单位", "\t363207某单位",
    "项目编码\t13052924P0058401240 7U\t\t项目名称\t某项目", "项目名称\t某项目", "\t项目名称", "\t某项目",
    "预算规模及资金用途\t预算数\t5.00\t其中：财政资金\t5.00\t其他资金\t", "\t预算数", "\t5.00", "\t用于某事",
    "资金支出计划（%）\t3月底\t6月底\t10月底\t12月底", "\t30%\t60%\t80%\t100%", "绩效目标\t目标。", "\t绩效目标",
    "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据", "一级指标\t二级指标\t三级指标\t指标值",
    "\t一级指标", "\t二级指标", "\t三级指标", "\t绩效指标描述", "\t指标值", "\t产出指标", "\t数量指标",
    "产出指标\t数量指标\t名称\t名称\t3 次\t计划标准", "\t质量指标\t名称\t名称\t95%\t", "\t\t名称\t名称\t≥1个",
    "满意度指标\t服务对象满意度指标\t满意度\t满意度\t100%", "注：说明", "\t≤51.5万元", "\t", "", "", "",
    "\f", "\u2028", "一、总体绩效目标·····\t1",
)
token_soup = st.tuples(
    st.lists(st.sampled_from(LINES), max_size=60), st.sampled_from(("\n", "\r\n", "\r"))
).map(lambda parts: parts[1].join(parts[0]).encode("utf-8"))

# Characters inserted by mutations: CJK, digits, both widths of punctuation, spaces, tabs, newlines.
INSERTED = st.text(st.sampled_from("文联项目指标0123456789.%；;：:（）(),，。 \u3000\t\n"), min_size=1, max_size=4)


@st.composite
def mutated_sample(draw) -> tuple[str, str]:
    """(sample, text): a sample with a few lines deleted, duplicated, swapped, edited or cut off."""
    sample = draw(st.sampled_from(sorted(SAMPLE_TEXT)))
    lines = SAMPLE_TEXT[sample].split("\n")
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(("delete", "duplicate", "insert", "swap", "truncate")))
        at = draw(st.integers(0, len(lines) - 1))
        if op == "delete" and len(lines) > 1:
            del lines[at]
        elif op == "duplicate":
            lines.insert(at, lines[at])
        elif op == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif op == "insert":
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + draw(INSERTED) + lines[at][cut:]
        elif op == "truncate":
            lines = lines[:at] + [lines[at][: draw(st.integers(0, len(lines[at])))]]
    return sample, "\n".join(lines)


@PROFILE
@given(st.binary(max_size=3000))
def test_random_bytes_read_or_refused(data):
    read(data)


@PROFILE
@given(st.text(max_size=2000))
def test_random_text_read_or_refused(text):
    read(text.encode("utf-8"))


@PROFILE
@given(token_soup)
def test_document_like_soup_read_or_refused(data):
    read(data)


@PROFILE
@given(mutated_sample())
def test_mutated_samples_read_or_refused(mutated):
    _, text = mutated
    read(text.encode("utf-8"))


@PROFILE
@given(st.text(max_size=40))
def test_amounts_parse_or_refuse(raw):
    try:
        amount = parse_amount(raw, "doc.txt", Ref(line=3), "预算数")
    except InputError as error:
        assert (error.source_file, error.line) == ("doc.txt", 3)
        return
    assert amount is None or amount == amount  # a float, never NaN


@PROFILE
@given(st.one_of(st.none(), st.text(max_size=40)))
def test_values_always_parse(raw):
    parsed = parse_value(raw)
    assert parsed.value_kind in VALUE_KINDS
    assert (parsed.number is None) == (parsed.op is None)


# --- invariance --------------------------------------------------------------------------------

# Transformations that change bytes but not content or lines.
TRANSFORMS = {
    transform.__name__: transform
    for transform in (
        variants.utf8_bom, variants.gb18030, variants.utf16, badinputs.utf16_be, variants.crlf, variants.lone_cr,
        badinputs.mixed_line_ends, variants.swap_punctuation, badinputs.mixed_punctuation,
        variants.layout_characters, badinputs.page_breaks,
    )
}


@PROFILE
@given(mutated_sample(), st.sampled_from(sorted(TRANSFORMS)))
def test_reading_is_invariant(mutated, transform):
    """Same tables and line numbers, or the same refusal (line, reason up to width), either way."""
    sample, text = mutated
    assume(looks_like_target_document(text))  # what lets a file that is not UTF-8 be read as GB18030
    before = read(text.encode("utf-8"), variants.SAMPLES[sample])
    after = read(TRANSFORMS[transform](text), variants.SAMPLES[sample])
    if isinstance(before, InputError):
        assert isinstance(after, InputError), after
        assert (after.line, nfkc(after.reason)) == (before.line, nfkc(before.reason))
        return
    assert not isinstance(after, InputError), after
    badinputs.assert_same_tables(after, before)
    badinputs.assert_same_lines(after, before)


# --- line numbers point at the text they claim ----------------------------------------------

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def assert_lines_point_at_text(dataset: Dataset, data: bytes) -> None:
    lines = decode_document(data, "doc.txt").text.split("\n")

    def clean(text: str) -> str:
        return remove_layout_chars(strip_markers(text))

    def line(number) -> str:
        """The line as the tables keep its text: markers and layout characters removed; with the
        next line appended, since a cell cut by a line break continues there."""
        return clean("".join(lines[int(number) - 1 : int(number) + 1]))

    def within(text: str, number) -> bool:
        """The text is in the cell that starts on that line: a cell cut by line breaks goes on over
        the next few lines (white space aside, as the wrap may have split a figure)."""
        return squash(text) in squash(clean("".join(lines[int(number) - 1 : int(number) + 4])))

    for ind in dataset.indicators.itertuples():
        assert within(ind.level3, ind.source_line), (ind.source_line, ind.level3)
        if not pd.isna(ind.target_annual):
            assert within(ind.target_annual, ind.value_line), (ind.value_line, ind.target_annual)
    for project in dataset.projects.itertuples():
        if not pd.isna(project.goal):
            assert project.goal[:10] in line(project.goal_line), (project.goal_line, project.goal[:10])
        if not pd.isna(project.budget_total):
            # per cell, white space removed: a wrap can split a figure (1 500.06)
            cells = line(project.budget_line).split("\t")
            figures = {float(n.replace(",", "")) for cell in cells for n in _NUMBER.findall(squash(cell))}
            assert project.budget_total in figures, (project.budget_line, project.budget_total)
    names = dataset.units.set_index("unit_id").unit_name
    for unit in dataset.units.itertuples():
        assert unit.unit_name in line(unit.source_line), (unit.source_line, unit.unit_name)
    for total in dataset.declared_totals.itertuples():  # the line of the row's label
        label = "合计" if total.scope == "document" else names[total.unit_id]
        assert squash(label) in squash(line(total.source_line)), (total.source_line, label)


def test_lines_point_at_text_in_the_corpus():
    """Samples in every encoding and line-end form, and every case the corpus reads."""
    for name, case in badinputs.CASES.items():
        if case.expect != badinputs.REFUSED:
            assert_lines_point_at_text(read_document(case.data, "doc.txt", settings=SETTINGS), case.data)


@PROFILE
@given(mutated_sample(), st.sampled_from(sorted(TRANSFORMS)))
def test_lines_point_at_text_in_mutated_samples(mutated, transform):
    _, text = mutated
    data = TRANSFORMS[transform](text)
    dataset = read(data)
    assume(not isinstance(dataset, InputError))
    assert_lines_point_at_text(dataset, data)


# --- ids and file names ------------------------------------------------------------------------

OUT = Path("/tmp/perfaudit-out")
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=320)


@PROFILE
@given(any_text, st.one_of(st.none(), any_text), st.one_of(st.none(), any_text))
def test_unit_ids_are_safe_file_names(name, department, code):
    identifier = unit_id(ParsedUnit(name=name, ref=Ref(line=1), code=code or None, department=department))
    assert badinputs.is_safe_name(identifier, OUT), identifier


@PROFILE
@given(any_text, any_text)
def test_distinct_units_get_distinct_ids(first, second):
    same_name = squash(first) == squash(second)
    assert (unit_id(ParsedUnit(first, Ref(line=1))) == unit_id(ParsedUnit(second, Ref(line=1)))) == same_name
    codes = [nfkc(c).strip().lower() for c in (first, second)]
    if all(codes):
        assert (unit_id(ParsedUnit("x", Ref(line=1), code=first)) == unit_id(ParsedUnit("x", Ref(line=1), code=second))) == (
            codes[0] == codes[1])


def shown(name: str) -> str:
    """A name as the tables keep it, squashed: markers and layout characters removed."""
    return squash(remove_layout_chars(strip_markers(name)))


# One table cell: no tab, line break or other control character.
unit_name = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=300).filter(
    lambda name: shown(name) and shown(name) not in ("合计", "总计"))


@PROFILE
@given(st.lists(unit_name, min_size=2, max_size=4, unique_by=shown))
def test_documents_with_any_unit_names(names):
    """Guangzhou as a department document whose unit rows carry arbitrary names: one unit per name,
    each with a distinct safe id (or a refusal naming the line, never a crash)."""
    lines = SAMPLE_TEXT["guangzhou"].split("\n")
    projects = [line for line in lines[11:] if line.strip()]
    out = lines[:10]
    for i, name in enumerate(names):
        out.append(f"{name}\t1.00\t1.00\t\t\t\t")
        out.extend(projects[i * 2: i * 2 + 2])
    dataset = read("\n".join(out).encode("utf-8"))
    if isinstance(dataset, InputError):
        assert dataset.line is not None
        return
    assert dataset.units.unit_id.is_unique
    assert [shown(n) for n in dataset.units.unit_name] == [shown(n) for n in names]
    for identifier in [*dataset.units.unit_id, *dataset.projects.project_id]:
        assert badinputs.is_safe_name(identifier, OUT), identifier
