"""A real browser for the tests: headless Chromium driven over the DevTools protocol (CDP) with
websocket-client (already installed for Jupyter), so no browser driver or download is needed.

``Browser(url)`` opens the page; ``evaluate`` runs a JavaScript expression through DevTools (not
as a page script, so the page's Content-Security-Policy still holds); ``click(x, y)`` sends real
mouse events at page coordinates.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from itertools import count

import pytest
import websocket

CHROMIUM = next((path for path in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if path), None)


def require_chromium() -> str:
    """The browser's path; a skip with its reason where none is installed, a failure in CI
    (``./dev.sh test`` installs Debian's chromium for the tests)."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (./dev.sh test installs it)")
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    return CHROMIUM


class Browser:
    def __init__(self, url: str, profile: str, width: int = 1200, height: int = 1600):
        self.process = subprocess.Popen(
            [require_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", f"--user-data-dir={profile}",
             f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        self.ids = count(1)
        try:
            port = self._port()
            self.socket = websocket.create_connection(self._page_socket(port), timeout=20)
            self.call("Page.navigate", url=url)
            self._wait_loaded(url)
        except BaseException:
            self.close()
            raise

    def _port(self) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            match = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if match:
                return int(match.group(1))
            if not line and self.process.poll() is not None:
                break
        raise RuntimeError("chromium did not open its DevTools port")

    @staticmethod
    def _page_socket(port: int) -> str:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as answer:
                pages = [t for t in json.load(answer) if t["type"] == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.2)
        raise RuntimeError("chromium opened no page")

    def call(self, method: str, **params) -> dict:
        ident = next(self.ids)
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def _wait_loaded(self, url: str) -> None:
        deadline = time.monotonic() + 20
        while self.evaluate("[location.href, document.readyState]") != [url, "complete"]:
            if time.monotonic() > deadline:
                raise RuntimeError("the page did not finish loading")
            time.sleep(0.1)

    def click(self, x: float, y: float) -> None:
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def close(self) -> None:
        if getattr(self, "socket", None):
            self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stderr.close()
