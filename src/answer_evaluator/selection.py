"""Choose the rubric an answer was written for, when the user did not name one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import RubricChoiceError
from .models import Rubric

MIN_SIMILARITY = 0.08   #: below this no rubric fits the answer


@dataclass(frozen=True)
class RubricChoice:
    rubric: Rubric
    similarity: float
    margin: float       #: lead over the runner-up, relative to the best (0..1)
    reason: str         #: plain words, shown to the user
    problems: tuple[str, ...] = ()   #: rubric files of the folder that could not be used


class RubricIndex:
    """Every rubric of a folder in one TF-IDF space, fitted once, queried per answer.

    `RubricIndex(rubrics)` fits it on loaded rubrics (a batch, which needs them all anyway);
    `RubricIndex.of_catalogue(catalogue)` takes it from the disk cache (index_cache.py) when
    no rubric file has changed, and then loads only the rubric it chooses."""

    def __init__(self, rubrics: list[Rubric]):
        self._rubrics = {r.rubric_id: r for r in rubrics}
        self.ids = tuple(r.rubric_id for r in rubrics)
        self._load = self._rubrics.__getitem__
        self.vectorizer = _vectorizer()
        self.matrix = self.vectorizer.fit_transform([_document(r) for r in rubrics])

    @classmethod
    def of_catalogue(cls, catalogue, *, env=None) -> tuple["RubricIndex", tuple[str, ...]]:
        """The index of a catalogue.Catalogue's usable rubrics and the problems of those
        that are not (as `usable_rubrics` gives them), from the cache when it holds them."""
        from . import index_cache

        # the folders as named too: the problems' messages name files by them
        key = index_cache.fingerprint([q.path for q in catalogue.questions],
                                      extra=catalogue.folders)
        cached = index_cache.load(key, env)
        if cached is not None and cached["ids"]:
            catalogue.failed.update(cached["failed"])
            return cls._from_cache(cached, catalogue.load), _problems(catalogue)
        rubrics, problems = usable_rubrics(catalogue)
        index = cls(rubrics)
        index_cache.save(key, ids=index.ids, failed=catalogue.failed,
                         vocabulary=index.vectorizer.vocabulary_,
                         idf=index.vectorizer.idf_, matrix=index.matrix, env=env)
        return index, problems

    @classmethod
    def _from_cache(cls, cached: dict, load) -> "RubricIndex":
        index = cls.__new__(cls)
        index._rubrics = {}
        index.ids = tuple(cached["ids"])
        index._load = load
        index.vectorizer = _vectorizer()
        index.vectorizer.vocabulary_ = cached["vocabulary"]
        index.vectorizer.idf_ = cached["idf"]
        index.matrix = cached["matrix"]
        return index

    @property
    def rubrics(self) -> list[Rubric]:
        """Every rubric of the index, loaded."""
        return [self.rubric(i) for i in range(len(self.ids))]

    def rubric(self, i: int) -> Rubric:
        """The i-th rubric of the index (loaded on first use when the index came from the
        cache)."""
        rubric_id = self.ids[i]
        if rubric_id not in self._rubrics:
            self._rubrics[rubric_id] = self._load(rubric_id)
        return self._rubrics[rubric_id]

    def choose(self, text: str) -> RubricChoice:
        if len(self.ids) == 1:
            return RubricChoice(self.rubric(0), 1.0, 1.0, "the only rubric")
        scores = (self.vectorizer.transform([text]) @ self.matrix.T).toarray()[0]
        order = scores.argsort()[::-1]
        best, second = float(scores[order[0]]), float(scores[order[1]])
        if best < MIN_SIMILARITY:
            names = ", ".join(self.ids)
            raise RubricChoiceError(
                f"no rubric fits this answer (best match '{self.ids[order[0]]}' "
                f"at similarity {best:.2f}); name one with --rubric (available: {names})")
        margin = (best - second) / best if best else 0.0
        sure = "sure" if margin >= 0.5 else "fairly sure" if margin >= 0.25 else "unsure"
        reason = (f"chosen automatically, {sure}: similarity {best:.2f}, next best "
                  f"'{self.ids[order[1]]}' {second:.2f}")
        return RubricChoice(self.rubric(int(order[0])), best, margin, reason)


def usable_rubrics(catalogue) -> tuple[list[Rubric], tuple[str, ...]]:
    """The rubrics of a catalogue.Catalogue that load, and why the others do not (each
    rubric of its list that fails validation; the files it left out are its `problems`);
    an error only when none loads."""
    rubrics = catalogue.rubrics()
    problems = _problems(catalogue)
    if not rubrics:
        where = ", ".join(catalogue.folders) or "no rubric folder"
        every = tuple(catalogue.problems) + problems
        detail = "; ".join(every) if every else "no rubric files (*.toml) found"
        raise RubricChoiceError(f"no rubric to choose from ({where}): {detail}; name one "
                                "with --rubric")
    return rubrics, problems


def _vectorizer():
    """The TF-IDF space of the index, unfitted."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from .similarity import word_features

    return TfidfVectorizer(analyzer=word_features, sublinear_tf=True)


def _problems(catalogue) -> tuple[str, ...]:
    return tuple(f"{message} (rubric skipped)" for message in catalogue.failed.values())


def choose_rubric(text: str, folder: Path | str | None = None, *,
                  catalogue=None) -> RubricChoice:
    """The rubric most similar to the answer `text`, among the `catalogue`'s rubrics
    (default: those of `folder`, ./rubrics and the shipped library, catalogue.py); rubric
    files that do not load are skipped and reported in `problems`."""
    from dataclasses import replace

    if catalogue is None:
        from .catalogue import Catalogue

        catalogue = Catalogue.discover([folder] if folder is not None else [])
    index, problems = RubricIndex.of_catalogue(catalogue)
    return replace(index.choose(text), problems=tuple(catalogue.problems) + problems)


def _document(rubric: Rubric) -> str:
    keywords = " ".join(f for d in rubric.dimensions for g in d.keywords for f in g.forms)
    return " ".join([rubric.question, rubric.question, keywords,
                     " ".join(p.text for p in rubric.points)])
