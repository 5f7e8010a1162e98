"""Log line formats: real-looking lines of every format, time zones, format strings, detection."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kit._history.formats import (
    COMBINED,
    COMMON,
    detect,
    endpoint_of,
    line_format,
    parse_clf_time,
    parse_time,
    record_format,
    split_request,
)

UTC = dt.UTC
NGINX = ('203.0.113.9 - - [14/May/2024:09:15:02 +0000] "GET /v1/items?page=2 HTTP/1.1" 200 '
         '512 "https://app.example.com/" "Mozilla/5.0 (X11; Linux x86_64)"')
APACHE_COMMON = ('192.0.2.3 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" '
                 '200 2326')
APIGW = json.dumps({
    "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "ip": "198.51.100.7",
    "requestTime": "14/May/2024:09:15:02 +0000", "requestTimeEpoch": 1715678102123,
    "httpMethod": "POST", "resourcePath": "/orders/{id}", "path": "/prod/orders/42",
    "status": "403", "protocol": "HTTP/1.1", "responseLength": "61", "responseLatency": 12,
    "userAgent": "okhttp/4.12.0"})
KONG = json.dumps({
    "request": {"method": "GET", "uri": "/v1/items?apikey=abc123secretvalue",
                "url": "http://127.0.0.1:8000/v1/items?apikey=abc123secretvalue", "size": 86,
                "headers": {"user-agent": "curl/8.5.0", "apikey": "abc123secretvalue"}},
    "response": {"status": 429, "size": 120, "headers": {"x-kong-request-id": "8a1b"}},
    "latencies": {"request": 42, "kong": 1, "proxy": 40}, "client_ip": "192.0.2.44",
    "started_at": 1715678102500, "upstream_uri": "/v1/items"})


def test_combined_line_reads_every_field() -> None:
    """An nginx combined line gives client, UTC time, method, target, status, size, headers."""
    record = COMBINED.parse(NGINX)
    assert record is not None
    assert record.when == dt.datetime(2024, 5, 14, 9, 15, 2, tzinfo=UTC)
    assert (record.client, record.method, record.target, record.protocol) == (
        "203.0.113.9", "GET", "/v1/items?page=2", "HTTP/1.1")
    assert (record.status, record.size) == (200, 512)
    assert record.referer == "https://app.example.com/"
    assert record.user_agent == "Mozilla/5.0 (X11; Linux x86_64)"


def test_common_line_from_apache_docs_converts_its_zone() -> None:
    """Apache's own common-format example: 13:55:36 -0700 is 20:55:36 UTC."""
    record = COMMON.parse(APACHE_COMMON)
    assert record is not None
    assert record.when == dt.datetime(2000, 10, 10, 20, 55, 36, tzinfo=UTC)
    assert (record.status, record.size, record.target) == (200, 2326, "/apache_pb.gif")
    assert record.user_agent is None


@pytest.mark.parametrize(("text", "expected"), [
    ("31/Dec/2023:23:59:59 -0700", dt.datetime(2024, 1, 1, 6, 59, 59, tzinfo=UTC)),
    ("01/Jan/2024:00:00:00 +0530", dt.datetime(2023, 12, 31, 18, 30, tzinfo=UTC)),
    ("29/Feb/2024:12:00:00 +0000", dt.datetime(2024, 2, 29, 12, tzinfo=UTC)),
    ("5/May/2024:08:00:00 -0000", dt.datetime(2024, 5, 5, 8, tzinfo=UTC)),
], ids=["late-evening-minus-7", "plus-0530-previous-day", "leap-day", "one-digit-day"])
def test_clf_times_land_on_the_right_utc_instant(text: str, expected: dt.datetime) -> None:
    """Offsets east and west of UTC move the instant across midnight and year ends correctly."""
    assert parse_clf_time(text) == expected


@pytest.mark.parametrize("text", ["30/Feb/2024:00:00:00 +0000", "14/Mai/2024:09:00:00 +0000",
                                  "14/May/2024:09:00:00", "yesterday"])
def test_malformed_clf_times_are_none(text: str) -> None:
    """Impossible dates, unknown months and missing zones give None, not an exception."""
    assert parse_clf_time(text) is None


@pytest.mark.parametrize(("value", "expected"), [
    (1715678102, dt.datetime(2024, 5, 14, 9, 15, 2, tzinfo=UTC)),
    (1715678102123, dt.datetime(2024, 5, 14, 9, 15, 2, 123000, tzinfo=UTC)),
    ("1715678102.5", dt.datetime(2024, 5, 14, 9, 15, 2, 500000, tzinfo=UTC)),
    (1715678102123456, dt.datetime(2024, 5, 14, 9, 15, 2, 123456, tzinfo=UTC)),
    ("2024-05-14T09:15:02Z", dt.datetime(2024, 5, 14, 9, 15, 2, tzinfo=UTC)),
    ("2024-05-14T11:15:02+02:00", dt.datetime(2024, 5, 14, 9, 15, 2, tzinfo=UTC)),
    ("14/May/2024:09:15:02 +0000", dt.datetime(2024, 5, 14, 9, 15, 2, tzinfo=UTC)),
], ids=["epoch-s", "epoch-ms", "epoch-text", "epoch-us", "iso-z", "iso-offset", "clf"])
def test_parse_time_reads_epochs_iso_and_clf(value: object, expected: dt.datetime) -> None:
    """Epoch seconds, milliseconds and microseconds, ISO 8601 and CLF all become aware UTC."""
    assert parse_time(value) == expected


