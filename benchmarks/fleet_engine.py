"""The history analysis on the engines: embedded DuckDB (today's and through Ibis) and Spark.

    python benchmarks/fleet_engine.py                      # 1M lines, Spark with 1, 2, 4 files
    python benchmarks/fleet_engine.py --lines 5000000 --no-spark   # peak memory at 5M

Each contender runs in its own process under ``/usr/bin/time`` (wall seconds, peak RSS of
the Python process; Spark's JVM is a child process and is not in that figure), counting
``kit.error_rates(log, window="1min")``. The per-minute rows of every contender are compared
with today's engine (a hash of the rows), so a faster wrong answer cannot pass. Spark runs
in local mode (``local[2]``, loopback, no UI) on the same lines split over 1, 2 and 4 gzip
files; its time includes starting the JVM.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COUNT = r"""
import hashlib, sys, time, kit
started = time.perf_counter()
backend = None
if sys.argv[2] == "spark":
    import ibis
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.sql.shuffle.partitions", "4").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    backend = ibis.pyspark.connect(spark)
    up = time.perf_counter()
    log = kit.load_log(sys.argv[1], backend=backend)
elif sys.argv[2] == "ibis":
    from kit import _tablelog
    from pathlib import Path
    up = time.perf_counter()
    log = _tablelog.open_files([Path(sys.argv[1])], format=None, backend=None)
else:
    up = time.perf_counter()
    log = kit.load_log(sys.argv[1], progress=False)
rows = kit.error_rates(log, window="1min")
digest = hashlib.sha256(repr([(r.start, r.total, sorted(r.by_status.items()))
                              for r in rows]).encode()).hexdigest()[:12]
print(sum(r.total for r in rows), digest, f"{time.perf_counter() - up:.2f}")
"""


def measure(args: list[str]) -> tuple[float, float, str]:
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        done = subprocess.run(["/usr/bin/time", "-o", stats.name, "-f", "%e %M",  # noqa: S603 - our own command
                               sys.executable, "-c", COUNT, *args],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-800:])
        wall, kb = stats.read().split()[-2:]
    return float(wall), int(kb) / 1024, done.stdout.strip().splitlines()[-1]


def split_gzip(path: Path, parts: int, folder: Path) -> str:
    """The log's lines over ``parts`` gzip files in ``folder``; returns their glob."""
    folder.mkdir()
    lines = path.read_bytes().splitlines(keepends=True)
    size = len(lines) // parts + 1
    for i in range(parts):
        with gzip.open(folder / f"part-{i}.log.gz", "wb", compresslevel=1) as out:
            out.writelines(lines[i * size:(i + 1) * size])
    return str(folder / "*.log.gz")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()
    from kit import sample_log

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "access.log"
        sample_log(path, lines=args.lines)
        print(f"{args.lines:,} lines, {path.stat().st_size / 1e6:,.0f} MB; best of {args.runs}")
        print(f"{'contender':<34} {'wall s':>7} {'peak MB':>8} {'count s':>8}  rows (hash)")
        runs = [("today: DuckDB SQL, one file", [str(path), "today"]),
                ("Ibis on embedded DuckDB", [str(path), "ibis"])]
        if not args.no_spark and shutil.which("java"):
            for parts in (1, 2, 4):
                glob = split_gzip(path, parts, Path(tmp) / f"gz{parts}")
                runs.append((f"Ibis on Spark local[2], {parts} gz", [glob, "spark"]))
        reference = None
        for name, argv in runs:
            best = min((measure(argv) for _ in range(args.runs)), key=lambda r: r[0])
            wall, peak, said = best
            total, digest, counting = said.split()
            reference = reference or digest
            same = "same" if digest == reference else "DIFFERENT"
            print(f"{name:<34} {wall:7.2f} {peak:8.0f} {float(counting):8.2f}  "
                  f"{int(total):,} ({digest}, {same})")
            time.sleep(0.5)


if __name__ == "__main__":
    main()
