"""Agreement between predicted and human marks: Pearson r, Spearman rho, RMSE and quadratic
weighted kappa (QWK), with no dependency beyond numpy (tests check them against scipy)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The scale of the Mohler-format data sets (0-5), the default for QWK's categories.
MAX_SCORE = 5


@dataclass(frozen=True)
class Metrics:
    pearson: float
    spearman: float
    rmse: float
    qwk: float
    n: int

    def line(self) -> str:
        return (f"pearson={_fmt(self.pearson)} spearman={_fmt(self.spearman)} "
                f"rmse={_fmt(self.rmse)} qwk={_fmt(self.qwk)} n={self.n}")


def pearson(predicted, human) -> float:
    x, y = _pair(predicted, human)
    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def spearman(predicted, human) -> float:
    x, y = _pair(predicted, human)
    return pearson(_ranks(x), _ranks(y))


def rmse(predicted, human) -> float:
    x, y = _pair(predicted, human)
    return float(np.sqrt(np.mean((x - y) ** 2))) if len(x) else float("nan")


def qwk(predicted, human, *, step: float = 0.5, max_score: float = MAX_SCORE) -> float:
    """Quadratic weighted kappa on scores rounded to the nearest `step` in 0..max_score."""
    x, y = _pair(predicted, human)
    if not len(x):
        return float("nan")
    categories = int(round(max_score / step)) + 1
    a = np.clip(np.floor(x / step + 0.5), 0, categories - 1).astype(int)
    b = np.clip(np.floor(y / step + 0.5), 0, categories - 1).astype(int)
    observed = np.zeros((categories, categories))
    np.add.at(observed, (a, b), 1)
    expected = np.outer(np.bincount(a, minlength=categories),
                        np.bincount(b, minlength=categories)) / len(x)
    index = np.arange(categories)
    weights = (index[:, None] - index[None, :]) ** 2 / (categories - 1) ** 2
    denominator = (weights * expected).sum()
    if denominator == 0:
        return float("nan")
    return float(1 - (weights * observed).sum() / denominator)


def metrics(predicted, human) -> Metrics:
    x, y = _pair(predicted, human)
    return Metrics(pearson(x, y), spearman(x, y), rmse(x, y), qwk(x, y), len(x))


def per_question(predicted, human, groups) -> dict[str, Metrics]:
    predicted, human, groups = np.asarray(predicted, float), np.asarray(human, float), \
        np.asarray(groups)
    result = {}
    for g in dict.fromkeys(groups.tolist()):
        mask = groups == g
        result[g] = metrics(predicted[mask], human[mask])
    return result


def _pair(predicted, human) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(predicted, dtype=float).ravel()
    y = np.asarray(human, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"{len(x)} predicted scores against {len(y)} human scores")
    return x, y


def _ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n with ties given their average rank (as scipy.stats.rankdata)."""
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    start = 0
    while start < len(values):
        end = start
        while end + 1 < len(values) and sorted_values[end + 1] == sorted_values[start]:
            end += 1
        ranks[order[start:end + 1]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def _fmt(value: float) -> str:
    return "nan" if value != value else f"{value:.3f}"
