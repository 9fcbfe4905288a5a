"""Loading rubrics: the shipped ones load; a malformed one fails with its file, field and line."""

import pytest

from answer_evaluator.errors import RubricError
from answer_evaluator.rubric import load_rubric, parse_rubric
from conftest import INDIA_JAPAN, RUBRICS

VALID = '''\
id = "tiny"
question = "Discuss the Quad."
directive = "discuss"
word_limit = 150
max_marks = 10

[[dimensions]]
id = "quad"
title = "The Quad"
weight = 1.0
advice = "Name the members."

  [[dimensions.keywords]]
  term = "Quad"
  variants = ["Quadrilateral Security Dialogue"]

  [[dimensions.points]]
  text = "The Quad brings India, Japan, Australia and the US together."

[[dimensions]]
id = "limits"
title = "Limits"
advice = "Say what it cannot do."

  [[dimensions.keywords]]
  term = "not an alliance"
  weight = 2

  [[dimensions.points]]
  text = "The Quad is not a military alliance."
'''


def test_the_india_japan_rubric_meets_the_brief():
    rubric = load_rubric(INDIA_JAPAN)
    assert rubric.rubric_id == "india-japan-partnership"
    assert rubric.directive == "elaborate" and rubric.word_limit == 250 and rubric.max_marks == 15
    assert len(rubric.dimensions) >= 7
    assert sum(len(d.keywords) for d in rubric.dimensions) >= 30
    assert len(rubric.points) >= 20
    assert rubric.introduction.hints and rubric.conclusion.hints


@pytest.mark.parametrize("path", sorted(RUBRICS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_rubric_loads(path):
    rubric = load_rubric(path)
    assert rubric.rubric_id == path.stem
    assert all(d.keywords and d.points for d in rubric.dimensions)


def test_a_valid_rubric_parses_with_defaults():
    rubric = parse_rubric(VALID)
    assert [d.dimension_id for d in rubric.dimensions] == ["quad", "limits"]
    assert rubric.dimensions[1].weight == 1.0
    assert rubric.dimensions[1].keywords[0].weight == 2.0
    assert rubric.points[0].point_id == "quad-1"
    assert rubric.year is None
    assert parse_rubric(_broken("max_marks = 10", "max_marks = 10\nyear = 2019")).year == 2019
    assert rubric.subject_names == ()
    named = parse_rubric(_broken("max_marks = 10",
                                 'max_marks = 10\nsubject_names = ["Quadrilateral  Dialogue"]'))
    assert named.subject_names == ("Quadrilateral Dialogue",)


def _broken(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


@pytest.mark.parametrize("text, field, line, message", [
    (_broken('weight = 1.0\nadvice', 'wieght = 1.0\nadvice'), "dimensions[1].wieght", 10,
     "unknown field 'wieght' (did you mean 'weight'?)"),
    (_broken("weight = 2", "weight = -2"), "dimensions[2].keywords[1].weight", 27,
     "must be greater than 0, got -2"),
    (_broken('word_limit = 150', 'word_limit = "150"'), "word_limit", 4,
     "must be a whole number, got '150'"),
    (_broken('directive = "discuss"', 'directive = "disscuss"'), "directive", 3,
     "did you mean 'discuss'?"),
    (_broken('title = "Limits"\n', ''), "dimensions[2].title", 20,
     "the required field 'title' is missing"),
    (_broken('  [[dimensions.points]]\n  text = "The Quad is not a military alliance."\n', ''),
     "dimensions[2].points", 20, "the required field 'points' is missing"),
    (_broken('id = "limits"', 'id = "quad"'), "dimensions[2].id", 21, "used twice"),
    (_broken('variants = ["Quadrilateral Security Dialogue"]', 'variants = ["Quad", ""]'),
     "dimensions[1].keywords[1].variants", 15, "a variant is empty"),
    (_broken('id = "tiny"', 'id = "Tiny Rubric"'), "id", 1, "lower-case letters"),
    (_broken('max_marks = 10', 'max_marks = 10\nyear = 19'), "year", 6, "1979 or later"),
    (_broken('max_marks = 10', 'max_marks = 99999999999999999999'), "max_marks", 5,
     "must be at most 125, got 99999999999999999999"),
    (_broken('word_limit = 150', 'word_limit = 1000000'), "word_limit", 4,
     "must be at most 10000 words"),
    (_broken('max_marks = 10', 'max_marks = 10\nsubject_names = ["Quad", " "]'),
     "subject_names", 6, "name 2 is empty"),
    (_broken('max_marks = 10', 'max_marks = 10\nsubject_names = "Quad"'),
     "subject_names", 6, "list"),
    (_broken("weight = 2", "weight = inf"), "dimensions[2].keywords[1].weight", 27,
     "must be a number, got inf"),
    (_broken('weight = 1.0\nadvice', 'weight = 1e308\nadvice'), "dimensions[1].weight", 10,
     "must be at most 1000, got 1e+308"),
], ids=lambda v: v if isinstance(v, str) and v.startswith(("dim", "word", "direc", "id")) else "")
def test_malformed_rubrics_name_field_and_line(text, field, line, message):
    with pytest.raises(RubricError) as caught:
        parse_rubric(text)
    error = caught.value
    assert error.field == field
    assert error.line == line
    assert message in str(error)


def test_toml_nested_too_deeply_is_a_syntax_error_not_a_crash():
    """Six hundred "[" make Python's TOML reader recurse past its limit: the loader says the
    file is not valid TOML, as for any other syntax error."""
    with pytest.raises(RubricError, match="is not valid TOML: .*nested too deeply"):
        parse_rubric('id = "deep"\nx = ' + "[" * 600 + "]" * 600 + "\n")


def test_a_dimension_without_advice_gets_one_from_its_title_and_keywords():
    rubric = parse_rubric(_broken('advice = "Say what it cannot do."\n', ''))
    assert rubric.dimension("limits").advice == "Cover Limits: name not an alliance."
    assert rubric.dimension("quad").advice == "Name the members."
    from answer_evaluator.rubric import default_advice

    groups = rubric.dimension("quad").keywords + rubric.dimension("limits").keywords
    assert default_advice("Members.", groups) == "Cover Members: name not an alliance and Quad."


def test_the_default_word_limit_follows_upsc_or_twenty_words_a_mark():
    from answer_evaluator.models import default_word_limit

    assert [default_word_limit(m) for m in (10, 15, 20, 125, 3, 1)] == [150, 250, 250, 1200, 60, 20]
    rubric = parse_rubric(VALID.replace("word_limit = 150\n", "").replace(
        "max_marks = 10", "max_marks = 4"))
    assert rubric.word_limit == 80 and rubric.marking.word_limit == "none"   # a short answer


def test_toml_syntax_errors_give_the_line(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(_broken('title = "Limits"', 'title = "Limits'))
    with pytest.raises(RubricError, match=r"tiny.toml, line 22: is not valid TOML"):
        load_rubric(path)


def test_file_name_must_match_id_and_missing_file_is_clear(tmp_path):
    path = tmp_path / "other.toml"
    path.write_text(VALID)
    with pytest.raises(RubricError, match=r"other.toml, line 1, field 'id': the id 'tiny' must "
                                          r"equal the file name 'other'"):
        load_rubric(path)
    with pytest.raises(RubricError, match="no such rubric file"):
        load_rubric(tmp_path / "missing.toml")
