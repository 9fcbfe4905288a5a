"""Keyword groups match whole words on stems, phrases and variants, once per group."""

import pytest

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


# ----------------------------------------------------------------------------- numbers


def rubric_with(*groups, dims=None):
    """A one-question rubric; `groups` are (term, variants) or (term, variants, case_sensitive)
    of one dimension, or `dims` maps dimension ids to such lists."""
    dims = dims or {"d": list(groups)}
    parts = ['id = "t"\nquestion = "Discuss it."\ndirective = "discuss"\nword_limit = 150\n'
             'max_marks = 10\n']
    for dim_id, dim_groups in dims.items():
        parts.append(f'[[dimensions]]\nid = "{dim_id}"\ntitle = "{dim_id}"\nadvice = "Add it."\n')
        for term, variants, *sensitive in dim_groups:
            quoted = ", ".join(f'"{v}"' for v in variants)
            parts.append(f'  [[dimensions.keywords]]\n  term = "{term}"\n  variants = [{quoted}]\n')
            if sensitive and sensitive[0]:
                parts.append("  case_sensitive = true\n")
        parts.append('  [[dimensions.points]]\n  text = "A point about the matter."\n')
    return parse_rubric("".join(parts))


def matched(rubric, text):
    """(dimension, term, the words that matched, fuzzy) of every hit."""
    analysed = analyse(text)
    return [(h.dimension_id, h.term,
             " ".join(analysed.sentences[h.sentence_index].words[h.start:h.end]), h.fuzzy)
            for h in KeywordMatcher(rubric).match(analysed)]


MONEY = ["₹76,000 crore", "Rs 76,000 crore", "Rs. 76000 crore", "INR 76,000 crore",
         "76,000 crore", "76,000 crore rupees", "Rs76,000 crore"]


@pytest.mark.parametrize("keyword", ["76,000 crore", "₹76,000 crore", "Rs 76,000 crore",
                                     "INR 76000 crore"])
@pytest.mark.parametrize("written", MONEY)
def test_currency_and_number_forms_all_meet(keyword, written):
    rubric = rubric_with(("outlay", [keyword]))
    assert [term for _, term, _, _ in matched(rubric, f"The mission has {written} of support.")] \
        == ["outlay"], (keyword, written)


def test_a_currency_hit_spans_the_currency_word_and_other_numbers_do_not_match():
    rubric = rubric_with(("outlay", ["76,000 crore"]))
    assert matched(rubric, "A sum of Rs. 76,000 crore rupees.") == [
        ("d", "outlay", "Rs 76,000 crore rupees", False)]
    for other in ("Rs 76,001 crore", "7,600 crore", "76,000 lakh", "760 crore"):
        assert matched(rubric, f"A sum of {other}.") == [], other


def test_magnitudes_written_onto_a_number_are_spelt_out():
    rubric = rubric_with(("trade deficit", ["$17.7B", "5.1 billion"]))
    for text in ("Japan sold $17.7 billion.", "Japan sold US$17.7B.", "Japan sold 17.7bn.",
                 "India sold $5.1B.", "India sold 5.1 billion dollars."):
        assert [t for _, t, _, _ in matched(rubric, text)] == ["trade deficit"], text
    assert matched(rubric, "Japan sold $17.7 million.") == []


def test_a_unit_written_onto_a_number_is_the_word_after_it():
    rubric = rubric_with(("capacity", ["125 GW"]), ("output", ["5 MMT"]), ("heat", ["53"]),
                         ("century", ["21st century"]))
    assert [t for _, t, _, _ in matched(
        rubric, "By 2030, 5MMT of hydrogen from 125GW; black reached 53C in the 21st century.")
    ] == ["output", "capacity", "heat", "century"]
    for other in ("125 MW", "12GW", "50MMT", "5 MT", "54C"):
        assert matched(rubric, f"It came to {other}.") == [], other


