"""Reports of a Diagnosis: text, Markdown, HTML and dict carry the verdict and never a secret."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import httpx
import jwt
import pytest

import kit
from kit._card import fixes, server_words
from kit._causes import Cause
from kit._diagnosis import Diagnosis, Finding, Layer, Signal
from kit._http.exchange import Exchange, NetworkError
from kit._verdict import rank

KEY = "sk-live-4f9a8b7c6d5e4f3a2b1c"
BODY = '{"error": "<script>alert(1)</script> invalid API key"}'


def _refused() -> Exchange:
    request = httpx.Request(
        "GET",
        f"https://api.example.com/v1/items?api_key={KEY}",
        headers={"Authorization": f"Bearer  {KEY}"},
    )
    response = httpx.Response(403, request=request, text=BODY, headers={"Server": "nginx"})
    return Exchange.from_response(response, elapsed=0.042)


def _timeout(label: str = "other-path") -> Exchange:
    request = httpx.Request("GET", "https://api.example.com/v1/other")
    error = NetworkError("timeout", "read timed out after 10 s", "the server may be overloaded")
    return Exchange.from_error(request, error, label=label)


def _signals() -> list[Signal]:
    return [
        Signal(Cause.API_KEY, 0.8, "the body says <script> invalid API key",
               fix="Regenerate the key in the console"),
        Signal(Cause.API_KEY, 0.3, "a same-shaped fake key got the same 403"),
        Signal(Cause.API_KEY, -0.1, "the key has the right prefix"),
        Signal(Cause.PERMISSIONS, 0.75, "the endpoint needs an admin scope"),
        Signal(None, 0.6, "Server: nginx answered", layer=Layer.GATEWAY),
    ]


@pytest.fixture
def diagnosis() -> Diagnosis:
    return rank(_signals(), [_refused(), _timeout()], notes=["one note"], requests_sent=2)


def test_text_headline_names_status_cause_and_confidence(diagnosis: Diagnosis) -> None:
    """The first line reads '403 Forbidden — most likely: <cause> (<n>%)'."""
    first = diagnosis.to_text().splitlines()[0]
    pct = round(diagnosis.findings[0].confidence * 100)
    assert first == f"403 Forbidden — most likely: API key problem ({pct}%)"


def test_text_carries_explanation_evidence_fixes_and_against(diagnosis: Diagnosis) -> None:
    """The top finding is shown in full: explanation, Evidence, Fix and Against bullets."""
    text = diagnosis.to_text()
    assert "The key is missing, invalid" in text
    assert "Evidence:" in text
    assert "• the body says <script> invalid API key" in text
    assert "Fix:" in text
    assert "• Regenerate the key in the console" in text
    assert "Against:" in text
    assert "• the key has the right prefix" in text


def _finding(cause: Cause, confidence: float) -> Finding:
    return Finding(cause, confidence, [f"evidence for {cause.value}"], [])


def _ranked(*pairs: tuple[Cause, float]) -> Diagnosis:
    return Diagnosis([_finding(c, p) for c, p in pairs], [_refused()], requests_sent=1)


def test_runners_up_fold_into_one_line_above_fifteen_percent() -> None:
    """Only causes above 15% after the first are named, on one muted line, without evidence."""
    d = _ranked((Cause.API_KEY, 0.55), (Cause.PERMISSIONS, 0.24), (Cause.RATE_LIMIT, 0.16),
                (Cause.IP_ALLOWLIST, 0.05))
    for text in (d.to_text(), d.to_markdown()):
        assert "Less likely: Insufficient permissions (24%), Rate limit or quota exceeded (16%)" \
            in text
        assert "Source address not allowed" not in text
        assert "evidence for permissions" not in text
    page = d.to_html()
    line = next(p for p in page.splitlines() if "Less likely" in p)
    assert "opacity" in line
    assert "#D55E00" not in line  # never in the winner's colour
    quiet = _ranked((Cause.API_KEY, 0.9), (Cause.PERMISSIONS, 0.1))
    assert "Less likely" not in quiet.to_text() + quiet.to_markdown() + quiet.to_html()


def test_card_opens_with_status_time_and_the_servers_words(diagnosis: Diagnosis) -> None:
    """Under the headline: method, URL and the time it was sent; then the server's message."""
    exchange = dataclasses.replace(_refused(), started_at=dt.datetime(2026, 3, 4, 5, 6, 7,
                                                                     tzinfo=dt.UTC))
    d = rank(_signals(), [exchange], requests_sent=1)
    lines = d.to_text().splitlines()
    assert lines[1].startswith("GET https://api.example.com/v1/items?api_key=[secure")
    assert "2026-03-04 05:06:07 UTC" in lines[1]
    assert lines[2] == "The server said: “<script>alert(1)</script> invalid API key”"
    page = d.to_html()
    assert "The server said:</span> &lt;script&gt;alert(1)&lt;/script&gt; invalid API key" in page
    assert "<details" in page
    assert "Response headers (" in page
    assert "<details><summary>Response headers</summary>" in d.to_markdown()


