"""Sample gateway configurations shipped with the kit, for the notebooks and for trying.

Each describes a small API in front of the sandbox's own routes (``/v1/items``, ``/admin``,
``/reports``...), written the way that gateway's users write it, with a few rules that refuse
on purpose: an allowlist, a key check, an ACL, a rate limit, a method restriction. The files
live in each gateway's ``sample/`` folder and are listed by its ``SAMPLE``.
"""

from __future__ import annotations

from pathlib import Path

from .registry import GATEWAYS, gateway


def sample_config(kind: str = "nginx") -> list[Path]:
    """The files of the sample configuration for ``kind`` (a name in ``GATEWAYS``).

    Pass the list straight to ``kit.audit`` or ``kit.load_config``; a list is one
    configuration (a Tyk API with its policies, an AWS policy with its OpenAPI export).
    """
    if kind not in GATEWAYS:
        raise ValueError(f"no sample for {kind!r}: pick one of {', '.join(GATEWAYS)}")
    module = gateway(kind)
    folder = Path(str(getattr(module, "__file__", ""))).with_name("sample")
    return [folder / name for name in module.SAMPLE]
