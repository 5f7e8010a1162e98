"""Password hashes in an htpasswd file, checked as nginx checks them (src/core/ngx_crypt.c).

nginx reads ``{PLAIN}``, ``{SHA}``, ``{SSHA}`` and ``$apr1$`` itself and hands every other
hash to the system's crypt(3) (on Debian, libxcrypt: DES, ``$1$``, ``$5$``, ``$6$``,
``$2b$``, ``$y$`` ...). Here the crypt schemes are verified with libpass (the maintained fork
of passlib, imported as ``passlib``): Python's own ``crypt`` module is deprecated and gone in
Python 3.13, and passlib itself is no longer maintained. A malformed hash never raises: nginx
compares the password with it and refuses (401), and so does ``verify`` (False). A scheme no
library here can compute (yescrypt, or bcrypt without its backend) gives None: "cannot be
checked", which the audit records as an assumption.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable

_PREFIXES = (("$apr1$", "apr_md5_crypt"), ("$1$", "md5_crypt"), ("$5$", "sha256_crypt"),
             ("$6$", "sha512_crypt"), ("$2a$", "bcrypt"), ("$2b$", "bcrypt"),
             ("$2y$", "bcrypt"))


def _sha(password: str, stored: str) -> bool:
    digest = base64.b64encode(hashlib.sha1(password.encode()).digest()).decode()  # noqa: S324 - the {SHA} scheme
    return hmac.compare_digest(digest, stored)


def _ssha(password: str, stored: str) -> bool:
    try:
        raw = base64.b64decode(stored, validate=True)
    except (binascii.Error, ValueError):
        return False  # nginx hashes with whatever it decoded: it cannot match
    if len(raw) < 20:
        return False
    digest = hashlib.sha1(password.encode() + raw[20:]).digest()  # noqa: S324 - {SSHA}
    return hmac.compare_digest(digest, raw[:20])


def _scheme(stored: str) -> str | None:
    for prefix, name in _PREFIXES:
        if stored.startswith(prefix):
            return name
    if len(stored) == 13 and not stored.startswith("$"):
        return "des_crypt"
    return None


def verify(password: str, stored: str) -> bool | None:
    """True/False as nginx would decide; None when this scheme cannot be computed here."""
    if stored.startswith("{PLAIN}"):
        return hmac.compare_digest(stored[7:].encode(), password.encode())
    if stored.startswith("{SHA}"):
        return _sha(password, stored[5:])
    if stored.startswith("{SSHA}"):
        return _ssha(password, stored[6:])
    name = _scheme(stored)
    if name is None:
        # libxcrypt answers a failure token ("*0") for a setting it cannot read, so nginx
        # refuses; a well-formed hash of a scheme not listed here cannot be checked.
        return False if not stored.startswith("$") or stored.count("$") < 3 else None
    handler = _handler(name)
    if handler is None:
        return None
    try:
        return bool(handler(password, stored))
    except (ValueError, TypeError):  # a malformed hash: it matches no password
        return False


def _handler(name: str) -> Callable[[str, str], bool] | None:
    try:
        from passlib import hash as schemes  # libpass
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    scheme = getattr(schemes, name)
    if name == "bcrypt":
        try:
            scheme.get_backend()
        except Exception:  # noqa: BLE001 - passlib raises its own MissingBackendError
            return None
    verify_: Callable[[str, str], bool] = scheme.verify
    return verify_
