"""Benchmark of `evaluate` (not a test): cold start, and batch throughput with 1 and all cores.

    python benchmarks/bench_batch.py            # N=2,000 synthetic answers
    python benchmarks/bench_batch.py --n 300 --repeat 3

Prints
  (a) the cold-start wall time of `evaluate` on one sample (a subprocess, median of --repeat),
  (a2) the same for an answer that names no rubric, chosen automatically among the library's
      rubrics, with the rubric index from its disk cache and without the cache,
  (b) the same for a bare `python -c` that imports the libraries it needs (the floor),
  (c) answers per second for a batch of N synthetic answers with --jobs 1 and with every
      core, HTML reports, results.csv/json and index.html included: measured on the whole
      command (a subprocess, start-up included) and on the grading itself (grade_paths in
      this process, libraries already imported).

The synthetic answers are recombined from samples/: for each rubric, paragraphs of its
samples are shuffled into new answers (an opening, a few body paragraphs, a closing), and
some sentences are swapped between paragraphs; a fixed seed makes the folder the same each
run. Targets on a 2-core machine: (a) within 1.25x of (b); at least 200 answers per second
per core; 2 jobs at least 1.7x faster than 1.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
RUBRICS = ROOT / "rubrics"
FLOOR = "import sklearn.feature_extraction.text, nltk.stem.snowball, jinja2, numpy"


def build_answers(folder: Path, n: int, seed: int = 2024, only: set[str] | None = None) -> int:
    """Write n synthetic answers into folder/<rubric folder>/, each with its evaluate.toml
    (from the sample folders named in `only`, when given)."""
    rng = random.Random(seed)
    sources = []
    for sample_dir in sorted(p for p in SAMPLES.iterdir() if (p / "evaluate.toml").is_file()
                             and (only is None or p.name in only)):
        texts = [p.read_text(encoding="utf-8") for p in sorted(sample_dir.glob("*.txt"))]
        paragraphs = [[q.strip() for q in t.split("\n\n") if q.strip()] for t in texts]
        paragraphs = [p for p in paragraphs if len(p) >= 2]
        if paragraphs:
            sources.append((sample_dir, paragraphs))
    for i in range(n):
        sample_dir, paragraphs = sources[i % len(sources)]
        target = folder / sample_dir.name
        if not target.exists():
            target.mkdir(parents=True)
            shutil.copy(sample_dir / "evaluate.toml", target / "evaluate.toml")
        opening = rng.choice(paragraphs)[0]
        closing = rng.choice(paragraphs)[-1]
        body = [p for text in paragraphs for p in text[1:-1]]
        chosen = rng.sample(body, k=min(len(body), rng.randint(2, 4))) if body else []
        if len(chosen) >= 2 and rng.random() < 0.5:       # swap a sentence between paragraphs
            a, b = rng.sample(range(len(chosen)), 2)
            first = re.split(r"(?<=[.!?])\s+", chosen[a])
            second = re.split(r"(?<=[.!?])\s+", chosen[b])
            x, y = rng.randrange(len(first)), rng.randrange(len(second))
            first[x], second[y] = second[y], first[x]
            chosen[a], chosen[b] = " ".join(first), " ".join(second)
        text = "\n\n".join([opening, *chosen, closing]) + "\n"
        (target / f"answer-{i:05d}.txt").write_text(text, encoding="utf-8")
    return n


def wall_time(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def median_times(commands: list[list[str]], repeat: int, cwd: Path) -> list[float]:
    """The median wall time of each command, the commands run in turn `repeat` times (so
    that a slow moment of the machine falls on all of them alike)."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):
        for command, record in zip(commands, times):
            record.append(wall_time(command, cwd))
    return [statistics.median(record) for record in times]


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def parallel_check(processes: int, n: int = 6_000_000) -> float:
    """How much faster `processes` processes do `processes` equal loops than one process:
    the ceiling for any parallel speed-up on this machine at this moment (shared virtual
    machines often give less than their core count)."""
    import multiprocessing

    started = time.perf_counter()
    for _ in range(processes):
        _spin(n)
    serial = time.perf_counter() - started
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        started = time.perf_counter()
        pool.map(_spin, [n] * processes)
        parallel = time.perf_counter() - started
    return serial / parallel


def file_system(path: Path) -> str:
    """The type of the file system holding `path` (from /proc/mounts), or '?'."""
    best, kind = "", "?"
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) > 2 and str(path).startswith(parts[1]) and len(parts[1]) > len(best):
                best, kind = parts[1], parts[2]
    except OSError:
        pass
    return kind


