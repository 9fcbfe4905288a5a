"""False alarms of the checks that cut an answer's marks.

For each check (its flag, its sentence-level reason, fluency below 1, the length factor):
how often it fires on real answers that human markers gave full or nearly full marks, and
what share of the marks it took from them. A check that fires on such answers is a false
alarm: the marker saw nothing wrong. The same checks are then run on the gaming samples of
samples/india-japan, which they must still catch.

Full marks: Mohler score >= 4.5 of 5 (the mean of two graders), Beetle score 5 ("correct"),
ASAP-SAS the top score of the set. Mohler and Beetle are graded against a rubric built from
each question and its reference answer (`rubric_from_model_answer`, `evaluator_for`, as
`agreement.grade_rows` does); ASAP-SAS against benchmarks/asap/rubrics/asap-set<N>.toml,
for the sets whose rubric exists. Data sets that are absent are skipped.

The marks a check takes are measured by grading each answer again with that check
neutralised (its weight cut undone, its factor set to 1) and comparing the unrounded marks.

Prints figures; it is not a test. Run: python3 benchmarks/false_alarms.py [--only mohler,...]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATASETS = REPO.parent / "shared" / "datasets"
ASAP_RUBRICS = REPO / "benchmarks" / "asap" / "rubrics"
GAMING_DIR = REPO / "samples" / "india-japan"
GAMING_RUBRIC = REPO / "rubrics" / "india-japan-partnership.toml"
GAMING = ("keyword-list", "question-copied", "shuffled", "off-topic", "repeated")
HONEST = ("strong", "average")
sys.path.insert(0, str(REPO / "src"))

from answer_evaluator import engine, scoring  # noqa: E402

#: Sentence-level reasons of `weigh_sentences` (SentenceWeights.flags).
LIST, COPY, REPEAT, FRAGMENT = ("a list of terms", "repeats the question",
                                "repeats an earlier sentence", "a fragment")

#: (row label, how it is seen to fire, the neutralisation that measures what it takes)
CHECKS = (
    ("flag keyword-list", ("flag", "keyword-list"), "list"),
    ("flag word-order", ("flag", "word-order"), "order"),
    ("flag repeats-question", ("flag", "repeats-question"), "copy"),
    ("flag repeated", ("flag", "repeated"), "repeat"),
    ("flag off-topic", ("flag", "off-topic"), "subject"),
    ("flag over-length", ("flag", "over-length"), "length"),
    ("flag too-short", ("flag", "too-short"), "length"),
    ("sentence: a list of terms", ("reason", LIST), "list"),
    ("sentence: repeats the question", ("reason", COPY), "copy"),
    ("sentence: repeats an earlier one", ("reason", REPEAT), "repeat"),
    ("sentence: a fragment", ("reason", FRAGMENT), "fragment"),
    ("fluency < 1", ("fluency", None), "fluency"),
    ("length factor < 1", ("length", None), "length"),
)
VARIANTS = ("list", "order", "copy", "repeat", "fragment", "subject", "length", "fluency")


# ----------------------------------------------------------------------------- neutralising


def _factors(text, settings):
    """(prose factor, word-order factor) of `scoring.fluency`; fluency is their product."""
    if hasattr(scoring, "fluency_factors"):
        prose, order, _, _ = scoring.fluency_factors(text, settings)
        return prose, order
    _, prose_share, anomaly = ORIGINAL["fluency"](text, settings)   # older scoring.py
    return min(1.0, prose_share / 0.6), float(np.clip(1 - (anomaly - 0.08) / 0.15, 0, 1))


def _restored(text, weights, settings, reason, *, full=False):
    """`weights` with `reason` undone: the sentence keeps the weight its length gives it."""
    new_weights, new_flags = weights.weight.copy(), []
    for sentence, flags in zip(text.sentences, weights.flags):
        if not any(f.startswith(reason) for f in flags):
            new_flags.append(flags)
            continue
        kept = tuple(f for f in flags if not f.startswith(reason))
        if not any(f.startswith((COPY, REPEAT)) for f in kept):
            weight = 1.0 if full else min(1.0, len(sentence.words) / settings.full_sentence_words)
            if sentence.kind == "heading" or any(f.startswith(LIST) for f in kept):
                weight = min(weight, 0.3)
            new_weights[sentence.index] = weight
        new_flags.append(kept)
    return dataclasses.replace(weights, weight=new_weights, flags=tuple(new_flags))


ORIGINAL = {name: getattr(engine, name) for name in
            ("weigh_sentences", "fluency", "subject_share", "rival_subject", "check_length")}
ORIGINAL["is_list_like"] = scoring.is_list_like


def _patches(variant: str) -> dict[tuple[object, str], object]:
    """(module, name) -> replacement that switches one check off."""
    o = ORIGINAL
    if variant == "list":
        def fluency(text, settings):
            _, _, anomaly = o["fluency"](text, settings)
            return _factors(text, settings)[1], 1.0, anomaly
        return {(scoring, "is_list_like"): lambda sentence, *a, **k: False,
                (engine, "fluency"): fluency}
    if variant in ("order", "fluency"):
        def fluency(text, settings):
            _, prose_share, _ = o["fluency"](text, settings)
            prose = _factors(text, settings)[0]
            return (prose if variant == "order" else 1.0), prose_share, 0.0
        return {(engine, "fluency"): fluency}
    if variant == "copy":
        def weigh(text, to_question, stems, settings):
            return o["weigh_sentences"](text, np.zeros_like(to_question), stems, settings)
        return {(engine, "weigh_sentences"): weigh}
    if variant in ("repeat", "fragment"):
        reason = REPEAT if variant == "repeat" else FRAGMENT

        def weigh(text, to_question, stems, settings):
            weights = o["weigh_sentences"](text, to_question, stems, settings)
            return _restored(text, weights, settings, reason, full=variant == "fragment")
        return {(engine, "weigh_sentences"): weigh}
    if variant == "subject":
        return {(engine, "subject_share"): lambda *a, **k: 1.0,
                (engine, "rival_subject"): lambda *a, **k: None}
    if variant == "length":
        def length(*args, **kwargs):
            report = o["check_length"](*args, **kwargs)
            return dataclasses.replace(report, factor=1.0)
        return {(engine, "check_length"): length}
    raise ValueError(variant)


@contextlib.contextmanager
def neutralised(variant: str | None):
    patches = _patches(variant) if variant else {}
    saved = {key: getattr(*key) for key in patches}
    try:
        for (module, name), replacement in patches.items():
            setattr(module, name, replacement)
        yield
    finally:
        for (module, name), value in saved.items():
            setattr(module, name, value)


# ----------------------------------------------------------------------------- grading


def _marks(evaluation) -> float:
    breakdown = getattr(evaluation, "breakdown", None)
    return float(breakdown.unrounded) if breakdown is not None else float(evaluation.marks)


def _fired(evaluation, how) -> float | None:
    """None when the check does not fire on this evaluation; else how much (0..1) it cut."""
    kind, what = how
    if kind == "flag":
        return 1.0 if any(f.code == what for f in evaluation.flags) else None
    if kind == "reason":
        return 1.0 if any(f.startswith(what) for s in evaluation.sentences
                          for f in s.flags) else None
    if kind == "fluency":
        return 1 - evaluation.fluency if evaluation.fluency < 1 - 1e-9 else None
    if kind == "length":
        return 1 - evaluation.length.factor if evaluation.length.factor < 1 - 1e-9 else None
    raise ValueError(kind)


def _touched(evaluation, variant: str) -> bool:
    """Whether neutralising `variant` can change this evaluation's marks at all."""
    reasons = {f for s in evaluation.sentences for f in s.flags}
    if variant in ("order", "fluency"):
        return evaluation.fluency < 1
    if variant == "list":
        return evaluation.fluency < 1 or any(f.startswith(LIST) for f in reasons)
    if variant in ("copy", "repeat", "fragment"):
        reason = {"copy": COPY, "repeat": REPEAT, "fragment": FRAGMENT}[variant]
        return any(f.startswith(reason) for f in reasons)
    if variant == "subject":
        return dict(evaluation.features).get("on_subject", 1.0) < 1
    if variant == "length":
        return evaluation.length.factor < 1
    raise ValueError(variant)


