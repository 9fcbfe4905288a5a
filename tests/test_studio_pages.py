"""The practice studio's pages without a browser: sign-in by the token URL, the questions
and their filters, writing and submitting, the feedback (the report's own fragment), CSRF,
limits, uploads and their names, history, export, delete, progress."""

import io
import json
import re

import pytest

from studio_support import QUESTION, csrf_of, make_client

from conftest import INDIA_JAPAN_SAMPLES

STRONG = (INDIA_JAPAN_SAMPLES / "strong.txt").read_text(encoding="utf-8")
AVERAGE = (INDIA_JAPAN_SAMPLES / "average.txt").read_text(encoding="utf-8")
EVIL = ("India and Japan <script>window.hacked = 1</script> share a <b>Special Strategic and "
        "Global Partnership</b>; ODA finances the bullet train.")


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    data = tmp_path_factory.mktemp("studio-pages")
    client, token, app = make_client(data)
    yield client, app.state.studio, data
    client.close()


def _write_page(client):
    page = client.get(f"/questions/{QUESTION}")
    assert page.status_code == 200
    return page, csrf_of(page.text)


def _submit(client, text, **fields):
    _, csrf = _write_page(client)
    return client.post(f"/questions/{QUESTION}/attempts", follow_redirects=False,
                       data={"csrf": csrf, "text": text, "action": "grade", **fields})


def _attempt_id(response) -> int:
    assert response.status_code == 303, response.text[:500]
    return int(re.fullmatch(r"/attempts/(\d+)", response.headers["location"]).group(1))


def test_pages_need_the_token_link_which_sets_a_strict_httponly_cookie(studio):
    client, state, _ = studio
    client.cookies.clear()
    try:
        for path in ("/", f"/questions/{QUESTION}", "/attempts", "/progress", "/export.csv"):
            response = client.get(path)
            assert response.status_code == 401 and "evaluate practice" in response.text
        assert client.get("/?token=" + "x" * 43).status_code == 401
        signed_in = client.get(f"/?token={state.token}", follow_redirects=False)
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
        cookie = signed_in.headers["set-cookie"]
        assert f"studio_token={state.token}" in cookie
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert client.get("/").status_code == 200           # the cookie now opens pages
    finally:
        client.cookies.set("studio_token", state.token)


def test_questions_are_listed_and_filtered(studio):
    client, state, _ = studio
    everything = client.get("/").text
    questions = state.library.questions
    assert everything.count('class="question"') == len(questions)
    paper = next(q.paper for q in questions if q.paper)
    by_paper = client.get("/", params={"paper": paper}).text
    assert by_paper.count('class="question"') == sum(q.paper == paper for q in questions)
    by_marks = client.get("/", params={"marks": "10"}).text
    assert by_marks.count('class="question"') == sum(q.max_marks == 10 for q in questions)
    searched = client.get("/", params={"q": "Japan"}).text
    assert f'data-id="{QUESTION}"' in searched
    assert searched.count('class="question"') < len(questions)
    nothing = client.get("/", params={"q": "zzzz-no-such-words"}).text
    assert "No question matches" in nothing


def test_the_write_page_shows_the_question_limit_count_and_timer(studio):
    client, state, _ = studio
    page, _ = _write_page(client)
    question = state.library.find(QUESTION)
    html = page.text
    assert question.question in html and 'data-limit="250"' in html
    assert f'data-minutes="{question.exam_minutes}"' in html
    assert 'id="timer"' in html and 'type="file"' in html
    assert "<script src=\"/static/studio.js\" defer></script>" in html
    assert "<script>" not in html                            # no inline script


def test_a_submitted_answer_shows_the_reports_own_feedback(studio):
    from answer_evaluator import answer_from_text, render_report
    from answer_evaluator.report import render_feedback

    client, state, _ = studio
    attempt = _attempt_id(_submit(client, STRONG, seconds="540"))
    page = client.get(f"/attempts/{attempt}")
    assert page.status_code == 200
    evaluator, _ = state.grader.evaluator(QUESTION)      # the rubric as the studio loaded it
    evaluation = evaluator.evaluate(answer_from_text(STRONG, name="your answer"))
    fragment = str(render_feedback(evaluation))
    assert fragment in render_report(evaluation)       # the standalone report's own body
    assert fragment in page.text                       # the very fragment the report renders
    assert "How the marks add up" in page.text and "What would gain the most marks" in page.text
    assert "9 min 00 s" in page.text                                   # time taken
    assert 'id="outline"' in page.text and "Outline of a model answer" in page.text
    assert "Your first attempt at this question" in page.text


def test_the_next_attempt_shows_what_changed(studio):
    client, state, _ = studio
    first = _attempt_id(_submit(client, AVERAGE))
    second = _attempt_id(_submit(client, STRONG))
    page = client.get(f"/attempts/{second}").text
    before, after = state.store.get(first), state.store.get(second)
    assert "Since your last attempt" in page
    assert f"{after.marks - before.marks:+g} marks" in page
    newly = [d["title"] for d in after.evaluation["dimensions"] if d["state"] == "covered"
             and next(b for b in before.evaluation["dimensions"]
                      if b["title"] == d["title"])["state"] != "covered"]
    for title in newly:
        assert title.replace("'", "&#39;") in page


