"""How the shipped samples' marks sit against the bands samples/README.md gives them.

    python3 benchmarks/sample_bands.py

Each sample is graded against the rubric its folder's evaluate.toml names (uncalibrated, as
`evaluate` grades it) and compared with the band a strict examiner would give, written in the
folder's table of samples/README.md. Prints the counts inside the band, within half a mark
(the rounding step) and outside, and lists the samples outside. It prints figures; it is not a
test (tests/test_rubric_library.py checks each folder's order).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROW = re.compile(r"^\| (\S+\.txt) \|.*\| (\d+(?:\.\d+)?)-(\d+(?:\.\d+)?) \|\s*$", re.M)


def bands() -> list[tuple[str, str, float, float]]:
    """(folder, file, low, high) for every sample row of samples/README.md."""
    text = (ROOT / "samples" / "README.md").read_text(encoding="utf-8")
    rows = []
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        folder = section.split("\n", 1)[0].strip()
        rows += [(folder, m.group(1), float(m.group(2)), float(m.group(3)))
                 for m in ROW.finditer(section)]
    return rows


def main() -> int:
    from answer_evaluator import Evaluator, load_rubric, read_answer

    evaluators: dict[str, Evaluator] = {}
    inside = near = 0
    outside = []
    for folder, name, low, high in bands():
        path = ROOT / "samples" / folder / name
        config = ROOT / "samples" / folder / "evaluate.toml"
        if not path.exists() or not config.exists():
            continue
        rubric_id = tomllib.loads(config.read_text(encoding="utf-8"))["rubric"]
        if rubric_id not in evaluators:
            evaluators[rubric_id] = Evaluator(load_rubric(ROOT / "rubrics" / f"{rubric_id}.toml"))
        marks = evaluators[rubric_id].evaluate(read_answer(path)).marks
        if low <= marks <= high:
            inside += 1
        elif low - 0.5 <= marks <= high + 0.5:
            near += 1
        else:
            outside.append(f"  samples/{folder}/{name}: {marks:g} against {low:g}-{high:g}")
    total = inside + near + len(outside)
    print(f"{total} samples: {inside} inside their band, {near} within half a mark, "
          f"{len(outside)} outside")
    print("\n".join(outside))
    return 0


if __name__ == "__main__":
    sys.exit(main())
