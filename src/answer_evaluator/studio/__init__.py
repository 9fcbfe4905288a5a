"""The practice studio (`evaluate practice`): a local web application to write answers under
exam conditions, keep every attempt and see progress.

One job a module: `library` (the questions), `store` (attempts in SQLite), `grading` (one
evaluator a rubric, off the request thread), `security` (token, CSRF, headers), `progress`
(the figures), `svg` (the charts), `pages` (rendering), `schema` (what the API and forms
take), `app` (the routes), `server` (start and stop). Nothing here is imported by the other
commands: Starlette and uvicorn load only for `evaluate practice`.
"""
