"""Load a rubric TOML file into a validated, frozen `Rubric`.

The allowed fields are declared once, as data (`_TOP`, `_HINTS`, `_DIMENSION`, ...), and
checked in one place; every error names the file, the field and, where it can be found, the
line, in words a teacher understands.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from . import toml_text
from .directives import DIRECTIVE_FALLBACK, DIRECTIVES, detect_directive, normalise_directive
from .errors import FileProblem, RubricError, did_you_mean, read_utf8
from .models import (SCHEMES, SHORT_ANSWER_DEFAULT, SHORT_ANSWER_MAX_MARKS, WORD_LIMIT_ROLES,
                     Band, Dimension, Hints, KeywordGroup, MarkingScheme, ModelPoint, Requirement,
                     Rubric, default_word_limit, is_upsc_paper)

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class _Field:
    kind: str                 #: "str", "int", "number", "bool", "list[str]", "table", "tables"
    required: bool = False
    check: Callable[[Any], str | None] | None = None   #: returns a problem, or None
    example: str = ""         #: how the field is written, shown when its kind is wrong


def _is_short_answer(data: dict) -> bool:
    """A short-answer rubric: no UPSC paper and at most SHORT_ANSWER_MAX_MARKS marks. Its word
    limit is room to answer in, not a length to reach, so unless the rubric declares a role
    for it, it costs nothing ("none"), whatever the scheme."""
    return not is_upsc_paper(data.get("paper", "")) and data["max_marks"] <= SHORT_ANSWER_MAX_MARKS


def _takes_short_answer_default(data: dict) -> bool:
    """A hand-written short-answer rubric with no declared scheme (models.SHORT_ANSWER_DEFAULT).
    Its dimensions are key elements, the best `max_marks` of which earn the marks, as school
    short-answer marking goes ("one mark per valid point"). (Marks on dimensions or on the
    structure need a declared scheme: the loader has refused them already.)"""
    return "scheme" not in data.get("marking", {}) and _is_short_answer(data)


def _marks(value: float) -> str:
    return f"{value:g} mark" + ("" if value == 1 else "s")


def _positive(value) -> str | None:
    return None if value > 0 else f"must be greater than 0, got {value}"


#: Bounds no real question passes: an essay paper's question is at most 125 marks, an
#: answer's word limit at most a few thousand words.
MAX_MARKS_LIMIT = 125
WORD_LIMIT_LIMIT = 10_000


#: A weight beyond this is a slip: no rubric weighs one dimension or keyword a thousand
#: times another (and sums of weights near the float limit overflow).
MAX_WEIGHT = 1000


def _weight(value) -> str | None:
    return _positive(value) or (None if value <= MAX_WEIGHT else
                                f"must be at most {MAX_WEIGHT}, got {value}")


def _marks_bound(value) -> str | None:
    return _positive(value) or (None if value <= MAX_MARKS_LIMIT else
                                f"must be at most {MAX_MARKS_LIMIT}, got {value}")


def _words_bound(value) -> str | None:
    return _positive(value) or (None if value <= WORD_LIMIT_LIMIT else
                                f"must be at most {WORD_LIMIT_LIMIT} words, got {value}")


def _exam_year(value) -> str | None:
    return None if 1979 <= value <= 2100 else f"must be the year the question was set (1979 or later), got {value}"


def _identifier(value: str) -> str | None:
    return None if _ID.match(value) else (
        f"'{value}' must use only lower-case letters, digits, '-' and '_'")


def _directive(value: str) -> str | None:
    if normalise_directive(value) in DIRECTIVES:
        return None
    return (f"'{value}' is not a directive this tool knows; use one of: "
            + ", ".join(sorted(DIRECTIVES)) + did_you_mean(value, DIRECTIVES))


def _non_empty(value) -> str | None:
    return "must not be empty" if not value else None


def _not_negative(value) -> str | None:
    return None if value >= 0 else f"must be 0 or more, got {value}"


def _one_of(choices):
    def check(value: str) -> str | None:
        if value in choices:
            return None
        return (f"'{value}' is not one of: " + ", ".join(choices) + did_you_mean(value, choices))
    return check


def _names(value) -> str | None:
    blank = [i + 1 for i, name in enumerate(value) if not name.split()]
    return f"name {blank[0]} is empty" if blank else None


def _share(value) -> str | None:
    return None if 0.1 <= value <= 1 else f"must be between 0.1 and 1, got {value}"


_TOP = {
    "id": _Field("str", True, _identifier),
    "question": _Field("str", True, _non_empty),
    "directive": _Field("str", False, _directive),
    "word_limit": _Field("int", False, _words_bound),
    "max_marks": _Field("int", True, _marks_bound),
    "paper": _Field("str"),
    "topic": _Field("str"),
    "subject_names": _Field("list[str]", False, _names),
    "source": _Field("str"),
    "year": _Field("int", False, _exam_year),
    "calibration": _Field("str"),
    "introduction": _Field("table"),
    "conclusion": _Field("table"),
    "marking": _Field("table"),
    "dimensions": _Field("tables", True, _non_empty),
}
_MARKING = {
    "scheme": _Field("str", False, _one_of(SCHEMES)),
    "full_marks_at": _Field("number", False, _positive),
    "bands": _Field("tables", example="bands = [{ made = 3, marks = 3 }, { made = 1, marks = 1 }]"),
    "strictness": _Field("number", False, _share),
    "word_limit": _Field("str", False, _one_of(WORD_LIMIT_ROLES)),
    "introduction": _Field("number", False, _not_negative),
    "conclusion": _Field("number", False, _not_negative),
    "required": _Field("tables", example='required = [{ dimension = "trait", otherwise = 0 }]'),
}
_REQUIREMENT = {
    "dimension": _Field("str", True, _non_empty),
    "otherwise": _Field("number", False, _not_negative),
}
_BAND = {
    "made": _Field("number", True, _not_negative),
    "marks": _Field("number", True, _not_negative),
}
_HINTS = {"hints": _Field("list[str]"), "terms": _Field("list[str]")}
_DIMENSION = {
    "id": _Field("str", True, _identifier),
    "title": _Field("str", True, _non_empty),
    "weight": _Field("number", False, _weight),
    "advice": _Field("str", False, _non_empty),
    "keywords": _Field("tables", True, _non_empty),
    "points": _Field("tables", True, _non_empty),
    "marks": _Field("number", False, _not_negative),
    "forward_looking": _Field("bool"),
}
_KEYWORD = {
    "term": _Field("str", True, _non_empty),
    "variants": _Field("list[str]"),
    "weight": _Field("number", False, _weight),
    "case_sensitive": _Field("bool"),
}
_POINT = {
    "text": _Field("str", True, _non_empty),
    "weight": _Field("number", False, _weight),
}
_KIND_WORDS = {
    "str": "text in quotes", "int": "a whole number", "number": "a number",
    "bool": "true or false", "list[str]": "a list of texts in quotes, like [\"a\", \"b\"]",
    "table": "a section such as [introduction]", "tables": "one or more [[...]] sections",
}


def load_rubric(path: Path | str) -> Rubric:
    """Read and validate the rubric at `path`."""
    path = Path(path)
    try:
        text = read_utf8(path, kind="rubric file")
    except FileProblem as problem:
        raise RubricError(path, problem.problem, line=problem.line) from None
    return parse_rubric(text, path=path)


def parse_rubric(text: str, *, path: Path | None = None) -> Rubric:
    """Validate rubric TOML given as text (`path` is used in messages only)."""
    try:
        data = toml_text.loads(text)
    except toml_text.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(found.group(1)) if found else None
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise RubricError(path, f"is not valid TOML: {problem}", line=line) from None
    return _Builder(path, _LineIndex(text)).rubric(data)


class _Builder:
    def __init__(self, path: Path | None, lines: "_LineIndex"):
        self.path = path
        self.lines = lines

    def fail(self, problem: str, field: str, where: tuple) -> RubricError:
        return RubricError(self.path, problem, field=field, line=self.lines.find(where))

    def check(self, table: dict, spec: dict[str, _Field], prefix: str, where: tuple) -> None:
        for key in table:
            if key not in spec:
                raise self.fail(f"unknown field '{key}'{did_you_mean(key, spec)}; allowed: "
                                + ", ".join(spec), prefix + key, where + (key,))
        for key, rule in spec.items():
            field = prefix + key
            if key not in table:
                if rule.required:
                    raise self.fail(f"the required field '{key}' is missing", field, where)
                continue
            value = table[key]
            if not _is_kind(value, rule.kind):
                like = f"; write it like {rule.example}" if rule.example else ""
                raise self.fail(f"must be {_KIND_WORDS[rule.kind]}, got {_show(value)}{like}",
                                field, where + (key,))
            if isinstance(value, str):
                value = value.strip()
            problem = rule.check(value) if rule.check else None
            if problem:
                raise self.fail(problem, field, where + (key,))

    def rubric(self, data: dict) -> Rubric:
        self.check(data, _TOP, "", ())
        dimensions = tuple(self.dimension(i, d) for i, d in enumerate(data["dimensions"]))
        seen: dict[str, int] = {}
        for i, dim in enumerate(dimensions):
            if dim.dimension_id in seen:
                raise self.fail(f"dimension id '{dim.dimension_id}' is used twice",
                                f"dimensions[{i + 1}].id", (("dimensions", i), "id"))
            seen[dim.dimension_id] = i
        if self.path is not None and data["id"] != self.path.stem:
            raise self.fail(f"the id '{data['id']}' must equal the file name "
                            f"'{self.path.stem}'", "id", ("id",))
        marking = self.marking(data.get("marking", {}), dimensions, data["max_marks"])
        if _is_short_answer(data) and not marking.word_limit:
            marking = replace(marking, word_limit="none")
        if _takes_short_answer_default(data):
            marking = MarkingScheme(
                scheme="best", full_marks_at=float(min(data["max_marks"], len(dimensions))),
                strictness=marking.strictness, word_limit=marking.word_limit,
                required=marking.required, line=marking.line, default=SHORT_ANSWER_DEFAULT)
        return Rubric(
            rubric_id=data["id"], question=" ".join(data["question"].split()),
            directive=normalise_directive(data.get("directive") or default_directive(
                data["question"])),
            word_limit=data.get("word_limit") or default_word_limit(data["max_marks"]),
            max_marks=data["max_marks"], dimensions=dimensions,
            introduction=self.hints(data, "introduction"),
            conclusion=self.hints(data, "conclusion"),
            paper=data.get("paper", ""), topic=data.get("topic", ""),
            subject_names=tuple(" ".join(n.split()) for n in data.get("subject_names", ())),
            source=data.get("source", ""), year=data.get("year"),
            calibration=data.get("calibration", ""),
            path=self.path, marking=marking)

    def check_bands(self, bands: list[Band], dimensions: int, where: tuple) -> None:
        """Bands (highest `made` first) that can be reached and rise with what is made."""
        for higher, lower in zip(bands, bands[1:]):
            if higher.made == lower.made:
                raise self.fail(f"two bands start at {higher.made:g} key elements made; give "
                                "each count once", "marking.bands", where)
            if higher.marks < lower.marks:
                raise self.fail(f"{higher.made:g} key elements made earn {_marks(higher.marks)}"
                                f" but {lower.made:g} earn {lower.marks:g}: more made cannot "
                                "earn fewer marks", "marking.bands", where)
        if bands and bands[0].made > dimensions:
            raise self.fail(f"a band needs {bands[0].made:g} key elements made but the rubric "
                            f"has only {dimensions} dimensions", "marking.bands", where)

    def marking(self, table: dict, dimensions: tuple[Dimension, ...],
                max_marks: int) -> MarkingScheme:
        """The [marking] table, checked against the dimensions and the maximum marks."""
        self.check(table, _MARKING, "marking.", ("marking",))
        scheme = table.get("scheme", "weights")
        where = ("marking",)
        bands = []
        for b, band in enumerate(table.get("bands", [])):
            self.check(band, _BAND, f"marking.bands[{b + 1}].", where + ("bands",))
            if band["marks"] > max_marks:
                raise self.fail(f"{band['marks']:g} marks is more than the rubric's maximum of "
                                f"{max_marks}", f"marking.bands[{b + 1}].marks", where + ("bands",))
            bands.append(Band(float(band["made"]), float(band["marks"])))
        bands.sort(key=lambda band: -band.made)
        self.check_bands(bands, len(dimensions), where + ("bands",))
        structure = float(table.get("introduction", 0)) + float(table.get("conclusion", 0))
        if scheme == "bands" and not bands:
            raise self.fail("the 'bands' scheme needs a list of bands, like bands = "
                            "[{ made = 2, marks = 2 }, { made = 1, marks = 1 }]",
                            "marking.bands", where + ("scheme",))
        if scheme != "bands" and bands:
            raise self.fail(f"bands are given but the scheme is '{scheme}'; write "
                            "scheme = \"bands\"", "marking.bands", where + ("bands",))
        if scheme in ("count", "best"):
            if "full_marks_at" not in table:
                raise self.fail(f"the '{scheme}' scheme needs full_marks_at: how many key "
                                "elements earn full marks", "marking.full_marks_at",
                                where + ("scheme",))
            if table["full_marks_at"] > len(dimensions):
                raise self.fail(f"full_marks_at is {table['full_marks_at']:g} but the rubric "
                                f"has only {len(dimensions)} dimensions",
                                "marking.full_marks_at", where + ("full_marks_at",))
        elif "full_marks_at" in table:
            raise self.fail(f"full_marks_at belongs to the 'count' and 'best' schemes, not "
                            f"'{scheme}'",
                            "marking.full_marks_at", where + ("full_marks_at",))
        with_marks = [d for d in dimensions if d.marks]
        if scheme == "marks":
            unmarked = [d.dimension_id for d in dimensions if not d.marks]
            if unmarked:
                raise self.fail("the 'marks' scheme needs marks on every dimension; none on "
                                + ", ".join(unmarked), "dimensions.marks", where + ("scheme",))
            total = sum(d.marks for d in dimensions) + structure
            if abs(total - max_marks) > 1e-9:
                raise self.fail(f"the dimensions' marks ({sum(d.marks for d in dimensions):g})"
                                f" and the introduction and conclusion ({structure:g}) add up "
                                f"to {total:g}, not to max_marks ({max_marks})",
                                "marking.scheme", where + ("scheme",))
        elif with_marks:
            raise self.fail(f"dimension '{with_marks[0].dimension_id}' has marks but the "
                            f"scheme is '{scheme}'; write scheme = \"marks\" in [marking]",
                            "marking.scheme", where)
        if scheme in ("count", "best", "bands") and structure >= max_marks:
            raise self.fail(f"the introduction and conclusion take all {max_marks} marks",
                            "marking.introduction", where + ("introduction",))
        if scheme == "bands" and bands[0].marks > max_marks - structure:
            raise self.fail(f"the top band gives {bands[0].marks:g} marks, more than the "
                            f"{max_marks - structure:g} left after the introduction and "
                            "conclusion", "marking.bands", where + ("bands",))
        if scheme == "weights" and structure:
            raise self.fail("introduction and conclusion marks need scheme = \"marks\", "
                            "\"count\", \"best\" or \"bands\" (the weights scheme gives structure "
                            "its own share)", "marking.introduction", where + ("introduction",))
        return MarkingScheme(
            required=self.requirements(table.get("required", []), dimensions, max_marks),
            scheme=scheme, full_marks_at=float(table.get("full_marks_at", 0)),
            bands=tuple(bands),
            strictness=float(table["strictness"]) if "strictness" in table else None,
            word_limit=table.get("word_limit", ""),
            introduction=float(table.get("introduction", 0)),
            conclusion=float(table.get("conclusion", 0)),
            line=self.lines.find(where) if table else None)

    def requirements(self, tables: list, dimensions: tuple[Dimension, ...],
                     max_marks: int) -> tuple[Requirement, ...]:
        """[marking] `required`: dimensions an answer must not miss, each with the most marks
        an answer that misses it earns."""
        ids = [d.dimension_id for d in dimensions]
        where = ("marking", "required")
        found: list[Requirement] = []
        for r, table in enumerate(tables):
            name = f"marking.required[{r + 1}]"
            self.check(table, _REQUIREMENT, f"{name}.", where)
            dimension_id, otherwise = table["dimension"], float(table.get("otherwise", 0))
            if dimension_id not in ids:
                raise self.fail(f"'{dimension_id}' is not a dimension of this rubric (its "
                                f"dimensions: {', '.join(ids)})", f"{name}.dimension", where)
            if any(q.dimension_id == dimension_id for q in found):
                raise self.fail(f"dimension '{dimension_id}' is required twice",
                                f"{name}.dimension", where)
            if otherwise >= max_marks:
                raise self.fail(f"otherwise = {otherwise:g} leaves the maximum of {max_marks} "
                                "marks open, so nothing is required; give fewer marks",
                                f"{name}.otherwise", where)
            found.append(Requirement(dimension_id, otherwise))
        return tuple(found)

    def hints(self, data: dict, key: str) -> Hints:
        table = data.get(key, {})
        self.check(table, _HINTS, f"{key}.", (key,))
        return Hints(hints=tuple(s.strip() for s in table.get("hints", []) if s.strip()),
                     terms=tuple(s.strip() for s in table.get("terms", []) if s.strip()))

    def dimension(self, i: int, table: dict) -> Dimension:
        where = (("dimensions", i),)
        prefix = f"dimensions[{i + 1}]."
        if not isinstance(table, dict):
            raise self.fail("must be a [[dimensions]] section", prefix[:-1], where)
        self.check(table, _DIMENSION, prefix, where)
        dim_id = table["id"]
        keywords = []
        for k, group in enumerate(table["keywords"]):
            kwhere = where + (("keywords", k),)
            self.check(group, _KEYWORD, f"{prefix}keywords[{k + 1}].", kwhere)
            variants = tuple(v.strip() for v in group.get("variants", []))
            if any(not v for v in variants):
                raise self.fail("a variant is empty", f"{prefix}keywords[{k + 1}].variants",
                                kwhere + ("variants",))
            keywords.append(KeywordGroup(
                term=group["term"].strip(), variants=variants,
                weight=float(group.get("weight", 1.0)),
                case_sensitive=bool(group.get("case_sensitive", False)),
                line=self.lines.find(kwhere + ("term",))))
        points = []
        for p, point in enumerate(table["points"]):
            self.check(point, _POINT, f"{prefix}points[{p + 1}].", where + (("points", p),))
            points.append(ModelPoint(point_id=f"{dim_id}-{p + 1}",
                                     text=" ".join(point["text"].split()),
                                     weight=float(point.get("weight", 1.0)),
                                     line=self.lines.find(where + (("points", p), "text"))))
        title = table["title"].strip()
        forward = table.get("forward_looking")
        return Dimension(dimension_id=dim_id, title=title,
                         weight=float(table.get("weight", 1.0)),
                         advice=(table["advice"].strip() if "advice" in table
                                 else default_advice(title, keywords)),
                         keywords=tuple(keywords), points=tuple(points),
                         marks=float(table.get("marks", 0)),
                         forward_looking=(is_forward_looking(dim_id, title) if forward is None
                                          else bool(forward)),
                         line=self.lines.find(where + ("id",)))


def default_directive(question: str) -> str:
    """The directive of a rubric that gives none: the question's directive word, else
    `DIRECTIVE_FALLBACK`."""
    return detect_directive(question) or DIRECTIVE_FALLBACK


#: How many of a dimension's keyword terms the default advice names.
ADVICE_TERMS = 3


def default_advice(title: str, keywords) -> str:
    """The advice of a dimension whose rubric gives none: its title and its heaviest keyword
    terms that the title does not already say ("Cover Maritime security: name Malabar and
    maritime domain awareness.")."""
    said = set(title.lower().split())
    terms = [g.term for g in sorted(keywords, key=lambda g: -g.weight)
             if not set(g.term.lower().split()) <= said][:ADVICE_TERMS]
    named = (", ".join(terms[:-1]) + " and " + terms[-1]) if len(terms) > 1 else "".join(terms)
    return f"Cover {title.rstrip('.')}" + (f": name {named}." if named else ".")


class _LineIndex:
    """Maps a place in the TOML document, such as (("dimensions", 2), "weight"), to its line."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")

    def __init__(self, text: str):
        self.places: dict[tuple, int] = {}
        counts: dict[str, int] = {}
        context: tuple = ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                brackets, name = header.groups()
                parts = name.split(".")
                if brackets == "[[":
                    counts[name] = counts.get(name, -1) + 1
                    for child in [n for n in counts if n.startswith(name + ".")]:
                        del counts[child]
                context = tuple((p, counts.get(".".join(parts[:j + 1]), 0))
                                if ".".join(parts[:j + 1]) in counts else p
                                for j, p in enumerate(parts))
                self.places.setdefault(context, number)
                continue
            key = self._KEY.match(line)
            if key:
                self.places.setdefault(context + (key.group(1),), number)

    def find(self, where: tuple) -> int | None:
        while where:
            if where in self.places:
                return self.places[where]
            where = where[:-1]
        return None


def _is_kind(value, kind: str) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":          # finite: "inf" and "nan" are TOML numbers, not weights
        return (isinstance(value, (int, float)) and not isinstance(value, bool)
                and math.isfinite(value))
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "list[str]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "table":
        return isinstance(value, dict)
    if kind == "tables":
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    raise AssertionError(kind)


def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a section"
    if isinstance(value, list):
        return "a list"
    return repr(value)


_FORWARD_TITLE = re.compile(r"\b(?:way[- ]forward|the road ahead|recommendations?|"
                            r"suggestions|measures needed|what (?:should|must) be done|"
                            r"(?:justified |proposed |your )?course of action|"
                            r"(?:suggested|needed|required|proposed|systemic) reforms|"
                            r"reforms (?:needed|required|suggested|to prevent))\b",
                            re.IGNORECASE)


def is_forward_looking(dimension_id: str, title: str) -> bool:
    """A way-forward dimension, by its id or title, unless the rubric says otherwise with
    `forward_looking`: only recommendations and forward-looking sentences credit it."""
    return bool(_FORWARD_TITLE.search(dimension_id.replace("-", " ")) or
                _FORWARD_TITLE.search(title))


def find_rubrics(folder: Path | str) -> list[Path]:
    """The rubric files in a folder, sorted by name."""
    return sorted(Path(folder).glob("*.toml"))
