"""The answer files named by the paths (files, folders walked recursively, glob patterns),
the files skipped on purpose and why, and a unique report name for each answer."""

from __future__ import annotations

import glob
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .results import AnswerResult, Skipped
from .rubrics import FOLDER_CONFIG

ANSWER_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
#: Suffixes graded only to say clearly why they cannot be (documents.UNSUPPORTED).
REFUSED_SUFFIXES = (".doc", ".odt", ".rtf", ".pages")
_GLOB_CHARS = set("*?[")


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    failures: list[AnswerResult] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def discover(paths: Iterable[str | Path], exclude: Iterable[Path] = ()) -> Discovery:
    """The answer files named by `paths` (files, folders, glob patterns), in a stable order.

    Folders are walked recursively; hidden files and folders, the folders in `exclude` (the
    reports folder), files of other types and links leading outside the folder are skipped
    and listed. A file named explicitly is always taken. The same file reached twice is
    graded once."""
    found = Discovery()
    excluded = {_real(p) for p in exclude}
    seen: dict = {}

    def add(path: Path, *, regular_only: bool = False) -> None:
        """Take `path` (if met in a folder or a pattern, `regular_only`: only a regular file,
        not a named pipe, a device or a socket, whose reading could wait forever)."""
        try:
            info = os.stat(path)
            key = (info.st_dev, info.st_ino)
        except OSError:
            key = _real(path)
        else:
            if regular_only and not stat.S_ISREG(info.st_mode):
                found.skipped.append(Skipped(str(path), "not a regular file (a named pipe, a "
                                             "device or a socket: reading it could wait "
                                             "forever)"))
                return
        if key in seen:
            found.skipped.append(Skipped(str(path), f"the same file as {seen[key]}"))
            return
        seen[key] = path
        found.files.append(path)

    for item in paths:
        text = str(item)
        path = Path(text)
        if any(c in _GLOB_CHARS for c in text) and not path.exists():
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                found.failures.append(_failure(text, "no file or folder matches this pattern"))
            for match in matches:
                match_path = Path(match)
                if match_path.is_dir():
                    _walk(match_path, excluded, found, add)
                else:
                    _consider(match_path, match_path.parent, excluded, found, add,
                              check_excluded=True)
        elif path.is_dir():
            _walk(path, excluded, found, add)
        elif path.exists():
            add(path)
        elif path.is_symlink():
            found.failures.append(_failure(text, "is a broken link (its target does not exist)"))
        else:
            found.failures.append(_failure(text, "no such file or folder"))
    return found


def _walk(root: Path, excluded: set[Path], found: Discovery, add) -> None:
    if _real(root) in excluded:
        found.skipped.append(Skipped(str(root), "the reports folder"))
        return
    for folder, dirnames, filenames in os.walk(root):
        here = Path(folder)
        keep = []
        for name in sorted(dirnames):
            sub = here / name
            if name.startswith("."):
                found.skipped.append(Skipped(f"{sub}{os.sep}", "hidden folder"))
            elif sub.is_symlink():
                reason = ("link to a folder outside " + str(root) if not _inside(sub, root)
                          else "link to a folder inside " + str(root) + " (graded from "
                               "its own place)")
                found.skipped.append(Skipped(f"{sub}{os.sep}", reason))
            elif _real(sub) in excluded:
                found.skipped.append(Skipped(f"{sub}{os.sep}", "the reports folder"))
            else:
                keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            _consider(here / name, root, excluded, found, add)


def _consider(path: Path, root: Path, excluded: set[Path], found: Discovery, add, *,
              check_excluded: bool = False) -> None:
    """A file met while walking `root` (whose excluded folders are already left out), or
    matched by a pattern (`check_excluded`)."""
    name = path.name
    suffix = path.suffix.lower()
    if name == FOLDER_CONFIG:
        return
    if name.startswith("."):
        found.skipped.append(Skipped(str(path), "hidden file"))
    elif suffix not in ANSWER_SUFFIXES + REFUSED_SUFFIXES:
        found.skipped.append(Skipped(str(path), "not an answer file (.txt, .md, .docx or "
                                                ".pdf)"))
    elif name.lower().startswith("readme"):
        found.skipped.append(Skipped(str(path), "a README, not an answer"))
    elif path.is_symlink() and not path.exists():
        found.skipped.append(Skipped(str(path), "broken link"))
    elif path.is_symlink() and not _inside(path, root):
        found.skipped.append(Skipped(str(path), f"link to a file outside {root}"))
    elif check_excluded and any(_real(path).is_relative_to(e) for e in excluded):
        found.skipped.append(Skipped(str(path), "in the reports folder"))
    else:
        add(path, regular_only=True)


def _inside(link: Path, root: Path) -> bool:
    return _real(link).is_relative_to(_real(root))


def _real(path: Path) -> Path:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):   # a link loop
        return Path(os.path.abspath(path))


def _failure(path: str, reason: str) -> AnswerResult:
    return AnswerResult(file=str(path), candidate=Path(path).stem or str(path), error=reason)


def report_names(files: list[Path]) -> dict[Path, str]:
    """A unique report path for each answer, mirroring the folders below their common
    ancestor under answers/ ("answers/india-japan/strong.html")."""
    absolute = [Path(os.path.abspath(p)) for p in files]
    try:
        base = Path(os.path.commonpath([p.parent for p in absolute])) if absolute else None
    except ValueError:                      # different drives
        base = None
    names: dict[Path, str] = {}
    taken: set[str] = set()
    for path, full in zip(files, absolute):
        relative = full.relative_to(base) if base is not None else Path(full.name)
        name = relative.with_suffix(".html").as_posix()
        if name.casefold() in taken:        # strong.txt and strong.docx side by side
            name = relative.with_name(relative.name + ".html").as_posix()
        number = 2
        while name.casefold() in taken:
            name = relative.with_name(f"{relative.stem}-{number}.html").as_posix()
            number += 1
        taken.add(name.casefold())
        names[path] = "answers/" + name
    return names