@pytest.mark.parametrize(("body", "content_type", "said"), [
    ('{"error": {"code": 403, "message": "Daily quota exceeded"}}', "application/json",
     "Daily quota exceeded"),
    ('{"errors": [{"detail": "Missing scope repo"}]}', "application/json", "Missing scope repo"),
    ("<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
     "application/xml", "AccessDenied — Access Denied"),
    ("<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1>"
     "<hr>nginx</body></html>", "text/html", "403 Forbidden nginx"),
    ("line one\nline two\nline three\nline four", "text/plain",
     "line one line two line three"),
    ("", "text/plain", ""),
])
def test_server_words_read_the_message_a_person_would(body: str, content_type: str,
                                                        said: str) -> None:
    """A JSON or XML error's message field, a page's text with its title once, or the first
    three lines of plain text."""
    request = httpx.Request("GET", "https://api.example.com/x")
    response = httpx.Response(403, request=request, content=body.encode(),
                              headers={"Content-Type": content_type})
    assert server_words(Exchange.from_response(response)) == said


def test_fixes_follow_the_evidence_and_skip_near_duplicates() -> None:
    """The evidence's own fix comes first; a general fix saying nearly the same is dropped,
    and with no specific fix the cause's general ones are shown."""
    specific = Finding(Cause.API_KEY, 0.9, ["x"], [
        "Strip surrounding whitespace from the key before sending it.",
        *kit.Cause.API_KEY.info.fixes])
    assert fixes(specific) == ["Strip surrounding whitespace from the key before sending it."]
    slash = Finding(Cause.CONFIGURATION, 0.8, ["x"], [
        "Call /v1/items/ (the route is defined with that form), or make the gateway accept both.",
        *kit.Cause.CONFIGURATION.info.fixes])
    shown = fixes(slash)
    assert shown[0].startswith("Call /v1/items/")
    assert len(shown) == 2
    assert not any("redirect" in f for f in shown)  # no redirect advice on a slash verdict
    general = Finding(Cause.RATE_LIMIT, 0.9, ["x"], list(kit.Cause.RATE_LIMIT.info.fixes))
    assert fixes(general) == list(kit.Cause.RATE_LIMIT.info.fixes)[:3]


