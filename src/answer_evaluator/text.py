"""Turn answer text into paragraphs, sentences, word tokens and stems, offline.

Uses only NLTK parts that need no downloaded data: the Snowball stemmer and an untrained
Punkt sentence splitter given the abbreviations of this domain. Each step is a small
function; `analyse` composes them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .models import AnalysedText, Sentence

#: Abbreviations after which a full stop does not end a sentence (Punkt's form: lower case,
#: no final dot).
ABBREVIATIONS = frozenset("""
dr mr mrs ms prof sr jr st rs no nos vs etc e.g i.e viz cf approx govt dept art sec ch
fig vol pp para u.s u.k u.n u.s.a a.d b.c p.m a.m jan feb mar apr jun jul aug sep sept oct
nov dec est inc ltd co corp bn mn cr sh smt hon gen lt col capt min max ft km c ca
""".split())

_WORD = re.compile(
    r"\d+(?:\+\d+)+"                        # 2+2
    r"|[$\u20b9]?\d+(?:[.,]\d+)*%?[A-Za-z]*"  # 1952, $17.7B, 4%, 2nd
    r"|[^\W\d_]+(?:'[^\W\d_]+)?"             # words, Japan's (hyphens split: Indo-Pacific)
)
#: A run of non-space holding a letter or digit (`[^\W_]` is exactly `str.isalnum`).
_COUNTED_WORD = re.compile(r"\S*[^\W_]\S*")
_BULLET = re.compile(r"^\s*(?:[-*+>\u2022]|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,4}[.)])\s+")
_TERMINAL = (".", "?", "!", ":", ";", '"', "'", ")")
#: A row of a table written with pipes, and the row that separates its header.
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?[\s:|-]*-[\s:|-]*\|?\s*$")
#: Markdown, as answers pasted from notes apps and drafting tools carry it: a heading line
#: ("## Way Forward"), a rule ("---", "***") and emphasis around words ("**Defence:**",
#: "*Act East*", "__Introduction__").
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)[\s#]*$")
_MARKDOWN_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")


#: Function words the code needs beyond scikit-learn's list: auxiliaries, adverbs and a
#: pronoun it lacks (the short clause list below has them). "did" and "does" stay
#: out: scikit-learn's list has "not", so in "did not abolish" the auxiliary is the only
#: trace of the negation the similarity features keep (dropping it credited one more
#: missing dimension as covered in tests/data/feedback-labels.csv).
EXTRA_FUNCTION_WORDS = frozenset("doing having just really shall theirs".split())


#: The function words that hold a clause together and carry no content of their own:
#: articles, pronouns, prepositions, conjunctions, auxiliaries. `function_words` holds all
#: of them but "did" and "does" (see `EXTRA_FUNCTION_WORDS`); this list is short on purpose: in short answers "once", "first", "all", "only",
#: "not", "least" decide the meaning ("executes at least once"), and the long list drops them.
CLAUSE_FUNCTION_WORDS = frozenset("""
a an the of in on at by for with from into onto to and or but nor if then than that this
these those it its is are was were be been being am has have had having do does did doing
will would shall should can could may might must as so such which who whom whose what when
where why how there here their theirs they them we you your yours i he she his her hers our
ours us me my mine him also just very really
""".split())

#: The articles, a subset of `CLAUSE_FUNCTION_WORDS`: inside a keyword phrase they are
#: optional and interchangeable ("appointment of the Chief Minister" meets "appointment of a
#: Chief Minister"; keywords.py).
ARTICLES = frozenset({"a", "an", "the"})

#: The function words that may join the words of a name ("Bank of Japan", "Banco de
#: Mexico"), in acronyms and named phrases: a small subset of `function_words`.
NAME_JOINERS = frozenset("of and the for on in to at by with a an de".split())


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """The one list of function words (lower case): scikit-learn's ENGLISH_STOP_WORDS, which
    needs no downloaded data, and `EXTRA_FUNCTION_WORDS`."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | EXTRA_FUNCTION_WORDS


