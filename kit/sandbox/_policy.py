"""Route families for the ``security_policy`` scenarios: a WAF, CSRF and a bot challenge."""

from __future__ import annotations

import re
import uuid
from html import escape
from urllib.parse import parse_qs, unquote_plus

from starlette.requests import Request
from starlette.responses import Response

from . import _keys as keys
from ._access import ITEMS
from ._pages import (
    challenge_page,
    csrf_failure_page,
    html,
    index,
    json_response,
    nginx,
    not_found,
    waf_block_page,
)
from ._state import Handler, State

BLOCKED_AGENTS = ("python-httpx", "python-requests", "python-urllib", "curl", "wget",
                  "go-http-client", "okhttp", "axios", "node-fetch", "java/", "libwww-perl",
                  "aiohttp", "httpie")
"""User-Agent prefixes of default HTTP clients that the UA rule refuses (lower case)."""

ATTACK_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"'\s*(or|and)\s+'?\w+'?\s*=\s*'?\w+",   # tautology: ' OR '1'='1
    r"\bunion\b.*\bselect\b",
    r";\s*(drop|delete|insert|update)\s",
    r"<\s*script",
    r"javascript:",
    r"\.\.[/\\]",                             # path traversal
))


def agent_blocked(user_agent: str) -> bool:
    """True for an empty User-Agent or one of a default HTTP client."""
    agent = user_agent.strip().lower()
    return not agent or agent.startswith(BLOCKED_AGENTS)


async def waf_user_agent(request: Request, rest: str, state: State) -> Response:
    """A UA rule in front of the whole API; behind it, items need a live key."""
    if agent_blocked(request.headers.get("user-agent", "")):
        return nginx(403)
    if rest == "":
        return index("items-api", ["items"])
    if rest != "items":
        return nginx(404)
    if request.headers.get("x-api-key") != keys.LIVE:
        return nginx(401)
    return json_response(200, ITEMS)


async def waf_injection(request: Request, rest: str, state: State) -> Response:
    """A payload-inspecting WAF: SQL, script and traversal fragments are blocked."""
    raw_path = unquote_plus(request.scope.get("raw_path", b"").decode("latin-1"))
    body = (await request.body()).decode("utf-8", "replace")
    inspected = (raw_path, unquote_plus(request.url.query), unquote_plus(body))
    if any(p.search(part) for p in ATTACK_PATTERNS for part in inspected):
        incident = uuid.uuid4().hex[:20]
        return html(403, waf_block_page(incident, state.now()),
                    {"x-sandbox-waf": "block", "cache-control": "no-store"})
    if rest == "":
        return index("search-api", ["search"])
    if rest != "search":
        return not_found()
    query = request.query_params.get("q", "")
    hits = [item for item in ITEMS if query.lower() in str(item["name"])]
    return json_response(200, {"query": query, "results": hits})


_FORM = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>New item</title></head>
<body><form method="post" action="{action}">
<input type="hidden" name="csrfmiddlewaretoken" value="{token}">
<input name="name"> <button type="submit">Save</button>
</form></body></html>
"""


async def csrf(request: Request, rest: str, state: State) -> Response:
    """A Django site: the form page sets ``csrftoken``; a POST must echo it back."""
    if rest == "":
        return index("items-site", ["items", "items/new"])
    if rest == "items/new":
        page = _FORM.format(action=request.url.path.removesuffix("/new"), token=state.csrf)
        response = html(200, page)
        response.set_cookie("csrftoken", state.csrf, max_age=31449600, samesite="lax")
        return response
    if rest != "items":
        return html(404, "<h1>Not Found</h1><p>The requested resource was not found.</p>")
    if request.method in {"GET", "HEAD"}:
        return json_response(200, ITEMS)
    cookie = request.cookies.get("csrftoken")
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    token = request.headers.get("x-csrftoken") or form.get("csrfmiddlewaretoken", [""])[0]
    if not cookie or not token or token != cookie:
        return html(403, csrf_failure_page(no_cookie=not cookie))
    name = form.get("name", ["item"])[0]
    return html(200, f"<!DOCTYPE html><p>Item &ldquo;{escape(name[:40])}&rdquo; saved.</p>\n")


async def bot_challenge(request: Request, rest: str, state: State) -> Response:
    """Bot protection: no clearance cookie, no entry; a JavaScript page sets the cookie."""
    if request.cookies.get("sbx_clearance") != state.clearance:
        return html(403, challenge_page(state.clearance),
                    {"x-bot-challenge": "js", "cache-control": "no-cache, no-store"})
    if rest == "":
        return index("items-api", ["items"])
    if rest != "items":
        return not_found()
    return json_response(200, ITEMS)


HANDLERS: dict[str, Handler] = {
    "waf-user-agent": waf_user_agent,
    "waf-injection": waf_injection,
    "csrf-missing": csrf,
    "bot-challenge": bot_challenge,
}
