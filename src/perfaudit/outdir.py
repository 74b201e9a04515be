"""The output folder and the bundle folder: every path the tool writes, in one place.

Nothing else in the package spells a folder or file name of an output folder; stages ask these
two types. An output folder (``perfaudit run --out OUT``)::

    OUT/bundles/<unit_id>/                  a unit's bundle (``BundleFolder`` below)
    OUT/bundles/departments/<id>/department.json
    OUT/units/<unit_id>/report.{ipynb,html,pdf}, opinion.docx, provenance.json
    OUT/departments/<id>/                   the same files, for a department
    OUT/index.{html,pdf}                    the portfolio
    OUT/reviews/<unit_id>.toml              the reviewer's dispositions (people edit these)
    OUT/logs/<id>.log                       per unit or department: steps, timings, errors
    OUT/manifest.json, OUT/run.json         what the folder holds; what the last run did
    OUT/.perfaudit.lock, OUT/.journal/      one run at a time; results of a run not yet in the manifest
    OUT/orphaned/[departments/]<id>/        reports whose input is gone
    .<name>.staging next to a final folder  what is being written (moved into place when complete)

A bundle folder is ``OUT/bundles`` or any folder the pipeline writes bundles to (the notebook's
examples cache); reports read it through ``bundle.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPORT_STEM = "report"  # report.ipynb, report.html, report.pdf
OPINION_FILE = "opinion.docx"
PROVENANCE_FILE = "provenance.json"
INDEX_STEM = "index"
REVIEW_SUFFIX = ".toml"
STAGING_SUFFIX = ".staging"
# Unit ids start with c-/k-/n-: none is ever named like the departments' folder.
DEPARTMENTS = "departments"


def staging_dir(final: Path) -> Path:
    """Where ``final`` is written before it is moved into place (``atomic.replace_dir``)."""
    return final.with_name(f".{final.name}{STAGING_SUFFIX}")


@dataclass(frozen=True)
class BundleFolder:
    """The unit and department bundles under one root."""

    root: Path

    META = "bundle.json"
    TABLES = "tables"
    FINDINGS = "findings.parquet"
    POINTS = "points.parquet"
    GRADE = "grade.json"
    VALIDATION = "validation.json"
    REVIEW = "review.json"
    DEPARTMENT = "department.json"

    def unit(self, unit_id: str) -> Path:
        return self.root / unit_id

    def unit_file(self, unit_id: str, name: str) -> Path:
        """``name``: one of the file names above (``BundleFolder.FINDINGS`` …)."""
        return self.root / unit_id / name

    def unit_ids(self) -> list[str]:
        """The units that have a complete bundle here, sorted."""
        return sorted(path.parent.name for path in self.root.glob(f"*/{self.META}") if not path.parent.name.startswith("."))

    def department(self, department_id: str) -> Path:
        return self.root / DEPARTMENTS / department_id

    def department_file(self, department_id: str) -> Path:
        return self.department(department_id) / self.DEPARTMENT

    def department_ids(self) -> list[str]:
        return sorted(path.parent.name for path in (self.root / DEPARTMENTS).glob(f"*/{self.DEPARTMENT}"))

    def staging_folders(self) -> list[Path]:
        return sorted(self.root.glob(f".*{STAGING_SUFFIX}"))


@dataclass(frozen=True)
class OutputFolder:
    """An output folder of ``perfaudit run`` / ``report`` / ``review`` (see the module docstring)."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    # -- bundles and reports
    @property
    def bundles(self) -> BundleFolder:
        return BundleFolder(self.root / "bundles")

    def unit_report(self, unit_id: str) -> Path:
        return self.root / "units" / unit_id

    def department_report(self, department_id: str) -> Path:
        return self.root / DEPARTMENTS / department_id

    def index(self, kind: str) -> Path:
        """The portfolio's ``index.<kind>`` (html, pdf)."""
        return self.root / f"{INDEX_STEM}.{kind}"

    def index_staging(self) -> Path:
        return self.root / f".{INDEX_STEM}{STAGING_SUFFIX}"

    def orphaned_unit(self, unit_id: str) -> Path:
        return self.root / "orphaned" / unit_id

    def orphaned_department(self, department_id: str) -> Path:
        return self.root / "orphaned" / DEPARTMENTS / department_id

    def staging_folders(self) -> list[Path]:
        """What a killed run left half-written (staging folders only, never a final one)."""
        folders = [self.root / "units", self.root / DEPARTMENTS]
        return [*(p for f in folders for p in sorted(f.glob(f".*{STAGING_SUFFIX}"))), *self.bundles.staging_folders(),
                self.index_staging()]

    # -- reviews, logs, run records
    @property
    def reviews(self) -> Path:
        return self.root / "reviews"

    def review_file(self, unit_id: str) -> Path:
        return self.reviews / f"{unit_id}{REVIEW_SUFFIX}"

    def reviewed_unit_ids(self) -> list[str]:
        return sorted(p.stem for p in self.reviews.glob(f"*{REVIEW_SUFFIX}") if not p.name.startswith("."))

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def log(self, name: str) -> Path:
        """``logs/<name>.log``: a unit's or department's (its id), or a worker's."""
        return self.logs / f"{name}.log"

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.json"

    @property
    def journal(self) -> Path:
        return self.root / ".journal"

    @property
    def run_record(self) -> Path:
        return self.root / "run.json"

    @property
    def lock(self) -> Path:
        return self.root / ".perfaudit.lock"

    def relative(self, path: Path) -> str:
        """``path`` as the manifest and run.json record it: relative to the folder, with /."""
        return Path(path).relative_to(self.root).as_posix()


# Links between the pages of one output folder, relative to the page that holds them, so that a
# folder keeps working wherever it is copied.
def index_link_from_report() -> str:
    """The portfolio, from a unit's or a department's report."""
    return f"../../{INDEX_STEM}.html"


def unit_report_link_from_department(unit_id: str, kind: str = "html") -> str:
    """A unit's report, from a department's report."""
    return f"../../units/{unit_id}/{REPORT_STEM}.{kind}"
