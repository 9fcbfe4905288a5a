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


# ----------------------------------------------------------------------------- false alarms
# The checks below once fired on real answers that human markers gave full marks
# (benchmarks/false_alarms.py measures how often); these sentences are hand-written.


def _analysed(text):
    from answer_evaluator.text import analyse

    return analyse(text)


def _weights(text, settings=None):
    import numpy as np

    from answer_evaluator.scoring import weigh_sentences
    from answer_evaluator.settings import DEFAULT_SETTINGS

    return weigh_sentences(text, np.zeros(len(text.sentences)), set(),
                           settings or DEFAULT_SETTINGS)


ORDINARY = """Electrons flow into or out of the battery. That is the terminal they come from.
Bulb a and bulb c are in a closed path with the battery, so they stay on. The 2015 agreement
set up a fund for the metro, and the loans were paid back in 2020. Their is a gap at the
switch. Japan and India meet in the 2+2 format, at the level of ministers, once a year. This is
what the circuit is made of, and it is what the voltage depends on."""


def test_ordinary_english_has_no_clear_word_order_anomaly():
    from answer_evaluator.scoring import fluency_factors, word_order_anomalies
    from answer_evaluator.settings import DEFAULT_SETTINGS

    text = _analysed(ORDINARY)
    openers, anomalies = word_order_anomalies(text)
    assert openers >= DEFAULT_SETTINGS.word_order_min_openers
    assert anomalies == 0
    prose, order, _, anomaly = fluency_factors(text, DEFAULT_SETTINGS)
    assert order == 1.0 and anomaly == 0.0
    for sentence in ("Electrons flow into or out of the battery.",
                     "That is what the bulb is connected to.",
                     "The 2015 agreement set up a fund."):
        assert word_order_anomalies(_analysed(sentence))[1] == 0, sentence


def test_clear_anomalies_are_counted_only_between_adjacent_words():
    from answer_evaluator.scoring import word_order_anomalies

    assert word_order_anomalies(_analysed("Trade grew in the of years."))[1] == 1
    assert word_order_anomalies(_analysed("Trade grew from of ties and."))[1] == 2
    assert word_order_anomalies(_analysed("Part a, the first part, is done."))[1] == 0


JUMBLED = """Ties the of and grew trade in years the. Funds a with the for of metro built and.
Loans the to and of were the paid for. Ministers the meet of in and format the a year. Of
with the bulb into the and battery of path."""


def test_jumbled_words_are_caught_once_there_are_enough_of_them():
    from answer_evaluator.scoring import fluency_factors
    from answer_evaluator.settings import DEFAULT_SETTINGS

    text = _analysed(JUMBLED)
    _, order, _, anomaly = fluency_factors(text, DEFAULT_SETTINGS)
    assert order == 0.0 and anomaly > DEFAULT_SETTINGS.word_order_high
    # one jumbled sentence has too few opportunities to tell jumbled text from a typo
    short = _analysed("Ties the of and grew trade.")
    assert fluency_factors(short, DEFAULT_SETTINGS)[1] == 1.0


def test_word_order_flag_fires_exactly_when_the_factor_cuts():
    from answer_evaluator.models import LengthReport
    from answer_evaluator.scoring import answer_flags, fluency
    from answer_evaluator.settings import DEFAULT_SETTINGS

    length = LengthReport(100, 100, 100, 1.0, 1.0, "")
    for source, expected in ((JUMBLED, True), (ORDINARY, False)):
        text = _analysed(source)
        parts = fluency(text, DEFAULT_SETTINGS)
        flags = answer_flags((), parts, _weights(text), length, 1.0, None)
        assert ("word-order" in {f.code for f in flags}) is expected
        assert (parts[0] < 1) is expected


def test_subject_forms_skip_the_first_word_of_every_sentence():
    from answer_evaluator.model_answer import rubric_from_model_answer
    from answer_evaluator.scoring import subject_forms

    rubric = rubric_from_model_answer("Read the passage. Explain how pandas adapted.",
                                      "Pandas adapted by eating bamboo.")
    assert subject_forms(rubric) == ()
    rubric = rubric_from_model_answer("Read the story. Explain how Rose helps her family.",
                                      "Rose works hard to send money home.")
    assert subject_forms(rubric) == (("rose",),)


