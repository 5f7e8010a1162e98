"""Kong's traffic-policy plugins: ip-restriction, rate-limiting, request-termination,
bot-detection, as their handlers decide (github.com/Kong/kong, kong/plugins/<name>/)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
import re

from ..model import AuditRequest, Limit
from .entities import Plugin
from .plugins import PERIODS, Env, Outcome, State

# ip-restriction/handler.lua: conf.status or 403; conf.message or, since 3.4,
# "IP address not allowed: <addr>" ("Your IP address is not allowed" in 1.x-3.3).
IP_STATUS = 403
IP_MESSAGE = {"3": "IP address not allowed: {addr}", "2": "Your IP address is not allowed"}
# rate-limiting/schema.lua: error_code default 429, error_message "API rate limit exceeded".
RATE_STATUS, RATE_MESSAGE = 429, "API rate limit exceeded"
# request-termination/handler.lua DEFAULT_RESPONSE, status_code default 503 (schema.lua).
TERMINATION_DEFAULTS = {401: "Unauthorized", 404: "Not found", 405: "Method not allowed",
                        500: "An unexpected error occurred", 502: "Bad Gateway",
                        503: "Service unavailable"}
# bot-detection/handler.lua: 403 via kong.response.error (default message "Forbidden").
BOT_STATUS, BOT_MESSAGE = 403, "Forbidden"
# A few of bot-detection/rules.lua's built-in patterns (the list there is longer).
BOT_RULES = (r"(Google-HTTP-Java-Client|Apache-HttpClient|Go-http-client|Python-urllib|"
             r"okhttp|axios)", r"(?:[A-Za-z]+[Bb]ot|[Ss]pider|[Cc]rawl)[/ ]\d",
             r"Googlebot|bingbot|Scrapy|SemrushBot|MJ12bot")


def ip_restriction(plugin: Plugin, request: AuditRequest, state: State, env: Env) -> Outcome:
    cfg = plugin.config
    deny_key = "deny" if cfg.get("deny") else "blacklist"
    allow_key = "allow" if cfg.get("allow") else "whitelist"
    deny = [str(x) for x in cfg.get(deny_key) or []]
    allow = [str(x) for x in cfg.get(allow_key) or []]
    addr = request.source_address
    if addr is None:
        return Outcome("pass", "ip-restriction: the client address is unknown",
                       assumptions=(f"ip-restriction ({env.where(plugin)}) decides on the "
                                    f"client address; pass source_address= to check it",))
    status = cfg.get("status") or IP_STATUS
    message = cfg.get("message") or IP_MESSAGE[env.major].format(addr=addr)
    for index, entry in enumerate(deny):  # deny is checked first (handler.lua do_restrict)
        if addr in ipaddress.ip_network(entry, strict=False):
            line = env.doc.line_of((*plugin.keys, "config", deny_key, index))
            return Outcome("deny", f"ip-restriction: {addr} is in config.{deny_key} entry "
                           f"{entry}", status, message,
                           fix=f"remove {entry} from config.{deny_key} of {env.where(plugin)}"
                               f" (entry at {env.doc.source}:{line})",
                           focus=("config", deny_key, index))
    if allow and not any(addr in ipaddress.ip_network(e, strict=False) for e in allow):
        return Outcome("deny", f"ip-restriction: {addr} is not in config.{allow_key} {allow}",
                       status, message,
                       fix=f"add {addr} to config.{allow_key} of "
                           f"{env.where(plugin, 'config', allow_key)}",
                       focus=("config", allow_key))
    return Outcome("pass", f"ip-restriction: {addr} is "
                   + (f"in config.{allow_key}" if allow else f"not in config.{deny_key}"))


def rate_limiting(plugin: Plugin, request: AuditRequest, state: State, env: Env) -> Outcome:
    """Each limit L per period P (seconds) allows a sustained L/P requests/second; the caller's
    rate exceeds the plugin when it exceeds the smallest L/P (month 30 days, year 365)."""
    cfg = plugin.config
    status = int(cfg.get("error_code") or RATE_STATUS)
    message = str(cfg.get("error_message") or RATE_MESSAGE)
    by = str(cfg.get("limit_by") or "consumer")
    limits = []
    for period, seconds in PERIODS.items():
        count = cfg.get(period)
        if count is None:
            continue
        ref = env.doc.ref((*plugin.keys, "config", period), f"rate-limiting {period}: {count}")
        limits.append((count / seconds, period, seconds, count,
                       Limit(ref, f"{count} requests per {period} per {by} "
                             f"({plugin.scope})", status, count / seconds, int(count),
                             dt.timedelta(seconds=seconds))))
    limits.sort(key=lambda x: x[0])
    found = tuple(x[4] for x in limits)
    if by in ("consumer", "credential") and state.consumer is None:
        by = "client IP (no consumer identified, so Kong falls back to the IP)"
    notes = (f"rate-limiting counts per {by}; an offline audit cannot count requests",)
    rate = request.rate
    if rate is None or not limits or rate <= limits[0][0]:
        shown = "" if rate is None else f" {rate:g}/s is within {limits[0][0]:g}/s;"
        return Outcome("limit", f"rate-limiting:{shown} " + ", ".join(
            f"{c}/{p}" for _, p, _, c, _ in limits), limits=found, assumptions=notes)
    per_second, period, seconds, count, _ = limits[0]
    need = math.ceil(rate * seconds)
    return Outcome("deny", f"rate-limiting: {rate:g} requests/second exceeds config.{period} "
                   f"{count} (= {per_second:g}/s)", status, message,
                   fix=f"raise config.{period} of {env.where(plugin, 'config', period)} to at "
                       f"least {need}, or send at most {per_second:g} requests/second",
                   limits=found, assumptions=notes, focus=("config", period))


def request_termination(plugin: Plugin, request: AuditRequest, state: State,
                        env: Env) -> Outcome:
    cfg = plugin.config
    trigger = cfg.get("trigger") if env.major == "3" else None
    if trigger and request.header(str(trigger)) is None and request.param(str(trigger)) is None:
        return Outcome("skip", f"request-termination waits for header or query parameter "
                       f"{trigger}, which the request does not carry")
    status = int(cfg.get("status_code") or 503)
    message = str(cfg.get("message") or TERMINATION_DEFAULTS.get(status, ""))
    if cfg.get("body"):
        message = "(config.body)"
    fix = (f"do not send header or query parameter {trigger} ({env.where(plugin)})"
           if trigger else f"remove {env.where(plugin)} or set enabled: false on it")
    return Outcome("deny", f"request-termination answers {status} to every request it applies "
                   "to",
                   status, message, fix=fix)


def bot_detection(plugin: Plugin, request: AuditRequest, state: State, env: Env) -> Outcome:
    agents = request.header_values("user-agent")
    if not agents:
        return Outcome("pass", "bot-detection: no User-Agent, nothing to check")
    if len(agents) > 1:
        return Outcome("deny", "bot-detection: more than one User-Agent header", 400,
                       "Only one User-Agent header allowed", fix="send one User-Agent header")
    agent = agents[0].strip()
    for pattern in plugin.config.get("allow") or plugin.config.get("whitelist") or []:
        if _search(pattern, agent):
            return Outcome("pass", f"bot-detection: User-Agent matches config.allow {pattern}")
    for index, pattern in enumerate(plugin.config.get("deny") or
                                    plugin.config.get("blacklist") or []):
        if _search(pattern, agent):
            return Outcome("deny", f"bot-detection: User-Agent matches config.deny {pattern}",
                           BOT_STATUS, BOT_MESSAGE, focus=("config", "deny", index),
                           fix=f"send another User-Agent, or remove {pattern} from config.deny"
                               f" of {env.where(plugin)}")
    for pattern in BOT_RULES:
        if _search(pattern, agent):
            return Outcome("deny", "bot-detection: User-Agent matches Kong's built-in bot list",
                           BOT_STATUS, BOT_MESSAGE,
                           fix=f"send a browser User-Agent, or add a pattern matching it to "
                               f"config.allow of {env.where(plugin)}")
    return Outcome("pass", "bot-detection: User-Agent is not a known bot",
                   assumptions=("bot-detection: only part of Kong's built-in bot list is "
                                "modelled",))


def cors(plugin: Plugin, request: AuditRequest, state: State, env: Env) -> Outcome:
    """cors/handler.lua: a preflight (OPTIONS + Origin + Access-Control-Request-Method) is
    answered 200 by the plugin itself unless preflight_continue; other requests pass."""
    preflight = request.method == "OPTIONS" and request.header("origin") is not None and \
        request.header("access-control-request-method") is not None
    if not preflight:
        return Outcome("pass", "cors: not a preflight, only response headers are added")
    if plugin.config.get("preflight_continue"):
        return Outcome("pass", "cors: preflight passed on to the upstream (preflight_continue)")
    return Outcome("allow", "cors answers the preflight itself with 200; later plugins "
                   "(authentication included) do not run", 200,
                   assumptions=("cors: whether the Origin is allowed shows only in the "
                                "response headers, not in the status",))


def _search(pattern: object, text: str) -> bool:
    try:
        return re.search(str(pattern), text) is not None
    except re.error:
        return False
