"""What a batch gives back: the result of each answer (or why it could not be graded), the
files skipped, the alike pairs, the batch as a whole with the columns of its rows, and the
two ways a batch stops early."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable

from ..errors import EvaluatorError
from ..status import ExitStatus


class BatchUsageError(EvaluatorError):
    """The command line asks for nothing that can be graded (exit status 2)."""


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a batch: how far it got. Reports already written are complete files."""

    def __init__(self, done: int, total: int, out: Path | None):
        super().__init__(f"interrupted after {done} of {total} answers")
        self.done, self.total, self.out = done, total, out


@dataclass(frozen=True)
class DimensionResult:
    dimension_id: str
    title: str
    score: float          #: 0..1
    state: str            #: "covered", "partly covered" or "missing"


@dataclass(frozen=True)
class AnswerResult:
    """One answer file of the batch: its marks, or why it could not be graded."""

    file: str                                  #: the path as found (relative to where you ran)
    candidate: str                             #: the file name without its suffix
    rubric: str = ""
    marks: float | None = None
    max_marks: int | None = None
    words: int | None = None
    dimensions: tuple[DimensionResult, ...] = ()
    flags: tuple[str, ...] = ()                #: flag codes, e.g. "too-short"
    rubric_choice: str = ""                    #: how the rubric was chosen, in words
    rubric_source: str = ""                    #: "--rubric", "first line", "folder", "automatic"
    confidence: float | None = None            #: automatic choice only: lead over the next best
    missed_points: tuple[str, ...] = ()        #: ids of the model points the answer did not make
    warnings: tuple[str, ...] = ()
    report: str = ""                           #: the HTML report, relative to the batch folder
    error: str = ""                            #: why it could not be graded
    calibration: str = ""                      #: the calibration that set the marks, if any

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class SimilarPair:
    first: str            #: file of one answer
    second: str
    similarity: float     #: TF-IDF cosine, 0..1


@dataclass(frozen=True)
class BatchResult:
    results: tuple[AnswerResult, ...]          #: every answer file and failed path, by path
    skipped: tuple[Skipped, ...]
    pairs: tuple[SimilarPair, ...]             #: the most alike first, at most MAX_PAIRS
    pair_count: int                            #: all pairs above the threshold
    threshold: float
    rubrics: dict = field(default_factory=dict)  #: rubric id -> Rubric, for those used
    out: Path | None = None
    created: str = ""
    elapsed: float = 0.0
    jobs: int = 1

    @property
    def graded(self) -> tuple[AnswerResult, ...]:
        return tuple(r for r in self.results if r.ok)

    @property
    def failures(self) -> tuple[AnswerResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    @property
    def status(self) -> ExitStatus:
        return ExitStatus.SOME_FAILED if self.failures else ExitStatus.OK

    def columns(self) -> list[str]:
        return list(self._columns)

    @cached_property
    def _columns(self) -> tuple[str, ...]:
        return tuple(result_columns(self.results))

    def rows(self) -> list[dict]:
        """One dict per answer with the columns of results.csv (typed values)."""
        return [dict(row) for row in self._rows]

    @cached_property
    def _rows(self) -> tuple[dict, ...]:
        columns = self.columns()
        return tuple(_row(r, columns) for r in self.results)


_BASE_COLUMNS = ("file", "candidate", "rubric", "marks", "max_marks", "words")
_END_COLUMNS = ("flags", "rubric_choice", "rubric_source", "confidence", "warnings", "report",
                "error")


def result_columns(results: Iterable[AnswerResult]) -> list[str]:
    """The CSV columns: the fixed ones and dim:<id>:score, dim:<id>:state for every
    dimension of every rubric used (their union, in order of first appearance by rubric)."""
    dims: list[str] = []
    seen = set()
    for result in sorted(results, key=lambda r: (r.rubric, r.file)):
        for d in result.dimensions:
            if d.dimension_id not in seen:
                seen.add(d.dimension_id)
                dims += [f"dim:{d.dimension_id}:score", f"dim:{d.dimension_id}:state"]
    return list(_BASE_COLUMNS) + dims + list(_END_COLUMNS)


def _row(result: AnswerResult, columns: list[str]) -> dict:
    row = dict.fromkeys(columns)
    row.update(file=result.file, candidate=result.candidate, rubric=result.rubric or None,
               marks=result.marks, max_marks=result.max_marks, words=result.words,
               flags=list(result.flags), rubric_choice=result.rubric_choice or None,
               rubric_source=result.rubric_source or None, confidence=result.confidence,
               warnings=list(result.warnings), report=result.report or None,
               error=result.error or None)
    for d in result.dimensions:
        row[f"dim:{d.dimension_id}:score"] = d.score
        row[f"dim:{d.dimension_id}:state"] = d.state
    return row
