"""`evaluate calibrate DATA.csv -o calibration.json`: learn marks from graded answers.

    evaluate calibrate DATA.csv -o calibration.json [--name NAME] [--folds 5] [--alpha A]
                                [--no-vocabulary] [--force]

Grades every row of a graded-answers CSV (see `evaluate agreement`), fits a regularised
linear model (ridge regression) from the features to the human scores, reports its agreement
by cross-validation over question groups (no question on both sides of a split; the ridge
strength is chosen inside each training fold) and writes it as JSON. The model may also
learn the subject's vocabulary: words and word pairs that go with right or wrong answers
across the questions (vocabulary.py), with a weight chosen the same way, inside each training
fold (0 when it does not help); `--no-vocabulary` keeps the model to the features, for a
calibration meant for other subjects. The last line is the cross-validated
`pearson=<r> spearman=<rho> rmse=<rmse> qwk=<k> n=<rows>`.

With `--rubric ID_OR_PATH` it calibrates one rubric on a teacher's own marks instead:

    evaluate calibrate MARKS.csv --rubric ID_OR_PATH [-o FILE.json] [--folds 5] [--force]

MARKS.csv has the columns `answer` (an answer file, relative to the CSV's folder) or `text`,
and `marks` (0 to the rubric's max_marks). Every answer is graded with the rubric, a
calibration is fitted and cross-validated over answers (each held-out answer graded with its
fold's calibration and the grading's cap), and the file is written beside the rubric as
`<rubric id>.calibration.json`, where `evaluate` finds it (see teacher_marks.py). The last
line is the cross-validated `qwk=<k> pearson=<r> exact=<share> within1=<share> mae=<marks>
n=<answers>`.

Exit codes: 0 written, 1 unreadable data or too few questions, 2 usage error.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from . import add_rubrics_dir, parse, usage_error
from ..status import ExitStatus

PROG = "evaluate calibrate"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Fit a calibration (features -> marks) on a graded-answers CSV and report "
                    "its cross-validated agreement, folds split by question.",
        epilog="Use it with: evaluate agreement DATA.csv --calibration FILE, evaluate "
               "ANSWER --calibration FILE, or calibration = \"FILE\" in a rubric. Exit codes: "
               "0 written, 1 unreadable data, 2 usage error.")
    parser.add_argument("data", metavar="DATA.csv", help="graded answers (as for 'evaluate "
                        "agreement')")
    parser.add_argument("-o", "--output", metavar="FILE.json",
                        help="calibration file to write (never overwritten without --force: "
                             "a -2, -3 ... suffix is added); required without --rubric, "
                             "where the default is <rubric dir>/<rubric id>.calibration.json "
                             "(refused if it exists, unless --force)")
    parser.add_argument("--rubric", metavar="ID_OR_PATH",
                        help="calibrate this rubric on a teacher's marks: DATA.csv then has "
                             "the columns answer (a file) or text, and marks (0 to the "
                             "rubric's max_marks)")
    add_rubrics_dir(parser)
    parser.add_argument("--name", help="name stored in the file (default: the file's stem)")
    parser.add_argument("--folds", type=int, default=5, metavar="K",
                        help="cross-validation folds, split by question (default 5)")
    parser.add_argument("--alpha", type=float, metavar="A",
                        help="ridge strength (default: chosen by cross-validation by question)")
    parser.add_argument("--no-vocabulary", action="store_true",
                        help="do not learn the subject's words (by default their weight is "
                             "chosen by cross-validation by question, 0 when they do not "
                             "help); for a calibration meant for other subjects. A "
                             "calibration for one rubric (--rubric) never learns them: the "
                             "answers to one question are too few")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, status = parse(parser, argv)
    if args is None:
        return status
    if args.folds < 2:
        return usage_error(parser, "--folds must be 2 or more")
    if args.alpha is not None and not args.alpha > 0:
        return usage_error(parser, "--alpha must be positive")
    if args.rubric:
        return _teacher_marks(parser, args)
    if not args.output:
        return usage_error(parser, "-o FILE.json is required (or --rubric ID_OR_PATH to "
                                   "calibrate one rubric on a teacher's marks)")
    target = Path(args.output)
    if target.suffix != ".json":
        return usage_error(parser, f"the output must be a .json file, got '{target}'")

    from .. import agreement as ag
    from ..calibration import VOCABULARY_WEIGHTS, CalibrationError, fit_calibration

    data = Path(args.data)
    try:
        rows = ag.load_graded_answers(data)
    except ag.DataError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    questions = len({r.question_id for r in rows})
    if questions < 2:
        print(f"{PROG}: error: {data}: cross-validation by question needs answers to at least "
              f"2 questions; found {questions}", file=sys.stderr)
        return ExitStatus.SOME_FAILED

    grading = ag.grade_rows(rows)
    info = {"data": data.name, "data_sha256": hashlib.sha256(data.read_bytes()).hexdigest(),
            "method": "ridge regression on standardised features (scikit-learn Ridge)"
                      + ("" if args.no_vocabulary else
                         " and, with a weight chosen by cross-validation, the answers' "
                         "TF-IDF vectors of stems and stem pairs")
                      + "; answers that say they are no answer get 0"}
    try:
        calibration, report = fit_calibration(
            grading.features, grading.human, grading.groups, name=args.name or target.stem,
            alpha=args.alpha, n_splits=args.folds, info=info,
            scheme_marks=grading.scheme_marks, margin=grading.margins,
            texts=[row.student_answer for row in grading.rows],
            vocabulary_weights=(0.0,) if args.no_vocabulary else VOCABULARY_WEIGHTS)
    except CalibrationError as exc:
        print(f"{PROG}: error: {data}: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    uncalibrated = ag.metrics(grading.predicted, grading.human)
    baseline = ag.metrics(ag.tfidf_baseline(rows), grading.human)

    from ..report import write_new

    written = write_new(target, calibration.dumps(), force=args.force)
    out = sys.stdout
    print(f"{data}: {len(rows)} answers to {questions} questions; cross-validation: "
          f"{report['folds']} folds by question (no question on both sides), ridge strength "
          "chosen inside each training fold", file=out)
    print(f"baseline, plain TF-IDF cosine:  r={baseline.pearson:.3f} rho={baseline.spearman:.3f} "
          "(a similarity, not a mark: only its correlations mean anything)", file=out)
    print(f"engine, uncalibrated:           {_short(uncalibrated)}", file=out)
    if "fallback" in report:
        print(f"fallback model (engine features only), cross-validated: "
              f"{_short_cv(report['fallback']['cv'])}", file=out)
    print(f"calibrated, cross-validated:    {_short_cv(report['model']['cv'])}", file=out)
    _print_model(calibration.models[0], report["model"]["alpha"], out)
    _print_vocabulary(calibration.models[0].vocabulary, report["model"]["vocabulary_weight"],
                      out, asked=not args.no_vocabulary)
    print(f"calibration: {written}", file=out)
    cv = report["model"]["cv"]
    print(ag.Metrics(cv["pearson"], cv["spearman"], cv["rmse"], cv["qwk"], cv["n"]).line(),
          file=out)
    return ExitStatus.OK


def _print_model(model, alpha: float, out) -> None:
    """The fitted model, one standardised term a line."""
    print(f"model (alpha={alpha:g}), marks = {model.intercept:.3f}", file=out)
    for term in model.terms:
        name = term.feature if term.transform == "identity" else \
            f"{term.transform}({term.feature})"
        print(f"  {term.coef:+.3f} x standardised {name}", file=out)


def _print_vocabulary(vocabulary, weight: float, out, *, asked: bool) -> None:
    """The learned words, if any: how many, their weight, those that count most."""
    if vocabulary is None:
        print("vocabulary: none (its words did not help on questions they were not learned "
              "from)" if asked else "vocabulary: none (--no-vocabulary)", file=out)
        return
    up, down = vocabulary.strongest(8)
    print(f"vocabulary (weight {weight:g}): {len(vocabulary.terms)} stems and stem pairs; "
          "most marks for: " + ", ".join(f"'{t}' {w:+.2f}" for t, w in up), file=out)
    print("  fewest marks for: " + ", ".join(f"'{t}' {w:+.2f}" for t, w in down), file=out)


def _short(m) -> str:
    return f"r={m.pearson:.3f} rho={m.spearman:.3f} rmse={m.rmse:.3f} qwk={m.qwk:.3f}"


def _short_cv(cv: dict) -> str:
    return (f"r={cv['pearson']:.3f} rho={cv['spearman']:.3f} rmse={cv['rmse']:.3f} "
            f"qwk={cv['qwk']:.3f}")


# ----------------------------------------------------------------------------- --rubric


def _teacher_marks(parser, args) -> int:
    """`evaluate calibrate MARKS.csv --rubric ID_OR_PATH`: a teacher's marks for one rubric."""
    if args.output and Path(args.output).suffix != ".json":
        return usage_error(parser, f"the output must be a .json file, got '{args.output}'")
    from .. import teacher_marks as tm
    from ..errors import EvaluatorError

    data = Path(args.data)
    try:
        rubric = tm.resolve_rubric(args.rubric, args.rubrics_dir)
    except EvaluatorError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    beside = not args.output
    target = tm.calibration_path(rubric) if beside else Path(args.output)
    from ..catalogue import in_installed_library

    if beside and in_installed_library(target):
        print(f"{PROG}: error: {rubric.rubric_id} is a shipped rubric, installed with the "
              "package: its calibration cannot be written beside it; give -o FILE.json (then "
              "--calibration FILE.json when grading), or copy the rubric into a rubrics/ "
              "folder of your own first", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    if beside and target.exists() and not args.force:
        print(f"{PROG}: error: {target}: already exists; --force replaces it, -o FILE.json "
              "writes elsewhere", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    try:
        marked = tm.load_marks(data, rubric.max_marks)
    except tm.MarksError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    for item in marked:
        for warning in item.answer.warnings:
            print(f"{PROG}: warning: {data}, row {item.row}: {warning}", file=sys.stderr)
    info = {"data": data.name, "data_sha256": hashlib.sha256(data.read_bytes()).hexdigest()}
    try:
        fit = tm.fit_for_rubric(rubric, marked, folds=args.folds, alpha=args.alpha,
                                name=args.name or target.stem, info=info)
    except EvaluatorError as exc:
        print(f"{PROG}: error: {data}: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED

    from ..report import write_new

    written = write_new(target, fit.calibration.dumps(), force=args.force, suffix=not beside)
    if written is None:
        print(f"{PROG}: error: {target}: already exists; --force replaces it", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    plain, cv = fit.metrics_uncalibrated, fit.metrics_calibrated
    scale = "whole marks" if cv.step == 1 else "half marks"
    margin = _margin(rubric)
    out = sys.stdout
    print(f"{data}: {len(marked)} answers marked 0-{rubric.max_marks:g} for rubric "
          f"{rubric.rubric_id}; cross-validation: {fit.folds} folds over answers, ridge "
          "strength chosen inside each training fold, each held-out answer graded with its "
          f"fold's calibration and the grading's cap (at most {margin:g} marks above the "
          "formula)", file=out)
    print(f"agreement with the teacher on {scale} (qwk, exact, within one mark; pearson "
          "unrounded):", file=out)
    print(f"  engine, uncalibrated:        {plain.line()}", file=out)
    print(f"  calibrated, cross-validated: {cv.line()}", file=out)
    if cv.qwk < plain.qwk:
        print(f"{PROG}: warning: {data}: on answers it was not fitted on, the calibration "
              f"agrees with these marks less than the rubric's own marks do (qwk {cv.qwk:.3f} "
              f"against {plain.qwk:.3f}); more marked answers, spread over the whole range, "
              "may help; '--calibration none' grades with the rubric's own marks",
              file=sys.stderr)
    from ..report import plural

    for dimension_id, rows in fit.required_misses:
        title = next(d.title for d in rubric.dimensions if d.dimension_id == dimension_id)
        shown = ", ".join(str(row) for row in rows[:8]) + (" ..." if len(rows) > 8 else "")
        print(f"{PROG}: warning: {data}: {plural(len(rows), 'answer')} marked higher than "
              f"the rubric allows without '{title}' (required) lack it as the rubric's "
              f"keywords read them (rows {shown}); if they make it in other words, add those "
              f"words to the keywords of '{dimension_id}'", file=sys.stderr)
    _print_model(fit.calibration.models[0], fit.alpha, out)
    print(f"calibration: {written}", file=out)
    if not beside:
        print(f"  use it with: evaluate ANSWER --rubric {rubric.path} --calibration {written}",
              file=out)
    elif rubric.calibration:
        print(f"  note: {rubric.path} names calibration = \"{rubric.calibration}\", which "
              "wins over this file; remove that line to grade with this one", file=out)
    else:
        print(f"  'evaluate' now grades {rubric.rubric_id} with it (--calibration none "
              "ignores it)", file=out)
    print(cv.line(), file=out)
    return ExitStatus.OK


def _margin(rubric) -> float:
    """The most a calibration may add to the formula's marks for this rubric."""
    from ..model_answer import settings_for

    return settings_for(rubric).calibration_margin * rubric.max_marks
