"""RateLimitMonitor against the sandbox's live bucket: budget, waits, threads; and the advice.

The live endpoint keeps one bucket (10 requests per 10 s) per client address, so each test
binds its client to its own loopback address and starts with a full bucket.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections.abc import Iterator

import pytest

import kit
from kit._tools.monitor import time_left
from kit.sandbox import Sandbox

from .conftest import free_port

T0 = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
_ADDRESSES = (f"127.0.0.{n}" for n in itertools.count(60))


@pytest.fixture
def address() -> str:
    """A loopback source address no other test has used (a fresh live bucket)."""
    return next(_ADDRESSES)


@pytest.fixture
def client(address: str) -> Iterator[object]:
    """A kit client bound to that address."""
    with kit.make_client(local_address=address, timeout=5.0) as http:
        yield http


def live_hits(sandbox: Sandbox, address: str) -> int:
    """Requests the live endpoint received from ``address``."""
    return sum(h.path == "/live/items" and h.client_ip == address for h in sandbox.hits)


def sample(seconds: float, remaining: int | None, limit: int | None = 10) -> kit.Sample:
    """A hand-made sample ``seconds`` after T0."""
    return kit.Sample(T0 + dt.timedelta(seconds=seconds), 200, limit, remaining, None, "x")


def test_budget_is_never_exceeded(sandbox: Sandbox, client, address: str) -> None:
    """run(8) with budget=4 sends exactly four requests; remaining falls 9, 8, 7, 6."""
    monitor = kit.RateLimitMonitor(sandbox.monitor_url, interval=0.01, budget=4, client=client)
    taken = monitor.run(8)
    assert monitor.sent == 4
    assert live_hits(sandbox, address) == 4
    assert [s.remaining for s in taken] == [9, 8, 7, 6]
    assert {(s.status, s.limit, s.convention) for s in taken} == {(200, 10, "x-ratelimit")}
    assert monitor.step() is None


def test_exhausted_limit_holds_until_reset(sandbox: Sandbox, client, address: str) -> None:
    """At remaining 0 the monitor stops sending (no 429 is provoked) and says why."""
    monitor = kit.RateLimitMonitor(sandbox.monitor_url, interval=0.01, budget=15, client=client)
    monitor.run(13)
    assert monitor.sent == 10
    assert live_hits(sandbox, address) == 10
    assert monitor.samples[-1].remaining == 0
    assert "exhausted" in (monitor.held or "")
    assert monitor.time_to_exhaustion() == dt.timedelta(0)


def test_retry_after_skips_steps_until_it_passes(sandbox: Sandbox) -> None:
    """After a 429 with Retry-After, steps are skipped until the injected clock passes it."""
    scenario = sandbox.scenario("rate-limit-ietf-429")
    clock = [dt.datetime.now(dt.UTC)]
    monitor = kit.RateLimitMonitor(scenario.url, headers=scenario.headers, interval=0.01,
                                   budget=5, now=lambda: clock[0])
    with monitor:
        first = monitor.step()
        assert first is not None
        assert first.status == 429
        assert first.retry_after is not None
        assert monitor.run(3) == []
        assert monitor.sent == 1
        assert "Retry-After" in (monitor.held or "")
        clock[0] += first.retry_after + dt.timedelta(seconds=1)
        assert monitor.step() is not None
        assert monitor.sent == 2


def test_time_to_exhaustion_from_live_samples(sandbox: Sandbox, client) -> None:
    """Falling counts give a positive forecast shorter than the bucket's 10 s refill."""
    monitor = kit.RateLimitMonitor(sandbox.monitor_url, interval=0.02, budget=5, client=client)
    monitor.run(5)
    forecast = monitor.time_to_exhaustion()
    assert forecast is not None
    assert dt.timedelta(0) < forecast < dt.timedelta(seconds=10)


def test_start_runs_in_a_daemon_thread_until_the_budget(sandbox: Sandbox, client,
                                                          address: str) -> None:
    """start() polls in the background and the thread ends by itself at the budget."""
    monitor = kit.RateLimitMonitor(sandbox.monitor_url, interval=0.02, budget=3, client=client)
    monitor.start()
    assert monitor._thread is not None
    assert monitor._thread.daemon
    monitor._thread.join(timeout=5)
    assert not monitor.running
    assert monitor.sent == 3
    assert live_hits(sandbox, address) == 3
    assert monitor.stop()