@dataclasses.dataclass
class Graded:
    """One answer's evaluation, and its marks with each check neutralised."""

    evaluation: object
    max_marks: float
    marks: float
    without: dict[str, float]

    def taken(self, variant: str) -> float:
        return max(0.0, self.without[variant] - self.marks) / self.max_marks


def grade(evaluator, texts: list[str], names: list[str] | None = None) -> list[Graded]:
    from answer_evaluator.reading import answer_from_text

    answers, kept = [], []
    for i, text in enumerate(texts):
        try:
            answers.append(answer_from_text(text, name=names[i] if names else f"answer-{i}"))
            kept.append(i)
        except Exception:           # nothing gradable: no check can fire
            continue
    base = evaluator.evaluate_many(answers)
    marks = {v: [_marks(e) for e in base] for v in VARIANTS}
    for variant in VARIANTS:          # grade again only the answers the check touched
        touched = [i for i, e in enumerate(base) if _touched(e, variant)]
        with neutralised(variant):
            again = evaluator.evaluate_many([answers[i] for i in touched]) if touched else []
        for i, evaluation in zip(touched, again):
            marks[variant][i] = _marks(evaluation)
    rubric = evaluator.rubric
    return [Graded(e, float(rubric.max_marks), _marks(e), {v: marks[v][i] for v in VARIANTS})
            for i, e in enumerate(base)]


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def short_answer_set(path: Path, full) -> list[Graded]:
    """Full-mark answers of a Mohler-format CSV, each graded against its question's rubric."""
    from answer_evaluator.model_answer import evaluator_for, rubric_from_model_answer

    by_question = defaultdict(list)
    for row in _rows(path):
        if full(float(row["score"])):
            by_question[(row["question"], row["reference_answer"])].append(row["student_answer"])
    graded = []
    for (question, reference), answers in by_question.items():
        rubric = rubric_from_model_answer(question, reference, max_marks=5)
        graded += grade(evaluator_for(rubric), answers)
    return graded


