"""The notebook panels, driven headless: run() does what the button does, output is asserted."""

from __future__ import annotations

import html
import json
import subprocess
import sys
import time
from urllib.parse import urlsplit

import ipywidgets as w
import pytest

import kit
import kit.widgets as kw
from kit._report import headline
from kit._tools.forms import AUTH_KINDS
from kit.widgets._base import Feedback
from kit.widgets._split import split_request

PNG = b"\x89PNG\r\n\x1a\n"
CANARY = "sbx_canary_Zq7Wm3Xv9Rt2Lp5Hk8Nd4Fs6Gb1Jc0Ye"
PANELS = (kw.TriagePanel, kw.AccessMatrixPanel, kw.KeyPanel, kw.AllowlistPanel,
          kw.RateLimitPanel, kw.JwtPanel, kw.SecurityPanel, kw.GatewayPanel)
RESULTS = {kw.TriagePanel: kit.Diagnosis, kw.AccessMatrixPanel: kw.AccessReport,
           kw.KeyPanel: kw.KeyReport, kw.AllowlistPanel: kw.AllowlistReport,
           kw.RateLimitPanel: kw.RateLimitReport, kw.JwtPanel: kw.JwtReport,
           kw.SecurityPanel: kw.SecurityReport, kw.GatewayPanel: kit.Diagnosis}


def widgets_of(root):
    """Every widget reachable from root: children, layouts and styles included."""
    seen, stack = [], [root]
    while stack:
        widget = stack.pop()
        if any(widget is s for s in seen):
            continue
        seen.append(widget)
        for name in ("children", "layout", "style"):
            value = getattr(widget, name, None)
            items = value if isinstance(value, tuple | list) else [value]
            stack.extend(x for x in items if isinstance(x, w.Widget))
    return seen


def text_values(root):
    """The value of every HTML, Label, Text and Textarea under root."""
    kinds = (w.HTML, w.Label, w.Text, w.Textarea)
    return [str(x.value) for x in widgets_of(root) if isinstance(x, kinds)]


def dumped(state):
    """A JSON dump of widget state; binary buffers are decoded byte for byte."""
    return json.dumps(state, default=lambda o: bytes(o).decode("latin-1")
                      if isinstance(o, bytes | memoryview) else str(o))


def secret_fields(panel):
    """Every SecretField a panel holds."""
    if isinstance(panel, kw.AccessMatrixPanel):
        return [row.secret for row in panel.rows]
    if isinstance(panel, kw.KeyPanel):
        return [panel.key]
    if isinstance(panel, kw.JwtPanel):
        return [panel.token]
    return [panel.form.secret]


def make(cls, sandbox):
    """A panel on the sandbox, fast enough for tests (short monitor pauses)."""
    panel = cls(sandbox)
    if isinstance(panel, kw.RateLimitPanel):
        panel.interval.value, panel.steps.value, panel.budget.value = 0.1, 2, 3
    return panel


def live_hits(sandbox):
    """How many requests the monitor endpoint has received."""
    path = urlsplit(sandbox.monitor_url).path
    return sum(1 for hit in sandbox.hits if hit.path == path)


def test_import_widgets_loads_no_matplotlib():
    """`import kit.widgets` is light: matplotlib loads only when a chart is drawn."""
    code = "import sys, kit.widgets; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code],  # noqa: S603 - our own interpreter
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("cls", PANELS, ids=lambda c: c.__name__)
def test_every_panel_constructs_and_displays(sandbox, cls):
    """Each panel builds on the sandbox: a VBox root, a display bundle, a Feedback area."""
    panel = cls(sandbox)
    assert isinstance(panel.root, w.VBox)
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert panel.feedback.error.value == ""


@pytest.mark.parametrize("cls", PANELS, ids=lambda c: c.__name__)
def test_every_panel_runs_on_the_sandbox(sandbox, cls):
    """run() returns the panel's result type and leaves no red message."""
    panel = make(cls, sandbox)
    result = panel.run()
    assert isinstance(result, RESULTS[cls]), panel.feedback.error.value
    assert panel.feedback.error.value == ""
    assert panel.feedback.progress.value == ""
    assert repr(result).startswith("<")  # a short line, not a dump of the dataclass
    assert result._repr_html_()  # headless Run All shows the result under panel.run()


