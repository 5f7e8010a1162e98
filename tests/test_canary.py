"""Canary secrets through every output: reports, exports, CLI, history, logs, errors, notebooks.

Distinct canaries go in as a header, a query parameter, a cookie, a basic-auth password and a
JWT, some echoed back by the server in a body or a ``Location`` header; every output and every
written file is searched for them, and each search must find nothing.
"""

from __future__ import annotations

import base64
import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import jwt
import nbformat
import pytest

import kit
from kit._history.har import exchanges_from_har, load_saved_response

HDR = "CANARY-HDR-7f3a9c2e1b4d8a60"
QRY = "CANARY-QRY-4e8b2d6f0a1c3e57"
CKE = "CANARY-CKE-9d1f3b5a7c2e4f18"
PWD = "CANARY-PWD-2a4c6e8f0b1d5c39"
BODY = "CANARY-BODY-6b8d0f2a4c6e8a71"
JWT = jwt.encode({"sub": "canary-user", "jti": "5e7a9c1b3d5f", "exp": 4102444800},
                 "canary-signing-key-0123456789abcdef", algorithm="HS256")
BASIC = base64.b64encode(f"canary:{PWD}".encode()).decode()
CANARIES = (HDR, QRY, CKE, PWD, BODY, JWT, JWT.rsplit(".", 1)[1], BASIC)
ROOT = Path(__file__).resolve().parent.parent


def found(text: str | bytes) -> list[str]:
    """The canaries that occur in ``text`` (bytes are searched as UTF-8 and Latin-1)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace") + text.decode("latin-1")
    return [c for c in CANARIES if c in text]


def rendered(d: kit.Diagnosis) -> str:
    """Every rendering of a Diagnosis and of the Exchanges it rests on, joined."""
    parts = [str(d), repr(d), d.to_text(), d.to_markdown(), d.to_html(),
             json.dumps(d.to_dict(), ensure_ascii=False)]
    parts += [repr(e) + e.to_json() for e in d.exchanges]
    parts += [ev for f in d.findings for ev in f.evidence]
    return "\n".join(parts)


def with_canaries(scenario_url: str) -> dict[str, Any]:
    """A request to a sandbox URL carrying the header, query and cookie canaries."""
    return {"url": scenario_url, "params": {"api_key": QRY, "page": "1"},
            "headers": {"X-API-Key": HDR, "Cookie": f"session={CKE}; theme=dark"}}


def test_diagnose_renders_no_canary(sandbox: Any) -> None:
    """Every rendering and export of a live diagnosis holds no canary."""
    texts = []
    for name in ("permissions-generic", "config-redirect-drops-credentials", "api-key-revoked"):
        texts.append(rendered(kit.diagnose(**with_canaries(sandbox.scenario(name).url),
                                           budget=4)))
    url = sandbox.scenario("auth-expired-jwt").url
    texts.append(rendered(kit.diagnose(url, headers={"Authorization": f"Bearer {JWT}"},
                                       budget=3)))
    texts.append(rendered(kit.diagnose(url, headers={"Authorization": f"Basic {BASIC}"},
                                       budget=3)))
    assert found("\n".join(texts)) == []


def echoing_response() -> httpx.Response:
    """A 403 whose body, Location and an echo header repeat the caller's credentials."""
    request = httpx.Request("GET", f"https://api.example.test/v1/items?api_key={QRY}",
                            headers={"X-API-Key": HDR, "Authorization": f"Bearer {JWT}",
                                     "Cookie": f"sid={CKE}"})
    body = {"error": f"key {HDR} is not allowed", "you_sent": QRY, "token": JWT,
            "cookie": f"sid={CKE}"}
    return httpx.Response(403, json=body, request=request, headers={
        "Location": f"https://api.example.test/login?api_key={QRY}&next=/v1",
        "X-Echo-Key": HDR, "Set-Cookie": f"sid={CKE}; HttpOnly"})


