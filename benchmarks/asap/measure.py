"""Agreement with human scores on the ASAP-SAS dev sets, with the rubrics of benchmarks/asap/rubrics/.

    python3 benchmarks/asap/measure.py [--splits 20] [--teacher 30] [--seed 0] [--rubrics DIR]

Prints, per set and on average, the quadratic weighted kappa (QWK) of:
- zero-shot: the engine's marks with the set's rubric and nothing fitted, rounded to whole
  marks (ASAP scores are whole numbers);
- no scheme: the same with the rubric's [marking] table left out, as a teacher who declares
  no scheme writes it; the loader's default for a short answer then applies (the best
  `max_marks` key elements earn a mark each, by how fully each is made);
- the TF-IDF baseline, zero-shot as the issue measured it: the cosine of each answer to the
  rubric's model points joined, mapped onto the human scores' quantiles (so this baseline
  borrows the human score distribution, which the engine does not);
- with a teacher's marks: the first `--teacher` answers of a random split are "marked by the
  teacher"; a calibration for the rubric is fitted on them exactly as `evaluate calibrate
  MARKS.csv --rubric` fits it (teacher_marks.fit_for_rubric: the scheme's marks, each
  dimension's score and the answer's length, ridge strength chosen by cross-validation inside the 30, spread matched to
  the teacher's marks) and the engine then grades the other answers with it (marks capped as
  always by what the content supports); the baseline fits a line from the TF-IDF cosine to
  the same 30 marks. Mean over `--splits` random splits; QWK on the held-out answers only;
- for scale, learned(90): a ridge regression on the answers' TF-IDF vectors (words and word
  pairs) trained on 90 of each set's 100 human scores, 10-fold: how far the scores can be
  learned from the answers' words at this size, with no rubric at all.
The data is read from ../shared/datasets/asap-sas-dev/ beside the repository; it is never
copied into the project. The script prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "asap-sas-dev" / "answers.csv"
RUBRICS = HERE / "rubrics"


def load_sets(path: Path) -> dict[int, list[tuple[str, str, float]]]:
    sets: dict[int, list[tuple[str, str, float]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            sets.setdefault(int(row["set"]), []).append(
                (row["id"], row["answer"], float(row["score"])))
    return sets


def without_marking(path: Path):
    """The rubric at `path` with its [marking] table (up to the next section or rule) left out."""
    from answer_evaluator.rubric import parse_rubric

    kept, skipping = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() == "[marking]":
            skipping = True
        elif skipping and (line.startswith("[") or line.startswith("# ---")):
            skipping = False
        if not skipping:
            kept.append(line)
    return parse_rubric("\n".join(kept))


def whole(values, top: float) -> np.ndarray:
    return np.clip(np.floor(np.asarray(values, dtype=float) + 0.5), 0, top)


def kappa(predicted, human, top: float) -> float:
    from answer_evaluator.agreement import qwk

    return qwk(whole(predicted, top), human, step=1.0, max_score=top)


def quantile_map(values: np.ndarray, human: np.ndarray) -> np.ndarray:
    """Give the answers ranked by `values` the human scores in the same order (ties broken by
    position): the baseline's mapping onto the human distribution."""
    order = np.argsort(values, kind="mergesort")
    mapped = np.empty(len(values))
    mapped[order] = np.sort(human)
    return mapped


def tfidf_cosine(texts: list[str], reference: str) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english").fit(texts + [reference])
    a = vectorizer.transform(texts)
    b = vectorizer.transform([reference])
    return np.asarray((a @ b.T).todense()).ravel()


def grade(rubric, texts: list[str], calibration=None) -> tuple[np.ndarray, list, list]:
    """Unrounded marks, evaluations and answers (None where an answer cannot be graded)."""
    from answer_evaluator.engine import Evaluator
    from answer_evaluator.errors import EvaluatorError
    from answer_evaluator.reading import answer_from_text

    evaluator = Evaluator(rubric, calibration=calibration)
    answers, keep = [], []
    for i, text in enumerate(texts):
        try:
            answers.append(answer_from_text(text, name=f"answer-{i}"))
            keep.append(i)
        except EvaluatorError:
            pass
    marks = np.zeros(len(texts))
    evaluations: list = [None] * len(texts)
    for i, evaluation in zip(keep, evaluator.evaluate_many(answers)):
        marks[i] = evaluation.breakdown.unrounded
        evaluations[i] = evaluation
    return marks, evaluations, [answers[keep.index(i)] if i in keep else None
                                for i in range(len(texts))]


