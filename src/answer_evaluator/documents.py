"""Text out of Word (.docx) and PDF answer files, or an AnswerReadError that says why not.

`reading.read_answer` sends files here by their suffix; the text that comes back goes through
the same normalising and checks as a .txt answer. python-docx and pypdf are imported only
when such a file is read, so plain-text grading does not pay for them.

Paragraphs matter to the marks (the structure check looks for an introduction, a body and a
conclusion by paragraph), so both readers keep them: each Word paragraph becomes a paragraph
(list items stay together, one per line, as bullets), and PDF lines are joined back into the
paragraphs they were wrapped from.

Limits bound the work a small file can cause: the text stops being taken out once it passes
MAX_TEXT_CHARS, and each PDF page's content is measured (MAX_PDF_*) before its text is taken
out. Word styles are resolved once a file, not once a paragraph.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .errors import AnswerReadError

DOCUMENT_SUFFIXES = (".docx", ".pdf")
MAX_DOCUMENT_BYTES = 20_000_000      #: a .docx or .pdf file, pictures included
MAX_DOCX_XML_BYTES = 50_000_000      #: word/document.xml once unzipped (guards zip bombs)
MAX_PDF_PAGES = 100
#: A PDF's page content once uncompressed, all pages together (a page of typed text holds
#: 5-50 KB), and the operators in it that show text (a page of typed text has 50-3,000): pypdf
#: takes about 0.1 ms to extract each, more on a crowded page, so these bound a PDF to seconds.
MAX_PDF_CONTENT_BYTES = 20_000_000
MAX_PDF_TEXT_OPERATORS = 50_000
MAX_PDF_PAGE_TEXT_OPERATORS = 10_000
MAX_TEXT_CHARS = 1_000_000           #: the text taken out, as for a .txt answer

#: Formats people save answers in that this tool does not read, and what to do instead.
UNSUPPORTED = {
    ".doc": "an old Word .doc file",
    ".odt": "an OpenDocument .odt file",
    ".rtf": "a Rich Text .rtf file",
    ".pages": "an Apple Pages file",
}


def handles(path: Path) -> bool:
    """True when `path` is read here rather than as plain text."""
    suffix = path.suffix.lower()
    return suffix in DOCUMENT_SUFFIXES or suffix in UNSUPPORTED


def extract_text(path: Path | str) -> tuple[str, str, tuple[str, ...]]:
    """(text, format, warnings) of a .docx or .pdf file; raises AnswerReadError."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED:
        raise AnswerReadError(path, f"is {UNSUPPORTED[suffix]}; save the answer as .docx, "
                                    ".pdf or .txt")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AnswerReadError(path, f"cannot be read ({exc.strerror or exc})") from None
    if size > MAX_DOCUMENT_BYTES:
        raise AnswerReadError(path, f"is {size / 1_000_000:.1f} MB; a {suffix} answer may be "
                                    f"at most {MAX_DOCUMENT_BYTES // 1_000_000} MB")
    if size == 0:
        raise AnswerReadError(path, "is empty: there is no answer text to grade")
    if suffix == ".docx":
        text, warnings = _docx_text(path)
    elif suffix == ".pdf":
        text, warnings = _pdf_text(path)
    else:
        raise AnswerReadError(path, f"'{suffix}' files are not read as documents")
    if len(text) > MAX_TEXT_CHARS:
        raise _too_much_text(path, f"{len(text):,}")
    return text, suffix[1:], warnings


def _too_much_text(path: Path, amount: str) -> AnswerReadError:
    return AnswerReadError(path, f"holds {amount} characters of text; an answer may hold at "
                                 f"most {MAX_TEXT_CHARS:,}")


# ----------------------------------------------------------------------------- Word


def _docx_text(path: Path) -> tuple[str, tuple[str, ...]]:
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("word/document.xml")
    except zipfile.BadZipFile:
        raise AnswerReadError(path, "is not a valid .docx file (it is not a Word zip "
                                    "package; was it renamed from another format?)") from None
    except KeyError:
        raise AnswerReadError(path, "is not a valid .docx file (it has no "
                                    "word/document.xml)") from None
    except OSError as exc:
        raise AnswerReadError(path, f"cannot be read ({exc.strerror or exc})") from None
    if info.file_size > MAX_DOCX_XML_BYTES:
        raise AnswerReadError(path, "holds too much text to be one answer "
                                    f"({info.file_size / 1_000_000:.0f} MB of XML)")
    try:
        import docx
    except ImportError:   # pragma: no cover - a dependency of the package
        raise AnswerReadError(path, "needs python-docx to be read "
                                    "(pip install python-docx)") from None
    try:
        document = docx.Document(str(path))
        return _docx_join(path, _docx_blocks(document)), ()
    except AnswerReadError:
        raise
    except Exception as exc:   # python-docx and lxml raise many kinds on a damaged file
        raise AnswerReadError(path, "cannot be read as a Word document "
                                    f"({type(exc).__name__}: {exc})") from None


