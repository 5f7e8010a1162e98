"""``Require`` and its containers, ``AuthMerging``, as mod_authz_core decides them.

Each section's ``Require`` lines form an implicit ``<RequireAny>``; ``<RequireAll>`` is a
logical AND, ``<RequireNone>`` a negated OR, ``Require not`` a negated provider. A negated
result never grants: granted becomes denied, denied becomes neutral. A provider limited
by ``<Limit>``/``<LimitExcept>`` to other methods is neutral (granted under an AND).
Sections merge as merge_authz_core_dir_config does: a section with its own ``Require``
replaces the inherited ones unless it says ``AuthMerging And|Or``; ``AuthMerging`` is not
inherited. (mod_authz_core.c, apply_authz_sections; httpd.apache.org/docs/2.4/mod/
mod_authz_core.html)
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import AuditRequest, Step
from .expr import ExprError, evaluate
from .syntax import Directive

GRANTED, DENIED, NEUTRAL, NO_USER = "granted", "denied", "neutral", "denied (no user yet)"
Methods = tuple[bool, frozenset[str]] | None  # (except?, methods); None: every method


@dataclass(frozen=True)
class Node:
    """A provider (``Require ip 10.0.0.0/8``) or a container of them."""

    op: str  # "or" / "and" for containers, "" for a provider
    negate: bool
    directive: Directive | None
    provider: str = ""
    args: tuple[str, ...] = ()
    methods: Methods = None
    children: tuple[Node, ...] = ()

    def applies(self, method: str) -> bool:
        if self.op:
            return any(c.applies(method) for c in self.children)
        return method_in(method, self.methods)


def method_in(method: str, methods: Methods) -> bool:
    if methods is None:
        return True
    m = "GET" if method == "HEAD" else method
    excepted, names = methods
    return (m not in names) if excepted else (m in names)


def limit_methods(d: Directive) -> Methods:
    names = frozenset(a.upper() for a in d.args)
    return (d.key == "limitexcept", names)


def nodes(body: tuple[Directive, ...], methods: Methods = None) -> list[Node]:
    """The Require nodes a section's body holds (Limit blocks give their methods)."""
    out: list[Node] = []
    for d in body:
        if d.key == "require":
            args = list(d.args)
            negate = bool(args) and args[0].lower() == "not"
            args = args[1:] if negate else args
            out.append(Node("", negate, d, args[0].lower(), tuple(args[1:]), methods))
        elif d.key in ("limit", "limitexcept") and d.block is not None:
            out.extend(nodes(d.block, limit_methods(d)))
        elif d.key in ("requireall", "requireany", "requirenone") and d.block is not None:
            kids = tuple(nodes(d.block, methods))
            op = "and" if d.key == "requireall" else "or"
            out.append(Node(op, d.key == "requirenone", d, children=kids))
    return out


@dataclass(frozen=True)
class AuthzConf:
    section: Node | None = None
    op: str | None = None  # AuthMerging: None unset, "off", "and", "or"


def layer_conf(body: tuple[Directive, ...]) -> AuthzConf:
    found = nodes(body)
    merging = next((d.args[0].lower() for d in reversed(body)
                    if d.key == "authmerging" and d.args), None)
    section = Node("or", False, None, children=tuple(found)) if found else None
    return AuthzConf(section, merging)


def merge(base: AuthzConf, new: AuthzConf) -> AuthzConf:
    """merge_authz_core_dir_config."""
    if new.op is None and new.section is None and base.section is not None:
        return base
    if new.op in (None, "off") or not (base.section is not None or base.op in ("and", "or")):
        return new
    if base.section is not None:
        if new.section is not None:
            section = Node(new.op or "and", False, None,
                           children=(base.section, new.section))
        else:
            section = base.section
    else:
        section = new.section  # type: ignore[assignment]
    return AuthzConf(section, new.op)


@dataclass
class Ctx:
    """What the providers read."""

    request: AuditRequest
    method: str
    env: dict[str, str]
    lookup: Callable[[str], str]
    user: str | None = None
    groups: Callable[[], dict[str, set[str]] | None] | None = None
    steps: list[Step] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    decider: Node | None = None  # the provider whose answer settled the result


