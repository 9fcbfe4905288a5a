"""Keyword mining: acronyms with their expansions, named phrases, label phrases, frequent
two-word terms and distinctive words, then figures attached to the nearest group."""

from __future__ import annotations

import math
import re
from collections import Counter

from ..text import NAME_JOINERS, compound_tokens, is_function_word
from .cleaning import FORWARD_CUES, YEARS
from .clustering import facet_stems
from .parts import DimensionDraft, KeywordDraft, SourceSentence

_TITLES = frozenset("""pm prime minister president minister chief secretary mr mrs ms dr shri
    smt sri""".split())
_GENERIC_ACRONYMS = frozenset("""PM CM MP MLA MLAS US USA UK AD BC CE BCE FY IT RD OK TV
    NO""".split())
_WEAK = frozenset("""like including include includes such also etc via per new key major top
    many several various two one example instance case cases way ways well synergy""".split())
_MONTHS = frozenset("""january february march april may june july august september october
    november december jan feb mar apr jun jul aug sep sept oct nov dec""".split())


_PAREN = re.compile(r"\(([^()]{1,80})\)")
_ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Z][A-Z0-9&]{1,7}s?$")
_NUMBER = re.compile(r"^(?:[$\u20b9]?\d[\d,.]*(?:%|[A-Za-z]{1,2})?)$")
_YEAR_OR_FIGURE = re.compile(r"^(?:1[0-9]{3}|20[0-9]{2}|[$\u20b9]\d[\d,.]*[A-Za-z]{0,2}|"
                             r"\d[\d,.]*%|\d{1,3}(?:\.\d+)?\s?(?:bn|B|billion|crore|lakh))$")


def _initials_match(words: list[str], acronym: str) -> bool:
    """Do the words spell the acronym ("Free and Open Indo-Pacific" -> FOIP)?"""
    letters = [c for c in acronym.upper() if c.isalpha()]

    def match(w: int, a: int) -> bool:
        if w == len(words):
            return a == len(letters)
        word = words[w]
        steps = set()
        if word.lower() in NAME_JOINERS:
            steps.add(0)
        parts = [p for p in word.split("-") if p]
        initials = [p[0].upper() for p in parts]
        if letters[a:a + len(initials)] == initials:
            steps.add(len(initials))
        if parts and letters[a:a + 1] == [parts[0][0].upper()]:
            steps.add(1)
        return any(match(w + 1, a + n) for n in steps)

    return bool(words) and words[0].lower() not in NAME_JOINERS and match(0, 0)


def acronyms(text: str) -> list[tuple[str, str]]:
    """(short form, expansion) pairs written "Expansion (ACR)" or "ACR (Expansion)":
    "Free and Open Indo-Pacific (FOIP)", "Quadrilateral Security Dialogue (Quad)"."""
    found = []
    for match in _PAREN.finditer(text):
        inner = match.group(1).strip()
        before = [t for t, _, _ in compound_tokens(text[:match.start()])][-10:]
        if _ACRONYM.match(inner) or re.fullmatch(r"[A-Z][a-z]{2,5}", inner):
            for start in range(len(before) - 1, -1, -1):
                words = before[start:]
                prefix = (not inner.isupper() and len(words) >= 2
                          and words[0].lower().startswith(inner.lower())
                          and all(w[:1].isupper() or w.lower() in NAME_JOINERS for w in words))
                if (inner.isupper() and _initials_match(words, inner)) or prefix:
                    found.append((inner, " ".join(words)))
                    break
        elif before and _ACRONYM.match(before[-1]):
            words = [t for t, _, _ in compound_tokens(inner)]
            if _initials_match(words, before[-1]):
                found.append((before[-1], " ".join(words)))
    return found


def _subject_stems(question: str) -> set[str]:
    """Stems of the names in the question ("India", "Japan"): every answer uses them."""
    from ..text import stem, tokenize

    words = tokenize(question)[0]
    return {stem(w) for i, w in enumerate(words) if i > 0 and w[:1].isupper()} | {"india"}