@pytest.mark.parametrize("keyword", ["Jammu and Kashmir", "Jammu & Kashmir"])
def test_an_ampersand_is_and(keyword):
    rubric = rubric_with(("state", [keyword]), ("research", ["R&D"]))
    for written in ("Jammu and Kashmir", "Jammu & Kashmir", "Jammu&Kashmir"):
        assert [t for _, t, _, _ in matched(rubric, f"{written} voted.")] == ["state"], written
    assert matched(rubric, "Jammu, Kashmir voted.") == []
    for written in ("R&D", "R & D", "R and D"):
        assert [t for _, t, _, _ in matched(rubric, f"Spend on {written}.")] == ["research"]


@pytest.mark.parametrize("keyword", ["UN Security Council", "U.N. Security Council"])
def test_an_acronym_with_stops_is_the_acronym(keyword):
    rubric = rubric_with(("UNSC", [keyword]), ("America", ["US"]))
    for written in ("the U.N. Security Council", "the UN Security Council"):
        assert [t for _, t, _, _ in matched(rubric, f"So said {written}.")] == ["UNSC"]
    assert matched(rubric, "So said the U. N. Security Council.") == []    # not one word
    assert [t for _, t, _, _ in matched(rubric, "The U.S. and the US, not us.")] == [
        "America", "America"]


def test_the_plural_of_an_acronym_is_the_acronym():
    from answer_evaluator.text import stem

    assert stem("SHGs") == stem("SHG") and stem("MSPs") == stem("MSP") == "msp"
    assert stem("Shgs") == "shgs" and stem("IS") == "is"     # only capitals and an "s"
    rubric = rubric_with(("groups", ["SHG"]), ("price", ["MSPs"]))
    assert [t for _, t, _, _ in matched(rubric, "SHGs help; the MSP rose.")] == [
        "groups", "price"]


def test_an_acronym_that_spells_a_function_word_meets_only_itself_in_capitals():
    rubric = rubric_with(("WHO", ["World Health Organization"]), ("IT sector", ["IT"]),
                         ("US", []), ("AI", []))
    text = ("People who work in it tell us that the WHO, the IT sector and the US matter; "
            "so does ai.")
    assert [(t, w) for _, t, w, _ in matched(rubric, text)] == [
        ("WHO", "WHO"), ("IT sector", "IT sector"), ("US", "US"), ("AI", "ai")]


@pytest.mark.parametrize("keyword", ["8%", "8 per cent", "8 percent"])
def test_per_cent_percent_and_the_sign_are_one(keyword):
    rubric = rubric_with(("pace", [keyword]))
    for written in ("8 per cent", "8 percent", "8%"):
        assert matched(rubric, f"Growth of {written} a year.") == [
            ("d", "pace", written, False)], written
    for other in ("18 per cent", "8 cents", "per cent 8", "8.5%"):
        assert matched(rubric, f"Growth of {other} a year.") == [], other


@pytest.mark.parametrize("token, number", [
    ("₹76,000", "76000"), ("76,000", "76000"), ("76000", "76000"), ("1,00,000", "100000"),
    ("1,000,000.5", "1000000.5"), ("$17.7B", "17.7b"), ("2,3", "2,3"), ("12,34", "12,34"),
    ("4%", "4%"), ("1952", "1952")])
def test_number_tokens_have_one_spelling(token, number):
    from answer_evaluator.text import normalise_number, stem

    assert normalise_number(token) == stem(token) == number


def test_rs_with_a_full_stop_does_not_end_the_sentence():
    rubric = rubric_with(("outlay", ["76,000 crore"]))
    text = "The sum is Rs. 76,000 crore. It was approved in 2021."
    assert len(analyse(text).sentences) == 2
    assert matched(rubric, text) == [("d", "outlay", "Rs 76,000 crore", False)]


# ----------------------------------------------------------------------------- compounds, slips


SLIPS = rubric_with(("lithography", []), ("semiconductor", []), ("government", []),
                    ("infrastructure", []), ("Quad", ["Quadrilateral Security Dialogue"]),
                    ("investment", []), ("policy", []), ("MGNREGA", []),
                    ("ISRO", ["Indian Space Research Organisation"], True))


