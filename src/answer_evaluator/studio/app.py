"""The studio's routes: server-rendered pages (readable with JavaScript off), the JSON API,
the one static script. `create_app(data_dir, library)` builds the application.

Pages need the cookie set by the start URL; the API needs `Authorization: Bearer <token>`;
every form POST needs its CSRF field. Grading runs on the grader's threads, never on the
event loop. Any error a request causes is answered (a page or JSON), never fatal.
"""

from __future__ import annotations

import csv
import io
import json
import time
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs

from markupsafe import Markup
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import EvaluatorError
from . import pages, schema, security
from .grading import (MAX_SECONDS, MAX_TEXT_BYTES, MAX_UPLOAD_BYTES, BadUpload, Grader,
                      TooLarge, UnknownQuestion, check_text, display_name)
from .progress import change, progress
from .store import Store
from .svg import bars, line_chart

#: a form's body may be this much larger than its text (URL encoding, the other fields)
_FORM_SLACK = 3 * MAX_TEXT_BYTES + 8_000
_UPLOAD_SLACK = MAX_UPLOAD_BYTES + 64_000
_API_BODY = 4 * MAX_TEXT_BYTES + 8_000


class Studio:
    """What the routes share: the store, the grader, the library, the token."""

    def __init__(self, data_dir: Path, library, store: Store, token: str, *, workers: int = 2,
                 warn=None):
        self.data_dir = Path(data_dir)
        self.library = library
        self.store = store
        self.token = token
        self.csrf = security.csrf_token(token)
        self.grader = Grader(library, store, self.data_dir, workers=workers, warn=warn)

    # ------------------------------------------------------------------ access

    def page_allowed(self, request: Request) -> bool:
        return security.same(request.cookies.get(security.COOKIE), self.token)

    def api_allowed(self, request: Request) -> bool:
        return security.same(security.bearer(request.headers), self.token)


