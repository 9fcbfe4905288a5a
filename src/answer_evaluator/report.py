"""Render an Evaluation as one self-contained HTML page (inline CSS and SVG, no scripts).

One Jinja2 environment with autoescaping switched on explicitly: `select_autoescape()`
would not escape templates named `*.html.j2`, and answer text must never become markup.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from .models import Coverage, Evaluation, SentenceFeedback


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader(__package__, "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      bytecode_cache=_compiled_templates())
    env.filters["marks"] = lambda value: f"{value:g}"
    env.filters["percent"] = lambda value: f"{100 * value:.0f}%"
    return env


def _compiled_templates():
    """Jinja2's cache of compiled templates (in a private folder of the system's temporary
    folder, checked against each template's source), as Python caches bytecode: it saves
    compiling the templates at each start. None where no such folder can be made."""
    from jinja2 import FileSystemBytecodeCache

    class QuietCache(FileSystemBytecodeCache):
        """A cache that can only save time: any error reading or writing it is ignored."""

        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, ValueError, EOFError):
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    try:
        return QuietCache()
    except (OSError, RuntimeError):
        return None


def render_report(evaluation: Evaluation, *, rubric_titles: dict[str, str] | None = None) -> str:
    """The feedback report of one evaluation, as HTML text."""
    titles = rubric_titles or {d.dimension_id: d.title for d in evaluation.dimensions}
    colours = {d.dimension_id: _PALETTE[i % len(_PALETTE)]
               for i, d in enumerate(evaluation.dimensions)}
    paragraphs: dict[int, list] = {}
    for sentence in evaluation.sentences:
        paragraphs.setdefault(sentence.paragraph, []).append(
            {"sentence": sentence, "segments": segments(sentence)})
    point_sentences = {p.point_id: evaluation.sentences[p.sentence_index].text
                       for p in evaluation.points if p.sentence_index is not None}
    return environment().get_template("answer.html.j2").render(
        e=evaluation, titles=titles, colours=colours, paragraphs=list(paragraphs.values()),
        point_sentences=point_sentences, Coverage=Coverage,
        gauge=_gauge(evaluation.marks, evaluation.max_marks))


def segments(sentence: SentenceFeedback) -> list[tuple[str, bool]]:
    """The sentence cut into (text, is_keyword) pieces, for highlighting without markup."""
    pieces, cursor = [], 0
    for start, end in sorted(sentence.highlights):
        if start < cursor:
            continue
        if start > cursor:
            pieces.append((sentence.text[cursor:start], False))
        pieces.append((sentence.text[start:end], True))
        cursor = end
    if cursor < len(sentence.text):
        pieces.append((sentence.text[cursor:], False))
    return pieces


def write_new(path: Path, content: str, *, force: bool = False,
              suffix: bool = True) -> Path | None:
    """Write `content` to `path`, or, if it exists and not `force`, to the first free name
    with a -2, -3 ... suffix (or, with `suffix=False`, nowhere: None). The file appears whole
    or not at all (temporary file, then link or rename), and an existing file is never
    replaced unless `force`."""
    data = content.encode("utf-8")
    try:
        temporary, handle = _temporary_beside(path)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary, handle = _temporary_beside(path)
    placed = False
    try:
        with open(handle, "wb") as out:
            out.write(data)
        if force:
            os.replace(temporary, path)
            placed = True
            return path
        number = 1
        while True:
            target = path if number == 1 else path.with_name(
                f"{path.stem}-{number}{path.suffix}")
            try:
                os.link(temporary, target)      # fails if the name is taken: no overwrite
                return target
            except FileExistsError:
                if not suffix:
                    return None
                number += 1
    finally:
        if not placed:
            os.unlink(temporary)


_BINARY = getattr(os, "O_BINARY", 0)     #: Windows: no newline translation


def _temporary_beside(path: Path) -> tuple[Path, int]:
    """A new hidden file next to `path`, open for writing, with the permissions open()
    would give (0666 less the umask)."""
    while True:
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            return temporary, os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
        except FileExistsError:
            continue


def _gauge(marks: float, maximum: int) -> dict:
    share = max(0.0, min(1.0, marks / maximum)) if maximum else 0.0
    return {"share": share, "dash": round(share * 282.74, 2), "rest": round(282.74, 2)}


_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
            "#e377c2", "#7f7f7f", "#bcbd22", "#393b79", "#637939")
