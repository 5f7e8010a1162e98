"""The checks Tyk runs on the key once it is known, and its rate limits and quotas.

gateway/mw_key_expired_check.go (inactive 403, expired 401), mw_access_rights.go (API and
version), mw_granular_access.go (allowed_urls, legacy unanchored match on the full path),
mw_rate_limiting.go + session_manager.go (rate 429, quota 403; quota_max <= 0 = none),
mw_api_rate_limit.go (global_rate_limit, 429, off when rate or per is 0).
"""

from __future__ import annotations

import datetime as dt
import json
import re

from ..model import AuditRequest, Limit
from .load import Api
from .paths import Routed
from .rights import Grant, Holder, root_limits
from .route import strip_listen
from .trace import ANSWERS, Trace, Verdict, deny
from .where import plain, tyk_regex


def key_state(holder: Holder, request: AuditRequest, trace: Trace) -> Verdict | None:
    """KeyExpired: is_inactive first, then expires (unix seconds; 0 and -1 never)."""
    if holder.inactive is not None:
        return deny("inactive", holder.inactive, f"{holder.label} is inactive "
                    f"(is_inactive at {holder.inactive})",
                    f"set is_inactive to false at {holder.inactive.path}")
    if holder.session is None:
        return None
    where = holder.session.where
    expires = where.get("expires", int, 0)
    rule = where.ref("expires")
    if expires >= 1:
        when = dt.datetime.fromtimestamp(expires, dt.UTC)
        if request.now > when:
            return deny("expired", rule, f"{holder.label} expired at {when:%Y-%m-%d %H:%M} UTC "
                        f"(expires {expires})", f"set expires to 0 (never) or a later unix time "
                        f"at {rule.path} in {rule.source}, or issue a new key")
        trace.add(rule, "pass", f"{holder.label} is valid until {when:%Y-%m-%d %H:%M} UTC")
    else:
        trace.add(rule, "pass", f"{holder.label} never expires")
    return None


def access(api: Api, holder: Holder, routed: Routed, trace: Trace) -> Verdict | None:
    """AccessRightsCheck: the API in access_rights, then the version."""
    rights = holder.acl_where.ref("access_rights")
    if not holder.grants:
        trace.add(rights, "pass", f"{holder.label} has no access_rights: Tyk lets every API "
                                  "through")
        return None
    grant = holder.grants.get(api.api_id)
    if grant is None:
        return deny("api_denied", rights, f"the access_rights of {holder.label} do not "
                    f"include api_id {api.api_id}", f"give {holder.acl_owner} "
                    f"access_rights for api_id {api.api_id!r} at {rights.path} in {rights.source}")
    if plain(api.where.doc.get((*api.where.at, "version_data"))).get("not_versioned"):
        trace.add(grant.where.ref(), "allow", f"{grant.owner} grants API {api.api_id}")
        return None
    target = routed.asked or str(plain(api.where.doc.get(
        (*api.where.at, "version_data"))).get("default_version") or "")
    if target in grant.versions:
        trace.add(grant.where.ref("versions"), "allow", f"{grant.owner} grants API "
                  f"{api.api_id} version {target}")
        return None
    rule = grant.where.ref("versions")
    return deny("api_denied", rule, f"{grant.owner} grants API {api.api_id} but not version "
                f"{target!r} (versions {grant.versions})",
                f"add {json.dumps(target)} to {rule.path} in {rule.source}")


def granular(api: Api, holder: Holder, request: AuditRequest, trace: Trace) -> Verdict | None:
    """GranularAccessMiddleware: a method-and-regex entry of allowed_urls must match."""
    grant = holder.grants.get(api.api_id)
    if grant is None or not grant.urls:
        return None
    path, method = request.decoded_path, request.method
    near = None
    for url, methods, where in grant.urls:
        regex = tyk_regex(url)  # Tyk logs a bad pattern and skips it
        matched = regex is not None and regex.search(path) is not None
        if matched and method in methods:
            trace.add(where.ref(), "allow", f"allowed_urls {url} allows {method} {path}")
            return None
        near = near or (where if matched else None)
        trace.add(where.ref(), "skip", f"allowed_urls {url} {methods}: " + (
            f"no {method}" if matched else f"does not match {path}"))
    rule = grant.where.ref("allowed_urls")
    if near is not None:
        fix = f"add {method} to the methods of the allowed_urls entry at {near.ref().path}"
    else:
        entry = {"url": re.escape(strip_listen(api, path)), "methods": [method]}
        fix = f"add {json.dumps(entry)} to {rule.path} in {rule.source} ({grant.owner})"
    return deny("url_denied", rule, f"no allowed_urls entry of {grant.owner} allows {method} "
                f"{path}", fix)


