"""Attempts and drafts in one SQLite database: WAL mode, `PRAGMA user_version` as the schema
version, migrations as an ordered list.

Every write commits before it returns (synchronous=FULL), so an attempt the server has
acknowledged survives the process being killed. A database that is not ours, is damaged or
was written by a newer version raises `StoreError` with one clear line.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import EvaluatorError

#: migration N (1-based) brings a database from schema N-1 to N; never edit one, add one
MIGRATIONS: tuple[str, ...] = (
    # 1: the attempts, each with its evaluation (JSON) and its rendered feedback
    """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        question TEXT NOT NULL,
        created TEXT NOT NULL,
        seconds INTEGER,
        words INTEGER NOT NULL,
        marks REAL NOT NULL,
        max_marks INTEGER NOT NULL,
        text TEXT NOT NULL,
        evaluation TEXT NOT NULL,
        feedback TEXT NOT NULL
    );
    CREATE INDEX attempts_by_question ON attempts (question, id);
    """,
    # 2: what the question was (paper, directive) and where the answer came from
    """
    ALTER TABLE attempts ADD COLUMN paper TEXT NOT NULL DEFAULT '';
    ALTER TABLE attempts ADD COLUMN directive TEXT NOT NULL DEFAULT '';
    ALTER TABLE attempts ADD COLUMN source TEXT NOT NULL DEFAULT 'typed';
    """,
    # 3: drafts autosaved while writing, one a question
    """
    CREATE TABLE drafts (
        question TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
_SQLITE_INTEGER = 2 ** 63 - 1   #: the largest INTEGER SQLite stores


class StoreError(EvaluatorError):
    """The database cannot be used; the message names the file and says why."""


@dataclass(frozen=True)
class Attempt:
    id: int
    question: str
    created: str            #: ISO 8601, UTC
    seconds: int | None     #: time taken, when known
    words: int
    marks: float
    max_marks: int
    text: str
    paper: str
    directive: str
    source: str             #: "typed", or the uploaded file's name
    evaluation: dict
    feedback: str           #: the report body (HTML), rendered when it was graded

    @property
    def share(self) -> float:
        return self.marks / self.max_marks if self.max_marks else 0.0

    def summary(self) -> dict:
        """The attempt without its text, evaluation and feedback (lists, CSV)."""
        return {"id": self.id, "question": self.question, "created": self.created,
                "seconds": self.seconds, "words": self.words, "marks": self.marks,
                "max_marks": self.max_marks, "paper": self.paper,
                "directive": self.directive, "source": self.source}

    def to_dict(self) -> dict:
        return {**self.summary(), "text": self.text, "evaluation": self.evaluation}


@dataclass(frozen=True)
class Draft:
    question: str
    text: str
    updated: str


_COLUMNS = ("id, question, created, seconds, words, marks, max_marks, text, paper, directive, "
            "source, evaluation, feedback")


class Store:
    """The database of one data folder. Safe to share between threads (one connection,
    one lock: SQLite writes one at a time anyway)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.upgraded_from: int | None = None
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False,
                                       isolation_level=None, timeout=30)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot be opened as a database ({exc})") from None
        try:
            self._prepare()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{self.path}: is not a usable practice database ({exc}); "
                             "move it away to start a new one") from None
        except StoreError:
            self._db.close()
            raise

    def _prepare(self) -> None:
        db = self._db
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: was written by a newer version of answer-evaluator (schema "
                f"{version}; this version knows up to {SCHEMA_VERSION}); upgrade "
                "answer-evaluator to open it")
        if version == 0:
            tables = [row[0] for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")]
            if tables:
                raise StoreError(f"{self.path}: is an SQLite database of something else "
                                 f"(tables: {', '.join(sorted(tables))}); it was left as it is")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{self.path}: cannot use write-ahead logging (journal mode "
                             f"stays {mode}); put the data folder on a local disk")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        if version < SCHEMA_VERSION:
            self.upgraded_from = version if version else None
            for number in range(version + 1, SCHEMA_VERSION + 1):
                db.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _statements(MIGRATIONS[number - 1]):
                        db.execute(statement)
                    db.execute(f"PRAGMA user_version = {number}")
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
        self._check_columns()

    def _check_columns(self) -> None:
        """A database that claims our schema but lacks our columns is damaged."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(attempts)")}
        missing = [c.strip() for c in _COLUMNS.split(",") if c.strip() not in columns]
        if missing:
            raise StoreError(f"{self.path}: says schema {SCHEMA_VERSION} but its attempts "
                             f"table lacks {', '.join(missing)}; it was left as it is")

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self._db.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ----------------------------------------------------------------- attempts

    def add(self, *, question: str, seconds: int | None, words: int, marks: float,
            max_marks: int, text: str, evaluation: dict, feedback: str, paper: str = "",
            directive: str = "", source: str = "typed") -> Attempt:
        """Record an attempt (committed when this returns) and drop the question's draft."""
        created = now()
        payload = json.dumps(evaluation, ensure_ascii=False)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                cursor = self._db.execute(
                    "INSERT INTO attempts (question, created, seconds, words, marks, max_marks,"
                    " text, paper, directive, source, evaluation, feedback) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (question, created, seconds, words, marks, max_marks, text, paper,
                     directive, source, payload, feedback))
                self._db.execute("DELETE FROM drafts WHERE question = ?", (question,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return Attempt(cursor.lastrowid, question, created, seconds, words, marks, max_marks,
                       text, paper, directive, source, evaluation, feedback)

    def get(self, attempt_id: int) -> Attempt | None:
        if not _storable(attempt_id):
            return None
        rows = self._select("WHERE id = ?", (attempt_id,))
        return rows[0] if rows else None

    def attempts(self, question: str | None = None, *, text: bool = True,
                 evaluation: bool = True) -> list[Attempt]:
        """Every attempt (or a question's), oldest first; without `text` their text and
        feedback are left out (""), without `evaluation` their evaluation ({}): lists and
        figures need neither, and they are most of an attempt's size."""
        if question is None:
            return self._select("ORDER BY id", (), text=text, evaluation=evaluation)
        return self._select("WHERE question = ? ORDER BY id", (question,), text=text,
                            evaluation=evaluation)

    def previous(self, attempt: Attempt) -> Attempt | None:
        """The attempt at the same question just before `attempt`."""
        rows = self._select("WHERE question = ? AND id < ? ORDER BY id DESC LIMIT 1",
                            (attempt.question, attempt.id))
        return rows[0] if rows else None

    def delete(self, attempt_id: int) -> bool:
        if not _storable(attempt_id):
            return False
        with self._lock:
            cursor = self._db.execute("DELETE FROM attempts WHERE id = ?", (attempt_id,))
        return cursor.rowcount > 0

    def _select(self, where: str, values: tuple, *, text: bool = True,
                evaluation: bool = True) -> list[Attempt]:
        columns = _COLUMNS
        if not text:
            columns = columns.replace("text,", "'',").replace("feedback", "''")
        if not evaluation:
            columns = columns.replace("evaluation,", "'{}',")
        with self._lock:
            rows = self._db.execute(f"SELECT {columns} FROM attempts {where}",
                                    values).fetchall()
        return [_attempt(row) for row in rows]

    # ------------------------------------------------------------------- drafts

    def save_draft(self, question: str, text: str) -> Draft:
        updated = now()
        with self._lock:
            self._db.execute(
                "INSERT INTO drafts (question, text, updated) VALUES (?, ?, ?) "
                "ON CONFLICT (question) DO UPDATE SET text = excluded.text, "
                "updated = excluded.updated", (question, text, updated))
        return Draft(question, text, updated)

    def draft(self, question: str) -> Draft | None:
        with self._lock:
            row = self._db.execute("SELECT question, text, updated FROM drafts WHERE "
                                   "question = ?", (question,)).fetchone()
        return Draft(*row) if row else None


def _storable(attempt_id: int) -> bool:
    """Whether SQLite can hold `attempt_id` (a larger id, from a URL, is no attempt's)."""
    return -_SQLITE_INTEGER <= attempt_id <= _SQLITE_INTEGER


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _attempt(row) -> Attempt:
    (id_, question, created, seconds, words, marks, max_marks, text, paper, directive, source,
     evaluation, feedback) = row
    return Attempt(id_, question, created, seconds, words, marks, max_marks, text, paper,
                   directive, source, json.loads(evaluation), feedback)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
