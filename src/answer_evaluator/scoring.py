"""Turn keyword hits and point similarities into dimension scores, checks and marks.

Pure functions over frozen data: no I/O, no fitting. The formula is in the README under
"How marks are computed"; every constant lives in `settings.Settings`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

import numpy as np

from .directives import (CONTRAST_WORDS, DIRECTIVES, JUDGEMENT_WORDS, REASON_WORDS,
                         Directive, names_other_side, names_reasons)
from .models import (AnalysedText, Check, Coverage, DimensionScore, DirectiveReport, Flag,
                     KeywordHit, LengthReport, PointMatch, Rubric, SentenceFeedback,
                     StructureReport, Suggestion)
from .marking import round_half  # noqa: F401  (marks are rounded in marking.py)
from .settings import DEFAULT_SETTINGS, Settings
from .text import CLAUSE_FUNCTION_WORDS, is_function_word, label_words, under_headings

#: Word-order check: only clear anomalies count, those that ordinary answers (typos aside) do
#: not write and shuffled text often does. A determiner that is never a pronoun or a label
#: ("the", "an", "its", not "this", "her" or "bulb a") followed by another determiner, a
#: preposition, a conjunction or "to", or ending the sentence; a lower-case "a" followed by
#: a determiner or a preposition; a preposition followed by a preposition or a finite
#: auxiliary ("of had"); a conjunction followed by another ("and but") or ending the sentence.
#: Not anomalies: a sentence ending in a preposition, "into or out of", "the" before a number,
#: "their is" and "the are" (typos for "there", "they"), words with punctuation between them.
_DETERMINERS = frozenset("the an its their our your my".split())
_ANY_DETERMINER = _DETERMINERS | frozenset("a this these those".split())
_PREPOSITIONS = frozenset("of in on at by for with from into onto upon".split())
_CONJUNCTIONS = frozenset("and or nor but than".split())
_AUXILIARIES = frozenset("""is are was were be been being has have had do does did will would
shall should can could may might must""".split())
_FINITE = frozenset("is are was were be been has have had does did would should could shall might".split())
_AFTER_DETERMINER = _ANY_DETERMINER | _PREPOSITIONS | _CONJUNCTIONS | {"to"}
_AFTER_A = _ANY_DETERMINER | _PREPOSITIONS
_AFTER_PREPOSITION = _PREPOSITIONS | _FINITE
#: Function words (text.py owns the list) and the prepositions above ("upon").
_FUNCTION = CLAUSE_FUNCTION_WORDS | _PREPOSITIONS
#: Words that make a clause of a short sentence ("They are both specialists."): a run of
#: terms without any ("Yen loans 1958.") is a fragment.
_CLAUSE_WORDS = _AUXILIARIES | frozenset("""i you he she it we they there who which what that
this these those not no if because so said says it's that's there's what's he's she's
they're we're i'm you're""".split())
#: A sentence about the answer itself ("This answer will explore ...", "This discussion will
#: analyse ... its strengths and limitations"): it announces points, it does not make them.
_SIGNPOST = re.compile(r"\b(?:this|the following|the present) (?:answer|essay|response|"
                       r"discussion|write-up)\b.*\b(?:will|shall|would|seeks?|attempts?|aims?)\b",
                       re.IGNORECASE)
_CONCLUSION_CUES = ("conclusion", "conclude", "way forward", "going forward", "in sum",
                    "to sum up", "summing up", "in short", "in a nutshell", "on balance",
                    "overall", "therefore", "thus", "hence", "in the future", "ahead",
                    "should", "must", "need to", "needs to",
                    "justification",      # a case study's last section justifies the choice
                    "ultimately", "all in all", "in the end", "in essence")
#: How a last paragraph that weighs what came before opens ("Still, the partnership ...",
#: "Yet ...", "Even so, ..."): a conclusion, though it names no cue word.
_CONCLUDING_OPENER = re.compile(r"^\W*(?:still|yet|nevertheless|nonetheless|even so|all the same|"
                                r"that said|having said that|despite this|despite these)\b",
                                re.IGNORECASE)


@dataclass(frozen=True)
class SentenceWeights:
    """How much each sentence may count, and why not fully."""

    weight: np.ndarray                  #: 0..1 per sentence
    flags: tuple[tuple[str, ...], ...]  #: reasons per sentence


def is_list_like(sentence, settings: Settings = DEFAULT_SETTINGS) -> bool:
    """A run of comma-separated terms with hardly any function or clause words: a keyword
    list ("ISM 2021, MeitY, DLI, fiscal support"), not a sentence that lists ("So I said,
    walking back, ..."). Whether it counts against an answer: `judged_on_form`."""
    words = len(sentence.words)
    separators = sentence.text.count(",") + sentence.text.count(";")
    function = sum(1 for w in sentence.words if w.lower() in _LIST_BREAKERS)
    return (words >= settings.list_min_words and separators >= settings.list_min_separators
            and separators / words >= settings.list_separator_share
            and function / words < settings.list_function_share)


_LIST_BREAKERS = _FUNCTION | _CLAUSE_WORDS


def is_fragment(sentence, settings: Settings) -> bool:
    """A short run of words with no clause word ("Yen loans 1958.", "Delhi Metro."); a short
    sentence ("Pythons are generalists.") is not one."""
    return (sentence.kind != "heading" and len(sentence.words) < settings.fragment_words
            and not any(w.lower() in _CLAUSE_WORDS for w in sentence.words))


def judged_on_form(text: AnalysedText, settings: Settings) -> bool:
    """Whether the answer is long enough to be judged a keyword list or a run of fragments:
    one or two terse sentences ("main"; "Name, parameters, scope and return type") are a
    normal short answer, which its coverage and length judge, not its form."""
    return (len(text.sentences) >= settings.form_min_sentences
            or text.word_count >= settings.form_min_words)


def prose_share(text: AnalysedText, settings: Settings) -> float:
    """Share of the words (outside headings) in sentences that are neither fragments nor
    lists of terms; 1 for an answer too short to be judged on its form."""
    if not judged_on_form(text, settings):
        return 1.0
    sentences = [s for s in text.sentences if s.kind != "heading"]
    total = sum(len(s.words) for s in sentences) or 1
    return sum(len(s.words) for s in sentences
               if not is_fragment(s, settings) and not is_list_like(s, settings)) / total


def weigh_sentences(text: AnalysedText, question_similarity: np.ndarray, question_stems: set,
                    settings: Settings) -> SentenceWeights:
    """Discount fragments, headings, copies of the question, repeated sentences and
    signposts (sentences about the answer itself)."""
    weights, flags = [], []
    seen: list[frozenset] = []
    exact: set[frozenset] = set()
    judged = judged_on_form(text, settings)
    loose = judged and prose_share(text, settings) < settings.prose_target  # fragments cost
    window = settings.duplicate_window
    for sentence, to_question in zip(text.sentences, question_similarity):
        reasons: list[str] = []
        content = {s for s in sentence.stems if s not in _FUNCTION and len(s) > 2}
        weight = min(1.0, len(sentence.words) / settings.full_sentence_words)
        if sentence.kind == "heading":
            weight = min(weight, settings.heading_weight)
        elif judged and is_list_like(sentence, settings):
            weight = min(weight, settings.list_weight)
            reasons.append("a list of terms, not a sentence")
        if _SIGNPOST.search(sentence.text):
            weight = 0.0              # it names what the answer will do: no credit, no flag
        if content and to_question >= settings.question_copy_at and (
                len(content & question_stems) / len(content) >= settings.question_copy_overlap):
            weight = 0.0
            if sentence.kind != "heading":    # a heading that names the question signposts
                reasons.append("repeats the question")
        content = frozenset(content)
        if len(content) >= settings.duplicate_min_stems and (content in exact or any(
                len(content & earlier) / len(content | earlier) >= settings.duplicate_at
                for earlier in seen[-window:])):
            weight = 0.0
            reasons.append("repeats an earlier sentence")
        exact.add(content)
        if loose and is_fragment(sentence, settings) and weight > 0:
            reasons.append("a fragment, not a sentence")
        seen.append(content)
        weights.append(weight)
        flags.append(tuple(reasons))
    return SentenceWeights(np.array(weights, dtype=float), tuple(flags))


def fluency(text: AnalysedText, settings: Settings) -> tuple[float, float, float]:
    """(fluency 0..1, share of words in prose, word-order anomaly rate); see `fluency_factors`."""
    prose_factor, order_factor, share, anomaly = fluency_factors(text, settings)
    return prose_factor * order_factor, share, anomaly


def fluency_factors(text: AnalysedText, settings: Settings) -> tuple[float, float, float, float]:
    """(prose factor, word-order factor, prose share, anomaly rate); fluency is the product
    of the two factors. The prose share is 1 for an answer too short to be judged on its
    form (`judged_on_form`); the anomaly rate is the share of determiners, prepositions and
    conjunctions in a clear anomaly of word order, 0 unless the answer has enough of them and
    enough anomalies for the check to tell jumbled text from a typo."""
    share = prose_share(text, settings)
    openers, anomalies = word_order_anomalies(text)
    anomaly = (anomalies / openers if openers >= settings.word_order_min_openers
               and anomalies >= settings.word_order_min_anomalies else 0.0)
    prose_factor = min(1.0, share / settings.prose_target)
    return prose_factor, word_order_factor(anomaly, settings), share, anomaly


def word_order_factor(anomaly: float, settings: Settings) -> float:
    """1 for ordinary word order, falling to 0 as the anomaly rate reaches `word_order_high`."""
    span = max(settings.word_order_high - settings.word_order_low, 1e-9)
    return float(np.clip(1 - (anomaly - settings.word_order_low) / span, 0.0, 1.0))


def word_order_anomalies(text: AnalysedText) -> tuple[int, int]:
    """(opportunities, clear anomalies) of word order outside headings: see `_DETERMINERS`."""
    openers = anomalies = 0
    for sentence in text.sentences:
        if sentence.kind == "heading":
            continue
        words = sentence.words
        lowered = [w.lower() for w in words]
        for i, word in enumerate(lowered):
            if word in _DETERMINERS:
                bad, at_end = _AFTER_DETERMINER, True
            elif word == "a" and words[i] == "a":
                bad, at_end = _AFTER_A, False
            elif word in _PREPOSITIONS:
                bad, at_end = _AFTER_PREPOSITION, False
            elif word in _CONJUNCTIONS:
                bad, at_end = _CONJUNCTIONS, True
            else:
                continue
            openers += 1
            if i + 1 == len(lowered):
                anomalies += at_end
            elif lowered[i + 1] in bad and _adjacent(sentence, i):
                anomalies += 1
    return openers, anomalies


def _adjacent(sentence, i: int) -> bool:
    """Whether word i and the next one have only spaces between them ("a, The" do not)."""
    if len(sentence.spans) <= i + 1:
        return True
    return not sentence.text[sentence.spans[i][1]:sentence.spans[i + 1][0]].strip()


def match_points(rubric: Rubric, similarity: np.ndarray, weights: SentenceWeights,
                 settings: Settings) -> tuple[PointMatch, ...]:
    """Each model point's best counted sentence and its coverage."""
    matches = []
    effective = similarity * weights.weight[:, None] if len(similarity) else similarity
    column = 0
    for dim in rubric.dimensions:
        for point in dim.points:
            if len(effective):
                best = int(np.argmax(effective[:, column]))
                value = float(effective[best, column])
            else:
                best, value = None, 0.0
            coverage = _ramp(value, settings.point_low, settings.point_high)
            matches.append(PointMatch(dim.dimension_id, point.point_id, point.text,
                                      point.weight, value, coverage,
                                      best if coverage >= settings.point_hit else None))
            column += 1
    return tuple(matches)


def score_dimensions(rubric: Rubric, hits: tuple[KeywordHit, ...],
                     points: tuple[PointMatch, ...], weights: SentenceWeights,
                     settings: Settings) -> tuple[DimensionScore, ...]:
    """Keyword and model-point coverage per dimension, and its state. A dimension whose
    keywords counted sentences use is at least partly covered, whatever its score: it is
    named, and an examiner calls a named but undeveloped dimension "partly covered". One
    light keyword among many (a keyword score up to `named_above`) does not name it: such
    words are as often used about something else ("central" government in an answer on the
    GST Council; "today" in a sentence on the past)."""
    credit: dict[tuple[str, str], float] = {}
    sentences: dict[str, set[int]] = {}
    for hit in hits:
        key = (hit.dimension_id, hit.term)
        credit[key] = max(credit.get(key, 0.0), float(weights.weight[hit.sentence_index]))
        if weights.weight[hit.sentence_index] > 0:
            sentences.setdefault(hit.dimension_id, set()).add(hit.sentence_index)
    scores = []
    for dim in rubric.dimensions:
        total = sum(g.weight for g in dim.keywords)
        got = sum(g.weight * credit.get((dim.dimension_id, g.term), 0.0) for g in dim.keywords)
        keyword_score = min(1.0, got / total / settings.keyword_target) if total else 0.0
        own = [p for p in points if p.dimension_id == dim.dimension_id]
        point_total = sum(p.weight for p in own)
        point_ratio = sum(p.weight * p.coverage for p in own) / point_total if own else 0.0
        point_score = min(1.0, point_ratio / settings.point_target)
        score = settings.keyword_share * keyword_score + (1 - settings.keyword_share) * point_score
        state = (Coverage.COVERED if score >= settings.covered_at else
                 Coverage.PARTLY if score >= settings.partly_at
                 or keyword_score > settings.named_above
                 else Coverage.MISSING)
        matched = tuple(g.term for g in dim.keywords
                        if credit.get((dim.dimension_id, g.term), 0.0) > 0)
        missing = tuple(g.term for g in sorted(dim.keywords, key=lambda g: -g.weight)
                        if g.term not in matched)
        scores.append(DimensionScore(dim.dimension_id, dim.title, dim.weight, state, score,
                                     keyword_score, point_score, matched, missing, dim.advice,
                                     len(sentences.get(dim.dimension_id, ()))))
    return tuple(scores)


def settle_states(dimensions: tuple[DimensionScore, ...], fluency_value: float,
                  subject_factor: float, settings: Settings, *,
                  word_order: float = 1.0) -> tuple[DimensionScore, ...]:
    """The state each dimension reaches once the content checks are applied, as an examiner
    reads it: jumbled words (`word_order` 0) cover nothing, an answer about another subject
    covers little, and a bare list of terms at most touches a dimension ("partly covered").
    A dimension that meets `covered_groups` of its keyword groups, with a keyword score of
    `covered_groups_keywords` or more, in `covered_groups_sentences` sentences or more, is
    developed in its specifics and counts as reaching `covered_at`, however differently from
    its model points it is worded; the checks still scale it down."""
    from dataclasses import replace

    settled = []
    for d in dimensions:
        evidence = d.score
        if (settings.covered_groups
                and d.keyword_score >= settings.covered_groups_keywords
                and len(d.matched_terms) >= settings.covered_groups
                and d.keyword_sentences >= settings.covered_groups_sentences):
            evidence = max(evidence, settings.covered_at)
        effective = evidence * fluency_value * subject_factor
        state = (Coverage.COVERED if effective >= settings.covered_at else
                 Coverage.PARTLY if effective >= settings.partly_at else Coverage.MISSING)
        if (state is Coverage.MISSING and d.state is not Coverage.MISSING and word_order > 0
                and subject_factor >= settings.touched_subject_factor):
            state = Coverage.PARTLY          # touched, by a list or fragments
        if state is Coverage.COVERED and d.missing_terms and not d.matched_terms:
            state = Coverage.PARTLY          # none of its specifics named: not developed
        settled.append(d if state is d.state else replace(d, state=state))
    return tuple(settled)


def sentence_feedback(text: AnalysedText, rubric: Rubric, similarity: np.ndarray,
                      hits: tuple[KeywordHit, ...], weights: SentenceWeights,
                      settings: Settings) -> tuple[SentenceFeedback, ...]:
    """Which dimensions each sentence serves (at most two, the strongest), and where its
    keywords are."""
    ids = [d.dimension_id for d in rubric.dimensions]
    by_dimension = dimension_similarity(rubric, similarity)      # sentences x dimensions
    serves_from = settings.point_low + settings.serves_margin
    hits_by_sentence: dict[int, list[KeywordHit]] = {}
    for hit in hits:
        hits_by_sentence.setdefault(hit.sentence_index, []).append(hit)
    result = []
    for sentence in text.sentences:
        i = sentence.index
        own_hits = hits_by_sentence.get(i, [])
        strength: dict[str, float] = {}
        if weights.weight[i] > 0:
            row = by_dimension[i] if len(by_dimension) else ()
            strength = {ids[d]: float(v) for d, v in enumerate(row) if v > serves_from}
            for hit in own_hits:
                strength[hit.dimension_id] = (strength.get(hit.dimension_id, 0.0)
                                              + settings.keyword_serves * hit.weight)
        served = tuple(sorted(strength, key=lambda d: -strength[d])[:2])
        highlights = tuple((sentence.spans[h.start][0], sentence.spans[h.end - 1][1])
                           for h in own_hits)
        result.append(SentenceFeedback(i, sentence.paragraph, sentence.text, sentence.kind,
                                       served, highlights, weights.flags[i]))
    return tuple(result)


def dimension_similarity(rubric: Rubric, similarity: np.ndarray) -> np.ndarray:
    """Sentences x dimensions: each sentence's best similarity to any of a dimension's points."""
    if not len(similarity):
        return np.zeros((0, len(rubric.dimensions)))
    columns, start = [], 0
    for dim in rubric.dimensions:
        columns.append(similarity[:, start:start + len(dim.points)].max(axis=1)
                       if dim.points else np.zeros(len(similarity)))
        start += len(dim.points)
    return np.stack(columns, axis=1)


def check_structure(text: AnalysedText, rubric: Rubric, feedback: tuple[SentenceFeedback, ...],
                    question_similarity: np.ndarray, weights: SentenceWeights,
                    settings: Settings) -> StructureReport:
    """Introduction that frames the question, a body across dimensions, a conclusion."""
    sentences = [s for s in text.sentences if s.kind != "heading"]
    headings = " ".join(s.text.lower() for s in text.sentences if s.kind == "heading")
    if len(sentences) < settings.structure_min_sentences:
        missing = "The answer is too short to have an introduction, a body and a conclusion."
        return StructureReport(Check("introduction", False, missing),
                               Check("body", False, missing),
                               Check("conclusion", False, missing), 0.0)
    paragraphs = sorted({s.paragraph for s in sentences})
    if len(paragraphs) >= settings.structure_min_paragraphs:
        intro = [s for s in sentences if s.paragraph == paragraphs[0]]
        ending = [s for s in sentences if s.paragraph == paragraphs[-1]]
    else:
        intro, ending = sentences[:1], sentences[-1:]
    body = [s for s in sentences if s not in intro and s not in ending]
    total_words = sum(s.word_count for s in sentences) or 1

    question_terms = {s for s in _content(rubric.question)} | {
        t for term in rubric.introduction.terms for t in _content(term)}
    intro_stems = {st for s in intro for st in s.stems}
    intro_words = sum(s.word_count for s in intro)
    frames = (len(intro_stems & question_terms) >= settings.intro_question_terms or
              max(question_similarity[s.index] for s in intro)
              >= settings.intro_question_similarity)
    # an opening that restates the question and then frames it still frames it
    intro_counts = any(weights.weight[s.index] > 0 for s in intro)
    intro_is_prose = any(weights.weight[s.index] >= settings.prose_weight for s in intro)
    hint = rubric.introduction.hints[0] if rubric.introduction.hints else (
        "Open with one or two sentences that define the subject and state the line you take.")
    if not intro_counts:
        introduction = Check("introduction", False,
                             "The opening repeats the question instead of framing it. " + hint)
    elif not frames or not intro_is_prose:
        introduction = Check("introduction", False,
                             "The opening does not frame the question in a full sentence. "
                             + hint)
    elif intro_words > settings.intro_max_share * total_words:
        introduction = Check("introduction", False, "The introduction takes "
                             f"{100 * intro_words // total_words}% of the answer; keep it to "
                             "two or three sentences and move the detail to the body.")
    else:
        introduction = Check("introduction", True,
                             "The introduction frames the question.")

    body_dims = {d for s in body if weights.weight[s.index] >= settings.body_weight
                 for d in feedback[s.index].dimension_ids}
    body_words = sum(s.word_count for s in body)
    if (len(body_dims) >= settings.body_min_dimensions
            and body_words >= settings.body_min_share * total_words):
        body_check = Check("body", True, f"The body develops {len(body_dims)} dimensions of "
                           "the rubric.")
    else:
        body_check = Check("body", False, "The body should develop several dimensions, one "
                           "paragraph or a few points each, with examples.")

    ending_text = " ".join(s.text.lower() for s in ending) + " " + headings
    terms = [t.lower() for t in rubric.conclusion.terms] + list(_CONCLUSION_CUES)
    concludes = (ending and ending[0] not in intro
                 and any(weights.weight[s.index] >= settings.prose_weight for s in ending) and
                 (any(re.search(rf"\b{re.escape(t)}\b", ending_text) for t in terms)
                  or (len(paragraphs) >= settings.structure_min_paragraphs
                      and bool(_CONCLUDING_OPENER.match(ending[0].text)))))
    chint = rubric.conclusion.hints[0] if rubric.conclusion.hints else (
        "End with a short conclusion or way forward that answers the question.")
    if concludes and all(weights.weight[s.index] > 0 for s in ending):
        conclusion = Check("conclusion", True, "The answer ends with a conclusion or way "
                           "forward.")
    else:
        conclusion = Check("conclusion", False, "There is no clear conclusion or way forward. "
                           + chint)
    met = sum(c.met for c in (introduction, body_check, conclusion))
    return StructureReport(introduction, body_check, conclusion, met / 3)


def check_directive(rubric: Rubric, text: AnalysedText, dimensions: tuple[DimensionScore, ...],
                    weights: SentenceWeights, question_coverage: float,
                    fluency_value: float = 1.0, *, settings: Settings,
                    recommending: np.ndarray | None = None) -> DirectiveReport:
    """Does the answer do what the directive word asks? `recommending` flags the sentences
    that recommend (`focus.recommendations`): a last sentence that does ("Limit the whip to
    confidence motions.", under "Way forward" or not) ends with a verdict."""
    directive: Directive = DIRECTIVES[rubric.directive]
    counted = [s for s in text.sentences
               if weights.weight[s.index] >= settings.directive_weight and s.kind != "heading"]
    lowered = [{w.lower() for w in s.words} for s in counted]
    word = rubric.directive.replace("-", " ").capitalize()
    checks = []
    touched = [d for d in dimensions if d.state is not Coverage.MISSING]
    covered = sum(d.state is Coverage.COVERED for d in dimensions)
    addresses = (question_coverage >= settings.directive_question_coverage
                 or covered >= settings.directive_covered_share * len(dimensions) > 0)
    checks.append(Check(
        "addresses the question", addresses,
        "Engages with the question's own terms." if addresses else
        "Much of the answer does not engage with what the question asks; answer the "
        "statement itself."))
    connected = fluency_value >= settings.directive_fluency
    checks.append(Check(
        "argues in connected sentences", connected,
        "Writes in connected sentences." if connected else
        f"'{word}' asks for an argument: keywords and fragments do not explain anything; "
        "write sentences that connect them."))
    need = directive.dimensions_needed(len(dimensions))
    checks.append(Check(
        f"covers at least {need} dimensions", len(touched) >= need,
        f"Covers {len(touched)} of {len(dimensions)} dimensions." if len(touched) >= need else
        f"'{word}' needs breadth: only {len(touched)} of {len(dimensions)} dimensions are "
        f"touched; cover at least {need}."))
    specifics = _specifics(counted, rubric)
    want = directive.examples * settings.specifics_per_example
    checks.append(Check(
        "gives concrete examples", len(specifics) >= want,
        f"Uses specifics such as {', '.join(sorted(specifics)[:4])}." if len(specifics) >= want
        else f"'{word}' needs concrete examples (years, figures, named projects, agreements); "
             f"found {len(specifics)}."))
    if directive.both_sides:
        # a section under a heading that names the other side ("Limitations", "The other
        # side") weighs it, however its sentences are worded
        other_side = {s.index for s, heading in under_headings(text)
                      if heading is not None and names_other_side(heading.text)}
        contrast = sum(1 for words in lowered if words & CONTRAST_WORDS)
        sectioned = any(s.index in other_side or (label_words(s) and names_other_side(
            s.text.split(":", 1)[0])) for s in counted)
        both = contrast >= settings.contrast_sentences or sectioned
        checks.append(Check(
            "weighs both sides", both,
            "Brings out limitations as well as strengths." if both else
            f"'{word}' asks for both sides: add the limitations, challenges or "
            "counter-arguments, not only the positives."))
    if directive.judgement:
        tail = lowered[-2:] if lowered else []
        judged = any(words & JUDGEMENT_WORDS for words in tail) or (
            recommending is not None and any(recommending[s.index] for s in counted[-2:]))
        checks.append(Check(
            "ends with a judgement", judged,
            "Ends with a reasoned judgement." if judged else
            f"'{word}' asks for your verdict: end with a reasoned judgement."))
    if directive.listing:
        bullets = sum(1 for s in counted if s.kind == "bullet")
        bulleted = bullets >= settings.list_bullets
        checks.append(Check(
            "sets points out one by one", bulleted or len(counted) >= settings.list_sentences,
            "Points are set out clearly." if bulleted else
            f"'{word}' asks for a list: set the points out one by one."))
    if directive.reasons:
        # sentences under a heading or label that gives reasons ("Why it fell short",
        # "Causes:") give them, however they are worded
        under_reasons = {s.index for s, heading in under_headings(text)
                         if heading is not None and names_reasons(heading.text)}
        reasons = sum(1 for s, words in zip(counted, lowered)
                      if words & REASON_WORDS or s.index in under_reasons
                      or (label_words(s) and names_reasons(s.text.split(":", 1)[0])))
        reasoned = reasons >= settings.reason_sentences
        checks.append(Check(
            "gives reasons", reasoned,
            "Backs its claims with reasons." if reasoned else
            f"'{word}' asks for reasons: say why (because, since, as a result)."))
    met = sum(c.met for c in checks)
    return DirectiveReport(rubric.directive, directive.asks, tuple(checks), met / len(checks))


def check_length(text: AnalysedText, rubric: Rubric, weights: SentenceWeights,
                 settings: Settings, role: str = "strict") -> LengthReport:
    """Words against the limit; repeated sentences and copies of the question do not count.

    The factor on the marks follows the word limit's role: "none" never costs marks,
    "soft" costs `soft_length_deduction` outside the tolerance, "strict" costs in proportion
    to the shortfall and to a power of the excess (`over_exponent`: by default its square,
    so 160% of the limit costs 10% and twice the limit a third), never below
    `min_length_factor`. The verdict's words follow the flags' thresholds: between the
    tolerance and `too_short_flag_at` or `over_length_flag_at` the answer is "a little" short
    or over, as the little it costs says."""
    words = text.word_count
    counted = sum(s.word_count for s in text.sentences if weights.weight[s.index] > 0)
    limit = rubric.word_limit
    ratio = counted / limit
    tolerance = settings.length_tolerance
    if ratio < 1 - tolerance:
        factor = 1 - settings.under_penalty * (1 - tolerance - ratio)
        verdict = (f"Too short: {counted} counted words against a limit of {limit}; an answer "
                   f"this short cannot develop the dimensions the question needs."
                   if ratio < settings.too_short_flag_at else
                   f"A little short: {counted} counted words against a limit of {limit}; "
                   "there is room to develop a point further.")
    elif ratio > 1 + tolerance:
        factor = 1 - settings.over_penalty * (ratio - 1 - tolerance) ** settings.over_exponent
        verdict = (f"Over the limit: {counted} words against {limit} ({ratio:.0%}); in the "
                   "exam the space runs out and examiners mark down answers that ignore the "
                   "limit. Cut to the strongest points."
                   if ratio > settings.over_length_flag_at else
                   f"A little over the limit: {counted} words against {limit}; keep within "
                   "it, as the exam's space runs out.")
    else:
        factor = 1.0
        verdict = f"Within the limit: {counted} words against {limit}."
    if counted < words:
        verdict += f" ({words - counted} words that repeat the question or earlier sentences " \
                   "are not counted.)"
    factor = max(settings.min_length_factor, min(1.0, factor))
    if role == "none":
        factor = 1.0
    elif role == "soft" and factor < 1:
        factor = 1 - settings.soft_length_deduction
        verdict += f" (The word limit costs {settings.soft_length_deduction:.0%} of the marks.)"
    return LengthReport(words, counted, limit, ratio, factor, verdict)


def subject_forms(rubric: Rubric) -> tuple[tuple[str, ...], ...]:
    """Stem sequences that name the question's subject: its proper nouns and acronyms (other
    than India, the setting of every question) with the keyword variants that contain them,
    the acronyms of its names of several words ("AI" for "Artificial Intelligence", in
    capitals: see `SubjectMatcher`), and the rubric's `subject_names`.
    A capitalised word counts unless it opens one of the question's sentences ("Read the
    passage. Explain ..."), is a single letter (the labels of "bulb A", "C++") or a title."""
    from .text import split_sentences, stem, tokenize

    directive = set(rubric.directive.split("-"))
    named = set()
    acronyms = set()
    for sentence in split_sentences(rubric.question):
        words = tokenize(sentence)[0]
        named.update(stem(w) for i, w in enumerate(words)
                     if i > 0 and w[:1].isupper() and len(w) > 1 and w.lower() not in _SETTING
                     and w.lower() not in directive and w.lower() not in _FUNCTION
                     and w.lower() not in _GENERIC_NAME_WORDS and w.lower() not in _TITLES)
        acronyms.update(initials for initials, run in _acronyms(words)
                        if any(stem(w) in named for w in run))
    forms = {(s,) for s in named}
    forms.update((a,) for a in acronyms)
    forms.update((s,) for s in case_words(rubric.question))
    forms.update(tuple(stem(w) for w in tokenize(name)[0]) for name in rubric.subject_names)
    forms.discard(())
    for dim in rubric.dimensions:
        for group in dim.keywords:
            group_stems = [tuple(stem(w) for w in tokenize(f)[0]) for f in group.forms]
            if any(len(g) == 1 and g[0] in named for g in group_stems):
                forms.update(g for g in group_stems if g)
    return tuple(sorted(forms))


def _acronyms(words) -> list[tuple[str, tuple[str, ...]]]:
    """(initials, words) of each run of two or more capitalised words ("Artificial
    Intelligence": "AI"; "Insolvency and Bankruptcy Code": "IBC", with `NAME_JOINERS` inside
    a run skipped; "NJAC" too for "National Judicial Appointments Commission Act", a generic
    last word left out), which answers write for the name. A run's first word may open the
    sentence: a name of several words is a name there too ("Environmental Impact Assessment
    is ..."), but a directive is not part of one ("Discuss Mahatma Gandhi's ...": "MG")."""
    found, run, joined = [], [], 0
    for word in list(words) + [""]:
        if word[:1].isupper() and word[1:].islower() and len(word) > 1 \
                and not _not_a_name(word.lower()) and word.lower() not in _DIRECTIVE_WORDS:
            run.append(word)
            joined = 0
        elif run and word in NAME_JOINERS and not joined:
            joined = 1                  # "of", "and" inside a name
        else:
            if len(run) >= 2:
                found.append(("".join(w[0] for w in run), tuple(run)))
            if len(run) >= 3 and run[-1].lower() in _GENERIC_NAME_WORDS:
                found.append(("".join(w[0] for w in run[:-1]), tuple(run)))   # "NJAC" Act
            run, joined = [], 0
    return found


#: Lower-case words that join the words of a name ("Bank of India", "Law and Justice").
NAME_JOINERS = frozenset({"of", "and", "for", "the", "&"})
_DIRECTIVE_WORDS = frozenset(w for name in DIRECTIVES for w in name.split("-")) | {"critically"}

#: A subject form of one stem shorter than this matches whole stems only ("sco" does not
#: name "score"); longer ones match the stems they begin ("intellig", "intelligent").
SHORT_FORM_LETTERS = 4


@dataclass(frozen=True)
class SubjectMatcher:
    """A rubric's subject forms sorted once by how they match: names of several stems
    exactly, short stems whole, longer stems as prefixes, acronyms as written."""

    longer: tuple[tuple[str, ...], ...]
    whole: frozenset[str]
    prefixes: tuple[str, ...]
    acronyms: frozenset[str]

    def at(self, words, stems, i: int) -> int:
        """How many words from position `i` name the subject (0: none). An acronym matches
        the word as written ("AI", "AI's", "AIs"; not "ai" or "Ai")."""
        for form in self.longer:
            if tuple(stems[i:i + len(form)]) == form:
                return len(form)
        if stems[i] in self.whole or (self.prefixes and stems[i].startswith(self.prefixes)):
            return 1
        if self.acronyms:
            word = words[i].split("'")[0].split("\u2019")[0]
            if word in self.acronyms or (word.endswith("s") and word[:-1] in self.acronyms):
                return 1
        return 0


@lru_cache(maxsize=256)
def subject_matcher(forms: tuple[tuple[str, ...], ...]) -> SubjectMatcher:
    """The matcher for `subject_forms(...)`: a form in capitals is an acronym."""
    singles = [f[0] for f in forms if len(f) == 1]
    return SubjectMatcher(
        longer=tuple(f for f in forms if len(f) > 1),
        whole=frozenset(f for f in singles if not f.isupper()),
        prefixes=tuple(f for f in singles
                       if not f.isupper() and len(f) >= SHORT_FORM_LETTERS),
        acronyms=frozenset(f for f in singles if f.isupper()))


#: A question of this many words or more is a case or a passage: what it is about is told by
#: the words it repeats ("floods", "relief"), not only by its names.
CASE_QUESTION_WORDS = 60


def case_words(question: str) -> set[str]:
    """Stems of the content words a long question (a case study) uses at least twice."""
    from collections import Counter

    from .text import function_words, stem, tokenize

    words = [w.lower() for w in tokenize(question)[0] if w[:1].isalpha()]
    if len(words) < CASE_QUESTION_WORDS:
        return set()
    stop = function_words()
    counts = Counter(stem(w) for w in words if w not in stop and w not in _SETTING and len(w) > 2)
    return {s for s, n in counts.items() if n >= 2}


_SETTING = frozenset("india indian indians india's".split())
_SETTING_STEMS = frozenset({"india", "indian"})
#: Capitalised words that are not names, beside the function words ("He", "Their"):
#: sentence openers and heading words.
_NOT_NAMES = frozenset("""however also thus hence therefore moreover further furthermore
firstly secondly finally overall conclusion introduction way forward today since such many
first second third new major key""".split())
_GENERIC_NAME_WORDS = frozenset("""first second new national mission policy council act scheme
movement north south east west central union state states government ministry board
commission programme program initiative yojana abhiyan""".split())
#: Titles before a name ("Mr. Leonard"): the name is the subject, not the title.
_TITLES = frozenset("mr mrs ms miss dr prof sir madam lord lady saint st".split())


def subject_share(text: AnalysedText, weights: SentenceWeights, forms, settings=None) -> float:
    """0..1: whether counted sentences name the question's subject at least twice (once in a
    short answer); 1 when the question names no subject."""
    settings = settings or DEFAULT_SETTINGS
    if not forms:
        return 1.0
    matcher = subject_matcher(tuple(forms))
    mentions = 0
    words = 0
    for sentence in text.sentences:
        if weights.weight[sentence.index] == 0:
            continue
        words += sentence.word_count
        mentions += sum(1 for i in range(len(sentence.stems))
                        if matcher.at(sentence.words, sentence.stems, i))
    expected = 1 if words < settings.subject_mentions_words else 2
    return min(1.0, mentions / expected)


@dataclass(frozen=True)
class Rival:
    """The proper noun an answer names most, when it is not the question's subject."""

    name: str
    count: int
    subject_count: int
    breadth: float = 0.0        #: mean keyword score of the rubric's dimensions (0..1)
    settings: Settings = field(default=DEFAULT_SETTINGS, repr=False, compare=False)

    @property
    def focus(self) -> float:
        """0..1: 1 unless the rival is named clearly more often than the subject. An answer
        that uses the rubric's own keywords broadly (`breadth` from `rival_breadth_low` to
        `rival_breadth_high`) is on the question whatever else it names: an SCO answer may
        name China more often than "SCO"."""
        if self.count < self.settings.rival_min_mentions:
            return 1.0
        focus = min(1.0, self.subject_count / (self.settings.rival_subject_ratio * self.count))
        relief = _ramp(self.breadth, self.settings.rival_breadth_low,
                       self.settings.rival_breadth_high)
        return focus + (1.0 - focus) * relief


def _not_a_name(lowered: str) -> bool:
    """Whether a capitalised word is no name whatever its capital: a function word, an
    opener or heading word, a title ("Mr.")."""
    return lowered in _NOT_NAMES or lowered in _TITLES or is_function_word(lowered)


def rival_subject(text: AnalysedText, forms, settings: Settings, breadth: float = 0.0
                  ) -> Rival | None:
    """The most named proper noun other than the subject and India (a word capitalised in at
    least `name_capitalised_share` of its uses, and once at least where it does not open a
    sentence: "He" opening six sentences is no name), with how often the subject is named
    (by any of its forms, those of several words too: "Indus Valley");
    `breadth` is the answer's mean keyword score over the rubric's dimensions. Headings (title
    case) and the label that opens a sentence before a colon are not read for names."""
    if not forms:
        return None
    matcher = subject_matcher(tuple(forms))
    capitalised: dict[str, int] = {}
    inside: set[str] = set()        # capitalised somewhere other than a sentence's first word
    uses: dict[str, int] = {}
    names: dict[str, str] = {}
    subject_count = 0
    for sentence in text.sentences:
        label = label_words(sentence)
        skip = 0
        for i, (word, stem_) in enumerate(zip(sentence.words, sentence.stems)):
            if skip:                # the rest of a subject's name of several words
                skip -= 1
                continue
            length = matcher.at(sentence.words, sentence.stems, i)
            if length:
                subject_count += 1
                skip = length - 1
                continue
            if sentence.kind == "heading" or i < label:
                continue            # title case and labels ("Option 2:", "Example:") name nothing
            uses[stem_] = uses.get(stem_, 0) + 1
            if word[:1].isupper() and not word.isupper() and not _not_a_name(word.lower()):
                capitalised[stem_] = capitalised.get(stem_, 0) + 1
                names.setdefault(stem_, word.split("'")[0])
                if i > label:
                    inside.add(stem_)
    candidates = [(count, stem_) for stem_, count in capitalised.items()
                  if stem_ in inside and count >= settings.name_capitalised_share * uses[stem_]
                  and stem_ not in _SETTING_STEMS]
    if not candidates:
        return None
    count, best = max(candidates)
    return Rival(names[best], count, subject_count, breadth, settings)


def answer_flags(dimensions, fluency_parts, weights: SentenceWeights, length: LengthReport,
                 on_subject: float, rubric: Rubric, rival: Rival | None = None,
                 settings: Settings | None = None) -> tuple[Flag, ...]:
    """Plain-words reasons why an answer scores low that are not about one dimension."""
    settings = settings or DEFAULT_SETTINGS
    _, prose_share, anomaly = fluency_parts
    flags = []
    if prose_share < settings.keyword_list_at:
        flags.append(Flag("keyword-list", "Mostly keywords or fragments: sentences do not "
                          "connect the keywords, so they earn little credit."))
    if anomaly > settings.word_order_low:          # the word-order factor is below 1
        flags.append(Flag("word-order", "The word order does not read as English sentences; "
                          "jumbled text earns little credit."))
    copies = sum(1 for f in weights.flags if "repeats the question" in f)
    if copies:
        flags.append(Flag("repeats-question", f"{copies} sentence(s) repeat the question; "
                          "restating the question earns nothing."))
    repeats = sum(1 for f in weights.flags if "repeats an earlier sentence" in f)
    if repeats:
        flags.append(Flag("repeated", f"{repeats} sentence(s) repeat earlier ones; repetition "
                          "is not counted towards content or length."))
    if rival is not None and rival.focus < settings.rival_flag_at:
        flags.append(Flag("off-topic", f"The answer is mostly about {rival.name} (named "
                          f"{rival.count} times) rather than the question's subject (named "
                          f"{rival.subject_count} time{'' if rival.subject_count == 1 else 's'}); answer the question asked."))
    elif on_subject < settings.off_subject_flag_at:
        flags.append(Flag("off-topic", "The answer rarely names the question's subject; check "
                          "that it answers the question asked, not a neighbouring one."))
    if length.ratio > settings.over_length_flag_at and length.factor < 1:
        flags.append(Flag("over-length", length.verdict))
    elif length.ratio < settings.too_short_flag_at and length.factor < 1:
        flags.append(Flag("too-short", length.verdict))
    return tuple(flags)


def suggestions(rubric: Rubric, dimensions, structure: StructureReport, length: LengthReport,
                flags, fluency_value: float, settings: Settings, breakdown,
                limit: int = 3) -> tuple[Suggestion, ...]:
    """The changes that would gain the most marks, with the gain the breakdown gives each."""
    ideas = []
    gains = {d.dimension_id: d.gain for d in breakdown.dimensions}
    lines = {line.code: line for line in breakdown.lines}
    for dim in dimensions:
        if dim.state is Coverage.COVERED and dim.score > settings.suggest_covered_below:
            continue
        example = ", ".join(dim.missing_terms[:3])
        verb = ("Develop" if dim.touched else "Add" if dim.state is Coverage.MISSING
                else "Strengthen")
        text = f"{verb} '{dim.title}': {dim.advice}"
        if example:
            text += f" (for example: {example})"
        ideas.append(Suggestion(gains.get(dim.dimension_id, 0.0) * max(fluency_value, settings.suggest_fluency_floor), text))
    scale = breakdown.strictness * length.factor
    for check in (structure.introduction, structure.conclusion):
        if not check.met:
            if breakdown.scheme == "weights":
                worth = rubric.max_marks * settings.structure_share / 3
            else:
                worth = getattr(rubric.marking, check.name, 0.0)
            ideas.append(Suggestion(worth * scale, check.feedback))
    if "length" in lines:
        ideas.append(Suggestion(-lines["length"].marks, length.verdict))
    codes = {f.code for f in flags}
    if ("keyword-list" in codes or "word-order" in codes) and "fluency" in lines:
        ideas.append(Suggestion(-lines["fluency"].marks,
                                "Write connected sentences that explain each point instead "
                                "of listing keywords."))
    ideas = [s for s in ideas if s.gain >= settings.suggest_min_gain]
    ideas.sort(key=lambda s: -s.gain)
    return tuple(Suggestion(round(s.gain * 2) / 2, s.text) for s in ideas[:limit])


#: Stems that share this many first letters are one word family for the question check
#: ("violence" and "violent", "govern" and "governance"); shorter stems must be equal.
WORD_FAMILY_LETTERS = 6


def question_coverage(text: AnalysedText, rubric: Rubric, weights: SentenceWeights,
                      settings: Settings = DEFAULT_SETTINGS) -> float:
    """Share of the question's content words (or of `directive_question_words` of them, for a
    long question: no answer uses every word of a question of twenty) that counted sentences
    use, a word of the same family counting."""
    wanted = set(_content(rubric.question)) - set(_content(rubric.directive.replace("-", " ")))
    if not wanted:
        return 1.0
    used = {st for s in text.sentences if weights.weight[s.index] > 0 for st in s.stems}
    families = {st[:WORD_FAMILY_LETTERS] for st in used if len(st) >= WORD_FAMILY_LETTERS}
    met = sum(1 for w in wanted if w in used or (
        len(w) >= WORD_FAMILY_LETTERS and w[:WORD_FAMILY_LETTERS] in families))
    return min(1.0, met / min(len(wanted), settings.directive_question_words))


def repeated_share(text: AnalysedText, weights: SentenceWeights) -> float:
    """Share of words in sentences that repeat an earlier sentence."""
    total = sum(s.word_count for s in text.sentences) or 1
    return sum(s.word_count for s, f in zip(text.sentences, weights.flags)
               if "repeats an earlier sentence" in f) / total


def _content(text: str) -> list[str]:
    from .text import content_stems

    return content_stems(text)


@lru_cache(maxsize=256)
def _question_words(question: str) -> frozenset[str]:
    """The question's words, lower case (once per question, not once per answer)."""
    from .text import tokenize

    return frozenset(w.lower() for w in tokenize(question)[0])


def _specifics(sentences, rubric: Rubric) -> set[str]:
    """Numbers, acronyms and names (capitalised words not in the question) the answer uses."""
    common = _question_words(rubric.question)
    found = set()
    for sentence in sentences:
        for position, word in enumerate(sentence.words):
            if word[:1].isdigit() or word[:1] in "$\u20b9":
                found.add(word)
            elif len(word) >= 2 and word.isupper():
                found.add(word)
            elif (position > 0 and word[:1].isupper() and word.lower() not in common
                  and not _not_a_name(word.lower())):          # "I", "He" name nothing
                found.add(word)
    return found


def _ramp(value: float, low: float, high: float) -> float:
    return float(np.clip((value - low) / (high - low), 0.0, 1.0))

