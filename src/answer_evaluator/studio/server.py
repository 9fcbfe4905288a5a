"""Start the studio: the data folder, the database, the token, a socket, uvicorn."""

from __future__ import annotations

import socket
import sys
import threading
from pathlib import Path

from ..status import ExitStatus
from .security import is_loopback

DATABASE = "studio.sqlite3"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("answer-evaluator", appauthor=False)) / "practice"


def serve(*, host: str = "127.0.0.1", port: int = 0, data: str | None = None,
          rubric_dirs: list[str] | None = None, workers: int = 2, out=None, err=None) -> int:
    """Run the studio until Ctrl-C (or SIGTERM); returns the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    from ..errors import EvaluatorError
    from .library import open_library
    from .security import load_token
    from .store import Store

    data_dir = Path(data) if data else default_data_dir()
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        store = Store(data_dir / DATABASE)
    except EvaluatorError as exc:
        print(f"evaluate practice: error: {exc}", file=err)
        return ExitStatus.SOME_FAILED
    except OSError as exc:
        print(f"evaluate practice: error: {exc.filename or data_dir}: {exc.strerror or exc}",
              file=err)
        return ExitStatus.SOME_FAILED
    try:
        token = load_token(data_dir)
        library = open_library(rubric_dirs)
        if not library.questions:
            print("evaluate practice: error: no questions found (no rubric files in "
                  f"{', '.join(rubric_dirs or ['the catalogue'])})", file=err)
            return ExitStatus.SOME_FAILED
        if not is_loopback(host):
            print(f"evaluate practice: warning: listening on {host}, not only this computer: "
                  "anyone who can reach it and has the token can read and add attempts",
                  file=err)
        listener = _listen(host, port)
    except (EvaluatorError, OSError) as exc:
        store.close()
        message = str(exc) if isinstance(exc, EvaluatorError) else (
            f"cannot listen on {host}:{port} ({exc.strerror or exc})")
        print(f"evaluate practice: error: {message}", file=err)
        return ExitStatus.SOME_FAILED
    if store.upgraded_from:
        print(f"evaluate practice: {store.path}: upgraded from schema {store.upgraded_from} "
              f"to {store.schema_version}", file=err)

    import uvicorn

    from .app import create_app

    def warn(message: str) -> None:
        print(f"evaluate practice: warning: {message}", file=err, flush=True)

    for notice in library.notices:
        warn(notice)
    app = create_app(data_dir, library, store, token, workers=workers, warn=warn)
    studio = app.state.studio
    threading.Thread(target=_warm_up, daemon=True).start()
    bound = listener.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(f"Practice studio: http://{shown}:{bound}/?token={token}", file=out)
    print(f"  data folder: {data_dir} ({len(library.questions)} questions); Ctrl-C stops it",
          file=out)
    out.flush()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[listener])
    except KeyboardInterrupt:
        pass
    finally:
        studio.grader.close()
        store.close()
        listener.close()
    print("Practice studio stopped.", file=out)
    return ExitStatus.OK


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(128)
    except OSError:
        listener.close()
        raise
    listener.set_inheritable(True)
    return listener


def _warm_up() -> None:
    """Load the grading libraries while the user chooses a question."""
    try:
        from .. import engine, report  # noqa: F401
    except Exception:
        pass
