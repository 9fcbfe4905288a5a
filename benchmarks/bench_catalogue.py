"""Benchmark of the question library (not a test): how long listing and choosing take.

    python benchmarks/bench_catalogue.py [--repeat 5]

Prints, for the shipped library (run from an empty folder, so only it is read):
  (a) Catalogue.discover(): the listing, which reads each file's top-level fields only,
      against validating every rubric in full (load_rubric), per file;
  (b) the wall time of `evaluate questions --json` (a subprocess, start-up included) against
      a bare `python -c pass`;
  (c) the automatic choice of a rubric for one answer among the whole library: loading every
      rubric, fitting the TF-IDF index, choosing (in this process, libraries imported).
Each figure is the median of --repeat runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def median_time(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from answer_evaluator.catalogue import Catalogue
    from answer_evaluator.rubric import load_rubric

    empty = Path(tempfile.mkdtemp(prefix="catalogue-bench-"))
    catalogue = Catalogue.discover(env={}, cwd=empty)
    files = [q.path for q in catalogue.questions]
    listing = median_time(lambda: Catalogue.discover(env={}, cwd=empty), args.repeat)
    full = median_time(lambda: [load_rubric(p) for p in files], args.repeat)
    print(f"(a) {len(files)} rubrics: listing {1000 * listing:.1f} ms "
          f"({1000 * listing / len(files):.2f} ms a file); full validation "
          f"{1000 * full:.1f} ms ({1000 * full / len(files):.2f} ms a file)")

    def command(*argv):
        subprocess.run([sys.executable, *argv], cwd=empty, check=True,
                       capture_output=True, env={"PYTHONPATH": str(ROOT / "src"),
                                                 "PATH": "/usr/bin:/bin"})

    questions = median_time(lambda: command("-m", "answer_evaluator", "questions", "--json"),
                            args.repeat)
    bare = median_time(lambda: command("-c", "pass"), args.repeat)
    print(f"(b) evaluate questions --json: {1000 * questions:.0f} ms wall "
          f"(python -c pass: {1000 * bare:.0f} ms)")

    from answer_evaluator.selection import RubricIndex, usable_rubrics

    answer = (ROOT / "samples" / "india-japan" / "strong.txt").read_text("utf-8")
    RubricIndex(usable_rubrics(Catalogue.discover(env={}, cwd=empty))[0])   # warm imports

    def choose():
        fresh = Catalogue.discover(env={}, cwd=empty)
        return RubricIndex(usable_rubrics(fresh)[0]).choose(answer)

    chosen = choose()
    choosing = median_time(choose, args.repeat)
    print(f"(c) automatic choice among {len(files)} rubrics: {1000 * choosing:.0f} ms "
          f"(chose {chosen.rubric.rubric_id})")


if __name__ == "__main__":
    main()
