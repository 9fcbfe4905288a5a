"""One list of function words and one tokeniser, both in text.py, used by every module."""

from __future__ import annotations

import re

from conftest import ROOT

PACKAGE = ROOT / "src" / "answer_evaluator"


def test_the_list_is_scikit_learns_plus_the_few_extra_words():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from answer_evaluator.text import EXTRA_FUNCTION_WORDS, function_words

    assert function_words() == frozenset(ENGLISH_STOP_WORDS) | EXTRA_FUNCTION_WORDS
    assert not EXTRA_FUNCTION_WORDS & ENGLISH_STOP_WORDS         # each extra is needed
    assert {"did", "does"}.isdisjoint(function_words())          # "did not abolish"


def test_the_short_lists_are_drawn_from_it():
    from answer_evaluator.model_answer import FUNCTION_WORDS
    from answer_evaluator.scoring import _FUNCTION
    from answer_evaluator.text import (ARTICLES, CLAUSE_FUNCTION_WORDS, NAME_JOINERS,
                                       function_words)

    assert CLAUSE_FUNCTION_WORDS - function_words() == {"did", "does"}
    assert NAME_JOINERS <= function_words()
    assert ARTICLES <= NAME_JOINERS <= function_words()
    assert FUNCTION_WORDS is CLAUSE_FUNCTION_WORDS
    assert _FUNCTION - CLAUSE_FUNCTION_WORDS == {"upon"}
    # the short list keeps the words that decide a short answer's meaning
    assert {"once", "first", "all", "only", "not", "least"}.isdisjoint(CLAUSE_FUNCTION_WORDS)


def test_content_stems_drop_function_words_only():
    from answer_evaluator.text import content_stems, is_function_word

    assert content_stems("It was really upon the States to act, not the Centre.") == [
        "state", "act", "center"]
    assert content_stems("Japan gave 76,000 crore in 2024") == [
        "japan", "gave", "76000", "crore", "2024"]
    assert is_function_word("The") and not is_function_word("Japan")


def test_no_other_module_keeps_its_own_stop_list_or_word_regex():
    """scikit-learn's list is read in text.py only, and no other module compiles a pattern
    for word tokens."""
    token_pattern = re.compile(r"re\.compile\(\s*r\"\[\$\\\\u20b9\]\?")
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text("utf-8")
        if path.name == "text.py":
            assert "ENGLISH_STOP_WORDS" in source
            continue
        assert "ENGLISH_STOP_WORDS" not in source, path
        assert not token_pattern.search(source), path


def test_compound_tokens_join_what_is_written_as_one():
    from answer_evaluator.text import compound_tokens

    text = "Japan's R&D with ISRO-JAXA, the U.S. and 2+2 talks (2011) cost $17.7B."
    assert [t for t, _, _ in compound_tokens(text)] == [
        "Japan's", "R&D", "with", "ISRO-JAXA", "the", "U.S", "and", "2+2", "talks", "2011",
        "cost", "$17.7B"]
    for token, start, end in compound_tokens(text):
        assert text[start:end] == token
    assert [t for t, _, _ in compound_tokens("Mumbai\u2013Ahmedabad line")] == [
        "Mumbai", "Ahmedabad", "line"]
