"""kit.audit: which rule of a gateway's own configuration decides a request, and the fix.

    result = kit.audit("site.conf", method="GET", url="/admin/users",
                       headers={"X-API-Key": "..."}, source_address="203.0.113.9")
    result.allowed, result.status, result.rule, result.fix

``kit.cross_check(diagnosis, config)`` replays the request a live diagnosis rests on through
the configuration, and says whether the configuration explains the live answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .._causes import Cause
from .load import ConfigSource, load_config
from .model import AuditRequest, AuditResult, GatewayConfig

if TYPE_CHECKING:
    from .._diagnosis import Diagnosis
    from .._http.exchange import Exchange

Headers = Mapping[str, str] | Iterable[tuple[str, str]]


def audit(config: ConfigSource, *, method: str = "GET", url: str = "/",
          headers: Headers | None = None, source_address: str | None = None,
          identity: str | None = None, context: Mapping[str, str] | None = None,
          rate: float | None = None, now: dt.datetime | None = None,
          kind: str | None = None) -> AuditResult:
    """Walk one request through a gateway's configuration, the way that gateway does.

    ``config`` is a path, a list of paths, a directory or a configuration from
    ``kit.load_config``/``kit.parse_config``; the gateway (nginx, Tyk, Kong, AWS API Gateway)
    is detected unless ``kind`` says. ``identity`` names the consumer/policy/principal a key
    belongs to when the configuration cannot tell from the key; ``context`` carries what a
    request does not (``{"aws:SourceVpce": "vpce-1a2b"}``, ``{"stage": "prod"}``);
    ``rate`` is the caller's requests per second, to test rate limits (every key each gateway
    reads is listed in docs/audit-contract.md). Bad arguments raise
    ValueError; unreadable configurations raise ConfigError (a ValueError) naming the file
    and line.
    """
    request = AuditRequest.build(method, url, headers=headers, source_address=source_address,
                                 identity=identity, context=context, rate=rate, now=now)
    return evaluate(load_config(config, kind=kind), request)


def evaluate(config: GatewayConfig, request: AuditRequest) -> AuditResult:
    """``config.evaluate(request)``, every secret masked, the request and config attached."""
    from .render import config_secrets
    from .scrub import scrub, sent_secrets

    # Evaluators mask what they know; this second pass (cheap: the masker is cached per set
    # of secrets) keeps a configuration class that forgets one from leaking it.
    result = scrub(config.evaluate(request), [*sent_secrets(request), *config_secrets(config)])
    return dataclasses.replace(result, request=result.request or request, config=config)


Verdict = Literal["explains", "differs", "allows"]


@dataclass(frozen=True)
class CrossCheck:
    """A live answer set beside what the configuration would answer for the same request."""

    verdict: Verdict  # explains: same answer; differs: answers otherwise; allows: lets a
    # refused request through (the refusal comes from elsewhere)
    live_status: int | None
    live_cause: Cause | None  # the diagnosis's first cause
    audit: AuditResult
    summary: str  # two sentences for a person

    @property
    def explains(self) -> bool:
        return self.verdict == "explains"

    @property
    def same_cause(self) -> bool | None:
        """Does the deciding rule stand for the cause the diagnosis ranked first?"""
        if self.live_cause is None or self.audit.cause is None:
            return None
        return self.live_cause is self.audit.cause

    def __repr__(self) -> str:
        return (f"<CrossCheck {self.verdict}: live {self.live_status}, configuration "
                f"{self.audit.status} at {self.audit.rule}>")

    def __str__(self) -> str:
        return f"{self.summary}\n\n{self.audit}"

    def _repr_html_(self) -> str:
        import html

        colour = {"explains": "#1b5e20", "differs": "#e65100", "allows": "#0d47a1"}
        return (f'<p style="border-left:4px solid {colour[self.verdict]};padding:4px 10px">'
                f"<b>Cross-check: {self.verdict}</b> — {html.escape(self.summary)}</p>"
                + self.audit._repr_html_())


def cross_check(diagnosis: Diagnosis | Exchange, config: ConfigSource, *,
                source_address: str | None = None, headers: Headers | None = None,
                identity: str | None = None, context: Mapping[str, str] | None = None,
                kind: str | None = None) -> CrossCheck:
    """Does this configuration explain the live refusal a diagnosis (or an exchange) rests on?

    The baseline request (method, URL, headers as sent, masked) is walked through the
    configuration. Masked keys still match the keys a configuration lists, by fingerprint.
    ``source_address`` is the address the gateway sees; it defaults to the local address the
    probe used, which is right on a LAN and wrong behind NAT (the result says so).
    ``headers`` adds or replaces headers (real values, when the masked ones are not enough).
    """
    exchange = _baseline(diagnosis)
    live_cause = _top_cause(diagnosis)
    sent = {name.lower(): value for name, value in exchange.request_headers}
    for name, value in (headers.items() if isinstance(headers, Mapping) else headers or ()):
        sent[name.lower()] = value
    address = source_address or _host_only(exchange.local_address)
    request = AuditRequest.build(exchange.method, exchange.url, headers=sent,
                                 source_address=address, identity=identity, context=context,
                                 now=exchange.started_at)
    result = evaluate(load_config(config, kind=kind), request)
    if source_address is None and exchange.local_address:
        note = (f"the source address {address} is the probe's own local address; "
                "behind NAT or a proxy the gateway sees another one (pass source_address=)")
        result = dataclasses.replace(result, assumptions=(*result.assumptions, note))
    verdict, summary = _compare(exchange.status, live_cause, result)
    return CrossCheck(verdict, exchange.status, live_cause, result, summary)


def _host_only(address: str | None) -> str | None:
    """``127.0.0.1:44033`` / ``[::1]:5000`` / ``::1`` -> the address without its port."""
    if not address:
        return None
    if address.startswith("["):
        return address[1:].split("]", 1)[0]
    host, sep, port = address.rpartition(":")
    return host if sep and port.isdigit() and ":" not in host else address


def _baseline(source: Diagnosis | Exchange) -> Exchange:
    from .._http.exchange import Exchange

    exchange = source if isinstance(source, Exchange) else source.baseline
    if exchange is None:
        raise ValueError("the diagnosis holds no request to check: run kit.diagnose first")
    if not isinstance(source, Exchange) and exchange.status and 300 <= exchange.status < 400:
        from .._variants import REDIRECT

        # the refusal came after the redirect: check the request the client sent next
        followed = next((x for x in source.exchanges if x.label == REDIRECT and x.status), None)
        exchange = followed or exchange
    if exchange.status is None:
        what = exchange.error.message if exchange.error else "no answer"
        raise ValueError(f"the live request got no HTTP answer ({what}): a configuration "
                         "cannot explain a network failure")
    return exchange


def _top_cause(source: Diagnosis | Exchange) -> Cause | None:
    top = getattr(source, "top", None)
    return top.cause if top is not None else None


def _compare(live: int | None, live_cause: Cause | None,
             result: AuditResult) -> tuple[Verdict, str]:
    rule = f" ({result.rule})" if result.rule else ""
    succeeded = live is not None and live < 400
    if result.allowed and succeeded:
        return "explains", (f"The configuration lets the request through{rule}, as the live "
                            f"answer ({live}) did.")
    if succeeded:
        return "differs", (
            f"This configuration would refuse with {result.status}{rule}, but the live request "
            f"succeeded ({live}): the deployed configuration differs from this file, or the "
            f"request reached another server or route. {result.reason}")
    if result.allowed:
        return "allows", (
            f"This configuration lets the request through{rule}, yet it was answered {live}: "
            "the refusal comes from somewhere the configuration does not cover: another layer "
            "(CDN, WAF, the upstream application), a deployed configuration that differs from "
            "this file, or something the audit could not know offline.")
    if result.status != live:
        return "differs", (
            f"This configuration would refuse with {result.status}{rule}, but the live answer "
            f"was {live}: another layer answers first, or the deployed configuration differs. "
            f"{result.reason}")
    agree = ""
    if live_cause is not None and result.cause is not None:
        agree = (" The diagnosis agrees on the cause." if live_cause is result.cause else
                 f" The diagnosis ranked {live_cause.label} first; the rule stands for "
                 f"{result.cause.label}: trust the rule.")
    return "explains", f"The configuration explains the live {live}: {result.reason}.{agree}"
