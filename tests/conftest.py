"""Session-wide checks and shared test settings."""

from __future__ import annotations

import pytest

import htmlsafety


@pytest.fixture(scope="session", autouse=True)
def every_rendered_html_is_safe(tmp_path_factory):
    """After the session: every HTML page any test rendered passes the security check."""
    yield
    checked, bad = htmlsafety.scan_tree(tmp_path_factory.getbasetemp())
    report = "\n".join(f"{path}: {'; '.join(found)}" for path, found in bad.items())
    assert not bad, f"{len(bad)} of {checked} rendered HTML pages are unsafe:\n{report}"
