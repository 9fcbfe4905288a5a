"""`evaluate rubric check`: one fixture per error and warning, with its exact field and line."""

from __future__ import annotations

import pytest

from conftest import DATA, run_cli

FIXTURES = DATA / "rubrics"

# fixture, severity, field, line, words in the message, check name
CASES = [
    ("bad-toml-syntax", "error", "directive", 4, "not valid TOML", "toml-syntax"),
    ("unknown-field", "error", "dimensions[1].keywords[1].wieght", 17,
     "did you mean 'weight'", "schema"),
    ("negative-weight", "error", "dimensions[1].weight", 11, "greater than 0, got -1.0",
     "schema"),
    ("zero-weight", "error", "dimensions[2].points[2].weight", 46, "greater than 0, got 0",
     "schema"),
    ("wrong-type", "error", "max_marks", 6, "whole number, got '10'", "schema"),
    ("missing-title", "error", "dimensions[2].title", 28, "'title' is missing", "schema"),
    ("default-advice", "warning", "dimensions[2].advice", 28,
     'the report says "Cover Compensation and the Mohit Minerals case."', "default-advice"),
    ("empty-dimension", "error", "dimensions[2]", 28, "the dimension is empty",
     "empty-dimension"),
    ("dimension-without-points", "error", "dimensions[2].points", 28, "'points' is missing",
     "schema"),
    ("unknown-directive", "error", "directive", 4, "did you mean 'elaborate'", "schema"),
    ("id-mismatch", "error", "id", 2, "must equal the file name 'id-mismatch'", "schema"),
    ("duplicate-dimension-id", "error", "dimensions[2].id", 29, "'design' is used twice",
     "schema"),
    ("colliding-keywords", "warning", "dimensions[2].keywords[3].variants", 47,
     "'weighted votes' and 'weighted voting' match the same words", "colliding-keywords"),
    ("shared-keyword", "warning", "dimensions[2].keywords[3].variants", 46,
     "'GST Council' is also a keyword of dimension 'design'", "shared-keyword"),
    ("near-duplicate-points", "warning", "dimensions[2].points[3].text", 48,
     "nearly the same as point 2 of dimension 'strains'", "near-duplicate-points"),
    ("word-limit-mismatch", "warning", "word_limit", 5,
     "250 words does not fit 10 marks: UPSC asks 150", "word-limit"),
    ("unmatchable-keywords", "warning", "dimensions[2].keywords", 34, "no usable keywords",
     "unmatchable-keywords"),
    ("unmatchable-points", "warning", "dimensions[2].points", 41, "no usable model points",
     "unmatchable-points"),
    ("directive-mismatch", "warning", "directive", 4,
     "directive word is 'critically examine' but the rubric says 'discuss'",
     "directive-mismatch"),
    ("title-keywords", "warning", "dimensions[2].title", 30,
     "says 'safety', 'net' but no keyword of the dimension has them", "title-keywords"),
    ("currency-sign", "warning", "dimensions[2].keywords[1].variants", 36,
     "so write '70,000 crore'", "currency-sign"),
    ("unmatchable-form", "warning", "dimensions[2].keywords[1].variants", 36,
     "'1. GST compensation' cannot match as written", "unmatchable-form"),
]


@pytest.mark.parametrize("name, severity, field, line, words, code", CASES,
                         ids=[c[0] for c in CASES])
def test_each_fixture_triggers_exactly_its_finding(name, severity, field, line, words, code):
    from answer_evaluator.lint import lint_rubric

    path = FIXTURES / f"{name}.toml"
    findings = lint_rubric(path)
    assert len(findings) == 1, [f.format() for f in findings]
    finding = findings[0]
    assert (finding.severity, finding.field, finding.line, finding.code) == (
        severity, field, line, code)
    assert words in finding.message
    assert finding.format() == f"{path}:{line}: {severity}: {field}: {finding.message}"
    # the line holds the field named, or opens its section when the field is missing
    text = path.read_text("utf-8").splitlines()[line - 1].strip()
    last = field.rsplit(".", 1)[-1]
    assert text.startswith(last) or text.startswith("[[dimensions"), text


def test_every_fixture_has_a_case():
    names = {p.stem for p in FIXTURES.glob("*.toml")}
    assert names - {c[0] for c in CASES} == {"valid", "two-errors"}


def test_valid_rubric_has_no_findings():
    from answer_evaluator.lint import lint_rubric

    assert lint_rubric(FIXTURES / "valid.toml") == ()


def test_errors_in_two_sections_are_both_reported():
    from answer_evaluator.lint import lint_rubric

    findings = lint_rubric(FIXTURES / "two-errors.toml")
    assert [(f.line, f.field) for f in findings] == [
        (11, "dimensions[1].weight"), (40, "dimensions[2].keywords[2].case_sensitive")]
    assert all(f.is_error for f in findings)


