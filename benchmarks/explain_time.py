"""Time kit.explain() on one response, over the rows of the corpus of real refusals.

    python benchmarks/explain_time.py

Prints the first call (which reads the fitted parameters) and the median and 95th percentile
of the rest. Goal (issue 10): median <= 2 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import kit  # noqa: E402
from kit._scoring import corpus as _corpus  # noqa: E402


def main() -> None:
    rows = _corpus.load(ROOT / "tests" / "data" / "refusals")
    start = time.perf_counter()
    kit.explain(rows[0].exchange)
    first = time.perf_counter() - start
    times = []
    for row in rows:
        start = time.perf_counter()
        kit.explain(row.exchange)
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"explain() over {len(rows)} real refusals: first call {first * 1000:.1f} ms "
          f"(reads the parameters); median {statistics.median(times) * 1000:.2f} ms, "
          f"p95 {times[int(len(times) * 0.95)] * 1000:.2f} ms, max {times[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
