"""Grade a class: many answer files at once, in parallel, into one batch folder.

    >>> from answer_evaluator.batch import grade_paths
    >>> result = grade_paths(["answers/"], rubrics_dir="rubrics")
    >>> len(result.graded), [(r.file, r.error) for r in result.failures], result.out

The steps, each a function below:

1. `discover` turns the paths (files, folders walked recursively, glob patterns) into the
   answer files to grade, the paths that failed (a path that does not exist) and the files
   skipped on purpose (hidden files, the reports folder, links that lead outside the folder).
2. The rubric of each answer: `--rubric` for all; else a `Rubric: <id>` first line of the
   answer (that line is not graded); else the nearest `evaluate.toml` (`rubric = "<id>"`)
   in the answer's folder or above; else the automatic choice of `selection.RubricIndex`,
   fitted once per batch in the parent process.
3. Workers (a ProcessPoolExecutor; its initializer builds one Evaluator per rubric per
   worker) read, grade and write each answer's HTML report, a chunk of answers per task,
   and send back small `AnswerResult`s. One bad file never stops the batch: it becomes a
   result with an `error`.
4. The parent sorts the results by path (so they are the same whatever the number of jobs),
   finds pairs of answers that are suspiciously alike, and writes results.csv,
   results.json and index.html (overview.py) into the batch folder, each file whole or
   not at all.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import re
import signal
import sys
import time
from dataclasses import dataclass, field, replace
from functools import cached_property
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, Iterable

from .errors import EvaluatorError, RubricChoiceError, RubricError, did_you_mean
from .models import Answer, Evaluation, Rubric
from .status import ExitStatus

ANSWER_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
#: Suffixes graded only to say clearly why they cannot be (documents.UNSUPPORTED).
REFUSED_SUFFIXES = (".doc", ".odt", ".rtf", ".pages")
FOLDER_CONFIG = "evaluate.toml"
SIMILARITY_THRESHOLD = 0.6     #: TF-IDF cosine from which two answers are listed as alike
MAX_PAIRS = 500                #: alike pairs kept in results.json and index.html
DEFAULT_REPORTS = Path("reports")
_GLOB_CHARS = set("*?[")
_RUBRIC_LINE = re.compile(
    r"^[#*_\s]*rubric[*_\s]*:[*_\s]*([A-Za-z0-9][A-Za-z0-9_.-]*?)(?:\.toml)?[*_\s]*$",
    re.IGNORECASE)


class BatchUsageError(EvaluatorError):
    """The command line asks for nothing that can be graded (exit status 2)."""


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a batch: how far it got. Reports already written are complete files."""

    def __init__(self, done: int, total: int, out: Path | None):
        super().__init__(f"interrupted after {done} of {total} answers")
        self.done, self.total, self.out = done, total, out


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DimensionResult:
    dimension_id: str
    title: str
    score: float          #: 0..1
    state: str            #: "covered", "partly covered" or "missing"


@dataclass(frozen=True)
class AnswerResult:
    """One answer file of the batch: its marks, or why it could not be graded."""

    file: str                                  #: the path as found (relative to where you ran)
    candidate: str                             #: the file name without its suffix
    rubric: str = ""
    marks: float | None = None
    max_marks: int | None = None
    words: int | None = None
    dimensions: tuple[DimensionResult, ...] = ()
    flags: tuple[str, ...] = ()                #: flag codes, e.g. "too-short"
    rubric_choice: str = ""                    #: how the rubric was chosen, in words
    rubric_source: str = ""                    #: "--rubric", "first line", "folder", "automatic"
    confidence: float | None = None            #: automatic choice only: lead over the next best
    missed_points: tuple[str, ...] = ()        #: ids of the model points the answer did not make
    warnings: tuple[str, ...] = ()
    report: str = ""                           #: the HTML report, relative to the batch folder
    error: str = ""                            #: why it could not be graded

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class SimilarPair:
    first: str            #: file of one answer
    second: str
    similarity: float     #: TF-IDF cosine, 0..1


