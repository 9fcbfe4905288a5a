"""Learn how to turn the engine's features into marks, from answers graded by people.

A calibration is a small regularised linear model (scikit-learn's Ridge at fitting time)
stored as plain JSON: feature names, the transform and standardisation of each, the
coefficients, the intercept and the clip range, and, when fitting found that it helps, the
subject's vocabulary (vocabulary.py: word weights learned across questions, chosen by nested
cross-validation). Loading it needs neither scikit-learn nor pickle.
`Calibration.marks_share(features)` maps a dict of named features to 0..1 of the maximum
marks; the engine calls it when an Evaluator is given a calibration.

One function, `feature_dict`, computes the features from an Evaluation, the answer text and
the rubric, so every path (the `evaluate` command, `evaluate agreement`, `evaluate
calibrate`) feeds the model the same numbers. Most of the signal comes from
`text_features`: lexical overlap between the answer and the model answer once the question's
own words are set aside (repeating the question earns nothing), measured on stems and on
character n-grams.

Cross-validation always splits by question (`group_folds`): no question has answers on both
sides of a split, so the figures say how the calibration does on questions it has never seen.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from .errors import EvaluatorError
from .model_answer import FUNCTION_WORDS, SOURCE as MODEL_ANSWER_SOURCE
from .vocabulary import (SCORE_PERCENTILES, Vocabulary, document_frequencies,
                         forget_fitting, tfidf_matrix)

FORMAT = "answer-evaluator-calibration"
FORMAT_VERSION = 1

#: The engine's own features (Evaluation.features) a calibration may use.
ENGINE_FEATURES = ("coverage", "content", "fluency", "on_subject", "repeated",
                   "keyword_score", "point_score", "best_similarity", "mean_similarity",
                   "structure", "directive", "length_ratio", "length_factor", "quality")
#: Features computed here from the answer text and the rubric (`text_features`).
TEXT_FEATURES = ("ref_recall", "ref_precision", "char_similarity", "stem_similarity",
                 "key_recall", "best_sentence", "bigram_recall", "negation", "ref_matched",
                 "ref_words", "answer_words", "new_words", "question_share", "terse",
                 "connected", "non_answer")
FEATURES = ENGINE_FEATURES + TEXT_FEATURES
#: The marks a model's learned vocabulary gives the answer (`LinearModel.with_vocabulary`).
VOCABULARY_FEATURE = "vocabulary"

TRANSFORMS = {
    "identity": lambda x: x,
    "sqrt": lambda x: math.sqrt(max(0.0, x)),
    "log1p": lambda x: math.log1p(max(0.0, x)),
}

#: An answer that says it is not an answer.
_NON_ANSWER = re.compile(
    r"^\W*(?:not answered|no answer(?: given)?|not attempted|unanswered|none given|n/?a|"
    r"(?:i )?(?:do not|don'?t|dont) know|no idea|not sure|idk|blank|skip(?:ped)?)?\W*$",
    re.IGNORECASE)


#: Notation that answers without words: a formula, code or a complexity ("O(n)",
#: "a[i] = *(a+i)", "x^2 + 1"): digits or operators next to letters or brackets.
_NOTATION = re.compile(r"\w\s*[()\[\]=*+/<>^%-]|[()\[\]=*+/<>^%]\s*\w|\d")


def _notation(text: str) -> bool:
    """True when the answer writes something in notation rather than in words."""
    return bool(_NOTATION.search(text))


class CalibrationError(EvaluatorError, ValueError):
    """A calibration file is missing or malformed."""


# ----------------------------------------------------------------------------- features


def feature_dict(evaluation, answer_text: str | None = None, rubric=None) -> dict[str, float]:
    """Every feature a calibration may use, by name.

    The engine's features come from `evaluation.features`; the text features are taken from
    there too when the engine already computed them, and otherwise computed from
    `answer_text` and `rubric` (both default to what the evaluation holds). With
    `evaluation=None` (an answer with nothing to grade) every feature is 0 and
    `non_answer` is 1.
    """
    if evaluation is None:
        values = {name: 0.0 for name in FEATURES}
        values["non_answer"] = 1.0
        return values
    values = {name: 0.0 for name in ENGINE_FEATURES}
    values.update((k, float(v)) for k, v in evaluation.features)
    if not all(name in values for name in TEXT_FEATURES):
        if answer_text is None:
            answer_text = "\n".join(s.text for s in evaluation.sentences)
        values.update(text_features(answer_text, _reference_of(evaluation, rubric),
                                    evaluation.question))
    return values


def rubric_text_features(answer_text: str, rubric) -> dict[str, float]:
    """`text_features` against a rubric: its model points are the reference."""
    return text_features(answer_text, reference_text(rubric), rubric.question)


def reference_text(rubric) -> str:
    """The model answer a rubric stands for: the full-sentence points (a model-answer
    rubric's `point-N-1`), or every point of a hand-written rubric."""
    points = [p.text for p in rubric.points]
    full = [p.text for p in rubric.points if re.fullmatch(r"point-\d+-1", p.point_id)]
    return " ".join(full if full and rubric.source == MODEL_ANSWER_SOURCE else points)


def text_features(answer: str, reference: str, question: str = "") -> dict[str, float]:
    """Lexical agreement of an answer with a reference answer, the question's words set aside.

    ref_recall       share of the reference's content stems (not in the question) the answer uses
    ref_precision    share of the answer's content stems (not in the question) the reference uses
    ref_matched      log(1 + reference content stems, not in the question, the answer uses)
    ref_words        log(1 + reference content stems not in the question): a long model
                     answer is rarely matched word for word, and examiners know it
    char_similarity  cosine of character 3-5-gram counts, question words removed from both
    stem_similarity  the same on the stems (so "separated" and "separates" agree, and a
                     misspelt stem still shares most of its n-grams)
    key_recall       ref_recall with each stem weighted by its rarity (IDF over the shipped
                     background sentences): the model answer's key terms count most
    best_sentence    the best F1 of stem overlap between one answer sentence and one
                     reference sentence
    bigram_recall    share of the reference's pairs of neighbouring content stems the answer
                     has as neighbours too (word order; "A causes B" against "B causes A")
    negation         1 when exactly one of answer and reference is negated ("not", "no",
                     "never", "n't", ...: an odd number of them), else 0
    answer_words     log(1 + content words of the answer)
    new_words        log(1 + answer content stems in neither the reference nor the question)
    question_share   share of the answer's content stems that only repeat the question
    terse            how far the answer falls short of the reference's length: 1 - (its own
                     content stems / the reference's, question words aside), at least 0; a
                     single word against a model answer of ten has said little
    connected        share of the answer's words that are function words ("is", "of",
                     "the", ...): 0 for a bare list of words
    non_answer       1 when the answer is none: empty, it says so ("not answered", "I don't
                     know"), or it has no content word beyond the question's own and no
                     notation either (a formula or code such as "O(n)" answers in symbols)
    """
    question_stems = set(_content(question))
    answer_stems = _content(answer)
    reference_stems = _content(reference)
    wanted = Counter(s for s in reference_stems if s not in question_stems) or Counter(
        reference_stems)
    given = set(answer_stems)
    own = {s for s in given if s not in question_stems}
    matched = [s for s in wanted if s in given]
    recall = (sum(wanted[s] for s in matched) / sum(wanted.values()) if wanted else 0.0)
    precision = len(own & set(wanted)) / len(own) if own else 0.0
    new = own - set(reference_stems)
    chars = _char_cosine(_without(answer, question_stems), _without(reference, question_stems))
    stems = _char_cosine(" ".join(s for s in answer_stems if s not in question_stems),
                         " ".join(s for s in reference_stems if s not in question_stems))
    rarity = {s: _idf_of(s) for s in wanted}
    key = (sum(rarity[s] for s in matched) / sum(rarity.values())) if rarity else 0.0
    words = _words(answer)
    return {
        "ref_recall": recall,
        "ref_precision": precision,
        "char_similarity": chars,
        "stem_similarity": stems,
        "key_recall": key,
        "best_sentence": _best_sentence(answer, reference, question_stems),
        "bigram_recall": _bigram_recall(answer_stems, reference_stems, question_stems),
        "negation": float(_negated(answer) != _negated(reference)),
        "ref_matched": math.log1p(len(matched)),
        "ref_words": math.log1p(len(wanted)),
        "answer_words": math.log1p(len(answer_stems)),
        "new_words": math.log1p(len(new)),
        "question_share": len(given - own) / len(given) if given else 0.0,
        "terse": max(0.0, 1.0 - len(own) / len(wanted)) if wanted else 0.0,
        "connected": (sum(w.lower() in FUNCTION_WORDS for w in words) / len(words)
                      if words else 0.0),
        "non_answer": 1.0 if is_non_answer(answer) or not (own or _notation(answer)) else 0.0,
    }


#: Words that negate what follows.
NEGATIONS = frozenset("not no never none nothing nobody neither nor cannot without".split())


def _words(text: str) -> list[str]:
    from .text import tokenize

    return [w for w in tokenize(text)[0] if any(c.isalpha() for c in w)]


def _negated(text: str) -> bool:
    """An odd number of negations (so "not unlike" and a plain statement agree)."""
    count = sum(w.lower() in NEGATIONS or w.lower().endswith("n't") for w in _words(text))
    return count % 2 == 1


def _idf_of(stem_: str) -> float:
    from .model_answer import _idf, _unseen_idf

    return _idf().get(stem_, _unseen_idf())


def _best_sentence(answer: str, reference: str, question_stems: set[str]) -> float:
    from .text import analyse

    def sentences(text):
        found = [set(_content(s.text)) - question_stems for s in analyse(text).sentences]
        return [s for s in found if s]

    best = 0.0
    for a in sentences(answer):
        for r in sentences(reference):
            both = len(a & r)
            if both:
                best = max(best, 2 * both / (len(a) + len(r)))
    return best


def _bigram_recall(answer_stems, reference_stems, question_stems: set[str]) -> float:
    pairs = {(a, b) for a, b in zip(reference_stems, reference_stems[1:])
             if not (a in question_stems and b in question_stems)}
    if not pairs:
        return 0.0
    given = set(zip(answer_stems, answer_stems[1:]))
    given |= {(b, a) for a, b in given}      # neighbours in either order
    return len(pairs & given) / len(pairs)


#: A bare list has at least this many content words (a two-word answer such as "Unlimited
#: number" is a terse answer, not a list).
BARE_LIST_WORDS = 4
#: What a bare list earns at most, as a share of the maximum (`Calibration.bare_list_share`).
BARE_LIST_SHARE = 0.5


def is_bare_list(features: Mapping[str, float]) -> bool:
    """Words strung together with no function word ("is", "of", "the" ...) between them:
    a list of the model answer's terms, which names them and explains nothing."""
    return (float(features.get("connected", 1.0)) == 0.0
            and float(features.get("answer_words", 0.0)) >= math.log1p(BARE_LIST_WORDS) - 1e-9)


def is_non_answer(text: str) -> bool:
    """True for an empty answer or one that only says it is not answered."""
    return bool(_NON_ANSWER.match(text.strip()))


def _content(text: str) -> list[str]:
    from .text import stem, tokenize

    return [s for s in (stem(w) for w in tokenize(text)[0])
            if s not in FUNCTION_WORDS and (len(s) > 1 or s.isdigit())]


def _without(text: str, stems: set[str]) -> str:
    from .text import stem, tokenize

    return " ".join(w.lower() for w in tokenize(text)[0]
                    if stem(w) not in stems and w.lower() not in FUNCTION_WORDS)


def _char_cosine(a: str, b: str) -> float:
    x, y = _char_grams(a), _char_grams(b)
    if not x or not y:
        return 0.0
    dot = sum(v * y[k] for k, v in x.items() if k in y)
    return dot / math.sqrt(sum(v * v for v in x.values()) * sum(v * v for v in y.values()))


def _char_grams(text: str) -> dict[str, float]:
    """Character 3-5-grams within words (padded by spaces), sublinear counts."""
    counts: Counter = Counter()
    for word in text.split():
        padded = f" {word} "
        for n in (3, 4, 5):
            for i in range(len(padded) - n + 1):
                counts[padded[i:i + n]] += 1
    return {k: 1 + math.log(v) for k, v in counts.items()}


def _reference_of(evaluation, rubric) -> str:
    if rubric is not None:
        return reference_text(rubric)
    full = [p.text for p in evaluation.points if re.fullmatch(r"point-\d+-1", p.point_id)]
    return " ".join(full or [p.text for p in evaluation.points])


# ----------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Term:
    feature: str
    transform: str       #: a key of TRANSFORMS
    mean: float          #: of the transformed feature on the fitting data
    scale: float         #: its standard deviation
    coef: float          #: in score points per standard deviation


@dataclass(frozen=True)
class LinearModel:
    terms: tuple[Term, ...]
    intercept: float
    #: learned word weights, whose marks enter as the feature VOCABULARY_FEATURE
    vocabulary: Vocabulary | None = None

    @property
    def features(self) -> tuple[str, ...]:
        names = tuple(dict.fromkeys(t.feature for t in self.terms))
        return names + ((VOCABULARY_FEATURE,) if self.vocabulary is not None else ())

    def predict(self, features: Mapping[str, float]) -> float:
        total = self.intercept
        for t in self.terms:
            value = TRANSFORMS[t.transform](float(features[t.feature]))
            total += t.coef * (value - t.mean) / t.scale
        if self.vocabulary is not None:
            total += float(features[VOCABULARY_FEATURE])
        return total

    def with_vocabulary(self, features: Mapping[str, float], text: str) -> Mapping[str, float]:
        """`features` with the marks this model's vocabulary gives `text`, when it has one."""
        if self.vocabulary is None:
            return features
        return {**features, VOCABULARY_FEATURE: self.vocabulary.score(text)}

    def to_json(self) -> dict:
        return {"intercept": self.intercept,
                "terms": [{"feature": t.feature, "transform": t.transform, "mean": t.mean,
                           "scale": t.scale, "coef": t.coef} for t in self.terms],
                **({"vocabulary": self.vocabulary.to_json()}
                   if self.vocabulary is not None else {})}


@dataclass(frozen=True)
class Calibration:
    """Maps features to a share of the maximum marks (0..1)."""

    name: str
    models: tuple[LinearModel, ...]   #: the first whose features are all present is used
    max_score: float                  #: the scale the model predicts on (5 for 0-5 data)
    clip: tuple[float, float]         #: predictions are clipped to this range first
    zero_when: tuple[str, ...] = ("non_answer",)   #: a feature > 0.5 here means no marks
    repeat_penalty: float = 0.5       #: share of marks lost per unit share of repeated words
    #: a bare list of words (BARE_LIST_WORDS content words or more, no function word at all)
    #: earns at most this share of the maximum; None: no such rule (older files)
    bare_list_share: float | None = None
    info: dict = field(default_factory=dict)       #: provenance and cross-validated figures
    path: Path | None = None

    def model_for(self, features: Mapping[str, float]) -> LinearModel:
        for model in self.models:
            if all(name in features for name in model.features):
                return model
        missing = [n for n in self.models[-1].features if n not in features]
        raise CalibrationError(f"calibration '{self.name}' needs the feature(s) "
                               + ", ".join(missing))

    def predict(self, features: Mapping[str, float]) -> float:
        """Marks on the 0..max_score scale: the model's prediction, clipped, less the share
        of repeated sentences (the engine's `repeated` feature); 0 for a non-answer; at most
        `bare_list_share` of the maximum for a bare list of words."""
        if self._no_answer(features):
            return 0.0
        return self.finish(self.model_for(features).predict(features), features)

    def _no_answer(self, features: Mapping[str, float]) -> bool:
        return any(float(features.get(name, 0.0)) > 0.5 for name in self.zero_when)

    def finish(self, value: float, features: Mapping[str, float]) -> float:
        """A model's prediction through the rules of `predict`."""
        if self._no_answer(features):
            return 0.0
        low, high = self.clip
        value = min(high, max(low, value))
        if self.bare_list_share is not None and is_bare_list(features):
            value = min(value, self.bare_list_share * self.max_score)
        repeated = min(1.0, max(0.0, float(features.get("repeated", 0.0))))
        return float(value * (1 - self.repeat_penalty * repeated))

    def marks_share(self, features: Mapping[str, float]) -> float:
        """0..1 of the maximum marks."""
        return self.predict(features) / self.max_score

    def vocabulary_words(self, answer_text: str, features: Mapping[str, float],
                         n: int = 3) -> tuple[tuple[str, float], ...]:
        """The answer's words that moved the prediction most through the model's vocabulary,
        as written, with their effect on the 0..max_score scale; () without a vocabulary (or
        when the model in use has none)."""
        model = self.model_for(features) if not self._no_answer(features) else None
        if model is None or model.vocabulary is None:
            return ()
        return model.vocabulary.words_in(answer_text, n)

    def extra_features(self, answer_text: str, rubric) -> dict[str, float]:
        """The features the engine does not compute itself (for the engine to add)."""
        return dict(self.models[0].with_vocabulary(rubric_text_features(answer_text, rubric),
                                                   answer_text))

    def to_json(self) -> dict:
        return {"format": FORMAT, "version": FORMAT_VERSION, "name": self.name,
                "max_score": self.max_score, "clip": list(self.clip),
                "zero_when": list(self.zero_when), "repeat_penalty": self.repeat_penalty,
                **({"bare_list_share": self.bare_list_share}
                   if self.bare_list_share is not None else {}),
                "models": [m.to_json() for m in self.models], "info": self.info}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"


def calibration_from_json(data, *, source: str = "calibration", path: Path | None = None
                          ) -> Calibration:
    """Validate parsed JSON into a Calibration; CalibrationError names what is wrong."""
    def fail(problem: str):
        return CalibrationError(f"{source}: {problem}")

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise fail(f"is not a calibration file (expected \"format\": \"{FORMAT}\")")
    if data.get("version") != FORMAT_VERSION:
        raise fail(f"has version {data.get('version')!r}; this program reads version "
                   f"{FORMAT_VERSION}")
    try:
        models = []
        for m in data["models"]:
            terms = []
            for t in m["terms"]:
                if t["transform"] not in TRANSFORMS:
                    raise fail(f"unknown transform {t['transform']!r}")
                if not float(t["scale"]) > 0:
                    raise fail(f"the scale of '{t['feature']}' must be positive")
                terms.append(Term(str(t["feature"]), t["transform"], float(t["mean"]),
                                  float(t["scale"]), float(t["coef"])))
            vocabulary = None
            if m.get("vocabulary") is not None:
                try:
                    vocabulary = Vocabulary.from_json(m["vocabulary"])
                except ValueError as exc:
                    raise fail(f"has a malformed vocabulary ({exc})") from None
            models.append(LinearModel(tuple(terms), float(m["intercept"]), vocabulary))
        if not models:
            raise fail("has no models")
        clip = tuple(float(v) for v in data["clip"])
        if len(clip) != 2 or clip[0] > clip[1]:
            raise fail("clip must be [low, high]")
        max_score = float(data["max_score"])
        if not max_score > 0:
            raise fail("max_score must be positive")
        return Calibration(name=str(data.get("name", source)), models=tuple(models),
                           max_score=max_score, clip=clip,
                           zero_when=tuple(data.get("zero_when", ())),
                           repeat_penalty=float(data.get("repeat_penalty", 0.0)),
                           bare_list_share=(None if data.get("bare_list_share") is None
                                            else float(data["bare_list_share"])),
                           info=dict(data.get("info", {})), path=path)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, CalibrationError):
            raise
        raise fail(f"is malformed ({type(exc).__name__}: {exc})") from None


