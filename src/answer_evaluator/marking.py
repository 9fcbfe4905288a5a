"""The one place that turns detected evidence into marks, and says how.

`mark(...)` takes what the matchers and checks found (dimension scores, point matches, keyword
hits, the content checks, structure, directive, length) and the rubric's declared marking
scheme, and returns a frozen `MarksBreakdown`: each dimension's marks with the points and
keywords (and their rubric lines) that earned them, every component, deduction and cap with
its reason, the calibration's step when one is used, and the rounding. Its parts add up to
the marks. The report, `--json`, the CSV, `agreement` and `calibrate` all read it; nothing
else computes marks.

Schemes (docs/rubrics.md, "Marking schemes"):
- weights: content is the weighted average of the dimension scores, with shares for
  structure and the directive (the UPSC default);
- marks: each dimension earns its declared marks when covered, a share when partly covered;
- count: `full_marks_at` key elements made earn all the content marks, fewer a share;
- best: the best `full_marks_at` key elements earn the content marks, a covered one its full
  share, a partly covered one its share times its score (a missing one nothing); the default
  for short answers;
- bands: the highest band whose count of key elements the answer reaches.
In count and bands a covered dimension counts as one key element, a partly covered one as
`partly_counts` of one. Introduction and conclusion marks, where declared, are earned when
the structure check finds them.
Under any scheme, an answer that misses a `required` key element earns at most the marks
the rubric gives without it (often none), and a calibration adds nothing to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .models import (SHORT_ANSWER_DEFAULT, SHORT_ANSWER_REASON, CalibrationStep, Coverage,
                     DimensionMarks, Evidence, KeywordHit, LengthReport, MarkLine,
                     MarksBreakdown, PointMatch, Requirement, Rubric, DimensionScore,
                     DirectiveReport, StructureReport)
from .settings import ESSAY_ANSWER_SOURCE, Settings


@dataclass(frozen=True)
class ContentChecks:
    """The checks that scale all content marks, each 0..1 (1: nothing lost)."""

    fluency: float              #: connected prose in a sensible word order
    on_subject: float           #: names the question's subject, not a rival one
    repeated: float             #: share of words in sentences that repeat earlier ones
    rival: str = ""             #: the rival subject named, if any


def subject_factor(on_subject: float, settings: Settings) -> float:
    """Share of the content an answer keeps for how well it stays on the question's subject."""
    return settings.off_subject_floor + (1 - settings.off_subject_floor) * on_subject ** 2


def check_factors(checks: ContentChecks, settings: Settings) -> tuple[float, float, float]:
    """(fluency, on subject, repetition): the share of the content each content check keeps."""
    return (checks.fluency, subject_factor(checks.on_subject, settings),
            1 - settings.repetition_penalty * checks.repeated)


def content_fraction(coverage: float, checks: ContentChecks, settings: Settings) -> float:
    """0..1: the weights scheme's content, the weighted coverage after the breadth curve and
    the content checks (a feature of calibrations; `mark` shows the same as marks)."""
    fluency, on_subject, repetition = check_factors(checks, settings)
    return coverage ** settings.coverage_exponent * fluency * on_subject * repetition


def strictness_of(rubric: Rubric, settings: Settings) -> float:
    """The rubric's declared strictness; else the settings' (UPSC examiners') for UPSC rubrics
    and rubrics built from essay model answers, and 1 for the rest."""
    if rubric.marking.strictness is not None:
        return rubric.marking.strictness
    return (settings.strictness if rubric.is_upsc or rubric.source == ESSAY_ANSWER_SOURCE
            else 1.0)


def word_limit_role(rubric: Rubric) -> str:
    """The rubric's declared role of the word limit; "strict" when it declares none (the loader
    has given a short-answer rubric "none")."""
    return rubric.marking.word_limit or "strict"


