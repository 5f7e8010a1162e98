"""A combined-format access log -> a per-minute series of counts by status, whole process.

Goals (issue 4): at 1,000,000 lines kit is at least 7x faster than GoAccess and faster than a
plain Python regex loop; its peak memory stays under 300 MB and flat as the file grows (also
at 5,000,000 lines). Every contender runs in its own process under ``/usr/bin/time`` (wall
time, peak RSS), on the same file, in one run; the best of ``--runs`` times is kept, and the
highest peak memory.

    python benchmarks/log_engine.py                       # 1M lines
    python benchmarks/log_engine.py --lines 1000000 5000000 --runs 3 --candidates

Contenders: ``goaccess`` (Debian's package, JSON report with ``--date-spec=min``); ``regex
loop`` (one regex match and a dict update per line, keyed by the minute as written, no time
zone conversion); ``kit`` (``kit.error_rates(kit.load_log(path), window="1min")``, the DuckDB
engine). With ``--candidates``, the engines that were not chosen are measured too: kit's own
Python fallback (DuckDB hidden), and polars' streaming engine (when polars is installed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REGEX_LOOP = r"""
import collections, re, sys
PAT = re.compile(r'(\S+) \S+ \S+ \[([^\]]+)\] "([^"]*)" (\d{3}) (\S+) "([^"]*)" "([^"]*)"')
counts = collections.Counter()
with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
    for line in f:
        m = PAT.match(line)
        if m:
            counts[(m.group(2)[:17], m.group(4))] += 1
print(sum(counts.values()))
"""
KIT = r"""
import sys, kit
log = kit.load_log(sys.argv[1], progress=False)
rows = kit.error_rates(log, window="1min")
print(sum(r.total for r in rows))
"""
KIT_PYTHON = "import sys; sys.modules['duckdb'] = None\n" + KIT  # ImportError: Python engine
POLARS = r"""
import sys, polars as pl
pat = r'^\S+ \S+ \S+ \[([^\]]+)\] "[^"]*" (\d{3}) '
lf = pl.scan_csv(sys.argv[1], has_header=False, separator="\x01", quote_char=None,
                 new_columns=["line"], schema={"line": pl.String})
out = lf.select(
    pl.col("line").str.extract(pat, 1).str.strptime(pl.Datetime("us", "UTC"),
                                                    "%d/%b/%Y:%H:%M:%S %z").dt.truncate("1m"),
    pl.col("line").str.extract(pat, 2).alias("status"),
).group_by("line", "status").len().collect(engine="streaming")
print(out["len"].sum())
"""


def measure(command: list[str], runs: int) -> tuple[float, float, str]:
    """Best wall time (s), highest peak RSS (MB) and the last stdout line over ``runs`` runs."""
    best, peak, said = float("inf"), 0.0, ""
    for _ in range(runs):
        with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
            done = subprocess.run(["/usr/bin/time", "-o", stats.name, "-f", "%e %M",  # noqa: S603 - our own commands
                                   *command], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"{command[0]} failed: {done.stderr[-500:]}")
            wall, kb = stats.read().split()[-2:]
        best, peak = min(best, float(wall)), max(peak, int(kb) / 1024)
        said = (done.stdout.strip().splitlines() or [""])[-1]
    return best, peak, said


def contenders(path: Path, out: Path, candidates: bool) -> dict[str, list[str]]:
    python = sys.executable
    found = {
        "goaccess": [shutil.which("goaccess") or "goaccess", str(path), "--log-format=COMBINED",
                     "--date-spec=min", "--no-global-config", "--no-progress",
                     "-o", str(out / "goaccess.json")],
        "regex loop": [python, "-c", REGEX_LOOP, str(path)],
        "kit": [python, "-c", KIT, str(path)],
    }
    if candidates:
        found["kit, Python engine"] = [python, "-c", KIT_PYTHON, str(path)]
        if subprocess.run([python, "-c", "import polars"], capture_output=True,  # noqa: S603 - our interpreter
                          check=False).returncode == 0:
            found["polars streaming"] = [python, "-c", POLARS, str(path)]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--candidates", action="store_true",
                        help="also measure the engines that were not chosen")
    args = parser.parse_args()
    if shutil.which("goaccess") is None:
        sys.exit("goaccess is not installed: apt-get install -y goaccess")
    from kit import sample_log

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, best of {args.runs} runs")
    summary = []
    with tempfile.TemporaryDirectory() as tmp:
        for lines in args.lines:
            path = Path(tmp) / f"access-{lines}.log"
            started = time.perf_counter()
            sample_log(path, lines=lines)
            size = path.stat().st_size / 1e6
            print(f"\n{lines:,} combined lines, {size:,.0f} MB "
                  f"(written in {time.perf_counter() - started:.1f} s)")
            results = {name: measure(cmd, args.runs)
                       for name, cmd in contenders(path, Path(tmp), args.candidates).items()}
            kit_time = results["kit"][0]
            print(f"{'contender':<20} {'wall s':>8} {'peak MB':>9} {'x kit time':>11}  counted")
            for name, (wall, peak, said) in results.items():
                print(f"{name:<20} {wall:8.2f} {peak:9.0f} {wall / kit_time:11.1f}  {said}")
            summary.append((lines, results))
            path.unlink()
    print("\ngoals: >= 7x faster than goaccess, faster than the regex loop, peak < 300 MB")
    for lines, results in summary:
        kit_time, kit_peak, _ = results["kit"]
        print(f"{lines:>10,} lines: goaccess/kit {results['goaccess'][0] / kit_time:5.1f}x, "
              f"regex loop/kit {results['regex loop'][0] / kit_time:4.1f}x, "
              f"kit peak {kit_peak:.0f} MB")


if __name__ == "__main__":
    main()
