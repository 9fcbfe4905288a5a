"""Clustering: sentence features (TF-IDF and facets), k-means with k chosen by
silhouette, and a name, title and id for each cluster."""

from __future__ import annotations

import math
import re

import numpy as np

from ..text import NAME_JOINERS
from .parts import DimensionDraft, SourceSentence

#: Weights of the feature blocks (see the package docstring); tuned on the India-Japan source
#: by reading the clusters, and kept round.
TEXT_WEIGHT = 1.0
CONTEXT_WEIGHT = 0.6       #: the sentence's whole source line, relative to the sentence
FACET_WEIGHT = 1.0
FACET_SHARE = 0.4          #: a cluster is named after a facet holding this share of its facet words
TWO_FACET_SHARE = 0.45     #: ... or after the two facets that hold this share together
WORDS_PER_DIMENSION = (45, 30)   #: a dimension takes 30-45 words of an answer: k range
K_LIMITS = (4, 8)

FACETS = {
    "history": """history historical ancient medieval civilisation civilizational culture
        cultural buddhism buddhist monk heritage treaty colonial century centuries tradition
        traditional saint saints""",
    "economy": """economy economic trade investment investor investors export exports import
        imports market markets tariff tariffs fdi oda loan loans aid finance financing
        assistance industry business companies growth gdp fiscal revenue tax inflation price
        prices wage wages employment jobs""",
    "infrastructure": """infrastructure connectivity metro rail train railway corridor project
        projects road roads port ports highway logistics""",
    "security": """security defence defense military army navy naval exercise exercises
        maritime ministerial declaration mast missile missiles weapons intelligence terrorism
        border borders""",
    "strategy": """strategic strategy geopolitics geopolitical indo-pacific pacific region
        regional china chinese quad balance balancing order navigation autonomy""",
    "technology": """technology technological digital semiconductor semiconductors chip chips
        space ai robotics quantum innovation cyber cybersecurity research startups""",
    "environment": """energy clean green hydrogen climate renewable environment environmental
        emissions water drought flood floods rainfall agriculture crops""",
    "diplomacy": """diplomatic diplomacy unsc g20 g7 global multilateral summit forum forums
        support bid seat presidency international""",
    "society": """people skill skills workers professionals education health student students
        exchange exchanges tourism language women poor poverty caste rural households""",
    "timeline": """visit visited visits summit summits upgrade upgraded upgrading elevated
        established establish began begun started signed milestone milestones decade decades
        evolution evolved""",
    "governance": """governance institution institutions institutional parliament constitution
        constitutional law legal court judiciary act rights federalism states centre""",
    "ethics": """ethics ethical integrity honesty accountability transparency values
        conscience duty dilemma whistleblower corruption""",
}
FACET_TITLES = {
    "history": "History and culture", "economy": "Economy and trade",
    "infrastructure": "Infrastructure and connectivity", "security": "Security and defence",
    "strategy": "Strategy and geopolitics", "technology": "Technology",
    "environment": "Energy and environment", "diplomacy": "Diplomacy and global support",
    "society": "Society and people", "governance": "Governance and institutions",
    "ethics": "Ethics and values", "timeline": "Evolution and milestones",
}
FACET_SHORT = {"history": "History", "economy": "Economy", "infrastructure": "Infrastructure",
               "security": "Security", "strategy": "Strategy", "technology": "Technology",
               "environment": "Environment", "diplomacy": "Diplomacy", "society": "Society",
               "governance": "Governance", "ethics": "Ethics", "timeline": "Evolution"}


