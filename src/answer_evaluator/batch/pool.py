"""The worker processes of a parallel batch: the files cut into one stretch per worker, a
single-process pool per worker fed from its own stretch, and the results collected as they
come (each answer's result to `sink`, each chunk's pair features to `keep`)."""

from __future__ import annotations

from pathlib import Path

from .discovery import _failure
from .workers import _Plan, _grade_chunk, _init_worker, _internal


def run_in_workers(schedule: "Schedule", plan: _Plan, sink, keep) -> None:
    """One single-process pool per worker, so that each worker is fed from its own stretch
    of the (path-ordered) files and only builds the evaluators of the rubrics it meets; each
    has one chunk running and one queued, and a worker whose stretch is done takes the last
    chunk of the stretch with most left."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    workers = [ProcessPoolExecutor(max_workers=1, mp_context=context,
                                   initializer=_init_worker, initargs=(plan,))
               for _ in range(schedule.jobs)]
    running: dict = {}                     # future -> (worker, chunk)
    broken: set[int] = set()

    def feed(worker: int) -> None:
        chunk = schedule.next_for(worker) if worker not in broken else None
        if chunk is None:
            return
        try:
            running[workers[worker].submit(_grade_chunk, chunk)] = (worker, chunk)
        except BrokenProcessPool:
            broken.add(worker)
            schedule.give_back(worker, chunk)

    def take(future) -> None:
        worker, chunk = running.pop(future)
        try:
            results, names, features = future.result()
            keep((names, features))
        except BrokenProcessPool as exc:
            broken.add(worker)
            results = [_failure(str(p), f"internal error: a worker process died ({exc})")
                       for p in chunk]
        except Exception as exc:
            results = [_failure(str(p), _internal(exc)) for p in chunk]
        for result in results:
            sink(result)

    try:
        for _ in range(2):                 # one chunk running and one queued per worker
            for worker in range(schedule.jobs):
                feed(worker)
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: running[f][0]):
                worker = running[future][0]
                take(future)
                feed(worker)
        for chunk in schedule.drain():     # left only when every worker process died
            for path in chunk:
                sink(_failure(str(path), "internal error: no worker process left to grade it"))
    except KeyboardInterrupt:
        # Chunks already running finish whole (workers ignore Ctrl-C); count what they did.
        for executor in workers:
            executor.shutdown(wait=True, cancel_futures=True)
        for future in list(running):
            if future.done() and not future.cancelled():
                take(future)
        raise
    finally:
        for executor in workers:
            executor.shutdown(wait=True, cancel_futures=True)


class Schedule:
    """The files cut into `jobs` stretches of chunks, in path order (so answers of the same
    folder, usually the same rubric, stay with one worker). Chunks are large at the front of
    a stretch and small at its back, where other workers take from when theirs is done, so
    that all finish at about the same time."""

    def __init__(self, files: list[Path], jobs: int, chunk_size: int | None = None):
        from collections import deque

        self.jobs = jobs
        bounds = [round(i * len(files) / jobs) for i in range(jobs + 1)]
        self.stretches = [deque(stretch_chunks(files[a:b], chunk_size))
                          for a, b in zip(bounds, bounds[1:])]

    def next_for(self, worker: int) -> list[Path] | None:
        own = self.stretches[worker]
        if own:
            return own.popleft()
        most = max(self.stretches, key=lambda s: sum(len(c) for c in s))
        return most.pop() if most else None

    def give_back(self, worker: int, chunk: list[Path]) -> None:
        self.stretches[worker].appendleft(chunk)

    def left(self) -> bool:
        return any(self.stretches)

    def drain(self):
        for stretch in self.stretches:
            while stretch:
                yield stretch.popleft()


def stretch_chunks(files: list[Path], chunk_size: int | None) -> list[list[Path]]:
    """A stretch cut into chunks: of `chunk_size` if given, else 4, 8, 16, 32 answers at the
    back and 48 (the engine, the pair features and the pool handle a chunk at a time) before."""
    if chunk_size:
        return chunks(files, chunk_size)
    sizes, left, size = [], len(files), 4
    while left > 0:
        sizes.append(min(size, left))
        left -= sizes[-1]
        size = min(48, size * 2)
    cut, start = [], 0
    for size in reversed(sizes):
        cut.append(files[start:start + size])
        start += size
    return cut


def chunks(files: list[Path], size: int) -> list[list[Path]]:
    """`files` in chunks of `size` (the last may be smaller)."""
    return [files[i:i + size] for i in range(0, len(files), size)]
