"""The evaluator: fit once per rubric, then evaluate many answers (read -> analyse -> match -> score)."""

from __future__ import annotations

from .keywords import KeywordMatcher
from .focus import (focus_similarity, forward_hits, forward_sentences, recommendations,
                    touch_way_forward)
from .marking import (ContentChecks, content_fraction, mark, scheme_share, subject_factor,
                      unmet_requirement, word_limit_role)
from .models import Answer, Evaluation, Rubric
from .reading import answer_from_text
from .scoring import (answer_flags, check_directive, check_length, check_structure, fluency,
                      match_points, question_coverage, repeated_share, rival_subject,
                      score_dimensions, sentence_feedback, settle_states, subject_forms,
                      subject_share, suggestions, weigh_sentences, word_order_factor)
from .settings import Settings, settings_for
from .similarity import PointSimilarity
from .text import analyse, content_stems, under_headings


def _heading_pairs(texts) -> list[tuple[int, int]]:
    """(heading row, bullet row) over all the answers' sentences for each bullet that sits
    under a heading: an examiner reads a bullet under "Limitations" with the heading, so its
    similarity to each point is the better of its own and that of the two together."""
    pairs, row = [], 0
    for text in texts:
        start = row
        for sentence, heading in under_headings(text):
            if heading is not None and sentence.kind == "bullet":
                pairs.append((start + heading.index, row))
            row += 1
    return pairs