def test_labels_and_titles_are_not_the_subject():
    from answer_evaluator.model_answer import rubric_from_model_answer
    from answer_evaluator.scoring import subject_forms

    rubric = rubric_from_model_answer("Why was bulb A on when switch Z was open?",
                                      "Bulb A was still in a closed path with the battery.")
    assert subject_forms(rubric) == ()
    rubric = rubric_from_model_answer("Where do C++ programs begin to execute?",
                                      "They begin at the main function.")
    assert subject_forms(rubric) == ()
    rubric = rubric_from_model_answer("What effect does Mr. Leonard have on Paul?",
                                      "Mr. Leonard helps Paul to train and to read.")
    assert subject_forms(rubric) == (("leonard",), ("paul",))


def test_a_terse_answer_of_one_or_two_sentences_is_not_a_keyword_list():
    from answer_evaluator.scoring import fluency, is_list_like
    from answer_evaluator.settings import DEFAULT_SETTINGS

    for answer in ("main", "Name, parameters, scope, return type, body.",
                   "Its name, parameters, return type, scope. Nothing else."):
        text = _analysed(answer)
        assert fluency(text, DEFAULT_SETTINGS)[:2] == (1.0, 1.0), answer
        assert not any(f for f in _weights(text).flags), answer
    # the sentence has the shape of a list; in a longer answer it is weighed as one
    assert is_list_like(_analysed("Name, parameters, scope, return type, body.").sentences[0])


def test_a_terse_list_answer_earns_its_marks():
    from answer_evaluator.model_answer import evaluator_for, rubric_from_model_answer

    rubric = rubric_from_model_answer("What does a function prototype include?",
                                      "The function name, its parameters and its return type.")
    evaluation = evaluator_for(rubric).evaluate("Name, parameters, return type.")
    assert "keyword-list" not in codes(evaluation)
    assert evaluation.fluency == 1.0


def test_a_list_needs_hardly_any_clause_words():
    from answer_evaluator.scoring import fluency, is_list_like
    from answer_evaluator.settings import DEFAULT_SETTINGS

    assert is_list_like(_analysed("ISM 2021, MeitY, DLI, fiscal support, OSAT units.").sentences[0])
    assert not is_list_like(_analysed(
        "So I said, walking back, that it was fine, calm, and kind.").sentences[0])
    lists = _analysed("ISM 2021, MeitY, DLI, fiscal support, OSAT units.\n"
                      "Progress: Micron, Tata, SCL Mohali, Dholera.\n"
                      "Challenges: capital, water, skills, lithography, ASML.")
    assert all("a list of terms, not a sentence" in f for f in _weights(lists).flags)
    assert fluency(lists, DEFAULT_SETTINGS)[0] == 0.0


def test_short_sentences_are_not_fragments_but_runs_of_terms_are():
    from answer_evaluator.scoring import fluency, is_fragment
    from answer_evaluator.settings import DEFAULT_SETTINGS

    sentences = _analysed("Pythons are generalists. They eat anything. Yen loans 1958.").sentences
    assert [is_fragment(s, DEFAULT_SETTINGS) for s in sentences] == [False, False, True]
    prose = _analysed("Pandas eat almost only bamboo. Koalas eat eucalyptus leaves, nearly "
                      "nothing else. Both are specialists. Pythons are generalists.")
    assert fluency(prose, DEFAULT_SETTINGS)[0] == 1.0
    assert not any(_weights(prose).flags)
    terms = _analysed("Yen loans 1958. Delhi Metro. Bullet train. DMIC. Quad. CEPA 2011.")
    assert fluency(terms, DEFAULT_SETTINGS)[0] < 0.5
    assert all("a fragment, not a sentence" in f for f in _weights(terms).flags)


