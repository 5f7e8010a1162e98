"""`python -c "import kit"` wall time, against `python -c "pass"` and `import httpx`.

Goal: import kit within 150 ms, with matplotlib, ipywidgets and uvicorn never loaded. The
public names load on first use (PEP 562), so the cost of httpx and the catalogue is paid by
the first call that needs them; that figure is printed too.

    python benchmarks/import_time.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def timed(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 - our own interpreter
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    bare = timed("pass", args.runs)
    httpx_only = timed("import httpx", args.runs)
    kit_time = timed("import kit", args.runs)
    first_use = timed("import kit; kit.explain; kit.diagnose", args.runs)
    heavy = subprocess.run(
        [sys.executable, "-c", "import kit, sys; print(sorted(m for m in ('matplotlib', "
         "'ipywidgets', 'uvicorn', 'starlette', 'jupyter_core') if m in sys.modules))"],
        check=True, capture_output=True, text=True).stdout.strip()
    print(f"python -c pass        {bare * 1000:7.1f} ms")
    print(f"python -c import httpx {httpx_only * 1000:6.1f} ms")
    print(f"python -c import kit   {kit_time * 1000:6.1f} ms   (goal <= 150 ms)")
    print(f"... and first use      {first_use * 1000:6.1f} ms   (loads httpx, PyJWT, the "
          "catalogue)")
    print(f"heavy modules loaded   {heavy}")


if __name__ == "__main__":
    main()
