"""Every threshold and weight of the marking, each declared once with its allowed range.

`Settings` is a frozen dataclass; each field is declared with `setting(default, low, high,
doc)`, so its range and meaning live beside it. `Settings(...)` and `settings.changed(...)`
refuse a value outside its range, and `changed` refuses a name that is not a setting (with a
suggestion), so a misspelt setting can never be dropped silently. README: "How marks are
computed".
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping


def setting(default: float, low: float, high: float, doc: str) -> Any:
    """A field of `Settings`: its default, the closed range it must lie in, and what it means."""
    return field(default=default, metadata={"range": (low, high), "doc": doc})


class SettingError(ValueError):
    """An unknown setting name, or a value outside its allowed range."""


#: Settings that are the two ends of a ramp: the first must stay below the second.
ORDERED_PAIRS: tuple[tuple[str, str], ...] = (
    ("point_low", "point_high"), ("partly_at", "covered_at"),
    ("word_order_low", "word_order_high"), ("rival_breadth_low", "rival_breadth_high"),
)

@dataclass(frozen=True)
class Settings:
    # model points: similarity -> coverage
    point_low: float = setting(0.1, 0.0, 1.0, "similarity at or below which a point is not covered at all")
    point_high: float = setting(0.5, 0.01, 1.0, "similarity at or above which a point is fully covered")
    point_hit: float = setting(0.25, 0.0, 1.0, "coverage from which a sentence is said to make the point")
    point_target: float = setting(0.5, 0.05, 1.0, "share of a dimension's point weight that earns it full credit")
    keyword_target: float = setting(0.5, 0.05, 1.0, "share of a dimension's keyword weight that earns it full credit")
    keyword_share: float = setting(0.4, 0.0, 1.0, "weight of keywords in a dimension's score (points get the rest)")
    covered_at: float = setting(0.55, 0.0, 1.0, "dimension score from which it is 'covered'")
    partly_at: float = setting(0.2, 0.0, 1.0, "... and from which it is 'partly covered'")
    named_above: float = setting(0.2, 0.0, 1.0, "keyword score above which a dimension is named, so at least 'partly covered' (one light keyword among many does not name it)")
    covered_groups: int = setting(3, 0, 50, "keyword groups met that make a dimension 'covered' however its model points are worded (0: never) ...")
    covered_groups_keywords: float = setting(0.7, 0.0, 1.0, "... when its keyword score reaches this ...")
    covered_groups_sentences: int = setting(2, 1, 50, "... and they are met in at least this many sentences (one line of terms is a list, not development)")
    exclusive_strong: float = setting(0.3, 0.0, 1.0, "similarity from which a sentence serves a dimension strongly")
    exclusive_ratio: float = setting(0.5, 0.0, 1.0, "... and then credits no dimension it serves less than this share as well")
    serves_margin: float = setting(0.04, 0.0, 1.0, "a sentence serves a dimension when its similarity to one of the points exceeds point_low by this much")
    keyword_serves: float = setting(0.1, 0.0, 1.0, "what a keyword of a dimension adds, per unit of its weight, to how strongly a sentence serves it")
    partly_counts: float = setting(0.5, 0.0, 1.0, "a partly covered key element counts as this much of one in count and band schemes")
    full_sentence_words: int = setting(6, 1, 50, "a sentence this long counts fully; shorter ones pro rata")
    fragment_words: int = setting(5, 1, 50, "sentences shorter than this are fragments (keyword lists)")
    subject_mentions_words: int = setting(120, 1, 10000, "from this length the subject should be named twice")
    subject_keywords: float = setting(0.5, 0.01, 1.0, "mean keyword score that shows an answer is on subject")
    off_subject_floor: float = setting(0.1, 0.0, 1.0, "content kept by an answer that is not on the subject")
    repetition_penalty: float = setting(0.75, 0.0, 1.0, "content lost per unit share of words in repeated sentences")
    # quality
    coverage_exponent: float = setting(0.8, 0.1, 2.0, "< 1: the first dimensions covered count a little more")
    content_share: float = setting(0.8, 0.0, 1.0, "share of the marks for content (weights scheme)")
    structure_share: float = setting(0.1, 0.0, 1.0, "share of the marks for structure (weights scheme)")
    directive_share: float = setting(0.1, 0.0, 1.0, "share of the marks for doing what the directive asks (weights scheme)")
    relevance_floor: float = setting(0.2, 0.01, 1.0, "structure and directive credit need this much content")
    strictness: float = setting(0.67, 0.1, 1.0, "share of the maximum that a flawless answer earns, unless the rubric declares its own")
    # length
    length_tolerance: float = setting(0.1, 0.0, 1.0, "within +-this share of the limit costs nothing")
    under_penalty: float = setting(0.8, 0.0, 2.0, "strict word limit: marks lost per unit of shortfall beyond tolerance")
    over_penalty: float = setting(0.4, 0.0, 2.0, "strict word limit: marks lost per unit of excess beyond tolerance (raised to over_exponent)")
    over_exponent: float = setting(2.0, 1.0, 3.0, "strict word limit: power of the excess (2: a modest excess costs little, twice the limit much; 1: in proportion)")
    min_length_factor: float = setting(0.4, 0.0, 1.0, "strict word limit: the length factor never goes below this")
    soft_length_deduction: float = setting(0.05, 0.0, 0.5, "soft word limit: share of the marks lost outside the tolerance")
    # calibration
    calibration_margin: float = setting(0.2, 0.0, 1.0, "calibrated marks exceed what the detected content earns by at most this share of the maximum")
    terse_margin: float = setting(0.0, 0.0, 1.0, "how far the margin shrinks for an answer that says less than the model answer (0: not at all; 1: in proportion)")
    lone_word_terse_margin: float = setting(0.0, 0.0, 1.0, "... and for an answer of one content word (a formula of symbols has none): one word cannot borrow the marks human markers gave to full answers")
    # gaming
    question_copy_at: float = setting(0.55, 0.0, 1.0, "similarity to the question from which a sentence is a copy")
    duplicate_at: float = setting(0.85, 0.0, 1.0, "overlap of stems from which a sentence repeats an earlier one")
    # checks
    form_min_sentences: int = setting(3, 1, 1000, "an answer is judged a keyword list or fragments only from this many sentences (one or two terse sentences are a normal short answer) ...")
    form_min_words: int = setting(30, 1, 10000, "... or from this many words")
    prose_target: float = setting(0.6, 0.01, 1.0, "share of words in prose (not fragments or lists of terms) from which an answer's form costs nothing")
    keyword_list_at: float = setting(0.5, 0.0, 1.0, "share of words in prose below which an answer is flagged as a keyword list")
    word_order_min_openers: int = setting(10, 1, 10000, "the word-order check needs this many determiners, prepositions and conjunctions ...")
    word_order_min_anomalies: int = setting(3, 1, 10000, "... and this many clear anomalies (\"the of\", \"of had\", \"and.\") before it can cut marks")
    word_order_low: float = setting(0.04, 0.0, 1.0, "share of those words in a clear anomaly up to which word order costs nothing ...")
    word_order_high: float = setting(0.1, 0.0, 1.0, "... and from which fluency is 0 (jumbled text)")
    # sentence weights (weigh_sentences, is_list_like)
    heading_weight: float = setting(0.3, 0.0, 1.0, "a heading counts at most this much as a sentence")
    list_weight: float = setting(0.3, 0.0, 1.0, "a list of terms counts at most this much as a sentence (answers judged on form)")
    list_min_words: int = setting(5, 1, 1000, "a sentence is a list of terms only from this many words ...")
    list_min_separators: int = setting(3, 1, 1000, "... and this many commas and semicolons ...")
    list_separator_share: float = setting(0.25, 0.0, 1.0, "... and this many separators per word ...")
    list_function_share: float = setting(0.15, 0.0, 1.0, "... and a share of function and clause words below this")
    question_copy_overlap: float = setting(0.6, 0.0, 1.0, "share of a sentence's content stems from the question from which, similar enough, it is a copy")
    duplicate_min_stems: int = setting(3, 1, 1000, "a sentence with this many content stems can be a repeat of an earlier one")
    duplicate_window: int = setting(100, 1, 100000, "earlier sentences compared for near-duplicates (exact repeats: all)")
    touched_subject_factor: float = setting(0.5, 0.0, 1.0, "subject factor from which a dimension a list or fragments touch stays 'partly covered'")
    # structure (check_structure)
    structure_min_sentences: int = setting(3, 1, 1000, "an answer needs this many sentences (headings aside) to have an introduction, body and conclusion")
    structure_min_paragraphs: int = setting(3, 1, 1000, "from this many paragraphs the first is the introduction and the last the conclusion (else the first and last sentences)")
    intro_question_terms: int = setting(2, 1, 1000, "an introduction frames the question when it uses this many of its terms ...")
    intro_question_similarity: float = setting(0.15, 0.0, 1.0, "... or a sentence of it is this similar to the question")
    prose_weight: float = setting(0.8, 0.0, 1.0, "sentence weight from which an introduction or conclusion sentence is full prose")
    intro_max_share: float = setting(0.4, 0.0, 1.0, "share of the answer's words above which the introduction is too long")
    body_weight: float = setting(0.5, 0.0, 1.0, "sentence weight from which a body sentence's dimensions count")
    body_min_dimensions: int = setting(2, 1, 1000, "the body develops the answer when it serves this many dimensions ...")
    body_min_share: float = setting(0.4, 0.0, 1.0, "... and holds this share of the answer's words")
    # directive (check_directive)
    directive_weight: float = setting(0.5, 0.0, 1.0, "sentence weight from which a sentence counts for the directive checks")
    directive_question_coverage: float = setting(0.4, 0.0, 1.0, "share of the question's content words an answer must use to address it ...")
    directive_question_words: int = setting(10, 1, 1000, "... counted of at most this many of them, for a long question")
    directive_covered_share: float = setting(0.6, 0.0, 1.0, "... unless it covers this share of the rubric's dimensions, which say what the question asks (an answer in its own words addresses it too)")
    directive_fluency: float = setting(0.6, 0.0, 1.0, "fluency from which an answer argues in connected sentences")
    specifics_per_example: int = setting(2, 1, 100, "specifics (years, figures, names) needed per example the directive asks for")
    contrast_sentences: int = setting(2, 1, 1000, "sentences with a contrast word that weigh both sides")
    reason_sentences: int = setting(2, 1, 1000, "sentences with a reason word that give reasons")
    list_bullets: int = setting(3, 1, 1000, "bullets that set points out one by one ...")
    list_sentences: int = setting(6, 1, 1000, "... or counted sentences that do")
    # subject (Rival, rival_subject)
    rival_min_mentions: int = setting(4, 1, 1000, "a rival proper noun lowers the focus only when named this often ...")
    rival_subject_ratio: float = setting(0.75, 0.01, 10.0, "... and the subject is named less than this many times per mention of the rival")
    rival_breadth_low: float = setting(0.4, 0.0, 1.0, "mean keyword score of the dimensions from which a rival name costs less ...")
    rival_breadth_high: float = setting(0.7, 0.0, 1.0, "... and from which it costs nothing: the answer uses the rubric's keywords broadly")
    name_capitalised_share: float = setting(0.8, 0.0, 1.0, "share of a word's uses that are capitalised from which it is a proper noun")
    # flags (answer_flags)
    rival_flag_at: float = setting(0.75, 0.0, 1.0, "rival focus below which the answer is flagged as about another subject")
    off_subject_flag_at: float = setting(0.75, 0.0, 1.0, "on-subject score below which the answer is flagged as rarely naming the subject")
    over_length_flag_at: float = setting(1.2, 1.0, 10.0, "counted words per word of the limit above which a costly excess is flagged")
    too_short_flag_at: float = setting(0.8, 0.0, 1.0, "counted words per word of the limit below which a costly shortfall is flagged")
    # suggestions
    suggest_covered_below: float = setting(0.9, 0.0, 1.0, "a covered dimension is still suggested while its score is at most this")
    suggest_fluency_floor: float = setting(0.5, 0.0, 1.0, "a dimension's suggested gain assumes at least this fluency")
    suggest_min_gain: float = setting(0.25, 0.0, 100.0, "marks a suggestion must gain to be offered")

    def __post_init__(self):
        for f in fields(self):
            low, high = f.metadata["range"]
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SettingError(f"setting '{f.name}' must be a number, got {value!r}")
            if not low <= value <= high:
                raise SettingError(f"setting '{f.name}' must be between {low:g} and {high:g}, "
                                   f"got {value:g}")
        for lower, upper in ORDERED_PAIRS:
            if not getattr(self, lower) < getattr(self, upper):
                raise SettingError(f"setting '{lower}' ({getattr(self, lower):g}) must be below "
                                   f"'{upper}' ({getattr(self, upper):g})")

    def changed(self, changes: Mapping[str, float] | None = None, /, **more: float) -> "Settings":
        """A copy with some settings changed; an unknown name or a value out of range raises
        SettingError naming it."""
        changes = {**(changes or {}), **more}
        known = {f.name for f in fields(self)}
        for name in changes:
            if name not in known:
                from .errors import did_you_mean

                raise SettingError(f"unknown setting '{name}'{did_you_mean(name, known)}")
        return replace(self, **changes)


def describe_settings() -> list[tuple[str, float, tuple[float, float], str]]:
    """(name, default, (low, high), meaning) of every setting, in declaration order."""
    return [(f.name, f.default, f.metadata["range"], f.metadata["doc"]) for f in fields(Settings)]


DEFAULT_SETTINGS = Settings()


#: `Rubric.source` of the rubrics model_answer.py builds: from a short model answer (a
#: sentence or three, as in short-answer tests) and from an essay model answer.
SHORT_ANSWER_SOURCE = "built from a short model answer"
ESSAY_ANSWER_SOURCE = "built from a model answer"

#: How short-answer settings differ from the defaults: content only (a one-line answer has
#: no introduction or conclusion and no directive to obey), full marks for a complete
#: answer, short sentences count in full, no penalty for being terse, a mild one for
#: rambling far past the model answer's length.
SHORT_ANSWER_CHANGES: dict[str, float] = {
    "content_share": 1.0, "structure_share": 0.0, "directive_share": 0.0,
    "strictness": 1.0,
    "full_sentence_words": 3, "fragment_words": 2,
    "off_subject_floor": 1.0,
    "under_penalty": 0.0, "over_penalty": 0.15, "over_exponent": 1.0, "min_length_factor": 0.6,
    "point_target": 1.0,
    "question_copy_at": 0.9,
    # one or two model points are a coarse measure of content, so human markers' marks run
    # well above the rubric's own (Mohler: 4.1 of 5 against 2.6 on average); the gaming
    # rules (no answer, question copy, bare list, terse answers) hold the rest
    "calibration_margin": 0.6, "terse_margin": 0.5, "lone_word_terse_margin": 1.0,
}


#: Marking settings for rubrics built from short model answers (a change naming a setting
#: the engine does not have raises SettingError at import: nothing is dropped silently).
SHORT_ANSWER_SETTINGS: Settings = DEFAULT_SETTINGS.changed(SHORT_ANSWER_CHANGES)


def settings_for(rubric) -> Settings:
    """The marking settings a rubric should be graded with: SHORT_ANSWER_SETTINGS for a rubric
    built from a short model answer, the defaults for every other."""
    return SHORT_ANSWER_SETTINGS if rubric.source == SHORT_ANSWER_SOURCE else DEFAULT_SETTINGS
