"""The subject's vocabulary a calibration may learn (vocabulary.py, calibration.fit_calibration)."""

import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
BEETLE = ROOT.parent / "shared" / "datasets" / "beetle-train.csv"


def test_grams_are_stems_and_neighbouring_pairs_with_function_words_kept():
    from answer_evaluator.vocabulary import grams

    found = grams("The bulb is not connected")
    assert "not connect" in found and "connect" in found      # the negation stays with it
    assert "the bulb" in found and "bulb" in found
    assert grams("The bulb is not connected", 1) == ("the", "bulb", "is", "not", "connect")


def test_tfidf_rows_equal_scikit_learns():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from answer_evaluator.vocabulary import document_frequencies, grams, tfidf_matrix

    texts = ["The switch is open, so there is a gap.", "A closed path with the battery.",
             "There is a gap in the path", "the bulb and the switch are in a closed path",
             "Terminal 1 is not connected to the positive terminal", "no idea"]
    terms, idf = document_frequencies(texts)
    ours = tfidf_matrix(texts, terms, idf).toarray()
    reference = TfidfVectorizer(analyzer=grams, sublinear_tf=True, min_df=2).fit(texts)
    assert list(reference.get_feature_names_out()) == list(terms)
    assert np.allclose(reference.idf_, idf)
    assert np.allclose(reference.transform(texts).toarray(), ours)


def test_score_is_the_weights_times_the_tfidf_row():
    from answer_evaluator.vocabulary import Vocabulary, document_frequencies, tfidf_matrix

    texts = ["a gap in the path", "a closed path", "the gap is there", "closed path here"]
    terms, idf = document_frequencies(texts)
    weights = tuple(float(w) for w in np.linspace(-1, 1, len(terms)))
    vocabulary = Vocabulary(terms, idf, weights)
    rows = tfidf_matrix(texts, terms, idf)
    for text, row in zip(texts, rows):
        assert vocabulary.score(text) == pytest.approx(float((row @ np.array(weights))[0]))
    assert vocabulary.score("entirely unrelated words") == 0.0
    assert vocabulary.score("") == 0.0


def test_a_vocabulary_must_have_one_idf_and_one_weight_per_term():
    from answer_evaluator.vocabulary import Vocabulary

    with pytest.raises(ValueError, match="one idf and one weight per term"):
        Vocabulary(("gap", "path"), (1.0, 1.2), (0.5,))


def synthetic(seed=0, informative=True):
    """Nine questions, ten answers each; the features say nothing, and whether an answer
    names the gap decides its score on every question (when `informative`)."""
    rng = np.random.default_rng(seed)
    groups = np.repeat([f"q{i}" for i in range(9)], 10)
    right = rng.random(90) < 0.5
    filler = ["the bulb", "the battery", "terminal one", "the switch", "a wire"]
    texts = [(("there is a gap " if r else "it is a closed circuit ") if informative else "")
             + filler[i % 5] + f" question {g}" for i, (r, g) in enumerate(zip(right, groups))]
    features = [{"ref_recall": float(x), "non_answer": 0.0} for x in rng.random(90)]
    scores = np.where(right, 5.0, 0.0) if informative else rng.random(90) * 5
    return features, scores, groups, texts


def test_words_that_decide_the_marks_on_every_question_are_learned():
    from answer_evaluator.calibration import fit_calibration

    features, scores, groups, texts = synthetic()
    terms = (("ref_recall", "identity"),)
    plain, plain_report = fit_calibration(features, scores, groups, terms=terms,
                                          fallback_terms=(), texts=texts,
                                          vocabulary_weights=(0.0,))
    learned, report = fit_calibration(features, scores, groups, terms=terms,
                                      fallback_terms=(), texts=texts)
    assert plain.models[0].vocabulary is None
    assert report["model"]["vocabulary_weight"] > 0
    assert report["model"]["cv"]["pearson"] > 0.9 > plain_report["model"]["cv"]["pearson"]
    vocabulary = learned.models[0].vocabulary
    up, down = vocabulary.strongest(3)
    assert "gap" in {t for t, _ in up} and any("circuit" in t for t, _ in down)
    assert learned.info["vocabulary"]["weight"] == report["model"]["vocabulary_weight"]


