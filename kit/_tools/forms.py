"""Form values (URL, auth kind, secret, header lines) -> keyword arguments for kit.diagnose().

The panels collect text; this module turns it into a request, and says precisely which line
is wrong when it cannot. Error messages never repeat a secret: a word long enough to be a key
is masked before it is quoted back.
"""

from __future__ import annotations

import base64
import json
import os
import re
from typing import Any, Final

import httpx

from .._http.secrets import is_secret_header, mask, mask_url

AUTH_KINDS: Final = ("none", "bearer", "api_key_header", "api_key_query", "basic",
                     "custom_header")
"""How a credential is sent: nothing, Bearer, a key header, a key parameter, Basic, any header."""

_DEFAULT_NAMES: Final = {"api_key_header": "X-API-Key", "api_key_query": "api_key"}
_TOKEN: Final = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # RFC 9110 token
_LONG_WORD: Final = re.compile(r"\S{12,}")


def build_request(url: str, *, method: str = "GET", auth: str = "none", secret: str = "",
                  name: str = "", extra_headers: str = "", body: str = "",
                  params_text: str = "") -> dict[str, Any]:
    """Form values -> ``kit.diagnose(**kwargs)`` arguments; ValueError naming what is wrong.

    ``auth`` is one of ``AUTH_KINDS``; ``name`` is the header or parameter name (defaults:
    ``X-API-Key`` and ``api_key``); for ``basic`` the secret is ``user:password``. The secret
    is sent exactly as given, so a padded or quoted key is reproduced (and the kit flags it).
    ``extra_headers`` holds ``Name: value`` lines and ``params_text`` ``name=value`` lines (or
    ``a=1&b=2``). A body that parses as JSON gets ``Content-Type: application/json`` unless a
    content type is given.
    """
    target = _url(url)
    verb = method.strip().upper() or "GET"
    if not _TOKEN.match(verb) or not verb.isalpha():
        raise ValueError(f"method {_quote(method)} is not an HTTP method such as GET or POST")
    headers = parse_header_lines(extra_headers)
    params = parse_param_lines(params_text)
    _add_auth(auth, secret, name, headers, params)
    kwargs: dict[str, Any] = {"url": target, "method": verb, "headers": headers,
                              "params": params}
    if body:
        kwargs["content"] = body.encode("utf-8")
        if _is_json(body) and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json"
    return kwargs


def secret_from_env(var: str) -> str:
    """The value of environment variable ``var``; ValueError naming it when unset or empty."""
    value = os.environ.get(var.strip()) if var.strip() else None
    if not value:
        raise ValueError(f"the environment variable {var.strip()!r} is not set (or is empty); "
                         "set it before starting Jupyter, or paste the secret instead")
    return value


def parse_header_lines(text: str) -> dict[str, str]:
    """``Name: value`` lines -> a dict; blank lines are skipped; ValueError names the line."""
    headers: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"line {number}: {_quote(line)} has no ':' between the header "
                             "name and its value (expected 'Name: value')")
        key = key.strip()
        if not key:
            raise ValueError(f"line {number}: the header name before ':' is empty")
        if not _TOKEN.match(key):
            raise ValueError(f"line {number}: {_quote(key)} is not a valid header name "
                             "(letters, digits and - only; no spaces)")
        headers[key] = value.strip()
    return headers


def parse_param_lines(text: str) -> dict[str, str]:
    """``name=value`` lines (or ``a=1&b=2``) -> a dict; ValueError names the line."""
    params: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for piece in line.strip().split("&"):
            if not piece.strip():
                continue
            key, equals, value = piece.partition("=")
            if not equals or not key.strip():
                raise ValueError(f"line {number}: {_quote(piece)} is not 'name=value'")
            params[key.strip()] = value.strip()
    return params


def _add_auth(auth: str, secret: str, name: str, headers: dict[str, str],
              params: dict[str, str]) -> None:
    kind = auth.strip().lower()
    if kind not in AUTH_KINDS:
        raise ValueError(f"auth {auth!r} is not one of {', '.join(AUTH_KINDS)}")
    if kind == "none":
        return
    if not secret:
        raise ValueError(f"auth {kind!r} needs a secret: paste it, or read it from an "
                         "environment variable")
    label = name.strip() or _DEFAULT_NAMES.get(kind, "")
    if kind == "bearer":
        headers["Authorization"] = f"Bearer {secret}"
    elif kind == "basic":
        encoded = base64.b64encode(secret.encode("utf-8")).decode("ascii")
        headers["Authorization"] = f"Basic {encoded}"
    elif kind == "api_key_query":
        params[label] = secret
    else:
        if not label:
            raise ValueError("auth 'custom_header' needs the header name (for example "
                             "'X-Auth-Token')")
        if not _TOKEN.match(label):
            raise ValueError(f"{_quote(label)} is not a valid header name")
        headers[label] = secret


def _url(url: str) -> str:
    text = url.strip()
    if not text:
        raise ValueError("the URL is empty; expected something like "
                         "'https://api.example.com/v1/items'")
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError):
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"{mask_url(text)!r} is not an http(s) URL with a host; expected "
                         "something like 'https://api.example.com/v1/items'")
    return text


def _quote(text: str) -> str:
    """``repr`` of user text with every key-length word masked, and secret headers' values."""
    key, colon, rest = text.partition(":")
    if colon and is_secret_header(key.strip()):
        return repr(f"{key}: {mask(rest.strip())}")
    first, space, tail = text.partition(" ")
    if space and is_secret_header(first.strip()):
        return repr(f"{first} {mask(tail.strip())}")
    return repr(_LONG_WORD.sub(lambda m: mask(m.group(0)), text))


def _is_json(body: str) -> bool:
    stripped = body.strip()
    if not stripped.startswith(("{", "[")):
        return False
    try:
        json.loads(stripped)
    except ValueError:
        return False
    return True