def test_naive_iso_times_take_the_given_zone() -> None:
    """A time written without a zone is read in the zone the caller names (UTC by default)."""
    plus2 = dt.timezone(dt.timedelta(hours=2))
    assert parse_time("2024-05-14 11:15:02") == dt.datetime(2024, 5, 14, 11, 15, 2, tzinfo=UTC)
    assert parse_time("2024-05-14 11:15:02", plus2) == dt.datetime(2024, 5, 14, 9, 15, 2,
                                                                   tzinfo=UTC)
    assert parse_time("not a time") is None
    assert parse_time(True) is None


def test_nginx_log_format_with_timings_reads_request_time() -> None:
    """A custom nginx log_format (quoted pieces as in nginx.conf) reads $request_time."""
    fmt = line_format("""'$remote_addr - $remote_user [$time_local] "$request" '
                         '$status $body_bytes_sent "$http_referer" '
                         '"$http_user_agent" $request_time $upstream_response_time';""")
    line = ('198.51.100.7 - - [14/May/2024:09:15:02 +0200] "PUT /v1/items/9 HTTP/2.0" 503 0 '
            '"-" "python-httpx/0.27.0" 0.251 0.250, 0.001')
    record = fmt.parse(line)
    assert record is not None
    assert record.elapsed == pytest.approx(0.251)
    assert record.when == dt.datetime(2024, 5, 14, 7, 15, 2, tzinfo=UTC)
    assert (record.method, record.target, record.status, record.referer) == (
        "PUT", "/v1/items/9", 503, None)


def test_nginx_format_with_iso_time_and_separate_fields() -> None:
    """$time_iso8601 with $request_method/$request_uri/$status in a JSON-ish custom format."""
    fmt = line_format('$time_iso8601 $remote_addr $request_method $request_uri $status '
                      '$host')
    record = fmt.parse("2024-05-14T09:15:02+00:00 192.0.2.1 DELETE /v1/keys/7 204 api.test")
    assert record is not None
    assert (record.when.minute, record.method, record.target, record.status) == (
        15, "DELETE", "/v1/keys/7", 204)
    assert fmt.time_kind == "iso"


def test_apache_logformat_string_reads_seconds_taken() -> None:
    """An Apache LogFormat string: %t, %r, %>s, %b and %T (seconds to serve)."""
    fmt = line_format('%h %l %u %t "%r" %>s %b %T')
    record = fmt.parse('192.0.2.3 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 403 - 2')
    assert record is not None
    assert (record.status, record.size, record.elapsed) == (403, None, 2.0)


def test_a_format_without_time_or_status_is_refused() -> None:
    """A format string the kit cannot window or count is a ValueError that says why."""
    with pytest.raises(ValueError, match="needs a time"):
        line_format("$remote_addr $request")


def test_nginx_escapes_keep_a_line_readable() -> None:
    """nginx writes a quote in the request as \\x22: the line still parses."""
    line = NGINX.replace("/v1/items?page=2", r"/v1/search?q=\x22drop\x22")
    record = COMBINED.parse(line)
    assert record is not None
    assert record.target == r"/v1/search?q=\x22drop\x22"


@pytest.mark.parametrize("line", [
    NGINX.replace(" 200 ", " 2000 "),
    NGINX.replace("May", "Mai"),
    NGINX[:60],
    "GET /v1/items 200",
    "",
], ids=["status", "month", "truncated", "no-fields", "empty"])
def test_malformed_lines_parse_to_none(line: str) -> None:
    """A line the format does not describe is None (the caller counts it)."""
    assert COMBINED.parse(line) is None


@pytest.mark.parametrize(("target", "endpoint"), [
    ("/v1/items?page=2", "/v1/items"),
    ("/v1/items/42", "/v1/items/{id}"),
    ("/v1/users/7/keys/9/", "/v1/users/{id}/keys/{id}/"),
    ("/v1/a/1/2/3", "/v1/a/{id}/{id}/{id}"),
    ("/v1/orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301", "/v1/orders/{id}"),
    ("/v1/blobs/507f1f77bcf86cd799439011", "/v1/blobs/{id}"),
    ("https://api.example.com/v2/x?key=1", "/v2/x"),
    ("/v1/v2beta", "/v1/v2beta"),
])
def test_endpoint_groups_ids_and_drops_the_query(target: str, endpoint: str) -> None:
    """Endpoints are paths without query or origin, numeric/UUID/hex ids shown as {id}."""
    assert endpoint_of(target) == endpoint


