"""How the engine agrees with an examiner on published answers to the shipped questions.

    python3 benchmarks/published_answers.py FOLDER [FOLDER ...] [--second NAME] [--list]

Each FOLDER holds answers as text files and the examiner's judgement of them, written before
the tool was run:

    labels.csv     file,rubric,dimension,label,reason   (label: covered / partly / missing)
    my_marks.csv   file,max,my_marks                    (the examiner's marks)

Every answer is graded, uncalibrated, against the shipped rubric its labels name, as
`evaluate FILE --rubric ID` grades it. Prints the per-dimension confusion table (examiner rows,
tool columns) and exact agreement, and the marks as shares of the maximum: both means, the
mean absolute difference and Pearson's r. `--list` prints every answer's two marks too.

`--second NAME`: each FOLDER/NAME/ holds a second examiner's labels.csv and my_marks.csv of
the same answers, judged without seeing the first's. The tool is then measured against the
second examiner as well, and the two examiners against each other: how far examiners working
to the same rules agree.

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


def read_judgement(folder: Path) -> tuple[dict, dict, dict]:
    """(labels by (file, dimension), rubric id by file, marks by file) of one examiner."""
    labels, rubrics = {}, {}
    for row in csv.DictReader((folder / "labels.csv").open(encoding="utf-8")):
        rubrics[row["file"]] = row["rubric"]
        label = row["label"].strip()
        if label in STATES:
            labels[(row["file"], row["dimension"])] = label
    marks_csv = folder / "my_marks.csv"
    marks = ({r["file"]: float(r["my_marks"])
              for r in csv.DictReader(marks_csv.open(encoding="utf-8"))}
             if marks_csv.is_file() else {})
    return labels, rubrics, marks


def report(title: str, rows: list[tuple[str, str]], marks: list[tuple[str, float, float, float]],
           names: tuple[str, str]) -> None:
    """Print exact agreement, the confusion table and the marks' agreement of two judges."""
    import numpy as np

    confusion = {(a, b): 0 for a in STATES for b in STATES}
    for first, second in rows:
        confusion[(first, second)] += 1
    exact = sum(confusion[(s, s)] for s in STATES) / len(rows)
    print(f"{title}: {len(rows)} dimensions of {len({m[0] for m in marks})} answers; "
          f"exact agreement {exact:.3f}")
    print(f"{names[0]} \\ {names[1]}".ljust(17) + "  ".join(f"{s:>8}" for s in STATES))
    for label in STATES:
        print(f"{label:17}" + "  ".join(f"{confusion[(label, s)]:8d}" for s in STATES))
    if len(marks) > 1:
        one = np.array([m[1] / m[3] for m in marks])
        two = np.array([m[2] / m[3] for m in marks])
        print(f"marks as a share of the maximum: {names[0]} {one.mean():.3f}, {names[1]} "
              f"{two.mean():.3f}; mean absolute difference {np.abs(one - two).mean():.3f}; "
              f"Pearson r {np.corrcoef(one, two)[0, 1]:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--second", metavar="NAME",
                        help="each folder's subfolder holding a second examiner's judgement")
    parser.add_argument("--list", action="store_true", help="print every answer's marks")
    args = parser.parse_args(argv)

    from answer_evaluator import Evaluator, load_rubric, read_answer

    evaluators: dict[str, Evaluator] = {}
    tool_rows: dict[str, list] = {"first": [], "second": []}
    tool_marks: dict[str, list] = {"first": [], "second": []}
    examiner_rows, examiner_marks = [], []
    for folder in args.folders:
        if not (folder / "labels.csv").is_file():
            print(f"{folder}: no labels.csv; skipped", file=sys.stderr)
            continue
        judgements = {"first": read_judgement(folder)}
        if args.second:
            if not (folder / args.second / "labels.csv").is_file():
                print(f"{folder}: no {args.second}/labels.csv; skipped", file=sys.stderr)
                continue
            judgements["second"] = read_judgement(folder / args.second)
        labels, rubrics, _ = judgements["first"]
        graded = {}
        for name, rubric_id in rubrics.items():
            if rubric_id not in evaluators:
                evaluators[rubric_id] = Evaluator(
                    load_rubric(ROOT / "rubrics" / f"{rubric_id}.toml"))
            graded[name] = evaluators[rubric_id].evaluate(read_answer(folder / name))
        states = {(name, d.dimension_id): SHOWN[d.state.value]
                  for name, e in graded.items() for d in e.dimensions}
        for who, (who_labels, _, who_marks) in judgements.items():
            tool_rows[who] += [(label, states[key]) for key, label in who_labels.items()
                               if key in states]
            tool_marks[who] += [(f"{folder.name}/{name}", who_marks[name], e.marks, e.max_marks)
                                for name, e in graded.items() if name in who_marks]
        if "second" in judgements:
            second_labels, _, second_marks = judgements["second"]
            first_marks = judgements["first"][2]
            examiner_rows += [(label, second_labels[key]) for key, label in labels.items()
                              if key in second_labels]
            examiner_marks += [(f"{folder.name}/{name}", first_marks[name], second_marks[name],
                                graded[name].max_marks)
                               for name in graded if name in first_marks and name in second_marks]

    if not tool_rows["first"]:
        print("no labelled dimensions found", file=sys.stderr)
        return 1
    report("tool against the examiner", tool_rows["first"], tool_marks["first"],
           ("examiner", "tool"))
    if args.second and tool_rows["second"]:
        report("tool against the second examiner", tool_rows["second"], tool_marks["second"],
               ("second", "tool"))
        report("the two examiners", examiner_rows, examiner_marks, ("first", "second"))
    if args.list:
        for name, human_marks, tool_marks_, top in tool_marks["first"]:
            print(f"  {name:60} examiner {human_marks:4g}  tool {tool_marks_:4g} of {top:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
