"""Package data, found with ``importlib.resources``: the notebooks, the expectation suites, the
example documents, the report templates.

The repository's top-level ``notebooks/``, ``expectations/`` and ``examples/`` are the source of
truth. ``src/perfaudit/data/`` holds one symlink to each: a checkout or an editable install reads
through them, and a wheel build follows them and copies the files into ``perfaudit/data/``
(package-data patterns in pyproject.toml). Either way the code asks the package, never the
folders around it.

papermill, nbconvert and subprocesses need real paths, so a resource must be a file on disk: a
package imported from a zip archive is refused with a clear message.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import PerfauditError

PACKAGE = "perfaudit"
DATA = "data"  # below the package: notebooks/, expectations/, examples/
NOTEBOOKS, SUITES, EXAMPLES = "notebooks", "expectations", "examples"
UNIT_NOTEBOOK = "unit_audit.ipynb"
DEPARTMENT_NOTEBOOK = "department_audit.ipynb"
PORTFOLIO_NOTEBOOK = "portfolio.ipynb"


def _on_disk(traversable, what: str) -> Path:
    if not isinstance(traversable, Path):
        raise PerfauditError(f"{traversable}: {what} must be a file on disk (install perfaudit unzipped)")
    if not traversable.exists():
        raise PerfauditError(f"{traversable}: {what} not found in the installed package")
    return traversable


def package_dir(subpackage: str = PACKAGE) -> Path:
    """The folder of the package (or of one of its subpackages)."""
    return _on_disk(resources.files(subpackage), f"package {subpackage}")


def data_dir(name: str) -> Path:
    """``NOTEBOOKS``, ``SUITES`` or ``EXAMPLES``, as shipped with the package."""
    return _on_disk(resources.files(PACKAGE).joinpath(DATA, name), f"package data {DATA}/{name}")


def notebook(name: str) -> Path:
    """One of the shipped notebooks (``UNIT_NOTEBOOK``, ``DEPARTMENT_NOTEBOOK``, ``PORTFOLIO_NOTEBOOK``)."""
    return _on_disk(resources.files(PACKAGE).joinpath(DATA, NOTEBOOKS, name), f"notebook {name}")


def templates_dir() -> Path:
    """The nbconvert templates of the report (``report/templates``)."""
    return _on_disk(resources.files(f"{PACKAGE}.report").joinpath("templates"), "report templates")
