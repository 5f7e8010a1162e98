"""The command line: explain files, refuse bad input with one clear line, never leak a secret."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kit._history.har import exchange_from_har_entry, load_saved_response
from kit.cli import main, parse_headers

ROOT = Path(__file__).resolve().parents[1]
AUTH_SECRET = "CANARY-AUTH-5e6f7a8b9c0d1e2f"
COOKIE_SECRET = "CANARY-COOKIE-0a1b2c3d4e5f6a7b"
SCOPE_HEADER = 'Bearer error="insufficient_scope", scope="repo:write"'


def _saved(tmp_path: Path) -> Path:
    path = tmp_path / "response.json"
    path.write_text(json.dumps({
        "status": 403,
        "method": "GET",
        "url": "https://api.example.com/v1/repos/acme/widgets",
        "headers": {"WWW-Authenticate": SCOPE_HEADER, "Content-Type": "application/json"},
        "body": {"message": "Resource not accessible: insufficient scope"},
    }), encoding="utf-8")
    return path


def _entry(status: int, path: str, body: str) -> dict[str, Any]:
    return {
        "startedDateTime": "2024-05-01T12:00:00.000Z",
        "time": 87.5,
        "request": {
            "method": "GET",
            "url": f"https://api.example.com{path}",
            "httpVersion": "HTTP/2",
            "headers": [
                {"name": ":authority", "value": "api.example.com"},
                {"name": "Authorization", "value": f"Bearer {AUTH_SECRET}"},
                {"name": "Accept", "value": "application/json"},
            ],
            "cookies": [{"name": "session", "value": COOKIE_SECRET}],
        },
        "response": {
            "status": status,
            "httpVersion": "HTTP/2",
            "headers": [
                {"name": "Content-Type", "value": "application/json"},
                {"name": "WWW-Authenticate", "value": SCOPE_HEADER},
                {"name": "Set-Cookie", "value": f"session={COOKIE_SECRET}; HttpOnly"},
            ],
            "content": {"size": len(body), "mimeType": "application/json", "text": body},
        },
    }


def _har(tmp_path: Path) -> Path:
    echo = json.dumps({"message": "insufficient scope", "cookie": COOKIE_SECRET,
                       "auth": f"Bearer {AUTH_SECRET}"})
    har = {"log": {"version": "1.2", "entries": [
        _entry(200, "/v1/me", '{"login": "octo"}'),
        _entry(403, "/v1/repos/acme/widgets", echo),
        _entry(200, "/v1/health", "{}"),
    ]}}
    path = tmp_path / "session.har"
    path.write_text(json.dumps(har), encoding="utf-8")
    return path


def _no_secrets(*outputs: str) -> None:
    for out in outputs:
        assert AUTH_SECRET not in out
        assert COOKIE_SECRET not in out
        assert "CANARY" not in out


# -- explain ----------------------------------------------------------------------------------
def test_explain_saved_response_names_the_cause(tmp_path: Path, capsys: Any) -> None:
    """A saved 403 with insufficient_scope is explained as a permissions problem, exit 0."""
    code = main(["explain", str(_saved(tmp_path))])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("403 Forbidden — most likely: Insufficient permissions")
    assert "\x1b[" not in out


def test_explain_json_is_the_diagnosis_dict(tmp_path: Path, capsys: Any) -> None:
    """--json prints Diagnosis.to_dict() as JSON."""
    code = main(["explain", str(_saved(tmp_path)), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["status"] == 403
    assert data["cause"] == "permissions"
    assert data["exchanges"][0]["url"] == "https://api.example.com/v1/repos/acme/widgets"


def test_explain_reads_stdin(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    """FILE '-' reads the saved response from standard input."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(_saved(tmp_path).read_text()))
    assert main(["explain", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == 403


def test_explain_har_picks_last_refused_entry_and_hides_secrets(
    tmp_path: Path, capsys: Any
) -> None:
    """A HAR file is explained from its last 401/403/429 entry; cookie and token never print."""
    har = str(_har(tmp_path))
    code = main(["explain", har])
    text = capsys.readouterr()
    assert code == 0
    assert "Insufficient permissions" in text.out
    main(["explain", har, "--json"])
    raw = capsys.readouterr()
    data = json.loads(raw.out)
    assert data["exchanges"][0]["url"].endswith("/v1/repos/acme/widgets")
    _no_secrets(text.out, text.err, raw.out, raw.err)


def test_explain_har_entry_option_picks_by_index(tmp_path: Path, capsys: Any) -> None:
    """--entry N explains that entry, whatever its status."""
    main(["explain", str(_har(tmp_path)), "--entry", "0", "--json"])
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["status"] == 200
    assert data["exchanges"][0]["url"].endswith("/v1/me")
    _no_secrets(out)


def test_python_dash_m_kit_explain_json(tmp_path: Path) -> None:
    """`python -m kit explain FILE --json` works as a separate process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "kit", "explain", str(_har(tmp_path)), "--json"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=60, check=False,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["cause"] == "permissions"
    _no_secrets(run.stdout, run.stderr)


# -- the HAR reader ---------------------------------------------------------------------------
def test_har_entry_becomes_a_masked_exchange() -> None:
    """Headers, cookies, Set-Cookie and an echoing body are masked; pseudo-headers dropped."""
    body = json.dumps({"echo": AUTH_SECRET, "cookie": COOKIE_SECRET})
    exchange = exchange_from_har_entry(_entry(403, "/v1/x?api_key=CANARY-Q-1234567890", body))
    assert exchange.status == 403
    assert exchange.method == "GET"
    assert exchange.elapsed == pytest.approx(0.0875)
    assert exchange.started_at is not None
    assert exchange.started_at.year == 2024
    assert exchange.request_header("authorization") is not None
    assert not any(name.startswith(":") for name, _ in exchange.request_headers)
    assert {c.location for c in exchange.credentials} == {"header", "query"}
    _no_secrets(exchange.to_json(), repr(exchange))


def test_saved_export_round_trips_without_double_masking(tmp_path: Path) -> None:
    """An Exchange.to_dict() file loads back equal: masked values are not masked again."""
    original = exchange_from_har_entry(_entry(403, "/v1/x?token=CANARY-T-1234567890", "{}"))
    path = tmp_path / "exchange.json"
    path.write_text(original.to_json(), encoding="utf-8")
    assert load_saved_response(path) == original


def test_parse_headers_splits_on_the_first_colon() -> None:
    """'Name: value' splits once (values may hold colons), strips, and keeps repeats."""
    assert parse_headers(["X-When:  12:30:00 ", "Accept:application/json", "Accept: text/*"]) == [
        ("X-When", "12:30:00"), ("Accept", "application/json"), ("Accept", "text/*")]


# -- bad input exits 2 with one line ----------------------------------------------------------
def _bad(capsys: Any, argv: list[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    return err


def test_missing_file_exits_2(tmp_path: Path, capsys: Any) -> None:
    """A file that does not exist is named in a one-line error."""
    err = _bad(capsys, ["explain", str(tmp_path / "nope.json")])
    assert "cannot read" in err
    assert "nope.json" in err


def test_malformed_json_exits_2(tmp_path: Path, capsys: Any) -> None:
    """Broken JSON is reported with its line and column."""
    path = tmp_path / "broken.json"
    path.write_text('{"status": 403,', encoding="utf-8")
    err = _bad(capsys, ["explain", str(path)])
    assert "not valid JSON" in err
    assert "line 1" in err


def test_json_of_the_wrong_shape_exits_2(tmp_path: Path, capsys: Any) -> None:
    """JSON that is neither a HAR file nor a saved response says what was expected."""
    path = tmp_path / "list.json"
    path.write_text("[1, 2, 3]", encoding="utf-8")
    assert "HAR file" in _bad(capsys, ["explain", str(path)])


def test_har_without_refusals_or_bad_entry_exits_2(tmp_path: Path, capsys: Any) -> None:
    """A HAR with no refused entry, or an out-of-range --entry, asks for --entry N."""
    path = tmp_path / "ok.har"
    path.write_text(json.dumps({"log": {"entries": [_entry(200, "/", "{}")]}}), "utf-8")
    assert "--entry N" in _bad(capsys, ["explain", str(path)])
    assert "out of range" in _bad(capsys, ["explain", str(path), "--entry", "5"])


def test_header_without_colon_exits_2_without_echoing_it(capsys: Any) -> None:
    """A -H value without a colon is refused, and not echoed (it may be a bare secret)."""
    err = _bad(capsys, ["diagnose", "http://127.0.0.1:9/x", "-H", f"Bearer {AUTH_SECRET}"])
    assert "'Name: value'" in err
    _no_secrets(err)


def test_malformed_url_exits_2(capsys: Any) -> None:
    """`diagnose "ht!tp://"` is bad input, reported in one line."""
    err = _bad(capsys, ["diagnose", "ht!tp://"])
    assert "not an http(s) URL" in err
    assert "ht!tp://" in err


def test_url_without_scheme_suggests_https(capsys: Any) -> None:
    """A bare host/path gets a 'did you mean https://' hint."""
    assert "https://api.example.com/x" in _bad(capsys, ["diagnose", "api.example.com/x"])


def test_unreadable_data_file_exits_2(tmp_path: Path, capsys: Any) -> None:
    """-d @FILE that cannot be read is bad input."""
    err = _bad(capsys, ["diagnose", "http://127.0.0.1:9/x", "-d", f"@{tmp_path / 'none'}"])
    assert "cannot read the -d file" in err


def test_unknown_command_exits_2(capsys: Any) -> None:
    """argparse usage errors return 2 instead of raising SystemExit."""
    assert main(["frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err


# -- live commands on loopback ----------------------------------------------------------------
def test_diagnose_json_against_the_sandbox(capsys: Any) -> None:
    """diagnose --json on a sandbox URL prints a Diagnosis within the request budget."""
    from kit.sandbox import serve

    with serve() as api:
        code = main(["diagnose", api.url, "--json", "--budget", "3", "--timeout", "5"])
    data = json.loads(capsys.readouterr().out)
    assert data["requests_sent"] <= 3
    assert data["exchanges"]
    found = bool(data["findings"]) and data["findings"][0]["confidence"] >= 0.35
    assert code == (0 if found else 1)


def test_demo_json_reports_every_scenario(capsys: Any) -> None:
    """demo --json has one row per sandbox scenario; the exit code says whether all matched."""
    code = main(["demo", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert rows
    assert all(set(r) == {"scenario", "expected", "diagnosed", "confidence",
                                   "requests", "ok"} for r in rows)
    assert code == (0 if all(r["ok"] for r in rows) else 1)
