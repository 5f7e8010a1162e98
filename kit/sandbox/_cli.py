"""``main()``: serve the sandbox in the foreground and print its scenario table."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from ._model import Scenario
from ._server import serve


def table(scenarios: Sequence[Scenario]) -> str:
    """A plain-text table: name, cause, method, url, description."""
    rows = [("name", "cause", "method", "url", "description")]
    rows += [(s.name, s.cause.value, s.method, s.url, s.description) for s in scenarios]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
        + "  " + row[4] for row in rows)


def _wait_forever() -> None:
    while True:
        time.sleep(3600)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until Ctrl-C; ``--port``, ``--perimeter-port``, ``--latency``, ``--clock-skew``."""
    parser = argparse.ArgumentParser(
        prog="python -m kit sandbox",
        description="A local HTTP API on 127.0.0.1 that reproduces every 403 cause.")
    parser.add_argument("--port", type=int, default=8403, help="main port (0: any free port)")
    parser.add_argument("--perimeter-port", type=int, default=0,
                        help="port of the IP-allowlisted listener (0: any free port)")
    parser.add_argument("--latency", type=float, default=0.0,
                        help="seconds of delay before each response")
    parser.add_argument("--clock-skew", type=float, default=600.0,
                        help="seconds the auth-clock-skew family's clock runs ahead")
    args = parser.parse_args(argv)
    with serve(port=args.port, perimeter_port=args.perimeter_port, latency=args.latency,
               clock_skew=args.clock_skew) as api:
        # T201: main() is the sandbox's command line; printing is its job
        print(f"forbidden-kit sandbox on {api.url}")  # noqa: T201
        print(f"perimeter (admits only 127.0.0.2): {api.perimeter_url}")  # noqa: T201
        print(f"live rate-limit monitor endpoint: {api.monitor_url}\n")  # noqa: T201
        print(table(api.scenarios))  # noqa: T201
        print("\nPress Ctrl-C to stop.", flush=True)  # noqa: T201
        try:
            _wait_forever()
        except KeyboardInterrupt:
            print("\nstopped")  # noqa: T201
    return 0
