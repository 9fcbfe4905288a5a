"""The rubric's TF-IDF space: the background counted once per process gives the same space
as scikit-learn's TfidfVectorizer fitted on the rubric's texts and the background together."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from answer_evaluator import load_rubric
from answer_evaluator.similarity import (PointSimilarity, background_sentences,
                                         char_features, word_features)

from conftest import RUBRICS, SAMPLES


def corpus(rubric):
    points = [p.text for p in rubric.points]
    keywords = [" ".join(g.forms) for d in rubric.dimensions for g in d.keywords]
    return points + keywords + [rubric.question] + list(background_sentences())


@pytest.mark.parametrize("name", ["india-japan-partnership", "mgnrega-rural-welfare"])
def test_space_is_the_one_fitted_on_the_whole_corpus(name):
    rubric = load_rubric(RUBRICS / f"{name}.toml")
    space = PointSimilarity().fit(rubric)
    texts = [line for path in sorted(SAMPLES.glob("*/*.txt"))[:12]
             for line in path.read_text(encoding="utf-8").split(". ") if line.strip()]
    for view, analyser, kwargs in ((space.words_, word_features, {}),
                                   (space.chars_, None, {"analyzer": "char_wb",
                                                         "ngram_range": (3, 5)})):
        whole = TfidfVectorizer(analyzer=analyser, sublinear_tf=True, **kwargs) \
            if analyser else TfidfVectorizer(sublinear_tf=True, **kwargs)
        whole.fit(corpus(rubric))
        assert view.vocabulary_ == whole.vocabulary_
        analysed = [word_features(t) for t in texts] if analyser else [char_features(t)
                                                                         for t in texts]
        ours = view.transform(analysed).toarray()
        theirs = whole.transform(texts).toarray()
        assert ours.shape == theirs.shape and ours.any()
        assert np.abs(ours - theirs).max() < 1e-12


def test_the_vocabulary_holds_the_rubric_s_own_words_and_the_background_s():
    rubric = load_rubric(RUBRICS / "india-japan-partnership.toml")
    space = PointSimilarity().fit(rubric)
    own = {f for p in rubric.points for f in word_features(p.text)}
    background = {f for s in background_sentences() for f in word_features(s)}
    assert own - background and background - own          # each brings words of its own
    every = {f for text in corpus(rubric) for f in word_features(text)}
    assert own | background <= every == set(space.words_.vocabulary_)


@pytest.mark.parametrize("text", ["A to Z of it", "I", "Rs. 76,000 crore\tand\n₹76,000",
                                  "Photolithography  is  PHOTO-lithography", "", "ab abc abcd"])
def test_character_grams_are_scikit_learn_s(text):
    from sklearn.feature_extraction.text import CountVectorizer

    theirs = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()
    assert char_features(text) == theirs(text)


def test_the_frame_every_point_is_written_in_credits_no_point():
    """Model points all written as "You would need to know ...": a sentence that shares only
    that frame with a point is barely similar to it (near `point_low`, where a point starts to
    count), while it still matches the point it makes."""
    from answer_evaluator.settings import DEFAULT_SETTINGS as settings
    from answer_evaluator.similarity import frame_stems

    from conftest import DATA

    rubric = load_rubric(DATA / "short-answer" / "replicate-experiment.toml")
    points = [p.text for p in rubric.points]
    assert frame_stems(points) == {"need", "know", "plant"}   # "plant": the question's too
    assert frame_stems(points[:3]) == frozenset()         # too few points to have a frame
    similarity = PointSimilarity().fit(rubric).to_points(
        ["You would need to know what kind of soil they used."])[0]
    soil = [p.point_id for p in rubric.points].index(rubric.dimension("soil").points[0].point_id)
    others = np.delete(similarity, soil)
    assert similarity[soil] > 2 * others.max()
    assert others.max() < settings.point_low + 0.1      # 0.22-0.25 while the frame counted


def test_a_frame_word_that_a_keyword_uses_keeps_its_weight():
    """When a keyword uses a word of the points' frame, the teacher has said it matters."""
    from conftest import DATA

    path = DATA / "short-answer" / "replicate-experiment.toml"
    plain = load_rubric(path)
    text = path.read_text("utf-8").replace('term = "temperature"',
                                           'term = "temperature"\n  variants = ["need to know"]')
    from answer_evaluator.rubric import parse_rubric

    keyed = parse_rubric(text)
    sentence = ["You would need to know what kind of soil they used."]
    before = PointSimilarity().fit(plain).to_points(sentence)[0]
    after = PointSimilarity().fit(keyed).to_points(sentence)[0]
    assert np.delete(after, 1).max() > np.delete(before, 1).max() + 0.05
