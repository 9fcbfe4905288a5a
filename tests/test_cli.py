"""The command line: exit codes, messages that name the file, reports, JSON, rubric choice."""

import json
import shutil
import subprocess
import sys

import pytest

from conftest import INDIA_JAPAN, INDIA_JAPAN_SAMPLES, RUBRICS, SAMPLES, run_cli


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A fresh folder with the shipped rubrics, as a user's working directory."""
    shutil.copytree(RUBRICS, tmp_path / "rubrics")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_grades_a_sample_and_writes_the_report(workdir, capsys):
    status, out, err = run_cli([INDIA_JAPAN_SAMPLES / "strong.txt"], capsys)
    assert status == 0, err
    assert "/15 marks" in out and "rubric india-japan-partnership" in out
    assert "named in" in out and "evaluate.toml" in out     # the samples folder names it
    report = workdir / "reports" / "strong.html"
    assert report.exists() and f"report: {report.relative_to(workdir)}" in out


def test_second_run_does_not_overwrite_unless_forced(workdir, capsys):
    sample = INDIA_JAPAN_SAMPLES / "average.txt"
    run_cli([sample], capsys)
    first = (workdir / "reports" / "average.html").stat().st_mtime_ns
    status, out, _ = run_cli([sample], capsys)
    assert status == 0 and "reports/average-2.html" in out
    assert (workdir / "reports" / "average.html").stat().st_mtime_ns == first
    status, out, _ = run_cli([sample, "--force", "--out", "reports/average.html"], capsys)
    assert status == 0 and "report: reports/average.html" in out


def test_json_output_has_the_full_evaluation(workdir, capsys):
    status, out, _ = run_cli([INDIA_JAPAN_SAMPLES / "economic-only.txt", "--rubric", INDIA_JAPAN,
                              "--json", "--no-report"], capsys)
    assert status == 0
    data = json.loads(out)
    assert data["rubric_id"] == "india-japan-partnership" and data["report"] is None
    states = {d["dimension_id"]: d["state"] for d in data["dimensions"]}
    assert states["security"] == "missing" and states["economy"] == "covered"
    assert {"marks", "points", "sentences", "structure", "directive_report", "length",
            "suggestions"} <= data.keys()


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\x00\x01\x02binary\x00" * 50, "binary"),
    ("\u092d\u093e\u0930\u0924 \u091c\u093e\u092a\u093e\u0928 ".encode() * 30, "not in English"),
])
def test_bad_answers_exit_1_with_one_clear_line(workdir, capsys, content, message):
    path = workdir / "bad answer.txt"
    path.write_bytes(content)
    status, out, err = run_cli([path], capsys)
    assert status == 1 and out == ""
    assert err.startswith("evaluate: error: ") and "bad answer.txt" in err and message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (workdir / "reports").exists()


def test_missing_file_and_bad_rubric(workdir, capsys):
    status, _, err = run_cli([workdir / "nope.txt"], capsys)
    assert status == 1 and "nope.txt: no such file" in err
    broken = workdir / "broken.toml"
    broken.write_text('id = "broken"\nquestion = "Q?"\ndirective = "ponder"\nmax_marks = 10\n')
    status, _, err = run_cli([INDIA_JAPAN_SAMPLES / "strong.txt", "--rubric", broken], capsys)
    assert status == 1 and "broken.toml" in err and "'ponder' is not a directive" in err


def test_windows_1252_answer_is_graded_with_a_warning(workdir, capsys):
    path = workdir / "word.txt"
    text = ("Japan\u2019s \u201csoft loans\u201d \u2013 the start.\n\n"
            + (INDIA_JAPAN_SAMPLES / "average.txt").read_text())
    path.write_bytes(text.encode("cp1252"))
    status, out, err = run_cli([path], capsys)
    assert status == 0 and "Windows-1252" in err and "word.txt" in err


def test_no_rubric_fits_is_refused(workdir, capsys):
    path = workdir / "cooking.txt"
    path.write_text("Knead the dough, let it rest for an hour, then bake the bread until golden. "
                    "Serve warm with butter and jam. Bakers prefer strong flour for chewy loaves.")
    status, _, err = run_cli([path], capsys)
    assert status == 1 and "no rubric fits this answer" in err and "--rubric" in err


def test_rubric_is_chosen_among_several(workdir, capsys):
    answer = workdir / "average.txt"        # outside the samples folder and its evaluate.toml
    shutil.copy(INDIA_JAPAN_SAMPLES / "average.txt", answer)
    status, out, _ = run_cli([answer, "--no-report"], capsys)
    assert status == 0 and "india-japan-partnership" in out and "sure" in out
    assert "chosen automatically" in out


