"""`evaluate rubric show`: a self-contained page a teacher or candidate can read, in Chromium."""

from __future__ import annotations

import re

import pytest

from conftest import INDIA_JAPAN, screenshot_is_blank, run_cli, DATA


@pytest.fixture(scope="module")
def india_japan_page(tmp_path_factory):
    from answer_evaluator.commands.rubric import render_rubric
    from answer_evaluator.rubric import load_rubric

    path = tmp_path_factory.mktemp("show") / "rubric-india-japan.html"
    path.write_text(render_rubric(load_rubric(INDIA_JAPAN)), "utf-8")
    return path


def test_page_shows_every_part_of_the_rubric(india_japan_page, india_japan):
    from markupsafe import escape

    html = india_japan_page.read_text("utf-8")
    assert "<script" not in html.lower()
    assert "http://" not in html and "https://" not in html      # self-contained
    for dim in india_japan.dimensions:
        assert str(escape(dim.title)) in html
        for group in dim.keywords:
            assert str(escape(group.term)) in html
        for point in dim.points:
            assert str(escape(point.text)) in html
    assert "Free and Open Indo-Pacific" in html                  # a variant
    assert "Develop the statement in detail" in html             # what the directive asks
    assert str(escape(india_japan.introduction.hints[0])) in html
    assert str(escape(india_japan.conclusion.hints[0])) in html


def test_page_shows_the_subjects_other_names():
    from answer_evaluator.commands.rubric import render_rubric
    from answer_evaluator.rubric import load_rubric

    html = render_rubric(load_rubric(INDIA_JAPAN.parent / "harappan-architecture.toml"))
    assert "the subject also named <strong>Indus Valley, Indus, Harappa</strong>" in html


def test_page_says_how_the_marks_are_earned(india_japan_page):
    """The declared scheme in words a teacher checks: UPSC weights with the strictness and the
    word limit's role, and for a short answer its bands and what it requires."""
    from answer_evaluator.commands.rubric import render_rubric
    from test_marking import rubric as two_elements

    html = india_japan_page.read_text("utf-8")
    assert "How the marks are earned" in html
    assert "Content earns 80% of the marks" in html
    assert "even a model answer earns about 67% of the 15 marks" in html
    short = two_elements('[marking]\nscheme = "bands"\nword_limit = "none"\nbands = [{ made = 2, '
                         'marks = 2 }, { made = 1, marks = 1 }]\nrequired = [{ dimension = '
                         '"pollination" }]')
    page = render_rubric(short)
    assert "2 or more earn 2; 1 or more earn 1; fewer, 0." in page
    assert "The marking scheme gives no marks without &#39;Pollination&#39;." in page
    assert "The word limit costs nothing." in page
    assert "67%" not in page
    default = render_rubric(two_elements(""))           # no scheme: the short-answer default
    assert "No scheme declared, so marked as a short answer" in default
    assert "a covered one its full share" in default
    assert default.lower().count("word limit costs nothing") == 1   # said once
    assert "covering all 2 dimensions" in default                   # not "3 of the 2"
    assert "covering at least 3 of the 9 dimensions" in html


def test_renders_in_chromium(browser, india_japan_page, india_japan):
    for width in (1200, 390):                                    # desktop and phone
        check = browser.open(india_japan_page, width=width)
        assert check.errors == []
        assert check.count("#dimensions tbody tr") == len(india_japan.dimensions)
        assert check.count("section.dimension") == len(india_japan.dimensions)
        assert check.count("script") == 0
        assert not screenshot_is_blank(check.screenshot)
        assert "Security and defence cooperation" in check.text("#dimensions")


def test_print_layout_has_no_errors(browser, india_japan_page):
    check = browser.open(india_japan_page)
    check.page.emulate_media(media="print")
    assert check.page.locator("#dimensions").is_visible()
    assert check.errors == []


def test_markup_in_a_rubric_is_shown_as_text(browser, tmp_path, capsys):
    text = (DATA / "rubrics" / "valid.toml").read_text("utf-8")
    text = text.replace('id = "valid"', 'id = "markup"').replace(
        "created the GST Council under Article 279A.",
        "created the <script>alert('x')</script> <b>Council</b> under Article 279A.")
    rubric = tmp_path / "markup.toml"
    rubric.write_text(text, "utf-8")
    out = tmp_path / "markup.html"
    status, stdout, _ = run_cli(["rubric", "show", rubric, "-o", out], capsys)
    assert status == 0 and str(out) in stdout
    html = out.read_text("utf-8")
    assert "&lt;script&gt;alert(" in html and "<script>" not in html
    check = browser.open(out)
    assert check.errors == []                                    # no alert dialog either
    assert check.count("script") == 0 and check.count("main b") == 0
    assert "<script>alert('x')</script>" in check.text("section.dimension")


def test_show_never_overwrites_silently(tmp_path, capsys):
    out = tmp_path / "page.html"
    out.write_text("keep me", "utf-8")
    status, stdout, _ = run_cli(["rubric", "show", INDIA_JAPAN, "-o", out], capsys)
    assert status == 0
    assert out.read_text("utf-8") == "keep me"
    assert (tmp_path / "page-2.html").exists() and "page-2.html" in stdout
    status, _, _ = run_cli(["rubric", "show", INDIA_JAPAN, "-o", out, "--force"], capsys)
    assert status == 0 and out.read_text("utf-8") != "keep me"


def test_show_default_path_and_bad_rubric(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, stdout, _ = run_cli(["rubric", "show", INDIA_JAPAN], capsys)
    assert status == 0
    assert (tmp_path / "reports" / "rubric-india-japan-partnership.html").exists()
    status, _, err = run_cli(["rubric", "show", DATA / "rubrics" / "negative-weight.toml"],
                             capsys)
    assert status == 1 and re.search(r"line 11, field 'dimensions\[1\]\.weight'", err)
