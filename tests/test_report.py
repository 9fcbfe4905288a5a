"""The HTML report: escaped, self-contained, never overwritten silently, and checked in Chromium."""

import os
import re

import pytest

from answer_evaluator import answer_from_text, render_report
from answer_evaluator.models import Coverage
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
    assert page.count("#breakdown li.dim") == len(evaluation.dimensions)
    assert not screenshot_is_blank(page.screenshot)
    overflow = page.page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width + 1, "the page must fit the screen without sideways scrolling"

    evil = tmp_path / "evil.html"
    evil.write_text(evil_html, encoding="utf-8")
    page = browser.open(evil, width=width)
    assert page.errors == []                                    # no alert dialog, no errors
    page.page.locator("#answer > summary").click()              # unfold the annotated answer
    assert "<script>alert('xss')</script>" in page.text(".answer")
    assert page.count(".answer script, .answer img, .answer b") == 0


# ----------------------------------------------------------------------------- the breakdown

#: the samples whose breakdowns are checked: honest, keywords, off the question, too long
BREAKDOWN_SAMPLES = ("strong", "keyword-list", "off-topic", "over-length", "average",
                     "too-short", "repeated", "question-copied")
PART = re.compile(r'<span class="part" data-tenths="(-?\d+)">([+\u2212])(\d+\.\d)</span>')


def shown_parts(html: str) -> list[float]:
    """The signed figures of the breakdown as the reader sees them."""
    parts = []
    for tenths, sign, number in PART.findall(html):
        value = float(number) * (-1 if sign == "\u2212" else 1)
        assert round(value * 10) == int(tenths)                 # the attribute says the same
        parts.append(value)
    return parts


@pytest.mark.parametrize("name", BREAKDOWN_SAMPLES)
def test_the_breakdown_adds_up_to_the_marks_shown(sample_evaluations, name):
    evaluation = sample_evaluations[name]
    html = render_report(evaluation)
    breakdown = html[html.index('id="breakdown"'):html.index('id="suggestions"')]
    parts = shown_parts(breakdown)
    total = re.search(r'<span class="sum" data-tenths="-?\d+">([\d.]+)</span>', breakdown)
    headline = re.search(r'<h1 class="marks">([\d.]+) of (\d+) marks</h1>', html)
    assert total and headline
    assert float(total.group(1)) == float(headline.group(1)) == evaluation.marks
    assert int(headline.group(2)) == evaluation.max_marks
    assert round(sum(parts), 6) == evaluation.marks, (name, parts)
    # one figure a dimension, then the components, deductions and caps that are not 0.0
    b = evaluation.breakdown
    assert breakdown.count('<li class="dim ') == len(b.dimensions) == len(evaluation.dimensions)
    true = [d.marks for d in b.dimensions] + [line.marks for line in b.lines
                                              if round(line.marks, 6) != 0]
    assert len(parts) <= len(true)
    dims = parts[:len(b.dimensions)]
    of = [float(x) for x in re.findall(r'<span class="of">of ([\d.]+)</span></span><span '
                                       r'class="state', breakdown)]
    assert len(of) == len(b.dimensions)
    for shown, available, d in zip(dims, of, b.dimensions):
        assert abs(shown - d.marks) <= 0.1 + 1e-9                # honest to a tenth
        assert abs(available - d.available) <= 0.1 + 1e-9
        if abs(d.marks - d.available) < 1e-9:                    # all it can: "1.7 of 1.7"
            assert shown == available, d.title
    for line in b.lines:
        if abs(line.marks) >= 0.1 and line.code != "rounding":
            assert line.label.replace("'", "&#39;") in breakdown, line
    if b.strictness < 1:
        assert re.search(r"examiner gives even a model answer about \d+% of the maximum",
                         breakdown, re.I)
    # each dimension's marks of what it can earn; the counts agree with the rows
    assert breakdown.count('<span class="of">of ') == len(b.dimensions) + 1
    tally = dict((word, int(n)) for n, word in re.findall(
        r"(\d+) (covered|partly|touched|missing)", re.search(
            r'<p class="tally">([^<]*)</p>', html).group(1)))
    rows = {word: breakdown.count(f'<li class="dim {state}">') for word, state in (
        ("covered", "covered"), ("partly", "partly"), ("touched", "missing touched"),
        ("missing", "missing"))}
    assert {word: n for word, n in rows.items() if n} == tally
    touched = sum(d.touched for d in evaluation.dimensions)
    assert [rows["covered"], rows["partly"], rows["touched"] + rows["missing"]] == [
        sum(d.state is s for d in evaluation.dimensions) for s in Coverage]
    assert rows["touched"] == touched


