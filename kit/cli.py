"""The command line: ``python -m kit diagnose URL``, ``explain FILE``, ``audit -c CONF URL``,
``sandbox``, ``demo``.

Exit codes: 0 a cause was found (or every demo scenario matched), 1 no cause found (or a demo
mismatch), 2 bad input (a one-line message on stderr), 3 an unexpected error inside the kit.
This is the UI boundary: the one place that catches broadly, printing a line, not a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ._diagnosis import THIN
from ._secrets import mask_text
from ._tokens import read_credentials
from ._triage import DEFAULT_BUDGET, MAX_BUDGET

if TYPE_CHECKING:
    from ._diagnosis import Diagnosis

PROG = "forbidden-kit"


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code instead of exiting."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help (0) and on usage errors (2)
        return exc.code if isinstance(exc.code, int) else 2
    command: Callable[[argparse.Namespace], int] = args.func
    secrets = _secrets(args)
    try:
        return command(args)
    except UsageError as exc:
        return _fail(mask_text(str(exc), secrets), 2)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the UI boundary: one line, never a traceback
        return _fail(f"unexpected {type(exc).__name__}: {mask_text(str(exc), secrets)}", 3)


def _fail(message: str, code: int) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Find out why a REST API answered 403 Forbidden.",
        epilog="exit codes: 0 cause found, 1 no cause found, 2 bad input, 3 internal error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    d = sub.add_parser("diagnose", help="probe a URL politely and rank the likely causes")
    d.add_argument("url", metavar="URL")
    d.add_argument("-X", "--request", dest="method", metavar="METHOD",
                   help="HTTP method (default GET, or POST with -d)")
    d.add_argument("-H", "--header", dest="headers", action="append", default=[],
                   metavar="'Name: value'", help="request header, repeatable")
    d.add_argument("-d", "--data", metavar="DATA", help="request body; @FILE reads a file")
    d.add_argument("--budget", type=int, default=DEFAULT_BUDGET,
                   help=f"most requests to send, 1 to {MAX_BUDGET} (default {DEFAULT_BUDGET})")
    d.add_argument("--timeout", type=float, default=10.0, help="seconds per request and overall")
    d.add_argument("--interface", "--local-address", dest="local_address", metavar="ADDR",
                   help="source address to bind (reproduces allowlist situations)")
    d.add_argument("--proxy", metavar="URL", help="route requests through this proxy")
    d.add_argument("--allow-unsafe", action="store_true",
                   help="allow replaying non-idempotent methods (POST, PATCH, ...)")
    d.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    d.add_argument("-c", "--config", action="append", default=[], metavar="FILE",
                   help="the gateway's configuration: after the diagnosis, check whether it "
                        "explains the live answer (nginx, Tyk, Kong, AWS; repeatable)")
    d.add_argument("--from", dest="source_address", metavar="ADDR",
                   help="with --config: the client address the gateway sees (your egress)")
    d.add_argument("--bundle", metavar="FILE",
                   help="also write the redacted evidence bundle for support (.md, or .json)")
    d.set_defaults(func=_diagnose)

    e = sub.add_parser("explain", help="explain a saved response or HAR file, without network")
    e.add_argument("file", metavar="FILE",
                   help="JSON of a saved response or a HAR file; - is stdin")
    e.add_argument("--entry", type=int, metavar="N",
                   help="HAR entry index (default: the last one answered 401/403/429)")
    e.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    e.set_defaults(func=_explain)

    s = sub.add_parser("sandbox", help="serve the local API that reproduces every cause")
    s.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    s.add_argument("--latency", type=float, help="seconds of delay added to each answer")
    s.set_defaults(func=_sandbox)

    m = sub.add_parser("demo", help="diagnose every sandbox scenario and print a verdict table")
    m.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    m.set_defaults(func=_demo)

    from ._cli_audit import add_parser

    add_parser(sub)
    sub.choices["audit"].set_defaults(func=_audit)
    from ._cli_compare import add_compare

    add_compare(sub)
    return parser


def _audit(args: argparse.Namespace) -> int:
    from ._cli_audit import run

    try:
        return run(args, parse_headers(args.headers))
    except ValueError as exc:  # ConfigError, AuditUsageError and bad arguments are all ValueErrors
        raise UsageError(str(exc)) from None


# -- diagnose ---------------------------------------------------------------------------------
def _diagnose(args: argparse.Namespace) -> int:
    _check_url(args.url)
    headers = parse_headers(args.headers)
    content = _read_data(args.data)
    method = (args.method or ("POST" if content is not None else "GET")).upper()
    from . import diagnose
    from ._cli_audit import load_for_diagnose, print_cross_check

    try:
        config = load_for_diagnose(args.config, args.source_address)  # fails before a request
        d = diagnose(args.url, method=method, headers=headers,
                     content=content, budget=args.budget, timeout=args.timeout,
                     local_address=args.local_address, proxy=args.proxy,
                     replay_unsafe=args.allow_unsafe)
        if args.bundle:
            print(f"evidence bundle written: {d.bundle(args.bundle)}", file=sys.stderr)
        if config is None:
            return _print_diagnosis(d, as_json=args.json)
        code = _print_diagnosis(d, as_json=args.json, extra=print_cross_check(
            d, config, args.source_address, headers, as_json=args.json))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return code


def parse_headers(lines: Sequence[str]) -> list[tuple[str, str]]:
    """'Name: value' lines, split on the first colon; a line without one is a UsageError.

    Pairs, not a dict: a header given twice is sent twice, as curl does.
    """
    headers: list[tuple[str, str]] = []
    for n, line in enumerate(lines, 1):
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            # The line is not echoed: without its colon it may be a bare secret.
            raise UsageError(f"header {n} of {len(lines)} has no 'Name:' part; write it as "
                             "-H 'Name: value', e.g. -H 'Authorization: Bearer …'")
        headers.append((name.strip(), value.strip()))
    return headers


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise UsageError(f"not a URL ({exc}); expected e.g. https://api.example.com/v1/items") \
            from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        hint = f" (did you mean https://{url}?)" if "://" not in url else ""
        raise UsageError(f"not an http(s) URL: {url!r}{hint}; "
                         "expected e.g. https://api.example.com/v1/items")


def _read_data(data: str | None) -> bytes | None:
    if data is None:
        return None
    if not data.startswith("@"):
        return data.encode("utf-8")
    path = data[1:]
    try:
        return sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the -d file {path!r}: {exc.strerror or exc}") from None


# -- explain ----------------------------------------------------------------------------------
def _explain(args: argparse.Namespace) -> int:
    from ._har import EntryChoiceError, load_saved_response

    name = "stdin" if args.file == "-" else repr(args.file)
    try:
        exchange = load_saved_response(args.file, entry=args.entry)
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{name} is not UTF-8 text; save the response as JSON") from None
    except EntryChoiceError as exc:
        raise UsageError(f"{name}: {exc}; pick one with --entry N") from None
    except ValueError as exc:
        raise UsageError(f"{name}: {exc}; give a HAR file, an Exchange JSON or "
                         '{"status": 403, "headers": {...}, "body": "..."}') from None
    from . import explain

    return _print_diagnosis(explain(exchange), as_json=args.json)


def _print_diagnosis(d: Diagnosis, *, as_json: bool,
                     extra: tuple[str, Any] | None = None) -> int:
    """Print the diagnosis (and an extra section: a JSON key and value, or a text)."""
    if as_json:
        data = d.to_dict()
        if extra is not None:
            data[extra[0]] = extra[1]
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(d.to_text(color=_color()), end="")
        if extra is not None:
            print(f"\n{extra[1]}")
    return 0 if d.findings and d.findings[0].confidence >= THIN else 1


def _color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


# -- sandbox and demo -------------------------------------------------------------------------
def _sandbox(args: argparse.Namespace) -> int:
    from .sandbox import main as sandbox_main

    argv = [*(["--port", str(args.port)] if args.port is not None else []),
            *(["--latency", str(args.latency)] if args.latency is not None else [])]
    code = sandbox_main(argv)
    return code if isinstance(code, int) else 0


def _demo(args: argparse.Namespace) -> int:
    from . import diagnose
    from .sandbox import serve

    rows: list[dict[str, Any]] = []
    with serve() as api:
        for scenario in api.scenarios:
            d = diagnose(**scenario.request())
            expected = scenario.cause.value if scenario.cause is not None else None
            rows.append({
                "scenario": scenario.name, "expected": expected,
                "diagnosed": d.cause.value if d.cause else None,
                "confidence": d.top.confidence if d.top else 0.0,
                "requests": d.requests_sent, "ok": (d.cause.value if d.cause else None) == expected,
            })
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(_verdict_table(rows))
    return 0 if rows and all(r["ok"] for r in rows) else 1


def _verdict_table(rows: list[dict[str, Any]]) -> str:
    header = ("scenario", "expected", "diagnosed", "confidence", "requests", "")
    cells = [header] + [
        (str(r["scenario"]), str(r["expected"] or "-"), str(r["diagnosed"] or "-"),
         f"{r['confidence']:.0%}", str(r["requests"]), "✓" if r["ok"] else "✗")
        for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    matched = sum(1 for r in rows if r["ok"])
    return "\n".join([*lines, f"{matched}/{len(rows)} scenarios diagnosed as expected"])


def _secrets(args: argparse.Namespace) -> list[str]:
    """Values to mask in any error message: the user's credentials from -H and the URL."""
    lines = getattr(args, "headers", None) or []
    pairs = [(n.strip(), v.strip()) for n, _, v in (line.partition(":") for line in lines)]
    found, _ = read_credentials(pairs, getattr(args, "url", "") or "")
    return found + [v for _, v in pairs if len(v) >= 8]