def is_function_word(word: str) -> bool:
    """Is `word` (any case) one of `function_words`?"""
    return word.lower() in function_words()


@lru_cache(maxsize=1)
def function_stems() -> frozenset[str]:
    """The stems of `function_words`, to drop them from stemmed text."""
    return frozenset(stems_of(" ".join(sorted(function_words()))))


def content_stems(text: str) -> list[str]:
    """Stems of a text without function words or one-letter scraps (numbers kept)."""
    stops = function_stems()
    return [s for s in stems_of(text) if s not in stops and len(s) > 1 or s[:1].isdigit()]


@lru_cache(maxsize=1)
def _sentence_splitter():
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


_BRITISH = (  # (pattern, replacement) applied before stemming so both spellings meet
    (re.compile(r"is(ation|ations|e|ed|es|ing|er|ers)$"), r"iz\1"),
    (re.compile(r"ys(e|ed|es|ing)$"), r"yz\1"),
    (re.compile(r"(labo|neighbo|favo|behavio|hono|colo|harbo|vapo|rumo|humo|endeavo)ur"), r"\1r"),
    (re.compile(r"^(defen|offen|licen|preten)ce(s?)$"), r"\1se\2"),
    (re.compile(r"^(cent|met|theat|fib|lit)re(s?)$"), r"\1er\2"),
    (re.compile(r"^programme(s?)$"), r"program\1"),
)
_NOT_BRITISH = frozenset("""
exercise exercised exercises exercising enterprise enterprises otherwise promise promised
promises compromise compromised compromises premise premises advertise advertised advertising
expertise franchise franchises supervise supervised supervising surprise surprised surprises
comprise comprised comprises comprising devise devised revise revised revising revision
televise televised improvise improvised precise concise merchandise chastise excise demise
paradise treatise disguise disguised raise raised raises raising praise praised cruise
noise poise bruise despise arise arises arising rise rises rising wise likewise clockwise
anise base based bases vise ise franchise reprise incise incised circumcise
""".split())


#: A number written with thousands separators, Western (76,000; 1,000,000) or Indian
#: (1,00,000): groups of two or three digits after the first, the last of three.
_GROUPED = re.compile(r"\d{1,3}(?:,\d{2,3})*,\d{3}(?=\.\d|[^\d.,]|$)")


def normalise_number(token: str) -> str:
    """One spelling for a number token: lower case, no currency sign, no thousands
    separators ("₹76,000" and "76000" -> "76000"; "$17.7B" -> "17.7b"). Other tokens are
    returned lower-cased."""
    lowered = token.lower()
    if lowered[:1] in ("$", "\u20b9"):
        lowered = lowered[1:]
    if "," in lowered:
        grouped = _GROUPED.match(lowered)
        if grouped:
            lowered = grouped.group().replace(",", "") + lowered[grouped.end():]
    return lowered