@pytest.mark.parametrize("text, term, fuzzy", [
    ("Photolithography tools are scarce.", "lithography", True),
    ("Lithography-equipment makers.", "lithography", False),    # hyphen split: exact
    ("A semi-conductor fab.", "semiconductor", False),
    ("Two semiconductors fabs.", "semiconductor", False),
    ("The goverment acted.", "government", True),
    ("Goverments acted.", "government", True),
    ("Better infrastucture.", "infrastructure", True),
    ("The Quadrilaterl Security Dialogue met.", "Quad", True),
    ("Sound policymaking helps.", "policy", True),
    ("Invesment rose.", "investment", True),
])
def test_compounds_and_one_letter_slips_match(text, term, fuzzy):
    assert [(t, f) for _, t, _, f in matched(SLIPS, text)] == [(term, fuzzy)]


@pytest.mark.parametrize("text", [
    "Disinvestment proceeds.",          # a prefix of three letters is not a compound
    "Reinvestment.",
    "The polity changed.",              # short words never match with a slip
    "MGNREGS works.",                   # acronyms never match with a slip
    "Indian Space Research Organisaton.",   # case-sensitive groups match exactly
    "Isro launched it.",
    "Indian Space Research Organization.",   # nor on stems
    "Gevernment acted.",                # slips inside the first three letters: other words
    "Remained.",
])
def test_conservative_non_matches(text):
    assert matched(SLIPS, text) == [], text


def test_numbers_never_match_with_a_slip():
    rubric = rubric_with(("outlay", ["7600000 crore"]))
    assert matched(rubric, "A sum of 7600001 crore.") == []
    assert matched(rubric, "A sum of 760000 crore.") == []


def test_a_word_the_rubric_itself_uses_is_not_a_slip():
    """'deletion' and 'depletion' are one letter apart, but both are words; when the
    rubric writes one of them, an answer's use of it is never a slip of the other."""
    rubric = parse_rubric(SLIPS_TOML.replace("A point about the matter.",
                                             "Groundwater depletion is severe."))
    assert matched(rubric, "Groundwater depletion.") == []
    assert [t for _, t, _, _ in matched(rubric, "Groundwater deleton.")] == ["deletion"]


SLIPS_TOML = '''
id = "t"
question = "Discuss water."
directive = "discuss"
word_limit = 150
max_marks = 10
[[dimensions]]
id = "d"
title = "Water"
advice = "Add it."
  [[dimensions.keywords]]
  term = "deletion"
  [[dimensions.points]]
  text = "A point about the matter."
'''


# ----------------------------------------------------------------------------- own groups


SHARED = rubric_with(dims={
    "security": [("Quad", ["Japan", "Australia"]), ("Malabar", [])],
    "way-forward": [("Japan", ["Japanese"]), ("Vision 2030", [])],
    "economy": [("investment", ["Japanese investment"])],
})


def test_a_form_listed_in_two_groups_credits_both_and_no_other():
    hits = matched(SHARED, "Japan will matter.")
    assert sorted((d, t) for d, t, _, _ in hits) == [("security", "Quad"),
                                                     ("way-forward", "Japan")]


def test_a_form_listed_in_one_group_credits_only_that_group():
    assert [(d, t) for d, t, _, _ in matched(SHARED, "Australia joined.")] == [
        ("security", "Quad")]
    assert [(d, t) for d, t, _, _ in matched(SHARED, "The Japanese came.")] == [
        ("way-forward", "Japan")]
    # the longer phrase of the economy group claims its words
    assert [(d, t) for d, t, _, _ in matched(SHARED, "Japanese investment grew.")] == [
        ("economy", "investment")]


def test_both_groups_count_in_the_dimension_scores():
    from answer_evaluator import Evaluator
    from answer_evaluator.models import Answer

    evaluation = Evaluator(SHARED).evaluate(Answer("a", "Japan will matter to India."))
    matched_terms = {d.dimension_id: d.matched_terms for d in evaluation.dimensions}
    assert matched_terms["security"] == ("Quad",)
    assert matched_terms["way-forward"] == ("Japan",)


