"""Sentence splitting, tokenising, stemming and word counting, offline."""

import pytest

from answer_evaluator.text import analyse, count_words, stem, stems_of, split_sentences


@pytest.mark.parametrize("text, expected", [
    ("Dr. Abe met Mr. Modi. They agreed.", 2),
    ("The U.S. and Japan are allies. India is not.", 2),
    ("Japan lent Rs. 500 crore in 1958. It was the first loan.", 2),
    ("The 2+2 dialogue began in 2018. It meets yearly.", 2),
    ("Trade was $17.7B in FY24. Imports were $5.1B.", 2),
    ("Partners e.g. Australia, i.e. a Quad member, agree. Fine.", 2),
    ("One. Two! Three? Four.", 4),
    ("Sardar Patel and V.P. Menon integrated the states. Hyderabad resisted.", 2),
    ("The Bommai case (S.R. Bommai v. Union of India) set limits. Later cases followed.", 2),
    ("The Indus cities (c. 2600 BCE) had drains. Lothal had a dock.", 2),
])
def test_sentence_split_keeps_abbreviations(text, expected):
    assert len(split_sentences(text)) == expected


def test_bullets_numbered_lists_and_headings_are_their_own_units():
    text = ("Introduction\nIndia and Japan are partners.\n\nKey areas:\n- Defence: JIMEX exercises\n"
            "- Economy: Delhi Metro and\n  the bullet train.\n1. Quad\n2) SCRI and supply chains.\n"
            "(a) AAGC in Africa\n\nIn conclusion, ties will grow.")
    analysed = analyse(text)
    kinds = [(s.kind, s.text) for s in analysed.sentences]
    assert ("heading", "Introduction") in kinds
    assert ("heading", "Key areas") in kinds
    assert ("bullet", "Defence: JIMEX exercises") in kinds
    assert ("bullet", "Economy: Delhi Metro and the bullet train.") in kinds   # wrapped line
    assert ("bullet", "Quad") in kinds and ("bullet", "SCRI and supply chains.") in kinds
    assert ("bullet", "AAGC in Africa") in kinds
    assert analysed.paragraph_count == 3
    assert analysed.sentences[-1].text == "In conclusion, ties will grow."


def test_a_short_line_standing_alone_is_a_heading_unless_it_ends_the_answer():
    text = ("Introduction\n\nThe court struck the Act down in 2015.\n\nWay Forward\n\n"
            "A new memorandum of procedure should be agreed.\n\nThe collegium stays")
    kinds = [(s.kind, s.text) for s in analyse(text).sentences]
    assert kinds == [("heading", "Introduction"),
                     ("sentence", "The court struck the Act down in 2015."),
                     ("heading", "Way Forward"),
                     ("sentence", "A new memorandum of procedure should be agreed."),
                     ("sentence", "The collegium stays")]


def test_a_longer_title_is_a_heading_when_it_stands_apart_from_the_prose():
    text = ("Measures taken in India for DRR before signing Sendai Framework\n\n"
            "The Disaster Management Act came in 2005.\n"
            "Nagara Style (North India)\n"
            "The Nagara temple has a curved shikhara over the sanctum.\n\n"
            "Role of the French Revolution in the foundation of the modern world:\n"
            "1. Nationalism spread across Europe.\n\n"
            "Relations between India and the island nations of the\n"
            "Indian Ocean grew after 2014.")
    kinds = [(s.kind, s.text) for s in analyse(text).sentences]
    assert kinds == [
        ("heading", "Measures taken in India for DRR before signing Sendai Framework"),
        ("sentence", "The Disaster Management Act came in 2005."),
        ("heading", "Nagara Style (North India)"),
        ("sentence", "The Nagara temple has a curved shikhara over the sanctum."),
        ("heading", "Role of the French Revolution in the foundation of the modern world"),
        ("bullet", "Nationalism spread across Europe."),
        # a wrapped line of prose: the next line is no longer than it, so not a title
        ("sentence", "Relations between India and the island nations of the Indian Ocean "
                     "grew after 2014.")]


def test_a_table_written_with_pipes_gives_a_bullet_per_row():
    text = ("Features:\n| Style | Region | Tower |\n|---|:---:|---|\n"
            "| Nagara | North India | Shikhara |\n| Dravida | South India | Vimana |\n\n"
            "Both styles met in the Deccan.")
    kinds = [(s.kind, s.text) for s in analyse(text).sentences]
    assert kinds == [("heading", "Features"), ("heading", "Style; Region; Tower"),
                     ("bullet", "Nagara; North India; Shikhara"),
                     ("bullet", "Dravida; South India; Vimana"),
                     ("sentence", "Both styles met in the Deccan.")]


def test_a_line_after_a_bullet_joins_it_only_when_it_continues_it():
    text = ("- Disclose the interest at once\nFor example, if a relative bids, the officer "
            "steps aside.\n- Recuse from the file and\n  record the reason\n- Report to the "
            "board\nand wait for its ruling.")
    kinds = [(s.kind, s.text) for s in analyse(text).sentences]
    assert kinds == [("bullet", "Disclose the interest at once"),
                     ("sentence", "For example, if a relative bids, the officer steps aside."),
                     ("bullet", "Recuse from the file and record the reason"),
                     ("bullet", "Report to the board and wait for its ruling.")]


def test_word_count_is_an_examiners_count():
    assert count_words("Indo-Pacific ties, 2+2 talks and $17.7B trade - growing!") == 8
    text = "- Quad\n- FOIP and SCRI\n\n1. The bullet train."
    assert analyse(text).word_count == 7     # bullet markers are not words