def test_odd_request_lines_keep_what_they_can() -> None:
    """'-' and HTTP/0.9 style requests split without raising."""
    assert split_request("-") == ("", "", "")
    assert split_request("GET /old") == ("GET", "/old", "")
    assert split_request("GET /a b HTTP/1.1") == ("GET", "/a", "b")


def test_api_gateway_access_log_line() -> None:
    """An API Gateway JSON line: epoch ms time, method, path, status text, latency, request id."""
    record = record_format("apigateway").parse(APIGW)
    assert record is not None
    assert record.when == dt.datetime(2024, 5, 14, 9, 15, 2, 123000, tzinfo=UTC)
    assert (record.method, record.target, record.status, record.client) == (
        "POST", "/prod/orders/42", 403, "198.51.100.7")
    assert (record.size, record.elapsed, record.request_id) == (
        61, 0.012, "c6af9ac6-7b61-11e6-9a41-93e8deadbeef")


def test_api_gateway_line_with_only_request_time() -> None:
    """Without requestTimeEpoch the CLF requestTime is read; resourcePath stands in for path."""
    data = json.loads(APIGW)
    for key in ("requestTimeEpoch", "path"):
        del data[key]
    record = record_format("apigateway").parse(json.dumps(data))
    assert record is not None
    assert record.when == dt.datetime(2024, 5, 14, 9, 15, 2, tzinfo=UTC)
    assert record.target == "/orders/{id}"


def test_kong_file_log_line() -> None:
    """A Kong file-log line: nested request/response, started_at ms, latency ms, headers."""
    record = record_format("kong").parse(KONG)
    assert record is not None
    assert record.when == dt.datetime(2024, 5, 14, 9, 15, 2, 500000, tzinfo=UTC)
    assert (record.method, record.status, record.client, record.user_agent) == (
        "GET", 429, "192.0.2.44", "curl/8.5.0")
    assert record.elapsed == pytest.approx(0.042)
    assert ("apikey", "abc123secretvalue") in record.headers


def test_generic_json_with_a_mapping() -> None:
    """mapping= names the fields of a home-grown JSON log, dotted for nesting."""
    fmt = record_format("json", {"time": "at", "status": "http.code", "target": "http.path",
                                 "client": "who"})
    line = json.dumps({"at": "2024-05-14T09:15:02Z", "who": "svc-a",
                       "http": {"code": 403, "path": "/v1/admin", "verb": "GET"}})
    record = fmt.parse(line)
    assert record is not None
    assert (record.status, record.target, record.client) == (403, "/v1/admin", "svc-a")


def test_generic_json_guesses_common_field_names() -> None:
    """Without a mapping, common names (timestamp, status_code, method, url, ip) are found."""
    record = record_format("json").parse(json.dumps({
        "timestamp": 1715678102, "status_code": 200, "method": "get", "url": "/x",
        "ip": "192.0.2.9"}))
    assert record is not None
    assert (record.method, record.status, record.client) == ("GET", 200, "192.0.2.9")
    assert record_format("json").parse('{"message": "no time here"}') is None
    assert record_format("json").parse("[1, 2]") is None
    assert record_format("json").parse("{not json") is None


@pytest.mark.parametrize(("lines", "name", "expected"), [
    ([NGINX] * 3, "access.log", "combined"),
    ([APACHE_COMMON] * 3, "access_log", "common"),
    ([APIGW], "gw.jsonl", "apigateway"),
    ([KONG], "kong.log", "kong"),
    (['{"ts": 1, "status": 200}'], "app.log", "json"),
    (["time,status,path", "2024-05-14T09:00:00Z,200,/"], "export.txt", "csv"),
    (["{", '  "log": {', '    "version": "1.2",'], "devtools.json", "har"),
    (['{"log": {"entries": []}}'], "one-line.json", "har"),
    (["anything"], "session.har", "har"),
], ids=["combined", "common", "apigateway", "kong", "json", "csv", "har", "har-one-line",
        "har-by-name"])
def test_detection(lines: list[str], name: str, expected: str) -> None:
    """The first lines (and a .har name) tell the format."""
    assert detect(lines, name) == expected


def test_detection_prefers_combined_and_tolerates_a_bad_first_line() -> None:
    """Combined wins over common for combined lines; one garbage line does not decide."""
    assert detect(["garbage", NGINX, NGINX], "x") == "combined"


def test_undetectable_logs_say_what_to_pass() -> None:
    """An unknown format is a ValueError that suggests format=; an empty file says so."""
    with pytest.raises(ValueError, match="format="):
        detect(["hello world", "foo bar"], "x.log")
    with pytest.raises(ValueError, match="empty"):
        detect(["", "  "], "x.log")
