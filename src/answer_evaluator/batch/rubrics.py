"""The rubric of each answer: a `Rubric: <id>` first line, the nearest evaluate.toml, and
the rubrics of --rubrics-dir loaded by id when first named."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..errors import RubricChoiceError, RubricError, did_you_mean
from ..models import Rubric

FOLDER_CONFIG = "evaluate.toml"
_RUBRIC_LINE = re.compile(
    r"^[#*_\s]*rubric[*_\s]*:[*_\s]*([A-Za-z0-9][A-Za-z0-9_.-]*?)(?:\.toml)?[*_\s]*$",
    re.IGNORECASE)


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
    import tomllib

    shown = _shown(config, answer)
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        return FolderRubric(shown, error=f"{shown} cannot be read ({exc})")
    except tomllib.TOMLDecodeError as exc:
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
    """The rubrics of --rubrics-dir, loaded by id when first named, each once."""

    def __init__(self, folder: Path | str, known: Iterable[Rubric] = ()):
        self.folder = Path(folder)
        self.rubrics: dict[str, Rubric] = {r.rubric_id: r for r in known}
        self.errors: dict[str, str] = {}

    def get(self, rubric_id: str) -> Rubric:
        """The rubric `rubric_id`; raises RubricChoiceError saying why it cannot be had."""
        if rubric_id in self.rubrics:
            return self.rubrics[rubric_id]
        if rubric_id not in self.errors:
            from ..rubric import find_rubrics, load_rubric

            path = self.folder / f"{rubric_id}.toml"
            if "/" in rubric_id or "\\" in rubric_id or not path.is_file():
                names = [p.stem for p in find_rubrics(self.folder)] if self.folder.is_dir() else []
                self.errors[rubric_id] = (f"there is no rubric '{rubric_id}' in {self.folder}"
                                          f"{did_you_mean(rubric_id, names)}")
            else:
                try:
                    self.rubrics[rubric_id] = load_rubric(path)
                    return self.rubrics[rubric_id]
                except RubricError as exc:
                    self.errors[rubric_id] = str(exc)
        raise RubricChoiceError(self.errors[rubric_id])
