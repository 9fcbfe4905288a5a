"""Batch throughput of this tree against an earlier revision, side by side in one run (not a test).

    python3 benchmarks/compare_speed.py --against e12e46e [--n 2000] [--rounds 3] [--jobs 2]

Builds the synthetic batch of bench_batch.py from the questions both trees have, exports the revision `--against` with
`git archive` into benchmarks/out/, and then times the whole `evaluate FOLDER --quiet` command
of both trees in turn, `--rounds` times (each tree run with its own `src/` first on
PYTHONPATH, its own rubrics, the same answers), so that a slow moment of the machine falls on
both alike. Prints each run and the medians in answers per second.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import io
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_batch import build_answers  # noqa: E402


def export(revision: str, target: Path) -> Path:
    """The tree of `revision` under target/ (made once per revision)."""
    sha = subprocess.run(["git", "rev-parse", "--short", revision], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    folder = target / f"rev-{sha}"
    if not folder.exists():
        data = subprocess.run(["git", "archive", sha], cwd=ROOT, check=True,
                              capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            archive.extractall(folder, filter="data")
    return folder


def run(tree: Path, answers: Path, out: Path, jobs: int) -> float:
    env = dict(os.environ, PYTHONPATH=str(tree / "src"))
    if out.exists():
        shutil.rmtree(out)
    command = [sys.executable, "-m", "answer_evaluator", str(answers), "--quiet",
               "--jobs", str(jobs), "--rubrics-dir", str(tree / "rubrics"), "--out", str(out)]
    started = time.perf_counter()
    subprocess.run(command, cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", required=True, help="git revision to compare with")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    work = HERE / "out" / "compare"
    work.mkdir(parents=True, exist_ok=True)
    answers = work / "answers"
    if answers.exists():
        shutil.rmtree(answers)
    earlier = export(args.against, work)
    # the answers of the questions both trees have (an earlier tree has fewer rubrics)
    shared = {p.name for p in (earlier / "samples").iterdir() if (p / "evaluate.toml").is_file()}
    build_answers(answers, args.n, only=shared)
    trees = {"this tree": ROOT, args.against: earlier}
    times: dict[str, list[float]] = {name: [] for name in trees}
    for round_ in range(1, args.rounds + 1):
        for name, tree in trees.items():
            seconds = run(tree, answers, work / "reports", args.jobs)
            times[name].append(seconds)
            print(f"round {round_}: {name:>12}: {seconds:6.2f} s, "
                  f"{args.n / seconds:6.1f} answers/s")
    for name, record in times.items():
        median = statistics.median(record)
        print(f"median {name:>12}: {median:6.2f} s, {args.n / median:6.1f} answers/s "
              f"({args.jobs} jobs, {args.n} answers)")
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
