"""How closely the engine's marks follow human marks: load a graded-answers CSV, grade every
row against a rubric built from its question and reference answer, and compare.

The CSV format is the one of the Mohler, Bunescu and Mihalcea (ACL 2011) short-answer data
set: question_id, question, reference_answer, student_answer, score (0-5, the mean of two
graders) and, optionally, score_a, score_b. Metrics: Pearson r, Spearman rho, RMSE and
quadratic weighted kappa on scores rounded to half points.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import EvaluatorError, FileProblem, read_utf8
from .metrics import (MAX_SCORE, Metrics, metrics, pearson, per_question, qwk,  # noqa: F401
                      rmse, spearman)

REQUIRED_COLUMNS = ("question_id", "question", "reference_answer", "student_answer", "score")
OPTIONAL_SCORE_COLUMNS = ("score_a", "score_b")


class DataError(EvaluatorError, ValueError):
    """A graded-answers CSV is malformed; names the file, the row and the column."""

    def __init__(self, path: Path | str, problem: str, *, row: int | None = None,
                 column: str | None = None):
        self.path = Path(path)
        self.problem = problem
        self.row = row
        self.column = column
        where = str(self.path)
        if row is not None:
            where += f", row {row}"
        if column:
            where += f", column '{column}'"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class GradedAnswer:
    row: int                    #: line number of the row in the file (header is line 1)
    question_id: str
    question: str
    reference_answer: str
    student_answer: str
    score: float
    score_a: float | None = None
    score_b: float | None = None


@dataclass
class Grading:
    """Predicted marks (0-5) for every row, with the evaluation features."""

    rows: list[GradedAnswer]
    predicted: np.ndarray       #: each evaluation's `breakdown.unrounded`
    features: list[dict[str, float]] = field(default_factory=list)
    flags: list[tuple[str, ...]] = field(default_factory=list)
    #: the scheme's marks before any calibration (what the detected content earns): the
    #: base of the calibration's cap
    scheme_marks: np.ndarray | None = None
    #: each row's `calibration_margin` (the settings of its rubric)
    margins: np.ndarray | None = None

    @property
    def human(self) -> np.ndarray:
        return np.array([r.score for r in self.rows], dtype=float)

    @property
    def groups(self) -> np.ndarray:
        return np.array([r.question_id for r in self.rows])


# ----------------------------------------------------------------------------- loading


def open_csv(path: Path, error=None, columns: str = ""):
    """(a csv reader past the header, the header) of a UTF-8 CSV file; a problem raises
    `error` (DataError or a subclass) naming the file and, where known, the row."""
    error = error or DataError
    try:
        text = read_utf8(path, kind="CSV file")
    except FileProblem as problem:
        raise error(path, problem.problem, row=problem.line) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return reader, next(reader)
    except StopIteration:
        raise error(path, "is empty; expected a header line with the columns "
                    + columns) from None
    except csv.Error as exc:
        raise error(path, f"is not valid CSV ({exc})", row=1) from None


def csv_records(reader, names: list[str], path: Path, error=None):
    """(line where the record starts, {column: cell}) for each non-blank record after the
    header; a record with too few or too many fields, or broken CSV, raises `error`."""
    error = error or DataError
    position = {n: i for i, n in enumerate(names) if n}
    try:
        while True:
            line = reader.line_num + 1          # where the record starts (it may span lines)
            record = next(reader, None)
            if record is None:
                return
            if not any(cell.strip() for cell in record):
                continue
            if len(record) < len(names):
                raise error(path, f"has {len(record)} field(s) where the header has "
                            f"{len(names)}", row=line, column=names[len(record)] or None)
            if len(record) > len(names):
                raise error(path, f"has {len(record)} fields where the header has "
                            f"{len(names)} (an unquoted comma?)", row=line)
            yield line, {n: record[i] for n, i in position.items()}
    except csv.Error as exc:
        raise error(path, f"is not valid CSV ({exc})", row=reader.line_num) from None


def load_graded_answers(path: Path | str, *, max_score: float = MAX_SCORE) -> list[GradedAnswer]:
    """Read and validate a graded-answers CSV; raise DataError naming file, row and column."""
    path = Path(path)
    reader, header = open_csv(path, DataError, ", ".join(REQUIRED_COLUMNS))
    names = [h.strip().lstrip("\ufeff") for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise DataError(path, "the header lacks the required column(s) " + ", ".join(missing)
                        + "; found: " + (", ".join(n for n in names if n) or "nothing"),
                        row=1, column=missing[0])
    rows: list[GradedAnswer] = []
    for line, values in csv_records(reader, names, path):
        for column in ("question_id", "question", "reference_answer"):
            if not values[column].strip():
                raise DataError(path, "is empty", row=line, column=column)
        scores = {"score": parse_mark(path, line, "score", values["score"], max_score)}
        for column in OPTIONAL_SCORE_COLUMNS:
            if column in values and values[column].strip():
                scores[column] = parse_mark(path, line, column, values[column], max_score)
        rows.append(GradedAnswer(
            row=line, question_id=values["question_id"].strip(),
            question=" ".join(values["question"].split()),
            reference_answer=values["reference_answer"].strip(),
            student_answer=values["student_answer"].strip(),
            score=scores["score"], score_a=scores.get("score_a"),
            score_b=scores.get("score_b")))
    if not rows:
        raise DataError(path, "has a header but no rows")
    references: dict[str, GradedAnswer] = {}
    for r in rows:
        first = references.setdefault(r.question_id, r)
        if (first.question, first.reference_answer) != (r.question, r.reference_answer):
            column = "question" if first.question != r.question else "reference_answer"
            raise DataError(path, f"question {r.question_id!r} has a different {column} "
                            f"than on row {first.row}", row=r.row, column=column)
    return rows


def parse_mark(path, line: int, column: str, value: str, max_score: float, *,
           error=DataError, scale: str = "") -> float:
    """A mark from 0 to `max_score` in one cell; `error` (DataError or a subclass) names the
    file, row and column otherwise; `scale` says where the maximum comes from."""
    text = value.strip()
    expected = f"expected a number from 0 to {max_score:g}{scale}"
    if not text:
        raise error(path, f"is empty; {expected}", row=line, column=column)
    try:
        number = float(text)
    except ValueError:
        raise error(path, f"{text!r} is not a number; {expected}", row=line,
                    column=column) from None
    if not math.isfinite(number) or not 0 <= number <= max_score:
        raise error(path, f"{text} is outside 0-{max_score:g}{scale}", row=line, column=column)
    return number


def by_question(rows: list[GradedAnswer]) -> dict[str, list[int]]:
    """Row indices of each question, in the order questions first appear."""
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        groups.setdefault(r.question_id, []).append(i)
    return groups


# ----------------------------------------------------------------------------- grading


def grade_rows(rows: list[GradedAnswer], *, calibration=None, max_marks: int = MAX_SCORE,
               progress=None) -> Grading:
    """Grade every row against a rubric built from its question and reference answer.

    Each question's rubric and Evaluator are built once and grade all its rows together.
    The predicted score is each evaluation's `breakdown.unrounded`, nothing re-derived:
    without a calibration the scheme's marks, with one the calibrated marks within their cap
    (`marking.capped_calibration`). Scores are kept unrounded (the report rounds marks to
    halves; `qwk` rounds both sides itself).
    """
    from .calibration import feature_dict
    from .marking import calibration_margin
    from .model_answer import evaluator_for, rubric_from_model_answer
    from .reading import answer_from_text

    predicted = np.zeros(len(rows))
    scheme = np.zeros(len(rows))
    margins = np.zeros(len(rows))
    features: list[dict[str, float]] = [{}] * len(rows)
    flags: list[tuple[str, ...]] = [()] * len(rows)
    for question_id, indices in by_question(rows).items():
        first = rows[indices[0]]
        rubric = rubric_from_model_answer(first.question, first.reference_answer,
                                          max_marks=max_marks)
        evaluator = evaluator_for(rubric, calibration=calibration)
        margins[indices] = evaluator.settings.calibration_margin   # no features: full margin
        gradable, answers = [], []
        for i in indices:
            try:
                answers.append(answer_from_text(rows[i].student_answer,
                                                name=f"row-{rows[i].row}"))
                gradable.append(i)
            except EvaluatorError:     # empty, or no gradable English words: no marks
                features[i] = feature_dict(None)
                flags[i] = ("not gradable",)
        evaluate_many = getattr(evaluator, "evaluate_many", None)
        evaluations = (evaluate_many(answers) if evaluate_many is not None
                       else [evaluator.evaluate(a) for a in answers])
        for i, answer, evaluation in zip(gradable, answers, evaluations):
            features[i] = feature_dict(evaluation, answer.text, rubric)
            margins[i] = calibration_margin(evaluator.settings, features[i])
            flags[i] = tuple(f.code for f in evaluation.flags)
            predicted[i] = unrounded_marks(evaluation)
            scheme[i] = scheme_marks(evaluation)
        if progress is not None:
            progress(question_id, len(indices))
    return Grading(rows=rows, predicted=predicted, features=features, flags=flags,
                   scheme_marks=scheme, margins=margins)


def unrounded_marks(evaluation, settings=None) -> float:
    """The engine's mark before rounding to half marks, as its breakdown gives it."""
    breakdown = evaluation.breakdown
    return float(breakdown.unrounded if breakdown is not None else evaluation.marks)


def scheme_marks(evaluation) -> float:
    """The marks the scheme gives before any calibration, unrounded (the cap's base)."""
    breakdown = evaluation.breakdown
    if breakdown is not None and breakdown.calibration is not None:
        return float(breakdown.calibration.scheme_marks)
    return unrounded_marks(evaluation)


def tfidf_baseline(rows: list[GradedAnswer]) -> np.ndarray:
    """Plain TF-IDF cosine of each answer to its reference answer, times 5: scikit-learn's
    TfidfVectorizer with English stop words, fitted on all answers and references."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    answers = [r.student_answer for r in rows]
    references = [r.reference_answer for r in rows]
    vectorizer = TfidfVectorizer(stop_words="english").fit(
        answers + list(dict.fromkeys(references)))
    a = vectorizer.transform(answers)
    b = vectorizer.transform(references)
    return MAX_SCORE * np.asarray(a.multiply(b).sum(axis=1)).ravel()


# ----------------------------------------------------------------------------- metrics
