"""Saved responses and HAR files -> Exchange, with every secret masked as the record is built.

Three shapes are read: a HAR file (``{"log": {"entries": [...]}}``, or one bare entry), an
``Exchange.to_dict()`` export, and a hand-written ``{"status", "headers", "body", "url",
"method"}`` record. Malformed input raises ``ValueError`` with a sentence saying what is wrong.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .._http.exchange import BODY_CAP, Exchange, Headers, NetworkError
from .._http.secrets import MASK, is_secret_param, mask_header_value, mask_text, mask_url
from .._http.tokens import read_credentials

REFUSALS = (401, 403, 429)
"""Statuses a HAR entry is picked for when no index is given."""

_MASKED = "[secure"


class EntryChoiceError(ValueError):
    """No HAR entry matches: the index is out of range, or none was refused."""


def load_saved_response(path: str | Path, *, entry: int | None = None) -> Exchange:
    """Read a saved response or HAR file ('-' is stdin); entry picks a HAR entry by index."""
    text = sys.stdin.read() if str(path) == "-" else Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: "
                         f"{exc.msg})") from None
    return exchange_from_saved(data, entry=entry)


def exchange_from_saved(data: Any, *, entry: int | None = None) -> Exchange:
    """An Exchange from parsed JSON of any of the three shapes."""
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object (a HAR file or a saved response)")
    if "log" in data:
        return exchange_from_har_entry(pick_har_entry(data, entry))
    if "request" in data and "response" in data:
        return exchange_from_har_entry(data)
    try:
        if "response_headers" in data:
            return _from_export(data)
        if "status" in data:
            return _from_simple(data)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"saved response is missing or has a malformed field ({exc})") from None
    raise ValueError("not a HAR file or a saved response: expected 'log', 'status' or "
                     "'response_headers' at the top level")


def har_entries(har: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The entries of a HAR file, or ValueError when it has none."""
    log = har.get("log") if isinstance(har, Mapping) else None  # a file may hold any JSON
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError("the HAR file has no entries (log.entries is missing or empty)")
    return entries


def pick_har_entry(har: Mapping[str, Any], index: int | None = None) -> dict[str, Any]:
    """Entry `index`, or by default the last one answered 401, 403 or 429."""
    entries = har_entries(har)
    if index is not None:
        if not -len(entries) <= index < len(entries):
            raise EntryChoiceError(f"entry {index} is out of range: the HAR file has "
                                   f"{len(entries)} entries (0 to {len(entries) - 1})")
        return entries[index]
    for item in reversed(entries):
        if isinstance(item, dict) and _har_status(item) in REFUSALS:
            return item
    raise EntryChoiceError(f"none of the {len(entries)} HAR entries was answered 401, 403 or "
                           "429")


def exchanges_from_har(har: Mapping[str, Any]) -> list[Exchange]:
    """Every entry of a HAR file as an Exchange, in order (labelled har#0, har#1, ...)."""
    return [exchange_from_har_entry(e, label=f"har#{i}") for i, e in enumerate(har_entries(har))]


