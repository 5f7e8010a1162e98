"""The log analyses written once, as Ibis expressions: any Ibis engine runs the same plan.

A table of raw lines (one string column ``line``) becomes the kit's *record table*

=============  ========  ====================================================================
``epoch_ms``   int64     the request's time, UTC milliseconds since the epoch (null: unreadable)
``status``     int32     the status, 0 for a request that got no response (null: unreadable)
``method``     string    the request method ('' when the line has none)
``endpoint``   string    the path without its query, ids shown as ``{id}`` (as endpoint_of())
``client``     string    the caller's address (null when the format has none)
``size``       int64     bytes sent, when logged
``elapsed``    float64   seconds, when logged
``error``      string    why no response came (HAR entries a browser blocked or aborted)
=============  ========  ====================================================================

and a record table is counted per window. The portability traps are avoided by construction:
times are read with regular expressions and integer arithmetic (no ``strptime``, no
session time zone, no timestamp type until the very end), windows are ``epoch_ms //
window`` (aligned to the epoch on every engine), casts are ``try_cast``, and the only
dialect difference left, how a regex replacement names a group, is passed in (``\\2`` for
RE2 and most SQL engines, ``$2`` for Spark's Java regexes).
"""

from __future__ import annotations

import re
from typing import Any

from .formats import ID_SEGMENT, ORIGIN, LineFormat

COLUMNS = {"epoch_ms": "int64", "status": "int32", "method": "string", "endpoint": "string",
           "client": "string", "size": "int64", "elapsed": "float64", "error": "string"}
"""The record table's columns and their Ibis types (Parquet exports add ``time`` and ``day``)."""
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CLF = (r"^(\d{1,2})/([A-Za-z]{3})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$")
_ISO = (r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?"
        r"(?:Z|([+-])(\d{2}):?(\d{2}))?$")
_NAMED = re.compile(r"\(\?P<(\w+)>")


def group_backref(dialect: str) -> str:
    """How a regex replacement string names group 2 on this engine."""
    return "$2" if dialect in ("pyspark", "spark", "databricks", "flink") else "\\2"


def _only(pattern: str, wanted: str) -> str:
    """The format's pattern with every named group but ``wanted`` made non-capturing.

    So group 1 is the one wanted, on every engine (Java regexes spell names differently).
    """
    return "^" + _NAMED.sub(lambda m: "(" if m.group(1) == wanted else "(?:", pattern)


def _grab(line: Any, pattern: str, index: int = 1) -> Any:
    return line.re_extract(pattern, index)


def _int(text: Any) -> Any:
    return text.try_cast("int64")


def parse_lines(lines: Any, fmt: LineFormat, *, dialect: str, keep_line: bool = False) -> Any:
    """A table with a string column ``line`` -> the record table (plus ``line`` if asked).

    The same lines are unreadable here as in the Python reader: the format's pattern does not
    match, or its time or status does not parse. They keep null ``epoch_ms`` / ``status``.
    Three projections, each reading the one before: SQL repeats an expression wherever it is
    used, so a field is extracted once and then referred to by name.
    """
    import ibis

    groups = set(fmt.groups)

    def field(name: str, default: Any) -> Any:
        return _grab(lines.line, _only(fmt.pattern, name)) if name in groups else default

    empty, none = ibis.literal(""), ibis.null("string")
    raw = lines.select(
        stamp=field("time", empty), code=field("status", empty),
        request=field("request", empty), method=field("method", empty),
        target=field("target", empty), client=field("client", none),
        size=field("size", none), elapsed=field("elapsed", none),
        **({"line": lines.line} if keep_line else {}))
    if "request" in groups:
        method, target = _grab(raw.request, r"^([^ ]*) "), _grab(raw.request, r"^[^ ]* ([^ ]*)")
    else:
        method, target = raw.method, raw.target
    path = _grab(target, r"^[^?]*", 0).re_replace(ORIGIN, "")
    for _ in range(2):  # twice, as endpoint_of() does: '/1/2' overlaps
        path = path.re_replace(ID_SEGMENT, "/{id}" + group_backref(dialect))
    pattern = _CLF if fmt.time_kind == "clf" else _ISO
    text = [_grab(raw.stamp, pattern, i) for i in range(1, 10)]
    if fmt.time_kind == "clf":  # day/Mon/year:hour:minute:second +hhmm
        text = [text[2], text[1].substitute({name: str(i) for i, name in
                                             enumerate(_MONTHS, 1)}, else_=""), text[0],
                *text[3:]]
    zoned = text[6] != ""  # ISO times without a zone are UTC
    parts = {"year": _int(text[0]), "month": _int(text[1]), "day": _int(text[2]),
             "hour": _int(text[3]), "minute": _int(text[4]), "second": _int(text[5]),
             "minus": text[6] == "-", "tz_h": ibis.ifelse(zoned, _int(text[7]), 0),
             "tz_m": ibis.ifelse(zoned, _int(text[8]), 0)}
    code = _int(raw.code)
    split = raw.select(
        status=ibis.ifelse((code >= 100) & (code <= 999), code.cast("int32"),
                           ibis.null("int32")),
        method=method, endpoint=path, client=raw.client, size=_int(raw.size),
        elapsed=raw.elapsed.try_cast("float64"),
        seconds=raw.stamp.try_cast("float64"), **parts,
        **({"line": raw.line} if keep_line else {}))
    if fmt.time_kind == "epoch":
        epoch_ms = (split.seconds * 1000).floor().cast("int64")
    else:
        epoch_ms = _epoch_ms(split)
    return split.select(epoch_ms=epoch_ms, status=split.status, method=split.method,
                        endpoint=split.endpoint, client=split.client, size=split.size,
                        elapsed=split.elapsed, error=ibis.null("string"),
                        **({"line": split.line} if keep_line else {}))


