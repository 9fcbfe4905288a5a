"""What a batch writes into its folder: results.csv, results.json and index.html (the
class overview, overview.py), each file whole or not at all."""

from __future__ import annotations

import csv
import io
import json

from .results import BatchResult


def results_csv(batch: BatchResult) -> str:
    """results.csv: one row per answer; lists joined with '; '; text that a spreadsheet
    would run as a formula (=, +, -, @ first) gets a leading apostrophe."""
    columns = batch.columns()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in batch.rows():
        writer.writerow([_cell(row[c]) for c in columns])
    return buffer.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(value)
    if isinstance(value, float):
        return f"{value:g}"
    value = str(value)
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def results_json(batch: BatchResult, paths: list[str], views: dict | None = None) -> dict:
    """results.json as a dict (`views`: overview.rubric_views(batch), if already computed)."""
    from .. import __version__

    return {
        "created": batch.created,
        "tool": f"answer-evaluator {__version__}",
        "paths": list(paths),
        "counts": {"answers": len(batch.results), "graded": len(batch.graded),
                   "failed": len(batch.failures), "skipped": len(batch.skipped)},
        "columns": batch.columns(),
        "results": batch.rows(),
        "skipped": [{"path": s.path, "reason": s.reason} for s in batch.skipped],
        "similar_pairs": {
            "threshold": batch.threshold, "total": batch.pair_count,
            "pairs": [{"first": p.first, "second": p.second, "similarity": p.similarity}
                      for p in batch.pairs]},
        "rubrics": _rubric_summaries(batch, views),
    }


def dump_json(data: dict) -> str:
    """JSON laid out for reading: indented, but each result row on one line."""
    rows = data.get("results", [])
    text = json.dumps({**data, "results": ["\0rows\0"]}, indent=2, ensure_ascii=False)
    lines = ",\n    ".join(json.dumps(r, ensure_ascii=False) for r in rows)
    return text.replace('"\\u0000rows\\u0000"', lines) + "\n"


def _rubric_summaries(batch: BatchResult, views: dict | None) -> list[dict]:
    from .overview import rubric_views

    views = views if views is not None else rubric_views(batch)
    summaries = []
    for rubric in batch.rubrics.values():
        view = views[rubric.rubric_id]
        summaries.append({
            "id": rubric.rubric_id, "question": rubric.question,
            "max_marks": rubric.max_marks, "answers": view["count"],
            "mean_marks": view["mean_marks"],
            "dimensions": [{"id": d["id"], "title": d["title"], "mean_score": d["mean"],
                            "covered": d["covered"], "partly": d["partly"],
                            "missing": d["missing"]} for d in view["dimensions"]],
            "most_missed": [{"point_id": p["id"], "text": p["text"], "missed": p["missed"]}
                            for p in view["missed"]],
        })
    return summaries


def write_outputs(batch: BatchResult, paths: list[str], rows=None) -> None:
    """results.csv, results.json and index.html, each written whole (temporary file, rename);
    `rows`: an overview.OverviewRows with the index rows already rendered."""
    from .overview import render_overview, rubric_views
    from ..report import write_new

    out = batch.out
    views = rubric_views(batch)             # figures per rubric, for the JSON and the page
    write_new(out / "results.csv", "\ufeff" + results_csv(batch), force=True)
    write_new(out / "results.json", dump_json(results_json(batch, paths, views)), force=True)
    write_new(out / "index.html", render_overview(batch, paths, rows, views), force=True)
