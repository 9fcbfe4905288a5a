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