def asap_set() -> tuple[list[Graded], list[str]]:
    from answer_evaluator.engine import Evaluator
    from answer_evaluator.rubric import load_rubric

    rows = list(_rows(DATASETS / "asap-sas-dev" / "answers.csv"))
    graded, used = [], []
    for number in sorted({int(r["set"]) for r in rows}):
        path = ASAP_RUBRICS / f"asap-set{number}.toml"
        if not path.exists():
            continue
        own = [r for r in rows if int(r["set"]) == number]
        top = max(int(r["score"]) for r in own)
        graded += grade(Evaluator(load_rubric(path)),
                        [r["answer"] for r in own if int(r["score"]) == top])
        used.append(str(number))
    return graded, used


# ----------------------------------------------------------------------------- tables


def table(title: str, graded: list[Graded]) -> None:
    n = len(graded)
    print(f"\n{title}: {n} answers at full marks")
    print(f"  {'check':34} {'fired':>6} {'rate':>7} {'cut when fired':>15} "
          f"{'marks taken (all)':>18} {'(when fired)':>13}")
    for label, how, variant in CHECKS:
        fired = [(g, _fired(g.evaluation, how)) for g in graded]
        fired = [(g, cut) for g, cut in fired if cut is not None]
        taken_all = sum(g.taken(variant) for g in graded) / n if n else 0.0
        taken_fired = (sum(g.taken(variant) for g, _ in fired) / len(fired)) if fired else 0.0
        cut = (f"{np.mean([c for _, c in fired]):.2f}"
               if fired and how[0] in ("fluency", "length") else "")
        print(f"  {label:34} {len(fired):6d} {100 * len(fired) / max(n, 1):6.1f}% {cut:>15} "
              f"{100 * taken_all:17.1f}% {100 * taken_fired:12.1f}%")


def gaming_table() -> None:
    from answer_evaluator import read_answer
    from answer_evaluator.engine import Evaluator
    from answer_evaluator.rubric import load_rubric

    rubric = load_rubric(GAMING_RUBRIC)
    names = [*GAMING, *HONEST]
    texts = [read_answer(GAMING_DIR / f"{name}.txt").text for name in names]
    graded = dict(zip(names, grade(Evaluator(rubric), texts, names)))
    print(f"\nGaming samples (samples/india-japan, {rubric.max_marks} marks): "
          "fired / marks the check takes")
    print(f"  {'check':34}" + "".join(f"{name:>17}" for name in names))
    print(f"  {'marks':34}" + "".join(f"{g.evaluation.marks:17.1f}" for g in graded.values()))
    for label, how, variant in CHECKS:
        cells = []
        for g in graded.values():
            cut = _fired(g.evaluation, how)
            mark = "yes" if cut is not None else "-"
            cells.append(f"{mark} {g.taken(variant) * g.max_marks:5.1f}")
        print(f"  {label:34}" + "".join(f"{c:>17}" for c in cells))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="mohler,beetle,asap,gaming",
                        help="comma-separated: mohler, beetle, asap, gaming")
    only = set(parser.parse_args(argv).only.split(","))
    start = time.perf_counter()
    if "gaming" in only:
        gaming_table()
    if "mohler" in only:
        path = DATASETS / "mohler-dev.csv"
        if path.exists():
            table("Mohler (score >= 4.5 of 5)", short_answer_set(path, lambda s: s >= 4.5))
        else:
            print("\nMohler: data set absent, skipped")
    if "beetle" in only:
        path = DATASETS / "beetle-train.csv"
        if path.exists():
            table("Beetle (score 5, correct)", short_answer_set(path, lambda s: s == 5))
        else:
            print("\nBeetle: data set absent, skipped")
    if "asap" in only:
        if (DATASETS / "asap-sas-dev" / "answers.csv").exists():
            graded, used = asap_set()
            if used:
                table(f"ASAP-SAS sets {', '.join(used)} (top score of the set)", graded)
            else:
                print("\nASAP-SAS: no rubric under benchmarks/asap/rubrics, skipped")
        else:
            print("\nASAP-SAS: data set absent, skipped")
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
