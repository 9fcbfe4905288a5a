"""A disk cache of the rubric index that automatic rubric choice fits (selection.py).

Choosing the rubric of an answer that names none means loading every rubric of the library
and fitting a TF-IDF space on them: about half a second for the 48 shipped questions, paid on
every `evaluate answer.txt`. The fitted index is kept on disk, keyed by a fingerprint of every
rubric file (its real path, size and modification time) and of the package's own code, so a
rubric added, edited or removed, or a new release, fits it afresh.

What is kept is data only: the vocabulary (JSON) and the IDF weights and the rubric matrix
(NumPy arrays, read with `allow_pickle=False`), so reading the cache never runs code. Where:
$ANSWER_EVALUATOR_CACHE, else $XDG_CACHE_HOME/answer-evaluator, else
~/.cache/answer-evaluator; ANSWER_EVALUATOR_CACHE=off turns the cache off. A cache that cannot
be read or written is ignored: the index is fitted as if there were none.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Mapping

FORMAT = "rubric-index-1"
ENV = "ANSWER_EVALUATOR_CACHE"
OFF = ("off", "none", "0", "no")
KEEP = 8        #: indexes kept (the newest); older ones are removed when one is saved


def cache_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """The folder the cache lives in, or None when it is turned off."""
    env = os.environ if env is None else env
    given = env.get(ENV)
    if given is not None:
        return None if given.strip().lower() in OFF or not given.strip() else Path(given)
    base = env.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError, OSError):     # no home folder: no cache
            return None
    return Path(base) / "answer-evaluator"


def fingerprint(paths, extra=()) -> str:
    """A digest of the rubric files `paths` (in order), the strings `extra` and this
    package's code."""
    digest = hashlib.sha256(FORMAT.encode())
    for text in extra:
        digest.update(f"{text}\0".encode())
    package = Path(__file__).resolve().parent
    for source in sorted(package.rglob("*.py")):
        _stamp(digest, source, source.relative_to(package).as_posix())
    for path in paths:
        real = Path(path).resolve()
        _stamp(digest, real, str(real))
    return digest.hexdigest()[:32]


def _stamp(digest, path: Path, name: str) -> None:
    try:
        info = path.stat()
        stamp = f"{info.st_size}:{info.st_mtime_ns}"
    except OSError:
        stamp = "absent"
    digest.update(f"{name}\0{stamp}\n".encode())


def load(key: str, env: Mapping[str, str] | None = None) -> dict | None:
    """The cached index of `key`: {"ids", "failed", "vocabulary", "idf", "matrix"}, or None."""
    folder = cache_dir(env)
    if folder is None:
        return None
    try:
        import numpy as np
        from scipy.sparse import csr_matrix

        meta = json.loads((folder / f"{key}.json").read_text("utf-8"))
        with np.load(folder / f"{key}.npz", allow_pickle=False) as arrays:
            matrix = csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]),
                                shape=tuple(int(n) for n in arrays["shape"]))
            idf = arrays["idf"].copy()
        ids, failed, vocabulary = meta["ids"], meta["failed"], meta["vocabulary"]
        if (meta.get("format") != FORMAT or matrix.shape != (len(ids), len(vocabulary))
                or len(idf) != len(vocabulary)):
            return None
        return {"ids": list(ids), "failed": dict(failed), "vocabulary": dict(vocabulary),
                "idf": idf, "matrix": matrix}
    except Exception:       # absent, unreadable, truncated or of another version: refit
        return None


def save(key: str, *, ids, failed, vocabulary, idf, matrix,
         env: Mapping[str, str] | None = None) -> bool:
    """Keep an index under `key` (written whole or not at all); False when it could not be."""
    folder = cache_dir(env)
    if folder is None:
        return False
    import numpy as np

    meta = {"format": FORMAT, "ids": list(ids), "failed": dict(failed),
            "vocabulary": {k: int(v) for k, v in vocabulary.items()}}
    matrix = matrix.tocsr()
    temporary = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        arrays_tmp = folder / f".{key}.{os.getpid()}.npz"
        meta_tmp = folder / f".{key}.{os.getpid()}.json"
        temporary = [arrays_tmp, meta_tmp]
        with arrays_tmp.open("wb") as handle:
            np.savez(handle, data=matrix.data, indices=matrix.indices, indptr=matrix.indptr,
                     shape=np.array(matrix.shape), idf=np.asarray(idf, dtype=float))
        meta_tmp.write_text(json.dumps(meta), "utf-8")
        os.replace(arrays_tmp, folder / f"{key}.npz")
        os.replace(meta_tmp, folder / f"{key}.json")   # last: its presence marks a whole entry
    except OSError:
        for path in temporary:
            try:
                path.unlink()
            except OSError:
                pass
        return False
    _prune(folder)
    return True


def _prune(folder: Path) -> None:
    """Remove all but the `KEEP` newest indexes of `folder` (each an .npz and a .json)."""
    try:
        entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns,
                         reverse=True)
        for old in entries[KEEP:]:
            for path in (old, old.with_suffix(".npz")):
                path.unlink(missing_ok=True)
    except OSError:
        pass
