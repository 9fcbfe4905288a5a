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


def did_you_mean(word: str, choices) -> str:
    """A ' (did you mean X?)' hint, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
