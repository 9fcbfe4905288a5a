"""`evaluate PATH...` for a batch: the progress bar, `run_batch` and the summary printed at
the end."""

from __future__ import annotations

import re
import sys
import time

from ..errors import EvaluatorError
from ..models import Rubric
from ..status import ExitStatus
from .driver import grade_paths
from .outputs import dump_json, results_json
from .results import BatchInterrupted, BatchResult, BatchUsageError


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, stream=None, width: int = 28):
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        share = done / total if total else 1.0
        filled = int(self.width * share)
        elapsed = now - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        if rate > 0:
            left = (total - done) / rate
            pace = f"{rate:5.1f}/s  {int(left) // 60}:{int(left) % 60:02d} left "
        else:
            pace = "starting "
        line = (f"\rgrading [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} "
                f"{100 * share:3.0f}%  {pace}")
        self.stream.write(line)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def run_batch(args) -> int:
    """`evaluate PATH...` for folders, several files or patterns; returns the exit status."""
    quiet = getattr(args, "quiet", False) or not sys.stderr.isatty()
    bar = None if quiet else ProgressBar()
    try:
        rubric, source = _command_line_rubric(args)
    except BatchUsageError as exc:
        print(f"evaluate: error: {exc}", file=sys.stderr)
        return ExitStatus.USAGE
    except EvaluatorError as exc:
        print(f"evaluate: error: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    try:
        batch = grade_paths(
            args.paths, rubric=rubric, rubric_source=source,
            catalogue=getattr(args, "catalogue", None), rubrics_dir=args.rubrics_dir,
            out=args.out, write_reports=not args.no_report, jobs=args.jobs,
            calibration=getattr(args, "calibration", None), force=args.force, progress=bar)
    except BatchUsageError as exc:
        print("\n".join(printable(line) for line in f"evaluate: error: {exc}".split("\n")),
              file=sys.stderr)
        return ExitStatus.USAGE
    except BatchInterrupted as stop:
        if bar:
            bar.close()
        where = (f"; their reports are in {stop.out}" if stop.out is not None
                 and stop.out.exists() and stop.done else "")
        print(f"evaluate: interrupted: {stop.done} of {stop.total} answers were graded"
              f"{where}; results.csv and index.html were not written", file=sys.stderr)
        return ExitStatus.CTRL_C
    finally:
        if bar:
            bar.close()
    if args.json:
        print(dump_json(results_json(batch, [str(p) for p in args.paths])), end="")
    else:
        print(summary(batch))
    return batch.status


def _command_line_rubric(args) -> tuple[Rubric | None, str]:
    if getattr(args, "model_answer", None):
        from ..model_answer import rubric_from_model_answer
        from ..reading import read_answer

        if not getattr(args, "question", None):
            raise BatchUsageError('--model-answer needs --question "..."')
        model = read_answer(args.model_answer)
        return rubric_from_model_answer(args.question, model.text), "--model-answer"
    if getattr(args, "rubric", None):
        from ..catalogue import Catalogue, looks_like_path

        catalogue = getattr(args, "catalogue", None)
        if catalogue is None or looks_like_path(args.rubric):
            catalogue = (Catalogue() if looks_like_path(args.rubric)
                         else Catalogue.discover(args.rubrics_dir or []))
        return catalogue.get(args.rubric), "--rubric"
    return None, ""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(batch: BatchResult, limit: int = 50) -> str:
    """What the terminal shows after a batch."""
    graded, failures = batch.graded, batch.failures
    lines = [f"Graded {len(graded)} of {len(batch.results)} answers"
             + (f", {len(failures)} failed" if failures else "")
             + (f", {_plural(len(batch.skipped), 'file')} skipped" if batch.skipped else "")
             + f" ({batch.elapsed:.1f} s, {batch.jobs} job{'s' if batch.jobs != 1 else ''})."]
    for result in graded[:limit]:
        choice = f"; {result.rubric_choice}" if result.rubric_source == "automatic" else ""
        flags = f"  [{', '.join(result.flags)}]" if result.flags else ""
        lines.append(f"  {result.file}: {result.marks:g}/{result.max_marks} "
                     f"({result.rubric}{choice}){flags}")
    if len(graded) > limit:
        lines.append(f"  ... and {len(graded) - limit} more (see results.csv)")
    calibrated: dict[tuple[str, str], int] = {}
    for result in graded:
        if result.calibration:
            key = (result.rubric, result.calibration)
            calibrated[key] = calibrated.get(key, 0) + 1
    for (rubric_id, name), count in calibrated.items():
        lines.append(f"Calibrated: {_plural(count, 'answer')} to {rubric_id} marked with "
                     f"calibration '{name}' (--calibration none for the rubric's formula)")
    if failures:
        lines.append(f"Could not be graded ({len(failures)}):")
        lines += [f"  {r.file}: {r.error}" for r in failures]
    if batch.skipped:
        lines.append(f"Skipped ({len(batch.skipped)}):")
        lines += [f"  {s.path}: {s.reason}" for s in batch.skipped[:limit]]
        if len(batch.skipped) > limit:
            lines.append(f"  ... and {len(batch.skipped) - limit} more (see index.html)")
    warned = sum(1 for r in graded if r.warnings)
    if warned:
        lines.append(f"{warned} answer(s) graded with warnings (see the warnings column of "
                     "results.csv)")
    if batch.pair_count:
        lines.append(f"Possible copying: {batch.pair_count} pair(s) of answers with "
                     f"similarity >= {batch.threshold:g}:")
        lines += [f"  {p.first} and {p.second}: {p.similarity:.2f}" for p in batch.pairs[:10]]
        if batch.pair_count > 10:
            lines.append(f"  ... and {batch.pair_count - 10} more (see index.html)")
    if batch.out is not None:
        lines.append(f"Class overview: {batch.out / 'index.html'}")
        lines.append(f"Results: {batch.out / 'results.csv'} and results.json")
    return "\n".join(printable(line) for line in lines)


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with control characters (a newline or a terminal escape in a file name, text
    from an answer's first line) and bidirectional overrides shown as escapes, so that what
    the terminal shows is what the files are called."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
