"""The worker processes of a parallel batch: the files cut into one stretch per worker, each
worker fed chunks of its own stretch through its own pipe, and the results collected as they
come (each answer's result to `sink`, each chunk's pair features to `keep`)."""

from __future__ import annotations

from collections import deque
from pathlib import Path

from .discovery import _failure
from .workers import _Plan, _grade_chunk, _init_worker, _internal


def run_in_workers(schedule: "Schedule", plan: _Plan, sink, keep) -> None:
    """Grade the schedule's chunks in `schedule.jobs` worker processes, each fed through its
    own pipe from its own stretch of the (path-ordered) files, so that it builds only the
    evaluators of the rubrics it meets; each has one chunk being graded and one waiting, and
    a worker whose stretch is done takes the last chunk of the stretch with most left.

    Every worker is forked before the parent starts any thread (no fork of a multi-threaded
    process). A worker that dies fails the chunk it was grading, with the reason; the others
    go on with the rest. On Ctrl-C the workers (which ignore it) finish the chunks they hold
    and are counted."""
    import multiprocessing
    from multiprocessing.connection import wait

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    workers: list[_Worker] = []
    for _ in range(schedule.jobs):
        workers.append(_Worker(context, plan, [w.conn for w in workers]))

    def feed(index: int) -> None:
        worker = workers[index]
        chunk = schedule.next_for(index) if worker.alive else None
        if chunk is None:
            return
        try:
            worker.conn.send(chunk)
            worker.holding.append(chunk)
        except OSError:
            schedule.give_back(index, chunk)
            _died(worker, sink, lambda c: schedule.give_back(index, c))

    def collect(index: int) -> None:
        """The reply for the oldest chunk `workers[index]` holds (or its death)."""
        worker = workers[index]
        try:
            outcome, value = worker.conn.recv()
        except (EOFError, OSError):
            _died(worker, sink, lambda c: schedule.give_back(index, c))
            return
        chunk = worker.holding.popleft()
        if outcome == "done":
            results, names, features = value
            keep((names, features))
        else:
            results = [_failure(str(p), value) for p in chunk]
        for result in results:
            sink(result)

    def top_up() -> None:
        """Every live worker holds one chunk being graded and one waiting, while any is left."""
        for _ in range(2):
            for index, worker in enumerate(workers):
                if worker.alive and len(worker.holding) < 2:
                    feed(index)

    try:
        top_up()
        while any(w.holding for w in workers):
            busy = [i for i, w in enumerate(workers) if w.holding]
            ready = wait([workers[i].conn for i in busy])
            for index in busy:
                if workers[index].conn in ready:
                    collect(index)
            top_up()
        for chunk in schedule.drain():     # left only when every worker process died
            for path in chunk:
                sink(_failure(str(path), "internal error: no worker process left to grade it"))
    except KeyboardInterrupt:
        for index, worker in enumerate(workers):   # count what the workers still finish
            while worker.holding and worker.alive:
                collect(index)
        raise
    finally:
        for worker in workers:
            worker.stop()


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context, plan: _Plan, others: list):
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, plan, [self.conn, *others]),
                                       daemon=True)
        self.process.start()
        theirs.close()
        self.holding: deque[list[Path]] = deque()   #: chunks sent, replies not yet received
        self.alive = True

    def stop(self) -> None:
        if self.alive:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.conn.close()
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _died(worker: _Worker, sink, give_back) -> None:
    """A worker process has died: the chunk it was grading fails with the reason; the chunk
    waiting for it goes back to the schedule, for another worker."""
    worker.alive = False
    worker.process.join(timeout=1)
    code = worker.process.exitcode
    reason = ("internal error: a worker process died"
              + (f" (exit code {code})" if code is not None else ""))
    if worker.holding:
        for path in worker.holding.popleft():
            sink(_failure(str(path), reason))
    while worker.holding:
        give_back(worker.holding.pop())


def _serve(conn, plan: _Plan, inherited: list) -> None:
    """A worker's life: grade each chunk received and send back its results, until None."""
    for other in inherited:                 # the parent's ends of the pipes: not ours to hold
        other.close()
    _init_worker(plan)
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        try:
            reply = ("done", _grade_chunk(chunk))
        except Exception as exc:            # never let one chunk end the worker
            reply = ("error", _internal(exc))
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return
        except Exception as exc:            # a result that cannot be pickled
            conn.send(("error", _internal(exc)))


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
