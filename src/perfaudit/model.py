"""The tidy data model: table names, column contract and the Dataset container.

The column lists below are the public contract documented in the README ("Data model").
Every row of every table carries ``source_file`` and ``source_line``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from itertools import accumulate
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pandas.api.types import pandas_dtype

# dtype names are pandas extension dtypes so that missing values stay <NA> and ids stay strings.
STR = "string"
INT = "Int64"
FLOAT = "Float64"
BOOL = "boolean"

# source_line: the 1-based line of a text source (null for other formats); source_ref: the place
# as a reviewer looks it up in any format (第12行, Sheet1!C12, 表3 第5行第2列, 第4页 …).
SOURCE_COLUMNS = {"source_file": STR, "source_line": INT, "source_ref": STR}

# What a layout can hold at all (from its spec): later stages read these, never the layout name.
CAPABILITY_COLUMNS = {
    "has_period_values": BOOL,  # 实施周期指标值 beside the annual value
    "has_basis": BOOL,  # 指标值确定依据
    "has_spending_plan": BOOL,  # 资金支出计划
    "has_project_codes": BOOL,  # 项目编码
    "has_declared_totals": BOOL,  # 合计 / unit rows
}

DOCUMENTS = {
    "source_file": STR,
    "source_sha256": STR,
    "encoding": STR,
    "format": STR,  # the source that read the file: text, docx, xlsx, pdf, html
    "layout": STR,
    "form": STR,  # text source: "rows" or "cells", the physical form it recognised
    **CAPABILITY_COLUMNS,
    "amount_unit": STR,  # the unit the document states its amounts in (tables hold 万元)
    "amount_labels": STR,  # the document's names of budget_total|fiscal_funds|special_funds|other_funds
    "budget_year": INT,
    "budget_year_source": STR,  # stated | file_name | text | override; null when unknown
    "title": STR,
    "front_matter": STR,
    **SOURCE_COLUMNS,
}

UNITS = {
    "unit_id": STR,
    "unit_name": STR,
    "unit_code": STR,
    "department": STR,
    "department_id": STR,  # ingest/assemble.py department_id: stable, file-name safe
    "budget_year": INT,
    "layout": STR,
    **SOURCE_COLUMNS,
}

PROJECTS = {
    "project_id": STR,
    "unit_id": STR,
    "seq": INT,
    "project_name": STR,
    "project_code": STR,
    "budget_total": FLOAT,
    "fiscal_funds": FLOAT,
    "special_funds": FLOAT,
    "other_funds": FLOAT,
    "fund_use": STR,
    "goal": STR,  # the annual goal (88号 forms: 年度目标)
    # 88号 申报表 (null where a layout has no such field): the 中期 (implementation-period) money
    # and goal, 项目属性, 项目期 as written (202001, 2023.07) and the code of 主管部门及代码.
    "period_budget_total": FLOAT,
    "period_fiscal_funds": FLOAT,
    "period_other_funds": FLOAT,
    "period_goal": STR,
    "project_type": STR,
    "start": STR,
    "end": STR,
    "department_code": STR,
    "plan_mar": FLOAT,
    "plan_jun": FLOAT,
    "plan_oct": FLOAT,
    "plan_dec": FLOAT,
    "confidential": BOOL,
    "goal_line": INT,
    "budget_line": INT,
    "plan_line": INT,
    "goal_ref": STR,
    "budget_ref": STR,
    "plan_ref": STR,
    # funding by source (Sichuan/Hunan copies of the 申报表, annual): parts of 财政拨款 (一般公共预算,
    # 政府性基金, 国有资本经营预算), 事业收入, and 上级资金 beside 年度本级预算金额; null where not stated.
    "general_budget_funds": FLOAT,
    "government_fund_funds": FLOAT,
    "state_capital_funds": FLOAT,
    "institution_income": FLOAT,
    "higher_level_funds": FLOAT,
    # the parts an amount cell writes beside its total, as written: 854万(高标准农田建设400万元,…)
    "budget_breakdown": STR,
    **SOURCE_COLUMNS,
}

_PARSED_VALUE = {"op": STR, "number": FLOAT, "measure_unit": STR, "value_kind": STR}

INDICATORS = {
    "project_id": STR,
    "unit_id": STR,
    "seq": INT,
    "level1": STR,
    "level2": STR,
    "level1_code": STR,
    "level2_code": STR,
    # the score a level label states beside its name, as 0-20分 / 50分 (成本指标(0-20)分, 产出指标(50分))
    "level1_score": STR,
    "level2_score": STR,
    "level3": STR,
    "description": STR,
    "target_period": STR,
    "target_annual": STR,
    "basis": STR,
    **_PARSED_VALUE,
    **{f"period_{name}": dtype for name, dtype in _PARSED_VALUE.items()},
    "value_line": INT,
    "value_ref": STR,
    # 101号 indicator attributes (null where the grid has no such column): 指标性质 and 指标方向 as
    # written (≥ ≤ = 定性 定量 / 正向 反向), 分值/权重 as a number, 评(扣)分标准.
    "nature": STR,
    "direction": STR,
    "weight": FLOAT,
    "scoring_rule": STR,
    **SOURCE_COLUMNS,
    # "project": the indicator of a project (project_id set); "unit": of the unit as a whole (部门整体
    # 支出绩效目标申报表, layout N4), project_id null, seq counted within the unit's own indicators.
    "scope": STR,
    "previous_value": STR,  # N3's 上年实际值 beside the 本年预期值 (target_annual), as written
}

DECLARED_TOTALS = {
    "scope": STR,
    "unit_id": STR,
    "budget_total": FLOAT,
    "fiscal_funds": FLOAT,
    "special_funds": FLOAT,
    "other_funds": FLOAT,
    **SOURCE_COLUMNS,
}

# 部门整体 goals and tasks (layout N4): kind "goal" (年度总体目标; name empty) or "task" (a row of
# 年度主要任务: 任务名称, 主要内容, 预算金额 总额 / 财政拨款 / 其他资金 in 万元).
UNIT_TARGETS = {
    "unit_id": STR,
    "target_id": STR,  # <unit_id>-t<seq>, in document order
    "kind": STR,
    "name": STR,
    "text": STR,
    "budget_total": FLOAT,
    "fiscal_funds": FLOAT,
    "other_funds": FLOAT,
    **SOURCE_COLUMNS,
}

TABLES: dict[str, dict[str, str]] = {
    "documents": DOCUMENTS,
    "units": UNITS,
    "projects": PROJECTS,
    "indicators": INDICATORS,
    "declared_totals": DECLARED_TOTALS,
    "unit_targets": UNIT_TARGETS,
}
INDICATOR_SCOPES = ("project", "unit")
TARGET_KINDS = ("goal", "task")

VALUE_KINDS = ("percent", "count", "money", "quantity", "duration", "deadline", "boolean", "text", "empty")
OPERATORS = ("≥", ">", "≤", "<", "=")
AMOUNT_COLUMNS = ("budget_total", "fiscal_funds", "special_funds", "other_funds")
PERIOD_AMOUNT_COLUMNS = ("period_budget_total", "period_fiscal_funds", "period_other_funds")
SOURCE_AMOUNT_COLUMNS = ("general_budget_funds", "government_fund_funds", "state_capital_funds", "institution_income", "higher_level_funds")
PLAN_COLUMNS = ("plan_mar", "plan_jun", "plan_oct", "plan_dec")


def contiguous(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with each string column in one Arrow chunk. A concatenation keeps one chunk per
    part (one per document), and selecting rows from a column of a thousand chunks costs ~20 times
    what it costs from one: every filter, group and validation after ingest pays it."""
    def one_chunk(column: pd.Series) -> pd.api.extensions.ExtensionArray:
        values = pa.array(column)  # a ChunkedArray when the column has several chunks
        return pd.array(values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values, dtype=STR)

    return frame.assign(**{column: one_chunk(frame[column]) for column, dtype in frame.dtypes.items() if dtype == STR})


