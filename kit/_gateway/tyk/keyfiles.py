"""Reading Tyk policy files (user/policy.go ``Policy``) and key sessions (user/session.go).

Policies come as a mapping id -> policy, a list of policies with ``id``/``_id``, or one policy;
sessions as a mapping key -> session or one session (as Tyk's key API returns it).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..._http.secrets import mask
from ..document import Document
from .where import NUMBER, Where, check_regex

SESSION_MARKS = frozenset({"apply_policies", "apply_policy_id", "expires", "alias",
                            "quota_remaining", "quota_renews", "basic_auth_data", "jwt_data",
                            "last_check", "allowance", "date_created", "key_id"})
POLICY_MARKS = frozenset({"name", "partitions", "key_expires_in", "active", "id", "_id"})


@dataclass(frozen=True)
class Policy:
    where: Where
    policy_id: str
    name: str


@dataclass(frozen=True)
class Session:
    where: Where
    key: str | None  # the key (secret) it is stored under, when the file says
    alias: str

    def label(self) -> str:
        return f"key {self.alias!r}" if self.alias else (
            f"key {mask(self.key)}" if self.key else "the session")



def read_policies(doc: Document) -> list[Policy]:
    data = doc.data
    found: list[tuple[Where, str]] = []
    if isinstance(data, list):
        for i, item in enumerate(data):
            pid = item.get("id") or item.get("_id")
            if not isinstance(pid, str) or not pid:
                raise Where(doc, (i,)).error(("id",), "a policy in the list has no id",
                                             'give each policy an "id" (keys refer to it)')
            found.append((Where(doc, (i,)), pid))
    elif "access_rights" in data:
        pid = data.get("id") or data.get("_id") or data.get("name")
        found.append((Where(doc, ()), str(pid or doc.source)))
    else:
        found.extend((Where(doc, (pid,)), str(pid)) for pid in data)
    out = []
    for where, pid in found:
        _check_access(where)
        for key in ("rate", "per", "quota_max", "quota_renewal_rate"):
            where.get(key, NUMBER, 0)
        where.get("is_inactive", bool, False)
        out.append(Policy(where, pid, where.get("name", str, "")))
    return out


def read_sessions(doc: Document) -> list[Session]:
    data = doc.data
    single = "access_rights" in data or "apply_policies" in data or not all(
        isinstance(v, dict) for v in data.values())
    items: list[tuple[Where, str | None]]
    if single:
        key = data.get("key") or data.get("key_id")
        known = key if isinstance(key, str) and key else None
        items = [(Where(doc, (), (known,) if known else ()), known)]
    else:
        items = [(Where(doc, (k,), (k,)), k) for k in data]
    out = []
    for where, key in items:
        _check_access(where)
        policies = where.get("apply_policies", list, [])
        if not all(isinstance(p, str) for p in policies):
            raise where.error(("apply_policies",), "apply_policies must list policy ids",
                              'write "apply_policies": ["policy-id"]')
        where.get("expires", int, 0)
        where.get("is_inactive", bool, False)
        for name in ("rate", "per", "quota_max", "quota_renewal_rate"):
            where.get(name, NUMBER, 0)
        out.append(Session(where, key, where.get("alias", str, "")))
    return out


def _check_access(where: Where) -> None:
    rights = where.get("access_rights", dict, {})
    for api_id in rights:
        right = where.child("access_rights", api_id).object(
            '{"api_id": "...", "versions": ["Default"]}')
        right.get("versions", list, [])
        for i, _ in enumerate(right.get("allowed_urls", list, [])):
            spec = right.child("allowed_urls", i).object('{"url": "^/users", "methods": ["GET"]}')
            check_regex(spec, "url", spec.get("url", str, ""))
            if not all(isinstance(m, str) for m in spec.get("methods", list, [])):
                raise spec.error(("methods",), "methods must list HTTP methods",
                                 'write "methods": ["GET", "POST"]')