def test_a_rubric_without_directive_or_word_limit_loads_and_check_says_what_it_used(tmp_path):
    from answer_evaluator import load_rubric
    from answer_evaluator.lint import lint_rubric

    path = tmp_path / "defaults.toml"
    text = (FIXTURES / "valid.toml").read_text("utf-8")
    path.write_text(text.replace('id = "valid"', 'id = "defaults"')
                    .replace('directive = "discuss"\n', "").replace("word_limit = 150\n", ""),
                    "utf-8")
    rubric = load_rubric(path)
    assert (rubric.directive, rubric.word_limit) == ("discuss", 150)   # the question's; 10 marks
    findings = {f.code: f for f in lint_rubric(path)}
    assert set(findings) == {"default-directive", "default-word-limit"}
    assert "'discuss'" in findings["default-directive"].message
    assert "150 words for 10 marks" in findings["default-word-limit"].message
    assert all(not f.is_error for f in findings.values())


def test_finding_is_frozen_and_line_may_be_unknown(tmp_path):
    from answer_evaluator.lint import Finding, lint_rubric

    path = tmp_path / "no-marks.toml"
    text = (FIXTURES / "valid.toml").read_text("utf-8")
    path.write_text(text.replace('id = "valid"', 'id = "no-marks"').replace(
        'max_marks = 10\n', ""), "utf-8")
    (finding,) = lint_rubric(path)
    assert finding.field == "max_marks" and "missing" in finding.message
    assert finding.line is None
    assert finding.format().startswith(f"{path}: error: max_marks: ")
    with pytest.raises(AttributeError):
        finding.line = 3
    assert isinstance(finding, Finding)


def test_not_utf8_and_missing_files(tmp_path):
    from answer_evaluator.lint import lint_rubric

    path = tmp_path / "latin.toml"
    path.write_bytes(b'id = "latin"\nquestion = "caf\xe9"\n')
    (finding,) = lint_rubric(path)
    assert (finding.severity, finding.line) == ("error", 2)
    assert "UTF-8" in finding.message
    (missing,) = lint_rubric(tmp_path / "nowhere.toml")
    assert missing.is_error and "no such rubric file" in missing.message


def test_near_duplicate_threshold_is_the_full_coverage_similarity():
    """One sentence that states a point word for word has similarity sim(A, B) to the other
    point; from Settings.point_high that covers B fully, so that is the threshold."""
    from answer_evaluator.lint import near_duplicate_threshold
    from answer_evaluator.settings import DEFAULT_SETTINGS

    assert near_duplicate_threshold() == DEFAULT_SETTINGS.point_high


def test_case_sensitive_acronym_does_not_collide_with_a_different_case(tmp_path):
    from answer_evaluator.lint import _overlap

    assert not _overlap("QUAD", True, "Quad", True)
    assert _overlap("QUAD", True, "quad", False)
    assert _overlap("Indo-Pacific", False, "Indo Pacific", False)
    assert not _overlap("strategic", False, "strategy", False)


def test_question_directive_prefers_the_longest_phrase():
    from answer_evaluator.directives import detect_directive

    assert detect_directive("Critically analyse India's policy.") == "critically-analyse"
    assert detect_directive("Discuss X. Critically examine Y.") == "critically-examine"
    assert detect_directive("What is the commentary about?") is None


def _variant(tmp_path, name: str, old: str, new: str):
    """The valid fixture with one replacement, saved as NAME.toml."""
    text = (FIXTURES / "valid.toml").read_text("utf-8")
    assert old in text
    path = tmp_path / f"{name}.toml"
    path.write_text(text.replace('id = "valid"', f'id = "{name}"').replace(old, new), "utf-8")
    return path


def _codes(path):
    from answer_evaluator.lint import lint_rubric

    return [(f.code, f.field) for f in lint_rubric(path)]


def test_title_words_count_once_the_keywords_hold_them(tmp_path):
    """The failing fixture passes once the title's words are keyword forms; function words
    and words that only frame a dimension ("factor", "way forward") need none."""
    from answer_evaluator.lint import title_words

    fixed = _variant(tmp_path, "fixed", 'title = "Compensation and the Mohit Minerals case"',
                     'title = "Compensation as a safety net"')
    assert _codes(fixed) == [("title-keywords", "dimensions[2].title")]
    fixed.write_text(fixed.read_text("utf-8").replace(
        'variants = ["compensation cess"]', 'variants = ["compensation cess", "safety net"]'),
        "utf-8")
    assert _codes(fixed) == []
    assert title_words("The China factor") == ["China"]
    assert title_words("Way forward") == []
    assert title_words("Effectiveness as a safety net") == ["safety", "net"]
    assert title_words("Civilisational and historical ties") == [
        "Civilisational", "historical", "ties"]


def test_a_title_word_matches_inflected_keywords(tmp_path):
    """Stems compare: 'Safety nets' in the title is met by the keyword 'safety net'."""
    path = _variant(tmp_path, "inflected", 'title = "Compensation and the Mohit Minerals case"',
                    'title = "Compensation and safety nets"')
    path.write_text(path.read_text("utf-8").replace(
        'term = "Mohit Minerals"', 'term = "safety net"'), "utf-8")
    assert _codes(path) == []


