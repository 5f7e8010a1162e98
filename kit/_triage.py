"""diagnose() / adiagnose(): the baseline first, then a few safe variants, then a verdict.

The plan is written once, without I/O, as a generator that yields batches of Probes and
receives their Exchanges (``_steps``); a sync driver (threads) and an async driver
(``asyncio.gather``) run it. Politeness lives in the plan: a hard request budget, no
variants after ``Retry-After`` or an exhausted limit, no replay of unsafe methods, and a
share of any remaining quota left untouched.
"""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Generator, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import httpx

from . import checks
from ._causes import Cause
from ._diagnosis import Diagnosis, Signal, combine
from ._explain import _SETTLE, _notes, _separating
from ._history.recent import HistoryLike
from ._history.recent import signals as recent_signals
from ._history.recent import window as recent_window
from ._http import politeness
from ._http.exchange import Exchange, Hop
from ._http.politeness import should_hold_back
from ._http.probe import Probe, asend, make_async_client, make_client, send, undecoded
from ._http.ratelimit import parse_rate_limits, parse_retry_after
from ._http.secrets import mask_url
from ._variants import REDIRECT, REPEAT, plan, redirect_target, same_origin
from ._verdict import rank
from .checks.ip_allowlist import uniform_refusal

DEFAULT_BUDGET = 8
MAX_BUDGET = 16
REPEAT_PAUSE = 1.0
SHORT_RETRY = 5.0
"""A Retry-After this short on a refusal is waited out once, then the request repeated: a
limiter's countdown has passed by then; a refusal that persists carries the header as
boilerplate (Varnish's stock synthetic page says 5 s on every refusal), and the variants go."""
MAX_PATIENCE = 600
"""The longest wait for a limiter's window that ``patience=`` allows, in seconds."""
MAX_HOPS = 3

HeadersLike = Mapping[str, str] | Iterable[tuple[str, str]] | None


@dataclass(frozen=True, slots=True)
class Batch:
    """A batch of probes to send at once, after an optional pause (seconds)."""

    probes: list[Probe]
    pause: float = 0.0


def prepare(url: str, *, method: str = "GET", headers: HeadersLike = None,
            params: Mapping[str, str] | None = None, content: bytes | str | None = None,
            local_address: str | None = None) -> Probe:
    """Validate the caller's request and turn it into the baseline Probe (ValueError if bad)."""
    if not isinstance(url, str) or not url.strip():
        raise ValueError("url must be a non-empty string such as 'https://api.example.com/v1/x'")
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        # httpx quotes the bad part, which may be a password holding an unescaped '/' or '#'.
        why = str(exc) if "@" not in url else (f"{str(exc).split(':')[0]}; percent-encode any "
                                               "'/', '?', '#' or '@' in a user name or password")
        raise ValueError(f"{mask_url(url)!r} is not a valid URL ({why}); expected something "
                         "like 'https://api.example.com/v1/items'") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"{mask_url(url)!r} is not an http(s) URL with a host; expected "
                         "something like 'https://api.example.com/v1/items'")
    if params:
        parsed = parsed.copy_merge_params(dict(params))
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])
    for name, value in pairs:
        if not isinstance(name, str) or not isinstance(value, str) or not name.strip():
            raise ValueError(f"header {name!r} must be a non-empty name with a string value")
    verb = method.strip().upper()
    if not verb.isalpha():
        raise ValueError(f"method {method!r} is not an HTTP method such as GET or POST")
    body = content.encode() if isinstance(content, str) else content
    return Probe(verb, str(parsed), tuple(pairs), body, local_address=local_address)


def _families(host: str, port: int) -> tuple[str, ...]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return ()
    return tuple(sorted({"6" if info[0] == socket.AF_INET6 else "4" for info in infos}))


