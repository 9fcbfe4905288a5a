"""`evaluate calibrate DATA.csv -o calibration.json`: learn marks from graded answers.

    evaluate calibrate DATA.csv -o calibration.json [--name NAME] [--folds 5] [--alpha A]
                                [--force]

Grades every row of a graded-answers CSV (see `evaluate agreement`), fits a regularised
linear model (ridge regression) from the features to the human scores, reports its agreement
by cross-validation over question groups (no question on both sides of a split; the ridge
strength is chosen inside each training fold) and writes it as JSON. The last line is the
cross-validated `pearson=<r> spearman=<rho> rmse=<rmse> qwk=<k> n=<rows>`.

Exit codes: 0 written, 1 unreadable data or too few questions, 2 usage error.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from . import parse, usage_error
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
    parser.add_argument("-o", "--output", required=True, metavar="FILE.json",
                        help="calibration file to write (never overwritten without --force: "
                             "a -2, -3 ... suffix is added)")
    parser.add_argument("--name", help="name stored in the file (default: the file's stem)")
    parser.add_argument("--folds", type=int, default=5, metavar="K",
                        help="cross-validation folds, split by question (default 5)")
    parser.add_argument("--alpha", type=float, metavar="A",
                        help="ridge strength (default: chosen by cross-validation by question)")
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
    target = Path(args.output)
    if target.suffix != ".json":
        return usage_error(parser, f"the output must be a .json file, got '{target}'")

    from .. import agreement as ag
    from ..calibration import fit_calibration

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
            "method": "ridge regression on standardised features (scikit-learn Ridge); "
                      "answers that say they are no answer get 0"}
    calibration, report = fit_calibration(
        grading.features, grading.human, grading.groups, name=args.name or target.stem,
        alpha=args.alpha, n_splits=args.folds, info=info)
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
    model = calibration.models[0]
    print(f"model (alpha={report['model']['alpha']:g}), marks = {model.intercept:.3f}", file=out)
    for term in model.terms:
        name = term.feature if term.transform == "identity" else \
            f"{term.transform}({term.feature})"
        print(f"  {term.coef:+.3f} x standardised {name}", file=out)
    print(f"calibration: {written}", file=out)
    cv = report["model"]["cv"]
    print(ag.Metrics(cv["pearson"], cv["spearman"], cv["rmse"], cv["qwk"], cv["n"]).line(),
          file=out)
    return ExitStatus.OK


def _short(m) -> str:
    return f"r={m.pearson:.3f} rho={m.spearman:.3f} rmse={m.rmse:.3f} qwk={m.qwk:.3f}"


def _short_cv(cv: dict) -> str:
    return (f"r={cv['pearson']:.3f} rho={cv['spearman']:.3f} rmse={cv['rmse']:.3f} "
            f"qwk={cv['qwk']:.3f}")

