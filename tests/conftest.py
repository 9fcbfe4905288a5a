"""Shared fixtures: the shipped rubrics and samples, a fitted evaluator, a real browser."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUBRICS = ROOT / "rubrics"
SAMPLES = ROOT / "samples"
DATA = Path(__file__).resolve().parent / "data"
INDIA_JAPAN = RUBRICS / "india-japan-partnership.toml"
INDIA_JAPAN_SAMPLES = SAMPLES / "india-japan"

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


def pytest_configure(config):
    """Run every test with NLTK's data path pointing at an empty folder: nothing the
    package does may need downloaded NLTK data. The rubric index cache is a folder of the
    run's own."""
    empty = Path(tempfile.mkdtemp(prefix="nltk-data-empty-"))
    os.environ["NLTK_DATA"] = str(empty)
    # the rubric index cache of automatic choice: a fresh folder, never the user's own
    cache = tempfile.mkdtemp(prefix="answer-evaluator-cache-")
    os.environ["ANSWER_EVALUATOR_CACHE"] = cache
    _RUN_FOLDERS.extend([empty, Path(cache)])
    import nltk.data

    nltk.data.path[:] = [str(empty)]


#: The folders `pytest_configure` made for this run, removed when it ends.
_RUN_FOLDERS: list[Path] = []


def pytest_unconfigure(config):
    """Remove the run's own folders, so that test runs leave nothing behind."""
    for folder in _RUN_FOLDERS:
        shutil.rmtree(folder, ignore_errors=True)
    _RUN_FOLDERS.clear()


@pytest.fixture(scope="session")
def india_japan():
    from answer_evaluator import load_rubric

    return load_rubric(INDIA_JAPAN)


@pytest.fixture(scope="session")
def india_japan_evaluator(india_japan):
    from answer_evaluator import Evaluator

    return Evaluator(india_japan)


@pytest.fixture(scope="session")
def sample_evaluations(india_japan_evaluator):
    """Evaluation of every India-Japan sample, by file stem."""
    from answer_evaluator import read_answer

    return {p.stem: india_japan_evaluator.evaluate(read_answer(p))
            for p in sorted(INDIA_JAPAN_SAMPLES.glob("*.txt"))}


@dataclass
class PageCheck:
    """What a real browser saw when it opened a page."""

    console: list[tuple[str, str]] = field(default_factory=list)
    screenshot: Path | None = None
    page: object = None

    @property
    def errors(self) -> list[str]:
        return [text for kind, text in self.console if kind in ("error", "pageerror")]

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()

    def text(self, selector: str) -> str:
        return self.page.locator(selector).first.inner_text()


class Browser:
    def __init__(self, browser, tmp: Path):
        self._browser = browser
        self._tmp = tmp

    def open(self, path: Path, *, width: int = 1200, height: int = 900) -> PageCheck:
        """Open a file, take a full-page screenshot, record console messages."""
        context = self._browser.new_context(viewport={"width": width, "height": height},
                                            java_script_enabled=True)
        page = context.new_page()
        check = PageCheck(page=page)
        page.on("console", lambda m: check.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: check.console.append(("pageerror", str(e))))
        page.on("dialog", lambda d: (check.console.append(("pageerror", f"dialog: {d.message}")),
                                     d.dismiss()))
        page.goto(Path(path).resolve().as_uri())
        page.wait_for_load_state("load")
        check.screenshot = self._tmp / f"{Path(path).stem}-{width}.png"
        page.screenshot(path=str(check.screenshot), full_page=True)
        return check


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium through Playwright, using the system's browser (no download)."""
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        executable = None
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("headless Chromium and playwright are required in CI (.ci/run installs them)")
        pytest.skip("no Chromium/playwright on this machine; .ci/run installs them")
    tmp = Path(tempfile.mkdtemp(prefix="browser-"))
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield Browser(instance, tmp)
        finally:
            instance.close()
    shutil.rmtree(tmp, ignore_errors=True)


def screenshot_is_blank(path: Path) -> bool:
    """True when a PNG screenshot has (almost) a single colour."""
    import zlib
    import struct

    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IDAT":
            chunks.append(body)
        offset += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    distinct = set(raw[i:i + 3] for i in range(1, min(len(raw), 400_000), 97))
    return len(distinct) < 4


def run_cli(argv, capsys):
    """Run `evaluate` in-process; returns (status, stdout, stderr)."""
    from answer_evaluator.cli import main

    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return int(status), out, err
