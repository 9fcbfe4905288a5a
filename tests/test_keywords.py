"""Keyword groups match whole words on stems, phrases and variants, once per group."""

from answer_evaluator.keywords import KeywordMatcher
from answer_evaluator.rubric import parse_rubric
from answer_evaluator.text import analyse

RUBRIC = parse_rubric('''
id = "kw"
question = "Discuss the Indo-Pacific."
directive = "discuss"
word_limit = 150
max_marks = 10
[[dimensions]]
id = "indo-pacific"
title = "Indo-Pacific"
advice = "Add it."
  [[dimensions.keywords]]
  term = "Quad"
  variants = ["Quadrilateral Security Dialogue"]
  [[dimensions.keywords]]
  term = "Act East"
  variants = ["Act East Policy"]
  [[dimensions.keywords]]
  term = "investment"
  [[dimensions.keywords]]
  term = "ISRO"
  case_sensitive = true
  [[dimensions.points]]
  text = "The Quad matters."
''')


def hits_for(text):
    return KeywordMatcher(RUBRIC).match(analyse(text))


def test_whole_words_only():
    assert hits_for("The quadrant and quadratic equations.") == ()


def test_stems_variants_and_case():
    terms = {h.term for h in hits_for("Japan invests; investments grew. The QUAD met.")}
    assert terms == {"investment", "Quad"}
    assert {h.form for h in hits_for("The Quadrilateral Security Dialogue met.")} == {
        "Quadrilateral Security Dialogue"}


def test_longest_phrase_wins_and_spans_point_at_words():
    (hit,) = hits_for("India's Act East Policy complements FOIP.")
    assert hit.form == "Act East Policy" and (hit.start, hit.end) == (1, 4)


def test_case_sensitive_forms_need_the_exact_case():
    assert [h.term for h in hits_for("ISRO and JAXA.")] == ["ISRO"]
    assert hits_for("isro and jaxa.") == ()


def test_hyphens_and_spaces_are_the_same():
    assert [h.term for h in hits_for("Their Act-East outreach.")] == ["Act East"]
