"""Answers written blind (their author never saw the rubric or the engine) with the marks band
a strict examiner would give: the engine's marks must follow the bands."""

import csv

from scipy.stats import spearmanr

from answer_evaluator import read_answer
from conftest import DATA

HELDOUT = DATA / "heldout" / "india-japan"


def load():
    with (HELDOUT / "bands.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_marks_follow_the_blind_bands(india_japan_evaluator):
    rows = load()
    marks = [india_japan_evaluator.evaluate(read_answer(HELDOUT / r["file"])).marks for r in rows]
    middles = [(float(r["band_low"]) + float(r["band_high"])) / 2 for r in rows]
    assert spearmanr(marks, middles).statistic >= 0.8
    inside = sum(float(r["band_low"]) - 1 <= m <= float(r["band_high"]) + 1
                 for r, m in zip(rows, marks))
    assert inside >= 0.8 * len(rows)


def test_a_competent_answer_to_a_neighbouring_question_is_caught(india_japan_evaluator):
    evaluation = india_japan_evaluator.evaluate(
        read_answer(HELDOUT / "08_offtopic_india_australia.txt"))
    assert evaluation.marks <= 3
    assert any(f.code == "off-topic" and "Australia" in f.message for f in evaluation.flags)