def test_auth_dropdown_offers_the_forms_kinds(sandbox):
    """The auth Dropdown lists exactly kit._tools.forms.AUTH_KINDS."""
    assert tuple(kw.TriagePanel(sandbox).form.auth.options) == AUTH_KINDS


def test_triage_panel_names_waf_user_agent(sandbox):
    """Scenario waf-user-agent: security_policy, its HTML, a probe matrix PNG and Markdown."""
    panel = kw.TriagePanel(sandbox)
    panel.form.picker.dropdown.value = "waf-user-agent"
    panel.budget.value = 8
    assert "User-Agent: python-requests" in panel.form.headers.value
    diagnosis = panel.run()
    assert isinstance(diagnosis, kit.Diagnosis)
    assert diagnosis.cause is kit.Cause.SECURITY_POLICY
    assert panel.diagnosis is diagnosis
    assert "Blocked by a security policy" in panel.result.value
    assert "browser User-Agent" in panel.result.value  # the probe table is in the HTML
    assert panel.chart.startswith(PNG)
    assert "data:image/png;base64," in panel.result.value  # the chart sits in the card
    assert headline(diagnosis) in panel.markdown


def test_triage_card_is_one_result_with_a_copyable_report(sandbox):
    """One HTML card holds the verdict once, and the Markdown report read-only with a Copy
    button; before the first run nothing is shown (no empty image)."""
    panel = kw.TriagePanel(sandbox, scenario="config-trailing-slash")
    assert panel.result.value == ""
    assert not [x for x in widgets_of(panel.root) if isinstance(x, w.Image)]
    panel.run()
    page = panel.result.value
    assert page.count("Most likely:") == 1
    assert panel.markdown.startswith("###")
    assert "<textarea readonly" in page
    assert ">Copy</button>" in page
    assert html.escape(panel.markdown.splitlines()[0]) in page


def test_triage_enter_in_the_url_field_diagnoses(sandbox):
    """The front end's submit event (Enter in the URL field) presses Diagnose."""
    panel = kw.TriagePanel(sandbox, scenario="api-key-wrong-header")
    panel.form.url._handle_custom_msg({"event": "submit"}, [])
    assert panel.diagnosis is not None
    assert panel.diagnosis.cause is kit.Cause.API_KEY


def test_triage_form_keeps_method_url_and_button_on_one_row(sandbox):
    """Method, URL and Diagnose share a row; headers, body, address, budget, patience and the
    env var are folded away."""
    panel = kw.TriagePanel(sandbox)
    assert list(panel.form.line.children) == [panel.form.method, panel.form.url, panel.button]
    folded = widgets_of(panel.form.more)
    for widget in (panel.form.headers, panel.form.body, panel.form.local_address,
                   panel.budget, panel.patience, panel.form.secret.env):
        assert any(widget is x for x in folded)
    assert panel.form.more.selected_index is None


def test_triage_button_click_runs_the_diagnosis(sandbox):
    """Clicking Diagnose does what run() does."""
    panel = kw.TriagePanel(sandbox, scenario="api-key-wrong-header")
    panel.button.click()
    assert panel.diagnosis is not None
    assert panel.diagnosis.cause is kit.Cause.API_KEY
    assert not panel.button.disabled


def test_triage_form_filled_by_hand(sandbox):
    """Typed values (URL, auth kind, header name, secret, headers) become the request."""
    scenario = sandbox.scenario("api-key-wrong-header")
    panel = kw.TriagePanel(url=scenario.url)
    assert panel.form.picker.box.children == ()
    panel.form.auth.value, panel.form.name.value = "api_key_header", "X-API-Key"
    panel.form.secret.password.value = scenario.headers["Authorization"].split()[1]
    panel.form.headers.value = "Accept: application/json\n"
    panel.budget.value = 4
    diagnosis = panel.run()
    assert diagnosis is not None
    assert diagnosis.status == 200
    assert diagnosis.requests_sent <= 4