def load_calibration(name: str, relative_to: Path | str | None = None) -> Calibration:
    """A shipped calibration by name ("default"), or a JSON file by path (relative paths
    are tried next to `relative_to`, e.g. the rubric that names it, then as given)."""
    candidates = []
    if name.endswith(".json") or "/" in name or "\\" in name:
        path = Path(name)
        if not path.is_absolute() and relative_to is not None:
            base = Path(relative_to)
            candidates.append((base.parent if base.suffix else base) / path)
        candidates.append(path)
        for candidate in candidates:
            if candidate.is_file():
                return _load_file(candidate)
        if any(candidate.is_dir() for candidate in candidates):
            raise CalibrationError(f"{name}: is a folder, not a calibration file")
        raise CalibrationError(f"{name}: no such calibration file")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
        raise CalibrationError(f"'{name}' is neither a shipped calibration name nor a "
                               ".json file")
    return _shipped(name)


@lru_cache(maxsize=8)
def _shipped(name: str) -> Calibration:
    resource = resources.files(__package__).joinpath(f"data/calibration-{name}.json")
    if not resource.is_file():
        available = sorted(p.name[len("calibration-"):-len(".json")]
                           for p in resources.files(__package__).joinpath("data").iterdir()
                           if p.name.startswith("calibration-") and p.name.endswith(".json"))
        raise CalibrationError(f"no shipped calibration named '{name}'; available: "
                               + (", ".join(available) or "none"))
    try:
        data = _json(resource.read_text("utf-8"))
    except ValueError as exc:
        raise CalibrationError(f"shipped calibration '{name}' is not valid JSON ({exc})"
                               ) from None
    return calibration_from_json(data, source=f"shipped calibration '{name}'")