def test_calibration_with_a_vocabulary_round_trips_and_grades_through_the_engine(tmp_path):
    from answer_evaluator.calibration import fit_calibration, load_calibration
    from answer_evaluator.engine import Evaluator
    from answer_evaluator.model_answer import rubric_from_model_answer
    from answer_evaluator.reading import answer_from_text

    features, scores, groups, texts = synthetic()
    calibration, _ = fit_calibration(features, scores, groups,
                                     terms=(("ref_recall", "identity"),), fallback_terms=(),
                                     texts=texts)
    path = tmp_path / "circuits.json"
    path.write_text(calibration.dumps(), encoding="utf-8")
    loaded = load_calibration(str(path))
    assert loaded.models[0].vocabulary.terms == calibration.models[0].vocabulary.terms
    for f, t in zip(features[:10], texts[:10]):
        ours = calibration.predict(calibration.models[0].with_vocabulary(f, t))
        theirs = loaded.predict(loaded.models[0].with_vocabulary(f, t))
        assert theirs == pytest.approx(ours, abs=1e-4)
    # the engine asks the calibration for the features it adds, the vocabulary's among them
    rubric = rubric_from_model_answer("Why does the bulb not light?",
                                      "There is a gap in the circuit, so there is no "
                                      "closed path through the bulb.")
    evaluator = Evaluator(rubric, calibration=loaded)
    gap = evaluator.evaluate(answer_from_text("There is a gap in the path.", name="a"))
    closed = evaluator.evaluate(answer_from_text("It is a closed circuit path.", name="b"))
    assert dict(gap.features)["vocabulary"] > dict(closed.features)["vocabulary"]
    assert loaded.extra_features("There is a gap.", rubric)["vocabulary"] == pytest.approx(
        loaded.models[0].vocabulary.score("There is a gap."))


def test_a_malformed_vocabulary_is_refused_with_the_file_named(tmp_path):
    from answer_evaluator.calibration import CalibrationError, fit_calibration, load_calibration

    features, scores, groups, texts = synthetic()
    calibration, _ = fit_calibration(features, scores, groups,
                                     terms=(("ref_recall", "identity"),), fallback_terms=(),
                                     texts=texts)
    data = calibration.to_json()
    data["models"][0]["vocabulary"]["weights"].pop()
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CalibrationError, match="broken.json.*vocabulary.*one idf and one weight"):
        load_calibration(str(path))


def test_words_that_say_nothing_are_left_out():
    from answer_evaluator.calibration import fit_calibration

    features, scores, groups, texts = synthetic(seed=3, informative=False)
    _, report = fit_calibration(features, scores, groups, terms=(("ref_recall", "identity"),),
                                fallback_terms=(), texts=texts)
    assert report["model"]["vocabulary_weight"] == 0.0


@pytest.mark.skipif(not BEETLE.exists(), reason=f"{BEETLE} is not here (CI has it)")
def test_the_circuits_vocabulary_helps_on_questions_it_was_not_learned_from():
    """Beetle, 5 folds by question, nested: the figures docs/agreement.md reports."""
    from answer_evaluator import agreement as ag
    from answer_evaluator.calibration import fit_calibration

    rows = ag.load_graded_answers(BEETLE)
    grading = ag.grade_rows(rows)
    texts = [r.student_answer for r in rows]
    common = dict(scheme_marks=grading.scheme_marks, margin=grading.margins, fallback_terms=())
    _, plain = fit_calibration(grading.features, grading.human, grading.groups, texts=texts,
                               vocabulary_weights=(0.0,), **common)
    _, learned = fit_calibration(grading.features, grading.human, grading.groups, texts=texts,
                                 **common)
    assert learned["model"]["vocabulary_weight"] > 0
    assert learned["model"]["cv"]["pearson"] >= plain["model"]["cv"]["pearson"] + 0.05
    assert learned["model"]["cv"]["pearson"] >= 0.45, learned["model"]["cv"]


