"""Security policy: a WAF, bot protection, CSRF or another security rule blocked the request.

Single-response evidence: block and challenge pages (the catalogue names products), an
attack-looking payload in the request. Differential evidence: a browser-like User-Agent gets
through where the client's default one is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote_plus

from .._causes import Cause
from .._diagnosis import Signal
from .._http.exchange import Exchange
from .._variants import BROWSER_UA
from ._evidence import Evidence, let_through, refused, status_of

CAUSE = Cause.SECURITY_POLICY
OWASP = "https://owasp.org/www-project-modsecurity-core-rule-set/"
_ATTACK = re.compile(
    r"('|%27)\s*(or|and)\s*'?\d*'?\s*=|union\s+select|;\s*drop\s+table|--\s*$|"
    r"<\s*script|javascript:|onerror\s*=|\.\./|%2e%2e|/etc/passwd|\$\{jndi:|<!entity",
    re.IGNORECASE,
)
_CLIENT_UA = re.compile(
    r"^(python-httpx|python-requests|python-urllib|curl|wget|go-http-client|okhttp|axios|"
    r"node-fetch|undici|java/|apache-httpclient|libwww-perl|ruby|postmanruntime|insomnia|"
    r"forbidden-kit)", re.IGNORECASE,
)


def signals(ex: Exchange, *, now: dt.datetime) -> list[Signal]:
    if not refused(ex):
        return []
    out: list[Signal] = []
    found = _ATTACK.search(unquote_plus(ex.url))
    if found:
        out.append(Signal(CAUSE, 0.4, f"the request URL contains text that looks like an attack "
                          f"payload ({found.group(0).strip()!r}), which WAF rules block",
                          fix="Encode or remove the attack-looking text, or ask for a WAF "
                          "exception for this parameter.", source=OWASP, check="payload"))
    agent = ex.request_header("user-agent")
    if ex.request_headers and (agent is None or not agent.strip()):
        out.append(Signal(CAUSE, 0.25, "the request has no User-Agent header; some APIs and "
                          "bot rules refuse such requests", fix="Send a descriptive "
                          "User-Agent, e.g. 'my-app/1.2 (ops@example.com)'.", check="user-agent"))
    elif agent is not None and _CLIENT_UA.match(agent) and ex.content_type == "text/html":
        out.append(Signal(CAUSE, 0.1, f"the refusal is an HTML page and the User-Agent is a "
                          f"default client one ({agent.split('/')[0]})", check="user-agent"))
    return out


def differential(ev: Evidence) -> list[Signal]:
    base, browser = ev.baseline, ev.get(BROWSER_UA)
    if browser is None or not refused(base) or not let_through(browser):
        return []
    agent = base.request_header("user-agent") or "none"
    return [Signal(CAUSE, 0.85, f"with a browser-like User-Agent: {status_of(browser)}; with "
                   f"yours ({agent}): {status_of(base)}, so a bot or User-Agent rule blocks "
                   "the client", fix="Send a descriptive, non-default User-Agent that the API "
                   "owner can allow (and ask them to allow it), rather than impersonating a "
                   "browser.", check="differential",
                   key="browser-ua")]