def test_explain_of_an_echoing_response_holds_no_canary() -> None:
    """A response that echoes the key in body, Location and headers is masked in every output."""
    d = kit.explain(echoing_response())
    exchange = kit.Exchange.from_response(echoing_response())
    assert found(rendered(d) + exchange.to_json() + repr(exchange)) == []


def test_diagnose_through_an_echoing_server_holds_no_canary() -> None:
    """Every probe answered with the key echoed in body, Location and Set-Cookie stays masked."""
    def answer(request: httpx.Request) -> httpx.Response:
        sent = request.headers.get("x-api-key", "none")
        return httpx.Response(403, json={"error": f"key {sent} refused", "token": JWT},
                              headers={"Location": f"/login?api_key={QRY}&next=/v1",
                                       "Set-Cookie": f"session={CKE}", "X-Echo": sent})

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        d = kit.diagnose(f"https://api.example.test/v1/items?api_key={QRY}#access_token={PWD}",
                         headers={"X-API-Key": HDR, "Authorization": f"Bearer {JWT}"},
                         budget=6, client=client)
    assert len(d.exchanges) > 1
    assert found(rendered(d)) == []


def test_forbidden_error_message_holds_no_canary() -> None:
    """kit.ForbiddenError's text and its diagnosis hold no canary."""
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, text=f"denied for {request.headers['x-api-key']}")

    client = httpx.Client(transport=httpx.MockTransport(answer),
                          event_hooks={"response": [kit.raise_for_refusal]})
    with client, pytest.raises(kit.ForbiddenError) as caught:
        client.get("https://api.example.test/x", params={"token": QRY},
                   headers={"X-API-Key": HDR})
    assert found(str(caught.value) + repr(caught.value) + rendered(caught.value.diagnosis)) == []


def test_bad_url_error_holds_no_canary() -> None:
    """The ValueError for a URL that does not parse masks its query and userinfo secrets."""
    for url in (f"http://[bad]/?api_key={QRY}", f"http://[::1/x?api_key={QRY}",
                f"http://u:{PWD}@127.0.0.1:99999/x?token={QRY}", f"ftp://host/x?api_key={QRY}",
                f"http:///x?api_key={QRY}", f"http://canary:{PWD}/x@127.0.0.1:1/",
                f"http://canary:ab/{PWD}@127.0.0.1:1/", f"http://canary:{PWD}#x@127.0.0.1:1/"):
        with pytest.raises(ValueError, match=r"URL|[Pp]ort") as caught:
            kit.diagnose(url)
        assert found(str(caught.value)) == [], url