def marking_in_words(rubric: Rubric, settings: Settings) -> tuple[str, ...]:
    """How the rubric's marks are earned, a sentence a part, for teachers reviewing it (the
    rubric page): the scheme, the requirements, the strictness and the word limit's role."""
    m, many = rubric.marking, len(rubric.dimensions)
    top = rubric.max_marks
    if m.scheme == "weights":
        lines = [f"Content earns {settings.content_share:.0%} of the marks, each dimension by "
                 f"its weight and how fully it is made; structure {settings.structure_share:.0%}"
                 f" and doing what the directive asks {settings.directive_share:.0%}."]
    elif m.scheme == "marks":
        lines = ["Each dimension earns its own marks when covered, "
                 f"{settings.partly_counts:.0%} of them when partly covered."]
    elif m.scheme == "count":
        lines = [f"Any {m.full_marks_at:g} of the {many} key elements made earn full marks; "
                 "fewer earn a share."]
    elif m.scheme == "best":
        lines = [f"The best {m.full_marks_at:g} of the {many} key elements earn the marks: a "
                 "covered one its full share, a partly covered one a share by how fully it is "
                 "made."]
    else:
        lines = ["Marks by the number of key elements made (a partly covered one counts "
                 f"{settings.partly_counts:g}): " + "; ".join(
                     f"{b.made:g} or more earn {b.marks:g}" for b in m.bands) + "; fewer, 0."]
    if m.default:                  # why this scheme; what it does follows, once
        why = SHORT_ANSWER_REASON if m.default == SHORT_ANSWER_DEFAULT else m.default
        lines[0] = why[0].upper() + why[1:] + ". " + lines[0]
    structure = [f"{name} {value:g}" for name, value in
                 (("the introduction", m.introduction), ("the conclusion", m.conclusion))
                 if value]
    if structure:
        lines.append("Marks for " + " and ".join(structure) + ", when the answer has them.")
    for requirement in m.required:
        reason = requirement_reason(rubric, requirement)
        lines.append(reason[0].upper() + reason[1:] + ".")
    strictness = strictness_of(rubric, settings)
    if strictness < 1:
        lines.append(f"A strict examiner: even a model answer earns about {strictness:.0%} of "
                     f"the {top} marks.")
    role = word_limit_role(rubric)
    lines.append({"none": "The word limit costs nothing.",
                  "soft": f"Outside the word limit by more than a tenth, the answer loses "
                          f"{settings.soft_length_deduction:.0%} of its marks.",
                  "strict": "Too short or too long for the word limit costs marks in proportion."
                  }[role])
    return tuple(lines)


#: Schemes that mark the dimensions' scores, not only their states: the content checks scale
#: their content marks (the others' states already take the checks into account).
SCALED_SCHEMES = ("weights", "best")


def element_credit(state: Coverage, settings: Settings) -> float:
    """How much of one key element a dimension counts for in the count and bands schemes."""
    return {Coverage.COVERED: 1.0, Coverage.PARTLY: settings.partly_counts,
            Coverage.MISSING: 0.0}[state]