def test_shown_figures_round_to_tenths_that_keep_the_sum():
    from answer_evaluator.report import _apportion

    assert _apportion([0.577, 1.137, -4.766, 1.5, -0.175, 10.227], 85) == [6, 12, -48, 15, -2, 102]
    assert _apportion([0.34, 0.33, 0.33], 10) == [4, 3, 3]
    assert _apportion([1 / 3] * 3, 10) == [4, 3, 3]
    assert sum(_apportion([-0.04, -0.04, -0.04], -1)) == -1
    assert _apportion([], 0) == [] and _apportion([0.1, 0.1], 10) == [5, 5]


def test_the_breakdown_speaks_in_words(sample_evaluations):
    for name in BREAKDOWN_SAMPLES:
        html = render_report(sample_evaluations[name])
        assert "How these marks were computed" not in html
        text = re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<style>.*?</style>", "", html))
        assert not re.search(r"\b(quality|similarity|strictness|fluency|factor)\b\W*\d", text,
                             re.I), name
        assert not re.search(r"\d\.\d\d", text), name            # no raw fractions
        assert not re.search(r"\(\d+%\)", text) or "Over the limit" in text, name


@pytest.mark.parametrize("marking, note", [
    ("", "the best 2 of 2 earn the marks"),
    ('[marking]\nscheme = "count"\nfull_marks_at = 1', "any 1 of 2 made earn full marks"),
    ('[marking]\nscheme = "bands"\nbands = [{ made = 2, marks = 2 }, { made = 1, marks = 1 }]',
     "the marks follow how many are made"),
    ('[marking]\nscheme = "weights"', None),
])
def test_the_tally_says_how_many_dimensions_earn_the_marks(marking, note):
    from test_marking import ONE, grade, rubric

    html = render_report(grade(rubric(marking), ONE))
    tally = re.search(r'<p class="tally">([^<]*)</p>', html).group(1)
    assert tally.startswith("Dimensions: ")
    if note is None:
        assert re.search(r"(covered|partly|touched|missing)$", tally)
    else:
        assert re.search(r"(covered|partly|touched|missing) · " + re.escape(note) + "$", tally)


def test_off_topic_warning_comes_before_any_advice(sample_evaluations):
    html = render_report(sample_evaluations["off-topic"])
    warning = html.index('<p class="alert off-topic">')
    assert "Off the question" in html[warning:warning + 200]
    assert warning < html.index('id="breakdown"') < html.index('id="suggestions"')
    advice = html[html.index('id="suggestions"'):]
    assert "Nothing large is missing" not in advice              # not polish: answer the question
    for name in BREAKDOWN_SAMPLES:                                # any off-topic warning, any answer
        html = render_report(sample_evaluations[name])
        if 'class="alert off-topic"' in html:
            assert html.index('class="alert off-topic"') < html.index('class="suggestions"'
                                                                      if 'class="suggestions"'
                                                                      in html else 'id="suggestions"')


def test_no_section_repeats_another(sample_evaluations):
    for name, evaluation in sample_evaluations.items():
        html = render_report(evaluation).replace("&#39;", "'").replace("&amp;", "&")
        for flag in evaluation.flags:
            assert html.count(flag.message.split(";")[0]) <= 1 + (flag.code == "off-topic"), (
                name, flag.code)
        for dimension in evaluation.dimensions:                  # its advice once at most
            assert html.count(dimension.advice) <= 1, (name, dimension.title)
        assert html.count(evaluation.length.verdict) <= 1, name


def test_english_plurals(sample_evaluations):
    from answer_evaluator.report import plural

    assert plural(1, "time") == "1 time" and plural(2, "time") == "2 times"
    assert plural(0, "sentence") == "0 sentences" and plural(1, "analysis", "analyses") == "1 analysis"
    for name, evaluation in sample_evaluations.items():
        text = re.sub(r"<[^>]+>", " ", render_report(evaluation))
        assert not re.search(r"\b1 (times|words|sentences|dimensions|points|keywords)\b", text), name


def test_highlights_never_split_a_word():
    from answer_evaluator.models import SentenceFeedback
    from answer_evaluator.report import segments

    sentence = SentenceFeedback(0, 0, "Keywords of Japan's investments grew.", "sentence", (),
                                ((0, 7), (12, 17), (20, 29), (22, 31)), ())
    assert segments(sentence) == [("Keywords", True), (" of ", False), ("Japan's", True),
                                  (" ", False), ("investments", True), (" grew.", False)]
    css = environment().get_template("_style.css.j2").render()
    assert "break-all" not in css and "anywhere" not in css and "word-break" not in css
    assert re.search(r"mark \{[^}]*padding: 0;", css)           # no gap beside a highlight


def test_highlights_cover_whole_words_in_every_sample(sample_evaluations):
    for name, evaluation in sample_evaluations.items():
        html = render_report(evaluation)
        assert not re.search(r"\w<mark>|</mark>\w", html), name


# ----------------------------------------------------------------------------- in a real browser


