"""The scenario table: every reproducible 403 cause, as data.

Templates in braces are filled when ``api.scenarios`` is read: keys from ``_keys``, freshly
minted JWTs (``jwt_*``), the CSRF token (``csrf``), the bot clearance (``clearance``), and the
addresses ``base``, ``perimeter`` and ``localhost``.
"""

from __future__ import annotations

from typing import Final

from kit._causes import Cause

from ._model import Fix, Row

P, K, IP, RL = Cause.PERMISSIONS, Cause.API_KEY, Cause.IP_ALLOWLIST, Cause.RATE_LIMIT
AU, SP, CF = Cause.AUTHENTICATION, Cause.SECURITY_POLICY, Cause.CONFIGURATION
BROWSER: Final = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0 Safari/537.36")
LIVE_KEY: Final = {"X-API-Key": "{live_key}"}


def _bearer(template: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {{{template}}}"}


ROWS: Final[tuple[Row, ...]] = (
    Row("permissions-insufficient-scope", P, "admin/reports",
        "A valid JWT with scope items:read calls an endpoint that needs reports:read.",
        Fix("Use a token that also carries the reports:read scope.",
            headers=_bearer("jwt_reports_read")),
        headers=_bearer("jwt_items_read")),
    Row("permissions-read-key-on-write", P, "items",
        "A read-only API key tries to create an item.",
        Fix("Use a key with the items:write permission.", headers={"X-API-Key": "{write_key}"}),
        method="POST", headers={"X-API-Key": "{read_key}", "Content-Type": "application/json"},
        content=b'{"name": "sbx widget"}'),
    Row("permissions-generic", P, "reports",
        "A member key asks for an admin-only report and gets the bare 403 page.",
        Fix("Use a key whose role may read reports (admin).", headers={"X-API-Key": "{admin_key}"}),
        headers={"X-API-Key": "{member_key}"}, generic=True),
    Row("permissions-google-style", P, "v1/projects/sbx-demo/secrets",
        "A viewer key reads secrets that need an owner role (Google-style PERMISSION_DENIED).",
        Fix("Use a key of an identity with the owner role.",
            headers={"X-Goog-Api-Key": "{google_owner_key}"}),
        headers={"X-Goog-Api-Key": "{google_viewer_key}"}),
    Row("api-key-missing", K, "items",
        "No x-api-key header reaches an API Gateway-style API that requires one.",
        Fix("Send the key in the x-api-key header.", headers={"x-api-key": "{live_key}"})),
    Row("api-key-revoked", K, "items",
        "A revoked key gets the bare 403 page (as does any unknown key).",
        Fix("Use an active key.", headers=LIVE_KEY),
        headers={"X-API-Key": "{revoked_key}"}, generic=True),
    Row("api-key-wrong-header", K, "items",
        "The valid key is sent as a Bearer token, but the API reads only X-API-Key.",
        Fix("Send the same key in X-API-Key.", headers={"Authorization": None, **LIVE_KEY}),
        headers=_bearer("live_key")),
    Row("api-key-whitespace", K, "items",
        "The valid key in the api_key query parameter carries a leading and a trailing space.",
        Fix("Strip the whitespace from the key.", params={"api_key": "{live_key}"}),
        params={"api_key": " {live_key} "}),
    Row("ip-allowlist-generic", IP, "v1/items",
        "The whole perimeter site admits only 127.0.0.2; this client calls from 127.0.0.1.",
        Fix("Call from an allowed address (127.0.0.2).", local_address="127.0.0.2"),
        headers=LIVE_KEY, generic=True, listener="perimeter", local_address="127.0.0.1"),
    Row("ip-allowlist-json", IP, "items",
        "A key pinned to 127.0.0.2 is used from 127.0.0.1.",
        Fix("Call from the key's allowed address (127.0.0.2).", local_address="127.0.0.2"),
        headers={"X-API-Key": "{pinned_key}"}, local_address="127.0.0.1"),
    Row("ip-allowlist-referrer", IP, "v1/geocode",
        "A key restricted to one website's HTTP referrer is called without a Referer.",
        Fix("Call from the allowed site (send its Referer) or relax the key's restriction.",
            headers={"Referer": "{allowed_referrer}map"}),
        params={"key": "{google_referrer_key}", "address": "1 Loopback Way"}),
    Row("rate-limit-github", RL, "repos/sbx/demo",
        "A token whose hourly GitHub-style limit (60) is used up.",
        Fix("Wait for x-ratelimit-reset, or use a token with headroom.",
            headers=_bearer("github_fresh")),
        headers=_bearer("github_exhausted")),
    Row("rate-limit-ietf-429", RL, "items",
        "A key whose quota (100 per 60 s) is used up; IETF RateLimit headers and a 429.",
        Fix("Wait for Retry-After, or use a key with headroom.", headers=LIVE_KEY),
        headers={"X-API-Key": "{rate_exhausted_key}"}),
    Row("rate-limit-generic", RL, "items",
        "A throttled key gets the bare 403 page with only a Retry-After header.",
        Fix("Wait for Retry-After, or use a key with headroom.", headers=LIVE_KEY),
        headers={"X-API-Key": "{rate_exhausted_key}"}, generic=True),
    Row("rate-limit-quota", RL, "v1/items",
        "A key whose daily quota is used up (RESOURCE_EXHAUSTED, no headers).",
        Fix("Wait for the daily reset or raise the quota; here: a key with quota left.",
            headers=LIVE_KEY),
        headers={"X-API-Key": "{quota_spent_key}"}),
    Row("auth-expired-jwt", AU, "me",
        "A JWT that expired an hour ago.",
        Fix("Refresh the token.", headers=_bearer("jwt_valid")),
        headers=_bearer("jwt_expired")),
    Row("auth-not-yet-valid", AU, "me",
        "A JWT whose nbf is an hour ahead; the proxy answers the bare 403 page.",
        Fix("Use a token that is valid now.", headers=_bearer("jwt_valid")),
        headers=_bearer("jwt_not_yet_valid"), generic=True),
    Row("auth-wrong-audience", AU, "me",
        "A JWT issued for https://other-api.example, not for this API.",
        Fix("Request a token for this API's audience.", headers=_bearer("jwt_valid")),
        headers=_bearer("jwt_other_audience")),
    Row("auth-bad-signature", AU, "me",
        "A JWT signed with a secret this API does not trust.",
        Fix("Use a token signed by the trusted issuer.", headers=_bearer("jwt_valid")),
        headers=_bearer("jwt_bad_signature")),
    Row("auth-clock-skew", AU, "me",
        "The server's clock runs ahead (see its Date header): a token valid for minutes is "
        "already expired there.",
        Fix("Use a token with more lifetime left (and fix the clock).",
            headers=_bearer("jwt_valid")),
        headers=_bearer("jwt_skewed")),
    Row("waf-user-agent", SP, "items",
        "A WAF rule refuses default client User-Agents with the bare 403 page.",
        Fix("Send a descriptive, browser-like User-Agent.", headers={"User-Agent": BROWSER}),
        headers={**LIVE_KEY, "User-Agent": "python-requests/2.32.3"}, generic=True),
    Row("waf-injection", SP, "search",
        "A search query that looks like SQL injection trips the WAF's block page.",
        Fix("Send a query without attack-like fragments.", params={"q": "widget"}),
        params={"q": "1' OR '1'='1"}),
    Row("csrf-missing", SP, "items",
        "A form POST without the CSRF cookie and token fails Django's CSRF check.",
        Fix("Send the csrftoken cookie and the same token in X-CSRFToken.",
            headers={"Cookie": "csrftoken={csrf}", "X-CSRFToken": "{csrf}"}),
        method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"},
        content=b"name=sbx+widget"),
    Row("bot-challenge", SP, "items",
        "Bot protection answers clients without its clearance cookie with a JS challenge.",
        Fix("Pass the challenge (a browser sets the sbx_clearance cookie).",
            headers={"Cookie": "sbx_clearance={clearance}"})),
    Row("config-unmapped-method", CF, "orders",
        "GET on a route where only POST is mapped; the gateway answers the bare 403 page.",
        Fix("Use the mapped method (POST).", method="POST",
            headers={"Content-Type": "application/json"}, content=b'{"item": "sbx widget"}'),
        headers=LIVE_KEY, generic=True),
    Row("config-trailing-slash", CF, "items",
        "The route exists only with a trailing slash; without it, the bare 403 page.",
        Fix("Add the trailing slash.", path="items/"),
        headers=LIVE_KEY, generic=True),
    Row("config-redirect-drops-credentials", CF, "v1/items",
        "v1 redirects (301) to another origin; the client drops Authorization and v2 "
        "refuses with the bare 403 page.",
        Fix("Call the final URL directly with the credential.",
            url="{localhost}/s/config-redirect-drops-credentials/v2/items"),
        headers=_bearer("live_key"), generic=True),
    Row("config-api-not-enabled", CF, "v1/items",
        "The key's project has not enabled this API (Google-style SERVICE_DISABLED).",
        Fix("Enable the API in the project; here: a key of a project where it is enabled.",
            params={"key": "{google_enabled_key}"}),
        params={"key": "{google_disabled_key}"}),
    Row("config-aws-missing-auth-token", CF, "items",
        "The stage is missing from the path, so API Gateway finds no route.",
        Fix("Call the mapped path, with its stage: prod/items.", path="prod/items")),
)

SCENARIO_NAMES: Final[tuple[str, ...]] = tuple(row.name for row in ROWS)
"""Every scenario name, in table order."""
