"""The batch driver: `grade_paths` discovers the answers, plans their rubrics, grades them
(in process, or in worker processes: pool.py), sorts the results, finds the alike pairs and
writes the batch folder."""

from __future__ import annotations

import os
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from ..catalogue import Catalogue
from ..errors import EvaluatorError, RubricChoiceError
from ..models import Rubric
from .discovery import Discovery, discover, report_names
from .outputs import write_outputs
from .overview import OverviewRows
from .pairs import SIMILARITY_THRESHOLD, alike_pairs
from .pool import MAX_CHUNK, Schedule, chunks, run_in_workers
from .prefetch import Prefetch
from .results import AnswerResult, BatchInterrupted, BatchResult, BatchUsageError
from .rubrics import FolderRubric, RubricLibrary, folder_rubric
from .workers import _STATE, _Plan, _grade_chunk, _init_worker

DEFAULT_REPORTS = Path("reports")


def grade_paths(paths: Iterable[str | Path], *, rubric: Rubric | Path | str | None = None,
                rubrics_dir: Path | str | Iterable[Path | str] | None = None,
                catalogue: Catalogue | None = None, out: Path | str | None = None,
                write: bool = True, write_reports: bool = True, jobs: int = 0,
                calibration: str | None = None, force: bool = False,
                progress: Callable[[int, int], None] | None = None,
                threshold: float = SIMILARITY_THRESHOLD, rubric_source: str = "--rubric",
                chunk_size: int | None = None) -> BatchResult:
    """Grade every answer file under `paths`; write the batch folder unless `write` is False.

    `rubric` (a Rubric, an id or a file) applies to all answers; otherwise each gets the
    rubric named by its first line, its folder's evaluate.toml or the automatic choice
    among the `catalogue`'s rubrics (default: Catalogue.discover(rubrics_dir): the folders
    `rubrics_dir`, then ./rubrics, then the shipped library). `out` is the
    batch folder (default reports/<folder>-<time>/; an existing one is never overwritten
    unless `force`: a -2, -3 ... suffix is added). `jobs` 0 uses every core. `progress` is
    called with (done, total) after each answer. Raises BatchUsageError when there is
    nothing to grade, BatchInterrupted on Ctrl-C; bad files become results with an error."""
    started = time.monotonic()
    created = datetime.now().astimezone().isoformat(timespec="seconds")
    paths = [str(p) for p in paths]
    if not paths:
        raise BatchUsageError("no paths given")
    out_given = Path(out) if out is not None else None
    if out_given is not None and out_given.exists() and not out_given.is_dir():
        raise BatchUsageError(f"--out {out_given}: is a file; give a folder for a batch")
    found = discover(paths, exclude=[DEFAULT_REPORTS] + ([out_given] if out_given else []))
    if not found.files:
        raise BatchUsageError(_nothing_found(paths, found))

    jobs = _jobs(jobs, len(found.files))
    collected: list[AnswerResult] = []
    blocks: list[tuple] = []                # (files, hashed features) of each chunk
    total = len(found.files)
    target = None
    with Prefetch(found.files, start=jobs > 1) as prefetch:
        if catalogue is None:
            catalogue = Catalogue.discover(_folders(rubrics_dir))
        if isinstance(rubric, (str, Path)):
            rubric = catalogue.get(str(rubric))
        folders: dict[Path, FolderRubric | None] = {}
        cache: dict[Path, FolderRubric | None] = {}
        if rubric is None:
            for path in found.files:
                folders[path] = folder_rubric(path, cache)
        known, index, index_error = _plan_rubrics(rubric, folders, catalogue)
        if write:
            target = _make_folder(out_given, paths, force)
        plan = _Plan(rubric=rubric, rubric_source=rubric_source, known=known,
                     catalogue=catalogue, index=index, index_error=index_error,
                     calibration=calibration, out=target, write_reports=write_reports,
                     reports=report_names(found.files), folders=folders)

        rows = OverviewRows() if target is not None else None
        rubric_of = _rubric_lookup(plan)

        def sink(result):
            collected.append(result)
            if rows is not None:    # index.html's rows, while the workers grade the rest
                rows.add(result, rubric_of(result))
            if progress is not None:
                progress(len(collected), total)

        if progress is not None:
            progress(0, total)
        try:
            _run(found.files, plan, jobs, sink, blocks.append, chunk_size, prefetch)
        except KeyboardInterrupt:
            _tidy(target)
            raise BatchInterrupted(len(collected), total, target) from None

    results = sorted(collected + found.failures, key=_order)
    graded = [r for r in results if r.ok]
    count, pairs = alike_pairs([r.file for r in graded], _rows_in_order(graded, blocks),
                               [r.rubric for r in graded], threshold)
    rubrics = _used_rubrics(results, plan)
    batch = BatchResult(results=tuple(results), skipped=tuple(found.skipped), pairs=pairs,
                        pair_count=count, threshold=threshold, rubrics=rubrics, out=target,
                        created=created, elapsed=time.monotonic() - started, jobs=jobs)
    if target is not None:
        try:
            write_outputs(batch, paths, rows)
        except KeyboardInterrupt:
            raise BatchInterrupted(len(collected), total, target) from None
    return batch


def _rows_in_order(graded: list[AnswerResult], blocks: list[tuple]):
    """The hashed features of the graded answers, one row each, in their order."""
    from scipy import sparse

    blocks = [(names, matrix) for names, matrix in blocks if names]
    if not blocks:
        return None
    stacked = sparse.vstack([matrix for _, matrix in blocks], format="csr")
    where = {name: i for i, name in enumerate(n for names, _ in blocks for n in names)}
    return stacked[[where[r.file] for r in graded]]


