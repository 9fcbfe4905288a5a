"""The studio's access token, CSRF tokens and security headers.

The token lives in `<data>/token` (mode 600) and is printed in the start URL, as Jupyter
does. Opening that URL sets an HttpOnly, SameSite=Strict cookie; pages need the cookie, the
JSON API needs `Authorization: Bearer <token>`. Every form carries a CSRF token derived from
the access token (HMAC), checked on every form POST.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from ..errors import EvaluatorError

COOKIE = "studio_token"
CSRF_FIELD = "csrf"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,128}")

#: no script but the studio's own file; inline style is allowed because the report's
#: markup colours each dimension with a style attribute (hashes cannot cover attributes)
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'")

HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class TokenError(EvaluatorError):
    pass


def load_token(data_dir: Path) -> str:
    """The access token of a data folder: the one in `<data>/token` if it is well formed,
    else a new one written there with mode 600."""
    path = Path(data_dir) / "token"
    try:
        token = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        token = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise TokenError(f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    if _TOKEN.fullmatch(token):
        os.chmod(path, 0o600)
        return token
    token = secrets.token_urlsafe(32)
    temporary = path.with_name(f".token.{secrets.token_hex(4)}")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(handle, "w", encoding="ascii") as out:
        out.write(token + "\n")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return token


def same(a: str | None, b: str) -> bool:
    return bool(a) and hmac.compare_digest(str(a).encode(), b.encode())


def bearer(headers) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def csrf_token(token: str) -> str:
    """The CSRF token of every form: fixed for an access token, useless without it."""
    return hmac.new(token.encode(), b"studio form", hashlib.sha256).hexdigest()


def is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "::1", "localhost") or host.startswith("127.")


class SecurityHeaders:
    """ASGI middleware: the headers above on every response, and no caching of pages."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", [])
                           if h[0].lower() not in {name for name, _ in HEADERS}]
                headers.extend(HEADERS)
                if not any(h[0].lower() == b"cache-control" for h in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
