"""Where rubrics come from: the question library.

Rubrics are looked up, in this order, in

1. the folders the user names: `--rubrics-dir DIR` (repeatable), then the folders of the
   environment variable ANSWER_EVALUATOR_RUBRICS (separated by `os.pathsep`);
2. `./rubrics`, when the folder the command runs in has one;
3. the shipped library, installed with the package (`answer_evaluator/library/`, built from
   the repository's top-level rubrics/ folder; in a source checkout, that folder itself).

A rubric's id is its file name without `.toml`. The first folder that has an id wins: a
user's rubric with the same id as a shipped one overrides it, with a notice (unless the two
files are identical, as when the shipped folder was copied).

Listing the library reads only each file's top-level fields (about 0.1 ms a file; full
validation costs about 5 ms a file); a rubric is validated in full when it is loaded, and a
file whose top-level fields are unusable is left out of the list with a notice naming the
file and the problem. Nothing here imports scikit-learn or NLTK.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from . import toml_text
from .errors import FileProblem, RubricError, RubricNotFound, did_you_mean, read_utf8
from .models import Rubric

ENV_VAR = "ANSWER_EVALUATOR_RUBRICS"
LOCAL_FOLDER = "rubrics"
ORIGINS = ("user", "local", "shipped")

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_TABLE = re.compile(r"^\[", re.MULTILINE)     # the first table ends the top-level fields
#: Minutes an exam allows a question: three hours for a 250-mark paper.
MINUTES_PER_MARK = 180 / 250


@dataclass(frozen=True)
class Question:
    """One entry of the library: a rubric's question and what a candidate needs to know."""

    rubric_id: str
    question: str
    paper: str
    max_marks: int
    word_limit: int
    directive: str
    year: int | None
    source: str
    topic: str
    path: Path
    origin: str          #: "shipped", "local" (./rubrics) or "user" (--rubrics-dir / env)

    @property
    def exam_minutes(self) -> int:
        """The time an exam allows: about 7 minutes for 10 marks, 11 for 15."""
        return max(1, round(self.max_marks * MINUTES_PER_MARK))

    @property
    def kind(self) -> str:
        """'previous-year' for a question set in an exam (it has a year), else 'practice'."""
        return "previous-year" if self.year is not None else "practice"

    def to_dict(self) -> dict:
        return {"id": self.rubric_id, "question": self.question, "paper": self.paper,
                "max_marks": self.max_marks, "word_limit": self.word_limit,
                "directive": self.directive, "year": self.year, "kind": self.kind,
                "source": self.source, "topic": self.topic,
                "exam_minutes": self.exam_minutes, "path": str(self.path),
                "origin": self.origin}


def shipped_folder() -> Path | None:
    """The rubrics installed with the package, or, in a source checkout (an editable
    install), the repository's rubrics/ folder; None if neither is there."""
    here = Path(__file__).resolve().parent
    installed = here / "library"
    if installed.is_dir():
        return installed
    checkout = here.parent.parent              # src/answer_evaluator -> the repository
    if (checkout / "pyproject.toml").is_file() and (checkout / LOCAL_FOLDER).is_dir():
        return checkout / LOCAL_FOLDER
    return None


def in_installed_library(path: Path | str) -> bool:
    """Whether `path` is inside the library installed with the package (site-packages, a
    place no command should write to); False in a source checkout."""
    installed = Path(__file__).resolve().parent / "library"
    return installed.is_dir() and _real(Path(path)).is_relative_to(installed)


def looks_like_path(value: str) -> bool:
    """A --rubric value meant as a file rather than an id."""
    return (value.endswith(".toml") or "/" in value or "\\" in value
            or Path(value).is_file())


@dataclass
class _Folder:
    path: Path           #: where to read
    shown: str           #: how messages name it
    origin: str