def limits(api: Api, holder: Holder | None, request: AuditRequest,
           trace: Trace) -> Verdict | None:
    """RateLimitAndQuotaCheck: the key's rate (429) then its quota (403)."""
    no_rate = api.where.get("disable_rate_limit", bool, False)
    no_quota = api.where.get("disable_quota", bool, False)
    grant = holder.grants.get(api.api_id) if holder else None
    if holder is None or (no_rate and no_quota):
        return None
    if grant is None:
        grant = Grant(api.api_id, holder.where, holder.label)
        root_limits(holder.where, grant)
    if grant.rate and not no_rate:
        rate, per, where = grant.rate
        rule = where.ref("rate")
        trace.limits.append(Limit(rule, f"{rate:g} requests per {per:g} s per key "
                                        f"({grant.owner})", 429, per_second=rate / per))
        if request.rate is not None and request.rate > rate / per:
            return deny("rate", rule, f"{request.rate:g} requests/s exceeds the rate "
                        f"{rate:g}/{per:g}s of {grant.owner}", f"send at most {rate / per:g} "
                        f"requests/s, or raise rate/per at {rule.path} in {rule.source}")
        trace.add(rule, "limit", f"rate {rate:g} per {per:g}s ({grant.owner})")
    if grant.quota and grant.quota[0] > 0 and not no_quota:
        quota, period, where = grant.quota
        rule = where.ref("quota_max")
        trace.limits.append(Limit(rule, f"{quota} requests per {period or '?'} s per key "
                                        f"({grant.owner})", ANSWERS["quota"].status,
                                  quota=quota, period=dt.timedelta(seconds=period)
                                  if period else None))
        left = request.context.get("quota_remaining")
        if left is not None and left.strip().lstrip("-").isdigit() and int(left) <= 0:
            return deny("quota", rule, f"the quota {quota} of {grant.owner} is used up "
                        "(context quota_remaining=0)", f"wait for the quota to renew, reset "
                        f"it (Tyk key API), or raise quota_max at {rule.path} in {rule.source}")
        trace.add(rule, "limit", f"quota {quota} per {period or '?'}s ({grant.owner})")
    return None


def api_rate(api: Api, request: AuditRequest, trace: Trace) -> Verdict | None:
    """RateLimitForAPI: the API's global_rate_limit, shared by every client."""
    where = api.where.child("global_rate_limit")
    versions = plain(plain(api.where.doc.get((*api.where.at, "version_data"))).get("versions"))
    if any(plain(plain(v).get("extended_paths")).get("rate_limit") for v in versions.values()):
        trace.assume("per-endpoint rate limits (extended_paths.rate_limit) are not modelled")
    rate, per = where.get("rate", (int, float), 0), where.get("per", (int, float), 0)
    if api.where.get("disable_rate_limit", bool, False) or where.get("disabled", bool, False) \
            or rate <= 0 or per <= 0:
        return None
    rule = where.ref()
    trace.limits.append(Limit(rule, f"{rate:g} requests per {per:g} s for the whole API",
                              ANSWERS["api_rate"].status, per_second=rate / per))
    if request.rate is not None and request.rate > rate / per:
        return deny("api_rate", rule, f"{request.rate:g} requests/s exceeds the API's "
                    f"global_rate_limit {rate:g}/{per:g}s", f"send at most {rate / per:g} "
                    f"requests/s, or raise rate/per at {rule.path} in {rule.source}")
    trace.add(rule, "limit", f"global_rate_limit {rate:g} per {per:g}s")
    return None
