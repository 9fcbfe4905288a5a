"""Pairs of answers that are suspiciously alike: TF-IDF cosine of words and pairs of words.

scikit-learn and NumPy are imported only when pairs are computed (not at import time)."""

from __future__ import annotations

from .results import SimilarPair

SIMILARITY_THRESHOLD = 0.6     #: TF-IDF cosine from which two answers are listed as alike
MAX_PAIRS = 500                #: alike pairs kept in results.json and index.html


def similar_pairs(names: list[str], texts: list[str], threshold: float = SIMILARITY_THRESHOLD,
                  limit: int = MAX_PAIRS) -> tuple[int, tuple[SimilarPair, ...]]:
    """(number of pairs, the `limit` most alike pairs) whose TF-IDF cosine is >= threshold.

    Words and pairs of words, weighted by how rare they are in this batch (inverse document
    frequency), so that phrases the whole class uses count little and a shared unusual
    sentence counts a lot."""
    return _pairs(names, pair_features(texts), threshold, limit)


_HASH_FEATURES = 2 ** 22


def pair_features(texts: list[str]):
    """Counts of the words and pairs of words of each text: one hashed sparse row per text,
    each row independent of the others (so each worker computes those of its own answers
    and the batch's IDF is applied at the end)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(ngram_range=(1, 2), n_features=_HASH_FEATURES,
                             alternate_sign=False, norm=None).transform(texts)


def _pairs(names: list[str], matrix, threshold: float = SIMILARITY_THRESHOLD,
           limit: int = MAX_PAIRS) -> tuple[int, tuple[SimilarPair, ...]]:
    if matrix is None or matrix.shape[0] < 2:
        return 0, ()
    import numpy as np
    from sklearn.preprocessing import normalize

    matrix = matrix.astype(np.float64, copy=True).tocsr()
    matrix.data = np.log(matrix.data) + 1.0                        # sublinear tf
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    idf = np.log((1 + matrix.shape[0]) / (1 + df[matrix.indices])) + 1.0
    matrix.data = matrix.data * idf                                 # smooth idf, as sklearn
    matrix = normalize(matrix)
    # A word of one answer only adds nothing to any pair: drop it (norms are already taken).
    matrix.data[df[matrix.indices] < 2] = 0.0
    matrix.eliminate_zeros()
    found_rows, found_cols, found_values = [], [], []
    step = 256
    for start in range(0, matrix.shape[0], step):
        # this block of answers against itself and every later answer: each pair once
        block = (matrix[start:start + step] @ matrix[start:].T).toarray()
        i, j = np.nonzero(block >= threshold - 1e-9)
        upper = j > i
        i, j = i[upper], j[upper]
        found_rows.append(i + start)
        found_cols.append(j + start)
        found_values.append(block[i, j])
    i, j, v = (np.concatenate(found_rows), np.concatenate(found_cols),
               np.concatenate(found_values))
    v = np.minimum(np.round(v, 4), 1.0)
    keep = v >= threshold
    i, j, v = i[keep], j[keep], v[keep]
    order = np.lexsort((j, i, -v))[:limit]
    return int(len(v)), tuple(SimilarPair(names[i[k]], names[j[k]], float(v[k]))
                              for k in order)