def test_time_taken_without_the_script_comes_from_when_the_page_was_served(studio):
    client, state, _ = studio
    import time

    _, csrf = _write_page(client)
    response = client.post(f"/questions/{QUESTION}/attempts", follow_redirects=False,
                           data={"csrf": csrf, "text": STRONG, "action": "grade",
                                 "started": str(int(time.time()) - 125), "seconds": ""})
    seconds = state.store.get(_attempt_id(response)).seconds
    assert 125 <= seconds <= 140


@pytest.mark.parametrize("fields, seconds", [
    ({"seconds": "\u00b2"}, None), ({"seconds": "9" * 5000}, 24 * 3600),   # at most a day
    ({"started": "\u00b2"}, None), ({"started": "9" * 5000}, None)],
    ids=["seconds-superscript", "seconds-5000-digits", "started-superscript",
         "started-5000-digits"])
def test_a_time_taken_that_is_no_plain_number_is_no_server_error(studio, fields, seconds):
    client, state, _ = studio
    assert state.store.get(_attempt_id(_submit(client, STRONG, **fields))).seconds == seconds


def test_answer_text_is_escaped_everywhere_it_is_shown(studio):
    client, _, _ = studio
    attempt = _attempt_id(_submit(client, EVIL))
    for path in (f"/attempts/{attempt}", "/attempts"):
        html = client.get(path).text
        assert "<script>window.hacked" not in html and "<b>Special" not in html
    assert "&lt;script&gt;window.hacked" in client.get(f"/attempts/{attempt}").text
    _, csrf = _write_page(client)
    client.post(f"/questions/{QUESTION}/attempts", data={"csrf": csrf, "text": EVIL,
                                                          "action": "draft"})
    draft = client.get(f"/questions/{QUESTION}").text
    assert "&lt;script&gt;window.hacked" in draft and "<script>window" not in draft


@pytest.mark.parametrize("csrf", [None, "", "0" * 64])
def test_a_form_post_without_its_csrf_token_is_refused(studio, csrf):
    client, state, _ = studio
    before = len(state.store.attempts())
    fields = {"text": STRONG, "action": "grade"}
    if csrf is not None:
        fields["csrf"] = csrf
    for path in (f"/questions/{QUESTION}/attempts", f"/questions/{QUESTION}/draft",
                 "/attempts/1/delete"):
        response = client.post(path, data=fields, follow_redirects=False)
        assert response.status_code == 403, path
        assert "security token is missing or wrong" in response.text
    upload = client.post(f"/questions/{QUESTION}/upload", data={} if csrf is None else
                         {"csrf": csrf}, files={"file": ("a.txt", STRONG.encode())})
    assert upload.status_code == 403
    assert len(state.store.attempts()) == before


def test_typed_text_over_50_kb_is_refused_on_the_page(studio):
    client, state, _ = studio
    before = len(state.store.attempts())
    response = _submit(client, "word " * 10_001)
    assert response.status_code == 413
    assert "a typed answer may be at most 50 KB" in response.text
    assert 'id="write"' in response.text                 # the page, with the text kept
    way_over = _submit(client, "word " * 40_000)
    assert way_over.status_code == 413 and "at most 50 KB" in way_over.text
    assert len(state.store.attempts()) == before


def test_an_upload_over_10_mb_is_refused_on_the_page(studio):
    client, state, data = studio
    _, csrf = _write_page(client)
    before = len(state.store.attempts())
    for size in (10_000_001, 12_000_000):
        response = client.post(f"/questions/{QUESTION}/upload", data={"csrf": csrf},
                               files={"file": ("big.txt", b"a" * size)})
        assert response.status_code == 413
        assert "at most 10 MB" in response.text
    assert len(state.store.attempts()) == before
    assert not any((data / "uploads").glob("*")) if (data / "uploads").exists() else True


@pytest.mark.parametrize("name", ["../../escape.txt", "..\\..\\escape.txt", "/absolute/escape.txt",
                                  "....//escape.txt", "uploads/../../escape.txt",
                                  ".escape.txt", "esc\x00ape.txt"])
def test_upload_names_never_choose_where_the_file_goes(studio, name):
    client, state, data = studio
    _, csrf = _write_page(client)
    before = {p for p in data.parent.rglob("*")}
    response = client.post(f"/questions/{QUESTION}/upload", data={"csrf": csrf},
                           files={"file": (name, STRONG.encode())}, follow_redirects=False)
    attempt = state.store.get(_attempt_id(response))
    assert attempt.text.startswith(STRONG.split()[0])
    assert "/" not in attempt.source and "\\" not in attempt.source and ".." not in attempt.source
    assert attempt.source.endswith("escape.txt") or attempt.source.endswith("ape.txt")
    after = {p for p in data.parent.rglob("*")}
    new = {p for p in after - before if not p.name.startswith("studio.sqlite3")}
    assert new <= {data / "uploads"}, new                # nothing left, nothing outside
    assert not list((data / "uploads").iterdir())