def mark(rubric: Rubric, settings: Settings, *, dimensions: tuple[DimensionScore, ...],
         points: tuple[PointMatch, ...], hits: tuple[KeywordHit, ...], checks: ContentChecks,
         structure: StructureReport, directive: DirectiveReport, length: LengthReport,
         calibration=None, features=None, answer_text: str = "") -> MarksBreakdown:
    """The marks of one answer and every part of them (`answer_text` names the words a
    calibration's vocabulary weighed)."""
    scheme = rubric.marking.scheme
    top = float(rubric.max_marks)
    strictness = strictness_of(rubric, settings)
    lines: list[MarkLine] = []

    # 1. content: what each dimension earns under the scheme (before the content checks)
    earned, available, curve = _content(scheme, rubric, dimensions, settings)
    content_before = sum(earned) + curve
    if curve > 1e-12:
        lines.append(MarkLine("breadth", "Breadth", curve,
                              "the first dimensions covered count a little more than the "
                              "last ones"))

    # 2. the content checks, each a deduction from the content marks
    content = content_before
    # Under the weights and best schemes (continuous scores) they scale the content; under
    # the others (states only) they already decided
    # which key elements count (scoring.settle_states), and repeated sentences never count.
    weights = scheme in SCALED_SCHEMES
    fluency_factor, on_subject, repetition_factor = (check_factors(checks, settings) if weights
                                                     else (1.0, 1.0, 1.0))
    for code, label, factor, reason in (
            ("fluency", "Fragments or word order", fluency_factor,
             "keywords and fragments, or jumbled words, explain nothing; write connected "
             "sentences"),
            ("off-subject", "Off the question", on_subject,
             f"the answer is mostly about {checks.rival}, not the question's subject"
             if checks.rival else "the answer rarely names the question's subject"),
            ("repetition", "Repetition", repetition_factor,
             "sentences that repeat earlier ones earn nothing")):
        if factor < 1 - 1e-12:
            lost = content * (1 - factor)
            lines.append(MarkLine(code, label, -lost, reason))
            content -= lost
    content_share = content / content_before if content_before > 0 else 1.0

    # 3. structure and directive
    relevance = min(1.0, (content / top) / (_content_weight(scheme, settings) *
                                            settings.relevance_floor)) if top else 0.0
    if scheme == "weights":
        for code, label, share, score, reason in (
                ("structure", "Structure", settings.structure_share, structure.score,
                 f"{round(structure.score * 3)} of introduction, body and conclusion in place"),
                ("directive", "Directive", settings.directive_share, directive.score,
                 f"{sum(c.met for c in directive.checks)} of {len(directive.checks)} things "
                 f"'{rubric.directive}' asks for")):
            value = top * share * score * relevance
            if share > 0:
                lines.append(MarkLine(code, label, value, reason +
                                      ("" if relevance >= 1 else
                                       "; it counts in full only once the answer has content")))
    else:
        for code, label, worth, check in (
                ("introduction", "Introduction", rubric.marking.introduction,
                 structure.introduction),
                ("conclusion", "Conclusion", rubric.marking.conclusion, structure.conclusion)):
            if worth > 0:
                lines.append(MarkLine(code, label, worth * relevance if check.met else 0.0,
                                      check.feedback))
    subtotal = content + sum(line.marks for line in lines if line.marks > 0
                             and line.code != "breadth")

    # 4. strictness and length
    if strictness < 1:
        lines.append(MarkLine("strictness", "Examiner's strictness", -subtotal * (1 - strictness),
                              f"a strict examiner gives even a model answer about "
                              f"{strictness:.0%} of the maximum"))
    scaled = subtotal * strictness
    if length.factor < 1:
        lines.append(MarkLine("length", "Word limit", -scaled * (1 - length.factor),
                              length.verdict))
    unrounded = scaled * length.factor
    factor = content_share * strictness * length.factor
    unmet = unmet_requirement(rubric, dimensions)
    if unmet is not None and unrounded > unmet.otherwise:
        lines.append(MarkLine("required", "Required point missing", unmet.otherwise - unrounded,
                              requirement_reason(rubric, unmet)))
        unrounded = unmet.otherwise

    # 5. calibration, capped by what the content supports
    step = None
    final = unrounded
    if calibration is not None:
        values = dict(features or ())
        values["scheme_share"] = unrounded / top if top else 0.0
        predicted = top * float(calibration.marks_share(values))
        values["required_missing"] = float(unmet is not None)
        margin = calibration_margin(settings, values)
        predicted, cap, final = capped_calibration(predicted, unrounded, top, margin)
        explain = getattr(calibration, "vocabulary_words", None)
        scale = top / float(getattr(calibration, "max_score", top) or top)
        words = tuple((w, effect * scale) for w, effect in
                      (explain(answer_text, values) if explain and answer_text else ()))
        step = CalibrationStep(getattr(calibration, "name", "") or "calibration",
                               unrounded, predicted, cap, final, words)
        lines.append(MarkLine("calibration", "Calibration", final - unrounded,
                              "fitted on human marks: it predicts "
                              f"{predicted:.1f}" + words_reason(words) + "; it may add at "
                              f"most {margin * top:.1f} to what the content "
                              "earns" + (" (capped)" if predicted > cap else "")))
    marks = round_half(final)
    if step is not None:        # rounding never takes calibrated marks past their cap
        marks = min(marks, math.floor(step.cap * 2 + 1e-9) / 2)
    lines.append(MarkLine("rounding", "Rounding", marks - final, "to the nearest half mark"
                          + (" not above the cap" if step is not None and marks < round_half(final)
                             else "")))

    # Under an unmet requirement only the required dimension lifts the cap; any other
    # dimension gains at most the room left below it.
    gains = [_gain(scheme, rubric, dimensions, i, earned, available, settings) * factor
             for i in range(len(dimensions))]
    if unmet is not None:
        room = max(0.0, unmet.otherwise - final)
        gains = [g if d.dimension_id == unmet.dimension_id else min(g, room)
                 for g, d in zip(gains, dimensions)]
    dimension_marks = tuple(
        DimensionMarks(d.dimension_id, d.title, d.state, earned[i], available[i], gains[i],
                       _evidence(rubric.dimensions[i], points, hits),
                       rubric.dimensions[i].line)
        for i, d in enumerate(dimensions))
    return MarksBreakdown(scheme, rubric.max_marks, strictness, word_limit_role(rubric),
                          dimension_marks, tuple(lines), final, marks, step,
                          rubric.marking.full_marks_at if scheme in ("count", "best") else 0.0)


