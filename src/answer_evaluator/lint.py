"""Check a rubric file: the loader's errors, and warnings about rubrics that load but mark badly.

Errors come from the loader's own rules (`rubric.py`: schema, types, unknown fields, weights,
empty dimensions), collected one per section so a teacher sees every broken section in one
run. Warnings need a rubric that loads; each names the field and the line to edit:

- colliding-keywords: two keyword groups with forms that match the same words once
  normalised as the matcher does ("investment" and "investments", "Rs 500" and "500"), in
  the same or in different dimensions; the matcher credits every group that lists the form,
  so the same words earn credit twice;
- shared-keyword: the same keyword written in two dimensions (the same case);
- title-keywords: a dimension whose keywords lack a plain word of its own title (a "China
  factor" dimension with no keyword "China"); candidates write those words first;
- currency-sign: a keyword form with a currency sign glued to a number ("₹76,000
  crore"): the matcher drops the sign, so write "76,000 crore";
- unmatchable-form: a keyword form that does not match its own text as the matcher reads
  an answer, so it can never match;
- near-duplicate-points: two model points so similar that writing one covers the other;
- unmatchable-keywords / unmatchable-points: a dimension whose keywords or points have no
  words the matcher can use (a dimension with none at all is an error of the loader);
- word-limit: a word limit that does not fit the marks (UPSC: 150 words for 10 marks, 250
  for 15 and 20);
- directive-mismatch: the directive field disagrees with the directive word in the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import toml_text
from .errors import RubricError
from .models import UPSC_WORD_LIMITS, WORDS_PER_MARK, Rubric  # noqa: F401 (commands use them)

#: A limit within this share of the convention is accepted (the engine's length tolerance).
WORD_LIMIT_TOLERANCE = 0.1


@dataclass(frozen=True)
class Finding:
    """One problem in one rubric file."""

    path: Path
    line: int | None
    severity: str          #: "error" or "warning"
    field: str             #: e.g. "dimensions[2].keywords[1].variants"; "" for the whole file
    message: str
    code: str = ""         #: short name of the check, e.g. "colliding-keywords"

    def format(self) -> str:
        """`FILE:LINE: severity: field: message` (LINE left out when unknown)."""
        where = f"{self.path}:{self.line}" if self.line is not None else f"{self.path}"
        field = self.field or "(file)"
        return f"{where}: {self.severity}: {field}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def lint_rubric(path: Path | str, *, settings=None) -> tuple[Finding, ...]:
    """Every error and warning for the rubric file at `path`, ordered by line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError:
        raw = None
    if raw is None or path.is_dir():
        from .rubric import load_rubric

        try:                      # let the loader word the problem (missing file, folder...)
            load_rubric(path)
        except RubricError as exc:
            return (_from_error(path, exc),)
        return (Finding(path, None, "error", "", "cannot be read", "unreadable"),)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return (Finding(path, line, "error", "", "is not UTF-8 text; save it as UTF-8",
                        "encoding"),)
    return lint_text(text, path, settings=settings)


def lint_text(text: str, path: Path | str, *, settings=None) -> tuple[Finding, ...]:
    """`lint_rubric` for rubric TOML given as text (`path` names it and gives the id)."""
    from .rubric import parse_rubric

    path = Path(path)
    try:
        rubric = parse_rubric(text, path=path)
    except RubricError as exc:
        return _sorted(_collect_errors(text, path, exc))
    return _sorted(rubric_warnings(rubric, text, path, settings=settings))


# ----------------------------------------------------------------------------- errors


def _from_error(path: Path, exc: RubricError, code: str = "schema") -> Finding:
    return Finding(path, exc.line, "error", exc.field or "", exc.problem, code)