def _steps(baseline_probe: Probe, *, budget: int, deadline: float, replay_unsafe: bool,
           families: tuple[str, ...], history: HistoryLike | None = None,
           patience: float = 0.0) -> Generator[Batch, list[Exchange], Diagnosis]:
    now = dt.datetime.now(dt.UTC)
    notes: list[str] = []
    (baseline,) = yield Batch([baseline_probe])
    base_signals = checks.single(baseline, now=now)  # what the baseline alone says, once
    if history is not None and checks.refused(baseline):
        base_signals += recent_signals(baseline, recent_window(history, baseline, now=now),
                                       now=now)
    spent = 1
    variants: dict[str, Exchange] = {}
    target = redirect_target(baseline, baseline_probe.url)
    if target is not None and spent < budget:
        followed, hops = yield from _follow(baseline_probe, baseline, target, budget - spent)
        variants[REDIRECT] = followed
        spent += hops
        notes += _unfinished(followed)
    elif checks.refused(baseline):
        hold = should_hold_back(baseline, now=now) or _quota_words(base_signals)
        probes = plan(baseline_probe, dual_stack=_other_family(baseline, families),
                      unsafe_ok=replay_unsafe)
        allowed = budget - spent - 1  # keep one request for a follow-up
        spare = politeness.spare(baseline, now=now)
        if spare is not None:
            allowed = min(allowed, spare)
        waited = None if _quota_words(base_signals) else _short_retry(
            baseline, hold, now=now, deadline=deadline)
        if waited is not None and spent < budget:
            (again,) = yield Batch([baseline_probe.with_(label=REPEAT)], pause=waited)
            spent += 1
            variants[REPEAT] = again
            allowed -= 1
            if checks.refused(again) and again.status == baseline.status:
                notes.append(f"Waited the Retry-After ({waited:.0f} s) and repeated: still "
                             f"{again.status}, so not a limiter's countdown; variants sent.")
                hold = None
            else:
                notes.append(f"Waited the Retry-After ({waited:.0f} s) and repeated: "
                             f"{again.status or 'no answer'}.")
                probes = []
        if hold:
            notes.append(f"No variants were sent: {hold}. Probing now would spend your quota "
                         "and could extend the block.")
            probes = []
        elif len(probes) > allowed:
            skipped = ", ".join(p.label for p in probes[max(0, allowed):])
            notes.append(f"Not sent within the budget of {budget} requests: {skipped}.")
            probes = probes[: max(0, allowed)]
        if baseline_probe.method not in ("GET", "HEAD", "OPTIONS") and not replay_unsafe:
            notes.append(f"{baseline_probe.method} was not replayed (it may change data); pass "
                         "replay_unsafe=True to allow variants of it.")
        if probes and time.monotonic() < deadline:
            results = yield Batch(probes)
            spent += len(probes)
            variants.update((e.label, e) for e in results)
        evidence = checks.Evidence(baseline, variants, now, bool(baseline.credentials))
        waits = [] if REPEAT in variants else _repeat_pauses(
            baseline, evidence, hold=bool(hold), patience=patience, allowance=budget - spent,
            now=now)
        for pause in waits:
            if time.monotonic() + pause + 0.5 >= deadline:
                notes.append(f"Not repeated after {pause:.0f} s: the time allowed ran out.")
                break
            (again,) = yield Batch([baseline_probe.with_(label=REPEAT)], pause=pause)
            spent += 1
            variants[REPEAT] = again
            if len(waits) > 1 or patience:
                notes.append(f"Repeated after {pause:.0f} s: {again.status or 'no answer'}.")
            if not checks.refused(again):
                break
    evidence = checks.Evidence(baseline, variants, now, bool(baseline.credentials))
    signals = base_signals + checks.differential(evidence, baseline_signals=base_signals)
    final = variants.get(REDIRECT)
    if final is not None and checks.refused(final):
        signals += checks.single(final, now=now)  # what the final answer says, too
    notes += _notes(baseline) + [n for n in [undecoded(baseline)] if n]
    if baseline.body_cut:
        notes.append(f"Why the body is incomplete: {baseline.body_cut}.")
    diagnosis = rank(signals, [baseline, *variants.values()], notes=notes,
                     requests_sent=spent)
    if diagnosis.top is not None and diagnosis.top.thin:
        settle = [_SETTLE[f.cause.value] for f in diagnosis.findings[:2]]
        diagnosis = replace(diagnosis,
                            next_steps=list(dict.fromkeys(_separating(diagnosis) + settle)))
    return diagnosis


def _follow(probe: Probe, baseline: Exchange, target: str, allowance: int
            ) -> Generator[Batch, list[Exchange], tuple[Exchange, int]]:
    """Follow redirects as a client would (Authorization dropped across origins)."""
    hops = [Hop(baseline.status or 0, baseline.url, mask_url(target))]
    current, url, sent = probe, target, 0
    while True:
        cross = not same_origin(current.url, url)
        headers = current.without_headers("authorization", "cookie") if cross else current.headers
        current = current.with_(url=url, headers=headers, label=REDIRECT, content=None,
                                method="GET" if current.method == "POST" else current.method)
        (answer,) = yield Batch([current])
        sent += 1
        nxt = redirect_target(answer, url)
        if nxt is None or sent >= min(MAX_HOPS, allowance):
            return replace(answer, history=tuple(hops)), sent
        hops.append(Hop(answer.status or 0, answer.url, mask_url(nxt)))
        url = nxt