def unmet_requirement(rubric: Rubric, dimensions) -> Requirement | None:
    """The required key element ([marking] `required`) the answer misses that leaves it the
    fewest marks, or None when it misses none."""
    states = {d.dimension_id: d.state for d in dimensions}
    unmet = [r for r in rubric.marking.required
             if states.get(r.dimension_id) is Coverage.MISSING]
    return min(unmet, key=lambda r: r.otherwise) if unmet else None


def requirement_reason(rubric: Rubric, requirement: Requirement) -> str:
    title = next(d.title for d in rubric.dimensions
                 if d.dimension_id == requirement.dimension_id)
    return (f"the marking scheme gives no marks without '{title}'" if requirement.otherwise == 0
            else f"the marking scheme gives at most {requirement.otherwise:g} marks without "
                 f"'{title}'")


def words_reason(words) -> str:
    """" (words of the subject it learned: 'a gap' +0.4, 'circuit' -0.2)" (or "")."""
    shown = [(w, e) for w, e in words if abs(e) >= 0.05]
    if not shown:
        return ""
    return (" (words of the subject it learned: "
            + ", ".join(f"'{w}' {e:+.1f}" for w, e in shown) + ")")


def calibration_margin(settings: Settings, features=None) -> float:
    """The share of the maximum a calibration may add above the content's marks: the
    `calibration_margin` setting, shrunk in proportion to how much less the answer says than
    the model answer (the `terse` feature, 0 when it says as much) by `terse_margin`, or by
    `lone_word_terse_margin` for an answer of a single content word, so that one word cannot
    borrow the marks human markers gave to full answers while a short correct answer keeps
    part of the margin. None when the answer misses a required key element (the
    `required_missing` feature): the rubric's cap for it stands."""
    values = dict(features or ())
    if float(values.get("required_missing", 0.0)) > 0.5:
        return 0.0          # a required key element is missing: nothing to rescale upwards
    terse = min(1.0, max(0.0, float(values.get("terse", 0.0))))
    lone_word = round(math.expm1(float(values.get("answer_words", 0.0)))) == 1
    shrink = settings.lone_word_terse_margin if lone_word else settings.terse_margin
    return settings.calibration_margin * (1.0 - shrink * terse)


def capped_calibration(predicted: float, scheme_marks: float, top: float, margin: float
                       ) -> tuple[float, float, float]:
    """The rule for a calibration's marks, used by `mark` and by the calibration's
    cross-validation alike: (predicted, cap, marks). The prediction is kept within 0..top, and
    the marks never exceed what the detected content earns (`scheme_marks`, the scheme's marks
    before calibration) by more than `margin` x top: a calibration fitted on human marks may
    rescale what the engine found, not invent content it did not find."""
    predicted = max(0.0, min(top, float(predicted)))
    cap = min(top, float(scheme_marks) + margin * top)
    return predicted, cap, min(predicted, cap)


def scheme_share(breakdown: MarksBreakdown) -> float:
    """0..1: the scheme's marks before any calibration, as a share of the maximum (a feature
    calibrations fitted on a teacher's marks use)."""
    before = (breakdown.calibration.scheme_marks if breakdown.calibration is not None
              else breakdown.unrounded)
    return before / breakdown.max_marks if breakdown.max_marks else 0.0


def _content_weight(scheme: str, settings: Settings) -> float:
    return settings.content_share if scheme == "weights" else 1.0


