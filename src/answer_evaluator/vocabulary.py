"""Words that tell a right answer from a wrong one in one subject, learned from marked answers.

A calibration fitted on many questions of one subject (circuits, say) can learn that some
words and word pairs go with right answers on every question ("closed path", "gap") and some
with wrong ones ("does not know", "battery is dead"), whatever the question. `Vocabulary`
holds such a learned list: stems and stem pairs of the answers, each with its inverse document
frequency and its weight in marks. `Vocabulary.score(text)` is the marks it adds to (or takes
from) an answer: the weights times the answer's TF-IDF vector (sublinear term frequency, unit
length), computed here with the standard library so that a stored calibration needs no
scikit-learn to grade.

Fitting (`document_frequencies`, `tfidf_matrix`) uses SciPy's sparse matrices; the weights
themselves are fitted with the calibration's other terms, in one ridge regression
(calibration.fit_linear), and cross-validated by question like them: the figures say how the
words do on questions they were not learned from.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Sequence

#: The longest word run kept: single stems and pairs of neighbouring stems.
MAX_GRAM = 2
#: A term must occur in at least this many fitting answers to be kept.
MIN_ANSWERS = 2
#: The marks the words may add or take away are held within these percentiles of what they
#: give the fitting answers: a string of the subject's right-answer words ("a gap not
#: connected damaged path") gets no more from them than a good real answer does.
SCORE_PERCENTILES = (5.0, 95.0)


def grams(text: str, max_gram: int = MAX_GRAM) -> tuple[str, ...]:
    """The answer's stems and runs of up to `max_gram` neighbouring stems (joined by a
    space), function words included: "not connected" must stay apart from "connected"."""
    from .text import stems_of

    stems = stems_of(text)
    found = list(stems)
    for n in range(2, max_gram + 1):
        found.extend(" ".join(stems[i:i + n]) for i in range(len(stems) - n + 1))
    return tuple(found)


def _counts(text: str, max_gram: int) -> tuple[tuple[str, int], ...]:
    return tuple(Counter(grams(text, max_gram)).items())


#: Fitting meets every answer once per fold, ridge strength and vocabulary weight: it counts
#: each answer's terms once (grading counts them afresh, so a long batch fills no cache).
_fitting_counts = lru_cache(maxsize=16384)(_counts)


def forget_fitting() -> None:
    """Empty the fitting's cache of term counts (`fit_calibration` does, when it is done)."""
    _fitting_counts.cache_clear()


def _tfidf(text: str, max_gram: int, index: dict[str, int], idf: Sequence[float],
           counts=_counts) -> dict[int, float]:
    """Column -> value of one answer's unit-length TF-IDF vector (sublinear tf)."""
    row = {index[g]: (1.0 + math.log(c)) * idf[index[g]]
           for g, c in counts(text, max_gram) if g in index}
    norm = math.sqrt(sum(v * v for v in row.values()))
    return {j: v / norm for j, v in row.items()} if norm > 0 else {}


