"""`evaluate agreement DATA.csv`: how closely the engine's marks follow human marks.

    evaluate agreement DATA.csv [--calibration NAME|FILE | --uncalibrated]
                                [--html PATH | --no-html] [--predictions FILE.csv] [--quiet]

Grades every row of a graded-answers CSV (question_id, question, reference_answer,
student_answer, score[, score_a, score_b]) against a rubric built from its question and
reference answer, and prints Pearson r, Spearman rho, RMSE and quadratic weighted kappa
overall and per question. The last line is always

    pearson=<r> spearman=<rho> rmse=<rmse> qwk=<k> n=<rows>

With `--rubric ID_OR_PATH` it measures one rubric against a teacher's own marks instead:

    evaluate agreement MARKS.csv --rubric ID_OR_PATH [--calibration NAME|FILE|none |
                                 --uncalibrated] [--predictions FILE.csv] [--quiet]

MARKS.csv has the columns `answer` (an answer file, relative to the CSV's folder) or `text`,
and `marks` (0 to the rubric's max_marks). Every answer is graded as `evaluate` grades it
(the rubric's calibration, else `<rubric id>.calibration.json` beside the rubric, else the
formula; see teacher_marks.py) and the last line is

    qwk=<k> pearson=<r> exact=<share> within1=<share> mae=<marks> n=<answers>

Exit codes: 0 done, 1 the data (or calibration) could not be read, 2 usage error.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
import time
from pathlib import Path

from . import add_rubrics_dir, parse, usage_error
from ..status import ExitStatus

PROG = "evaluate agreement"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Grade every row of a graded-answers CSV against a rubric built from its "
                    "question and reference answer, and report agreement with the human "
                    "scores (Pearson, Spearman, RMSE, quadratic weighted kappa on half "
                    "points), overall and per question.",
        epilog="Columns: question_id, question, reference_answer, student_answer, score "
               "(0-5; optional score_a, score_b), as in Mohler, Bunescu and Mihalcea (ACL "
               "2011). Exit codes: 0 done, 1 unreadable data or calibration, 2 usage error.")
    parser.add_argument("data", metavar="DATA.csv", help="graded answers")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--calibration", metavar="NAME|FILE",
                       help="calibration that maps features to marks: a shipped name or a "
                            "JSON file from 'evaluate calibrate' (default: default, the one "
                            "model-answer rubrics use; with --rubric: the one 'evaluate' "
                            "would use, 'none' for the rubric's formula)")
    which.add_argument("--uncalibrated", action="store_true",
                       help="use the engine's own marking formula, no calibration")
    parser.add_argument("--html", metavar="PATH",
                        help="HTML page with a scatter plot (default: "
                             "reports/agreement-<data file name>.html; never overwritten: "
                             "a -2, -3 ... suffix is added)")
    parser.add_argument("--no-html", action="store_true", help="do not write the HTML page")
    parser.add_argument("--predictions", metavar="FILE.csv",
                        help="also write each row's human and predicted score to this CSV")
    parser.add_argument("--quiet", action="store_true",
                        help="no per-question table, only the summary")
    parser.add_argument("--rubric", metavar="ID_OR_PATH",
                        help="measure this rubric against a teacher's marks: DATA.csv then "
                             "has the columns answer (a file) or text, and marks (0 to the "
                             "rubric's max_marks); no HTML page")
    add_rubrics_dir(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, status = parse(parser, argv)
    if args is None:
        return status
    if args.html and args.no_html:
        return usage_error(parser, "--html and --no-html contradict each other")
    if args.rubric:
        if args.html:
            return usage_error(parser, "--html is not available with --rubric")
        return _teacher_marks(args)
    if args.calibration is None:
        args.calibration = "default"

    from .. import agreement as ag
    from ..calibration import CalibrationError, load_calibration

    data = Path(args.data)
    try:
        rows = ag.load_graded_answers(data)
    except ag.DataError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    calibration = None
    if not args.uncalibrated and args.calibration.lower() != "none":
        try:
            calibration = load_calibration(args.calibration)
        except CalibrationError as exc:
            print(f"{PROG}: error: {exc}", file=sys.stderr)
            return ExitStatus.SOME_FAILED

    started = time.perf_counter()
    grading = ag.grade_rows(rows, calibration=calibration)
    seconds = time.perf_counter() - started
    human, predicted, groups = grading.human, grading.predicted, grading.groups
    overall = ag.metrics(predicted, human)
    questions = ag.per_question(predicted, human, groups)
    baseline = ag.metrics(ag.tfidf_baseline(rows), human)
    marking = _describe(calibration)
    in_sample = _fitted_on_this(calibration, data)

    out = sys.stdout
    print(f"{data}: {len(rows)} answers to {len(questions)} questions graded in "
          f"{seconds:.1f} s", file=out)
    print(f"marks: {marking}", file=out)
    if in_sample:
        print(f"note: calibration '{calibration.name}' was fitted on this very file, so these "
              "figures are in-sample" + _cross_validated(calibration), file=out)
    if not args.quiet:
        print(file=out)
        print(_table(questions, rows, predicted, human), file=out)
        print(file=out)
    print(f"baseline (plain TF-IDF cosine to the reference answer): r={baseline.pearson:.3f}",
          file=out)
    if rows and rows[0].score_a is not None and all(r.score_b is not None for r in rows):
        a = [r.score_a for r in rows]
        b = [r.score_b for r in rows]
        print(f"the two human graders with each other: r={ag.pearson(a, b):.3f} "
              f"rmse={ag.rmse(a, b):.3f}", file=out)

    if args.predictions:
        _write_predictions(Path(args.predictions), grading)
        print(f"predictions: {args.predictions}", file=out)
    if not args.no_html:
        from ..report import write_new

        target = Path(args.html) if args.html else Path("reports") / f"agreement-{data.stem}.html"
        page = render_page(data, grading, overall, questions, baseline, marking, in_sample,
                           _cross_validated(calibration).lstrip("; ") if in_sample else "")
        written = write_new(target, page)
        print(f"report: {written}", file=out)
    print(overall.line(), file=out)
    return ExitStatus.OK


def _describe(calibration) -> str:
    if calibration is None:
        return "the engine's own formula (uncalibrated)"
    source = calibration.info.get("data", "")
    where = f", fitted on {source}" if source else ""
    return f"calibration '{calibration.name}'{where}"


def _cross_validated(calibration) -> str:
    cv = calibration.info.get("cross_validation", {}).get("model")
    if not cv:
        return "; 'evaluate calibrate' reports cross-validated ones"
    return (f"; cross-validated by question when it was fitted: r={cv['pearson']:.3f} "
            f"rmse={cv['rmse']:.3f} qwk={cv['qwk']:.3f}")


def _fitted_on_this(calibration, data: Path) -> bool:
    if calibration is None:
        return False
    digest = calibration.info.get("data_sha256")
    if not digest:
        return False
    try:
        return hashlib.sha256(data.read_bytes()).hexdigest() == digest
    except OSError:
        return False


def _table(questions, rows, predicted, human) -> str:
    import numpy as np

    groups = np.array([r.question_id for r in rows])
    head = f"{'question':<10} {'n':>4} {'human':>6} {'engine':>6} {'r':>7} {'rho':>7} " \
           f"{'rmse':>6} {'qwk':>7}"
    lines = [head, "-" * len(head)]
    for question_id, m in questions.items():
        mask = groups == question_id
        lines.append(f"{question_id:<10.10} {m.n:>4} {human[mask].mean():>6.2f} "
                     f"{predicted[mask].mean():>6.2f} {_f(m.pearson):>7} {_f(m.spearman):>7} "
                     f"{_f(m.rmse):>6} {_f(m.qwk):>7}")
    return "\n".join(lines)


def _f(value: float) -> str:
    return "n/a" if value != value else f"{value:.3f}"


def _write_predictions(path: Path, grading) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["row", "question_id", "human", "predicted", "flags"])
    for row, value, flags in zip(grading.rows, grading.predicted, grading.flags):
        writer.writerow([row.row, row.question_id, f"{row.score:g}", f"{value:.4f}",
                         " ".join(flags)])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")


# ----------------------------------------------------------------------------- HTML


def render_page(data: Path, grading, overall, questions, baseline, marking: str,
                in_sample: bool, cross_validated: str = "") -> str:
    """One self-contained HTML page: the metrics, a scatter plot, the per-question table."""
    from ..report import environment

    human, predicted, groups = grading.human, grading.predicted, grading.groups
    table = []
    for question_id, m in questions.items():
        mask = groups == question_id
        first = next(r for r in grading.rows if r.question_id == question_id)
        table.append({"id": question_id, "question": first.question, "m": m,
                      "human": float(human[mask].mean()),
                      "engine": float(predicted[mask].mean())})
    return environment().get_template("agreement.html.j2").render(
        data=data.name, overall=overall, baseline=baseline, marking=marking,
        in_sample=in_sample, cross_validated=cross_validated, questions=table,
        plot=scatter(human, predicted), fmt=_f)


def scatter(human, predicted, *, size: int = 360, pad: int = 40, top: float = 5.0) -> dict:
    """Geometry of an SVG scatter plot of predicted (y) against human (x) scores: points
    that share a human score are spread sideways a little so they stay visible."""
    import numpy as np

    human = np.asarray(human, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    span = size - 2 * pad

    def x(v):
        return pad + span * v / top

    def y(v):
        return size - pad - span * v / top

    points = []
    seen: dict[tuple[float, float], int] = {}
    for h, p in zip(human, predicted):
        key = (round(h * 2) / 2, round(p * 4) / 4)
        k = seen.get(key, 0)
        seen[key] = k + 1
        offset = ((k % 7) - 3) * 1.6
        points.append({"x": round(x(h) + offset, 1), "y": round(y(p), 1),
                       "h": f"{h:g}", "p": f"{p:.2f}"})
    ticks = [{"v": v, "x": round(x(v), 1), "y": round(y(v), 1)} for v in range(int(top) + 1)]
    fit = None
    if len(human) > 1 and np.std(human) > 0:
        slope, intercept = np.polyfit(human, predicted, 1)
        fit = {"x1": round(x(0), 1), "y1": round(y(float(np.clip(intercept, -1, 6))), 1),
               "x2": round(x(top), 1),
               "y2": round(y(float(np.clip(intercept + slope * top, -1, 6))), 1)}
    return {"size": size, "pad": pad, "points": points, "ticks": ticks, "fit": fit,
            "low": round(x(0), 1), "high": round(x(top), 1),
            "bottom": round(y(0), 1), "ceiling": round(y(top), 1)}


# ----------------------------------------------------------------------------- --rubric


def _teacher_marks(args) -> int:
    """`evaluate agreement MARKS.csv --rubric ID_OR_PATH`: the marks `evaluate` gives against
    a teacher's own for one rubric (no fitting)."""
    from .. import teacher_marks as tm
    from ..errors import EvaluatorError

    data = Path(args.data)
    try:
        rubric = tm.resolve_rubric(args.rubric, args.rubrics_dir)
        marked = tm.load_marks(data, rubric.max_marks)
        found = (tm.FoundCalibration(None, "--uncalibrated") if args.uncalibrated
                 else tm.find_calibration(rubric, args.calibration))
    except EvaluatorError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    for item in marked:
        for warning in item.answer.warnings:
            print(f"{PROG}: warning: {data}, row {item.row}: {warning}", file=sys.stderr)
    for warning in found.warnings:
        print(f"{PROG}: warning: {warning}", file=sys.stderr)

    from ..engine import Evaluator

    started = time.perf_counter()
    evaluations = tm.grade(Evaluator(rubric, calibration=found.calibration), marked)
    seconds = time.perf_counter() - started
    predicted = tm.unrounded(evaluations)
    teacher = [m.marks for m in marked]
    result = tm.agreement(predicted, teacher, rubric.max_marks)
    calibration = found.calibration
    out = sys.stdout
    print(f"{data}: {len(marked)} answers marked 0-{rubric.max_marks:g} for rubric "
          f"{rubric.rubric_id}, graded in {seconds:.1f} s", file=out)
    print("marks: " + (f"calibration {found.describe()}" if calibration is not None
                       else "the rubric's own formula (uncalibrated)"), file=out)
    if _fitted_on_this(calibration, data):
        cv = calibration.info.get("teacher_cross_validation", {}).get("calibrated")
        figures = (f"; cross-validated over answers when it was fitted: {_cv_line(cv)}"
                   if cv else "")
        print(f"note: calibration '{calibration.name}' was fitted on this very file, so these "
              f"figures are in-sample{figures}", file=out)
    if not args.quiet:
        print(file=out)
        print(_answers_table(marked, predicted, result.step, rubric.max_marks), file=out)
        print(file=out)
    print(f"mean marks: teacher {sum(teacher) / len(teacher):.2f}, engine "
          f"{sum(predicted) / len(predicted):.2f} (compared on "
          f"{'whole' if result.step == 1 else 'half'} marks; pearson unrounded)", file=out)
    if args.predictions:
        _write_teacher_predictions(Path(args.predictions), marked, predicted, evaluations)
        print(f"predictions: {args.predictions}", file=out)
    print(result.line(), file=out)
    return ExitStatus.OK