def test_a_case_study_is_about_the_words_it_repeats_not_only_its_names():
    from answer_evaluator.scoring import case_words

    case = ("Floods have cut off twelve villages of your district. Relief boats can reach only "
            "six villages on the first day, and a minister asks that his own villages get the "
            "boats first. The relief camps are short of food and medicine, and the media are "
            "reporting the delay. The district has also been told that more rain is coming. "
            "What would you do as the officer in charge of relief, and why?")
    assert {"villag", "relief", "boat"} <= case_words(case)
    assert "minist" not in case_words(case)           # said once
    assert case_words("Discuss the role of the Quad in the Indo-Pacific.") == set()


NAMED_ONLY = '''
id = "bees-named"
question = "Explain why bees matter to farming."
directive = "explain"
word_limit = 150
max_marks = 10

[[dimensions]]
id = "pollination"
title = "Pollination"
advice = "Say that bees carry pollen between flowers so that crops set seed."
  [[dimensions.keywords]]
  term = "pollen"
  weight = 1.0
  [[dimensions.keywords]]
  term = "cross-pollination"
  weight = 3.0
  [[dimensions.keywords]]
  term = "fruit set"
  weight = 3.0
  [[dimensions.points]]
  text = "Bees carry pollen from flower to flower, so crops set fruit and seed."

[[dimensions]]
id = "income"
title = "Farm income"
advice = "Say that honey and wax add to farm income."
  [[dimensions.keywords]]
  term = "honey"
  [[dimensions.points]]
  text = "Honey and wax from bee boxes add to a farmer's income."
'''


def test_a_dimension_named_by_its_keyword_is_partly_covered_whatever_its_score():
    from answer_evaluator.rubric import parse_rubric
    from answer_evaluator.settings import DEFAULT_SETTINGS

    rubric = parse_rubric(NAMED_ONLY)
    named = evaluate_answer("Farmers in the valley often talk about pollen when they plan "
                            "the coming season and their markets.", rubric)
    pollination = named.dimensions[0]
    assert pollination.matched_terms == ("pollen",)
    assert 0 < pollination.score < DEFAULT_SETTINGS.partly_at   # too little for its score
    assert pollination.state is Coverage.PARTLY       # named, not developed
    assert named.dimensions[1].state is Coverage.MISSING
    unnamed = evaluate_answer("Farmers in the valley often talk about the weather when they "
                              "plan the coming season and their markets.", rubric)
    assert unnamed.dimensions[0].state is Coverage.MISSING


def test_a_dimension_none_of_whose_keywords_is_met_is_at_most_partly_covered():
    """The model points' similarity alone does not cover a dimension: a sentence can echo a
    point's words and say something else ("far fewer than the guaranteed 100 days" against
    "guarantees 100 days"). With one of its specifics named, the same sentence covers it."""
    from answer_evaluator.rubric import parse_rubric

    rubric = parse_rubric(NAMED_ONLY)
    echo = evaluate_answer("Bees carry grains from flower to flower, so crops set fruit and "
                           "seed.", rubric).dimensions[0]
    assert echo.matched_terms == () and echo.point_score == pytest.approx(1.0)
    assert echo.state is Coverage.PARTLY
    named = evaluate_answer("Bees carry pollen from flower to flower, so crops set fruit and "
                            "seed.", rubric).dimensions[0]
    assert named.matched_terms == ("pollen",)
    assert named.state is Coverage.COVERED



