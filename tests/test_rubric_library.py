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
    assert not [f.format() for f in findings], "errors or warnings"   # none of either


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


# ----------------------------------------------------------------------------- the whole library

#: Two questions whose TF-IDF cosine (stem uni- and bigrams of content words, the features the
#: automatic choice uses) reaches this are near-duplicates: a reworded copy of a library
#: question scores 0.3-0.45, distinct questions of one topic stay under 0.15.
QUESTION_DUPLICATE = 0.30
#: The same for the rubrics' model points, all of a rubric's points as one text.
POINTS_DUPLICATE = 0.35


@pytest.fixture(scope="module")
def library_index():
    from answer_evaluator.rubric import load_rubric
    from answer_evaluator.selection import RubricIndex

    return RubricIndex([load_rubric(p) for p in RUBRIC_FILES])


@pytest.mark.parametrize("folder", SAMPLE_DIRS, ids=[p.name for p in SAMPLE_DIRS])
def test_strong_sample_chooses_its_own_rubric_among_the_whole_library(folder, library_index):
    from answer_evaluator.batch.rubrics import rubric_line
    from answer_evaluator.reading import read_answer

    _, text = rubric_line(read_answer(folder / "strong.txt").text)
    choice = library_index.choose(text)
    assert choice.rubric.rubric_id == _rubric_of(folder).stem, choice.reason


def _closest_pair(texts: dict[str, str]) -> tuple[float, str, str]:
    from itertools import combinations

    from sklearn.feature_extraction.text import TfidfVectorizer

    from answer_evaluator.similarity import word_features

    ids = list(texts)
    matrix = TfidfVectorizer(analyzer=word_features, sublinear_tf=True).fit_transform(
        [texts[i] for i in ids])
    scores = (matrix @ matrix.T).toarray()
    return max((float(scores[i, j]), ids[i], ids[j])
               for i, j in combinations(range(len(ids)), 2))


def test_no_two_questions_are_near_duplicates():
    from answer_evaluator.rubric import load_rubric

    rubrics = [load_rubric(p) for p in RUBRIC_FILES]
    score, first, second = _closest_pair({r.rubric_id: r.question for r in rubrics})
    assert score < QUESTION_DUPLICATE, (
        f"questions of {first} and {second} are near-duplicates: cosine {score:.2f}")
    score, first, second = _closest_pair(
        {r.rubric_id: " ".join(p.text for p in r.points) for r in rubrics})
    assert score < POINTS_DUPLICATE, (
        f"model points of {first} and {second} are near-duplicates: cosine {score:.2f}")


def test_the_duplicate_check_catches_a_reworded_question():
    """The threshold is low enough to catch a real near-duplicate."""
    from answer_evaluator.rubric import load_rubric

    texts = {p.stem: load_rubric(p).question for p in RUBRIC_FILES}
    texts["reworded"] = ("India and Japan have moved from an economic relationship to a "
                         "comprehensive strategic and security partnership. Discuss.")
    score, first, second = _closest_pair(texts)
    assert {first, second} == {"reworded", "india-japan-partnership"}
    assert score >= QUESTION_DUPLICATE
