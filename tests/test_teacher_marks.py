"""A teacher's own marks for one rubric: loading and its errors, `evaluate calibrate --rubric`
writing a calibration beside the rubric, `evaluate` (single answer and batch) finding and
using it, and `evaluate agreement --rubric`."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
from types import SimpleNamespace

import pytest

from conftest import INDIA_JAPAN, run_cli

# Sentences for answers to the India-Japan question, written for these tests; each answer is
# a selection of them, and its marks (out of 15) are what a teacher would give that selection.
GOOD = [
    "Over seven decades the India-Japan relationship has moved from yen loans and trade to a "
    "Special Strategic and Global Partnership in which security now matters as much as "
    "economics.",
    "The ties rest on old civilisational links through Buddhism, the 1952 peace treaty and the "
    "first yen loan Japan extended to India in 1958.",
    "Japan is the largest source of official development assistance (ODA) for India, funding "
    "the Delhi Metro, the Mumbai-Ahmedabad bullet train and the Delhi-Mumbai Industrial "
    "Corridor.",
    "The 2011 Comprehensive Economic Partnership Agreement (CEPA) widened bilateral trade and "
    "Japanese investment in manufacturing.",
    "Prime Minister Yoshiro Mori's visit in 2000 launched a Global Partnership, upgraded to a "
    "Strategic and Global Partnership in 2006 with annual summits, and to a Special Strategic "
    "and Global Partnership in 2014.",
    "The 2008 Joint Declaration on Security Cooperation was followed by a 2+2 ministerial "
    "dialogue, the JIMEX naval exercise, Dharma Guardian for the armies and regular Malabar "
    "drills.",
    "Both countries promote a free and open Indo-Pacific, linking India's Act East policy with "
    "Japan's FOIP vision, and work together in the Quad to counter China's assertiveness.",
    "New areas include semiconductors, critical minerals, green hydrogen and the Supply Chain "
    "Resilience Initiative with Australia.",
    "Japan and India back each other's claim to a permanent seat on the UNSC and cooperate in "
    "the G20 and other multilateral forums.",
    "The partnership still faces limits: a persistent trade deficit for India, project delays "
    "caused by land acquisition, and India's insistence on strategic autonomy.",
    "The way forward is defence co-production, faster completion of flagship projects, more "
    "skilled workers under TITP and stronger people-to-people ties.",
    "Thus, economic cooperation remains the base, but a shared concern for a rules-based "
    "Indo-Pacific has made Japan one of India's closest strategic partners.",
]
WEAK = [
    "India and Japan are friends and they do a lot of trade with each other.",
    "Japan is a country in Asia that makes many cars and electronic goods.",
    "Both countries should cooperate more in the future for peace and development.",
]
#: (good sentences, weak sentences, the teacher's marks of 15)
PLAN = [((), (0, 1), 1), ((0,), (0, 2), 2), ((2,), (0, 1, 2), 3), ((0, 2), (1,), 4),
        ((0, 2, 3), (2,), 5), ((0, 2, 5), (), 6), ((0, 2, 3, 5, 6), (2,), 7),
        ((0, 1, 2, 5, 6, 11), (), 8), ((0, 2, 4, 5, 6, 9, 11), (), 9),
        ((0, 1, 2, 4, 5, 6, 8, 9, 11), (), 10), ((0, 2, 3, 4, 5, 6, 7, 9, 10, 11), (), 11),
        ((0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11), (), 12)]
#: rows whose answer is given in the `text` column rather than as a file
AS_TEXT = {3, 8}
METRICS_LINE = re.compile(r"^qwk=\S+ pearson=\S+ exact=\S+ within1=\S+ mae=\S+ n=\d+$")


def answer_text(good, weak) -> str:
    return " ".join([GOOD[i] for i in good] + [WEAK[i] for i in weak])


def make_class(folder):
    """A rubric folder (a copy of India-Japan), answer files and a marks CSV in `folder`."""
    rubrics = folder / "rubrics"
    rubrics.mkdir(parents=True)
    rubric = rubrics / INDIA_JAPAN.name
    shutil.copy(INDIA_JAPAN, rubric)
    answers = folder / "class" / "answers"
    answers.mkdir(parents=True)
    rows = []
    for n, (good, weak, marks) in enumerate(PLAN, 1):
        text = answer_text(good, weak)
        if n in AS_TEXT:
            rows.append(["", text, marks])
        else:
            (answers / f"a{n:02d}.txt").write_text(text + "\n", encoding="utf-8")
            rows.append([f"answers/a{n:02d}.txt", "", marks])
    marks_csv = folder / "class" / "marks.csv"
    write_csv(marks_csv, ["answer", "text", "marks"], rows)
    return SimpleNamespace(folder=folder, rubric=rubric, answers=answers, marks=marks_csv,
                           beside=rubrics / "india-japan-partnership.calibration.json")


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def cli(argv):
    """`evaluate` in-process outside a test's capsys: (status, stdout, stderr)."""
    from answer_evaluator.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in argv])
    return int(status), out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    """The class calibrated once, beside its rubric (in a temporary copy of the folder)."""
    made = make_class(tmp_path_factory.mktemp("teacher"))
    status, out, err = cli(["calibrate", made.marks, "--rubric", made.rubric])
    assert status == 0, err
    made.out, made.err = out, err
    return made


