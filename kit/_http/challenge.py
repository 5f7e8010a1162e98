"""WWW-Authenticate challenges (RFC 9110 section 11.6.1, RFC 6750 section 3) as data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TCHARS = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"  # RFC 9110 token
_PARAM = re.compile(
    rf"\s*({_TCHARS})\s*=\s*(\"(?:[^\"\\]|\\.)*\"|{_TCHARS})\s*(,|$)", re.DOTALL
)
_SCHEME = re.compile(rf"\s*({_TCHARS})(\s+|$|,)")
_CAP = 8192


@dataclass(frozen=True, slots=True)
class Challenge:
    """One auth scheme the server offers, with its parameters (names lower-cased)."""

    scheme: str
    params: dict[str, str] = field(default_factory=dict)
    token68: str | None = None

    @property
    def error(self) -> str | None:
        return self.params.get("error")

    @property
    def scopes(self) -> tuple[str, ...]:
        return tuple(self.params.get("scope", "").split())


def parse_www_authenticate(value: str) -> list[Challenge]:
    """All challenges in a header value; unparseable tails are ignored, never raised."""
    challenges: list[Challenge] = []
    pos = 0
    text = value[:_CAP]
    if len(value) > _CAP and "," in text:
        text = text[: text.rfind(",")]  # drop the cut-off piece, not a challenge of its own
    while pos < len(text):
        while pos < len(text) and text[pos] in " ,":
            pos += 1
        scheme_match = _SCHEME.match(text, pos)
        if not scheme_match:
            break
        scheme = scheme_match.group(1)
        pos = scheme_match.end()
        params: dict[str, str] = {}
        token68 = None
        # 'Negotiate, NTLM': a comma right after the scheme ends a challenge without params.
        while pos < len(text) and scheme_match.group(2) != ",":
            param = _PARAM.match(text, pos)
            if not param:
                bare = re.match(r"\s*([A-Za-z0-9._~+/-]+=*)\s*(,|$)", text[pos:])
                if bare and not params:
                    token68 = bare.group(1)
                    pos += bare.end()
                break
            name, raw = param.group(1).lower(), param.group(2)
            params[name] = _unquote(raw)
            pos = param.end()
        challenges.append(Challenge(scheme, params, token68))
    return challenges


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return re.sub(r"\\(.)", r"\1", raw[1:-1])
    return raw
