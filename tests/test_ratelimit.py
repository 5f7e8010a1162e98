"""Rate-limit headers in every convention, Retry-After in every form, parsers that never raise."""

from __future__ import annotations

import datetime as dt
import email.utils

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit._http.ratelimit import (
    MAX_DELAY,
    RateLimit,
    headroom,
    parse_duration,
    parse_http_date,
    parse_rate_limits,
    parse_retry_after,
)

UTC = dt.UTC
# 12 minutes before GitHub's documented example reset (1372700873 = 2013-07-01 17:47:53 UTC).
NOW = dt.datetime(2013, 7, 1, 17, 35, 53, tzinfo=UTC)
EPOCH = 1372700873
AT_RESET = dt.datetime(2013, 7, 1, 17, 47, 53, tzinfo=UTC)


def only(headers: list[tuple[str, str]], now: dt.datetime = NOW) -> RateLimit:
    """Parse headers that must describe exactly one limit."""
    found = parse_rate_limits(headers, now=now)
    assert len(found) == 1, found
    return found[0]


# --- Retry-After and HTTP dates (RFC 9110 sections 5.6.7 and 10.2.3) ---------------------


def test_retry_after_delta_seconds() -> None:
    """Retry-After: 120 is two minutes (the RFC 9110 example)."""
    assert parse_retry_after("120", now=NOW) == dt.timedelta(seconds=120)


@pytest.mark.parametrize(
    "value",
    [
        "Mon, 01 Jul 2013 17:47:53 GMT",  # IMF-fixdate
        "Monday, 01-Jul-13 17:47:53 GMT",  # obsolete RFC 850
        "Mon Jul  1 17:47:53 2013",  # obsolete asctime
    ],
    ids=["imf-fixdate", "rfc850", "asctime"],
)
def test_retry_after_each_http_date_form(value: str) -> None:
    """All three HTTP-date forms RFC 9110 allows give the same 12-minute delay."""
    assert parse_retry_after(value, now=NOW) == dt.timedelta(minutes=12)


def test_retry_after_past_date_clamps_to_zero() -> None:
    """A date already gone means retry now, not a negative wait."""
    assert parse_retry_after("Fri, 31 Dec 1999 23:59:59 GMT", now=NOW) == dt.timedelta(0)


@pytest.mark.parametrize(
    "value", ["", "soon", "-5", "1e3", "12 s", "99999999999", "Fri, 31 Dec 9999 23:59:59 GMT"]
)
def test_retry_after_garbage_negative_or_huge_is_none(value: str) -> None:
    """Garbage, negative and absurdly long delays give None."""
    assert parse_retry_after(value, now=NOW) is None


def test_parse_http_date_is_tz_aware_utc() -> None:
    """HTTP dates come back as aware UTC datetimes, asctime included."""
    assert parse_http_date("Sun Nov  6 08:49:37 1994") == dt.datetime(
        1994, 11, 6, 8, 49, 37, tzinfo=UTC
    )
    assert parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == dt.datetime(
        1994, 11, 6, 8, 49, 37, tzinfo=UTC
    )
    assert parse_http_date("1372700873") is None
    assert parse_http_date("not a date") is None


def test_retry_after_alone_is_its_own_convention() -> None:
    """Retry-After with no other header gives an exhausted 'retry-after' limit."""
    limit = only([("Retry-After", "120")])
    assert limit.convention == "retry-after"
    assert limit.exhausted
    assert limit.retry_after == dt.timedelta(minutes=2)
    assert limit.reset_after(NOW) == dt.timedelta(minutes=2)
    assert (
        limit.describe(now=NOW) == "Retry-After: the server asks to wait 2 min (until 17:37:53 UTC)"
    )


def test_retry_after_fills_every_other_convention() -> None:
    """Retry-After next to other headers sets retry_after on each limit found."""
    # GitHub's secondary rate limit: quota left, but a Retry-After on the 403.
    # https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
    limit = only(
        [
            ("x-ratelimit-limit", "5000"),
            ("x-ratelimit-remaining", "4990"),
            ("x-ratelimit-reset", str(EPOCH)),
            ("x-ratelimit-resource", "core"),
            ("retry-after", "60"),
        ]
    )
    assert limit.retry_after == dt.timedelta(seconds=60)
    assert not limit.exhausted
    assert "Retry-After asks to wait 1 min" in limit.describe(now=NOW)


