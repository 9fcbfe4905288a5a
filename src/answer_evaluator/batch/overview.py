"""The class overview (index.html of a batch folder): one self-contained page.

A sortable table of candidates with links to their reports, the distribution of marks as
an inline SVG histogram, per rubric the average score of each dimension, the model points
most often missed and a heatmap of candidates by dimensions, the pairs of answers that are
suspiciously alike, and every file that could not be graded or was skipped.

The page reads fully without JavaScript (the table is already in path order); a small
inline script, allowed by its hash in the Content-Security-Policy and by nothing else,
only makes the column headings sort the table.
"""

from __future__ import annotations

import base64
import hashlib
import math
from pathlib import PurePosixPath
from urllib.parse import quote

from ..models import Rubric

MISSED_SHOWN = 8   #: model points listed per rubric under "most often missed"

#: Sorts table.sortable by the clicked column (cells' data-value, numbers numerically).
SORT_SCRIPT = """
(function () {
  "use strict";
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = th.getAttribute("data-type") === "number";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var keyed = rows.map(function (row, index) {
          var cell = row.cells[column];
          var value = cell ? (cell.getAttribute("data-value") || cell.textContent) : "";
          if (numeric) {
            value = parseFloat(value);
            if (isNaN(value)) { value = -Infinity; }
          } else {
            value = value.toLowerCase();
          }
          return { row: row, value: value, index: index };
        });
        keyed.sort(function (a, b) {
          var order = a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
          return (ascending ? order : -order) || a.index - b.index;
        });
        keyed.forEach(function (item) { body.appendChild(item.row); });
      });
    });
  });
})();
"""


