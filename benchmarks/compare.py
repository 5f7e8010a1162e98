"""kit.compare: requests spent and wall time against n differences and k culprits.

A loopback server (the tests' raw HTTP/1.1 rule server) refuses unless k hidden headers are
all present; the working request carries n extra headers, the failing one none, so there are
exactly n differences, k of them culprits, at random positions (seeded). The goal from issue
14 is at most about 2·log2(n) + k requests, counting the two replays (yours as sent, and
with every difference) that must come first. All differences here are of one kind, so the
kit's ordering by prior likelihood cannot help: this is the cost without that help.

    python benchmarks/compare.py [--trials 20] [--seed 14]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import kit
from tests.rules_server import RulesServer, Seen, serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    wanted: set[str] = set()

    def rule(r: Seen) -> bool:
        names = {k.lower() for k, _ in r.headers}
        return wanted <= names

    print("Synthetic: n same-kind differences, k culprits at random positions")
    print(f"{'n':>3} {'k':>2} {'goal':>5} {'bound':>5} {'mean':>5} {'max':>4} {'within':>7} "
          f"{'exact':>6} {'ms mean':>8}")
    with serve(RulesServer(rules={"/syn": rule})) as server:
        for n in (4, 8, 16, 32, 64):
            for k in (1, 2, 3):
                if k > n:
                    continue
                spent, took, exact = [], [], 0
                goal = 2 * math.log2(n) + k
                for _ in range(args.trials):
                    names = [f"x-h-{i}" for i in range(n)]
                    wanted.clear()
                    wanted.update(rng.sample(names, k))
                    good = f"curl {server.url}/syn -A bench/1 " + " ".join(
                        f"-H '{h}: 1'" for h in names)
                    bad = httpx.Request("GET", f"{server.url}/syn",
                                        headers={"User-Agent": "bench/1", "Accept": "*/*"})
                    t0 = time.perf_counter()
                    c = kit.compare(good, bad, budget=64)
                    took.append(time.perf_counter() - t0)
                    spent.append(c.requests_sent)
                    exact += {d.name for d in c.culprits} == wanted
                within = sum(s <= goal for s in spent) / len(spent)
                bound = math.log2(math.comb(n, k)) + 2  # any adaptive search, + the 2 replays
                print(f"{n:>3} {k:>2} {goal:>5.1f} {bound:>5.1f} {statistics.mean(spent):>5.1f} "
                      f"{max(spent):>4} {within:>7.0%} {exact / args.trials:>6.0%} "
                      f"{statistics.mean(took) * 1000:>8.1f}")

        realistic(server)


def realistic(server: RulesServer) -> None:
    """Chrome-style copies against the tests' hidden rules: the differences a real comparison
    has (sec-fetch-*, caching, case, order ...), with the kit's ordering by likelihood."""
    from tests.rules_server import api_rule, bot_rule
    from tests.test_works_there import chrome_copy, my_code

    server.rules.update({"/bot": bot_rule, "/api": api_rule(server.port)})
    print("\nRealistic: a Chrome-style 'Copy as cURL' against your httpx request")
    print(f"{'rule':<28} {'n':>3} {'k':>2} {'goal':>5} {'sent':>5} {'ms':>6}  culprits")
    for label, path, mine, extra in (
            ("bot: UA + Accept-Language", "/bot/x", "/bot/x", ()),
            ("API: ?region= + Referer", "/api/o?region=eu&p=1", "/api/o?p=1",
             (f"-H 'referer: {server.url}/app/'",)),
    ):
        t0 = time.perf_counter()
        c = kit.compare(chrome_copy(f"{server.url}{path}", *extra),
                        my_code(f"{server.url}{mine}"))
        n, k = len(c.differences), len(c.culprits)
        print(f"{label:<28} {n:>3} {k:>2} {2 * math.log2(n) + k:>5.1f} {c.requests_sent:>5} "
              f"{(time.perf_counter() - t0) * 1000:>6.1f}  "
              f"{', '.join(d.name for d in c.culprits)}")


if __name__ == "__main__":
    main()
