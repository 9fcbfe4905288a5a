"""Draft a rubric from a source article or a model answer, for a teacher to edit.

    clean the source -> sentences -> roles (challenge, way forward) -> TF-IDF + facets ->
    k-means, k chosen by silhouette -> per dimension: keyword groups, title, model points
    -> commented TOML

Pure: text in, TOML text out (no files, no clock, fixed random_state), so the same source
and question always give the same draft. The TOML is commented where the teacher should
look, and loads with `rubric.parse_rubric`; model points the check would flag as
near-duplicates are dropped before it is returned.

- Role: a sentence states a challenge or a way forward (cue words in its label, section
  heading or first word). Three or more sentences of a role make a dimension of their own,
  since Mains rubrics give those their own dimensions; the rest are clustered by topic.
- Features of a sentence for clustering (each block L2-normalised, weighted, normalised
  again): word uni/bigrams of stems and character 3-5-grams, as `similarity` uses, of the
  sentence and, at a lower weight, of its source line with its label ("Trade Imbalance:
  ..."); and facets, counts of words from a small lexicon of the angles a Mains answer is
  expected to cover (history, economy, security, ...), which let sentences that share an
  angle but no word fall together.

Modules by job: `cleaning` (source cleaning), `clustering` (features, k-means, titles),
`mining` (keyword mining), `points` (point choice), `writing` (TOML writing); `build` runs
them in order and `parts` holds the pieces they pass along.
"""

from __future__ import annotations

from .build import MIN_SENTENCES, draft_rubric
from .cleaning import clean_source, source_sentences
from .clustering import (CONTEXT_WEIGHT, FACET_SHARE, FACET_SHORT, FACET_TITLES, FACET_WEIGHT,
                         FACETS, K_LIMITS, TEXT_WEIGHT, TWO_FACET_SHARE, WORDS_PER_DIMENSION,
                         cluster, facet_counts, k_range)
from .mining import acronyms
from .parts import DraftError
from .points import clean_point

__all__ = ["CONTEXT_WEIGHT", "FACETS", "FACET_SHARE", "FACET_SHORT", "FACET_TITLES",
           "FACET_WEIGHT", "K_LIMITS", "MIN_SENTENCES", "TEXT_WEIGHT", "TWO_FACET_SHARE",
           "WORDS_PER_DIMENSION", "DraftError", "acronyms", "clean_point", "clean_source",
           "cluster", "draft_rubric", "facet_counts", "k_range", "source_sentences"]
