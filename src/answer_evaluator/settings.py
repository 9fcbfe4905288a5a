"""Every constant of the marking formula, in one frozen object (README: "How marks are computed")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    # model points: similarity -> coverage
    point_low: float = 0.1          #: similarity at or below which a point is not covered at all
    point_high: float = 0.36         #: similarity at or above which a point is fully covered
    point_hit: float = 0.25          #: coverage from which a sentence is said to make the point
    point_target: float = 0.5        #: share of a dimension's point weight that earns it full credit
    keyword_target: float = 0.5      #: share of a dimension's keyword weight that earns it full credit
    keyword_share: float = 0.4       #: weight of keywords in a dimension's score (points get the rest)
    covered_at: float = 0.55         #: dimension score from which it is "covered"
    partly_at: float = 0.2           #: ... and from which it is "partly covered"
    full_sentence_words: int = 6     #: a sentence this long counts fully; shorter ones pro rata
    fragment_words: int = 5          #: sentences shorter than this are fragments (keyword lists)
    subject_mentions_words: int = 120  #: from this length the subject should be named twice
    subject_keywords: float = 0.5    #: mean keyword score that shows an answer is on subject
    off_subject_floor: float = 0.1   #: content kept by an answer that is not on the subject
    repetition_penalty: float = 0.75 #: content lost per unit share of words in repeated sentences
    # quality
    coverage_exponent: float = 0.8   #: < 1: the first dimensions covered count a little more
    content_share: float = 0.8
    structure_share: float = 0.1
    directive_share: float = 0.1
    relevance_floor: float = 0.35    #: structure and directive credit need this much content
    strictness: float = 0.67         #: share of the maximum that a flawless answer earns (UPSC)
    # length
    length_tolerance: float = 0.1    #: within +-10% of the limit costs nothing
    under_penalty: float = 0.8       #: marks lost per unit of shortfall beyond tolerance
    over_penalty: float = 0.6        #: marks lost per unit of excess beyond tolerance
    min_length_factor: float = 0.4
    # gaming
    question_copy_at: float = 0.55   #: similarity to the question from which a sentence is a copy
    duplicate_at: float = 0.85       #: overlap of stems from which a sentence repeats an earlier one


DEFAULT_SETTINGS = Settings()