# ----------------------------------------------------------------------------- loading


@pytest.mark.parametrize("header, row, message", [
    (["answer", "score"], ["x.txt", "3"], "row 1, column 'marks': the header lacks the "
                                          "column 'marks'"),
    (["name", "marks"], ["anjali", "3"], "row 1, column 'answer': the header lacks a column "
                                         "'answer'"),
    (["text", "marks"], [GOOD[0], "16"], "row 2, column 'marks': 16 is outside 0-15"),
    (["text", "marks"], [GOOD[0], "high"], "row 2, column 'marks': 'high' is not a number"),
    (["text", "marks"], [GOOD[0], ""], "row 2, column 'marks': is empty"),
    (["answer", "marks"], ["answers/nobody.txt", "4"],
     "row 2, column 'answer': answers/nobody.txt: no such file"),
    (["answer", "text", "marks"], ["", "", "4"], "row 2, column 'answer': is empty"),
    (["answer", "text", "marks"], ["a.txt", GOOD[0], "4"],
     "row 2, column 'text': gives both an answer file and a text"),
])
@pytest.mark.parametrize("command", ["calibrate", "agreement"])
def test_bad_marks_files_give_one_line_naming_file_row_and_column(tmp_path, capsys, header,
                                                                   row, message, command):
    marks = tmp_path / "marks.csv"
    write_csv(marks, header, [row])
    status, out, err = run_cli([command, marks, "--rubric", INDIA_JAPAN], capsys)
    assert status == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"evaluate {command}: error: {marks}, ")
    assert message in lines[0]


def test_loading_reads_files_relative_to_the_csv_and_texts(tmp_path):
    from answer_evaluator.teacher_marks import load_marks

    made = make_class(tmp_path)
    rows = load_marks(made.marks, 15)
    assert [r.marks for r in rows] == [p[2] for p in PLAN]
    assert rows[0].source == "answers/a01.txt" and rows[2].source == "row 4"
    assert rows[1].answer.text.startswith(GOOD[0][:40])
    assert rows[0].row == 2                                   # the header is line 1


def test_an_unknown_rubric_id_is_one_line(tmp_path, capsys):
    made = make_class(tmp_path)
    status, _, err = run_cli(["calibrate", made.marks, "--rubric", "india-japan-partnershp",
                              "--rubrics-dir", made.rubric.parent], capsys)
    assert status == 1 and len(err.strip().splitlines()) == 1
    assert "no rubric 'india-japan-partnershp'" in err and "did you mean" in err


