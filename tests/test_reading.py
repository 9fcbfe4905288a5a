"""Reading answer files: every kind of bad input gets a clear error naming the file."""

import pytest

from answer_evaluator.errors import AnswerReadError
from answer_evaluator.reading import MAX_ANSWER_BYTES, answer_from_text, read_answer

GOOD = "India and Japan have moved from aid and trade to a strategic partnership. " * 3


def test_reads_utf8_and_normalises_quotes_dashes_and_spaces(tmp_path):
    path = tmp_path / "answer.txt"
    path.write_text("\ufeff\u201cJapan\u2019s ODA\u201d \u2013 large.\r\n\r\n\r\nNext\u00a0para.",
                    encoding="utf-8")
    answer = read_answer(path)
    assert answer.text == "\"Japan's ODA\" - large.\n\nNext para."
    assert answer.name == "answer" and answer.warnings == ()


def test_invisible_and_bidirectional_controls_are_dropped():
    """Zero-width characters and the bidirectional controls (an override shows "napaJ" for
    "Japan") are taken out: the report shows the words in the order they are graded."""
    text = "India \u202eJapan\u202c and \u2067Quad\u2069 ties\u200b grow, \u200fsteadily."
    assert answer_from_text(text).text == "India Japan and Quad ties grow, steadily."


def test_windows_1252_falls_back_with_a_warning(tmp_path):
    path = tmp_path / "word.txt"
    path.write_bytes("Japan\u2019s \u201cODA\u201d helped the metro \u2013 a lot.".encode("cp1252"))
    answer = read_answer(path)
    assert answer.encoding == "windows-1252"
    assert "Japan's \"ODA\"" in answer.text
    assert any("Windows-1252" in w and "word.txt" in w for w in answer.warnings)


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes(GOOD.encode("utf-16"))
    assert read_answer(path).text.startswith("India and Japan")


