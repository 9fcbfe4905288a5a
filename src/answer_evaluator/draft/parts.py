"""The pieces a draft is made of: source sentences, keyword groups and dimensions."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import EvaluatorError


class DraftError(EvaluatorError, ValueError):
    """A rubric cannot be drafted from this source."""


@dataclass
class SourceSentence:
    text: str          #: the sentence as it reads in the source (label removed)
    label: str         #: "Trade Imbalance and Market Access" of "Label: text" lines
    section: str       #: the last heading above it
    line: str          #: its whole source line, for context
    role: str = ""     #: "challenge", "forward" or ""

    #: The source's own heading for the sentence: its label ("Strategic ally in
    #: Indo-Pacific" of "Strategic ally in Indo-Pacific: Japan shares ..."), else the heading
    #: line above it, unless labelled lines came between; "" for none.
    heading: str = ""


@dataclass
class KeywordDraft:
    term: str
    variants: list[str] = field(default_factory=list)
    case_sensitive: bool = False
    kind: str = ""     #: acronym, phrase, term, figure
    score: float = 0.0


@dataclass
class DimensionDraft:
    dimension_id: str
    title: str
    role: str
    sentences: list[int]
    top_terms: list[str]
    keywords: list[KeywordDraft]
    points: list[str]
    weight: float = 1.0
    generic: bool = False
    facet: str = ""