def test_text_shows_layer_probe_table_and_notes(diagnosis: Diagnosis) -> None:
    """The layer, a probe row per exchange (label, method, path, status, ms) and notes appear."""
    lines = diagnosis.to_text().splitlines()
    assert "Answered by: an API gateway (Server: nginx answered)" in lines
    assert any(line.split()[:5] == ["probe", "method", "path", "status", "ms"] for line in lines)
    base = next(line.split() for line in lines if line.strip().startswith("baseline"))
    assert base[:2] == ["baseline", "GET"]
    assert base[-2:] == ["403", "42"]
    assert base[2].startswith("/v1/items?api_key=[secure")
    other = next(line.split() for line in lines if line.strip().startswith("other-path"))
    assert other == ["other-path", "GET", "/v1/other", "timeout", "-"]
    assert "Probes (2 requests sent):" in lines
    assert "request(s)" not in diagnosis.to_markdown() + diagnosis.to_html()
    assert "  • one note" in lines


def test_network_error_says_no_cause_and_what_failed() -> None:
    """With no response, the headline says no cause was found and the error and hint follow."""
    text = rank([], [_timeout("baseline")]).to_text()
    assert text.splitlines()[0] == "No response (timeout) — no cause found"
    assert "What failed: timeout: read timed out after 10 s" in text
    assert "Hint: the server may be overloaded" in text


def test_success_says_no_cause_found() -> None:
    """A 200 with no signals reads as 'no cause found', not as a refusal."""
    request = httpx.Request("GET", "https://api.example.com/ok")
    ok = Exchange.from_response(httpx.Response(200, request=request, text="fine"))
    assert rank([], [ok]).to_text().startswith("200 OK — no cause found")


def test_thin_evidence_says_perhaps_and_gives_next_steps() -> None:
    """A weak top finding is hedged and the report says which probe would settle it."""
    bare = Exchange.from_response(httpx.Response(
        403, request=httpx.Request("GET", "https://api.example.com/v1/items")))
    d = rank([Signal(Cause.RATE_LIMIT, 0.2, "the body mentions a quota")], [bare])
    text = d.to_text()
    assert text.splitlines()[0].startswith("403 Forbidden — perhaps: ")
    assert text.splitlines()[0].endswith("evidence is thin")
    assert "Next steps:" in text
    assert "kit.diagnose()" in text


def test_colour_codes_only_when_asked(diagnosis: Diagnosis) -> None:
    """ANSI escapes appear with color=True and never by default."""
    assert "\x1b[" not in diagnosis.to_text()
    assert "\x1b[" not in str(diagnosis)
    coloured = diagnosis.to_text(color=True)
    assert "\x1b[1;" in coloured
    assert coloured.rstrip().endswith("one note")


def test_markdown_has_headline_findings_and_probe_table(diagnosis: Diagnosis) -> None:
    """The Markdown report has a heading, evidence, fixes and a Markdown probe table."""
    md = diagnosis.to_markdown()
    assert md.startswith("### 403 Forbidden — most likely: API key problem")
    assert "**Evidence**" in md
    assert "- Regenerate the key in the console" in md
    assert "| probe | method | path | status | ms |" in md
    assert "|---|---|---|---|---|" in md
    assert "| other-path | GET | /v1/other | timeout | - |" in md


def test_markdown_request_summary_masks_credentials_and_lints(diagnosis: Diagnosis) -> None:
    """The request summary says where each credential went, masked, with its lint issues."""
    md = diagnosis.to_markdown()
    assert "**Request** (credentials masked)" in md
    assert "`GET https://api.example.com/v1/items?api_key=[secure" in md
    assert "in the authorization header (bearer): `[secure" in md.lower()
    assert "in the query parameter 'api_key': `[secure" in md
    assert "issues: the key has leading or trailing whitespace" in md
    assert KEY not in md


def test_markdown_neutralises_html_from_bodies(diagnosis: Diagnosis) -> None:
    """Evidence quoting a body cannot inject a tag into a rendered ticket."""
    md = diagnosis.to_markdown()
    assert "<script>" not in md
    assert "&lt;script&gt;" in md


def test_html_escapes_everything_and_has_no_script(diagnosis: Diagnosis) -> None:
    """Evidence with <script> is escaped; the fragment itself carries no script at all."""
    page = diagnosis.to_html()
    assert "<script" not in page.lower()
    assert "&lt;script&gt; invalid API key" in page
    assert diagnosis._repr_html_() == page