def test_stop_is_prompt_and_final(sandbox: Sandbox, client, address: str) -> None:
    """stop() returns within about one interval and no request follows it."""
    monitor = kit.RateLimitMonitor(sandbox.monitor_url, interval=0.3, budget=50, client=client)
    monitor.start()
    time.sleep(0.05)
    started = time.monotonic()
    assert monitor.stop()
    assert time.monotonic() - started < 0.35
    sent = monitor.sent
    time.sleep(0.35)
    assert monitor.sent == sent == live_hits(sandbox, address)
    assert 1 <= sent <= 2


def test_concurrent_steps_share_one_budget(sandbox: Sandbox, client, address: str) -> None:
    """Eight threads stepping at once still send exactly ``budget`` requests."""
    monitor = kit.RateLimitMonitor(sandbox.monitor_url, interval=0.01, budget=5, client=client)
    threads = [threading.Thread(target=monitor.run, args=(3,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert monitor.sent == 5
    assert len(monitor.samples) == 5
    assert live_hits(sandbox, address) == 5


def test_network_failure_backs_off() -> None:
    """No answer gives a sample with an error and a hold, not an exception."""
    monitor = kit.RateLimitMonitor(f"http://127.0.0.1:{free_port()}/", interval=5, budget=3,
                                   timeout=2.0)
    with monitor:
        failed = monitor.step()
        assert failed is not None
        assert failed.status is None
        assert "refused" in (failed.error or "")
        assert monitor.step() is None
        assert monitor.sent == 1


def test_secrets_stay_out_of_repr_and_samples(sandbox: Sandbox, client) -> None:
    """The monitor's repr and samples never show the key it sends."""
    key = "sbx_live_SECRETk9Lm2Np5Qr8St1Uv4Wx7Yz0"
    monitor = kit.RateLimitMonitor(sandbox.monitor_url + f"?api_key={key}",
                                   headers={"X-API-Key": key}, interval=0.01, budget=1,
                                   client=client)
    monitor.run(1)
    assert key not in repr(monitor)
    assert key not in repr(monitor.samples)


def test_forecast_fits_the_trailing_run() -> None:
    """A refill starts a new run; rising, flat or single counts give None; zero gives 0."""
    assert time_left([sample(0, 10), sample(1, 8), sample(2, 6)]) == (
        dt.timedelta(seconds=3))
    assert time_left([sample(0, 5), sample(1, 3), sample(2, 9),
                                sample(3, 8)]) == dt.timedelta(seconds=8)
    assert time_left([sample(0, 3), sample(1, 5)]) is None
    assert time_left([sample(0, 5), sample(1, 5)]) is None
    assert time_left([sample(0, 5)]) is None
    assert time_left([sample(0, None)]) is None
    assert time_left([sample(0, 2), sample(1, 0)]) == dt.timedelta(0)


def test_pacing_advice_reads_window_and_what_is_left() -> None:
    """60 per hour with 12 left for 14 min: one every 60 s, pace at one per 70 s, back off."""
    limit = kit.RateLimit("github", limit=60, remaining=12, reset=T0 + dt.timedelta(minutes=14),
                          window=dt.timedelta(hours=1))
    assert kit.pacing_advice(limit, now=T0) == (
        "60 requests per 3600 s: at most 1 request every 60 s; you have 12 left for 14 min: "
        "pace at 1 per 70 s, and back off exponentially (with jitter) on 403/429 honouring "
        "Retry-After")


def test_pacing_advice_when_spent_or_fast() -> None:
    """Nothing left says wait for the reset and suggests batching; fast windows say per second."""
    spent = kit.RateLimit("x-ratelimit", limit=10, remaining=0,
                          reset=T0 + dt.timedelta(seconds=30))
    text = kit.pacing_advice(spent, now=T0)
    assert text.startswith("a limit of 10 requests (the window is not announced); none left: "
                           "wait 30 s for the reset")
    assert "batch requests" in text
    fast = kit.RateLimit("ietf", limit=100, window=dt.timedelta(seconds=10))
    assert kit.pacing_advice(fast, now=T0).startswith(
        "100 requests per 10 s: at most 10 requests per second")


def test_arguments_are_checked() -> None:
    """A zero interval or a negative budget is refused."""
    with pytest.raises(ValueError, match="interval"):
        kit.RateLimitMonitor("http://127.0.0.1:9/", interval=0)
    with pytest.raises(ValueError, match="budget"):
        kit.RateLimitMonitor("http://127.0.0.1:9/", budget=-1)
