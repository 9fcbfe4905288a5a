"""Point choice: the most central self-contained sentences of a dimension, lightly
cleaned into model points."""

from __future__ import annotations

import math
import re

from .cleaning import YEARS
from .parts import DimensionDraft, SourceSentence

_PRONOUN_START = re.compile(r"^(it|they|this|these|those|that|such|he|she|its|their)\b", re.I)


def sentence_word_matrix(sentences):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    from ..similarity import background_sentences, word_features

    texts = [s.text for s in sentences]
    vectoriser = TfidfVectorizer(analyzer=word_features, sublinear_tf=True).fit(
        texts + list(background_sentences()))
    return normalize(vectoriser.transform(texts))



def choose_points(dim: DimensionDraft, sentences: list[SourceSentence], word_matrix) -> list[str]:
    """The most central self-contained sentences of the dimension, lightly cleaned."""
    from ..text import count_words

    wanted = min(4, max(2, math.ceil(len(dim.sentences) / 3)))
    chosen: list[int] = []
    for i in dim.sentences:
        s = sentences[i]
        if _PRONOUN_START.match(s.text) or not 7 <= count_words(s.text) <= 45:
            continue
        if any(float(word_matrix[i].toarray().ravel() @ word_matrix[j].toarray().ravel()) > 0.5
               for j in chosen):
            continue
        chosen.append(i)
        if len(chosen) == wanted:
            break
    if not chosen:
        chosen = dim.sentences[:1]
    return [clean_point(sentences[i]) for i in chosen]


def clean_point(sentence: SourceSentence) -> str:
    """A source sentence made into a model point: year labels kept, quotes and list
    markers dropped, one space, a capital and a full stop."""
    text = sentence.text.strip()
    text = re.sub(r'"', "", text)
    text = re.sub(r"\)\s*\(", ") (", text)
    text = re.sub(r"^(for example|e\.g\.|similarly|also|moreover|further|furthermore),?\s+",
                  "", text, flags=re.I)
    label = sentence.label
    if label and YEARS.match(label) and not re.search(r"\d{4}", text):
        text = f"In {label}, {text}"
    text = " ".join(text.split())
    text = text[:1].upper() + text[1:]
    if not text.endswith((".", "?", "!")):
        text = text.rstrip(";:,") + "."
    return text