def test_html_has_confidence_bar_fixes_and_probe_table(diagnosis: Diagnosis) -> None:
    """The HTML shows the cause, a bar as wide as the confidence, fixes and the probe table."""
    page = diagnosis.to_html()
    pct = round(diagnosis.findings[0].confidence * 100)
    assert "API key problem" in page
    assert f"width:{pct}%" in page
    assert "<li>Regenerate the key in the console</li>" in page
    assert "<table" in page
    assert "<td" in page
    assert "other-path" in page


def test_dict_round_trips_through_json(diagnosis: Diagnosis) -> None:
    """to_dict() is plain JSON data: dumping and loading it gives the same value."""
    data = diagnosis.to_dict()
    assert json.loads(json.dumps(data)) == data
    top = data["findings"][0]
    assert top["cause"] == "api_key"
    assert 0 < top["confidence"] <= 1
    assert set(top) >= {"cause", "confidence", "evidence", "fixes", "against", "sources"}
    assert data["layer"] == {"layer": "gateway", "evidence": "Server: nginx answered"}
    assert data["notes"] == ["one note"]
    assert data["requests_sent"] == 2


def test_dict_exchanges_rebuild_the_originals(diagnosis: Diagnosis) -> None:
    """Each exported exchange loads back, via JSON, into an equal Exchange."""
    data = json.loads(json.dumps(diagnosis.to_dict()))
    assert [Exchange.from_dict(e) for e in data["exchanges"]] == diagnosis.exchanges


def test_dict_serialises_jwt_dates() -> None:
    """A JWT credential's claim dates become ISO strings, so json.dumps never fails."""
    exp = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    token = jwt.encode({"sub": "u", "exp": exp}, "a-signing-key-long-enough-for-hs256!",
                       algorithm="HS256")
    request = httpx.Request("GET", "https://api.example.com/x",
                            headers={"Authorization": f"Bearer {token}"})
    exchange = Exchange.from_response(httpx.Response(401, request=request))
    data = rank([Signal(Cause.AUTHENTICATION, 0.9, "the token expired")], [exchange]).to_dict()
    credential = json.loads(json.dumps(data))["exchanges"][0]["credentials"][0]
    assert credential["jwt"]["exp"] == exp.isoformat()
    assert token not in json.dumps(data)


def test_canaries_never_appear_in_any_output() -> None:
    """Secrets from a query string, a header and an echoed body never reach any rendering."""
    request = httpx.Request(
        "GET",
        "https://api.example.com/x?api_key=CANARY-Q-7f3a9c2e1b",
        headers={"Authorization": "Bearer CANARY-H-9d8e7f6a5b4c"},
    )
    response = httpx.Response(403, request=request, json={"echo": "CANARY-H-9d8e7f6a5b4c"})
    exchange = Exchange.from_response(response)
    d = rank([Signal(Cause.API_KEY, 0.9, "the key was refused")], [exchange], requests_sent=1)
    outputs = [str(d), repr(d), d.to_text(), d.to_text(color=True), d.to_markdown(),
               d.to_html(), json.dumps(d.to_dict()), str(exchange), repr(exchange)]
    for out in outputs:
        assert "CANARY" not in out


def test_allowlist_verdict_names_the_address_once() -> None:
    """An allowlist verdict says which address the request left from, once, in every form."""
    sent = dataclasses.replace(_refused(), local_address="127.0.0.1:50123")
    d = Diagnosis([_finding(Cause.IP_ALLOWLIST, 0.8)], [sent], requests_sent=1)
    for text in (d.to_text(), d.to_html()):
        assert text.count("The request left from 127.0.0.1;") == 1
    other = Diagnosis([_finding(Cause.API_KEY, 0.8)], [sent], requests_sent=1)
    assert "left from" not in other.to_text()
