"""Find a rubric's keyword groups in an analysed answer: whole words, on stems, phrases too."""

from __future__ import annotations

from dataclasses import dataclass

from .models import AnalysedText, KeywordHit, Rubric
from .text import stem, tokenize


@dataclass(frozen=True)
class _Form:
    dimension_id: str
    group_index: int          #: index of the group across the rubric
    term: str
    form: str
    weight: float
    tokens: tuple[str, ...]   #: stems, or exact words when case-sensitive
    case_sensitive: bool


class KeywordMatcher:
    """Compiled once per rubric; `match` is then cheap for each answer."""

    def __init__(self, rubric: Rubric):
        forms: list[_Form] = []
        index = 0
        for dim in rubric.dimensions:
            for group in dim.keywords:
                for form in group.forms:
                    words = tokenize(form)[0]
                    if not words:
                        continue
                    tokens = words if group.case_sensitive else tuple(stem(w) for w in words)
                    forms.append(_Form(dim.dimension_id, index, group.term, form, group.weight,
                                       tokens, group.case_sensitive))
                index += 1
        self.group_count = index
        # Longest forms first so "Act East Policy" claims its words before "Act East".
        self.forms = tuple(sorted(forms, key=lambda f: -len(f.tokens)))
        self._by_first: dict[str, list[_Form]] = {}
        for form in self.forms:
            self._by_first.setdefault(form.tokens[0], []).append(form)

    def match(self, text: AnalysedText) -> tuple[KeywordHit, ...]:
        """Every occurrence of every form, without overlaps inside a sentence."""
        hits: list[KeywordHit] = []
        by_first = self._by_first
        for sentence in text.sentences:
            taken = [False] * len(sentence.words)
            for position in range(len(sentence.words)):
                on_stem = by_first.get(sentence.stems[position])
                on_word = by_first.get(sentence.words[position])
                if on_stem is None and on_word is None:
                    continue
                # each list is already longest first (built from self.forms)
                candidates = (on_stem if on_word is None else on_word if on_stem is None else
                              sorted(on_stem + on_word, key=lambda f: -len(f.tokens)))
                for form in candidates:
                    end = position + len(form.tokens)
                    source = sentence.words if form.case_sensitive else sentence.stems
                    if end > len(source) or any(taken[position:end]):
                        continue
                    if tuple(source[position:end]) == form.tokens:
                        for j in range(position, end):
                            taken[j] = True
                        hits.append(KeywordHit(form.dimension_id, form.term, form.form,
                                               sentence.index, position, end, form.weight))
                        break
        return tuple(hits)