# --- GitHub, Twitter, Discord and the generic X-RateLimit family -------------------------


def test_github_headers() -> None:
    """GitHub's documented header set reads as one limit on the 'core' resource."""
    # https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
    limit = only(
        [
            ("x-ratelimit-limit", "5000"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-used", "5000"),
            ("x-ratelimit-reset", "1372700873"),
            ("x-ratelimit-resource", "core"),
        ]
    )
    assert (limit.convention, limit.limit, limit.remaining) == ("github", 5000, 0)
    assert (limit.resource, limit.reset, limit.reset_format) == ("core", AT_RESET, "epoch-seconds")
    assert limit.exhausted
    assert limit.used_fraction == 1.0
    assert limit.describe(now=NOW) == (
        "GitHub-style limit: 0 of 5000 left (resource core), resets at 17:47:53 UTC (in 12 min)"
    )


def test_github_used_without_remaining() -> None:
    """x-ratelimit-used alone still gives the remaining count."""
    limit = only([("X-RateLimit-Limit", "60"), ("X-RateLimit-Used", "45")])
    assert (limit.convention, limit.remaining) == ("github", 15)


def test_twitter_x_rate_limit_headers() -> None:
    """Twitter's x-rate-limit-* spelling (reset in epoch seconds) is its own convention."""
    # https://developer.x.com/en/docs/x-api/rate-limits
    limit = only(
        [
            ("x-rate-limit-limit", "900"),
            ("x-rate-limit-remaining", "847"),
            ("x-rate-limit-reset", str(EPOCH)),
        ]
    )
    assert (limit.convention, limit.limit, limit.remaining) == ("x-rate-limit", 900, 847)
    assert limit.reset == AT_RESET


def test_discord_bucket_headers() -> None:
    """Discord's Reset-After wins over Reset and the bucket becomes the resource."""
    # https://discord.com/developers/docs/topics/rate-limits#header-format
    limit = only(
        [
            ("X-RateLimit-Limit", "5"),
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", "1372700873.123"),
            ("X-RateLimit-Reset-After", "1.2"),
            ("X-RateLimit-Bucket", "abcd1234"),
        ]
    )
    assert (limit.convention, limit.resource, limit.remaining) == ("discord", "abcd1234", 0)
    assert limit.reset_after(NOW) == dt.timedelta(seconds=1.2)


def test_discord_global_429() -> None:
    """Discord's global 429 (Retry-After, Global, Scope) is exhausted and marked global."""
    # https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit
    limit = only(
        [("Retry-After", "65"), ("X-RateLimit-Global", "true"), ("X-RateLimit-Scope", "global")]
    )
    assert (limit.convention, limit.policy, limit.resource) == ("discord", "global", "global")
    assert limit.exhausted
    assert limit.retry_after == dt.timedelta(seconds=65)


@pytest.mark.parametrize(
    ("reset", "fmt"),
    [
        (str(EPOCH), "epoch-seconds"),
        ("720", "delta-seconds"),
        (str(EPOCH * 1000), "epoch-milliseconds"),
        ("Mon, 01 Jul 2013 17:47:53 GMT", "http-date"),
        ("2013-07-01T17:47:53Z", "rfc3339"),
    ],
)
def test_generic_reset_disambiguated_by_magnitude(reset: str, fmt: str) -> None:
    """A generic X-RateLimit-Reset is read by magnitude and the reading is recorded."""
    limit = only(
        [("X-RateLimit-Limit", "100"), ("X-RateLimit-Remaining", "3"), ("X-RateLimit-Reset", reset)]
    )
    assert limit.convention == "x-ratelimit"
    assert (limit.reset, limit.reset_format) == (AT_RESET, fmt)
    assert f"[reset read as {fmt}]" in limit.describe(now=NOW)


def test_generic_reset_far_from_now_is_ignored() -> None:
    """A number that is neither a delay nor a timestamp near now gives no reset."""
    limit = only([("X-RateLimit-Remaining", "3"), ("X-RateLimit-Reset", "99999999")])
    assert (limit.remaining, limit.reset) == (3, None)


def test_generic_reset_after_and_policy_window() -> None:
    """X-RateLimit-Reset-After is a delay and X-RateLimit-Policy gives the window."""
    limit = only(
        [
            ("X-RateLimit-Limit", "12"),
            ("X-RateLimit-Remaining", "6"),
            ("X-RateLimit-Reset-After", "30"),
            ("X-RateLimit-Policy", '12;w=1;comment="Sliding window"'),
        ]
    )
    assert limit.reset_after(NOW) == dt.timedelta(seconds=30)
    assert limit.window == dt.timedelta(seconds=1)
    assert limit.used_fraction == 0.5


def test_header_names_are_case_insensitive_and_kept_as_written() -> None:
    """Names match in any case; `headers` keeps the spelling the server used."""
    limit = only([("X-RATELIMIT-REMAINING", "1"), ("x-RateLimit-Limit", "2")])
    assert (limit.limit, limit.remaining) == (2, 1)
    assert limit.headers == ("x-RateLimit-Limit", "X-RATELIMIT-REMAINING")


def test_malformed_fields_are_ignored_one_by_one() -> None:
    """A bad value loses only its own field, never the others, and never raises."""
    limit = only(
        [
            ("X-RateLimit-Limit", "lots"),
            ("X-RateLimit-Remaining", "-4"),
            ("X-RateLimit-Reset", "720"),
        ]
    )
    assert (limit.limit, limit.remaining) == (None, None)
    assert limit.reset == AT_RESET


def test_accepts_httpx_headers_mapping() -> None:
    """An httpx.Headers (a mapping) works as well as a list of pairs."""
    headers = httpx.Headers({"X-Shopify-Shop-Api-Call-Limit": "39/40"})
    assert parse_rate_limits(headers, now=NOW)[0].remaining == 1


# --- IETF draft-ietf-httpapi-ratelimit-headers ------------------------------------------


def test_ietf_structured_several_policies_matched_by_name() -> None:
    """RateLimit items match RateLimit-Policy items by name, in any order."""
    # https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-ratelimit-headers-10#section-3
    found = parse_rate_limits(
        [
            ("RateLimit-Policy", '"burst";q=100;w=60,"daily";q=1000;w=86400'),
            ("RateLimit", '"daily";r=870;t=3600, "burst";r=0;t=30'),
        ],
        now=NOW,
    )
    by_name = {r.resource: r for r in found}
    assert set(by_name) == {"burst", "daily"}
    burst, daily = by_name["burst"], by_name["daily"]
    assert (burst.limit, burst.remaining, burst.window) == (100, 0, dt.timedelta(seconds=60))
    assert burst.reset_after(NOW) == dt.timedelta(seconds=30)
    assert (daily.limit, daily.remaining, daily.window) == (1000, 870, dt.timedelta(days=1))
    assert burst.policy == '"burst";q=100;w=60'
    assert headroom(found) is burst


def test_ietf_structured_fields_split_over_several_lines() -> None:
    """Lists split over repeated RateLimit fields are joined, as Structured Fields say."""
    # https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-ratelimit-headers-10#section-4
    found = parse_rate_limits(
        [
            ("RateLimit-Policy", '"permin";q=50;w=60'),
            ("RateLimit-Policy", '"perhr";q=1000;w=3600'),
            ("RateLimit", '"permin";r=49;t=10'),
            ("RateLimit", '"perhr";r=999;t=2000'),
        ],
        now=NOW,
    )
    assert [(r.resource, r.limit, r.remaining) for r in found] == [
        ("permin", 50, 49),
        ("perhr", 1000, 999),
    ]


def test_ietf_structured_partition_key_unit_and_policy_without_state() -> None:
    """pk and qu parameters are tolerated; a policy with no RateLimit item is still listed."""
    # https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-ratelimit-headers-10#section-3.2
    found = parse_rate_limits(
        [
            ("RateLimit-Policy", '"peruser";q=65535;qu="content-bytes";w=10;pk=:sdfjLJUOUH==:'),
            ("RateLimit-Policy", '"default";q=100;w=10'),
            ("RateLimit", '"peruser";r=300;pk=:sdfjLJUOUH==:'),
        ],
        now=NOW,
    )
    peruser, default = found
    assert (peruser.limit, peruser.remaining, peruser.reset) == (65535, 300, None)
    assert (default.resource, default.limit, default.remaining) == ("default", 100, None)
    assert default.window == dt.timedelta(seconds=10)
    assert "policy default" in default.describe(now=NOW)


def test_ietf_draft_07_dictionary_form() -> None:
    """Draft 07's RateLimit: limit=, remaining=, reset= takes its window from the policy."""
    # https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-ratelimit-headers-07
    limit = only(
        [
            ("RateLimit", "limit=100, remaining=50, reset=5"),
            ("RateLimit-Policy", "10;w=1, 100;w=3600"),
        ]
    )
    assert (limit.convention, limit.limit, limit.remaining) == ("ietf-draft-07", 100, 50)
    assert limit.window == dt.timedelta(hours=1)
    assert limit.reset_after(NOW) == dt.timedelta(seconds=5)


def test_ietf_draft_06_separate_fields_with_policy() -> None:
    """RateLimit-Limit/-Remaining/-Reset read the reset as delta seconds and the policy window."""
    # https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-ratelimit-headers-06
    limit = only(
        [
            ("RateLimit-Limit", "10"),
            ("RateLimit-Remaining", "1"),
            ("RateLimit-Reset", "7"),
            ("RateLimit-Policy", '10;w=1, 50;w=60;burst=1000;comment="sliding window"'),
        ]
    )
    assert (limit.convention, limit.limit, limit.remaining) == ("ietf-draft", 10, 1)
    assert (limit.window, limit.reset_format) == (dt.timedelta(seconds=1), "delta-seconds")
    assert "burst=1000" in (limit.policy or "")


def test_ietf_draft_03_policies_folded_into_limit() -> None:
    """The early form that lists policies inside RateLimit-Limit still gives limit and window."""
    # https://datatracker.ietf.org/doc/html/draft-polli-ratelimit-headers-03 (FAQ example)
    limit = only(
        [
            ("RateLimit-Limit", '100, 100;w=60;burst=1000;comment="sliding window", 5000;w=3600'),
            ("RateLimit-Remaining", "50"),
            ("RateLimit-Reset", "44"),
        ]
    )
    assert (limit.limit, limit.remaining, limit.window) == (100, 50, dt.timedelta(minutes=1))


# --- Kong, OpenAI, Anthropic, Shopify -------------------------------------------------------


def test_kong_one_limit_per_window_plus_ratelimit_fields() -> None:
    """Kong's per-window headers give one limit per window; its RateLimit-* is labelled kong."""
    # https://docs.konghq.com/hub/kong-inc/rate-limiting/ ("Headers sent to the client")
    found = parse_rate_limits(
        [
            ("RateLimit-Limit", "5"),
            ("RateLimit-Remaining", "0"),
            ("RateLimit-Reset", "1"),
            ("X-RateLimit-Limit-Second", "5"),
            ("X-RateLimit-Remaining-Second", "0"),
            ("X-RateLimit-Limit-Minute", "10"),
            ("X-RateLimit-Remaining-Minute", "4"),
            ("X-RateLimit-Limit-Day", "1000"),
            ("X-RateLimit-Remaining-Day", "994"),
            ("Retry-After", "1"),
        ],
        now=NOW,
    )
    assert {r.convention for r in found} == {"kong"}
    windows = {r.window: (r.limit, r.remaining) for r in found if r.window}
    assert windows == {
        dt.timedelta(seconds=1): (5, 0),
        dt.timedelta(minutes=1): (10, 4),
        dt.timedelta(days=1): (1000, 994),
    }
    combined = next(r for r in found if r.window is None)
    assert (combined.limit, combined.remaining, combined.reset_format) == (5, 0, "delta-seconds")
    assert all(r.retry_after == dt.timedelta(seconds=1) for r in found)


def test_kong_named_response_ratelimiting_headers() -> None:
    """Kong's response-ratelimiting names (X-RateLimit-Limit-Videos-Minute) become resources."""
    # https://docs.konghq.com/hub/kong-inc/response-ratelimiting/
    limit = only(
        [("X-RateLimit-Limit-Videos-Minute", "10"), ("X-RateLimit-Remaining-Videos-Minute", "9")]
    )
    assert (limit.resource, limit.window, limit.remaining) == ("videos", dt.timedelta(minutes=1), 9)


def test_openai_requests_and_tokens_are_two_limits() -> None:
    """OpenAI's headers give a 'requests' and a 'tokens' limit with duration resets."""
    # https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
    found = parse_rate_limits(
        [
            ("x-ratelimit-limit-requests", "60"),
            ("x-ratelimit-limit-tokens", "150000"),
            ("x-ratelimit-remaining-requests", "59"),
            ("x-ratelimit-remaining-tokens", "149984"),
            ("x-ratelimit-reset-requests", "1s"),
            ("x-ratelimit-reset-tokens", "6m0s"),
        ],
        now=NOW,
    )
    by_resource = {r.resource: r for r in found}
    assert {r.convention for r in found} == {"openai"}
    requests, tokens = by_resource["requests"], by_resource["tokens"]
    assert (requests.limit, requests.remaining) == (60, 59)
    assert requests.reset_after(NOW) == dt.timedelta(seconds=1)
    assert (tokens.limit, tokens.remaining) == (150000, 149984)
    assert tokens.reset_after(NOW) == dt.timedelta(minutes=6)
    assert tokens.reset_format == "duration"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("6m0s", 360), ("1s", 1), ("20ms", 0.02), ("1h2m3.5s", 3723.5), ("0s", 0), ("17", 17)],
)
def test_openai_duration_forms(text: str, seconds: float) -> None:
    """Go-style durations as OpenAI sends them, and bare seconds."""
    assert parse_duration(text) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "6x", "m", "1.s", "-1s", "99999999999h", "1h 2m"])
