"""The practice studio's JSON API: 201 and the evaluation, lists, one attempt, 401 without
the token, the size limits, bad requests that never stop the server, the headers."""

import pytest

from studio_support import QUESTION, make_client

from conftest import INDIA_JAPAN_SAMPLES

STRONG = (INDIA_JAPAN_SAMPLES / "strong.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    client, token, app = make_client(tmp_path_factory.mktemp("studio-api"))
    yield client, {"Authorization": f"Bearer {token}"}, app
    client.close()


def test_post_grades_and_returns_201_with_the_evaluation(studio, india_japan_evaluator):
    client, auth, _ = studio
    response = client.post("/api/attempts", headers=auth,
                           json={"question": QUESTION, "text": STRONG, "seconds": 600})
    assert response.status_code == 201, response.text
    body = response.json()
    expected = india_japan_evaluator.evaluate(STRONG)
    assert body["marks"] == expected.marks and body["max_marks"] == 15
    assert body["evaluation"]["marks"] == expected.marks
    assert [d["state"] for d in body["evaluation"]["dimensions"]] == [
        d.state.value for d in expected.dimensions]
    assert body["seconds"] == 600 and body["question"] == QUESTION and body["source"] == "api"
    assert response.headers["location"] == f"/api/attempts/{body['id']}"
    assert body["url"] == f"/attempts/{body['id']}"


def test_list_and_get_return_what_was_posted(studio):
    client, auth, _ = studio
    posted = client.post("/api/attempts", headers=auth,
                         json={"question": QUESTION, "text": STRONG[:700]}).json()
    listed = client.get("/api/attempts", headers=auth).json()["attempts"]
    assert posted["id"] in [a["id"] for a in listed]
    assert all("text" not in a for a in listed)           # the list is a summary
    one = client.get(f"/api/attempts/{posted['id']}", headers=auth).json()
    assert one["text"] == posted["text"] and one["marks"] == posted["marks"]
    assert one["seconds"] is None
    assert client.get("/api/attempts/999999", headers=auth).status_code == 404


def test_delete_removes_an_attempt(studio):
    client, auth, _ = studio
    posted = client.post("/api/attempts", headers=auth,
                         json={"question": QUESTION, "text": STRONG[:500]}).json()
    assert client.delete(f"/api/attempts/{posted['id']}", headers=auth).status_code == 204
    assert client.get(f"/api/attempts/{posted['id']}", headers=auth).status_code == 404


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token-" + "x" * 30},
                                     {"Authorization": "Basic abc"}])
def test_without_the_token_the_api_answers_401(studio, headers):
    client, _, _ = studio
    client.cookies.clear()          # the page cookie alone does not open the API either
    try:
        for method, path, body in (("GET", "/api/attempts", None),
                                   ("POST", "/api/attempts", {"question": QUESTION, "text": "x"}),
                                   ("GET", "/api/attempts/1", None),
                                   ("GET", "/api/questions", None)):
            response = client.request(method, path, json=body, headers=headers)
            assert response.status_code == 401, (method, path)
            assert "Bearer" in response.json()["error"]
    finally:
        client.cookies.set("studio_token", studio[2].state.studio.token)


def test_the_cookie_alone_does_not_open_the_api(studio):
    client, _, _ = studio
    assert client.get("/api/attempts").status_code == 401


def test_typed_text_over_50_kb_is_refused_with_a_clear_message(studio):
    client, auth, app = studio
    before = len(app.state.studio.store.attempts())
    text = "word " * 10_001                                  # 50,005 bytes
    response = client.post("/api/attempts", headers=auth, json={"question": QUESTION,
                                                                "text": text})
    assert response.status_code == 413
    assert "at most 50 KB" in response.json()["error"]
    huge = client.post("/api/attempts", headers=auth,
                       content=b'{"question": "x", "text": "' + b"a" * 300_000 + b'"}')
    assert huge.status_code == 413 and "50 KB" in huge.json()["error"]
    assert len(app.state.studio.store.attempts()) == before


