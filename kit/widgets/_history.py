"""HistoryMonitorPanel: a paced monitor whose every exchange is kept in a SQLite history.

The history file outlives the kernel: open it again (here or with ``kit.open_history``) and
the charts pick up where they left off. The monitor is ``kit.RateLimitMonitor`` (pacing,
Retry-After, budget); the panel's budget is hard across every run and every Start.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints

from ._base import STYLE, Feedback, Panel, button, frame, image, png, wide
from ._request import RequestForm

if TYPE_CHECKING:
    from kit._history.spike_reports import Spike
    from kit._history.store import Store
    from kit._history.timeline import Forecast, HeadroomPoint
    from kit._history.windows import WindowRow
    from kit._tools.monitor import RateLimitMonitor
    from kit.sandbox import Sandbox

SHOW = (("last 15 min", 900), ("last hour", 3600), ("last day", 86400), ("everything", 0))


KEEP_ROWS = 50_000
"""A history file holding this many exchanges is set aside (one previous file is kept) and a
fresh one started, so a monitor left running never grows a file without bound."""


def default_store(name: str | None = None) -> Path:
    """Where the history goes unless told: one file per user and per notebook, in the user's
    state folder ($XDG_STATE_HOME, else ~/.local/state). The notebook's name comes from
    ``name`` or from JupyterLab (JPY_SESSION_NAME), else 'history'."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    session = name or Path(os.environ.get("JPY_SESSION_NAME") or "history").stem or "history"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", session)[:80]
    return Path(state) / "forbidden-kit" / f"{safe}.sqlite"


def set_aside(where: Path, keep_rows: int) -> Path | None:
    """When the history file at ``where`` holds ``keep_rows`` exchanges or more, move it to
    '<name>.previous.sqlite' (replacing an older one) and return that path; else None."""
    import kit

    if not where.exists():
        return None
    with kit.open_history(where) as store:
        full = len(store) >= keep_rows
    if not full:
        return None
    previous = where.with_name(f"{where.stem}.previous{where.suffix}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{previous}{suffix}").unlink(missing_ok=True)
        if Path(f"{where}{suffix}").exists():
            Path(f"{where}{suffix}").replace(f"{previous}{suffix}")
    return previous


@dataclass(frozen=True, slots=True)
class HistoryReport:
    """The stored history of one URL: headroom, its forecast, error rates and spikes."""

    store_path: str
    url: str
    stored: int
    shown: int
    sent: int
    budget: int
    headroom: tuple[HeadroomPoint, ...]
    forecast: Forecast
    rows: tuple[WindowRow, ...]
    spikes: tuple[Spike, ...]

    def __repr__(self) -> str:
        return (f"<HistoryReport {self.shown} of {self.stored} stored exchanges shown, "
                f"sent {self.sent}/{self.budget}>")

    def _repr_html_(self) -> str:
        return _html(self)


