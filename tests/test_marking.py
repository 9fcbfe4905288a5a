"""The one marking module: declared schemes, validated by the loader, and a breakdown whose
parts add up to the marks shown for every shipped sample."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from answer_evaluator import Evaluator, load_rubric, read_answer
from answer_evaluator.errors import RubricError
from answer_evaluator.marking import band_marks, strictness_of, word_limit_role
from answer_evaluator.models import Coverage
from answer_evaluator.rubric import parse_rubric
from answer_evaluator.settings import DEFAULT_SETTINGS, SettingError, Settings

from conftest import ROOT

SAMPLES = sorted((ROOT / "samples").glob("*/*.txt"))

#: Two key elements and a question with no proper noun (no subject checks in play).
TWO_ELEMENTS = '''
id = "bees"
question = "Explain why bees matter to farming."
directive = "explain"
word_limit = 60
max_marks = {max_marks}

{marking}

[[dimensions]]
id = "pollination"
title = "Pollination"
advice = "Say that bees carry pollen between flowers."
{marks_a}
  [[dimensions.keywords]]
  term = "pollen"
  variants = ["pollinate", "pollination"]
  [[dimensions.points]]
  text = "Bees carry pollen from flower to flower, so crops set fruit and seed."

[[dimensions]]
id = "yield"
title = "Crop yield"
advice = "Say that many crops give smaller harvests without bees."
{marks_b}
  [[dimensions.keywords]]
  term = "harvest"
  variants = ["yield", "crop output"]
  [[dimensions.points]]
  text = "Without bees many fruit and vegetable crops give much smaller harvests."
'''

BOTH = ("Bees carry pollen from flower to flower, so that crops set fruit and seed. "
        "Without bees many fruit and vegetable crops would give much smaller harvests.")
ONE = "Bees carry pollen from flower to flower, so that crops set fruit and seed."


def rubric(marking: str = "", *, max_marks: int = 2, marks_a: str = "", marks_b: str = ""):
    return parse_rubric(TWO_ELEMENTS.format(marking=marking, max_marks=max_marks,
                                            marks_a=marks_a, marks_b=marks_b))


def grade(r, text):
    return Evaluator(r).evaluate(text)


# ----------------------------------------------------------------------------- schemes


def test_bands_scheme_gives_the_band_of_the_key_elements_made():
    r = rubric('[marking]\nscheme = "bands"\nword_limit = "none"\n'
               'bands = [{ made = 2, marks = 2 }, { made = 1, marks = 1 }]')
    both, one = grade(r, BOTH), grade(r, ONE)
    assert [d.state for d in both.dimensions] == [Coverage.COVERED, Coverage.COVERED]
    assert both.marks == 2
    assert one.marks == 1
    assert band_marks(r, 1.5) == 1 and band_marks(r, 0.5) == 0


def test_count_scheme_full_marks_at_n_of_m():
    r = rubric('[marking]\nscheme = "count"\nfull_marks_at = 1\nword_limit = "none"')
    assert grade(r, ONE).marks == 2          # one key element of two is enough
    assert grade(r, BOTH).marks == 2


def test_a_short_answer_rubric_that_declares_no_scheme_is_marked_by_its_best_elements():
    r = rubric()                       # 2 marks, no paper, no [marking] table
    assert (r.marking.scheme, r.marking.full_marks_at, r.marking.word_limit) == ("best", 2, "none")
    assert "short answer" in r.marking.default
    assert grade(r, BOTH).marks == 2
    one = grade(r, ONE).breakdown
    assert one.marks == 1
    assert [d.gain for d in one.dimensions] == [0, 1]   # the missing element would add a mark
    assert rubric(max_marks=10).marking.scheme == "weights"
    declared = rubric('[marking]\nscheme = "weights"')
    assert declared.marking.scheme == "weights" and not declared.marking.default
    upsc = parse_rubric(TWO_ELEMENTS.format(marking="", max_marks=2, marks_a="", marks_b="")
                        .replace('max_marks = 2', 'max_marks = 2\npaper = "GS-III"'))
    assert upsc.marking.scheme == "weights"
    from answer_evaluator.lint import marking_warnings
    assert [f.code for f in marking_warnings(r, Path("bees.toml"))] == ["default-scheme"]
    assert marking_warnings(declared, Path("bees.toml")) == []


def test_a_short_answer_word_limit_costs_nothing_unless_the_rubric_gives_it_a_role():
    """A short-answer rubric (no UPSC paper, at most 5 marks) that declares a scheme but no role
    for its word limit: the limit is room to answer in, so a correct answer of a dozen words
    loses nothing. A longer question, or a UPSC one, keeps the strict default."""
    bands = ('[marking]\nscheme = "bands"\n'
             'bands = [{ made = 2, marks = 2 }, { made = 1, marks = 1 }]')
    short = rubric(bands)
    assert short.marking.word_limit == "none" and word_limit_role(short) == "none"
    assert grade(short, ONE).marks == 1 and grade(short, BOTH).marks == 2
    assert not [line for line in grade(short, ONE).breakdown.lines if line.code == "length"]
    declared = rubric(bands + '\nword_limit = "strict"')
    assert word_limit_role(declared) == "strict"
    assert [line for line in grade(declared, ONE).breakdown.lines if line.code == "length"]
    longer = rubric('[marking]\nscheme = "weights"', max_marks=10)
    assert word_limit_role(longer) == "strict"
    upsc = parse_rubric(TWO_ELEMENTS.format(marking=bands, max_marks=2, marks_a="", marks_b="")
                        .replace('max_marks = 2', 'max_marks = 2\npaper = "GS-III"'))
    assert word_limit_role(upsc) == "strict"


def test_best_scheme_credits_each_of_the_best_elements_by_its_score():
    r = rubric('[marking]\nscheme = "best"\nfull_marks_at = 1\nword_limit = "none"')
    assert grade(r, ONE).marks == 2          # the best element alone earns the marks
    weak = grade(r, "Bees visit flowers on farms.")
    b = weak.breakdown
    best = max(weak.dimensions, key=lambda d: d.score)
    assert 0 < best.score < 1
    earned = {d.dimension_id: d.marks for d in b.dimensions}
    assert earned[best.dimension_id] == pytest.approx(2 * best.score)
    assert sum(earned.values()) == pytest.approx(earned[best.dimension_id])
    assert b.total == pytest.approx(weak.marks)



def test_best_scheme_gives_a_covered_element_its_full_mark_whatever_its_score():
    """A covered key element is a valid point and earns its whole share, as a teacher marks
    one; only a partly covered element earns a share by its score."""
    r = rubric('[marking]\nscheme = "best"\nfull_marks_at = 2\nword_limit = "none"')
    e = grade(r, "Bees pollinate crops, and the yield of many crops falls without them.")
    assert all(d.state is Coverage.COVERED for d in e.dimensions)
    assert min(d.score for d in e.dimensions) < 1          # not every point in full
    assert [d.marks for d in e.breakdown.dimensions] == [1.0, 1.0]
    assert e.marks == 2
    thin = grade(r, "Bees help farmers pollinate crops.")
    partly = [d for d in thin.dimensions if d.state is Coverage.PARTLY]
    assert len(partly) == 1 and 0 < partly[0].score < 1
    earned = {d.dimension_id: d.marks for d in thin.breakdown.dimensions}
    assert earned[partly[0].dimension_id] == pytest.approx(partly[0].score)


def test_marks_scheme_with_introduction_and_conclusion_adds_up():
    r = rubric('[marking]\nscheme = "marks"\nintroduction = 1\nconclusion = 1\n'
               'word_limit = "none"', max_marks=6, marks_a="marks = 2", marks_b="marks = 2")
    e = grade(r, BOTH)
    b = e.breakdown
    assert [d.available for d in b.dimensions] == [2, 2]
    assert {line.code for line in b.lines} >= {"introduction", "conclusion", "rounding"}
    assert b.total == pytest.approx(e.marks)


def test_non_upsc_rubric_is_not_capped_by_a_hidden_strictness():
    r = rubric('[marking]\nscheme = "bands"\nword_limit = "none"\n'
               'bands = [{ made = 2, marks = 2 }, { made = 1, marks = 1 }]')
    assert strictness_of(r, DEFAULT_SETTINGS) == 1.0
    assert not [line for line in grade(r, BOTH).breakdown.lines if line.code == "strictness"]
    upsc = load_rubric(ROOT / "rubrics" / "india-japan-partnership.toml")
    assert strictness_of(upsc, DEFAULT_SETTINGS) == DEFAULT_SETTINGS.strictness


def test_declared_strictness_is_used_and_shown_in_words():
    r = rubric('[marking]\nscheme = "count"\nfull_marks_at = 2\nstrictness = 0.5\n'
               'word_limit = "none"', max_marks=4)
    b = grade(r, BOTH).breakdown
    line = next(line for line in b.lines if line.code == "strictness")
    assert line.marks == pytest.approx(-2.0)
    assert "50%" in line.reason and "examiner" in line.reason
    assert b.marks == 2


@pytest.mark.parametrize("role, costs", [("none", False), ("soft", True), ("strict", True)])
def test_word_limit_role(role, costs):
    r = rubric(f'[marking]\nscheme = "count"\nfull_marks_at = 2\nword_limit = "{role}"',
               max_marks=10)
    padded = BOTH + " " + " ".join(f"Bees visit field number {i} every day." for i in range(25))
    b = grade(r, padded).breakdown
    length = [line for line in b.lines if line.code == "length"]
    assert bool(length) is costs
    assert word_limit_role(r) == role
    if role == "soft":
        assert length[0].marks == pytest.approx(-10 * DEFAULT_SETTINGS.soft_length_deduction)


def test_a_required_key_element_caps_the_marks_of_an_answer_that_misses_it():
    """"No credit unless a trait is named": under any scheme, an answer that misses a required
    dimension earns at most the marks the rubric gives without it, and the breakdown says so
    and still adds up."""
    bands = ('[marking]\nscheme = "bands"\nword_limit = "none"\n'
             'bands = [{ made = 2, marks = 2 }, { made = 1, marks = 1 }]\n')
    plain = rubric(bands)
    gated = rubric(bands + 'required = [{ dimension = "yield" }]')
    harvest = "Without bees many fruit and vegetable crops would give much smaller harvests."
    assert grade(plain, ONE).marks == 1
    lacking = grade(gated, ONE)                   # pollination only: yield missing
    assert lacking.marks == 0
    line = next(line for line in lacking.breakdown.lines if line.code == "required")
    assert line.marks == pytest.approx(-1) and "'Crop yield'" in line.reason
    assert lacking.breakdown.total == pytest.approx(lacking.marks)
    assert dict(lacking.features)["required_missing"] == 1.0
    empty = grade(gated, "Bees are small insects that live together in hives.")
    gains = {d.dimension_id: d.gain for d in empty.breakdown.dimensions}
    assert gains["yield"] > 0 and gains["pollination"] == 0     # only the required one lifts it
    assert {d.dimension_id: d.gain for d in grade(plain, "Bees are small insects that live "
            "together in hives.").breakdown.dimensions}["pollination"] > 0
    assert empty.suggestions[0].text.startswith("Add 'Crop yield'")
    from answer_evaluator.cli import summary

    assert "  capped: the marking scheme gives no marks without 'Crop yield'" in summary(
        lacking, Path("a.txt"), None).splitlines()
    assert grade(gated, harvest).marks == 1       # the required element alone earns its band
    assert grade(gated, BOTH).marks == 2
    assert not [line for line in grade(gated, BOTH).breakdown.lines if line.code == "required"]
    assert plain.marking.required == () and gated.marking.required[0].otherwise == 0
    partial = rubric('[marking]\nscheme = "marks"\nrequired = [{ dimension = "yield", '
                     'otherwise = 0.5 }]', max_marks=4, marks_a="marks = 2", marks_b="marks = 2")
    assert grade(partial, ONE).marks == 0.5       # otherwise: at most half a mark


def test_a_calibration_adds_nothing_to_an_answer_that_misses_a_required_element():
    from answer_evaluator.marking import calibration_margin

    assert calibration_margin(DEFAULT_SETTINGS, {"required_missing": 1.0}) == 0.0
    assert calibration_margin(DEFAULT_SETTINGS, {"required_missing": 0.0}) == pytest.approx(
        DEFAULT_SETTINGS.calibration_margin)

    class Generous:                       # a calibration that gives full marks to anything
        name, max_score = "generous", 2.0

        def marks_share(self, features):
            return 1.0

    gated = rubric('[marking]\nscheme = "bands"\nword_limit = "none"\nbands = [{ made = 2, '
                   'marks = 2 }, { made = 1, marks = 1 }]\nrequired = [{ dimension = "yield" }]')
    lacking = Evaluator(gated, calibration=Generous()).evaluate(ONE)
    assert lacking.marks == 0
    assert lacking.breakdown.total == pytest.approx(lacking.marks)
    assert Evaluator(gated, calibration=Generous()).evaluate(BOTH).marks == 2


# ----------------------------------------------------------------------------- validation


@pytest.mark.parametrize("marking, extra, message", [
    ('[marking]\nscheme = "bandz"', {}, "did you mean 'bands'"),
    ('[marking]\nscheme = "bands"', {}, "needs a list of bands"),
    ('[marking]\nscheme = "count"', {}, "needs full_marks_at"),
    ('[marking]\nscheme = "count"\nfull_marks_at = 3', {}, "only 2 dimensions"),
    ('[marking]\nscheme = "best"', {}, "the 'best' scheme needs full_marks_at"),
    ('[marking]\nscheme = "bands"\nfull_marks_at = 1\nbands = [{ made = 1, marks = 1 }]', {},
     "belongs to the 'count' and 'best' schemes"),
    ('[marking]\nscheme = "marks"', {"marks_a": "marks = 1"}, "none on yield"),
    ('[marking]\nscheme = "marks"', {"marks_a": "marks = 1", "marks_b": "marks = 2"},
     "add up to 3, not to max_marks (2)"),
    ('[marking]\nstrictness = 1.5', {}, "between 0.1 and 1"),
    ('[marking]\nword_limit = "loose"', {}, "'loose' is not one of: none, soft, strict"),
    ('[marking]\nscheme = "bands"\nbands = [{ made = 1, marks = 5 }]', {},
     "more than the rubric's maximum"),
    ('[marking]\nscheme = "bands"\nbands = [{ made = 2, marks = 1 }, { made = 1, marks = 2 }]',
     {}, "2 key elements made earn 1 mark but 1 earn 2: more made cannot earn fewer marks"),
    ('[marking]\nscheme = "bands"\nbands = [{ made = 1, marks = 2 }, { made = 1, marks = 1 }]',
     {}, "two bands start at 1 key elements made"),
    ('[marking]\nscheme = "bands"\nbands = [{ made = 5, marks = 2 }, { made = 1, marks = 1 }]',
     {}, "a band needs 5 key elements made but the rubric has only 2 dimensions"),
    ('[marking]\nschema = "bands"', {}, "unknown field 'schema' (did you mean 'scheme'?)"),
    ('[marking]\nscheme = "bands"\nbands = [[2, 2], [1, 1]]', {},
     "got a list; write it like bands = [{ made = 3, marks = 3 }, { made = 1, marks = 1 }]"),
    ('', {"marks_a": "marks = 1"}, "has marks but the scheme is 'weights'"),
    ('[marking]\nrequired = [{ dimension = "pollen" }]', {},
     "'pollen' is not a dimension of this rubric (its dimensions: pollination, yield)"),
    ('[marking]\nrequired = [{ dimension = "yield", otherwise = 2 }]', {},
     "otherwise = 2 leaves the maximum of 2 marks open"),
    ('[marking]\nrequired = [{ dimension = "yield" }, { dimension = "yield" }]', {},
     "dimension 'yield' is required twice"),
    ('[marking]\nrequired = [{ dimension = "yield", unless = 1 }]', {},
     "unknown field 'unless'"),
    ('[marking]\nrequired = [{ otherwise = 1 }]', {}, "the required field 'dimension'"),
])
def test_the_loader_rejects_a_bad_marking_table_with_a_clear_message(marking, extra, message):
    with pytest.raises(RubricError) as caught:
        rubric(marking, **extra)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_settings_reject_unknown_names_and_values_out_of_range():
    with pytest.raises(SettingError, match="unknown setting 'strictnes' .*'strictness'"):
        DEFAULT_SETTINGS.changed(strictnes=0.5)
    with pytest.raises(SettingError, match="'covered_at' must be between 0 and 1, got 2"):
        Settings(covered_at=2)
    assert DEFAULT_SETTINGS.changed(covered_at=0.6).covered_at == 0.6


@pytest.mark.parametrize("low, high", [("point_low", "point_high"), ("partly_at", "covered_at"),
                                       ("rival_breadth_low", "rival_breadth_high")])
def test_the_two_ends_of_a_ramp_stay_in_order(low, high):
    value = getattr(DEFAULT_SETTINGS, high)
    with pytest.raises(SettingError, match=f"'{low}' .* must be below '{high}'"):
        DEFAULT_SETTINGS.changed({low: value})


# ----------------------------------------------------------------------------- breakdown


@pytest.fixture(scope="module")
def sample_breakdowns():
    evaluators = {}
    result = {}
    for path in SAMPLES:
        rubric_id = tomllib.loads((path.parent / "evaluate.toml").read_text())["rubric"]
        if rubric_id not in evaluators:
            evaluators[rubric_id] = Evaluator(load_rubric(ROOT / "rubrics" / f"{rubric_id}.toml"))
        result[path] = evaluators[rubric_id].evaluate(read_answer(path))
    return result


def test_for_every_sample_the_parts_add_up_to_the_marks(sample_breakdowns):
    assert len(sample_breakdowns) >= 38
    for path, evaluation in sample_breakdowns.items():
        b = evaluation.breakdown
        assert b.marks == evaluation.marks, path
        assert b.total == pytest.approx(evaluation.marks, abs=1e-9), path
        for d in b.dimensions:
            assert 0 <= d.marks <= d.available + 1e-9, (path, d.dimension_id)


def test_every_mark_of_a_dimension_names_its_evidence_and_rubric_line(sample_breakdowns):
    evaluation = sample_breakdowns[ROOT / "samples" / "india-japan" / "strong.txt"]
    text = (ROOT / "rubrics" / "india-japan-partnership.toml").read_text().splitlines()
    for d in evaluation.breakdown.dimensions:
        if d.marks > 0:
            assert d.evidence, d.dimension_id
        for item in d.evidence:
            assert item.line is not None
            source = text[item.line - 1]
            if item.kind == "keyword":
                assert re.search(r"term\s*=", source) and item.text in source
            else:
                assert "text" in source and item.text[:20] in " ".join(text[item.line - 1:item.line + 2])
            assert item.sentence_index is not None


def test_deductions_say_why(sample_breakdowns):
    samples = ROOT / "samples" / "india-japan"
    codes = {name: {line.code for line in sample_breakdowns[samples / f"{name}.txt"]
                    .breakdown.deductions} for name in ("over-length", "repeated", "shuffled")}
    assert "length" in codes["over-length"]
    assert "repetition" in codes["repeated"]
    assert "fluency" in codes["shuffled"]
    for evaluation in sample_breakdowns.values():
        for line in evaluation.breakdown.lines:
            assert line.reason and not re.search(r"\b0\.\d{2,}\b", line.reason), line


def test_json_carries_the_breakdown(sample_breakdowns):
    evaluation = sample_breakdowns[ROOT / "samples" / "india-japan" / "average.txt"]
    data = evaluation.to_dict()["breakdown"]
    assert data["marks"] == evaluation.marks
    assert {d["dimension_id"] for d in data["dimensions"]} == {
        d.dimension_id for d in evaluation.dimensions}


@pytest.mark.parametrize("need", [1, 1.5, 2, 3])
def test_best_elements_never_exceed_the_room_and_reach_it_only_when_complete(need):
    import math
    import random
    from dataclasses import replace as changed

    from answer_evaluator.marking import best_elements

    r = rubric('[marking]\nscheme = "best"\nfull_marks_at = 1\nword_limit = "none"')
    r = changed(r, marking=changed(r.marking, full_marks_at=need))
    pick = random.Random(7)
    for _ in range(200):
        scores = [pick.choice([0.0, 1.0, pick.random()]) for _ in range(4)]
        earned = best_elements(r, scores, 6.0)
        assert 0 <= sum(earned) <= 6.0 + 1e-9
        assert sum(e > 0 for e in earned) <= math.ceil(need)      # only the best earn
        full = sum(s == 1.0 for s in scores) >= math.ceil(need)
        assert (abs(sum(earned) - 6.0) < 1e-9) == full
    assert sum(best_elements(r, [1.0] * 4, 6.0)) == pytest.approx(6.0)


def test_the_calibration_margin_shrinks_in_full_for_one_word_and_by_half_for_short_answers():
    """A short correct answer keeps part of the margin a calibration may add above the
    content's marks; a single word against a longer model answer keeps almost none."""
    from answer_evaluator.calibration import text_features
    from answer_evaluator.marking import calibration_margin
    from answer_evaluator.settings import SHORT_ANSWER_SETTINGS as short

    question = "What is a variable?"
    reference = "A named location in memory that holds a value which can change while it runs."
    full = text_features(reference, reference, question)
    one = text_features("Memory.", reference, question)
    two = text_features("A memory location.", reference, question)
    formula = text_features("O(n)", reference, question)
    assert calibration_margin(short, full) == pytest.approx(short.calibration_margin)
    assert 0.8 < one["terse"] < 1 and 0.6 < two["terse"] < one["terse"]
    assert calibration_margin(short, one) == pytest.approx(
        short.calibration_margin * (1 - short.lone_word_terse_margin * one["terse"]))
    assert calibration_margin(short, two) == pytest.approx(
        short.calibration_margin * (1 - short.terse_margin * two["terse"]))
    assert calibration_margin(short, one) < 0.15 * short.calibration_margin
    assert calibration_margin(short, two) > 0.5 * short.calibration_margin
    # a formula has no content word: it is not "one word"
    assert calibration_margin(short, formula) == pytest.approx(
        short.calibration_margin * (1 - short.terse_margin * formula["terse"]))
    # rubrics with dimensions keep their flat margin, however short the answer
    assert calibration_margin(DEFAULT_SETTINGS, one) == DEFAULT_SETTINGS.calibration_margin