NO_ROWS = np.empty(0, dtype=np.intp)


def row_positions(keys: pd.Series) -> dict[str, np.ndarray]:
    """The positions of the rows holding each key, in table order (null keys: in no group)."""
    return keys.groupby(keys, sort=False).indices


def take_each(frame: pd.DataFrame, positions: list[np.ndarray]) -> list[pd.DataFrame]:
    """The rows of ``frame`` at each array of positions, each part with a fresh index. One take
    for all the parts, then slices: a take has a fixed cost per column, paid once."""
    taken = frame.take(np.concatenate([NO_ROWS, *positions]))
    ends = list(accumulate(len(part) for part in positions))
    return [taken.iloc[start:end].reset_index(drop=True) for start, end in zip([0, *ends], ends)]


def rows_of_each(frame: pd.DataFrame, column: str, keys: Iterable[str]) -> list[pd.DataFrame]:
    """For each key, the rows of ``frame`` whose ``column`` holds it (in table order, a fresh index)."""
    groups = row_positions(frame[column])
    return take_each(frame, [groups.get(key, NO_ROWS) for key in keys])


def write_parquet(frame: pd.DataFrame, path: Path, *, index: bool = False) -> Path:
    """``frame.to_parquet(path, index=index)``, the same file, without pandas' dispatch layers."""
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=index), path)
    return path


