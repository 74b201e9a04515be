"""The HTTP server of ``perfaudit serve`` (standard library: ``http.server``).

Routes:

- ``GET /…``: a file inside the output folder (``/`` is ``index.html``); a unit's
  ``units/<unit_id>/report.html`` is served with the workspace linked in (``pages.py``);
- ``GET /_perfaudit/workspace.{js,css}``: the workspace's script and style (package data);
- ``GET /_perfaudit/api/units/<unit_id>``: the unit's review file as it is now (decisions,
  sign-off) and whether reports rebuild here;
- ``GET /_perfaudit/api/rebuild``: the rebuild queue (``rebuild.py``);
- ``POST /_perfaudit/api/units/<unit_id>/findings/<finding_id>``: a decision
  ``{"status": "confirmed"|"excluded"|"resolved"|null, "reason", "note", "clear"}``;
- ``POST /_perfaudit/api/units/<unit_id>/signoff``: ``{"reviewer", "date": "YYYY-MM-DD"}``.

Writes go through ``review.command.record`` and ``sign_off``, the functions of ``perfaudit
review``: one file format, one code path, the same per-unit lock. Every request must name this
server in its Host header; every write must carry the session's token (in the page, which another
site cannot read) in ``X-Perfaudit-Token`` and a JSON body; anything else gets a 4xx and changes
nothing.
"""

from __future__ import annotations

import datetime
import hmac
import json
import mimetypes
import re
import secrets
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

from ..errors import PerfauditError
from ..outdir import REPORT_STEM, OutputFolder
from .pages import ASSETS_PREFIX, NotAReport, workspace_page
from .rebuild import Rebuilder
from .security import host_allowed, resolve_under

API = ASSETS_PREFIX + "api/"
ASSETS = {"workspace.js": "text/javascript; charset=utf-8", "workspace.css": "text/css; charset=utf-8"}
TOKEN_HEADER = "X-Perfaudit-Token"
MAX_BODY = 16 * 1024
MAX_TEXT = 2000  # characters of a reason, a note or a name
UNIT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
FINDING_ID = re.compile(r"[0-9a-f]{16}")
STATUSES = ("confirmed", "excluded", "resolved")
# Whatever else is served: no script, no plug-in, no framing, no referrer (the HTML pages carry
# their own stricter policy as a <meta>; both apply).
BASE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class Refused(Exception):
    """A request answered with a 4xx (and nothing changed)."""

    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


class Workspace:
    """What the handlers share: the output folder, the session token, the rebuild queue."""

    def __init__(self, out_dir: Path, port: int, allow_remote: bool, rebuilder: Rebuilder | None):
        self.out_dir = Path(out_dir).resolve()
        self.port, self.allow_remote, self.rebuilder = port, allow_remote, rebuilder
        self.token = secrets.token_urlsafe(32)

    def units(self) -> dict[str, str | None]:
        """unit_id -> department_id of the units the output folder has reports of (manifest.json)."""
        from ..batch.manifest import Manifest

        return {unit_id: result.department_id for unit_id, result in Manifest.load(self.out_dir).units.items()}

    def unit(self, unit_id: str) -> str | None:
        """The unit's department; Refused 404 for a unit the folder does not have."""
        units = self.units()
        if not UNIT_ID.fullmatch(unit_id) or unit_id not in units:
            raise Refused(HTTPStatus.NOT_FOUND, f"no unit {unit_id!r} in {self.out_dir}")
        return units[unit_id]


def _text(body: dict, key: str) -> str | None:
    value = body.get(key)
    if value is not None and (not isinstance(value, str) or len(value) > MAX_TEXT):
        raise Refused(HTTPStatus.BAD_REQUEST, f"{key}: a text of at most {MAX_TEXT} characters, or null")
    return value


def _fields(body: object, allowed: set[str]) -> dict:
    if not isinstance(body, dict) or set(body) - allowed:
        raise Refused(HTTPStatus.BAD_REQUEST, f"the body must be a JSON object with the keys {', '.join(sorted(allowed))}")
    return body