def _content(scheme: str, rubric: Rubric, dimensions, settings: Settings
             ) -> tuple[list[float], list[float], float]:
    """(earned per dimension, available per dimension, breadth bonus) in marks."""
    top = float(rubric.max_marks)
    if scheme == "weights":
        share = top * settings.content_share
        total = sum(d.weight for d in dimensions) or 1.0
        available = [share * d.weight / total for d in dimensions]
        earned = [a * d.score for a, d in zip(available, dimensions)]
        coverage = sum(earned) / share if share else 0.0
        curve = share * (coverage ** settings.coverage_exponent - coverage) if coverage else 0.0
        return earned, available, curve
    room = top - rubric.marking.introduction - rubric.marking.conclusion
    if scheme == "best":
        available = [room / rubric.marking.full_marks_at] * len(dimensions)
        return best_elements(rubric, _element_scores(dimensions), room), available, 0.0
    credits = [element_credit(d.state, settings) for d in dimensions]
    if scheme == "marks":
        available = [d.marks for d in rubric.dimensions]
        return [a * c for a, c in zip(available, credits)], available, 0.0
    made = sum(credits)
    if scheme == "count":
        need = rubric.marking.full_marks_at
        content = room * min(1.0, made / need)
        available = [room / need] * len(dimensions)
    else:
        content = band_marks(rubric, made)
        available = [rubric.marking.bands[0].marks / max(1.0, rubric.marking.bands[0].made)
                     ] * len(dimensions)
    earned = [content * c / made if made else 0.0 for c in credits]
    return earned, available, 0.0


def _element_scores(dimensions) -> list[float]:
    """Each dimension's credit as a key element of the best scheme: 1 when covered (a valid
    point earns its mark, as a teacher marks one), its score when partly covered, 0 when
    missing."""
    return [1.0 if d.state is Coverage.COVERED else
            0.0 if d.state is Coverage.MISSING else min(1.0, d.score) for d in dimensions]


def best_elements(rubric: Rubric, scores: list[float], room: float) -> list[float]:
    """Marks per dimension under the best scheme: the `full_marks_at` highest scores earn
    `room / full_marks_at` each, times their score; the rest nothing."""
    need = rubric.marking.full_marks_at
    each = room / need
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    best = set(order[:math.ceil(need)])
    earned = [each * scores[i] if i in best else 0.0 for i in range(len(scores))]
    if need != math.ceil(need) and order[:math.ceil(need)]:   # a half element: its share
        last = order[math.ceil(need) - 1]
        earned[last] *= need - math.floor(need)
    return earned


def band_marks(rubric: Rubric, made: float) -> float:
    """Marks of the highest band whose count of key elements `made` reaches (0 below all)."""
    for band in rubric.marking.bands:          # highest `made` first
        if made >= band.made - 1e-9:
            return band.marks
    return 0.0


def _gain(scheme: str, rubric: Rubric, dimensions, i: int, earned, available,
          settings: Settings) -> float:
    """Content marks that covering dimension i fully would add (before the common factors)."""
    if scheme in ("weights", "marks"):
        gain = available[i] - earned[i]
        if scheme == "weights":
            share = rubric.max_marks * settings.content_share
            now = sum(earned) / share if share else 0.0
            after = now + gain / share if share else 0.0
            exponent = settings.coverage_exponent
            gain = share * (min(1.0, after) ** exponent - now ** exponent)
        return max(0.0, gain)
    room = rubric.max_marks - rubric.marking.introduction - rubric.marking.conclusion
    if scheme == "best":
        scores = _element_scores(dimensions)
        fuller = scores[:i] + [1.0] + scores[i + 1:]
        return max(0.0, sum(best_elements(rubric, fuller, room))
                   - sum(best_elements(rubric, scores, room)))
    credits = [element_credit(d.state, settings) for d in dimensions]
    made = sum(credits)
    more = made - credits[i] + 1.0
    if scheme == "count":
        need = rubric.marking.full_marks_at
        return room * (min(1.0, more / need) - min(1.0, made / need))
    return band_marks(rubric, more) - band_marks(rubric, made)


def _evidence(dimension, points: tuple[PointMatch, ...], hits: tuple[KeywordHit, ...]
              ) -> tuple[Evidence, ...]:
    """The model points made and keywords used for one dimension, with their rubric lines."""
    lines = {p.point_id: p.line for p in dimension.points}
    found = [Evidence("point", p.text, lines.get(p.point_id), p.sentence_index)
             for p in points
             if p.dimension_id == dimension.dimension_id and p.sentence_index is not None]
    group_lines = {g.term: g.line for g in dimension.keywords}
    seen: set[str] = set()
    for hit in hits:
        if hit.dimension_id == dimension.dimension_id and hit.term not in seen:
            seen.add(hit.term)
            found.append(Evidence("keyword", hit.term, group_lines.get(hit.term),
                                  hit.sentence_index, hit.form))
    return tuple(found)


def round_half(value: float) -> float:
    return round(value * 2) / 2
