"""The fitted cause model: reproducible from the corpus, probabilities, honest when thin."""

from __future__ import annotations

import email.utils
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

import kit
from kit import checks
from kit._causes import Cause
from kit._scoring import corpus as _corpus
from kit._scoring.features import features
from kit._scoring.model import UNDECIDED_CAP, params, score

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = json.loads((ROOT / "kit" / "data" / "model.json").read_text(encoding="utf-8"))


def _fit_module():
    spec = importlib.util.spec_from_file_location("fit", ROOT / "benchmarks" / "fit.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_parameters_were_fitted_on_this_corpus():
    """The parameter file records the corpus's hash; a changed corpus needs a refit."""
    assert SHIPPED["meta"]["corpus_sha256"] == _corpus.digest(ROOT / "tests/data/refusals"), (
        "the corpus changed since the fit: run python benchmarks/fit.py")


def test_the_fit_command_reproduces_the_shipped_parameters():
    """benchmarks/fit.py on the corpus gives exactly the shipped parameter file."""
    fit = _fit_module()
    assert json.loads(json.dumps(fit.build())) == SHIPPED


def _response(status: int, body: str = "", *, headers: dict[str, str] | None = None,
              request_headers: dict[str, str] | None = None) -> httpx.Response:
    request = httpx.Request("GET", "https://api.example.test/v1/things",
                            headers=request_headers or {})
    return httpx.Response(status, text=body, headers=headers or {}, request=request)


@pytest.mark.parametrize("status", [401, 403, 407, 429, 451, 500])
@pytest.mark.parametrize("body", ["", "Forbidden", "<html><h1>403 Forbidden</h1></html>"])
def test_a_bare_status_stays_thin(status, body):
    """When only the status and a page that names nothing speak, no cause exceeds 0.35."""
    sent = {"Authorization": "Bearer not-a-real-token-123", "User-Agent": "my-app/1.0"}
    d = kit.explain(_response(status, body, request_headers=sent))
    assert d.findings
    assert d.findings[0].confidence <= 0.35
    assert d.findings[0].thin


def test_no_credential_counts_only_where_the_refusal_names_nothing():
    """A bare 401 to a request with no credential leans to a missing key; a body that names
    a rate limit keeps the rate limit first although no credential was sent."""
    bare = kit.explain(_response(401, "", request_headers={"User-Agent": "my-app/1.0"}))
    assert bare.cause is Cause.API_KEY
    assert any("no credential" in e for e in bare.findings[0].evidence)
    named = kit.explain(_response(403, "Daily request quota exceeded for this project.",
                                  request_headers={"User-Agent": "my-app/1.0"}))
    assert named.cause is Cause.RATE_LIMIT
    assert not any("no credential" in e for f in named.findings for e in f.evidence)


PLAIN = [
    (Cause.RATE_LIMIT, "You have exceeded your daily request quota. Try again tomorrow."),
    (Cause.IP_ALLOWLIST, "Requests from IP address 203.0.113.7 are not allowed: the address "
                         "is not on this API key's IP allowlist."),
    (Cause.AUTHENTICATION, '{"error": "invalid_token", "error_description": "The access token '
                           'expired"}'),
    (Cause.API_KEY, '{"message": "Invalid API key provided."}'),
    (Cause.SECURITY_POLICY, "Your request was blocked by the web application firewall."),
    (Cause.CONFIGURATION, "The Widgets API has not been enabled for this project. Enable it "
                          "in the console and retry."),
    (Cause.PERMISSIONS, '{"error": "insufficient_scope", "message": "The token lacks the '
                        'required scope: orders:write"}'),
]


@pytest.mark.parametrize(("cause", "body"), PLAIN, ids=[c.value for c, _ in PLAIN])
@pytest.mark.parametrize("sent", [{}, {"Authorization": "Bearer not-a-real-token-123"},
                                  {"X-API-Key": "not-a-real-key-123456"}],
                         ids=["no-credential", "bearer", "api-key"])
def test_a_body_that_names_a_cause_ranks_it_first(cause, body, sent):
    """Words that plainly state one cause outrank every prior, whatever the request carried."""
    d = kit.explain(_response(403, body, request_headers=sent))
    assert d.cause is cause, [(f.cause.value, f.confidence) for f in d.findings]


@pytest.mark.parametrize("row", _corpus.load(ROOT / "tests/data/refusals")[::17],
                         ids=lambda r: f"{r.file}:{r.line}")
def test_probabilities_sum_to_one(row):
    """Over the seven causes the probabilities add up to 1, on real rows."""
    s = score(features(row.exchange, checks.single(row.exchange)))
    assert sum(s.probability.values()) == pytest.approx(1.0)
    assert set(s.probability) == set(Cause)


@pytest.mark.parametrize("row", _corpus.load(ROOT / "tests/data/refusals")[::23],
                         ids=lambda r: f"{r.file}:{r.line}")
def test_explain_gives_what_the_benchmark_measures(row):
    """kit.explain on a corpus row ranks causes as benchmarks/accuracy.py scores them."""
    s = score(features(row.exchange, checks.single(row.exchange)))
    date = row.exchange.header("date")  # recorded long ago: read it at its own time, no skew
    when = email.utils.parsedate_to_datetime(date) if date else None
    d = kit.explain(row.exchange, now=when if when and when.tzinfo else None)
    assert d.cause is s.ranked()[0][0]
    assert d.findings[0].confidence == pytest.approx(s.ranked()[0][1], abs=1e-3)


def test_undecided_is_pulled_to_the_cap_not_below_even():
    """The thin cap mixes toward even odds: order is kept, nothing goes below 1/7."""
    s = score({"s:403": 1.0, "h:ct:none": 1.0, "h:body:empty": 1.0})
    assert s.undecided
    ranked = [p for _, p in s.ranked()]
    assert ranked[0] <= UNDECIDED_CAP + 1e-9
    assert ranked == sorted(ranked, reverse=True)


def test_context_moves_the_odds_toward_its_cause():
    """A differential signal for a cause raises that cause's probability."""
    base = score({"s:403": 1.0})
    more = score({"s:403": 1.0}, [(Cause.RATE_LIMIT, 0.8)])
    assert more.probability[Cause.RATE_LIMIT] > base.probability[Cause.RATE_LIMIT]
    assert more.ranked()[0][0] is Cause.RATE_LIMIT
    assert more.undecided  # the response itself still names nothing


def test_evidence_names_what_carried_the_verdict():
    """The top finding's evidence quotes the signals and words that carried it."""
    d = kit.explain(_response(429, '{"error": "Too many requests, slow down"}',
                              headers={"Retry-After": "30"}))
    assert d.cause is Cause.RATE_LIMIT
    assert any("Retry-After" in e for e in d.findings[0].evidence)


def test_import_kit_does_not_read_the_parameters():
    """The parameters load on first use, not on import kit."""
    code = "import kit, sys; print('kit._scoring.model' in sys.modules)"
    argv = [sys.executable, "-c", code]  # our own interpreter and code
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603
    assert out == "False"


def test_shipped_parameters_cover_every_cause():
    """One intercept and one weight per cause for every feature, causes in taxonomy order."""
    p = params()
    assert p.classes == tuple(Cause)
    assert all(len(row) == len(Cause) for row in p.weights.values())
    assert p.temperature > 0