class Catalogue:
    """The rubrics found in the lookup folders, by id; see the module's docstring."""

    def __init__(self, questions: Iterable[Question] = (), notices: Iterable[str] = (),
                 problems: Iterable[str] = (), folders: Iterable[str] = ()):
        self.questions: tuple[Question, ...] = tuple(sorted(questions, key=_order))
        self.notices: tuple[str, ...] = tuple(notices)
        #: the notices that are problems (a file left out), the others being overrides
        self.problems: tuple[str, ...] = tuple(problems)
        self.folders: tuple[str, ...] = tuple(folders)   #: the folders looked in, in order
        self._by_id = {q.rubric_id: q for q in self.questions}
        self._loaded: dict[str, Rubric] = {}
        self._by_path: dict[Path, Rubric] = {}
        #: rubric id -> why it could not be loaded, for the rubrics `rubrics()` left out
        self.failed: dict[str, str] = {}

    # ------------------------------------------------------------------------ discovery

    @classmethod
    def discover(cls, dirs: Iterable[str | Path] = (), *, env: Mapping[str, str] | None = None,
                 cwd: str | Path | None = None) -> "Catalogue":
        """The catalogue of the folders `dirs` (as --rubrics-dir gives them), the
        ANSWER_EVALUATOR_RUBRICS folders of `env` (default os.environ), `cwd`/rubrics
        (default: the current folder's) and the shipped library.

        A folder named in `dirs` that does not exist is an error (RubricChoiceError); one
        named in the environment is a notice."""
        from .errors import RubricChoiceError

        env = os.environ if env is None else env
        base = Path.cwd() if cwd is None else Path(cwd)
        folders: list[_Folder] = []
        notices: list[str] = []
        problems: list[str] = []

        def problem(text: str) -> None:
            notices.append(text)
            problems.append(text)

        for given in dirs:
            path = _under(base, given)
            if not path.is_dir():
                raise RubricChoiceError(f"{given}: no such folder (given with --rubrics-dir)"
                                        if not path.exists() else
                                        f"{given}: is a file, not a folder of rubrics "
                                        "(--rubrics-dir)")
            folders.append(_Folder(path, str(given), "user"))
        for part in env.get(ENV_VAR, "").split(os.pathsep):
            if not part.strip():
                continue
            path = _under(base, part)
            if not path.is_dir():
                problem(f"{part}: no such folder (named in {ENV_VAR}; ignored)")
                continue
            folders.append(_Folder(path, part, "user"))
        local = base / LOCAL_FOLDER
        if local.is_dir():
            folders.append(_Folder(local, LOCAL_FOLDER, "local"))
        shipped = shipped_folder()
        shipped_real = _real(shipped) if shipped is not None else None
        if shipped is not None:
            folders.append(_Folder(shipped, "the shipped library", "shipped"))

        seen_folders: set[Path] = set()
        found: dict[str, tuple[Question, _Folder]] = {}
        looked: list[str] = []
        for folder in folders:
            real = _real(folder.path)
            if real in seen_folders:
                continue
            seen_folders.add(real)
            if real == shipped_real:
                folder.origin = "shipped"    # ./rubrics of the repository is the library
            looked.append(folder.shown)
            files = sorted(folder.path.glob("*.toml"))
            if not files and folder.origin == "user":
                problem(f"{folder.shown}: no rubric files (*.toml) found")
            for path in files:
                shown = _shown(folder, path)
                rubric_id = path.stem
                if rubric_id in found:
                    winner, where = found[rubric_id]
                    if not _same_file(winner.path, path):
                        whose = (f"the shipped rubric '{rubric_id}'"
                                 if folder.origin == "shipped"
                                 else f"{shown} (rubric '{rubric_id}')")
                        notices.append(f"{_shown(where, winner.path)} overrides {whose}")
                    continue
                try:
                    question = read_question(path, folder.origin)
                except RubricError as exc:
                    problem(f"{_with_shown(exc, path, shown)} (rubric skipped)")
                    continue
                found[rubric_id] = (question, folder)
        return cls((q for q, _ in found.values()), notices, problems, looked)

    # ------------------------------------------------------------------------ lookups

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(q.rubric_id for q in self.questions)

    def __len__(self) -> int:
        return len(self.questions)

    def __contains__(self, rubric_id: object) -> bool:
        return rubric_id in self._by_id

    def find(self, id_or_path: str) -> Question:
        """The question of a rubric id, or of a rubric file (a path, outside the library
        or in it). An unknown id raises RubricNotFound, with "did you mean"; a path that
        is not a usable rubric raises RubricError."""
        value = str(id_or_path).strip()
        if value in self._by_id:
            return self._by_id[value]
        if looks_like_path(value):
            path = Path(value)
            real = _real(path)
            for question in self.questions:
                if _real(question.path) == real:
                    return question
            return read_question(path, "user")
        raise RubricNotFound(self._not_found(value))

    def load(self, rubric_id: str) -> Rubric:
        """The validated Rubric of an id of the library (each is loaded once); RubricError
        (file and problem) if it does not validate, RubricNotFound if there is no such id."""
        if rubric_id in self._loaded:
            return self._loaded[rubric_id]
        question = self._by_id.get(rubric_id)
        if question is None:
            raise RubricNotFound(self._not_found(rubric_id))
        rubric = self._load_path(question.path)
        self._loaded[rubric_id] = rubric
        return rubric

    def get(self, id_or_path: str) -> Rubric:
        """The Rubric of an id (from the library) or of a rubric file."""
        value = str(id_or_path).strip()
        if value in self._by_id:
            return self.load(value)
        question = self.find(value)
        if question.rubric_id in self._by_id and question is self._by_id[question.rubric_id]:
            return self.load(question.rubric_id)
        return self._load_path(question.path)

    def rubrics(self) -> list[Rubric]:
        """Every rubric of the library that validates, in the order of `questions`; those
        that do not are left out, with the reason in `failed`."""
        loaded = []
        for question in self.questions:
            try:
                loaded.append(self.load(question.rubric_id))
            except RubricError as exc:
                self.failed[question.rubric_id] = str(exc)
        return loaded

    def filter(self, *, paper: str | None = None, directive: str | None = None,
               marks: int | None = None, search: str | None = None) -> list[Question]:
        """The questions matching every filter given: paper ('GS-II', 'gs2', 'II', '2'),
        directive ('critically analyse'), marks, and words of `search` (all of them, in the
        question, id, topic or source; case does not matter)."""
        from .directives import normalise_directive

        wanted_paper = normalise_paper(paper) if paper else None
        wanted_directive = normalise_directive(directive) if directive else None
        words = (search or "").casefold().split()
        chosen = []
        for q in self.questions:
            if wanted_paper is not None and normalise_paper(q.paper) != wanted_paper:
                continue
            if wanted_directive is not None and q.directive != wanted_directive:
                continue
            if marks is not None and q.max_marks != marks:
                continue
            if words:
                haystack = " ".join([q.question, q.rubric_id, q.topic, q.source,
                                     str(q.year or "")]).casefold()
                if not all(w in haystack for w in words):
                    continue
            chosen.append(q)
        return chosen

    # ------------------------------------------------------------------------ helpers

    def _load_path(self, path: Path) -> Rubric:
        key = _real(path)
        if key not in self._by_path:
            from .rubric import load_rubric

            self._by_path[key] = load_rubric(path)
        return self._by_path[key]

    def _not_found(self, value: str) -> str:
        where = ", ".join(self.folders) if self.folders else "no rubric folders"
        hint = _suggest(value, self.ids)
        return (f"there is no rubric '{value}' in the library ({where}){hint}; "
                "'evaluate questions' lists them")