@pytest.mark.parametrize("british, american", [
    ("defence", "defense"), ("organisation", "organization"), ("modernise", "modernize"),
    ("labour", "labor"), ("analyse", "analyze"), ("programme", "program"),
    ("centre", "center"), ("neighbourhood", "neighborhood"),
])
def test_british_and_american_spellings_share_a_stem(british, american):
    assert stem(british) == stem(american)


def test_stemming_joins_inflections_but_not_different_words():
    assert stem("investments") == stem("investment") == stem("investing")
    assert stem("exercises") == stem("exercise") == "exercis"   # not taken for British -ise
    assert stem("strategic") != stem("strategy")
    assert stems_of("Japan's Quad-partners") == ("japan", "quad", "partner")


def test_analyse_handles_text_without_sentences():
    analysed = analyse("   ")
    assert analysed.sentences == () and analysed.word_count == 0


def test_markdown_marks_are_read_as_what_they_mark():
    text = analyse("## Introduction\n\n**India and Japan** share a *special* partnership.\n\n"
                   "---\n\n- **Defence:** JIMEX and the 2+2 dialogue.\n\n**Way Forward:**\n\n"
                   "Both should deepen ties.")
    assert [(s.kind, s.text) for s in text.sentences] == [
        ("heading", "Introduction"),
        ("sentence", "India and Japan share a special partnership."),
        ("bullet", "Defence: JIMEX and the 2+2 dialogue."),
        ("heading", "Way Forward"),
        ("sentence", "Both should deepen ties.")]


@pytest.mark.parametrize("line", ["Output rose 2*3*4 times.", "Compute 5 * 3 * 2 first.",
                                  "The var_name_here is a name.", "A footnote* marks it."])
def test_asterisks_and_underscores_that_mark_nothing_stay(line):
    assert [s.text for s in analyse(line).sentences] == [line]


def test_a_markdown_answer_is_graded_as_the_same_answer_in_plain_text():
    import re

    from answer_evaluator import answer_from_text, evaluate_answer, load_rubric

    from conftest import INDIA_JAPAN, SAMPLES

    plain = (SAMPLES / "india-japan" / "strong.txt").read_text(encoding="utf-8")
    headings = ("Economic foundation", "Stages of evolution", "Security and strategic "
                "convergence", "Challenges", "Way forward")
    marked = plain
    for heading in headings:
        marked = marked.replace(f"\n\n{heading}\n", f"\n\n### {heading}\n", 1)
    marked = re.sub(r"^- ([^:;\n]{3,30}):", r"- **\1:**", marked, flags=re.MULTILINE)
    assert marked.count("### ") == len(headings) and "**" in marked
    rubric = load_rubric(INDIA_JAPAN)
    one = evaluate_answer(answer_from_text(plain, name="plain"), rubric)
    other = evaluate_answer(answer_from_text(marked, name="marked"), rubric)
    assert [(s.kind, s.text) for s in other.sentences] == [(s.kind, s.text)
                                                          for s in one.sentences]
    assert other.marks == one.marks
    assert [d.state for d in other.dimensions] == [d.state for d in one.dimensions]


@pytest.mark.parametrize("word, folded", [
    ("Nāgara", "Nagara"), ("Drāviḍa", "Dravida"), ("garbhagṛha", "garbhagrha"),
    ("Śilpaśāstra", "Silpasastra"), ("Niño", "Nino"), ("naïve", "naive"), ("ﬁnance", "finance"),
    ("Japan", "Japan"),
    ("भारत", "भारत"),          # another script keeps its marks (the vowel sign is one)
])
def test_accents_of_latin_letters_are_folded(word, folded):
    from answer_evaluator.text import fold_accents

    assert fold_accents(word) == folded


def test_stems_ignore_the_accents_of_a_transliteration():
    from answer_evaluator.text import stem

    assert stem("Nāgara") == stem("Nagara") == "nagara"
    assert stem("Drāviḍian") == stem("Dravidian")


def test_long_prose_is_split_in_pieces_at_sentence_ends():
    """Punkt runs under NLTK's time limit, which a block of a hundred thousand short lines
    exceeded ("regular-expression match exceeded its 5.0s time limit"): prose longer than
    SENTENCE_PIECE_CHARS goes to it in pieces cut at sentence ends, and no sentence is lost
    or cut."""
    from answer_evaluator.text import SENTENCE_PIECE_CHARS, _pieces, split_sentences

    text = "India and Japan met in Tokyo. " * 2000            # 60,000 characters
    pieces = _pieces(text)
    assert len(pieces) > 1 and all(len(p) <= SENTENCE_PIECE_CHARS for p in pieces)
    assert "".join(pieces) == text
    assert all(p.endswith(". ") for p in pieces[:-1])
    assert split_sentences(text) == ["India and Japan met in Tokyo."] * 2000
    lines = "India.\n" * 4000
    assert split_sentences(lines) == ["India."] * 4000
    words = "japan " * 10000                                 # no sentence end: cut at spaces
    assert "".join(_pieces(words)) == words
    assert " ".join(split_sentences(words)).split() == ["japan"] * 10000
    run = "x" * 50_000 + "lithography more"                  # never cut inside a word
    assert _pieces(run) == [run[:-4], "more"]


def test_sentences_are_still_split_if_punkt_runs_out_of_time(monkeypatch):
    from answer_evaluator import text

    class Slow:
        def tokenize(self, piece):
            raise TimeoutError("regular-expression match exceeded its 5.0s time limit")

    monkeypatch.setattr(text, "_sentence_splitter", lambda: Slow())
    assert text.split_sentences("India met Japan. They signed a pact! Why? ") == [
        "India met Japan.", "They signed a pact!", "Why?"]
