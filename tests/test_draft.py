"""`evaluate rubric draft`: a rubric drafted from the India-Japan source is usable as it is
and ranks the India-Japan samples like the hand-written rubric."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import INDIA_JAPAN_SAMPLES, ROOT, run_cli

SOURCE = ROOT.parent / "shared" / "sources" / "india-japan-partnership.txt"
QUESTION = ("From a purely economic relationship, the India-Japan partnership has evolved into "
            "a comprehensive security and strategic alliance. Elaborate.")

needs_source = pytest.mark.skipif(not SOURCE.exists(), reason=f"no source at {SOURCE}")


@pytest.fixture(scope="module")
def drafted():
    from answer_evaluator.draft import draft_rubric

    return draft_rubric(SOURCE.read_text("utf-8"), QUESTION, 15, 250, "india-japan-draft",
                        source_name=SOURCE.name)


@pytest.fixture(scope="module")
def drafted_rubric(drafted):
    from answer_evaluator.rubric import parse_rubric

    return parse_rubric(drafted, path=Path("india-japan-draft.toml"))


@pytest.fixture(scope="module")
def marks(drafted_rubric, india_japan):
    """{sample: (drafted marks, hand-written marks)}."""
    from answer_evaluator import Evaluator, read_answer

    drafted, hand = Evaluator(drafted_rubric), Evaluator(india_japan)
    result = {}
    for path in sorted(INDIA_JAPAN_SAMPLES.glob("*.txt")):
        answer = read_answer(path)
        result[path.stem] = (drafted.evaluate(answer).marks, hand.evaluate(answer).marks)
    return result


@needs_source
def test_draft_passes_the_check_without_errors(drafted):
    from answer_evaluator.lint import lint_text

    findings = lint_text(drafted, Path("india-japan-draft.toml"))
    assert not [f.format() for f in findings if f.is_error]
    assert not [f.format() for f in findings if f.code in (
        "shared-keyword", "colliding-keywords", "near-duplicate-points")]


@needs_source
def test_draft_has_the_question_marks_words_and_directive(drafted_rubric):
    r = drafted_rubric
    assert (r.rubric_id, r.question, r.directive, r.max_marks, r.word_limit) == (
        "india-japan-draft", QUESTION, "elaborate", 15, 250)
    assert 4 <= len(r.dimensions) <= 9
    assert all(d.keywords and d.points for d in r.dimensions)


@needs_source
def test_draft_dimensions_are_recognisable(drafted_rubric):
    titles = " | ".join(d.title for d in drafted_rubric.dimensions).lower()
    for theme in ("economy", "challenges", "way forward", "indo-pacific", "history"):
        assert theme in titles, titles
    terms = {f for d in drafted_rubric.dimensions for g in d.keywords for f in g.forms}
    for expected in ("ODA", "CEPA", "Quad", "Quadrilateral Security Dialogue", "UNSC",
                     "Asia-Africa Growth Corridor", "Manmohan Singh"):
        assert expected in terms, sorted(terms)


@needs_source
def test_draft_is_commented_for_the_teacher_and_clean_of_boilerplate(drafted):
    assert drafted.count("TEACHER") >= 5
    lowered = drafted.lower()
    for junk in ("copyright", "picture courtesy", "the hindu", "iasgyan", "practice question",
                 "250 words |", "all right reserved"):
        assert junk not in lowered, junk
    assert drafted.count(QUESTION) == 1                          # only as the question


@needs_source
def test_draft_is_deterministic(drafted):
    from answer_evaluator.draft import draft_rubric

    again = draft_rubric(SOURCE.read_text("utf-8"), QUESTION, 15, 250, "india-japan-draft",
                         source_name=SOURCE.name)
    assert again == drafted


@needs_source
def test_draft_orders_samples_like_the_hand_written_rubric(marks):
    drafted = {name: pair[0] for name, pair in marks.items()}
    assert drafted["strong"] > drafted["average"] > drafted["economic-only"]
    assert drafted["economic-only"] > drafted["off-topic"]
    assert drafted["economic-only"] > drafted["keyword-list"]


@needs_source
def test_draft_rank_correlation_with_hand_written_rubric(marks):
    from scipy.stats import kendalltau, spearmanr

    names = sorted(marks)
    drafted = [marks[n][0] for n in names]
    hand = [marks[n][1] for n in names]
    rho = spearmanr(drafted, hand).statistic
    tau = kendalltau(drafted, hand).statistic
    print(f"\nsample marks (drafted, hand-written): {marks}\nSpearman {rho:.3f}, "
          f"Kendall {tau:.3f}")
    assert rho >= 0.85 and tau >= 0.7


# ----------------------------------------------------------------------------- pieces


def test_acronyms_with_their_expansions():
    from answer_evaluator.draft import acronyms

    assert acronyms("Japan's Free and Open Indo-Pacific (FOIP) vision") == [
        ("FOIP", "Free and Open Indo-Pacific")]
    assert acronyms("the Quadrilateral Security Dialogue (Quad) and the India-Japan-Australia "
                    "Supply Chain Resilience Initiative (SCRI)") == [
        ("Quad", "Quadrilateral Security Dialogue"), ("SCRI", "Supply Chain Resilience Initiative")]
    assert acronyms("ODA (Official Development Assistance) grew") == [
        ("ODA", "Official Development Assistance")]
    assert acronyms("joint missions (ISRO-JAXA) and (2011)") == []


def test_clean_source_drops_boilerplate_headings_and_the_question():
    from answer_evaluator.draft import clean_source

    text = "\n".join([
        "Copyright infringement not intended", "Picture Courtesy: THE HINDU",
        "Relations in the 21st century",
        "Early ties: Links go back to the monk Bodhisena in 752 AD.",
        "Source: THE HINDU",
        f"PRACTICE QUESTION Q. {QUESTION} 250 words |",
        QUESTION,
        "\u00a9 2025 Some Site. All rights reserved",
        "Japan is the largest source of development aid to India.",
    ])
    kept = clean_source(text, QUESTION)
    assert kept == [
        ("Early ties", "Links go back to the monk Bodhisena in 752 AD.",
         "Relations in the 21st century"),
        ("", "Japan is the largest source of development aid to India.",
         "Relations in the 21st century"),
    ]


GST_SOURCE = """The GST Council was created by the 101st Constitutional Amendment in 2016.
Article 279A sets out its composition and its functions in detail.
The Union Finance Minister chairs the Council and every state finance minister is a member.
The Centre holds one third of the votes and the states together hold two thirds.
A decision needs three fourths of the weighted votes of the members present.
Most decisions have been taken by consensus rather than by a vote.
States gave up their power to levy many indirect taxes such as VAT and entry tax.
Compensation for five years protected states from revenue losses after 2017.
The compensation cess funded the payments to the states until 2022.
In Mohit Minerals the Supreme Court held that the recommendations are persuasive.
The judgment said that Parliament and the state legislatures may legislate on GST.
Pooled sovereignty is the idea at the heart of the Council's design.
"""


def test_generic_challenges_dimension_when_the_directive_needs_both_sides():
    from answer_evaluator.draft import draft_rubric
    from answer_evaluator.lint import lint_text

    question = "Discuss the role of the GST Council as an instrument of cooperative federalism."
    text = draft_rubric(GST_SOURCE, question, 10, None, "gst-draft")
    findings = lint_text(text, Path("gst-draft.toml"))
    assert not [f for f in findings if f.is_error]
    assert 'word_limit = 150' in text and 'directive = "discuss"' in text
    assert 'title = "Challenges and limitations"' in text
    assert "generic placeholder" in text
    elaborate = draft_rubric(GST_SOURCE, question.replace("Discuss", "Elaborate on"), 10, 150,
                             "gst-draft")
    assert "Challenges and limitations" not in elaborate


HEADED_SOURCE = """## Fiscal design
The GST Council was created by the 101st Constitutional Amendment in 2016.
Article 279A sets out the composition and the functions of the Council in detail.
The Union Finance Minister chairs the Council and every state finance minister is a member.
The Centre holds one third of the votes and the states together hold two thirds.

