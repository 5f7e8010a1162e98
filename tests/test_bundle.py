"""The evidence bundle for support and the report's "ask the owner" section, from a real
loopback server that answers with providers' request ids."""

from __future__ import annotations

import json

import pytest

import kit
from tests.rules_server import RulesServer, serve

CANARY = "CANARY-bdl-0a9b8c7d6e5f4a3b"
IDS = {"cf-ray": "8f1e2d3c4b5a6978-AMS", "x-amzn-RequestId": "c0ffee00-1234-5678-9abc-def012345678",
       "x-github-request-id": "C0DE:1234:5678:9ABC:DEF0", "x-kong-request-id": "kong-42",
       "x-ms-request-id": "ms-77", "x-cloud-trace-context": "105445aa7843bc8bf206b12000100000/1",
       "x-guploader-uploadid": "ABPtcPo-up", "x-request-id": "req-5"}


@pytest.fixture(scope="module")
def refusing():
    server = RulesServer(rules={"/v1": lambda r: False}, extra_headers=IDS)
    with serve(server) as s:
        yield s


@pytest.fixture(scope="module")
def diagnosis(refusing):
    return kit.diagnose(f"{refusing.url}/v1/items?api_key={CANARY}",
                        headers={"Authorization": f"Bearer {CANARY}", "Cookie": f"s={CANARY}"},
                        budget=3)


def test_markdown_bundle_has_everything_support_asks_for(diagnosis, tmp_path):
    """Verdict, UTC times, every id, egress, HAR, curl with placeholders; no canary."""
    text = diagnosis.bundle(tmp_path / "evidence.md").read_text()
    assert text.startswith("# 403 evidence for support")
    assert "**Verdict:** 403 Forbidden" in text
    for value in IDS.values():
        assert value in text
    assert "+00:00" in text
    assert "Egress address: `127.0.0.1:" in text
    assert '"authorization: bearer $token"' in text.lower()
    assert "api_key=$API_KEY" in text
    assert '"cookie: $cookie"' in text.lower()
    assert CANARY not in text
    assert CANARY[10:] not in text


def test_json_bundle_and_har(diagnosis, tmp_path):
    """A .json name writes JSON; its HAR has one entry per request sent, masked."""
    path = diagnosis.bundle(tmp_path / "evidence.json", egress="203.0.113.9")
    data = json.loads(path.read_text())
    assert data["egress_address"] == "203.0.113.9"
    entries = data["har"]["log"]["entries"]
    assert len(entries) == diagnosis.requests_sent == len(data["requests"])
    assert {r["name"] for r in data["request_ids"]} >= {k.lower() for k in IDS}
    assert CANARY not in json.dumps(data)


def test_ask_the_owner_in_every_rendering(diagnosis):
    """The report names the owner's lookups: Cloudflare Ray ID, CloudTrail, Kong, Azure, Google."""
    text, md, page = diagnosis.to_text(), diagnosis.to_markdown(), diagnosis.to_html()
    for rendering in (text, md, page):
        assert "Ask the owner" in rendering
        assert "8f1e2d3c4b5a6978-AMS" in rendering
    assert "Security → Events" in text
    assert "CloudTrail" in text
    assert "X-Kong-Request-Debug" in text
    assert "Cloud Logging" in text
    assert "Azure Monitor" in text


def test_ids_written_in_bodies():
    """Ids that only the body carries: a Cloudflare page, a VPC-SC error, an AWS encoded message."""
    body = ('<span>Cloudflare Ray ID: <strong>7a1b2c3d4e5f6a7b</strong></span> '
            '{"vpcServiceControlsUniqueIdentifier": "ZxCvBnM123456"} '
            "Encoded authorization failure message: AbCdEfGhIjKlMnOpQrStUvWx")
    exchange = kit.Exchange(method="GET", url="https://x.test/", status=403, body=body)
    lookups = "\n".join(kit.owner_lookups([exchange]))
    assert "7a1b2c3d4e5f6a7b" in lookups
    assert "vpcServiceControlsUniqueId=\"ZxCvBnM123456\"" in lookups
    assert "aws sts decode-authorization-message" in lookups
    assert [r.provider for r in kit.request_ids([exchange])] == [
        "Cloudflare", "Google VPC Service Controls", "AWS IAM"]


def test_cli_bundle_flag(refusing, tmp_path, capsys):
    """`diagnose --bundle FILE` writes the bundle and says where."""
    from kit.cli import main

    target = tmp_path / "cli.md"
    code = main(["diagnose", f"{refusing.url}/v1/x", "-H", f"X-API-Key: {CANARY}", "--budget",
                 "2", "--bundle", str(target)])
    out = capsys.readouterr()
    assert code in (0, 1)
    assert target.exists()
    assert str(target) in out.err + out.out
    assert CANARY not in target.read_text() + out.out + out.err
    assert "$X_API_KEY" in target.read_text()