def document_frequencies(texts: Sequence[str], *, min_answers: int = MIN_ANSWERS,
                         max_gram: int = MAX_GRAM) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The terms found in at least `min_answers` of `texts` (sorted) and their smoothed
    inverse document frequencies, ln((1 + n) / (1 + df)) + 1 (scikit-learn's formula)."""
    df: Counter = Counter()
    for text in texts:
        df.update(g for g, _ in _fitting_counts(text, max_gram))
    terms = tuple(sorted(g for g, c in df.items() if c >= min_answers))
    n = len(texts)
    return terms, tuple(math.log((1 + n) / (1 + df[g])) + 1.0 for g in terms)


def tfidf_matrix(texts: Sequence[str], terms: Sequence[str], idf: Sequence[float],
                 max_gram: int = MAX_GRAM):
    """A SciPy CSR matrix: one unit-length TF-IDF row per text over `terms`."""
    from scipy.sparse import csr_matrix

    index = {g: j for j, g in enumerate(terms)}
    data, columns, pointers = [], [], [0]
    for text in texts:
        row = _tfidf(text, max_gram, index, idf, _fitting_counts)
        for j in sorted(row):
            columns.append(j)
            data.append(row[j])
        pointers.append(len(columns))
    return csr_matrix((data, columns, pointers), shape=(len(texts), len(terms)))


def _written_forms(text: str) -> dict[str, str]:
    """Stem -> the first word of `text` that has it."""
    from .text import stem, tokenize

    written: dict[str, str] = {}
    for word in tokenize(text)[0]:
        written.setdefault(stem(word), word)
    return written


def _spelled(term: str, written: dict[str, str]) -> str:
    """A term of stems ("not connect") in the words the answer wrote it with ("not
    connected"): each stem as its first word in the answer that has it."""
    return " ".join(written.get(part, part) for part in term.split(" "))


@dataclass(frozen=True)
class Vocabulary:
    """Learned word weights: the marks each term adds per unit of the answer's TF-IDF."""

    terms: tuple[str, ...]
    idf: tuple[float, ...]
    weights: tuple[float, ...]
    max_gram: int = MAX_GRAM
    #: the range `score` keeps to (`SCORE_PERCENTILES` of the fitting answers' scores)
    low: float = -math.inf
    high: float = math.inf

    def __post_init__(self):
        if not len(self.terms) == len(self.idf) == len(self.weights):
            raise ValueError(f"a vocabulary needs one idf and one weight per term; got "
                             f"{len(self.terms)} terms, {len(self.idf)} idf values and "
                             f"{len(self.weights)} weights")
        if self.max_gram < 1:
            raise ValueError(f"max_gram must be at least 1, got {self.max_gram}")
        if not self.low <= self.high:
            raise ValueError(f"the range of its marks must be low <= high, got "
                             f"{self.low} and {self.high}")

    def score(self, text: str) -> float:
        """The marks the answer's words add (negative: take away), within [low, high]."""
        return min(self.high, max(self.low, self.unbounded(text)))

    def unbounded(self, text: str) -> float:
        """The weights times the answer's TF-IDF vector, before the range."""
        return float(sum(self._effects(text).values()))

    def contributions(self, text: str) -> list[tuple[str, float]]:
        """(term, marks) for each of the answer's terms the vocabulary knows, the largest
        effect first; they add up to `unbounded(text)`."""
        found = [(self.terms[j], effect) for j, effect in self._effects(text).items()]
        return sorted(found, key=lambda tw: (-abs(tw[1]), tw[0]))

    def words_in(self, text: str, n: int = 3) -> tuple[tuple[str, float], ...]:
        """The `n` terms of `contributions` as the answer wrote them, with their marks."""
        top = self.contributions(text)[:n]
        written = _written_forms(text) if top else {}
        return tuple((_spelled(term, written), effect) for term, effect in top)

    def _effects(self, text: str) -> dict[int, float]:
        """Column -> marks of each known term of the answer (weight x TF-IDF)."""
        row = _tfidf(text, self.max_gram, self._index, self.idf)
        return {j: self.weights[j] * v for j, v in row.items()}

    @cached_property
    def _index(self) -> dict[str, int]:
        return {g: j for j, g in enumerate(self.terms)}

    def strongest(self, n: int = 10) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """The `n` terms that add most and the `n` that take away most, with their weights."""
        ranked = sorted(zip(self.terms, self.weights), key=lambda tw: tw[1])
        return ranked[::-1][:n], ranked[:n]

    def to_json(self) -> dict:
        bounds = {k: round(v, 6) for k, v in (("low", self.low), ("high", self.high))
                  if math.isfinite(v)}
        return {"max_gram": self.max_gram, **bounds, "terms": list(self.terms),
                "idf": [round(v, 6) for v in self.idf],
                "weights": [round(v, 6) for v in self.weights]}

    @classmethod
    def from_json(cls, data: dict) -> "Vocabulary":
        return cls(terms=tuple(str(t) for t in data["terms"]),
                   idf=tuple(float(v) for v in data["idf"]),
                   weights=tuple(float(v) for v in data["weights"]),
                   max_gram=int(data.get("max_gram", MAX_GRAM)),
                   low=float(data.get("low", -math.inf)),
                   high=float(data.get("high", math.inf)))
