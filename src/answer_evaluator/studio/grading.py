"""Grading for the studio: one evaluator a rubric, built once and reused, and a small pool
of worker threads so that grading never runs on the server's event loop.

Uploaded files are written inside the data folder under a generated name (the name the
user gave is only ever shown, never used as a path), read with the project's readers, and
removed once read.
"""

from __future__ import annotations

import asyncio
import functools
import os
import re
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..errors import AnswerReadError, EvaluatorError

MAX_TEXT_BYTES = 50_000         #: a typed answer (a 250-word answer is about 2 KB)
MAX_UPLOAD_BYTES = 10_000_000   #: an uploaded .txt, .docx or .pdf
MAX_SECONDS = 24 * 3600         #: a longer time taken is recorded as a day
UPLOAD_SUFFIXES = (".txt", ".docx", ".pdf")


class UnknownQuestion(EvaluatorError):
    """No question of the library has this id."""


class TooLarge(EvaluatorError):
    """Text or a file over the studio's limits."""


class BadUpload(EvaluatorError):
    """An uploaded file the studio does not take."""


def check_text(text: str) -> None:
    """TooLarge over MAX_TEXT_BYTES; AnswerReadError for text that is not valid Unicode."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:   # a lone surrogate, as JSON's "\ud800" gives
        raise AnswerReadError("your answer", f"is not valid Unicode: a lone surrogate "
                                             f"(\\u{ord(text[exc.start]):04x}) at character "
                                             f"{exc.start}") from None
    if size > MAX_TEXT_BYTES:
        raise TooLarge(f"the answer is {size / 1000:.0f} KB; a typed answer may be at most "
                       f"{MAX_TEXT_BYTES // 1000} KB (a 250-word answer is about 2 KB)")


def display_name(filename: str) -> str:
    """The last part of an uploaded file's name as the browser sent it, for showing only:
    folders (either slash), control characters and leading dots are dropped."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(c for c in name if c.isprintable()).strip().lstrip(".")
    return name[:120] or "upload"


def upload_suffix(filename: str) -> str:
    """The accepted suffix of an uploaded file's name, or BadUpload."""
    suffix = Path(display_name(filename)).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise BadUpload(f"'{display_name(filename)}' is not a .txt, .docx or .pdf file; "
                        "upload one of those, or paste the text")
    return suffix


class Grader:
    """Grades answers to the library's questions and records them in the store."""

    def __init__(self, library, store, data_dir: Path, *, workers: int = 2, warn=None):
        self.library = library
        self.store = store
        self.uploads = Path(data_dir) / "uploads"
        self._executor = ThreadPoolExecutor(max_workers=workers,
                                            thread_name_prefix="studio-grading")
        self._evaluators: dict[str, tuple[object, threading.Lock]] = {}
        self._guard = threading.Lock()
        self.warnings: list[str] = []
        self.warn = warn or (lambda message: None)   #: told each warning as it arises

    def question(self, question_id: str):
        found = self.library.find(question_id)
        if found is None:
            raise UnknownQuestion(f"no question '{question_id}' in the library")
        return found

    def evaluator(self, question_id: str):
        """The question's evaluator (with its calibration, as `evaluate` finds it), built on
        first use and kept; and the lock that lets one thread at a time use it."""
        with self._guard:
            entry = self._evaluators.get(question_id)
            if entry is None:
                from ..engine import Evaluator
                from ..teacher_marks import find_calibration

                self.question(question_id)
                rubric = self.library.load(question_id)
                found = find_calibration(rubric)
                for warning in found.warnings:
                    self.warnings.append(warning)
                    self.warn(warning)
                entry = (Evaluator(rubric, calibration=found.calibration), threading.Lock())
                self._evaluators[question_id] = entry
            return entry

    def grade(self, question_id: str, text: str, *, seconds: int | None = None,
              source: str = "typed"):
        """Grade `text`, store the attempt (committed) and return it. Runs on the caller's
        thread: use `grade_async` from the event loop."""
        from ..reading import answer_from_text
        from ..report import render_feedback

        question = self.question(question_id)
        check_text(text)
        answer = answer_from_text(text, name="your answer")
        evaluator, lock = self.evaluator(question_id)
        with lock:
            evaluation = evaluator.evaluate(answer)
        if seconds is not None:
            seconds = max(0, min(int(seconds), MAX_SECONDS))
        return self.store.add(
            question=question_id, seconds=seconds, words=evaluation.length.words,
            marks=evaluation.marks, max_marks=evaluation.max_marks, text=answer.text,
            evaluation=evaluation.to_dict(), feedback=str(render_feedback(evaluation)),
            paper=question.paper or "", directive=question.directive or "", source=source)

    def read_upload(self, filename: str, data: bytes) -> str:
        """The answer text of an uploaded file (written under a generated name inside the
        data folder, read, then removed)."""
        name = display_name(filename)
        suffix = upload_suffix(filename)
        if len(data) > MAX_UPLOAD_BYTES:
            raise TooLarge(f"'{name}' is {len(data) / 1e6:.1f} MB; an upload may be at most "
                           f"{MAX_UPLOAD_BYTES // 1_000_000} MB")
        if not data:
            raise BadUpload(f"'{name}' is empty: there is no answer text to grade")
        self.uploads.mkdir(parents=True, exist_ok=True)
        path = self.uploads / f"{secrets.token_hex(16)}{suffix}"
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o600)
        try:
            with open(handle, "wb") as out:
                out.write(data)
            from ..reading import read_answer

            try:
                answer = read_answer(path)
            except AnswerReadError as exc:
                raise BadUpload(f"'{name}' {exc.problem}") from None
            return answer.text
        finally:
            path.unlink(missing_ok=True)

    async def run(self, function, *args, **kwargs):
        """`function(*args, **kwargs)` on a grading thread, awaited."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor,
                                          functools.partial(function, *args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
