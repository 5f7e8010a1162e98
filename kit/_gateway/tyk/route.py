"""Which Tyk API takes a request: gateway/api_loader.go sorts APIs with a custom domain first,
then by listen path, longest first (``sortSpecsByListenPath``); each listens on its
``proxy.listen_path`` and on ``/<api_id>/``. Nothing matching: gateway/proxy_muxer.go 404.
"""

from __future__ import annotations

from ..model import AuditRequest
from .load import Api
from .trace import Trace


def select_api(apis: list[Api], request: AuditRequest, trace: Trace) -> Api | None:
    """The API whose listen path (and domain) takes the request, Tyk's router order."""
    path = request.decoded_path
    ordered = sorted(apis, key=lambda a: (a.domain == "", -len(a.listen_path)))
    if not request.host:  # a bare path: APIs bound to a domain only when no other takes it
        ordered = [a for a in ordered if not a.domain] + [a for a in ordered if a.domain]
    for api in ordered:
        rule = api.where.ref("proxy", "listen_path")
        if not api.active or api.internal:
            why = '"active": false' if not api.active else '"internal": true'
            trace.add(rule, "skip", f"API {api.api_id} is not served ({why})")
            continue
        if api.domain and request.host and request.host != api.domain.split(":")[0].lower():
            trace.add(api.where.ref("domain"), "skip",
                      f"domain {api.domain} is not the request's host {request.host}")
            continue
        if not (path.startswith(api.listen_path) or path.startswith(f"/{api.api_id}/")):
            trace.add(rule, "skip", f"listen_path {api.listen_path} does not start {path}")
            continue
        if api.domain and not request.host:
            trace.assume(f"the request is sent to the host {api.domain} (the API's domain; "
                         "the URL gave no host)")
        trace.add(rule, "pass", f"API {api.api_id} ({api.name or 'unnamed'}) takes the request "
                                f"(listen_path {api.listen_path})")
        return api
    return None


def strip_listen(api: Api, path: str) -> str:
    """internal/httputil/mux.go StripListenPath."""
    out = path[len(api.listen_path):] if path.startswith(api.listen_path) else path
    return out if out.startswith("/") else "/" + out