def exchange_from_har_entry(entry: Mapping[str, Any], *, label: str = "baseline") -> Exchange:
    """One HAR entry as an Exchange: request headers and cookies, response headers and text."""
    try:
        request, response = entry["request"], entry["response"]
        headers = _har_headers(request.get("headers", ()))
        cookies = [(str(c["name"]), str(c.get("value", ""))) for c in request.get("cookies", ())]
        if cookies and not any(k.lower() == "cookie" for k, _ in headers):
            headers.append(("Cookie", "; ".join(f"{k}={v}" for k, v in cookies)))
        code = int(response.get("status") or 0)
        status = code if code > 0 else None  # 0 or -1: blocked, aborted, no response
        content = response.get("content") or {}
        body = _har_body(content)
        return _build(
            method=str(request["method"]),
            url=str(request["url"]),
            request_headers=headers,
            status=status,
            response_headers=_har_headers(response.get("headers", ())),
            body=body,
            body_size=int(content.get("size") or len(body)),
            extra_secrets=[v for _, v in cookies],
            http_version=str(response.get("httpVersion", "")),
            elapsed=_seconds(entry.get("time")),
            started_at=_when(entry.get("startedDateTime")),
            remote_address=entry.get("serverIPAddress") or None,
            error=None if status else NetworkError("other", _no_response(response)),
            label=label,
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(f"malformed HAR entry ({type(exc).__name__}: {exc})") from None


def _no_response(response: Mapping[str, Any]) -> str:
    """Why a browser recorded no response: its own words (Chrome's ``_error``) when it kept any."""
    reason = response.get("_error") or response.get("_failureText") or response.get(
        "statusText")
    return str(reason) if reason else "no response recorded in the HAR (blocked or aborted)"


def _har_status(entry: Mapping[str, Any]) -> int | None:
    response = entry.get("response")
    return response.get("status") if isinstance(response, dict) else None


def _har_headers(items: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """Name/value pairs, without HTTP/2 pseudo-headers (':authority')."""
    pairs = [(str(h["name"]), str(h.get("value", ""))) for h in items]
    return [(k, v) for k, v in pairs if not k.startswith(":")]


def _har_body(content: Mapping[str, Any]) -> str:
    text = str(content.get("text") or "")
    if content.get("encoding") == "base64":
        try:
            return base64.b64decode(text).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            return ""
    return text


def _seconds(ms: Any) -> float | None:
    return float(ms) / 1000 if isinstance(ms, int | float) and ms >= 0 else None


def _when(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _from_simple(data: Mapping[str, Any]) -> Exchange:
    raw = data.get("headers") or {}
    pairs = list(raw.items()) if isinstance(raw, dict) else list(raw)
    body = data.get("body", "")
    text = body if isinstance(body, str) else json.dumps(body)
    req = data.get("request_headers") or {}
    return _build(
        method=str(data.get("method", "GET")).upper(),
        url=str(data.get("url", "https://unknown.invalid/")),
        request_headers=[(str(k), str(v)) for k, v in (req.items() if isinstance(req, dict)
                                                          else req)],
        status=int(data["status"]),
        response_headers=[(str(k), str(v)) for k, v in pairs],
        body=text,
        body_size=len(text.encode("utf-8")),
    )


def _from_export(data: Mapping[str, Any]) -> Exchange:
    """An Exchange.to_dict() export, masked again in case it was edited by hand."""
    e = Exchange.from_dict(data)
    built = _build(method=e.method, url=e.url, request_headers=list(e.request_headers),
                   status=e.status, response_headers=list(e.response_headers), body=e.body,
                   body_size=e.body_size, http_version=e.http_version, elapsed=e.elapsed,
                   started_at=e.started_at, local_address=e.local_address,
                   remote_address=e.remote_address, error=e.error, label=e.label)
    return dataclasses.replace(built, credentials=e.credentials or built.credentials,
                               history=e.history,
                               body_truncated=e.body_truncated or built.body_truncated)


def _build(
    *,
    url: str,
    request_headers: list[tuple[str, str]],
    response_headers: list[tuple[str, str]],
    body: str,
    extra_secrets: Iterable[str] = (),
    **fields: Any,
) -> Exchange:
    """Mask what is not already masked, describe the credentials, cap the body."""
    fresh = [(k, v) for k, v in request_headers if _MASKED not in v]
    secrets, credentials = read_credentials(fresh, url)
    secrets = [*secrets, *extra_secrets]
    kept = body[:BODY_CAP]
    return Exchange(
        url=mask_text(_mask_url(url), secrets),
        request_headers=_mask_pairs(request_headers, secrets),
        response_headers=_mask_pairs(response_headers, secrets),
        body=mask_text(kept, secrets),
        body_truncated=len(body) > BODY_CAP,
        credentials=credentials,
        **fields,
    )


def _mask_pairs(pairs: Iterable[tuple[str, str]], secrets: list[str]) -> Headers:
    """Secret headers masked (unless they already are), known secrets masked everywhere."""
    return tuple((k, mask_text(v if _MASKED in v else mask_header_value(k, v), secrets))
                 for k, v in pairs)


def _mask_url(url: str) -> str:
    """mask_url, unless every secret in the URL is masked already (masking twice loses it)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return mask_url(url)
    query = f"{parts.query}#{parts.fragment}" if parts.fragment else parts.query
    raw = [v for k, v in parse_qsl(query, keep_blank_values=True)
           if is_secret_param(k) and not v.startswith(_MASKED)]
    return mask_url(url) if raw or (parts.password and parts.password != MASK) else url

