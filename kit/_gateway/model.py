"""The values every gateway evaluator shares: the request, where a rule lives, the verdict.

An evaluator reads one gateway's configuration and walks a request through it the way that
gateway does, recording each rule it looked at (a ``Step``). The rule that settles the
request is ``AuditResult.rule``; ``AuditResult.fix`` is the smallest change that would let
the request through, in words.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable
from urllib.parse import parse_qsl, unquote, unquote_plus, urlsplit

from .._causes import Cause
from .._http.secrets import is_masked, is_secret_header, mask, mask_header_value, mask_url

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Effect = Literal["allow", "deny", "pass", "skip", "limit", "note"]


class ConfigError(ValueError):
    """A configuration the kit cannot read, with where it broke and what to do.

    ``str(error)`` reads ``site.conf:12:5: unexpected "}" (…what to do…)``.
    """

    def __init__(self, message: str, *, source: str = "<text>", line: int | None = None,
                 column: int | None = None, path: str | None = None, hint: str = "") -> None:
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.path = path
        self.hint = hint
        where = source
        if line is not None:
            where += f":{line}" + (f":{column}" if column is not None else "")
        if path:
            where += f" ({path})"
        super().__init__(f"{where}: {message}" + (f" ({hint})" if hint else ""))


@dataclass(frozen=True, slots=True)
class RuleRef:
    """Where a rule lives: a file and line (nginx, YAML) and/or a JSON path (Tyk, AWS, Kong)."""

    source: str
    line: int | None = None
    path: str | None = None
    text: str = ""  # the rule as written, one line, secrets masked

    def __str__(self) -> str:
        where = self.source + (f":{self.line}" if self.line is not None else "")
        if self.path:
            where += f" {self.path}"
        return where


@dataclass(frozen=True, slots=True)
class Step:
    """One rule the evaluator looked at, in the order the gateway looks at it."""

    rule: RuleRef
    effect: Effect
    says: str  # plain words: "allow 10.0.0.0/8 does not match 203.0.113.9"


@dataclass(frozen=True, slots=True)
class Limit:
    """A rate limit or quota that applies to the request (an offline audit cannot count)."""

    rule: RuleRef
    describe: str  # "10 requests/second per client address, burst 5"
    status: int  # what the gateway answers once the limit is exceeded
    per_second: float | None = None  # the sustained rate, when it is a rate
    quota: int | None = None  # the count, when it is a quota over a period
    period: dt.timedelta | None = None


@dataclass(frozen=True)
class AuditRequest:
    """The request to walk through a configuration. Header values stay private (masked in repr)."""

    method: str
    url: str  # as given; may be a bare path
    scheme: str
    host: str  # lower case, no port; "" when the url is a bare path
    port: int | None
    path: str  # raw path, percent-encoding kept
    query: str
    headers: tuple[tuple[str, str], ...] = ()  # names lower-cased, order kept
    source_address: Address | None = None
    identity: str | None = None  # consumer / policy / principal the key belongs to
    context: Mapping[str, str] = field(default_factory=dict)  # extra condition keys, variables
    rate: float | None = None  # requests/second the caller sends, for rate-limit rules
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @classmethod
    def build(cls, method: str = "GET", url: str = "/", *,
              headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
              source_address: str | Address | None = None, identity: str | None = None,
              context: Mapping[str, str] | None = None, rate: float | None = None,
              now: dt.datetime | None = None) -> AuditRequest:
        """Check and normalise the arguments; a bad one raises ValueError naming it."""
        method = (method or "").strip().upper()
        if not method or not method.isascii() or not method.replace("-", "").isalpha():
            raise ValueError(f"method {method!r} is not an HTTP method: use GET, POST, ...")
        url = (url or "").strip()
        if not url:
            raise ValueError("url is empty: give a path like /admin/users or a full URL")
        try:
            parts = urlsplit(url if "://" in url or url.startswith("/") else "/" + url)
            port = parts.port
        except ValueError as exc:
            raise ValueError(f"url {mask_url(url)!r} is not a URL ({exc})") from None
        if parts.scheme and parts.scheme not in ("http", "https"):
            raise ValueError(f"url scheme {parts.scheme!r} is not http or https")
        pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or ())
        cleaned = []
        for name, value in pairs:
            if not isinstance(name, str) or not isinstance(value, str):
                raise ValueError("headers must map names to text values")
            cleaned.append((name.strip().lower(), value))
        address: Address | None = None
        if source_address is not None and source_address != "":
            try:
                address = ipaddress.ip_address(str(source_address).strip().strip("[]"))
            except ValueError:
                raise ValueError(f"source_address {str(source_address)!r} is not an IP address: "
                                 "give the address the gateway sees, like 203.0.113.9") from None
        if rate is not None and (rate != rate or rate < 0):
            raise ValueError("rate must be a number of requests per second, 0 or more")
        return cls(method=method, url=url, scheme=parts.scheme or "http",
                   host=(parts.hostname or "").lower(), port=port, path=parts.path or "/",
                   query=parts.query, headers=tuple(cleaned), source_address=address,
                   identity=identity, context=dict(context or {}), rate=rate,
                   now=now or dt.datetime.now(dt.UTC))

    def header(self, name: str) -> str | None:
        """The first value of a header (case-insensitive), or None."""
        name = name.lower()
        return next((v for k, v in self.headers if k == name), None)

    def header_values(self, name: str) -> list[str]:
        name = name.lower()
        return [v for k, v in self.headers if k == name]

    @property
    def decoded_path(self) -> str:
        return unquote(self.path)

    def params(self) -> list[tuple[str, str]]:
        """Query parameters, decoded, order kept."""
        return parse_qsl(self.query, keep_blank_values=True)

    def param(self, name: str) -> str | None:
        return next((v for k, v in self.params() if k == name), None)

    def cookie(self, name: str) -> str | None:
        for raw in self.header_values("cookie"):
            for part in raw.split(";"):
                key, _, value = part.strip().partition("=")
                if key == name:
                    return value
        return None

    def describe(self) -> str:
        """``GET /admin/users from 203.0.113.9`` with secrets masked.

        Besides secret-named parameters, any token-like query value (12+ characters mixing
        letters and digits) is masked: a gateway may take its key under any name (Kong's
        ``key_names``, Tyk's ``param_name``).
        """
        who = f" from {self.source_address}" if self.source_address else ""
        url = mask_url(self.url)
        base, sep, query = url.partition("?")
        if sep:
            url = base + "?" + "&".join(_mask_token(pair) for pair in query.split("&"))
        return f"{self.method} {url}{who}"

    def __repr__(self) -> str:
        shown = [(k, mask_header_value(k, v) if is_secret_header(k) else v)
                 for k, v in self.headers]
        return (f"AuditRequest({self.describe()!r}, headers={shown!r}, "
                f"identity={self.identity!r})")


@dataclass(frozen=True)
class AuditResult:
    """What the gateway would do with the request, and the rule that decides it."""

    kind: str  # "nginx", "apache", "tyk", "kong", "aws"
    allowed: bool
    status: int  # what the gateway would answer (200 stands for "passed on" when allowed)
    rule: RuleRef | None  # the deciding rule; None only when no rule applies at all
    reason: str  # one sentence naming the rule and why it decides
    fix: str  # the smallest change that lets the request through ("" when allowed)
    cause: Cause | None = None  # the 403 cause this rule stands for, when denied
    steps: tuple[Step, ...] = ()
    limits: tuple[Limit, ...] = ()
    assumptions: tuple[str, ...] = ()  # what an offline audit could not know
    request: AuditRequest | None = None
    # The configuration it was read from (kit.audit fills it in), to show the rule in context.
    config: GatewayConfig | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:
        verdict = "allowed" if self.allowed else "denied"
        return f"<AuditResult {self.kind} {verdict} {self.status} at {self.rule}>"

    def __str__(self) -> str:
        from .render import to_text

        return to_text(self)

    def to_markdown(self) -> str:
        """A Markdown section for a ticket: verdict, deciding rule, fix and trace."""
        from .render import to_markdown

        return to_markdown(self)

    def _repr_html_(self) -> str:
        from .render import to_html

        return to_html(self, self.config)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (secrets masked), for --json and exports."""
        from .render import to_dict

        return to_dict(self)


@runtime_checkable
class GatewayConfig(Protocol):
    """A loaded configuration of one gateway, ready to answer for requests."""

    kind: str
    source: str  # the file (or files) it came from, for messages

    def evaluate(self, request: AuditRequest) -> AuditResult: ...

    def lines(self) -> dict[str, list[str]]:
        """Each source file's text as lines, for showing the deciding rule in context."""
        ...


_TOKEN_LIKE = re.compile(r"^(?=.*[A-Za-z])(?=.*[0-9])[^\s&=]{12,}$")


def _mask_token(pair: str) -> str:
    name, sep, value = pair.partition("=")
    plain = unquote_plus(value)
    if not sep or is_masked(plain) or not _TOKEN_LIKE.match(plain):
        return pair
    return f"{name}={mask(plain)}"
