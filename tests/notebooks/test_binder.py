"""The Binder recipe, tried the way Binder uses it: a fresh virtual environment built only
from binder/ files (runtime.txt's Python, requirements.txt from the repository root) runs
every notebook top to bottom.

This installs from the package registry, so it is the slowest test (about 1-3 minutes).
"""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"


def test_binder_folder_has_what_repo2docker_reads() -> None:
    """runtime.txt pins Python 3.11 and requirements.txt installs the kit itself (a '.' line)."""
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    lines = [ln.strip() for ln in (BINDER / "requirements.txt").read_text().splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")]
    assert lines[-1] == "."
    assert any(ln.startswith("jupyterlab") for ln in lines)


@pytest.mark.timeout(1200)
def test_fresh_environment_from_binder_files_runs_every_notebook(tmp_path: Path) -> None:
    """pip install -r binder/requirements.txt in an empty venv, then execute each notebook."""
    env_dir = tmp_path / "binder-env"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = env_dir / "bin" / "python"
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("JUPYTER", "PYTHON", "VIRTUAL_ENV", "IPYTHON"))}
    clean["HOME"] = str(tmp_path / "home")
    clean["JUPYTER_PLATFORM_DIRS"] = "1"
    install = subprocess.run(  # noqa: S603 - our own venv
        [str(python), "-m", "pip", "install", "-q", "-r", str(BINDER / "requirements.txt")],
        cwd=ROOT, env=clean, capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stderr[-3000:]
    out = tmp_path / "executed"
    notebooks = sorted(str(p) for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 9
    run = subprocess.run(  # noqa: S603 - our own venv
        [str(python), "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.timeout=120", "--ExecutePreprocessor.kernel_name=python3",
         "--output-dir", str(out), *notebooks],
        cwd=ROOT / "notebooks", env=clean, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(list(out.glob("*.ipynb"))) == len(notebooks)
    # the kit that ran is the one installed from this repository by the '.' line
    where = subprocess.run([str(python), "-c", "import kit; print(kit.__file__)"],  # noqa: S603
                           cwd=tmp_path, env=clean, capture_output=True, text=True, check=True)
    assert str(env_dir) in where.stdout
