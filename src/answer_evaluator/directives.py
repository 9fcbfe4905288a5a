"""What each directive word of a Mains question asks, and how to tell if an answer does it.

Each directive is declared as data: a plain-words description and the requirements the
checker in `scoring.check_directive` tests (minimum dimensions touched, examples, both sides
of an argument, a reasoned judgement, a list, reasons given).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Directive:
    name: str
    asks: str
    min_dimensions: int = 3        #: dimensions at least partly covered
    examples: int = 2              #: specifics needed: years, figures, names, schemes
    both_sides: bool = False       #: merits and limits / arguments for and against
    judgement: bool = False        #: a reasoned verdict, usually in the conclusion
    listing: bool = False          #: points set out one by one
    reasons: bool = False          #: claims backed with because / since / therefore

    def dimensions_needed(self, available: int) -> int:
        """How many of a rubric's `available` dimensions an answer must touch: the
        directive's breadth, or all of them when the rubric has fewer."""
        return min(self.min_dimensions, available)


DIRECTIVES: dict[str, Directive] = {d.name: d for d in (
    Directive("elaborate", "Develop the statement in detail: explain how and why it holds, "
              "across several dimensions, with concrete examples.", min_dimensions=3,
              examples=3),
    Directive("explain", "Make clear how and why, with causes, mechanisms and examples.",
              min_dimensions=3, examples=2, reasons=True),
    Directive("describe", "Set out the main features in an orderly way, with examples.",
              min_dimensions=3, examples=2),
    Directive("discuss", "Examine the issue from several sides, with arguments and "
              "evidence, and reach a balanced view.", min_dimensions=3, examples=2,
              both_sides=True),
    Directive("examine", "Probe the issue in depth: look at its parts, causes and "
              "consequences, and what the evidence shows.", min_dimensions=3, examples=2,
              both_sides=True),
    Directive("analyse", "Break the issue into its parts and show how they relate, with "
              "evidence.", min_dimensions=3, examples=2, reasons=True),
    Directive("critically-analyse", "Break the issue into its parts, weigh the strengths "
              "against the weaknesses and end with a reasoned judgement.", min_dimensions=3,
              examples=2, both_sides=True, judgement=True),
    Directive("critically-examine", "Examine in depth, bring out both the merits and the "
              "limits, and end with a reasoned judgement.", min_dimensions=3, examples=2,
              both_sides=True, judgement=True),
    Directive("comment", "Give your opinion on the statement, backed by evidence, and "
              "say where it holds and where it does not.", min_dimensions=2, examples=2,
              both_sides=True, judgement=True),
    Directive("evaluate", "Weigh the achievements against the shortcomings with evidence "
              "and give a verdict on the worth or effect.", min_dimensions=3, examples=2,
              both_sides=True, judgement=True),
    Directive("enumerate", "List the points one by one, briefly and clearly.",
              min_dimensions=3, examples=1, listing=True),
    Directive("justify", "Give reasons and evidence that support the position, and answer "
              "the obvious objections.", min_dimensions=2, examples=1, reasons=True,
              judgement=True),
)}

_ALIASES = {
    "critically analyze": "critically-analyse", "critically analyse": "critically-analyse",
    "critically examine": "critically-examine", "analyze": "analyse",
    "critically evaluate": "evaluate", "critically discuss": "discuss",
}

#: Words that show the other side of an argument.
CONTRAST_WORDS = frozenset("""however but although though despite yet whereas nevertheless
nonetheless challenge challenges concern concerns limitation limitations drawback drawbacks
criticism criticisms issue issues problem problems hurdle hurdles constraint constraints
shortcoming shortcomings gap gaps risk risks weakness weaknesses delay delays deficit
divergence divergences hand contrary lack lacks fail fails failed failure""".split())

#: A heading (or a sentence's label) that puts what follows on the other side: one with a
#: contrast word ("Limitations", "Challenges ahead") or one of these ("Critical view", "The
#: other side", "Cons", "Demerits", "Counter-arguments").
OTHER_SIDE_HEADING = re.compile(r"\b(?:other side|flip side|downsides?|critic\w*|"
                                r"counter\w*|cons|demerits?|concerns?|caveats?)\b", re.I)


def names_other_side(heading: str) -> bool:
    """Does a heading or label put the sentences under it on the other side of the argument?"""
    return bool(OTHER_SIDE_HEADING.search(heading)
                or CONTRAST_WORDS.intersection(re.findall(r"[a-z]+", heading.lower())))


#: Words that introduce a judgement or conclusion.
JUDGEMENT_WORDS = frozenset("""therefore thus hence overall conclusion conclude sum balance
clearly evidently undoubtedly must should need needs way forward forward ahead essential
imperative vital""".split())

#: Words that give reasons.
REASON_WORDS = frozenset("""because since therefore thus hence due owing as so consequently
result leads led enables ensures why reason reasons caused causes resulted results explains
driven forced thanks""".split())

#: A heading or label that puts the sentences under it forward as reasons or causes ("Why
#: it fell short", "Reasons for the decline", "Causes", "Factors behind ...").
REASON_HEADING = re.compile(r"\b(?:why|reasons?|causes?|factors?|drivers?|rationale|"
                            r"justification)\b", re.I)


def names_reasons(heading: str) -> bool:
    """Does a heading or label give the sentences under it as reasons?"""
    return bool(REASON_HEADING.search(heading))


def normalise_directive(word: str) -> str:
    """'Critically Analyse' -> 'critically-analyse'."""
    key = " ".join(word.lower().replace("-", " ").replace("_", " ").split())
    key = _ALIASES.get(key, key)
    return key.replace(" ", "-")


#: The directive of a question that names none ("What is a variable?").
DIRECTIVE_FALLBACK = "explain"


def detect_directive(question: str) -> str | None:
    """The directive word of a question: the phrase that ends last, the longest of those
    ("Critically analyse" rather than "analyse"; whole words only)."""
    lowered = " ".join(question.lower().replace("-", " ").split())
    best, best_key = None, (-1, -1)
    for phrase in {*DIRECTIVES, *_ALIASES}:
        spoken = phrase.replace("-", " ")
        for found in re.finditer(rf"\b{re.escape(spoken)}\b", lowered):
            if (found.end(), len(spoken)) > best_key:
                best, best_key = normalise_directive(phrase), (found.end(), len(spoken))
    return best
