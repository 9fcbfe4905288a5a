"""Pairs of answers that are suspiciously alike: TF-IDF cosine of words and pairs of words.

Only answers to the same question (graded against the same rubric) are compared: two answers
to different questions are not copies of each other, and the IDF of a question's own answers
is the right measure of which phrases every candidate uses. scikit-learn, SciPy and NumPy are
imported only when pairs are computed (not at import time)."""

from __future__ import annotations

from .results import SimilarPair

SIMILARITY_THRESHOLD = 0.6     #: TF-IDF cosine from which two answers are listed as alike
MAX_PAIRS = 500                #: alike pairs kept in results.json and index.html


def similar_pairs(names: list[str], texts: list[str], threshold: float = SIMILARITY_THRESHOLD,
                  limit: int = MAX_PAIRS, groups: list[str] | None = None
                  ) -> tuple[int, tuple[SimilarPair, ...]]:
    """(number of pairs, the `limit` most alike pairs) whose TF-IDF cosine is >= threshold.

    Words and pairs of words, weighted by how rare they are among the answers compared
    (inverse document frequency), so that phrases everyone uses count little and a shared
    unusual sentence counts a lot. `groups` (one label per text, such as its rubric) limits
    the comparison to texts of the same label."""
    return alike_pairs(names, pair_features(texts), groups, threshold, limit)


_HASH_FEATURES = 2 ** 22
_DENSE_LIMIT = 2_000_000   #: answers x shared words up to which the product is dense (16 MB)


def pair_features(texts: list[str]):
    """Counts of the words and pairs of words of each text: one hashed sparse row per text,
    each row independent of the others (so each worker computes those of its own answers
    and the IDF of the compared answers is applied at the end)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(ngram_range=(1, 2), n_features=_HASH_FEATURES,
                             alternate_sign=False, norm=None).transform(texts)


def alike_pairs(names: list[str], matrix, groups: list[str] | None = None,
                threshold: float = SIMILARITY_THRESHOLD, limit: int = MAX_PAIRS
                ) -> tuple[int, tuple[SimilarPair, ...]]:
    """The pairs of rows of `matrix` (counts from `pair_features`, one row per name) of the
    same group whose cosine is >= threshold: (how many, the `limit` most alike, most alike
    first, then in the order of the names)."""
    if matrix is None or matrix.shape[0] < 2:
        return 0, ()
    import numpy as np

    labels = groups if groups is not None else [""] * matrix.shape[0]
    members: dict[str, list[int]] = {}
    for row, label in enumerate(labels):
        members.setdefault(label, []).append(row)
    found = [_cosine_pairs(matrix[rows], threshold, np.asarray(rows))
             for rows in members.values() if len(rows) > 1]
    if not found:
        return 0, ()
    i, j, v = (np.concatenate([f[k] for f in found]) for k in range(3))
    order = np.lexsort((j, i, -v))[:limit]
    return int(len(v)), tuple(SimilarPair(names[i[k]], names[j[k]], float(v[k]))
                              for k in order)


def _cosine_pairs(counts, threshold: float, rows):
    """(rows i, rows j, cosine) of the pairs i < j of `counts` with cosine >= threshold."""
    import numpy as np
    from scipy import sparse
    from sklearn.preprocessing import normalize

    counts = counts.tocsr()
    # Only the columns that occur: the hashed space has 4 million.
    columns, compact = np.unique(counts.indices, return_inverse=True)
    tf = np.log(counts.data.astype(np.float64)) + 1.0                 # sublinear tf
    df = np.bincount(compact, minlength=len(columns))
    n = counts.shape[0]
    idf = np.log((1 + n) / (1 + df[compact])) + 1.0                   # smooth idf, as sklearn
    matrix = normalize(sparse.csr_matrix((tf * idf, compact, counts.indptr),
                                         shape=(n, len(columns))))
    # A word of one answer only adds nothing to any pair: drop it (norms are already taken).
    shared = df >= 2
    matrix = matrix[:, np.flatnonzero(shared)]
    if n * matrix.shape[1] <= _DENSE_LIMIT:
        # Answers to one question share most of their common words, so their similarities
        # are nearly all non-zero: a dense product is faster than a sparse one.
        dense = matrix.toarray()
        similarity = dense @ dense.T
        i, j = np.nonzero(np.triu(similarity, k=1) >= threshold - 1e-9)
        v = similarity[i, j]
    else:
        found_i, found_j, found_v = [], [], []
        step = 256
        for start in range(0, n, step):
            # this block of answers against itself and every later answer: each pair once
            block = (matrix[start:start + step] @ matrix[start:].T).toarray()
            i, j = np.nonzero(block >= threshold - 1e-9)
            upper = j > i
            i, j = i[upper], j[upper]
            found_i.append(i + start)
            found_j.append(j + start)
            found_v.append(block[i, j])
        i, j, v = np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_v)
    v = np.minimum(np.round(v, 4), 1.0)
    keep = v >= threshold
    return rows[i[keep]], rows[j[keep]], v[keep]