@pytest.mark.parametrize("name", ["strong", "keyword-list", "off-topic", "over-length", "average"])
def test_the_first_phone_screen_holds_marks_breakdown_and_advice(browser, tmp_path,
                                                                  sample_evaluations, name):
    evaluation = sample_evaluations[name]
    path = tmp_path / f"{name}.html"
    path.write_text(render_report(evaluation), encoding="utf-8")
    page = browser.open(path, width=390, height=844)
    assert page.errors == []
    assert page.page.evaluate("document.documentElement.scrollWidth") <= 391

    def bottom(selector):
        box = page.page.locator(selector).first.bounding_box()
        assert box is not None and box["height"] > 0, selector
        return box["y"] + box["height"]

    assert bottom("#marks") <= 844
    assert bottom("#breakdown") <= 844
    first = "#suggestions li" if evaluation.suggestions else "#suggestions p"
    assert bottom(first) <= 844
    if any(f.code == "off-topic" for f in evaluation.flags):
        assert bottom("#alerts .off-topic") <= page.page.locator(first).first.bounding_box()["y"]
    # the details follow, folded
    for section in ("#dimensions", "#answer", "#structure", "#directive"):
        assert page.page.locator(section).evaluate("d => d.tagName === 'DETAILS' && !d.open")
    # every word of the first screen whole: no line starts inside a word
    broken = page.page.evaluate("""() => {
        const out = [];
        for (const el of document.querySelectorAll('#breakdown li, #suggestions li, #alerts p')) {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            for (let node; (node = walker.nextNode());) {
                const range = document.createRange();
                for (let i = 1; i < node.length; i++) {
                    if (!/\\w/.test(node.data[i - 1]) || !/\\w/.test(node.data[i])) continue;
                    range.setStart(node, i - 1); range.setEnd(node, i);
                    const a = range.getBoundingClientRect();
                    range.setStart(node, i); range.setEnd(node, i + 1);
                    const b = range.getBoundingClientRect();
                    if (b.top > a.top + a.height / 2) out.push(node.data.slice(Math.max(0, i - 8), i + 8));
                }
            }
        }
        return out; }""")
    assert broken == []


def test_details_print_unfolded(browser, tmp_path, sample_evaluations):
    path = tmp_path / "average.html"
    path.write_text(render_report(sample_evaluations["average"]), encoding="utf-8")
    page = browser.open(path, width=800)
    page.page.emulate_media(media="print")
    for selector in ("#dimensions .dimension", ".answer", "#structure .checks",
                     "#directive .checks", "#suggestions details p"):
        box = page.page.locator(selector).first.bounding_box()
        assert box is not None and box["height"] > 0, selector


def test_a_missing_dimension_the_answer_touches_is_shown_as_only_touched(sample_evaluations):
    """A missing dimension with some of it in the answer (it can earn a little under the
    weights scheme) reads "only touched", with its points "touched" and the advice "Develop";
    one with nothing of it stays "missing". The JSON says which is which."""
    seen = {"touched": 0, "missing": 0}
    for name, evaluation in sample_evaluations.items():
        html = render_report(evaluation)
        data = evaluation.to_dict()
        for d, row in zip(evaluation.dimensions, data["dimensions"]):
            assert row["touched"] is d.touched
            block = re.search(rf'<div class="dimension ([a-z ]+)" id="dim-{d.dimension_id}"'
                              rf'.*?<h4><span class="state [a-z ]+">(\S) ([a-z ]+)</span>.*?'
                              rf'</ul>', html, re.S)
            assert block, (name, d.dimension_id)
            if d.state is not Coverage.MISSING:
                assert not d.touched and block.group(3) == d.state.value
                continue
            assert d.touched == (d.score > 0)
            kind = "touched" if d.touched else "missing"
            seen[kind] += 1
            assert block.group(1) == ("missing touched" if d.touched else "missing")
            assert (block.group(2), block.group(3)) == (
                ("◔", "only touched") if d.touched else ("✗", "missing")), (name, d.title)
            if d.touched:        # what of it is in the answer is shown, in the same words
                assert "Partly made" not in block.group(0)
                assert re.search(r'<span class="made">(Touched|Made)</span>', block.group(0)
                                 ), (name, d.title)
            verbs = [s.text.split(" '")[0] for s in evaluation.suggestions
                     if s.text.split(": ")[0].endswith(f"'{d.title}'")]
            assert all(v == ("Develop" if d.touched else "Add") for v in verbs), (name, verbs)
    assert seen["touched"] and seen["missing"]        # the samples show both kinds


def test_full_marks_say_so_instead_of_asking_for_polish():
    from test_marking import BOTH, ONE, grade, rubric

    short = rubric()                                      # two key elements, two marks
    full = render_report(grade(short, BOTH))
    advice = full[full.index('id="suggestions"'):]
    assert "Full marks: the answer makes what the marking asks for." in advice
    assert "polish" not in advice
    partial = render_report(grade(short, ONE))
    assert "Full marks" not in partial[partial.index('id="suggestions"'):]
