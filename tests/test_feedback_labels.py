"""The feedback test set: the tool's covered / partly / missing per dimension against an
examiner's labels for every shipped sample (tests/data/feedback-labels.csv, judged without
running the tool; tests/data/feedback-labels.md).

The figures are printed (`pytest -s tests/test_feedback_labels.py`) and written in
docs/agreement.md. The two error rates are held to the issue's targets (at most 3% of each
kind); exact agreement is held to a regression floor below the issue's 85%, which the tool
does not yet reach: see docs/agreement.md, "Per-dimension feedback".
"""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from answer_evaluator import Evaluator, load_rubric, read_answer

from conftest import ROOT

LABELS = ROOT / "tests" / "data" / "feedback-labels.csv"
STATE = {"covered": "covered", "partly covered": "partly", "missing": "missing"}

#: Regression floors (measured figures are in docs/agreement.md).
MIN_EXACT = 0.74
MAX_MISSING_CREDITED_AS_COVERED = 0.03      # the target
MAX_MADE_REPORTED_MISSING = 0.03            # the target


def agreement() -> tuple[Counter, int]:
    rows = list(csv.DictReader(LABELS.open(encoding="utf-8")))
    evaluators: dict[str, Evaluator] = {}
    states: dict[str, dict[str, str]] = {}
    for row in rows:
        sample, rubric_id = row["sample"], row["rubric"]
        if sample not in states:
            if rubric_id not in evaluators:
                evaluators[rubric_id] = Evaluator(
                    load_rubric(ROOT / "rubrics" / f"{rubric_id}.toml"))
            evaluation = evaluators[rubric_id].evaluate(read_answer(ROOT / sample))
            states[sample] = {d.dimension_id: STATE[d.state.value]
                              for d in evaluation.dimensions}
    pairs = Counter((row["label"], states[row["sample"]][row["dimension"]]) for row in rows)
    return pairs, len(rows)


@pytest.fixture(scope="module")
def confusion():
    return agreement()


def test_every_sample_and_dimension_is_labelled_once():
    rows = list(csv.DictReader(LABELS.open(encoding="utf-8")))
    keys = Counter((r["sample"], r["dimension"]) for r in rows)
    assert max(keys.values()) == 1
    samples = {r["sample"] for r in rows}
    assert samples == {str(p.relative_to(ROOT)) for p in (ROOT / "samples").glob("*/*.txt")}
    for sample in samples:
        rubric_id = next(r["rubric"] for r in rows if r["sample"] == sample)
        dims = {d.dimension_id for d in load_rubric(ROOT / "rubrics" / f"{rubric_id}.toml")
                .dimensions}
        assert {d for s, d in keys if s == sample} == dims, sample
    assert {r["label"] for r in rows} <= {"covered", "partly", "missing"}


def test_agreement_with_the_examiner(confusion):
    pairs, n = confusion
    exact = sum(v for (label, tool), v in pairs.items() if label == tool) / n
    missing = sum(v for (label, _), v in pairs.items() if label == "missing")
    made = sum(v for (label, _), v in pairs.items() if label == "covered")
    credited = pairs[("missing", "covered")] / missing
    touched = sum(v for (label, tool), v in pairs.items()
                  if label == "missing" and tool != "missing") / missing
    lost = pairs[("covered", "missing")] / made
    print(f"\nfeedback labels: n={n} exact={exact:.3f} missing-credited-as-covered={credited:.3f} "
          f"missing-reported-partly-or-covered={touched:.3f} made-reported-missing={lost:.3f}")
    assert exact >= MIN_EXACT
    assert credited <= MAX_MISSING_CREDITED_AS_COVERED
    assert lost <= MAX_MADE_REPORTED_MISSING
