"""Reading answers while the libraries load: before a parallel batch imports scikit-learn
and NLTK (about a second on one core), a small forked process reads and decodes the answer
files on another core, and hands over what it has read when the import is done. Workers
read the rest themselves, and any file the reader could not read (with the same error as
ever), so nothing depends on the reader finishing or even starting."""

from __future__ import annotations

import signal
from pathlib import Path

from ..models import Answer


class Prefetch:
    """`with Prefetch(files) as prefetch:` starts reading (unless `start` is False);
    `prefetch.answers()` stops it and returns what it read; leaving the block ends it."""

    def __init__(self, files: list[Path], *, start: bool = True):
        import multiprocessing

        self._process = None
        if not start or "fork" not in multiprocessing.get_all_start_methods():
            return                        # a spawned reader would import everything again
        context = multiprocessing.get_context("fork")
        self._stop = context.Event()
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_read, daemon=True,
                                        args=(files, self._stop, send, self._receive))
        self._process.start()
        send.close()

    def answers(self, *, wait: bool = False) -> dict[Path, Answer]:
        """The answers read so far (with `wait`, once all are read), by path; empty if the
        reader failed."""
        if self._process is None:
            return {}
        if not wait:
            self._stop.set()
        try:
            return self._receive.recv()
        except (EOFError, OSError):
            return {}
        finally:
            self.close()

    def __enter__(self) -> "Prefetch":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._process is not None:
            self._stop.set()
            self._receive.close()
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.kill()
            self._process = None


def _read(files: list[Path], stop, send, receive) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent handles Ctrl-C
    receive.close()             # else, if the parent stops listening, sending never ends
    try:
        from ..reading import read_answer

        answers = {}
        for path in files:
            if stop.is_set():
                break
            try:
                answers[path] = read_answer(path)
            except Exception:   # noqa: BLE001 - a worker reads it again and reports why
                pass
        send.send(answers)
    except Exception:           # noqa: BLE001 - e.g. the parent stopped listening
        pass
    finally:
        send.close()
