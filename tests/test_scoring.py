"""Marks mean something: order of the samples, missing dimensions, length and gaming flags."""

import pytest

from answer_evaluator import Evaluator, answer_from_text, evaluate_answer
from answer_evaluator.models import Coverage


def dims(evaluation, state):
    return {d.dimension_id for d in evaluation.dimensions if d.state is state}


def codes(evaluation):
    return {f.code for f in evaluation.flags}


def test_samples_are_ordered_as_a_human_would(sample_evaluations):
    m = {name: e.marks for name, e in sample_evaluations.items()}
    assert m["strong"] > m["average"] > m["economic-only"]
    assert m["economic-only"] > m["off-topic"]
    assert m["economic-only"] > m["keyword-list"]


def test_marks_are_half_steps_within_the_maximum(sample_evaluations):
    for evaluation in sample_evaluations.values():
        assert 0 <= evaluation.marks <= evaluation.max_marks
        assert (evaluation.marks * 2).is_integer()


def test_a_dimension_the_answer_does_not_touch_is_missing(sample_evaluations):
    economic = sample_evaluations["economic-only"]
    assert {"security", "indo-pacific", "evolution"} <= dims(economic, Coverage.MISSING)
    assert "economy" in dims(economic, Coverage.COVERED)
    strong = sample_evaluations["strong"]
    assert len(dims(strong, Coverage.MISSING)) == 0
    assert len(dims(strong, Coverage.COVERED)) >= 6


def test_missing_dimensions_become_suggestions(sample_evaluations):
    economic = sample_evaluations["economic-only"]
    assert len(economic.suggestions) == 3
    assert all(s.gain > 0 for s in economic.suggestions)
    titles = " ".join(s.text for s in economic.suggestions)
    assert "Security" in titles or "Indo-Pacific" in titles or "Evolution" in titles


def test_length_is_checked_against_the_limit(sample_evaluations):
    over = sample_evaluations["over-length"]
    short = sample_evaluations["too-short"]
    assert "over-length" in codes(over) and over.length.factor < 1
    assert "too-short" in codes(short) and short.length.factor < 1
    assert sample_evaluations["strong"].length.factor == 1
    assert over.marks < sample_evaluations["strong"].marks


@pytest.mark.parametrize("name, code", [
    ("keyword-list", "keyword-list"), ("off-topic", "off-topic"),
    ("question-copied", "repeats-question"), ("repeated", "repeated"),
    ("shuffled", "word-order"),
])
def test_gaming_is_flagged_and_scores_low(sample_evaluations, name, code):
    evaluation = sample_evaluations[name]
    assert code in codes(evaluation)
    assert evaluation.marks <= sample_evaluations["average"].marks / 2


def test_copy_of_the_question_earns_nothing(india_japan_evaluator, india_japan):
    evaluation = india_japan_evaluator.evaluate(india_japan.question)
    assert evaluation.marks == 0


def test_fluent_answer_on_another_topic_scores_low(india_japan):
    text = ("Climate change threatens Indian agriculture through heat stress and erratic monsoon "
            "rains. Wheat yields fall when March turns hot, and rain-fed farmers suffer most. "
            "The government promotes micro-irrigation, crop insurance and climate-resilient "
            "seeds. Yet adaptation finance is small and extension services are weak. A way "
            "forward needs better forecasts, water budgeting and support for small farmers. ")
    evaluation = evaluate_answer(text * 2, india_japan)
    assert evaluation.marks <= 2
    assert len(dims(evaluation, Coverage.COVERED)) == 0


def test_sentences_show_what_they_serve(sample_evaluations):
    strong = sample_evaluations["strong"]
    served = [s for s in strong.sentences if s.dimension_ids]
    assert len(served) >= 0.7 * len([s for s in strong.sentences if s.kind != "heading"])
    assert any(s.highlights for s in strong.sentences)
    from answer_evaluator.settings import DEFAULT_SETTINGS

    for point in strong.points:
        hit = point.coverage >= DEFAULT_SETTINGS.point_hit
        assert (point.sentence_index is not None) == hit
    assert sum(p.sentence_index is not None for p in strong.points) >= len(strong.points) / 2


def test_structure_and_directive_feedback(sample_evaluations):
    strong = sample_evaluations["strong"]
    assert strong.structure.introduction.met and strong.structure.conclusion.met
    assert strong.directive_report.directive == "elaborate"
    assert all(c.met for c in strong.directive_report.checks)
    short = sample_evaluations["too-short"]
    assert short.structure.score < 1 and not short.structure.introduction.met


def test_evaluator_is_reusable_and_deterministic(india_japan):
    evaluator = Evaluator(india_japan)
    text = answer_from_text("Japan funds the Delhi Metro and the bullet train through ODA. " * 4)
    assert evaluator.evaluate(text) == evaluator.evaluate(text)


def test_every_number_is_explained_by_the_formula(sample_evaluations):
    from answer_evaluator.scoring import round_half
    from answer_evaluator.settings import DEFAULT_SETTINGS as s

    for e in sample_evaluations.values():
        total = sum(d.weight for d in e.dimensions)
        coverage = sum(d.weight * d.score for d in e.dimensions) / total
        for d in e.dimensions:
            assert d.score == pytest.approx(s.keyword_share * d.keyword_score
                                            + (1 - s.keyword_share) * d.point_score)
        assert dict(e.features)["coverage"] == pytest.approx(coverage)
        assert e.marks == round_half(e.max_marks * s.strictness * e.quality * e.length.factor)
