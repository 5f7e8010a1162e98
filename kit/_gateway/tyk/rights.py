"""The key as Tyk sees it after its policies are applied, and the checks run on it.

internal/policy/apply.go ``Apply``: each policy in ``apply_policies`` (an unknown one refuses
the key when it is the only one, else is skipped) merges its access rights (versions and
allowed_urls united), the most generous rate and the biggest quota (-1 = unlimited), per
partition; a key whose policies grant no API is refused; any inactive policy makes the key
inactive. Then gateway/mw_key_expired_check.go, mw_access_rights.go, mw_granular_access.go
(legacy mode: unanchored regex on the full path) and mw_rate_limiting.go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import RuleRef
from .keyfiles import Policy, Session
from .trace import Trace, Verdict, deny
from .where import Where, plain


@dataclass
class Grant:
    """One API's access rights for the key, after its policies."""

    api_id: str
    where: Where  # the access_rights entry that granted it first
    owner: str  # "policy read-only", "key 'app'"
    versions: list[str] = field(default_factory=list)
    urls: list[tuple[str, list[str], Where]] = field(default_factory=list)
    rate: tuple[float, float, Where] | None = None  # rate, per, where written
    quota: tuple[int, int, Where] | None = None  # quota_max, renewal seconds, where written
    acl: bool = False  # a policy's ACL partition (or the key itself) granted it


@dataclass(frozen=True)
class Holder:
    """The key (or the policy the caller named) whose rights the checks read."""

    label: str
    where: Where  # the session, or the policy for an identity
    grants: dict[str, Grant]  # empty: Tyk lets every API through
    acl_where: Where  # where access rights would be added
    acl_owner: str  # who that is ("policy 'reader'", "key 'app'")
    inactive: RuleRef | None
    session: Session | None


def root_limits(where: Where, grant: Grant) -> None:
    rate, per = where.get("rate", (int, float), 0), where.get("per", (int, float), 0)
    grant.rate = (rate, per, where) if rate > 0 and per > 0 else grant.rate
    quota = where.get("quota_max", (int, float), 0)
    grant.quota = (int(quota), int(where.get("quota_renewal_rate", (int, float), 0)), where)


def _merge(grant: Grant, right: Where) -> None:
    data = plain(right.doc.get(right.at))
    grant.versions += [v for v in data.get("versions") or [] if v not in grant.versions]
    for i, spec in enumerate(data.get("allowed_urls") or []):
        known = next((u for u in grant.urls if u[0] == spec.get("url")), None)
        if known:
            known[1].extend(m for m in spec.get("methods") or [] if m not in known[1])
        else:
            grant.urls.append((str(spec.get("url", "")), list(spec.get("methods") or []),
                               right.child("allowed_urls", i)))


def holder(base: Where, label: str, session: Session | None, ids: list[str],
           policies: dict[str, Policy], trace: Trace) -> Holder | Verdict:
    """internal/policy/apply.go Apply, for the fields an audit needs."""
    own = plain(base.doc.get((*base.at, "access_rights")))
    if not ids or not policies:
        if ids:
            trace.assume(f"the policies {', '.join(ids)} (no policy file loaded) grant this API")
            return Holder(label, base, {}, base, label, None, session)
        grants = {}
        for api_id in own:
            grant = Grant(api_id, base.child("access_rights", api_id), label)
            _merge(grant, grant.where)
            root_limits(base, grant)
            limit = base.child("access_rights", api_id, "limit")
            if any(plain(limit.doc.get(limit.at)).get(k) for k in ("rate", "quota_max")):
                root_limits(limit, grant)
            grants[api_id] = grant
        inactive = base.ref("is_inactive") if base.get("is_inactive", bool, False) else None
        return Holder(label, base, grants, base, label, inactive, session)
    grants, inactive, acl_where, acl_owner = {}, None, None, label
    for i, pid in enumerate(ids):
        policy = policies.get(pid)
        ref = base.ref("apply_policies", i)
        if policy is None:
            if len(ids) > 1:
                trace.add(ref, "skip", f"policy {pid!r} is not among the loaded policies: "
                                       "Tyk skips it")
                continue
            return deny("key_unknown", ref, f"{label} applies policy {pid!r}, which no loaded "
                        "policy file defines: Tyk refuses the key (policy not found)",
                        f"load the policy file defining {pid!r}, or fix the id at {ref.path}")
        where = policy.where
        parts = plain(where.doc.get((*where.at, "partitions")))
        partitioned = any(parts.get(k) for k in ("quota", "rate_limit", "acl", "complexity"))
        trace.add(where.ref(), "note", f"{label} takes policy {pid!r}"
                  + (" (partitioned)" if partitioned else ""))
        if parts.get("per_api"):
            trace.assume(f"policy {pid!r} sets partitions.per_api: its per-API limits are not "
                         "modelled, the policy's own rate and quota are used")
        if where.get("is_inactive", bool, False):
            inactive = inactive or where.ref("is_inactive")
        for api_id in plain(where.doc.get((*where.at, "access_rights"))):
            right = where.child("access_rights", api_id)
            grant = grants.setdefault(api_id, Grant(api_id, right, f"policy {pid!r}"))
            if not partitioned or parts.get("acl"):
                if acl_where is None:
                    acl_where, acl_owner = where, f"policy {pid!r}"
                _merge(grant, right)
                grant.owner = grant.owner if grant.versions or grant.urls else f"policy {pid!r}"
                grant.acl = True
            if not partitioned or parts.get("rate_limit"):
                _more_rate(grant, where)
            if not partitioned or parts.get("quota"):
                _more_quota(grant, where)
    grants = {k: g for k, g in grants.items() if g.acl}
    if not grants:
        rule = base.ref("apply_policies")
        return deny("key_unknown", rule, f"the policies of {label} grant no API (Tyk: \"key has "
                    "no valid policies to be applied\") and it is refused",
                    f"give one of the policies at {rule.path} access_rights for this API")
    for grant in grants.values():
        if grant.rate is None or grant.quota is None:
            fallback = Grant(grant.api_id, base, label)
            root_limits(base, fallback)
            grant.rate = grant.rate or fallback.rate
            grant.quota = grant.quota or fallback.quota
    return Holder(label, base, grants, acl_where or base, acl_owner, inactive, session)


def _more_rate(grant: Grant, where: Where) -> None:
    """apply.go ApplyRateLimits: the policy's rate wins when it allows more."""
    rate, per = where.get("rate", (int, float), 0), where.get("per", (int, float), 0)
    if rate <= 0 or per <= 0:
        return
    if grant.rate is None or grant.rate[1] / grant.rate[0] > per / rate:
        grant.rate = (rate, per, where)


def _more_quota(grant: Grant, where: Where) -> None:
    quota = int(where.get("quota_max", (int, float), 0))
    period = int(where.get("quota_renewal_rate", (int, float), 0))
    if grant.quota is None or _bigger(quota, grant.quota[0]):
        grant.quota = (quota, max(period, grant.quota[1] if grant.quota else 0), where)


def _bigger(a: int, b: int) -> bool:
    """apply.go greaterThanInt64: -1 (unlimited) beats every number."""
    return a != b and (a == -1 or (b != -1 and a > b))


def policy_ids(where: Where) -> list[str]:
    data: dict[str, Any] = dict(plain(where.doc.get(where.at)))
    ids = list(data.get("apply_policies") or [])
    legacy = data.get("apply_policy_id")
    if isinstance(legacy, str) and legacy and not ids:
        ids = [legacy]
    return ids
