"""``forbidden-kit audit -c site.conf [-X METHOD] [-H 'Name: value'] [--from ADDR] URL``.

Exit codes: 0 the configuration lets the request through, 1 it refuses it, 2 bad input or a
configuration that cannot be read (the message names the file and line).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from .registry import GATEWAYS

if TYPE_CHECKING:
    from .._diagnosis import Diagnosis
    from .model import GatewayConfig


class AuditUsageError(ValueError):
    """Raised for bad arguments; the CLI turns it into its usage error."""


def add_parser(sub: Any) -> None:
    a = sub.add_parser("audit", help="which rule of a gateway's own configuration refuses a "
                                     "request (nginx, Tyk, Kong, AWS API Gateway), offline")
    a.add_argument("url", metavar="URL", help="a full URL or a path like /admin/users")
    a.add_argument("-c", "--config", action="append", required=True, metavar="FILE",
                   help="the configuration: an nginx .conf, a Tyk API definition (repeat -c "
                        "for its policies), a Kong declarative file, an AWS resource policy "
                        "and/or OpenAPI export, or a directory of them")
    a.add_argument("-X", "--request", dest="method", default="GET", metavar="METHOD")
    a.add_argument("-H", "--header", dest="headers", action="append", default=[],
                   metavar="'NAME: VALUE'", help="a request header (repeatable)")
    a.add_argument("--from", dest="source_address", metavar="ADDR",
                   help="the client address the gateway sees")
    a.add_argument("--identity", metavar="NAME",
                   help="consumer, policy or principal the key belongs to, when the "
                        "configuration cannot tell from the key")
    a.add_argument("--context", action="append", default=[], metavar="KEY=VALUE",
                   help="a condition key or variable the request does not carry, "
                        "e.g. aws:SourceVpce=vpce-1a2b (repeatable)")
    a.add_argument("--rate", type=float, metavar="N",
                   help="requests per second the caller sends, to test rate limits")
    a.add_argument("--kind", choices=tuple(GATEWAYS),
                   help="the gateway, when detection guesses wrong")
    a.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace, headers: list[tuple[str, str]]) -> int:
    from .auditor import audit

    context: dict[str, str] = {}
    for item in args.context:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise AuditUsageError(f"--context {item!r} is not KEY=VALUE")
        context[key.strip()] = value.strip()
    config = args.config[0] if len(args.config) == 1 else args.config
    result = audit(config, method=args.method, url=args.url, headers=headers,
                   source_address=args.source_address, identity=args.identity,
                   context=context, rate=args.rate, kind=args.kind)
    text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) if args.json else str(result)
    print(text)  # noqa: T201 - the command line prints its result

    return 0 if result.allowed else 1


def load_for_diagnose(configs: list[str], source_address: str | None) -> GatewayConfig | None:
    """``diagnose --config``: the configuration (and --from), checked before any request."""
    if not configs:
        return None
    import ipaddress

    from .load import load_config

    if source_address is not None:
        try:
            ipaddress.ip_address(source_address.strip("[]"))
        except ValueError:
            raise AuditUsageError(f"--from {source_address!r} is not an IP address") from None

    return load_config(configs[0] if len(configs) == 1 else configs)


def print_cross_check(d: Diagnosis, config: GatewayConfig, source_address: str | None,
                      headers: list[tuple[str, str]], *, as_json: bool) -> tuple[str, Any]:
    """The cross-check section for ``diagnose --config``: (JSON key, value) or a text.

    The headers given on the command line (real values) replace the masked ones of the
    record, so the configuration's keys are compared exactly.
    """
    from .auditor import cross_check

    try:
        check = cross_check(d, config, source_address=source_address, headers=headers)
    except ValueError as exc:  # no HTTP answer to explain: say so after the diagnosis
        if as_json:
            return "cross_check", {"verdict": None, "summary": str(exc), "audit": None}
        return "text", f"Cross-check against the configuration: not possible ({exc})"
    if as_json:
        return "cross_check", {"verdict": check.verdict, "summary": check.summary,
                               "audit": check.audit.to_dict()}
    return "text", f"Cross-check against the configuration: {check.verdict}\n{check}"
