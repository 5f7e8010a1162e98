"""Postman v2.1 collection items and Insomnia v4 exports -> RequestSpec.

Postman sends through Node's TLS stack with its own ``PostmanRuntime/…`` User-Agent, ``Accept:
*/*`` and a ``Postman-Token`` header; those defaults are added as Postman adds them, so a
comparison sees what Postman really sent. ``{{variables}}`` are filled from the collection's
``variable`` list; one left unresolved is an error that names it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

from ._reqspec import RequestSpec

POSTMAN_UA = "PostmanRuntime/7.39.0"
_VAR = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")


def _items(node: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    if "request" in node:
        yield node
    for child in node.get("item", ()) or ():
        if isinstance(child, Mapping):
            yield from _items(child)


def from_postman(data: Mapping[str, Any], *, name: str | None = None) -> RequestSpec:
    """One request of a Postman v2.1 collection (or a bare item); ``name`` picks it, else
    the first."""
    items = list(_items(data))
    if name is not None:
        items = [i for i in items if i.get("name") == name]
    if not items:
        raise ValueError("no Postman request found" + (f" named {name!r}" if name else "")
                         + " (expected a v2.1 collection with 'item', or an item with "
                         "'request')")
    variables = {str(v.get("key")): str(v.get("value", "")) for v in data.get("variable", ())
                 if isinstance(v, Mapping)}

    def fill(text: str) -> str:
        missing = [m for m in _VAR.findall(text) if m not in variables]
        if missing:
            raise ValueError(f"the Postman request uses {{{{{missing[0]}}}}}, which the "
                             "collection does not define; set it in 'variable' or replace it")
        return _VAR.sub(lambda m: variables[m.group(1)], text)

    request = items[0]["request"]
    if isinstance(request, str):
        request = {"method": "GET", "url": request}
    url = request.get("url", "")
    raw_url = fill(url if isinstance(url, str) else str(url.get("raw", "")))
    headers = [(fill(str(h["key"])), fill(str(h.get("value", ""))))
               for h in request.get("header", ()) if not h.get("disabled")]
    headers += _postman_auth(request.get("auth") or {}, fill)
    body = _postman_body(request.get("body") or {}, fill)
    mode = (request.get("body") or {}).get("mode")
    skipped = (f"the {mode} body (form-data and file bodies are not reproduced)",) \
        if mode in ("formdata", "file") else ()
    named = {k.lower() for k, _ in headers}
    defaults = [(k, v) for k, v in (("User-Agent", POSTMAN_UA), ("Accept", "*/*"),
                                    ("Postman-Token", "00000000-0000-0000-0000-000000000000"),
                                    ("Accept-Encoding", "gzip, deflate, br"),
                                    ("Connection", "keep-alive")) if k.lower() not in named]
    https = raw_url.startswith("https")
    return RequestSpec.build(str(request.get("method", "GET")), raw_url,
                             [*headers, *defaults], body, http_version="1.1",
                             tls="node" if https else "", source="postman", skipped=skipped)


def _postman_auth(auth: Mapping[str, Any], fill: Callable[[str], str]
                  ) -> list[tuple[str, str]]:
    kind = auth.get("type")
    fields = {str(p.get("key")): fill(str(p.get("value", ""))) for p in auth.get(kind, ())
              if isinstance(p, Mapping)} if isinstance(kind, str) else {}
    if kind == "bearer" and fields.get("token"):
        return [("Authorization", f"Bearer {fields['token']}")]
    if kind == "basic":
        pair = f"{fields.get('username', '')}:{fields.get('password', '')}"
        return [("Authorization", "Basic " + base64.b64encode(pair.encode()).decode())]
    if kind == "apikey" and fields.get("in", "header") == "header":
        return [(fields.get("key", "X-API-Key"), fields.get("value", ""))]
    return []


def _postman_body(body: Mapping[str, Any], fill: Callable[[str], str]) -> bytes | None:
    mode = body.get("mode")
    if mode == "raw" and body.get("raw"):
        return str(fill(str(body["raw"]))).encode()
    if mode == "urlencoded":
        return urlencode([(fill(p["key"]), fill(p.get("value", "")))
                          for p in body.get("urlencoded", ()) if not p.get("disabled")]).encode()
    if mode == "graphql":
        import json

        return json.dumps(body.get("graphql", {})).encode()
    return None


def from_insomnia(data: Mapping[str, Any], *, name: str | None = None) -> RequestSpec:
    """One request of an Insomnia v4 export (JSON); ``name`` picks it, else the first."""
    requests = [r for r in data.get("resources", ()) if isinstance(r, Mapping)
                and r.get("_type") == "request" and (name is None or r.get("name") == name)]
    if not requests:
        raise ValueError("no Insomnia request found" + (f" named {name!r}" if name else "")
                         + " (expected an export with 'resources' of _type 'request')")
    r = requests[0]
    url = str(r.get("url", ""))
    if "{{" in url or "{%" in url:
        raise ValueError(f"the Insomnia request's URL {url!r} uses an environment variable; "
                         "export with the environment resolved, or paste the URL")
    params = [(p["name"], p.get("value", "")) for p in r.get("parameters", ())
              if not p.get("disabled")]
    if params:
        url += ("&" if "?" in url else "?") + urlencode(params)
    headers = [(str(h["name"]), str(h.get("value", ""))) for h in r.get("headers", ())
               if not h.get("disabled")]
    auth = r.get("authentication") or {}
    if auth.get("type") == "bearer" and auth.get("token"):
        headers.append(("Authorization", f"{auth.get('prefix') or 'Bearer'} {auth['token']}"))
    elif auth.get("type") == "basic":
        pair = f"{auth.get('username', '')}:{auth.get('password', '')}"
        headers.append(("Authorization", "Basic " + base64.b64encode(pair.encode()).decode()))
    text = (r.get("body") or {}).get("text")
    if not any(k.lower() == "user-agent" for k, _ in headers):
        headers.append(("User-Agent", "insomnia/2023.5.8"))
    return RequestSpec.build(str(r.get("method", "GET")), url, headers,
                             text.encode() if isinstance(text, str) and text else None,
                             http_version="1.1", tls="curl" if url.startswith("https") else "",
                             source="insomnia")