def read_parquet(path: Path) -> pd.DataFrame:
    """A Parquet file as ``pd.read_parquet`` reads it, at half the cost: one file, without the
    dataset layer pandas' reader goes through."""
    with pq.ParquetFile(path) as file:
        return file.read().to_pandas()


_DTYPES = {name: {column: pandas_dtype(dtype) for column, dtype in columns.items()} for name, columns in TABLES.items()}


def _typed(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """A table as read from Parquet with the contract's dtypes. pandas restores them from the
    file's metadata, so this converts only a file written otherwise (a conversion costs more than the read)."""
    if list(frame.columns) == list(_DTYPES[name]) and frame.dtypes.to_dict() == _DTYPES[name]:
        return frame
    return frame.astype(TABLES[name])


def make_table(name: str, records: list[dict]) -> pd.DataFrame:
    """Build one contract table from row dicts: exactly the contract's columns, in order, typed
    (a key a row lacks: null). Column by column: a frame of objects converted afterwards costs 3x."""
    return pd.DataFrame({column: pd.array([record.get(column) for record in records], dtype=dtype)
                         for column, dtype in TABLES[name].items()})


@dataclass(frozen=True)
class Dataset:
    """The tidy tables of one or more documents (``unit_targets`` empty unless a layout has them)."""

    documents: pd.DataFrame
    units: pd.DataFrame
    projects: pd.DataFrame
    indicators: pd.DataFrame
    declared_totals: pd.DataFrame
    unit_targets: pd.DataFrame = field(default_factory=lambda: make_table("unit_targets", []))

    @classmethod
    def empty(cls) -> "Dataset":
        return cls(**{name: make_table(name, []) for name in TABLES})

    @classmethod
    def concat(cls, parts: list["Dataset"]) -> "Dataset":
        if not parts:
            return cls.empty()
        return cls(
            **{
                name: contiguous(pd.concat([getattr(p, name) for p in parts], ignore_index=True).astype(TABLES[name]))
                for name in TABLES
            }
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def per_unit(self, unit_ids: Iterable[str]) -> dict[str, "Dataset"]:
        """The slice of every table that belongs to each unit: its rows, its documents, and the rows
        of its documents that belong to no unit (a document's 合计). One pass per table, however
        many units (a filter per unit and table would cost units x rows)."""
        unit_ids = list(unit_ids)
        by_unit = {name: row_positions(getattr(self, name)["unit_id"]) for name in ("units", "projects", "indicators", "unit_targets")}
        files = {unit_id: set(self.units["source_file"].take(by_unit["units"].get(unit_id, NO_ROWS))) for unit_id in unit_ids}
        documents = row_positions(self.documents["source_file"])
        declared = self.declared_totals
        own_totals = row_positions(declared["unit_id"])
        document_totals = row_positions(declared["source_file"].where(declared["unit_id"].isna()))

        def of_files(groups: dict[str, np.ndarray], unit_id: str) -> np.ndarray:
            return np.concatenate([NO_ROWS, *(groups.get(name, NO_ROWS) for name in files[unit_id])])

        positions = {
            "documents": [np.sort(of_files(documents, unit_id)) for unit_id in unit_ids],
            "declared_totals": [np.sort(np.concatenate([own_totals.get(unit_id, NO_ROWS), of_files(document_totals, unit_id)]))
                                for unit_id in unit_ids],
            **{name: [groups.get(unit_id, NO_ROWS) for unit_id in unit_ids] for name, groups in by_unit.items()},
        }
        parts = {name: take_each(getattr(self, name), positions[name]) for name in TABLES}
        return {unit_id: Dataset(**{name: parts[name][n] for name in TABLES}) for n, unit_id in enumerate(unit_ids)}

    def write(self, directory: Path) -> dict[str, Path]:
        """Write one Parquet file per table; returns the paths written."""
        directory.mkdir(parents=True, exist_ok=True)
        written = {}
        for name, frame in self.tables().items():
            written[name] = write_parquet(frame, directory / f"{name}.parquet")
        return written

    @classmethod
    def read(cls, directory: Path) -> "Dataset":
        return cls(**{name: _typed(read_parquet(directory / f"{name}.parquet"), name) for name in TABLES})