def create_app(data_dir: Path, library, store: Store, token: str, *, workers: int = 2,
               warn=None) -> Starlette:
    """The application; `warn(message)` is told of warnings (a calibration fitted on an
    earlier version of its rubric)."""
    studio = Studio(data_dir, library, store, token, workers=workers, warn=warn)

    def page(handler):
        """A page: the cookie or the 401 page."""
        async def endpoint(request: Request):
            if not studio.page_allowed(request):
                return pages.message(
                    "Open the link printed by 'evaluate practice'",
                    "This page needs the access link the studio printed when it started "
                    "(http://127.0.0.1:PORT/?token=...). The token is also in the file "
                    "'token' of the data folder.", status=401, link=("/", "Try again"))
            return await handler(request)
        return endpoint

    def form_post(handler, limit: int = _FORM_SLACK):
        """A form POST: the cookie, a body within `limit`, its CSRF field; the handler gets
        the request and the parsed fields (url-encoded), or the request alone (multipart)."""
        async def endpoint(request: Request):
            if not studio.page_allowed(request):
                return pages.message("Not signed in", "Open the link printed by 'evaluate "
                                     "practice' first.", status=401)
            body = await read_capped(request, limit)
            if body is None:
                return too_large(request)
            kind = request.headers.get("content-type", "")
            if kind.startswith("multipart/form-data"):
                replay = replayed(request, body)
                try:
                    form = await replay.form(max_files=1, max_fields=8,
                                             max_part_size=_FORM_SLACK)
                except Exception:
                    return unreadable()
                try:
                    fields = {k: v for k, v in form.items()}
                    if not all(schema.is_unicode(v) for v in fields.values()
                               if isinstance(v, str)):   # an odd charset: lone surrogates
                        return unreadable()
                    return await checked(request, fields)
                finally:
                    await form.close()
            else:
                fields = {k: v[-1] for k, v in parse_qs(
                    body.decode("utf-8", "replace"), keep_blank_values=True).items()}
            return await checked(request, fields)

        def unreadable():
            return pages.message("The form could not be read", "Go back and send it again.",
                                 status=400, csrf=studio.csrf)

        async def checked(request: Request, fields: dict):
            if not security.same(fields.get(security.CSRF_FIELD)
                                 if isinstance(fields.get(security.CSRF_FIELD), str) else None,
                                 studio.csrf):
                return pages.message(
                    "Form refused: its security token is missing or wrong",
                    "Forms of the studio carry a hidden token so that no other web page can "
                    "send them for you. Go back, reload the page and send it again.",
                    status=403)
            return await handler(request, fields)
        return endpoint

    # ----------------------------------------------------------------- pages

    async def home(request: Request):
        token = request.query_params.get("token")
        if token is not None:
            if not security.same(token, studio.token):
                return pages.message("Wrong access token",
                                     "Use the link printed by 'evaluate practice' when it "
                                     "started.", status=401)
            response = RedirectResponse("/", status_code=303)
            response.set_cookie(security.COOKIE, studio.token, httponly=True,
                                samesite="strict", path="/")
            return response
        return await page(questions_page)(request)

    async def questions_page(request: Request):
        chosen = {k: request.query_params.get(k, "") for k in ("paper", "directive", "marks", "q")}
        attempts = studio.store.attempts(text=False, evaluation=False)
        stats: dict[str, dict] = {}
        for a in attempts:
            s = stats.setdefault(a.question, {"count": 0, "best": 0.0})
            s["count"] += 1
            s["best"] = max(s["best"], a.marks)
        every = sorted(studio.library.questions,
                       key=lambda q: (q.paper or "~", -(q.year or 0), q.rubric_id))
        words = chosen["q"].lower().split()
        shown = [q for q in every
                 if (not chosen["paper"] or q.paper == chosen["paper"])
                 and (not chosen["directive"] or q.directive == chosen["directive"])
                 and (not chosen["marks"] or str(q.max_marks) == chosen["marks"])
                 and all(w in f"{q.question} {q.topic} {q.rubric_id}".lower() for w in words)]
        return pages.render(
            "questions", csrf=studio.csrf, active="/", questions=shown, total=len(every),
            stats=stats, chosen=chosen,
            papers=sorted({q.paper for q in every if q.paper}),
            directives=sorted({q.directive for q in every if q.directive}),
            marks=sorted({q.max_marks for q in every}))

    def write_response(question, *, text: str | None = None, error: str = "",
                       status: int = 200, saved: bool = False):
        draft = studio.store.draft(question.rubric_id)
        if text is None:
            text = draft.text if draft else ""
        previous = studio.store.attempts(question.rubric_id, text=False, evaluation=False)
        return pages.render(
            "write", status=status, csrf=studio.csrf, q=question, text=text, error=error,
            draft=draft, saved=saved, words=len(text.split()), started=int(time.time()),
            attempts=previous, max_text_kb=MAX_TEXT_BYTES // 1000,
            max_upload_mb=MAX_UPLOAD_BYTES // 1_000_000)

    async def write_page(request: Request):
        question = studio.library.find(request.path_params["qid"])
        if question is None:
            return not_found("question")
        return write_response(question, saved=request.query_params.get("saved") == "1")

    async def submit(request: Request, fields: dict):
        question = studio.library.find(request.path_params["qid"])
        if question is None:
            return not_found("question")
        text = fields.get("text") or ""
        if fields.get("action") == "draft":
            try:
                check_text(text)
            except EvaluatorError as exc:
                return write_response(question, text=text, error=_plain(exc),
                                      status=_status(exc))
            studio.store.save_draft(question.rubric_id, text)
            return RedirectResponse(f"/questions/{question.rubric_id}?saved=1", status_code=303)
        return await grade_and_show(question, text, seconds_of(fields), "typed")

    async def upload(request: Request, fields: dict):
        question = studio.library.find(request.path_params["qid"])
        if question is None:
            return not_found("question")
        file = fields.get("file")
        if file is None or isinstance(file, str) or not file.filename:
            return write_response(question, error="Choose a .txt, .docx or .pdf file to "
                                  "upload.", status=422)
        data = await file.read()
        name = display_name(file.filename)
        try:
            text = await studio.grader.run(studio.grader.read_upload, file.filename, data)
        except EvaluatorError as exc:
            return write_response(question, error=str(exc), status=_status(exc))
        return await grade_and_show(question, text, seconds_of(fields), name)

    async def grade_and_show(question, text: str, seconds, source: str):
        try:
            attempt = await studio.grader.run(studio.grader.grade, question.rubric_id, text,
                                              seconds=seconds, source=source)
        except EvaluatorError as exc:
            return write_response(question, text=text, error=_plain(exc), status=_status(exc))
        return RedirectResponse(f"/attempts/{attempt.id}", status_code=303)

    async def save_draft(request: Request, fields: dict):
        question = studio.library.find(request.path_params["qid"])
        if question is None:
            return not_found("question")
        text = fields.get("text") or ""
        try:
            check_text(text)
        except EvaluatorError as exc:
            return JSONResponse({"error": _plain(exc)}, status_code=_status(exc))
        draft = studio.store.save_draft(question.rubric_id, text)
        return JSONResponse({"saved": draft.updated})

    async def attempt_page(request: Request):
        attempt = studio.store.get(request.path_params["aid"])
        if attempt is None:
            return not_found("attempt")
        question = studio.library.find(attempt.question)
        outline = model_outline(studio.library, attempt.question)
        return pages.render(
            "attempt", csrf=studio.csrf, active="/attempts", a=attempt, q=question,
            feedback=Markup(attempt.feedback), change=change(attempt, studio.store.previous(attempt)),
            outline=outline)

    async def delete_attempt(request: Request, fields: dict):
        if not studio.store.delete(request.path_params["aid"]):
            return not_found("attempt")
        return RedirectResponse("/attempts?deleted=1", status_code=303)

    async def history(request: Request):
        attempts = list(reversed(studio.store.attempts(text=False, evaluation=False)))
        titles = {q.rubric_id: q.question for q in studio.library.questions}
        return pages.render("history", csrf=studio.csrf, active="/attempts",
                            attempts=attempts, titles=titles,
                            deleted=request.query_params.get("deleted") == "1")

    async def progress_page(request: Request):
        figures = progress(studio.store.attempts(text=False))
        charts = {}
        if figures.count:
            charts["overall"] = line_chart({"all papers": figures.overall},
                                           count=figures.count, label="Marks share over time")
            charts["papers"] = line_chart(figures.papers, count=figures.count,
                                          label="Marks share over time, by paper")
            charts["missed"] = bars([(f"{r['title']}", r["share"], f"{r['missed']} of {r['of']}")
                                     for r in figures.missed], label="Dimensions missed most")
            charts["directives"] = bars([(r["directive"], r["mean"], f"{100 * r['mean']:.0f}%")
                                         for r in figures.directives],
                                        label="Marks share by directive word")
        return pages.render("progress", csrf=studio.csrf, active="/progress", p=figures,
                            charts=charts)

    async def export(request: Request):
        kind = request.path_params["kind"]
        attempts = studio.store.attempts()
        if kind == "json":
            body = json.dumps({"attempts": [a.to_dict() for a in attempts]},
                              ensure_ascii=False, indent=1)
            media = "application/json"
        else:
            out = io.StringIO()
            names = list(attempts[0].summary()) if attempts else [
                "id", "question", "created", "seconds", "words", "marks", "max_marks",
                "paper", "directive", "source"]
            writer = csv.DictWriter(out, fieldnames=names + ["text"])
            writer.writeheader()
            for a in attempts:
                writer.writerow({**a.summary(), "text": a.text})
            body, media = out.getvalue(), "text/csv; charset=utf-8"
        return Response(body, media_type=media, headers={
            "content-disposition": f'attachment; filename="practice-attempts.{kind}"'})

    # ------------------------------------------------------------------- API

    def api(handler):
        async def endpoint(request: Request):
            if not studio.api_allowed(request):
                return JSONResponse({"error": "send 'Authorization: Bearer <token>' (the "
                                     "token is in the file 'token' of the data folder)"},
                                    status_code=401,
                                    headers={"www-authenticate": "Bearer"})
            return await handler(request)
        return endpoint

    async def api_list(request: Request):
        return JSONResponse({"attempts": [a.summary() for a in studio.store.attempts(
            text=False, evaluation=False)]})

    async def api_create(request: Request):
        body = await read_capped(request, _API_BODY)
        if body is None:
            return JSONResponse({"error": f"the request is over {_API_BODY // 1000} KB; a "
                                 f"typed answer may be at most {MAX_TEXT_BYTES // 1000} KB"},
                                status_code=413)
        try:
            data = schema.ATTEMPT.parse(body)
        except schema.BadRequest as exc:
            return JSONResponse({"error": exc.problem}, status_code=exc.status)
        seconds = data["seconds"]
        try:
            attempt = await studio.grader.run(
                studio.grader.grade, data["question"], data["text"],
                seconds=None if seconds is None else int(seconds), source="api")
        except EvaluatorError as exc:
            return JSONResponse({"error": _plain(exc)}, status_code=_status(exc))
        return JSONResponse(api_attempt(attempt), status_code=201,
                            headers={"location": f"/api/attempts/{attempt.id}"})

    async def api_get(request: Request):
        attempt = studio.store.get(request.path_params["aid"])
        if attempt is None:
            return JSONResponse({"error": "no such attempt"}, status_code=404)
        return JSONResponse(api_attempt(attempt))

    async def api_delete(request: Request):
        if not studio.store.delete(request.path_params["aid"]):
            return JSONResponse({"error": "no such attempt"}, status_code=404)
        return Response(status_code=204)

    async def api_questions(request: Request):
        return JSONResponse({"questions": [
            {"id": q.rubric_id, "question": q.question, "paper": q.paper,
             "max_marks": q.max_marks, "word_limit": q.word_limit, "directive": q.directive,
             "year": q.year, "topic": q.topic, "exam_minutes": q.exam_minutes}
            for q in studio.library.questions]})

    # ----------------------------------------------------------------- static

    async def script(request: Request):
        return Response(_script(), media_type="text/javascript; charset=utf-8",
                        headers={"cache-control": "no-cache"})

    async def not_found_page(request: Request, exc=None):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "not found"}, status_code=404)
        return not_found("page")

    async def server_error(request: Request, exc: Exception):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": f"internal error: {type(exc).__name__}: {exc}"},
                                status_code=500)
        return pages.message("Something went wrong", f"{type(exc).__name__}: {exc}. The "
                             "studio keeps running; go back and try again.", status=500)

    def too_large(request: Request):
        if "multipart/form-data" in request.headers.get("content-type", ""):
            text = (f"An upload may be at most {MAX_UPLOAD_BYTES // 1_000_000} MB. "
                    "Save a smaller file, or paste the text.")
        else:
            text = (f"A typed answer may be at most {MAX_TEXT_BYTES // 1000} KB (a 250-word "
                    "answer is about 2 KB). Go back and shorten it.")
        return pages.message("Too large", text, status=413)

    routes = [
        Route("/", home),
        Route("/questions/{qid}", page(write_page)),
        Route("/questions/{qid}/attempts", form_post(submit), methods=["POST"]),
        Route("/questions/{qid}/upload", form_post(upload, _UPLOAD_SLACK), methods=["POST"]),
        Route("/questions/{qid}/draft", form_post(save_draft), methods=["POST"]),
        Route("/attempts", page(history)),
        Route("/attempts/{aid:int}", page(attempt_page)),
        Route("/attempts/{aid:int}/delete", form_post(delete_attempt), methods=["POST"]),
        Route("/progress", page(progress_page)),
        Route("/export.{kind:str}", page(export_checked(export))),
        Route("/api/attempts", api(api_list), methods=["GET"]),
        Route("/api/attempts", api(api_create), methods=["POST"]),
        Route("/api/attempts/{aid:int}", api(api_get), methods=["GET"]),
        Route("/api/attempts/{aid:int}", api(api_delete), methods=["DELETE"]),
        Route("/api/questions", api(api_questions), methods=["GET"]),
        Route("/static/studio.js", script),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(security.SecurityHeaders)],
                    exception_handlers={404: not_found_page, Exception: server_error})
    app.state.studio = studio
    return app


