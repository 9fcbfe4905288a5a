"""benchmarks/published_answers.py measures the tool and a second examiner on judged answers."""

import csv
import importlib.util
import shutil

from conftest import INDIA_JAPAN_SAMPLES, ROOT

SHOWN = {"covered": "covered", "partly covered": "partly", "missing": "missing"}
OTHER = {"covered": "partly", "partly": "missing", "missing": "partly"}


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "published_answers", ROOT / "benchmarks" / "published_answers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(folder, labels, marks):
    folder.mkdir(exist_ok=True)
    with (folder / "labels.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["file", "rubric", "dimension", "label", "reason"])
        out.writerows([name, "india-japan-partnership", dim, label, "-"]
                      for (name, dim), label in labels.items())
    with (folder / "my_marks.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["file", "max", "my_marks"])
        out.writerows([name, 15, value] for name, value in marks.items())


def test_the_tool_and_a_second_examiner_are_measured(tmp_path, india_japan_evaluator, capsys):
    from answer_evaluator import read_answer

    names = ("strong.txt", "economic-only.txt")
    tool = {}
    for name in names:
        shutil.copy(INDIA_JAPAN_SAMPLES / name, tmp_path / name)
        evaluation = india_japan_evaluator.evaluate(read_answer(tmp_path / name))
        tool.update({(name, d.dimension_id): SHOWN[d.state.value] for d in evaluation.dimensions})
    # the first examiner judges exactly as the tool; the second differs on one dimension
    first = dict(tool)
    changed = next(iter(tool))
    second = {**tool, changed: OTHER[tool[changed]]}
    _write(tmp_path, first, {"strong.txt": 9, "economic-only.txt": 3})
    _write(tmp_path / "second", second, {"strong.txt": 8, "economic-only.txt": 3.5})

    assert _benchmark().main([str(tmp_path), "--second", "second"]) == 0
    lines = capsys.readouterr().out.splitlines()
    n = len(tool)
    assert lines[0] == (f"tool against the examiner: {n} dimensions of 2 answers; "
                        "exact agreement 1.000")
    agreement = f"{(n - 1) / n:.3f}"
    assert any(line.startswith("tool against the second examiner") and line.endswith(agreement)
               for line in lines)
    assert any(line.startswith("the two examiners") and line.endswith(agreement)
               for line in lines)
    # the examiners' marks: 9 and 3 against 8 and 3.5 of 15
    assert any(line.startswith("marks as a share of the maximum: first 0.400, second 0.383")
               for line in lines)


def test_a_folder_without_the_second_judgement_is_skipped(tmp_path, capsys):
    shutil.copy(INDIA_JAPAN_SAMPLES / "strong.txt", tmp_path / "strong.txt")
    _write(tmp_path, {("strong.txt", "history"): "covered"}, {"strong.txt": 9})
    assert _benchmark().main([str(tmp_path), "--second", "second"]) == 1
    assert "no second/labels.csv; skipped" in capsys.readouterr().err
