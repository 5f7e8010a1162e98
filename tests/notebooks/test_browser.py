"""A person's path through 00_start_here: JupyterLab, Run All, the Diagnose button, a verdict.

JupyterLab runs as a subprocess on 127.0.0.1 with a token; Playwright drives Debian's
chromium (never a downloaded browser). The test skips only when /usr/bin/chromium is absent;
``.ci/run`` installs it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.notebooks.test_notebooks import ROOT, jupyter_env

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT = ROOT / "benchmarks" / "out" / "browser-00_start_here.png"
FAILED = SCREENSHOT.with_name("browser-00_start_here-failed.png")
LAB_SETTINGS = {  # no news or update checks (no traffic off loopback); every cell in the DOM
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # never write the executed notebook back into the repository
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium "
                                       "(.ci/run installs it: apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Lab:
    """A JupyterLab server on 127.0.0.1 serving the repository."""

    def __init__(self, base: Path) -> None:
        self.port, self.token = free_port(), secrets.token_hex(16)
        env = {**os.environ, **jupyter_env(base)}
        for name, values in LAB_SETTINGS.items():
            path = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        self.log = (base / "lab.log").open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
             f"--port={self.port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={ROOT}",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
             "--LabApp.extension_manager=readonly", "--ServerApp.terminals_enabled=False",
             f"--FileCheckpoints.checkpoint_dir={base / 'checkpoints'}",  # not in the repo
             *(["--allow-root"] if os.geteuid() == 0 else [])],  # CI runs as root
            env=env, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.base_url}/api/status",
                             headers={"Authorization": f"token {self.token}"}).is_success:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"jupyter lab did not answer within {timeout} s")

    def stop(self) -> None:
        self.process.terminate()  # jupyter_server shuts its kernels down on SIGTERM
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    """JupyterLab serving the repository, stopped after the test."""
    server = Lab(tmp_path)
    try:
        server.wait()
        yield server
    finally:
        server.stop()


@pytest.mark.timeout(150)
def test_start_here_diagnoses_in_a_real_browser(lab: Lab) -> None:
    """Run All in JupyterLab, pick a scenario, press Diagnose: the verdict appears."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        try:
            page.goto(f"{lab.base_url}/lab/tree/notebooks/00_start_here.ipynb"
                      f"?token={lab.token}")
            notebook = page.locator(".jp-NotebookPanel")
            expect(notebook.locator(".jp-Notebook")).to_be_visible(timeout=60_000)
            expect(page.get_by_role("button", name=re.compile(r"Python 3.*\| Idle"))
                   ).to_be_visible(timeout=60_000)  # the notebook's kernel is up and idle
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            diagnose = notebook.locator("button.jupyter-button", has_text="Diagnose")
            expect(diagnose).to_be_visible(timeout=60_000)
            # Run All ends with the WAF scenario's verdict in the panel and the outputs
            expect(notebook.get_by_text("most likely: Blocked by a security policy").first
                   ).to_be_visible(timeout=60_000)
            expect(page.locator(".jp-InputArea-prompt", has_text="[*]")).to_have_count(
                0, timeout=60_000)
            notebook.locator(".widget-dropdown select").first.select_option("auth-expired-jwt")
            diagnose.click()
            verdict = notebook.get_by_text("most likely: Authentication failed")
            expect(verdict.first).to_be_visible(timeout=30_000)
            diagnose.scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOT))
        except Exception:
            page.screenshot(path=str(FAILED))  # what the page showed when a step timed out
            raise
        finally:
            browser.close()
    print(f"screenshot: {SCREENSHOT}")  # noqa: T201 - the artifact's path, for a person to open


AUDIT_SCREENSHOT = ROOT / "benchmarks" / "out" / "browser-11_gateway_audit.png"


@pytest.mark.timeout(150)
def test_audit_panel_answers_in_a_real_browser(lab: Lab) -> None:
    """Notebook 11 in JupyterLab: Run All, change the audit form, press Audit: the verdict and
    the highlighted rule appear."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        failed = AUDIT_SCREENSHOT.with_name("browser-11_gateway_audit-failed.png")
        AUDIT_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        try:
            page.goto(f"{lab.base_url}/lab/tree/notebooks/11_gateway_audit.ipynb"
                      f"?token={lab.token}")
            notebook = page.locator(".jp-NotebookPanel")
            expect(page.get_by_role("button", name=re.compile(r"Python 3.*\| Idle"))
                   ).to_be_visible(timeout=60_000)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            audit = notebook.locator("button.jupyter-button", has_text="Audit")
            expect(audit).to_be_visible(timeout=60_000)
            expect(page.locator(".jp-InputArea-prompt", has_text="[*]")).to_have_count(
                0, timeout=60_000)
            expect(notebook.get_by_text("Allowed — 200")).to_have_count(0)
            form = audit.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
            form.locator(".widget-dropdown", has_text="Method").locator("select").select_option(
                "GET")
            form.locator(".widget-text", has_text="URL").locator("input").fill(
                "http://api.example.com/v1/items")
            form.locator(".widget-text", has_text="From address").locator("input").fill(
                "127.0.0.2")
            audit.click()
            expect(notebook.get_by_text("Allowed — 200").first).to_be_visible(timeout=30_000)
            audit.scroll_into_view_if_needed()
            page.screenshot(path=str(AUDIT_SCREENSHOT))
        except Exception:
            page.screenshot(path=str(failed))
            raise
        finally:
            browser.close()
