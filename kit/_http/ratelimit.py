"""Every rate-limit header convention, read into one normalised `RateLimit` value.

    convention      headers it reads
    github          x-ratelimit-limit/-remaining/-used/-reset (epoch s)/-resource
    discord         X-RateLimit-* with -Bucket/-Global/-Scope; -Reset-After (seconds)
    x-ratelimit     generic X-RateLimit-Limit/-Remaining/-Reset/-Reset-After/-Policy
    x-rate-limit    X-Rate-Limit-Limit/-Remaining/-Reset (Twitter and others)
    ietf            RateLimit: "name";r=..;t=..  with  RateLimit-Policy: "name";q=..;w=..
    ietf-draft-07   RateLimit: limit=.., remaining=.., reset=..  with  RateLimit-Policy: 100;w=60
    ietf-draft      RateLimit-Limit/-Remaining/-Reset (delta s) with RateLimit-Policy (drafts <= 06)
    kong            X-RateLimit-{Limit,Remaining}-[name-]{Second..Year}; Kong's RateLimit-* too
    openai          x-ratelimit-{limit,remaining,reset}-{requests,tokens}; resets like 6m0s
    anthropic       anthropic-ratelimit-{requests,tokens,input-tokens,...}-{limit,remaining,reset}
    shopify         X-Shopify-Shop-Api-Call-Limit: used/limit
    retry-after     Retry-After alone (it also fills `retry_after` on every other convention)

Where a reset can be epoch seconds, delta seconds, epoch milliseconds or a date, the
magnitude relative to `now` decides, and `reset_format` says which reading was taken.
Every parser is pure, takes `now=`, and ignores a malformed value rather than raising.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

UTC = dt.UTC
MAX_DELAY = dt.timedelta(days=366)
"""Delays and delta resets beyond this are treated as garbage, not as a plan."""
_TEN_YEARS = 10 * 366 * 86400.0
_WINDOWS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "month": 30 * 86400,
            "year": 365 * 86400}  # Kong's month and year, approximated for display
_GO_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
_FIELD = r"(?P<field>limit|remaining|reset)"
_GROUPED = (  # first match wins, so Kong's windows are never read as OpenAI resources
    ("kong", re.compile(rf"x-ratelimit-{_FIELD}-(?:(?P<res>.+)-)?"
                        r"(?P<unit>second|minute|hour|day|month|year)")),
    ("openai", re.compile(rf"x-ratelimit-{_FIELD}-(?P<res>(?!after$)[a-z][a-z0-9_-]*)")),
    ("anthropic", re.compile(rf"anthropic-ratelimit-(?P<res>.+)-{_FIELD}")),
)
_CONVENTIONS = {  # convention: (label, the reset format its documentation promises)
    "github": ("GitHub-style limit", "epoch-seconds"),
    "discord": ("Discord-style limit", "delta-seconds"),
    "x-ratelimit": ("X-RateLimit limit", None),  # no promise: every reading is worth saying
    "x-rate-limit": ("X-Rate-Limit limit", "epoch-seconds"),
    "ietf": ("IETF RateLimit", "delta-seconds"),
    "ietf-draft-07": ("IETF RateLimit (draft 07)", "delta-seconds"),
    "ietf-draft": ("IETF draft RateLimit-* limit", "delta-seconds"),
    "kong": ("Kong limit", "delta-seconds"),
    "openai": ("OpenAI-style limit", "duration"),
    "anthropic": ("Anthropic-style limit", "rfc3339"),
    "shopify": ("Shopify call limit", None),
    "retry-after": ("Retry-After", None),
}


@dataclass(frozen=True, slots=True)
class RateLimit:
    """One rate limit read from response headers, in any convention, normalised."""

    convention: str
    limit: int | None = None
    remaining: int | None = None
    reset: dt.datetime | None = None
    window: dt.timedelta | None = None
    resource: str | None = None
    policy: str | None = None
    headers: tuple[str, ...] = ()
    retry_after: dt.timedelta | None = None
    reset_format: str | None = None

    def _repr_html_(self) -> str:
        return _rate_limit_html(self)

    @property
    def exhausted(self) -> bool:
        """Nothing left, or no count given but the server asked the caller to wait."""
        if self.remaining is not None:
            return self.remaining <= 0
        return self.retry_after is not None and self.retry_after > dt.timedelta(0)

    @property
    def used_fraction(self) -> float | None:
        """Share of the limit already spent, in [0, 1]; None without both counts."""
        if self.limit is None or self.remaining is None:
            return None
        if self.limit <= 0:
            return 1.0
        return min(1.0, max(0.0, (self.limit - self.remaining) / self.limit))

    def reset_after(self, now: dt.datetime) -> dt.timedelta | None:
        """Time from `now` until the reset, clamped at zero; None when no reset is known."""
        if self.reset is None:
            return None
        return max(self.reset - _utc(now), dt.timedelta(0))

    def describe(self, *, now: dt.datetime) -> str:
        """A plain sentence: convention, counts, resource, window, reset and any Retry-After."""
        now = _utc(now)
        label, promised = _CONVENTIONS.get(self.convention, (self.convention, None))
        if self.convention == "retry-after" and self.retry_after is not None:
            text = f"{label}: the server asks to wait {human_span(self.retry_after)}"
        elif self.remaining is not None and self.limit is not None:
            text = f"{label}: {self.remaining} of {self.limit} left"
        elif self.remaining is not None:
            text = f"{label}: {self.remaining} left"
        else:
            text = f"{label}: " + (f"limit {self.limit}" if self.limit is not None else "no counts")
        noun = "policy" if self.convention == "ietf" else "resource"
        details = [f"{noun} {self.resource}"] if self.resource else []
        if self.window is not None:
            details.append(f"{human_span(self.window)} window")
        text += f" ({', '.join(details)})" if details else ""
        if self.reset is not None:
            fmt = "%H:%M:%S UTC" if self.reset.date() == now.date() else "%Y-%m-%d %H:%M:%S UTC"
            delta = self.reset - now
            ahead = delta >= dt.timedelta(0)
            rel = f"in {human_span(delta)}" if ahead else f"{human_span(-delta)} ago"
            if self.convention == "retry-after":
                return f"{text} (until {self.reset.strftime(fmt)})"
            text += f", resets at {self.reset.strftime(fmt)} ({rel})"
            if self.reset_format and self.reset_format != promised:
                text += f" [reset read as {self.reset_format}]"
        if self.retry_after is not None and self.convention != "retry-after":
            text += f"; Retry-After asks to wait {human_span(self.retry_after)}"
        return text


def parse_http_date(value: str) -> dt.datetime | None:
    """IMF-fixdate, RFC 850 or asctime -> tz-aware UTC datetime; anything else gives None."""
    if not re.search(r"[A-Za-z]{3}", value) or not re.search(r"\d:\d", value):
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
        return _utc(parsed)
    except (ValueError, TypeError, OverflowError, IndexError):
        return None


def parse_retry_after(value: str, *, now: dt.datetime) -> dt.timedelta | None:
    """Delta-seconds or an HTTP-date; a past date clamps to zero; garbage gives None."""
    seconds = _number(value)
    if seconds is not None:
        return _delay(seconds)
    date = parse_http_date(value)
    if date is None:
        return None
    return _delay(max((date - _utc(now)).total_seconds(), 0.0))


def parse_duration(value: str) -> dt.timedelta | None:
    """A Go-style duration as OpenAI sends it (6m0s, 1s, 20ms, 1h2m3.5s) or bare seconds."""
    text = value.strip()
    if not re.fullmatch(r"(?:\d{1,12}(?:\.\d{1,9})?(?:ms|us|µs|ns|h|m|s))+", text):
        return _delay(_number(text))
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)", text)
    return _delay(sum(float(n) * _GO_UNITS[unit] for n, unit in parts))


def parse_rate_limits(
    headers: Iterable[tuple[str, str]] | Mapping[str, str], *, now: dt.datetime
) -> list[RateLimit]:
    """Every rate limit the headers announce, in any known convention; never raises."""
    h = _Headers(headers, _utc(now))
    found = [*_x_family(h, "x-ratelimit-"), *_x_family(h, "x-rate-limit-"), *_ietf(h),
             *_grouped(h), *_shopify(h)]
    raw = h.get("retry-after")
    wait = parse_retry_after(raw, now=h.now) if raw is not None else None
    if wait is None:
        return found
    if not found:
        fmt = "delta-seconds" if _number(raw or "") is not None else "http-date"
        return [RateLimit("retry-after", reset=h.now + wait, headers=h.seen("retry-after"),
                          retry_after=wait, reset_format=fmt)]
    return [replace(r, retry_after=wait, headers=(*r.headers, *h.seen("retry-after")))
            for r in found]


def headroom(limits: Iterable[RateLimit]) -> RateLimit | None:
    """The most constraining limit: lowest remaining share; a later reset breaks ties."""
    best: tuple[float, float] | None = None
    chosen: RateLimit | None = None
    for item in limits:
        used = 1.0 if item.exhausted else item.used_fraction
        if used is None:
            continue
        key = (1.0 - used, -(item.reset.timestamp() if item.reset else 0.0))
        if best is None or key < best:
            best, chosen = key, item
    return chosen


class _Headers:
    """Header values by lower-case name (repeats joined by ", "), remembering each spelling."""

    def __init__(self, headers: Iterable[tuple[str, str]] | Mapping[str, str], now: dt.datetime):
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        self.values: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.now = now
        for name, value in pairs:
            key = str(name).strip().lower()
            if key in self.values:
                self.values[key] += ", " + str(value)
            else:
                self.values[key], self.names[key] = str(value), str(name).strip()

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def seen(self, *keys: str) -> tuple[str, ...]:
        return tuple(self.names[k] for k in keys if k in self.names)


def _x_family(h: _Headers, p: str) -> list[RateLimit]:
    """GitHub, Discord, Twitter and the generic X-RateLimit-* / X-Rate-Limit-* family."""
    keys = [p + s for s in ("limit", "remaining", "reset", "reset-after", "used", "resource",
                            "bucket", "global", "scope", "policy")]
    if not any(k in h.values for k in keys[:9]):
        return []
    limit, remaining, used = (_int(h.get(k)) for k in (keys[0], keys[1], keys[4]))
    if remaining is None and limit is not None and used is not None:
        remaining = max(limit - used, 0)
    reset, fmt = _read_reset(h.get(keys[2]), h.now)
    after = _delay(_number(h.get(keys[3]) or ""))
    if after is not None:
        reset, fmt = h.now + after, "delta-seconds"
    policy, resource = h.get(keys[9]), h.get(keys[5])
    if keys[5] in h.values or keys[4] in h.values:
        convention = "github"
    elif any(k in h.values for k in keys[6:9]):
        is_global = (h.get(keys[7]) or "").strip().lower() == "true"
        convention, policy = "discord", "global" if is_global else h.get(keys[8])
        resource = h.get(keys[6]) or policy
    else:
        convention = p.rstrip("-")
    window = _policy_window(_sf_list(policy or ""), limit) if convention[0] == "x" else None
    return [RateLimit(convention, limit, remaining, reset, window, resource, policy,
                      h.seen(*keys), reset_format=fmt)]


def _ietf(h: _Headers) -> list[RateLimit]:
    """The IETF RateLimit fields in all three shapes the draft has had."""
    policy_text = h.get("ratelimit-policy")
    policies = _sf_list(policy_text or "")
    names = h.seen("ratelimit", "ratelimit-policy")
    items = _sf_list(h.get("ratelimit") or "")
    fields = {k.strip().lower(): v for k, eq, v in (i[0].partition("=") for i in items) if eq}
    if "remaining" in fields or "limit" in fields:  # draft 07: one dictionary
        limit, remaining = _int(fields.get("limit")), _int(fields.get("remaining"))
        reset, fmt = _read_reset(fields.get("reset"), h.now)
        return [RateLimit("ietf-draft-07", limit, remaining, reset,
                          _policy_window(policies, limit), None, policy_text, names,
                          reset_format=fmt)]
    keys = ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset")
    if any(k in h.values for k in keys):  # drafts up to 06, and Kong
        limit, remaining = _int(h.get(keys[0])), _int(h.get(keys[1]))
        if not policies and "," in (h.get(keys[0]) or ""):  # draft 03 folded policies in here
            policy_text = (h.get(keys[0]) or "").partition(",")[2].strip()
            policies = _sf_list(policy_text)
        reset, fmt = _read_reset(h.get(keys[2]), h.now)
        kong = any(_GROUPED[0][1].fullmatch(k) for k in h.values)
        return [RateLimit("kong" if kong else "ietf-draft", limit, remaining, reset,
                          _policy_window(policies, limit), None, policy_text,
                          h.seen(*keys, "ratelimit-policy"), reset_format=fmt)]
    by_name: dict[str, tuple[dict[str, str], str | None]] = {n: (p, r) for n, p, r in policies}
    states = [(name, params) for name, params, _ in items]
    states += [(n, {}) for n in by_name if n not in dict(states) and not n.isdigit()]
    out = []
    for name, params in states:  # a policy without a current state still tells limit and window
        pol, pol_raw = by_name.get(name, ({}, None))
        t = _delay(_number(params.get("t")))
        reset, fmt = (None, None) if t is None else (h.now + t, "delta-seconds")
        out.append(RateLimit("ietf", _int(pol.get("q", pol.get("l"))), _int(params.get("r")), reset,
                             _delay(_number(pol.get("w"))), name, pol_raw, names, reset_format=fmt))
    return out


def _grouped(h: _Headers) -> list[RateLimit]:
    """Kong per-window, OpenAI and Anthropic headers: one RateLimit per resource (and window)."""
    groups: dict[tuple[str, str | None, str | None], dict[str, str]] = {}
    for key in h.values:
        for convention, pattern in _GROUPED:
            if m := pattern.fullmatch(key):
                unit = m.groupdict().get("unit")
                groups.setdefault((convention, m["res"], unit), {})[m["field"]] = key
                break
    out = []
    for (convention, resource, unit), found in groups.items():
        raw = h.get(found.get("reset", ""))
        wait = parse_duration(raw) if raw is not None and convention == "openai" else None
        reset, fmt = (h.now + wait, "duration") if wait is not None else _read_reset(raw, h.now)
        window = dt.timedelta(seconds=_WINDOWS[unit]) if unit else None
        limit, remaining = (_int(h.get(found.get(f, ""))) for f in ("limit", "remaining"))
        out.append(RateLimit(convention, limit, remaining, reset, window, resource, None,
                             h.seen(*found.values()), reset_format=fmt))
    return out


def _shopify(h: _Headers) -> list[RateLimit]:
    """X-Shopify-Shop-Api-Call-Limit: 39/40 means 39 used of a bucket of 40."""
    raw = h.get("x-shopify-shop-api-call-limit") or ""
    m = re.fullmatch(r"\s*(\d{1,12})\s*/\s*(\d{1,12})\s*", raw)
    if not m:
        return []
    used, limit = int(m[1]), int(m[2])
    return [RateLimit("shopify", limit, max(limit - used, 0), policy=m[0].strip(),
                      headers=h.seen("x-shopify-shop-api-call-limit"))]


def _read_reset(value: str | None, now: dt.datetime) -> tuple[dt.datetime | None, str | None]:
    """A reset in any form; numbers are read by their magnitude relative to `now`."""
    if value is None:
        return None, None
    n = _number(value.partition(",")[0])
    if n is None:
        if (date := parse_http_date(value)) is not None:
            return date, "http-date"
        try:  # RFC 3339, as Anthropic sends it
            return _utc(dt.datetime.fromisoformat(value.strip())), "rfc3339"
        except (ValueError, OverflowError):
            return None, None
    if n <= MAX_DELAY.total_seconds():
        return now + dt.timedelta(seconds=n), "delta-seconds"
    for scale, fmt in ((1.0, "epoch-seconds"), (1000.0, "epoch-milliseconds")):
        if abs(n / scale - now.timestamp()) <= _TEN_YEARS:
            return dt.datetime.fromtimestamp(n / scale, UTC), fmt
    return None, None


def _sf_list(text: str) -> list[tuple[str, dict[str, str], str]]:
    """A forgiving Structured Field List: (item, {param: value}, raw member) per member."""
    out = []
    for member in _split(text, ","):
        head, *params = _split(member, ";") or [""]
        pairs = (p.partition("=") for p in params)
        out.append((_unquote(head), {k.strip().lower(): _unquote(v) if eq else "?1"
                                     for k, eq, v in pairs}, member))
    return out


def _split(text: str, sep: str) -> list[str]:
    """Split on `sep` outside double-quoted strings (a stray quote is dropped, never fatal)."""
    parts = re.findall(rf'(?:"(?:\\.|[^"\\])*"|[^{sep}"])+', text)
    return [p.strip() for p in parts if p.strip()]


def _unquote(value: str) -> str:
    v = value.strip()
    if len(v) >= 2 and v[0] == v[-1] == '"':
        return re.sub(r"\\(.)", r"\1", v[1:-1])
    return v


def _policy_window(
    policies: list[tuple[str, dict[str, str], str]], limit: int | None
) -> dt.timedelta | None:
    """The window of the numeric policy whose quota equals `limit`, else of the first one."""
    numeric = [(_int(name) or _int(p.get("q")), p) for name, p, _ in policies]
    matching = [p for q, p in numeric if q is not None and q == limit] or [p for _, p in numeric]
    return _delay(_number(matching[0].get("w", ""))) if matching else None


def _int(value: str | None) -> int | None:
    m = re.fullmatch(r"\s*(\d{1,18})(?:\.0*)?\s*", (value or "").partition(",")[0])
    return int(m[1]) if m else None


def _number(value: str | None) -> float | None:
    m = re.fullmatch(r"\s*(\d{1,15}(?:\.\d{1,9})?)\s*", value or "")
    return float(m[1]) if m else None


def _delay(seconds: float | None) -> dt.timedelta | None:
    if seconds is None or not 0 <= seconds <= MAX_DELAY.total_seconds():
        return None
    return dt.timedelta(seconds=seconds)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def human_span(span: dt.timedelta) -> str:
    """A duration in words: '350 ms', '12 s', '14 min', '2 h 5 min', '3 d'."""
    s = span.total_seconds()
    if s < 1:
        return f"{round(s * 1000)} ms"
    if s < 60:
        return f"{round(s, 1):g} s"
    if s < 3600:
        return f"{round(s / 60)} min"
    hours, minutes = divmod(round(s / 60), 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours // 24} d {hours % 24} h" if hours % 24 else f"{hours // 24} d"


def _rate_limit_html(limit: RateLimit) -> str:
    """A small card for a notebook (kit/_http/reprs.py draws it)."""
    from .reprs import BAD, GOOD, _when, card

    left = (f"{limit.remaining} of {limit.limit}" if limit.limit is not None
            else str(limit.remaining) if limit.remaining is not None else "")
    title = ("Rate limit used up" if limit.exhausted else "Rate limit") + (
        f": {left} left" if left else "")
    return card(title, [
        ("convention", limit.convention), ("resource", limit.resource or ""),
        ("window", human_span(limit.window) if limit.window is not None else ""),
        ("resets at", _when(limit.reset)),
        ("retry after", human_span(limit.retry_after) if limit.retry_after is not None else ""),
        ("policy", limit.policy or ""),
        ("read from", ", ".join(limit.headers))], accent=BAD if limit.exhausted else GOOD)