def test_usage_errors_exit_2(capsys):
    assert run_cli([], capsys)[0] == 2
    assert run_cli(["a.txt", "--no-such-flag"], capsys)[0] == 2
    assert run_cli(["--help"], capsys)[0] == 0


def test_help_and_errors_do_not_load_heavy_libraries():
    code = ("import sys; from answer_evaluator.cli import main; main(['--help']); "
            "main(['missing-file.txt', '--rubric', 'x.toml']); "
            "print(sorted(m for m in ('sklearn', 'nltk', 'scipy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_a_broken_rubric_in_the_folder_is_skipped_with_a_warning(workdir, capsys):
    (workdir / "rubrics" / "broken.toml").write_text('id = "broken"\nquestion = "Q?"\ndirective = "ponder"\nmax_marks = 10\n')
    status, out, err = run_cli([INDIA_JAPAN_SAMPLES / "average.txt", "--no-report"], capsys)
    assert status == 0 and "india-japan-partnership" in out
    assert "warning:" in err and "broken.toml" in err and "rubric skipped" in err


def test_the_program_exits_with_the_status_of_main(tmp_path):
    """`python -m answer_evaluator` (like the `evaluate` script) runs `cli.run`: main's exit
    status, and nothing else changed by the quick exit."""
    def status(*args):
        return subprocess.run([sys.executable, "-m", "answer_evaluator", *map(str, args)],
                              capture_output=True, text=True, cwd=tmp_path)

    graded = status(SAMPLES / "india-japan" / "strong.txt", "--rubrics-dir", RUBRICS,
                    "--out", tmp_path / "r.html")
    from answer_evaluator import Evaluator, load_rubric, read_answer

    expected = Evaluator(load_rubric(RUBRICS / "india-japan-partnership.toml")).evaluate(
        read_answer(SAMPLES / "india-japan" / "strong.txt")).marks
    assert graded.returncode == 0 and f": {expected:g}/15 marks" in graded.stdout
    assert (tmp_path / "r.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert status("missing.txt").returncode == 1
    assert status("--no-such-option").returncode == 2


# ----------------------------------------------------------------------------- which rubric


def graded_json(capsys, *argv):
    status, out, err = run_cli([*argv, "--json", "--no-report"], capsys)
    assert status == 0, err
    return json.loads(out), err


def test_a_single_file_honours_its_folders_evaluate_toml(capsys):
    """samples/india-japan/off-topic.txt is about India-China; its folder's evaluate.toml
    says it answers the India-Japan question, as a batch of the folder grades it."""
    data, _ = graded_json(capsys, SAMPLES / "india-japan" / "off-topic.txt")
    assert data["rubric_id"] == "india-japan-partnership"
    assert "evaluate.toml" in data["rubric_choice"]
    assert any(f["code"] == "off-topic" for f in data["flags"])


def test_a_rubric_first_line_is_honoured_and_not_counted(tmp_path, capsys):
    text = (SAMPLES / "neighbourhood-first" / "strong.txt").read_text("utf-8")
    plain, named = tmp_path / "plain.txt", tmp_path / "named.txt"
    plain.write_text(text, "utf-8")
    named.write_text("Rubric: india-japan-partnership\n" + text, "utf-8")
    chosen, _ = graded_json(capsys, plain)
    assert chosen["rubric_id"] == "neighbourhood-first"      # automatic, without the line
    first_line, _ = graded_json(capsys, named)
    assert first_line["rubric_id"] == "india-japan-partnership"
    assert first_line["rubric_choice"] == "named in the answer's first line"
    given, _ = graded_json(capsys, plain, "--rubric", "india-japan-partnership")
    assert first_line["length"]["counted_words"] == given["length"]["counted_words"]
    assert first_line["length"]["words"] == given["length"]["words"]
    assert first_line["marks"] == given["marks"]
    # --rubric wins over the line, with a warning
    overruled, err = graded_json(capsys, named, "--rubric", "neighbourhood-first")
    assert overruled["rubric_id"] == "neighbourhood-first"
    assert "first line names rubric 'india-japan-partnership'" in err
    # a path is no rubric id: the line is graded as text, and the warning says so
    path_line = tmp_path / "path-line.txt"
    path_line.write_text("Rubric: ../rubrics/x.toml\n" + text, "utf-8")
    graded, err = graded_json(capsys, path_line)
    assert "the first line 'Rubric: ../rubrics/x.toml' names no rubric id" in err
    assert graded["length"]["words"] == chosen["length"]["words"] + 2


def test_the_first_line_wins_over_evaluate_toml_and_bad_configs_fail_cleanly(tmp_path, capsys):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "evaluate.toml").write_text('rubric = "neighbourhood-first"\n')
    answer = folder / "a.txt"
    answer.write_text((INDIA_JAPAN_SAMPLES / "strong.txt").read_text("utf-8"), "utf-8")
    data, _ = graded_json(capsys, answer)
    assert data["rubric_id"] == "neighbourhood-first"         # the folder's, not the best fit
    answer.write_text("Rubric: india-japan-partnership\n" + answer.read_text("utf-8"), "utf-8")
    data, err = graded_json(capsys, answer)
    assert data["rubric_id"] == "india-japan-partnership" and "evaluate.toml" in err
    (folder / "evaluate.toml").write_text('rubrik = "india-japan-partnership"\n')
    answer.write_text((INDIA_JAPAN_SAMPLES / "strong.txt").read_text("utf-8"), "utf-8")
    status, out, err = run_cli([answer, "--no-report"], capsys)
    assert status == 1 and out == "" and "evaluate.toml" in err and "did you mean 'rubric'" in err
    (folder / "evaluate.toml").write_text('rubric = "india-japan-partnershp"\n')
    status, _, err = run_cli([answer, "--no-report"], capsys)
    assert status == 1 and "did you mean 'india-japan-partnership'" in err
    only_line = tmp_path / "only.txt"
    only_line.write_text("Rubric: india-japan-partnership\n")
    status, _, err = run_cli([only_line, "--no-report"], capsys)
    assert status == 1 and "only a 'Rubric:' line" in err


def test_the_summary_says_a_warning_that_is_also_the_first_advice_once(workdir, capsys):
    """The terminal lines do not repeat themselves: a too-short answer's length warning is
    its first thing to do, and is printed as that alone."""
    status, out, err = run_cli([SAMPLES / "anti-defection-law" / "weak.txt"], capsys)
    assert status == 0, err
    first = next(line for line in out.splitlines() if "first thing to do:" in line)
    advice = first.split("first thing to do: ", 1)[1]
    assert advice.startswith("Too short")
    assert sum(advice in line for line in out.splitlines()) == 1
    assert "(only touched)" in out          # a missing dimension the answer touches



def test_a_system_error_without_a_file_name_reads_cleanly(capsys):
    from answer_evaluator.cli import _report_error

    assert _report_error(TimeoutError("took too long"), traceback=False) == 1
    assert capsys.readouterr().err == "evaluate: error: took too long\n"
    assert _report_error(FileNotFoundError(2, "No such file or directory", "a.txt"), False) == 1
    assert capsys.readouterr().err == "evaluate: error: a.txt: No such file or directory\n"


def test_force_never_replaces_the_answer_or_a_file_that_is_not_a_file(workdir, capsys):
    """`--out` naming the answer itself is refused before grading, and `--force` does not
    replace a folder, a pipe or a device: each is one line naming the path, exit non-zero,
    and the answer is intact."""
    import os

    answer = workdir / "mine.txt"
    answer.write_text((INDIA_JAPAN_SAMPLES / "average.txt").read_text("utf-8"), "utf-8")
    before = answer.read_bytes()
    status, _, err = run_cli([answer, "--rubric", INDIA_JAPAN, "--out", answer, "--force"],
                             capsys)
    assert status == 2 and "is the answer itself" in err and answer.read_bytes() == before
    if hasattr(os, "mkfifo"):
        pipe = workdir / "pipe.html"
        os.mkfifo(pipe)
        status, _, err = run_cli([answer, "--rubric", INDIA_JAPAN, "--out", pipe, "--force"],
                                 capsys)
        assert status == 1 and f"{pipe}: exists and is not a regular file" in err
        assert err.count("\n") == 1 and not pipe.is_file()


def test_an_unwritable_report_names_the_path_asked_for(workdir, capsys):
    (workdir / "plain.html").write_text("x", "utf-8")
    target = workdir / "plain.html" / "report.html"        # under a file: not a folder
    status, _, err = run_cli([INDIA_JAPAN_SAMPLES / "average.txt", "--out", target], capsys)
    assert status == 1 and err.startswith(f"evaluate: error: {target}: ") and ".part" not in err


@pytest.mark.parametrize("argv, message", [
    (["--model-answer", "{answer}", "--question", "   "], "needs --question"),
    (["--model-answer", "{answer}", "--question", "Discuss Japan.", "--rubric", INDIA_JAPAN],
     "not both"),
])
def test_model_answer_usage_errors(workdir, capsys, argv, message):
    answer = INDIA_JAPAN_SAMPLES / "average.txt"
    status, _, err = run_cli([answer, *[str(a).format(answer=answer) for a in argv]], capsys)
    assert status == 2 and message in err
