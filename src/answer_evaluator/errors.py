"""The exceptions the library raises; only the CLI turns them into text and exit codes."""

from __future__ import annotations

import difflib
from pathlib import Path


class EvaluatorError(Exception):
    """Base class of every error this package raises on purpose."""


class AnswerReadError(EvaluatorError, ValueError):
    """An answer file could not be read or holds nothing gradable."""

    def __init__(self, path: Path | str | None, problem: str):
        self.path = None if path is None else Path(path)
        self.problem = problem
        where = f"{self.path}: " if self.path is not None else ""
        super().__init__(f"{where}{problem}")


class RubricError(EvaluatorError, ValueError):
    """A rubric file is malformed; names the file, the field and the line where known."""

    def __init__(self, path: Path | str | None, problem: str, *, field: str | None = None,
                 line: int | None = None):
        self.path = None if path is None else Path(path)
        self.problem = problem
        self.field = field
        self.line = line
        where = str(self.path) if self.path is not None else "rubric"
        if line is not None:
            where += f", line {line}"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {problem}")


class RubricChoiceError(EvaluatorError):
    """No rubric could be chosen for an answer."""


class RubricNotFound(RubricChoiceError, LookupError):
    """No rubric of the library has the id asked for (the message says "did you mean")."""


def did_you_mean(word: str, choices) -> str:
    """A ' (did you mean X?)' hint, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class FileProblem(Exception):
    """Why a text file could not be read (`line` where the problem is, if known); callers
    turn it into their own error type."""

    def __init__(self, problem: str, line: int | None = None):
        super().__init__(problem)
        self.problem = problem
        self.line = line


def read_utf8(path: Path, *, kind: str) -> str:
    """The text of a UTF-8 file (a byte-order mark allowed), or FileProblem in plain words;
    `kind` names what the file should be ("rubric file", "CSV file")."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileProblem(f"no such {kind}") from None
    except IsADirectoryError:
        raise FileProblem(f"is a folder, not a {kind}") from None
    except OSError as exc:
        raise FileProblem(f"cannot be read ({exc.strerror or exc})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise FileProblem("is not UTF-8 text; save it as UTF-8", line) from None
