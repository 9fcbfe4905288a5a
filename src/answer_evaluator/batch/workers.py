"""What a worker does (in its own process, pool.py, or in the batch's process with one job):
`_init_worker` once, then `_grade_chunk` for each chunk of answers: read (unless read ahead),
choose the rubric, grade with the worker's Evaluator of that rubric (built when first needed,
then kept) and write each HTML report. Top-level functions, so that a process started by
spawn rather than fork can still be given them."""

from __future__ import annotations

import signal
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from ..errors import EvaluatorError
from ..models import Answer, Evaluation, Rubric
from .pairs import pair_features
from .results import AnswerResult, DimensionResult
from .rubrics import RubricLibrary, choose_for_answer


@dataclass
class _Plan:
    """Everything a worker needs, built once in the parent."""

    rubric: Rubric | None                 #: --rubric: for every answer
    rubric_source: str
    known: tuple[Rubric, ...]             #: rubrics the batch needs for sure
    catalogue: object                     #: catalogue.Catalogue: where rubrics come from
    index: object | None                  #: selection.RubricIndex, fitted once, or None
    index_error: str
    calibration: str | None
    out: Path | None
    write_reports: bool
    reports: dict                         #: answer path -> report path in the batch folder
    folders: dict                         #: answer path -> FolderRubric or None
    read: dict = field(default_factory=dict)  #: answer path -> Answer already read


_STATE: dict = {}


def _init_worker(plan: _Plan, in_process: bool = False) -> None:
    """Runs once in each worker; the Evaluator of a rubric is built when the worker first
    meets an answer to grade against it (each worker meets only some rubrics)."""
    if not in_process:
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent handles Ctrl-C
    _STATE.clear()
    _STATE["plan"] = plan
    _STATE["evaluators"] = {}
    _STATE["library"] = RubricLibrary(plan.catalogue, plan.known + (
        tuple(plan.index.rubrics) if plan.index is not None else ()))


def _evaluator(rubric: Rubric):
    """The worker's Evaluator for `rubric`, built the first time it is needed."""
    evaluators = _STATE["evaluators"]
    key = rubric.rubric_id
    if key not in evaluators:
        try:
            from ..engine import Evaluator
            from ..teacher_marks import find_calibration

            chosen = find_calibration(rubric, _STATE["plan"].calibration)
            evaluators[key] = Evaluator(rubric, calibration=chosen.calibration)
        except EvaluatorError as exc:
            evaluators[key] = exc
    found = evaluators[key]
    if isinstance(found, Exception):
        raise found
    return found


def _grade_chunk(paths: list[Path], sink: Callable | None = None):
    """Read, grade and report a chunk of answers. Returns (the AnswerResult of each path in
    order, the files of those graded, the hashed word features of their texts as one sparse
    matrix, for the alike pairs); `sink` (in-process) gets each result as soon as it is done.

    Answers of the same rubric go through the engine together (Evaluator.evaluate_many),
    which is faster and gives exactly the marks of one at a time."""
    from ..reading import read_answer

    plan: _Plan = _STATE["plan"]
    done: dict[int, tuple] = {}

    def emit(position: int, result: AnswerResult, text: str = "") -> None:
        done[position] = (result, text)
        if sink is not None:        # in-process: counted the moment its report is written
            sink(result)

    groups: dict[str, list] = {}
    for position, path in enumerate(paths):
        base = AnswerResult(file=str(path), candidate=path.stem)
        try:
            answer = plan.read.get(path) or read_answer(path)
            answer, rubric, how = _choose(path, answer, plan)
            evaluator = _evaluator(rubric)
        except EvaluatorError as exc:
            emit(position, replace(base, error=_reason(exc, path)))
            continue
        except Exception as exc:    # never let one file stop the batch
            emit(position, replace(base, error=_internal(exc)))
            continue
        groups.setdefault(rubric.rubric_id, []).append(
            (position, path, answer, how, evaluator, base))
    for members in groups.values():
        evaluator = members[0][4]
        answers = [m[2] for m in members]
        choices = [m[3]["choice"] for m in members]
        try:
            evaluations = evaluator.evaluate_many(answers, rubric_choices=choices)
        except Exception:           # grade one by one so that only the culprit fails
            evaluations = []
            for answer, choice in zip(answers, choices):
                try:
                    evaluations.append(evaluator.evaluate(answer, rubric_choice=choice))
                except Exception as exc:
                    evaluations.append(exc)
        for (position, path, answer, how, _, base), evaluation in zip(members, evaluations):
            if isinstance(evaluation, Exception):
                emit(position, replace(base, error=_internal(evaluation)))
                continue
            try:
                report = _write_report(plan, path, evaluation)
            except OSError as exc:
                emit(position, replace(base, error="the report cannot be written "
                                                   f"({exc.strerror or exc})"))
                continue
            emit(position, _result(base, evaluation, how, report, answer), answer.text)
    ordered = [done[i] for i in range(len(paths))]
    graded = [(result.file, text) for result, text in ordered if result.ok]
    features = pair_features([text for _, text in graded]) if graded else None
    return [result for result, _ in ordered], [name for name, _ in graded], features


def _choose(path: Path, answer: Answer, plan: _Plan):
    """(answer without a Rubric: line, rubric, how it was chosen): `choose_for_answer`."""
    def automatic(text: str):
        if plan.index is None:
            raise EvaluatorError(f"no rubric for this answer: {plan.index_error}")
        return plan.index.choose(text)

    return choose_for_answer(path, answer, given=plan.rubric, given_source=plan.rubric_source,
                             library=_STATE["library"], folder=plan.folders.get(path),
                             choose=automatic)


def _write_report(plan: _Plan, path: Path, evaluation: Evaluation) -> str:
    if not plan.write_reports or plan.out is None:
        return ""
    from ..report import render_report, write_new

    name = plan.reports[path]
    write_new(plan.out / name, render_report(evaluation), force=True)
    return name


def _result(base: AnswerResult, e: Evaluation, how: dict, report: str,
            answer: Answer) -> AnswerResult:
    return replace(
        base, rubric=e.rubric_id, marks=e.marks, max_marks=e.max_marks, words=e.length.words,
        dimensions=tuple(DimensionResult(d.dimension_id, d.title, round(d.score, 4),
                                         d.state.value) for d in e.dimensions),
        flags=tuple(f.code for f in e.flags), rubric_choice=how["choice"],
        rubric_source=how["source"], confidence=how.get("confidence"),
        missed_points=tuple(p.point_id for p in e.points if p.sentence_index is None),
        warnings=tuple(answer.warnings), report=report,
        calibration=e.breakdown.calibration.name
        if e.breakdown is not None and e.breakdown.calibration is not None else "")


def _reason(exc: EvaluatorError, path: Path) -> str:
    """The error without the file name in front (the file column has it)."""
    problem = getattr(exc, "problem", None)
    if problem and getattr(exc, "path", None) is not None:
        return problem
    text = str(exc)
    for prefix in (f"{path}: ", f"{path.name}: "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def _internal(exc: Exception) -> str:
    return f"internal error: {type(exc).__name__}: {exc}"