def test_a_hyphenated_keyword_meets_the_closed_compound():
    rubric = rubric_with(("semi-conductor", []))
    for text in ("A semiconductor fab.", "A semi-conductor fab.", "Semi conductor fabs."):
        assert [(t, f) for _, t, _, f in matched(rubric, text)] == [("semi-conductor", False)]


def test_a_one_letter_prefix_written_with_a_hyphen_meets_the_closed_keyword():
    """Science answers write "m-RNA" for the rubric's "mRNA"; a one-letter word joins the next
    only when the two make a keyword word, so "a-codon" is still "a" and "codon"."""
    rubric = rubric_with(("mRNA", ["messenger RNA"]), ("codon", []))
    assert [(t, w) for _, t, w, _ in matched(rubric, "The m-RNA leaves.")] == [("mRNA", "m RNA")]
    assert [(t, w) for _, t, w, _ in matched(rubric, "The t-RNA reads a-codon.")] == [
        ("codon", "codon")]


DERIVED = rubric_with(("nationalism", []), ("centralisation", []), ("criticism", []),
                      ("measurable targets", []), ("local", []), ("accountability", []),
                      ("integrity", []))


@pytest.mark.parametrize("text", [
    "It was the first nation built on democratic values.",     # nation / nationalism
    "Members of both the central and state governments sit on it.",
    "It came at a critical juncture.",                          # critical / criticism
    "Measures targets the poor.",                               # measures / measurable
    "Firms localise their products.",                           # localise / local
    "The account was closed.",                                  # account / accountability
    "Integrating the two plans helps.",                         # integrating / integrity
])
def test_a_word_of_another_derivation_does_not_meet_the_keyword(text):
    assert matched(DERIVED, text) == [], text


@pytest.mark.parametrize("text, term", [
    ("Nationalism grew and nationalisms spread.", "nationalism"),
    ("Power was centralised.", "centralisation"),
    ("Centralization of power.", "centralisation"),
    ("The criticisms were sharp.", "criticism"),
    ("Local bodies and localities.", "local"),
    ("Officers are accountable.", "accountability"),
    ("Integrities differ.", "integrity"),
])
def test_inflections_of_a_derived_keyword_still_meet_it(text, term):
    assert {t for _, t, _, _ in matched(DERIVED, text)} == {term}, text


def test_a_two_word_keyword_meets_its_compound_written_as_one():
    rubric = rubric_with(("health care", []), ("work force", []))
    assert [t for _, t, _, _ in matched(rubric, "Healthcare and the workforce grew.")] == [
        "health care", "work force"]
    assert [t for _, t, _, _ in matched(rubric, "Health care grew.")] == ["health care"]


@pytest.mark.parametrize("text", [
    "Absence of a standardised framework.",      # "worked" (stem "work") is not in it
    "Roads and other infrastructure.",           # a bound prefix: not "structure"
    "Multinational firms invest.",               # not "national"
])
def test_a_short_stem_or_a_bound_prefix_makes_no_compound(text):
    rubric = rubric_with(("worked", []), ("structure", []), ("national", []))
    assert matched(rubric, text) == [], text


def test_a_run_of_letters_longer_than_any_compound_is_searched_for_no_keyword():
    from answer_evaluator.keywords import COMPOUND_MAX_LETTERS

    rest = "x" * (COMPOUND_MAX_LETTERS - len("lithography"))
    assert [t for _, t, _, _ in matched(SLIPS, f"{rest}lithography.")] == ["lithography"]
    assert matched(SLIPS, f"{rest}xlithography.") == []       # one letter past the limit
    assert matched(SLIPS, "x" * 100_000 + "lithography") == []    # a pasted run of letters


@pytest.mark.parametrize("text", [
    "The Nāgara style has a curvilinear shikhara.",      # IAST transliteration
    "The NAGARA style has a curvilinear shikhara.",
    "The Nagara style has a curvilinear shikhara.",
])
def test_diacritics_of_a_transliteration_match_the_plain_keyword(text):
    rubric = rubric_with(("Nagara", ["Nagara style"]), ("garbhagriha", ["garbhagrha"]))
    assert [t for _, t, _, _ in matched(rubric, text)] == ["Nagara"], text
    assert [t for _, t, _, _ in matched(rubric, "A small garbhagṛha.")] == ["garbhagriha"]