def _collect_errors(text: str, path: Path, first: RubricError) -> list[Finding]:
    """The loader stops at its first error; re-run its checks one section at a time so each
    broken section is reported (same rules, same words, same lines)."""
    from . import rubric as loader

    try:
        data = toml_text.loads(text)
    except toml_text.TOMLDecodeError:
        finding = _from_error(path, first, "toml-syntax")
        message = finding.message
        if message.endswith("Illegal character '\\n'"):
            message += " (a quoted text is not closed on its line)"
        return [Finding(path, finding.line, "error", _field_at(text, finding.line),
                        message, finding.code)]
    builder = loader._Builder(path, loader._LineIndex(text))
    findings: dict[tuple, Finding] = {}

    def attempt(action, *args):
        try:
            return action(*args)
        except RubricError as exc:
            finding = _from_error(path, exc)
            findings.setdefault((finding.line, finding.field, finding.message), finding)
            return None

    attempt(builder.check, data, loader._TOP, "", ())
    for key in ("introduction", "conclusion"):
        if isinstance(data.get(key, {}), dict):
            attempt(builder.hints, data, key)
    dimensions = data.get("dimensions")
    if isinstance(dimensions, list):
        for i, table in enumerate(dimensions):
            if isinstance(table, dict) and not table.get("keywords") and not table.get("points"):
                line = builder.lines.find((("dimensions", i),))
                finding = Finding(path, line, "error", f"dimensions[{i + 1}]",
                                  "the dimension is empty: it has no keyword groups and no "
                                  "model points; add both, or delete the section",
                                  "empty-dimension")
                findings.setdefault((line, finding.field, finding.message), finding)
                continue
            attempt(builder.dimension, i, table)
    finding = _from_error(path, first)
    key = (finding.line, finding.field, finding.message)
    reported = {f.field for f in findings.values()}
    if key not in findings and not any(finding.field.startswith(field + ".")
                                       for field in reported if field):
        findings[key] = finding          # a check across sections (duplicate ids, id vs name)
    return list(findings.values())


def _field_at(text: str, line: int | None) -> str:
    """The field written on `line` ("dimensions[2].weight"), or "" when none is."""
    from .rubric import _LineIndex

    if line is None:
        return ""
    for place, number in _LineIndex(text).places.items():
        if number == line:
            return field_name(place)
    return ""


def field_name(place: tuple) -> str:
    """(("dimensions", 1), ("keywords", 0), "term") -> "dimensions[2].keywords[1].term"."""
    parts = []
    for part in place:
        if isinstance(part, tuple):
            name, index = part
            parts.append(f"{name.split('.')[-1]}[{index + 1}]")
        else:
            parts.append(part)
    return ".".join(parts)


# ----------------------------------------------------------------------------- warnings


def rubric_warnings(rubric: Rubric, text: str, path: Path, *, settings=None) -> list[Finding]:
    """The warnings for a rubric that loads."""
    from .rubric import _LineIndex

    lines = _LineIndex(text)
    return (keyword_warnings(rubric, lines, path)
            + title_warnings(rubric, lines, path)
            + form_warnings(rubric, lines, path)
            + point_warnings(rubric, lines, path, settings=settings)
            + unmatchable_warnings(rubric, lines, path)
            + word_limit_warnings(rubric, lines, path)
            + marking_warnings(rubric, path)
            + default_warnings(rubric, text, lines, path)
            + directive_warnings(rubric, lines, path)
            + calibration_errors(rubric, lines, path))


def form_key(form: str, case_sensitive: bool) -> tuple[str, ...]:
    """What a keyword form matches, as the matcher compares it (`keywords.form_keys`):
    normalised stems, or exact words when case-sensitive."""
    from .keywords import form_keys

    return form_keys(form, case_sensitive)


def _overlap(form_a: str, sensitive_a: bool, form_b: str, sensitive_b: bool) -> bool:
    """Do two forms match the same words in an answer?"""
    from .text import stem

    key_a, key_b = form_key(form_a, sensitive_a), form_key(form_b, sensitive_b)
    if not key_a or len(key_a) != len(key_b):
        return False
    if sensitive_a and sensitive_b:
        return key_a == key_b
    if sensitive_a:
        key_a = tuple(stem(w) for w in key_a)
    if sensitive_b:
        key_b = tuple(stem(w) for w in key_b)
    return key_a == key_b


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def keyword_warnings(rubric: Rubric, lines, path: Path) -> list[Finding]:
    """Colliding keyword groups and keywords shared by two dimensions."""
    groups = [(d_index, k_index, dim, group)
              for d_index, dim in enumerate(rubric.dimensions)
              for k_index, group in enumerate(dim.keywords)]
    findings = []
    for later, (d2, k2, dim2, group2) in enumerate(groups):
        for d1, k1, dim1, group1 in groups[:later]:
            pair = [(f1, f2) for f1 in group1.forms for f2 in group2.forms
                    if _overlap(f1, group1.case_sensitive, f2, group2.case_sensitive)]
            if not pair:
                continue
            form1, form2 = pair[0]
            attribute = "term" if form2 == group2.term else "variants"
            field = f"dimensions[{d2 + 1}].keywords[{k2 + 1}].{attribute}"
            line = lines.find((("dimensions", d2), ("keywords", k2), attribute))
            first = f"'{group1.term}' (dimension '{dim1.dimension_id}')"
            if d1 != d2 and _same_text(form1, form2):
                findings.append(Finding(
                    path, line, "warning", field,
                    f"the keyword '{form2}' is also a keyword of dimension "
                    f"'{dim1.dimension_id}' (group '{group1.term}'); the same words earn "
                    f"credit in both dimensions: keep it in one of them", "shared-keyword"))
            else:
                same = "" if _same_text(form1, form2) else f" and '{form1}'"
                findings.append(Finding(
                    path, line, "warning", field,
                    f"the group '{group2.term}' collides with {first}: '{form2}'{same} match "
                    "the same words once normalised, so both groups get credit for them; "
                    "merge the groups or drop the form from one", "colliding-keywords"))
    return findings