def _is_subject(token: str, subject: set[str]) -> bool:
    from ..text import stem

    return all(any(stem(p).startswith(s) for s in subject) for p in token.split("-") if p)


def _phrases(text: str, subject: set[str], proper_words: set[str]) -> list[str]:
    """Names written with capitals ("Asia-Africa Growth Corridor", "Yoshiro Mori") and quoted
    phrases, without leading subject names and titles, and never across punctuation. A
    capital that only starts the sentence does not make a name unless the word is written
    with a capital inside a sentence somewhere in the source (`proper_words`)."""
    found = []
    for quoted in re.findall(r'"([^"]{3,80})"', text):
        words = quoted.split()
        while words and _is_subject(words[0], subject):
            words = words[1:]
        found.append(" ".join(words))
    tokens = compound_tokens(text)
    run: list[tuple[str, int]] = []

    def flush():
        while run and run[-1][0].lower() in NAME_JOINERS:
            run.pop()
        while run and (run[0][0].lower() in NAME_JOINERS | _TITLES | _MONTHS
                       or _is_subject(run[0][0], subject) or run[0][0][:1].isdigit()
                       or run[0][0].upper() in _GENERIC_ACRONYMS
                       or run[0][1] == 0 and run[0][0] not in proper_words):
            run.pop(0)
        if 2 <= len(run) <= 6:
            found.append(" ".join(t for t, _ in run))
        run.clear()

    previous_end = None
    for position, (token, start, end) in enumerate(tokens):
        gap = text[previous_end:start] if previous_end is not None else ""
        previous_end = end
        if run and (gap.strip() or token.upper() in _GENERIC_ACRONYMS):
            flush()
        capital = token[:1].isupper() or (run and re.fullmatch(r"\d{4}", token))
        if capital:
            run.append((token, position))
        elif run and token.lower() in {"of", "on", "for"}:
            run.append((token, position))
        else:
            flush()
    flush()
    return [p for p in dict.fromkeys(found) if 2 <= len(p.split()) <= 6]


def _label_phrases(label: str, subject: set[str]) -> list[str]:
    """"Trade Imbalance and Market Access" -> ["Trade Imbalance", "Market Access"]."""
    from ..text import stems_of

    forward = set(stems_of(FORWARD_CUES))
    found = []
    label = re.sub(r"\([^)]*\)", " ", label)
    for piece in re.split(r"\s*(?:,|&|\band\b|/)\s*", label):
        words = piece.split()
        while words and (stems_of(words[0])[:1] and stems_of(words[0])[0] in forward
                         or _is_subject(words[0], subject)):
            words = words[1:]
        if 2 <= len(words) <= 4 and not YEARS.match(" ".join(words)):
            found.append(" ".join(words))
    return found


def _surface_bigrams(sentences: list[SourceSentence]) -> tuple[dict[str, str], Counter]:
    """Stem bigram -> its spelling in the source ("indo pacif" -> "Indo-Pacific"), and how
    often each occurs; only pairs of content words with nothing but a space or a hyphen
    between them."""
    from ..text import content_stems

    spelled: dict[str, Counter] = {}
    counts: Counter = Counter()
    for s in sentences:
        tokens = compound_tokens(s.text)
        for token, start, end in tokens:
            parts = token.split("-")
            stems = content_stems(token)
            if len(parts) == 2 and len(stems) == 2 and all(p[:1].isalpha() for p in parts):
                key = f"{stems[0]} {stems[1]}"
                spelled.setdefault(key, Counter())[token] += 1
                counts[key] += 1
        for (w1, a1, e1), (w2, a2, e2) in zip(tokens, tokens[1:]):
            if s.text[e1:a2] not in (" ", "-"):
                continue
            if w1.endswith("ed") or w2.endswith("ed") or "-" in w1 or "-" in w2:
                continue
            st1, st2 = content_stems(w1), content_stems(w2)
            if len(st1) != 1 or len(st2) != 1 or w1[:1].isdigit() or w2[:1].isdigit():
                continue
            key = f"{st1[0]} {st2[0]}"
            form = s.text[a1:e2]
            if not (form.isupper() or "-" in form or w2[:1].isupper() and w1[:1].isupper()):
                form = form.lower()
            spelled.setdefault(key, Counter())[form] += 1
            counts[key] += 1
    return {k: c.most_common(1)[0][0] for k, c in spelled.items()}, counts


