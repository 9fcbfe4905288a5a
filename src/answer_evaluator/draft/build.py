"""The draft from end to end: clean, cluster, mine keywords, choose points, write TOML."""

from __future__ import annotations

import numpy as np

from ..directives import DIRECTIVES
from .cleaning import source_sentences
from .clustering import (FACET_SHARE, FACETS, TWO_FACET_SHARE, cluster, dimension_slug,
                         dimension_title, facet_counts, features, k_range, unique_id)
from .mining import choose_keywords
from .parts import DimensionDraft, DraftError, KeywordDraft
from .points import choose_points, sentence_word_matrix
from .writing import drop_near_duplicates, render

MIN_SENTENCES = 8


def draft_rubric(source_text: str, question: str, marks: int = 15, words: int | None = None,
                 rubric_id: str = "draft", *, source_name: str = "",
                 random_state: int = 0) -> str:
    """Commented rubric TOML drafted from `source_text` for `question`."""
    from ..directives import detect_directive
    from ..lint import expected_words

    question = " ".join(question.split())
    if not question:
        raise DraftError("the question is empty")
    if words is None:
        expected = expected_words(marks)
        words = expected[0] if expected else 15 * marks
    sentences = source_sentences(source_text, question)
    if len(sentences) < MIN_SENTENCES:
        raise DraftError(f"the source has {len(sentences)} usable sentences after cleaning; "
                         f"a draft needs at least {MIN_SENTENCES}")
    directive = detect_directive(question)
    dimensions = dimensions_of(sentences, question, words, random_state)
    if directive and DIRECTIVES[directive].both_sides and not any(
            d.role == "challenge" for d in dimensions):
        dimensions.append(generic_challenges(dimensions))
    text = render(rubric_id, question, directive, marks, words, dimensions, source_name,
                   len(sentences))
    return drop_near_duplicates(text, rubric_id, dimensions, question, directive, marks,
                                 words, source_name, len(sentences))


def dimensions_of(sentences, question, words, random_state) -> list[DimensionDraft]:
    """Challenge and way-forward sentences make their own dimensions (when there are three
    or more); the rest are clustered by topic."""
    matrix, _ = features(sentences)
    groups: list[tuple[str, list[int]]] = []
    roles = {"challenge": [], "forward": []}
    for i, s in enumerate(sentences):
        if s.role in roles:
            roles[s.role].append(i)
    fixed = [role for role, members in roles.items() if len(members) >= 3]
    topical = [i for i, s in enumerate(sentences) if s.role not in fixed]
    labels, _ = cluster(matrix[topical], k_range(words, len(topical), len(fixed)),
                        random_state)
    for number in range(labels.max() + 1):
        groups.append(("", [topical[j] for j in range(len(topical)) if labels[j] == number]))
    groups += [(role, roles[role]) for role in fixed]
    counts = facet_counts(sentences)
    names = list(FACETS)
    dimensions = []
    for role, members in groups:
        centroid = np.asarray(matrix[members].mean(axis=0)).ravel()
        closeness = [float(matrix[i].toarray().ravel() @ centroid) for i in members]
        ordered = [i for _, i in sorted(zip(closeness, members), key=lambda p: -p[0])]
        mass = counts[members].sum(axis=0)
        ranked = [names[j] for j in np.argsort(-mass, kind="stable")]
        facet = ""
        if mass.sum() and mass.max() >= FACET_SHARE * mass.sum():
            facet = ranked[0]
        elif mass.sum() and np.sort(mass)[-2:].sum() >= TWO_FACET_SHARE * mass.sum():
            facet = "+".join(ranked[:2])
        dimensions.append(DimensionDraft("", "", role, ordered, [], [], [], facet=facet))
    choose_keywords(dimensions, sentences, question)
    word_matrix = sentence_word_matrix(sentences)
    used: set[str] = set()
    for dim in dimensions:
        dim.title = dimension_title(dim, sentences)
        dim.dimension_id = unique_id(dimension_slug(dim), used)
        dim.points = choose_points(dim, sentences, word_matrix)
    return [d for d in dimensions if d.keywords and d.points]



def generic_challenges(dimensions: list[DimensionDraft]) -> DimensionDraft:
    used = {d.dimension_id for d in dimensions}
    return DimensionDraft(
        unique_id("challenges", used), "Challenges and limitations", "challenge", [], [],
        [KeywordDraft("challenges", ["challenge", "limitations", "limitation", "concerns",
                               "constraints"]),
         KeywordDraft("however", ["although", "despite", "on the other hand"]),
         KeywordDraft("gaps", ["gap", "shortfall", "shortfalls", "bottlenecks"])],
        ["The answer should weigh the achievements against the challenges and limitations "
         "that remain.",
         "Gaps in implementation, funding and coordination limit the results on the ground."],
        generic=True)
