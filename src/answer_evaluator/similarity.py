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


@lru_cache(maxsize=1)
def background_sentences() -> tuple[str, ...]:
    """Exam-style sentences on many topics, shipped with the package, that anchor the IDF."""
    text = resources.files(__package__).joinpath("data/background.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines()
                 if line.strip() and not line.startswith("#"))


class PointSimilarity:
    """Cosine similarity of any text to each model point of one rubric."""

    def __init__(self, *, word_share: float = WORD_SHARE,
                 question_factor: float = QUESTION_WORD_FACTOR):
        self.word_share = word_share
        self.question_factor = question_factor

    def fit(self, rubric: Rubric, extra_background: tuple[str, ...] = ()) -> "PointSimilarity":
        from sklearn.feature_extraction.text import TfidfVectorizer

        points = [p.text for p in rubric.points]
        keywords = [" ".join(g.forms) for d in rubric.dimensions for g in d.keywords]
        corpus = points + keywords + [rubric.question] + list(background_sentences()) + list(
            extra_background)
        self.words_ = TfidfVectorizer(analyzer=word_features, sublinear_tf=True).fit(corpus)
        self.chars_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=True,
                                      sublinear_tf=True).fit(corpus)
        question = set(content_stems(rubric.question))
        scale = np.ones(len(self.words_.vocabulary_))
        for feature, column in self.words_.vocabulary_.items():
            if all(part in question for part in feature.split(" ")):
                scale[column] = self.question_factor
        self.word_scale_ = scale
        self.point_ids_ = tuple(p.point_id for p in rubric.points)
        self.points_words_, self.points_chars_ = self._vectors(points)
        self.question_words_, self.question_chars_ = self._vectors(
            [rubric.question], demote_question=False)
        return self

    def _vectors(self, texts, *, demote_question: bool = True):
        words = self.words_.transform(texts)
        chars = self.chars_.transform(texts)
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