class Evaluator:
    """Everything learned from one rubric, shared by every answer graded against it."""

    def __init__(self, rubric: Rubric, settings: Settings | None = None, *,
                 calibration=None):
        if settings is None:                  # the settings that fit the kind of rubric
            settings = settings_for(rubric)
        self.rubric = rubric
        self.settings = settings
        self.calibration = calibration   #: anything with marks_share(features) -> 0..1
        self.keywords = KeywordMatcher(rubric)
        self.similarity = PointSimilarity().fit(rubric)
        self.question_stems = set(content_stems(rubric.question))
        self.subject = subject_forms(rubric)

    def evaluate(self, answer: Answer | str, *, rubric_choice: str = "") -> Evaluation:
        """Grade one answer (an `Answer`, or plain text) against the rubric."""
        return self.evaluate_many([answer], rubric_choices=[rubric_choice])[0]

    def evaluate_many(self, answers, *, rubric_choices=None) -> list[Evaluation]:
        """Grade several answers; exactly `[evaluate(a) for a in answers]`, but the sentences
        of all of them go through the TF-IDF vectorisers in one call (faster for a batch)."""
        answers = [answer_from_text(a) if isinstance(a, str) else a for a in answers]
        choices = list(rubric_choices) if rubric_choices is not None else [""] * len(answers)
        texts = [analyse(a.text) for a in answers]
        to_points, to_question = self.similarity.to_points_and_question(
            [s.text for text in texts for s in text.sentences], pairs=_heading_pairs(texts))
        evaluations, start = [], 0
        for answer, text, choice in zip(answers, texts, choices):
            end = start + len(text.sentences)
            evaluations.append(self._evaluate(answer, text, to_points[start:end],
                                              to_question[start:end], choice))
            start = end
        return evaluations

    def _evaluate(self, answer: Answer, text, to_points, to_question,
                  rubric_choice: str) -> Evaluation:
        rubric, settings = self.rubric, self.settings
        weights = weigh_sentences(text, to_question, self.question_stems, settings)
        forward = forward_sentences(text)
        hits = forward_hits(rubric, self.keywords.match(text), forward)
        to_points = focus_similarity(rubric, to_points, forward, settings, hits)
        points = match_points(rubric, to_points, weights, settings)
        dimensions = score_dimensions(rubric, hits, points, weights, settings)
        feedback = sentence_feedback(text, rubric, to_points, hits, weights, settings)
        fluency_parts = fluency(text, settings)
        fluency_value = fluency_parts[0]
        total_weight = sum(d.weight for d in dimensions)
        coverage = sum(d.weight * d.score for d in dimensions) / total_weight
        keyword_breadth = sum(d.keyword_score for d in dimensions) / len(dimensions)
        rival = rival_subject(text, self.subject, settings, keyword_breadth)
        on_subject = max(subject_share(text, weights, self.subject, settings),
                         min(1.0, keyword_breadth / settings.subject_keywords))
        on_subject *= rival.focus if rival else 1.0
        repeated = repeated_share(text, weights)
        word_order = word_order_factor(fluency_parts[2], settings)
        on_subject_factor = subject_factor(on_subject, settings)
        dimensions = settle_states(dimensions, fluency_value, on_subject_factor, settings,
                                   word_order=word_order)
        recommending = recommendations(text)
        if word_order > 0 and on_subject_factor >= settings.touched_subject_factor:
            dimensions = touch_way_forward(rubric, dimensions, recommending,
                                           weights.weight, to_points)
        checks = ContentChecks(fluency_value, on_subject, repeated,
                               rival.name if rival and rival.focus < 1 else "")
        content = content_fraction(coverage, checks, settings)
        structure = check_structure(text, rubric, feedback, to_question, weights, settings)
        addressed = question_coverage(text, rubric, weights, settings)
        directive = check_directive(rubric, text, dimensions, weights, addressed,
                                    fluency_value, settings=settings, recommending=recommending)
        length = check_length(text, rubric, weights, settings, role=word_limit_role(rubric))
        features = (
            ("coverage", coverage), ("content", content), ("fluency", fluency_value),
            ("on_subject", on_subject), ("repeated", repeated),
            ("keyword_score", _mean([d.keyword_score for d in dimensions])),
            ("point_score", _mean([d.point_score for d in dimensions])),
            ("best_similarity", max((p.similarity for p in points), default=0.0)),
            ("mean_similarity", _mean([p.similarity for p in points])),
            ("structure", structure.score), ("directive", directive.score),
            ("length_ratio", length.ratio), ("length_factor", length.factor),
            ("quality", quality_of(content, structure, directive, settings)),
            ("required_missing", float(unmet_requirement(rubric, dimensions) is not None)),
        ) + tuple((f"dimension:{d.dimension_id}", d.score) for d in dimensions)
        if self.calibration is not None:
            extra = getattr(self.calibration, "extra_features", None)
            if extra is not None:     # features the calibration computes from the text
                features += tuple(extra(answer.text, rubric).items())
        breakdown = mark(rubric, settings, dimensions=dimensions, points=points, hits=hits,
                         checks=checks, structure=structure, directive=directive,
                         length=length, calibration=self.calibration, features=features,
                         answer_text=answer.text)
        marks = breakdown.marks
        features += (("scheme_share", scheme_share(breakdown)),)
        flags = answer_flags(dimensions, fluency_parts, weights, length, on_subject, rubric,
                             rival, settings)
        advice = suggestions(rubric, dimensions, structure, length, flags, fluency_value,
                             settings, breakdown)
        return Evaluation(
            answer_name=answer.name, rubric_id=rubric.rubric_id, question=rubric.question,
            directive=rubric.directive, max_marks=rubric.max_marks, marks=marks,
            content=content, quality=dict(features)["quality"], fluency=fluency_value, dimensions=dimensions,
            points=points, sentences=feedback, structure=structure,
            directive_report=directive, length=length, flags=flags, suggestions=advice,
            warnings=answer.warnings, rubric_choice=rubric_choice, features=features,
            calibrated=self.calibration is not None, breakdown=breakdown)


def quality_of(content: float, structure, directive, settings: Settings) -> float:
    """0..1: content, structure and directive by the weights scheme's shares (a feature that
    calibrations fitted on earlier versions use; the marks come from `marking.mark`)."""
    gate = min(1.0, content / settings.relevance_floor)
    return (settings.content_share * content + settings.structure_share * structure.score * gate
            + settings.directive_share * directive.score * gate)


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def evaluate_answer(answer: Answer | str, rubric: Rubric,
                    settings: Settings | None = None) -> Evaluation:
    """Grade one answer against one rubric (fits the rubric each call; reuse `Evaluator`
    to grade many)."""
    return Evaluator(rubric, settings).evaluate(answer)
