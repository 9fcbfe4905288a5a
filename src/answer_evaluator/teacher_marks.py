"""A teacher's own marks for one rubric: load them, measure the engine against them, and fit
a calibration for that rubric that `evaluate` then finds beside the rubric file.

The marks file is a CSV with a header and one row per answer:

    answer   the answer file (.txt, .md, .docx, .pdf), relative to the CSV's folder, or
    text     the answer text itself (one of the two per row)
    marks    what the teacher gave, 0 to the rubric's max_marks (half marks allowed)

Other columns (a name, a comment) are ignored. A malformed file stops with a `MarksError`
naming the file, the row (line number, header = 1) and the column.

Agreement is measured on the rubric's own scale: quadratic weighted kappa, exact agreement
and agreement within one mark on marks rounded to half marks (to whole marks when the
teacher gave whole marks only), and Pearson r on the unrounded marks.

The calibration is cross-validated over answers (there is one question, so there are no
questions to split by): the answers, sorted by the teacher's marks, are dealt to K folds in
turn, a calibration is fitted on the other folds with `calibration.fit_calibration`, and each
held-out answer is graded by an `Evaluator` given that calibration, so its marks go through
exactly the cap that grading applies (marking.py: at most `calibration_margin` of the maximum
above what the detected content earns).

`find_calibration` is how `evaluate` chooses the calibration of a rubric: the one named on the
command line (`none`: no calibration), else the rubric's own `calibration = "..."` field, else
`<rubric id>.calibration.json` beside the rubric file.

This module imports neither NumPy nor scikit-learn at import time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

from .agreement import DataError, csv_records, open_csv, parse_mark
from .errors import EvaluatorError

ANSWER_COLUMNS = ("answer", "text")
MARKS_COLUMN = "marks"
#: What `evaluate` looks for beside a rubric file.
BESIDE_SUFFIX = ".calibration.json"
#: What a calibration fitted here says it is (info["method"]).
METHOD = ("ridge regression on standardised features (scikit-learn Ridge), fitted on a "
          "teacher's marks for one rubric")
DEFAULT_FOLDS = 5
MIN_ANSWERS = 10           #: fewer marked answers than this cannot be calibrated sensibly
NO_CALIBRATION = "none"    #: --calibration none


class MarksError(DataError):
    """A teacher's marks CSV is malformed; names the file, the row and the column."""


@dataclass(frozen=True)
class MarkedAnswer:
    row: int                    #: line number of the row in the file (header is line 1)
    answer: object              #: models.Answer, read and normalised
    marks: float                #: what the teacher gave
    source: str                 #: the answer file as written in the CSV, or "row N"


# ----------------------------------------------------------------------------- loading


def load_marks(path: Path | str, max_marks: float) -> list[MarkedAnswer]:
    """Read and validate a teacher's marks CSV, reading every answer it names; raise
    MarksError naming the file, the row and the column."""
    from .reading import answer_from_text, read_answer

    path = Path(path)
    reader, header = open_csv(path, MarksError, "answer (or text) and marks")
    names = [h.strip().lstrip("\ufeff").lower() for h in header]
    found = ", ".join(n for n in names if n) or "nothing"
    if not any(c in names for c in ANSWER_COLUMNS):
        raise MarksError(path, "the header lacks a column 'answer' (an answer file) or "
                         f"'text' (the answer itself); found: {found}", row=1,
                         column="answer")
    if MARKS_COLUMN not in names:
        raise MarksError(path, f"the header lacks the column 'marks'; found: {found}", row=1,
                         column=MARKS_COLUMN)
    position = {n: i for i, n in enumerate(names) if n}
    folder = path.parent
    rows: list[MarkedAnswer] = []
    for line, values in csv_records(reader, names, path, MarksError):
        marks = _marks(path, line, values[MARKS_COLUMN], max_marks)
        file_name = values.get("answer", "").strip()
        answer_text = values.get("text", "")
        if file_name and answer_text.strip():
            raise MarksError(path, "gives both an answer file and a text; give one",
                             row=line, column="text")
        if not file_name and not answer_text.strip():
            raise MarksError(path, "is empty; expected an answer file or the answer text",
                             row=line, column="answer" if "answer" in position else "text")
        column, source = ("answer", file_name) if file_name else ("text", f"row {line}")
        try:
            if file_name:
                answer_path = Path(file_name)
                if not answer_path.is_absolute():
                    answer_path = folder / answer_path
                answer = read_answer(answer_path)
            else:
                answer = answer_from_text(answer_text, name=f"row-{line}")
        except EvaluatorError as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            if column == "answer":
                problem = f"{file_name}: {problem}"
            raise MarksError(path, problem, row=line, column=column) from None
        rows.append(MarkedAnswer(line, answer, marks, source))
    if not rows:
        raise MarksError(path, "has a header but no rows")
    return rows


