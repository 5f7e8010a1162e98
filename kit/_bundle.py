"""The evidence bundle for support: one file a provider's team can act on, with no secret in it.

It holds the verdict, UTC timestamps, every request id the provider sent back (``cf-ray``,
``x-amzn-requestid``, ``x-github-request-id``, Azure's and Google's ids ...), the egress
address, a sanitised HAR of the requests, a curl reproduction with ``$TOKEN``-style
placeholders, and "ask the owner": the lookup the API's owner can run with those ids.
Everything comes from Exchanges, which were masked when they were built; the text is masked
once more (JWTs, known secrets) before it is written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from ._exchange import Exchange
from ._secrets import is_secret_header, is_secret_param, mask_text

# header -> who sends it, and how its owner looks it up
_IDS: dict[str, tuple[str, str]] = {
    "cf-ray": ("Cloudflare", "Cloudflare dashboard → Security → Events, filter 'Ray ID equals "
               "{value}' (the rule and action that blocked it are listed there)"),
    "x-amzn-requestid": ("AWS", "CloudTrail / CloudWatch Logs Insights: filter requestId = "
                         "'{value}' (API Gateway execution and access logs carry it)"),
    "x-amz-request-id": ("AWS S3", "S3 server access logs or CloudTrail data events: "
                         "requestID = '{value}' (send it with x-amz-id-2 to AWS Support)"),
    "x-amz-id-2": ("AWS S3", "give AWS Support this extended request id with x-amz-request-id"),
    "x-amz-cf-id": ("Amazon CloudFront", "CloudFront standard/real-time logs: x-edge-request-id "
                    "= '{value}'; a WAF web ACL log has the matching rule"),
    "x-amzn-trace-id": ("AWS X-Ray / ALB", "X-Ray console or ALB access logs: trace id "
                        "'{value}'"),
    "x-github-request-id": ("GitHub", "quote '{value}' to GitHub Support (or in the "
                            "organisation's audit log for an enterprise)"),
    "x-kong-request-id": ("Kong", "Kong's logs for request id '{value}'; resend with the "
                          "X-Kong-Request-Debug header (with the gateway's debug token) for the "
                          "plugin that answered"),
    "x-ms-request-id": ("Azure", "Azure Monitor / the resource's diagnostic logs: "
                        "requestId == '{value}'"),
    "x-ms-correlation-request-id": ("Azure Resource Manager", "Activity log: correlationId == "
                                    "'{value}'"),
    "apim-request-id": ("Azure API Management", "APIM: request tracing (Ocp-Apim-Trace with a "
                        "debug credential) or ApiManagementGatewayLogs where CorrelationId == "
                        "'{value}'"),
    "x-cloud-trace-context": ("Google Cloud", "Cloud Logging: trace=\"projects/PROJECT/traces/"
                              "{value}\" (the part before the '/')"),
    "x-guploader-uploadid": ("Google Cloud Storage", "quote upload id '{value}' to Google "
                             "Cloud support with the bucket name and time"),
    "x-request-id": ("the API or its proxy", "the server's access log: request id '{value}'"),
    "x-correlation-id": ("the API", "the server's logs: correlation id '{value}'"),
    "request-id": ("the API", "the server's logs: request id '{value}'"),
    "x-trace-id": ("the API", "the tracing system: trace id '{value}'"),
    "traceparent": ("W3C trace context", "the tracing system: trace id '{value}'"),
    "x-served-by": ("Fastly", "Fastly's real-time logs for the POP '{value}'"),
    "x-vercel-id": ("Vercel", "Vercel's runtime logs: request id '{value}'"),
    "fly-request-id": ("Fly.io", "quote '{value}' to Fly.io support"),
}
# ids written in the body, not in a header
_BODY_IDS = (
    ("cloudflare ray id", re.compile(r"Ray ID:?\s*(?:<[^>]+>)?\s*([0-9a-f]{16})", re.I),
     "Cloudflare", _IDS["cf-ray"][1]),
    ("vpc service controls unique id",
     re.compile(r"vpcServiceControlsUniqueIdentifier\"?\s*[:=]\s*\"?([\w-]{8,})"),
     "Google VPC Service Controls", "Cloud Logging: protoPayload.metadata."
     "vpcServiceControlsUniqueId=\"{value}\" (the perimeter and the rule that denied it)"),
    ("aws encoded authorization message",
     re.compile(r"Encoded authorization failure message:\s*([\w-]{20,})"), "AWS IAM",
     "aws sts decode-authorization-message --encoded-message <the message> (needs "
     "sts:DecodeAuthorizationMessage) names the policy statement that denied it"),
    ("akamai reference", re.compile(r"Reference\s*#\s*([0-9a-f.]{10,})", re.I), "Akamai",
     "Akamai Control Center → Reference ID lookup (Error Reference Translator) with "
     "'{value}'"),
)


class RequestId(NamedTuple):
    """A request id from a response: which exchange, where it was, who sends it."""

    label: str
    name: str
    value: str
    provider: str
    lookup: str


def request_ids(exchanges: Iterable[Exchange]) -> list[RequestId]:
    """Every provider request id in the responses (headers and well-known body phrases)."""
    found: list[RequestId] = []
    for e in exchanges:
        for key, value in e.response_headers:
            known = _IDS.get(key.lower())
            if known:
                found.append(RequestId(e.label, key.lower(), value, known[0],
                                       known[1].format(value=value)))
        for name, pattern, provider, how in _BODY_IDS:
            for m in pattern.finditer(e.body):
                found.append(RequestId(e.label, name, m.group(1), provider,
                                       how.format(value=m.group(1))))
    return list(dict.fromkeys(found))


def owner_lookups(exchanges: Iterable[Exchange]) -> list[str]:
    """'Ask the owner': one line per provider id, the lookup its owner can run."""
    seen: dict[tuple[str, str], str] = {}
    for rid in request_ids(exchanges):
        seen.setdefault((rid.provider, rid.name), f"{rid.provider}: {rid.lookup}")
    return list(seen.values())


def har(exchanges: Sequence[Exchange], *, creator: str = "forbidden-kit") -> dict[str, Any]:
    """A HAR 1.2 log of the exchanges; their values are the masked ones."""
    def pairs(items: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
        return [{"name": k, "value": v} for k, v in items]
    entries = []
    for e in exchanges:
        entries.append({
            "startedDateTime": (e.started_at or dt.datetime.now(dt.UTC)).isoformat(),
            "time": round((e.elapsed or 0) * 1000, 1),
            "comment": e.label,
            "request": {"method": e.method, "url": e.url, "httpVersion": e.http_version or
                        "HTTP/1.1", "headers": pairs(e.request_headers), "cookies": [],
                        "queryString": [], "headersSize": -1, "bodySize": -1},
            "response": {"status": e.status or 0, "statusText": "", "httpVersion":
                         e.http_version or "HTTP/1.1", "headers": pairs(e.response_headers),
                         "cookies": [], "content": {"size": e.body_size, "mimeType":
                                                    e.content_type, "text": e.body[:4096]},
                         "redirectURL": e.header("location") or "", "headersSize": -1,
                         "bodySize": e.body_size,
                         **({"_error": f"{e.error.kind}: {e.error.message}"} if e.error else {})},
            "cache": {}, "timings": {"send": 0, "wait": round((e.elapsed or 0) * 1000, 1),
                                     "receive": 0},
            **({"serverIPAddress": e.remote_address.rsplit(":", 1)[0].strip("[]")}
               if e.remote_address else {}),
        })
    return {"log": {"version": "1.2", "creator": {"name": creator, "version": "0.1"},
                    "entries": entries}}


def curl_reproduction(e: Exchange) -> str:
    """The request as a curl command, each secret a ``$PLACEHOLDER`` to fill in."""
    url = re.sub(r"([?&])([^=&#]+)=([^&#]*)",
                 lambda m: f"{m[1]}{m[2]}=${_var(m[2])}" if is_secret_param(m[2]) or
                 "%5Bsecure" in m[3] or "[secure" in m[3] else m[0], e.url)
    parts = ["curl", "-X", e.method, _q(url)]
    for k, v in e.request_headers:
        if k.lower() in ("host", "content-length"):
            continue
        if is_secret_header(k) or "[secure" in v:
            scheme, sep, _ = v.partition(" ")
            keep = f"{scheme} " if sep and scheme.lower() in ("bearer", "basic", "token") \
                else ""
            v = f"{keep}${_var(k)}"
        parts += ["-H", _q(f"{k}: {v}")]
    return " \\\n  ".join([" ".join(parts[:4])] + [f"{a} {b}" for a, b in
                                                     zip(parts[4::2], parts[5::2],
                                                         strict=True)])


def _var(name: str) -> str:
    word = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper() or "SECRET"
    return "TOKEN" if word == "AUTHORIZATION" else word


def _q(text: str) -> str:
    """Double-quoted for the shell, so $PLACEHOLDERS expand and nothing else does."""
    return '"' + re.sub(r'(["\\`])', r"\\\1", text) + '"'


def bundle(path: str | Path, exchanges: Sequence[Exchange], *, verdict: str,
           details: str = "", egress: str | None = None, notes: Sequence[str] = ()) -> Path:
    """Write the bundle: Markdown (a .md or any other name) or JSON (a .json name)."""
    target = Path(path)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    ids = request_ids(exchanges)
    first = exchanges[0] if exchanges else None
    address = egress or (first.local_address if first and first.local_address else
                         "unknown (no connection was made)")
    data: dict[str, Any] = {
        "verdict": verdict, "written_at": now.isoformat(),
        "requests": [{"label": e.label, "at": e.started_at.isoformat() if e.started_at else None,
                      "status": e.status, "url": e.url} for e in exchanges],
        "request_ids": [r._asdict() for r in ids], "egress_address": address,
        "ask_the_owner": owner_lookups(exchanges),
        "curl": curl_reproduction(first) if first else "", "notes": list(notes),
        "har": har(exchanges)}
    if target.suffix.lower() == ".json":
        text = json.dumps(data, ensure_ascii=False, indent=2)
    else:
        text = _markdown(data, details)
    target.write_text(mask_text(text), encoding="utf-8")
    return target


def _markdown(data: dict[str, Any], details: str) -> str:
    out = ["# 403 evidence for support", "", f"**Verdict:** {data['verdict']}", "",
           f"Written {data['written_at']} (UTC). Egress address: `{data['egress_address']}` "
           "(the address the connection left from; behind NAT or a proxy the API sees your "
           "public address instead).", "", "## Requests (UTC)", ""]
    out += [f"- {r['at'] or '?'} · {r['status'] or 'no answer'} · {r['label']} · `{r['url']}`"
            for r in data["requests"]]
    out += ["", "## Request ids the provider sent", ""]
    out += [f"- `{r['name']}: {r['value']}` ({r['provider']}, {r['label']})"
            for r in data["request_ids"]] or ["- none: the responses carried no request id"]
    out += ["", "## Ask the owner", ""]
    out += [f"- {line}" for line in data["ask_the_owner"]] or [
        "- Give the owner the UTC times above and the egress address: their access log for "
        "that minute and address shows which rule refused the request."]
    out += ["", "## Reproduce (fill in the $PLACEHOLDERS yourself)", "", "```sh", data["curl"],
            "```"]
    if details:
        out += ["", "## Details", "", details]
    if data["notes"]:
        out += ["", "## Notes", ""] + [f"- {n}" for n in data["notes"]]
    out += ["", "## Sanitised HAR of the requests", "", "```json",
            json.dumps(data["har"], ensure_ascii=False, indent=1), "```", ""]
    return "\n".join(out)
