"""httpd's own start-up checks on the Require and access_compat directives (the errors
``apachectl configtest`` gives), for the main configuration and each .htaccess file."""

from __future__ import annotations

from .syntax import Directive
from .tree import SECTION_KINDS, Body, section

_PROVIDERS = {"all", "ip", "host", "env", "expr", "valid-user", "user", "group", "local",
              "method", "file-owner", "file-group", "forward-dns", "ldap-user", "ldap-group",
              "ldap-dn", "ldap-attribute", "ldap-filter", "dbd-group"}


def check(body: Body, inside: str = "") -> None:
    for d in body:
        key = d.key
        if key == "require":
            args = list(d.args)
            negated = bool(args) and args[0].lower() == "not"
            if negated:
                args = args[1:]
            if not args:
                raise d.error("Require needs a provider", "Require all granted")
            if args[0].lower() not in _PROVIDERS:
                raise d.error(f"Unknown Authz provider: {args[0]}",
                              "use all, ip, host, env, expr, valid-user, user or group")
            if negated and inside not in ("requireall", "requirenone"):
                raise d.error("negative Require directive has no effect in <RequireAny> "
                              "directive", "put Require not ... inside <RequireAll>")
        elif key == "order" and d.args and d.args[0].lower().replace(" ", "") not in (
                "allow,deny", "deny,allow", "mutual-failure"):
            raise d.error("unknown order", "Order deny,allow")
        elif key in ("allow", "deny") and (len(d.args) < 2 or d.args[0].lower() != "from"):
            raise d.error(f"{d.name} must be followed by 'from'", f"{d.name} from 10.0.0.0/8")
        if d.block is not None:
            if key in SECTION_KINDS:
                section(d)
            if key == "requirenone" and inside not in ("requireall", "requirenone"):
                raise d.error("<RequireNone> directive has no effect in <RequireAny> directive",
                              "put it inside <RequireAll>")
            if key == "requireall" and d.block and all(_negative(x) for x in d.block
                                                       if x.key.startswith("require")):
                raise d.error("<RequireAll> directive contains only negative authorization "
                              "directives", "add a positive Require inside it")
            check(d.block, key if key.startswith("require") else inside)


def _negative(d: Directive) -> bool:
    return d.key == "requirenone" or (d.key == "require" and bool(d.args)
                                      and d.args[0].lower() == "not")