def _load_file(path: Path) -> Calibration:
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CalibrationError(f"{path}: cannot be read ({exc})") from None
    try:
        data = _json(text)
    except ValueError as exc:
        raise CalibrationError(f"{path}: is not valid JSON ({exc})") from None
    return calibration_from_json(data, source=str(path), path=path)


def _json(text: str):
    """JSON data, or ValueError saying where it is broken (nesting too deep included)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise ValueError("arrays or objects are nested too deeply to read") from None


# ----------------------------------------------------------------------------- fitting

#: The default model: (feature, transform) terms. Concave transforms of the overlap
#: measures, since a second matching word adds less than the first.
DEFAULT_TERMS: tuple[tuple[str, str], ...] = (
    ("ref_recall", "sqrt"),
    ("ref_precision", "sqrt"),
    ("char_similarity", "sqrt"),
    ("ref_matched", "identity"),
    ("ref_words", "identity"),
    ("answer_words", "identity"),
    ("new_words", "identity"),
    ("question_share", "identity"),
    ("stem_similarity", "sqrt"),
    ("key_recall", "sqrt"),
    ("best_sentence", "sqrt"),
    ("bigram_recall", "sqrt"),
    ("negation", "identity"),
    ("connected", "identity"),
    ("terse", "identity"),
)
#: A fallback on the engine's features alone, for callers that cannot supply text features.
ENGINE_TERMS: tuple[tuple[str, str], ...] = (
    ("coverage", "identity"),
    ("keyword_score", "sqrt"),
    ("point_score", "identity"),
    ("best_similarity", "sqrt"),
    ("mean_similarity", "sqrt"),
    ("length_ratio", "log1p"),
    ("fluency", "identity"),
)
ALPHAS = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
#: Weights of the answers' TF-IDF vectors beside the standardised features (0: no
#: vocabulary), chosen by nested cross-validation by question when answer texts are given.
VOCABULARY_WEIGHTS = (0.0, 0.5, 1.0, 2.0)


def design_matrix(features: Sequence[Mapping[str, float]],
                  terms: Sequence[tuple[str, str]]) -> np.ndarray:
    """Rows of transformed features, in the order of `terms`."""
    return np.array([[TRANSFORMS[t](float(f[name])) for name, t in terms] for f in features],
                    dtype=float).reshape(len(features), len(terms))


def fit_linear(features: Sequence[Mapping[str, float]], scores, terms, *, alpha: float,
               exclude=None, texts: Sequence[str] | None = None,
               vocabulary_weight: float = 0.0) -> LinearModel:
    """Ridge regression on standardised transformed features; with `texts` and a positive
    `vocabulary_weight`, also on the answers' TF-IDF vectors (scaled by that weight, so a
    smaller weight means a stronger penalty on the word weights than on the features)."""
    X = design_matrix(features, terms)
    keep = np.ones(len(X), bool) if exclude is None else ~np.asarray(exclude, bool)
    rows = np.flatnonzero(keep)
    fold = _Fold(X, rows, texts if vocabulary_weight > 0 else None)
    return fold.model(terms, np.asarray(scores, dtype=float)[rows], alpha, vocabulary_weight)


class _Fold:
    """One training set: its standardisation and its vocabulary, built once for every ridge
    strength and vocabulary weight fitted on it."""

    def __init__(self, X: np.ndarray, rows: np.ndarray, texts: Sequence[str] | None):
        self.rows = rows
        self.mean = X[rows].mean(axis=0)
        self.scale = X[rows].std(axis=0)
        self.scale[self.scale == 0] = 1.0
        self.standard = (X - self.mean) / self.scale        # every row, for predicting too
        self.words: tuple[str, ...] = ()
        self._designs: dict[float, object] = {}      # vocabulary weight -> training design
        if texts is not None:
            self.words, self.idf = document_frequencies([texts[i] for i in rows])
            self.tfidf = tfidf_matrix(texts, self.words, self.idf) if self.words else None

    def fit(self, y: np.ndarray, alpha: float, weight: float):
        """(feature coefficients, (word weights, low, high) or None, intercept) of a ridge
        fit on the training rows (`y` their scores); low and high are `SCORE_PERCENTILES` of
        the words' marks on those rows."""
        from sklearn.linear_model import Ridge

        standard = self.standard[self.rows]
        if weight > 0 and self.words:
            design = self._designs.get(weight)
            if design is None:
                from scipy.sparse import csr_matrix, hstack

                design = self._designs[weight] = hstack(
                    [csr_matrix(standard), self.tfidf[self.rows] * weight]).tocsr()
            model = Ridge(alpha=alpha).fit(design, y)
            k = standard.shape[1]
            words = model.coef_[k:] * weight
            low, high = np.percentile(self.tfidf[self.rows] @ words, SCORE_PERCENTILES)
            return model.coef_[:k], (words, float(low), float(high)), float(model.intercept_)
        model = Ridge(alpha=alpha).fit(standard, y)
        return model.coef_, None, float(model.intercept_)

    def predict(self, fitted, rows: np.ndarray) -> np.ndarray:
        """The linear predictions of `fitted` (from `fit`) for `rows`, the words' marks
        held to their range as `Vocabulary.score` holds them."""
        coef, words, intercept = fitted
        value = intercept + self.standard[rows] @ coef
        if words is not None:
            weights, low, high = words
            value = value + np.clip(self.tfidf[rows] @ weights, low, high)
        return value

    def model(self, terms, y: np.ndarray, alpha: float, weight: float) -> LinearModel:
        coef, words, intercept = self.fit(y, alpha, weight)
        vocabulary = None
        if words is not None:
            weights, low, high = words
            vocabulary = Vocabulary(self.words, self.idf, tuple(float(w) for w in weights),
                                    low=low, high=high)
        return LinearModel(tuple(Term(name, t, float(m), float(s), float(c))
                                 for (name, t), m, s, c
                                 in zip(terms, self.mean, self.scale, coef)),
                           intercept, vocabulary)


