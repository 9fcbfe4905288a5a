"""The HTML report: escaped, self-contained, never overwritten silently, and checked in Chromium."""

import os
import re

import pytest

from answer_evaluator import answer_from_text, render_report
from answer_evaluator.report import environment, write_new
from conftest import screenshot_is_blank

EVIL = ("India and Japan upgraded ties in 2014 under Modi and Abe. <script>alert('xss')</script> "
        "Japan funds the Delhi Metro & the bullet train. <img src=x onerror=alert(1)> "
        "The Quad and the 2+2 dialogue deepen defence ties with Japan. </p><b>bold</b>")


@pytest.fixture(scope="module")
def evil_html(india_japan_evaluator):
    return render_report(india_japan_evaluator.evaluate(answer_from_text(EVIL, name="<evil>")))


def test_autoescape_is_on_for_j2_templates():
    assert environment().autoescape is True or environment().autoescape("x.html.j2")


def test_templates_from_the_compiled_cache_escape_and_render_alike(india_japan_evaluator,
                                                                    evil_html, tmp_path,
                                                                    monkeypatch):
    from jinja2 import Environment

    from answer_evaluator import report

    first, second = report.environment.__wrapped__(), report.environment.__wrapped__()
    cache = first.bytecode_cache
    assert cache is not None
    first.get_template("answer.html.j2")                         # compiles and saves
    loaded = []
    original = type(second.bytecode_cache).load_bytecode

    def spy(self, bucket):
        original(self, bucket)
        loaded.append(bucket.code is not None)

    monkeypatch.setattr(type(second.bytecode_cache), "load_bytecode", spy)
    monkeypatch.setattr(report, "environment", lambda: second)
    html = render_report(india_japan_evaluator.evaluate(answer_from_text(EVIL, name="<evil>")))
    assert loaded and all(loaded)                                # came from the cache
    assert html == evil_html and "<script>" not in html          # escaped all the same
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    env = Environment(loader=first.loader, autoescape=True,      # even root cannot write here
                      bytecode_cache=type(cache)(str(not_a_folder)))
    env.filters.update(first.filters)
    assert "&lt;b&gt;" in env.from_string("{{ x }}").render(x="<b>")
    assert env.get_template("_overview_rows.html.j2") is not None   # never an error


def test_answer_text_cannot_inject_markup(evil_html):
    assert "<script>" not in evil_html and "<img" not in evil_html and "<b>bold" not in evil_html
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in evil_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in evil_html
    assert "&lt;evil&gt;" in evil_html


def test_report_is_self_contained(evil_html):
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", evil_html)
    assert "<link" not in evil_html and "@import" not in evil_html
    assert "<style>" in evil_html and "<svg" in evil_html
    assert "<script" not in evil_html                          # readable without JavaScript
    assert 'name="viewport"' in evil_html and "@media print" in evil_html


def test_report_shows_what_a_candidate_needs(sample_evaluations):
    html = render_report(sample_evaluations["average"])
    evaluation = sample_evaluations["average"]
    assert evaluation.question in html.replace("&#39;", "'")
    assert f"{evaluation.marks:g}" in html and "/ 250 words" in html
    for dimension in evaluation.dimensions:
        assert dimension.title.replace("&", "&amp;") in html
    assert "serves no dimension" in html or all(s.dimension_ids for s in evaluation.sentences)
    assert "What would gain the most marks" in html
    assert "Directive: Elaborate" in html


def test_write_new_never_overwrites_silently(tmp_path):
    target = tmp_path / "reports" / "a.html"
    assert write_new(target, "one") == target
    second = write_new(target, "two")
    assert second.name == "a-2.html" and target.read_text() == "one"
    assert write_new(target, "three").name == "a-3.html"
    assert write_new(target, "forced", force=True) == target and target.read_text() == "forced"
    assert not list(target.parent.glob(".*.part"))             # no temporary files left
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask      # as open() would make it
    assert write_new(target, "x", suffix=False) is None
    assert not list(target.parent.glob(".*.part"))


def test_write_new_leaves_nothing_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "a.html"

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        write_new(target, "text", force=True)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("width", [1200, 375])
def test_report_renders_in_chromium(browser, tmp_path, sample_evaluations, evil_html, width):
    evaluation = sample_evaluations["average"]
    path = tmp_path / "average.html"
    path.write_text(render_report(evaluation), encoding="utf-8")
    page = browser.open(path, width=width)
    assert page.errors == []
    assert page.count("#dimensions tbody tr") == len(evaluation.dimensions)
    assert not screenshot_is_blank(page.screenshot)
    overflow = page.page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width + 1, "the page must fit the screen without sideways scrolling"

    evil = tmp_path / "evil.html"
    evil.write_text(evil_html, encoding="utf-8")
    page = browser.open(evil, width=width)
    assert page.errors == []                                    # no alert dialog, no errors
    assert "<script>alert('xss')</script>" in page.text(".answer")
    assert page.count(".answer script, .answer img, .answer b") == 0
