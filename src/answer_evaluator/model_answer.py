"""Build a rubric on the fly from a question and a model (reference) answer.

No rubric file needed: the model answer's sentences become the model points, and its content
words and two-word phrases become keyword groups, weighted by TF-IDF (term frequency in the
model answer, inverse document frequency over the shipped background sentences). Words the
question already uses are demoted, since repeating the question earns nothing.

Two kinds of model answer are told apart by length:

* a short answer (at most SHORT_ANSWER_WORDS words, a sentence or three, as in short-answer
  tests): one dimension per sentence, its clauses as extra points, a word limit from the
  model answer's length, marking settings without introduction, conclusion or directive
  components (`SHORT_ANSWER_SETTINGS`), and the shipped calibration "default", which was
  fitted on answers of this kind;
* an essay answer (UPSC Mains style): up to six dimensions from its paragraphs (or runs of
  sentences), every sentence a point, and the engine's usual settings and formula, with no
  calibration (the shipped one was not fitted on essays).

`settings_for(rubric)` gives the settings for any rubric and `evaluator_for(rubric)` an
Evaluator with them. Pure: no I/O beyond the package's own background sentences.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .directives import DIRECTIVE_FALLBACK, DIRECTIVES, detect_directive
from .models import Dimension, KeywordGroup, MarkingScheme, ModelPoint, Rubric
from .settings import (ESSAY_ANSWER_SOURCE, SHORT_ANSWER_CHANGES, SHORT_ANSWER_SETTINGS,
                       SHORT_ANSWER_SOURCE, settings_for)
from .text import CLAUSE_FUNCTION_WORDS, analyse, is_function_word, stem, tokenize

#: `Rubric.source` of the rubrics built here (declared in settings.py, which picks their
#: settings); `settings_for` recognises them.
SOURCE = SHORT_ANSWER_SOURCE
ESSAY_SOURCE = ESSAY_ANSWER_SOURCE
#: Name of the shipped calibration used by default for rubrics built from short answers.
DEFAULT_CALIBRATION = "default"
#: A model answer up to this many words is a short answer; a longer one an essay.
SHORT_ANSWER_WORDS = 80
#: An essay model answer gives at most this many dimensions.
MAX_ESSAY_DIMENSIONS = 6
#: ... and each dimension this many keyword groups.
ESSAY_KEYWORDS = 8

#: Weight kept by a keyword that the question already uses.
QUESTION_WORD_WEIGHT = 0.25
#: A keyword's weight relative to the heaviest one is at least this (so no word is ignored).
MIN_KEYWORD_WEIGHT = 0.3
#: Weight of a two-word phrase relative to the mean of its words.
PHRASE_WEIGHT = 0.5
#: At most this many keyword groups (the heaviest) per rubric.
MAX_KEYWORDS = 30
#: Clauses shorter than this (in words) stay part of their sentence.
MIN_CLAUSE_WORDS = 5
#: Word limit: this many times the model answer's length, and at least MIN_WORD_LIMIT.
WORD_LIMIT_FACTOR = 2.0
MIN_WORD_LIMIT = 20


#: Words that carry no content on their own (text.py: the short list, on purpose).
FUNCTION_WORDS = CLAUSE_FUNCTION_WORDS

#: A short answer's word limit plays no part in its marks: short-answer tests set none, and
#: full-mark answers run to several times their terse reference (a strict limit cut 13% of
#: Mohler's full-mark answers; docs/agreement.md, "False alarms of the checks").
SHORT_ANSWER_MARKING = MarkingScheme(word_limit="none")

_SPLIT_CLAUSES = re.compile(r"\s*(?:;|:|,?\s+whereas\s+|,\s+but\s+|\.\s+)\s*", re.IGNORECASE)


def rubric_from_model_answer(question: str, reference_text: str, *, max_marks: int = 5,
                             word_limit: int | None = None,
                             directive: str | None = None) -> Rubric:
    """A rubric whose points and keywords come from `reference_text`.

    A short model answer gives one dimension per sentence (at most four; the rest join the
    last), with the sentence and, if long, its clauses as points; an essay gives up to six
    dimensions, one per paragraph or run of sentences, every sentence a point. Each
    dimension's keyword groups are its content words and phrases, heaviest first.
    Raises ValueError for an empty question or model answer.
    """
    question = " ".join(question.split())
    reference = reference_text.strip()
    if not question:
        raise ValueError("the question is empty")
    if max_marks <= 0:
        raise ValueError(f"max_marks must be greater than 0, got {max_marks}")
    if word_limit is not None and word_limit <= 0:
        raise ValueError(f"word_limit must be greater than 0, got {word_limit}")
    text = analyse(reference)
    prose = [s for s in text.sentences if s.kind != "heading"] or list(text.sentences)
    if not prose:
        raise ValueError("the model answer is empty")
    if directive is None:
        directive = detect_directive(question) or DIRECTIVE_FALLBACK
    if directive not in DIRECTIVES:
        raise ValueError(f"unknown directive '{directive}'; use one of: "
                         + ", ".join(sorted(DIRECTIVES)))
    short = text.word_count <= SHORT_ANSWER_WORDS
    if short:
        sentences = [s.text for s in prose]
        if len(sentences) > 4:
            sentences = sentences[:3] + [" ".join(sentences[3:])]
        parts = [[s] for s in sentences]
    else:
        parts = _essay_parts(prose)
    if word_limit is None:
        word_limit = (max(MIN_WORD_LIMIT, round(WORD_LIMIT_FACTOR * text.word_count)) if short
                      else max(50, round(text.word_count / 10) * 10))

    question_stems = {stem(w) for w in tokenize(question)[0]}
    weights = _keyword_weights([" ".join(part) for part in parts], question_stems,
                               essay=not short)
    used: set[str] = set()
    dimensions = []
    for number, (part, ranked) in enumerate(zip(parts, weights), start=1):
        groups = []
        for term, weight in ranked:
            key = " ".join(stem(w) for w in tokenize(term)[0])
            if key in used:
                continue
            used.add(key)
            groups.append(KeywordGroup(term=term, weight=round(weight, 3)))
            if not short and len(groups) >= ESSAY_KEYWORDS:
                break
        if not groups:   # every word already claimed: share the heaviest of the part
            term, weight = max(ranked, key=lambda tw: tw[1], default=(part[0], 1.0))
            groups.append(KeywordGroup(term=term, weight=round(weight, 3)))
        if short:
            dimension_id = f"point-{number}"
            points = [ModelPoint(f"{dimension_id}-1", part[0])]
            clauses = _clauses(part[0])
            if len(clauses) > 1:
                points += [ModelPoint(f"{dimension_id}-{i}", c, weight=1.0 / len(clauses))
                           for i, c in enumerate(clauses, start=2)]
            title = _title(part[0], f"Point {number}")
            advice = f"Make this point of the model answer: {part[0]}"
        else:
            dimension_id = f"part-{number}"
            points = [ModelPoint(f"{dimension_id}-{i}", s) for i, s in enumerate(part, start=1)]
            title = _title(part[0], f"Part {number}")
            advice = ("Develop this part of the model answer: "
                      + " ".join(part)[:300].rstrip() + (" ..." if len(" ".join(part)) > 300
                                                          else ""))
        dimensions.append(Dimension(
            dimension_id=dimension_id, title=title, weight=1.0, advice=advice,
            keywords=tuple(groups), points=tuple(points)))
    return Rubric(rubric_id=_slug(question), question=question, directive=directive,
                  word_limit=int(word_limit), max_marks=int(max_marks),
                  dimensions=tuple(dimensions), source=SOURCE if short else ESSAY_SOURCE,
                  calibration=DEFAULT_CALIBRATION if short else "",
                  marking=SHORT_ANSWER_MARKING if short else MarkingScheme())


def is_model_answer_rubric(rubric: Rubric) -> bool:
    """Built by `rubric_from_model_answer` (from a short or an essay model answer)."""
    return rubric.source in (SOURCE, ESSAY_SOURCE)


def is_short_answer_rubric(rubric: Rubric) -> bool:
    """Built from a short model answer: graded with SHORT_ANSWER_SETTINGS."""
    return rubric.source == SOURCE


def evaluator_for(rubric: Rubric, *, calibration=None):
    """An Evaluator with the settings that fit the rubric."""
    from .engine import Evaluator

    return Evaluator(rubric, settings_for(rubric), calibration=calibration)


def _essay_parts(sentences) -> list[list[str]]:
    """Sentences grouped into at most MAX_ESSAY_DIMENSIONS parts: by paragraph when the
    essay has several, else in runs of about equal length; neighbours merge to fit."""
    by_paragraph: dict[int, list[str]] = {}
    for s in sentences:
        by_paragraph.setdefault(s.paragraph, []).append(s.text)
    parts = list(by_paragraph.values())
    if len(parts) < 2:
        texts = [s.text for s in sentences]
        size = max(2, math.ceil(len(texts) / MAX_ESSAY_DIMENSIONS))
        parts = [texts[i:i + size] for i in range(0, len(texts), size)]
    while len(parts) > MAX_ESSAY_DIMENSIONS:   # merge the shortest neighbouring pair
        sizes = [len(" ".join(a + b)) for a, b in zip(parts, parts[1:])]
        i = sizes.index(min(sizes))
        parts[i:i + 2] = [parts[i] + parts[i + 1]]
    return parts


# ----------------------------------------------------------------------------- keywords


def _keyword_weights(sentences: list[str], question_stems: set[str], *, essay: bool = False
                     ) -> list[list[tuple[str, float]]]:
    """Per text: (term as written, weight) for content words and two-word phrases, heaviest
    first; weight = TF-IDF scaled to 1 for the heaviest, question words demoted."""
    idf = _idf()
    default_idf = _unseen_idf()
    per_sentence: list[list[tuple[str, float, str]]] = []
    counts: dict[str, int] = {}
    for sentence in sentences:
        words = tokenize(sentence)[0]
        runs: list[list[tuple[str, str]]] = [[]]
        for word in words:
            if _is_content(word) and not (essay and _is_filler(word)):
                runs[-1].append((word, stem(word)))
            elif runs[-1]:
                runs.append([])
        items: list[tuple[str, float, str]] = []
        for run in runs:
            for word, s in run:
                items.append((word, 0.0, s))
                counts[s] = counts.get(s, 0) + 1
            for (w1, s1), (w2, s2) in zip(run, run[1:]):
                items.append((f"{w1} {w2}", 0.0, f"{s1} {s2}"))
        per_sentence.append(items)

    def word_weight(s: str) -> float:
        value = (1 + math.log(counts.get(s, 1))) * idf.get(s, default_idf)
        return value * (QUESTION_WORD_WEIGHT if s in question_stems else 1.0)

    result, heaviest = [], 0.0
    for items in per_sentence:
        weighted = []
        for term, _, key in items:
            parts = key.split(" ")
            if len(parts) == 1:
                value = word_weight(key)
            else:
                if all(p in question_stems for p in parts):
                    continue     # a phrase of the question's own words earns nothing
                value = PHRASE_WEIGHT * sum(word_weight(p) for p in parts) / len(parts)
            weighted.append((term, value, key))
            heaviest = max(heaviest, value)
        result.append(weighted)
    heaviest = heaviest or 1.0
    floor = MIN_KEYWORD_WEIGHT * QUESTION_WORD_WEIGHT
    out: list[list[tuple[str, float]]] = []
    for weighted in result:
        seen: dict[str, tuple[str, float]] = {}
        for term, value, key in weighted:
            if key not in seen or value > seen[key][1]:
                seen[key] = (term.lower() if not term.isupper() else term,
                             max(floor, value / heaviest))
        ranked = sorted(seen.values(), key=lambda tw: -tw[1])
        out.append(ranked[:MAX_KEYWORDS])
    return out


def _is_content(word: str) -> bool:
    lowered = word.lower()
    if lowered[:1].isdigit():
        return True
    return len(lowered) > 1 and lowered not in FUNCTION_WORDS and stem(word) not in FUNCTION_WORDS


def _is_filler(word: str) -> bool:
    """In an essay, a stop word or a scrap of a hyphenated word makes a poor keyword
    (a short answer keeps them: there "once" or "both" may be the point)."""
    lowered = word.lower()
    return is_function_word(lowered) or (len(lowered) <= 2 and not word.isupper())


@lru_cache(maxsize=1)
def _idf() -> dict[str, float]:
    """Smoothed IDF of each stem over the shipped background sentences."""
    from .similarity import background_sentences

    documents = background_sentences()
    frequency: dict[str, int] = {}
    for sentence in documents:
        for s in {stem(w) for w in tokenize(sentence)[0]}:
            frequency[s] = frequency.get(s, 0) + 1
    n = len(documents)
    return {s: 1 + math.log((1 + n) / (1 + f)) for s, f in frequency.items()}


@lru_cache(maxsize=1)
def _unseen_idf() -> float:
    """IDF of a word the background never uses."""
    from .similarity import background_sentences

    return 1 + math.log(1 + len(background_sentences()))


# ----------------------------------------------------------------------------- points


def _clauses(sentence: str) -> list[str]:
    """Clauses of a long sentence that stand as points on their own."""
    pieces = [p.strip(" ,.") for p in _SPLIT_CLAUSES.split(sentence)]
    pieces = [p for p in pieces if len(tokenize(p)[0]) >= MIN_CLAUSE_WORDS]
    return pieces if len(pieces) > 1 else [sentence]


def _title(sentence: str, label: str) -> str:
    words = sentence.split()
    short = " ".join(words[:8]) + (" ..." if len(words) > 8 else "")
    return f"{label}: {short}"


def _slug(question: str) -> str:
    words = re.findall(r"[a-z0-9]+", question.lower())[:8]
    return "model-answer-" + "-".join(words) if words else "model-answer"