def test_too_few_answers_to_calibrate(tmp_path, capsys):
    marks = tmp_path / "marks.csv"
    write_csv(marks, ["text", "marks"], [[GOOD[0], 3], [GOOD[2], 5]])
    status, _, err = run_cli(["calibrate", marks, "--rubric", INDIA_JAPAN, "-o",
                              tmp_path / "c.json"], capsys)
    assert status == 1 and "at least 10 marked answers" in err
    assert not (tmp_path / "c.json").exists()


# ----------------------------------------------------------------------------- metrics


def test_folds_over_answers_test_each_answer_once_and_span_the_marks():
    from answer_evaluator.teacher_marks import answer_folds

    marks = [p[2] for p in PLAN]
    folds = answer_folds(marks, 5)
    assert len(folds) == 5
    tested = sorted(i for _, test in folds for i in test)
    assert tested == list(range(len(marks)))
    for train, test in folds:
        assert set(train).isdisjoint(test) and len(train) + len(test) == len(marks)
        assert max(marks[i] for i in test) - min(marks[i] for i in test) >= 5


def test_agreement_on_whole_or_half_marks():
    from answer_evaluator.teacher_marks import agreement

    whole = agreement([2.2, 4.6, 7.4, 9.0], [2, 5, 8, 9], 15)
    assert whole.step == 1 and whole.exact == 0.75 and whole.within_one == 1.0
    assert whole.mae == 0.25                       # 7.4 is 7, a mark under the teacher's 8
    half = agreement([2.2, 4.6, 7.4, 9.0], [2, 4.5, 7.5, 9], 15)
    assert half.step == 0.5 and half.exact == 1.0
    assert METRICS_LINE.match(half.line())


# ----------------------------------------------------------------------------- calibrate


def test_calibrate_writes_the_file_beside_the_rubric(calibrated):
    from answer_evaluator.calibration import load_calibration

    out = calibrated.out.rstrip().splitlines()
    assert METRICS_LINE.match(out[-1]), calibrated.out
    assert "engine, uncalibrated:" in calibrated.out
    assert "calibrated, cross-validated:" in calibrated.out
    assert "5 folds over answers" in calibrated.out
    assert f"calibration: {calibrated.beside}" in calibrated.out
    calibration = load_calibration(str(calibrated.beside))
    assert calibration.max_score == 15 and calibration.info["rows"] == len(PLAN)
    assert calibration.info["rubric"] == "india-japan-partnership"
    cv = calibration.info["teacher_cross_validation"]
    assert cv["folds"] == 5 and cv["calibrated"]["n"] == len(PLAN)
    assert cv["calibrated"]["qwk"] > 0.5


def test_cross_validated_marks_go_through_the_grading_cap(tmp_path):
    from answer_evaluator import load_rubric
    from answer_evaluator.model_answer import settings_for
    from answer_evaluator.teacher_marks import fit_for_rubric, load_marks

    made = make_class(tmp_path)
    rubric = load_rubric(made.rubric)
    fit = fit_for_rubric(rubric, load_marks(made.marks, 15), folds=4, alpha=1.0)
    margin = settings_for(rubric).calibration_margin * rubric.max_marks
    assert fit.folds == 4
    for plain, calibrated in zip(fit.uncalibrated, fit.cross_validated):
        assert calibrated <= plain + margin + 1e-9
    assert fit.metrics_calibrated.n == len(PLAN)


