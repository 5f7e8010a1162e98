"""Differential probes: variants of the baseline request that each change exactly one thing.

Everything here is pure: it takes the baseline Probe (and what came back) and returns the
Probes worth sending, most informative first. The triage decides how many it can afford.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ._exchange import Exchange
from ._probe import Probe
from ._secrets import is_secret_header, is_secret_param
from ._tokens import fake_like

NO_CREDENTIALS = "no credentials"
FAKE_CREDENTIAL = "fake credential"
BROWSER_UA = "browser User-Agent"
PARENT_PATH = "parent path"
ROOT_PATH = "root path"
SLASH_TOGGLED = "trailing slash toggled"
PREFLIGHT = "OPTIONS preflight"
HEAD = "HEAD"
IPV4 = "IPv4 only"
IPV6 = "IPv6 only"
REPEAT = "repeat after pause"
SIBLING = "nonexistent sibling path"
REDIRECT = "redirect followed"
AS_GET = "GET on the same path"

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
_BROWSER = re.compile(r"^Mozilla/5\.0 \(", re.IGNORECASE)
_SCHEME_WORDS = ("bearer ", "basic ", "token ", "apikey ", "key ", "sso-key ")


def credential_headers(probe: Probe) -> list[str]:
    """Names of the headers in this probe that may carry a credential."""
    return [k for k, _ in probe.headers if is_secret_header(k) and k.lower() != "user-agent"]


def credential_params(url: str) -> list[str]:
    return [k for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)
            if is_secret_param(k)]


def has_credentials(probe: Probe) -> bool:
    return bool(credential_headers(probe) or credential_params(probe.url)
                or urlsplit(probe.url).password)


def without_credentials(probe: Probe) -> Probe:
    parts = urlsplit(probe.url)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not is_secret_param(k)])
    netloc = parts.netloc.rpartition("@")[2]
    url = urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return probe.with_(url=url, headers=probe.without_headers(*credential_headers(probe)),
                       label=NO_CREDENTIALS)


def with_fake_credentials(probe: Probe, *, seed: int = 403) -> Probe:
    """Every credential replaced by a same-shaped fake; the scheme word is kept."""
    headers = []
    secret_names = {n.lower() for n in credential_headers(probe)}
    for name, value in probe.headers:
        if name.lower() in secret_names:
            scheme = next((w for w in _SCHEME_WORDS if value.lower().startswith(w)), "")
            value = value[: len(scheme)] + fake_like(value[len(scheme):], seed=seed)
        headers.append((name, value))
    parts = urlsplit(probe.url)
    pairs = [(k, fake_like(v, seed=seed) if is_secret_param(k) else v)
             for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs), parts.fragment))
    return probe.with_(url=url, headers=tuple(headers), label=FAKE_CREDENTIAL)


def is_browser_like(user_agent: str | None) -> bool:
    return bool(user_agent and _BROWSER.match(user_agent))


def with_browser_ua(probe: Probe) -> Probe:
    headers = (*probe.without_headers("user-agent"), ("User-Agent", BROWSER_USER_AGENT))
    return probe.with_(headers=headers, label=BROWSER_UA)


def with_path(probe: Probe, path: str, label: str) -> Probe:
    parts = urlsplit(probe.url)
    return probe.with_(url=urlunsplit((parts.scheme, parts.netloc, path, parts.query, "")),
                       label=label, method="GET" if probe.method not in SAFE_METHODS else
                       probe.method, content=None)


def parent_path(path: str) -> str | None:
    """'/a/b/c' -> '/a/b/'; '/a/b/' -> '/a/'; '/a' or '/' -> None (the root is its own probe)."""
    segments = [s for s in path.split("/") if s]
    if len(segments) < 2:
        return None
    return "/" + "/".join(segments[:-1]) + "/"


def sibling_path(path: str) -> str:
    """A path next to this one that no API defines: '/api/orders' -> '/api/fk-no-such-route'."""
    head = path.rstrip("/").rpartition("/")[0]
    return f"{head}/fk-no-such-route-{secrets.token_hex(3)}"


def toggled_slash(path: str) -> str | None:
    if path in ("", "/"):
        return None
    return path[:-1] if path.endswith("/") else path + "/"


def preflight(probe: Probe) -> Probe:
    """A CORS preflight for the baseline: OPTIONS with Origin and the method and headers asked."""
    asked = ", ".join(sorted({k.lower() for k, _ in probe.headers
                              if k.lower() not in ("user-agent", "accept", "host")}))
    headers = [("Origin", "https://forbidden-kit.example"),
               ("Access-Control-Request-Method", probe.method)]
    if asked:
        headers.append(("Access-Control-Request-Headers", asked))
    return probe.with_(method="OPTIONS", headers=tuple(headers), content=None, label=PREFLIGHT)


def plan(probe: Probe, *, dual_stack: tuple[str, ...] = (), unsafe_ok: bool = False
         ) -> list[Probe]:
    """Variants worth sending for this baseline, most informative first.

    ``dual_stack`` names the address families the host resolves to that were not used by the
    baseline ("4" or "6"). Non-idempotent methods are never replayed unless ``unsafe_ok``.
    """
    replay = probe.method.upper() in SAFE_METHODS or unsafe_ok
    path = urlsplit(probe.url).path or "/"
    out: list[Probe] = []
    if replay and has_credentials(probe):
        out += [without_credentials(probe), with_fake_credentials(probe)]
    if probe.method.upper() not in ("GET", "HEAD"):  # safe to send, whatever the method was
        out.append(probe.with_(method="GET", content=None, label=AS_GET))
    if replay:
        for family in dual_stack:
            address = "0.0.0.0" if family == "4" else "::"  # noqa: S104 - binds the family only
            out.append(probe.with_(local_address=address, label=IPV4 if family == "4" else IPV6))
    if replay and not is_browser_like(probe.header("user-agent")):
        out.append(with_browser_ua(probe))
    slash = toggled_slash(path)
    if replay and slash:
        out.append(with_path(probe, slash, SLASH_TOGGLED))
    parent = parent_path(path)
    if parent:
        out.append(with_path(probe, parent, PARENT_PATH))
    out.append(preflight(probe))
    if path != "/":
        out.append(with_path(probe, "/", ROOT_PATH))
        out.append(with_path(probe, sibling_path(path), SIBLING))
    if replay and probe.method.upper() == "GET":
        out.append(probe.with_(method="HEAD", label=HEAD))
    return out


def redirect_target(exchange: Exchange, base_url: str) -> str | None:
    """The absolute Location of a redirect answer (relative ones resolved on base_url)."""
    if exchange.status not in (301, 302, 303, 307, 308):
        return None
    location = exchange.header("location")
    return urljoin(base_url, location) if location else None


def same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.hostname, pa.port) == (pb.scheme, pb.hostname, pb.port)
