"""The notebooks: committed clean, written to the notebook rules, and Run All headless works.

Each notebook runs in a fresh ipykernel (this interpreter, through a kernelspec written to a
temporary JUPYTER_PATH, so no user-level kernelspec can point elsewhere) against the sandbox.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
NAMES = ("00_start_here", "01_permissions", "02_api_keys", "03_ip_allowlist", "04_rate_limits",
         "05_authentication", "06_security_policies", "07_gateway_configuration",
         "08_error_rates_over_time", "09_use_kit_in_your_code", "10_works_there_not_here",
         "11_gateway_audit")
CANARY = "CANARY-NB-5f1e2d3c4b"
CELL_TIMEOUT = 60


def jupyter_env(base: Path) -> dict[str, str]:
    """Environment for kernels and servers: a python3 kernelspec that runs this interpreter.

    JUPYTER_PATH comes first in Jupyter's search path, so the spec written here wins over any
    user-level one; runtime files, IPython profile and lab settings stay under ``base``.
    """
    spec = base / "share" / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (forbidden-kit tests)", "language": "python"}))
    dirs = {name: base / name for name in ("runtime", "data", "ipython", "config", "settings",
                                             "workspaces")}
    for path in dirs.values():
        path.mkdir(exist_ok=True)
    return {
        "JUPYTER_PATH": os.pathsep.join(filter(None, [str(base / "share"),
                                                      os.environ.get("JUPYTER_PATH")])),
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_DATA_DIR": str(dirs["data"]),  # e.g. the notebook-signing key
        "JUPYTER_PLATFORM_DIRS": "1",  # jupyter_core's DeprecationWarning about path migration
        "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
        "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
        "IPYTHONDIR": str(dirs["ipython"]),
        "MPLBACKEND": "agg",
        "XDG_STATE_HOME": str(base / "state"),  # the history panels write here, not in ~
    }


@pytest.fixture(scope="module")
def kernel_env() -> Iterator[dict[str, str]]:
    """The module's kernels run this interpreter, with Jupyter's files kept in a tmp dir."""
    with tempfile.TemporaryDirectory(prefix="kit-nb-") as base:  # short: a socket path limit
        env = jupyter_env(Path(base))
        with pytest.MonkeyPatch.context() as mp:
            for key, value in env.items():
                mp.setenv(key, value)
            yield env


def load(name: str) -> Any:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def execute(nb: Any, **options: Any) -> Any:
    """Run every cell as Run All does; a cell that raises fails the test with its traceback.

    The kernel talks over Unix sockets in the runtime dir (IPC), not unencrypted TCP; the
    socket path is absolute, as the kernel runs in notebooks/ and this process elsewhere.
    """
    socket_base = Path(os.environ["JUPYTER_RUNTIME_DIR"]) / f"kernel-{secrets.token_hex(4)}"
    ipc = Config({"KernelManager": {"transport": "ipc", "ip": str(socket_base)}})
    client = NotebookClient(nb, config=ipc, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}}, **options)
    client.execute()
    return nb


def outputs(nb: Any) -> list[dict[str, Any]]:
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


def code_cells(nb: Any) -> list[str]:
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


def test_every_notebook_is_there() -> None:
    """The notebooks directory holds exactly the notebooks the README lists."""
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == list(NAMES)
    readme = (ROOT / "README.md").read_text()
    assert [name for name in NAMES if f"`{name}`" not in readme] == []


@pytest.mark.parametrize("name", NAMES)
def test_where_next_lists_every_notebook(name: str) -> None:
    """The 'Where next' table at the end links every notebook, by its file name."""
    cells = [c.source for c in load(name).cells
             if c.cell_type == "markdown" and c.source.lstrip().startswith("## Where next")]
    assert cells, f"{name} has no 'Where next' cell"
    assert [n for n in NAMES if f"({n}.ipynb)" not in cells[-1]] == []


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_committed_clean(name: str) -> None:
    """Valid nbformat 4 with a python3 kernelspec and no outputs, counts or widget state."""
    nb = load(name)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata.kernelspec.name == "python3"
    assert "widgets" not in nb.metadata
    for cell in nb.cells:
        assert "widgets" not in cell.metadata
        if cell.cell_type == "code":
            assert cell.outputs == [], cell.source
            assert cell.execution_count is None, cell.source


@pytest.mark.parametrize("name", NAMES)
def test_notebook_follows_the_notebook_rules(name: str) -> None:
    """Imports first, the sandbox second, short kit-only cells, a marked own-API cell."""
    nb = load(name)
    cells = code_cells(nb)
    assert cells[0].startswith("%matplotlib inline\n")
    assert "import kit" in cells[0]
    assert "kit.sandbox.start()" in cells[1]
    for source in cells:
        lines = [line for line in source.splitlines() if line.strip()]
        assert len(lines) <= 6, source
        assert not re.search(r"^\s*(def|class|for|while|async def) ", source, re.M), source
    marked = [cell.source for cell in nb.cells
              if cell.cell_type == "markdown" and "Use your own API" in cell.source]
    assert marked, "no Markdown cell marked 'Use your own API'"
    created = [s for s in cells if re.search(r"^panel = kit\.widgets\.\w+Panel\(", s, re.M)]
    if created:
        assert any(re.search(r"^panel\.run\(\)", s, re.M) for s in cells)


def test_start_returns_one_running_sandbox() -> None:
    """kit.sandbox.start() hands back the same running sandbox on every call."""
    import httpx

    import kit.sandbox

    api = kit.sandbox.start()
    assert kit.sandbox.start() is api
    assert httpx.get(api.scenario("waf-user-agent").url).status_code == 403


@pytest.mark.timeout(150)
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_headless(kernel_env: dict[str, str], name: str) -> None:
    """Run All against the sandbox finishes with every cell run and no error output."""
    nb = execute(load(name), store_widget_state=True)
    cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in cells)
    assert not [out for out in outputs(nb) if out.output_type == "error"]
    text = json.dumps(outputs(nb))
    assert "Traceback (most recent call last)" not in text
    assert not [out for out in outputs(nb) if out.get("name") == "stderr"], name
    assert red_message_marker() not in json.dumps(nb.metadata.get("widgets", {})), (
        "a panel shows a red error message after Run All")


def red_message_marker() -> str:
    """The style of a panel's red error message, as kit.widgets.Feedback renders it."""
    import kit.widgets

    feedback = kit.widgets.Feedback()
    feedback.fail("problem", "todo")
    return str(feedback.error.value).split('"')[1]  # <div style="...">: no quotes to escape


@pytest.mark.timeout(150)
def test_canary_secret_never_reaches_the_saved_notebook(
    kernel_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A secret typed into the triage panel is in no output and no saved widget state."""
    monkeypatch.setenv("KIT_NB_CANARY", CANARY)  # the kernel inherits it; no cell source holds it
    nb = load("00_start_here")
    shown = next(i for i, cell in enumerate(nb.cells)
                 if "panel = kit.widgets.TriagePanel(" in cell.source)
    nb.cells.insert(shown + 1, nbformat.v4.new_code_cell(SECRET_CELL))
    execute(nb, store_widget_state=True)
    saved = tmp_path / "00_canary.ipynb"
    nbformat.write(nb, saved)
    text = saved.read_text()
    assert "application/vnd.jupyter.widget-state+json" in text  # widget state really was saved
    assert "KIT_NB_CANARY" in text  # the injected cell ran
    assert CANARY not in text
    assert CANARY not in json.dumps(outputs(nb))
    assert "used the secret" in json.dumps(outputs(nb))


SECRET_CELL = """\
import os
panel.form.secret.password.value = os.environ["KIT_NB_CANARY"]
d = panel.run()
"used the secret" if d.exchanges[0].credentials else "secret not sent"
"""
