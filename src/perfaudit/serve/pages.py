"""A unit report as the workspace serves it: the report's own bytes with the workspace's script
and style linked in, the files on disk untouched.

The report's Content-Security-Policy (a ``<meta>``: no script at all) is the one thing changed:
it becomes ``WORKSPACE_POLICY``, which allows scripts and styles from this server only ('self':
``/_perfaudit/workspace.{js,css}``), never inline ones. Document text stays the escaped text
of the report; the script shows what it reads from the page and the server as text, never as
markup. Findings are found by the id the report prints under each piece of evidence
(``<code class="finding-id">``, ``report/sections.py`` ``review_line``).
"""

from __future__ import annotations

import html
import re

ASSETS_PREFIX = "/_perfaudit/"
# Same as the reports' policy (no remote anything, images as data: URLs, the reports' inline
# styles) plus the workspace's own script, style and requests, all from this server.
WORKSPACE_POLICY = ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
                    "connect-src 'self'; form-action 'none'; base-uri 'none'")
_CSP_META = re.compile(r'<meta\b[^>]*\bhttp-equiv="Content-Security-Policy"[^>]*>', re.I)
_HEAD_END = re.compile(r"</head>", re.I)


class NotAReport(ValueError):
    """HTML without the report's policy or head: served as it is, without controls."""


def workspace_page(report_html: str, unit_id: str, token: str) -> str:
    """The unit report with the workspace linked in (``unit_id``, ``token`` given to the script
    as ``<meta>`` values, escaped)."""
    if len(_CSP_META.findall(report_html)) != 1 or not _HEAD_END.search(report_html):
        raise NotAReport("not a perfaudit report page")
    page = _CSP_META.sub(f'<meta http-equiv="Content-Security-Policy" content="{WORKSPACE_POLICY}">', report_html, count=1)
    tags = (f'<meta name="perfaudit-unit" content="{html.escape(unit_id)}">'
            f'<meta name="perfaudit-token" content="{html.escape(token)}">'
            f'<link rel="stylesheet" href="{ASSETS_PREFIX}workspace.css">'
            f'<script src="{ASSETS_PREFIX}workspace.js" defer></script>\n')
    match = _HEAD_END.search(page)
    return page[:match.start()] + tags + page[match.start():]
