"""kit.audit against a real Apache httpd: agreement per area, over every case in the suite.

Starts Debian's apache2 once per configuration of tests/apache_cases.py (loopback, a
private ServerRoot), sends each request, audits the same request with kit.audit, and
prints the agreement per area (authz_core, access_compat, rewrite, autoindex, ...) and
every disagreement.

    python benchmarks/apache_conformance.py [--verbose]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.apache_cases import CASES
from tests.apache_real import available, run_case
from tests.conftest import free_port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every request")
    parser.add_argument("--case", help="run only the case with this name")
    args = parser.parse_args()
    if not available():
        sys.exit("apache2 and its modules are not installed (apt-get install apache2)")
    per_area: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    started = time.perf_counter()
    cases = [c for c in CASES if args.case in (None, c.name)]
    for case in cases:
        rows = run_case(case, free_port())
        for method, path, source, actual, predicted in rows:
            per_area[case.area][1] += 1
            if actual == predicted:
                per_area[case.area][0] += 1
            else:
                misses.append((case.name, method, path, source, actual, predicted))
            if args.verbose:
                print(f"  {case.name:34} {method:7} {path:36} {source:10} httpd {actual} "
                      f"kit {predicted}")
    total = sum(t for _, t in per_area.values())
    agree = sum(a for a, _ in per_area.values())
    print(f"{len(cases)} configurations, {total} requests, "
          f"{time.perf_counter() - started:.1f} s")
    print(f"{'area':16} {'agree':>7} {'of':>5} {'share':>7}")
    for area, (a, t) in sorted(per_area.items()):
        print(f"{area:16} {a:7} {t:5} {a / t:7.3f}")
    print(f"{'all':16} {agree:7} {total:5} {agree / max(total, 1):7.3f}")
    for miss in misses:
        print("  disagree: {} {} {} from {}: httpd {}, kit {}".format(*miss))


if __name__ == "__main__":
    main()
