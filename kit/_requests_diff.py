"""Every way two requests differ, as Differences, and a request with chosen ones transplanted.

``differences(good, bad)`` lists what differs: method, URL parts, each query parameter, each
header (by lower-case name), each cookie, the body, header-name case, header order, HTTP
version, TLS stack and proxy. Values are masked for display; values the two share are never
listed. ``transplant(bad, good, chosen)`` is the failing request with the chosen differences
taken from the working one: the step delta debugging repeats.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ._reqspec import RequestSpec
from ._secrets import is_secret_param, mask, mask_header_value, mask_url

KINDS = ("method", "url", "query", "header", "header_case", "header_order", "cookie", "body",
         "http_version", "tls", "proxy")
_SKIP = frozenset({"host", "cookie", "content-length", "transfer-encoding"})
_MASKED = "[secure"


@dataclass(frozen=True, slots=True)
class Difference:
    """One way the working (good) and failing (bad) requests differ; values masked, None
    where a request lacks it."""

    kind: str
    name: str
    good: str | None
    bad: str | None
    key: tuple[str, str] = field(default=("", ""), repr=False, compare=False)

    def describe(self) -> str:
        """'header user-agent: "Mozilla/5.0 …" here, "python-httpx/0.28" in yours'."""
        def shown(v: str | None) -> str:
            return "(absent)" if v is None else repr(v if len(v) <= 80 else v[:77] + "…")
        label = self.kind.replace("_", " ") + ("" if self.name == self.kind else f" {self.name}")
        return f"{label}: {shown(self.good)} in the working request, {shown(self.bad)} in yours"


def differences(good: RequestSpec, bad: RequestSpec) -> list[Difference]:
    """What differs between the two, in a stable order (see KINDS); values masked."""
    out: list[Difference] = []
    if good.method != bad.method:
        out.append(_d("method", "method", good.method, bad.method))
    g, b = urlsplit(good.url), urlsplit(bad.url)
    for part, gv, bv in (("scheme", g.scheme, b.scheme), ("host", g.netloc, b.netloc),
                         ("path", g.path or "/", b.path or "/")):
        if gv != bv:
            out.append(_d("url", part, mask_url(gv) if part == "host" else gv,
                          mask_url(bv) if part == "host" else bv))
    out += _query(g.query, b.query)
    gh, bh = _grouped(good.headers), _grouped(bad.headers)
    for name in _union(gh, bh):
        if name in _SKIP or gh.get(name) == bh.get(name):
            continue
        out.append(_d("header", name, _show(name, gh.get(name)), _show(name, bh.get(name))))
    out += _case(good.headers, bad.headers)
    order_g, order_b = _common_order(good.headers, bad.headers)
    if order_g != order_b:
        out.append(_d("header_order", "header order", ", ".join(order_g), ", ".join(order_b)))
    gc, bc = _grouped(cookies(good)), _grouped(cookies(bad))
    for name in _union(gc, bc):
        if gc.get(name) != bc.get(name):
            out.append(_d("cookie", name, None if name not in gc else mask(gc[name]),
                          None if name not in bc else mask(bc[name])))
    if (good.body or b"") != (bad.body or b""):
        out.append(_d("body", "body", _body(good.body), _body(bad.body)))
    for kind, gv, bv in (("http_version", good.http_version, bad.http_version),
                         ("tls", good.tls, bad.tls),
                         ("proxy", mask_url(good.proxy), mask_url(bad.proxy))):
        if gv != bv:
            out.append(_d(kind, kind, gv or "(none)", bv or "(none)"))
    return out


def _d(kind: str, name: str, good: str | None, bad: str | None) -> Difference:
    return Difference(kind, name, good, bad, key=(kind, name))


def _union(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return list(dict.fromkeys([*a, *b]))


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """lower-case name -> values joined by ', ' (in order)."""
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k.lower(), []).append(v)
    return {k: ", ".join(v) for k, v in out.items()}


def _show(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    shown = mask_header_value(name, value)
    return mask_url(shown) if name in ("referer", "origin") else shown


def _body(body: bytes | None) -> str | None:
    if not body:
        return None
    return f"{len(body)} bytes #{hashlib.sha256(body).hexdigest()[:6]}"


def _query(good: str, bad: str) -> list[Difference]:
    gq, bq = _params(good), _params(bad)
    out = []
    for name in _union(gq, bq):
        if gq.get(name) != bq.get(name):
            def show(v: str | None, n: str = name) -> str | None:
                return None if v is None else (mask(v) if is_secret_param(n) else v)
            out.append(_d("query", name, show(gq.get(name)), show(bq.get(name))))
    if not out and good != bad:
        out.append(_d("query", "encoding", mask_url("?" + good)[1:], mask_url("?" + bad)[1:]))
    return out


def _params(query: str) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for k, v in parse_qsl(query, keep_blank_values=True):
        out.setdefault(k, []).append(v)
    return {k: "&".join(v) for k, v in out.items()}


def _case(good: Sequence[tuple[str, str]], bad: Sequence[tuple[str, str]]) -> list[Difference]:
    spelled = {k.lower(): k for k, _ in good}
    changed = [(spelled[k.lower()], k) for k, _ in bad
               if k.lower() in spelled and spelled[k.lower()] != k and k.lower() != "host"]
    if not changed:
        return []
    pairs = list(dict.fromkeys(changed))
    return [_d("header_case", "header-name case", ", ".join(g for g, _ in pairs),
               ", ".join(b for _, b in pairs))]


def _common_order(good: Sequence[tuple[str, str]], bad: Sequence[tuple[str, str]]
                  ) -> tuple[list[str], list[str]]:
    gn = list(dict.fromkeys(k.lower() for k, _ in good))
    bn = list(dict.fromkeys(k.lower() for k, _ in bad))
    shared = set(gn) & set(bn)
    return [n for n in gn if n in shared], [n for n in bn if n in shared]


def cookies(spec: RequestSpec) -> list[tuple[str, str]]:
    """The Cookie header's pairs, in order."""
    out = []
    for k, v in spec.headers:
        if k.lower() == "cookie":
            for part in v.split(";"):
                name, sep, value = part.strip().partition("=")
                if sep:
                    out.append((name, value))
    return out