def fold_accents(word: str) -> str:
    """The word with the accents of its Latin letters taken off, as a transliteration with
    diacritics is read: "Nāgara" -> "Nagara", "garbhagṛha" -> "garbhagrha", "Niño" -> "Nino".
    Letters of other scripts keep their marks."""
    if word.isascii():
        return word
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", word):
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}s")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Lower-cased Snowball stem of one word token, British and American spellings merged,
    accents of Latin letters taken off (`fold_accents`); number tokens get
    `normalise_number`; the plural of an acronym is the acronym ("SHGs" is "SHG", which
    the stemmer, finding no vowel, would leave)."""
    if _ACRONYM_PLURAL.fullmatch(word):
        word = word[:-1]
    lowered = fold_accents(word.lower())
    if not lowered[:1].isalpha():
        return normalise_number(lowered)
    if len(lowered) > 5 and lowered not in _NOT_BRITISH:
        for pattern, replacement in _BRITISH:
            lowered = pattern.sub(replacement, lowered)
    return _stemmer().stem(lowered)


def tokenize(text: str) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """Word tokens and their character spans; hyphenated words split into parts."""
    found = list(_WORD.finditer(text))
    return tuple(m.group() for m in found), tuple(m.span() for m in found)


#: Characters that join two word tokens written without a space into one compound token.
_COMPOUND_JOINERS = frozenset("-&'+.")


def compound_tokens(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) of `tokenize`'s word tokens, with the ones written as one joined:
    "Indo-Pacific", "R&D", "U.S", "ISRO-JAXA" (a hyphen, "&", "'", "+" or "." between two
    tokens and no space). Rubric drafts mine names and acronyms from these."""
    found: list[tuple[str, int, int]] = []
    words, spans = tokenize(text)
    for word, (start, end) in zip(words, spans):
        if found and (start == found[-1][2] or (
                start == found[-1][2] + 1 and text[found[-1][2]] in _COMPOUND_JOINERS)):
            found[-1] = (text[found[-1][1]:end], found[-1][1], end)
        else:
            found.append((word, start, end))
    return found


@lru_cache(maxsize=8192)
def stems_of(text: str) -> tuple[str, ...]:
    """The stems of every word token of `text` (cached: `analyse` and the TF-IDF analyser
    both need them for each sentence)."""
    return tuple(stem(w) for w in tokenize(text)[0])


def count_words(text: str) -> int:
    """Words as an examiner counts them: runs of non-space holding a letter or digit."""
    return len(_COUNTED_WORD.findall(text))


#: Punkt is given prose in pieces of at most this many characters, cut at a sentence's end
#: (or a space): its regular expression runs under NLTK's time limit, which a block of a
#: hundred thousand short lines would exceed.
SENTENCE_PIECE_CHARS = 20_000
_PIECE_END = re.compile(r"[.!?][\"')\]]*\s+")
_SPACE = re.compile(r"\s")
#: Where the plain fallback of `_piece_sentences` ends a sentence.
_PLAIN_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _pieces(text: str) -> list[str]:
    """`text` cut into pieces of about SENTENCE_PIECE_CHARS characters, each ending at the
    last sentence end (else the last space) before the limit; never inside a word (a word
    longer than the limit makes its piece longer)."""
    pieces = []
    while len(text) > SENTENCE_PIECE_CHARS:
        window = text[:SENTENCE_PIECE_CHARS]
        ends = [m.end() for m in _PIECE_END.finditer(window)]
        cut = ends[-1] if ends else max(window.rfind(" "), window.rfind("\n")) + 1
        if not cut:
            space = _SPACE.search(text, SENTENCE_PIECE_CHARS)
            if space is None:
                break
            cut = space.end()
        pieces.append(text[:cut])
        text = text[cut:]
    return pieces + [text]


def _piece_sentences(piece: str) -> list[str]:
    """Punkt's sentences of one piece; should its regular expression still run out of NLTK's
    time on some pathological text, the piece is cut at every ".", "!" or "?" and a space."""
    try:
        return _sentence_splitter().tokenize(piece)
    except TimeoutError:
        return _PLAIN_SENTENCE_END.split(piece)


#: A sentence that ends in a name's initials ("V.P.", "(S.R."), before one that opens with a
#: capital: the name goes on ("V.P. Menon"), which Punkt, knowing only single initials, cut.
_ENDS_IN_INITIALS = re.compile(r"(?:^|[\s(\[])(?:[A-Z]\.){2,4}$")


def split_sentences(text: str) -> list[str]:
    """Sentences of one block of prose, keeping abbreviations such as Dr., U.S., Rs. and
    initials ("V.P. Menon") intact."""
    sentences: list[str] = []
    for piece in _pieces(text):
        for sentence in _piece_sentences(piece):
            sentence = sentence.strip()
            if not sentence:
                continue
            if sentences and sentence[0].isupper() and _ENDS_IN_INITIALS.search(sentences[-1]):
                sentences[-1] = f"{sentences[-1]} {sentence}"
            else:
                sentences.append(sentence)
    return sentences


