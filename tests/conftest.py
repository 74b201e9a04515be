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


@pytest.fixture
def chart_fonts():
    """Charts drawn with the report's CJK font, as the notebooks configure it when they open a
    bundle (tests that draw charts without a notebook would get DejaVu Sans and no CJK glyphs)."""
    from perfaudit import fonts
    from perfaudit.report import charts
    from perfaudit.settings import load_settings

    report = load_settings().section("report")
    charts.configure_fonts(fonts.find_cjk_font(report["cjk_font_file"], report["cjk_font_family"]), report["cjk_font_family"])