@dataclass(frozen=True)
class BatchResult:
    results: tuple[AnswerResult, ...]          #: every answer file and failed path, by path
    skipped: tuple[Skipped, ...]
    pairs: tuple[SimilarPair, ...]             #: the most alike first, at most MAX_PAIRS
    pair_count: int                            #: all pairs above the threshold
    threshold: float
    rubrics: dict = field(default_factory=dict)  #: rubric id -> Rubric, for those used
    out: Path | None = None
    created: str = ""
    elapsed: float = 0.0
    jobs: int = 1

    @property
    def graded(self) -> tuple[AnswerResult, ...]:
        return tuple(r for r in self.results if r.ok)

    @property
    def failures(self) -> tuple[AnswerResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    @property
    def status(self) -> ExitStatus:
        return ExitStatus.SOME_FAILED if self.failures else ExitStatus.OK

    def columns(self) -> list[str]:
        return list(self._columns)

    @cached_property
    def _columns(self) -> tuple[str, ...]:
        return tuple(result_columns(self.results))

    def rows(self) -> list[dict]:
        """One dict per answer with the columns of results.csv (typed values)."""
        columns = self.columns()
        return [_row(r, columns) for r in self.results]


# ----------------------------------------------------------------------------- discovery


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    failures: list[AnswerResult] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def discover(paths: Iterable[str | Path], exclude: Iterable[Path] = ()) -> Discovery:
    """The answer files named by `paths` (files, folders, glob patterns), in a stable order.

    Folders are walked recursively; hidden files and folders, the folders in `exclude` (the
    reports folder), files of other types and links leading outside the folder are skipped
    and listed. A file named explicitly is always taken. The same file reached twice is
    graded once."""
    found = Discovery()
    excluded = {_real(p) for p in exclude}
    seen: dict = {}

    def add(path: Path) -> None:
        try:
            info = os.stat(path)
            key = (info.st_dev, info.st_ino)
        except OSError:
            key = _real(path)
        if key in seen:
            found.skipped.append(Skipped(str(path), f"the same file as {seen[key]}"))
            return
        seen[key] = path
        found.files.append(path)

    for item in paths:
        text = str(item)
        path = Path(text)
        if any(c in _GLOB_CHARS for c in text) and not path.exists():
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                found.failures.append(_failure(text, "no file or folder matches this pattern"))
            for match in matches:
                match_path = Path(match)
                if match_path.is_dir():
                    _walk(match_path, excluded, found, add)
                else:
                    _consider(match_path, match_path.parent, excluded, found, add,
                              check_excluded=True)
        elif path.is_dir():
            _walk(path, excluded, found, add)
        elif path.exists():
            add(path)
        elif path.is_symlink():
            found.failures.append(_failure(text, "is a broken link (its target does not exist)"))
        else:
            found.failures.append(_failure(text, "no such file or folder"))
    return found


def _walk(root: Path, excluded: set[Path], found: Discovery, add) -> None:
    if _real(root) in excluded:
        found.skipped.append(Skipped(str(root), "the reports folder"))
        return
    for folder, dirnames, filenames in os.walk(root):
        here = Path(folder)
        keep = []
        for name in sorted(dirnames):
            sub = here / name
            if name.startswith("."):
                found.skipped.append(Skipped(f"{sub}{os.sep}", "hidden folder"))
            elif sub.is_symlink():
                reason = ("link to a folder outside " + str(root) if not _inside(sub, root)
                          else "link to a folder inside " + str(root) + " (graded from "
                               "its own place)")
                found.skipped.append(Skipped(f"{sub}{os.sep}", reason))
            elif _real(sub) in excluded:
                found.skipped.append(Skipped(f"{sub}{os.sep}", "the reports folder"))
            else:
                keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            _consider(here / name, root, excluded, found, add)


def _consider(path: Path, root: Path, excluded: set[Path], found: Discovery, add, *,
              check_excluded: bool = False) -> None:
    """A file met while walking `root` (whose excluded folders are already left out), or
    matched by a pattern (`check_excluded`)."""
    name = path.name
    suffix = path.suffix.lower()
    if name == FOLDER_CONFIG:
        return
    if name.startswith("."):
        found.skipped.append(Skipped(str(path), "hidden file"))
    elif suffix not in ANSWER_SUFFIXES + REFUSED_SUFFIXES:
        found.skipped.append(Skipped(str(path), "not an answer file (.txt, .md, .docx or "
                                                ".pdf)"))
    elif name.lower().startswith("readme"):
        found.skipped.append(Skipped(str(path), "a README, not an answer"))
    elif path.is_symlink():
        if not path.exists():
            found.skipped.append(Skipped(str(path), "broken link"))
        elif not _inside(path, root):
            found.skipped.append(Skipped(str(path), f"link to a file outside {root}"))
        else:
            add(path)
    elif check_excluded and any(_real(path).is_relative_to(e) for e in excluded):
        found.skipped.append(Skipped(str(path), "in the reports folder"))
    else:
        add(path)


def _inside(link: Path, root: Path) -> bool:
    return _real(link).is_relative_to(_real(root))


def _real(path: Path) -> Path:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):   # a link loop
        return Path(os.path.abspath(path))


