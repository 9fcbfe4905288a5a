"""TF-IDF similarity between answer sentences and a rubric's model points.

Fit once per rubric (vocabulary and IDF learned on the model points, the question, the
keywords and a shipped background of exam-style sentences), then transform each answer.
Two views are combined: word uni- and bigrams on stems without function words, and character
3-5-grams within words, which forgive spelling slips and inflections the stemmer misses.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np

from .models import Rubric
from .text import content_stems

WORD_SHARE = 0.7             #: weight of the word view; the character view gets the rest
QUESTION_WORD_FACTOR = 0.35  #: weight kept by features made only of the question's words
HEADING_WEIGHT = 0.3         #: weight of a heading's vector beside a bullet read with it


def word_features(text: str) -> list[str]:
    """Stem unigrams and bigrams of content words."""
    stems = content_stems(text)
    return stems + [f"{a} {b}" for a, b in zip(stems, stems[1:])]


FRAME_MIN_POINTS = 4         #: a rubric needs this many model points to have a frame ...
FRAME_SHARE = 0.5            #: ... the stems used by more than this share of them


def frame_stems(points: list[str]) -> frozenset[str]:
    """The stems most of a rubric's model points share, the frame a teacher writes them in
    ("You would need to know how much vinegar ...", "... what type of container ..."): they
    tell no point from another, so, like the question's words, they are demoted (unless a
    keyword uses them: then the teacher has said they matter)."""
    if len(points) < FRAME_MIN_POINTS:
        return frozenset()
    from collections import Counter

    uses = Counter(stem for text in points for stem in set(content_stems(text)))
    return frozenset(stem for stem, n in uses.items() if n > FRAME_SHARE * len(points))


@lru_cache(maxsize=1)
def background_sentences() -> tuple[str, ...]:
    """Exam-style sentences on many topics, shipped with the package, that anchor the IDF."""
    text = resources.files(__package__).joinpath("data/background.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines()
                 if line.strip() and not line.startswith("#"))


CHAR_GRAMS = (3, 5)          #: lengths of the character n-grams within words


@lru_cache(maxsize=65536)
def _word_char_grams(word: str) -> tuple[str, ...]:
    """The character n-grams of one lower-case word padded with a space each side, as
    scikit-learn's "char_wb" analyser makes them (a word shorter than n counts once)."""
    padded = f" {word} "
    grams: list[str] = []
    for n in range(CHAR_GRAMS[0], CHAR_GRAMS[1] + 1):
        grams.extend(padded[i:i + n] for i in range(max(1, len(padded) - n + 1)))
        if len(padded) <= n:
            break
    return tuple(grams)


def char_features(text: str) -> list[str]:
    """Character 3-5-grams within words, lower case: scikit-learn's "char_wb" analyser
    (tests/test_similarity.py holds them equal), with each word's n-grams cached, since
    answers repeat their words."""
    return [gram for word in text.lower().split() for gram in _word_char_grams(word)]


