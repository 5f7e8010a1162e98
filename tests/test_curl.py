"""Reading working requests: real "Copy as cURL" output, HAR entries, Postman and Insomnia."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx
import pytest

import kit
from kit._curl import tokenize
from kit._postman import from_insomnia, from_postman
from kit._reqspec import coerce, from_har_entry
from kit._requests_diff import cookies

DATA = Path(__file__).parent / "data" / "curl"
EXPECTED = json.loads((DATA / "expected.json").read_text())


def command(name: str) -> str:
    lines = (DATA / name).read_text().splitlines()
    assert lines[0].startswith("# source: ")
    return "\n".join(lines[1:])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_copy_as_curl_parses(name):
    """Each published 'Copy as cURL' command gives its method, URL, headers and body."""
    want = EXPECTED[name]
    spec = kit.parse_curl(command(name))
    assert (spec.method, spec.url, spec.http_version) == (want["method"], want["url"],
                                                         want["http_version"])
    for header, value in want["headers"].items():
        assert spec.header(header) == value
    if "cookies" in want:
        assert [k for k, _ in cookies(spec)] == want["cookies"]
    if "body_starts" in want:
        assert spec.body is not None
        assert spec.body.decode().startswith(want["body_starts"])
    assert spec.headers[0][0].lower() == "host"
    assert not spec.skipped


def test_curl_defaults_and_options():
    """curl's own headers and -u, -A, -e, -b, -G, --http1.1 become wire facts."""
    spec = kit.parse_curl("curl -G 'http://h.test/p?a=1' -d b=2 -u alice:s3cret -A 'UA/1' "
                          "-e http://h.test/ -b 'sid=xyz' --http1.1 -H 'X-One: 1' -H 'Accept:'")
    assert spec.method == "GET"
    assert spec.url == "http://h.test/p?a=1&b=2"
    assert spec.body is None
    assert spec.header("authorization") == "Basic " + base64.b64encode(b"alice:s3cret").decode()
    assert spec.header("user-agent") == "UA/1"
    assert spec.header("referer") == "http://h.test/"
    assert spec.header("accept") is None  # 'Accept:' removes curl's own header
    assert spec.header("cookie") == "sid=xyz"
    assert spec.http_version == "1.1"
    assert [k for k, _ in spec.headers][:3] == ["Host", "Authorization", "User-Agent"]


def test_ansi_c_quoting_and_continuations():
    """$'...' escapes (\\n, \\', \\x, \\u) and backslash-newline continuations read as bash does."""
    words = tokenize("curl \\\n  $'it\\'s\\n\\x41\\u00e9' \"a \\\"b\\\"\" c\\ d")
    assert words == ["curl", "it's\nAé", 'a "b"', "c d"]


def test_windows_cmd_copy():
    """Chrome's 'Copy as cURL (cmd)' with ^-escapes and ^ line ends."""
    spec = kit.parse_curl('curl ^"http://example.org/path^" ^\n  -H ^"accept: */*^" ^\n'
                          '  --data-raw ^"123^"')
    assert (spec.method, spec.url, spec.body) == ("POST", "http://example.org/path", b"123")


def test_skipped_options_are_counted():
    """Options that cannot be reproduced are listed, not dropped silently."""
    spec = kit.parse_curl("curl http://h.test/ -F 'file=@a.png' -b cookies.txt")
    assert len(spec.skipped) == 2
    assert "-F" in spec.skipped[0]


@pytest.mark.parametrize(("text", "words"), [
    ("wget http://x", "not a curl command"), ("curl -H", "needs a value"),
    ("curl 'http://x", "unterminated"), ("curl -X GET", "no URL"),
])
def test_bad_curl_says_what_is_wrong(text, words):
    """A command that cannot be read raises ValueError naming the problem."""
    with pytest.raises(ValueError, match=words):
        kit.parse_curl(text)


def test_har_entry_keeps_order_case_and_http2():
    """A browser HAR entry: header order, :authority as Host, cookies and HTTP/2."""
    entry = {"request": {"method": "GET", "url": "https://api.test/v1?x=1", "httpVersion": "h2",
                         "headers": [{"name": ":authority", "value": "api.test"},
                                     {"name": "user-agent", "value": "Mozilla/5.0"},
                                     {"name": "accept-language", "value": "en"}],
                         "cookies": [{"name": "sid", "value": "abc"}]},
             "response": {"status": 200}}
    spec = from_har_entry(entry)
    assert [k for k, _ in spec.headers] == ["Host", "user-agent", "accept-language", "Cookie"]
    assert spec.http_version == "2"
    assert spec.tls == "browser"
    assert coerce({"log": {"entries": [entry]}}, role="working") == spec


def test_postman_item_with_variables_and_auth():
    """A Postman v2.1 collection: {{vars}} filled, bearer auth, Postman's own defaults."""
    collection = {"info": {"schema": "v2.1.0"}, "variable": [{"key": "base", "value": "http://h.test"}],
                  "item": [{"name": "folder", "item": [{"name": "list", "request": {
                      "method": "GET", "url": {"raw": "{{base}}/items?page=1"},
                      "header": [{"key": "Accept", "value": "application/json"},
                                 {"key": "X-Off", "value": "1", "disabled": True}],
                      "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "tkn"}]}}}]}]}
    spec = from_postman(collection)
    assert spec.url == "http://h.test/items?page=1"
    assert spec.header("x-off") is None
    assert spec.header("authorization") == "Bearer tkn"
    assert spec.header("user-agent").startswith("PostmanRuntime/")
    with pytest.raises(ValueError, match="missing"):
        from_postman({"item": [{"request": {"url": "{{missing}}/x"}}]})
    form = from_postman({"item": [{"request": {"url": "http://h.test/", "method": "POST",
                                               "body": {"mode": "formdata"}}}]})
    assert form.skipped == ("the formdata body (form-data and file bodies are not reproduced)",)


def test_insomnia_export():
    """An Insomnia v4 export's request, parameters and bearer authentication."""
    export = {"_type": "export", "resources": [
        {"_type": "workspace", "name": "w"},
        {"_type": "request", "name": "r", "method": "POST", "url": "http://h.test/a",
         "parameters": [{"name": "q", "value": "1"}], "body": {"text": "{}"},
         "headers": [{"name": "Content-Type", "value": "application/json"}],
         "authentication": {"type": "bearer", "token": "tok"}}]}
    spec = from_insomnia(export)
    assert (spec.method, spec.url, spec.body) == ("POST", "http://h.test/a?q=1", b"{}")
    assert spec.header("authorization") == "Bearer tok"


def test_failing_request_forms():
    """The failing request as an httpx.Request or a kit.Exchange."""
    request = httpx.Request("GET", "http://h.test/x", headers={"User-Agent": "me"})
    spec = coerce(request, role="failing")
    assert spec.header("user-agent") == "me"
    assert spec.source == "httpx"
    exchange = kit.Exchange(method="GET", url="http://h.test/x",
                            request_headers=(("user-agent", "me"),), http_version="HTTP/2")
    assert coerce(exchange, role="failing").http_version == "2"
    with pytest.raises(ValueError, match="curl command, a HAR entry"):
        coerce(42, role="failing")
