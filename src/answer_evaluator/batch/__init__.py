"""Grade a class: many answer files at once, in parallel, into one batch folder.

    >>> from answer_evaluator.batch import grade_paths
    >>> result = grade_paths(["answers/"], rubrics_dir="rubrics")
    >>> len(result.graded), [(r.file, r.error) for r in result.failures], result.out

The steps, each in its own module of this package:

1. `discover` (discovery.py) turns the paths (files, folders walked recursively, glob
   patterns) into the answer files to grade, the paths that failed (a path that does not
   exist) and the files skipped on purpose (hidden files, the reports folder, links that
   lead outside the folder).
2. The rubric of each answer (rubrics.py): `--rubric` for all; else a `Rubric: <id>` first
   line of the answer (that line is not graded); else the nearest `evaluate.toml`
   (`rubric = "<id>"`) in the answer's folder or above; else the automatic choice of
   `selection.RubricIndex`, fitted once per batch in the parent process.
3. Grading (pool.py, workers.py): with one job, in the process itself; with more, one worker
   process per job, each fed chunks from its own stretch of the files (so it builds, once,
   only the Evaluators of the rubrics it meets), while the answers were read ahead by
   prefetch.py during the import of the libraries. Each worker reads, grades and writes each
   answer's HTML report and sends back small `AnswerResult`s (results.py). One bad file never
   stops the batch: it becomes a result with an `error`.
4. The parent (driver.py, `grade_paths`) renders each answer's rows of the class overview as
   its result arrives, sorts the results by path (so they are the same whatever the number
   of jobs), finds pairs of answers to the same rubric that are suspiciously alike
   (pairs.py), and writes results.csv, results.json and index.html (outputs.py,
   overview.py) into the batch folder, each file whole or not at all.

The command line (`evaluate PATH...`: progress bar, `run_batch`, summary) is command.py.
Importing this package does not import scikit-learn (`evaluate --help` stays fast).
"""

from __future__ import annotations

from .command import ProgressBar, run_batch, summary
from .discovery import ANSWER_SUFFIXES, REFUSED_SUFFIXES, Discovery, discover, report_names
from .driver import DEFAULT_REPORTS, grade_paths
from .outputs import dump_json, results_csv, results_json, write_outputs
from .pairs import MAX_PAIRS, SIMILARITY_THRESHOLD, pair_features, similar_pairs
from .results import (AnswerResult, BatchInterrupted, BatchResult, BatchUsageError,
                      DimensionResult, SimilarPair, Skipped, result_columns)
from .rubrics import FOLDER_CONFIG, FolderRubric, RubricLibrary, folder_rubric, rubric_line

__all__ = [
    "ANSWER_SUFFIXES", "DEFAULT_REPORTS", "FOLDER_CONFIG", "MAX_PAIRS", "REFUSED_SUFFIXES",
    "SIMILARITY_THRESHOLD",
    "AnswerResult", "BatchInterrupted", "BatchResult", "BatchUsageError", "DimensionResult",
    "Discovery", "FolderRubric", "ProgressBar", "RubricLibrary", "SimilarPair", "Skipped",
    "discover", "dump_json", "folder_rubric", "grade_paths", "pair_features", "report_names",
    "result_columns", "results_csv", "results_json", "rubric_line", "run_batch",
    "similar_pairs", "summary", "write_outputs",
]