def teacher_split(rubric, texts, human, answers, teacher: int, rng) -> tuple:
    """(engine QWK, baseline QWK) on the answers left after fitting on `teacher` of them,
    the engine's calibration fitted as `evaluate calibrate MARKS.csv --rubric` fits it."""
    from answer_evaluator.teacher_marks import MarkedAnswer, fit_for_rubric

    top = float(rubric.max_marks)
    order = rng.permutation(len(texts))
    train, test = order[:teacher], order[teacher:]
    marked = [MarkedAnswer(row=int(i), answer=answers[i], marks=float(human[i]),
                           source=f"answer {i}") for i in train if answers[i] is not None]
    fit = fit_for_rubric(rubric, marked)
    predicted, _, _ = grade(rubric, [texts[i] for i in test], fit.calibration)
    engine = kappa(predicted, human[test], top)

    reference = " ".join(p.text for p in rubric.points)
    cosine = tfidf_cosine(list(texts), reference)
    slope, intercept = np.polyfit(cosine[train], human[train], 1) if np.std(cosine[train]) \
        else (0.0, float(np.mean(human[train])))
    baseline = kappa(np.clip(slope * cosine[test] + intercept, 0, top), human[test], top)
    return engine, baseline


def learned_tfidf(texts, human, top: float, folds: int = 10) -> float:
    """QWK of a ridge regression on TF-IDF vectors, each answer predicted by a model trained
    on the other folds' answers and human scores."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import Ridge

    predicted = np.zeros(len(texts))
    order = np.random.default_rng(0).permutation(len(texts))
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
        X = vectorizer.fit_transform([texts[i] for i in train])
        model = Ridge(alpha=1.0).fit(X, human[train])
        predicted[test] = np.clip(model.predict(vectorizer.transform([texts[i] for i in test])),
                                  0, top)
    return kappa(predicted, human, top)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--splits", type=int, default=20)
    parser.add_argument("--teacher", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rubrics", type=Path, default=RUBRICS,
                        help="the folder of asap-set<N>.toml rubrics (default: benchmarks/asap/"
                             "rubrics; benchmarks/asap/quick-rubrics holds quickly written ones)")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"no data: {DATA.relative_to(ROOT.parent)} is absent", file=sys.stderr)
        return 1
    from answer_evaluator.rubric import load_rubric

    rng = np.random.default_rng(args.seed)
    rows = []
    print(f"{'set':>4} {'n':>4} {'zero-shot':>10} {'no scheme':>10} {'tfidf(q)':>9} "
          f"{'teacher':>8} {'tfidf+30':>9} {'learned(90)':>12}   (QWK; teacher columns: mean of "
          f"{args.splits} splits, {args.teacher} fitted / rest held out)")
    for number, items in sorted(load_sets(DATA).items()):
        path = args.rubrics / f"asap-set{number}.toml"
        if not path.exists():
            continue
        rubric = load_rubric(path)
        top = float(rubric.max_marks)
        texts = [text for _, text, _ in items]
        human = np.array([score for _, _, score in items])
        marks, evaluations, answers = grade(rubric, texts)
        zero = kappa(marks, human, top)
        plain = without_marking(path)
        assert plain.marking.default, f"{path.name} without [marking] takes no default"
        unschemed = kappa(grade(plain, texts)[0], human, top)
        reference = " ".join(p.text for p in rubric.points)
        base = kappa(quantile_map(tfidf_cosine(texts, reference), human), human, top)
        pairs = [teacher_split(rubric, texts, human, answers, args.teacher, rng)
                 for _ in range(args.splits)]
        taught, taught_base = np.mean([p[0] for p in pairs]), np.mean([p[1] for p in pairs])
        learned = learned_tfidf(texts, human, top)
        rows.append((zero, unschemed, base, taught, taught_base, learned))
        print(f"{number:>4} {len(items):>4} {zero:>10.3f} {unschemed:>10.3f} {base:>9.3f} "
              f"{taught:>8.3f} {taught_base:>9.3f} {learned:>12.3f}")
    if rows:
        means = np.mean(rows, axis=0)
        print(f"{'mean':>4} {'':>4} {means[0]:>10.3f} {means[1]:>10.3f} {means[2]:>9.3f} "
              f"{means[3]:>8.3f} {means[4]:>9.3f} {means[5]:>12.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