def test_scenario_secret_goes_to_memory_not_widgets(sandbox):
    """Choosing a scenario puts its key in private memory; the widgets show only its mask."""
    panel = kw.TriagePanel(sandbox, scenario="api-key-wrong-header")
    key = sandbox.scenario("api-key-wrong-header").headers["Authorization"].split()[1]
    assert panel.form.auth.value == "bearer"
    assert panel.form.secret.password.value == ""
    assert panel.form.secret.status.value == f"secret set: {kit.mask(key)}"
    assert key not in dumped(w.Widget.get_manager_state(drop_defaults=False))
    assert panel.form.kwargs()["headers"]["Authorization"] == f"Bearer {key}"


def test_scenario_picker_fills_local_address(sandbox):
    """The perimeter scenario fills the source address to probe from."""
    panel = kw.TriagePanel(sandbox, scenario="ip-allowlist-generic")
    assert panel.form.local_address.value == "127.0.0.1"
    assert panel.form.kwargs()["local_address"] == "127.0.0.1"


@pytest.mark.parametrize(("field", "value", "shown"), [
    ("url", "htp:/nowhere", "not an http(s) URL"),
    ("headers", "Accept: */*\nfoo", "line 2"),
    ("env", "KIT_TEST_SURELY_UNSET_VAR", "KIT_TEST_SURELY_UNSET_VAR"),
], ids=["malformed-url", "header-without-colon", "unset-env-var"])
def test_bad_input_shows_a_red_message(sandbox, field, value, shown):
    """Bad form input gives a short red message and None, never an exception."""
    panel = kw.TriagePanel(sandbox, scenario="api-key-wrong-header")
    target = panel.form.secret.env if field == "env" else getattr(panel.form, field)
    target.value = value
    before = len(sandbox.hits)
    assert panel.run() is None
    message = panel.feedback.error.value
    assert "color:#d93025" in message
    assert shown in message
    assert "Traceback" not in message
    assert panel.diagnosis is None
    assert panel.result.value == ""
    assert len(sandbox.hits) == before


def test_network_failure_is_a_diagnosis_not_an_error():
    """A refused connection is evidence: a Diagnosis, and no red message."""
    panel = kw.TriagePanel(url="http://127.0.0.1:9/nothing")
    panel.budget.value = 2
    diagnosis = panel.run()
    assert diagnosis is not None
    assert diagnosis.status is None
    assert panel.feedback.error.value == ""
    assert "No response" in panel.result.value


@pytest.mark.parametrize("cls", PANELS, ids=lambda c: c.__name__)
def test_canary_secret_stays_out_of_widget_state_and_output(sandbox, cls):
    """A secret typed into a Password box is cleared from it and appears in no state or output."""
    panel = make(cls, sandbox)
    field = secret_fields(panel)[0]
    field.password.set_state({"value": CANARY})  # as the browser sends it
    assert field.password.value == ""
    assert field.known() == [CANARY]
    assert "secret set: [secure" in field.status.value
    result = panel.run()
    if result is not None:
        assert CANARY not in repr(result)
        assert CANARY not in result._repr_html_()
    for widget in widgets_of(panel.root):
        assert CANARY not in dumped(widget.get_state())
    assert CANARY not in dumped(w.Widget.get_manager_state(drop_defaults=False))
    assert not any(CANARY in text for text in text_values(panel.root))


def test_frontend_is_told_to_clear_the_password(monkeypatch):
    """After a secret arrives from the browser, the last state sent back holds an empty box."""
    field = kw.SecretField()
    sent = []
    monkeypatch.setattr(field.password, "_send", lambda msg, buffers=None: sent.append(msg))
    field.password.set_state({"value": CANARY})
    updates = [m["state"] for m in sent if m["method"] == "update" and "value" in m["state"]]
    assert updates[-1]["value"] == ""
    assert field.known() == [CANARY]


def test_forgetting_and_env_var_names(monkeypatch):
    """Forget drops the secret; a named env var is read instead and shown by name only."""
    field = kw.SecretField()
    field.set(CANARY)
    field.forget_button.click()
    assert field.value() == ""
    assert field.status.value == "no secret set"
    monkeypatch.setenv("KIT_TEST_KEY", CANARY)
    field.env.value = "KIT_TEST_KEY"
    assert field.value() == CANARY
    assert field.status.value == "secret: from $KIT_TEST_KEY"
    assert CANARY in field.known()


