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
    """The files cut into `jobs` stretches, in path order (answers of the same folder, usually
    the same rubric, stay with one worker). A worker takes the next chunk from the front of its
    own stretch; when that is done, from the back of the stretch with most left. Chunks shrink
    as the batch nears its end (a quarter of each worker's share of what is left, between
    MIN_CHUNK and MAX_CHUNK answers), so that all workers finish at about the same time."""

    def __init__(self, files: list[Path], jobs: int, chunk_size: int | None = None):
        self.jobs = jobs
        self.chunk_size = chunk_size
        bounds = [round(i * len(files) / jobs) for i in range(jobs + 1)]
        self.stretches = [deque(files[a:b]) for a, b in zip(bounds, bounds[1:])]

    def next_for(self, worker: int) -> list[Path] | None:
        """The next chunk for `worker`, or None when no file is left."""
        left = sum(len(s) for s in self.stretches)
        if not left:
            return None
        size = self.chunk_size or max(MIN_CHUNK, min(MAX_CHUNK, left // (self.jobs * 4)))
        own = self.stretches[worker]
        if own:
            return [own.popleft() for _ in range(min(size, len(own)))]
        most = max(self.stretches, key=len)
        taken = [most.pop() for _ in range(min(size, len(most)))]
        return taken[::-1]

    def give_back(self, worker: int, chunk: list[Path]) -> None:
        """A chunk that was not graded, to be taken again."""
        self.stretches[worker].extendleft(reversed(chunk))

    def left(self) -> bool:
        return any(self.stretches)

    def drain(self):
        """What is left, in chunks of MAX_CHUNK."""
        rest = [path for stretch in self.stretches for path in stretch]
        for stretch in self.stretches:
            stretch.clear()
        yield from chunks(rest, MAX_CHUNK)


MIN_CHUNK = 4      #: answers; fewer make the per-chunk costs count
MAX_CHUNK = 48     #: answers; the engine, the pair features and the pipes take a chunk at once


def chunks(files: list[Path], size: int) -> list[list[Path]]:
    """`files` in chunks of `size` (the last may be smaller)."""
    return [files[i:i + size] for i in range(0, len(files), size)]