def read_question(path: Path | str, origin: str = "user") -> Question:
    """The library entry of one rubric file, from its top-level fields only; RubricError
    (the full loader's own message, naming the file and the problem) if they are unusable."""
    path = Path(path)
    try:
        text = read_utf8(path, kind="rubric file")
    except FileProblem as problem:
        raise RubricError(path, problem.problem, line=problem.line) from None
    data = _top_fields(text)
    question = _question(data, path, origin) if data is not None else None
    if question is None:
        # Something is wrong with the top-level fields: the loader says what, and where.
        from .rubric import parse_rubric

        rubric = parse_rubric(text, path=path)
        question = _from_rubric(rubric, path, origin)
    return question


def normalise_paper(paper: str) -> str:
    """'gs2', 'GS II', 'ii', '2' -> 'GS-II'; other papers as written, in capitals."""
    key = re.sub(r"[\s_-]+", "", paper.strip().upper())
    key = key[2:] if key.startswith("GS") else key
    romans = {"1": "I", "2": "II", "3": "III", "4": "IV"}
    key = romans.get(key, key)
    if key in ("I", "II", "III", "IV"):
        return f"GS-{key}"
    return paper.strip().upper()


def _top_fields(text: str) -> dict | None:
    """The top-level fields of a rubric's TOML (read up to its first table), or None."""
    cut = _TABLE.search(text)
    for chunk in ((text[:cut.start()], text) if cut else (text,)):
        try:
            return toml_text.loads(chunk)
        except toml_text.TOMLDecodeError:
            continue
    return None


