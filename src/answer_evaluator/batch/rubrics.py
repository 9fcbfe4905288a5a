"""The rubric of each answer: a `Rubric: <id>` first line, the nearest evaluate.toml, and
the rubrics of the catalogue loaded by id when first named; `choose_for_answer` decides,
for a batch and for a single file alike."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from ..errors import EvaluatorError, RubricChoiceError, RubricError, did_you_mean
from ..models import Answer, Rubric

if TYPE_CHECKING:
    from ..catalogue import Catalogue

FOLDER_CONFIG = "evaluate.toml"
_RUBRIC_LINE = re.compile(
    r"^[#*_\s]*rubric[*_\s]*:[*_\s]*([A-Za-z0-9][A-Za-z0-9_.-]*?)(?:\.toml)?[*_\s]*$",
    re.IGNORECASE)
#: A first line that opens "Rubric:" but names no id ("Rubric: ../x.toml"): it is warned of.
_RUBRIC_LINE_LOOSE = re.compile(r"^[#*_\s]*rubric[*_\s]*:(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class FolderRubric:
    """What an evaluate.toml says: a rubric id, or the problem with the file."""

    config: str
    rubric_id: str = ""
    error: str = ""


def folder_rubric(answer: Path, cache: dict[Path, FolderRubric | None]) -> FolderRubric | None:
    """The evaluate.toml nearest to `answer` (its folder, then each folder above), or None."""
    folder = Path(os.path.abspath(answer)).parent
    visited = []
    found = None
    while True:
        if folder in cache:
            found = cache[folder]
            break
        visited.append(folder)
        config = folder / FOLDER_CONFIG
        if config.is_file():
            found = _read_config(config, answer)
            break
        if folder.parent == folder:
            break
        folder = folder.parent
    for each in visited:
        cache[each] = found
    return found


def _read_config(config: Path, answer: Path) -> FolderRubric:
    from .. import toml_text

    shown = _shown(config, answer)
    try:
        data = toml_text.loads(config.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        return FolderRubric(shown, error=f"{shown} cannot be read ({exc})")
    except toml_text.TOMLDecodeError as exc:
        return FolderRubric(shown, error=f"{shown} is not valid TOML: {exc}")
    unknown = [k for k in data if k != "rubric"]
    if unknown:
        return FolderRubric(shown, error=f"{shown}: unknown field '{unknown[0]}'"
                                         f"{did_you_mean(unknown[0], ['rubric'])}; the only "
                                         "field is rubric = \"<rubric id>\"")
    value = data.get("rubric")
    if not isinstance(value, str) or not value.strip():
        return FolderRubric(shown, error=f"{shown} must say rubric = \"<rubric id>\"")
    value = value.strip()
    return FolderRubric(shown, rubric_id=value[:-5] if value.endswith(".toml") else value)


def _shown(config: Path, answer: Path) -> str:
    """The config's path in the same style as the answer's (relative if it was)."""
    if Path(answer).is_absolute():
        return str(config)
    try:
        return os.path.relpath(config)
    except ValueError:
        return str(config)


def rubric_line(text: str) -> tuple[str | None, str]:
    """(rubric id named by a `Rubric: <id>` first line or None, the text without it)."""
    first, _, rest = text.partition("\n")
    found = _RUBRIC_LINE.match(first)
    if not found:
        return None, text
    return found.group(1), rest.strip()


class RubricLibrary:
    """The rubrics of the catalogue (catalogue.py), loaded by id when first named, each
    once; `catalogue` may also be a folder, looked in before ./rubrics and the shipped
    library."""

    def __init__(self, catalogue: "Catalogue | Path | str | None" = None,
                 known: Iterable[Rubric] = ()):
        from ..catalogue import Catalogue

        if not isinstance(catalogue, Catalogue):
            catalogue = Catalogue.discover([catalogue] if catalogue else [])
        self.catalogue = catalogue
        self.rubrics: dict[str, Rubric] = {r.rubric_id: r for r in known}
        self.errors: dict[str, str] = {}

    def get(self, rubric_id: str) -> Rubric:
        """The rubric `rubric_id`; raises RubricChoiceError saying why it cannot be had."""
        if rubric_id in self.rubrics:
            return self.rubrics[rubric_id]
        if rubric_id not in self.errors:
            try:
                self.rubrics[rubric_id] = self.catalogue.load(rubric_id)
                return self.rubrics[rubric_id]
            except (RubricError, RubricChoiceError) as exc:
                self.errors[rubric_id] = str(exc)
        raise RubricChoiceError(self.errors[rubric_id])


def choose_for_answer(path: Path, answer: Answer, *, given: Rubric | None, given_source: str,
                      library: RubricLibrary, folder: FolderRubric | None,
                      choose: Callable[[str], object] | None):
    """The rubric of one answer, the same for a batch and a single file: `given` (--rubric
    or --model-answer) for every answer, else the answer's `Rubric: <id>` first line, else
    its folder's evaluate.toml (`folder`), else `choose(text)` (a selection.RubricChoice;
    None: no automatic choice is possible). Returns (the answer without its `Rubric:`
    line, so that the line is neither graded nor counted, the rubric, how it was chosen:
    {"choice", "source", "confidence"}); raises EvaluatorError saying why there is none."""
    named, rest = rubric_line(answer.text)
    warnings = list(answer.warnings)
    loose = _RUBRIC_LINE_LOOSE.match(answer.text.partition("\n")[0])
    if named is None and loose and loose.group(1).strip():
        warnings.append(f"{path}: the first line 'Rubric:{loose.group(1)}' names no rubric id "
                        "(letters, digits, '-', '_'; a path is not one), so it is graded as "
                        "part of the answer")
    if named is not None:
        if not rest:
            raise EvaluatorError("has only a 'Rubric:' line and no answer text to grade")
        answer = replace(answer, text=rest)
    if given is not None:
        if named is not None and named != given.rubric_id:
            warnings.append(f"{path}: the first line names rubric '{named}', but "
                            f"{given_source} was given; graded against '{given.rubric_id}'")
        how = {"choice": f"given with {given_source}", "source": given_source}
        rubric = given
    elif named is not None:
        try:
            rubric = library.get(named)
        except RubricChoiceError as exc:
            raise EvaluatorError(f"its first line names a rubric that cannot be used: "
                                 f"{exc}") from None
        if folder is not None and folder.rubric_id and folder.rubric_id != named:
            warnings.append(f"{path}: the first line names rubric '{named}', {folder.config} "
                            f"names '{folder.rubric_id}'; graded against '{named}'")
        how = {"choice": "named in the answer's first line", "source": "first line"}
    elif folder is not None:
        if folder.error:
            raise EvaluatorError(folder.error)
        try:
            rubric = library.get(folder.rubric_id)
        except RubricChoiceError as exc:
            raise EvaluatorError(f"{folder.config} names a rubric that cannot be used: "
                                 f"{exc}") from None
        how = {"choice": f"named in {folder.config}", "source": "folder"}
    else:
        if choose is None:
            raise EvaluatorError("no rubric for this answer")
        choice = choose(answer.text)
        rubric = choice.rubric
        how = {"choice": choice.reason, "source": "automatic",
               "confidence": round(float(choice.margin), 3)}
    if len(warnings) != len(answer.warnings):
        answer = replace(answer, warnings=tuple(warnings))
    return answer, rubric, how
