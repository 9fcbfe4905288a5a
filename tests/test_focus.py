"""Which sentences may credit which dimension (focus.py), and the states an examiner would
give a vague way forward or a bare list (scoring.settle_states)."""

from __future__ import annotations

from answer_evaluator import Evaluator, parse_rubric
from answer_evaluator.focus import forward_sentences, recommendations
from answer_evaluator.models import Coverage
from answer_evaluator.rubric import is_forward_looking
from answer_evaluator.text import analyse

RUBRIC = '''\
id = "quad-test"
question = "Discuss the role of the Quad in the Indo-Pacific and suggest a way forward."
directive = "discuss"
word_limit = 150
max_marks = 10

[[dimensions]]
id = "members"
title = "Members and origins"
advice = "Name the members and the 2004 tsunami core group."
  [[dimensions.keywords]]
  term = "Quad"
  variants = ["Quadrilateral Security Dialogue"]
  [[dimensions.keywords]]
  term = "tsunami"
  [[dimensions.points]]
  text = "The Quad of India, Japan, Australia and the United States grew out of the 2004 tsunami core group."

[[dimensions]]
id = "maritime"
title = "Maritime security"
advice = "Show the naval side: the Malabar exercise and maritime domain awareness."
  [[dimensions.keywords]]
  term = "Malabar"
  [[dimensions.keywords]]
  term = "maritime domain awareness"
  [[dimensions.points]]
  text = "The Malabar exercise and the maritime domain awareness initiative tie the four navies together."

[[dimensions]]
id = "way-forward"
title = "Way forward"
advice = "Suggest what the Quad should do next: a secretariat, supply chains, health security."
  [[dimensions.keywords]]
  term = "secretariat"
  [[dimensions.keywords]]
  term = "resilient supply chains"
  [[dimensions.points]]
  text = "The Quad should set up a small secretariat and build resilient supply chains for critical minerals."
'''


def _evaluate(text: str):
    return Evaluator(parse_rubric(RUBRIC)).evaluate(text)


def _state(evaluation, dimension_id: str) -> Coverage:
    return next(d.state for d in evaluation.dimensions if d.dimension_id == dimension_id)


def _recommending(text) -> dict[str, bool]:
    """Each sentence (not heading) of the analysed `text`: does it recommend?"""
    flags = recommendations(text)
    return {s.text: bool(flags[s.index]) for s in text.sentences if s.kind != "heading"}


def test_recommendations_are_obligations_imperatives_or_under_a_way_forward_heading():
    text = analyse("The Quad was revived in 2017. India should work with its partners.\n\n"
                   "Expand the vaccine partnership.\n\nWay forward\nA secretariat in Delhi.")
    assert _recommending(text) == {"The Quad was revived in 2017.": False,
                                   "India should work with its partners.": True,
                                   "Expand the vaccine partnership.": True,
                                   "A secretariat in Delhi.": True}
    assert forward_sentences(text)[1] and not forward_sentences(text)[0]


def test_a_way_forward_heading_covers_what_follows_up_to_the_next_heading():
    text = analyse("Background\n\nThe Quad was revived in 2017.\n\nWay out\n\n"
                   "A secretariat in Delhi.\n\nResilient supply chains for minerals.\n\n"
                   "Record so far\n\nThe Malabar exercise grew in 2020.\n\nIt ends here.")
    assert _recommending(text) == {"The Quad was revived in 2017.": False,
                                   "A secretariat in Delhi.": True,
                                   "Resilient supply chains for minerals.": True,
                                   "The Malabar exercise grew in 2020.": False,
                                   "It ends here.": False}


def test_an_imperative_after_a_label_recommends():
    """"Governance: implement PESA" opens with an imperative after its label; a label before
    a past fact, or before the -ing form that defines it, does not. A heading that names a
    strategy does not make what follows it a recommendation: published answers describe the
    government's "Holistic approach" under one."""
    text = analyse("Security: the SAMADHAN doctrine was adopted in 2017.\n\n"
                   "Rights and governance: implement the Forest Rights Act and PESA.\n\n"
                   "- Data security: Protecting the data stored on a network.\n\n"
                   "Holistic approach\n\n1. SAMADHAN combined security and development.")
    assert _recommending(text) == {"Security: the SAMADHAN doctrine was adopted in 2017.": False,
                                   ("Rights and governance: implement the Forest Rights Act"
                                    " and PESA."): True,
                                   "Data security: Protecting the data stored on a network.": False,
                                   "SAMADHAN combined security and development.": False}


