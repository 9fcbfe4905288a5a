"""Read an answer file into clean text, or fail with a message that names the file."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .errors import AnswerReadError
from .models import Answer

MAX_ANSWER_BYTES = 1_000_000   #: ~150,000 words; a real answer is 1-4 KB
_CONTROL = {c for c in range(32) if c not in (9, 10, 12, 13)}
_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": " - ", "\u2212": "-", "\u2011": "-", "\u2010": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ",
    "\u2022": "-", "\u25cf": "-", "\u25aa": "-", "\u2023": "-", "\u2043": "-", "\u00b7": "-",
    "\u2026": "...", "\t": " ",
})
_DROP_CONTROL = dict.fromkeys(_CONTROL)
#: Invisible characters dropped: zero-width spaces and joiners, the soft hyphen, and the
#: bidirectional controls (embeddings, overrides, isolates), with which a text can show its
#: words in another order than the one read and graded.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"
                        "\u202a-\u202e\u2066-\u2069]")
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


def read_answer(path: Path | str) -> Answer:
    """Read and normalise the answer at `path`; raise AnswerReadError naming the file."""
    path = Path(path)
    if not path.exists():
        if path.is_symlink():
            raise AnswerReadError(path, "is a broken link (its target does not exist)")
        raise AnswerReadError(path, "no such file")
    if path.is_dir():
        raise AnswerReadError(path, "is a folder, not an answer file")
    from . import documents

    if documents.handles(path):   # .docx, .pdf (and clear errors for .doc, .odt, ...)
        text, kind, warnings = documents.extract_text(path)
        return answer_from_text(text, name=path.stem, path=path, encoding=kind,
                                warnings=warnings)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            data = handle.read(MAX_ANSWER_BYTES + 1)
    except OSError as exc:
        raise AnswerReadError(path, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_ANSWER_BYTES:
        raise AnswerReadError(
            path, f"is {_size(size)}; an answer may be at most {_size(MAX_ANSWER_BYTES)} "
                  "(a 250-word answer is about 2 KB)")
    text, encoding, warnings = decode(data, path)
    return answer_from_text(text, name=path.stem, path=path, encoding=encoding,
                            warnings=warnings)


def answer_from_text(text: str, *, name: str = "answer", path: Path | None = None,
                     encoding: str = "utf-8", warnings: tuple[str, ...] = ()) -> Answer:
    """Normalise text given directly (library use) and check it is gradable English."""
    clean = normalise(text)
    if not clean.strip():
        raise AnswerReadError(path or name, "is empty: there is no answer text to grade")
    warnings = tuple(warnings) + _language_warnings(clean, path or name)
    if _MARKUP.search(clean):
        warnings += (f"{path or name}: contains HTML-like markup; it is graded and shown as "
                     "plain text",)
    return Answer(name=name, text=clean, path=path, encoding=encoding, warnings=warnings)


def decode(data: bytes, path: Path | None = None) -> tuple[str, str, tuple[str, ...]]:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", ()
        except UnicodeDecodeError:
            raise AnswerReadError(path, "starts like UTF-16 text but cannot be decoded") from None
    if _looks_binary(data):
        raise AnswerReadError(path, "looks like a binary file, not text "
                                    "(save the answer as plain .txt)")
    try:
        return data.decode("utf-8-sig"), "utf-8", ()
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise AnswerReadError(
            path, f"is not valid UTF-8 (first bad byte at offset {first_bad}) "
                  "nor Windows-1252 text; save it as UTF-8") from None
    return text, "windows-1252", (
        f"{path}: not UTF-8 (byte {first_bad}); read as Windows-1252, as saved by Word",)


def normalise(text: str) -> str:
    """Unicode NFKC, straight quotes, plain dashes and bullets, '\\n' line ends."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).translate(_QUOTES)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_DROP_CONTROL)
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    if not sample:
        return False
    control = sum(1 for b in sample if b in _CONTROL)
    return control / len(sample) > 0.05


_LETTERS = re.compile(r"[^\W\d_]")
_NON_ASCII_LETTERS = re.compile(r"[^\W\d_A-Za-z]")


def _language_warnings(text: str, where) -> tuple[str, ...]:
    letters = _LETTERS.findall(text)
    if not letters:
        raise AnswerReadError(where, "has no words to grade (only numbers or symbols)")
    others = _NON_ASCII_LETTERS.findall(text)      # only these need their Unicode names
    latin = len(letters) - len(others) + sum(1 for ch in others
                                             if "LATIN" in unicodedata.name(ch, ""))
    share = latin / len(letters)
    if share < 0.5:
        script = _main_script(letters)
        raise AnswerReadError(
            where, f"is not in English (mostly {script} script); the rubrics grade English "
                   "answers only")
    if share < 0.95:
        return (f"{where}: {100 - share * 100:.0f}% of the letters are not Latin; "
                "only the English text is graded",)
    _check_english_words(text, where)
    return ()


#: Very common words of languages written in Latin letters that candidates might use instead
#: of English; an answer where they outnumber English function words is not graded.
_FOREIGN_WORDS = {
    "French": frozenset("le la les des du une est et dans pour qui que avec sur pas sont ce cette "
                        "aux au ont été leur".split()),
    "Spanish": frozenset("el los las del una es y en por con para que se su sus al como más "
                         "fue son este esta".split()),
    "German": frozenset("der die das und ist nicht mit den dem ein eine zu von auf für sich "
                        "auch wird sind".split()),
    "Hindi (in Latin letters)": frozenset("hai hain ka ki ke aur se mein ko bhi yeh woh tha "
                                          "thi kya nahi liye apne".split()),
}
_ENGLISH_WORDS = frozenset("""the of and to in is are was were for on with as by that this it
be has have from which an its their or not also between both""".split())


def _check_english_words(text: str, where) -> None:
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 8:
        return
    english = sum(1 for w in words if w in _ENGLISH_WORDS)
    language, count = max(((name, sum(1 for w in words if w in vocabulary))
                           for name, vocabulary in _FOREIGN_WORDS.items()), key=lambda x: x[1])
    if count >= max(3, 0.08 * len(words)) and count > 2 * english:
        raise AnswerReadError(where, f"is not in English (it looks like {language}); the "
                                     "rubrics grade English answers only")


def _main_script(letters) -> str:
    counts: dict[str, int] = {}
    for ch in letters:
        if not ch.isascii():
            script = unicodedata.name(ch, "UNKNOWN").split(" ")[0].title()
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.get) if counts else "non-Latin"


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.1f} KB"