def test_a_dimension_that_meets_three_keyword_groups_is_covered_in_its_own_words():
    """Three of a dimension's keyword groups met, with a keyword score of 0.7 or more, in two
    sentences or more, make it covered however far its wording is from the model point's
    (`covered_groups`); two groups do not, nor three in one line (a list of terms), nor three
    light ones among heavier groups, and the setting at 0 turns the rule off."""
    from dataclasses import replace

    from answer_evaluator.rubric import parse_rubric
    from answer_evaluator.settings import DEFAULT_SETTINGS

    rubric = parse_rubric(NAMED_ONLY.replace('term = "fruit set"', 'term = "orchard"'))
    three = ("Apple orchards need cross-pollination between varieties. Growers rent hives "
             "each spring, because pollen is heavy and sticky and the wind moves little of it.")
    covered = evaluate_answer(three, rubric).dimensions[0]
    assert covered.matched_terms == ("pollen", "cross-pollination", "orchard")
    assert covered.keyword_score == 1.0
    assert covered.score < DEFAULT_SETTINGS.covered_at          # the point's words are few
    assert covered.state is Coverage.COVERED
    off = evaluate_answer(three, rubric, replace(DEFAULT_SETTINGS, covered_groups=0))
    assert off.dimensions[0].state is Coverage.PARTLY
    two = evaluate_answer("Apple orchards need cross-pollination between varieties. Growers "
                          "rent hives each spring.", rubric).dimensions[0]
    assert two.keyword_score == 1.0 and len(two.matched_terms) == 2
    assert two.state is Coverage.PARTLY
    for line in ("Apple orchards need cross-pollination, since pollen is heavy and sticky.",
                 "pollen cross-pollination orchard honey"):
        one_line = evaluate_answer(line, rubric).dimensions[0]
        assert len(one_line.matched_terms) == 3 and one_line.keyword_sentences == 1
        assert one_line.state is Coverage.PARTLY
    heavier = '  [[dimensions.keywords]]\n  term = "pollinator decline"\n  weight = {}\n'
    point = '  [[dimensions.points]]\n  text = "Bees carry'
    for weight, state in ((12.0, Coverage.COVERED), (14.0, Coverage.PARTLY)):
        light = parse_rubric(NAMED_ONLY.replace('term = "fruit set"', 'term = "orchard"')
                             .replace(point, heavier.format(weight) + point, 1))
        found = evaluate_answer(three, light).dimensions[0]
        assert len(found.matched_terms) == 3
        assert (found.keyword_score >= DEFAULT_SETTINGS.covered_groups_keywords) is (
            state is Coverage.COVERED)
        assert found.state is state


def _length_factor(words: int, limit: int = 100, settings=None) -> float:
    return _length_report(words, limit, settings).factor


