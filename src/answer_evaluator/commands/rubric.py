"""`evaluate rubric check|draft|show`: lint rubrics, draft one from a source, render one as HTML.

    evaluate rubric check FILE_OR_FOLDER... [--strict]
    evaluate rubric draft SOURCE.txt --question "..." [--marks 15 --words 250] -o rubrics/new.toml [--force]
    evaluate rubric show FILE_OR_ID [-o reports/rubric-ID.html] [--force]

Exit codes: 0 fine (check: warnings only, unless --strict), 1 errors (or warnings with
--strict; a rubric that cannot be drafted or shown), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import parse, usage_error, whole_number
from ..rubric import MAX_MARKS_LIMIT, WORD_LIMIT_LIMIT
from ..status import ExitStatus


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evaluate rubric", description="Check, draft and show rubrics.")
    commands = parser.add_subparsers(dest="command", metavar="check|draft|show")

    check = commands.add_parser(
        "check", help="validate and lint rubric files",
        description="Validate rubrics and warn about ones that load but mark badly. Prints "
                    "FILE:LINE: error|warning: FIELD: MESSAGE per finding. Exit 1 on errors "
                    "(and on warnings with --strict).")
    check.add_argument("paths", nargs="+", metavar="FILE", help="rubric file(s) or folder(s), "
                                                               "or ids of the library")
    check.add_argument("--strict", action="store_true", help="warnings fail the check too")
    check.add_argument("--quiet", action="store_true", help="no summary line")

    draft = commands.add_parser(
        "draft", help="draft a rubric from a source article or model answer",
        description="Draft a commented rubric from a source text, for a teacher to review.")
    draft.add_argument("source", metavar="SOURCE.txt", help="article or model answer")
    draft.add_argument("--question", required=True, help="the question, with its directive word")
    draft.add_argument("--marks", type=whole_number(1, MAX_MARKS_LIMIT), default=None,
                       help="maximum marks (default 15, or from --words: 150 -> 10)")
    draft.add_argument("--words", type=whole_number(1, WORD_LIMIT_LIMIT), default=None,
                       help="word limit (default from the marks: 10 -> 150, 15 -> 250)")
    draft.add_argument("-o", "--output", required=True, metavar="FILE",
                       help="rubric file to write; its name is the rubric id")
    draft.add_argument("--force", action="store_true", help="overwrite an existing file")

    show = commands.add_parser(
        "show", help="render a rubric as an HTML page",
        description="Render a rubric as one self-contained HTML page for review.")
    show.add_argument("path", metavar="FILE_OR_ID", help="rubric file, or the id of a rubric "
                                                        "of the library")
    show.add_argument("-o", "--output", metavar="FILE",
                      help="HTML file (default reports/rubric-<id>.html)")
    show.add_argument("--force", action="store_true",
                      help="overwrite an existing page instead of adding a suffix")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, status = parse(parser, argv)
    if args is None:
        return status
    if args.command is None:
        return usage_error(parser, "say check, draft or show")
    return {"check": check, "draft": draft, "show": show}[args.command](args)


# ----------------------------------------------------------------------------- check


def rubric_files(paths) -> list[Path]:
    """Files as given; folders give their *.toml files, sorted."""
    from ..errors import EvaluatorError
    from ..rubric import find_rubrics

    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if not path.exists():
            try:
                path = library_path(str(name))
            except EvaluatorError:
                pass                  # the check says "no such rubric file"
        files.extend(find_rubrics(path) if path.is_dir() else [path])
    return files


def library_path(name: str) -> Path:
    """The file of a rubric named by a path, or by its id in the library (catalogue.py:
    ./rubrics, then the shipped library); RubricNotFound, with "did you mean", if neither."""
    from ..catalogue import Catalogue, looks_like_path

    if Path(name).exists() or looks_like_path(name):
        return Path(name)
    return Catalogue.discover().find(name).path


def check(args) -> int:
    from ..lint import lint_rubric, summary

    files = rubric_files(args.paths)
    if not files:
        print("evaluate rubric check: error: no rubric files (*.toml) in "
              + ", ".join(args.paths), file=sys.stderr)
        return ExitStatus.SOME_FAILED
    results = {}
    for path in files:
        results[path] = findings = lint_rubric(path)
        for finding in findings:
            print(finding.format())
    if not args.quiet:
        print(summary(results), file=sys.stderr)
    errors = any(f.is_error for fs in results.values() for f in fs)
    warnings = any(not f.is_error for fs in results.values() for f in fs)
    return ExitStatus.SOME_FAILED if errors or (args.strict and warnings) else ExitStatus.OK


# ----------------------------------------------------------------------------- draft


def draft(args) -> int:
    from ..draft import draft_rubric
    from ..errors import EvaluatorError
    from ..lint import UPSC_WORD_LIMITS, expected_words, lint_text
    from ..reading import read_answer
    from ..rubric import _ID

    target = Path(args.output)
    if target.suffix != ".toml":
        return _usage(f"the output must be a .toml file, got '{target}'")
    if not _ID.match(target.stem):
        return _usage(f"the output's name '{target.stem}' is the rubric id: use lower-case "
                      "letters, digits, '-' and '_' (e.g. rubrics/india-japan-draft.toml)")
    if target.exists() and not args.force:
        print(f"evaluate rubric draft: error: {target} exists; choose another name or add "
              "--force to overwrite it", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    marks, words = args.marks, args.words
    if marks is None:
        marks = next((m for m, (low, _) in UPSC_WORD_LIMITS.items() if low == words), 15) \
            if words else 15
    if words is None:
        expected = expected_words(marks)
        words = expected[0] if expected else 15 * marks
    if marks <= 0 or words <= 0:
        return _usage("--marks and --words must be positive")
    try:
        source = read_answer(args.source)
        text = draft_rubric(source.text, args.question, marks, words, target.stem,
                            source_name=Path(args.source).name)
    except EvaluatorError as exc:
        print(f"evaluate rubric draft: error: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    from ..report import write_new

    written = write_new(target, text, force=args.force, suffix=False)
    if written is None:
        print(f"evaluate rubric draft: error: {target} appeared while drafting; not "
              "overwritten (add --force)", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    findings = lint_text(text, target)
    for finding in findings:
        print(finding.format())
    from ..rubric import parse_rubric

    rubric = parse_rubric(text, path=target)
    print(f"drafted {target}: {len(rubric.dimensions)} dimensions: "
          + "; ".join(d.title for d in rubric.dimensions), file=sys.stderr)
    print(f"next: review the lines marked TEACHER, then run: evaluate rubric check {target}",
          file=sys.stderr)
    return ExitStatus.SOME_FAILED if any(f.is_error for f in findings) else ExitStatus.OK


# ----------------------------------------------------------------------------- show


def render_rubric(rubric, findings=()) -> str:
    """The rubric as one self-contained HTML page (inline CSS, no scripts)."""
    from ..directives import DIRECTIVES
    from ..marking import marking_in_words
    from ..report import _PALETTE, environment
    from ..settings import settings_for

    total = sum(d.weight for d in rubric.dimensions) or 1.0
    colours = {d.dimension_id: _PALETTE[i % len(_PALETTE)]
               for i, d in enumerate(rubric.dimensions)}
    return environment().get_template("rubric.html.j2").render(
        r=rubric, directive=DIRECTIVES[rubric.directive], total=total, colours=colours,
        findings=list(findings), marking=marking_in_words(rubric, settings_for(rubric)))


def show(args) -> int:
    from ..errors import EvaluatorError
    from ..lint import lint_rubric
    from ..report import write_new
    from ..rubric import load_rubric

    try:
        path = library_path(args.path)
        rubric = load_rubric(path)
    except EvaluatorError as exc:
        print(f"evaluate rubric show: error: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    findings = [f for f in lint_rubric(path) if not f.is_error]
    target = Path(args.output) if args.output else Path("reports") / f"rubric-{rubric.rubric_id}.html"
    if target.is_dir():
        target = target / f"rubric-{rubric.rubric_id}.html"
    written = write_new(target, render_rubric(rubric, findings), force=args.force)
    print(f"{args.path}: {len(rubric.dimensions)} dimensions, {len(rubric.points)} model "
          f"points\n  page: {written}")
    return ExitStatus.OK


def _usage(message: str) -> int:
    print(f"evaluate rubric: error: {message}", file=sys.stderr)
    return ExitStatus.USAGE