#: Title words that name the kind of dimension rather than its subject ("The China
#: factor", "Significance for ...", "Way forward"): a title may use them without a keyword.
TITLE_FRAME_WORDS = frozenset("""
aspect factor role significance importance relevance effectiveness impact effect design vision
basis feature dimension issue progress achievement limitation limit challenge criticism
concern way forward evaluation option available involved recent existing need far overview
introduction conclusion status evolution measure step approach case test stake how what
origin reform setback gap principle
""".split())


def title_words(title: str) -> list[str]:
    """The plain words of a dimension title that its keywords should hold: content words
    (function words and `TITLE_FRAME_WORDS` left out), in title order, once each."""
    from .text import is_function_word, stem, tokenize

    frame = {stem(w) for w in TITLE_FRAME_WORDS}
    found: dict[str, str] = {}
    for word in tokenize(title)[0]:
        if word.lower().endswith("'s"):
            word = word[:-2]                      # "India's own shortcomings": India
        key = stem(word)
        if is_function_word(word) or key in frame or len(key) < 2:
            continue
        found.setdefault(key, word)
    return list(found.values())


def title_warnings(rubric: Rubric, lines, path: Path) -> list[Finding]:
    """Dimensions whose keyword terms and variants lack a plain word of the title."""
    from .text import stem, tokenize

    findings = []
    for d, dim in enumerate(rubric.dimensions):
        have = {stem(w) for g in dim.keywords for f in g.forms for w in tokenize(f)[0]}
        have |= {stem(part) for g in dim.keywords for f in g.forms
                 for w in tokenize(f)[0] for part in w.split("'")}
        missing = [w for w in title_words(dim.title) if stem(w) not in have]
        if not missing or not have:       # no usable keyword at all: unmatchable-keywords
            continue
        listed = ", ".join(f"'{w}'" for w in missing)
        findings.append(Finding(
            path, lines.find((("dimensions", d), "title")), "warning",
            f"dimensions[{d + 1}].title",
            f"the title of dimension '{dim.dimension_id}' says {listed} but no keyword of "
            f"the dimension has {'it' if len(missing) == 1 else 'them'}: candidates write "
            "the title's plain words first; add them as keyword terms or variants (or "
            "reword the title)", "title-keywords"))
    return findings


#: A currency sign written onto a number ("₹76,000", "$5 billion").
_GLUED_CURRENCY = re.compile(r"(?<![\w$\u20b9])[$\u20b9](?=\d)")


def form_warnings(rubric: Rubric, lines, path: Path) -> list[Finding]:
    """Keyword forms that cannot match as written: a currency sign glued to a number, and
    any form the matcher does not find in its own text."""
    findings = []
    for d, dim in enumerate(rubric.dimensions):
        if not any(form_key(f, g.case_sensitive) for g in dim.keywords for f in g.forms):
            continue                      # nothing usable at all: unmatchable-keywords
        for k, group in enumerate(dim.keywords):
            for f, form in enumerate(group.forms):
                attribute = "term" if f == 0 else "variants"
                field = f"dimensions[{d + 1}].keywords[{k + 1}].{attribute}"
                line = lines.find((("dimensions", d), ("keywords", k), attribute))
                if _GLUED_CURRENCY.search(form):
                    plain = " ".join(_GLUED_CURRENCY.sub("", form).split())
                    if form_key(plain, group.case_sensitive) != form_key(
                            form, group.case_sensitive):       # "$5m": 5 million
                        plain = " ".join(form_key(form, group.case_sensitive))
                    findings.append(Finding(
                        path, line, "warning", field,
                        f"the keyword '{form}' has a currency sign glued to its number; the "
                        f"matcher drops currency signs and words before it compares, so "
                        f"write '{plain}': it matches '{form}' and '{plain}' in an answer "
                        "alike", "currency-sign"))
                elif not matches_itself(
                        form, group.case_sensitive):
                    findings.append(Finding(
                        path, line, "warning", field,
                        f"the keyword '{form}' cannot match as written: read as an answer, "
                        "its own text does not match it (the tokeniser splits or drops part "
                        "of it); write it as candidates would, in plain words and numbers",
                        "unmatchable-form"))
    return findings


