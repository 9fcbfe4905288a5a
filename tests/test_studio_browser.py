"""The practice studio in real Chromium (Playwright): choose a question, type and watch the
count, submit, read the feedback, find the attempt in history and progress (one attempt,
then many); a reload or a fresh browser keeps the draft; a <script> answer stays text; CSRF
and the API token hold; screenshots at phone and desktop widths are not blank; no console
errors (a violation of the Content-Security-Policy would be one)."""

import re

import pytest
from playwright.sync_api import expect

from studio_support import QUESTION, LiveServer

from conftest import INDIA_JAPAN_SAMPLES, screenshot_is_blank

STRONG = (INDIA_JAPAN_SAMPLES / "strong.txt").read_text(encoding="utf-8")
AVERAGE = (INDIA_JAPAN_SAMPLES / "average.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("studio-browser"))
    yield live
    live.stop()


@pytest.fixture()
def session(browser, server):
    """A signed-in page and the console messages it logged."""
    sessions = []

    def open_session(width=1280, height=900):
        context = browser._browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        console = []
        page.on("console", lambda m: console.append((m.type, m.text)))
        page.on("pageerror", lambda e: console.append(("pageerror", str(e))))
        page.goto(f"{server.base}/?token={server.token}")
        sessions.append((context, console))
        return page, console

    yield open_session
    for context, console in sessions:
        context.close()
        errors = [text for kind, text in console if kind in ("error", "pageerror")]
        assert errors == [], errors


def _count(page) -> int:
    return int(page.locator("#words").inner_text())


def test_write_submit_feedback_history_and_progress(session, server, browser, tmp_path):
    page, _ = session()
    assert page.url == f"{server.base}/"                       # the token left the URL
    page.click(f'a[href="/questions/{QUESTION}"]')
    page.wait_for_url(f"**/questions/{QUESTION}")
    assert page.locator("#timer").is_visible()                 # the script showed the timer
    assert _count(page) == 0
    page.locator("#text").press_sequentially("India and Japan share")
    assert _count(page) == 4
    page.fill("#text", STRONG)
    typed = _count(page)
    assert typed > 150
    clock = page.locator("#clock").inner_text()
    page.click("#timer-toggle")
    expect(page.locator("#clock")).not_to_have_text(clock, timeout=5000)
    page.click("#timer-toggle")                                # pause
    assert page.locator("#timer-toggle").inner_text() == "Resume"
    page.fill("#timer-minutes", "20")
    assert page.locator("#clock").inner_text().startswith("19:")
    expect(page.locator("#autosave")).to_contain_text("draft saved", timeout=10000)

    phone = page.context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{server.base}/questions/{QUESTION}")
    shot = tmp_path / "write-390.png"
    phone.screenshot(path=str(shot), full_page=True)
    assert not screenshot_is_blank(shot)
    phone.close()

    page.click("#submit")
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))
    attempt = int(page.url.rsplit("/", 1)[1])
    assert "How the marks add up" in page.locator("#feedback").inner_text()
    assert "Time taken" in page.locator("#time-taken").inner_text()
    assert "Your first attempt" in page.locator("#change").inner_text()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        shot = tmp_path / f"feedback-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert not screenshot_is_blank(shot)
    status, body = server.request("GET", f"/api/attempts/{attempt}")
    assert status == 200 and body["words"] >= typed - 5 and body["seconds"] >= 1

    page.click('nav a[href="/attempts"]')
    assert page.locator(f'#history tr[data-attempt="{attempt}"]').count() == 1
    page.click('nav a[href="/progress"]')
    count = int(page.locator("#attempt-count").inner_text())
    assert page.locator("#chart-overall circle.point").count() == count >= 1

    for text in (AVERAGE, STRONG[:900], AVERAGE[:600], STRONG):     # many attempts
        status, _ = server.request("POST", "/api/attempts",
                                   {"question": QUESTION, "text": text, "seconds": 420})
        assert status == 201
    page.reload()
    many = int(page.locator("#attempt-count").inner_text())
    assert many == count + 4
    assert page.locator("#chart-overall circle.point").count() == many
    assert page.locator("#chart-overall polyline.series").count() == 1
    assert page.locator("#directives li").count() >= 1
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        shot = tmp_path / f"progress-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert not screenshot_is_blank(shot)
    page.click('nav a[href="/attempts"]')
    assert page.locator("#history tbody tr").count() == many


def test_a_reload_or_another_browser_keeps_the_draft(session, server):
    page, _ = session()
    page.goto(f"{server.base}/questions/{QUESTION}")
    page.fill("#text", "")
    page.locator("#text").press_sequentially("A draft in progress about ODA and the Quad")
    page.reload()
    assert page.input_value("#text") == "A draft in progress about ODA and the Quad"
    assert _count(page) == 9
    expect(page.locator("#autosave")).to_contain_text("draft saved", timeout=10000)
    fresh, _ = session(width=390)                  # no browser storage: the server's copy
    fresh.goto(f"{server.base}/questions/{QUESTION}")
    assert fresh.input_value("#text") == "A draft in progress about ODA and the Quad"


def test_a_script_in_the_answer_shows_as_text_and_never_runs(session, server):
    page, _ = session()
    page.goto(f"{server.base}/questions/{QUESTION}")
    evil = ("India and Japan <script>window.hacked = 1</script><img src=x "
            "onerror=\"window.hacked = 2\"> share a partnership built on ODA and the Quad.")
    page.fill("#text", evil)
    page.click("#submit")
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))
    assert page.evaluate("window.hacked === undefined")
    assert "<script>window.hacked = 1</script>" in page.locator("#feedback").text_content()
    assert page.locator("#feedback script, #feedback img[src=x]").count() == 0


def test_csrf_and_the_api_token_hold_in_the_browser(session, server):
    page, _ = session()
    before = server.request("GET", "/api/attempts")[1]["attempts"]
    refused = page.context.request.post(f"{server.base}/questions/{QUESTION}/attempts",
                                        form={"text": STRONG, "action": "grade"})
    assert refused.status == 403 and "security token" in refused.text()
    api = page.context.request.get(f"{server.base}/api/attempts")     # cookie, no bearer
    assert api.status == 401
    assert server.request("GET", "/api/attempts")[1]["attempts"] == before


def test_with_javascript_off_every_step_still_works(browser, server, tmp_path):
    context = browser._browser.new_context(java_script_enabled=False,
                                           viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{server.base}/?token={server.token}")
        page.select_option("select[name=marks]", "15")
        page.fill("input[name=q]", "Japan")
        page.click(".filters button")
        assert "q=Japan" in page.url and page.locator(f'li[data-id="{QUESTION}"]').count() == 1
        page.click(f'a[href="/questions/{QUESTION}"]')
        assert not page.locator("#timer").is_visible()         # the timer needs the script
        page.fill("#text", AVERAGE)
        page.click("#save-draft")
        assert "Draft saved" in page.locator("#saved").inner_text()
        assert page.input_value("#text") == AVERAGE.replace("\r\n", "\n")
        page.click("#submit")
        assert re.search(r"/attempts/\d+$", page.url)
        assert "How the marks add up" in page.locator("#feedback").inner_text()
        shot = tmp_path / "nojs-feedback-390.png"
        page.screenshot(path=str(shot), full_page=True)
        assert not screenshot_is_blank(shot)
    finally:
        context.close()
