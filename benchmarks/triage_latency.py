"""Triage wall time against the sandbox with injected latency, and requests spent per scenario.

Prints, per scenario: the diagnosed cause, requests spent, wall time, and the ratio of the
triage's wall time to one baseline round trip measured the same way. Goal: a ratio of at
most 2.5 for a triage that needs no pause (the paced repeat, used only when every variant is
refused alike, adds its pause by design and is reported apart).

    python benchmarks/triage_latency.py [--latency 0.2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx

import kit
from kit.sandbox import serve


def round_trip(request: dict[str, object], repeat: int) -> float:
    """Median time of one plain request like the scenario's baseline, on a fresh client."""
    times = []
    local = request.get("local_address")
    for _ in range(repeat):
        transport = httpx.HTTPTransport(local_address=str(local)) if local else None
        with httpx.Client(transport=transport) as client:
            started = time.perf_counter()
            client.request(str(request.get("method", "GET")), str(request["url"]),
                           headers=request.get("headers"), params=request.get("params"))  # type: ignore[arg-type]
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with serve(latency=args.latency) as api:
        print(f"sandbox latency {args.latency * 1000:.0f} ms; median of {args.repeat} runs\n")
        print(f"{'scenario':36} {'expected':16} {'diagnosed':16} {'req':>3} {'wall s':>7} "
              f"{'rtt s':>6} {'ratio':>6}  pause")
        ratios, paused, correct = [], [], 0
        for scenario in api.scenarios:
            request = scenario.request()
            walls, spent, cause, used_pause = [], 0, None, False
            for _ in range(args.repeat):
                started = time.perf_counter()
                d = kit.diagnose(**request)  # type: ignore[arg-type]
                walls.append(time.perf_counter() - started)
                spent, cause = d.requests_sent, d.cause
                used_pause = any(e.label == "repeat after pause" for e in d.exchanges)
            rtt = round_trip(request, args.repeat)
            wall = statistics.median(walls)
            ratio = wall / rtt
            (paused if used_pause else ratios).append(ratio)
            correct += cause is scenario.cause
            print(f"{scenario.name:36} {scenario.cause.value:16} "
                  f"{cause.value if cause else '-':16} {spent:>3} {wall:7.2f} {rtt:6.2f} "
                  f"{ratio:6.2f}  {'yes' if used_pause else ''}")
        print(f"\ncorrect: {correct}/{len(api.scenarios)}")
        print(f"ratio without pause: median {statistics.median(ratios):.2f}, "
              f"max {max(ratios):.2f} over {len(ratios)} scenarios (goal <= 2.5)")
        if paused:
            print(f"ratio with the paced repeat: max {max(paused):.2f} over {len(paused)} "
                  f"scenario(s) (includes the {1.0:.1f} s pause)")


if __name__ == "__main__":
    main()