def test_a_keyword_written_with_diacritics_matches_the_plain_spelling():
    rubric = rubric_with(("El Niño", ["La Niña"]))
    assert [(t, words) for _, t, words, _ in matched(rubric, "El Nino and La Nina years.")] \
        == [("El Niño", "El Nino"), ("El Niño", "La Nina")]


def test_ligatures_of_text_taken_from_a_pdf_match():
    rubric = rubric_with(("financial inclusion", []))
    assert [t for _, t, _, _ in matched(rubric, "UPI widened ﬁnancial inclusion.")] \
        == ["financial inclusion"]


def article_rubric():
    return rubric_with(("appointment of the Chief Minister", []), ("faith in government", []),
                       ("a third of claims", []), ("Category A", []))


@pytest.mark.parametrize("text, term", [
    ("He has discretion in the appointment of a Chief Minister.",
     "appointment of the Chief Minister"),
    ("Appointment of Chief Minister after a hung verdict.", "appointment of the Chief Minister"),
    ("People lose faith in the government.", "faith in government"),
    ("A third of claims were rejected.", "a third of claims"),   # a first article counts
    ("In appointment of the a Chief Minister.", "appointment of the Chief Minister"),
])
def test_articles_inside_a_phrase_are_optional_and_interchangeable(text, term):
    assert term in {hit[1] for hit in matched(article_rubric(), text)}


@pytest.mark.parametrize("text", [
    "In appointment of his Chief Minister he acts alone.",      # another word between
    "The appointment of the new Chief Minister.",
    "Third of claims were rejected.",                           # the first word is missing
    "This is category work.",                                   # the last word is missing
])
def test_only_articles_are_skipped_and_a_phrase_keeps_its_ends(text):
    found = {hit[1] for hit in matched(article_rubric(), text)}
    assert "appointment of the Chief Minister" not in found
    assert "a third of claims" not in found and "Category A" not in found


@pytest.mark.parametrize("text, term, joined", [
    ("The inside would be coo ler with white paint.", "cooler", "coo ler"),
    ("Leaders such as Dadabhai Nao roji led it.", "Naoroji", "Nao roji"),
])
def test_a_word_broken_by_a_space_is_read_as_one(text, term, joined):
    """Text wrapped or taken from a PDF breaks words ("investmen t"); the two parts meet the
    keyword as one word, flagged approximate."""
    rubric = rubric_with((term, []), ("income", []))
    hits = [h for h in matched(rubric, text) if h[1] == term]
    assert hits and hits[0][2] == joined and hits[0][3] is True


@pytest.mark.parametrize("text", [
    "They will come in come what may.",     # a function word is no broken part
    "It makes the point less clear.",       # "point" is a word of the rubric's own text
    "It was cool Er, said he.",             # a capital starts a new word
])
def test_two_words_are_not_joined_into_a_keyword_without_reason(text):
    rubric = rubric_with(("income", []), ("pointless", []), ("cooler", []))
    assert matched(rubric, text) == []


def test_a_keyword_word_of_thousands_of_letters_is_joined_to_nothing():
    """A pasted run of letters as a keyword variant would make every prefix of it a place
    where an answer's broken word may join (memory in the square of its length): words longer
    than COMPOUND_MAX_LETTERS take no part in joins, and the keyword still matches itself."""
    from answer_evaluator.keywords import COMPOUND_MAX_LETTERS

    long_word = "a" * 20_000
    matcher = KeywordMatcher(rubric_with(("lithography", [long_word])))
    assert max(map(len, matcher._join_heads)) < COMPOUND_MAX_LETTERS
    assert "litho" in matcher._join_heads
    assert [h.term for h in matcher.match(analyse(f"It is {long_word}."))] == ["lithography"]
