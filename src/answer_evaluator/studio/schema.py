"""What the JSON API takes, declared field by field, and the one function that checks a body
against a declaration: every way a body can be wrong is a `BadRequest` with one line that says
what is wrong (400 for a body that is not JSON, 422 for a field), never an exception from
deeper in the studio. `whole_number` reads the numbers forms and headers send.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

#: integers with more digits are read as floats (Python refuses ints of over 4,300 digits;
#: a float of that size is infinite, and a number field refuses it as not finite)
_INT_DIGITS = 30
_WHOLE = re.compile(r"\s*([0-9]+)\s*")   #: a form field or header that is a whole number


class BadRequest(Exception):
    """A request body the API does not take; `status` is 400 or 422."""

    def __init__(self, problem: str, status: int = 422):
        super().__init__(problem)
        self.problem = problem
        self.status = status


@dataclass(frozen=True)
class Field:
    """One field of a JSON object: "string" or "number", required or not (null or absent
    then means None), and for numbers the least value allowed."""

    name: str
    kind: str
    required: bool = False
    minimum: float | None = None

    def check(self, value, usage: str):
        """`value` if it fits this field, else BadRequest saying why."""
        if value is None:
            if self.required:
                raise BadRequest(f"{self.name} is missing; {usage}")
            return None
        if self.kind == "string":
            return self._string(value, usage)
        return self._number(value)

    def _string(self, value, usage: str) -> str:
        if not isinstance(value, str):
            raise BadRequest(f"{self.name} must be a string; {usage}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BadRequest(f"{self.name} is not valid Unicode: a lone surrogate "
                             f"(\\u{ord(value[exc.start]):04x}) at character {exc.start}; "
                             "send text as UTF-8") from None
        return value

    def _number(self, value) -> float | int:
        lowest = "" if self.minimum is None else f", {self.minimum:g} or more"
        wanted = f"{self.name} must be a finite number{lowest}"
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value) or self.minimum is not None and value < self.minimum:
            raise BadRequest(f"{wanted}, not {_shown(value)}")
        return value


@dataclass(frozen=True)
class Body:
    """A JSON object of `fields`; `usage` shows a caller what to send."""

    fields: tuple[Field, ...]
    usage: str

    def parse(self, raw: bytes) -> dict:
        """{field name: value or None}, or BadRequest (fields not declared are ignored)."""
        try:
            data = json.loads(raw, parse_int=_integer)
        except RecursionError:
            raise BadRequest(f"the body nests too deeply to be read; {self.usage}",
                             400) from None
        except ValueError as exc:      # UnicodeDecodeError included
            raise BadRequest(f"the body is not JSON ({_reason(exc)}); {self.usage}",
                             400) from None
        if not isinstance(data, dict):
            raise BadRequest(f"the body must be a JSON object; {self.usage}")
        return {f.name: f.check(data.get(f.name), self.usage) for f in self.fields}


#: POST /api/attempts
ATTEMPT = Body(
    (Field("question", "string", required=True), Field("text", "string", required=True),
     Field("seconds", "number", minimum=0)),
    'send {"question": ID, "text": "...", "seconds": N}: question and text are strings, '
    "seconds a number of seconds, 0 or more (optional)")


def is_unicode(text: str) -> bool:
    """False for text with a lone surrogate, which cannot be stored nor sent as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def whole_number(value) -> int | float | None:
    """A string of ASCII digits (a form field, a header) as a number, infinite when it is
    longer than Python reads; None for anything else ("", "-1", "1.5", "\u00b2")."""
    match = _WHOLE.fullmatch(value) if isinstance(value, str) else None
    return None if match is None else _integer(match.group(1))


def _integer(digits: str) -> int | float:
    return int(digits) if len(digits) <= _INT_DIGITS else float(digits)


def _shown(value) -> str:
    if isinstance(value, float) and math.isinf(value):
        return "Infinity (or a number too large to read)"
    return json.dumps(value)[:40]


def _reason(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at character {exc.pos}"
    return str(exc).split(":")[0][:80]