def test_openai_bad_durations_are_none(text: str) -> None:
    """Malformed or absurd durations give None."""
    assert parse_duration(text) is None


def test_anthropic_four_resources_with_rfc3339_resets() -> None:
    """Anthropic's requests, tokens, input-tokens and output-tokens are separate limits."""
    # https://docs.anthropic.com/en/api/rate-limits#response-headers
    names = ("requests", "tokens", "input-tokens", "output-tokens")
    headers = []
    for name, (limit, remaining) in zip(
        names, [(1000, 999), (96000, 96000), (80000, 79000), (16000, 0)], strict=True
    ):
        headers += [
            (f"anthropic-ratelimit-{name}-limit", str(limit)),
            (f"anthropic-ratelimit-{name}-remaining", str(remaining)),
            (f"anthropic-ratelimit-{name}-reset", "2013-07-01T17:47:53Z"),
        ]
    found = parse_rate_limits(headers, now=NOW)
    assert [r.resource for r in found] == list(names)
    assert all(r.convention == "anthropic" and r.reset == AT_RESET for r in found)
    tightest = headroom(found)
    assert tightest is not None
    assert tightest.resource == "output-tokens"


def test_shopify_call_limit() -> None:
    """X-Shopify-Shop-Api-Call-Limit: 32/40 means 8 calls left in a bucket of 40."""
    # https://shopify.dev/docs/api/admin-rest/usage/rate-limits
    limit = only([("X-Shopify-Shop-Api-Call-Limit", "32/40")])
    assert (limit.convention, limit.limit, limit.remaining) == ("shopify", 40, 8)
    assert limit.describe(now=NOW) == "Shopify call limit: 8 of 40 left"