def split_blocks(paragraph: str, *, last: bool = True) -> list[tuple[str, str]]:
    """(kind, text) blocks of one paragraph: bullets, headings, and runs of prose lines.

    A short line standing alone as a paragraph that is not the answer's `last` one is a
    heading ("Introduction", "Way Forward" between blank lines), and so is a longer title
    that stands apart from the prose around it (`_is_heading`). A table written with pipes
    gives a bullet per row ("| Nagara | North India | Shikhara |"), its header row a heading;
    separator rows ("|---|---|") are dropped. Markdown's marks are read as what they mark: a
    "#" line is a heading, a rule ("---") is dropped, and emphasis ("**Defence:**") is taken
    off the words it wraps."""
    lines = [_without_emphasis(line) for line in paragraph.split("\n")
             if line.strip() and not _MARKDOWN_RULE.match(line)]
    blocks: list[tuple[str, str]] = []
    prose: list[str] = []

    def flush():
        if prose:
            blocks.append(("sentence", " ".join(prose)))
            prose.clear()

    alone = len(lines) == 1 and not last
    listed = _one_term_per_line(lines)
    for i, line in enumerate(lines):
        marker = _BULLET.match(line)
        marked_heading = _MARKDOWN_HEADING.match(line)
        if listed and not marked_heading:
            blocks.append(("bullet", line[marker.end():].strip() if marker else line.strip()))
        elif marked_heading:
            flush()
            if marked_heading.group(1).strip():
                blocks.append(("heading", marked_heading.group(1).strip().rstrip(":").strip()))
        elif _TABLE_ROW.match(line):
            flush()
            if not _TABLE_SEPARATOR.match(line):
                cells = [c.strip() for c in line.strip().strip("|").split("|") if c.strip()]
                header = i + 1 < len(lines) and bool(_TABLE_SEPARATOR.match(lines[i + 1]))
                if cells:
                    blocks.append(("heading" if header else "bullet", "; ".join(cells)))
        elif marker and len(line) > marker.end():
            flush()
            blocks.append(("bullet", line[marker.end():].strip()))
        elif _is_heading(lines, i, is_last=i == len(lines) - 1 and not alone, alone=alone):
            flush()
            blocks.append(("heading", line.strip().rstrip(":").strip()))
        elif (blocks and blocks[-1][0] == "bullet" and not prose
              and not _ends_sentence(blocks[-1][1]) and _continues(line)):
            blocks[-1] = ("bullet", blocks[-1][1] + " " + line.strip())   # wrapped bullet line
        else:
            prose.append(line.strip())
    flush()
    return blocks


#: A paragraph of at least this many lines, most of which (`TERM_LINE_SHARE`) hold at most
#: `TERM_LINE_WORDS` words, is a list with one term a line ("Quad\nJIMEX\nshinkansen"), not
#: prose wrapped at every word: each line is an item, so the form checks see a list.
TERM_LIST_LINES = 5
TERM_LINE_WORDS = 2
TERM_LINE_SHARE = 0.7


def _one_term_per_line(lines: list[str]) -> bool:
    """Is the paragraph of `lines` a list with a term or two on each line?"""
    if len(lines) < TERM_LIST_LINES:
        return False
    short = sum(1 for line in lines if len(line.split()) <= TERM_LINE_WORDS)
    return short >= TERM_LINE_SHARE * len(lines)


def _without_emphasis(line: str) -> str:
    """A line with Markdown's emphasis markers taken off the words they wrap."""
    if "*" not in line and "__" not in line:
        return line
    return _EMPHASIS.sub(r"\1", _STRONG.sub(r"\2", line))


