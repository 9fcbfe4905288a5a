"""What the practice studio's tests share: an app in-process, a real server in a subprocess."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import RUBRICS

QUESTION = "india-japan-partnership"
URL_LINE = re.compile(r"Practice studio: (http://[^/]+)/\?token=(\S+)")


def make_client(data_dir: Path):
    """(TestClient signed in with the cookie, token, app) for a studio on `data_dir`."""
    import warnings

    with warnings.catch_warnings():     # Starlette's TestClient still runs on httpx
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from answer_evaluator.studio.app import create_app
    from answer_evaluator.studio.library import open_library
    from answer_evaluator.studio.security import load_token
    from answer_evaluator.studio.store import Store

    data_dir.mkdir(parents=True, exist_ok=True)
    token = load_token(data_dir)
    app = create_app(data_dir, open_library([str(RUBRICS)]), Store(data_dir / "studio.sqlite3"),
                     token)
    client = TestClient(app, base_url="http://127.0.0.1")
    client.cookies.set("studio_token", token)
    return client, token, app


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


class LiveServer:
    """`evaluate practice` in a subprocess on a free port."""

    def __init__(self, data_dir: Path, *extra: str):
        self.data_dir = data_dir
        self.process = subprocess.Popen(
            [sys.executable, "-m", "answer_evaluator", "practice", "--data", str(data_dir),
             "--rubrics-dir", str(RUBRICS), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        line = self.process.stdout.readline()
        match = URL_LINE.search(line)
        if match is None:
            self.process.kill()
            raise AssertionError(f"no URL printed: {line!r} {self.process.stderr.read()}")
        self.base, self.token = match.group(1), match.group(2)

    def request(self, method: str, path: str, body: dict | None = None, *,
                token: str | None = "default", timeout: float = 120):
        """(status, JSON) of an API call."""
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {self.token if token == 'default' else token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def stop(self, sig=signal.SIGINT, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
        finally:
            self.process.stdout.close()
            self.process.stderr.close()


def wait_until(condition, timeout: float = 20.0, step: float = 0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(step)
    return condition()
