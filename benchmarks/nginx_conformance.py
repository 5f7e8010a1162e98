"""kit.audit against a real nginx over cases converted from nginx's own test suite.

Runs every configuration in tests/data/nginx_conformance/ on Debian's nginx (loopback ports
18500-18599, a prefix in a temporary directory), sends each request, audits it, and prints the
agreement per area and overall, then every disagreement. Rows the audit cannot know (file
tests, counters, an upstream's answer) are counted apart and left out of the score.

    python benchmarks/nginx_conformance.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.nginx_suite import COMMIT, load_cases, run_case, score


def main() -> None:
    started = time.perf_counter()
    outcomes = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in load_cases():
            outcomes += run_case(case, Path(tmp) / case.name)
    by_area = defaultdict(list)
    for o in outcomes:
        by_area[o.case.area].append(o)
    print(f"nginx-tests {COMMIT} cases on {len({o.case.name for o in outcomes})} configurations")
    print(f"{'area':<14}{'agree':>7}{'scored':>8}{'share':>8}{'unknowable':>12}")
    for area, rows in sorted(by_area.items()):
        agree, scored = score(rows)
        print(f"{area:<14}{agree:>7}{scored:>8}{agree / scored if scored else 1:>8.3f}"
              f"{len(rows) - scored:>12}")
    agree, scored = score(outcomes)
    print(f"{'all':<14}{agree:>7}{scored:>8}{agree / scored:>8.3f}"
          f"{len(outcomes) - scored:>12}")
    kept_out = [o for o in outcomes if o.row.unknowable]
    print(f"kept out (unknowable offline): {len(kept_out)}, of which the audit's guess matched "
          f"nginx anyway: {sum(o.agrees for o in kept_out)}; with an assumption said: "
          f"{sum(bool(o.assumptions) for o in kept_out)}")
    print(f"exceptions: {sum(1 for o in outcomes if o.error)}; "
          f"wall time {time.perf_counter() - started:.1f} s")
    for o in outcomes:
        if not o.agrees and not o.row.unknowable:
            print(f"  {o.case.name}: {o.row.method} {o.row.target} host={o.row.host} "
                  f"from={o.row.source} ({o.row.name}): nginx {o.nginx}, audit {o.audit}"
                  + (f" [{o.error}]" if o.error else ""))


if __name__ == "__main__":
    main()