def _failure(path: str, reason: str) -> AnswerResult:
    return AnswerResult(file=str(path), candidate=Path(path).stem or str(path), error=reason)


def report_names(files: list[Path]) -> dict[Path, str]:
    """A unique report path for each answer, mirroring the folders below their common
    ancestor under answers/ ("answers/india-japan/strong.html")."""
    absolute = [Path(os.path.abspath(p)) for p in files]
    try:
        base = Path(os.path.commonpath([p.parent for p in absolute])) if absolute else None
    except ValueError:                      # different drives
        base = None
    names: dict[Path, str] = {}
    taken: set[str] = set()
    for path, full in zip(files, absolute):
        relative = full.relative_to(base) if base is not None else Path(full.name)
        name = relative.with_suffix(".html").as_posix()
        if name.casefold() in taken:        # strong.txt and strong.docx side by side
            name = relative.with_name(relative.name + ".html").as_posix()
        number = 2
        while name.casefold() in taken:
            name = relative.with_name(f"{relative.stem}-{number}.html").as_posix()
            number += 1
        taken.add(name.casefold())
        names[path] = "answers/" + name
    return names


# ----------------------------------------------------------------------------- rubrics


@dataclass(frozen=True)
class FolderRubric:
    """What an evaluate.toml says: a rubric id, or the problem with the file."""

    config: str
    rubric_id: str = ""
    error: str = ""


def folder_rubric(answer: Path, cache: dict[Path, FolderRubric | None]) -> FolderRubric | None:
    """The evaluate.toml nearest to `answer` (its folder, then each folder above), or None."""
    folder = Path(os.path.abspath(answer)).parent
    visited = []
    found = None
    while True:
        if folder in cache:
            found = cache[folder]
            break
        visited.append(folder)
        config = folder / FOLDER_CONFIG
        if config.is_file():
            found = _read_config(config, answer)
            break
        if folder.parent == folder:
            break
        folder = folder.parent
    for each in visited:
        cache[each] = found
    return found


def _read_config(config: Path, answer: Path) -> FolderRubric:
    import tomllib

    shown = _shown(config, answer)
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        return FolderRubric(shown, error=f"{shown} cannot be read ({exc})")
    except tomllib.TOMLDecodeError as exc:
        return FolderRubric(shown, error=f"{shown} is not valid TOML: {exc}")
    unknown = [k for k in data if k != "rubric"]
    if unknown:
        return FolderRubric(shown, error=f"{shown}: unknown field '{unknown[0]}'"
                                         f"{did_you_mean(unknown[0], ['rubric'])}; the only "
                                         "field is rubric = \"<rubric id>\"")
    value = data.get("rubric")
    if not isinstance(value, str) or not value.strip():
        return FolderRubric(shown, error=f"{shown} must say rubric = \"<rubric id>\"")
    value = value.strip()
    return FolderRubric(shown, rubric_id=value[:-5] if value.endswith(".toml") else value)


def _shown(config: Path, answer: Path) -> str:
    """The config's path in the same style as the answer's (relative if it was)."""
    if Path(answer).is_absolute():
        return str(config)
    try:
        return os.path.relpath(config)
    except ValueError:
        return str(config)


def rubric_line(text: str) -> tuple[str | None, str]:
    """(rubric id named by a `Rubric: <id>` first line or None, the text without it)."""
    first, _, rest = text.partition("\n")
    found = _RUBRIC_LINE.match(first)
    if not found:
        return None, text
    return found.group(1), rest.strip()


class RubricLibrary:
    """The rubrics of --rubrics-dir, loaded by id when first named, each once."""

    def __init__(self, folder: Path | str, known: Iterable[Rubric] = ()):
        self.folder = Path(folder)
        self.rubrics: dict[str, Rubric] = {r.rubric_id: r for r in known}
        self.errors: dict[str, str] = {}

    def get(self, rubric_id: str) -> Rubric:
        """The rubric `rubric_id`; raises RubricChoiceError saying why it cannot be had."""
        if rubric_id in self.rubrics:
            return self.rubrics[rubric_id]
        if rubric_id not in self.errors:
            from .rubric import find_rubrics, load_rubric

            path = self.folder / f"{rubric_id}.toml"
            if "/" in rubric_id or "\\" in rubric_id or not path.is_file():
                names = [p.stem for p in find_rubrics(self.folder)] if self.folder.is_dir() else []
                self.errors[rubric_id] = (f"there is no rubric '{rubric_id}' in {self.folder}"
                                          f"{did_you_mean(rubric_id, names)}")
            else:
                try:
                    self.rubrics[rubric_id] = load_rubric(path)
                    return self.rubrics[rubric_id]
                except RubricError as exc:
                    self.errors[rubric_id] = str(exc)
        raise RubricChoiceError(self.errors[rubric_id])