def _question(data: dict, path: Path, origin: str) -> Question | None:
    """The Question of well-formed top-level fields, or None for the loader to explain."""
    from .directives import DIRECTIVES, normalise_directive
    from .models import default_word_limit
    from .rubric import default_directive

    rubric_id, question = data.get("id"), data.get("question")
    marks, year = data.get("max_marks"), data.get("year")
    directive = data.get("directive", default_directive(question)
                         if isinstance(question, str) else None)
    limit = data.get("word_limit", default_word_limit(marks) if _whole(marks) else None)
    texts = [data.get(k, "") for k in ("paper", "topic", "source")]
    if not (isinstance(rubric_id, str) and _ID.match(rubric_id) and rubric_id == path.stem
            and isinstance(question, str) and question.strip()
            and isinstance(directive, str) and normalise_directive(directive) in DIRECTIVES
            and _whole(limit) and limit > 0 and _whole(marks) and marks > 0
            and (year is None or (_whole(year) and 1979 <= year <= 2100))
            and all(isinstance(t, str) for t in texts)):
        return None
    return Question(rubric_id=rubric_id, question=" ".join(question.split()),
                    paper=texts[0], max_marks=marks, word_limit=limit,
                    directive=normalise_directive(directive), year=year, source=texts[2],
                    topic=texts[1], path=path, origin=origin)


def _from_rubric(rubric: Rubric, path: Path, origin: str) -> Question:
    return Question(rubric_id=rubric.rubric_id, question=rubric.question, paper=rubric.paper,
                    max_marks=rubric.max_marks, word_limit=rubric.word_limit,
                    directive=rubric.directive, year=rubric.year, source=rubric.source,
                    topic=rubric.topic, path=path, origin=origin)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _order(question: Question):
    paper = question.paper.upper()
    return (paper == "", paper, question.rubric_id)


def _suggest(value: str, ids: Iterable[str]) -> str:
    """' (did you mean X?)': the closest id, or the one id that contains what was typed."""
    ids = list(ids)
    hint = did_you_mean(value, ids)
    if hint:
        return hint
    lowered = value.casefold()
    containing = [i for i in ids if lowered and lowered in i]
    if len(containing) == 1:
        return f" (did you mean '{containing[0]}'?)"
    return ""


def _under(base: Path, given: str | Path) -> Path:
    path = Path(os.path.expanduser(str(given).strip()))
    return path if path.is_absolute() else base / path


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def _same_file(first: Path, second: Path) -> bool:
    """The same file, or two files with the same bytes (a copy of the shipped folder)."""
    if _real(first) == _real(second):
        return True
    try:
        return first.read_bytes() == second.read_bytes()
    except OSError:
        return False


def _shown(folder: _Folder, path: Path) -> str:
    if folder.origin == "shipped":
        return f"the shipped {path.name}"
    return os.path.join(folder.shown, path.name)


def _with_shown(exc: RubricError, path: Path, shown: str) -> str:
    """The loader's message with the file named as the user named its folder."""
    text = str(exc)
    full = str(path)
    return shown + text[len(full):] if text.startswith(full) else text