def _docx_join(path: Path, blocks) -> str:
    """The blocks as paragraphs; stops with the text cap's error as soon as it is passed."""
    parts, size, previous = [], 0, ""
    for kind, line in blocks:
        if not parts:
            separator = ""
        elif kind == "item" and previous in ("item", "heading") or previous == "heading":
            separator = "\n"          # a list, or a heading and what it heads: one block
        else:
            separator = "\n\n"
        parts += (separator, line)
        size += len(separator) + len(line)
        if size > MAX_TEXT_CHARS:
            raise _too_much_text(path, f"more than {MAX_TEXT_CHARS:,}")
        previous = kind
    return "".join(parts)


def _docx_blocks(document):
    """(kind, text) per non-empty paragraph, list item or table row, in reading order."""
    from docx.table import Table

    style_names = _paragraph_style_names(document)
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = []
                for cell in row.cells:        # merged cells repeat: keep each once
                    text = " ".join(cell.text.split())
                    if text and (not cells or cells[-1] != text):
                        cells.append(text)
                if cells:
                    yield "row", " | ".join(cells)
            continue
        text = block.text.strip()
        if not text:
            continue
        style = style_names.get(block._p.style, style_names[None])
        if _is_list_item(block, style) and not re.match(r"^[-*\u2022]\s", text):
            yield "item", "- " + text
        elif style.startswith(("Heading", "Title")) or (
                len(text.split()) <= 8 and not text.endswith(_ENDS)):
            yield "heading", text
        else:
            yield "paragraph", text


def _paragraph_style_names(document) -> dict:
    """Style id -> the name `paragraph.style.name` gives, read once from the styles part
    (python-docx searches the styles' XML on each `paragraph.style`). None, an unknown id and
    another type's style mean the default paragraph style, as they do to python-docx."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.styles import BabelFish

    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    names = {None: getattr(default, "name", "") or ""}
    for element in document.styles.element.style_lst:   # the first of an id is the one used
        if element.styleId and element.styleId not in names:
            names[element.styleId] = (BabelFish.internal2ui(element.name_val or "")
                                      if element.type == WD_STYLE_TYPE.PARAGRAPH
                                      else names[None])
    return names


def _is_list_item(paragraph, style: str) -> bool:
    properties = paragraph._p.pPr
    if properties is not None and properties.numPr is not None:
        return True
    return style.startswith("List")


# ----------------------------------------------------------------------------- PDF


def _pdf_text(path: Path) -> tuple[str, tuple[str, ...]]:
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise AnswerReadError(path, f"cannot be read ({exc.strerror or exc})") from None
    if b"%PDF-" not in head:
        raise AnswerReadError(path, "is not a valid PDF file (no %PDF header; was it renamed "
                                    "from another format?)")
    try:
        import pypdf
    except ImportError:   # pragma: no cover - a dependency of the package
        raise AnswerReadError(path, "needs pypdf to be read (pip install pypdf)") from None
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)   # no warnings about odd but readable files
    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:
                opened = 0
            if not opened:
                raise AnswerReadError(path, "is password-protected; save it again without a "
                                            "password")
        pages = reader.pages
        count = len(pages)
    except AnswerReadError:
        raise
    except Exception as exc:
        raise AnswerReadError(path, "cannot be read as a PDF "
                                    f"({type(exc).__name__}: {exc})") from None
    if count == 0:
        raise AnswerReadError(path, "is a PDF without pages")
    if count > MAX_PDF_PAGES:
        raise AnswerReadError(path, f"has {count} pages; an answer may have at most "
                                    f"{MAX_PDF_PAGES}")
    texts, failed = _pdf_page_texts(path, pages)
    if failed == count:
        raise AnswerReadError(path, "cannot be read as a PDF: the text of no page could be "
                                    "taken out")
    text = "\n\n".join(texts)
    if not any(ch.isalpha() for ch in text):
        raise AnswerReadError(path, "has no text layer (a scanned or photographed page?): "
                                    "there is no text to grade; type the answer, or run OCR "
                                    "and save it as .docx or .txt")
    warnings = ()
    if failed:
        warnings = (f"{path}: the text of {failed} of {count} pages could not be taken out; "
                    "only the other pages are graded",)
    return text, warnings


def _pdf_page_texts(path: Path, pages) -> tuple[list[str], int]:
    """(the paragraphs of each page with text, how many pages could not be read). Each page's
    content is measured before its text is taken out, and reading stops with a clear error
    once a limit is passed, so that a small file cannot keep the extractor busy for minutes."""
    texts, failed, content, operators, chars = [], 0, 0, 0, 0
    for number, page in enumerate(pages, start=1):
        try:
            size, shown = _page_content(page)
            content, operators = content + size, operators + shown
            _check_pdf_work(path, number, content, shown, operators)
            text = _reflow(page.extract_text() or "")
        except AnswerReadError:
            raise
        except Exception:
            failed += 1
            continue
        if text:
            chars += len(text) + (2 if texts else 0)     # as joined by blank lines
            texts.append(text)
        if chars > MAX_TEXT_CHARS:
            raise _too_much_text(path, f"more than {MAX_TEXT_CHARS:,}")
    return texts, failed


def _page_content(page) -> tuple[int, int]:
    """(bytes, text-showing operators) of a page's content streams once uncompressed: what
    text extraction parses. The bytes are over MAX_PDF_CONTENT_BYTES when a stream passes
    pypdf's own limit (75 MB lately)."""
    import pypdf.errors
    from pypdf.generic import StreamObject

    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else []
    streams = [s.get_object() for s in (contents if isinstance(contents, list) else [contents])]
    try:
        data = [stream.get_data() for stream in streams if isinstance(stream, StreamObject)]
    except getattr(pypdf.errors, "LimitReachedError", ()):
        return MAX_PDF_CONTENT_BYTES + 1, 0
    return sum(map(len, data)), sum(d.count(op) for d in data for op in _TEXT_SHOWING)


