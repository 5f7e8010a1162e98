"""AuditPanel: the form, the verdict with the rule highlighted, uploads and secrets."""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w

import kit
import kit.widgets as kw
from tests.test_widgets import dumped, text_values, widgets_of

CANARY = "sbx_canary_Hn3Kd7Wq1Zx5Lm9Rt2Vb6Pc0Fg4Sy8Ju"


def test_panel_run_audits_the_sample_and_highlights_the_rule():
    """run() returns the AuditResult and shows it with the deciding line shaded."""
    panel = kw.AuditPanel(kit.sample_config("nginx"), url="http://api.example.com/v1/items",
                          source_address="203.0.113.9")
    result = panel.run()
    assert result is not None
    assert (result.allowed, result.status) == (False, 403)
    assert "#ffd6d6" in panel.result.value
    assert panel.feedback.error.value == ""


def test_a_bare_path_and_several_files_are_accepted():
    """A path without host, and a Tyk definition with its policies given comma-separated."""
    files = ", ".join(str(p) for p in kit.sample_config("tyk"))
    panel = kw.AuditPanel(files, url="/v1/items", method="GET")
    result = panel.run()
    assert result is not None
    assert result.kind == "tyk"
    assert result.request.path == "/v1/items"


def test_broken_configuration_is_a_red_line_not_a_traceback(tmp_path):
    """An unreadable file: the red message names the file and line; run() returns None."""
    conf = tmp_path / "broken.conf"
    conf.write_text("server {\n  location / {\n    deny all\n  }\n}\n")
    panel = kw.AuditPanel(str(conf), url="/")
    assert panel.run() is None
    assert "broken.conf:" in panel.feedback.error.value
    assert panel.result.value == ""


def test_no_configuration_says_what_to_do():
    """An empty path asks for a file instead of failing."""
    panel = kw.AuditPanel(url="/")
    assert panel.run() is None
    assert "upload" in panel.feedback.error.value


def test_upload_is_kept_out_of_widget_state(tmp_path):
    """An uploaded configuration holding a key is audited, and its bytes leave widget state."""
    text = ('map $http_x_api_key $client {\n  default "";\n'
            f'  "{CANARY}" app;\n}}\nserver {{\n  listen 80;\n  location / {{\n'
            '    if ($client = "") { return 403; }\n    proxy_pass http://127.0.0.1:9;\n  }\n}\n')
    panel = kw.AuditPanel(url="/x")
    panel.form.secret.set(CANARY)
    panel.form.auth.value = "api_key_header"
    panel.form.name.value = "X-API-Key"
    panel.upload.set_state({"value": [{"name": "site.conf", "type": "text/plain", "size": len(text),
                                       "last_modified": 0, "content": text.encode()}]})
    assert panel.upload.value == ()
    assert panel.last is not None
    assert panel.last.allowed
    for widget in widgets_of(panel.root):
        assert CANARY not in dumped(widget.get_state())
    assert CANARY not in dumped(w.Widget.get_manager_state(drop_defaults=False))
    assert not any(CANARY in value for value in text_values(panel.root))


def test_upload_names_cannot_leave_the_private_folder(tmp_path):
    """An upload named like a path is kept inside the panel's temporary folder."""
    text = "server {\n  listen 80;\n  location / {\n    deny all;\n  }\n}\n"
    panel = kw.AuditPanel(url="/x", source_address="203.0.113.9")
    panel.upload.set_state({"value": [{"name": "../../evil.conf", "type": "text/plain",
                                       "size": len(text), "last_modified": 0,
                                       "content": text.encode()}]})
    kept = Path(panel.path.value)
    assert kept.parent.name.startswith("kit-config-")
    assert kept.resolve().parent == kept.parent.resolve()
    assert kept.is_file()
    assert panel.last is not None
    assert panel.last.status == 403