@pytest.mark.parametrize("name, content, message", ids=lambda v: v if isinstance(v, str) and len(v) < 20 else "", argvalues=[
    ("empty.txt", b"", "is empty"),
    ("blank.txt", b"  \n\t\n   ", "is empty"),
    ("binary.bin", bytes(range(256)) * 10, "binary"),
    ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 50, "binary"),
    ("invalid.txt", b"Japan \x81\x8d\x8f\x90 aid \xc3\x28", "not valid UTF-8"),
    ("numbers.txt", b"1234 5678 90 -- ++ ==", "no words"),
    ("hindi.txt", ("\u092d\u093e\u0930\u0924 \u0914\u0930 \u091c\u093e\u092a\u093e\u0928 "
                   "\u0915\u0947 \u0938\u0902\u092c\u0902\u0927 \u092e\u091c\u092c\u0942\u0924 "
                   "\u0939\u0948\u0902\u0964 ").encode() * 20, r"not in English \(mostly Devanagari"),
])
def test_bad_files_fail_with_the_file_and_the_problem(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(AnswerReadError, match=message) as caught:
        read_answer(path)
    assert name in str(caught.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(AnswerReadError, match="nope.txt: no such file"):
        read_answer(tmp_path / "nope.txt")
    with pytest.raises(AnswerReadError, match="is a folder"):
        read_answer(tmp_path)


def test_a_broken_link_and_a_link_to_itself_say_so(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    for name in ("gone.txt", "loop.txt"):
        with pytest.raises(AnswerReadError, match=f"{name}: is a broken link"):
            read_answer(tmp_path / name)


def test_huge_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.write(GOOD.encode())
        handle.truncate(50 * 1000 * 1000)      # 50 MB, sparse
    with pytest.raises(AnswerReadError, match=r"huge.txt: is 50.0 MB; an answer may be at most"):
        read_answer(path)
    assert MAX_ANSWER_BYTES < 50_000_000


def test_markup_is_kept_as_text_with_a_warning():
    answer = answer_from_text(GOOD + "<script>alert('x')</script>", name="evil")
    assert "<script>alert('x')</script>" in answer.text
    assert any("markup" in w for w in answer.warnings)


def test_some_other_script_is_a_warning_not_an_error():
    answer = answer_from_text(GOOD + " \u091c\u093e\u092a\u093e\u0928" * 8)
    assert any("not Latin" in w for w in answer.warnings)


def test_another_language_in_latin_letters_is_refused():
    french = ("Le partenariat entre l'Inde et le Japon est passé d'une relation économique à une "
              "alliance stratégique. Les deux pays coopèrent dans la défense, le commerce et la "
              "technologie, et ils partagent une vision pour la région avec des exercices.")
    with pytest.raises(AnswerReadError, match=r"reponse.txt: is not in English \(it looks like French\)"):
        answer_from_text(french, name="reponse.txt")
    keywords_only = "Quad. FOIP. ODA. Delhi Metro. Bullet train. CEPA. SCRI. AAGC. " * 4
    assert answer_from_text(keywords_only).text      # few English words, but not another language
    short_german = ("Indien und Japan haben eine besondere strategische Partnerschaft, die sich "
                    "seit 2014 vertieft hat.")
    with pytest.raises(AnswerReadError, match=r"looks like German"):
        answer_from_text(short_german)
    short_english = "The die is cast: India and Japan are partners in the Quad since 2017."
    assert answer_from_text(short_english).text


# ----------------------------------------------------------------------------- Word and PDF


LONG = ("Japan's ODA has financed the Delhi Metro, the dedicated freight corridors and the "
        "bullet train between Mumbai and Ahmedabad.")


def _docx(path, paragraphs):
    """A Word file of (text, style id or None) paragraphs; the id is written as it is."""
    import docx

    document = docx.Document()
    for text, style in paragraphs:
        document.add_paragraph(text)._p.style = style
    document.save(str(path))


def _pdf(path, contents, pages=None):
    """A PDF of `pages` pages (one a content stream by default); page i draws
    contents[i % len(contents)], each stream Flate-compressed and drawn by every page that uses
    it, as a file made to be slow would share one."""
    import zlib

    pages = pages or len(contents)
    first_page = 4 + len(contents)
    kids = " ".join(f"{first_page + i} 0 R" for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for content in contents:
        packed = zlib.compress(content, 9)
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed)
                       + packed + b"\nendstream")
    for i in range(pages):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents "
                       f"{4 + i % len(contents)} 0 R /Resources << /Font << /F1 3 0 R >> >> "
                       ">>".encode())
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def _text_page(text: str) -> bytes:
    return f"BT /F1 10 Tf 40 750 Td ({text}) Tj ET".encode("latin-1")


def _counting(monkeypatch, owner, name: str) -> list:
    """Count the calls of `owner.name` (a method or a property), which still works."""
    calls = []
    original = getattr(owner, name)
    if isinstance(original, property):
        def counted(self):
            calls.append(1)
            return original.fget(self)
        monkeypatch.setattr(owner, name, property(counted, original.fset))
    else:
        def counted(*args, **kwargs):
            calls.append(1)
            return original(*args, **kwargs)
        monkeypatch.setattr(owner, name, counted)
    return calls


def test_word_styles_are_looked_up_once_a_file_not_once_a_paragraph(tmp_path, monkeypatch):
    from docx.oxml.styles import CT_Styles

    path = tmp_path / "styled.docx"
    _docx(path, [(LONG, "Heading1"), (LONG, None), (LONG, "ListBullet"),
                 (LONG, "NoSuchStyle"),       # an unknown id is the default style, as in Word
                 (LONG, "Heading1Char")]      # a character style's id: the default too
          + [(LONG, None)] * 40)
    searches = _counting(monkeypatch, CT_Styles, "get_by_id")
    defaults = _counting(monkeypatch, CT_Styles, "default_for")
    text = read_answer(path).text
    assert text.split("\n\n")[:4] == [f"{LONG}\n{LONG}", f"- {LONG}", LONG, LONG]
    assert len(searches) + len(defaults) <= 1          # not one a paragraph


def test_a_word_file_over_the_text_cap_stops_being_read_when_it_passes(tmp_path, monkeypatch):
    from docx.text.paragraph import Paragraph

    from answer_evaluator import documents

    monkeypatch.setattr(documents, "MAX_TEXT_CHARS", 2_000)
    path = tmp_path / "long.docx"
    _docx(path, [(LONG, None)] * 300)                   # 36,000 characters
    read = _counting(monkeypatch, Paragraph, "text")
    with pytest.raises(AnswerReadError, match=r"long.docx: holds .* characters of text; an "
                                              r"answer may hold at most 2,000"):
        read_answer(path)
    assert len(read) <= 2_000 // len(LONG) + 2


def test_a_pdf_whose_pages_share_a_huge_content_stream_is_refused_before_extraction(
        tmp_path, monkeypatch):
    import pypdf

    shows = b"BT /F1 10 Tf 50 750 Td " + b"(Japan ) Tj " * 12_000 + b" ET"
    path = tmp_path / "bomb.pdf"
    _pdf(path, [shows], pages=6)                        # 6 x 12,000 texts in a 2 KB file
    assert path.stat().st_size < 5_000
    extracted = _counting(monkeypatch, pypdf.PageObject, "extract_text")
    with pytest.raises(AnswerReadError) as caught:
        read_answer(path)
    assert str(caught.value) == (
        f"{path}: page 1 shows its text in 12,000 pieces; a page may have at most 10,000 (a "
        "page of typed text has a few hundred): save the answer as .docx or .txt")
    drawn = b"q Q " * 3_000_000                         # 12 MB that shows no text, twice
    path = tmp_path / "drawn.pdf"
    _pdf(path, [drawn], pages=2)
    with pytest.raises(AnswerReadError, match=r"drawn.pdf: holds more than 20 MB of page "
                                              r"content once uncompressed; a PDF answer may "
                                              r"hold at most 20 MB"):
        read_answer(path)
    assert len(extracted) == 1                          # page 1 only: with page 2 it is over


def test_the_text_operators_of_a_pdfs_pages_add_up_to_its_limit(tmp_path, monkeypatch):
    import pypdf

    from answer_evaluator import documents

    monkeypatch.setattr(documents, "MAX_PDF_TEXT_OPERATORS", 100)
    path = tmp_path / "pages.pdf"
    _pdf(path, [b"BT /F1 10 Tf 50 750 Td " + b"(Japan ) Tj " * 30 + b" ET"], pages=6)
    extracted = _counting(monkeypatch, pypdf.PageObject, "extract_text")
    with pytest.raises(AnswerReadError, match=r"pages.pdf: shows its text in more than 100 "
                                              r"pieces; a PDF answer may have at most 100"):
        read_answer(path)
    assert len(extracted) == 3                          # the 4th page would pass 100


def test_a_pdf_over_the_text_cap_stops_being_read_when_it_passes(tmp_path, monkeypatch):
    import pypdf

    from answer_evaluator import documents

    monkeypatch.setattr(documents, "MAX_TEXT_CHARS", 300)
    path = tmp_path / "many.pdf"
    _pdf(path, [_text_page(LONG)], pages=30)
    extracted = _counting(monkeypatch, pypdf.PageObject, "extract_text")
    with pytest.raises(AnswerReadError, match=r"many.pdf: holds .* characters of text; an "
                                              r"answer may hold at most 300"):
        read_answer(path)
    assert len(extracted) <= 300 // len(LONG) + 1
    monkeypatch.setattr(documents, "MAX_TEXT_CHARS", 1_000_000)
    assert read_answer(path).text == "\n\n".join([LONG] * 30)    # under the cap: every page