# ----------------------------------------------------------------------------- workers


@dataclass
class _Plan:
    """Everything a worker needs, built once in the parent."""

    rubric: Rubric | None                 #: --rubric: for every answer
    rubric_source: str
    known: tuple[Rubric, ...]             #: rubrics the batch needs for sure
    rubrics_dir: str
    index: object | None                  #: selection.RubricIndex, fitted once, or None
    index_error: str
    calibration: str | None
    out: Path | None
    write_reports: bool
    reports: dict                         #: answer path -> report path in the batch folder
    folders: dict                         #: answer path -> FolderRubric or None


_STATE: dict = {}


def _init_worker(plan: _Plan, in_process: bool = False) -> None:
    """Runs once in each worker: builds the Evaluators of the rubrics the batch needs."""
    if not in_process:
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent handles Ctrl-C
    _STATE.clear()
    _STATE["plan"] = plan
    _STATE["evaluators"] = {}
    _STATE["library"] = RubricLibrary(plan.rubrics_dir, plan.known + (
        tuple(plan.index.rubrics) if plan.index is not None else ()))
    for rubric in plan.known:
        _evaluator(rubric)


def _evaluator(rubric: Rubric):
    """The worker's Evaluator for `rubric`, built the first time it is needed."""
    evaluators = _STATE["evaluators"]
    key = rubric.rubric_id
    if key not in evaluators:
        try:
            from .cli import load_calibration
            from .engine import Evaluator

            calibration = load_calibration(
                SimpleNamespace(calibration=_STATE["plan"].calibration), rubric)
            evaluators[key] = Evaluator(rubric, calibration=calibration)
        except EvaluatorError as exc:
            evaluators[key] = exc
    found = evaluators[key]
    if isinstance(found, Exception):
        raise found
    return found


def _grade_chunk(paths: list[Path], sink: Callable | None = None):
    """Read, grade and report a chunk of answers. Returns (the AnswerResult of each path in
    order, the files of those graded, the hashed word features of their texts as one sparse
    matrix, for the alike pairs); `sink` (in-process) gets each result as soon as it is done.

    Answers of the same rubric go through the engine together (Evaluator.evaluate_many),
    which is faster and gives exactly the marks of one at a time."""
    from .reading import read_answer

    plan: _Plan = _STATE["plan"]
    done: dict[int, tuple] = {}

    def emit(position: int, result: AnswerResult, text: str = "") -> None:
        done[position] = (result, text)
        if sink is not None:        # in-process: counted the moment its report is written
            sink(result)

    groups: dict[str, list] = {}
    for position, path in enumerate(paths):
        base = AnswerResult(file=str(path), candidate=path.stem)
        try:
            answer = read_answer(path)
            answer, rubric, how = _choose(path, answer, plan)
            evaluator = _evaluator(rubric)
        except EvaluatorError as exc:
            emit(position, replace(base, error=_reason(exc, path)))
            continue
        except Exception as exc:    # never let one file stop the batch
            emit(position, replace(base, error=_internal(exc)))
            continue
        groups.setdefault(rubric.rubric_id, []).append(
            (position, path, answer, how, evaluator, base))
    for members in groups.values():
        evaluator = members[0][4]
        answers = [m[2] for m in members]
        choices = [m[3]["choice"] for m in members]
        try:
            evaluations = evaluator.evaluate_many(answers, rubric_choices=choices)
        except Exception:           # grade one by one so that only the culprit fails
            evaluations = []
            for answer, choice in zip(answers, choices):
                try:
                    evaluations.append(evaluator.evaluate(answer, rubric_choice=choice))
                except Exception as exc:
                    evaluations.append(exc)
        for (position, path, answer, how, _, base), evaluation in zip(members, evaluations):
            if isinstance(evaluation, Exception):
                emit(position, replace(base, error=_internal(evaluation)))
                continue
            try:
                report = _write_report(plan, path, evaluation)
            except OSError as exc:
                emit(position, replace(base, error="the report cannot be written "
                                                   f"({exc.strerror or exc})"))
                continue
            emit(position, _result(base, evaluation, how, report, answer), answer.text)
    ordered = [done[i] for i in range(len(paths))]
    graded = [(result.file, text) for result, text in ordered if result.ok]
    features = pair_features([text for _, text in graded]) if graded else None
    return [result for result, _ in ordered], [name for name, _ in graded], features


