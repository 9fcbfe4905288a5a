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
    try:
        from ..catalogue import Catalogue
    except ImportError:          # the catalogue has not landed yet: read the folders
        return Library(_Folders(dirs or ["rubrics"]))
    return Library(Catalogue.discover(dirs or ()))


class _Folders:
    """The rubrics of some folders, as the catalogue gives them (until it lands)."""

    def __init__(self, dirs):
        from dataclasses import dataclass
        from pathlib import Path

        from ..selection import load_folder

        @dataclass(frozen=True)
        class Question:
            rubric_id: str
            question: str
            paper: str
            max_marks: int
            word_limit: int
            directive: str
            year: int | None
            source: str
            topic: str
            path: object
            origin: str

            @property
            def exam_minutes(self) -> int:
                return max(1, round(self.max_marks * 0.72))

        self._rubrics = {}
        for folder in dirs:
            if Path(folder).is_dir():
                for r in load_folder(folder):
                    self._rubrics.setdefault(r.rubric_id, r)
        self.questions = tuple(
            Question(r.rubric_id, r.question, r.paper, r.max_marks, r.word_limit, r.directive,
                     r.year, r.source, r.topic, r.path, "user") for r in self._rubrics.values())

    def load(self, rubric_id: str):
        return self._rubrics[rubric_id]
