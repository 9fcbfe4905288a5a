"""Rendering the studio's pages with the project's Jinja2 environment (autoescaping on)."""

from __future__ import annotations

from starlette.responses import HTMLResponse

from ..report import environment, report_style

NAV = (("/", "Questions"), ("/attempts", "History"), ("/progress", "Progress"))


def render(name: str, *, status: int = 200, csrf: str = "", active: str = "",
           headers: dict | None = None, **context) -> HTMLResponse:
    """templates/studio/<name>.html.j2 as a response."""
    template = environment().get_template(f"studio/{name}.html.j2")
    html = template.render(style=report_style(), csrf=csrf, nav=NAV, active=active,
                           **context)
    return HTMLResponse(html, status_code=status, headers=headers)


def message(title: str, text: str, *, status: int, link: tuple[str, str] = ("/", "Questions"),
            csrf: str = "") -> HTMLResponse:
    """A page that says one thing (errors: 401, 403, 404, 413, 422, 500)."""
    return render("message", status=status, title=title, text=text, link=link, csrf=csrf)
