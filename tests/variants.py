"""Variants of the real samples, made by script (never hand-edited copies).

Each function takes the sample's text and returns the variant's bytes. Run as a script to write
them all to a folder for inspection: ``python tests/variants.py OUT_DIR``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SAMPLES = {
    "guangzhou": "guangzhou_wenlian_2024.txt",
    "julu": "julu_wenlian_2024.txt",
    "tianjin": "tianjin_qunyiguan_2025.txt",
}

_FULL = "；：（），"
_HALF = ";:(),"
_SWAP = str.maketrans(_FULL + _HALF, _HALF + _FULL)


def sample_text(name: str) -> str:
    return (EXAMPLES / SAMPLES[name]).read_text(encoding="utf-8")


def utf8_bom(text: str) -> bytes:
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def gb18030(text: str) -> bytes:
    return text.encode("gb18030")


def utf16(text: str) -> bytes:
    return text.encode("utf-16")  # with a byte-order mark


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


def lone_cr(text: str) -> bytes:
    return text.replace("\n", "\r").encode("utf-8")


def swap_punctuation(text: str) -> bytes:
    """Full-width punctuation becomes half-width and vice versa, everywhere."""
    return text.translate(_SWAP).encode("utf-8")


def layout_characters(text: str) -> bytes:
    """U+2028 and form feeds inside cell text (word-processor residue)."""
    text = re.sub(r"(绩效目标|项目名称|指标)", "\u2028\\1\f", text)
    return text.encode("utf-8")


def rows_to_cells(text: str) -> bytes:
    """Every tab-separated row becomes one cell per line behind a tab, rows separated by a blank line."""
    out = []
    for line in text.split("\n"):
        if "\t" in line:
            out.extend("\t" + cell for cell in line.split("\t"))
            out.append("")
        else:
            out.extend([line, ""] if line.strip() else [line])
    return "\n".join(out).encode("utf-8")


def cells_to_rows(text: str) -> bytes:
    """Each block of cell lines becomes one tab-separated row."""
    out, block = [], []
    for line in text.split("\n") + [""]:
        if line.strip() or "\t" in line:
            block.append(line[1:] if line.startswith("\t") else line)
        else:
            if block:
                out.append("\t".join(block))
                block = []
            out.append("")
    return "\n".join(out).encode("utf-8")


def split_code(text: str) -> bytes:
    """A project code split by a space at another place (a different line wrap)."""
    return text.replace("13052924P0058401240 7U", "130529 24P00584012407U").encode("utf-8")


def item_endings(ending: str):
    """Layout A: indicator items ending with ``ending`` instead of ``。``."""

    def variant(text: str) -> bytes:
        text = re.sub(r"。(?=\d+、\d-)", ending, text)
        text = re.sub(r"(年度指标值:[^\t\n]*?)。$", lambda m: m.group(1) + ending, text, flags=re.M)
        return text.encode("utf-8")

    variant.__name__ = f"item_endings_{ending or 'none'}"
    return variant


# Variants that must read to the same tables as the original (text compared NFKC, lines ignored).
IDENTICAL = {
    "guangzhou": [utf8_bom, gb18030, utf16, crlf, lone_cr, swap_punctuation, layout_characters,
                  item_endings("."), item_endings(""), rows_to_cells],
    "julu": [utf8_bom, gb18030, utf16, crlf, lone_cr, swap_punctuation, layout_characters,
             rows_to_cells, split_code],
    "tianjin": [utf8_bom, gb18030, utf16, crlf, lone_cr, swap_punctuation, layout_characters, cells_to_rows],
}


def empty_value(text: str) -> bytes:
    """Julu: the first indicator's value (``3 次``) left empty."""
    return text.replace("开展创先争优的次数\t开展创先争优的次数\t3 次", "开展创先争优的次数\t开展创先争优的次数\t", 1).encode("utf-8")


def html_goal(text: str) -> bytes:
    """Tianjin: raw HTML in a goal cell."""
    return text.replace("\t1.通过物业服务", "\t<p>1.通过物业服务", 1).encode("utf-8")


def confidential_project(text: str) -> bytes:
    """Julu: project 2 renamed to a code, its goal withheld."""
    text = text.replace("老年诗词楹联协会经费", "ABCDEF")
    return text.replace("1.按照文件要求，开展老年活动，提升老年人的幸福指数。", "该项目涉密，内容不予披露。").encode("utf-8")


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for sample, variants in IDENTICAL.items():
        for variant in variants:
            (out / f"{sample}__{variant.__name__}.txt").write_bytes(variant(sample_text(sample)))
    for sample, variant in (("julu", empty_value), ("tianjin", html_goal), ("julu", confidential_project)):
        (out / f"{sample}__{variant.__name__}.txt").write_bytes(variant(sample_text(sample)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "variants")