def matches_itself(form: str, case_sensitive: bool = False) -> bool:
    """Does the matcher find `form` in an answer that is exactly `form`? It normalises the
    form and the answer the same way, so a form that fails this can never match."""
    from .keywords import KeywordMatcher
    from .models import Dimension, KeywordGroup, ModelPoint
    from .text import analyse

    group = KeywordGroup(form, case_sensitive=case_sensitive)
    probe = Rubric("probe", "", "discuss", 150, 10, (
        Dimension("probe", "", 1.0, "", (group,), (ModelPoint("p", "probe"),)),))
    return bool(KeywordMatcher(probe).match(analyse(form)))


def near_duplicate_threshold(settings=None) -> float:
    """Point-to-point similarity from which one answer sentence covers both points: a
    sentence that states one point word for word has this similarity to the other, and the
    engine gives full coverage from `Settings.point_high`."""
    from .settings import DEFAULT_SETTINGS

    return (settings or DEFAULT_SETTINGS).point_high


def near_duplicate_pairs(rubric: Rubric, *, settings=None) -> list[tuple[int, int, float]]:
    """(i, j, similarity) for model points i < j (indexes into `rubric.points`) at or above
    `near_duplicate_threshold`."""
    from .similarity import PointSimilarity

    points = rubric.points
    if len(points) < 2:
        return []
    matrix = PointSimilarity().fit(rubric).to_points([p.text for p in points])
    threshold = near_duplicate_threshold(settings)
    return [(i, j, float(matrix[i, j])) for i in range(len(points))
            for j in range(i + 1, len(points)) if matrix[i, j] >= threshold]


def point_warnings(rubric: Rubric, lines, path: Path, *, settings=None) -> list[Finding]:
    places = [(d, p) for d, dim in enumerate(rubric.dimensions) for p in range(len(dim.points))]
    findings = []
    for i, j, value in near_duplicate_pairs(rubric, settings=settings):
        (d1, p1), (d2, p2) = places[i], places[j]
        other = rubric.points[i]
        findings.append(Finding(
            path, lines.find((("dimensions", d2), ("points", p2), "text")), "warning",
            f"dimensions[{d2 + 1}].points[{p2 + 1}].text",
            f"nearly the same as point {p1 + 1} of dimension "
            f"'{rubric.dimensions[d1].dimension_id}' (similarity {value:.2f}, from "
            f"{near_duplicate_threshold(settings):.2f} one sentence covers both): "
            f"\"{_short(other.text)}\"; merge them or make each say something the other "
            "does not", "near-duplicate-points"))
    return findings


def unmatchable_warnings(rubric: Rubric, lines, path: Path) -> list[Finding]:
    """Dimensions whose keywords or model points exist but can never match anything."""
    from .text import content_stems

    findings = []
    for d, dim in enumerate(rubric.dimensions):
        if not any(form_key(f, g.case_sensitive) for g in dim.keywords for f in g.forms):
            findings.append(Finding(
                path, lines.find((("dimensions", d), ("keywords", 0))), "warning",
                f"dimensions[{d + 1}].keywords",
                f"dimension '{dim.dimension_id}' has no usable keywords: no form has a word "
                "or number to match, so its keyword share is always 0", "unmatchable-keywords"))
        if not any(content_stems(p.text) for p in dim.points):
            findings.append(Finding(
                path, lines.find((("dimensions", d), ("points", 0))), "warning",
                f"dimensions[{d + 1}].points",
                f"dimension '{dim.dimension_id}' has no usable model points: none has a "
                "content word (only stop words or symbols), so no sentence can cover them",
                "unmatchable-points"))
    return findings