def test_contributions_add_up_to_the_score_and_terms_read_as_written():
    from answer_evaluator.vocabulary import Vocabulary, document_frequencies

    texts = ["a gap in the path", "a closed path", "the gap is there", "closed path here"]
    terms, idf = document_frequencies(texts)
    vocabulary = Vocabulary(terms, idf, tuple(float(w) for w in np.linspace(-1, 1, len(terms))))
    text = "The gap is in a closed path"
    parts = vocabulary.contributions(text)
    assert sum(e for _, e in parts) == pytest.approx(vocabulary.unbounded(text))
    assert [abs(e) for _, e in parts] == sorted((abs(e) for _, e in parts), reverse=True)
    pairs = Vocabulary(("close path", "not connect"), (1.0, 1.0), (1.0, 1.0))
    assert [w for w, _ in pairs.words_in("It is a Closed path.")] == ["Closed path"]
    assert [w for w, _ in pairs.words_in("the bulb is not connected")] == ["not connected"]


def test_the_breakdown_names_the_subjects_words_that_moved_the_marks():
    from answer_evaluator.calibration import fit_calibration
    from answer_evaluator.engine import Evaluator
    from answer_evaluator.model_answer import rubric_from_model_answer
    from answer_evaluator.reading import answer_from_text

    features, scores, groups, texts = synthetic()
    calibration, _ = fit_calibration(features, scores, groups,
                                     terms=(("ref_recall", "identity"),), fallback_terms=(),
                                     texts=texts)
    rubric = rubric_from_model_answer("Why does the bulb not light?",
                                      "There is a gap in the circuit, so there is no "
                                      "closed path through the bulb.")
    evaluation = Evaluator(rubric, calibration=calibration).evaluate(
        answer_from_text("Because there is a gap.", name="a"))
    step = evaluation.breakdown.calibration
    assert step.words and step.words[0][1] > 0
    assert any("gap" in w for w, _ in step.words)
    line = next(l for l in evaluation.breakdown.lines if l.code == "calibration")
    assert "words of the subject it learned" in line.reason and "gap" in line.reason
    # without a vocabulary the breakdown names no words
    plain, _ = fit_calibration(features, scores, groups, terms=(("ref_recall", "identity"),),
                               fallback_terms=(), texts=texts, vocabulary_weights=(0.0,))
    evaluation = Evaluator(rubric, calibration=plain).evaluate(
        answer_from_text("Because there is a gap.", name="a"))
    assert evaluation.breakdown.calibration.words == ()


def test_the_words_marks_keep_to_the_range_the_fitting_answers_show():
    """A string of the subject's right-answer words gets from them no more than the
    fitting answers' 95th percentile."""
    from answer_evaluator.calibration import fit_calibration
    from answer_evaluator.vocabulary import SCORE_PERCENTILES, Vocabulary

    features, scores, groups, texts = synthetic()
    calibration, _ = fit_calibration(features, scores, groups,
                                     terms=(("ref_recall", "identity"),), fallback_terms=(),
                                     texts=texts)
    vocabulary = calibration.models[0].vocabulary
    fitted = np.array([vocabulary.unbounded(t) for t in texts])
    low, high = np.percentile(fitted, SCORE_PERCENTILES)
    assert (vocabulary.low, vocabulary.high) == pytest.approx((low, high))
    up, _ = vocabulary.strongest(6)
    stuffed = " ".join(t for t, _ in up)
    assert vocabulary.unbounded(stuffed) > vocabulary.high
    assert vocabulary.score(stuffed) == pytest.approx(vocabulary.high)
    assert vocabulary.score("entirely unrelated words") == min(max(0.0, low), high)
    with pytest.raises(ValueError, match="low <= high"):
        Vocabulary(("gap",), (1.0,), (0.5,), low=1.0, high=0.0)
