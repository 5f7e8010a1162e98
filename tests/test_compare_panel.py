"""ComparePanel headless, against the sandbox: Compare shows the culprit; the bundle is
written; no secret stays in the widgets' state."""

from __future__ import annotations

import json

import kit
import kit.widgets
from kit.widgets._works import BROWSER

CANARY = "CANARY-pnl-1a2b3c4d5e6f7a8b"


def widget_state(panel) -> str:
    """Every widget's state, as a saved notebook would keep it."""
    import ipywidgets as w

    return json.dumps(w.Widget.get_manager_state(drop_defaults=False), default=str)


def test_panel_compares_sandbox_waf(sandbox, tmp_path):
    """The sandbox WAF: a browser copy works, python-requests does not; the culprit is the UA."""
    panel = kit.widgets.ComparePanel(sandbox, bundle_path=str(tmp_path / "e.md"))
    c = panel.run()
    assert c is not None
    assert {d.name for d in c.culprits} == {"user-agent"}
    assert "★" in panel.result.value
    assert not panel.bundle_button.disabled
    path = panel.write_bundle()
    assert path is not None
    assert path.exists()
    assert "download" in panel.link.value


def test_pasted_secrets_leave_the_widgets(sandbox):
    """A pasted curl with a token is summarised in the box; the token is in no widget state."""
    s = sandbox.scenario("waf-user-agent")
    panel = kit.widgets.ComparePanel()
    panel.working.set(f"curl '{s.url}' -H 'Authorization: Bearer {CANARY}' -A '{BROWSER}'")
    panel.failing_text.set(f"curl '{s.url}' -H 'Authorization: Bearer {CANARY}'")
    assert panel.working.box.value.startswith("✓ read GET")
    c = panel.run()
    assert c is not None
    assert CANARY not in widget_state(panel) + panel.result.value


def test_bad_input_is_a_red_line():
    """An empty or unreadable request is a short red message, never a traceback."""
    panel = kit.widgets.ComparePanel()
    assert panel.run() is None
    assert "Working box is empty" in panel.feedback.error.value
    panel.working.set("wget http://127.0.0.1:9/")
    assert panel.working.box.value.startswith("✗ not read")
    panel.failing_text.set("curl http://127.0.0.1:9/")
    assert panel.run() is None
    assert "not a curl command" in panel.feedback.error.value


def test_last_refusal_from_history(sandbox):
    """The failing request can be your code's last refusal, from kit.record's history."""
    import httpx

    s = sandbox.scenario("waf-user-agent")
    with httpx.Client() as client:
        history = kit.record(client)
        client.get(s.url, headers=dict(s.headers))
    panel = kit.widgets.ComparePanel(working=f"curl '{s.url}' -H 'X-API-Key: "
                                     f"{s.headers['X-API-Key']}' -A '{BROWSER}'",
                                     history=history)
    assert panel.source.value.startswith("your code's last refusal")
    c = panel.run()
    assert c is not None
    # The recorded key is masked; it matches the pasted one by fingerprint and is replayed.
    assert {d.name for d in c.culprits} == {"user-agent"}
