"""Exchange: the one evidence record, from a probe, an httpx.Response, a HAR entry or a log line.

Everything in an Exchange is already redacted: secrets are masked when the record is built,
so any repr, report or export of it is safe to share.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .secrets import mask_headers, mask_text, mask_url
from .tokens import Credential, read_credentials

BODY_CAP = 64 * 1024
"""Bytes of a response body kept as evidence; the rest is counted, not stored."""

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class NetworkError:
    """Why no response arrived: kind is dns, refused, tls, timeout, protocol or other."""

    kind: str
    message: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Hop:
    """One redirect on the way to the final response."""

    status: int
    url: str
    location: str


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and what came back (or why nothing did), with every secret masked."""

    method: str
    url: str
    request_headers: Headers = ()
    status: int | None = None
    response_headers: Headers = ()
    body: str = ""
    body_size: int = 0
    body_truncated: bool = False
    body_cut: str = ""
    """Why the body stopped before its end other than the cap (a reset, the deadline); else ""."""
    http_version: str = ""
    elapsed: float | None = None
    started_at: dt.datetime | None = None
    local_address: str | None = None
    remote_address: str | None = None
    history: tuple[Hop, ...] = ()
    error: NetworkError | None = None
    credentials: tuple[Credential, ...] = ()
    label: str = "baseline"

    # -- convenient reads -------------------------------------------------------------
    def header(self, name: str, default: str | None = None) -> str | None:
        """The first response header of this name (case-insensitive)."""
        lower = name.lower()
        for key, value in self.response_headers:
            if key.lower() == lower:
                return value
        return default

    def headers_named(self, name: str) -> list[str]:
        lower = name.lower()
        return [value for key, value in self.response_headers if key.lower() == lower]

    def request_header(self, name: str) -> str | None:
        lower = name.lower()
        for key, value in self.request_headers:
            if key.lower() == lower:
                return value
        return None

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 400

    @property
    def refused(self) -> bool:
        """401 or 403: the request reached something that said no."""
        return self.status in (401, 403)

    def summary(self) -> str:
        """One line: label, method, status (or error) and elapsed time."""
        if self.status is not None:
            outcome = str(self.status)
        else:
            outcome = f"no response ({self.error.kind})" if self.error else "no response"
        took = f" in {self.elapsed * 1000:.0f} ms" if self.elapsed is not None else ""
        return f"{self.label}: {self.method} {self.url} -> {outcome}{took}"

    # -- JSON round-trip --------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["started_at"] = self.started_at.isoformat() if self.started_at else None
        data["request_headers"] = [list(p) for p in self.request_headers]
        data["response_headers"] = [list(p) for p in self.response_headers]
        for cred in data["credentials"]:  # JWT times as ISO strings, so to_json works
            info = cred.get("jwt") or {}
            for key in ("exp", "nbf", "iat"):
                if isinstance(info.get(key), dt.datetime):
                    info[key] = info[key].isoformat()
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Exchange:
        started = data.get("started_at")
        error = data.get("error")
        return cls(
            method=str(data["method"]),
            url=str(data["url"]),
            request_headers=_pairs(data.get("request_headers", ())),
            status=data.get("status"),
            response_headers=_pairs(data.get("response_headers", ())),
            body=str(data.get("body", "")),
            body_size=int(data.get("body_size", 0)),
            body_truncated=bool(data.get("body_truncated", False)),
            body_cut=str(data.get("body_cut", "")),
            http_version=str(data.get("http_version", "")),
            elapsed=data.get("elapsed"),
            started_at=dt.datetime.fromisoformat(started) if started else None,
            local_address=data.get("local_address"),
            remote_address=data.get("remote_address"),
            history=tuple(Hop(**h) for h in data.get("history", ())),
            error=NetworkError(**error) if error else None,
            credentials=tuple(Credential.from_dict(c) for c in data.get("credentials", ())),
            label=str(data.get("label", "baseline")),
        )

    @classmethod
    def from_json(cls, text: str) -> Exchange:
        return cls.from_dict(json.loads(text))

    # -- building ---------------------------------------------------------------------
    @classmethod
    def from_response(
        cls,
        response: httpx.Response,
        *,
        label: str = "baseline",
        elapsed: float | None = None,
        started_at: dt.datetime | None = None,
        body: bytes | None = None,
        truncated: bool = False,
        body_size: int | None = None,
        addresses: tuple[str | None, str | None] | None = None,
        cut: str = "",
    ) -> Exchange:
        """Evidence from an httpx.Response; reads the body only if it is already loaded."""
        request = response.request
        raw_headers = [(k, v) for k, v in request.headers.multi_items()]
        secrets, credentials = read_credentials(raw_headers, str(request.url))
        if body is None:
            try:
                body = response.content
            except httpx.ResponseNotRead:
                body = b""
        size = body_size if body_size is not None else len(body)
        kept = body[:BODY_CAP]
        truncated = truncated or len(body) > BODY_CAP
        local, remote = addresses if addresses is not None else peer_addresses(response)
        history = tuple(
            Hop(r.status_code, mask_url(str(r.url)), mask_url(r.headers.get("location", "")))
            for r in response.history
        )
        return cls(
            method=request.method,
            url=mask_url(str(request.url)),
            request_headers=mask_headers(raw_headers),
            status=response.status_code,
            # A Location or echo header can repeat the caller's key: mask known secrets too.
            response_headers=tuple((k, mask_text(v, secrets))
                                   for k, v in mask_headers(response.headers.multi_items())),
            body=mask_text(_decode(kept, response), secrets),
            body_size=size,
            body_truncated=truncated,
            body_cut=mask_text(cut, secrets),
            http_version=response.http_version,
            elapsed=elapsed,
            started_at=started_at,
            local_address=local,
            remote_address=remote,
            history=history,
            credentials=credentials,
            label=label,
        )

    @classmethod
    def from_error(
        cls,
        request: httpx.Request,
        error: NetworkError,
        *,
        label: str = "baseline",
        elapsed: float | None = None,
        started_at: dt.datetime | None = None,
    ) -> Exchange:
        """Evidence for a request that got no response."""
        raw_headers = [(k, v) for k, v in request.headers.multi_items()]
        secrets, credentials = read_credentials(raw_headers, str(request.url))
        safe_error = dataclasses.replace(error, message=mask_text(error.message, secrets))
        return cls(
            method=request.method,
            url=mask_url(str(request.url)),
            request_headers=mask_headers(raw_headers),
            error=safe_error,
            elapsed=elapsed,
            started_at=started_at,
            credentials=credentials,
            label=label,
        )

    def __repr__(self) -> str:
        return f"<Exchange {self.summary()}>"


def _pairs(items: Iterable[Any]) -> Headers:
    return tuple((str(k), str(v)) for k, v in items)


def peer_addresses(response: httpx.Response) -> tuple[str | None, str | None]:
    """(local, remote) address of the connection, while it is still open; else Nones."""
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None, None
    try:
        return (_address(stream.get_extra_info("client_addr")),
                _address(stream.get_extra_info("server_addr")))
    except OSError:
        return None, None


def _address(value: Any) -> str | None:
    if isinstance(value, tuple) and len(value) >= 2:
        host, port = value[0], value[1]
        return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"
    return None


def _decode(body: bytes, response: httpx.Response) -> str:
    encoding = response.charset_encoding or "utf-8"
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")