#: the operators that show text; counted in the raw bytes, so a quote in the text counts too
_TEXT_SHOWING = (b"Tj", b"TJ", b"'", b'"')


def _check_pdf_work(path: Path, page: int, content: int, shown: int, operators: int) -> None:
    """AnswerReadError when the pages so far pass a limit of MAX_PDF_*."""
    instead = "save the answer as .docx or .txt"
    if content > MAX_PDF_CONTENT_BYTES:
        limit = MAX_PDF_CONTENT_BYTES // 1_000_000
        raise AnswerReadError(path, f"holds more than {limit} MB of page content once "
                                    f"uncompressed; a PDF answer may hold at most {limit} MB "
                                    f"(a page of typed text holds 5-50 KB): {instead}")
    if shown > MAX_PDF_PAGE_TEXT_OPERATORS:
        raise AnswerReadError(path, f"page {page} shows its text in {shown:,} pieces; a page "
                                    f"may have at most {MAX_PDF_PAGE_TEXT_OPERATORS:,} (a page "
                                    f"of typed text has a few hundred): {instead}")
    if operators > MAX_PDF_TEXT_OPERATORS:
        raise AnswerReadError(path, f"shows its text in more than {MAX_PDF_TEXT_OPERATORS:,} "
                                    "pieces; a PDF answer may have at most "
                                    f"{MAX_PDF_TEXT_OPERATORS:,} (a page of typed text has a "
                                    f"few hundred): {instead}")


_BULLET = re.compile(r"^(?:[-*\u2022\u25cf\u25aa]|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)])\s")
_ENDS = (".", "?", "!", ":", ";", '"', "'", ")", "\u201d", "\u2019")


def _reflow(page: str) -> str:
    """Join the lines a PDF wrapped back into the paragraphs they came from.

    A full-width line goes on on the next line. A clearly shorter line that ends a sentence
    ends its paragraph; a short line that does not (a heading) stays a line of its own.
    Bullets start a line of their own and stay together in one paragraph. Blank lines stay
    paragraph breaks."""
    lines = [" ".join(line.split()) for line in page.splitlines()]
    lengths = sorted(len(line) for line in lines if line)
    full = lengths[int(0.8 * (len(lengths) - 1))] if lengths else 0
    paragraphs: list[list[str]] = [[]]
    joining = False
    for i, line in enumerate(lines):
        current = paragraphs[-1]
        if not line:
            if current:
                paragraphs.append([])
            joining = False
            continue
        bullet = bool(_BULLET.match(line))
        if joining and current and not bullet:
            current[-1] = _join(current[-1], line)
        else:
            current.append(line)
        following = next((n for n in lines[i + 1:i + 2] if n), "")
        in_list = bool(_BULLET.match(current[-1])) and bool(_BULLET.match(following))
        if len(line) >= 0.8 * full:
            joining = True                         # a full line: the paragraph goes on
        elif line.endswith(_ENDS) and following and not in_list:
            paragraphs.append([])                  # a short last line ends the paragraph
            joining = False
        else:
            joining = False                        # a heading or a list item: own line
    return "\n\n".join("\n".join(p) for p in paragraphs if p)


def _join(first: str, second: str) -> str:
    if first.endswith("-") and first[-2:-1].isalpha() and second[:1].isalpha():
        return first + second                  # India-|Japan was broken at its hyphen
    return first + " " + second
