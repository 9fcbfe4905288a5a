"""Gaming resistance on the India-Japan question: keyword lists, a copied question, shuffled
words, an answer to another question and a repeated paragraph each earn clearly fewer marks
than the honest average answer, and the evaluation (and its report) says why. The samples'
marks fall in the bands samples/README.md gives them."""

from __future__ import annotations

import re

import pytest

from conftest import INDIA_JAPAN_SAMPLES, SAMPLES

#: gaming sample -> the flag that explains its low marks
GAMING = {
    "keyword-list": "keyword-list",
    "question-copied": "repeats-question",
    "shuffled": "word-order",
    "off-topic": "off-topic",
    "repeated": "repeated",
}


def codes(evaluation) -> set[str]:
    return {f.code for f in evaluation.flags}


@pytest.mark.parametrize("name", sorted(GAMING))
def test_gaming_earns_clearly_less_than_the_average_answer(sample_evaluations, name):
    average = sample_evaluations["average"].marks
    evaluation = sample_evaluations[name]
    assert evaluation.marks <= average - 2, (name, evaluation.marks, average)
    assert evaluation.marks <= average / 2


@pytest.mark.parametrize("name, code", sorted(GAMING.items()))
def test_the_evaluation_and_the_report_say_why(sample_evaluations, name, code):
    from answer_evaluator import render_report

    evaluation = sample_evaluations[name]
    assert code in codes(evaluation), (name, codes(evaluation))
    assert code not in codes(sample_evaluations["average"])
    flag = next(f for f in evaluation.flags if f.code == code)
    assert len(flag.message) > 20
    page = render_report(evaluation)
    assert flag.message.split(";")[0].replace("'", "&#39;") in page


def test_honest_answers_are_not_flagged_as_gaming(sample_evaluations):
    for name in ("strong", "average", "economic-only"):
        assert not codes(sample_evaluations[name]) & set(GAMING.values()), name


SCO_NAMING_CHINA = """\
The Shanghai Cooperation Organisation (SCO), founded in 2001, aims at mutual trust, good-neighbourliness and joint action against terrorism, separatism and extremism through RATS in Tashkent, and at cooperation in trade, energy and culture.

China drives the grouping: China funds most of its projects, China promotes the BRI through it, and China uses it with Russia to argue for a multipolar order against the West. India and Pakistan joined in 2017.

For India the grouping opens Central Asia: uranium from Kazakhstan, hydrocarbons, and connectivity through Chabahar and the INSTC, and a regular forum on Afghanistan, drug trafficking and terrorism.

But China's closeness to Pakistan and China's CPEC, which violates India's sovereignty, limit what India gains; India alone refused to endorse the BRI, and consensus on cross-border terrorism is weak.

India should use the grouping for Central Asian connectivity and counter-terrorism while balancing China through the Quad and its strategic autonomy.
"""


def test_an_answer_naming_another_country_more_than_its_subject_is_not_off_topic():
    """A real SCO answer may say "the grouping" and name China seven times and the SCO once;
    it uses the rubric's keywords broadly, so it is on the question. The India-China answer to
    the India-Japan question (few of that rubric's keywords) is still caught."""
    from answer_evaluator import Evaluator, load_rubric

    sco = Evaluator(load_rubric(SAMPLES.parent / "rubrics" / "sco-india.toml"))
    evaluation = sco.evaluate(SCO_NAMING_CHINA)
    assert "off-topic" not in codes(evaluation)
    assert all(d.state.value != "missing" for d in evaluation.dimensions)
    assert evaluation.marks >= 5


CASE_WITH_LABELS = """The case pits Sunil's duty to enforce the law against pressure from the MLA, \
collusion within his own office and the livelihood of poor labourers.

Options available to the Collector
- Option 1: Release the trucks. This obeys the MLA but betrays integrity and the rule of law.
- Option 2: Seek a transfer. This avoids the conflict but abandons the district to the mafia.
- Option 3: Continue the seizure. Example: the raids go on with police support.
- Option 4: Act on the informers. Example: suspend the staff who tipped off the operators.
- Option 5: Protect the labourers. Example: enrol them under MGNREGA and in legal sand quarries.

I would continue the action, record the MLA's call, inform the Divisional Commissioner, \
suspend the informers after an inquiry and give the labourers other work, because integrity, \
impartiality and non-partisanship demand that the law apply to all.
"""


