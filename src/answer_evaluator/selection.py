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
    """Every rubric of a folder in one TF-IDF space, fitted once, queried per answer."""

    def __init__(self, rubrics: list[Rubric]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        from .similarity import word_features

        self.rubrics = rubrics
        documents = [_document(r) for r in rubrics]
        self.vectorizer = TfidfVectorizer(analyzer=word_features, sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform(documents)

    def choose(self, text: str) -> RubricChoice:
        if len(self.rubrics) == 1:
            return RubricChoice(self.rubrics[0], 1.0, 1.0, "the only rubric")
        scores = (self.vectorizer.transform([text]) @ self.matrix.T).toarray()[0]
        order = scores.argsort()[::-1]
        best, second = float(scores[order[0]]), float(scores[order[1]])
        if best < MIN_SIMILARITY:
            names = ", ".join(r.rubric_id for r in self.rubrics)
            raise RubricChoiceError(
                f"no rubric fits this answer (best match '{self.rubrics[order[0]].rubric_id}' "
                f"at similarity {best:.2f}); name one with --rubric (available: {names})")
        margin = (best - second) / best if best else 0.0
        sure = "sure" if margin >= 0.5 else "fairly sure" if margin >= 0.25 else "unsure"
        reason = (f"chosen automatically, {sure}: similarity {best:.2f}, next best "
                  f"'{self.rubrics[order[1]].rubric_id}' {second:.2f}")
        return RubricChoice(self.rubrics[order[0]], best, margin, reason)


def usable_rubrics(catalogue) -> tuple[list[Rubric], tuple[str, ...]]:
    """The rubrics of a catalogue.Catalogue that load, and why the others do not (each
    rubric of its list that fails validation; the files it left out are its `problems`);
    an error only when none loads."""
    rubrics = catalogue.rubrics()
    problems = tuple(f"{message} (rubric skipped)" for message in catalogue.failed.values())
    if not rubrics:
        where = ", ".join(catalogue.folders) or "no rubric folder"
        every = tuple(catalogue.problems) + problems
        detail = "; ".join(every) if every else "no rubric files (*.toml) found"
        raise RubricChoiceError(f"no rubric to choose from ({where}): {detail}; name one "
                                "with --rubric")
    return rubrics, problems


def choose_rubric(text: str, folder: Path | str | None = None, *,
                  catalogue=None) -> RubricChoice:
    """The rubric most similar to the answer `text`, among the `catalogue`'s rubrics
    (default: those of `folder`, ./rubrics and the shipped library, catalogue.py); rubric
    files that do not load are skipped and reported in `problems`."""
    from dataclasses import replace

    if catalogue is None:
        from .catalogue import Catalogue

        catalogue = Catalogue.discover([folder] if folder is not None else [])
    rubrics, problems = usable_rubrics(catalogue)
    return replace(RubricIndex(rubrics).choose(text),
                   problems=tuple(catalogue.problems) + problems)


def _document(rubric: Rubric) -> str:
    keywords = " ".join(f for d in rubric.dimensions for g in d.keywords for f in g.forms)
    return " ".join([rubric.question, rubric.question, keywords,
                     " ".join(p.text for p in rubric.points)])
