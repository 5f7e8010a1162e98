"""``forbidden-kit compare WORKING FAILING``: which differences make the failing request fail.

WORKING and FAILING are each a curl command line, or @FILE: a file holding a curl command, a
HAR file (its last entry), a Postman v2.1 collection (its first request) or an Insomnia export.
Exit codes: 0 culprits found, 1 none found, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_compare(sub: Any) -> None:
    c = sub.add_parser("compare", help="works in curl/Postman/the browser, 403 in your code: "
                                       "find the differences that matter")
    c.add_argument("working", metavar="WORKING", help="curl command, or @FILE (curl, HAR, "
                                                      "Postman, Insomnia)")
    c.add_argument("failing", metavar="FAILING", help="curl command, or @FILE")
    c.add_argument("--budget", type=int, default=16, help="most requests to send (default 16)")
    c.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    c.add_argument("--allow-unsafe", action="store_true",
                   help="allow replaying non-idempotent methods (POST, PATCH, ...)")
    c.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")
    c.add_argument("--json", action="store_true", help="print the comparison as JSON")
    c.add_argument("--bundle", metavar="FILE", help="also write the evidence bundle")
    c.set_defaults(func=run)


def _read(value: str) -> Any:
    if not value.startswith("@"):
        return value
    path = Path(value[1:])
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    return text


def run(args: argparse.Namespace) -> int:
    from . import cli
    from ._bisect import compare

    try:
        c = compare(_read(args.working), _read(args.failing), budget=args.budget,
                    timeout=args.timeout, replay_unsafe=args.allow_unsafe,
                    verify=not args.insecure)
    except ValueError as exc:
        raise cli.UsageError(str(exc)) from None
    print(c.to_json() if args.json else c.to_text())  # noqa: T201 - the command line prints
    if args.bundle:
        written = c.bundle(args.bundle)
        print(f"evidence bundle written: {written}", file=sys.stderr)  # noqa: T201 - the command line reports
    return 0 if c.culprits else 1