def test_error_messages_mask_the_panels_secrets():
    """A failure whose text quotes a secret shows the secret's mask instead."""
    feedback = Feedback(lambda: [CANARY])

    def boom() -> None:
        raise ValueError(f"cannot use {CANARY} here")

    assert feedback.attempt(boom, what="Bad", todo="fix it") is None
    assert CANARY not in feedback.error.value
    assert kit.mask(CANARY) in feedback.error.value


def test_unexpected_errors_are_short_messages():
    """Anything but a ValueError is reported as a likely bug, in one line, no traceback."""
    feedback = Feedback()
    assert feedback.attempt(lambda: 1 // 0, what="Could not divide", todo="") is None
    assert "ZeroDivisionError" in feedback.error.value
    assert "bug" in feedback.error.value
    assert "Traceback" not in feedback.error.value


def test_split_request_keeps_secrets_out_of_the_visible_form():
    """The first secret becomes the credential, plain params join the URL, others hide."""
    split = split_request("http://h/x", {"Authorization": "Basic dTpw", "User-Agent": "a",
                                         "X-API-Key": "k2"}, {"api_key": "k3", "q": "1"})
    assert (split.auth, split.secret) == ("basic", "u:p")
    assert split.headers == (("User-Agent", "a"),)
    assert split.url == "http://h/x?q=1"
    assert split.hidden_headers == {"X-API-Key": "k2"}
    assert split.hidden_params == {"api_key": "k3"}
    query = split_request("http://h/x", {}, {"key": "k"})
    assert (query.auth, query.name, query.secret) == ("api_key_query", "key", "k")


def test_access_matrix_panel_finds_the_missing_scope(sandbox):
    """items:read is refused on admin/reports and lacks reports:read; a heatmap is drawn."""
    panel = kw.AccessMatrixPanel(sandbox)
    panel.method.value, panel.budget.value = "GET", 12
    report = panel.run()
    assert isinstance(report, kw.AccessReport)
    matrix = report.matrix
    assert matrix.labels == ("none", "items:read", "reports:read")
    assert matrix.cells[1][1].verdict == "forbidden"
    assert matrix.cells[2][1].verdict == "allowed"
    assert report.scopes is not None
    assert report.scopes.missing == ("reports:read",)
    assert "is missing reports:read" in panel.result.value
    assert bytes(panel.heatmap.value).startswith(PNG)


def test_access_matrix_panel_rejects_a_path_without_base(sandbox):
    """A relative endpoint with no base URL is named by line number."""
    panel = kw.AccessMatrixPanel(sandbox)
    panel.base.value, panel.endpoints.value = "", "https://x.example/a\nitems"
    assert panel.run() is None
    assert "line 2" in panel.feedback.error.value


def test_key_panel_lints_probes_and_ages(sandbox):
    """Whitespace is flagged, placements are tried, and a 100-day-old key is due."""
    panel = kw.KeyPanel(sandbox)
    panel.picker.dropdown.value = "api-key-whitespace"
    panel.rotate.value, panel.budget.value = 90, 6
    report = panel.run()
    assert isinstance(report, kw.KeyReport)
    assert "whitespace" in {issue.code for issue in report.issues}
    assert len(report.placements) == 6
    assert report.age is not None
    assert report.age.due
    assert "leading or trailing whitespace" in panel.result.value


def test_key_panel_finds_the_accepted_header(sandbox):
    """The wrong-header scenario's key is accepted in X-API-Key."""
    panel = kw.KeyPanel(sandbox, scenario="api-key-wrong-header")
    panel.created.value = None
    report = panel.run()
    assert report is not None
    assert report.accepted_in == ("X-API-Key: <key>",)
    assert report.age is None


def test_allowlist_panel_checks_egress_and_lines(sandbox):
    """Egress 127.0.0.1 is not admitted; a bad allowlist line is named; the probe agrees."""
    panel = kw.AllowlistPanel(sandbox)
    panel.allowlist.value = "127.0.0.2/32\n10.0.*.*\n"
    report = panel.run()
    assert isinstance(report, kw.AllowlistReport)
    assert report.egress.address == "127.0.0.1"
    assert report.egress.family == 4
    assert report.check is not None
    assert not report.check.allowed
    assert "line 2" in panel.result.value
    assert report.diagnosis is not None
    assert report.diagnosis.cause is kit.Cause.IP_ALLOWLIST


def test_allowlist_panel_probes_from_an_allowed_address(sandbox):
    """From 127.0.0.2 the egress is admitted and the perimeter answers."""
    panel = kw.AllowlistPanel(sandbox)
    panel.form.local_address.value = "127.0.0.2"
    report = panel.run()
    assert report is not None
    assert report.egress.address == "127.0.0.2"
    assert report.check is not None
    assert report.check.allowed
    assert report.diagnosis is not None
    assert report.diagnosis.status == 200


def test_rate_limit_panel_run_stays_within_budget(sandbox):
    """run() checks once and samples at most its budget; the chart and convention show."""
    panel = kw.RateLimitPanel(sandbox)
    panel.interval.value, panel.budget.value, panel.steps.value = 0.1, 2, 5
    before = live_hits(sandbox)
    report = panel.run()
    assert isinstance(report, kw.RateLimitReport)
    assert len(report.samples) == 2
    assert panel.monitor is not None
    assert panel.monitor.sent == 2
    assert live_hits(sandbox) - before == 1 + 2
    assert panel.progress.value == 2
    assert panel.progress.max == 2
    assert "X-RateLimit" in panel.result.value
    assert "Pacing" in panel.result.value
    assert bytes(panel.chart.value).startswith(PNG)


def test_rate_limit_background_monitor_never_exceeds_budget(sandbox):
    """Start runs until the budget is spent, then stops; the sandbox saw no more."""
    panel = kw.RateLimitPanel(sandbox)
    panel.interval.value, panel.budget.value = 0.05, 3
    before = live_hits(sandbox)
    panel.start()
    assert panel.start_button.disabled
    deadline = time.monotonic() + 10
    while (panel.monitor is None or panel.monitor.running) and time.monotonic() < deadline:
        time.sleep(0.05)
    panel.stop()
    time.sleep(0.2)
    assert live_hits(sandbox) - before == 3
    assert panel.monitor is not None
    assert panel.monitor.sent == 3
    assert not panel.start_button.disabled
    assert panel.stop_button.disabled


def test_jwt_panel_reads_claims_and_the_server_clock(sandbox):
    """The skewed scenario: claims table, a server clock ~10 min ahead, a time line."""
    panel = kw.JwtPanel(sandbox, scenario="auth-clock-skew")
    report = panel.run()
    assert isinstance(report, kw.JwtReport)
    assert "exp" in dict(report.claims)
    assert report.skew is not None
    assert report.skew.offset is not None
    assert abs(report.skew.offset.total_seconds() - sandbox.clock_skew) < 5
    assert "ahead of" in panel.result.value
    assert bytes(panel.timeline.value).startswith(PNG)


def test_jwt_panel_rejects_what_is_not_a_jwt(sandbox):
    """A non-JWT gives a red message naming the problem, and None."""
    panel = kw.JwtPanel(sandbox)
    panel.token.password.value = "not-a-token"
    assert panel.run() is None
    assert "not a JWT" in panel.feedback.error.value


def test_security_panel_shows_layer_and_user_agents(sandbox):
    """waf-user-agent: the browser User-Agent passes, the default one is refused."""
    panel = kw.SecurityPanel(sandbox)
    panel.compare.value = True
    report = panel.run()
    assert isinstance(report, kw.SecurityReport)
    assert report.diagnosis.cause is kit.Cause.SECURITY_POLICY
    statuses = dict(report.user_agents)
    assert statuses["browser"] == 200
    assert statuses["default"] == 403
    assert "Which layer answered" in panel.result.value


def test_security_panel_lists_catalogue_sources(sandbox):
    """The injection block page matches catalogue signatures, shown as source links."""
    panel = kw.SecurityPanel(sandbox, scenario="waf-injection")
    report = panel.run()
    assert report is not None
    assert report.diagnosis.cause is kit.Cause.SECURITY_POLICY
    sources = [s for f in report.diagnosis.findings for s in f.sources]
    assert sources
    assert all(s in panel.result.value for s in sources)


def test_gateway_panel_shows_route_probes(sandbox):
    """config-trailing-slash: the toggled slash row and the configuration finding."""
    panel = kw.GatewayPanel(sandbox)
    panel.budget.value = 8
    diagnosis = panel.run()
    assert isinstance(diagnosis, kit.Diagnosis)
    assert diagnosis.cause is kit.Cause.CONFIGURATION
    assert "trailing slash toggled" in panel.result.value
    assert "Gateway or server configuration" in panel.result.value


def test_choosing_your_own_request_empties_the_form(sandbox):
    """Switching from a scenario to "(your own request)" keeps nothing of the scenario: no URL,
    no key in memory, no extra headers (a spoofed User-Agent among them), no source address."""
    panel = kw.TriagePanel(sandbox, scenario="waf-user-agent")
    assert panel.form.url.value
    panel.form.headers.value = "User-Agent: python-requests/2.31\n"
    panel.form.secret.set("sbx-not-a-real-key-123")
    panel.form.local_address.value = "127.0.0.2"
    panel.form.picker.dropdown.value = panel.form.picker.dropdown.options[0]  # own request
    assert panel.form.url.value == ""
    assert panel.form.headers.value == ""
    assert panel.form.local_address.value == ""
    assert panel.form.auth.value == "none"
    assert panel.form.secret.value() == ""
    assert panel.form.secrets() == []


def test_key_panel_lints_header_names_not_query_parameters(sandbox):
    """An underscore matters in a header name (proxies drop it), not in 'api_key' in a query."""
    panel = kw.KeyPanel()
    panel.key.set("not-a-real-key-1234567")
    panel.name.value = "api_key"
    assert "underscore_header" not in {i.code for i in panel.run().issues}
    panel.name.value = "X_Api_Key"
    assert "underscore_header" in {i.code for i in panel.run().issues}


def test_an_empty_chart_is_hidden_not_a_broken_image(sandbox):
    """A chart widget without a picture is not displayed; once drawn, it is."""
    panel = kw.JwtPanel(sandbox)
    assert panel.timeline.value == b""
    assert panel.timeline.layout.display == "none"
    panel.run()
    assert bytes(panel.timeline.value).startswith(PNG)
    assert panel.timeline.layout.display == ""


def test_key_panel_says_a_padded_key_is_valid_once_stripped(sandbox):
    """A good key with a trailing newline and spaces: accepted once stripped, and said so
    (no 'invalid, revoked' advice that would make someone regenerate a good key)."""
    panel = kw.KeyPanel(sandbox, scenario="api-key-wrong-header")
    good = panel.key.value()
    panel.key.set(f"  {good}\n")
    report = panel.run()
    assert report is not None, panel.feedback.error.value
    assert report.accepted_in
    assert "valid once stripped" in panel.result.value
    assert "probably invalid" not in panel.result.value
    assert "Illegal header value" not in panel.result.value


def test_allowlist_panel_says_the_two_lists_differ(sandbox):
    """Your list admits the address the echo saw but the server refuses it: the panel says the
    lists differ, and never claims both 'the server sees 127.0.0.1' and 'your NAT's address'."""
    panel = kw.AllowlistPanel(sandbox)
    panel.allowlist.value = "127.0.0.1/32\n"
    report = panel.run()
    assert report is not None, panel.feedback.error.value
    assert report.egress.address == "127.0.0.1"
    assert report.check is not None
    assert report.check.allowed
    page = panel.result.value
    assert "The two lists differ" in page
    assert "The server sees" not in page
    assert page.count("beyond a NAT") == 1


@pytest.mark.parametrize(("pace", "down", "said"), [
    (6.93, True, "6 requests a minute"), (6.93, False, "7 requests a minute"),
    (1.0, True, "1 request a minute"), (0.5, True, "one request every 120 s")])
def test_paces_are_said_without_false_precision(pace, down, said):
    """'6.93 requests a minute' reads as 6 (a ceiling to stay under is rounded down)."""
    from kit.widgets._history import _pace

    assert _pace(pace, down=down) == said


def test_allowlist_panel_shows_the_source_address_outside_the_fold(sandbox):
    """The allowlist panel's From address is in view, and the fold no longer claims it."""
    panel = kw.AllowlistPanel(sandbox)
    assert any(panel.form.local_address is x for x in panel.root.children)
    assert not any(panel.form.local_address is x for x in widgets_of(panel.form.more))
    assert "source address" not in panel.form.more.get_title(0)