def _length_report(words: int, limit: int = 100, settings=None):
    import numpy as np

    from answer_evaluator.rubric import parse_rubric
    from answer_evaluator.scoring import SentenceWeights, check_length
    from answer_evaluator.settings import DEFAULT_SETTINGS
    from answer_evaluator.text import analyse

    rubric = parse_rubric(f'id = "t"\nquestion = "Discuss it."\ndirective = "discuss"\n'
                          f'word_limit = {limit}\nmax_marks = 10\n[[dimensions]]\nid = "d"\n'
                          'title = "d"\nadvice = "Add it."\n  [[dimensions.keywords]]\n'
                          '  term = "point"\n  [[dimensions.points]]\n'
                          '  text = "A point."\n')
    text = analyse(" ".join(f"Word{i} counts here." for i in range(words // 3)))
    weights = SentenceWeights(np.ones(len(text.sentences)), ((),) * len(text.sentences))
    return check_length(text, rubric, weights, settings or DEFAULT_SETTINGS)


def test_the_length_verdict_is_as_severe_as_its_cost():
    """87% or 112% of the limit costs a few hundredths of the marks and is "a little" short or
    over; from the flags' thresholds (80%, 120%) the verdict is the flag's."""
    verdicts = {ratio: _length_report(ratio).verdict for ratio in (69, 87, 99, 111, 150)}
    assert verdicts[87].startswith("A little short") and verdicts[69].startswith("Too short")
    assert verdicts[99].startswith("Within the limit")
    assert verdicts[111].startswith("A little over the limit")
    assert verdicts[150].startswith("Over the limit")
    assert _length_factor(87) > 0.95 and _length_factor(69) < 0.9


def test_a_modest_excess_costs_little_and_a_gross_one_much():
    """Published model answers run to 150-180% of the limit: that costs about a tenth of the
    marks, twice the limit about a third, and the cost grows faster than the excess."""
    at = {ratio: _length_factor(ratio) for ratio in (105, 150, 162, 180, 201, 300)}
    assert at[105] == 1.0
    assert 0.9 <= at[150] < 0.97 and 0.85 <= at[162] < 0.93
    assert 0.75 <= at[180] < 0.85 and 0.6 <= at[201] < 0.72
    assert at[300] == pytest.approx(0.4)             # the floor
    assert (1 - at[201]) > 2 * (1 - at[150])         # not in proportion


def test_short_answer_settings_keep_a_proportional_mild_excess_cost():
    from answer_evaluator.settings import SHORT_ANSWER_SETTINGS

    assert _length_factor(201, settings=SHORT_ANSWER_SETTINGS) == pytest.approx(
        1 - 0.15 * (2.01 - 1.1), abs=0.01)


def test_a_heading_that_names_the_question_is_a_signpost_not_a_copy(india_japan_evaluator):
    body = ("Japan has been India's largest source of official development assistance since "
            "the first yen loan of 1958.\n\nThe 2008 security declaration, the 2+2 dialogue "
            "and the Malabar exercise made Japan a security partner in the Indo-Pacific.\n\n"
            "Both should now finish the bullet train and widen defence co-production.")
    signposted = india_japan_evaluator.evaluate(
        "India-Japan: from economic relationship to strategic alliance:\n" + body)
    assert "repeats-question" not in codes(signposted)
    assert signposted.sentences[0].kind == "heading"


def test_an_opening_that_restates_the_question_and_then_frames_it_frames_it(
        india_japan_evaluator, india_japan):
    framing = ("Over seven decades the tie has moved from yen loans and aid to a Special "
               "Strategic and Global Partnership in 2014, with security now at its core.")
    rest = ("\n\nJapan is India's largest donor of official development assistance and funds "
            "the Delhi Metro, the Mumbai-Ahmedabad bullet train and the Delhi-Mumbai "
            "Industrial Corridor, while Japanese firms such as Suzuki build cars in India."
            "\n\nThe 2008 security declaration, the 2+2 dialogue of foreign and defence "
            "ministers, the JIMEX and Malabar naval exercises and the 2020 logistics agreement "
            "made Japan a security partner, and both work in the Quad for a free and open "
            "Indo-Pacific.\n\nThe two should deepen Quad cooperation, finish the bullet "
            "train and move to defence co-production.")
    restated = india_japan_evaluator.evaluate(f"{india_japan.question} {framing}{rest}")
    assert restated.structure.introduction.met, restated.structure.introduction.feedback
    copied = india_japan_evaluator.evaluate(f"{india_japan.question}{rest}")
    assert not copied.structure.introduction.met


def test_a_sentence_about_the_answer_itself_makes_no_point(india_japan_evaluator):
    body = ("\n\nJapan funds the Delhi Metro and the bullet train with yen loans.\n\n"
            "The two navies hold the JIMEX and Malabar exercises.")
    announced = india_japan_evaluator.evaluate(
        "This answer will explore the challenges of the partnership: the trade deficit, "
        "project delays and land acquisition." + body)
    stated = india_japan_evaluator.evaluate(
        "The partnership faces challenges: the trade deficit, project delays and land "
        "acquisition." + body)
    state = {e: {d.dimension_id: d.state for d in e.dimensions} for e in (announced, stated)}
    assert state[announced]["challenges"] is Coverage.MISSING
    assert state[stated]["challenges"] is not Coverage.MISSING
    assert announced.sentences[0].flags == ()      # not a fault to flag, only no credit


def test_pronouns_are_not_concrete_examples(india_japan):
    """"I" and "He" inside a sentence are capitalised but name nothing: the examples check
    counts names, numbers and acronyms, not pronouns."""
    from answer_evaluator.scoring import _specifics
    from answer_evaluator.text import analyse

    text = analyse("Then I would act. So He said I must wait. Later Kyoto funded the metro "
                   "in 2006.")
    assert _specifics(text.sentences, india_japan) == {"Kyoto", "2006"}


GOVERNOR_FACTS = ("The Governor is appointed by the President and holds office at her "
                  "pleasure. Article 163 gives the Governor discretion in a hung Assembly.")
GOVERNOR_LIMITS = ("Governors have sat on bills for months. Appointments have gone to party "
                   "loyalists.")


def _governor_check(answer: str, name: str) -> bool:
    """Whether `answer`, graded on governor-discretionary-powers ("critically analyse"),
    meets the directive check `name`."""
    from pathlib import Path

    from answer_evaluator import load_rubric

    rubric = load_rubric(Path(__file__).parents[1] / "rubrics" /
                         "governor-discretionary-powers.toml")
    report = evaluate_answer(answer, rubric).directive_report
    return next(c.met for c in report.checks if c.name == name)


def test_a_section_headed_by_the_other_side_weighs_both_sides():
    """A "critically analyse" answer whose limitations stand under their own heading, in
    sentences without "however" or "but", weighs both sides; the same sentences under a
    heading that names no other side do not."""
    def weighs(heading: str) -> bool:
        return _governor_check(f"{GOVERNOR_FACTS}\n\n{heading}\n\n{GOVERNOR_LIMITS}\n\n"
                               "Way forward\n\nCodify the conventions on discretion.",
                               "weighs both sides")

    assert weighs("The other side") and weighs("Limitations") and weighs("Critical view")
    assert not weighs("Recent practice")


def test_a_long_question_is_addressed_by_ten_of_its_words_and_word_families_count():
    """The question check asks for a share of the question's content words: of at most
    `directive_question_words` of them for a long question, and "violent" uses "violence"."""
    import numpy as np

    from answer_evaluator.rubric import parse_rubric
    from answer_evaluator.scoring import SentenceWeights, question_coverage
    from answer_evaluator.text import analyse

    question = ("Left Wing Extremism has moved from violence in remote forests to urban "
                "networks and extortion; discuss the emerging issues and suggest a "
                "multilayered strategy to tackle the menace in the present context.")
    rubric = parse_rubric(f'id = "t"\nquestion = "{question}"\ndirective = "discuss"\n'
                          'word_limit = 250\nmax_marks = 15\n[[dimensions]]\nid = "d"\n'
                          'title = "d"\nadvice = "Add it."\n  [[dimensions.keywords]]\n'
                          '  term = "forest"\n  [[dimensions.points]]\n  text = "A point."\n')

    def coverage(answer: str) -> float:
        text = analyse(answer)
        return question_coverage(text, rubric, SentenceWeights(
            np.ones(len(text.sentences)), ((),) * len(text.sentences)))

    # seven of the question's 18 content words: 0.39 of all 18, 0.7 of ten
    assert coverage("Urban networks, extortion and remote forests are the emerging issues.") \
        == pytest.approx(0.7)
    assert coverage("Violent groups remain.") == pytest.approx(0.1)     # "violence", one of ten
    assert coverage("The monsoon was good.") == 0.0


def test_a_case_study_that_ends_by_justifying_its_choice_concludes():
    """A case-study answer's last section is often "Justification": it ends the answer as a
    conclusion does; the same answer without that section does not conclude."""
    from pathlib import Path

    from answer_evaluator import load_rubric

    rubrics = Path(__file__).parents[1] / "rubrics"
    rubric = load_rubric(rubrics / "case-illegal-sand-mining.toml")
    body = ("The case pits the law against an MLA's pressure and the livelihood of labourers.\n\n"
            "Options\n\n- Release the trucks: it ends the pressure but breaks the law.\n"
            "- Continue the drive: it upholds the law but the labourers lose work.\n\n"
            "Course of action\n\nI would continue the drive, record the MLA's call and "
            "inform the Divisional Commissioner.")
    ending = ("\n\nJustification\n\nIntegrity means that my decision cannot be bought, and "
              "impartiality that the law applies to the MLA's men as to anyone else.")
    concluded = evaluate_answer(body + ending, rubric).structure.conclusion
    assert concluded.met, concluded.message
    assert not evaluate_answer(body, rubric).structure.conclusion.met


def test_a_last_paragraph_that_opens_by_weighing_what_came_before_concludes():
    """"Still, ...", "Yet ..." or "Even so, ..." opening the last paragraph weighs the answer
    and ends it, though it names no cue word; the same paragraph opening with a plain fact
    does not conclude, nor does "still" inside a sentence of fact."""
    from pathlib import Path

    from answer_evaluator import load_rubric

    rubric = load_rubric(Path(__file__).parents[1] / "rubrics" / "india-japan-partnership.toml")
    body = ("India and Japan began as trade partners, with Japanese aid and investment in "
            "Indian infrastructure.\n\nSince 2014 the Special Strategic and Global Partnership "
            "has added defence exercises such as JIMEX and a 2+2 dialogue of ministers.\n\n"
            "Both work in the Quad for a free and open Indo-Pacific.")

    def concludes(ending: str) -> bool:
        return evaluate_answer(f"{body}\n\n{ending}", rubric).structure.conclusion.met

    for opener in ("Still,", "Yet", "Even so,"):
        assert concludes(f"{opener} the partnership is young and its trade remains small "
                         "beside India's trade with China."), opener
    assert not concludes("The partnership is young and its trade remains small beside "
                         "India's trade with China.")
    assert not concludes("Trade is still small beside India's trade with China.")


def test_an_answer_that_ends_by_recommending_ends_with_a_verdict():
    """"Critically analyse" asks for a verdict at the end: a last sentence that recommends
    ("Fix a time limit for assent ...") gives one, without "therefore" or "should"; a last
    sentence of fact does not."""
    def verdict(ending: str) -> bool:
        return _governor_check(f"{GOVERNOR_FACTS}\n\n{GOVERNOR_LIMITS}\n\n{ending}",
                               "ends with a judgement")

    assert verdict("Fix a time limit for assent and codify the conventions on discretion.")
    assert not verdict("The Sarkaria Commission reported in 1988.")


def test_an_answer_that_covers_the_rubric_in_its_own_words_addresses_the_question():
    """The question check also passes when the answer covers `directive_covered_share` of the
    rubric's dimensions: they say what the question asks, so an answer in its own words
    ("questioned the caste and gender order" for "challenged social hierarchies") addresses
    it. One that covers few of them still needs the question's words."""
    from dataclasses import replace
    from pathlib import Path

    import numpy as np

    from answer_evaluator import load_rubric, read_answer
    from answer_evaluator.scoring import SentenceWeights, check_directive
    from answer_evaluator.settings import DEFAULT_SETTINGS
    from answer_evaluator.text import analyse

    root = Path(__file__).parents[1]
    rubric = load_rubric(root / "rubrics" / "bhakti-movement.toml")
    sample = root / "samples" / "bhakti-movement" / "strong.txt"
    evaluation = Evaluator(rubric).evaluate(read_answer(sample))
    text = analyse(sample.read_text(encoding="utf-8"))
    weights = SentenceWeights(np.ones(len(text.sentences)), ((),) * len(text.sentences))

    def addresses(dimensions, coverage: float) -> bool:
        report = check_directive(rubric, text, dimensions, weights, coverage,
                                 settings=DEFAULT_SETTINGS)
        return next(c.met for c in report.checks if c.name == "addresses the question")

    covered = tuple(replace(d, state=Coverage.COVERED) for d in evaluation.dimensions)
    one = covered[:1] + tuple(replace(d, state=Coverage.PARTLY) for d in covered[1:])
    assert addresses(covered, 0.0)
    assert not addresses(one, 0.0)
    assert addresses(one, DEFAULT_SETTINGS.directive_question_coverage)


def test_sentences_under_a_heading_that_names_reasons_give_reasons():
    """An "analyse" answer may set its reasons out under "Why it fell short" or "Causes of its
    failure:" without "because" or "therefore": they give reasons. The same sentences under
    a heading that names no reasons do not."""
    from pathlib import Path

    from answer_evaluator import load_rubric

    rubric = load_rubric(Path(__file__).parents[1] / "rubrics" /
                         "civil-disobedience-movement.toml")
    opening = ("The Salt March of 1930 drew peasants, women and traders into the movement.")
    reasons = ("The Gandhi-Irwin Pact of 1931 suspended the campaign. The Muslim League "
               "stayed away. Repression jailed ninety thousand people.")

    def gives_reasons(answer: str) -> bool:
        report = evaluate_answer(answer, rubric).directive_report
        return next(c.met for c in report.checks if c.name == "gives reasons")

    assert gives_reasons(f"{opening}\n\nWhy it fell short\n\n{reasons}")
    assert gives_reasons(f"{opening}\n\nCauses of its failure:\n- " +
                         reasons.replace(". ", ".\n- "))
    assert not gives_reasons(f"{opening}\n\nThe later years\n\n{reasons}")