def test_calibrate_warns_when_the_calibration_agrees_less_than_the_formula(tmp_path):
    """Marks that are exactly the rubric's own: no calibration fitted on a part of them can
    do better on the rest, and the teacher is told so (the file is still written)."""
    from answer_evaluator import Evaluator, load_rubric
    from answer_evaluator.marking import round_half

    made = make_class(tmp_path)
    evaluator = Evaluator(load_rubric(made.rubric))
    rows = [["", answer_text(good, weak),
             round_half(evaluator.evaluate(answer_text(good, weak)).breakdown.unrounded)]
            for good, weak, _ in PLAN]
    write_csv(made.marks, ["answer", "text", "marks"], rows)
    status, out, err = cli(["calibrate", made.marks, "--rubric", made.rubric])
    assert status == 0 and made.beside.exists()
    warning = [line for line in err.splitlines() if "agrees with these marks less" in line]
    assert len(warning) == 1 and "marks.csv" in warning[0] and "qwk" in warning[0]


def test_calibrate_names_the_answers_a_required_element_costs_against_the_teacher(tmp_path):
    """A rubric that requires the security dimension, and a teacher who gives marks to
    answers without it: the teacher is told which rows the requirement zeroes, to check the
    dimension's keywords (the calibration is still written)."""
    made = make_class(tmp_path)
    text = made.rubric.read_text(encoding="utf-8")
    made.rubric.write_text(text.replace("[[dimensions]]", '[marking]\nrequired = [{ dimension '
                                        '= "security" }]\n\n[[dimensions]]', 1), "utf-8")
    status, out, err = cli(["calibrate", made.marks, "--rubric", made.rubric])
    assert status == 0 and made.beside.exists(), err
    warning = [line for line in err.splitlines() if "(required)" in line]
    assert len(warning) == 1, err
    assert "marks.csv" in warning[0] and "'Security and defence cooperation'" in warning[0]
    rows = [int(n) for n in re.search(r"rows ([\d, ]+)\)", warning[0]).group(1).split(", ")]
    with_security = {n + 1 for n, (good, _, _) in enumerate(PLAN, 1) if 5 in good}
    assert rows and not set(rows) & with_security     # rows of answers without it only


def test_no_such_warning_when_the_calibration_helps(calibrated):
    assert "agrees with these marks less" not in calibrated.err


def test_calibrate_never_overwrites_without_force(calibrated):
    before = calibrated.beside.read_text(encoding="utf-8")
    status, _, err = cli(["calibrate", calibrated.marks, "--rubric", calibrated.rubric])
    assert status == 1 and len(err.strip().splitlines()) == 1
    assert f"{calibrated.beside}: already exists; --force replaces it" in err
    assert calibrated.beside.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in calibrated.rubric.parent.iterdir()) == [
        "india-japan-partnership.calibration.json", "india-japan-partnership.toml"]


def test_calibrate_with_force_and_with_o(calibrated, tmp_path):
    folder = tmp_path / "rubrics"
    folder.mkdir()
    shutil.copy(calibrated.rubric, folder / calibrated.rubric.name)
    beside = folder / calibrated.beside.name
    beside.write_text("{}", encoding="utf-8")
    status, out, err = cli(["calibrate", calibrated.marks, "--rubric",
                            folder / calibrated.rubric.name, "--force", "--folds", "3"])
    assert status == 0, err
    assert "3 folds over answers" in out
    assert json.loads(beside.read_text(encoding="utf-8"))["info"]["rows"] == len(PLAN)
    target = tmp_path / "mine.json"
    target.write_text("{}", encoding="utf-8")
    status, out, err = cli(["calibrate", calibrated.marks, "--rubric", calibrated.rubric,
                            "-o", target, "--folds", "3"])
    assert status == 0, err
    assert target.read_text(encoding="utf-8") == "{}"                 # never overwritten
    assert (tmp_path / "mine-2.json").exists()
    assert "--calibration" in out


# ----------------------------------------------------------------------------- evaluate