class HistoryMonitorPanel(Panel):
    """Watch a rate limit with a hard budget and keep every exchange in a history file.

    ``run()`` sends up to ``steps`` paced requests in the foreground, then charts what the
    history holds for this URL; Start/Stop run the monitor in the background. Returns a
    ``HistoryReport`` (None after a red message).
    """

    def __init__(self, sandbox: Sandbox | None = None, url: str = "",
                 store_path: str | Path | None = None, *, steps: int = 12,
                 interval: float | None = None, budget: int = 30,
                 keep_rows: int = KEEP_ROWS) -> None:
        self.keep_rows = keep_rows
        self.set_aside: Path | None = None
        self.form = RequestForm(None, url=url or (sandbox.monitor_url if sandbox else ""),
                                show=("headers", "local"))
        self.store_path = w.Text(value=str(store_path or default_store()), layout=wide(),
                                 description="History file", style=STYLE)
        pace = interval if interval is not None else 0.3 if sandbox is not None else 1.0
        self.interval = w.BoundedFloatText(value=pace, min=0.1, max=3600.0, style=STYLE,
                                           description="Interval (s)")
        self.budget = w.IntSlider(value=budget, min=1, max=500, description="Budget",
                                  style=STYLE, tooltip="never more requests than this, in all")
        self.steps = w.IntSlider(value=steps, min=1, max=60, description="Run steps",
                                 style=STYLE)
        self.show = w.Dropdown(options=SHOW, value=3600, description="Show", style=STYLE)
        self.button = button("Sample and chart", icon="line-chart")
        self.start_button = w.Button(description="Start monitor", icon="play")
        self.stop_button = w.Button(description="Stop", icon="stop", disabled=True)
        self.progress = w.IntProgress(value=0, min=0, max=budget, description="Sent")
        self.feedback = Feedback(self._secrets)
        self.result = w.HTML("")
        self.headroom_chart, self.rates_chart, self.cause_chart = image(), image(), image()
        self.monitor: RateLimitMonitor | None = None
        self.sent = 0
        self._spent = 0  # requests of monitors already closed
        self._store: Store | None = None
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()
        self.button.on_click(lambda _button: self.run())
        self.start_button.on_click(lambda _button: self.start())
        self.stop_button.on_click(lambda _button: self.stop())
        self.root = w.VBox([self.form.box, self.store_path, self.interval, self.budget,
                            self.steps, self.show,
                            w.HBox([self.button, self.start_button, self.stop_button]),
                            self.progress, self.feedback.box, self.result,
                            self.headroom_chart, self.rates_chart, self.cause_chart])

    def _secrets(self) -> list[str]:
        return self.form.secrets()

    def store(self) -> Store:
        """The history file named in the panel, opened (a new name closes the old one)."""
        import kit

        where = Path(str(self.store_path.value).strip()).expanduser()
        if self._store is None or self._store.path != where:
            if self._store is not None:
                self._store.close()
            where.parent.mkdir(parents=True, exist_ok=True)
            self.set_aside = set_aside(where, self.keep_rows) or self.set_aside
            self._store = kit.open_history(where)
        return self._store

    def _monitor(self) -> RateLimitMonitor:
        """A new monitor for the form's request, with what is left of the budget."""
        import kit

        self._retire()
        if self._store is not None and len(self._store) >= self.keep_rows:
            self._store.close()  # full: the next store() sets it aside and starts afresh
            self._store = None
        kwargs = self.form.kwargs()
        url = str(httpx.URL(kwargs["url"]).copy_merge_params(kwargs.get("params") or {}))
        self._client = _recording_client(self.store(), kwargs.get("local_address"))
        left = max(0, int(self.budget.value) - self._spent)
        self.monitor = kit.RateLimitMonitor(url, headers=dict(kwargs.get("headers") or {}),
                                            interval=float(self.interval.value), budget=left,
                                            client=self._client)
        self.progress.max = int(self.budget.value)
        return self.monitor

    def _retire(self) -> None:
        """Stop the current monitor and count what it sent against the budget."""
        with self._lock:  # Stop and the follower thread may both get here
            monitor, self.monitor = self.monitor, None
            client, self._client = self._client, None
            if monitor is not None:
                monitor.close()
                self._spent += monitor.sent
            if client is not None:
                client.close()

    def _count(self) -> None:
        self.sent = self._spent + (self.monitor.sent if self.monitor is not None else 0)
        self.progress.value = min(self.sent, self.progress.max)

    def run(self) -> HistoryReport | None:
        """Send up to ``steps`` paced requests (within the budget), then chart the history."""
        self.feedback.clear()
        monitor = self.feedback.attempt(self._monitor, what="Could not start the monitor",
                                        todo="fix the URL, headers or history file")
        if monitor is None:
            return None
        steps = min(int(self.steps.value), monitor.budget)
        with self.feedback.busy(f"Sampling… (up to {steps} requests)", self.button,
                                self.start_button):
            for i in range(steps):
                monitor.step()
                self._count()
                if i < steps - 1 and monitor.sent < monitor.budget:
                    time.sleep(monitor.interval)
            self._retire()
        return self.feedback.attempt(self.refresh, what="Could not chart the history",
                                     todo="check the history file")

    def start(self) -> None:
        """Start the background monitor (Start button); the charts follow it."""
        self.feedback.clear()
        monitor = self.feedback.attempt(self._monitor, what="Could not start the monitor",
                                        todo="fix the URL, headers or history file")
        if monitor is None:
            return
        monitor.start()
        self.start_button.disabled, self.stop_button.disabled = True, False
        threading.Thread(target=self._follow, args=(monitor,), daemon=True,
                         name="kit-widgets-history-view").start()

    def stop(self) -> None:
        """Stop the background monitor (Stop button) and chart what it kept."""
        self._retire()
        self._count()
        self.start_button.disabled, self.stop_button.disabled = False, True
        self.feedback.attempt(self.refresh, what="Could not chart the history", todo="")

    def _follow(self, monitor: RateLimitMonitor) -> None:
        while monitor.running:
            time.sleep(max(1.0, monitor.interval))
            self._count()
            self.feedback.attempt(self.refresh, what="Could not refresh", todo="press Stop")
        if self.monitor is monitor:  # not replaced meanwhile: the budget or Stop ended it
            self.stop()

    def refresh(self) -> HistoryReport:
        """Chart what the history file holds for this URL in the chosen span."""
        import kit
        from kit.plots import cause_mix_chart, error_rates_chart, headroom_over_time

        store = self.store()
        target = str(self.form.url.value).strip()
        seconds = int(self.show.value)
        now = dt.datetime.now(dt.UTC)
        kept = store.between(now - dt.timedelta(seconds=seconds), now + dt.timedelta(hours=1)) \
            if seconds else iter(store)
        mine = [ex for ex in kept if _same_target(ex.url, target)]
        series = kit.headroom_series(mine)
        forecast = kit.exhaustion_forecast(series)
        rows = kit.error_rates(mine)
        found = kit.spikes(rows)
        report = HistoryReport(str(store.path), target, len(store), len(mine), self.sent,
                               int(self.budget.value), tuple(series), forecast, tuple(rows),
                               tuple(found))
        self.result.value = frame(_html(report))
        self.headroom_chart.value = png(headroom_over_time(series, forecast=forecast))
        self.rates_chart.value = png(error_rates_chart(rows, spikes=found))
        mix = kit.cause_mix(mine)  # recorded 403s only: a 429 or a log line has no cause here
        self.cause_chart.value = png(cause_mix_chart(mix)) if mix else b""
        self.cause_chart.layout.display = "" if mix else "none"
        return report