class Handler(BaseHTTPRequestHandler):
    server_version = "perfaudit"
    sys_version = ""
    workspace: Workspace  # set on the subclass made by make_server

    # ---------------------------------------------------------------- plumbing

    def log_message(self, format: str, *args) -> None:  # one short line per request on stderr
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, extra: dict | None = None) -> None:
        self.send_response(status)
        for name, value in {**BASE_HEADERS, **(extra or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: HTTPStatus, value: object) -> None:
        self._send(status, json.dumps(value, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _guarded(self, action) -> None:
        try:
            if not host_allowed(self.headers.get("Host"), self.workspace.port, self.workspace.allow_remote):
                raise Refused(HTTPStatus.FORBIDDEN, "this server answers to its own address only (Host header refused)")
            action()
        except Refused as refused:
            self._json(refused.status, {"error": str(refused)})

    def do_GET(self) -> None:
        self._guarded(self._get)

    def do_HEAD(self) -> None:
        self._guarded(self._get)

    def do_POST(self) -> None:
        self._guarded(self._post)

    # ---------------------------------------------------------------- reading

    def _get(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith(API):
            self._get_api(path[len(API):])
        elif path.startswith(ASSETS_PREFIX):
            name = path[len(ASSETS_PREFIX):]
            if name not in ASSETS:
                raise Refused(HTTPStatus.NOT_FOUND, "no such file")
            self._send(HTTPStatus.OK, resources.files(__package__).joinpath("static", name).read_bytes(), ASSETS[name])
        else:
            self._get_file(path)

    def _get_file(self, url_path: str) -> None:
        root = self.workspace.out_dir
        folder = OutputFolder(root)
        target = resolve_under(root, url_path)
        # the folder's internals (bundles, reviews, logs) are no one's business in a browser
        internals = (folder.bundles.root, folder.reviews, folder.logs)
        if target is None or any(target == inner or inner in target.parents for inner in internals):
            raise Refused(HTTPStatus.NOT_FOUND, "not a file of this output folder")
        if target == root:
            target = folder.index("html")
        if not target.is_file():
            raise Refused(HTTPStatus.NOT_FOUND, "no such file")
        data = target.read_bytes()
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or target.suffix in (".json", ".ipynb"):
            content_type = f"{content_type}; charset=utf-8"
        unit_id = target.parent.name
        if target == folder.unit_report(unit_id) / f"{REPORT_STEM}.html" and unit_id in self.workspace.units():
            try:
                data = workspace_page(data.decode("utf-8"), unit_id, self.workspace.token).encode("utf-8")
            except (NotAReport, UnicodeDecodeError):
                pass  # served as it is: a page that is not a report gets no controls
        self._send(HTTPStatus.OK, data, content_type)

    def _get_api(self, route: str) -> None:
        parts = route.split("/")
        if parts == ["rebuild"]:
            rebuilder = self.workspace.rebuilder
            self._json(HTTPStatus.OK, {"enabled": rebuilder is not None, **(rebuilder.status() if rebuilder else {})})
        elif len(parts) == 2 and parts[0] == "units":
            self._json(HTTPStatus.OK, self._unit_state(parts[1]))
        else:
            raise Refused(HTTPStatus.NOT_FOUND, "no such API")

    def _unit_state(self, unit_id: str) -> dict:
        from ..review.file import read_review

        self.workspace.unit(unit_id)
        try:
            review = read_review(self.workspace.out_dir, unit_id)
        except PerfauditError as error:  # a hand-edited file that does not read: say so, change nothing
            raise Refused(HTTPStatus.CONFLICT, str(error)) from None
        return {
            "unit_id": unit_id,
            "decisions": {fid: {"status": d.status, "reason": d.reason, "note": d.note}
                          for fid, d in review.dispositions.items()},
            "signoff": {"reviewer": review.signoff.reviewer, "date": review.signoff.date.isoformat()} if review.signoff else None,
            "rebuilds": self.workspace.rebuilder is not None,
        }

    # ---------------------------------------------------------------- writing

    def _body(self) -> object:
        token = self.headers.get(TOKEN_HEADER) or ""
        if not hmac.compare_digest(token.encode("utf-8", "replace"), self.workspace.token.encode("utf-8")):
            raise Refused(HTTPStatus.FORBIDDEN, "missing or wrong session token (reload the page)")
        origin = self.headers.get("Origin")
        if origin is not None and not host_allowed(origin.partition("://")[2], self.workspace.port, self.workspace.allow_remote):
            raise Refused(HTTPStatus.FORBIDDEN, "a write from another site")
        if (self.headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
            raise Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "the body must be application/json")
        try:
            length = int(self.headers.get("Content-Length") or "")
        except ValueError:
            raise Refused(HTTPStatus.LENGTH_REQUIRED, "Content-Length required") from None
        if not 0 < length <= MAX_BODY:
            raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a body of 1 to {MAX_BODY} bytes")
        try:
            return json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Refused(HTTPStatus.BAD_REQUEST, "the body is not JSON") from None

    def _post(self) -> None:
        from ..review.command import ReviewUsageError

        parts = self.path.split("?", 1)[0][len(API):].split("/") if self.path.startswith(API) else []
        body = self._body()
        if len(parts) == 4 and parts[0] == "units" and parts[2] == "findings":
            write = self._decide
        elif len(parts) == 3 and parts[0] == "units" and parts[2] == "signoff":
            write = self._sign_off
        else:
            raise Refused(HTTPStatus.NOT_FOUND, "no such API")
        unit_id = parts[1]
        department_id = self.workspace.unit(unit_id)
        try:
            message = write(unit_id, *parts[3:], body=body)
        except ReviewUsageError as error:
            raise Refused(HTTPStatus.BAD_REQUEST, str(error)) from None
        except PerfauditError as error:  # the review file does not read (or is held too long): untouched
            raise Refused(HTTPStatus.CONFLICT, str(error)) from None
        rebuilder = self.workspace.rebuilder
        ticket = rebuilder.request(unit_id, department_id) if rebuilder else None
        self._json(HTTPStatus.OK, {"message": message, "ticket": ticket, "state": self._unit_state(unit_id)})

    def _decide(self, unit_id: str, finding_id: str, body: object) -> str:
        """A finding's decision, by ``perfaudit review``'s ``record``."""
        from ..review.command import record

        if not FINDING_ID.fullmatch(finding_id):
            raise Refused(HTTPStatus.NOT_FOUND, f"{finding_id!r} is not a finding id")
        fields = _fields(body, {"status", "reason", "note", "clear"})
        status, clear = fields.get("status"), fields.get("clear", False)
        if status is not None and status not in STATUSES or not isinstance(clear, bool):
            raise Refused(HTTPStatus.BAD_REQUEST, f"status: one of {', '.join(STATUSES)} or null; clear: true or false")
        return record(self.workspace.out_dir, unit_id, finding_id, status=status, reason=_text(fields, "reason"),
                      note=_text(fields, "note"), clear=clear)

    def _sign_off(self, unit_id: str, body: object) -> str:
        """The unit's sign-off, by ``perfaudit review``'s ``sign_off``."""
        from ..review.command import sign_off

        fields = _fields(body, {"reviewer", "date"})
        reviewer, date = _text(fields, "reviewer"), _text(fields, "date")
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise Refused(HTTPStatus.BAD_REQUEST, f"date {date!r}: YYYY-MM-DD") from None
        return sign_off(self.workspace.out_dir, unit_id, reviewer or "", day)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler, workspace_args: dict):
        super().__init__(address, handler)
        self.workspace = Workspace(port=self.server_address[1], **workspace_args)
        handler.workspace = self.workspace


def make_server(out_dir: Path, host: str = "127.0.0.1", port: int = 0, *, allow_remote: bool = False,
                rebuilder: Rebuilder | None = None) -> Server:
    """A server bound to ``host:port`` (0: any free port), not yet serving."""
    handler = type("WorkspaceHandler", (Handler,), {})  # one class per server: its own workspace
    return Server((host, port), handler, {"out_dir": out_dir, "allow_remote": allow_remote, "rebuilder": rebuilder})


def serve_in_thread(server: Server) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="perfaudit-serve", daemon=True)
    thread.start()
    return thread
