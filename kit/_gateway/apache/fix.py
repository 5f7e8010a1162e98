"""The cause an httpd refusal stands for and the smallest change that lets the request in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._causes import Cause

if TYPE_CHECKING:
    from .eval import State
    from .phases import Verdict

_ADDRESS = ("ip", "host", "local")


def cause_and_fix(v: Verdict, st: State) -> tuple[str, Cause]:
    """(fix in words, cause) for a refusal."""
    d = v.directive
    where = d.where if d is not None else st.server.where
    addr = str(st.request.source_address or "<client address>")
    text = d.text if d is not None else ""
    words = text.lower().split()
    if v.kind == "compat":
        return (f"add `Allow from {addr}` to the section of `{text}` at {where} (with "
                "`Order Deny,Allow` or `Order Allow,Deny` as it reads), or move to "
                f"`Require ip {addr}`", Cause.IP_ALLOWLIST)
    if v.kind == "authz":
        if len(words) > 1 and words[0] == "require" and words[-1 if words[1] != "not" else 2]:
            provider = words[2] if words[1] == "not" and len(words) > 2 else words[1]
            if provider in _ADDRESS:
                return (f"add `Require ip {addr}` beside `{text}` at {where} (inside the same "
                        "<RequireAny>), or send from an address it lists", Cause.IP_ALLOWLIST)
            if provider in ("env", "expr"):
                return (f"the request does not satisfy `{text}` at {where}: send what it "
                        "checks (the header or variable it reads), or change the rule",
                        Cause.SECURITY_POLICY if "agent" in text.lower() else
                        Cause.CONFIGURATION)
            if provider in ("user", "group", "valid-user"):
                return (f"use a user that `{text}` at {where} admits, or add this user to it",
                        Cause.PERMISSIONS)
            if provider == "method":
                return f"send a method `{text}` at {where} lists", Cause.CONFIGURATION
        limit = next((x for layer in st.layers for x in layer.body if d is not None and
                      x.key in ("limit", "limitexcept") and d in (x.block or ())), None)
        if limit is not None:
            return (f"`{text}` at {where} refuses {st.request.method} here (inside "
                    f"`{limit.text}` at {limit.where}): send a method it lets through, or "
                    "change that block", Cause.CONFIGURATION)
        return (f"`{text}` at {where} refuses everyone: change it to `Require all granted` "
                f"or `Require ip {addr}` for this path", Cause.CONFIGURATION)
    if v.kind == "authz_user":
        return (f"log in as a user that `{text}` at {where} admits, or add user "
                f"{st.user!r} to it", Cause.PERMISSIONS)
    if v.kind == "auth_basic":
        return (f"send an `Authorization: Basic` header for a user in the AuthUserFile with "
                f"the right password (rule at {where})", Cause.AUTHENTICATION)
    if v.kind in ("auth_config", "htaccess", "loop"):
        return f"fix the configuration at {where}: {v.reason}", Cause.CONFIGURATION
    if v.kind == "no_index":
        return (f"add an index file to {st.uri} (DirectoryIndex), or `Options +Indexes` for "
                "that directory if a listing is wanted", Cause.CONFIGURATION)
    if v.kind == "rewrite":
        return (f"change the RewriteRule/RewriteCond at {where} so it does not match "
                f"{st.request.method} {st.uri}, or remove its [F]/[G] flag",
                Cause.CONFIGURATION)
    if v.kind == "method":
        return (f"{st.uri} is a static file: send GET, or route {st.request.method} to an "
                "application", Cause.CONFIGURATION)
    if v.kind == "missing":
        return f"request a path that exists ({st.filename} does not)", Cause.CONFIGURATION
    return f"change the rule at {where} ({v.reason})", Cause.CONFIGURATION
