"""Which sentences may credit which dimension, before points and keywords are scored.

Two rules that real answers needed (issue: "Finding each point in a real answer"):
- a forward-looking dimension (way forward, recommendations) is credited only by sentences
  that look forward: a recommendation, a modal of obligation or intent, a sentence under a
  "Way forward" heading (up to the next heading), a sentence that opens with an imperative
  verb, after a label or not
  ("Governance: implement PESA"), or a bullet with its -ing form ("Strengthening ...", but
  not after a label, where it defines: "Data security: Protecting the data ...");
  past facts ("CEPA of 2011 reduced tariffs") do not credit it;
- a sentence that makes one dimension's point strongly does not also credit an unrelated
  dimension weakly: its similarity to a dimension much weaker than its best is set aside,
  unless the sentence uses one of that dimension's keywords (then it is not unrelated: "the
  mRNA leaves the nucleus and goes to a ribosome in the cytoplasm" makes two key elements);
- a recommendation that names no point of the rubric ("the two should work together") still
  touches the way forward: an examiner calls a vague way forward "partly covered", not
  missing. Its marks are unchanged (they follow the score); only the state says so.
Pure functions over numpy arrays; the settings hold the thresholds.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from .models import AnalysedText, Coverage, DimensionScore, KeywordHit, Rubric
from .scoring import dimension_similarity
from .settings import Settings
from .text import label_words, under_headings

#: Words that make a sentence look forward (lower case; matched on whole words).
FORWARD_WORDS = frozenset("""should must need needs needed ought will would could shall
recommend recommends recommended recommendation recommendations suggest suggested
future ahead forward next priority priorities prioritise prioritize vision roadmap
goal goals aim aims target targets plan plans proposed propose can may""".split())
#: Verbs that open a recommendation written as an imperative ("Expand CEPA to services.").
IMPERATIVE_VERBS = frozenset("""expand strengthen deepen build create ensure promote improve
increase reduce invest complete speed fast-track focus set establish adopt enhance develop
encourage provide use make bring raise cut revive reform address empower streamline link
boost widen upgrade integrate institutionalise institutionalize leverage pursue resolve
restore review revise rationalise rationalize introduce extend scale align support fix fund
train protect secure diversify coordinate implement enforce simplify digitise digitize
harmonise harmonize amend launch deploy modernise modernize incentivise incentivize
regulate monitor decentralise decentralize devolve prioritise prioritize curb tackle codify
clarify mandate ratify""".split())
#: Words that make a forward-looking sentence a recommendation (what should be done).
RECOMMENDING_WORDS = frozenset("""should must need needs needed ought recommend recommends
recommended recommendation recommendations suggest suggests suggested necessary
essential""".split())
#: Headings that put recommendations under them ...
_RECOMMENDING = (r"way forward|way out|way ahead|the road ahead|recommendation|suggestion|"
                 r"suggested|reforms|course of action|remed(?:y|ies)|solutions?|"
                 r"(?:measures?|steps?|strateg(?:y|ies)) (?:needed|required|to|for)|"
                 r"what (?:should|must|needs to|can) be done")
_RECOMMENDING_HEADING = re.compile(_RECOMMENDING, re.IGNORECASE)
#: ... and headings that look forward, under which an answer may also only sum up.
_FORWARD_HEADING = re.compile(_RECOMMENDING + r"|conclusion|going forward|future",
                              re.IGNORECASE)


#: -ing forms of recommending verbs that open descriptions far more often than advice
#: ("Increasing temperatures hasten ...", "Developing countries ...").
_ADJECTIVAL_ING = frozenset({"increasing", "developing"})


def _imperative(word: str, *, bullet: bool) -> bool:
    """Does a sentence opening with `word` (lower case) recommend, as an imperative
    ("Expand CEPA") or, in a bullet, as the -ing form of one ("Strengthening intelligence",
    "Providing funds")?"""
    if word in IMPERATIVE_VERBS:
        return True
    if not (bullet and word.endswith("ing") and len(word) > 5) or word in _ADJECTIVAL_ING:
        return False
    base = word[:-3]
    return (base in IMPERATIVE_VERBS or base + "e" in IMPERATIVE_VERBS
            or (base[-1:] == base[-2:-1] and base[:-1] in IMPERATIVE_VERBS))


def _forward_sentences(text: AnalysedText, words: frozenset[str], *,
                       headings: bool, heading_pattern: re.Pattern = _FORWARD_HEADING
                       ) -> np.ndarray:
    """True for each sentence that has one of `words`, opens with an imperative verb or sits
    under a heading that names the way forward, up to the next heading (and, with
    `headings`, for that heading)."""
    flags = np.zeros(len(text.sentences), dtype=bool)
    named = {}                    # heading index -> does it name the way forward?
    for sentence, heading in under_headings(text):
        if sentence.kind == "heading":
            named[sentence.index] = bool(heading_pattern.search(sentence.text))
            flags[sentence.index] = headings and named[sentence.index]
            continue
        lowered = [w.lower() for w in sentence.words]
        label = label_words(sentence)          # "Rights and governance: implement ..."
        opener = lowered[label] if len(lowered) > label else ""
        flags[sentence.index] = bool(
            words.intersection(lowered) or (heading is not None and named[heading.index])
            or _imperative(opener, bullet=sentence.kind == "bullet" and not label))
    return flags


def forward_sentences(text: AnalysedText) -> np.ndarray:
    """True for each sentence that looks forward (see the module's docstring)."""
    flags = _forward_sentences(text, FORWARD_WORDS, headings=True)
    for sentence in text.sentences:
        lowered = sentence.text.lower()
        if "way forward" in lowered or "going forward" in lowered:
            flags[sentence.index] = True
    return flags


def point_columns(rubric: Rubric) -> list[tuple[int, ...]]:
    """For each dimension, the columns of its model points in the similarity matrix."""
    columns, start = [], 0
    for dim in rubric.dimensions:
        columns.append(tuple(range(start, start + len(dim.points))))
        start += len(dim.points)
    return columns


def focus_similarity(rubric: Rubric, similarity: np.ndarray, forward: np.ndarray,
                     settings: Settings, hits: tuple[KeywordHit, ...] = ()) -> np.ndarray:
    """The sentence-to-point similarity matrix with both rules applied (a new array); `hits`
    are the keyword hits that keep a sentence related to their dimension."""
    if not len(similarity):
        return similarity
    focused = similarity.copy()
    columns = point_columns(rubric)
    for dim, cols in zip(rubric.dimensions, columns):
        if dim.forward_looking and cols:
            focused[np.ix_(~forward, cols)] = 0.0
    by_dimension = dimension_similarity(rubric, focused)
    best = by_dimension.max(axis=1)
    strong = best >= settings.exclusive_strong
    named = np.zeros(by_dimension.shape, dtype=bool)
    index = {dim.dimension_id: d for d, dim in enumerate(rubric.dimensions)}
    for hit in hits:
        named[hit.sentence_index, index[hit.dimension_id]] = True
    for d, cols in enumerate(columns):
        weak = strong & ~named[:, d] & (by_dimension[:, d] < settings.exclusive_ratio * best)
        if cols and weak.any():
            focused[np.ix_(weak, cols)] = 0.0
    return focused


def forward_hits(rubric: Rubric, hits: tuple[KeywordHit, ...], forward: np.ndarray
                 ) -> tuple[KeywordHit, ...]:
    """Keyword hits without those of forward-looking dimensions in sentences that do not look
    forward."""
    looking = {d.dimension_id for d in rubric.dimensions if d.forward_looking}
    if not looking:
        return hits
    return tuple(h for h in hits if h.dimension_id not in looking or forward[h.sentence_index])


def recommendations(text: AnalysedText) -> np.ndarray:
    """True for each sentence that recommends: an obligation word, an imperative opener, or a
    sentence under a way-forward heading."""
    return _forward_sentences(text, RECOMMENDING_WORDS, headings=False,
                              heading_pattern=_RECOMMENDING_HEADING)


def touch_way_forward(rubric: Rubric, dimensions: tuple[DimensionScore, ...],
                      recommending: np.ndarray, counted: np.ndarray, similarity: np.ndarray,
                      ) -> tuple[DimensionScore, ...]:
    """Dimensions with a missing forward-looking one set to "partly covered" when a counted
    recommendation sentence serves it best among the forward-looking dimensions (one
    dimension per sentence, so a vague line does not touch every recommendation heading).
    `similarity` is the focused one (`focus_similarity`): a sentence that serves another
    dimension strongly has nothing left for the way forward, and its "must" states a rule
    ("one-third of beneficiaries must be women"), so it touches nothing."""
    looking = [d for d, dim in enumerate(rubric.dimensions) if dim.forward_looking]
    sentences = np.flatnonzero(recommending & (counted > 0))
    if not looking or not len(sentences):
        return dimensions
    by_dimension = dimension_similarity(rubric, similarity)   # a row for every sentence
    touched = set()
    for i in sentences:
        best = max(looking, key=lambda d: (by_dimension[i, d], -d))
        if by_dimension[i, best] > 0:
            touched.add(best)
    return tuple(replace(d, state=Coverage.PARTLY)
                 if k in touched and d.state is Coverage.MISSING else d
                 for k, d in enumerate(dimensions))

