"""Run-All time of each notebook against the sandbox, after its kernel has started.

    python benchmarks/notebooks.py            # every notebook
    python benchmarks/notebooks.py 00 09      # only names starting with these

Each notebook gets a fresh ipykernel running this interpreter (a kernelspec written to a
temporary JUPYTER_PATH). Kernel start-up is timed apart from Run All, as a person sees it:
the kernel is usually up before they press Run All. Goal: 00_start_here under 5 s.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
GOALS = {"00_start_here": 5.0}


def kernelspec(base: Path) -> None:
    """A python3 kernelspec running this interpreter, first on Jupyter's search path."""
    spec = base / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3", "language": "python"}))
    os.environ["JUPYTER_PATH"] = str(base)
    os.environ["JUPYTER_PLATFORM_DIRS"] = "1"
    os.environ["JUPYTER_RUNTIME_DIR"] = str(base / "runtime")
    (base / "runtime").mkdir()


def run_all(path: Path) -> tuple[float, float, int]:
    """(kernel start seconds, Run All seconds, code cells) for one notebook."""
    nb = nbformat.read(path, as_version=4)
    sockets = Path(os.environ["JUPYTER_RUNTIME_DIR"]) / path.stem  # IPC: Unix sockets, not TCP
    ipc = Config({"KernelManager": {"transport": "ipc", "ip": str(sockets)}})
    client = NotebookClient(nb, config=ipc, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    with client.setup_kernel():
        started = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        done = time.perf_counter()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    if errors:
        raise SystemExit(f"{path.name}: {errors[0].ename}: {errors[0].evalue}")
    return started - t0, done - started, sum(c.cell_type == "code" for c in nb.cells)


def main(prefixes: list[str]) -> None:
    paths = sorted(p for p in NOTEBOOKS.glob("*.ipynb")
                   if not prefixes or p.stem.startswith(tuple(prefixes)))
    with tempfile.TemporaryDirectory(prefix="kit-nb-") as tmp:  # short: IPC socket paths
        kernelspec(Path(tmp))
        print(f"{'notebook':<28} {'cells':>5} {'kernel s':>9} {'Run All s':>10}  goal")
        total = 0.0
        for path in paths:
            start, run, cells = run_all(path)
            total += run
            goal = GOALS.get(path.stem)
            verdict = "" if goal is None else f"< {goal:.0f} s {'ok' if run < goal else 'MISSED'}"
            print(f"{path.stem:<28} {cells:>5} {start:>9.2f} {run:>10.2f}  {verdict}")
        print(f"{'total':<28} {'':>5} {'':>9} {total:>10.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
