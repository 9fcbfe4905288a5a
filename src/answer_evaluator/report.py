"""Render an Evaluation as one self-contained HTML page (inline CSS and SVG, no scripts).

One Jinja2 environment with autoescaping switched on explicitly: `select_autoescape()`
would not escape templates named `*.html.j2`, and answer text must never become markup.
"""

from __future__ import annotations

import errno
import math
import os
import re
import secrets
from collections import Counter
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from .models import Coverage, DimensionScore, Evaluation, SentenceFeedback


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader(__package__, "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      bytecode_cache=_compiled_templates())
    env.filters["marks"] = lambda value: f"{value:g}"
    env.filters["percent"] = lambda value: f"{100 * value:.0f}%"
    env.filters["signed"] = signed
    env.filters["plural"] = plural
    return env


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 sentence", "2 sentences" (or `many` for an irregular plural)."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def signed(tenths: int) -> str:
    """A signed amount in tenths of a mark, as the breakdown shows it: "+1.5", "−4.8"."""
    sign = "−" if tenths < 0 else "+"
    return f"{sign}{abs(tenths) / 10:.1f}"


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
    """The feedback report of one evaluation, as one self-contained HTML page."""
    template, style = _answer_template(environment())
    return template.render(style=style, **feedback_context(evaluation, rubric_titles=rubric_titles))


def render_feedback(evaluation: Evaluation) -> Markup:
    """The report's body alone (templates/_answer_body.html.j2), for a page of its own that
    also carries `report_style()`: the practice studio shows each attempt's feedback with
    exactly the parts of the standalone report."""
    env = environment()
    return Markup(_feedback_template(env).render(**feedback_context(evaluation)))


def report_style() -> Markup:
    """The report's style sheet (a <style> element), rendered once."""
    return _answer_template(environment())[1]


@lru_cache(maxsize=4)
def _feedback_template(env):
    return env.get_template("_answer_body.html.j2")


def feedback_context(evaluation: Evaluation, *,
                     rubric_titles: dict[str, str] | None = None) -> dict:
    """What templates/_answer_body.html.j2 needs to show the feedback on one evaluation.

    The loops that run once a sentence, dimension or line of the breakdown are built here as
    markup (every piece of text through `_escape`), not in the template: a batch renders one
    report an answer, and Jinja's attribute lookups and filters in those loops were most of
    its time. The template keeps the page; `_sentence_markup`, `_dimension_markup` and
    `_breakdown_items` give exactly the text its loops gave, whitespace included."""
    titles = rubric_titles or {d.dimension_id: d.title for d in evaluation.dimensions}
    colours = {d.dimension_id: _PALETTE[i % len(_PALETTE)]
               for i, d in enumerate(evaluation.dimensions)}
    paragraphs: dict[int, list] = {}
    for sentence in evaluation.sentences:
        paragraphs.setdefault(sentence.paragraph, []).append(
            _sentence_markup(sentence, colours, titles))
    suggestions = [_split_suggestion(s.text) + (s.gain,) for s in evaluation.suggestions]
    advised = {d.dimension_id for d in evaluation.dimensions
               if any(f"'{d.title}'" in s.text for s in evaluation.suggestions)}
    shown = {s.text for s in evaluation.suggestions}
    view = breakdown_view(evaluation)
    explained = {f.code for f in evaluation.flags if f.code in _FLAG_LINES and view
                 and any(row["line"].code == _FLAG_LINES[f.code] for row in view["lines"])}
    # the warnings above everything: flags that neither a suggestion nor a line of the
    # breakdown already gives in words, and any off-topic warning, first
    alerts = sorted((f for f in evaluation.flags if f.code == "off-topic"
                     or (f.message not in shown and f.code not in explained)),
                    key=lambda f: f.code != "off-topic")
    return dict(
        e=evaluation, paragraphs=list(paragraphs.values()),
        breakdown=view, breakdown_items=_breakdown_items(view) if view else (),
        suggestions=suggestions, off_topic=any(f.code == "off-topic" for f in alerts),
        alerts=alerts, alert_labels=_ALERT_LABELS,
        tally=tally(evaluation),
        details=[_dimension_markup(item, colours, advised)
                 for item in _dimension_details(evaluation)],
        length_shown=evaluation.length.verdict in shown | {f.message for f in alerts},
        gauge=_gauge(evaluation.marks, evaluation.max_marks))


@lru_cache(maxsize=4)
def _answer_template(env):
    """The answer template of `env` and its style sheet, rendered once (it is static text):
    fetched afresh each report, they were checked against their files and the sheet
    rendered again each time."""
    return (env.get_template("answer.html.j2"),
            Markup(env.get_template("_style.css.j2").render()))


#: a coverage state -> (its class in the report, its symbol, its words)
_STATES = {Coverage.COVERED: ("covered", "✓", "covered"),
           Coverage.PARTLY: ("partly", "◐", "partly covered"),
           Coverage.MISSING: ("missing", "✗", "missing")}
#: a missing dimension the answer touches (`DimensionScore.touched`) is shown apart
TOUCHED = ("missing touched", "◔", "only touched")
#: the states the report shows, in the tally's order, with the tally's word for each
_TALLY = ((_STATES[Coverage.COVERED], "covered"), (_STATES[Coverage.PARTLY], "partly"),
          (TOUCHED, "touched"), (_STATES[Coverage.MISSING], "missing"))


def shown_state(d: DimensionScore) -> tuple[str, str, str]:
    """(class, symbol, words) of a dimension as the report shows it: its coverage state, or
    "only touched" for a missing dimension the answer touches."""
    return TOUCHED if d.touched else _STATES[d.state]


def _sentence_markup(s: SentenceFeedback, colours: dict[str, str],
                     titles: dict[str, str]) -> str:
    """One sentence of "Your answer, sentence by sentence": its number, its text with the
    keywords highlighted, and its tags (the dimensions it serves, its flags)."""
    number = s.index + 1
    out = [f'      <p class="sentence {_escape(s.kind)}{"" if s.dimension_ids else " unserved"}"'
           f' id="s{number}">\n        <span class="num">{number}</span>\n']
    for text, is_keyword in segments(s):
        out.append(f"<mark>{_escape(text)}</mark>" if is_keyword else _escape(text))
    out.append('        <span class="tags">\n')
    for d in s.dimension_ids:
        colour = _escape(colours[d])
        out.append(f'<span class="tag" style="border-color: {colour}; color: {colour}">'
                   f'{_escape(titles[d])}</span>')
    if not s.dimension_ids and s.kind != "heading":
        out.append('<span class="tag none">serves no dimension</span>')
    for flag in s.flags:
        out.append(f'<span class="tag warn">{_escape(flag)}</span>')
    out.append("        </span>\n      </p>\n")
    return Markup("".join(out))


def _dimension_markup(item: dict, colours: dict[str, str], advised: set[str]) -> str:
    """One dimension of "Each dimension": the points made and not made, the keywords used
    and missing, and the advice unless a suggestion gives it."""
    d = item["d"]
    state, symbol, words = shown_state(d)
    out = [f'  <div class="dimension {state}" id="dim-{_escape(d.dimension_id)}" '
           f'style="border-left-color: {_escape(colours[d.dimension_id])}">\n'
           f'    <h4><span class="state {state}">{symbol} {_escape(words)}</span> '
           f'{_escape(d.title)}</h4>\n    <ul class="points">\n']
    for p in item["points"]:
        made = p["made"]
        out.append(f'      <li class="{_escape(made.replace(" ", "-"))}"><span class="made">'
                   f'{_escape(made.capitalize())}</span>')
        if p["sentence"] is not None:
            number = p["sentence"] + 1
            out.append(f' in <a href="#s{number}">sentence {number}</a>')
        out.append(f": {_escape(p['text'])}")
        if p["line"]:
            out.append(f' <span class="line">(rubric line {_escape(p["line"])})</span>')
        out.append("</li>\n")
    out.append('    </ul>\n    <p class="keywords"><strong>Keywords used:</strong>\n')
    found = item["found"]
    for n, k in enumerate(found, 1):
        out.append(f'<span class="keyword">{_escape(k.text)}')
        if k.found and str(k.found).lower() != str(k.text).lower():
            out.append(f" (as “{_escape(k.found)}”)")
        out.append("</span>, " if n < len(found) else "</span>")
    if not found:
        out.append("none")
    out.append("</p>\n")
    if d.missing_terms:
        out.append('<p class="keywords"><strong>Keywords missing:</strong> '
                   f'{_escape(", ".join(map(str, d.missing_terms[:6])))}</p>')
    if d.state is not Coverage.COVERED and d.dimension_id not in advised:
        out.append(f'<p class="advice"><strong>To gain here:</strong> {_escape(d.advice)}</p>')
    out.append("  </div>\n")
    return Markup("".join(out))


def tally(evaluation: Evaluation) -> str:
    """The line over the breakdown's dimensions: how many are in each state the report shows
    ("✓ 2 covered · ◔ 1 touched · ✗ 3 missing"; states no dimension is in are left out, so
    the line fits a phone's width), then how the marks count them (`scheme_note`)."""
    shown = Counter(shown_state(d) for d in evaluation.dimensions)
    parts = [f"{state[1]} {shown[state]} {word}" for state, word in _TALLY if shown[state]]
    note = scheme_note(evaluation)
    return "Dimensions: " + " · ".join(parts + ([note] if note else []))


def scheme_note(evaluation: Evaluation) -> str:
    """How the dimensions become marks, where it is not every dimension by its weight: the
    words after the report's tally of dimensions ("" under the weights and marks schemes)."""
    b = evaluation.breakdown
    if b is None:
        return ""
    many = len(b.dimensions)
    if b.scheme == "best":
        return f"the best {b.full_marks_at:g} of {many} earn the marks"
    if b.scheme == "count":
        return f"any {b.full_marks_at:g} of {many} made earn full marks"
    if b.scheme == "bands":
        return "the marks follow how many are made"
    return ""


def _breakdown_items(view: dict) -> list[str]:
    """The lines of "How the marks add up" before the total: one a dimension (its marks of
    what it can earn, its state, its short title), then the other parts with their reasons."""
    out = []
    for row in view["dimensions"]:
        d, tenths = row["d"], row["tenths"]
        state, symbol, words = row["shown"]
        value = _escape(words)
        out.append(f'    <li class="dim {state}"><span class="amount"><span class="part" '
                   f'data-tenths="{tenths}">{_escape(signed(tenths))}</span><span class="of">of '
                   f'{row["available"] / 10:.1f}</span></span><span class="state {state}" '
                   f'title="{value}">{symbol}<span class="visually-hidden"> {value}:</span>'
                   f'</span> <span class="title" title="{_escape(d.title)}">'
                   f'{_escape(row["short"])}</span></li>\n')
    for row in view["lines"]:
        tenths = row["tenths"]
        out.append(f'    <li class="line {"plus" if tenths > 0 else "minus"} '
                   f'{_escape(row["line"].code)}"><span class="amount"><span class="part" '
                   f'data-tenths="{tenths}">{_escape(signed(tenths))}</span><span class="of">'
                   f'</span></span><strong>{_escape(row["line"].label)}:</strong> '
                   f'<span class="why">{_escape(row["reason"])}</span></li>\n')
    return [Markup(line) for line in out]


def _escape(value) -> str:
    """`value` as HTML text, exactly as the template's autoescaping gives it (markupsafe's
    `escape`), but as a plain string: the builders above join many pieces, and each piece
    made a Markup object of its own was the dearest part of them."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return (str(value).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


def breakdown_view(evaluation: Evaluation) -> dict | None:
    """The breakdown as the report shows it: every part in tenths of a mark, rounded so that
    the figures shown add up exactly to the marks (largest remainders), each dimension's
    marks of what it can earn, then the other components, deductions and caps with their
    reasons. Parts shown as 0.0 other than dimensions are left out. None without one."""
    b = evaluation.breakdown
    if b is None:
        return None
    lines = list(b.lines)
    available = _apportion([d.available for d in b.dimensions],
                           round(sum(d.available for d in b.dimensions) * 10))
    # a dimension earning all it can shows the same figure twice ("1.7 of 1.7"); the other
    # parts share what is left of the marks
    full = {i: a for i, (d, a) in enumerate(zip(b.dimensions, available))
            if d.available > 0 and abs(d.marks - d.available) < 1e-9}
    values = [d.marks for d in b.dimensions] + [line.marks for line in lines]
    share = iter(_apportion([v for i, v in enumerate(values) if i not in full],
                            round(evaluation.marks * 10) - sum(full.values())))
    parts = [full[i] if i in full else next(share) for i in range(len(values))]
    scores = {d.dimension_id: d for d in evaluation.dimensions}
    dimensions = [{"d": d, "tenths": t, "available": a, "short": short_title(d.title),
                   "shown": shown_state(scores[d.dimension_id])}
                  for d, t, a in zip(b.dimensions, parts, available)]
    flags = {f.code: f.message for f in evaluation.flags}
    shown_lines = [{"line": line, "tenths": t, "reason": _reason(line, flags)}
                   for line, t in zip(lines, parts[len(b.dimensions):]) if t != 0]
    # the same proviso on consecutive lines (structure, directive) is said once, on the last
    for row, after in zip(shown_lines, shown_lines[1:]):
        head, _, proviso = row["reason"].partition("; ")
        if proviso and after["reason"].endswith("; " + proviso):
            row["reason"] = head
            after["reason"] = after["reason"][:-len(proviso)] + _SHARED_PROVISO.get(
                proviso, "both " + proviso.replace("it counts", "count"))
    return {"dimensions": dimensions, "lines": shown_lines,
            "content": sum(parts[:len(b.dimensions)]),
            "content_available": sum(available),
            "total": round(evaluation.marks * 10), "calibration": b.calibration}


#: a proviso two lines share, said once in fewer words
_SHARED_PROVISO = {"it counts in full only once the answer has content":
                   "both need content to count in full"}


def short_title(title: str) -> str:
    """A dimension's title up to its colon ("Economic foundation" for "Economic foundation:
    ODA, investment, trade and infrastructure"), for the breakdown's one line a dimension."""
    head = title.split(": ", 1)[0]
    return head if len(head) >= 8 else title


def _apportion(values: list[float], total: int) -> list[int]:
    """`values` in tenths, rounded to whole tenths that sum to `total`: each rounded down,
    then the largest remainders rounded up (or, if `total` asks for less, the smallest
    remainders rounded down) until the sum is right."""
    if not values:
        return []
    scaled = [10 * v for v in values]
    floors = [math.floor(v + 1e-9) for v in scaled]
    spare = total - sum(floors)
    by_remainder = sorted(range(len(values)), key=lambda i: floors[i] - scaled[i])
    step = 1 if spare > 0 else -1
    order = by_remainder if spare > 0 else by_remainder[::-1]
    for n in range(abs(spare)):
        floors[order[n % len(order)]] += step
    return floors


_ALERT_LABELS = {"off-topic": "Off the question", "repeats-question": "Repeats the question",
                 "repeated": "Repetition", "word-order": "Word order",
                 "keyword-list": "Keywords, not sentences"}

#: flag code -> the line of the breakdown whose reason it is (other flags are warnings)
_FLAG_LINES = {"keyword-list": "fluency", "word-order": "fluency", "repeated": "repetition",
               "over-length": "length", "too-short": "length"}


def _reason(line, flags: dict[str, str]) -> str:
    """A line's reason in the report: the flag that explains it where there is one (the
    fragments and repetition lines; off the question: the warning above), the word limit's
    verdict cut to "Too short" or "Over the limit" (the words are in the header, the advice
    in the suggestions)."""
    reason = line.reason
    for code, target in _FLAG_LINES.items():
        if target == line.code and code in flags and target != "length":
            reason = re.split(r"; ", flags[code], maxsplit=1)[0]
            break
    if line.code == "off-subject" and "off-topic" in flags:
        reason = "see the warning above"           # which says what the answer is about
    if line.code == "length":
        reason = re.split(r"[:;] |\. ", reason, maxsplit=1)[0]
    return reason[:1].upper() + reason[1:]


_DIMENSION_ADVICE = re.compile(r"((?:Add|Develop|Strengthen) '.+?'): (.+)", re.S)


def _split_suggestion(text: str) -> tuple[str, str]:
    """(headline, the rest) of a suggestion: "Add 'Title'" and its advice, or the first
    clause and what follows it."""
    match = _DIMENSION_ADVICE.fullmatch(text)
    if match is None:
        match = (re.fullmatch(r"(.{12,160}?[.;])\s+(.+)", text, re.S)
                 or re.fullmatch(r"(.{6,80}?:)\s+(.+)", text, re.S))
    if match is None:
        return text, ""
    head, rest = match.group(1).rstrip(";:"), match.group(2)
    return head, rest[:1].upper() + rest[1:]


#: A model point's coverage (0..1) from which the report calls it made, not partly made.
POINT_MADE_COVERAGE = 0.75


def _dimension_details(evaluation: Evaluation) -> list[dict]:
    """Per dimension: the model points made (with the sentence that made each and its rubric
    line), the points not made, the keywords found and those missing."""
    marks = {d.dimension_id: d for d in (evaluation.breakdown.dimensions
                                         if evaluation.breakdown else ())}
    out = []
    for d in evaluation.dimensions:
        evidence = marks[d.dimension_id].evidence if d.dimension_id in marks else ()
        lines = {e.text: e.line for e in evidence if e.kind == "point"}
        points = [{"text": p.text, "sentence": p.sentence_index, "line": lines.get(p.text),
                   "made": _point_made(p, d.touched)}
                  for p in evaluation.points if p.dimension_id == d.dimension_id]
        found = [e for e in evidence if e.kind == "keyword"]
        if not evidence:
            found = [_Term(t) for t in d.matched_terms]
        out.append({"d": d, "points": points, "found": found,
                    "made": sum(1 for p in points if p["sentence"] is not None)})
    return out


def _point_made(point, touched: bool) -> str:
    """How far a model point is made, in the report's words. In a dimension the answer only
    touches, a point it partly makes, or echoes too faintly to name a sentence, is "touched"."""
    if point.sentence_index is not None and point.coverage >= POINT_MADE_COVERAGE:
        return "made"
    if touched and point.coverage > 0:
        return "touched"
    return "partly made" if point.sentence_index is not None else "not made"


class _Term:
    """A keyword found, where the evaluation carries no evidence for it."""

    kind = "keyword"
    line = None
    sentence_index = None
    found = ""

    def __init__(self, text: str):
        self.text = text


def segments(sentence: SentenceFeedback) -> list[tuple[str, bool]]:
    """The sentence cut into (text, is_keyword) pieces, for highlighting without markup.
    A highlight always covers whole words ("Keywords", "Japan's"), never part of one, and
    overlapping or touching highlights merge."""
    text = sentence.text
    spans = []
    for start, end in sorted(sentence.highlights):
        start, end = max(0, start), min(len(text), end)
        while start > 0 and _inside_word(text, start):
            start -= 1
        while end < len(text) and _inside_word(text, end):
            end += 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        elif start < end:
            spans.append((start, end))
    pieces, cursor = [], 0
    for start, end in spans:
        if start > cursor:
            pieces.append((text[cursor:start], False))
        pieces.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        pieces.append((text[cursor:], False))
    return pieces


def _inside_word(text: str, i: int) -> bool:
    """Whether a cut between text[i - 1] and text[i] would fall inside a word (letters and
    digits on both sides, or an apostrophe between them as in "Japan's")."""
    before, after = text[i - 1], text[i]
    if before.isalnum() and after.isalnum():
        return True
    if after in "'\u2019" and before.isalnum():
        return i + 1 < len(text) and text[i + 1].isalpha()
    if before in "'\u2019" and after.isalpha():
        return i >= 2 and text[i - 2].isalnum()
    return False


def write_new(path: Path, content: str, *, force: bool = False,
              suffix: bool = True) -> Path | None:
    """Write `content` to `path`, or, if it exists and not `force`, to the first free name
    with a -2, -3 ... suffix (or, with `suffix=False`, nowhere: None). The file appears whole
    or not at all (temporary file, then link or rename), and an existing file is never
    replaced unless `force`; what is not a regular file (a folder, a device, a pipe) never."""
    data = content.encode("utf-8")
    if force and os.path.exists(path) and not os.path.isfile(path):
        raise OSError(errno.EEXIST, "exists and is not a regular file, so it is not replaced",
                      str(path))
    try:
        try:
            temporary, handle = _temporary_beside(path)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary, handle = _temporary_beside(path)
    except OSError as exc:          # name the file asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from None
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
