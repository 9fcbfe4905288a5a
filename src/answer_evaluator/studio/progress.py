"""The progress page's figures, from the stored attempts (pure functions)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .store import Attempt

MISSED = ("missing", "partly covered")


@dataclass(frozen=True)
class Progress:
    count: int
    overall: list[tuple[int, float, str]]            #: (attempt number, share, tooltip)
    papers: dict[str, list[tuple[int, float, str]]]
    missed: list[dict]          #: dimensions most often missed: title, question, missed, of
    directives: list[dict]      #: directive words, lowest mean share first
    wpm: dict                   #: mean, latest, timed (attempts with a time)


def progress(attempts: list[Attempt]) -> Progress:
    attempts = sorted(attempts, key=lambda a: a.id)
    overall, papers = [], defaultdict(list)
    for i, a in enumerate(attempts):
        tip = f"#{a.id} {a.question}: {a.marks:g}/{a.max_marks} ({a.created[:10]})"
        overall.append((i, a.share, tip))
        papers[a.paper or "no paper"].append((i, a.share, tip))
    return Progress(len(attempts), overall, dict(sorted(papers.items())),
                    missed_dimensions(attempts), directive_marks(attempts),
                    words_per_minute(attempts))


def missed_dimensions(attempts: list[Attempt], limit: int = 8) -> list[dict]:
    """The dimensions left missing or partly covered most often (by count, then share)."""
    seen: dict[tuple[str, str], list[int]] = {}
    for a in attempts:
        for d in a.evaluation.get("dimensions", ()):
            key = (a.question, d.get("title", d.get("dimension_id", "")))
            tally = seen.setdefault(key, [0, 0])
            tally[1] += 1
            if d.get("state") in MISSED:
                tally[0] += 1
    rows = [{"question": q, "title": t, "missed": m, "of": n, "share": m / n}
            for (q, t), (m, n) in seen.items() if m]
    rows.sort(key=lambda r: (-r["missed"], -r["share"], r["title"]))
    return rows[:limit]


def directive_marks(attempts: list[Attempt]) -> list[dict]:
    """Mean marks share by directive word, lowest first."""
    shares: dict[str, list[float]] = defaultdict(list)
    for a in attempts:
        shares[a.directive or "unknown"].append(a.share)
    rows = [{"directive": d, "mean": sum(v) / len(v), "attempts": len(v)}
            for d, v in shares.items()]
    rows.sort(key=lambda r: (r["mean"], r["directive"]))
    return rows


def words_per_minute(attempts: list[Attempt]) -> dict:
    rates = [(a, a.words / (a.seconds / 60)) for a in attempts if a.seconds and a.seconds >= 10]
    if not rates:
        return {"mean": None, "latest": None, "timed": 0}
    return {"mean": sum(r for _, r in rates) / len(rates), "latest": rates[-1][1],
            "timed": len(rates)}


def change(attempt: Attempt, previous: Attempt | None) -> dict | None:
    """What changed since the previous attempt at the same question: marks, and the
    dimensions newly covered or lost."""
    if previous is None:
        return None

    def states(a):
        return {d.get("title", ""): d.get("state") for d in a.evaluation.get("dimensions", ())}

    now, before = states(attempt), states(previous)
    return {"previous": previous, "marks": attempt.marks - previous.marks,
            "covered": [t for t, s in now.items() if s == "covered" and before.get(t) != "covered"],
            "lost": [t for t, s in now.items() if s != "covered" and before.get(t) == "covered"]}