def script_hash(script: str = SORT_SCRIPT) -> str:
    """The CSP source that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def href(report: str) -> str:
    """A relative link to a report, each path segment URL-escaped."""
    return "/".join(quote(part) for part in PurePosixPath(report).parts)


def rubric_overview(rubric: Rubric, results) -> dict:
    """Figures of one rubric's graded answers: averages per dimension, most missed points,
    and the rows of the heatmap."""
    results = list(results)
    count = len(results)
    dimensions = []
    for dim in rubric.dimensions:
        scores = [d for r in results for d in r.dimensions if d.dimension_id == dim.dimension_id]
        states = [d.state for d in scores]
        mean = sum(d.score for d in scores) / len(scores) if scores else 0.0
        dimensions.append({
            "id": dim.dimension_id, "title": dim.title, "mean": round(mean, 4),
            "covered": states.count("covered"), "partly": states.count("partly covered"),
            "missing": states.count("missing")})
    missed = []
    titles = {d.dimension_id: d.title for d in rubric.dimensions}
    order = 0
    for dim in rubric.dimensions:
        for point in dim.points:
            times = sum(1 for r in results if point.point_id in r.missed_points)
            if times:
                missed.append({"id": point.point_id, "text": point.text,
                               "dimension": titles[dim.dimension_id], "missed": times,
                               "share": times / count, "order": order})
            order += 1
    missed.sort(key=lambda p: (-p["missed"], p["order"]))
    marks = [r.marks for r in results]
    return {
        "rubric": rubric, "id": rubric.rubric_id, "count": count,
        "mean_marks": round(sum(marks) / count, 2) if count else None,
        "dimensions": dimensions, "missed": missed[:MISSED_SHOWN],
    }


class OverviewRows:
    """The HTML rows of each graded answer in index.html (its line in the table of
    candidates and in its rubric's heatmap), rendered once per answer: a batch adds each
    result as it comes in, so that this work overlaps the grading of the others."""

    def __init__(self):
        from ..report import environment

        self._macros = environment().get_template("_overview_rows.html.j2").module
        self._candidates: dict[str, object] = {}
        self._heat: dict[str, object] = {}

    def add(self, result, rubric: Rubric | None) -> None:
        """Render the rows of `result` (its heatmap row only if `rubric` is given)."""
        if result.ok:
            self.candidate(result)
            if rubric is not None:
                self.heat(result, rubric)

    def candidate(self, result):
        if result.file not in self._candidates:
            self._candidates[result.file] = self._macros.candidate_row(
                result, href(result.report) if result.report else "", breakable)
        return self._candidates[result.file]

    def heat(self, result, rubric: Rubric):
        if result.file not in self._heat:
            by_id = {d.dimension_id: d for d in result.dimensions}
            self._heat[result.file] = self._macros.heat_row(
                result, href(result.report) if result.report else "", rubric.dimensions,
                [by_id.get(d.dimension_id) for d in rubric.dimensions])
        return self._heat[result.file]


def histogram(results, *, width: int = 640, height: int = 230) -> dict:
    """Bins of marks (or of percent of the maximum when the rubrics' maxima differ) with
    the geometry of the SVG bars."""
    results = list(results)
    maxima = {r.max_marks for r in results}
    if len(maxima) == 1:
        top = maxima.pop()
        step = 1 if top <= 20 else math.ceil(top / 20)
        edges = list(range(0, top, step)) + [top]
        values = [r.marks for r in results]
        unit = "marks"
        labels = [f"{lo:g}–{hi:g}" for lo, hi in zip(edges, edges[1:])]
    else:
        edges = list(range(0, 101, 10))
        values = [100 * r.marks / r.max_marks for r in results]
        unit = "% of the maximum"
        labels = [f"{lo}–{hi}%" for lo, hi in zip(edges, edges[1:])]
    counts = [0] * (len(edges) - 1)
    for value in values:
        for i in range(len(counts)):
            if value < edges[i + 1] or i == len(counts) - 1:
                counts[i] += 1
                break
    left, bottom, top_pad = 34, 44, 18
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    tallest = max(counts) if counts and max(counts) else 1
    slot = plot_w / len(counts)
    bars = []
    for i, (label, count) in enumerate(zip(labels, counts)):
        h = plot_h * count / tallest
        bars.append({"x": round(left + i * slot + 1.5, 1), "w": round(max(slot - 3, 1), 1),
                     "y": round(top_pad + plot_h - h, 1), "h": round(h, 1), "count": count,
                     "label": label, "cx": round(left + (i + 0.5) * slot, 1)})
    ticks = sorted({0, tallest} | ({tallest // 2} if tallest >= 4 else set()))
    return {"bars": bars, "unit": unit, "width": width, "height": height, "left": left,
            "base": top_pad + plot_h, "top": top_pad, "label_every": max(1, len(bars) // 12),
            "ticks": [{"value": t, "y": round(top_pad + plot_h - plot_h * t / tallest, 1)}
                      for t in ticks],
            "total": len(values)}


def breakable(text: str):
    """Escaped text that may break after each '/' (long paths in narrow columns)."""
    from markupsafe import Markup, escape

    return Markup(str(escape(text)).replace("/", "/<wbr>"))


def rubric_views(batch) -> dict[str, dict]:
    """`rubric_overview` of each rubric of the batch, by rubric id."""
    graded = batch.graded
    return {rubric_id: rubric_overview(rubric, [r for r in graded if r.rubric == rubric_id])
            for rubric_id, rubric in batch.rubrics.items()}


def render_overview(batch, paths, rows: OverviewRows | None = None,
                    views: dict[str, dict] | None = None) -> str:
    """index.html of a batch folder, as HTML text (`rows`: those already rendered; `views`:
    `rubric_views(batch)`, if already computed)."""
    from ..report import environment

    rows = rows if rows is not None else OverviewRows()
    views = views if views is not None else rubric_views(batch)
    graded = list(batch.graded)
    rubrics = []
    for rubric_id, rubric in batch.rubrics.items():
        own = [r for r in graded if r.rubric == rubric_id]
        rubrics.append({**views[rubric_id], "heat_rows": [rows.heat(r, rubric) for r in own]})
    by_file = {r.file: r for r in batch.results}
    pairs = [{"pair": p, "first": by_file.get(p.first), "second": by_file.get(p.second)}
             for p in batch.pairs]
    marks = [r.marks / r.max_marks for r in graded if r.max_marks]
    env = environment()
    return env.get_template("overview.html.j2").render(
        batch=batch, paths=list(paths), graded=graded, failures=list(batch.failures),
        rubrics=rubrics, candidate_rows=[rows.candidate(r) for r in graded],
        hist=histogram(graded) if graded else None, pairs=pairs,
        mean_share=sum(marks) / len(marks) if marks else None,
        script=SORT_SCRIPT, script_hash=script_hash(), href=href, path=breakable)