def _term_counts(analysed: list[list[str]], vocabulary: dict[str, int]):
    """Term counts of analysed texts in `vocabulary`, one CSR row each (what
    CountVectorizer.transform gives), counted with NumPy for all texts at once."""
    from itertools import chain, repeat

    from scipy.sparse import csr_matrix

    size = len(vocabulary)
    columns = np.fromiter(map(vocabulary.get, chain.from_iterable(analysed), repeat(-1)),
                          dtype=np.int64)
    rows = np.repeat(np.arange(len(analysed), dtype=np.int64),
                     np.fromiter(map(len, analysed), dtype=np.int64, count=len(analysed)))
    known = columns >= 0
    cells, counts = np.unique(rows[known] * size + columns[known], return_counts=True)
    indptr = np.searchsorted(cells // size, np.arange(len(analysed) + 1), side="left")
    return csr_matrix((counts.astype(np.float64), (cells % size).astype(np.int32), indptr),
                      shape=(len(analysed), size))


@lru_cache(maxsize=2)
def _background_counts(view: str):
    """The background sentences' feature names (sorted) and counts in one view ("words" or
    "chars"), computed once per process: every rubric's space shares them."""
    analyse = word_features if view == "words" else char_features
    documents = [analyse(s) for s in background_sentences()]
    names = sorted({f for document in documents for f in document})
    return names, _term_counts(documents, {f: i for i, f in enumerate(names)})


class _Space:
    """One view's TF-IDF space (scikit-learn's weighting: smooth IDF, sublinear TF, unit
    rows) fitted on a rubric's own texts and the shared background. Only the rubric's texts
    are counted per rubric; the background's counts are reused."""

    def __init__(self, view: str, own: list[list[str]]):
        from scipy.sparse import csr_matrix, vstack
        from sklearn.feature_extraction.text import TfidfTransformer

        names, background = _background_counts(view)
        features = sorted({f for document in own for f in document}.union(names))
        self.vocabulary_ = {f: i for i, f in enumerate(features)}
        columns = np.array([self.vocabulary_[f] for f in names], dtype=background.indices.dtype)
        moved = csr_matrix((background.data, columns[background.indices], background.indptr),
                           shape=(background.shape[0], len(features)))
        counts = vstack([_term_counts(own, self.vocabulary_), moved]).tocsr()
        self._weights = TfidfTransformer(sublinear_tf=True).fit(counts)

    def transform(self, analysed: list[list[str]]):
        return self._weights.transform(_term_counts(analysed, self.vocabulary_))


class PointSimilarity:
    """Cosine similarity of any text to each model point of one rubric."""

    def __init__(self, *, word_share: float = WORD_SHARE,
                 question_factor: float = QUESTION_WORD_FACTOR):
        self.word_share = word_share
        self.question_factor = question_factor

    def fit(self, rubric: Rubric, extra_background: tuple[str, ...] = ()) -> "PointSimilarity":
        points = [p.text for p in rubric.points]
        keywords = [" ".join(g.forms) for d in rubric.dimensions for g in d.keywords]
        own = points + keywords + [rubric.question] + list(extra_background)
        self.words_ = _Space("words", [word_features(t) for t in own])
        self.chars_ = _Space("chars", [char_features(t) for t in own])
        question = set(content_stems(rubric.question))
        frame = frame_stems(points) - set(content_stems(" ".join(keywords)))
        scale = np.ones(len(self.words_.vocabulary_))
        for feature, column in self.words_.vocabulary_.items():
            if all(part in question or part in frame for part in feature.split(" ")):
                scale[column] = self.question_factor
        self.word_scale_ = scale
        self.point_ids_ = tuple(p.point_id for p in rubric.points)
        self.points_words_, self.points_chars_ = self._vectors(points)
        self.question_words_, self.question_chars_ = self._vectors(
            [rubric.question], demote_question=False)
        return self

    def _vectors(self, texts, *, demote_question: bool = True):
        words = self.words_.transform([word_features(t) for t in texts])
        chars = self.chars_.transform([char_features(t) for t in texts])
        return (self._demote(words) if demote_question else words), chars

    def _demote(self, words):
        """Question-only features keep `question_factor` of their weight; rows renormalised."""
        from sklearn.preprocessing import normalize

        return normalize(words.multiply(self.word_scale_).tocsr())

    def to_points_and_question(self, texts: list[str], pairs=()
                               ) -> tuple[np.ndarray, np.ndarray]:
        """Similarity of each text to each model point (n_texts, n_points), with question
        words demoted, and to the question itself (n_texts,), at full weight. The texts are
        transformed once; every step is row by row, so texts of several answers may be
        given in one call (the batch does) and the rows sliced.

        `pairs` of rows (i, j) read text j together with text i (a bullet with its heading):
        row j's point similarity becomes, point by point, the better of its own and that of
        the two texts' unit vectors added, text i's at `HEADING_WEIGHT` (in each view), at no
        cost of transforming them again."""
        if not texts:
            return np.zeros((0, len(self.point_ids_))), np.zeros(0)
        words, chars = self._vectors(texts, demote_question=False)
        demoted = self._demote(words)
        word_sim = (demoted @ self.points_words_.T).toarray()
        char_sim = (chars @ self.points_chars_.T).toarray()
        if len(pairs):
            first, second = (np.asarray(side) for side in zip(*pairs))
            word_together = self._together(demoted, word_sim, first, second)
            char_together = self._together(chars, char_sim, first, second)
            better = (self._mix(word_together, char_together)
                      > self._mix(word_sim[second], char_sim[second]))
            word_sim[second] = np.where(better, word_together, word_sim[second])
            char_sim[second] = np.where(better, char_together, char_sim[second])
        return (self._mix(word_sim, char_sim),
                self._combine(words, chars, self.question_words_, self.question_chars_)[:, 0])

    @staticmethod
    def _together(view, sim, first, second, weight: float = HEADING_WEIGHT) -> np.ndarray:
        """Cosine to each point of `weight` x the unit vector of row `first` plus that of row
        `second` (the rows of `view`, unit or empty; `sim` holds their cosines to the points)."""
        def dot(a, b):
            return np.asarray(a.multiply(b).sum(axis=1)).ravel()

        heading, bullet = view[first], view[second]
        norm = np.sqrt(np.maximum(weight * weight * dot(heading, heading) + dot(bullet, bullet)
                                  + 2 * weight * dot(heading, bullet), 1e-12))
        return (weight * sim[first] + sim[second]) / norm[:, None]

    def to_points(self, texts: list[str]) -> np.ndarray:
        """Only the point similarities of `to_points_and_question`."""
        return self.to_points_and_question(texts)[0]

    def _combine(self, words, chars, other_words, other_chars) -> np.ndarray:
        return self._mix((words @ other_words.T).toarray(), (chars @ other_chars.T).toarray())

    def _mix(self, word_sim, char_sim):
        """The two views' similarities weighed into one."""
        return self.word_share * word_sim + (1 - self.word_share) * char_sim