def group_folds(groups, n_splits: int = 5) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) row indices, whole groups (questions) on one side only.

    Groups are dealt to folds largest first, each to the fold with fewest rows so far
    (deterministic, like scikit-learn's GroupKFold)."""
    groups = np.asarray(groups)
    unique, counts = np.unique(groups, return_counts=True)
    if len(unique) < 2:
        raise ValueError("cross-validation by question needs at least 2 questions; "
                         f"found {len(unique)}")
    n_splits = max(2, min(n_splits, len(unique)))
    fold_of: dict = {}
    sizes = [0] * n_splits
    for index in sorted(range(len(unique)), key=lambda i: (-counts[i], str(unique[i]))):
        fold = min(range(n_splits), key=lambda k: (sizes[k], k))
        fold_of[unique[index]] = fold
        sizes[fold] += counts[index]
    assignment = np.array([fold_of[g] for g in groups])
    return [(np.flatnonzero(assignment != k), np.flatnonzero(assignment == k))
            for k in range(n_splits)]


def choose_strengths(features, scores, groups, terms, *, alphas=ALPHAS, n_splits: int = 5,
                     exclude=None, clip=(0.0, 5.0), cap=None, texts=None,
                     vocabulary_weights=(0.0,)) -> tuple[float, float]:
    """(ridge strength, vocabulary weight) with the lowest RMSE by question-group
    cross-validation (of the capped marks, when `cap` is given). A vocabulary weight other
    than 0 is tried only with `texts`; ties go to the earlier pair (no vocabulary first)."""
    features = list(features)
    return _choose(design_matrix(features, terms), features, np.asarray(scores, float),
                   np.asarray(groups), alphas=alphas, n_splits=n_splits,
                   exclude=_exclusions(exclude, len(features)), clip=clip,
                   cap=_cap_arrays(cap, len(features)), texts=texts,
                   weights=tuple(vocabulary_weights) if texts is not None else (0.0,))


def choose_alpha(features, scores, groups, terms, *, alphas=ALPHAS, n_splits: int = 5,
                 exclude=None, clip=(0.0, 5.0), cap=None) -> float:
    """The ridge strength with the lowest RMSE by question-group cross-validation (of the
    capped marks, when `cap` is given), without a vocabulary."""
    return choose_strengths(features, scores, groups, terms, alphas=alphas,
                            n_splits=n_splits, exclude=exclude, clip=clip, cap=cap)[0]


def cross_val_predict(features, scores, groups, terms, *, alpha: float | None = None,
                      n_splits: int = 5, exclude=None, clip=(0.0, 5.0),
                      inner_splits: int = 4, cap=None, texts=None,
                      vocabulary_weight: float | None = 0.0,
                      vocabulary_weights=VOCABULARY_WEIGHTS) -> np.ndarray:
    """Out-of-fold predictions, folds by question. With `alpha=None` the ridge strength is
    chosen inside each training fold (nested cross-validation), never on the test fold; so
    is the vocabulary weight (among `vocabulary_weights`) with `vocabulary_weight=None`.
    A fold's vocabulary is learned from its training answers only.

    `cap` = (scheme marks per row, margin per row or one margin): each prediction then goes
    through `marking.capped_calibration`, the rule grading applies, so the out-of-fold marks
    are the marks `evaluate` would give."""
    features = list(features)
    X = design_matrix(features, terms)
    scores = np.asarray(scores, dtype=float)
    groups = np.asarray(groups)
    exclude = _exclusions(exclude, len(scores))
    cap = _cap_arrays(cap, len(scores))
    weights = (tuple(vocabulary_weights) if vocabulary_weight is None else
               (vocabulary_weight,)) if texts is not None else (0.0,)
    alphas = ALPHAS if alpha is None else (alpha,)
    predicted = np.zeros(len(scores))
    for train, test in group_folds(groups, n_splits):
        pair = (alphas[0], weights[0])
        if len(alphas) > 1 or len(weights) > 1:
            pair = _choose(X[train], [features[i] for i in train], scores[train],
                           groups[train], alphas=alphas, n_splits=inner_splits,
                           exclude=exclude[train], clip=clip,
                           cap=None if cap is None else (cap[0][train], cap[1][train]),
                           texts=None if texts is None else [texts[i] for i in train],
                           weights=weights)
        predicted[test] = _fold_predictions(X, features, scores, train, test, [pair],
                                            exclude=exclude, clip=clip, cap=cap,
                                            texts=texts)[pair]
    return predicted


def _exclusions(exclude, n: int) -> np.ndarray:
    return np.zeros(n, bool) if exclude is None else np.asarray(exclude, bool)


def _choose(X, features, scores, groups, *, alphas, n_splits, exclude, clip, cap, texts,
            weights) -> tuple[float, float]:
    """The (alpha, weight) pair of the lowest cross-validated RMSE; ties to the earlier."""
    pairs = [(a, w) for w in weights for a in alphas]
    predicted = {pair: np.zeros(len(scores)) for pair in pairs}
    for train, test in group_folds(groups, n_splits):
        for pair, values in _fold_predictions(X, features, scores, train, test, pairs,
                                              exclude=exclude, clip=clip, cap=cap,
                                              texts=texts).items():
            predicted[pair][test] = values
    best, best_error = pairs[0], float("inf")
    for pair in pairs:
        error = float(np.sqrt(np.mean((predicted[pair] - scores) ** 2)))
        if error < best_error - 1e-9:
            best, best_error = pair, error
    return best


def _fold_predictions(X, features, scores, train, test, pairs, *, exclude, clip, cap,
                      texts) -> dict[tuple[float, float], np.ndarray]:
    """{(alpha, weight): marks of the `test` rows} from models fitted on the `train` rows
    (those not excluded), each through the calibration's rules and the grading's cap."""
    rows = train[~exclude[train]]
    fold = _Fold(X, rows, texts if any(w > 0 for _, w in pairs) else None)
    rules = Calibration(name="fold", models=(), max_score=clip[1], clip=clip,
                        bare_list_share=BARE_LIST_SHARE)
    out = {}
    for alpha, weight in pairs:
        linear = fold.predict(fold.fit(scores[rows], alpha, weight), test)
        out[(alpha, weight)] = np.array([
            apply_cap(rules.finish(float(v), features[i]), i, cap, clip[1])
            for v, i in zip(linear, test)])
    return out


def _cap_arrays(cap, n: int):
    if cap is None:
        return None
    scheme, margin = cap
    scheme = np.asarray(scheme, dtype=float).ravel()
    margin = np.broadcast_to(np.asarray(margin, dtype=float), (n,)).copy()
    if len(scheme) != n:
        raise ValueError(f"{len(scheme)} scheme marks for {n} rows")
    return scheme, margin


def apply_cap(predicted: float, i: int, cap, top: float) -> float:
    """Row i's calibrated marks through grading's rule (`marking.capped_calibration`)."""
    if cap is None:
        return float(predicted)
    from .marking import capped_calibration

    return capped_calibration(predicted, cap[0][i], top, cap[1][i])[2]


def require_differing_marks(scores) -> None:
    """CalibrationError when every answer has the same mark: nothing can be learnt from it
    (a correlation with it is not defined)."""
    scores = np.asarray(scores, dtype=float)
    if len(scores) and np.ptp(scores) == 0:
        raise CalibrationError(f"every answer has the same mark ({scores[0]:g}); a "
                               "calibration learns from marks that differ")


def fit_calibration(features: Sequence[Mapping[str, float]], scores, groups, *,
                    name: str = "custom", max_score: float = 5.0,
                    terms=DEFAULT_TERMS, fallback_terms=ENGINE_TERMS,
                    alpha: float | None = None, n_splits: int = 5,
                    info: dict | None = None, scheme_marks=None,
                    margin=None, texts: Sequence[str] | None = None,
                    vocabulary_weights=VOCABULARY_WEIGHTS) -> tuple[Calibration, dict]:
    """Fit a calibration on all rows and measure it by question-group cross-validation.

    Returns the calibration and a report: cross-validated predictions and metrics of the
    main and fallback models (hyper-parameters chosen by nested CV inside each fold) and the
    ridge strength chosen on all rows for the shipped model. With `scheme_marks` (each row's
    marks before calibration, e.g. `Grading.scheme_marks`) and `margin` (one, or one per
    row) every out-of-fold prediction is capped as grading caps it, and the ridge strengths
    are chosen on the capped marks. With the answers' `texts` the main model may also learn
    a vocabulary (`vocabulary.Vocabulary`), its weight among `vocabulary_weights` chosen the
    same way (0: none); `vocabulary_weights=(0.0,)` keeps it out."""
    from .metrics import metrics

    features = list(features)
    scores = np.asarray(scores, dtype=float)
    require_differing_marks(scores)
    groups = np.asarray(groups)
    clip = (0.0, float(max_score))
    # rows that say they are no answer get 0 by rule; they would only bend the line
    exclude = np.array([f.get("non_answer", 0.0) > 0.5 for f in features])
    report: dict = {"rows": len(scores), "questions": int(len(np.unique(groups))),
                    "folds": min(n_splits, int(len(np.unique(groups))))}
    cap = None
    if scheme_marks is not None:
        if margin is None:
            from .settings import DEFAULT_SETTINGS

            margin = DEFAULT_SETTINGS.calibration_margin
        cap = _cap_arrays((scheme_marks, margin), len(scores))
    models = []
    for label, model_terms in (("model", terms), ("fallback", fallback_terms)):
        if not model_terms:
            continue
        words = texts if label == "model" else None
        weights = tuple(vocabulary_weights) if words is not None else (0.0,)
        cv = cross_val_predict(features, scores, groups, model_terms, alpha=alpha,
                               n_splits=n_splits, exclude=exclude, clip=clip, cap=cap,
                               texts=words, vocabulary_weight=None if len(weights) > 1
                               else weights[0], vocabulary_weights=weights)
        chosen, weight = choose_strengths(
            features, scores, groups, model_terms, n_splits=n_splits, exclude=exclude,
            clip=clip, cap=cap, texts=words, alphas=ALPHAS if alpha is None else (alpha,),
            vocabulary_weights=weights)
        models.append(fit_linear(features, scores, model_terms, alpha=chosen,
                                 exclude=exclude, texts=words, vocabulary_weight=weight))
        m = metrics(cv, scores)
        report[label] = {"alpha": chosen, "vocabulary_weight": weight, "cv_predicted": cv,
                         "cv": {"pearson": m.pearson, "spearman": m.spearman,
                                "rmse": m.rmse, "qwk": m.qwk, "n": m.n}}
    info = dict(info or {})
    info.setdefault("fitted", date.today().isoformat())
    info["rows"] = report["rows"]
    info["questions"] = report["questions"]
    info["cross_validation"] = {
        label: {"folds": report["folds"], "split": "by question (group k-fold)",
                "alpha": "chosen by nested group cross-validation inside each fold",
                "capped": "yes: each out-of-fold mark at most the scheme's marks + "
                          "calibration_margin x max marks" if cap is not None else "no",
                **report[label]["cv"]}
        for label in ("model", "fallback") if label in report}
    info["alpha"] = {label: report[label]["alpha"] for label in ("model", "fallback")
                     if label in report}
    if texts is not None and "model" in report:
        info["vocabulary"] = {
            "weight": report["model"]["vocabulary_weight"],
            "tried": list(vocabulary_weights),
            "chosen": "by nested group cross-validation inside each fold, like the ridge "
                      "strength (0: no vocabulary)",
            "terms": len(models[0].vocabulary.terms) if models[0].vocabulary else 0}
    if cap is not None:
        info["calibration_margin"] = sorted(set(float(m) for m in cap[1]))
    calibration = Calibration(name=name, models=tuple(models), max_score=float(max_score),
                              clip=clip, bare_list_share=BARE_LIST_SHARE, info=info)
    if texts is not None:
        forget_fitting()
    return calibration, report
