"""Split a request into what a form may show and the secrets it must keep in memory."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from kit._http.secrets import is_secret_header, is_secret_param


@dataclass(frozen=True, slots=True)
class Split:
    """A request as the form holds it: visible parts, one credential, further secrets."""

    url: str
    auth: str = "none"
    name: str = ""
    secret: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    hidden_headers: dict[str, str] = field(default_factory=dict)
    hidden_params: dict[str, str] = field(default_factory=dict)


def _credential(name: str, value: str) -> tuple[str, str, str]:
    """(auth kind, header name, secret) for one secret header."""
    if name.lower() != "authorization":
        return "api_key_header", name, value
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "bearer" and rest:
        return "bearer", "", rest
    if scheme.lower() == "basic" and rest:
        try:
            return "basic", "", base64.b64decode(rest, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            pass
    return "custom_header", name, value


def split_request(url: str, headers: Mapping[str, str], params: Mapping[str, str]) -> Split:
    """Split a request: the first secret header (else query parameter) becomes the credential;
    plain parameters join the URL; further secrets are kept apart, never shown."""
    auth, name, secret = "none", "", ""
    plain: list[tuple[str, str]] = []
    hidden: dict[str, str] = {}
    for key, value in headers.items():
        if not is_secret_header(key):
            plain.append((key, value))
        elif auth == "none":
            auth, name, secret = _credential(key, value)
        else:
            hidden[key] = value
    hidden_params: dict[str, str] = {}
    shown: dict[str, str] = {}
    for key, value in params.items():
        if not is_secret_param(key):
            shown[key] = value
        elif auth == "none":
            auth, name, secret = "api_key_query", key, value
        else:
            hidden_params[key] = value
    full = str(httpx.URL(url).copy_merge_params(shown)) if shown else url
    return Split(full, auth, name, secret, tuple(plain), hidden, hidden_params)