def _marks(path: Path, line: int, value: str, max_marks: float) -> float:
    return parse_mark(path, line, MARKS_COLUMN, value, max_marks, error=MarksError,
                  scale=" (the rubric's max_marks)")


def resolve_rubric(value: str, rubrics_dir=None):
    """The rubric given as a file path, or by its id in the catalogue of `rubrics_dir` (a
    folder or several), ./rubrics and the shipped library; raises RubricError (a bad file)
    or RubricNotFound (an unknown id, with "did you mean")."""
    from .catalogue import Catalogue, looks_like_path

    if looks_like_path(value):
        return Catalogue().get(value)
    if rubrics_dir is None:
        dirs = []
    elif isinstance(rubrics_dir, (str, Path)):
        dirs = [rubrics_dir]
    else:
        dirs = list(rubrics_dir)
    return Catalogue.discover(dirs).get(value)


# ----------------------------------------------------------------------------- where it lives


def calibration_path(rubric) -> Path | None:
    """`<rubric dir>/<rubric id>.calibration.json`, or None for a rubric without a file."""
    if getattr(rubric, "path", None) is None:
        return None
    return Path(rubric.path).parent / f"{rubric.rubric_id}{BESIDE_SUFFIX}"


@dataclass(frozen=True)
class FoundCalibration:
    """The calibration a rubric is graded with, and where it came from."""

    calibration: object | None        #: calibration.Calibration, or None: the formula
    source: str = ""                  #: "command line", "rubric" or "beside the rubric"
    warnings: tuple[str, ...] = ()

    def describe(self) -> str:
        """A few words for the terminal, naming the calibration ('' when there is none)."""
        c = self.calibration
        if c is None:
            return ""
        where = f"{c.path}" if getattr(c, "path", None) is not None else f"'{c.name}'"
        fitted = c.info.get("data")
        answers = c.info.get("rows")
        detail = (f"; fitted on {fitted}" + (f", {answers} answers" if answers else "")
                  if fitted else "")
        return f"{where} ({self.source}{detail})"


def find_calibration(rubric, requested: str | None = None) -> FoundCalibration:
    """The calibration to grade `rubric` with: `requested` (a name or file from the command
    line; "none" for no calibration), else the rubric's own `calibration` field, else
    `<rubric id>.calibration.json` beside the rubric file, else none. Raises
    CalibrationError when the named one cannot be loaded."""
    if requested:
        if requested.strip().lower() == NO_CALIBRATION:
            return FoundCalibration(None, "command line")
        from .calibration import load_calibration

        return FoundCalibration(load_calibration(requested, relative_to=rubric.path),
                                "command line")
    if rubric.calibration:
        from .calibration import CalibrationError, load_calibration

        try:
            found = load_calibration(rubric.calibration, relative_to=rubric.path)
        except CalibrationError as exc:
            raise CalibrationError(f"the calibration named by rubric {rubric.rubric_id}: {exc}"
                                   ) from None
        return FoundCalibration(found, "named by the rubric")
    beside = calibration_path(rubric)
    if beside is None or not beside.is_file():
        return FoundCalibration(None)
    from .calibration import load_calibration

    calibration = load_calibration(str(beside))
    warnings = []
    fitted_for = calibration.info.get("rubric_sha256")
    if fitted_for and fitted_for != _sha256(rubric.path):
        warnings.append(f"{beside}: was fitted on an earlier version of {rubric.path}; "
                        "run 'evaluate calibrate' again to refit it")
    return FoundCalibration(calibration, "beside the rubric", tuple(warnings))


