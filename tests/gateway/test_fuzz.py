"""Hostile configurations never crash kit.audit: a ConfigError naming the place, or a verdict.

Mutations of the shipped samples (a value anywhere replaced by any JSON value) and random
nginx-shaped text; every outcome must be a ConfigError (a ValueError with a location) or an
AuditResult with a real HTTP status for a handful of requests.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kit
from kit._gateway.document import Document, parse_document

SETTINGS = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
REQUESTS = [
    {"method": "GET", "url": "/v1/items", "source_address": "203.0.113.9"},
    {"method": "POST", "url": "http://api.example.com/admin/users?api_key=x",
     "headers": {"X-API-Key": "sbx_live_7Hq2Vx9LmP4tRw8Ys3Kd6Nf1Zc5Bj0Ga"}},
    {"method": "DELETE", "url": "https://a1.execute-api.eu-west-1.amazonaws.com/prod/admin/x",
     "source_address": "10.20.1.5", "rate": 1000.0},
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False)
    | st.text(max_size=30) | st.sampled_from(["*", "10.0.0.0/33", "~/(", "GET", "Deny", "[::1]"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=12)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


def _documents(kind: str) -> list[Document]:
    out = []
    for path in kit.sample_config(kind):
        text = path.read_text()
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        out.append(Document(str(path), text, data, {}))
    return out


def _verdicts(config: Any) -> None:
    for request in REQUESTS:
        result = kit.audit(config, **request)
        assert isinstance(result.allowed, bool)
        assert 100 <= result.status <= 599 or result.status == 444
        assert result.allowed == (result.status < 400)
        str(result)
        result._repr_html_()


@pytest.mark.parametrize("kind", ["tyk", "kong", "aws"])
@SETTINGS
@given(data=st.data(), value=JSON_VALUES)
def test_mutated_samples_load_or_say_where_they_broke(kind, data, value):
    """Any value of a sample replaced by any JSON: a located ConfigError or a sound verdict."""
    docs = _documents(kind)
    index = data.draw(st.integers(0, len(docs) - 1))
    target = docs[index]
    path = data.draw(st.sampled_from(_paths(target.data)))
    mutated = json.dumps(_replace(target.data, path, value), indent=1)
    try:
        parsed = [parse_document(mutated, target.source) if i == index else d
                  for i, d in enumerate(docs)]
        config = _load(kind, parsed)
    except kit.ConfigError as exc:  # either outcome is fine; the error must say where
        assert exc.source == target.source  # noqa: PT017
        assert exc.line is not None or exc.path or path == ()  # noqa: PT017
        return
    _verdicts(config)


def _load(kind: str, docs: list[Document]) -> Any:
    from kit._gateway import load

    return load._from_documents(docs, kind)


NGINX_WORDS = st.sampled_from([
    "server", "location", "/", "/admin", "= /x", "^~ /y", "~* \\.php$", "~ ^/(a|b)", "{", "}",
    ";", "allow", "deny", "all", "127.0.0.2", "10.0.0.0/8", "return", "403", "301", "\"x\"",
    "if", "($http_x_api_key", "= \"\")", "!~", "map", "$http_x_api_key", "$k", "default",
    "geo", "limit_req", "zone=z", "limit_req_zone", "$binary_remote_addr", "zone=z:1m",
    "rate=1r/s", "limit_except", "GET", "auth_request", "/_auth", "internal", "rewrite",
    "last", "break", "set", "$v", "proxy_pass", "http://127.0.0.1:9", "include", "*.conf",
    "#", "\n", "'", "\\", "listen", "80", "server_name", "a.example", "satisfy", "any",
])


@SETTINGS
@given(words=st.lists(NGINX_WORDS, max_size=60))
def test_random_nginx_text_loads_or_says_where_it_broke(words):
    """Random nginx-shaped text: a ConfigError with a line, or verdicts for every request."""
    text = " ".join(words)
    try:
        config = kit.parse_config(text, kind="nginx", source="random.conf")
    except kit.ConfigError as exc:  # either outcome is fine; the error must say where
        assert exc.source.endswith("random.conf")  # noqa: PT017
        assert exc.line is not None or "empty" in exc.message  # noqa: PT017
        return
    _verdicts(config)