@pytest.mark.parametrize("body, status, words", [
    (b"not json", 400, "not JSON"),
    (b'["a list"]', 422, "question and text"),
    (b'{"question": "india-japan-partnership"}', 422, "question and text"),
    (b'{"question": "no-such-question", "text": "An answer."}', 404, "question 'no-such-question' in the library"),
    (b'{"question": "india-japan-partnership", "text": "   "}', 422, "empty"),
    (b'{"question": "india-japan-partnership", "text": "x", "seconds": -3}', 422, "seconds"),
    (b'{"question": "india-japan-partnership", "text": "x", "seconds": "ten"}', 422, "seconds"),
    (b'{"question": "india-japan-partnership", "text": "India Japan", "seconds": NaN}', 422,
     "seconds must be a finite number, 0 or more, not NaN"),
    (b'{"question": "india-japan-partnership", "text": "India Japan", "seconds": 1e400}', 422,
     "seconds must be a finite number, 0 or more, not Infinity"),
    pytest.param(b'{"question": "india-japan-partnership", "text": "India Japan", "seconds": 1'
                 + b"0" * 5000 + b"}", 422, "seconds must be a finite number", id="5001-digits"),
    pytest.param(b"[" * 100_000, 400, "the body nests too deeply", id="nested-100000"),
    (b'{"question": "india-japan-partnership", "text": "India \\ud800 Japan"}', 422,
     "text is not valid Unicode: a lone surrogate (\\ud800) at character 6"),
    (b'{"question": "india-\\udc00", "text": "India Japan"}', 422,
     "question is not valid Unicode"),
])
def test_bad_requests_get_a_clear_error_and_the_server_carries_on(studio, body, status, words):
    client, auth, _ = studio
    response = client.post("/api/attempts", headers=auth, content=body)
    assert response.status_code == status
    assert words in response.json()["error"]
    assert client.get("/api/attempts", headers=auth).status_code == 200


def test_an_attempt_id_beyond_what_sqlite_holds_is_404(studio):
    client, auth, _ = studio
    for method in ("GET", "DELETE"):
        response = client.request(method, "/api/attempts/" + "9" * 30, headers=auth)
        assert response.status_code == 404 and response.json() == {"error": "no such attempt"}


def test_questions_lists_the_library(studio):
    client, auth, _ = studio
    questions = client.get("/api/questions", headers=auth).json()["questions"]
    japan = next(q for q in questions if q["id"] == QUESTION)
    assert japan["max_marks"] == 15 and japan["exam_minutes"] == 11


def test_every_response_carries_the_security_headers(studio):
    client, auth, _ = studio
    for response in (client.get("/api/attempts", headers=auth), client.get("/"),
                     client.get("/api/attempts"), client.get("/static/studio.js")):
        policy = response.headers["content-security-policy"]
        script = next(p for p in policy.split("; ") if p.startswith("script-src"))
        assert script == "script-src 'self'"                  # no inline script at all
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "DENY"


def test_the_script_is_served_from_the_package(studio):
    client, _, _ = studio
    response = client.get("/static/studio.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "localStorage" in response.text


def test_one_evaluator_a_question_used_on_the_grading_threads(studio, monkeypatch):
    import threading

    client, auth, app = studio
    grader = app.state.studio.grader
    threads = []
    original = grader.grade

    def recording(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setattr(grader, "grade", recording)
    for text in (STRONG[:600], STRONG[:800]):
        assert client.post("/api/attempts", headers=auth,
                           json={"question": QUESTION, "text": text}).status_code == 201
    assert threads and all(name.startswith("studio-grading") for name in threads)
    assert threading.main_thread().name not in threads
    first, _ = grader.evaluator(QUESTION)
    assert grader.evaluator(QUESTION)[0] is first
    assert list(grader._evaluators) == [QUESTION]        # built once, for this question only


def test_a_calibration_beside_the_rubric_is_used_as_evaluate_uses_it(tmp_path):
    import shutil

    from answer_evaluator.errors import EvaluatorError
    from answer_evaluator.studio.app import create_app
    from answer_evaluator.studio.library import open_library
    from answer_evaluator.studio.store import Store

    from conftest import INDIA_JAPAN

    rubrics = tmp_path / "rubrics"
    rubrics.mkdir()
    shutil.copy(INDIA_JAPAN, rubrics / INDIA_JAPAN.name)
    beside = rubrics / f"{QUESTION}.calibration.json"
    beside.write_text("{not json", encoding="utf-8")
    app = create_app(tmp_path, open_library([str(rubrics)]), Store(tmp_path / "s.db"), "t" * 40)
    grader = app.state.studio.grader
    with pytest.raises(EvaluatorError) as caught:
        grader.grade(QUESTION, STRONG)
    assert str(beside) in str(caught.value)                  # it was read, as evaluate reads it
    assert app.state.studio.store.attempts() == []
