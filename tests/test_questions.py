"""`evaluate questions`: the library listed and filtered, as text and JSON, `questions show`,
and a start that loads no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import RUBRICS, run_cli

from answer_evaluator.catalogue import ENV_VAR
from answer_evaluator.rubric import load_rubric

SHIPPED = {p.stem: load_rubric(p) for p in sorted(RUBRICS.glob("*.toml"))}


@pytest.fixture(autouse=True)
def away_from_the_repository(tmp_path, monkeypatch):
    """Run from an empty folder: the shipped library only."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV_VAR, raising=False)


def listed(capsys, *args) -> list[dict]:
    status, out, err = run_cli(["questions", "--json", *args], capsys)
    assert status == 0, err
    data = json.loads(out)
    assert data["count"] == len(data["questions"])
    return data["questions"]


def test_json_lists_every_shipped_question_with_its_fields(capsys):
    questions = listed(capsys)
    assert [q["id"] for q in questions] == sorted(
        SHIPPED, key=lambda i: (SHIPPED[i].paper == "", SHIPPED[i].paper, i))
    for q in questions:
        rubric = SHIPPED[q["id"]]
        assert (q["question"], q["paper"], q["max_marks"], q["word_limit"], q["directive"],
                q["year"], q["source"], q["topic"]) == (
            rubric.question, rubric.paper, rubric.max_marks, rubric.word_limit,
            rubric.directive, rubric.year, rubric.source, rubric.topic)
        assert q["origin"] == "shipped"
        assert q["kind"] == ("previous-year" if rubric.year else "practice")
        assert q["exam_minutes"] == round(rubric.max_marks * 0.72)


@pytest.mark.parametrize("given", ["GS-II", "gs2", "II", "2", "gs-ii"])
def test_paper_filter(capsys, given):
    questions = listed(capsys, "--paper", given)
    assert {q["id"] for q in questions} == {i for i, r in SHIPPED.items() if r.paper == "GS-II"}
    assert questions


def test_directive_marks_and_search_filters(capsys):
    analyse = listed(capsys, "--directive", "Critically Analyse")
    assert {q["id"] for q in analyse} == {
        i for i, r in SHIPPED.items() if r.directive == "critically-analyse"}
    assert analyse
    ten = listed(capsys, "--marks", "10")
    assert {q["id"] for q in ten} == {i for i, r in SHIPPED.items() if r.max_marks == 10}
    assert ten and all(q["word_limit"] == SHIPPED[q["id"]].word_limit for q in ten)
    japan = listed(capsys, "--search", "JAPAN partnership")
    assert "india-japan-partnership" in {q["id"] for q in japan}
    assert all("japan" in (q["question"] + q["id"] + q["topic"] + q["source"]).lower()
               for q in japan)
    both = listed(capsys, "--paper", "GS-II", "--marks", "15", "--search", "japan")
    assert [q["id"] for q in both] == ["india-japan-partnership"]
    assert listed(capsys, "--search", "no question mentions this xyzzy") == []


def test_the_text_listing(capsys):
    status, out, err = run_cli(["questions", "--paper", "GS-II", "--marks", "15"], capsys)
    assert status == 0, err
    line = next(l for l in out.splitlines() if l.startswith("india-japan-partnership "))
    assert "GS-II" in line and "15 marks" in line and "250 words" in line
    assert "elaborate" in line and "Exam-prep note" in line          # no year: the source
    assert "From a purely economic relationship" in out
    count = sum(r.paper == "GS-II" and r.max_marks == 15 for r in SHIPPED.values())
    assert f"{count} question" in out.splitlines()[-1]
    previous_year = next((r for r in SHIPPED.values() if r.year), None)
    if previous_year is not None:
        status, out, _ = run_cli(["questions", "--search", previous_year.rubric_id], capsys)
        assert f"UPSC {previous_year.year}" in out
    status, out, _ = run_cli(["questions", "--search", "xyzzy"], capsys)
    assert status == 0 and "No question matches" in out


def test_bad_filters_are_usage_errors(capsys):
    status, _, err = run_cli(["questions", "--directive", "discus"], capsys)
    assert status == 2 and "did you mean 'discuss'" in err
    assert run_cli(["questions", "--marks", "ten"], capsys)[0] == 2
    assert run_cli(["questions", "--marks", "0"], capsys)[0] == 2
    assert run_cli(["questions", "--help"], capsys)[0] == 0


def test_show_prints_one_question_for_practice(capsys):
    status, out, err = run_cli(["questions", "show", "india-japan-partnership"], capsys)
    assert status == 0, err
    assert "From a purely economic relationship" in out
    assert "Word limit: 250 words" in out and "about 11 minutes" in out
    assert "Marks: 15" in out and "Directive: elaborate" in out
    assert "--rubric india-japan-partnership" in out
    ten = next(r for r in SHIPPED.values() if r.max_marks == 10)
    status, out, _ = run_cli(["questions", "show", ten.rubric_id], capsys)
    assert status == 0 and "about 7 minutes" in out and f"{ten.word_limit} words" in out
    status, out, _ = run_cli(["questions", "show", "india-japan-partnership", "--json"], capsys)
    assert json.loads(out)["exam_minutes"] == 11


def test_show_an_unknown_id(capsys):
    status, out, err = run_cli(["questions", "show", "india-japan-partnershp"], capsys)
    assert status == 1 and out == ""
    assert "did you mean 'india-japan-partnership'?" in err and err.count("\n") == 1
    assert run_cli(["questions", "show"], capsys)[0] == 2


def test_questions_starts_without_heavy_libraries():
    code = ("import sys; from answer_evaluator.cli import main; "
            "main(['questions', '--json']); main(['questions', 'show', "
            "'india-japan-partnership']); "
            "print(sorted(m for m in ('sklearn', 'nltk', 'scipy', 'numpy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_a_closed_pipe_is_not_an_error(tmp_path):
    """`evaluate questions | head -1`: the listing stops quietly when its reader goes (the
    listing is made longer than a pipe holds, so that writing it does fail)."""
    folder = tmp_path / "many"
    folder.mkdir()
    words = " ".join(f"word{i}" for i in range(60))
    for i in range(400):
        (folder / f"q{i:03d}.toml").write_text(
            f'id = "q{i:03d}"\nquestion = "Discuss {words}."\ndirective = "discuss"\n'
            'word_limit = 150\nmax_marks = 10\npaper = "GS-II"\n', "utf-8")
    process = subprocess.Popen([sys.executable, "-m", "answer_evaluator", "questions",
                                "--rubrics-dir", str(folder)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    first = process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait() == 0 and first.strip()
    assert "error" not in err and "Traceback" not in err, err


def test_a_bad_rubric_file_is_a_one_line_warning_and_the_rest_is_listed(tmp_path, capsys):
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "broken.toml").write_text('id = "broken"\nquestion = "Q?"\ndirective = "ponder"\nmax_marks = 10\n')
    status, out, err = run_cli(["questions", "--json"], capsys)
    assert status == 0
    assert err.startswith("evaluate questions: warning: rubrics") and err.count("\n") == 1
    assert "broken.toml" in err and "'ponder' is not a directive" in err and "rubric skipped" in err
    ids = {q["id"] for q in json.loads(out)["questions"]}
    assert "broken" not in ids and set(SHIPPED) <= ids
    status, _, err = run_cli(["questions", "--rubrics-dir", tmp_path / "nowhere"], capsys)
    assert status == 1 and "no such folder" in err