def test_a_bullet_opening_with_the_ing_form_of_an_imperative_recommends():
    text = analyse("- Strengthening the intelligence grid.\n- Providing funds to states.\n"
                   "- Setting up a secretariat.\n- Being a democracy helps.\n"
                   "- Increasing temperatures hasten crop maturity.\n\n"
                   "Providing loans since 1958, Japan built the metro.")
    assert [bool(f) for f in recommendations(text)] == [True, True, True, False, False, False]


def test_a_vague_recommendation_touches_the_way_forward_but_a_past_fact_does_not():
    base = ("The Quad of India, Japan, Australia and the United States began after the 2004 "
            "tsunami. The Malabar exercise now includes all four navies and builds maritime "
            "domain awareness in the Indian Ocean. ")
    vague = _evaluate(base + "The four countries should work together more closely in future.")
    past = _evaluate(base + "The four countries worked together closely in 2021.")
    assert _state(vague, "way-forward") is Coverage.PARTLY
    assert _state(past, "way-forward") is Coverage.MISSING
    # the state says "touched"; the dimension's marks follow its score, which a vague line
    # does not raise
    assert [d.marks for d in vague.breakdown.dimensions if d.dimension_id == "way-forward"] == [0]


def test_a_bare_list_touches_what_it_names_but_jumbled_words_cover_nothing():
    listed = _evaluate("Quad, India, Japan, Australia, US, tsunami 2004, core group.\n"
                       "Malabar, four navies, maritime domain awareness, Indian Ocean.\n"
                       "Secretariat, resilient supply chains, critical minerals, vaccines.\n"
                       "Quadrilateral Security Dialogue, Indo-Pacific, rules-based order.")
    assert listed.fluency < 0.5
    # full keyword scores, but a list at most touches a dimension (and a list line is not a
    # recommendation, so the way forward stays missing)
    assert [d.state for d in listed.dimensions] == [Coverage.PARTLY, Coverage.PARTLY,
                                                   Coverage.MISSING]
    jumbled = _evaluate("The of Malabar the in exercise four the navies domain the ties awareness "
                        "the of maritime the with Quad the of tsunami the in the of the and a "
                        "secretariat of the the chains supply resilient in the and of the the.")
    assert {d.state for d in jumbled.dimensions} == {Coverage.MISSING}


def test_forward_looking_titles():
    assert is_forward_looking("course-of-action", "Justified course of action")
    assert is_forward_looking("systemic-reforms", "Systemic reforms to prevent diversion")
    assert is_forward_looking("way-forward", "Way forward")
    assert not is_forward_looking("land-reforms", "Land reforms after independence")
    assert not is_forward_looking("economy", "Economic ties")



NAMED = '''\
id = "named-test"
question = "Discuss the working of the GST Council."
directive = "discuss"
word_limit = 150
max_marks = 10

[[dimensions]]
id = "challenges"
title = "Challenges to federalism"
advice = "Name the strains: centralisation, compensation, voting weights."
  [[dimensions.keywords]]
  term = "centralisation"
  weight = 0.5
  [[dimensions.keywords]]
  term = "compensation cess"
  [[dimensions.keywords]]
  term = "voting weight"
  [[dimensions.keywords]]
  term = "fiscal autonomy"
  [[dimensions.keywords]]
  term = "dispute resolution"
  [[dimensions.keywords]]
  term = "Mohit Minerals"
  [[dimensions.points]]
  text = "The Centre's one-third vote and the end of compensation strain fiscal federalism."

[[dimensions]]
id = "design"
title = "Design of the Council"
advice = "Describe Article 279A and its members."
  [[dimensions.keywords]]
  term = "Article 279A"
  [[dimensions.keywords]]
  term = "Union Finance Minister"
  [[dimensions.points]]
  text = "Article 279A makes the Union Finance Minister its chair and the states' ministers members."
'''


def test_one_light_keyword_among_many_does_not_name_a_dimension():
    evaluator = Evaluator(parse_rubric(NAMED))
    light = evaluator.evaluate("The GST Council meets every quarter. Powers were centralised "
                               "in Delhi when the tax came in.")
    assert _state(light, "challenges") is Coverage.MISSING
    named = evaluator.evaluate("The GST Council meets every quarter. Its members once argued "
                               "about the compensation cess in Delhi.")
    assert _state(named, "challenges") is Coverage.PARTLY


def test_a_conclusion_heading_looks_forward_but_does_not_recommend_by_itself():
    text = analyse("The Quad was revived in 2017.\n\nConclusion\n\nThe Quad has come a long way.")
    last = text.sentences[-1]
    assert forward_sentences(text)[last.index]          # a way forward may be credited here
    assert not recommendations(text)[last.index]        # but it recommends nothing


