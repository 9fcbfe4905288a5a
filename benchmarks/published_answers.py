"""How the engine agrees with an examiner on published answers to the shipped questions.

    python3 benchmarks/published_answers.py FOLDER [FOLDER ...] [--list]

Each FOLDER holds answers as text files and the examiner's judgement of them, written before
the tool was run:

    labels.csv     file,rubric,dimension,label,reason   (label: covered / partly / missing)
    my_marks.csv   file,max,my_marks                    (the examiner's marks)

Every answer is graded, uncalibrated, against the shipped rubric its labels name, as
`evaluate FILE --rubric ID` grades it. Prints the per-dimension confusion table (examiner rows,
tool columns) and exact agreement, and the marks as shares of the maximum: both means, the
mean absolute difference and Pearson's r. `--list` prints every answer's two marks too.

The answers themselves are not shipped: they belong to the coaching institutes and candidates
who published them. docs/agreement.md ("Published UPSC answers") gives the figures measured on
the folders kept by the team and says how they were judged.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATES = ("covered", "partly", "missing")
SHOWN = {"covered": "covered", "partly covered": "partly", "missing": "missing"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--list", action="store_true", help="print every answer's marks")
    args = parser.parse_args(argv)

    import numpy as np

    from answer_evaluator import Evaluator, load_rubric, read_answer

    evaluators: dict[str, Evaluator] = {}
    confusion = {(a, b): 0 for a in STATES for b in STATES}
    marks: list[tuple[str, float, float, float]] = []
    for folder in args.folders:
        labels_csv, marks_csv = folder / "labels.csv", folder / "my_marks.csv"
        if not labels_csv.is_file():
            print(f"{folder}: no labels.csv; skipped", file=sys.stderr)
            continue
        examiner = ({r["file"]: float(r["my_marks"])
                     for r in csv.DictReader(marks_csv.open(encoding="utf-8"))}
                    if marks_csv.is_file() else {})
        graded = {}
        for row in csv.DictReader(labels_csv.open(encoding="utf-8")):
            name, rubric_id = row["file"], row["rubric"]
            if name not in graded:
                if rubric_id not in evaluators:
                    evaluators[rubric_id] = Evaluator(
                        load_rubric(ROOT / "rubrics" / f"{rubric_id}.toml"))
                graded[name] = evaluators[rubric_id].evaluate(read_answer(folder / name))
            states = {d.dimension_id: SHOWN[d.state.value] for d in graded[name].dimensions}
            label = row["label"].strip()
            if row["dimension"] in states and label in STATES:
                confusion[(label, states[row["dimension"]])] += 1
        marks += [(f"{folder.name}/{name}", examiner[name], e.marks, e.max_marks)
                  for name, e in graded.items() if name in examiner]

    total = sum(confusion.values())
    if not total:
        print("no labelled dimensions found", file=sys.stderr)
        return 1
    exact = sum(confusion[(s, s)] for s in STATES) / total
    print(f"{total} dimensions of {len({m[0] for m in marks})} answers; exact agreement "
          f"{exact:.3f}")
    print("examiner \\ tool   " + "  ".join(f"{s:>8}" for s in STATES))
    for label in STATES:
        print(f"{label:17}" + "  ".join(f"{confusion[(label, s)]:8d}" for s in STATES))
    if len(marks) > 1:
        human = np.array([m[1] / m[3] for m in marks])
        tool = np.array([m[2] / m[3] for m in marks])
        print(f"marks as a share of the maximum: examiner {human.mean():.3f}, tool "
              f"{tool.mean():.3f}; mean absolute difference {np.abs(human - tool).mean():.3f}; "
              f"Pearson r {np.corrcoef(human, tool)[0, 1]:.3f}")
    if args.list:
        for name, human_marks, tool_marks, top in marks:
            print(f"  {name:60} examiner {human_marks:4g}  tool {tool_marks:4g} of {top:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
