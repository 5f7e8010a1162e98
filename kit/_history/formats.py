"""Access-log formats: what a line looks like, and how one line becomes a Record.

======================  ===========================================================
``combined``            nginx / Apache combined: client, user, [time], "request", status,
                        size, "referer", "user agent" (extra trailing fields allowed)
``common``              Apache / NCSA common log format (combined without the last two)
a format string         an nginx ``log_format`` (``$remote_addr - [$time_local] ...``) or an
                        Apache ``LogFormat`` (``%h %l %u %t "%r" %>s %b``): see line_format()
``apigateway``          AWS API Gateway JSON access logs (requestTime, httpMethod, status...)
``kong``                Kong file-log JSON (request.method, response.status, started_at ms)
``json``                JSON lines with a field mapping (guessed from common names if not given)
``csv``                 CSV with a header row, same mapping as ``json``
``har``                 a HAR file (browser devtools, Postman, Insomnia); read by kit._history.har
======================  ===========================================================

A line format is one regular expression with named groups, written so that Python's ``re`` and
RE2 (DuckDB's engine, kit._history.counting) read it the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

_TZ = r"[+-]\d{4}"
_CLF_TIME = r"\d{1,2}/[A-Za-z]{3}/\d{4}:\d{2}:\d{2}:\d{2} " + _TZ
COMBINED_PATTERN = (r'(?P<client>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<request>[^"]*)" '
                    r'(?P<status>\d{3}) (?P<size>\d+|-) "(?P<referer>[^"]*)" '
                    r'"(?P<user_agent>[^"]*)"')
COMMON_PATTERN = (r'(?P<client>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<request>[^"]*)" '
                  r'(?P<status>\d{3}) (?P<size>\d+|-)')
_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
# A path segment that is an id (digits, a UUID, a long hex string); RE2-compatible, no lookahead.
ID_SEGMENT = (r"/([0-9]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
              r"[0-9a-fA-F]{12}|[0-9a-fA-F]{24,})(/|$)")
_ID = re.compile(ID_SEGMENT)
ORIGIN = r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*"
_ORIGIN = re.compile(ORIGIN)


class Record(NamedTuple):
    """One parsed log line, before masking: the raw material of an Exchange."""

    when: dt.datetime
    status: int
    method: str
    target: str
    client: str | None = None
    user_agent: str | None = None
    referer: str | None = None
    size: int | None = None
    elapsed: float | None = None
    protocol: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    request_id: str | None = None


def endpoint_of(target: str) -> str:
    """The path without its query, ids shown as {id}: '/v1/items/42?x=1' -> '/v1/items/{id}'."""
    path = _ORIGIN.sub("", target.split("?", 1)[0])
    return _ID.sub(r"/{id}\2", _ID.sub(r"/{id}\2", path))  # twice: '/1/2' overlaps


def split_request(request: str) -> tuple[str, str, str]:
    """'GET /x HTTP/1.1' -> (method, target, protocol); odd request lines keep what they can."""
    parts = request.split(" ")
    if len(parts) < 2:
        return "", "", ""
    return parts[0], parts[1], parts[2] if len(parts) > 2 else ""


@functools.lru_cache(maxsize=8192)
def parse_clf_time(text: str) -> dt.datetime | None:
    """'10/Oct/2000:13:55:36 -0700' -> aware UTC datetime (None if malformed)."""
    try:
        day, month, rest = text.split("/", 2)
        year, hour, minute, second = rest[:4], rest[5:7], rest[8:10], rest[11:13]
        sign, hours, minutes = rest[14], int(rest[15:17]), int(rest[17:19])
        offset = dt.timedelta(hours=hours, minutes=minutes) * (-1 if sign == "-" else 1)
        local = dt.datetime(int(year), _MONTHS[month], int(day), int(hour), int(minute),
                            int(second), tzinfo=dt.timezone(offset))
    except (ValueError, KeyError, IndexError):
        return None
    return local.astimezone(dt.UTC)


def parse_time(value: Any, naive_tz: dt.tzinfo = dt.UTC) -> dt.datetime | None:
    """Epoch seconds/ms/µs (number or digits), ISO 8601 or CLF -> aware UTC (naive: naive_tz)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = float(text)
        except ValueError:
            if re.fullmatch(_CLF_TIME, text):
                return parse_clf_time(text)
            try:
                moment = dt.datetime.fromisoformat(text)
            except ValueError:
                return None
            return (moment if moment.tzinfo else moment.replace(tzinfo=naive_tz)
                    ).astimezone(dt.UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
        while abs(seconds) > 1e11:  # milliseconds, microseconds
            seconds /= 1000
        try:
            return dt.datetime.fromtimestamp(seconds, dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


@dataclass(frozen=True)
class LineFormat:
    """A text line format: a regular expression with named groups and how to read its time."""

    name: str
    pattern: str
    time_kind: str = "clf"  # clf | iso | epoch
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(self.pattern))

    @property
    def groups(self) -> list[str]:
        """Group names in order (DuckDB's regexp_extract takes them as a list)."""
        return sorted(self.regex.groupindex, key=self.regex.groupindex.__getitem__)

    def parse(self, line: str) -> Record | None:
        found = self.regex.match(line)
        if found is None:
            return None
        g = found.groupdict()
        raw = g["time"]
        when = parse_clf_time(raw) if self.time_kind == "clf" else parse_time(raw)
        if when is None or not g.get("status"):
            return None
        if "request" in g:
            method, target, protocol = split_request(g["request"])
        else:
            method, target, protocol = g.get("method", ""), g.get("target", ""), \
                g.get("protocol", "")
        return Record(when, int(g["status"]), method, target, g.get("client"),
                      _dash(g.get("user_agent")), _dash(g.get("referer")),
                      _number(g.get("size"), int), _number(g.get("elapsed"), float), protocol)


COMBINED = LineFormat("combined", COMBINED_PATTERN)
COMMON = LineFormat("common", COMMON_PATTERN)


def _dash(value: str | None) -> str | None:
    return None if value in (None, "", "-") else value


def _number(value: Any, kind: type[int] | type[float]) -> Any:
    try:
        return kind(value) if value not in (None, "", "-") else None
    except (TypeError, ValueError):
        return None


# -- format strings -> LineFormat -----------------------------------------------------------
_NGINX_VARS = {
    "remote_addr": ("client", r"\S+"), "time_local": ("time", _CLF_TIME),
    "time_iso8601": ("time", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[+-]\d{2}:\d{2}|Z)?"),
    "msec": ("time", r"\d+(?:\.\d+)?"), "request": ("request", r'[^"]*'),
    "request_method": ("method", r"[A-Za-z]+"), "request_uri": ("target", r"\S+"),
    "uri": ("target", r"\S+"), "server_protocol": ("protocol", r"\S+"),
    "status": ("status", r"\d{3}"), "body_bytes_sent": ("size", r"\d+"),
    "bytes_sent": ("size", r"\d+"), "http_referer": ("referer", r'[^"]*'),
    "http_user_agent": ("user_agent", r'[^"]*'), "request_time": ("elapsed", r"[0-9.]+|-"),
}
_APACHE_VARS = {
    "h": ("client", r"\S+"), "a": ("client", r"\S+"), "t": ("time", _CLF_TIME),
    "r": ("request", r'[^"]*'), "m": ("method", r"[A-Za-z]+"), "U": ("target", r"\S+"),
    "H": ("protocol", r"\S+"), "s": ("status", r"\d{3}"), ">s": ("status", r"\d{3}"),
    "b": ("size", r"\d+|-"), "B": ("size", r"\d+"), "{Referer}i": ("referer", r'[^"]*'),
    "{User-agent}i": ("user_agent", r'[^"]*'), "{User-Agent}i": ("user_agent", r'[^"]*'),
    "T": ("elapsed", r"[0-9.]+"),
}
_NGINX_TOKEN = re.compile(r"\$(\w+)|\$\{(\w+)\}")
_APACHE_TOKEN = re.compile(r"%[<>]?(\{[^}]*\}[a-zA-Z]|[a-zA-Z%])")
_SPECIAL = re.compile(r"([.^$|?*+()\[\]{}\\])")


def _escape(text: str) -> str:
    """re.escape for Python and RE2 alike (RE2 rejects an escaped space)."""
    return _SPECIAL.sub(r"\\\1", text)


def line_format(spec: str, name: str = "custom") -> LineFormat:
    """A LineFormat from an nginx ``log_format`` or an Apache ``LogFormat`` string.

    Quoted pieces as written in nginx.conf (``'$remote_addr - ' '"$request" ...'``) are joined.
    Variables the kit does not read still have to match: they become ``.*?`` (``[^"]*`` when
    quoted).
    """
    spec = spec.strip().rstrip(";")
    if spec.startswith("'"):
        spec = "".join(re.findall(r"'([^']*)'", spec))
    nginx = "$" in spec
    token, table = (_NGINX_TOKEN, _NGINX_VARS) if nginx else (_APACHE_TOKEN, _APACHE_VARS)
    parts, seen, kind, pos = [], set(), "clf", 0
    for found in token.finditer(spec):
        parts.append(_escape(spec[pos:found.start()]))
        pos = found.end()
        var = (found.group(1) or found.group(2)) if nginx else found.group(0)[1:].lstrip("<")
        group, piece = table.get(var, ("", ""))
        if var == "%":
            parts.append("%")
        elif group and group not in seen:
            seen.add(group)
            kind = {"time_iso8601": "iso", "msec": "epoch"}.get(var, kind)
            parts.append(rf"\[(?P<time>{piece})\]" if var == "t" else f"(?P<{group}>{piece})")
        else:
            parts.append(r'[^"]*' if spec[pos:pos + 1] == '"' else r".*?")
    parts.append(_escape(spec[pos:]))
    if not {"time", "status"} <= seen:
        raise ValueError("a log format needs a time ($time_local, $time_iso8601, $msec or %t) "
                         "and a status ($status or %>s)")
    return LineFormat(name, "".join(parts), kind)


# -- JSON and CSV records ------------------------------------------------------------------
Mapping_ = Mapping[str, str | tuple[str, ...]]
GUESS: dict[str, tuple[str, ...]] = {
    "time": ("time", "timestamp", "@timestamp", "ts", "datetime", "date", "time_local",
             "requestTime", "started_at", "start_time"),
    "status": ("status", "status_code", "statusCode", "code", "response_status", "http_status"),
    "method": ("method", "http_method", "httpMethod", "verb", "request_method"),
    "target": ("path", "uri", "url", "request_uri", "resourcePath", "endpoint"),
    "request": ("request",),
    "client": ("ip", "client_ip", "clientIp", "remote_addr", "remote_ip", "sourceIp", "client"),
    "user_agent": ("user_agent", "userAgent", "http_user_agent", "ua"),
    "referer": ("referer", "referrer", "http_referer"),
    "size": ("size", "bytes", "body_bytes_sent", "responseLength", "response_size"),
    "elapsed": ("request_time", "duration", "elapsed", "latency"),
}
APIGATEWAY: dict[str, tuple[str, ...]] = {
    "time": ("requestTimeEpoch", "requestTime"), "status": ("status",),
    "method": ("httpMethod",), "target": ("path", "resourcePath"), "client": ("ip", "sourceIp"),
    "user_agent": ("userAgent",), "size": ("responseLength",), "protocol": ("protocol",),
    "elapsed_ms": ("responseLatency", "integrationLatency"), "request_id": ("requestId",),
}
KONG: dict[str, tuple[str, ...]] = {
    "time": ("started_at",), "status": ("response.status",), "method": ("request.method",),
    "target": ("request.uri",), "client": ("client_ip",),
    "user_agent": ("request.headers.user-agent",), "referer": ("request.headers.referer",),
    "size": ("response.size",), "elapsed_ms": ("latencies.request",),
    "headers": ("request.headers",), "request_id": ("response.headers.x-kong-request-id",),
}


def _lookup(obj: Mapping[str, Any], keys: str | tuple[str, ...]) -> Any:
    for key in (keys,) if isinstance(keys, str) else keys:
        value: Any = obj
        for part in key.split(".") if key not in obj else (key,):
            value = value.get(part) if isinstance(value, Mapping) else None
        if value not in (None, ""):
            return value
    return None


@dataclass(frozen=True)
class RecordFormat:
    """JSON lines or CSV rows read through a mapping: field -> key (dotted for nesting)."""

    name: str
    mapping: Mapping_ = field(default_factory=dict)
    naive_tz: dt.tzinfo = dt.UTC

    def parse(self, line: str) -> Record | None:
        try:
            obj = json.loads(line)
        except ValueError:
            return None
        return self.parse_object(obj) if isinstance(obj, dict) else None

    def parse_object(self, obj: Mapping[str, Any]) -> Record | None:
        get, m = functools.partial(_lookup, obj), self.mapping
        when, status = parse_time(get(m["time"]), self.naive_tz), _number(get(m["status"]), int)
        if when is None or status is None:
            return None
        method, target, protocol = split_request(str(get(m.get("request", ())) or ""))
        headers = get(m.get("headers", ()))
        ms = _number(get(m.get("elapsed_ms", ())), float)
        return Record(
            when, status, str(get(m.get("method", ())) or method).upper(),
            str(get(m.get("target", ())) or target), _text(get(m.get("client", ()))),
            _text(get(m.get("user_agent", ()))), _text(get(m.get("referer", ()))),
            _number(get(m.get("size", ())), int),
            ms / 1000 if ms is not None else _number(get(m.get("elapsed", ())), float),
            str(get(m.get("protocol", ())) or protocol),
            tuple((str(k), str(v)) for k, v in headers.items())
            if isinstance(headers, Mapping) else (),
            _text(get(m.get("request_id", ()))))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def record_format(name: str, mapping: Mapping_ | None = None,
                  naive_tz: dt.tzinfo = dt.UTC) -> RecordFormat:
    """The RecordFormat for 'apigateway', 'kong', 'json' or 'csv' (mapping adds or overrides)."""
    base = {"apigateway": APIGATEWAY, "kong": KONG}.get(name, GUESS)
    return RecordFormat(name, {**base, **(mapping or {})}, naive_tz)


@dataclass(frozen=True)
class Format:
    """A log format read by name: how a file's first lines show it, and what its records carry.

    ``sniff(lines, first, filename)`` sees the first non-empty lines, the first line read as a
    JSON object (None when it is not one) and the file's name in lower case; ``timed`` says
    whether its records can carry a response time (combined and common lines have none).
    """

    name: str
    sniff: Callable[[list[str], dict[str, Any] | None, str], bool]
    timed: bool


def _mostly(fmt: LineFormat) -> Callable[[list[str], dict[str, Any] | None, str], bool]:
    def sniff(lines: list[str], first: dict[str, Any] | None, filename: str) -> bool:
        return first is None and 2 * sum(fmt.parse(x) is not None for x in lines) >= len(lines)
    return sniff


def _csv(lines: list[str], first: dict[str, Any] | None, filename: str) -> bool:
    header = {h.strip().strip('"') for h in lines[0].split(",")}
    return first is None and (filename.endswith(".csv") or bool(
        header & set(GUESS["time"]) and header & set(GUESS["status"])))


# Detection asks each in this order and takes the first that says yes; ``load_log(format=)``
# takes any of these names. A new format is one entry here (and its reader in _history.logs).
FORMATS: tuple[Format, ...] = (
    Format("har", lambda lines, first, filename: filename.endswith(".har") or (
        first is not None and "log" in first), timed=True),
    Format("apigateway", lambda lines, first, filename: first is not None and (
        "httpMethod" in first or "requestTimeEpoch" in first), timed=True),
    Format("kong", lambda lines, first, filename: first is not None and isinstance(
        first.get("request"), dict) and isinstance(first.get("response"), dict), timed=True),
    Format("json", lambda lines, first, filename: first is not None, timed=True),
    Format("combined", _mostly(COMBINED), timed=False),
    Format("common", _mostly(COMMON), timed=False),
    Format("csv", _csv, timed=True),
)
NAMES = tuple(f.name for f in FORMATS)
TIMED = frozenset(f.name for f in FORMATS if f.timed) | {"custom"}
"""Names whose records can carry a response time; a format string ("custom") can too."""


def detect(lines: list[str], filename: str = "") -> str:
    """The format that reads most of a file's first lines; ValueError when none does."""
    name = filename.lower().removesuffix(".gz")
    lines = [line for line in lines if line.strip()][:50]
    if name.endswith(".har"):
        return "har"
    if not lines:
        raise ValueError("the log is empty: no line to tell its format from")
    first: dict[str, Any] | None = None
    if lines[0].lstrip().startswith("{"):
        try:
            parsed = json.loads(lines[0])
        except ValueError:  # one JSON document over many lines: a HAR file
            if '"log"' in "".join(lines[:20]):
                return "har"
            raise ValueError("the file looks like JSON but is neither JSON lines nor a HAR "
                             "file") from None
        first = parsed if isinstance(parsed, dict) else None
    for fmt in FORMATS:
        if fmt.sniff(lines, first, name):
            return fmt.name
    raise ValueError("could not tell the log's format from its first lines; pass format= "
                     f"({', '.join(repr(n) for n in NAMES)}) or "
                     "the nginx log_format / Apache LogFormat string it was written with")
