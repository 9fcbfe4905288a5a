"""`evaluate questions`: the question library, listed, filtered and shown for practice.

    evaluate questions [--paper GS-II] [--directive discuss] [--marks 15] [--search TEXT] [--json]
    evaluate questions show ID [--json]

Reads only the catalogue (catalogue.py): no scikit-learn, no NLTK, so it starts at once.
Exit codes: 0 fine (also when no question matches), 1 an unknown id or a bad rubric folder,
2 usage error.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap

from . import add_rubrics_dir, discover_catalogue, parse, usage_error
from ..status import ExitStatus

PROG = "evaluate questions"


def _common(parser: argparse.ArgumentParser) -> None:
    add_rubrics_dir(parser, "a folder of your own rubrics, listed before ./rubrics and the "
                            "shipped library (repeatable; also $ANSWER_EVALUATOR_RUBRICS)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="List the questions of the library: previous-year UPSC Mains "
        "questions and current-affairs practice questions, each with its rubric. "
        "'evaluate questions show ID' prints one for practice on paper.",
        epilog="Rubrics are looked up in --rubrics-dir, then $ANSWER_EVALUATOR_RUBRICS, then "
               "./rubrics, then the shipped library; a rubric of yours with the id of a "
               "shipped one replaces it.")
    parser.add_argument("--paper", help="only this paper: GS-I, GS-II, GS-III, GS-IV (also "
                                        "'gs2', 'II', '2')")
    parser.add_argument("--directive", help="only questions with this directive word, e.g. "
                                            "discuss, 'critically analyse'")
    parser.add_argument("--marks", type=int, metavar="N", help="only N-mark questions (10, 15)")
    parser.add_argument("--search", metavar="TEXT",
                        help="only questions whose text, id, topic or source has every word "
                             "of TEXT (case does not matter)")
    _common(parser)
    return parser


def build_show_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} show", description="Print one question with its marks, word limit and "
        "the time the exam allows, to answer it on paper; then grade the answer with "
        "'evaluate answer.txt --rubric ID'.")
    parser.add_argument("id", metavar="ID", help="the question's rubric id (or a rubric file)")
    _common(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "show":
        parser = build_show_parser()
        args, status = parse(parser, argv[1:])
        return status if args is None else show(args)
    parser = build_parser()
    args, status = parse(parser, argv)
    if args is None:
        return status
    return list_questions(parser, args)


def list_questions(parser, args) -> int:
    from ..directives import DIRECTIVES, normalise_directive
    from ..errors import EvaluatorError, did_you_mean

    if args.directive and normalise_directive(args.directive) not in DIRECTIVES:
        return usage_error(parser, f"--directive '{args.directive}' is not a directive word"
                           f"{did_you_mean(normalise_directive(args.directive), DIRECTIVES)}"
                           "; one of: " + ", ".join(sorted(DIRECTIVES)))
    if args.marks is not None and args.marks <= 0:
        return usage_error(parser, "--marks must be a positive number of marks")
    try:
        catalogue = discover_catalogue(args.rubrics_dir or [], prog=PROG)
    except EvaluatorError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    chosen = catalogue.filter(paper=args.paper, directive=args.directive, marks=args.marks,
                              search=args.search)
    if args.json:
        print(json.dumps({"count": len(chosen), "questions": [q.to_dict() for q in chosen],
                          "folders": list(catalogue.folders),
                          "notices": list(catalogue.notices)}, indent=2, ensure_ascii=False))
        return ExitStatus.OK
    if not chosen:
        papers = sorted({q.paper for q in catalogue.questions if q.paper})
        print(f"No question matches (the library has {len(catalogue)}; papers: "
              f"{', '.join(papers) or 'none'}).")
        return ExitStatus.OK
    print(table(chosen))
    return ExitStatus.OK


def table(questions) -> str:
    """One header line per question (id, paper, marks, words, directive, year or source)
    and its text wrapped under it; a count by paper at the end."""
    width = max(60, min(shutil.get_terminal_size((100, 20)).columns, 120))
    id_width = max(len(q.rubric_id) for q in questions)
    lines = []
    for q in questions:
        lines.append(f"{q.rubric_id:<{id_width}}  {q.paper or '-':<6} {q.max_marks:>2} marks  "
                     f"{q.word_limit:>3} words  {q.directive:<18}  {_when(q, 36)}")
        lines += textwrap.wrap(q.question, width=width, initial_indent="    ",
                               subsequent_indent="    ")
    counts: dict[str, int] = {}
    for q in questions:
        counts[q.paper or "no paper"] = counts.get(q.paper or "no paper", 0) + 1
    lines.append("")
    lines.append(f"{len(questions)} question{'s' if len(questions) != 1 else ''} ("
                 + ", ".join(f"{paper}: {n}" for paper, n in counts.items()) + "). "
                 "'evaluate questions show ID' prints one for practice.")
    return "\n".join(lines)


def _when(question, limit: int) -> str:
    """'UPSC 2019' for a previous-year question, else its source, shortened."""
    if question.year is not None:
        return f"UPSC {question.year}"
    source = question.source or "practice question"
    return source if len(source) <= limit else source[:limit - 3].rstrip() + "..."


def show(args) -> int:
    from ..catalogue import Catalogue, looks_like_path
    from ..errors import EvaluatorError

    try:
        catalogue = (Catalogue() if looks_like_path(args.id) else
                     discover_catalogue(args.rubrics_dir or [], prog=PROG))
        question = catalogue.find(args.id)
    except EvaluatorError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return ExitStatus.SOME_FAILED
    if args.json:
        print(json.dumps(question.to_dict(), indent=2, ensure_ascii=False))
        return ExitStatus.OK
    print(practice_sheet(question))
    return ExitStatus.OK


def practice_sheet(question) -> str:
    """The question as it is set, with what the candidate needs to answer it on paper."""
    width = max(60, min(shutil.get_terminal_size((100, 20)).columns, 100))
    kind = (f"UPSC Mains {question.year}, previous-year question" if question.year is not None
            else "practice question")
    header = ", ".join(p for p in (question.paper, question.topic) if p)
    lines = [f"{question.rubric_id}  ({header}; {kind})" if header
             else f"{question.rubric_id}  ({kind})", ""]
    lines += textwrap.wrap(question.question, width=width)
    lines += [
        "",
        f"Marks: {question.max_marks}    Word limit: {question.word_limit} words    "
        f"Time: about {question.exam_minutes} minutes (as the exam allows)",
        f"Directive: {question.directive}",
    ]
    if question.source:
        lines += textwrap.wrap(f"Source: {question.source}", width=width,
                               subsequent_indent="  ")
    lines += [
        "",
        "Write your answer, then grade it:",
        f"  evaluate answer.txt --rubric {question.rubric_id}",
        f"  (or begin the file with the line 'Rubric: {question.rubric_id}')",
    ]
    return "\n".join(lines)