def choose_keywords(dimensions: list[DimensionDraft], sentences: list[SourceSentence],
                     question: str) -> None:
    """Keyword groups for each dimension: acronyms with their expansions, named phrases,
    label phrases, frequent two-word terms and distinctive words; years and figures become
    variants of the group named nearest to them. Each form is used once in the whole rubric
    (no shared or colliding keywords), and the question's own words are left out."""
    from ..lint import form_key
    from ..text import content_stems
    from ..text import tokenize

    subject = _subject_stems(question)
    avoid = set(content_stems(question)) | subject
    where = {i: d for d, dim in enumerate(dimensions) for i in dim.sentences}
    expansions: dict[str, str] = {}
    for s in sentences:
        for short, long in acronyms(s.line):
            expansions.setdefault(short.upper(), long)
    lower_words = {w for s in sentences for w in tokenize(s.text)[0] if w.islower()}
    proper_words = {t for s in sentences for t, start, _ in compound_tokens(s.text)[1:]
                    if t[:1].isupper()}
    facet_words = set().union(*facet_stems().values())
    bigram_forms, bigram_counts = _surface_bigrams(sentences)
    unigram_forms: dict[str, Counter] = {}
    counts: dict[tuple[str, str], Counter] = {}
    spelled: dict[tuple[str, str], str] = {}

    def add(kind: str, form: str, d: int, amount: float = 1.0):
        key = (kind, " ".join(form_key(form, False)))
        if key[1] and not set(key[1].split()) <= avoid:
            counts.setdefault(key, Counter())[d] += amount
            spelled.setdefault(key, form)

    labelled: set[str] = set()
    for i, s in enumerate(sentences):
        d = where.get(i)
        if d is None:
            continue
        seen_here = set()
        for token, _, _ in compound_tokens(f"{s.label} {s.text}"):
            parts = [token] + token.split("-")
            for part in parts:
                if part in seen_here:
                    continue
                if (_ACRONYM.match(part) or part.upper() in expansions and part[:1].isupper()) \
                        and part.upper() not in _GENERIC_ACRONYMS \
                        and not _is_subject(part, subject):
                    seen_here.add(part)
                    add("acronym", part, d)
        plain = s.text
        for short, long in acronyms(s.text):
            plain = plain.replace(long, ", ").replace(f"({short})", ", ")
        for phrase in _phrases(plain, subject, proper_words):
            add("phrase", phrase, d)
        if s.line not in labelled:
            labelled.add(s.line)
            for phrase in _label_phrases(s.label, subject):
                add("label", phrase, d, 0.5)
        stems = content_stems(s.text)
        for key in {f"{a} {b}" for a, b in zip(stems, stems[1:])} & set(bigram_forms):
            if bigram_counts[key] >= 2 and not set(key.split()) & (_WEAK_STEMS() | subject):
                add("bigram", bigram_forms[key], d)
        for word in tokenize(s.text)[0]:
            st = content_stems(word)
            if len(st) == 1 and len(word) >= 5 and not word[:1].isdigit():
                unigram_forms.setdefault(st[0], Counter())[word if word[1:].islower() and
                                                          word[:1].isupper() and
                                                          word.lower() not in lower_words
                                                          else word.lower()] += 1
        proper = {content_stems(t)[0] for t, _, _ in compound_tokens(s.text)[1:]
                  if t[:1].isupper() and len(content_stems(t)) == 1}
        for st in set(stems) - avoid - _WEAK_STEMS():
            if len(st) >= 4 and not st[:1].isdigit() and (st in facet_words or st in proper):
                add("term", st, d)
    totals = {key: sum(per.values()) for key, per in counts.items()}
    bonus = {"acronym": 3.0, "phrase": 2.2, "label": 1.2, "bigram": 1.6, "term": 1.0}
    taken: list[tuple[str, ...]] = []

    for d, dim in enumerate(dimensions):
        candidates = []
        for key, per in counts.items():
            kind = key[0]
            inside = per.get(d, 0.0)
            if inside <= 0 or max(sorted(per), key=per.get) != d:
                continue
            share = inside / totals[key]
            if kind == "term" and (inside < 2 or share < 0.6):
                continue
            candidates.append((bonus[kind] * share * (1 + math.log(inside)), kind, key))
        candidates.sort(key=lambda c: (-c[0], c[2]))
        limit = max(4, min(7, len(dim.sentences) + 2))
        groups: list[KeywordDraft] = []
        for score, kind, key in candidates:
            if len(groups) >= limit:
                break
            if kind == "term":
                forms = unigram_forms.get(key[1])
                if not forms:
                    continue
                form = forms.most_common(1)[0][0]
            else:
                form = spelled[key]
            stems = " " + " ".join(form_key(form, False)) + " "
            if any(stems in " " + " ".join(form_key(f, False)) + " " or
                   " " + " ".join(form_key(f, False)) + " " in stems
                   for g in groups for f in [g.term, *g.variants]):
                continue                      # part of a chosen phrase, or contains one
            if form_key(form, False) in taken:
                continue
            group = KeywordDraft(form, kind=kind, score=score)
            if kind == "acronym":
                group.term = form if form.isupper() or form[1:].islower() else form.upper()
                group.case_sensitive = is_function_word(form)
                long = expansions.get(form.upper())
                if long and form_key(long, False) not in taken:
                    group.variants.append(long)
            groups.append(group)
            taken.extend(form_key(f, False) for f in [group.term, *group.variants])
        if len(groups) < 3:                   # a small cluster: its own longer words
            for i in dim.sentences:
                for word in tokenize(sentences[i].text)[0]:
                    st = content_stems(word)
                    if (len(groups) >= 3 or len(st) != 1 or len(word) < 5 or st[0] in avoid
                            or st[0] in _WEAK_STEMS() or word[:1].isdigit()
                            or (st[0],) in taken):
                        continue
                    form = word if word[:1].isupper() and word in proper_words else word.lower()
                    groups.append(KeywordDraft(form, kind="term", score=0.1))
                    taken.append((st[0],))
        _attach_figures(groups, [sentences[i] for i in dim.sentences], taken)
        dim.keywords = groups


def _attach_figures(groups: list[KeywordDraft], members: list[SourceSentence], taken: list) -> None:
    """Years and figures become variants of the group named nearest to them in a sentence."""
    from ..lint import form_key

    for s in members:
        places = []
        for group in groups:
            for form in [group.term, *group.variants]:
                for m in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", s.text, re.I):
                    places.append((m.start(), m.end(), group))
        if not places:
            continue
        for token, start, end in compound_tokens(s.text):
            if not _YEAR_OR_FIGURE.match(token):
                continue
            key = form_key(token, False)
            if not key or key in taken:
                continue
            distance, owner = min(((min(abs(start - e), abs(a - end)), g)
                                   for a, e, g in places), key=lambda p: p[0])
            if distance <= 60:
                owner.variants.append(token)
                taken.append(key)


def _WEAK_STEMS() -> frozenset[str]:
    from ..text import stems_of

    return frozenset(stems_of(" ".join(_WEAK | _MONTHS)))