def _epoch_ms(t: Any) -> Any:
    """Civil date and time with an offset -> epoch ms; null unless every part is valid."""
    import ibis

    year, month, day = t.year, t.month, t.day
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_days = ibis.cases((month == 2, ibis.ifelse(leap, 29, 28)),
                            (month.isin([4, 6, 9, 11]), 30), else_=31)
    valid = ((month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
             & (t.hour <= 23) & (t.minute <= 59) & (t.second <= 59) & (t.tz_h <= 23)
             & (t.tz_m <= 59))
    offset = (t.tz_h * 3600 + t.tz_m * 60) * ibis.ifelse(t.minus, -1, 1)
    seconds = (((days_from_civil(year, month, day) * 24 + t.hour) * 60 + t.minute) * 60
               + t.second)
    return ibis.ifelse(valid, (seconds - offset) * 1000, ibis.null("int64")).cast("int64")


def days_from_civil(year: Any, month: Any, day: Any) -> Any:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    y = year - (month <= 2).cast("int64")
    era = y // 400
    yoe = y - era * 400
    doy = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def civil_day(epoch_ms: Any) -> Any:
    """Epoch ms -> the UTC date as 'YYYY-MM-DD' text, by arithmetic (no time zone involved)."""
    z = epoch_ms // 86_400_000 + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 - 12 * (mp >= 10).cast("int64")
    year = yoe + era * 400 + (month <= 2).cast("int64")
    return (year.cast("string") + "-" + month.cast("string").lpad(2, "0") + "-"
            + day.cast("string").lpad(2, "0"))


def readable(records: Any) -> Any:
    """The predicate of a record that counts (the others are skipped lines)."""
    return records.epoch_ms.notnull() & records.status.notnull()


def window_counts(records: Any, seconds: int, *, by_endpoint: bool = False,
                  by_client: bool = False) -> dict[str, Any]:
    """The aggregate expressions: per (window, status), and per endpoint / client if asked.

    Windows are epoch seconds of the window start. Unreadable records stay in a group of
    their own (window or status null): that count is the skipped lines. No filter: an
    engine that pushes a filter into the projections (Spark does) would repeat every
    expression the filter reads, so readability is a grouping key instead.
    """
    start = (records.epoch_ms // (seconds * 1000)) * seconds
    by_status = records.group_by(start=start, status=records.status).agg(n=records.count())
    out = {"status": by_status}
    ok = readable(records)
    if by_endpoint:
        out["endpoint"] = records.group_by(start=start, key=records.endpoint, ok=ok).agg(
            n=records.count())
    if by_client:
        out["client"] = records.group_by(start=start, key=records.client, ok=ok).agg(
            n=records.count())
    return out