def test_labels_before_a_colon_and_headings_are_not_a_rival_subject():
    """"Option 1:", "Example:" and title-case headings name nothing: a case-study answer
    laid out with them is on its question (it was once flagged as "mostly about Options")."""
    from answer_evaluator import Evaluator, load_rubric
    from answer_evaluator.scoring import rival_subject
    from answer_evaluator.settings import DEFAULT_SETTINGS
    from answer_evaluator.text import analyse

    case = Evaluator(load_rubric(SAMPLES.parent / "rubrics" / "case-illegal-sand-mining.toml"))
    rival = rival_subject(analyse(CASE_WITH_LABELS), case.subject, DEFAULT_SETTINGS)
    assert rival is None or rival.name not in {"Options", "Option", "Example"}, rival
    assert rival is None or rival.count < 2
    assert "off-topic" not in codes(case.evaluate(CASE_WITH_LABELS))


INDUS_ANSWER = """The architecture of the Indus Valley Civilisation was functional. The cities \
of the Indus Valley, Harappa in the north and Mohenjo-daro in the south, were laid out on a grid.

Town planning
Indus Valley streets crossed at right angles and divided each city into blocks; the citadel \
stood apart from the lower town. Indus cities used baked bricks of one standard ratio, and the \
Indus drains were covered and ran along every street. The Great Bath and the granary show \
civic authority in the Indus Valley.
"""


def test_the_subjects_other_names_are_the_subject_not_a_rival():
    """A rubric's `subject_names` (harappan-architecture: "Indus Valley", "Indus", "Harappa")
    name its subject, those of several words too: an answer on the Harappan architecture that
    says "Indus Valley" throughout is on its question (it was once "mostly about Indus")."""
    from dataclasses import replace

    from answer_evaluator import Evaluator, load_rubric
    from answer_evaluator.scoring import rival_subject, subject_forms
    from answer_evaluator.settings import DEFAULT_SETTINGS
    from answer_evaluator.text import analyse

    rubric = load_rubric(SAMPLES.parent / "rubrics" / "harappan-architecture.toml")
    assert ("indus", "valley") in subject_forms(rubric)
    rival = rival_subject(analyse(INDUS_ANSWER), subject_forms(rubric), DEFAULT_SETTINGS)
    assert rival is None or rival.subject_count >= 6
    assert "off-topic" not in codes(Evaluator(rubric).evaluate(INDUS_ANSWER))
    # without the other names the same answer reads as one about "Indus"
    bare = replace(rubric, subject_names=())
    assert "off-topic" in codes(Evaluator(bare).evaluate(INDUS_ANSWER))


PRONOUN_ANSWER = """The Governor heads the state's executive. He is appointed by the \
President and holds office during her pleasure. He appoints the Chief Minister. He can reserve \
bills for the President. He may dissolve the Assembly on the Chief Minister's advice. He \
addresses the Assembly at the start of each year. He can also recommend President's Rule.
"""


def test_a_pronoun_that_opens_sentences_is_not_a_rival_subject():
    """"He" opening six sentences is capitalised in most of its uses but names nothing: a
    word counts as a name only if it is also capitalised where it does not open a sentence
    (an answer on the Governor was once "mostly about He")."""
    from answer_evaluator import Evaluator, load_rubric
    from answer_evaluator.scoring import rival_subject
    from answer_evaluator.settings import DEFAULT_SETTINGS
    from answer_evaluator.text import analyse

    rubric = load_rubric(SAMPLES.parent / "rubrics" / "governor-discretionary-powers.toml")
    governor = Evaluator(rubric)
    rival = rival_subject(analyse(PRONOUN_ANSWER), governor.subject, DEFAULT_SETTINGS)
    assert rival is None or rival.name != "He", rival
    assert "off-topic" not in codes(governor.evaluate(PRONOUN_ANSWER))
    # a name capitalised inside sentences is still one, wherever else it stands
    about_china = analyse("China builds ports. China lends money. Its loans bind China's "
                          "neighbours to China. Beijing and China act as one.")
    rival = rival_subject(about_china, governor.subject, DEFAULT_SETTINGS)
    assert rival is not None and rival.name == "China" and rival.count == 5


def test_the_rival_check_still_catches_a_neighbouring_question(sample_evaluations):
    assert "off-topic" in codes(sample_evaluations["off-topic"])
    assert sample_evaluations["off-topic"].marks <= 1


