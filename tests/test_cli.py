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
    broken.write_text('id = "broken"\nquestion = "Q?"\n')
    status, _, err = run_cli([INDIA_JAPAN_SAMPLES / "strong.txt", "--rubric", broken], capsys)
    assert status == 1 and "broken.toml" in err and "'directive'" in err


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
    (workdir / "rubrics" / "broken.toml").write_text('id = "broken"\nquestion = "Q?"\n')
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
    assert graded.returncode == 0 and "9.5/15" in graded.stdout
    assert (tmp_path / "r.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert status("missing.txt").returncode == 1
    assert status("--no-such-option").returncode == 2