def test_logging_during_diagnose_holds_no_canary(sandbox: Any,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    """httpx, httpcore and kit log records at DEBUG hold no canary while the kit probes."""
    caplog.set_level(logging.DEBUG)
    kit.diagnose(**with_canaries(sandbox.scenario("permissions-generic").url), budget=3)
    assert [r.name for r in caplog.records if r.name.startswith("httpx")]  # httpx did log
    assert found(caplog.text) == []
    assert found("\n".join(r.getMessage() for r in caplog.records)) == []


def test_log_filter_masks_httpx_and_httpcore_lines() -> None:
    """kit._http.logfilter masks an httpx request line and httpcore's response header tuples."""
    from kit._http.logfilter import mask_log_text

    line = (f'HTTP Request: GET http://canary:{PWD}@127.0.0.1:9/x?api_key={QRY}&page=2'
            f'#access_token={QRY} "HTTP/1.1 403 Forbidden"')
    headers = (f"receive_response_headers.complete return_value=(b'HTTP/1.1', 302, b'Found', "
               f"[(b'location', b'/login?token={QRY}&x=1'), (b'set-cookie', b'sid={CKE}'), "
               f"(b'x-token', b'{HDR}'), (b'server', b'nginx')])")
    masked = mask_log_text(line) + mask_log_text(headers) + mask_log_text(f"got {JWT}")
    assert found(masked) == []
    assert "page=2" in masked
    assert "(b'server', b'nginx')" in masked


def test_recorded_client_logs_no_canary(sandbox: Any, caplog: pytest.LogCaptureFixture) -> None:
    """A user's own client, once kit.record is on it, logs no query canary through httpx."""
    caplog.set_level(logging.DEBUG)
    with httpx.Client() as client:
        kit.record(client)
        client.get(sandbox.scenario("permissions-generic").url, params={"api_key": QRY})
    assert "HTTP Request: GET" in caplog.text
    assert found(caplog.text) == []


def har_file(path: Path) -> Path:
    """A HAR file with canaries in headers, cookies, query, postData and the response."""
    entry = {
        "startedDateTime": "2026-01-05T10:00:00+00:00", "time": 12,
        "request": {
            "method": "POST", "url": f"https://api.example.test/v1/items?api_key={QRY}",
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "X-API-Key", "value": HDR},
                        {"name": "Authorization", "value": f"Bearer {JWT}"}],
            "cookies": [{"name": "session", "value": CKE}],
            "queryString": [{"name": "api_key", "value": QRY}],
            "postData": {"mimeType": "application/json",
                         "text": json.dumps({"password": PWD, "note": BODY})},
        },
        "response": {
            "status": 403, "statusText": "Forbidden", "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Location",
                         "value": f"https://api.example.test/login?token={QRY}"},
                        {"name": "X-Echo", "value": HDR},
                        {"name": "Content-Type", "value": "application/json"}],
            "cookies": [{"name": "session", "value": CKE}],
            "content": {"mimeType": "application/json",
                        "text": json.dumps({"error": f"key {HDR} refused", "jwt": JWT})},
        },
    }
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    return path


def test_har_exports_hold_no_canary(tmp_path: Path) -> None:
    """HAR -> Exchange -> JSON, and the Exchange JSON read back, hold no canary."""
    har = har_file(tmp_path / "canary.har")
    exchanges = exchanges_from_har(json.loads(har.read_text()))
    exported = tmp_path / "exchange.json"
    exported.write_text(exchanges[0].to_json())
    again = load_saved_response(exported)
    texts = [e.to_json() + repr(e) for e in (*exchanges, again)]
    texts.append(rendered(kit.explain(again)))
    assert found("\n".join(texts) + exported.read_text()) == []


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m kit ...`` as a user runs it, with its stdout and stderr."""
    return subprocess.run([sys.executable, "-m", "kit", *args],  # noqa: S603 - our own CLI
                          capture_output=True, text=True, timeout=120, check=False, cwd=ROOT)


def test_cli_commands_print_no_canary(sandbox: Any, tmp_path: Path) -> None:
    """diagnose (text and JSON), explain of a canary HAR and an unparsable URL print no canary."""
    url = sandbox.scenario("permissions-generic").url
    runs = [
        run_cli("diagnose", f"{url}?api_key={QRY}", "-H", f"X-API-Key: {HDR}",
                "-H", f"Cookie: session={CKE}", "--budget", "3"),
        run_cli("diagnose", f"{url}?api_key={QRY}", "-H", f"Authorization: Bearer {JWT}",
                "--budget", "3", "--json"),
        run_cli("explain", str(har_file(tmp_path / "c.har"))),
        run_cli("explain", str(tmp_path / "c.har"), "--json"),
        run_cli("diagnose", f"http://canary:{PWD}@[bad?api_key={QRY}", "-H", f"X-API-Key: {HDR}"),
        run_cli("diagnose", url, "-H", HDR),  # a bare secret with no 'Name:' part
        run_cli("diagnose", f"http://canary:{PWD}/x@127.0.0.1:1/"),  # '/' in a password
    ]
    assert all(r.returncode in (0, 1) for r in runs[:4]), [r.stderr for r in runs]
    assert [r.returncode for r in runs][4:] == [2, 2, 2]
    assert found("\n".join(r.stdout + r.stderr for r in runs)) == []


def test_cli_demo_prints_no_canary() -> None:
    """python -m kit demo (no canary sent) prints none (whether every verdict matches is
    tests/test_triage.py's question: exit 1 means one did not)."""
    run = run_cli("demo")
    assert run.returncode in (0, 1), run.stdout + run.stderr
    assert "scenario" in run.stdout
    assert found(run.stdout + run.stderr) == []


def test_history_store_file_holds_no_canary(sandbox: Any, tmp_path: Path) -> None:
    """The SQLite history store (and its WAL) written by kit.record holds no canary bytes."""
    path = tmp_path / "history.sqlite"
    store = kit.open_history(path)
    with httpx.Client(follow_redirects=True) as client:
        kit.record(client, store)
        for name in ("permissions-generic", "config-redirect-drops-credentials"):
            client.get(sandbox.scenario(name).url, params={"api_key": QRY},
                       headers={"X-API-Key": HDR, "Authorization": f"Bearer {JWT}",
                                "Cookie": f"session={CKE}"})
        client.get(sandbox.scenario("permissions-generic").url, auth=("canary", PWD))
    listed = "\n".join(e.to_json() for e in store)
    assert len(listed.splitlines()) >= 3
    store.close()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("history.sqlite")]
    assert found(b"".join(p.read_bytes() for p in files) + listed.encode()) == []
    with kit.open_history(path) as reopened:
        assert found("\n".join(e.to_json() + repr(e) for e in reopened)) == []