def _choose(path: Path, answer: Answer, plan: _Plan):
    """(answer without a Rubric: line, rubric, how it was chosen)."""
    named, rest = rubric_line(answer.text)
    warnings = list(answer.warnings)
    if named is not None:
        if not rest:
            raise EvaluatorError("has only a 'Rubric:' line and no answer text to grade")
        answer = replace(answer, text=rest)
    library: RubricLibrary = _STATE["library"]
    folder: FolderRubric | None = plan.folders.get(path)
    if plan.rubric is not None:
        if named is not None and named != plan.rubric.rubric_id:
            warnings.append(f"{path}: the first line names rubric '{named}', but "
                            f"{plan.rubric_source} was given; graded against "
                            f"'{plan.rubric.rubric_id}'")
        how = {"choice": f"given with {plan.rubric_source}", "source": plan.rubric_source}
        rubric = plan.rubric
    elif named is not None:
        try:
            rubric = library.get(named)
        except RubricChoiceError as exc:
            raise EvaluatorError(f"its first line names a rubric that cannot be used: "
                                 f"{exc}") from None
        if folder is not None and folder.rubric_id and folder.rubric_id != named:
            warnings.append(f"{path}: the first line names rubric '{named}', {folder.config} "
                            f"names '{folder.rubric_id}'; graded against '{named}'")
        how = {"choice": "named in the answer's first line", "source": "first line"}
    elif folder is not None:
        if folder.error:
            raise EvaluatorError(folder.error)
        try:
            rubric = library.get(folder.rubric_id)
        except RubricChoiceError as exc:
            raise EvaluatorError(f"{folder.config} names a rubric that cannot be used: "
                                 f"{exc}") from None
        how = {"choice": f"named in {folder.config}", "source": "folder"}
    else:
        if plan.index is None:
            raise EvaluatorError(f"no rubric for this answer: {plan.index_error}")
        choice = plan.index.choose(answer.text)
        rubric = choice.rubric
        how = {"choice": choice.reason, "source": "automatic",
               "confidence": round(float(choice.margin), 3)}
    if len(warnings) != len(answer.warnings):
        answer = replace(answer, warnings=tuple(warnings))
    return answer, rubric, how


def _write_report(plan: _Plan, path: Path, evaluation: Evaluation) -> str:
    if not plan.write_reports or plan.out is None:
        return ""
    from .report import render_report, write_new

    name = plan.reports[path]
    write_new(plan.out / name, render_report(evaluation), force=True)
    return name


def _result(base: AnswerResult, e: Evaluation, how: dict, report: str,
            answer: Answer) -> AnswerResult:
    return replace(
        base, rubric=e.rubric_id, marks=e.marks, max_marks=e.max_marks, words=e.length.words,
        dimensions=tuple(DimensionResult(d.dimension_id, d.title, round(d.score, 4),
                                         d.state.value) for d in e.dimensions),
        flags=tuple(f.code for f in e.flags), rubric_choice=how["choice"],
        rubric_source=how["source"], confidence=how.get("confidence"),
        missed_points=tuple(p.point_id for p in e.points if p.sentence_index is None),
        warnings=tuple(answer.warnings), report=report)


