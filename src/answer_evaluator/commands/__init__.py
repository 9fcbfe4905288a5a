"""Sub-commands of `evaluate` other than grading: each module has `main(argv) -> int`."""


def parse(parser, argv):
    """Parse `argv` (without the CLI-wide --traceback); returns (args, None), or (None, the
    exit status) when argparse printed help or a usage error."""
    import sys

    from ..status import ExitStatus

    argv = [a for a in (sys.argv[1:] if argv is None else argv) if a != "--traceback"]
    try:
        return parser.parse_args(argv), None
    except SystemExit as exc:
        return None, ExitStatus.OK if exc.code == 0 else ExitStatus.USAGE


def whole_number(low: int, high: int):
    """An argparse `type`: a whole number from `low` to `high`, else a usage error that
    says so ("--marks 100000" is refused before anything is drafted)."""
    import argparse

    def parse_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, got {value}")
        return value
    return parse_number


#: What --rubrics-dir means for a command that looks a rubric up by id.
RUBRICS_DIR_HELP = ("a folder of rubrics, looked in for a rubric given by id before ./rubrics "
                    "and the shipped library (repeatable; also $ANSWER_EVALUATOR_RUBRICS)")


def add_rubrics_dir(parser, help: str = RUBRICS_DIR_HELP) -> None:
    """The repeatable --rubrics-dir option every command that reads the catalogue takes."""
    parser.add_argument("--rubrics-dir", metavar="DIR", action="append", help=help)


def usage_error(parser, message: str) -> int:
    """Print the usage line and `<prog>: error: message`; the usage exit status."""
    import sys

    from ..status import ExitStatus

    parser.print_usage(sys.stderr)
    print(f"{parser.prog}: error: {message}", file=sys.stderr)
    return ExitStatus.USAGE


def discover_catalogue(dirs, *, prog: str):
    """`Catalogue.discover(dirs)`, with its notices printed to stderr: a file left out as a
    warning, an override as a note."""
    import sys

    from ..catalogue import Catalogue

    catalogue = Catalogue.discover(dirs)
    for notice in catalogue.notices:
        kind = "warning" if notice in catalogue.problems else "note"
        print(f"{prog}: {kind}: {notice}", file=sys.stderr)
    return catalogue