def test_load_log_holds_no_canary(tmp_path: Path) -> None:
    """Exchanges and skipped-line examples from a log with a query canary hold none."""
    log = tmp_path / "access.log"
    good = ('198.51.100.7 - - [05/Jan/2026:10:00:00 +0000] "GET /v1/items?api_key={q}&page=2 '
            'HTTP/1.1" 403 12 "-" "curl/8.5"\n')
    log.write_text(good.format(q=QRY) * 3 + f"garbage line ?token={QRY} {JWT}\n"
                   + good.format(q=QRY))
    loaded = kit.load_log(log)
    texts = [e.to_json() + repr(e) for e in loaded]
    assert len(texts) == 4
    texts += [str(loaded.skipped), repr(loaded), repr(loaded.skipped)]
    assert loaded.skipped.count == 1
    assert found("\n".join(texts)) == []


NOTEBOOK_CELLS = {
    "00_start_here": ("panel = kit.widgets.TriagePanel(",
                      "panel.form.secret.password.value = os.environ['KIT_CANARY_HDR']\n"
                      "held = panel.form.secret.known()\n"),
    "02_api_keys": ("panel = kit.widgets.KeyPanel(",
                    "panel.key.set(os.environ['KIT_CANARY_HDR'])\n"
                    "held = panel.key.known()\n"),
    "05_authentication": ("panel = kit.widgets.JwtPanel(",
                          "panel.token.password.value = os.environ['KIT_CANARY_JWT']\n"
                          "held = panel.token.known()\n"),
}


@pytest.mark.timeout(150)
@pytest.mark.parametrize("name", sorted(NOTEBOOK_CELLS))
def test_saved_notebook_holds_no_canary(name: str, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A notebook run with canaries typed into its panel saves none, widget state included."""
    from tests.notebooks.test_notebooks import execute, jupyter_env, load, outputs

    for key, value in jupyter_env(tmp_path / "jupyter").items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("KIT_CANARY_HDR", HDR)  # the kernel inherits them; no cell holds them
    monkeypatch.setenv("KIT_CANARY_JWT", JWT)
    start, cell = NOTEBOOK_CELLS[name]
    nb = load(name)
    shown = next(i for i, c in enumerate(nb.cells) if start in c.source)
    nb.cells.insert(shown + 1, nbformat.v4.new_code_cell(
        "import os\n" + cell + "panel.run()\n'canary cell ran' if held else 'no secret held'"))
    execute(nb, store_widget_state=True)
    saved = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, saved)
    text = saved.read_text()
    assert "application/vnd.jupyter.widget-state+json" in text
    assert "canary cell ran" in json.dumps(outputs(nb))  # the panel held the secret
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                if o.output_type == "error"]
    assert found(text) == []