def _recording_client(store: Store, local_address: str | None = None) -> httpx.Client:
    """A kit client whose every response goes into ``store`` (headers and timing, no body).

    The monitor streams each body itself, so a hook must not read it (``kit.record`` does,
    for refusals); the headers carry the rate-limit evidence the charts read.
    """
    from kit._http.exchange import Exchange
    from kit._http.probe import make_client

    client = make_client(local_address=local_address)
    started: dict[int, tuple[dt.datetime, float]] = {}

    def on_request(request: httpx.Request) -> None:
        started[id(request)] = (dt.datetime.now(dt.UTC), time.perf_counter())

    def on_response(response: httpx.Response) -> None:
        at, t0 = started.pop(id(response.request), (dt.datetime.now(dt.UTC), None))
        elapsed = time.perf_counter() - t0 if t0 is not None else None
        store.append(Exchange.from_response(response, label="recorded", started_at=at,
                                            elapsed=elapsed, body=b""))

    client.event_hooks = {"request": [on_request], "response": [on_response]}
    return client


def _same_target(recorded: str, target: str) -> bool:
    """Same scheme, host, port and path (queries differ and may be masked)."""
    a, b = urlsplit(recorded), urlsplit(target)
    return (a.scheme, a.netloc, a.path.rstrip("/")) == (b.scheme, b.netloc, b.path.rstrip("/"))


def _html(report: HistoryReport) -> str:
    """Where the history is, how much of it is shown, what was sent, and the forecast."""
    e = html.escape
    parts = [f"<p>History file <code>{e(report.store_path)}</code>: {report.stored} exchanges "
             f"in all, {report.shown} of them for <code>{e(report.url)}</code> in this view. "
             "It outlives the kernel: open it again here or with "
             f"<code>kit.open_history(path)</code>.</p>",
             f"<p>Requests sent by this panel: {report.sent} of its budget of "
             f"{report.budget}.</p>"]
    f = report.forecast
    if f.at is not None and report.headroom and f.at <= report.headroom[-1].at:
        parts.append(f"<p>The limit ran out at {f.at:%H:%M:%S} UTC.</p>")
    elif f.at is not None:
        parts.append(f"<p>At about {_pace(f.pace_per_min)} the limit runs out at "
                     f"{f.at:%H:%M:%S} UTC{' (before it resets)' * f.exhausts_before_reset}.</p>")
    if f.remaining == 0 and f.reset is not None:
        parts.append(f"<p>None left: it resets at {f.reset:%H:%M:%S} UTC; wait until then.</p>")
    elif f.fitting_pace_per_min is not None:
        parts.append(f"<p>A pace that fits: at most {_pace(f.fitting_pace_per_min, down=True)}."
                     "</p>")
    if report.spikes:
        parts.append(f"<p>{len(report.spikes)} windows with a spike of 403/429.</p>")
    return "\n".join(parts)


def _pace(per_minute: float, *, down: bool = False) -> str:
    """A pace as people say it, without false precision: '6 requests a minute' (rounded down
    when it is a ceiling to stay under), 'one request every 20 s' below one a minute."""
    import math

    if per_minute >= 1:
        whole = math.floor(per_minute) if down else round(per_minute)
        return f"{whole} request{'s' * (whole != 1)} a minute"
    if per_minute <= 0:
        return "no requests"
    every = math.ceil(60 / per_minute) if down else round(60 / per_minute)
    return f"one request every {every} s"