def _run(files: list[Path], plan: _Plan, jobs: int, sink, keep, chunk_size: int | None,
         prefetch: Prefetch):
    """Grade `files` in chunks: `sink` gets each AnswerResult, `keep` each chunk's
    (files, features)."""
    import gc

    _warm_up()
    plan.read = prefetch.answers()
    # The libraries loaded now live as long as the batch: the garbage collector need not
    # walk them again at each full collection (nor, in a forked worker, copy their pages).
    gc.freeze()
    try:
        if jobs > 1:
            run_in_workers(Schedule(files, jobs, chunk_size), plan, sink, keep)
            return
        _init_worker(plan, in_process=True)
        try:
            for chunk in chunks(files, chunk_size or MAX_CHUNK):
                _, names, features = _grade_chunk(chunk, sink)
                keep((names, features))
        finally:
            _STATE.clear()
    finally:
        gc.unfreeze()


def _warm_up() -> None:
    """Import what grading uses, before workers fork, so that no worker imports it again
    (the parent needs scikit-learn afterwards anyway, for the alike pairs)."""
    import importlib

    from .. import report
    from ..text import stem

    importlib.import_module("sklearn.feature_extraction.text")
    importlib.import_module("..engine", __package__)
    stem("warming")                       # loads NLTK's Snowball stemmer
    report.environment().get_template("answer.html.j2")


def _jobs(jobs: int, files: int) -> int:
    if jobs <= 0:
        try:
            jobs = len(os.sched_getaffinity(0))
        except AttributeError:
            jobs = os.cpu_count() or 1
    return max(1, min(jobs, files))


def _folders(rubrics_dir) -> list:
    if rubrics_dir is None:
        return []
    if isinstance(rubrics_dir, (str, Path)):
        return [rubrics_dir]
    return list(rubrics_dir)


def _plan_rubrics(rubric, folders, catalogue: Catalogue):
    """(rubrics surely needed, the RubricIndex for automatic choice or None, why none)."""
    if rubric is not None:
        return (rubric,), None, ""
    library = RubricLibrary(catalogue)
    known = {}
    for config in folders.values():
        if config is not None and config.rubric_id and config.rubric_id not in known:
            try:
                known[config.rubric_id] = library.get(config.rubric_id)
            except RubricChoiceError:
                pass            # each answer under that config fails with the reason
    index, error = None, ""
    if any(config is None for config in folders.values()):
        from ..selection import RubricIndex, usable_rubrics

        try:
            index = RubricIndex(usable_rubrics(catalogue)[0])
        except EvaluatorError as exc:
            error = str(exc)
    return tuple(known.values()), index, error


def _rubric_lookup(plan: _Plan) -> Callable[[AnswerResult], Rubric | None]:
    """The Rubric a graded result was graded against (None if it cannot be loaded)."""
    library = RubricLibrary(plan.catalogue, plan.known + (
        tuple(plan.index.rubrics) if plan.index is not None else ()))

    def rubric_of(result: AnswerResult) -> Rubric | None:
        if not result.ok:
            return None
        if plan.rubric is not None:
            return plan.rubric
        try:
            return library.get(result.rubric)
        except RubricChoiceError:
            return None

    return rubric_of


def _used_rubrics(results, plan: _Plan) -> dict:
    rubric_of = _rubric_lookup(plan)
    used = {}
    for result in results:
        if result.ok and result.rubric not in used:
            rubric = rubric_of(result)
            if rubric is not None:
                used[result.rubric] = rubric
    return dict(sorted(used.items()))


def _order(result: AnswerResult):
    return (Path(result.file).parts, result.file)


def _nothing_found(paths: list[str], found: Discovery) -> str:
    lines = ["no answer files (.txt, .md, .docx, .pdf) found in " + ", ".join(paths)]
    for failure in found.failures:
        lines.append(f"  {failure.file}: {failure.error}")
    for skip in found.skipped[:10]:
        lines.append(f"  skipped {skip.path}: {skip.reason}")
    if len(found.skipped) > 10:
        lines.append(f"  ... and {len(found.skipped) - 10} more skipped")
    return "\n".join(lines)


def _make_folder(out: Path | None, paths: list[str], force: bool) -> Path:
    """A new batch folder, never one that exists (unless --force on an explicit --out)."""
    if out is not None:
        if force or not out.exists() or (out.is_dir() and not any(out.iterdir())):
            out.mkdir(parents=True, exist_ok=True)
            return out
        base = out
    else:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        base = DEFAULT_REPORTS / f"{_batch_name(paths)}-{stamp}"
    base.parent.mkdir(parents=True, exist_ok=True)
    number = 1
    while True:
        candidate = base if number == 1 else base.with_name(f"{base.name}-{number}")
        try:
            candidate.mkdir()               # atomic: fails if it exists, so no overwrite
            return candidate
        except FileExistsError:
            number += 1


def _batch_name(paths: list[str]) -> str:
    if len(paths) == 1 and Path(paths[0]).is_dir():
        name = Path(os.path.abspath(paths[0])).name
    else:
        try:
            common = os.path.commonpath([os.path.abspath(p) for p in paths])
            name = Path(common).name if Path(common).is_dir() else Path(common).stem
        except ValueError:
            name = ""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.")
    return name or "batch"


def _tidy(folder: Path | None) -> None:
    """Remove a batch folder that holds nothing yet (interrupted before any report)."""
    if folder is None:
        return
    try:
        for child in folder.rglob("*"):
            if child.is_file():
                return
        for child in sorted(folder.rglob("*"), reverse=True):
            child.rmdir()
        folder.rmdir()
    except OSError:
        pass