def create_cost(folder: Path, n: int = 300) -> float:
    """Seconds to create (and close) one empty file in `folder`: a report costs at least
    one, and on some virtual disks this is most of the cost of writing it."""
    probe = folder / "create-probe"
    probe.mkdir()
    started = time.perf_counter()
    for i in range(n):
        os.close(os.open(probe / f"f{i}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    cost = (time.perf_counter() - started) / n
    shutil.rmtree(probe)
    return cost


def evaluate_command() -> list[str]:
    """The `evaluate` script installed for the Python running this benchmark (not whatever
    is first on PATH: a version manager's shim there adds its own start-up to the timing)."""
    script = Path(sysconfig.get_path("scripts")) / "evaluate"
    if script.is_file():
        return [str(script)]
    found = shutil.which("evaluate")
    return [found] if found else [sys.executable, "-m", "answer_evaluator"]


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return (f"{cores} cores (nproc), {model or 'unknown CPU'}, Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="synthetic answers (default 2000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (median)")
    parser.add_argument("--batch-repeat", type=int, default=3,
                        help="runs of each batch timing (median; default 3)")
    parser.add_argument("--jobs", type=int, default=0, help="the 'all cores' job count "
                        "(default: every core)")
    parser.add_argument("--dir", default=str(ROOT / "benchmarks" / "out"),
                        help="where to make the temporary folder (default: benchmarks/out/ "
                        "in this repository, on the disk where reports/ is; /dev/shm "
                        "measures without the disk)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    cores = args.jobs or len(os.sched_getaffinity(0))
    # Bytecode first, as the first run after any install writes it (unless
    # PYTHONDONTWRITEBYTECODE is set, as on some CI machines), so no timing includes it.
    import answer_evaluator

    compileall.compile_dir(Path(answer_evaluator.__file__).parent, quiet=1)
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-batch-", dir=args.dir))
    print(machine())
    print(f"temporary folder: {work} ({file_system(work)}); creating an empty file there "
          f"takes {create_cost(work) * 1e3:.2f} ms")
    try:
        sample = SAMPLES / "india-japan" / "strong.txt"
        cold, floor, floor_frozen = median_times(
            [[*evaluate_command(), str(sample), "--rubrics-dir", str(RUBRICS),
              "--out", str(work / "single.html"), "--force"],
             [sys.executable, "-c", FLOOR],
             [sys.executable, "-c", FLOOR + "; import gc; gc.freeze()"]], args.repeat, work)
        print(f"(a) cold evaluate of one sample: {cold:.3f} s (median of {args.repeat}, "
              "run in turn with (b))")
        print(f"(b) import floor (python -c \"{FLOOR}\"): {floor:.3f} s")
        print(f"    ratio (a)/(b): {cold / floor:.2f} (target <= 1.25)")
        print(f"    the floor ending as evaluate does (gc.freeze() before exit, which spares "
              f"Python's last garbage collections): {floor_frozen:.3f} s; (a) is "
              f"{cold / floor_frozen:.2f}x that")

        # an answer that names no rubric: chosen automatically among the library's rubrics,
        # with the rubric index taken from its disk cache (index_cache.py) and fitted afresh
        loose = work / "loose-answer.txt"
        shutil.copyfile(sample, loose)
        cache = work / "index-cache"
        chosen = [*evaluate_command(), str(loose), "--out", str(work / "loose.html"),
                  "--force"]
        wall_time(["env", f"ANSWER_EVALUATOR_CACHE={cache}", *chosen], work)   # fills it
        cached, uncached = median_times(
            [["env", f"ANSWER_EVALUATOR_CACHE={cache}", *chosen],
             ["env", "ANSWER_EVALUATOR_CACHE=off", *chosen]], args.repeat, work)
        print(f"(a2) cold evaluate of an answer that names no rubric (chosen among the "
              f"library's): {cached:.3f} s with the rubric index cached, {uncached:.3f} s "
              f"without the cache (medians of {args.repeat})")

        answers = work / "answers"
        build_answers(answers, args.n)
        print(f"(c) batch of {args.n} synthetic answers, HTML reports included "
              f"(median of {args.batch_repeat} runs, 1 and {cores} jobs interleaved)")
        sys.path.insert(0, str(ROOT / "src"))
        from answer_evaluator.batch import grade_paths

        grade_paths([SAMPLES / "india-japan"], rubrics_dir=RUBRICS, write=False, jobs=1)
        whole: dict[int, list[float]] = {}
        inner: dict[int, list[float]] = {}
        for run in range(args.batch_repeat):
            for jobs in sorted({1, cores}):
                out = work / f"cli-{jobs}-{run}"
                started = time.perf_counter()
                subprocess.run([*evaluate_command(), str(answers), "--rubrics-dir",
                                str(RUBRICS), "--jobs", str(jobs), "--quiet", "--out", str(out)],
                               cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                whole.setdefault(jobs, []).append(time.perf_counter() - started)
                started = time.perf_counter()
                result = grade_paths([answers], rubrics_dir=RUBRICS, out=work / f"lib-{jobs}-{run}",
                                     jobs=jobs)
                inner.setdefault(jobs, []).append(time.perf_counter() - started)
                assert len(result.graded) == args.n, result.failures[:3]
                # The batch folders stay until the end: deleting thousands of files keeps
                # some file systems busy for a while and would slow the next run.
        for label, times in (("whole command (a subprocess, start-up included)", whole),
                             ("grading (grade_paths, libraries already imported)", inner)):
            print(f"    {label}:")
            for jobs in sorted(times):
                median = statistics.median(times[jobs])
                runs = ", ".join(f"{t:.2f}" for t in times[jobs])
                print(f"      --jobs {jobs}: {median:.2f} s, {args.n / median:.0f} answers/s "
                      f"({args.n / median / jobs:.0f} per core)  [runs: {runs} s]")
            if cores > 1:
                speedup = statistics.median(times[1]) / statistics.median(times[cores])
                print(f"      speed-up of {cores} jobs over 1: {speedup:.2f}x "
                      "(target >= 1.7x on 2 cores)")
        print(f"    this machine's own speed-up of {cores} processes on a pure-Python loop, "
              f"measured now: {parallel_check(cores):.2f}x")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