def transplant(bad: RequestSpec, good: RequestSpec, chosen: Iterable[Difference]
               ) -> RequestSpec:
    """The failing request with the chosen differences taken from the working one."""
    keys = {d.key for d in chosen}
    kinds = {k for k, _ in keys}
    method = good.method if ("method", "method") in keys else bad.method
    g, b = urlsplit(good.url), urlsplit(bad.url)
    scheme = g.scheme if ("url", "scheme") in keys else b.scheme
    netloc = g.netloc if ("url", "host") in keys else b.netloc
    path = g.path if ("url", "path") in keys else b.path
    query = b.query
    if ("query", "encoding") in keys:
        query = g.query
    elif "query" in kinds:
        query = _merge_query(g.query, b.query, {n for k, n in keys if k == "query"})
    url = urlunsplit((scheme, netloc, path, query, b.fragment))
    headers = list(bad.headers)
    for name in [n for k, n in keys if k == "header"]:
        headers = _set_header(headers, name, [(k, v) for k, v in good.headers
                                              if k.lower() == name])
    wanted = {n for k, n in keys if k == "cookie"}
    if wanted:
        headers = _set_cookies(headers, cookies(good), cookies(bad), wanted)
    if ("url", "host") in keys:
        headers = [(k, netloc if k.lower() == "host" else v) for k, v in headers]
    if "header_case" in kinds:
        spelled = {k.lower(): k for k, _ in good.headers}
        headers = [(spelled.get(k.lower(), k), v) for k, v in headers]
    if "header_order" in kinds:
        rank = {n: i for i, n in enumerate(dict.fromkeys(k.lower() for k, _ in good.headers))}
        headers = sorted(headers, key=lambda kv: rank.get(kv[0].lower(), len(rank)))
    return bad.with_(
        method=method, url=url, headers=tuple(headers),
        body=good.body if "body" in kinds else bad.body,
        http_version=good.http_version if "http_version" in kinds else bad.http_version,
        tls=good.tls if "tls" in kinds else bad.tls,
        proxy=good.proxy if "proxy" in kinds else bad.proxy)


def _merge_query(good: str, bad: str, names: set[str]) -> str:
    gq = parse_qsl(good, keep_blank_values=True)
    bq = parse_qsl(bad, keep_blank_values=True)
    kept = [(k, v) for k, v in bq if k not in names]
    moved = [(k, v) for k, v in gq if k in names]
    return urlencode(kept + moved)


def _set_header(headers: list[tuple[str, str]], name: str, values: list[tuple[str, str]]
                ) -> list[tuple[str, str]]:
    at = next((i for i, (k, _) in enumerate(headers) if k.lower() == name), None)
    rest = [(k, v) for k, v in headers if k.lower() != name]
    if at is None:
        return rest + values
    at = sum(1 for k, _ in headers[:at] if k.lower() != name)
    return rest[:at] + values + rest[at:]


def _set_cookies(headers: list[tuple[str, str]], good: list[tuple[str, str]],
                 bad: list[tuple[str, str]], names: set[str]) -> list[tuple[str, str]]:
    jar = [(k, v) for k, v in bad if k not in names] + [(k, v) for k, v in good if k in names]
    value = [("Cookie", "; ".join(f"{k}={v}" for k, v in jar))] if jar else []
    spelled = next((k for k, _ in headers if k.lower() == "cookie"), "Cookie")
    return _set_header(headers, "cookie", [(spelled, v) for _, v in value])


def unmask(bad: RequestSpec, good: RequestSpec) -> tuple[RequestSpec, list[str]]:
    """A failing request read from a masked record: each masked header value the working
    request holds too (same length and fingerprint) gets the real value back, so it can be
    replayed; the others are listed (they cannot be sent as they were)."""
    real = {k.lower(): v for k, v in good.headers}
    headers: list[tuple[str, str]] = []
    lost: list[str] = []
    for k, v in bad.headers:
        if _MASKED in v:
            candidate = real.get(k.lower())
            if candidate is not None and mask_header_value(k, candidate) == v:
                v = candidate
            else:
                lost.append(k)
        headers.append((k, v))
    url = bad.url
    b, g = urlsplit(bad.url), urlsplit(good.url)
    if "secure" in b.query:
        known = dict(parse_qsl(g.query, keep_blank_values=True))
        pairs = []
        for k, v in parse_qsl(b.query, keep_blank_values=True):
            if v.startswith(_MASKED):
                if k in known and mask(known[k]) == v:
                    v = known[k]
                else:
                    lost.append(f"query {k}")
            pairs.append((k, v))
        url = urlunsplit((b.scheme, b.netloc, b.path, urlencode(pairs), b.fragment))
    return bad.with_(headers=tuple(headers), url=url), lost