def test_uploads_of_docx_and_bad_files(studio):
    import docx

    client, state, _ = studio
    _, csrf = _write_page(client)
    document = docx.Document()
    for paragraph in STRONG.split("\n\n"):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    response = client.post(f"/questions/{QUESTION}/upload", data={"csrf": csrf},
                           files={"file": ("my answer.docx", buffer.getvalue())},
                           follow_redirects=False)
    attempt = state.store.get(_attempt_id(response))
    assert attempt.source == "my answer.docx" and attempt.words > 150
    for name, content, words in (("answer.exe", b"MZ", "is not a .txt, .docx or .pdf"),
                                 ("answer.pdf", b"not a pdf", "answer.pdf"),
                                 ("empty.txt", b"", "empty")):
        refused = client.post(f"/questions/{QUESTION}/upload", data={"csrf": csrf},
                              files={"file": (name, content)})
        assert refused.status_code == 422 and words in refused.text, name
    assert client.post(f"/questions/{QUESTION}/upload", data={"csrf": csrf}).status_code == 422


def test_history_export_and_delete(studio):
    client, state, _ = studio
    attempt = _attempt_id(_submit(client, AVERAGE))
    history = client.get("/attempts").text
    assert f'data-attempt="{attempt}"' in history
    exported = client.get("/export.json")
    assert "attachment" in exported.headers["content-disposition"]
    rows = json.loads(exported.text)["attempts"]
    assert {r["id"] for r in rows} == {a.id for a in state.store.attempts()}
    assert next(r for r in rows if r["id"] == attempt)["text"] == state.store.get(attempt).text
    import csv

    table = list(csv.DictReader(io.StringIO(client.get("/export.csv").text)))
    assert {int(r["id"]) for r in table} == {a.id for a in state.store.attempts()}
    assert client.get("/export.xml").status_code == 404
    csrf = csrf_of(history)
    deleted = client.post(f"/attempts/{attempt}/delete", data={"csrf": csrf},
                          follow_redirects=False)
    assert deleted.status_code == 303 and state.store.get(attempt) is None
    assert client.get(f"/attempts/{attempt}").status_code == 404
    assert f'data-attempt="{attempt}"' not in client.get("/attempts").text


def test_progress_draws_every_attempt(studio):
    client, state, _ = studio
    page = client.get("/progress").text
    count = len(state.store.attempts())
    assert count > 3
    overall = re.search(r'<figure id="chart-overall">(.*?)</figure>', page, re.S).group(1)
    assert overall.count('<circle class="point"') == count
    assert 'id="chart-missed"' in page or "every dimension was covered" in page
    assert 'id="directives"' in page and "words a minute" in page


def test_a_server_draft_is_shown_when_the_page_is_opened_again(studio):
    client, _, _ = studio
    _, csrf = _write_page(client)
    saved = client.post(f"/questions/{QUESTION}/draft", data={"csrf": csrf,
                                                              "text": "half a draft"})
    assert saved.status_code == 200 and "saved" in saved.json()
    assert ">half a draft</textarea>" in client.get(f"/questions/{QUESTION}").text


def test_a_malformed_form_is_answered_and_the_server_carries_on(studio):
    client, state, _ = studio
    broken = client.post(f"/questions/{QUESTION}/upload", content=b"--x\r\ngarbage",
                         headers={"content-type": "multipart/form-data; boundary=x"})
    assert broken.status_code in (400, 403)
    odd = client.post(f"/questions/{QUESTION}/attempts", content=b"text=\xff\xfe&csrf=%ZZ",
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert odd.status_code == 403
    _, csrf = _write_page(client)
    too_big_draft = client.post(f"/questions/{QUESTION}/attempts",
                                data={"csrf": csrf, "text": "word " * 10_001, "action": "draft"})
    assert too_big_draft.status_code == 413 and "at most 50 KB" in too_big_draft.text
    surrogate = ("--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf
                 + "\r\n--x\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n"
                 "India \\ud800 Japan\r\n--x--\r\n").encode()
    for action in ("attempts", "draft"):       # a charset that decodes to a lone surrogate
        odd_charset = client.post(
            f"/questions/{QUESTION}/{action}", content=surrogate,
            headers={"content-type": "multipart/form-data; boundary=x; charset=unicode_escape"})
        assert odd_charset.status_code == 400 and "could not be read" in odd_charset.text
    assert client.get("/").status_code == 200


def test_unknown_pages_and_questions_are_404_pages(studio):
    client, _, _ = studio
    for path in ("/questions/no-such", "/attempts/99999", "/nowhere", "/questions/..%2F..",
                 "/attempts/" + "9" * 30):
        response = client.get(path)
        assert response.status_code == 404 and "No such" in response.text