def _unfinished(final: Exchange) -> list[str]:
    """A note when redirects were still going when the triage stopped following them."""
    if final.status is None or not 300 <= final.status < 400 or not final.header("location"):
        return []
    seen = {hop.url for hop in final.history} | {final.url}
    if any(hop.location in seen for hop in final.history):
        chain = " -> ".join([hop.url for hop in final.history] + [final.url])
        return [f"The redirects loop ({chain} -> ...): the server sends the client in a circle; "
                "fix its redirect rules (a path or scheme rewrite that undoes another)."]
    return [f"Still redirecting after {len(final.history)} hops; stopped following. Call the "
            "final URL directly, or shorten the chain on the server."]


def _other_family(baseline: Exchange, families: tuple[str, ...]) -> tuple[str, ...]:
    if len(families) < 2 or not baseline.remote_address:
        return ()
    used = "6" if baseline.remote_address.startswith("[") else "4"
    return tuple(f for f in families if f != used)


def _quota_words(base_signals: list[Signal]) -> str | None:
    words = [s for s in base_signals if s.cause is Cause.RATE_LIMIT
             and (s.check == "keywords" or s.check.startswith("catalogue:"))]
    if combine(s.weight for s in words) >= 0.6:
        return "the response says a rate limit or quota is exceeded"
    return None


def _short_retry(baseline: Exchange, hold: str | None, *, now: dt.datetime,
                 deadline: float) -> float | None:
    """The pause before one repeat when the only reason to hold back is a short Retry-After
    (no exhausted quota, no 429, no words of a limit), or None."""
    retry = baseline.header("retry-after")
    if not hold or retry is None or baseline.status == 429:
        return None
    if any(limit.convention != "retry-after"
           for limit in parse_rate_limits(baseline.response_headers, now=now)):
        return None  # a rate-limit header family speaks: leave it to the limiter's rules
    delay = parse_retry_after(retry, now=now)
    if delay is None or delay.total_seconds() > SHORT_RETRY:
        return None
    pause = max(REPEAT_PAUSE, delay.total_seconds() + 0.5)
    return pause if time.monotonic() + pause + 1.0 < deadline else None


def _repeat_pauses(baseline: Exchange, ev: checks.Evidence, *, hold: bool, patience: float,
                   allowance: int, now: dt.datetime) -> list[float]:
    """How long to wait before each repeat of the baseline (none when it would not help).

    Without patience: one repeat after a second, when the variants could not separate a
    persistent block from a transient one. With ``patience``: up to three repeats spread over
    it, long enough to see a limiter's window pass; after a Retry-After no sooner than it
    says, and only when it falls within the patience.
    """
    if allowance < 1:
        return []
    if hold:
        retry = baseline.header("retry-after")
        delay = parse_retry_after(retry, now=now) if retry else None
        if not patience or delay is None or delay.total_seconds() > patience:
            return []
        return [max(REPEAT_PAUSE, delay.total_seconds() + 0.5)]
    if not _worth_repeating(ev):
        return []
    if not patience:
        return [REPEAT_PAUSE]
    count = min(3, allowance)
    return [max(REPEAT_PAUSE, patience / count)] * count


def _worth_repeating(ev: checks.Evidence) -> bool:
    """Only when the variants could not separate a persistent block from a transient one."""
    if not checks.refused(ev.baseline):
        return False
    return uniform_refusal(ev) is not None


def _check(budget: int, timeout: float, patience: float = 0.0) -> None:
    if isinstance(budget, bool) or not isinstance(budget, int) or not 1 <= budget <= MAX_BUDGET:
        raise ValueError(f"budget must be an integer from 1 to {MAX_BUDGET}, not {budget!r}")
    if not isinstance(timeout, int | float) or not 0 < timeout <= 300:
        raise ValueError(f"timeout must be a number of seconds in (0, 300], not {timeout!r}")
    if isinstance(patience, bool) or not isinstance(patience, int | float) or not (
            0 <= patience <= MAX_PATIENCE):
        raise ValueError(f"patience must be a number of seconds in [0, {MAX_PATIENCE}], "
                         f"not {patience!r}")


