"""AuditPanel: load a gateway's configuration, describe a request, see the rule that decides.

The thinking happens in ``kit.audit``; the panel is a form, a button and the verdict with the
configuration's own lines around the deciding rule, highlighted.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints

from kit._gateway.registry import GATEWAYS

from ._base import STYLE, Feedback, Panel, button, wide
from ._request import RequestForm

if TYPE_CHECKING:
    from kit._gateway.model import AuditResult, GatewayConfig

UPLOAD_TYPES = ".conf,.json,.yaml,.yml,.txt"
KINDS = ("auto", *GATEWAYS)


class AuditPanel(Panel):
    """Which rule of the gateway's configuration says no, and the smallest fix.

    ``config`` is a path or several (comma-separated in the form: a Tyk API definition with
    its policies, an AWS resource policy with the OpenAPI export); an upload replaces it.
    ``run()`` does what the Audit button does and returns the ``kit.AuditResult`` (None after
    a red message).
    """

    def __init__(self, config: str | Path | Sequence[str | Path] | None = None, *,
                 url: str = "", method: str = "GET", source_address: str = "",
                 headers: str = "", identity: str = "", kind: str = "auto") -> None:
        paths = [config] if isinstance(config, str | Path) else list(config or [])
        self.path = w.Text(value=", ".join(str(p) for p in paths), description="Config",
                           layout=wide(), style=STYLE,
                           placeholder="site.conf, or api.json, policies.json")
        self.upload = w.FileUpload(accept=UPLOAD_TYPES, multiple=True, description="Upload")
        self.kind = w.Dropdown(options=KINDS, value=kind, description="Gateway", style=STYLE)
        self.form = RequestForm(None, url=url, show=("method", "headers"))
        self.form.method.value = method.upper()
        self.form.headers.value = headers
        self.source = w.Text(value=source_address, description="From address", style=STYLE,
                             placeholder="the address the gateway sees, e.g. 203.0.113.9")
        self.identity = w.Text(value=identity, description="Identity", style=STYLE,
                               placeholder="optional: consumer, policy or principal of the key")
        self.rate = w.BoundedFloatText(value=0, min=0, max=1e6, style=STYLE,
                                       description="Rate (req/s)")
        self.button = button("Audit", icon="gavel")
        self.feedback = Feedback(self._secrets)
        self.result = w.HTML("")
        self.config: GatewayConfig | None = None
        self.last: AuditResult | None = None
        self.button.on_click(lambda _button: self.run())
        self.upload.observe(self._take_upload, names="value")
        self.root = w.VBox([self.path, w.HBox([self.upload, self.kind]), self.form.box,
                            self.source, w.HBox([self.identity, self.rate]), self.button,
                            self.feedback.box, self.result])

    def _secrets(self) -> list[str]:
        return self.form.secrets()

    def _take_upload(self, change: dict[str, Any]) -> None:
        """Keep uploaded files in a temporary folder and forget their bytes (they may hold
        keys), so saved widget state never carries a configuration."""
        files = change["new"]
        if not files:
            return
        self.upload.value = ()

        def keep() -> list[str]:
            folder = Path(tempfile.mkdtemp(prefix="kit-config-"))
            written = []
            for item in files:
                name = re.sub(r"[^\w.-]", "_", str(item["name"])).lstrip(".") or "config.txt"
                target = folder / name
                target.write_bytes(bytes(item["content"]))
                written.append(str(target))
            return written

        written = self.feedback.attempt(keep, what="Could not keep the upload", todo="try again")
        if written:
            self.path.value = ", ".join(written)
            self.run()

    def load(self) -> GatewayConfig | None:
        """Load the configuration named in the form (a red message when it cannot be read)."""
        from kit._gateway.load import load_config

        paths = [p.strip() for p in str(self.path.value).split(",") if p.strip()]
        if not paths:
            self.feedback.fail("No configuration given",
                               "type the path of the gateway's config file, or upload it")
            return None
        kind = None if self.kind.value == "auto" else str(self.kind.value)
        self.config = self.feedback.attempt(
            lambda: load_config(paths if len(paths) > 1 else paths[0], kind=kind),
            what="Could not read the configuration",
            todo="fix the file at the place named, or pick the gateway by hand")
        return self.config

    def _request(self) -> tuple[dict[str, Any], str]:
        """The form's request; a bare path (``/admin/users``) is audited without a host."""
        raw = str(self.form.url.value).strip()
        bare = raw.startswith("/")
        if bare:  # the form's builder wants a whole URL: lend it a host, then take it back
            self.form.url.value = "http://gateway.invalid" + raw
        try:
            kwargs = self.form.kwargs()
        finally:
            self.form.url.value = raw
        url = str(kwargs["url"])
        return kwargs, (url.removeprefix("http://gateway.invalid") if bare else url)

    def run(self) -> AuditResult | None:
        """Load the configuration, walk the request through it and show the verdict."""
        from kit._gateway.auditor import evaluate
        from kit._gateway.model import AuditRequest
        from kit._gateway.render import to_html

        self.feedback.clear()
        self.result.value = ""
        config = self.load()
        if config is None:
            return None

        def walk() -> AuditResult:
            kwargs, url = self._request()
            if kwargs.get("params"):
                from urllib.parse import urlencode

                url += ("&" if "?" in url else "?") + urlencode(kwargs["params"])
            request = AuditRequest.build(
                str(kwargs.get("method", "GET")), url, headers=kwargs.get("headers") or {},
                source_address=str(self.source.value).strip() or None,
                identity=str(self.identity.value).strip() or None,
                rate=float(self.rate.value) or None)
            return evaluate(config, request)

        with self.feedback.busy("Auditing…", self.button):
            result = self.feedback.attempt(walk, what="Could not audit this request",
                                           todo="check the URL, method, headers and address")
        if result is not None:
            self.last = result
            self.result.value = to_html(result, config)
        return result
