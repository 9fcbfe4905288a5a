"""The catalogue of rubrics: lookup order (--rubrics-dir, the environment, ./rubrics, the
shipped library), overrides and their notices, "did you mean", bad rubric files reported
cleanly, and the library installed with the package (a real non-editable install)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import INDIA_JAPAN, INDIA_JAPAN_SAMPLES, ROOT, RUBRICS, SAMPLES, run_cli

from answer_evaluator.catalogue import ENV_VAR, Catalogue, Question, read_question
from answer_evaluator.errors import EvaluatorError, RubricError, RubricNotFound

IJ = "india-japan-partnership"
GS_PAPERS = ("GS-I", "GS-II", "GS-III", "GS-IV")


def rubric_copy(folder: Path, rubric_id: str, *, question: str | None = None,
                source: Path = INDIA_JAPAN) -> Path:
    """A copy of a shipped rubric under another id (and question, if given)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = source.read_text("utf-8").replace(f'id = "{source.stem}"', f'id = "{rubric_id}"', 1)
    if question is not None:
        start = text.index("question = ")
        end = text.index("\n", start)
        text = text[:start] + f'question = "{question}"' + text[end:]
    path = folder / f"{rubric_id}.toml"
    path.write_text(text, "utf-8")
    return path


@pytest.fixture
def empty(tmp_path):
    """A folder without ./rubrics, as a user's working directory."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


# ----------------------------------------------------------------------------- lookup


def test_the_shipped_library_is_found_from_any_folder(empty):
    catalogue = Catalogue.discover(env={}, cwd=empty)
    shipped = sorted(p.stem for p in RUBRICS.glob("*.toml"))
    assert sorted(catalogue.ids) == shipped
    assert {q.origin for q in catalogue.questions} == {"shipped"}
    assert catalogue.notices == ()
    # sorted by paper, then id
    keys = [(q.paper, q.rubric_id) for q in catalogue.questions]
    assert keys == sorted(keys)


def test_lookup_order_user_folders_then_env_then_local_then_shipped(tmp_path, empty):
    mine, theirs, env_dir = tmp_path / "mine", tmp_path / "theirs", tmp_path / "env"
    rubric_copy(mine, "shared", question="Mine: discuss the first question. Discuss.")
    rubric_copy(theirs, "shared", question="Theirs: discuss the second question. Discuss.")
    rubric_copy(theirs, "only-theirs")
    rubric_copy(env_dir, "shared", question="Env: discuss a third question. Discuss.")
    rubric_copy(env_dir, "from-env")
    rubric_copy(empty / "rubrics", "from-env", question="Local: a fourth question. Discuss.")
    rubric_copy(empty / "rubrics", "only-local")
    rubric_copy(empty / "rubrics", IJ, question="Local India-Japan. Elaborate.")

    catalogue = Catalogue.discover([mine, theirs], env={ENV_VAR: str(env_dir)}, cwd=empty)
    found = {q.rubric_id: q for q in catalogue.questions}
    assert found["shared"].question.startswith("Mine:") and found["shared"].origin == "user"
    assert found["only-theirs"].path == theirs / "only-theirs.toml"
    assert found["from-env"].path == env_dir / "from-env.toml"
    assert found["only-local"].origin == "local"
    assert found[IJ].origin == "local" and found[IJ].question == "Local India-Japan. Elaborate."
    assert found["cooperative-federalism"].origin == "shipped"
    assert catalogue.folders[:3] == (str(mine), str(theirs), str(env_dir))
    # the loaded rubric is the winner's
    assert catalogue.load("shared").question.startswith("Mine:")


def test_a_users_rubric_overrides_the_shipped_one_with_a_notice(empty):
    rubric_copy(empty / "rubrics", IJ, question="My own India-Japan question. Elaborate.")
    catalogue = Catalogue.discover(env={}, cwd=empty)
    assert catalogue.find(IJ).origin == "local"
    assert catalogue.notices == (
        f"rubrics{os.sep}{IJ}.toml overrides the shipped rubric '{IJ}'",)
    assert catalogue.problems == ()


def test_an_identical_copy_of_the_library_overrides_without_notices(empty):
    shutil.copytree(RUBRICS, empty / "rubrics")
    catalogue = Catalogue.discover(env={}, cwd=empty)
    assert catalogue.notices == ()
    assert len(catalogue) == len(list(RUBRICS.glob("*.toml")))


def test_the_environment_variable_names_several_folders(tmp_path, empty):
    first, second = tmp_path / "a", tmp_path / "b"
    rubric_copy(first, "env-one")
    rubric_copy(second, "env-two")
    catalogue = Catalogue.discover(
        env={ENV_VAR: os.pathsep.join([str(first), "", str(tmp_path / "missing")]) +
             os.pathsep + str(second)}, cwd=empty)
    assert {"env-one", "env-two"} <= set(catalogue.ids)
    assert catalogue.find("env-two").origin == "user"
    assert any("missing" in n and ENV_VAR in n for n in catalogue.problems)


def test_relative_folders_are_read_from_the_working_folder(empty):
    rubric_copy(empty / "mine", "relative-one")
    catalogue = Catalogue.discover(["mine"], env={}, cwd=empty)
    assert catalogue.find("relative-one").path == empty / "mine" / "relative-one.toml"


def test_a_missing_rubrics_dir_is_an_error(empty):
    with pytest.raises(EvaluatorError, match="nowhere: no such folder"):
        Catalogue.discover(["nowhere"], env={}, cwd=empty)


def test_an_unknown_id_gets_did_you_mean(empty):
    catalogue = Catalogue.discover(env={}, cwd=empty)
    with pytest.raises(RubricNotFound) as raised:
        catalogue.find("india-japan-partnershp")
    assert isinstance(raised.value, EvaluatorError)
    assert "no rubric 'india-japan-partnershp'" in str(raised.value)
    assert f"did you mean '{IJ}'?" in str(raised.value)
    with pytest.raises(RubricNotFound, match=f"did you mean '{IJ}'"):
        catalogue.load("india-japan")
    with pytest.raises(RubricNotFound) as raised:
        catalogue.find("zzzz-nothing-like-it")
    assert "did you mean" not in str(raised.value)


def test_find_takes_an_id_or_a_path(tmp_path, empty):
    catalogue = Catalogue.discover(env={}, cwd=empty)
    assert catalogue.find(str(INDIA_JAPAN)).rubric_id == IJ
    outside = rubric_copy(tmp_path / "elsewhere", "not-in-the-library")
    question = catalogue.find(str(outside))
    assert question.rubric_id == "not-in-the-library" and question.origin == "user"
    assert catalogue.get(str(outside)).rubric_id == "not-in-the-library"
    assert catalogue.load(IJ) is catalogue.load(IJ)            # cached


def test_the_listing_agrees_with_full_validation(empty):
    """The fast listing (top-level fields only) says what the validated rubric says."""
    catalogue = Catalogue.discover(env={}, cwd=empty)
    for question in catalogue.questions:
        rubric = catalogue.load(question.rubric_id)
        assert (question.question, question.paper, question.directive, question.max_marks,
                question.word_limit, question.year, question.source, question.topic) == (
            rubric.question, rubric.paper, rubric.directive, rubric.max_marks,
            rubric.word_limit, rubric.year, rubric.source, rubric.topic), question.rubric_id


def test_exam_minutes():
    def minutes(marks):
        return Question("x", "Q?", "GS-II", marks, 150, "discuss", None, "", "", Path("x.toml"),
                        "user").exam_minutes

    assert (minutes(10), minutes(15), minutes(250)) == (7, 11, 180)


# ----------------------------------------------------------------------------- bad files


def test_a_file_with_unusable_top_fields_is_left_out_with_its_problem(empty):
    folder = empty / "rubrics"
    folder.mkdir()
    (folder / "no-directive.toml").write_text('id = "no-directive"\nquestion = "Q?"\n'
                                              'directive = "ponder"\nmax_marks = 10\n')
    (folder / "not-toml.toml").write_text('id = "not-toml"\nquestion = "unterminated\n')
    (folder / "wrong-id.toml").write_text(INDIA_JAPAN.read_text("utf-8"))
    (folder / "latin1.toml").write_bytes('id = "latin1"\nquestion = "Caf\xe9?"\n'.encode("latin-1"))
    catalogue = Catalogue.discover(env={}, cwd=empty)
    assert not {"no-directive", "not-toml", "wrong-id", "latin1"} & set(catalogue.ids)
    problems = "\n".join(catalogue.problems)
    assert f"rubrics{os.sep}no-directive.toml" in problems and "'directive'" in problems
    assert f"rubrics{os.sep}not-toml.toml, line 2" in problems and "not valid TOML" in problems
    assert "must equal the file name 'wrong-id'" in problems
    assert "latin1.toml" in problems and "UTF-8" in problems
    assert all(p.endswith("(rubric skipped)") for p in catalogue.problems)
    assert len(catalogue.problems) == 4 and IJ in catalogue.ids


def test_a_rubric_broken_below_the_top_is_listed_and_fails_cleanly_when_loaded(empty):
    folder = empty / "rubrics"
    path = rubric_copy(folder, "deep-broken")
    text = path.read_text("utf-8").replace("advice = ", "advise = ", 1)
    path.write_text(text, "utf-8")
    catalogue = Catalogue.discover(env={}, cwd=empty)
    assert "deep-broken" in catalogue.ids
    with pytest.raises(RubricError) as raised:
        catalogue.load("deep-broken")
    message = str(raised.value)
    assert message.startswith(str(path)) and "advise" in message and "line" in message
    assert "deep-broken" not in {r.rubric_id for r in catalogue.rubrics()}
    assert "deep-broken" in catalogue.failed


def test_the_command_line_reports_a_bad_rubric_in_one_line(empty, capsys, monkeypatch):
    monkeypatch.chdir(empty)
    monkeypatch.delenv(ENV_VAR, raising=False)
    path = rubric_copy(empty / "rubrics", "deep-broken")
    path.write_text(path.read_text("utf-8").replace("advice = ", "advise = ", 1), "utf-8")
    status, out, err = run_cli([INDIA_JAPAN_SAMPLES / "strong.txt", "--rubric", "deep-broken",
                                "--no-report"], capsys)
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and "deep-broken.toml" in err and "advise" in err
    assert "Traceback" not in err


def test_read_question_of_a_missing_file_is_a_rubric_error(tmp_path):
    with pytest.raises(RubricError, match="no such rubric file"):
        read_question(tmp_path / "nothing.toml")


# ----------------------------------------------------------------------------- command line


def test_rubrics_dir_is_repeatable_on_the_command_line(tmp_path, empty, capsys, monkeypatch):
    monkeypatch.chdir(empty)
    monkeypatch.delenv(ENV_VAR, raising=False)
    rubric_copy(tmp_path / "a", "first-folder")
    rubric_copy(tmp_path / "b", "second-folder")
    status, out, err = run_cli([INDIA_JAPAN_SAMPLES / "strong.txt", "--rubric", "second-folder",
                                "--rubrics-dir", tmp_path / "a", "--rubrics-dir",
                                tmp_path / "b", "--no-report"], capsys)
    assert status == 0, err
    assert "rubric second-folder" in out
    status, out, err = run_cli(["questions", "--json", "--rubrics-dir", tmp_path / "a",
                                "--rubrics-dir", tmp_path / "b"], capsys)
    listed = {q["id"]: q["origin"] for q in json.loads(out)["questions"]}
    assert listed["first-folder"] == listed["second-folder"] == "user"
    assert listed[IJ] == "shipped"


def test_the_environment_variable_works_on_the_command_line(tmp_path, empty, capsys,
                                                           monkeypatch):
    monkeypatch.chdir(empty)
    rubric_copy(tmp_path / "env", "from-the-env")
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    status, out, err = run_cli([INDIA_JAPAN_SAMPLES / "strong.txt", "--rubric", "from-the-env",
                                "--no-report"], capsys)
    assert status == 0 and "rubric from-the-env" in out, err


def test_the_override_notice_is_printed_to_stderr(empty, capsys, monkeypatch):
    monkeypatch.chdir(empty)
    monkeypatch.delenv(ENV_VAR, raising=False)
    rubric_copy(empty / "rubrics", IJ, question="My own India-Japan question. Elaborate.")
    status, out, err = run_cli([INDIA_JAPAN_SAMPLES / "strong.txt", "--rubric", IJ,
                                "--no-report"], capsys)
    assert status == 0
    assert f"evaluate: note: rubrics{os.sep}{IJ}.toml overrides the shipped rubric '{IJ}'" in err


def test_a_wrong_rubric_id_on_the_command_line_gets_did_you_mean(empty, capsys, monkeypatch):
    monkeypatch.chdir(empty)
    status, _, err = run_cli([INDIA_JAPAN_SAMPLES / "strong.txt", "--rubric", "india-japan",
                              "--no-report"], capsys)
    assert status == 1 and f"did you mean '{IJ}'?" in err and "Traceback" not in err
    status, _, err = run_cli([INDIA_JAPAN_SAMPLES / "strong.txt", "--rubrics-dir", "nowhere"],
                             capsys)
    assert status == 1 and "nowhere: no such folder" in err


def test_batch_and_calibrate_take_a_rubric_id_from_the_library(empty, capsys, monkeypatch):
    monkeypatch.chdir(empty)
    folder = empty / "class"
    folder.mkdir()
    shutil.copy(INDIA_JAPAN_SAMPLES / "strong.txt", folder / "a.txt")
    shutil.copy(INDIA_JAPAN_SAMPLES / "average.txt", folder / "b.txt")
    status, out, err = run_cli([folder, "--rubric", IJ, "--no-report", "--quiet", "--jobs",
                                "1", "--out", empty / "out"], capsys)
    assert status == 0, err
    assert out.count(f"({IJ})") == 2
    from answer_evaluator.teacher_marks import resolve_rubric

    assert resolve_rubric(IJ).rubric_id == IJ
    with pytest.raises(RubricNotFound, match="did you mean"):
        resolve_rubric("india-japan-partnershp")


# ----------------------------------------------------------------------------- installed


def _site_has_the_library(site: Path) -> list[str]:
    return sorted(p.name for p in (site / "answer_evaluator" / "library").iterdir()
                  if p.name != "__pycache__")


@pytest.mark.install
def test_a_non_editable_install_of_a_fresh_clone_works_from_an_empty_folder(tmp_path):
    """Slow (about 10-30 s): clones the repository's HEAD, installs it with pip (no build
    isolation, no dependencies, into its own folder, so the editable install is untouched)
    and runs the installed package from an empty folder."""
    if not (ROOT / ".git").exists():
        pytest.fail("the install test needs the git repository (it clones HEAD)")
    clone, site, work = tmp_path / "clone", tmp_path / "site", tmp_path / "empty"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
                   check=True, capture_output=True)
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(site), str(clone)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-3000:]
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    env["PYTHONPATH"] = str(site)

    def run(*args):
        return subprocess.run([sys.executable, "-m", "answer_evaluator", *map(str, args)],
                              capture_output=True, text=True, cwd=work, env=env)

    where = subprocess.run([sys.executable, "-c", "import answer_evaluator.catalogue as c; "
                            "print(c.__file__); print(c.shipped_folder())"],
                           capture_output=True, text=True, cwd=work, env=env, check=True)
    module, shipped = where.stdout.split()
    assert Path(module).is_relative_to(site), module
    assert Path(shipped) == site / "answer_evaluator" / "library"
    # every rubric of the clone is installed, and nothing else (no calibration of a dataset)
    cloned = sorted(p.name for p in (clone / "rubrics").glob("*.toml"))
    shipped_files = _site_has_the_library(site)
    assert [f for f in shipped_files if f.endswith(".toml")] == cloned
    assert all(f.endswith(".toml") or f.endswith(".calibration.json") and
               f.removesuffix(".calibration.json") + ".toml" in cloned
               for f in shipped_files), shipped_files

    # grade: the rubric is chosen automatically among the installed library
    for sample, rubric_id in ((INDIA_JAPAN_SAMPLES / "strong.txt", IJ),
                              (SAMPLES / "bhakti-movement" / "strong.txt", "bhakti-movement")):
        answer = work / "answer.txt"
        shutil.copy(sample, answer)
        graded = run("answer.txt", "--json", "--no-report")
        assert graded.returncode == 0, graded.stderr
        evaluation = json.loads(graded.stdout)
        assert evaluation["rubric_id"] == rubric_id
        assert "chosen automatically" in evaluation["rubric_choice"]
    assert not (work / "reports").exists() and sorted(os.listdir(work)) == ["answer.txt"]

    # nothing is written into the installed package: a calibration goes elsewhere
    before = _site_has_the_library(site)
    refused = run("calibrate", "marks.csv", "--rubric", IJ)
    assert refused.returncode == 1 and "shipped rubric" in refused.stderr, refused.stderr
    assert _site_has_the_library(site) == before

    listed = run("questions", "--json")
    assert listed.returncode == 0, listed.stderr
    questions = json.loads(listed.stdout)["questions"]
    assert {q["origin"] for q in questions} == {"shipped"}
    assert all(Path(q["path"]).is_relative_to(site) for q in questions)
    by_paper = {paper: sum(q["paper"] == paper for q in questions) for paper in GS_PAPERS}
    assert len(questions) >= 48, by_paper
    assert all(n >= 12 for n in by_paper.values()), by_paper