def test_no_rate_limit_headers_gives_nothing() -> None:
    """Unrelated headers give an empty list and headroom of nothing is None."""
    assert parse_rate_limits([("Content-Type", "text/plain")], now=NOW) == []
    assert headroom([]) is None


# --- RateLimit value helpers ----------------------------------------------------------------


def test_headroom_picks_lowest_share_then_latest_reset() -> None:
    """The most constraining limit is the lowest remaining share; ties go to the later reset."""
    soon = RateLimit("x", limit=10, remaining=1, reset=NOW + dt.timedelta(seconds=5))
    late = RateLimit("x", limit=100, remaining=10, reset=NOW + dt.timedelta(hours=1))
    roomy = RateLimit("x", limit=10, remaining=9)
    unknown = RateLimit("x", limit=10)
    assert headroom([roomy, soon, late, unknown]) is late


def test_describe_shows_the_date_when_not_today_and_past_resets() -> None:
    """A reset on another day shows its date; a past reset says how long ago."""
    later = RateLimit("github", 1, 0, reset=NOW + dt.timedelta(days=2, hours=3))
    assert "resets at 2013-07-03 20:35:53 UTC (in 2 d 3 h)" in later.describe(now=NOW)
    gone = RateLimit("github", 1, 0, reset=NOW - dt.timedelta(seconds=90))
    assert "(2 min ago)" in gone.describe(now=NOW)
    assert gone.reset_after(NOW) == dt.timedelta(0)


