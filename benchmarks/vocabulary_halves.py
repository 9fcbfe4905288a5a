"""Does a calibration's vocabulary help on questions it never saw? Fit on half, grade the other.

    python3 benchmarks/vocabulary_halves.py [DATA.csv]   (default ../shared/datasets/beetle-train.csv)

The questions of a graded-answers CSV (the columns of `evaluate agreement`) are split into two
halves by alternate question id. A calibration is fitted on each half as `evaluate calibrate`
fits it, once with the subject's vocabulary (its weight chosen by nested cross-validation by
question) and once without (`--no-vocabulary`), and then grades the other half's answers,
whose questions it never saw, through the grading's cap. Prints Pearson r, RMSE and QWK for
each. The script prints figures; it is not a test.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "datasets" / "beetle-train.csv"


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    data = Path(args[0]) if args else DEFAULT
    if not data.exists():
        print(f"no data: {data} is absent", file=sys.stderr)
        return 1
    from answer_evaluator import agreement as ag
    from answer_evaluator.calibration import VOCABULARY_WEIGHTS, apply_cap, fit_calibration

    rows = ag.load_graded_answers(data)
    grading = ag.grade_rows(rows)
    human, groups = grading.human, grading.groups
    texts = [r.student_answer for r in rows]
    questions = sorted(set(groups))
    print(f"{data.name}: {len(rows)} answers to {len(questions)} questions, halves by "
          "alternate question id")
    for half in (0, 1):
        fitted_on = set(questions[half::2])
        train = np.array([i for i, g in enumerate(groups) if g in fitted_on])
        test = np.array([i for i, g in enumerate(groups) if g not in fitted_on])
        cap = (grading.scheme_marks[test], grading.margins[test])
        for label, weights in (("features only", (0.0,)),
                               ("with vocabulary", VOCABULARY_WEIGHTS)):
            calibration, report = fit_calibration(
                [grading.features[i] for i in train], human[train], groups[train],
                scheme_marks=grading.scheme_marks[train], margin=grading.margins[train],
                texts=[texts[i] for i in train], vocabulary_weights=weights,
                fallback_terms=())
            model = calibration.models[0]
            predicted = np.array([
                apply_cap(calibration.predict(model.with_vocabulary(grading.features[i],
                                                                    texts[i])),
                          k, cap, calibration.max_score)
                for k, i in enumerate(test)])
            m = ag.metrics(predicted, human[test])
            print(f"  fitted on half {half + 1} ({len(train)} answers), graded half "
                  f"{2 - half} ({len(test)}), {label:15s}: r {m.pearson:.3f} "
                  f"rmse {m.rmse:.3f} qwk {m.qwk:.3f} (vocabulary weight "
                  f"{report['model']['vocabulary_weight']:g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