def apply(node: Node, ctx: Ctx, parent_and: bool = True) -> str:
    """apply_authz_sections: granted, denied, neutral or denied-no-user."""
    if not node.applies(ctx.method):
        return GRANTED if parent_and else NEUTRAL
    if not node.op:
        result = _provider(node, ctx)
    else:
        result = NEUTRAL
        for child in node.children:
            got = apply(child, ctx, node.op == "and")
            if got == NEUTRAL:
                continue
            if node.op == "and":
                if got == DENIED:
                    result = got
                    break
                if (got == NO_USER and result != DENIED) or result == NEUTRAL:
                    result = got
            else:
                if got == GRANTED:
                    result = got
                    break
                if (got == NO_USER and result == DENIED) or result == NEUTRAL:
                    result = got
    if node.negate:
        result = DENIED if result == GRANTED else NEUTRAL if result in (DENIED, NO_USER) \
            else result
    return result


def _provider(node: Node, ctx: Ctx) -> str:
    d = node.directive
    assert d is not None
    name, args = node.provider, node.args
    addr = ctx.request.source_address
    user = ctx.user
    if name == "all":
        result = GRANTED if args and args[0].lower() == "granted" else DENIED
    elif name == "ip":
        result = GRANTED if addr is not None and any(ip_matches(addr, a) for a in args) \
            else DENIED
        if addr is None:
            ctx.assumptions.append(f"{d.text} ({d.where}): the client address is unknown")
    elif name == "local":
        result = GRANTED if addr is not None and addr.is_loopback else DENIED
    elif name == "host":
        host = ctx.request.context.get("remote_host") or (
            "localhost" if addr is not None and addr.is_loopback else "")
        ctx.assumptions.append(f"{d.text} ({d.where}): the client's host name comes from a "
                               f"double reverse DNS lookup; taken as {host or 'none'!r} "
                               '(pass context={"remote_host": ...})')
        result = GRANTED if host and any(host == a.lower() or host.endswith(
            "." + a.lower().lstrip(".")) for a in args) else DENIED
    elif name == "env":
        result = GRANTED if any(a in ctx.env for a in args) else DENIED
    elif name == "method":
        m = "GET" if ctx.method == "HEAD" else ctx.method
        result = GRANTED if m in {a.upper() for a in args} else DENIED
    elif name == "expr":
        result = _expr(node, ctx)
    elif name == "valid-user":
        result = GRANTED if user is not None else NO_USER
    elif name == "user":
        result = NO_USER if user is None else GRANTED if user in args else DENIED
    elif name == "group":
        if user is None:
            result = NO_USER
        else:
            groups = ctx.groups() if ctx.groups else None
            if groups is None:
                ctx.assumptions.append(f"{d.text} ({d.where}): the AuthGroupFile cannot be "
                                       "read here; membership taken as no")
                groups = {}
            result = GRANTED if any(user in groups.get(a, set()) for a in args) else DENIED
    else:
        ctx.assumptions.append(f"{d.text} ({d.where}): the {name} provider cannot be checked "
                               "offline; taken as denied")
        result = DENIED
    shown = {GRANTED: "allow", DENIED: "deny"}.get(result, "note")
    says = f"{d.text}: {result}" + (" (negated)" if node.negate else "")
    ctx.steps.append(Step(d.ref(), shown, says))  # type: ignore[arg-type]
    if result in (DENIED, NO_USER) or ctx.decider is None:
        ctx.decider = node
    return result


def _expr(node: Node, ctx: Ctx) -> str:
    d = node.directive
    assert d is not None
    text = " ".join(node.args)
    try:
        value = evaluate(text, ctx.lookup)
    except (ExprError, ValueError) as exc:
        ctx.assumptions.append(f"{d.text} ({d.where}): expression not understood ({exc}); "
                               "taken as false")
        return DENIED
    if not value and "REMOTE_USER" in text.upper() and ctx.user is None:
        return NO_USER
    return GRANTED if value else DENIED


def ip_matches(addr: ipaddress.IPv4Address | ipaddress.IPv6Address, spec: str) -> bool:
    """mod_authz_host / mod_access_compat address forms: full, partial (``10.1``), CIDR,
    ``a.b.c.d/255.255.0.0``."""
    try:
        if "/" in spec:
            net, mask = spec.split("/", 1)
            if "." in mask:
                spec = f"{net}/{ipaddress.IPv4Network(f'0.0.0.0/{mask}').prefixlen}"
            return addr in ipaddress.ip_network(spec, strict=False)
        if ":" in spec:
            return addr == ipaddress.ip_address(spec)
        parts = [p for p in spec.split(".") if p != ""]
        if not parts or not all(p.isdigit() for p in parts) or len(parts) > 4:
            return False
        if addr.version != 4:
            mapped = getattr(addr, "ipv4_mapped", None)
            if mapped is None:
                return False
            addr = mapped
        return str(addr).split(".")[: len(parts)] == [str(int(p)) for p in parts]
    except ValueError:
        return False
