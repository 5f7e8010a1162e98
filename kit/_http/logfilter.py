"""Keep secrets out of httpx's and httpcore's own log records.

httpx logs every request at INFO as ``HTTP Request: GET https://host/path?api_key=... "HTTP/1.1
403 Forbidden"``, and httpcore logs response headers at DEBUG (a ``Set-Cookie``, a
``Location`` that repeats a key). ``install()`` puts one filter on those loggers that rewrites
such a record with the kit's masking policy: secret query values and URL passwords, secret
header values and JWTs. The kit installs it whenever it creates or records a client; it only
masks, it never drops a record.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote_plus, unquote_plus

from .secrets import MASK, is_secret_param, mask, mask_header_value, mask_text

LOGGERS = ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.http2",
           "httpcore.proxy", "httpcore.socks")
"""The loggers httpx and httpcore write to (a filter applies to its own logger only)."""

_PAIR = re.compile(r"([?&;#])([\w.\-\[\]%+]+)=([^&#;\s'\"<>]*)")
_USERINFO = re.compile(r"(\w[\w+.-]*://[^/@\s'\"?#:]*):[^/@\s'\"?#]*@")
_HEADER_TUPLE = re.compile(r"\(b(['\"])([^'\"]*)\1, b(['\"])(.*?)\3\)")
_lock = threading.Lock()


def mask_log_text(text: str) -> str:
    """A log message with secret query values, URL passwords, secret headers and JWTs masked."""
    text = _USERINFO.sub(rf"\1:{MASK}@", text)
    text = _PAIR.sub(_pair, text)
    text = _HEADER_TUPLE.sub(
        lambda m: f"(b{m[1]}{m[2]}{m[1]}, b{m[3]}{mask_header_value(m[2], m[4])}{m[3]})", text)
    return mask_text(text)


def _pair(m: re.Match[str]) -> str:
    if not is_secret_param(unquote_plus(m[2])) or m[3].startswith(("[secure", "%5Bsecure")):
        return m[0]
    return f"{m[1]}{m[2]}={quote_plus(mask(unquote_plus(m[3])), safe='[]… ')}"


class SecretFilter(logging.Filter):
    """Rewrites a record whose message would show a secret; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to logging's own report
            return True
        masked = mask_log_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_FILTER = SecretFilter()


def install() -> None:
    """Put the secret filter on httpx's and httpcore's loggers (once; safe to call often)."""
    with _lock:
        for name in LOGGERS:
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)
