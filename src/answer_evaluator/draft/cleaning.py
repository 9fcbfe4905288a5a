"""Source cleaning: boilerplate, headings and the practice question removed; each
sentence with its label, section heading and role (challenge, way forward)."""

from __future__ import annotations

import re

from ..directives import CONTRAST_WORDS
from .parts import SourceSentence

CHALLENGE_CUES = (" ".join(sorted(CONTRAST_WORDS)) + """ imbalance imbalances divergence
    divergences pressure pressures strain strains uneasy cautious barrier barriers obstacle
    obstacles bottleneck bottlenecks threat threats dependence""")
FORWARD_CUES = """way forward deepen enhance strengthen collaborate expand build set launch
    complete revise promote increase accelerate improve ensure create establish adopt invest
    reform reforms foster encourage prioritise prioritize should next steps recommendations
    co-chair"""

_BOILERPLATE = [re.compile(p, re.I) for p in (
    r"copyright|\u00a9|\(c\)\s*\d{4}|all rights? reserved|infringement",
    r"^\s*(picture|image|photo|graphic|figure)s?\s*(courtesy|credit|source)",
    r"^\s*(source|sources|reference|references|tags?|image|picture|photo|credits?)\s*[:|-]",
    r"^\s*(read more|also read|click here|subscribe|download|share this|follow us|"
    r"related (posts?|articles?))\b",
    r"^\s*(practice|mains|prelims|model|previous year)\s+(question|answer)s?\b",
    r"^\s*(q\s*[.:)]|question\s*[:.])",
    r"^\s*(https?://|www\.)\S*\s*$",
)]
_LABEL = re.compile(r"^([A-Za-z0-9][^:]{0,70}?):\s+(\S.*)$")
YEARS = re.compile(r"^\d{3,4}s?(\s*[-\u2013]\s*\d{2,4}s?)?$")


def clean_source(source_text: str, question: str) -> list[tuple[str, str, str]]:
    """(label, body, section) of each content line: boilerplate, headings, the practice
    question and word-count markers removed."""
    from ..reading import normalise
    from ..text import content_stems
    from ..text import count_words

    text = normalise(source_text)
    question_stems = set(content_stems(question))
    kept, section = [], ""
    for raw in text.splitlines():
        line = re.sub(r"^#+\s*", "", raw.strip().strip("|").strip())   # markdown heading
        if not line or count_words(line) < 3 and not line.endswith(":"):
            if line:
                section = line.rstrip(":")
            continue
        if any(p.search(line) for p in _BOILERPLATE):
            continue
        stems = set(content_stems(line))
        if question_stems and len(stems & question_stems) >= 0.8 * len(question_stems) and (
                len(stems) <= 1.6 * len(question_stems)):
            continue                                   # the question itself, restated
        if re.search(r"\b\d{2,4}\s*words?\b", line) and count_words(line) <= 12:
            continue                                   # "250 words" markers
        if (not line.rstrip().endswith((".", "?", "!", '"', ")"))
                and count_words(line) <= 8 and not _LABEL.match(line)):
            section = line.rstrip(":")                 # a heading
            continue
        found = _LABEL.match(line)
        label, body = (found.group(1).strip(), found.group(2).strip()) if found else ("", line)
        if found and count_words(label) > 9:
            label, body = "", line
        kept.append((label, body, section))
    return kept


def source_sentences(source_text: str, question: str) -> list[SourceSentence]:
    """The sentences worth clustering, with their line, label, section and role."""
    from ..text import count_words, split_sentences

    result = []
    labelled, last_section = False, None
    for label, body, section in clean_source(source_text, question):
        line = f"{label}: {body}" if label else body
        if section != last_section:
            labelled, last_section = False, section
        heading = heading_of(label, section, labelled)
        labelled = labelled or bool(label and not YEARS.match(label))
        for piece in split_sentences(body):
            if count_words(piece) >= 5:
                result.append(SourceSentence(piece, label, section, line, heading=heading))
    for sentence in result:
        sentence.role = _role(sentence)
    return result


def heading_of(label: str, section: str, labelled: bool) -> str:
    """A line's heading: its label, unless that is only a year or a span of years
    ("2005-2006"); else the section heading above it, unless labelled lines have come
    between them (a heading names the lines that follow it, not the text after a list of
    labelled lines)."""
    if label and not YEARS.match(label):
        return label
    return "" if labelled else section


def _role(sentence: SourceSentence) -> str:
    from ..text import stems_of

    challenge = set(stems_of(CHALLENGE_CUES))
    forward = set(stems_of(FORWARD_CUES))
    label = stems_of(sentence.label)
    section = stems_of(sentence.section)
    first = stems_of(sentence.text)[:1]
    if set(section) & challenge or set(label) & challenge:
        return "challenge"
    if set(section) & {"forward", "recommend", "suggest", "reform"} or (
            label and label[0] in forward) or set(first) & forward or (
            re.search(r"\b(should|must|need to|needs to)\b", sentence.text, re.I)
            and not set(stems_of(sentence.text)) & challenge):
        return "forward"
    return ""
