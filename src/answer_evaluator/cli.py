"""The `evaluate` command: parse arguments, call the library, print, return an ExitStatus.

Heavy libraries are imported inside the commands, so `--help` and argument errors are fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .status import ExitStatus

SUBCOMMANDS = ("agreement", "calibrate", "practice", "questions", "rubric")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evaluate",
        description="Grade practice answers against a rubric and write HTML feedback reports.",
        epilog="Other commands: 'evaluate questions [show ID]' (the question library), "
               "'evaluate practice' (the practice studio in the browser), "
               "'evaluate agreement DATA.csv', 'evaluate calibrate DATA.csv', "
               "'evaluate rubric check|draft|show ...' (each has --help). Rubrics are looked "
               "up in --rubrics-dir, then $ANSWER_EVALUATOR_RUBRICS, then ./rubrics, then the "
               "shipped library. Exit codes: 0 all "
               "graded, 1 something could not be graded, 2 usage error, 130 interrupted.")
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="answer file(s) (.txt, .md, .docx, .pdf), folders or globs; a folder, a glob or several files grade as a batch")
    parser.add_argument("--rubric", metavar="ID_OR_FILE", help="rubric to grade against: "
                        "an id of the library ('evaluate questions' lists them) or a .toml "
                        "file (default: the answer's 'Rubric: ID' first line, its folder's "
                        "evaluate.toml, else chosen automatically from the library)")
    parser.add_argument("--rubrics-dir", metavar="DIR", action="append",
                        help="a folder of your own rubrics, looked in before ./rubrics and "
                             "the shipped library (repeatable; also "
                             "$ANSWER_EVALUATOR_RUBRICS)")
    parser.add_argument("--model-answer", metavar="FILE",
                        help="grade against a rubric built from this model answer")
    parser.add_argument("--question", help="the question, with --model-answer")
    parser.add_argument("--out", metavar="PATH", help="report file (single answer) or batch "
                        "folder (default: reports/<name>.html or reports/<folder>-<time>/)")
    parser.add_argument("--force", action="store_true",
                        help="overwrite an existing report instead of adding a suffix")
    parser.add_argument("--json", action="store_true",
                        help="print the full evaluation as JSON instead of the summary")
    parser.add_argument("--no-report", action="store_true", help="do not write HTML reports")
    parser.add_argument("--calibration", metavar="FILE",
                        help="calibration (from 'evaluate calibrate') that maps features to "
                             "marks; 'none' for the rubric's own formula (default: the "
                             "rubric's calibration field, else <rubric id>.calibration.json "
                             "beside the rubric file, if there is one)")
    parser.add_argument("--jobs", type=int, default=0, metavar="N",
                        help="parallel workers for a batch (default: all cores)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, summary only")
    parser.add_argument("--traceback", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=_version())
    return parser


def run() -> int:
    """The `evaluate` program: `main` on the command line, then a quick exit."""
    status = main()
    # On exit Python's last garbage collections would walk every object of scikit-learn,
    # SciPy and NLTK (0.1-0.2 s). All is freed with the process all the same: skip them.
    import gc

    gc.freeze()
    return status


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of exiting."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        return _subcommand(argv[0], argv[1:])
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return ExitStatus.OK if exc.code == 0 else ExitStatus.USAGE
    try:
        if args.jobs < 0:
            parser.print_usage(sys.stderr)
            print("evaluate: error: --jobs must be 0 (all cores) or more", file=sys.stderr)
            return ExitStatus.USAGE
        paths = [Path(p) for p in args.paths]
        if len(paths) == 1 and not paths[0].is_dir() and not any(c in args.paths[0] for c in "*?["):
            return _single(args, paths[0])
        from .batch import run_batch

        args.catalogue = catalogue_of(args)
        return run_batch(args)
    except KeyboardInterrupt:
        print("evaluate: interrupted", file=sys.stderr)
        return ExitStatus.CTRL_C
    except BrokenPipeError:    # output piped into `head` and closed: not an error of ours
        _silence_stdout()
        return ExitStatus.OK
    except Exception as exc:   # the last line of defence: one clear line, no traceback
        return _report_error(exc, args.traceback)


def _single(args, path: Path) -> int:
    from .batch.rubrics import RubricLibrary, choose_for_answer, folder_rubric
    from .catalogue import Catalogue
    from .errors import EvaluatorError
    from .reading import read_answer

    try:
        answer = read_answer(path)
    except EvaluatorError as exc:
        print(f"evaluate: error: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    for warning in answer.warnings:
        print(f"evaluate: warning: {warning}", file=sys.stderr)
    printed = len(answer.warnings)
    given, source = given_rubric(args)
    # the same choice as a batch makes: --rubric, the Rubric: line, evaluate.toml, automatic
    catalogue = Catalogue() if given is not None else catalogue_of(args)

    def automatic(text: str):
        from .selection import RubricIndex

        index, problems = RubricIndex.of_catalogue(catalogue)
        for problem in problems:
            print(f"evaluate: warning: {problem}", file=sys.stderr)
        return index.choose(text)

    try:
        answer, rubric, how = choose_for_answer(
            path, answer, given=given, given_source=source, library=RubricLibrary(catalogue),
            folder=None if given is not None else folder_rubric(path, {}), choose=automatic)
    except EvaluatorError as exc:
        print(f"evaluate: error: {path}: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    for warning in answer.warnings[printed:]:       # what the choice found to warn about
        print(f"evaluate: warning: {warning}", file=sys.stderr)
    choice = {"--rubric": "", "--model-answer": "built from the model answer"}.get(
        how["source"], how["choice"])
    from .engine import Evaluator

    found = find_calibration(args, rubric)
    for warning in found.warnings:
        print(f"evaluate: warning: {warning}", file=sys.stderr)
    target = None
    if not args.no_report:
        target = Path(args.out) if args.out else Path("reports") / f"{answer.name}.html"
        if target.is_dir():
            target = target / f"{answer.name}.html"
        if target.exists() and Path(path).exists() and os.path.samefile(target, path):
            raise _usage(f"--out {target} is the answer itself; give the report another name")
    evaluator = Evaluator(rubric, calibration=found.calibration)
    evaluation = evaluator.evaluate(answer, rubric_choice=choice)
    report_path = None
    if target is not None:
        from .report import render_report, write_new

        report_path = write_new(target, render_report(evaluation), force=args.force)
    if args.json:
        data = evaluation.to_dict()
        data["report"] = str(report_path) if report_path else None
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(summary(evaluation, path, report_path, calibration=found.describe()))
    return ExitStatus.OK


def catalogue_of(args):
    """The catalogue of --rubrics-dir, $ANSWER_EVALUATOR_RUBRICS, ./rubrics and the shipped
    library, discovered once per command; its notices are printed to stderr."""
    if getattr(args, "catalogue", None) is None:
        from .commands import discover_catalogue

        args.catalogue = discover_catalogue(getattr(args, "rubrics_dir", None) or [],
                                            prog="evaluate")
    return args.catalogue


def given_rubric(args):
    """(the rubric given on the command line: --model-answer or --rubric ID_OR_FILE, or
    None; how it was given)."""
    if args.model_answer:
        from .model_answer import rubric_from_model_answer
        from .reading import read_answer

        if not (args.question or "").strip():
            raise _usage("--model-answer needs --question \"...\"")
        if args.rubric:
            raise _usage("give --model-answer or --rubric, not both")
        model = read_answer(args.model_answer)
        return rubric_from_model_answer(args.question, model.text), "--model-answer"
    if args.rubric:
        from .catalogue import Catalogue, looks_like_path

        catalogue = Catalogue() if looks_like_path(args.rubric) else catalogue_of(args)
        return catalogue.get(args.rubric), "--rubric"
    return None, ""


def load_calibration(args, rubric):
    """The calibration named by --calibration ('none': no calibration), else by the rubric,
    else <rubric id>.calibration.json beside the rubric file, or None."""
    return find_calibration(args, rubric).calibration


def find_calibration(args, rubric):
    """`teacher_marks.find_calibration` for --calibration: the calibration and its source."""
    from .teacher_marks import find_calibration as find

    return find(rubric, getattr(args, "calibration", None))


def summary(evaluation, path: Path, report_path: Path | None, *,
            calibration: str = "") -> str:
    """A few lines for the terminal."""
    from .models import Coverage

    def names(state):
        return ", ".join(d.title + (" (only touched)" if d.touched else "")
                         for d in evaluation.dimensions if d.state is state) or "none"

    lines = [
        f"{path}: {evaluation.marks:g}/{evaluation.max_marks} marks "
        f"(rubric {evaluation.rubric_id}{'; ' + evaluation.rubric_choice if evaluation.rubric_choice else ''})",
        f"  words: {evaluation.length.counted_words}/{evaluation.length.limit}",
        f"  covered: {names(Coverage.COVERED)}",
        f"  partly covered: {names(Coverage.PARTLY)}",
        f"  missing: {names(Coverage.MISSING)}",
    ]
    first = evaluation.suggestions[0].text if evaluation.suggestions else None
    # a flag that is also the first thing to do is said once, as the thing to do
    lines += [f"  flag: {f.message}" for f in evaluation.flags if f.message != first]
    if evaluation.breakdown is not None:     # a required key element missing caps the marks
        lines += [f"  capped: {line.reason}" for line in evaluation.breakdown.lines
                  if line.code == "required"]
    if first is not None:
        lines.append(f"  first thing to do: {first}")
    step = evaluation.breakdown.calibration if evaluation.breakdown is not None else None
    if step is not None:
        from .marking import words_reason

        lines.append(f"  calibration: {calibration or step.name}: formula "
                     f"{step.scheme_marks:.1f}, calibration predicts {step.predicted:.1f}"
                     f"{words_reason(step.words)} (at most {step.cap:.1f})")
    if report_path:
        lines.append(f"  report: {report_path}")
    return "\n".join(lines)


class _UsageError(Exception):
    pass


def _usage(message: str) -> _UsageError:
    return _UsageError(message)


def _report_error(exc: Exception, traceback: bool) -> int:
    from .errors import EvaluatorError

    if traceback:
        raise exc
    if isinstance(exc, _UsageError):
        print(f"evaluate: error: {exc}", file=sys.stderr)
        return ExitStatus.USAGE
    if isinstance(exc, EvaluatorError):
        print(f"evaluate: error: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"evaluate: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    print(f"evaluate: internal error: {type(exc).__name__}: {exc} (run with --traceback "
          "and report it)", file=sys.stderr)
    return ExitStatus.SOME_FAILED


def _subcommand(name: str, argv: list[str]) -> int:
    import importlib

    module = importlib.import_module(f".commands.{name}", __package__)
    try:
        return module.main(argv)
    except KeyboardInterrupt:
        print("evaluate: interrupted", file=sys.stderr)
        return ExitStatus.CTRL_C
    except BrokenPipeError:    # `evaluate questions | head`: not an error of ours
        _silence_stdout()
        return ExitStatus.OK
    except Exception as exc:
        return _report_error(exc, "--traceback" in argv)


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _version() -> str:
    from . import __version__

    return f"evaluate {__version__}"
