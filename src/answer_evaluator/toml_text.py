"""TOML text read into data, with a file nested too deeply refused as a syntax error.

Python's tomllib recurses once per level of nesting: a small file of six hundred "[" would
end in RecursionError, which no caller expects, instead of the `TOMLDecodeError` every caller
turns into a one-line message naming the file.
"""

from __future__ import annotations

import tomllib

TOMLDecodeError = tomllib.TOMLDecodeError


def loads(text: str) -> dict:
    """`tomllib.loads`, raising `TOMLDecodeError` for nesting too deep to read."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise TOMLDecodeError("arrays or tables are nested too deeply to read") from None