def analyse(text: str) -> AnalysedText:
    """Paragraphs -> blocks -> sentences -> tokens -> stems."""
    sentences: list[Sentence] = []
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    for p_index, paragraph in enumerate(paragraphs):
        for kind, block in split_blocks(paragraph, last=p_index == len(paragraphs) - 1):
            pieces = [block] if kind == "heading" else split_sentences(block)
            for piece in pieces:
                words, spans = tokenize(piece)
                if not words:
                    continue
                sentences.append(Sentence(
                    index=len(sentences), paragraph=p_index, text=piece, kind=kind,
                    words=words, stems=stems_of(piece), spans=spans,
                    word_count=count_words(piece)))
    return AnalysedText(text=text, sentences=tuple(sentences), paragraph_count=len(paragraphs),
                        word_count=sum(s.word_count for s in sentences))


def under_headings(text: AnalysedText) -> list[tuple[Sentence, Sentence | None]]:
    """Each sentence with the heading it sits under, up to the next heading (None for none
    and for the headings themselves)."""
    result, heading = [], None
    for sentence in text.sentences:
        if sentence.kind == "heading":
            heading = sentence
            result.append((sentence, None))
        else:
            result.append((sentence, heading))
    return result


def _ends_sentence(line: str) -> bool:
    return line.rstrip().endswith(_TERMINAL)


def _continues(line: str) -> bool:
    """Does a line go on with the bullet above it (a wrapped line: indented, or opening in
    lower case), rather than start prose of its own ("For example, ...")?"""
    return line[:1].isspace() or line.strip()[:1].islower()


#: A sentence opening with at most this many words before a colon opens with a label.
LABEL_WORDS = 3


def label_words(sentence: Sentence) -> int:
    """How many words open the sentence as a label before a colon ("Option 2: Seek transfer",
    "Example: the Chipko movement"), else 0."""
    colon = sentence.text.find(":")
    if colon <= 0:
        return 0
    before = sum(1 for start, _ in sentence.spans if start < colon)
    return before if before <= LABEL_WORDS else 0


#: Words in a line that is a heading wherever it stands ("Way Forward"; "Key areas:") ...
HEADING_WORDS = 6
LEAD_IN_WORDS = 8
#: ... and in a longer one that is a heading when it stands apart from the prose around it
#: ("Measures taken in India for DRR before signing Sendai Framework").
TITLE_WORDS = 12


#: What ends a sentence but not a title: a colon opens a heading ("Key areas:"), and a
#: closing bracket ends "Nagara Style (North India)".
_TITLE_STOPS = tuple(t for t in _TERMINAL if t not in (":", ")")) + (",",)


def _title_stop(line: str) -> bool:
    """Does `line` end as a sentence does, not as a title? A closing bracket does only when
    the line has a full stop."""
    return line.endswith(_TITLE_STOPS) or (line.endswith(")") and "." in line)


def _is_heading(lines: list[str], i: int, *, is_last: bool, alone: bool) -> bool:
    """Is line `i` a heading? A short one (`HEADING_WORDS`, or `LEAD_IN_WORDS` ending in a colon)
    wherever it stands; a longer one (`TITLE_WORDS`) when it stands apart: alone as a
    paragraph, or after the end of a sentence (or at the paragraph's start) and before a
    longer line opening with a capital, or, ending in a colon, before any line."""
    stripped = lines[i].strip()
    words = count_words(stripped)
    opens = alone or (i + 1 < len(lines) and (i == 0 or _ends_sentence(lines[i - 1])))
    if stripped.endswith(":"):
        return words <= LEAD_IN_WORDS or (opens and words <= TITLE_WORDS)
    if is_last or _title_stop(stripped) or not stripped[:1].isupper():
        return False
    following = lines[i + 1].strip() if i + 1 < len(lines) else ""
    apart = alone or (opens and following[:1].isupper() and count_words(following) > words)
    return words <= HEADING_WORDS or (apart and words <= TITLE_WORDS)
