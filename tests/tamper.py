"""Tampered copies of the bundled samples: one edit each, breaking exactly one expectation.

Each case changes one line of one sample (the old text must be on that line, so a changed
sample fails loudly here instead of silently testing nothing) and states which expectation
must fail and which line it must name. Line numbers count from 1, as in the tables.

    python tests/tamper.py OUTDIR     # writes OUTDIR/<case>/<sample file>, one folder per case
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
GZ = "guangzhou_wenlian_2024.txt"
JL = "julu_wenlian_2024.txt"
TJ = "tianjin_qunyiguan_2025.txt"


@dataclass(frozen=True)
class Tamper:
    name: str
    sample: str
    line: int  # the edited line
    old: str
    new: str
    expectation: str  # the one expectation that must fail
    expected_line: int  # the line the failure must name

    def apply(self, text: str) -> str:
        lines = text.split("\n")
        original = lines[self.line - 1] if self.line <= len(lines) else ""
        if original.count(self.old) != 1:
            raise ValueError(f"{self.sample}:{self.line}: expected {self.old!r} once in {original!r}")
        lines[self.line - 1] = original.replace(self.old, self.new)
        return "\n".join(lines)

    def write(self, directory: Path) -> Path:
        """Write the tampered copy to ``directory/<sample>`` (same file name as the sample)."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / self.sample
        path.write_text(self.apply((EXAMPLES / self.sample).read_text(encoding="utf-8")), encoding="utf-8")
        return path


CASES = (
    # A project's 财政拨款 / 财政资金 changed: its total no longer equals the sum of its sources.
    # Layout A and B rows name the project's row; layout C (one cell per line) names the project's
    # 预算数 line (line 10), two lines above the edited 财政资金 value.
    Tamper("gz_fiscal", GZ, 12, "\t16.40\t16.40\t", "\t16.40\t16.50\t", "projects.sources_sum", 12),
    Tamper("jl_fiscal", JL, 63, "资金\t5.00", "资金\t4.00", "projects.sources_sum", 63),
    Tamper("tj_fiscal", TJ, 12, "\t120.00", "\t110.00", "projects.sources_sum", 10),
    # 合计 changed: the document total no longer equals the sum of its unit rows.
    Tamper("gz_total", GZ, 10, "合计\t1,500.06\t", "合计\t1,600.06\t", "declared_totals.parts_sum", 10),
    # A level2 moved under the wrong level1.
    Tamper("gz_level_pair", GZ, 12, "1、1-产出指标；11-数量指标；编外人员到位率", "1、2-效益指标；11-数量指标；编外人员到位率",
           "indicators.level_pair", 12),
    Tamper("jl_level_pair", JL, 73, "效益指标\t经济效益指标\t", "效益指标\t数量指标\t", "indicators.level_pair", 73),
    # Cells form: the level2 cell is the line above the indicator's own (三级指标) line.
    Tamper("tj_level_pair", TJ, 37, "\t数量指标", "\t社会效益指标", "indicators.level_pair", 38),
    # 6月底 below 3月底 in the spending plan.
    Tamper("jl_plan", JL, 87, "30%\t\t60%\t", "30%\t\t20%\t", "projects.plan_monotone", 87),
)


def write_all(out: Path) -> list[Path]:
    return [case.write(out / case.name) for case in CASES]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/tamper.py OUTDIR")
    for written in write_all(Path(sys.argv[1])):
        print(written)