def _reason(exc: EvaluatorError, path: Path) -> str:
    """The error without the file name in front (the file column has it)."""
    problem = getattr(exc, "problem", None)
    if problem and getattr(exc, "path", None) is not None:
        return problem
    text = str(exc)
    for prefix in (f"{path}: ", f"{path.name}: "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def _internal(exc: Exception) -> str:
    return f"internal error: {type(exc).__name__}: {exc}"


# ----------------------------------------------------------------------------- the batch


def grade_paths(paths: Iterable[str | Path], *, rubric: Rubric | Path | str | None = None,
                rubrics_dir: Path | str = "rubrics", out: Path | str | None = None,
                write: bool = True, write_reports: bool = True, jobs: int = 0,
                calibration: str | None = None, force: bool = False,
                progress: Callable[[int, int], None] | None = None,
                threshold: float = SIMILARITY_THRESHOLD, rubric_source: str = "--rubric",
                chunk_size: int | None = None) -> BatchResult:
    """Grade every answer file under `paths`; write the batch folder unless `write` is False.

    `rubric` applies to all answers; otherwise each gets the rubric named by its first line,
    its folder's evaluate.toml or the automatic choice among `rubrics_dir`. `out` is the
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

    if isinstance(rubric, (str, Path)):
        from .rubric import load_rubric

        rubric = load_rubric(rubric)
    folders: dict[Path, FolderRubric | None] = {}
    cache: dict[Path, FolderRubric | None] = {}
    if rubric is None:
        for path in found.files:
            folders[path] = folder_rubric(path, cache)
    known, index, index_error = _plan_rubrics(rubric, folders, rubrics_dir)

    target = None
    if write:
        target = _make_folder(out_given, paths, force)
    plan = _Plan(rubric=rubric, rubric_source=rubric_source, known=known,
                 rubrics_dir=str(rubrics_dir), index=index, index_error=index_error,
                 calibration=calibration, out=target, write_reports=write_reports,
                 reports=report_names(found.files), folders=folders)
    jobs = _jobs(jobs, len(found.files))
    collected: list[AnswerResult] = []
    blocks: list[tuple] = []                # (files, hashed features) of each chunk
    total = len(found.files)

    def sink(result):
        collected.append(result)
        if progress is not None:
            progress(len(collected), total)

    if progress is not None:
        progress(0, total)
    try:
        _run(found.files, plan, jobs, sink, blocks.append, chunk_size)
    except KeyboardInterrupt:
        _tidy(target)
        raise BatchInterrupted(len(collected), total, target) from None

    results = sorted(collected + found.failures, key=_order)
    graded = [r for r in results if r.ok]
    count, pairs = _pairs([r.file for r in graded], _rows_in_order(graded, blocks), threshold)
    rubrics = _used_rubrics(results, plan)
    batch = BatchResult(results=tuple(results), skipped=tuple(found.skipped), pairs=pairs,
                        pair_count=count, threshold=threshold, rubrics=rubrics, out=target,
                        created=created, elapsed=time.monotonic() - started, jobs=jobs)
    if target is not None:
        try:
            write_outputs(batch, paths)
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


def _run(files: list[Path], plan: _Plan, jobs: int, sink, keep, chunk_size: int | None):
    """Grade `files` in chunks: `sink` gets each AnswerResult, `keep` each chunk's
    (files, features)."""
    size = chunk_size or max(1, min(16, len(files) // (jobs * 4) or 1))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    if jobs <= 1:
        _init_worker(plan, in_process=True)
        try:
            for chunk in chunks:
                _, names, features = _grade_chunk(chunk, sink)
                keep((names, features))
        finally:
            _STATE.clear()
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    _warm_up()
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                   initializer=_init_worker, initargs=(plan,))
    futures: dict = {}
    consumed: set = set()

    def take(future) -> None:
        consumed.add(future)
        try:
            results, names, features = future.result()
            keep((names, features))
        except BrokenProcessPool as exc:
            results = [_failure(str(p), f"internal error: a worker process died ({exc})")
                       for p in futures[future]]
        except Exception as exc:
            results = [_failure(str(p), _internal(exc)) for p in futures[future]]
        for result in results:
            sink(result)

    try:
        futures = {executor.submit(_grade_chunk, chunk): chunk for chunk in chunks}
        for future in as_completed(futures):
            take(future)
    except KeyboardInterrupt:
        # Chunks already running finish whole (workers ignore Ctrl-C); count what they did.
        executor.shutdown(wait=True, cancel_futures=True)
        for future in futures:
            if future not in consumed and future.done() and not future.cancelled():
                take(future)
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _warm_up() -> None:
    """Import what the workers use before they fork, so that no worker imports it again
    (the parent needs scikit-learn afterwards anyway, for the alike pairs)."""
    import importlib

    from . import report
    from .text import stem

    importlib.import_module("sklearn.feature_extraction.text")
    importlib.import_module(f"{__package__}.engine")
    stem("warming")                       # loads NLTK's Snowball stemmer
    report.environment().get_template("answer.html.j2")


def _jobs(jobs: int, files: int) -> int:
    if jobs <= 0:
        try:
            jobs = len(os.sched_getaffinity(0))
        except AttributeError:
            jobs = os.cpu_count() or 1
    return max(1, min(jobs, files))


def _plan_rubrics(rubric, folders, rubrics_dir):
    """(rubrics surely needed, the RubricIndex for automatic choice or None, why none)."""
    if rubric is not None:
        return (rubric,), None, ""
    library = RubricLibrary(rubrics_dir)
    known = {}
    for config in folders.values():
        if config is not None and config.rubric_id and config.rubric_id not in known:
            try:
                known[config.rubric_id] = library.get(config.rubric_id)
            except RubricChoiceError:
                pass            # each answer under that config fails with the reason
    index, error = None, ""
    if any(config is None for config in folders.values()):
        from .selection import RubricIndex, load_folder

        try:
            index = RubricIndex(load_folder(rubrics_dir))
        except EvaluatorError as exc:
            error = str(exc)
    return tuple(known.values()), index, error


def _used_rubrics(results, plan: _Plan) -> dict:
    library = RubricLibrary(plan.rubrics_dir, plan.known + (
        tuple(plan.index.rubrics) if plan.index is not None else ()))
    used = {}
    for result in results:
        if result.ok and result.rubric not in used:
            try:
                used[result.rubric] = (plan.rubric if plan.rubric is not None
                                       else library.get(result.rubric))
            except RubricChoiceError:
                pass
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


# ----------------------------------------------------------------------------- alike pairs


def similar_pairs(names: list[str], texts: list[str], threshold: float = SIMILARITY_THRESHOLD,
                  limit: int = MAX_PAIRS) -> tuple[int, tuple[SimilarPair, ...]]:
    """(number of pairs, the `limit` most alike pairs) whose TF-IDF cosine is >= threshold.

    Words and pairs of words, weighted by how rare they are in this batch (inverse document
    frequency), so that phrases the whole class uses count little and a shared unusual
    sentence counts a lot."""
    return _pairs(names, pair_features(texts), threshold, limit)


_HASH_FEATURES = 2 ** 22


def pair_features(texts: list[str]):
    """Counts of the words and pairs of words of each text: one hashed sparse row per text,
    each row independent of the others (so each worker computes those of its own answers
    and the batch's IDF is applied at the end)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(ngram_range=(1, 2), n_features=_HASH_FEATURES,
                             alternate_sign=False, norm=None).transform(texts)


def _pairs(names: list[str], matrix, threshold: float = SIMILARITY_THRESHOLD,
           limit: int = MAX_PAIRS) -> tuple[int, tuple[SimilarPair, ...]]:
    if matrix is None or matrix.shape[0] < 2:
        return 0, ()
    import numpy as np
    from sklearn.preprocessing import normalize

    matrix = matrix.astype(np.float64, copy=True).tocsr()
    matrix.data = np.log(matrix.data) + 1.0                        # sublinear tf
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    idf = np.log((1 + matrix.shape[0]) / (1 + df[matrix.indices])) + 1.0
    matrix.data = matrix.data * idf                                 # smooth idf, as sklearn
    matrix = normalize(matrix)
    # A word of one answer only adds nothing to any pair: drop it (norms are already taken).
    matrix.data[df[matrix.indices] < 2] = 0.0
    matrix.eliminate_zeros()
    found_rows, found_cols, found_values = [], [], []
    step = 256
    for start in range(0, matrix.shape[0], step):
        # this block of answers against itself and every later answer: each pair once
        block = (matrix[start:start + step] @ matrix[start:].T).toarray()
        i, j = np.nonzero(block >= threshold - 1e-9)
        upper = j > i
        i, j = i[upper], j[upper]
        found_rows.append(i + start)
        found_cols.append(j + start)
        found_values.append(block[i, j])
    i, j, v = (np.concatenate(found_rows), np.concatenate(found_cols),
               np.concatenate(found_values))
    v = np.minimum(np.round(v, 4), 1.0)
    keep = v >= threshold
    i, j, v = i[keep], j[keep], v[keep]
    order = np.lexsort((j, i, -v))[:limit]
    return int(len(v)), tuple(SimilarPair(names[i[k]], names[j[k]], float(v[k]))
                              for k in order)


# ----------------------------------------------------------------------------- outputs

_BASE_COLUMNS = ("file", "candidate", "rubric", "marks", "max_marks", "words")
_END_COLUMNS = ("flags", "rubric_choice", "rubric_source", "confidence", "warnings", "report",
                "error")


def result_columns(results: Iterable[AnswerResult]) -> list[str]:
    """The CSV columns: the fixed ones and dim:<id>:score, dim:<id>:state for every
    dimension of every rubric used (their union, in order of first appearance by rubric)."""
    dims: list[str] = []
    seen = set()
    for result in sorted(results, key=lambda r: (r.rubric, r.file)):
        for d in result.dimensions:
            if d.dimension_id not in seen:
                seen.add(d.dimension_id)
                dims += [f"dim:{d.dimension_id}:score", f"dim:{d.dimension_id}:state"]
    return list(_BASE_COLUMNS) + dims + list(_END_COLUMNS)


def _row(result: AnswerResult, columns: list[str]) -> dict:
    row = dict.fromkeys(columns)
    row.update(file=result.file, candidate=result.candidate, rubric=result.rubric or None,
               marks=result.marks, max_marks=result.max_marks, words=result.words,
               flags=list(result.flags), rubric_choice=result.rubric_choice or None,
               rubric_source=result.rubric_source or None, confidence=result.confidence,
               warnings=list(result.warnings), report=result.report or None,
               error=result.error or None)
    for d in result.dimensions:
        row[f"dim:{d.dimension_id}:score"] = d.score
        row[f"dim:{d.dimension_id}:state"] = d.state
    return row


def results_csv(batch: BatchResult) -> str:
    """results.csv: one row per answer; lists joined with '; '; text that a spreadsheet
    would run as a formula (=, +, -, @ first) gets a leading apostrophe."""
    columns = batch.columns()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in batch.rows():
        writer.writerow([_cell(row[c]) for c in columns])
    return buffer.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(value)
    if isinstance(value, float):
        return f"{value:g}"
    value = str(value)
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def results_json(batch: BatchResult, paths: list[str]) -> dict:
    from . import __version__

    return {
        "created": batch.created,
        "tool": f"answer-evaluator {__version__}",
        "paths": list(paths),
        "counts": {"answers": len(batch.results), "graded": len(batch.graded),
                   "failed": len(batch.failures), "skipped": len(batch.skipped)},
        "columns": batch.columns(),
        "results": batch.rows(),
        "skipped": [{"path": s.path, "reason": s.reason} for s in batch.skipped],
        "similar_pairs": {
            "threshold": batch.threshold, "total": batch.pair_count,
            "pairs": [{"first": p.first, "second": p.second, "similarity": p.similarity}
                      for p in batch.pairs]},
        "rubrics": _rubric_summaries(batch),
    }


def dump_json(data: dict) -> str:
    """JSON laid out for reading: indented, but each result row on one line."""
    rows = data.get("results", [])
    text = json.dumps({**data, "results": ["\0rows\0"]}, indent=2, ensure_ascii=False)
    lines = ",\n    ".join(json.dumps(r, ensure_ascii=False) for r in rows)
    return text.replace('"\\u0000rows\\u0000"', lines) + "\n"


def _rubric_summaries(batch: BatchResult) -> list[dict]:
    from .overview import rubric_overview

    summaries = []
    for rubric in batch.rubrics.values():
        view = rubric_overview(rubric, [r for r in batch.graded if r.rubric == rubric.rubric_id])
        summaries.append({
            "id": rubric.rubric_id, "question": rubric.question,
            "max_marks": rubric.max_marks, "answers": view["count"],
            "mean_marks": view["mean_marks"],
            "dimensions": [{"id": d["id"], "title": d["title"], "mean_score": d["mean"],
                            "covered": d["covered"], "partly": d["partly"],
                            "missing": d["missing"]} for d in view["dimensions"]],
            "most_missed": [{"point_id": p["id"], "text": p["text"], "missed": p["missed"]}
                            for p in view["missed"]],
        })
    return summaries


def write_outputs(batch: BatchResult, paths: list[str]) -> None:
    """results.csv, results.json and index.html, each written whole (temporary file, rename)."""
    from .overview import render_overview
    from .report import write_new

    out = batch.out
    write_new(out / "results.csv", "\ufeff" + results_csv(batch), force=True)
    write_new(out / "results.json", dump_json(results_json(batch, paths)), force=True)
    write_new(out / "index.html", render_overview(batch, paths), force=True)


# ----------------------------------------------------------------------------- command line


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
    except EvaluatorError as exc:
        print(f"evaluate: error: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    try:
        batch = grade_paths(
            args.paths, rubric=rubric, rubric_source=source, rubrics_dir=args.rubrics_dir,
            out=args.out, write_reports=not args.no_report, jobs=args.jobs,
            calibration=getattr(args, "calibration", None), force=args.force, progress=bar)
    except BatchUsageError as exc:
        print(f"evaluate: error: {exc}", file=sys.stderr)
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
        from .cli import resolve_rubric

        rubric, _ = resolve_rubric(args, "")
        return rubric, "--model-answer"
    if getattr(args, "rubric", None):
        from .rubric import load_rubric

        return load_rubric(args.rubric), "--rubric"
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
    return "\n".join(lines)