def _sha256(path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


# ----------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class MarksAgreement:
    """Agreement of predicted marks with a teacher's, on the rubric's scale."""

    qwk: float
    pearson: float
    exact: float          #: share of answers given the teacher's mark (after rounding)
    within_one: float     #: share within one mark of the teacher's
    mae: float            #: mean absolute difference, in marks (after rounding)
    n: int
    step: float           #: 0.5 (half marks) or 1 (whole marks)
    max_marks: float

    def line(self) -> str:
        return (f"qwk={_fmt(self.qwk)} pearson={_fmt(self.pearson)} "
                f"exact={self.exact:.3f} within1={self.within_one:.3f} "
                f"mae={self.mae:.2f} n={self.n}")

    def to_json(self) -> dict:
        return {"qwk": _json_number(self.qwk), "pearson": _json_number(self.pearson),
                "exact": self.exact, "within_one": self.within_one, "mae": self.mae,
                "n": self.n, "step": self.step}


def marks_step(marks: Sequence[float]) -> float:
    """1 when the teacher gave whole marks only, else 0.5."""
    return 1.0 if all(float(m).is_integer() for m in marks) else 0.5


def round_to(values, step: float, max_marks: float):
    """Marks rounded to the nearest `step` (halves up), within 0..max_marks."""
    import numpy as np

    values = np.asarray(values, dtype=float)
    return np.clip(np.floor(values / step + 0.5) * step, 0.0, float(max_marks))


def agreement(predicted, marks, max_marks: float, step: float | None = None) -> MarksAgreement:
    """QWK, exact and within-one-mark agreement on marks rounded to `step` (by default the
    teacher's own: whole marks if all are whole, else half marks), Pearson r unrounded."""
    import numpy as np

    from .metrics import pearson, qwk

    predicted = np.asarray(predicted, dtype=float)
    marks = np.asarray(marks, dtype=float)
    step = marks_step(marks) if step is None else step
    a, b = round_to(predicted, step, max_marks), round_to(marks, step, max_marks)
    n = len(marks)
    return MarksAgreement(
        qwk=qwk(a, b, step=step, max_score=max_marks), pearson=pearson(predicted, marks),
        exact=float(np.mean(np.abs(a - b) < 1e-9)) if n else float("nan"),
        within_one=float(np.mean(np.abs(a - b) <= 1 + 1e-9)) if n else float("nan"),
        mae=float(np.mean(np.abs(a - b))) if n else float("nan"), n=n, step=step,
        max_marks=float(max_marks))


def _fmt(value: float) -> str:
    return "nan" if value != value else f"{value:.3f}"


def _json_number(value: float):
    return None if value != value else value


# ----------------------------------------------------------------------------- grading


def grade(evaluator, marked: Sequence[MarkedAnswer]) -> list:
    """Evaluations of the marked answers, in order, by one Evaluator."""
    return evaluator.evaluate_many([m.answer for m in marked])


def unrounded(evaluations) -> list[float]:
    """Each evaluation's marks before rounding (after the calibration and its cap)."""
    from .agreement import unrounded_marks

    return [unrounded_marks(e) for e in evaluations]


def answer_folds(marks: Sequence[float], k: int) -> list[tuple[list[int], list[int]]]:
    """(train, test) indices of K folds over answers: sorted by the teacher's marks (ties in
    file order) and dealt to the folds in turn, so every fold spans the marks. Deterministic."""
    n = len(marks)
    k = max(2, min(k, n))
    order = sorted(range(n), key=lambda i: (float(marks[i]), i))
    fold_of = {index: position % k for position, index in enumerate(order)}
    return [([i for i in range(n) if fold_of[i] != f], [i for i in range(n) if fold_of[i] == f])
            for f in range(k)]


def rubric_terms(rubric) -> tuple[tuple[str, str], ...]:
    """What a calibration for one rubric learns from: the marks its scheme gives, each
    dimension's score, so that the teacher's marks say how much each key element is worth,
    and how much the answer says (`answer_words`, log of its content words), so that they say
    whether detail beyond the key elements earns marks. The grading's cap still holds every
    calibrated mark to the content's marks plus `calibration_margin`."""
    return (("scheme_share", "identity"),) + tuple(
        (f"dimension:{d.dimension_id}", "identity") for d in rubric.dimensions) + (
        ("answer_words", "identity"),)


def stretched(calibration, features, scores):
    """The calibration with its spread of marks widened to the teacher's: ridge regression
    pulls predictions towards the mean, which on a short scale (0-2, 0-3) rounds most answers
    to the middle mark. The fitted line is rescaled about the mean so that its predictions on
    the marked answers spread as the teacher's marks do (same mean, same standard deviation);
    the order of the answers, and so the correlation, is unchanged."""
    import numpy as np

    model = calibration.models[0]
    predicted = np.array([model.predict(f) for f in features])
    marks = np.asarray(scores, dtype=float)
    if predicted.std() <= 1e-9 or marks.std() <= 1e-9:
        return calibration
    k = marks.std() / predicted.std()
    model = replace(model, intercept=float(marks.mean() + k * (model.intercept - predicted.mean())),
                    terms=tuple(replace(t, coef=float(t.coef * k)) for t in model.terms))
    return replace(calibration, models=(model,) + tuple(calibration.models[1:]))


@dataclass
class TeacherFit:
    """What `fit_for_rubric` found: the calibration fitted on all answers and the figures."""

    calibration: object
    evaluations: list                   #: uncalibrated, one per answer
    uncalibrated: list[float]           #: their unrounded marks
    cross_validated: list[float]        #: each answer's marks from a fold that never saw it
    folds: int
    alpha: float
    metrics_uncalibrated: MarksAgreement
    metrics_calibrated: MarksAgreement
    warnings: list[str] = field(default_factory=list)
    #: (dimension id, rows): answers the teacher marked above what the rubric allows without
    #: a required key element that the engine finds missing in them
    required_misses: tuple[tuple[str, tuple[int, ...]], ...] = ()


def required_misses(rubric, marked: Sequence[MarkedAnswer], evaluations
                    ) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Where the teacher's marks and a `required` key element disagree: per required
    dimension, the rows of answers the engine finds missing it although the teacher gave them
    more than the rubric allows without it (the dimension's keywords likely miss their words)."""
    from .marking import unmet_requirement

    rows: dict[str, list[int]] = {}
    for item, evaluation in zip(marked, evaluations):
        unmet = (unmet_requirement(rubric, evaluation.dimensions)
                 if evaluation is not None else None)
        if unmet is not None and item.marks > unmet.otherwise:
            rows.setdefault(unmet.dimension_id, []).append(item.row)
    return tuple((dimension_id, tuple(found)) for dimension_id, found in rows.items())


def fit_for_rubric(rubric, marked: Sequence[MarkedAnswer], *, folds: int = DEFAULT_FOLDS,
                   alpha: float | None = None, name: str = "", info: dict | None = None,
                   settings=None) -> TeacherFit:
    """Grade every marked answer with one Evaluator, fit a calibration for the rubric on all
    of them, and cross-validate it over answers with the grading's own cap."""
    import numpy as np

    from .calibration import (choose_alpha, feature_dict, fit_calibration,
                              require_differing_marks)
    from .engine import Evaluator

    marked = list(marked)
    if len(marked) < MIN_ANSWERS:
        raise EvaluatorError(f"a calibration needs at least {MIN_ANSWERS} marked answers; "
                             f"found {len(marked)}")
    scores = np.array([m.marks for m in marked], dtype=float)
    require_differing_marks(scores)
    base = Evaluator(rubric, settings)
    evaluations = grade(base, marked)
    terms = rubric_terms(rubric)
    features = [feature_dict(e, m.answer.text, rubric) for e, m in zip(evaluations, marked)]
    plain = unrounded(evaluations)
    each = np.arange(len(marked))       # each answer its own group: K-fold over answers
    max_marks = float(rubric.max_marks)

    no_answer = np.array([f.get("non_answer", 0.0) > 0.5 for f in features])

    def fold_model(train: np.ndarray):
        """The calibration fitted on the training answers only: its ridge strength chosen by
        cross-validation inside them, no fallback model (grading supplies every feature)."""
        sub = [features[i] for i in train]
        strength = alpha if alpha is not None else choose_alpha(
            sub, scores[train], each[train], terms, n_splits=min(folds, len(train)),
            exclude=no_answer[train], clip=(0.0, max_marks))
        model, _ = fit_calibration(sub, scores[train], each[train], name="fold",
                                   max_score=max_marks, alpha=strength, terms=terms,
                                   fallback_terms=(), n_splits=2)
        return stretched(model, sub, scores[train])

    splits = answer_folds(scores, folds)
    predicted = np.zeros(len(marked))
    for train, test in splits:
        held_out = Evaluator(rubric, base.settings, calibration=fold_model(np.array(train)))
        predicted[test] = unrounded(grade(held_out, [marked[i] for i in test]))
    calibration, report = fit_calibration(
        features, scores, each, name=name or rubric.rubric_id, max_score=max_marks,
        alpha=alpha, n_splits=folds, info=info, terms=terms, fallback_terms=())
    calibration = stretched(calibration, features, scores)
    step = marks_step(scores)
    plain_metrics = agreement(plain, scores, max_marks, step)
    cv_metrics = agreement(predicted, scores, max_marks, step)
    extra = dict(calibration.info)
    extra.update({
        "method": METHOD, "rubric": rubric.rubric_id,
        "rubric_file": Path(rubric.path).name if rubric.path else "",
        "rubric_sha256": _sha256(rubric.path) if rubric.path else "",
        "marks_scale": {"max_marks": rubric.max_marks, "step": step},
        "teacher_cross_validation": {
            "folds": len(splits),
            "split": "K-fold over answers, dealt in order of the teacher's marks",
            "capped": "each held-out answer graded with its fold's calibration and the "
                      "grading's cap (calibration_margin)",
            "calibrated": cv_metrics.to_json(), "uncalibrated": plain_metrics.to_json()},
    })
    calibration = replace(calibration, info=extra)
    return TeacherFit(calibration=calibration, evaluations=evaluations, uncalibrated=plain,
                      cross_validated=[float(v) for v in predicted], folds=len(splits),
                      alpha=float(report["model"]["alpha"]),
                      metrics_uncalibrated=plain_metrics, metrics_calibrated=cv_metrics,
                      required_misses=required_misses(rubric, marked, evaluations))
