"""TOML writing: the drafted rubric as commented TOML, re-rendered without model points
the check would flag as near-duplicates."""

from __future__ import annotations

import json

from ..directives import DIRECTIVES
from .parts import DimensionDraft


def _s(value: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML)."""
    clean = "".join(ch for ch in value if ch >= " " and ch != "\x7f")
    return json.dumps(clean, ensure_ascii=False)


def _list(values) -> str:
    return "[" + ", ".join(_s(v) for v in values) + "]"


def render(rubric_id, question, directive, marks, words, dimensions, source_name,
            sentence_count) -> str:
    from ..lint import expected_words

    name = directive or "discuss"
    spec = DIRECTIVES[name]
    out = [
        "# Draft rubric made by `evaluate rubric draft`"
        + (f" from {source_name}" if source_name else "") + ".",
        f"# {len(dimensions)} dimensions from {sentence_count} source sentences, grouped by "
        "TF-IDF and k-means.",
        "#",
        "# TEACHER: review every part before marking answers with it:",
        "#   - dimensions: rename titles, merge or split dimensions, delete what the question",
        "#     does not ask for, and add what the source lacks;",
        "#   - keywords: delete generic words, add the spellings, acronyms and names",
        "#     candidates use; each form belongs to one group only;",
        "#   - points: each is one claim an ideal answer makes; the drafted points are",
        "#     lightly cleaned source sentences: rewrite them in your own words;",
        "#   - weights: all 1.0; raise the dimensions the question is really about;",
        "#   - then run: evaluate rubric check <this file>",
        "",
        f"id = {_s(rubric_id)}",
        f"question = {_s(question)}",
    ]
    if directive:
        out.append(f"directive = {_s(directive)}              # read from the question: "
                   f"{spec.asks}")
    else:
        out.append(f"directive = {_s(name)}   # TEACHER: no directive word found in the "
                   "question; 'discuss' assumed")
    expected = expected_words(marks)
    note = "" if not expected or expected[0] <= words <= expected[1] else \
        f"   # TEACHER: UPSC asks {expected[0]} words for {marks} marks"
    out += [f"word_limit = {words}{note}", f"max_marks = {marks}",
            '# paper = "GS-II"                   # TEACHER: set the paper (GS-I..GS-IV, Essay)',
            '# topic = ""',
            '# subject_names = []                # TEACHER: other names answers use for the '
            'subject ("Indus Valley" for "Harappan")']
    if source_name:
        out.append(f"source = {_s('Drafted from ' + source_name + '; facts to be restated')}")
    out += ["", "[introduction]", "hints = ["]
    intro = ["Frame the question in one or two sentences and state the line the answer "
             "takes.",
             f"The directive is '{name.replace('-', ' ')}': {spec.asks}"]
    out += [f"  {_s(h)}," for h in intro] + ["]"]
    out.append(f"terms = {_list(_question_terms(question))}   # TEACHER: words an "
               "introduction that frames the question uses")
    out += ["", "[conclusion]", "hints = ["]
    ending = ["End with a way forward: two or three specific steps, not a slogan."]
    if spec.judgement:
        ending.append("Close with a reasoned verdict that answers the question directly.")
    if spec.both_sides:
        ending.append("Weigh the gains against the limits before concluding.")
    out += [f"  {_s(h)}," for h in ending] + ["]"]
    out.append('terms = ["way forward", "going forward", "should", "must", "future", '
               '"therefore"]')
    for dim in dimensions:
        out += ["", "# " + "-" * 75]
        if dim.generic:
            out += ["# TEACHER: generic placeholder: the directive asks for both sides but the "
                    "source",
                    "# has no sentences on challenges. Replace these keywords and points "
                    "with the real ones."]
        else:
            out.append(f"# Drafted from {len(dim.sentences)} source sentence"
                       f"{'s' if len(dim.sentences) != 1 else ''}; top terms: "
                       f"{', '.join(dim.top_terms) or '-'}. TEACHER: check the title and "
                       "the advice.")
        out += ["[[dimensions]]", f"id = {_s(dim.dimension_id)}", f"title = {_s(dim.title)}",
                f"weight = {dim.weight:.1f}", f"advice = {_s(_advice(dim))}"]
        for group in dim.keywords:
            out += ["", "  [[dimensions.keywords]]", f"  term = {_s(group.term)}"]
            if group.variants:
                out.append(f"  variants = {_list(group.variants)}")
            if group.case_sensitive:
                out.append("  case_sensitive = true")
        for point in dim.points:
            out += ["", "  [[dimensions.points]]", f"  text = {_s(point)}"]
    return "\n".join(out) + "\n"


def _question_terms(question: str) -> list[str]:
    from ..text import content_stems
    from ..text import tokenize

    seen, terms = set(), []
    for word in tokenize(question)[0]:
        stems = content_stems(word)
        if not stems or stems[0] in seen or word.lower() in {d.split("-")[-1] for d in
                                                             DIRECTIVES}:
            continue
        seen.add(stems[0])
        terms.append(word if word[:1].isupper() and word.lower() != word else word.lower())
    return terms[:12]


def _advice(dim: DimensionDraft) -> str:
    examples = [g.term for g in dim.keywords[:3]]
    if dim.generic:
        return ("Weigh the other side: name two or three concrete challenges or limits, "
                "with evidence.")
    listed = (", ".join(examples[:-1]) + " and " + examples[-1]) if len(examples) > 1 else (
        examples[0] if examples else "")
    subject = dim.title[:1].lower() + dim.title[1:] if not dim.title[:2].isupper() else dim.title
    return f"Add {subject}, with specifics such as {listed}."


def drop_near_duplicates(text, rubric_id, dimensions, question, directive, marks, words,
                          source_name, sentence_count) -> str:
    """Re-render without model points the check would flag as near-duplicates."""
    from pathlib import Path

    from ..lint import near_duplicate_pairs
    from ..rubric import parse_rubric

    for _ in range(5):
        rubric = parse_rubric(text, path=Path(f"{rubric_id}.toml"))
        pairs = near_duplicate_pairs(rubric)
        if not pairs:
            return text
        places = [(d, p) for d, dim in enumerate(dimensions) for p in range(len(dim.points))]
        drop = {places[j] for _, j, _ in pairs}
        for d, dim in enumerate(dimensions):
            keep = [p for n, p in enumerate(dim.points) if (d, n) not in drop]
            dim.points = keep or dim.points[:1]
        text = render(rubric_id, question, directive, marks, words, dimensions, source_name,
                       sentence_count)
    return text