Compensation to states:
States gave up their power to levy many indirect taxes such as VAT and entry tax.
Compensation for five years protected states from revenue losses after 2017.
The compensation cess funded the payments to the states until 2022.
Several states asked for the compensation period to be extended beyond five years.

Judicial View
In Mohit Minerals the Supreme Court held that the recommendations are persuasive.
The judgment said that Parliament and the state legislatures may legislate on GST.
The court described the Council as a forum of deliberation between equals.
Pooled sovereignty is the idea at the heart of the Council's design, said the court.
"""
HEADINGS = ("Fiscal design", "Compensation to states", "Judicial View")


def test_draft_titles_come_from_the_source_headings():
    """A markdown heading, a short line ending in a colon and a short Title Case line each
    head their paragraph; the drafted titles name them instead of a list of top terms."""
    from answer_evaluator.draft import draft_rubric, source_sentences
    from answer_evaluator.rubric import parse_rubric

    question = "Examine the GST Council as an instrument of cooperative federalism."
    headings = {s.heading for s in source_sentences(HEADED_SOURCE, question)}
    assert headings == set(HEADINGS)
    text = draft_rubric(HEADED_SOURCE, question, 10, 150, "headed")
    rubric = parse_rubric(text, path=Path("headed.toml"))
    titles = [d.title for d in rubric.dimensions]
    assert set(HEADINGS) <= {h for t in titles for h in t.split(": ")[-1].split("; ")}, titles
    for title in titles:
        if title == "Challenges and limitations":
            continue                                  # the generic placeholder
        named = title.split(": ")[-1].split("; ")
        assert all(h in HEADINGS for h in named), title


def test_draft_titles_fall_back_to_top_terms_without_headings():
    from answer_evaluator.draft import draft_rubric, source_sentences
    from answer_evaluator.rubric import parse_rubric

    question = "Examine the GST Council as an instrument of cooperative federalism."
    assert {s.heading for s in source_sentences(GST_SOURCE, question)} == {""}
    rubric = parse_rubric(draft_rubric(GST_SOURCE, question, 10, 150, "plain"),
                          path=Path("plain.toml"))
    for dim in rubric.dimensions:
        if dim.title == "Challenges and limitations":
            continue                                  # the generic placeholder
        listed = dim.title.split(": ")[-1]
        terms = [g.term for g in dim.keywords]
        assert any(term in listed for term in terms), (dim.title, terms)


def test_a_heading_names_only_the_lines_up_to_the_labelled_ones():
    """Lines after a run of "Label: text" lines are not under the heading above the run;
    a year label is no heading, so the year lines keep the heading above them."""
    from answer_evaluator.draft import source_sentences

    text = "\n".join([
        "Relations in the 21st century",
        "2000: Prime Minister Yoshiro Mori visited India and set up a global partnership.",
        "2014: The two prime ministers raised the ties to a special strategic partnership.",
        "Strategic ally: Japan shares India's vision of a free and open Indo-Pacific region.",
        "Both countries hold regular ministerial talks on foreign and defence policy.",
    ])
    found = [(s.text.split()[0], s.heading) for s in source_sentences(text, "Discuss ties.")]
    assert found == [("Prime", "Relations in the 21st century"),
                     ("The", "Relations in the 21st century"),
                     ("Japan", "Strategic ally"), ("Both", "")]


def test_too_short_source_is_refused():
    from answer_evaluator.draft import DraftError, draft_rubric

    with pytest.raises(DraftError, match="usable sentences"):
        draft_rubric("Japan gives aid to India. It is large.", QUESTION, 15, 250, "x")


# ----------------------------------------------------------------------------- CLI


@needs_source
def test_cli_draft_writes_a_checked_file_and_never_overwrites(tmp_path, capsys):
    out = tmp_path / "rubrics" / "india-japan-draft.toml"
    argv = ["rubric", "draft", SOURCE, "--question", QUESTION, "-o", out]
    status, _, err = run_cli(argv, capsys)
    assert status == 0, err
    text = out.read_text("utf-8")
    assert 'id = "india-japan-draft"' in text and "word_limit = 250" in text
    assert "review the lines marked TEACHER" in err
    status, _, _ = run_cli(["rubric", "check", out], capsys)
    assert status == 0

    out.write_text("# edited by the teacher\n", "utf-8")
    status, _, err = run_cli(argv, capsys)
    assert status == 1 and "exists" in err
    assert out.read_text("utf-8") == "# edited by the teacher\n"
    status, _, _ = run_cli(argv + ["--force"], capsys)
    assert status == 0 and out.read_text("utf-8") == text


def test_cli_draft_usage_errors(tmp_path, capsys):
    source = tmp_path / "source.txt"
    source.write_text(GST_SOURCE, "utf-8")
    base = ["rubric", "draft", source, "--question", "Discuss the GST Council."]
    assert run_cli(base + ["-o", tmp_path / "Bad Name.toml"], capsys)[0] == 2
    assert run_cli(base + ["-o", tmp_path / "draft.txt"], capsys)[0] == 2
    assert run_cli(["rubric", "draft", source, "-o", tmp_path / "x.toml"], capsys)[0] == 2
    status, _, _ = run_cli(base + ["--words", "150", "-o", tmp_path / "gst.toml"], capsys)
    assert status == 0 and "max_marks = 10" in (tmp_path / "gst.toml").read_text("utf-8")
    for flag, value in (("--marks", "100000"), ("--marks", "0"), ("--words", "ten")):
        status, _, err = run_cli(base + [flag, value, "-o", tmp_path / "big.toml"], capsys)
        assert status == 2 and f"argument {flag}:" in err and not (tmp_path / "big.toml").exists()