def test_a_bullet_is_read_with_the_heading_it_sits_under():
    bullet = "- The four navies train together every year off Guam and in the Bay of Bengal."
    headed = _evaluate(f"Maritime security and the Malabar exercise:\n{bullet}\n\nThe Quad "
                       "of India, Japan, Australia and the US began in 2004.")
    bare = _evaluate(f"{bullet}\n\nThe Quad of India, Japan, Australia and the US began in "
                     "2004.")

    def maritime(evaluation):
        return max(p.similarity for p in evaluation.points if p.dimension_id == "maritime")

    assert maritime(headed) > maritime(bare) + 0.05
    assert _state(headed, "maritime") is not Coverage.MISSING


def test_an_obligation_that_makes_another_dimension_does_not_touch_the_way_forward():
    # "must" in a sentence that serves another dimension strongly states a rule, not advice
    # ("One-third of beneficiaries must be women" in an answer on a welfare law)
    base = "The Quad of India, Japan, Australia and the United States began after the 2004 tsunami. "
    rule = _evaluate(base + "Under its rules, the Malabar exercise must include all four navies "
                            "and share maritime domain awareness.")
    assert _state(rule, "maritime") is Coverage.COVERED
    assert _state(rule, "way-forward") is Coverage.MISSING
    vague = _evaluate(base + "The four countries should work together more closely in future.")
    assert _state(vague, "way-forward") is Coverage.PARTLY


def test_a_sentence_keeps_a_weaker_dimension_whose_keyword_it_uses():
    """A sentence that serves one dimension strongly credits a much weaker one only when it
    uses that dimension's keyword: then the two are not unrelated, and the sentence makes
    both ("the mRNA leaves the nucleus and goes to a ribosome in the cytoplasm")."""
    import numpy as np

    from answer_evaluator.focus import focus_similarity
    from answer_evaluator.models import KeywordHit
    from answer_evaluator.settings import DEFAULT_SETTINGS as settings

    rubric = parse_rubric(RUBRIC)
    strong = settings.exclusive_strong + 0.3
    weak = settings.exclusive_ratio * strong / 2
    similarity = np.array([[strong, weak, 0.0], [strong, weak, 0.0]])
    forward = np.array([False, False])
    malabar = KeywordHit("maritime", "Malabar", "Malabar", 1, 3, 4, 1.0)
    focused = focus_similarity(rubric, similarity, forward, settings, (malabar,))
    assert focused[0, 1] == 0.0                  # no keyword of "maritime": set aside
    assert focused[1, 1] == weak                 # "Malabar" in the sentence: kept
    assert focused[1, 0] == strong
    assert focus_similarity(rubric, similarity, forward, settings)[1, 1] == 0.0


#: A full answer to tests/data/short-answer/protein-synthesis.toml: its first sentence makes two
#: key elements (out of the nucleus; to the ribosome in the cytoplasm), its third and fourth two
#: more each.
PROTEIN_ANSWER = (
    "First the mRNA leaves the nucleus through the nuclear pores and goes to a ribosome in the "
    "cytoplasm. The ribosome reads the mRNA three bases at a time, each one is a codon. A tRNA "
    "with the matching anticodon brings its amino acid. The amino acids are joined by peptide "
    "bonds, and this keeps going until the ribosome hits a stop codon.")


def test_one_sentence_that_makes_two_key_elements_covers_both():
    from answer_evaluator import load_rubric

    from conftest import DATA

    rubric = load_rubric(DATA / "short-answer" / "protein-synthesis.toml")
    evaluation = Evaluator(rubric).evaluate(PROTEIN_ANSWER)
    assert [d.state for d in evaluation.dimensions] == [Coverage.COVERED] * 6
    assert evaluation.marks == 3


def test_a_rubric_with_fewer_dimensions_than_the_directive_asks_needs_them_all():
    """"Describe" asks for breadth (three dimensions); a rubric of two can ask for no more than
    its two, and an answer that covers both meets the check."""
    from conftest import DATA

    text = (DATA / "short-answer" / "protein-synthesis.toml").read_text("utf-8")
    bands = "bands = [{ made = 4, marks = 3 }, { made = 3, marks = 2 }, { made = 1, marks = 1 }]"
    assert bands in text       # a band of four needs four dimensions: two reachable bands
    text = text.replace(bands, "bands = [{ made = 2, marks = 3 }, { made = 1, marks = 1 }]")
    two = parse_rubric(text[:text.index('[[dimensions]]\nid = "codons"')])
    assert len(two.dimensions) == 2
    evaluation = Evaluator(two).evaluate(PROTEIN_ANSWER)
    breadth = next(c for c in evaluation.directive_report.checks if "dimensions" in c.name)
    assert breadth.name == "covers at least 2 dimensions" and breadth.met