def _cv_line(cv: dict) -> str:
    def f(value):
        return "nan" if value is None else f"{value:.3f}"

    return (f"qwk={f(cv.get('qwk'))} pearson={f(cv.get('pearson'))} "
            f"exact={f(cv.get('exact'))} within1={f(cv.get('within_one'))}")


def _answers_table(marked, predicted, step: float, max_marks: float) -> str:
    from ..teacher_marks import round_to

    shown = round_to(predicted, step, max_marks)
    width = max([len("answer")] + [len(m.source) for m in marked])
    width = min(width, 40)
    head = f"{'row':>4} {'answer':<{width}} {'teacher':>7} {'engine':>6} {'diff':>5}"
    lines = [head, "-" * len(head)]
    for item, value in zip(marked, shown):
        lines.append(f"{item.row:>4} {item.source:<{width}.{width}} {item.marks:>7g} "
                     f"{value:>6g} {value - item.marks:>+5g}")
    return "\n".join(lines)


def _write_teacher_predictions(path: Path, marked, predicted, evaluations) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["row", "answer", "teacher", "predicted", "marks", "flags"])
    for item, value, evaluation in zip(marked, predicted, evaluations):
        writer.writerow([item.row, item.source, f"{item.marks:g}", f"{value:.4f}",
                         f"{evaluation.marks:g}", " ".join(f.code for f in evaluation.flags)])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")