def features(sentences: list[SourceSentence]):
    """Sentence vectors: text (sentence + its source line) and facets; see the docstring."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    from ..similarity import background_sentences, word_features

    texts = [s.text for s in sentences]
    lines = [s.line for s in sentences]
    corpus = texts + list(background_sentences())
    words = TfidfVectorizer(analyzer=word_features, sublinear_tf=True).fit(corpus)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(corpus)

    def vectors(items):
        return normalize(sp.hstack([math.sqrt(0.7) * normalize(words.transform(items)),
                                    math.sqrt(0.3) * normalize(chars.transform(items))]).tocsr())

    text_part = normalize(vectors(texts) + CONTEXT_WEIGHT * vectors(lines))
    facets = normalize(np.sqrt(facet_counts(sentences)))
    matrix = normalize(sp.hstack([TEXT_WEIGHT * text_part,
                                  FACET_WEIGHT * sp.csr_matrix(facets)]).tocsr())
    return matrix, words


def facet_counts(sentences: list[SourceSentence]) -> np.ndarray:
    """(sentences, facets) counts of facet words in each sentence and its label."""
    from ..text import stems_of

    lexicon = facet_stems()
    rows = []
    for s in sentences:
        text = f"{s.label} {s.text}"
        stems = set(stems_of(text))
        row = [len(stems & words) for words in lexicon.values()]
        row[list(lexicon).index("timeline")] += min(2, len(re.findall(r"\b(?:1[89]|20)\d\d\b",
                                                                       text)))
        rows.append(row)
    return np.array(rows, dtype=float)


def facet_stems() -> dict[str, set[str]]:
    from ..text import stems_of

    return {name: set(stems_of(words)) for name, words in FACETS.items()}


def k_range(words: int, sentence_count: int, fixed: int = 0) -> range:
    """How many topic dimensions to try: an answer of `words` develops one dimension per
    30-45 words, within 4..8 in all; `fixed` dimensions (challenges, way forward) are
    already set, and each topic needs two source sentences at least."""
    low = min(max(round(words / WORDS_PER_DIMENSION[0]), K_LIMITS[0]), K_LIMITS[1]) - fixed
    high = min(max(round(words / WORDS_PER_DIMENSION[1]), K_LIMITS[0]), K_LIMITS[1]) - fixed
    high = max(2, min(high, sentence_count // 2))
    low = max(2, min(low, high))
    return range(low, high + 1)


def cluster(matrix, ks: range, random_state: int = 0) -> tuple[np.ndarray, dict[int, float]]:
    """k-means labels for the k in `ks` with the best cosine silhouette, and every k's
    silhouette. Clusters are numbered in the order they first appear in the source."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    best, best_score, scores = None, -2.0, {}
    for k in ks:
        if k >= matrix.shape[0]:
            break
        labels = KMeans(n_clusters=k, n_init=20, random_state=random_state).fit_predict(matrix)
        if len(set(labels)) < 2:
            continue
        scores[k] = float(silhouette_score(matrix, labels, metric="cosine"))
        if scores[k] > best_score + 1e-9:
            best, best_score = labels, scores[k]
    if best is None:
        best = np.zeros(matrix.shape[0], dtype=int)
    order: dict[int, int] = {}
    for label in best:
        order.setdefault(int(label), len(order))
    return np.array([order[int(label)] for label in best]), scores



#: A drafted title names at most this many of the source's headings.
MAX_TITLE_HEADINGS = 2


def dimension_title(dim: DimensionDraft, sentences: list[SourceSentence] | None = None) -> str:
    """"Security and defence: Strategic ally in Indo-Pacific; Strategic balancing" from the
    role or facet and the source's own headings over the dimension's sentences (the label
    of a "Label: text" line, or the heading above it); where those sentences have no
    heading, from the top keyword terms ("Economy and trade: CEPA, investment and trade
    deficit")."""
    from ..text import stems_of

    terms = [g.term for g in sorted(dim.keywords, key=lambda g: -g.score)
             if g.kind != "figure"][:3]
    dim.top_terms = terms
    head = {"challenge": "Challenges", "forward": "Way forward"}.get(dim.role) or (
        FACET_TITLES.get(dim.facet, "") if "+" not in dim.facet else
        " and ".join(FACET_SHORT[f] for f in dim.facet.split("+")).capitalize())
    headings = source_headings(dim, sentences or [], set(stems_of(head)))
    if headings:
        listed = "; ".join(headings)
    else:
        listed = (", ".join(terms[:-1]) + " and " + terms[-1]) if len(terms) > 1 else (
            terms[0] if terms else "")
    if head and listed:
        return f"{head}: {listed}"
    return head or (listed[:1].upper() + listed[1:]) or "Other points"


def source_headings(dim: DimensionDraft, sentences: list[SourceSentence],
                    said: set[str] = frozenset()) -> list[str]:
    """The headings most of the dimension's sentences sit under (most first, then the one
    nearest the cluster's centre), at most `MAX_TITLE_HEADINGS`; headings whose words the
    title already says (`said`, stems) are left out."""
    from collections import Counter

    from ..text import stems_of

    counts: Counter = Counter()
    first: dict[str, int] = {}
    for rank, i in enumerate(dim.sentences):
        heading = sentences[i].heading if i < len(sentences) else ""
        if not heading or set(stems_of(heading)) <= said:
            continue
        counts[heading] += 1
        first.setdefault(heading, rank)
    ordered = sorted(counts, key=lambda h: (-counts[h], first[h]))
    return ordered[:MAX_TITLE_HEADINGS]


def dimension_slug(dim: DimensionDraft) -> str:
    if dim.role == "challenge":
        return "challenges"
    if dim.role == "forward":
        return "way-forward"
    if dim.facet:
        return dim.facet.replace("+", "-")
    words = re.findall(r"[a-z0-9]+", " ".join(dim.top_terms).lower())
    return "-".join([w for w in words if w not in NAME_JOINERS][:3]) or "dimension"


def unique_id(base: str, used: set[str]) -> str:
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    used.add(candidate)
    return candidate