def test_evaluate_finds_the_calibration_beside_the_rubric(calibrated, tmp_path):
    answer = calibrated.answers / "a07.txt"
    status, out, err = cli([answer, "--rubric", calibrated.rubric, "--no-report"])
    assert status == 0, err
    assert f"calibration: {calibrated.beside} (beside the rubric" in out
    status, out, err = cli([answer, "--rubric", calibrated.rubric, "--no-report", "--json"])
    step = json.loads(out)["breakdown"]["calibration"]
    assert step["name"] == "india-japan-partnership.calibration"
    assert step["marks"] <= step["cap"] + 1e-9

    status, out, err = cli([answer, "--rubric", calibrated.rubric, "--no-report", "--json",
                            "--calibration", "none"])
    assert status == 0 and json.loads(out)["breakdown"]["calibration"] is None

    # chosen automatically among the rubrics of a folder: found too
    status, out, err = cli([answer, "--rubrics-dir", calibrated.rubric.parent, "--no-report"])
    assert status == 0 and "(beside the rubric" in out


def test_a_batch_uses_it_and_says_so(calibrated):
    status, out, err = cli([calibrated.answers, "--rubric", calibrated.rubric, "--no-report",
                            "--jobs", "1", "--quiet", "--out", calibrated.folder / "batch"])
    assert status == 0, err
    assert re.search(r"Calibrated: 10 answers to india-japan-partnership marked with "
                     r"calibration 'india-japan-partnership.calibration'", out), out


def test_the_rubrics_own_calibration_field_wins(calibrated, tmp_path):
    folder = tmp_path / "rubrics"
    folder.mkdir()
    shutil.copy(calibrated.beside, folder / calibrated.beside.name)
    other = json.loads(calibrated.beside.read_text(encoding="utf-8"))
    other["name"] = "other"
    (folder / "other.json").write_text(json.dumps(other), encoding="utf-8")
    text = calibrated.rubric.read_text(encoding="utf-8")
    rubric = folder / calibrated.rubric.name
    rubric.write_text(text.replace('paper = "GS-II"\n',
                                   'paper = "GS-II"\ncalibration = "other.json"\n', 1),
                      encoding="utf-8")
    status, out, err = cli([calibrated.answers / "a07.txt", "--rubric", rubric, "--no-report",
                            "--json"])
    assert status == 0, err
    assert json.loads(out)["breakdown"]["calibration"]["name"] == "other"


def test_a_calibration_fitted_on_an_earlier_rubric_is_used_with_a_warning(calibrated,
                                                                           tmp_path):
    folder = tmp_path / "rubrics"
    folder.mkdir()
    shutil.copy(calibrated.beside, folder / calibrated.beside.name)
    rubric = folder / calibrated.rubric.name
    rubric.write_text(calibrated.rubric.read_text(encoding="utf-8") + "# edited\n",
                      encoding="utf-8")
    status, out, err = cli([calibrated.answers / "a07.txt", "--rubric", rubric,
                            "--no-report"])
    assert status == 0
    assert "was fitted on an earlier version" in err and "(beside the rubric" in out


# ----------------------------------------------------------------------------- agreement


def test_agreement_with_the_rubric_prints_the_metrics(calibrated):
    status, out, err = cli(["agreement", calibrated.marks, "--rubric", calibrated.rubric])
    assert status == 0, err
    lines = out.rstrip().splitlines()
    assert METRICS_LINE.match(lines[-1]) and lines[-1].endswith(f"n={len(PLAN)}")
    assert f"calibration {calibrated.beside} (beside the rubric" in out
    assert "fitted on this very file" in out                      # in-sample, and says so
    assert "answers/a01.txt" in out                               # the per-answer table

    status, out, err = cli(["agreement", calibrated.marks, "--rubric", calibrated.rubric,
                            "--calibration", "none", "--quiet"])
    assert status == 0, err
    assert "the rubric's own formula (uncalibrated)" in out
    assert "answers/a01.txt" not in out and METRICS_LINE.match(out.rstrip().splitlines()[-1])


def test_agreement_with_the_rubric_refuses_html(calibrated, capsys):
    status, _, err = run_cli(["agreement", calibrated.marks, "--rubric", calibrated.rubric,
                              "--html", "x.html"], capsys)
    assert status == 2 and "--html is not available with --rubric" in err
