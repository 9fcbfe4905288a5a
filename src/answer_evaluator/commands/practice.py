"""`evaluate practice`: the practice studio, a local web application to write answers with a
timer and a word count, get feedback, keep every attempt and see progress.

    evaluate practice [--host 127.0.0.1] [--port N] [--data DIR] [--rubrics-dir DIR]

Exit codes: 0 stopped cleanly (Ctrl-C), 1 the data folder, database or port cannot be
used, 2 usage error. See docs/studio.md.
"""

from __future__ import annotations

import argparse

from . import add_rubrics_dir, parse, usage_error


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evaluate practice",
        description="Start the practice studio in this computer's browser: choose a question, "
                    "write under a timer, get feedback, see history and progress. Prints the "
                    "URL to open (it carries the access token).")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this computer only)")
    parser.add_argument("--port", type=int, default=0,
                        help="port to listen on (default: a free one)")
    parser.add_argument("--data", metavar="DIR",
                        help="folder for the attempts database and the token (default: the "
                             "user's data folder)")
    add_rubrics_dir(parser, "folder of rubrics to offer as questions (repeatable; default: "
                            "the rubric catalogue)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, status = parse(parser, argv)
    if args is None:
        return status
    if not 0 <= args.port <= 65535:
        return usage_error(parser, "--port must be 0 (a free port) to 65535")
    from ..studio.server import serve

    return serve(host=args.host, port=args.port, data=args.data, rubric_dirs=args.rubrics_dir)
