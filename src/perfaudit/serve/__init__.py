"""Serve stage: ``perfaudit serve OUT``, a reviewer's workspace in the browser over an output folder.

The index, unit and department reports are served as they are on disk; a unit's report gets
controls on each finding (确认 / 排除 with a reason / 已整改 with a note) and a sign-off
(``pages.py``, ``static/``). Decisions are written by the functions of ``perfaudit review``
(``review.command``: the same file, the same per-unit lock); after each, the unit, its department
and the index are rebuilt by ``perfaudit run`` in the background, one run at a time
(``rebuild.py``). The server (``app.py``) listens on loopback unless told otherwise and refuses
foreign Host headers, writes without the session's token and paths outside the folder
(``security.py``).

Layers: serve sits beside batch, above report and review; it imports neither pandas nor the
report stage at start-up (a write imports ``review.command``; a rebuild runs in a child process).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import PerfauditError
from ..outdir import OutputFolder

DEFAULT_PORT = 8765


def serve(out_dir: Path, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT, allow_remote: bool = False,
          inputs: list[Path] | None = None, run_options: list[str] = ()) -> None:
    """Serve ``out_dir`` until interrupted (KeyboardInterrupt propagates after a clean stop)."""
    from .app import make_server
    from .rebuild import Rebuilder
    from .security import check_bind

    warning = check_bind(host, allow_remote)
    out_dir = Path(out_dir)
    if not OutputFolder(out_dir).manifest.is_file():
        raise PerfauditError(f"{out_dir}: not an output folder of `perfaudit run` (no manifest.json)")
    for path in inputs or ():
        if not path.exists():
            raise PerfauditError(f"--inputs {path}: no such file or folder")
    try:
        server = make_server(out_dir, host, port, allow_remote=allow_remote)
    except OSError as error:
        raise PerfauditError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    rebuilder = Rebuilder(server.workspace.out_dir, inputs, list(run_options)) if inputs else None
    server.workspace.rebuilder = rebuilder
    if warning:
        print(warning, file=sys.stderr)
    shown = f"[{host}]" if ":" in host else host
    print(f"perfaudit serve: http://{shown}:{server.server_address[1]}/ ({server.workspace.out_dir}); "
          + ("decisions rebuild their reports" if rebuilder else "no --inputs: reports update on the next `perfaudit run`")
          + "; Ctrl-C stops", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        if rebuilder:
            rebuilder.stop()
