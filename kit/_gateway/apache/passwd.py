"""htpasswd and group files, checked as httpd checks them (apr_password_validate).

APR's order (apr-util crypto/apr_passwd.c): ``$apr1$`` is APR's MD5, ``$2y$``/``$2a$``/
``$2b$`` bcrypt, ``{SHA}`` base64 SHA-1; anything else goes to the system's crypt()
(DES with a two-character salt, ``$1$``, ``$5$``, ``$6$``) and a plain-text entry never
matches on Unix. The hashes are verified with libpass (the maintained passlib fork) and,
for bcrypt, the bcrypt package; a malformed hash is a mismatch, never an exception.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from pathlib import Path


def verify(password: str, stored: str) -> bool:
    """Does ``password`` match the stored hash, the way apr_password_validate decides?"""
    try:
        return _verify(password, stored)
    except (ValueError, TypeError, UnicodeError):
        return False  # a malformed hash matches nothing, as in httpd


def _verify(password: str, stored: str) -> bool:
    from passlib import hash as schemes

    if stored.startswith("$apr1$"):
        return bool(schemes.apr_md5_crypt.verify(password, stored))
    if stored.startswith(("$2y$", "$2a$", "$2b$")):
        import bcrypt

        return bool(bcrypt.checkpw(password.encode(), stored.replace("$2y$", "$2b$", 1)
                                   .encode()))
    if stored.startswith("{SHA}"):
        digest = base64.b64encode(hashlib.sha1(password.encode()).digest()).decode()  # noqa: S324 - the {SHA} scheme is SHA-1
        return hmac.compare_digest(digest, stored[5:])
    for scheme in (schemes.md5_crypt, schemes.sha256_crypt, schemes.sha512_crypt,
                   schemes.des_crypt):
        if scheme.identify(stored):
            return bool(scheme.verify(password, stored))
    return False  # crypt() cannot read it: no match (plain text works only on Windows)


def read_users(path: Path) -> dict[str, str] | None:
    """``user: hash`` lines of an AuthUserFile, or None when the file cannot be read."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    users: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, stored = line.partition(":")
        if sep and name not in users:
            users[name] = stored.strip()
    return users


def read_groups(path: Path) -> dict[str, set[str]] | None:
    """``group: user user`` lines of an AuthGroupFile: group -> members, or None."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    groups: dict[str, set[str]] = {}
    for line in text.splitlines():
        name, sep, members = line.partition(":")
        if sep and not name.lstrip().startswith("#"):
            groups.setdefault(name.strip(), set()).update(members.split())
    return groups
