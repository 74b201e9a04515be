"""The rendered-HTML security check itself: it must catch what it claims to catch."""

import base64
import hashlib

import htmlsafety

CSP = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:">'


def page(body: str, csp: str = CSP) -> str:
    return f"<html><head>{csp}</head><body>{body}</body></html>"


def test_clean_page_passes():
    assert htmlsafety.problems(page("<p>&lt;script&gt;alert(1)&lt;/script&gt; 文本</p>")) == []


def test_injected_script_and_handlers_are_caught():
    assert any("inline script" in p for p in htmlsafety.problems(page("<script>alert(1)</script>")))
    assert any("event-handler" in p for p in htmlsafety.problems(page('<img src="x.png" onerror="alert(1)">')))
    assert any("remote resource" in p for p in htmlsafety.problems(page('<script src="https://cdn.example/x.js"></script>')))
    assert any("remote resource" in p for p in htmlsafety.problems(page('<img src="//cdn.example/x.png">')))


def test_csp_is_required_and_strict():
    assert htmlsafety.problems(page("<p>x</p>", csp="")) == ["no Content-Security-Policy"]
    loose = '<meta http-equiv="Content-Security-Policy" content="script-src \'unsafe-inline\' https:">'
    assert len(htmlsafety.problems(page("<p>x</p>", csp=loose))) == 2


def test_template_script_allowed_by_hash():
    script = "document.title = 'x';"
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'sha256-{digest}\'">'
    assert htmlsafety.problems(page(f"<script>{script}</script>", csp=csp)) == []
    assert htmlsafety.problems(page(f"<script>{script} alert(1)</script>", csp=csp)) != []
