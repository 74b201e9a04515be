"""The auditor's notebook in a live Jupyter kernel: the report's look, and findings to filter.

Called by one cell of ``notebooks/unit_audit.ipynb`` tagged ``remove-cell``, so nbconvert leaves
it out of the HTML and PDF reports (which stay script-free), and it shows nothing when perfaudit
itself runs the notebook (``done_marker`` set) or papermill does (no Jupyter server). It displays:

- the report's stylesheet scoped to the notebook's HTML outputs (JupyterLab, Notebook 7 and the
  classic notebook), so that badges are coloured and text is left-aligned as in the report;
  nested CSS keeps every rule inside the output area, one class more specific than Jupyter's;
- the unit's findings as an interactive table (itables in offline mode: DataTables is embedded
  in the notebook from the package, nothing is loaded from a network; cell text is escaped).
"""

from __future__ import annotations

import os
import re
from html import escape

from IPython.display import HTML, display

from ..bundle import UnitBundle

# Where Jupyter front ends render HTML outputs: JupyterLab / Notebook 7, classic notebook.
OUTPUT_SCOPE = ".jp-OutputArea-output.jp-RenderedHTMLCommon, .output_html.rendered_html"
# Set by jupyter_server (2.0 and later) in the environment of the kernels it starts.
JUPYTER_SERVER_KERNEL = "JPY_SESSION_NAME"
# Findings columns shown, in order (headers: the reviewer's files' Chinese headers).
SHOWN_COLUMNS = ("rule_id", "rule_name", "severity", "criterion", "project_name", "indicator", "evidence",
                 "source_line", "message", "suggestion")


def show(bundle: UnitBundle, done_marker: str | None = None) -> None:
    """Display the scoped styles and the interactive findings table in a kernel of a Jupyter
    server (JupyterLab, Notebook); nothing elsewhere: in a perfaudit run, under papermill or
    ``nbconvert --execute``, whose saved notebook a front end would open untrusted, where the
    table's scripts do not run and itables shows its "is your notebook trusted?" message."""
    if done_marker or not os.environ.get(JUPYTER_SERVER_KERNEL):
        return
    display(HTML(f"<style>{scoped_stylesheet(bundle)}</style>"))
    caption = f"{bundle.unit_name}：全部发现（可筛选、排序）"
    try:
        import itables
    except ImportError:  # itables is in the 'lab' extra: a plain table, and how to get the interactive one
        display(HTML(f"<p>{escape(caption)}</p>" + findings_frame(bundle).to_html(index=False, escape=True)
                     + "<p>pip install 'perfaudit[lab]' for a table to filter and sort</p>"))
        return
    itables.init_notebook_mode(all_interactive=False, connected=False)
    itables.show(findings_frame(bundle), connected=False, allow_html=False, classes="display compact",
                 caption=caption, pageLength=10, lengthMenu=[10, 25, 100])


def scoped_stylesheet(bundle: UnitBundle) -> str:
    """The report's CSS with every rule nested inside ``OUTPUT_SCOPE`` (its page rules dropped)."""
    from jinja2 import Environment, FileSystemLoader

    from ..resources import templates_dir
    from .render import TEMPLATE_NAME

    settings = bundle.report_settings
    environment = Environment(loader=FileSystemLoader(templates_dir() / TEMPLATE_NAME), autoescape=False)
    css = environment.get_template("report.css.j2").render(resources={"perfaudit": {
        "font_family": settings["cjk_font_family"], "mono_font_family": settings["mono_font_family"]}})
    css = _without_page_rules(css)
    # The page's own rules (html: fonts and colours) become the output area's; body and the page box go.
    css = re.sub(r"^html\s*\{", "& {", css, flags=re.M)
    css = re.sub(r"^(body|main\.report)\s*\{[^}]*\}", "", css, flags=re.M)
    return f"{OUTPUT_SCOPE} {{\n{css}\n}}"


def _without_page_rules(css: str) -> str:
    """``css`` without its ``@page`` blocks (nested braces), which mean nothing on a screen."""
    out, position = [], 0
    for match in re.finditer(r"@page[^{]*\{", css):
        if match.start() < position:
            continue
        depth, end = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        out.append(css[position:match.start()])
        position = end
    return "".join(out) + css[position:]


def findings_frame(bundle: UnitBundle):
    """The unit's findings with the reviewer's Chinese headers and severities; a missing value is
    an empty cell (not ``<NA>``)."""
    from ..terms import FINDING_COLUMNS, SEVERITY_ZH

    findings = bundle.findings.assign(severity=bundle.findings["severity"].map(lambda s: SEVERITY_ZH.get(s, s)))
    shown = findings[list(SHOWN_COLUMNS)].astype(object)
    shown = shown.where(shown.notna(), "")
    return shown.rename(columns={c: FINDING_COLUMNS[c][0] for c in SHOWN_COLUMNS})
