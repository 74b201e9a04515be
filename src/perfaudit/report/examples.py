"""The bundled examples as unit bundles, for a notebook opened without parameters.

An auditor who opens ``notebooks/unit_audit.ipynb`` on a fresh clone and runs it unchanged sees
the first example unit. The bundles are built once into a cache folder keyed by the content of
everything they are made from (examples, suites, package code), so an update rebuilds them.
The build runs in a child process: Great Expectations never enters the report kernel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import ReportError
from ..fingerprint import canonical_json, sha256_text, tree_fingerprint
from ..resources import DATA, EXAMPLES, SUITES, data_dir, package_dir
from ..bundle import bundled_unit_ids

CACHE_ENV = "PERFAUDIT_CACHE_DIR"


def cache_dir() -> Path:
    """``$PERFAUDIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/perfaudit``, else ``~/.cache/perfaudit``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "perfaudit"


def _content_key() -> str:
    """What the example bundles are made from: the examples, the suites and the package's code."""
    trees = [tree_fingerprint(data_dir(EXAMPLES)), tree_fingerprint(data_dir(SUITES)),
             tree_fingerprint(package_dir(), leave_out=DATA)]
    return sha256_text(canonical_json(trees))[:16]


def example_bundle_root() -> Path:
    """The folder of the examples' unit bundles, built on first use."""
    examples = data_dir(EXAMPLES)
    root = cache_dir() / f"examples-{_content_key()}"
    if bundled_unit_ids(root):
        return root
    staging = root.with_name(f".{root.name}.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    print(f"首次使用：正在由 {examples.name}/ 中的示例文件生成数据包，约需半分钟……", flush=True)
    build = subprocess.run(
        [sys.executable, "-m", "perfaudit.pipeline", str(staging), str(examples)],
        capture_output=True, text=True, check=False,
    )
    if build.returncode != 0 or not bundled_unit_ids(staging):
        shutil.rmtree(staging, ignore_errors=True)
        reason = (build.stderr.strip().splitlines() or ["no units"])[-1]
        raise ReportError(f"{examples}: building the example bundles failed: {reason}")
    try:
        staging.rename(root)
    except OSError:  # another kernel built it at the same time: keep theirs
        shutil.rmtree(staging, ignore_errors=True)
    return root