def diagnose(url: str, method: str = "GET", *, headers: HeadersLike = None,
             params: Mapping[str, str] | None = None, content: bytes | str | None = None,
             budget: int = DEFAULT_BUDGET, timeout: float = 10.0,
             local_address: str | None = None, proxy: str | None = None,
             replay_unsafe: bool = False, client: httpx.Client | None = None,
             history: HistoryLike | None = None, patience: float = 0.0) -> Diagnosis:
    """Triage an endpoint: the baseline request, then at most ``budget`` requests in all.

    ``timeout`` bounds each request and the whole triage. Network failures come back as a
    Diagnosis that says what failed; only arguments that make no sense raise ValueError.
    With ``client=`` (an ``httpx.Client`` you own) the probes go through it, in threads.
    ``history=`` is what ``kit.record(client)`` collected (a History, a Store, or any
    iterable of Exchanges): the same request answering 200 shortly before, or a burst of
    requests, is evidence too. ``patience=`` (seconds, up to 600) allows spaced repeats when
    every probe is refused alike, or one after a Retry-After that falls within it: long
    enough to see a limiter's window pass. The triage then takes up to ``timeout +
    patience``.
    """
    _check(budget, timeout, patience)
    probe = prepare(url, method=method, headers=headers, params=params, content=content,
                    local_address=local_address)
    if client is None:
        # The async path can enforce the deadline on a server that drips its headers, which
        # a blocking read cannot; run it on a private loop (works inside Jupyter's loop too).
        import asyncio

        coro = adiagnose(url, method, headers=headers, params=params, content=content,
                         budget=budget, timeout=timeout, local_address=local_address,
                         proxy=proxy, replay_unsafe=replay_unsafe, history=history,
                         patience=patience)
        with ThreadPoolExecutor(max_workers=1) as runner:
            return runner.submit(asyncio.run, coro).result()
    deadline = time.monotonic() + timeout + patience
    parts = urlsplit(probe.url)
    families = () if local_address else _families(parts.hostname or "", parts.port or 443)
    http = client
    family_clients: dict[str, httpx.Client] = {}
    gen = _steps(probe, budget=budget, deadline=deadline, replay_unsafe=replay_unsafe,
                 families=families, history=history, patience=patience)
    try:
        step = next(gen)
        with ThreadPoolExecutor(max_workers=MAX_BUDGET) as pool:
            while True:
                if step.pause:
                    time.sleep(max(0.0, min(step.pause, deadline - time.monotonic())))

                def run(p: Probe) -> Exchange:
                    c = http
                    if p.local_address != probe.local_address and p.local_address:
                        if p.local_address not in family_clients:  # one client per family
                            family_clients[p.local_address] = make_client(
                                timeout=timeout, proxy=proxy, local_address=p.local_address)
                        c = family_clients[p.local_address]
                    return send(p, client=c, deadline=deadline)

                results = list(pool.map(run, step.probes))
                try:
                    step = gen.send(results)
                except StopIteration as stop:
                    result: Diagnosis = stop.value
                    return result
    finally:
        for extra in family_clients.values():
            extra.close()


async def adiagnose(url: str, method: str = "GET", *, headers: HeadersLike = None,
                    params: Mapping[str, str] | None = None, content: bytes | str | None = None,
                    budget: int = DEFAULT_BUDGET, timeout: float = 10.0,
                    local_address: str | None = None, proxy: str | None = None,
                    replay_unsafe: bool = False,
                    client: httpx.AsyncClient | None = None,
                    history: HistoryLike | None = None, patience: float = 0.0) -> Diagnosis:
    """The awaitable twin of diagnose(), for notebooks and async code."""
    import asyncio  # only the async path needs it; keeps `import kit` light

    _check(budget, timeout, patience)
    probe = prepare(url, method=method, headers=headers, params=params, content=content,
                    local_address=local_address)
    deadline = time.monotonic() + timeout + patience
    parts = urlsplit(probe.url)
    loop = asyncio.get_running_loop()
    families = () if local_address else await loop.run_in_executor(
        None, _families, parts.hostname or "", parts.port or 443)
    own = client is None
    http = client or make_async_client(timeout=timeout, proxy=proxy, local_address=local_address)
    family_clients: dict[str, httpx.AsyncClient] = {}

    async def run(p: Probe) -> Exchange:
        c = http
        if p.local_address != probe.local_address and p.local_address:
            if p.local_address not in family_clients:  # one client per family
                family_clients[p.local_address] = make_async_client(
                    timeout=timeout, proxy=proxy, local_address=p.local_address)
            c = family_clients[p.local_address]
        return await asend(p, client=c, deadline=deadline)

    gen = _steps(probe, budget=budget, deadline=deadline, replay_unsafe=replay_unsafe,
                 families=families, history=history, patience=patience)
    try:
        step = next(gen)
        while True:
            if step.pause:
                await asyncio.sleep(max(0.0, min(step.pause, deadline - time.monotonic())))
            results = list(await asyncio.gather(*(run(p) for p in step.probes)))
            try:
                step = gen.send(results)
            except StopIteration as stop:
                result: Diagnosis = stop.value
                return result
    finally:
        for extra in family_clients.values():
            await extra.aclose()
        if own:
            await http.aclose()