def test_currency_sign_fix_keeps_what_the_form_matches(tmp_path):
    """The suggested form matches what the signed one does ("$5m" is 5 million only with
    its sign, so the fix spells the magnitude out); the fixed form draws no warning."""
    from answer_evaluator.lint import form_key, lint_rubric

    path = _variant(tmp_path, "dollars", 'variants = ["compensation cess"]',
                    'variants = ["compensation cess", "$5m"]')
    (finding,) = lint_rubric(path)
    assert finding.code == "currency-sign" and "write '5 million'" in finding.message
    assert form_key("5 million", False) == form_key("$5m", False)
    fixed = _variant(tmp_path, "rupees", 'variants = ["compensation cess"]',
                     'variants = ["compensation cess", "70,000 crore"]')
    assert _codes(fixed) == []


def test_forms_that_cannot_match_their_own_text():
    from answer_evaluator.lint import matches_itself

    for form in ("1. GST compensation", "i) cess", "India. Japan", "%"):
        assert not matches_itself(form), form
    for form in ("GST compensation", "Art. 279A", "2+2", "$17.7B", "Indo-Pacific", "U.S."):
        assert matches_itself(form), form
    assert matches_itself("QUAD", True)


def test_a_form_in_two_groups_is_caught_after_normalisation(tmp_path):
    """The same figure written with and without a currency word, in two groups of one
    dimension, credits both groups: one warning, on the later group."""
    path = _variant(tmp_path, "twice", 'term = "Mohit Minerals"',
                    'term = "Mohit Minerals"\n  variants = ["Rs 2016"]')
    assert _codes(path) == [("colliding-keywords", "dimensions[2].keywords[2].variants")]
    other = _variant(tmp_path, "twice-same-dimension", 'term = "Mohit Minerals"',
                     'term = "Mohit Minerals"\n  variants = ["Compensation"]')
    from answer_evaluator.lint import lint_rubric

    (finding,) = lint_rubric(other)
    assert finding.code == "colliding-keywords" and "both groups get credit" in finding.message
    apart = _variant(tmp_path, "apart", 'term = "Mohit Minerals"',
                     'term = "Mohit Minerals"\n  variants = ["2017"]')
    assert _codes(apart) == []


# ----------------------------------------------------------------------------- CLI


def test_cli_check_exit_codes_and_lines(capsys):
    status, out, err = run_cli(["rubric", "check", FIXTURES / "valid.toml"], capsys)
    assert (status, out) == (0, "")
    assert "1 rubric checked: 0 errors, 0 warnings" in err

    warned = FIXTURES / "word-limit-mismatch.toml"
    status, out, _ = run_cli(["rubric", "check", warned], capsys)
    assert status == 0
    assert out.strip().startswith(f"{warned}:5: warning: word_limit: ")
    status, _, _ = run_cli(["rubric", "check", "--strict", warned], capsys)
    assert status == 1

    broken = FIXTURES / "negative-weight.toml"
    status, out, _ = run_cli(["rubric", "check", broken, warned], capsys)
    assert status == 1
    assert f"{broken}:11: error: dimensions[1].weight: must be greater than 0" in out


def test_cli_check_takes_folders(capsys):
    status, out, err = run_cli(["rubric", "check", FIXTURES], capsys)
    assert status == 1
    assert len(out.strip().splitlines()) == len(CASES) + 2       # two-errors has two
    assert f"{len(CASES) + 2} rubrics checked" in err


def test_cli_usage_errors(capsys):
    assert run_cli(["rubric"], capsys)[0] == 2
    assert run_cli(["rubric", "check"], capsys)[0] == 2
    assert run_cli(["rubric", "frobnicate"], capsys)[0] == 2


BENCHMARK_RUBRICS = sorted((DATA.parents[1] / "benchmarks" / "asap").glob("*rubrics/*.toml"))


@pytest.mark.parametrize("path", BENCHMARK_RUBRICS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_measurement_rubrics_check_without_errors(path):
    """The ASAP-SAS measurement rubrics (benchmarks/asap/) keep loading as the format grows."""
    from answer_evaluator.lint import lint_rubric

    assert len(BENCHMARK_RUBRICS) == 14
    assert not [f.format() for f in lint_rubric(path) if f.is_error]


@pytest.mark.parametrize("named, words", [
    ("missing.json", "missing.json: no such calibration file"),
    ("./", "./: is a folder, not a calibration file"),
    ("broken.json", "broken.json: is not valid JSON"),
])
def test_a_calibration_the_rubric_names_must_load(tmp_path, named, words):
    """`rubric check` loads the calibration a rubric names, as grading will: a missing file,
    a folder or a broken file is an error on the rubric's `calibration` line."""
    from answer_evaluator.lint import lint_rubric

    (tmp_path / "broken.json").write_text("{", "utf-8")
    path = _variant(tmp_path, "calibrated", "max_marks = ",
                    f'calibration = "{named}"\nmax_marks = ')
    errors = [f for f in lint_rubric(path) if f.severity == "error"]
    assert [(f.code, f.field) for f in errors] == [("calibration", "calibration")]
    assert words in errors[0].message and errors[0].line is not None
