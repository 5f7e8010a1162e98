"""Response builders in the formats real servers use: nginx pages, JSON, problem documents."""

from __future__ import annotations

import email.utils
import json
import uuid
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

_REASONS = {301: "Moved Permanently", 401: "Authorization Required", 403: "Forbidden",
            404: "Not Found"}


def nginx_page(status: int) -> bytes:
    """The bytes of nginx's bare error page for ``status`` (``server_tokens off``)."""
    title = f"{status} {_REASONS[status]}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode("ascii")


GENERIC_PAGE = nginx_page(403)
"""The bare generic 403 page every ``generic`` scenario answers with."""


def nginx(status: int = 403, headers: Mapping[str, str] | None = None) -> Response:
    """nginx's bare page: ``text/html``, ``Server: nginx``, and no other hint."""
    return Response(nginx_page(status), status,
                    {"content-type": "text/html", "server": "nginx", **(headers or {})})


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None, *,
                  media_type: str = "application/json") -> Response:
    """A compact JSON body with ``media_type``."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Response(body, status, {"content-type": media_type, **(headers or {})})


def html(status: int, body: str, headers: Mapping[str, str] | None = None) -> Response:
    """An HTML page in UTF-8."""
    return Response(body.encode(), status,
                    {"content-type": "text/html; charset=utf-8", **(headers or {})})


def index(name: str, endpoints: list[str]) -> Response:
    """The public root of a route family: a short JSON description, 200."""
    return json_response(200, {"api": name, "status": "ok", "endpoints": endpoints})


def not_found() -> Response:
    """A plain JSON 404 for paths a family does not know."""
    return json_response(404, {"error": "not_found", "message": "No such resource"})


def bearer_challenge(status: int, *, realm: str | None = "sandbox", error: str | None = None,
                     description: str | None = None, scope: str | None = None,
                     body: Any = None) -> Response:
    """An RFC 6750 answer: ``WWW-Authenticate: Bearer ...`` with a JSON body."""
    params = [(k, v) for k, v in (("realm", realm), ("error", error),
                                  ("error_description", description), ("scope", scope)) if v]
    challenge = "Bearer " + ", ".join(f'{k}="{v}"' for k, v in params)
    if body is None:
        body = ({"error": error, "error_description": description} if error
                else {"message": "Authentication required"})
    return json_response(status, body, {"www-authenticate": challenge.rstrip()})


def aws_error(message: str, error_type: str, status: int = 403) -> Response:
    """AWS API Gateway's error answer: ``{"message": ...}`` and its x-amzn headers."""
    return json_response(status, {"message": message}, {
        "x-amzn-requestid": str(uuid.uuid4()),
        "x-amzn-errortype": error_type,
        "x-amz-apigw-id": uuid.uuid4().hex[:16],
    })


def google_error(code: int, status: str, message: str, details: list[dict[str, Any]] | None = None
                 ) -> Response:
    """The google.rpc.Status JSON that Google APIs (and their imitators) answer with."""
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details:
        error["details"] = details
    return json_response(code, {"error": error}, media_type="application/json; charset=UTF-8")


def error_info(reason: str, **metadata: str) -> dict[str, Any]:
    """A ``google.rpc.ErrorInfo`` detail entry."""
    return {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason,
            "domain": "googleapis.com", "metadata": metadata}


def http_date(epoch: float) -> str:
    """An IMF-fixdate for a Date header."""
    return email.utils.formatdate(epoch, usegmt=True)


def waf_block_page(incident: str, when: float) -> str:
    """The sandbox WAF's own block page (wording in the style of real WAF pages)."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Request blocked</title></head>
<body>
<h1>Request blocked</h1>
<p>This request was blocked by a security rule of the web application firewall that
protects this site. The request was not passed to the application.</p>
<p>If you think this is a mistake, contact the site's support team and quote the
incident ID below.</p>
<p>Incident ID: {incident}<br>Time: {http_date(when)}</p>
</body>
</html>
"""


def csrf_failure_page(*, no_cookie: bool) -> str:
    """Django's CSRF failure page as served with ``DEBUG = False``."""
    cookie_note = (
        "\n  <p>You are seeing this message because this site requires a CSRF cookie when "
        "submitting forms. This cookie is required for security reasons, to ensure that your "
        "browser is not being hijacked by third parties.</p>\n  <p>If you have configured your "
        "browser to disable cookies, please re-enable them, at least for this site, or for "
        "\u201csame-origin\u201d requests.</p>\n" if no_cookie else "\n")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta http-equiv="content-type" content="text/html; charset=utf-8">
  <meta name="robots" content="NONE,NOARCHIVE">
  <title>403 Forbidden</title>
</head>
<body>
<div id="summary">
  <h1>Forbidden <span>(403)</span></h1>
  <p>CSRF verification failed. Request aborted.</p>
{cookie_note}</div>

<div id="explanation">
  <p><small>More information is available with DEBUG=True.</small></p>
</div>
</body>
</html>
"""


def challenge_page(clearance: str) -> str:
    """A JavaScript bot challenge: running the script sets the clearance cookie and reloads."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="robots" content="noindex,nofollow">
<title>Checking your browser...</title></head>
<body>
<h1>Checking your browser...</h1>
<p>This check is automatic. Your browser will be redirected to the requested page shortly.</p>
<noscript><p>Please enable JavaScript and cookies to continue.</p></noscript>
<script>
document.cookie = "sbx_clearance={clearance}; path=/; SameSite=Lax";
setTimeout(function () {{ location.reload(); }}, 1500);
</script>
</body>
</html>
"""
