"""The shipped rubric library: every rubric passes the check, and ranks its own samples."""

from __future__ import annotations

import tomllib

import pytest

from conftest import RUBRICS, SAMPLES

RUBRIC_FILES = sorted(RUBRICS.glob("*.toml"))
SAMPLE_DIRS = sorted(p.parent for p in SAMPLES.glob("*/evaluate.toml"))


def test_library_is_there():
    assert len(RUBRIC_FILES) >= 9
    assert len(SAMPLE_DIRS) >= 9


@pytest.mark.parametrize("path", RUBRIC_FILES, ids=[p.stem for p in RUBRIC_FILES])
def test_shipped_rubric_passes_the_check(path):
    from answer_evaluator.lint import lint_rubric

    findings = lint_rubric(path)
    assert not [f.format() for f in findings if f.is_error]


def _rubric_of(folder):
    name = tomllib.loads((folder / "evaluate.toml").read_text("utf-8"))["rubric"]
    return RUBRICS / f"{name}.toml"


@pytest.mark.parametrize("folder", SAMPLE_DIRS, ids=[p.name for p in SAMPLE_DIRS])
def test_samples_name_a_shipped_rubric(folder):
    assert _rubric_of(folder).exists()
    assert (folder / "strong.txt").exists() and (folder / "weak.txt").exists() or (
        folder.name == "india-japan")


@pytest.mark.parametrize("folder", SAMPLE_DIRS, ids=[p.name for p in SAMPLE_DIRS])
def test_strong_sample_outscores_weak_and_average(folder):
    from answer_evaluator import Evaluator, load_rubric, read_answer

    evaluator = Evaluator(load_rubric(_rubric_of(folder)))
    marks = {p.stem: evaluator.evaluate(read_answer(p)).marks
             for p in folder.glob("*.txt") if p.stem in ("strong", "average", "weak")}
    weakest = marks.get("weak", marks.get("average"))
    assert marks["strong"] > weakest, marks
    if "average" in marks:
        assert marks["strong"] > marks["average"], marks
        if "weak" in marks:
            assert marks["average"] >= marks["weak"], marks


def test_docs_index_lists_every_shipped_rubric():
    from answer_evaluator.rubric import load_rubric

    docs = (RUBRICS.parent / "docs" / "rubrics.md").read_text("utf-8")
    index = docs.split("## The rubric library", 1)[1]
    for path in RUBRIC_FILES:
        rubric = load_rubric(path)
        row = next((line for line in index.splitlines()
                    if line.startswith(f"| [`{rubric.rubric_id}`]")), None)
        assert row, f"{rubric.rubric_id} is missing from docs/rubrics.md"
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1:6] == [rubric.question, rubric.paper, rubric.directive,
                              str(rubric.max_marks), str(rubric.word_limit)], row
    assert "(rubric-format.md)" in docs
