"""Security check of rendered HTML: document data never becomes script or an event handler.

``problems(html)`` lists what is wrong with one page: an event-handler attribute (``on…``), an inline
script the page's Content-Security-Policy does not allow by hash, a missing or permissive CSP (a script
file from the page's own server, as `perfaudit serve` links in, is allowed by 'self'),
or a resource loaded from another host. The test session runs it over every HTML file the
tests render (``conftest.py``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

_REMOTE = re.compile(r"^\s*(https?:)?//", re.I)
_PERMISSIVE = {"*", "http:", "https:", "data:", "'unsafe-inline'", "'unsafe-eval'"}


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.remote: list[str] = []
        self.csp: str | None = None
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.handlers += [f"<{tag} {name}=…>" for name, _ in attrs if name.lower().startswith("on")]
        for name in ("src", "srcset", "data", "poster"):
            if attributes.get(name) and _REMOTE.match(attributes[name]):
                self.remote.append(f"<{tag} {name}={attributes[name]}>")
        if tag == "link" and _REMOTE.match(attributes.get("href") or ""):
            self.remote.append(f"<link href={attributes['href']}>")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = attributes.get("content") or ""
        if tag == "script":
            if attributes.get("src"):  # allowed by the policy's sources ('self' at most), not by a hash
                if _REMOTE.match(attributes["src"]):
                    self.remote.append(f"<script src={attributes['src']}>")
            else:
                self._in_script = True
                self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _directive(csp: str, name: str) -> list[str] | None:
    for part in csp.split(";"):
        words = part.split()
        if words and words[0].lower() == name:
            return words[1:]
    return None


def problems(html: str) -> list[str]:
    scan = _Scan()
    scan.feed(html)
    found = [f"event-handler attribute {h}" for h in scan.handlers]
    found += [f"remote resource {r}" for r in scan.remote]
    if scan.csp is None:
        return found + ["no Content-Security-Policy"]
    sources = _directive(scan.csp, "script-src")
    if sources is None:
        sources = _directive(scan.csp, "default-src")
    if sources is None:
        return found + ["the Content-Security-Policy does not restrict scripts"]
    found += [f"script source {s} allowed" for s in sources if s.lower() in _PERMISSIVE or _REMOTE.match(s)]
    for script in scan.scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        if f"'sha256-{digest}'" not in sources:
            found.append(f"inline script not allowed by hash: {script[:60]!r}")
    return found


def scan_tree(root: Path) -> tuple[int, dict[Path, list[str]]]:
    """(pages checked, problems per page) for every HTML document below root.

    Files named .html that are not HTML documents (placeholders some tests write) are not pages,
    and neither are Great Expectations' Data Docs: third-party pages, opt-in (``--data-docs``),
    documented as loading their assets from CDNs; the adapter escapes document data in them
    (tests/test_validate.py).
    """
    texts = {p: p.read_text(encoding="utf-8", errors="replace") for p in sorted(root.rglob("*.html"))}
    pages = {
        p: t for p, t in texts.items()
        if re.search(r"<html[\s>]", t, re.I) and "great-expectations-web-assets" not in t
    }
    return len(pages), {p: found for p, t in pages.items() if (found := problems(t))}
