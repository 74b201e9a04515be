"""Package data, found with ``importlib.resources``: the notebooks, the expectation suites, the
example documents, the report templates.

The repository's top-level ``notebooks/``, ``expectations/`` and ``examples/`` are the source of
truth. ``src/perfaudit/data/`` holds one symlink to each: a checkout or an editable install reads
through them, and a wheel build follows them and copies the files into ``perfaudit/data/``
(package-data patterns in pyproject.toml). Either way the code asks the package, never the
folders around it.

``perfaudit init DIR`` copies the notebooks, suites and examples, with a commented copy of the
default configuration, into a working folder (``init_working_folder``).

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
# What a working folder gets of each (the package-data patterns of pyproject.toml).
SHIPPED = {NOTEBOOKS: "*.ipynb", SUITES: "*.json", EXAMPLES: "*.txt"}
CONFIG_FILE = "config.toml"
CONFIG_HEADER = """\
# perfaudit configuration, used with `perfaudit run --config config.toml` (and every other command's
# --config). Below are the defaults, commented out: uncomment a key (and its [section] line) to
# change it; a key left commented keeps its default.

"""


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


def commented_config(defaults: str) -> str:
    """The default configuration with every setting and section line commented out (comments kept)."""
    lines = [line if not line.strip() or line.lstrip().startswith("#") else f"# {line}"
             for line in defaults.splitlines()]
    return CONFIG_HEADER + "\n".join(lines) + "\n"


def working_folder_files() -> dict[str, bytes]:
    """What ``perfaudit init`` writes: relative path -> content."""
    from .settings import default_config_text

    files = {f"{name}/{path.name}": path.read_bytes()
             for name, pattern in SHIPPED.items() for path in sorted(data_dir(name).glob(pattern))}
    files[CONFIG_FILE] = commented_config(default_config_text()).encode("utf-8")
    return files


def init_working_folder(target: Path, *, force: bool = False) -> list[Path]:
    """Write ``working_folder_files`` into ``target`` (created); returns the files written. Refuses,
    writing nothing, when one of them exists, unless ``force``."""
    from .atomic import write_bytes

    files = {target / relative: content for relative, content in working_folder_files().items()}
    existing = [path for path in files if path.exists()]
    if existing and not force:
        shown = ", ".join(str(path) for path in existing[:3]) + (f" and {len(existing) - 3} more" if len(existing) > 3 else "")
        raise PerfauditError(f"{shown}: already there; nothing written (--force overwrites)")
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(path, content)
    return list(files)