def export_checked(handler):
    async def endpoint(request: Request):
        if request.path_params["kind"] not in ("csv", "json"):
            return not_found("export")
        return await handler(request)
    return endpoint


def api_attempt(attempt) -> dict:
    return {**attempt.to_dict(), "url": f"/attempts/{attempt.id}"}


def model_outline(library, question_id: str) -> list[dict]:
    """The rubric's model points by dimension: an outline of a model answer."""
    try:
        rubric = library.load(question_id)
    except Exception:           # the question left the library since the attempt
        return []
    return [{"title": d.title, "points": [p.text for p in d.points]} for d in rubric.dimensions]


def seconds_of(fields: dict) -> int | None:
    """Time taken: the timer's seconds when the script sent them, else since the page
    was served."""
    seconds = schema.whole_number(fields.get("seconds"))
    if seconds is not None:
        return int(min(seconds, MAX_SECONDS))
    started = schema.whole_number(fields.get("started"))
    if started is not None:
        elapsed = int(time.time()) - started
        if 0 <= elapsed <= MAX_SECONDS:
            return int(elapsed)
    return None


def not_found(what: str):
    return pages.message(f"No such {what}", f"There is no such {what} here.", status=404)


def _status(exc: Exception) -> int:
    if isinstance(exc, UnknownQuestion):
        return 404
    if isinstance(exc, TooLarge):
        return 413
    return 422


def _plain(exc: Exception) -> str:
    """An error for the user: 'answer: is empty' reads 'The answer is empty'."""
    text = str(exc)
    if text.startswith("your answer: "):
        return "Your answer " + text[len("your answer: "):]
    return text[:1].upper() + text[1:]


async def read_capped(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is over `limit` bytes (the rest is read and
    dropped, so that the browser gets the answer instead of a reset connection)."""
    declared = request.headers.get("content-length", "")
    chunks, size = [], 0
    length = schema.whole_number(declared)
    over = length is not None and length > limit
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            over = True
        if not over:
            chunks.append(chunk)
        elif size > 4 * limit:
            break
    return None if over else b"".join(chunks)


def replayed(request: Request, body: bytes) -> Request:
    """A request whose body is `body` (already read), for Starlette's form parser."""
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


_SCRIPT: list[bytes] = []


def _script() -> bytes:
    if not _SCRIPT:
        _SCRIPT.append(resources.files(__package__).joinpath("static/studio.js").read_bytes())
    return _SCRIPT[0]
