"""The catalogue of provider, gateway, CDN and WAF signatures: every row is sound and sourced."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from kit._causes import Cause
from kit._diagnosis import Layer
from kit._http.exchange import Exchange
from kit.checks._catalogue import SIGNATURES, WHERE_KINDS, Signature, match, match_row

CAUSE_ROWS = tuple(row for row in SIGNATURES if row.cause is not None)
STATUS_ROWS = tuple(row for row in SIGNATURES if row.statuses)


def exchange_for(row: Signature) -> Exchange:
    """An Exchange carrying the row's own example where the row looks for it."""
    status = row.statuses[0] if row.statuses else 403
    if row.kind == "body":
        return Exchange(method="GET", url="https://api.example.com/x", status=status,
                        body=row.example)
    name = row.header_name.replace("*", "example")
    return Exchange(method="GET", url="https://api.example.com/x", status=status,
                    response_headers=((name, row.example),))


NGINX_403 = (
    "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n"
    "<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
APACHE_403 = (
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
    "<title>403 Forbidden</title>\n</head><body>\n<h1>Forbidden</h1>\n"
    "<p>You don't have permission to access this resource.</p>\n<hr>\n"
    "<address>Apache/2.4.58 (Ubuntu) Server at api.example.com Port 443</address>\n"
    "</body></html>\n"
)
UNRELATED = {
    "plain-json-forbidden": (403, (), '{"error":"forbidden"}'),
    "json-message-forbidden": (403, (), '{"message":"Forbidden"}'),
    "nginx-default-403": (403, (("Server", "nginx/1.25.3"),), NGINX_403),
    "apache-default-403": (403, (("Server", "Apache/2.4.58"),), APACHE_403),
    "plain-text-403": (403, (("Content-Type", "text/plain"),), "403 Forbidden\n"),
    "custom-json-403": (
        403, (), '{"status":403,"code":"access_denied","message":"You are not allowed to do that"}'
    ),
    "json-list-200": (
        200, (("Content-Type", "application/json"),),
        '[{"id":1,"name":"widget","status":"active"},{"id":2,"name":"gadget"}]',
    ),
    "html-page-200": (
        200, (("Content-Type", "text/html"),),
        "<!doctype html><html><head><title>Orders</title></head><body><h1>Your orders</h1>"
        "<p>No orders yet.</p></body></html>",
    ),
    "problem-json-404": (
        404, (), '{"type":"about:blank","title":"Not Found","status":404,"detail":"no such order"}'
    ),
    # Near misses: wording close to a named product's, from an app that is not that product.
    "spring-bad-credentials-401": (
        401, (), '{"status":401,"error":"Unauthorized","message":"Bad credentials","path":"/x"}'
    ),
    "app-jwt-expired-401": (401, (), '{"error":"JWT is expired"}'),
    "app-error-code-1006-403": (403, (), '{"error":"Error 1006: account locked by the app"}'),
    "github-not-found-404": (
        404, (), '{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}'
    ),
}
# Bodies above that a cause row may legitimately recognise (none today): name -> row ids.
INTENDED: dict[str, set[str]] = {}


@pytest.mark.parametrize("row", SIGNATURES, ids=lambda r: r.id)
def test_row_matches_its_own_example(row: Signature) -> None:
    """A row recognises the real message or header value it was written from."""
    exchange = exchange_for(row)
    assert match_row(row, exchange) is not None
    assert f"catalogue:{row.id}" in {signal.check for signal in match(exchange)}


@pytest.mark.parametrize("row", CAUSE_ROWS, ids=lambda r: r.id)
def test_row_example_points_first_to_its_own_cause(row: Signature) -> None:
    """No other row reads a stronger, different cause into a row's own example."""
    signals = match(exchange_for(row))
    rivals = [
        s.check for s in signals if s.cause not in (None, row.cause) and s.weight > row.weight
    ]
    assert not rivals, f"{row.id}: {rivals} outweigh it"


@pytest.mark.parametrize("row", STATUS_ROWS, ids=lambda r: r.id)
def test_row_ignores_other_statuses(row: Signature) -> None:
    """A row limited to some statuses stays silent on a status outside them."""
    outside = next(s for s in (418, 302, 500, 201) if s not in row.statuses)
    exchange = exchange_for(row)
    moved = Exchange(method=exchange.method, url=exchange.url, status=outside,
                     response_headers=exchange.response_headers, body=exchange.body)
    assert match_row(row, moved) is None


@pytest.mark.parametrize("name", sorted(UNRELATED))
def test_unrelated_responses_match_no_cause_row(name: str) -> None:
    """Ordinary refusals and ordinary successes do not trigger provider cause rows."""
    status, headers, body = UNRELATED[name]
    exchange = Exchange(method="GET", url="https://api.example.com/x", status=status,
                        response_headers=headers, body=body)
    fired = {row.id for row in CAUSE_ROWS if match_row(row, exchange) is not None}
    assert fired <= INTENDED.get(name, set())


def test_nginx_default_page_only_names_the_layer() -> None:
    """nginx's default 403 page says which layer answered and invents no cause."""
    exchange = Exchange(method="GET", url="https://api.example.com/x", status=403,
                        response_headers=(("Server", "nginx"),), body=NGINX_403)
    signals = match(exchange)
    assert signals
    assert all(signal.cause is None for signal in signals)
    assert {signal.layer for signal in signals} == {Layer.PROXY}


def test_rows_are_sourced_and_well_formed() -> None:
    """Every row has a unique id, an https source, a real example and a valid shape."""
    ids = Counter(row.id for row in SIGNATURES)
    assert [i for i, n in ids.items() if n > 1] == []
    for row in SIGNATURES:
        assert row.source.startswith("https://"), row.id
        assert row.example.strip(), row.id
        assert row.provider.strip(), row.id
        assert row.evidence.strip(), row.id
        assert 0 < row.weight < 1, row.id
        assert row.kind in WHERE_KINDS, row.id
        assert row.kind == "body" or row.header_name, row.id
        if row.kind != "has":
            re.compile(row.pattern, row.flags)
        if row.cause is None:
            assert row.layer is not None, f"{row.id}: a layer-only row must name its layer"
            assert row.fix is None, f"{row.id}: a layer-only row has no cause to fix"


@pytest.mark.parametrize("cause", list(Cause), ids=str)
def test_every_cause_has_rows(cause: Cause) -> None:
    """Each of the seven causes is recognised by at least five catalogue rows."""
    assert sum(row.cause is cause for row in SIGNATURES) >= 5


def test_header_prefix_presence() -> None:
    """A ``has:name-*`` row matches any header starting with that prefix, and only those."""
    row = next(r for r in SIGNATURES if r.where.endswith("*"))
    prefix = row.header_name[:-1]
    hit = Exchange(method="GET", url="https://api.example.com/x", status=403,
                   response_headers=((prefix.upper() + "Cache-Key", "x"),))
    miss = Exchange(method="GET", url="https://api.example.com/x", status=403,
                    response_headers=(("X-Other", "x"),))
    assert match_row(row, hit) == "x"
    assert match_row(row, miss) is None


def test_unknown_where_is_an_error() -> None:
    """A row with an unknown ``where`` kind fails loudly instead of matching nothing."""
    row = Signature("bad", "Nobody", None, "cookie:x", "", "e", "https://example.com", "x")
    with pytest.raises(ValueError, match="unknown where"):
        match_row(row, Exchange(method="GET", url="https://api.example.com/x", status=403))