def test_gaming_a_rubric_built_from_a_model_answer(india_japan):
    """The same samples against a rubric built on the fly from the strong answer (the
    `--model-answer` path for an essay): gaming still earns clearly less than average."""
    from answer_evaluator import read_answer
    from answer_evaluator.model_answer import evaluator_for, rubric_from_model_answer

    model = (INDIA_JAPAN_SAMPLES / "strong.txt").read_text(encoding="utf-8")
    rubric = rubric_from_model_answer(india_japan.question, model,
                                      max_marks=india_japan.max_marks)
    evaluator = evaluator_for(rubric, calibration=None)
    marks = {name: evaluator.evaluate(read_answer(INDIA_JAPAN_SAMPLES / f"{name}.txt")).marks
             for name in [*GAMING, "average"]}
    for name in GAMING:
        assert marks[name] <= marks["average"] - 2, marks


def bands() -> dict[str, tuple[float, float]]:
    """file stem -> (low, high) from the india-japan table of samples/README.md."""
    text = (SAMPLES / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## india-japan"):]
    section = section[:section.find("\n## ", 5)] if "\n## " in section[5:] else section
    found = {}
    for line in section.splitlines():
        row = re.match(r"\|\s*([\w-]+)\.txt\s*\|.*\|\s*(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)\s*\|$",
                       line.strip())
        if row:
            found[row.group(1)] = (float(row.group(2)), float(row.group(3)))
    return found


def test_samples_fall_in_their_bands(sample_evaluations):
    """Within half a mark (the rounding step) of the band samples/README.md gives."""
    table = bands()
    assert {"strong", "average", *GAMING} <= set(table)
    outside = {name: (sample_evaluations[name].marks, band) for name, band in table.items()
               if not band[0] - 0.5 <= sample_evaluations[name].marks <= band[1] + 0.5}
    assert not outside, outside


def test_words_one_a_line_with_fillers_are_a_list_not_prose(india_japan_evaluator):
    """The strong sample's words one a line, every third replaced by a filler ("w4"), were
    once joined into one long "sentence" of prose (lines that open in lower case go on) and
    earned 3.5 of 15: a paragraph of a term or two a line is a list, each line an item."""
    import random

    from answer_evaluator.text import analyse

    words = (INDIA_JAPAN_SAMPLES / "strong.txt").read_text("utf-8").split()
    rng = random.Random(1)
    salad = "\n".join(f"w{i}" if i % 3 else rng.choice(words) for i in range(250))
    assert {s.kind for s in analyse(salad).sentences} == {"bullet"}
    evaluation = india_japan_evaluator.evaluate(salad)
    assert evaluation.marks <= 1 and "keyword-list" in codes(evaluation)


AI_ANSWER = """AI promises faster and more consistent administrative decisions. An AI system \
applies the same rule to every file and leaves less room for discretion and corruption. Yet \
AI trained on biased records repeats their bias, and its reasoning is often a black box that \
citizens cannot question. When an AI tool wrongly denies a pension, it is unclear who is \
accountable. So AI should assist officers, with human review, audits and grievance redress."""


def test_the_acronym_of_a_name_in_the_question_names_the_subject():
    """"AI" names "Artificial Intelligence": the initials of a name of several words in the
    question are a form of its subject, matched as written in capitals ("aim" or "Ai" are not
    it). An answer that writes only "AI" was flagged as rarely naming its subject."""
    from answer_evaluator import Evaluator, load_rubric
    from answer_evaluator.scoring import subject_forms

    rubric = load_rubric(SAMPLES.parent / "rubrics" / "ai-administrative-decisions.toml")
    assert ("AI",) in subject_forms(rubric)
    assert "off-topic" not in codes(Evaluator(rubric).evaluate(AI_ANSWER))
    lowered = AI_ANSWER.replace("AI", "Ai")
    assert "off-topic" in codes(Evaluator(rubric).evaluate(lowered))


def test_a_short_subject_form_matches_whole_words_only():
    """A subject form of fewer than four letters matches whole stems: "SCO" is not named by
    "score" or "scope", as it was when every form matched the stems it begins."""
    from answer_evaluator import load_rubric
    from answer_evaluator.scoring import SentenceWeights, subject_forms, subject_share
    from answer_evaluator.text import analyse

    import numpy as np

    rubric = load_rubric(SAMPLES.parent / "rubrics" / "sco-india.toml")
    forms = subject_forms(rubric)
    assert ("sco",) in forms

    def share(answer: str) -> float:
        text = analyse(answer)
        return subject_share(text, SentenceWeights(np.ones(len(text.sentences)),
                                                   ((),) * len(text.sentences)), forms)

    assert share("The score of the summit was low. Its scope was narrow.") == 0.0
    assert share("The SCO met in Astana. The SCO's scope is wide.") == 1.0
