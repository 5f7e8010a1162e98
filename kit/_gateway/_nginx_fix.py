"""The cause a refusal stands for and the smallest change that lets the request through."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._causes import Cause
from ._nginx_access import Verdict, inherited, innermost
from ._nginx_maps import is_secret_variable
from ._nginx_rewrite import Guard
from ._nginx_vars import variables_in

if TYPE_CHECKING:
    from ._nginx_eval import Walk

# What a refusal of each kind stands for (kit/_causes.py; the brief's mapping).
_KIND_CAUSE: dict[str, Cause] = {
    "deny": Cause.IP_ALLOWLIST, "auth_basic": Cause.AUTHENTICATION,
    "auth_request": Cause.AUTHENTICATION, "limit_req": Cause.RATE_LIMIT,
}
_ADDRESS_VARS = frozenset({"remote_addr", "binary_remote_addr", "realip_remote_addr"})
_AGENT_VARS = frozenset({"http_user_agent"})


def _origins(name: str, walk: Walk, depth: int = 0) -> set[str]:
    """The request variables a variable is computed from (through map/geo), lower case."""
    model = walk.st.model
    if depth > 10:
        return set()
    if name in model.geos:
        return {"remote_addr"} | set().union(
            *(_origins(v, walk, depth + 1) for v in variables_in(model.geos[name].source)))
    if name in model.maps:
        return set().union(*(_origins(v, walk, depth + 1)
                             for v in variables_in(model.maps[name].source)))
    return {name.lower()}


def _guard_cause(walk: Walk, guards: tuple[Guard, ...]) -> tuple[Cause | None, set[str], str]:
    names: set[str] = set()
    top_var = ""
    for guard in guards:
        cond = guard[1]
        for v in cond.variables():
            top_var = top_var or v
            names |= _origins(v, walk)
    if names & _AGENT_VARS:
        return Cause.SECURITY_POLICY, names, top_var
    if names & _ADDRESS_VARS:
        return Cause.IP_ALLOWLIST, names, top_var
    if any(is_secret_variable("$" + n) for n in names):
        return Cause.API_KEY, names, top_var
    return None, names, top_var


def cause_and_fix(v: Verdict, walk: Walk) -> tuple[str, Cause]:
    """(fix in words, cause) for a refusal."""
    d = v.directive
    where = d.where if d else walk.st.server.where
    addr = str(walk.st.request.source_address or "<client address>")
    method, uri = walk.st.request.method, walk.st.uri
    if v.kind == "deny" and d is not None:
        fix = f"add `allow {addr};` above `{d.text}` at {where}"
        limit = next((x for lv in walk.levels for x in lv if x.name == "limit_except"
                      and x.block is not None and d in x.block), None)
        if limit is not None:
            fix += (f", or add {method} to `{limit.text.rstrip('{').strip()}` at "
                    f"{limit.where}")
        return fix, Cause.IP_ALLOWLIST
    if v.kind == "auth_basic" and d is not None:
        users = innermost(walk.levels, "auth_basic_user_file")
        source = f" listed in {users.args[0]}" if users and users.args else ""
        return (f"send an `Authorization: Basic` header for a user{source} (auth_basic at "
                f"{where}), or set `auth_basic off;` in {walk.location_label}",
                Cause.AUTHENTICATION)
    if v.kind == "auth_request" and d is not None:
        return (f"the auth endpoint `{d.args[0]}` (auth_request at {where}) must answer 2xx "
                f"for this request: send the credentials it checks, or change its answer",
                Cause.AUTHENTICATION)
    if v.kind == "limit_req" and d is not None:
        zone_name = next((a[5:] for a in d.args if a.startswith("zone=")), "")
        zone = walk.st.model.zones.get(zone_name)
        if zone is not None:
            return (f"send at most {zone.rate_text} (zone {zone_name}), or raise `rate=` in "
                    f"`limit_req_zone` at {zone.directive.where} / `burst=` at {where}",
                    Cause.RATE_LIMIT)
    if v.kind == "return" and d is not None:
        return _return_fix(v, walk, where)
    if v.kind == "internal":
        return (f"{walk.location_label} is `internal;` ({where}): request another path, or "
                "remove `internal;` there", Cause.CONFIGURATION)
    if v.kind == "static_method":
        return (f"{walk.location_label} serves static files, which take only GET/HEAD: send "
                f"GET, or pass {method} {uri} to an application (proxy_pass) in that location",
                Cause.CONFIGURATION)
    if v.kind == "bad_uri":
        return ("send a normalised path: every % followed by two hex digits, and no .. above /",
                Cause.CONFIGURATION)
    if v.kind == "bad_host":
        return ("send a valid Host header: a host name (no '/', no '..', no spaces), with an "
                "optional :port", Cause.CONFIGURATION)
    if v.kind == "trace":
        return ("nginx never serves TRACE: send GET, HEAD or the method the API documents",
                Cause.CONFIGURATION)
    return (f"change the rule at {where} ({v.reason})", Cause.CONFIGURATION)


def _return_fix(v: Verdict, walk: Walk, where: str) -> tuple[str, Cause]:
    d = v.directive
    assert d is not None
    status = v.status
    default = {401: Cause.AUTHENTICATION, 429: Cause.RATE_LIMIT}.get(status, Cause.CONFIGURATION)
    allows = [x for x in inherited(walk.levels, "allow", "deny") if x.name == "allow"]
    race = ""
    if allows:
        race = (f"; it answers in the rewrite phase, before the `allow` rules at "
                f"{', '.join(':' + str(x.line) for x in allows)} are consulted")
    if not v.guards:
        loc = walk.location
        catch_all = loc is None or loc.name != "location" or loc.args[-1] == "/" or (
            loc.args[0] in ("~", "~*"))
        head = "/" + uri_head(walk.st.uri)
        if catch_all and head != "/":
            return (f"the `{d.text}` at {where} answers every request in "
                    f"{walk.location_label}: add a `location {head}` that serves "
                    f"{walk.st.uri}, or remove the `return`{race}", default)
        return (f"remove the `{d.text}` at {where}: it answers every request in "
                f"{walk.location_label}{race}", default)
    guard = v.guards[-1]
    if_d, cond = guard[0], guard[1]
    cause, names, top_var = _guard_cause(walk, v.guards)
    model = walk.st.model
    var = top_var if top_var in model.maps or top_var in model.geos else ""
    if cause is Cause.IP_ALLOWLIST and var:
        table = model.geos.get(var) or model.maps.get(var)
        assert table is not None
        fix = (f"add `{walk.st.request.source_address or '<client address>'} <allowed value>;`"
               f" to the {table.directive.name} ${var} block at {table.directive.where} so "
               f"`if ({cond.text})` at {if_d.where} no longer holds")
    elif cause is Cause.API_KEY:
        header = next((n[5:].replace("_", "-") for n in names if n.startswith("http_")), "")
        table_d = model.maps[var].directive if var in model.maps else None
        listed = f" listed in the map at {table_d.where}" if table_d else ""
        fix = (f"send a valid key{listed}" + (f" in the `{header}` header" if header else "")
               + f", so `if ({cond.text})` at {if_d.where} no longer holds")
    else:
        fix = (f"change the condition `if ({cond.text})` at {if_d.where} so it does not hold "
               f"for this request, or remove `{d.text}` at {where}")
    return fix + race, cause or default


def uri_head(uri: str) -> str:
    head = uri.strip("/").split("/", 1)[0]
    return head + "/" if head else ""
