"""Calibration: folds split by question, JSON that loads without scikit-learn or pickle, the
shipped calibration and its cross-validated figures, and rubrics built from model answers."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import fields

import numpy as np
import pytest

from conftest import DATA, ROOT, run_cli

FIXTURE = DATA / "mohler-fixture.csv"
MOHLER_DEV = ROOT.parent / "shared" / "datasets" / "mohler-dev.csv"


# ----------------------------------------------------------------------------- group folds


@pytest.mark.parametrize("seed", range(6))
def test_no_question_is_on_both_sides_of_a_split(seed):
    from answer_evaluator.calibration import group_folds

    rng = np.random.default_rng(seed)
    groups = np.array([f"{a}.{b}" for a, b in rng.integers(1, 7, size=(400, 2))])
    folds = group_folds(groups, n_splits=5)
    assert len(folds) == 5
    tested = np.concatenate([test for _, test in folds])
    assert sorted(tested.tolist()) == list(range(len(groups)))     # each row tested once
    for train, test in folds:
        assert set(groups[train]).isdisjoint(groups[test])
        assert len(train) + len(test) == len(groups)
    sizes = [len(test) for _, test in folds]
    assert max(sizes) - min(sizes) <= max(np.unique(groups, return_counts=True)[1])


def test_group_folds_are_deterministic_and_need_two_questions():
    from answer_evaluator.calibration import group_folds

    groups = ["b", "a", "a", "c", "b", "d", "d", "d"]
    first = group_folds(groups, 3)
    assert all(np.array_equal(x[1], y[1]) for x, y in zip(first, group_folds(groups, 3)))
    assert len(group_folds(groups, 10)) == 4                  # no more folds than questions
    with pytest.raises(ValueError, match="at least 2 questions"):
        group_folds(["a", "a"], 5)


def test_cross_validation_never_trains_on_the_question_it_tests(monkeypatch):
    from answer_evaluator import calibration as cal

    rng = np.random.default_rng(0)
    groups = np.repeat([f"q{i}" for i in range(8)], 10)
    features = [{"ref_recall": float(x), "non_answer": 0.0} for x in rng.random(80)]
    scores = rng.random(80) * 5
    texts = [f"answer {i} word{i % 7}" for i in range(80)]
    seen = []
    real_fold = cal._Fold

    class Spy(real_fold):
        def __init__(self, X, rows, texts):
            seen.append((set(groups[rows]), texts))
            super().__init__(X, rows, texts)

    monkeypatch.setattr(cal, "_Fold", Spy)
    folds = cal.group_folds(groups, 4)
    cal.cross_val_predict(features, scores, groups, (("ref_recall", "identity"),),
                          alpha=1.0, n_splits=4, texts=texts, vocabulary_weight=1.0)
    assert len(seen) == 4
    for (trained_on, fold_texts), (_, test) in zip(seen, folds):
        assert trained_on.isdisjoint(set(groups[test]))
        assert fold_texts is texts       # the vocabulary is learned from the rows above


def test_a_folds_vocabulary_is_learned_from_its_training_answers_only():
    from answer_evaluator import calibration as cal

    X = np.zeros((4, 1))
    texts = ["open switch", "closed path", "closed path here", "unseen gap words"]
    fold = cal._Fold(X, np.array([0, 1, 2]), texts)
    assert "close path" in fold.words          # stems, in two training answers
    assert not any("gap" in w or "unseen" in w for w in fold.words)   # only in row 3


# ----------------------------------------------------------------------------- the JSON model


def small_calibration():
    from answer_evaluator.calibration import fit_calibration

    rng = np.random.default_rng(1)
    n = 90
    recall = rng.random(n)
    features = [{"ref_recall": float(r), "ref_precision": float(r * 0.8),
                 "char_similarity": float(r), "ref_matched": float(2 * r),
                 "ref_words": 1.5, "answer_words": 2.0, "new_words": 1.0,
                 "question_share": 0.1, "non_answer": 0.0, "coverage": float(r),
                 "keyword_score": float(r), "point_score": float(r),
                 "best_similarity": float(r), "mean_similarity": float(r),
                 "length_ratio": 1.0, "fluency": 1.0, "repeated": 0.0,
                 "stem_similarity": float(r), "key_recall": float(r),
                 "best_sentence": float(r), "bigram_recall": float(r * 0.5),
                 "negation": 0.0, "connected": 0.4, "terse": float(1 - r)} for r in recall]
    scores = np.clip(1 + 3.5 * recall + rng.normal(0, 0.3, n), 0, 5)
    groups = np.repeat([f"q{i}" for i in range(9)], 10)
    calibration, report = fit_calibration(features, scores, groups, name="small")
    return calibration, report, features


def test_calibration_round_trips_through_json(tmp_path):
    from answer_evaluator.calibration import load_calibration

    calibration, report, features = small_calibration()
    assert report["model"]["cv"]["pearson"] > 0.8
    path = tmp_path / "small.json"
    path.write_text(calibration.dumps(), encoding="utf-8")
    loaded = load_calibration(str(path))
    for f in features[:20]:
        assert loaded.marks_share(f) == pytest.approx(calibration.marks_share(f))
        assert 0.0 <= loaded.marks_share(f) <= 1.0
    data = json.loads(path.read_text(encoding="utf-8"))
    model = data["models"][0]
    assert model["intercept"] and all({"feature", "transform", "mean", "scale", "coef"}
                                      <= set(t) for t in model["terms"])
    assert data["clip"] == [0.0, 5.0]


def test_a_non_answer_gets_nothing_and_repetition_costs(tmp_path):
    calibration, _, features = small_calibration()
    best = max(features, key=calibration.marks_share)
    assert calibration.marks_share(best) > 0.5
    assert calibration.marks_share(dict(best, non_answer=1.0)) == 0.0
    assert calibration.marks_share(dict(best, repeated=0.5)) < calibration.marks_share(best)


def test_missing_text_features_fall_back_to_the_engine_only_model():
    calibration, _, features = small_calibration()
    engine_only = {k: v for k, v in features[0].items()
                   if k not in ("ref_recall", "ref_precision", "char_similarity")}
    assert calibration.model_for(engine_only) is calibration.models[1]
    assert 0.0 <= calibration.marks_share(engine_only) <= 1.0


def test_shipped_calibration_loads_without_sklearn_or_pickle():
    code = (
        "import sys, pickle\n"
        "def refuse(*a, **k):\n"
        "    raise AssertionError('pickle used')\n"
        "pickle.load = pickle.loads = pickle.Unpickler = refuse\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('sklearn', 'joblib', 'scipy'):\n"
        "            raise ImportError('blocked ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from answer_evaluator.calibration import load_calibration\n"
        "c = load_calibration('default')\n"
        "f = {n: 0.5 for m in c.models for n in m.features}\n"
        "f['non_answer'] = 0.0\n"
        "print(round(c.marks_share(f), 4))\n"
        "assert 'sklearn' not in sys.modules\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert 0.0 <= float(result.stdout) <= 1.0


def test_shipped_default_calibration_reports_its_cross_validated_figures():
    from answer_evaluator.calibration import FEATURES, load_calibration

    calibration = load_calibration("default")
    assert calibration.name == "default" and calibration.max_score == 5
    assert all(name in FEATURES for m in calibration.models for name in m.features)
    cv = calibration.info["cross_validation"]["model"]
    assert cv["split"] == "by question (group k-fold)"
    assert cv["capped"].startswith("yes")         # figures of the marks grading gives
    assert cv["pearson"] >= 0.55 and cv["rmse"] <= 1.6
    assert calibration.info["data"] == "mohler-dev.csv"


@pytest.mark.parametrize("content, problem", [
    ("{", "not valid JSON"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON .*nested too deeply"),
    ('{"format": "something else"}', "not a calibration file"),
    ('{"format": "answer-evaluator-calibration", "version": 99}', "version"),
    ('{"format": "answer-evaluator-calibration", "version": 1, "models": []}', "malformed"),
])
def test_malformed_calibration_files_are_reported(tmp_path, content, problem):
    from answer_evaluator.calibration import CalibrationError, load_calibration

    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CalibrationError, match=problem):
        load_calibration(str(path))


def test_unknown_names_and_relative_paths():
    from answer_evaluator.calibration import CalibrationError, load_calibration

    with pytest.raises(CalibrationError, match="available: default"):
        load_calibration("nonesuch")
    shipped = ROOT / "src" / "answer_evaluator" / "data" / "calibration-default.json"
    rubric = shipped.parent / "some-rubric.toml"            # need not exist
    assert load_calibration("calibration-default.json", relative_to=rubric).name == "default"


# ----------------------------------------------------------------------------- the command


def test_calibrate_command_writes_json_and_reports_cross_validation(tmp_path, capsys):
    from answer_evaluator.calibration import load_calibration

    out_path = tmp_path / "cal.json"
    status, out, err = run_cli(["calibrate", FIXTURE, "-o", out_path, "--folds", "3"], capsys)
    assert status == 0, err
    assert "3 folds by question" in out
    assert out.rstrip().splitlines()[-1].startswith("pearson=")
    calibration = load_calibration(str(out_path))
    assert calibration.name == "cal" and calibration.info["rows"] == 24
    status, out, _ = run_cli(["calibrate", FIXTURE, "-o", out_path, "--folds", "3"], capsys)
    assert status == 0 and (tmp_path / "cal-2.json").exists()   # never overwritten
    status, out, err = run_cli(["agreement", FIXTURE, "--no-html", "--calibration", out_path],
                               capsys)
    assert status == 0 and "in-sample" in out and "calibration 'cal'" in out


def test_calibrate_command_errors(tmp_path, capsys):
    one = tmp_path / "one.csv"
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    one.write_text("\n".join(lines[:9]) + "\n", encoding="utf-8")       # question q1 only
    status, _, err = run_cli(["calibrate", one, "-o", tmp_path / "x.json"], capsys)
    assert status == 1 and "at least 2 questions" in err
    assert run_cli(["calibrate", FIXTURE], capsys)[0] == 2             # -o is required
    assert run_cli(["calibrate", FIXTURE, "-o", tmp_path / "x.txt"], capsys)[0] == 2
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(FIXTURE.read_text(encoding="utf-8"))))
    same = tmp_path / "same.csv"
    with same.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "score": "3"} for row in rows)
    status, _, err = run_cli(["calibrate", same, "-o", tmp_path / "same.json"], capsys)
    assert status == 1 and "every answer has the same mark (3)" in err
    assert not (tmp_path / "same.json").exists()


@pytest.mark.skipif(not MOHLER_DEV.exists(), reason=f"{MOHLER_DEV} is not here (CI has it)")
def test_calibrated_marks_on_unseen_questions_meet_the_targets():
    """Nested cross-validation by question on the dev file: the figures docs/agreement.md
    reports."""
    from answer_evaluator import agreement as ag
    from answer_evaluator.calibration import fit_calibration

    rows = ag.load_graded_answers(MOHLER_DEV)
    grading = ag.grade_rows(rows)
    _, uncapped = fit_calibration(grading.features, grading.human, grading.groups,
                                  fallback_terms=())
    assert uncapped["model"]["cv"]["pearson"] >= 0.56, uncapped["model"]["cv"]
    _, report = fit_calibration(grading.features, grading.human, grading.groups,
                                scheme_marks=grading.scheme_marks, margin=grading.margins,
                                fallback_terms=())
    cv = report["model"]["cv"]
    # the cap (at most calibration_margin x 5 above what the detected content earns) costs
    # agreement on this file: the graders gave 4 of 5 to answers that share no word with the
    # reference (docs/agreement.md); these bounds are what it reaches with the cap
    assert cv["pearson"] >= 0.55 and cv["rmse"] <= 1.6, cv
    uncalibrated = ag.metrics(grading.predicted, grading.human)
    assert cv["pearson"] > uncalibrated.pearson and cv["rmse"] < uncalibrated.rmse
    capped = report["model"]["cv_predicted"]
    assert np.all(capped <= np.minimum(5, grading.scheme_marks + 5 * grading.margins) + 1e-9)


@pytest.mark.skipif(not MOHLER_DEV.exists(), reason=f"{MOHLER_DEV} is not here (CI has it)")
def test_shipped_calibration_matches_the_current_features():
    """If the text analysis changes, the shipped model must be fitted again."""
    from answer_evaluator import agreement as ag
    from answer_evaluator.calibration import fit_calibration, load_calibration

    shipped = load_calibration("default")
    rows = ag.load_graded_answers(MOHLER_DEV)
    grading = ag.grade_rows(rows)
    terms = tuple((t.feature, t.transform) for t in shipped.models[0].terms)
    refit, _ = fit_calibration(grading.features, grading.human, grading.groups,
                               alpha=shipped.info["alpha"]["model"], terms=terms,
                               fallback_terms=())
    stale = [(a.feature, round(a.coef, 3), round(b.coef, 3))
             for a, b in zip(shipped.models[0].terms, refit.models[0].terms)
             if abs(a.coef - b.coef) > 0.02 or abs(a.mean - b.mean) > 0.02 * b.scale]
    assert not stale, ("the shipped calibration is out of date; refit it with: evaluate "
                       "calibrate mohler-dev.csv -o src/answer_evaluator/data/"
                       f"calibration-default.json --name default --force ({stale})")


# ----------------------------------------------------------------------------- model answers


def test_short_model_answer_becomes_a_rubric():
    from answer_evaluator.model_answer import (SHORT_ANSWER_SETTINGS, is_short_answer_rubric,
                                               rubric_from_model_answer, settings_for)

    rubric = rubric_from_model_answer(
        "What is the difference between a constructor and a function?",
        "A constructor is called whenever an object is created, whereas a function needs to "
        "be called explicitly. Constructors do not have a return type, but functions have to "
        "indicate a return type.")
    assert is_short_answer_rubric(rubric) and rubric.calibration == "default"
    assert settings_for(rubric) is SHORT_ANSWER_SETTINGS
    assert len(rubric.dimensions) == 2 and rubric.max_marks == 5
    assert rubric.points[0].text.startswith("A constructor is called")
    assert len(rubric.dimensions[0].points) == 3                 # the sentence and 2 clauses
    weights = {g.term: g.weight for d in rubric.dimensions for g in d.keywords}
    assert weights["constructor"] < weights["object"]            # the question's word demoted
    assert "return type" in weights                             # a phrase
    assert rubric.word_limit >= 20


def test_essay_model_answer_gets_the_usual_formula():
    from answer_evaluator.model_answer import rubric_from_model_answer, settings_for
    from answer_evaluator.settings import DEFAULT_SETTINGS

    text = (ROOT / "samples" / "india-japan" / "strong.txt").read_text(encoding="utf-8")
    rubric = rubric_from_model_answer("India-Japan ties have become strategic. Elaborate.",
                                      text, max_marks=15)
    assert rubric.calibration == "" and settings_for(rubric) is DEFAULT_SETTINGS
    assert 2 <= len(rubric.dimensions) <= 6 and rubric.directive == "elaborate"
    assert 200 <= rubric.word_limit <= 300


@pytest.mark.parametrize("question, reference, kwargs", [
    ("", "An answer.", {}), ("What?", "   ", {}), ("What?", "An answer.", {"max_marks": 0}),
    ("What?", "An answer.", {"directive": "ponder"}),
])
def test_model_answer_input_errors(question, reference, kwargs):
    from answer_evaluator.model_answer import rubric_from_model_answer

    with pytest.raises(ValueError):
        rubric_from_model_answer(question, reference, **kwargs)


def test_short_answer_settings_still_exist_in_the_engine():
    from answer_evaluator.model_answer import SHORT_ANSWER_CHANGES
    from answer_evaluator.settings import Settings

    known = {f.name for f in fields(Settings)}
    assert set(SHORT_ANSWER_CHANGES) <= known, set(SHORT_ANSWER_CHANGES) - known


def test_cli_and_agreement_feed_the_calibration_the_same_features():
    from answer_evaluator.calibration import feature_dict, load_calibration
    from answer_evaluator.model_answer import evaluator_for, rubric_from_model_answer

    rubric = rubric_from_model_answer("What is a variable?",
                                      "A location in memory that can store a value.")
    calibration = load_calibration(rubric.calibration)
    answer = "A named place in memory where a program keeps a value."
    evaluation = evaluator_for(rubric).evaluate(answer)
    from_agreement = feature_dict(evaluation, answer, rubric)
    from_engine = dict(evaluation.features) | calibration.extra_features(answer, rubric)
    assert from_agreement == pytest.approx(from_engine)
    calibrated = evaluator_for(rubric, calibration=calibration).evaluate(answer)
    assert calibrated.calibrated and 0 <= calibrated.marks <= 5


def test_model_answer_on_the_command_line(tmp_path, capsys):
    model = tmp_path / "model.txt"
    model.write_text("A location in memory that can store a value.", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text("A variable is a named location in memory that stores a value.",
                    encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("It is a kind of loop that repeats statements.", encoding="utf-8")
    marks = {}
    for path in (good, bad):
        status, out, err = run_cli([path, "--model-answer", model, "--question",
                                    "What is a variable?", "--no-report", "--json"], capsys)
        assert status == 0, err
        data = json.loads(out)
        assert data["calibrated"]
        marks[path.stem] = data["marks"]
    assert marks["good"] > marks["bad"]


# ----------------------------------------------------------------------------- the cap


def test_the_cap_is_one_rule_for_grading_and_cross_validation():
    from answer_evaluator.calibration import apply_cap
    from answer_evaluator.marking import capped_calibration

    assert capped_calibration(4.5, 1.0, 5.0, 0.2) == (4.5, 2.0, 2.0)      # capped
    assert capped_calibration(1.5, 1.0, 5.0, 0.2) == (1.5, 2.0, 1.5)      # under the cap
    assert capped_calibration(7.0, 4.8, 5.0, 0.2) == (5.0, 5.0, 5.0)      # never past the top
    assert capped_calibration(-1.0, 0.0, 5.0, 0.2)[2] == 0.0
    cap = (np.array([1.0, 3.0]), np.array([0.2, 0.2]))
    assert apply_cap(4.5, 0, cap, 5.0) == 2.0 and apply_cap(4.5, 1, cap, 5.0) == 4.0
    assert apply_cap(4.5, 0, None, 5.0) == 4.5


def test_agreement_reads_the_breakdown_with_and_without_a_calibration():
    from answer_evaluator import agreement as ag
    from answer_evaluator.calibration import load_calibration
    from answer_evaluator.model_answer import evaluator_for, rubric_from_model_answer
    from answer_evaluator.settings import SHORT_ANSWER_SETTINGS

    rows = ag.load_graded_answers(FIXTURE)
    calibration = load_calibration("default")
    plain = ag.grade_rows(rows)
    calibrated = ag.grade_rows(rows, calibration=calibration)
    assert np.allclose(plain.scheme_marks, calibrated.scheme_marks)
    margins = calibrated.margins            # the rubric's margin, shrunk for terse answers
    assert np.all(margins <= SHORT_ANSWER_SETTINGS.calibration_margin + 1e-12)
    assert np.all(margins >= 0) and margins.max() > margins.min()
    assert np.all(calibrated.predicted
                  <= np.minimum(5, calibrated.scheme_marks + 5 * margins) + 1e-9)
    first = rows[0]
    rubric = rubric_from_model_answer(first.question, first.reference_answer)
    evaluation = evaluator_for(rubric, calibration=calibration).evaluate(first.student_answer)
    assert calibrated.predicted[0] == pytest.approx(evaluation.breakdown.unrounded)
    assert evaluation.breakdown.calibration.scheme_marks == pytest.approx(plain.predicted[0])


# ----------------------------------------------------------------------------- gaming

#: Questions and model answers written for these tests, with correct paraphrases of each.
GAMING_CASES = [
    ("What is a variable?",
     "A variable is a named location in memory that holds a value which can change while "
     "the program runs.",
     ["Memory.", "Location."],
     ["A variable is a named place in the computer's memory that stores a value, and that "
      "value may be changed as the program executes.",
      "It is a named memory location holding a value that can be changed while the program "
      "is running.",
      "A variable names a spot in memory where the program keeps a value it can change "
      "later."]),
    ("What does a compiler do?",
     "A compiler translates the source code of a program into machine code that the "
     "computer can execute.",
     ["Translation.", "Source."],
     ["It converts a program's source code into machine code so that the computer is able "
      "to run it.",
      "The compiler turns the source code written by the programmer into machine code which "
      "the computer executes."]),
    ("Why do plants need sunlight?",
     "Plants use the energy of sunlight to make their food from carbon dioxide and water by "
     "photosynthesis.",
     ["Energy.", "Photosynthesis."],
     ["Through photosynthesis plants turn carbon dioxide and water into food, using the "
      "energy that sunlight gives them.",
      "Plants need the energy in sunlight to make food out of water and carbon dioxide; this "
      "is called photosynthesis."]),
]


def _graded_on_the_command_line(tmp_path, capsys, question, model, answer):
    model_path = tmp_path / "model.txt"
    model_path.write_text(model, encoding="utf-8")
    answer_path = tmp_path / "answer.txt"
    answer_path.write_text(answer, encoding="utf-8")
    status, out, err = run_cli([answer_path, "--model-answer", model_path, "--question",
                                question, "--no-report", "--json"], capsys)
    assert status == 0, err
    data = json.loads(out)
    assert data["calibrated"]
    return data["marks"]


def _word_list(model: str) -> str:
    from answer_evaluator.model_answer import FUNCTION_WORDS

    words = [w.strip(".,;'").lower() for w in model.split()]
    return " ".join(dict.fromkeys(w for w in words if w and w not in FUNCTION_WORDS))


@pytest.mark.parametrize("question, model, one_words, paraphrases", GAMING_CASES)
def test_gaming_answers_earn_little_and_paraphrases_earn_full_marks(
        tmp_path, capsys, question, model, one_words, paraphrases):
    def marks(answer):
        return _graded_on_the_command_line(tmp_path, capsys, question, model, answer)

    for answer in one_words + [question, "I don't know", "No idea."]:
        assert marks(answer) <= 1.0, answer
    assert marks(_word_list(model)) <= 2.5               # a bare list of its words
    for answer in paraphrases:
        assert marks(answer) >= 4.0, answer


def test_a_bare_list_is_told_from_a_terse_answer():
    from answer_evaluator.calibration import is_bare_list, text_features

    reference = "There is no limit on the number of constructors."
    assert not is_bare_list(text_features("Unlimited number.", reference))
    assert is_bare_list(text_features("limit number constructors unlimited", reference))
    assert not is_bare_list(text_features("There is no limit to the number.", reference))


def test_negation_and_word_order_features():
    from answer_evaluator.calibration import text_features

    reference = "The bulb lights because it is in a closed path with the battery."
    same = text_features("It is in a closed path with the battery, so it lights.", reference)
    negated = text_features("It is not in a closed path with the battery.", reference)
    assert same["negation"] == 0.0 and negated["negation"] == 1.0
    assert text_features("Nothing.", "Nothing happens.")["negation"] == 0.0
    assert same["bigram_recall"] > text_features("battery path bulb closed", reference)[
        "bigram_recall"]


def test_the_command_line_grades_a_model_answer_as_agreement_measures_it(tmp_path, capsys):
    """`evaluate ANSWER --model-answer REF --question Q` uses the same settings, features and
    calibration as `evaluate agreement`, so the measured figures are those of the command."""
    import json

    from answer_evaluator import agreement as ag
    from answer_evaluator.calibration import load_calibration
    from answer_evaluator.cli import main

    rows = ag.load_graded_answers(FIXTURE)[:6]
    calibrated = ag.grade_rows(rows, calibration=load_calibration("default"))
    for i, row in enumerate(rows):
        (tmp_path / "answer.txt").write_text(row.student_answer, encoding="utf-8")
        (tmp_path / "reference.txt").write_text(row.reference_answer, encoding="utf-8")
        assert main([str(tmp_path / "answer.txt"), "--model-answer", str(tmp_path / "reference.txt"),
                     "--question", row.question, "--json", "--no-report"]) == 0
        shown = json.loads(capsys.readouterr().out)
        breakdown = shown.get("breakdown") or shown["evaluation"]["breakdown"]
        assert breakdown["unrounded"] == pytest.approx(calibrated.predicted[i], abs=1e-4), row.row
        assert breakdown["calibration"] is not None
