"""The plain, frozen data that flows one way: read -> analyse -> match -> score -> report.

No I/O and no heavy imports here, so every other module (and a user) can import it cheaply.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path


# ----------------------------------------------------------------------------- rubric


@dataclass(frozen=True)
class KeywordGroup:
    """A canonical term and its variants; the group counts once per answer."""

    term: str
    variants: tuple[str, ...] = ()
    weight: float = 1.0
    case_sensitive: bool = False
    line: int | None = None     #: line of the group in the rubric file, when loaded from one

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.variants)


@dataclass(frozen=True)
class ModelPoint:
    """A sentence an ideal answer makes."""

    point_id: str
    text: str
    weight: float = 1.0
    line: int | None = None     #: line of the point in the rubric file, when loaded from one


@dataclass(frozen=True)
class Dimension:
    dimension_id: str
    title: str
    weight: float
    advice: str
    keywords: tuple[KeywordGroup, ...]
    points: tuple[ModelPoint, ...]
    marks: float = 0.0          #: marks of the dimension under the "marks" scheme (else 0)
    forward_looking: bool = False   #: credited only by recommendations, not by past facts
    line: int | None = None


#: Marking schemes a rubric may declare (docs/rubrics.md, "Marking schemes").
SCHEMES = ("weights", "marks", "count", "best", "bands")
#: Roles the word limit may play in the marks.
WORD_LIMIT_ROLES = ("none", "soft", "strict")


@dataclass(frozen=True)
class Band:
    """Under the "bands" scheme: an answer that makes at least `made` key elements earns `marks`."""

    made: float
    marks: float


@dataclass(frozen=True)
class Requirement:
    """A key element the marks depend on ([marking] `required`): an answer that misses the
    dimension earns at most `otherwise` marks ("no credit unless a trait is named")."""

    dimension_id: str
    otherwise: float = 0.0


@dataclass(frozen=True)
class MarkingScheme:
    """How a rubric turns covered dimensions into marks (the rubric's [marking] table).

    weights  the weighted average of dimension scores (the default)
    marks    each dimension declares its marks; covered earns them, partly covered a share
    count    `full_marks_at` key elements (dimensions) made earn full marks, fewer a share
    best     the best `full_marks_at` key elements earn the marks: covered, a full share;
             partly covered, a share by its score
    bands    the highest band whose count of key elements the answer reaches
    Under any scheme, `required` key elements cap the marks of an answer that misses them.
    `strictness` and `word_limit` left as None/"" take the default for the kind of rubric.
    `default` says why, when the rubric declared no scheme and got one by its kind (a short
    answer: `SHORT_ANSWER_DEFAULT`); "" when the scheme is declared or is plain weights.
    """

    scheme: str = "weights"
    full_marks_at: float = 0.0
    bands: tuple[Band, ...] = ()
    strictness: float | None = None
    word_limit: str = ""
    introduction: float = 0.0   #: marks for an introduction that frames the question
    conclusion: float = 0.0     #: marks for a conclusion or way forward
    required: tuple[Requirement, ...] = ()
    line: int | None = None
    default: str = ""


#: The most marks a short-answer question carries: a hand-written rubric of no UPSC paper
#: with at most this many marks and no declared scheme is marked by the "best" scheme, its
#: best `max_marks` key elements earning a mark each.
SHORT_ANSWER_MAX_MARKS = 5
#: Why such a rubric is marked so, and (`SHORT_ANSWER_DEFAULT`) what that means.
SHORT_ANSWER_REASON = ("no scheme declared, so marked as a short answer (at most "
                       f"{SHORT_ANSWER_MAX_MARKS} marks, no UPSC paper)")
SHORT_ANSWER_DEFAULT = (f"{SHORT_ANSWER_REASON}: its best key elements earn a mark each, and "
                        "the word limit costs nothing")


#: UPSC Mains word limits by marks: GS questions of 10 and 15 marks (since 2013), GS-IV case
#: studies of 20 marks, and the 125-mark essay (1,000-1,200 words).
UPSC_WORD_LIMITS: dict[int, tuple[int, int]] = {
    10: (150, 150), 15: (250, 250), 20: (250, 250), 125: (1000, 1200)}
#: Words per mark that a question of an unlisted mark value may ask for (125/10 .. 250/15 +).
WORDS_PER_MARK = (12.0, 20.0)


def default_word_limit(max_marks: int) -> int:
    """The word limit of a rubric that gives none: UPSC's for its marks (250 for 15), else
    the most words a mark that UPSC questions ask (20: 60 words for 3 marks)."""
    if max_marks in UPSC_WORD_LIMITS:
        return UPSC_WORD_LIMITS[max_marks][1]
    return max(1, round(WORDS_PER_MARK[1] * max_marks))


def is_upsc_paper(paper: str) -> bool:
    """A rubric's `paper` names a UPSC Mains paper (GS-I..GS-IV or the Essay)."""
    return str(paper).upper().startswith(("GS", "ESSAY"))


@dataclass(frozen=True)
class Hints:
    """Advice and typical words for an introduction or a conclusion."""

    hints: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rubric:
    rubric_id: str
    question: str
    directive: str
    word_limit: int
    max_marks: int
    dimensions: tuple[Dimension, ...]
    introduction: Hints = Hints()
    conclusion: Hints = Hints()
    paper: str = ""
    topic: str = ""
    #: other names of the question's subject ("Indus Valley" for "Harappan"): an answer that
    #: uses them names its subject, and they are never a rival subject
    subject_names: tuple[str, ...] = ()
    source: str = ""
    year: int | None = None  # the year a previous-year question was set; None for practice
    calibration: str = ""
    path: Path | None = None
    marking: MarkingScheme = MarkingScheme()

    @property
    def is_upsc(self) -> bool:
        """A UPSC Mains question (its paper is GS-I..GS-IV or the Essay)."""
        return is_upsc_paper(self.paper)

    @property
    def points(self) -> tuple[ModelPoint, ...]:
        return tuple(p for d in self.dimensions for p in d.points)

    def dimension(self, dimension_id: str) -> Dimension:
        for d in self.dimensions:
            if d.dimension_id == dimension_id:
                return d
        raise KeyError(dimension_id)


# ----------------------------------------------------------------------------- answer text


@dataclass(frozen=True)
class Answer:
    """An answer as read: its text and anything worth warning about."""

    name: str
    text: str
    path: Path | None = None
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sentence:
    index: int
    paragraph: int
    text: str
    kind: str               #: "sentence", "bullet" or "heading"
    words: tuple[str, ...]  #: word tokens as written (for display and case-sensitive matches)
    stems: tuple[str, ...]  #: lower-cased Snowball stems, one per word token
    spans: tuple[tuple[int, int], ...] = ()  #: character span of each word token in `text`
    word_count: int = 0     #: words as an examiner counts them ("Indo-Pacific" is one)


@dataclass(frozen=True)
class AnalysedText:
    text: str
    sentences: tuple[Sentence, ...]
    paragraph_count: int
    word_count: int         #: words as an examiner counts them


# ----------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class KeywordHit:
    dimension_id: str
    term: str               #: the group's canonical term
    form: str               #: the form that matched, as the rubric spells it
    sentence_index: int
    start: int              #: word offsets in the sentence, end exclusive
    end: int
    weight: float
    fuzzy: bool = False     #: matched as a compound or with a slipped letter, not exactly


@dataclass(frozen=True)
class PointMatch:
    dimension_id: str
    point_id: str
    text: str
    weight: float
    similarity: float       #: best TF-IDF cosine to any counted sentence
    coverage: float         #: 0..1, from the similarity (see README)
    sentence_index: int | None


# ----------------------------------------------------------------------------- scoring


class Coverage(str, Enum):
    COVERED = "covered"
    PARTLY = "partly covered"
    MISSING = "missing"


@dataclass(frozen=True)
class DimensionScore:
    dimension_id: str
    title: str
    weight: float
    state: Coverage
    score: float            #: 0..1
    keyword_score: float    #: 0..1
    point_score: float      #: 0..1
    matched_terms: tuple[str, ...]
    missing_terms: tuple[str, ...]
    advice: str
    keyword_sentences: int = 0  #: counted sentences in which its keywords are met

    @property
    def touched(self) -> bool:
        """Missing, yet not absent: some of it is in the answer (a model point partly made),
        too little to call it partly covered. Under the weights scheme it can still earn a
        little, so the report names it "only touched", not plain "missing"."""
        return self.state is Coverage.MISSING and self.score > 0


@dataclass(frozen=True)
class SentenceFeedback:
    index: int
    paragraph: int
    text: str
    kind: str
    dimension_ids: tuple[str, ...]
    highlights: tuple[tuple[int, int], ...]   #: character spans of matched keywords in `text`
    flags: tuple[str, ...]                    #: e.g. "repeats the question", "repeated"


@dataclass(frozen=True)
class Check:
    """One requirement and whether the answer meets it."""

    name: str
    met: bool
    feedback: str


@dataclass(frozen=True)
class StructureReport:
    introduction: Check
    body: Check
    conclusion: Check
    score: float            #: 0..1


@dataclass(frozen=True)
class DirectiveReport:
    directive: str
    asks: str
    checks: tuple[Check, ...]
    score: float            #: 0..1


@dataclass(frozen=True)
class LengthReport:
    words: int
    counted_words: int      #: without repeated sentences and copies of the question
    limit: int
    ratio: float
    factor: float           #: multiplier on marks, 0..1
    verdict: str


@dataclass(frozen=True)
class Flag:
    code: str
    message: str


@dataclass(frozen=True)
class Suggestion:
    gain: float             #: marks the change would add, estimated from the formula
    text: str


# ----------------------------------------------------------------------------- marks


@dataclass(frozen=True)
class Evidence:
    """What earned part of a dimension's marks: a model point made or a keyword used."""

    kind: str                   #: "point" or "keyword"
    text: str                   #: the point's text, or the keyword group's term
    line: int | None            #: its line in the rubric file
    sentence_index: int | None  #: the answer sentence that made it
    found: str = ""             #: the form found in the answer (keywords)


@dataclass(frozen=True)
class DimensionMarks:
    dimension_id: str
    title: str
    state: Coverage
    marks: float                #: earned, before the deductions that apply to all content
    available: float            #: what the dimension can earn
    gain: float                 #: marks that covering it fully would add to the final marks
    evidence: tuple[Evidence, ...]
    line: int | None = None


@dataclass(frozen=True)
class MarkLine:
    """One signed amount of the marks: a component earned, a deduction or cap, the rounding."""

    code: str                   #: e.g. "structure", "fluency", "strictness", "length", "rounding"
    label: str                  #: a few words for the report
    marks: float                #: signed: + earned, - deducted
    reason: str                 #: in words a candidate understands


@dataclass(frozen=True)
class CalibrationStep:
    """What a calibration fitted on human marks did to the marks."""

    name: str
    scheme_marks: float         #: marks before calibration (unrounded)
    predicted: float            #: what the calibration predicts (0..max)
    cap: float                  #: content-supported marks + the stated margin
    marks: float                #: min(predicted, cap)
    #: the answer's words that moved the prediction most, when the calibration learned the
    #: subject's vocabulary: (words as written, marks they add or take away)
    words: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class MarksBreakdown:
    """Every part of the marks; `dimensions` + `lines` add up to `marks` exactly."""

    scheme: str
    max_marks: int
    strictness: float
    word_limit: str
    dimensions: tuple[DimensionMarks, ...]
    lines: tuple[MarkLine, ...]
    unrounded: float            #: the marks before rounding to half marks
    marks: float
    calibration: CalibrationStep | None = None
    full_marks_at: float = 0.0  #: count and best schemes: how many key elements earn full marks

    @property
    def total(self) -> float:
        """The sum of the parts (equals `marks` up to float error)."""
        return sum(d.marks for d in self.dimensions) + sum(line.marks for line in self.lines)

    @property
    def deductions(self) -> tuple[MarkLine, ...]:
        return tuple(line for line in self.lines if line.marks < 0 and line.code != "rounding")


@dataclass(frozen=True)
class Evaluation:
    answer_name: str
    rubric_id: str
    question: str
    directive: str
    max_marks: int
    marks: float
    content: float          #: 0..1 weighted dimension score
    quality: float          #: 0..1 content + structure + directive before the length factor
    fluency: float          #: 0..1, prose that connects words into sentences
    dimensions: tuple[DimensionScore, ...]
    points: tuple[PointMatch, ...]
    sentences: tuple[SentenceFeedback, ...]
    structure: StructureReport
    directive_report: DirectiveReport
    length: LengthReport
    flags: tuple[Flag, ...]
    suggestions: tuple[Suggestion, ...]
    warnings: tuple[str, ...] = ()
    rubric_choice: str = ""
    features: tuple[tuple[str, float], ...] = ()   #: named numbers a calibration maps to marks
    calibrated: bool = False                       #: marks come from a fitted calibration
    breakdown: MarksBreakdown | None = None        #: how the marks were earned and lost

    def to_dict(self) -> dict:
        """A JSON-ready dict of everything shown in the report."""
        data = _jsonable(asdict(self))
        for row, dimension in zip(data["dimensions"], self.dimensions):
            row["touched"] = dimension.touched
        return data


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float):
        return round(value, 4)
    return value
