"""Sample gateway configurations shipped with the kit, for the notebooks and for trying.

Each describes a small API in front of the sandbox's own routes (``/v1/items``, ``/admin``,
``/reports``...), written the way that gateway's users write it, with a few rules that refuse
on purpose: an allowlist, a key check, an ACL, a rate limit, a method restriction.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).with_name("samples")
_FILES = {
    "nginx": ("site.conf",),
    "apache": ("httpd.conf",),
    "tyk": ("api.json", "policies.json", "session.json"),
    "kong": ("kong.yml",),
    "aws": ("policy.json", "openapi.yaml"),
}


def sample_config(kind: str = "nginx") -> list[Path]:
    """The files of the sample configuration for ``kind`` (nginx, apache, tyk, kong or aws).

    Pass the list straight to ``kit.audit`` or ``kit.load_config``; a list is one
    configuration (a Tyk API with its policies, an AWS policy with its OpenAPI export).
    """
    if kind not in _FILES:
        raise ValueError(f"no sample for {kind!r}: pick one of {', '.join(_FILES)}")
    return [_HERE / kind / name for name in _FILES[kind]]
