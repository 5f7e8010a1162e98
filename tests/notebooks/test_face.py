"""The face in a real browser: 00's first verdict after Run All, your own API in one step, and
screenshots of every notebook (light and dark) for a reviewer to look at.

JupyterLab and Playwright as in tests/notebooks/test_browser.py (Debian's chromium). The "own
API" is a loopback server started here that records every request it receives. Screenshots go to
tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.notebooks.test_browser import CHROMIUM, CHROMIUM_ARGS, Lab
from tests.notebooks.test_notebooks import NAMES, ROOT, red_message_marker

ARTIFACTS = ROOT / "tests" / "artifacts"
MESSAGE = "Exports need the Team plan"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium "
                                       "(.ci/run installs it: apt-get install chromium)")


class Recorder(BaseHTTPRequestHandler):
    """Answers every request with a JSON 403 naming a plan limit; records what arrived."""

    seen: list[dict[str, Any]]

    def _answer(self) -> None:
        self.seen.append({"method": self.command, "path": self.path,
                          "headers": {k.lower(): v for k, v in self.headers.items()}})
        body = json.dumps({"error": {"code": 403, "message": MESSAGE}}).encode()
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_OPTIONS = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads ``seen``, not stderr."""


@pytest.fixture
def jupyter(tmp_path: Path) -> Iterator[Lab]:
    """JupyterLab serving the repository (as in test_browser), stopped after the test."""
    server = Lab(tmp_path)
    try:
        server.wait()
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_api() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A loopback 'own API' that refuses everything and records each request."""
    seen: list[dict[str, Any]] = []
    handler = type("Handler", (Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/exports", seen
    finally:
        server.shutdown()
        server.server_close()


def open_and_run_all(page: Any, lab: Lab, name: str) -> Any:
    """Open a notebook alone (a fresh workspace: no tab of the last one), Run All, wait
    until no cell is running; the notebook panel."""
    from playwright.sync_api import expect

    page.goto(f"{lab.base_url}/lab/workspaces/{name}/tree/notebooks/{name}.ipynb"
              f"?reset&token={lab.token}")
    notebook = page.locator(".jp-NotebookPanel")
    expect(page.get_by_role("button", name=re.compile(r"Python 3.*\| Idle"))
           ).to_be_visible(timeout=60_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    expect(page.locator(".jp-InputArea-prompt", has_text="[*]").first).to_be_visible(
        timeout=30_000)
    expect(page.locator(".jp-InputArea-prompt", has_text="[*]")).to_have_count(
        0, timeout=120_000)
    return notebook


@pytest.mark.timeout(180)
def test_first_verdict_in_view_and_own_api_in_one_step(jupyter: Lab, own_api: Any) -> None:
    """Run All of 00 ends with its one verdict card in view; '(your own request)', a URL and
    Enter diagnose the user's API: no sandbox key and no spoofed header arrives there, and the
    card quotes the server's own message."""
    from playwright.sync_api import expect, sync_playwright

    url, seen = own_api
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            notebook = open_and_run_all(page, jupyter, "00_start_here")
            cards = notebook.locator(".kit-card")
            expect(cards.first).to_contain_text("Most likely: Blocked by a security policy")
            assert cards.count() == 1  # one request, one verdict on the page
            time.sleep(0.5)  # the card's own scroll settles
            box = cards.first.bounding_box()
            assert box is not None
            assert 0 <= box["y"] < 900 - 120, box  # its status line and cause are in view
            page.screenshot(path=str(ARTIFACTS / "00-first-verdict.png"))

            notebook.locator(".widget-dropdown select").first.select_option(
                "(your own request)")
            field = notebook.locator(".widget-text", has_text="URL").locator("input").first
            expect(field).to_have_value("")
            field.fill(url)
            field.press("Enter")
            expect(cards.first).to_contain_text(MESSAGE, timeout=60_000)
            assert cards.count() == 1
            page.screenshot(path=str(ARTIFACTS / "00-own-api.png"))
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "00-face-failed.png"))
            raise
        finally:
            browser.close()
    assert seen, "nothing reached the own API"
    for request in seen:
        sent = json.dumps(request["headers"])
        assert "sbx_" not in sent + request["path"], request  # no sandbox key
        assert "python-requests" not in sent, request  # no scenario's spoofed User-Agent
        assert "x-api-key" not in request["headers"], request
    assert seen[0]["headers"]["user-agent"].startswith("python-httpx/")


THEMES = ("JupyterLab Light", "JupyterLab Dark")


@pytest.mark.timeout(900)
def test_screenshots_of_every_notebook_after_run_all(jupyter: Lab) -> None:
    """Every notebook runs in the browser with no red message and no broken image; a
    full-length screenshot of each, in the light and the dark theme, lands in
    tests/artifacts/ for a reviewer."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    marker = red_message_marker()
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            for name in NAMES:
                page.set_viewport_size({"width": 1280, "height": 900})
                open_and_run_all(page, jupyter, name)
                time.sleep(1.0)  # the last images decode
                if marker in page.content():
                    problems.append(f"{name}: a red error message")
                broken = page.evaluate(  # shown (not display:none) yet with no picture
                    "[...document.querySelectorAll('.jp-NotebookPanel img')]"
                    ".filter(i => i.offsetParent !== null && i.complete"
                    " && i.naturalWidth === 0).length")
                if broken:
                    problems.append(f"{name}: {broken} broken image(s)")
                for theme in THEMES:
                    set_theme(page, theme)
                    shoot(page, ARTIFACTS / f"{name}-{theme.split()[-1].lower()}.png")
                set_theme(page, THEMES[0])
                shut_down_kernels(jupyter)
        finally:
            browser.close()
    assert problems == []


def set_theme(page: Any, theme: str) -> None:
    """Settings ▸ Theme ▸ ``theme``, then wait for JupyterLab to apply it."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Settings").first.click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Theme$")).first.hover()
    page.locator(".lm-Menu-itemLabel", has_text=theme).first.click()
    light = "false" if "Dark" in theme else "true"
    page.wait_for_function(f"document.body.dataset.jpThemeLight === '{light}'",
                           timeout=15_000)
    time.sleep(0.5)


def shoot(page: Any, path: Path) -> None:
    """A screenshot of the whole notebook: the viewport made as tall as its content."""
    height = page.evaluate("Math.max(...[...document.querySelectorAll("
                           "'.jp-WindowedPanel-outer')].map(e => e.scrollHeight), 900)")
    page.set_viewport_size({"width": 1280, "height": min(int(height) + 160, 16_000)})
    page.evaluate("document.querySelectorAll('.jp-WindowedPanel-outer')"
                  ".forEach(e => { e.scrollTop = 0; })")
    time.sleep(0.5)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1280, "height": 900})


def shut_down_kernels(lab: Lab) -> None:
    """Stop the notebook's kernel so eleven notebooks do not keep eleven kernels."""
    headers = {"Authorization": f"token {lab.token}"}
    for kernel in httpx.get(f"{lab.base_url}/api/kernels", headers=headers).json():
        httpx.delete(f"{lab.base_url}/api/kernels/{kernel['id']}", headers=headers)
