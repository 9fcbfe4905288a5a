"""The questions the studio offers: the rubric catalogue, behind one small adapter.

`open_library(dirs)` gives a `Library`: `questions` (the catalogue's question records:
rubric_id, question, paper, max_marks, word_limit, directive, year, source, topic, path,
origin, exam_minutes), `find(id)` (a question by its id only: never a path, since ids come
from URLs) and `load(id) -> Rubric`.
"""

from __future__ import annotations

import threading


class Library:
    def __init__(self, source):
        self._source = source
        self.questions = tuple(source.questions)
        self.notices = tuple(getattr(source, "notices", ()))
        self._by_id = {q.rubric_id: q for q in self.questions}
        self._lock = threading.Lock()

    def find(self, rubric_id: str):
        """The question with this id, or None."""
        return self._by_id.get(rubric_id)

    def load(self, rubric_id: str):
        """The question's rubric (loaded once; RubricError if it does not validate)."""
        with self._lock:
            return self._source.load(rubric_id)


def open_library(dirs: list[str] | None = None) -> Library:
    """The catalogue of `dirs` (--rubrics-dir), then the catalogue's own folders."""
    from ..catalogue import Catalogue

    return Library(Catalogue.discover(dirs or ()))