# --- properties: nothing a server sends can make the parsers raise --------------------------

NAMES = [
    "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
    "x-ratelimit-reset-after", "x-ratelimit-used", "x-ratelimit-resource", "x-ratelimit-bucket",
    "x-ratelimit-global", "x-ratelimit-policy", "x-rate-limit-reset", "ratelimit",
    "ratelimit-policy", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset",
    "x-ratelimit-limit-minute", "x-ratelimit-remaining-videos-hour", "x-ratelimit-reset-tokens",
    "x-ratelimit-limit-requests", "anthropic-ratelimit-tokens-reset",
    "x-shopify-shop-api-call-limit",
]  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(alphabet='0123456789;=,"wrtq.:-/ msh', max_size=40),
    st.datetimes(timezones=st.just(UTC)).map(lambda d: email.utils.format_datetime(d, usegmt=True)),
)
NOWS = st.datetimes(
    min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2200, 1, 1), timezones=st.just(UTC)
)


@given(st.lists(st.tuples(st.one_of(st.sampled_from(NAMES), st.text(max_size=30)), VALUES)), NOWS)
def test_random_headers_never_raise(headers: list[tuple[str, str]], now: dt.datetime) -> None:
    """Any header list parses without raising into sane, describable values."""
    for limit in parse_rate_limits(headers, now=now):
        assert limit.remaining is None or limit.remaining >= 0
        assert limit.reset is None or limit.reset.tzinfo is not None
        assert limit.used_fraction is None or 0.0 <= limit.used_fraction <= 1.0
        assert isinstance(limit.describe(now=now), str)
    headroom(parse_rate_limits(headers, now=now))


@given(VALUES, NOWS)
def test_random_retry_after_never_raises(value: str, now: dt.datetime) -> None:
    """Retry-After of any text is None or a delay between zero and the cap."""
    delay = parse_retry_after(value, now=now)
    assert delay is None or dt.timedelta(0) <= delay <= MAX_DELAY
    duration = parse_duration(value)
    assert duration is None or dt.timedelta(0) <= duration <= MAX_DELAY


@given(st.integers(min_value=0, max_value=int(MAX_DELAY.total_seconds())))
def test_delta_seconds_round_trip(seconds: float) -> None:
    """Any delta-seconds within the cap reads back exactly."""
    assert parse_retry_after(str(seconds), now=NOW) == dt.timedelta(seconds=seconds)


@given(st.integers(min_value=0, max_value=300 * 86400))
def test_http_date_round_trip(seconds: float) -> None:
    """An IMF-fixdate `seconds` ahead reads back as that delay."""
    date = NOW + dt.timedelta(seconds=seconds)
    text = email.utils.format_datetime(date, usegmt=True)
    assert parse_retry_after(text, now=NOW) == dt.timedelta(seconds=seconds)