def expected_words(marks: int) -> tuple[int, int] | None:
    """The UPSC word limit range for a question of `marks`, when there is a convention."""
    return UPSC_WORD_LIMITS.get(marks)


def word_limit_warnings(rubric: Rubric, lines, path: Path) -> list[Finding]:
    marks, words = rubric.max_marks, rubric.word_limit
    expected = expected_words(marks)
    line = lines.find(("word_limit",))
    if expected:
        low, high = expected
        if low * (1 - WORD_LIMIT_TOLERANCE) <= words <= high * (1 + WORD_LIMIT_TOLERANCE):
            return []
        wanted = f"{low}" if low == high else f"{low}-{high}"
        return [Finding(path, line, "warning", "word_limit",
                        f"{words} words does not fit {marks} marks: UPSC asks {wanted} words "
                        f"for a {marks}-mark question",
                        "word-limit")]
    low, high = WORDS_PER_MARK
    if low * marks <= words <= high * marks:
        return []
    return [Finding(path, line, "warning", "word_limit",
                    f"{words} words for {marks} marks is {words / marks:.1f} words a mark; "
                    f"UPSC questions ask about {low:g}-{high:g} (150 words for 10 marks, 250 "
                    "for 15)", "word-limit")]


def marking_warnings(rubric: Rubric, path: Path) -> list[Finding]:
    """Say which scheme marks a rubric that declares none and is marked as a short answer."""
    marking = rubric.marking
    if not marking.default:
        return []
    return [Finding(path, None, "warning", "marking",
                    f"{marking.default} (here the best {marking.full_marks_at:g} of "
                    f"{len(rubric.dimensions)} dimensions); declare a [marking] scheme to mark "
                    "it otherwise", "default-scheme")]


def default_warnings(rubric: Rubric, text: str, lines, path: Path) -> list[Finding]:
    """Fields left out that the loader fills in: say what it used."""
    data = toml_text.loads(text)
    found = []
    if "directive" not in data:
        found.append(Finding(path, None, "warning", "directive",
                             f"no directive, so '{rubric.directive}' (from the question, or "
                             "the default when it names none); write the one you mean",
                             "default-directive"))
    if "word_limit" not in data:
        found.append(Finding(path, None, "warning", "word_limit",
                             f"no word limit, so {rubric.word_limit} words for "
                             f"{rubric.max_marks} marks; write the one you set",
                             "default-word-limit"))
    for i, (dim, table) in enumerate(zip(rubric.dimensions, data.get("dimensions", []))):
        if "advice" not in table:
            found.append(Finding(path, lines.find((("dimensions", i),)), "warning",
                                 f"dimensions[{i + 1}].advice",
                                 f"no advice, so the report says \"{dim.advice}\"; write what "
                                 "the candidate should add, naming the specifics",
                                 "default-advice"))
    return found


def directive_warnings(rubric: Rubric, lines, path: Path) -> list[Finding]:
    from .directives import detect_directive

    found = detect_directive(rubric.question)
    if found is None or found == rubric.directive:
        return []
    return [Finding(path, lines.find(("directive",)), "warning", "directive",
                    f"the question's directive word is '{found.replace('-', ' ')}' but the "
                    f"rubric says '{rubric.directive}'; the directive checks follow the field",
                    "directive-mismatch")]


def calibration_errors(rubric: Rubric, lines, path: Path) -> list[Finding]:
    """The calibration the rubric names must load, as grading will load it."""
    if not rubric.calibration:
        return []
    from .calibration import CalibrationError, load_calibration

    try:
        load_calibration(rubric.calibration, relative_to=rubric.path or path)
    except CalibrationError as exc:
        return [Finding(path, lines.find(("calibration",)), "error", "calibration", str(exc),
                        "calibration")]
    return []


# ----------------------------------------------------------------------------- helpers


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def _sorted(findings) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: (f.line is None, f.line or 0,
                                                 f.severity != "error", f.field)))


def summary(findings_by_file: dict[Path, tuple[Finding, ...]]) -> str:
    """'9 rubrics checked: 0 errors, 2 warnings'."""
    errors = sum(f.is_error for fs in findings_by_file.values() for f in fs)
    warnings = sum(not f.is_error for fs in findings_by_file.values() for f in fs)
    count = len(findings_by_file)
    return (f"{count} rubric{'s' if count != 1 else ''} checked: "
            f"{errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}")

