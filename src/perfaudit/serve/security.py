"""What the server lets in: pure checks, no I/O except resolving a path.

- ``check_bind``: loopback unless the operator says ``--allow-remote`` (then with a warning);
- ``host_allowed``: the Host header names this server (loopback names, or with ``--allow-remote``
  an IP address or this machine's name), so a page of another site whose name was rebound to
  127.0.0.1 (DNS rebinding) is refused: its requests carry its own name;
- ``resolve_under``: a URL path -> a file inside the output folder, or None (``..``, hidden names
  such as ``.perfaudit.lock`` or staging folders, symlinks that lead out, NUL bytes).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path
from urllib.parse import unquote

from ..errors import PerfauditError

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


class BindRefused(PerfauditError):
    """An address other than loopback without ``--allow-remote``."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, allow_remote: bool) -> str | None:
    """None for a loopback address; a warning for another one with ``allow_remote``; BindRefused without."""
    if is_loopback(host):
        return None
    if not allow_remote:
        raise BindRefused(f"--host {host}: not a loopback address; the workspace has no login, so listening on "
                          f"another address needs --allow-remote (anyone who can reach it can record decisions)")
    return (f"WARNING: listening on {host}: anyone who can reach this address can read the reports and, "
            f"with the page's token, record decisions (no login, no TLS)")


def _split_host(header: str) -> tuple[str, int | None] | None:
    header = header.strip().lower()
    if header.startswith("["):  # [::1]:8765
        end = header.find("]")
        if end < 0:
            return None
        name, rest = header[1:end], header[end + 1:]
    else:
        name, _, port = header.partition(":")
        rest = f":{port}" if port else ""
    if rest and not (rest.startswith(":") and rest[1:].isdigit()):
        return None
    return name, int(rest[1:]) if rest else None


def host_allowed(header: str | None, port: int, allow_remote: bool) -> bool:
    """Whether a request's Host header names this server on ``port``."""
    parsed = _split_host(header or "")
    if parsed is None or parsed[1] != port or not parsed[0]:
        return False
    name = parsed[0]
    if name in LOOPBACK_NAMES:
        return True
    if not allow_remote:
        return False
    try:
        ipaddress.ip_address(name)
        return True  # an address literal is never rebound
    except ValueError:
        return name in {socket.gethostname().lower(), socket.getfqdn().lower()}


def resolve_under(root: Path, url_path: str) -> Path | None:
    """The file (or folder) inside ``root`` that ``url_path`` names, or None when it would leave
    ``root`` (after symlinks), names a hidden part, or is malformed. ``root`` must be resolved."""
    if not url_path.startswith("/"):
        return None
    try:
        text = unquote(url_path.split("?", 1)[0].split("#", 1)[0], errors="strict")
    except UnicodeDecodeError:
        return None
    if "\0" in text or "\\" in text:
        return None
    parts = [part for part in text.split("/") if part]
    if any(part in (".", "..") or part.startswith(".") for part in parts):
        return None
    candidate = Path(os.path.realpath(root.joinpath(*parts)))
    if candidate != root and root not in candidate.parents:
        return None  # a symlink that leads out of the output folder
    return candidate
