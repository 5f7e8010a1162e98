"""RateLimitPanel: headroom now, explained, and a bounded monitor charting it over time."""

from __future__ import annotations

import datetime as dt
import html
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints

from kit._causes import Cause

from ._base import STYLE, Feedback, Panel, button, frame, image, png
from ._request import RequestForm

if TYPE_CHECKING:
    from kit._http.ratelimit import RateLimit
    from kit._tools.monitor import RateLimitMonitor, Sample
    from kit.sandbox import Sandbox


@dataclass(frozen=True, slots=True)
class RateLimitReport:
    """Limits one response announced, the monitor's samples, advice and the forecast."""

    status: int | None
    limits: tuple[RateLimit, ...]
    samples: tuple[Sample, ...]
    advice: str
    exhaustion: dt.timedelta | None = None

    def __repr__(self) -> str:
        last = self.samples[-1] if self.samples else None
        left = f"; last {last.remaining} of {last.limit} left" if last else ""
        return f"<RateLimitReport {len(self.limits)} limit(s), {len(self.samples)} samples{left}>"

    def _repr_html_(self) -> str:
        return _html(self, now=dt.datetime.now(dt.UTC), held=None)


class RateLimitPanel(Panel):
    """Read the rate-limit headers of one response, then watch them with a hard budget.

    ``run()`` checks once and runs a short monitor in the foreground (``steps`` requests at
    most, so it sends at most 1 + min(steps, budget)); Start/Stop run the monitor in the
    background until its budget is spent. Returns a ``RateLimitReport``.
    """

    def __init__(self, sandbox: Sandbox | None = None, *, url: str = "",
                 steps: int = 5) -> None:
        self.form = RequestForm(sandbox, url=url or (sandbox.monitor_url if sandbox else ""),
                                causes=[Cause.RATE_LIMIT], show=("headers",))
        self.interval = w.BoundedFloatText(value=1.0, min=0.1, max=3600.0, style=STYLE,
                                           description="Interval (s)")
        self.budget = w.IntSlider(value=20, min=1, max=200, description="Budget", style=STYLE,
                                  tooltip="the monitor never sends more than this")
        self.steps = w.IntSlider(value=steps, min=1, max=30, description="Run steps",
                                 style=STYLE, tooltip="requests run() sends in the foreground")
        self.button = button("Check and sample", icon="tachometer")
        self.start_button = w.Button(description="Start monitor", icon="play")
        self.stop_button = w.Button(description="Stop", icon="stop", disabled=True)
        self.progress = w.IntProgress(value=0, min=0, max=1, description="Sent")
        self.feedback = Feedback(self._secrets)
        self.result = w.HTML("")
        self.chart = image()
        self.monitor: RateLimitMonitor | None = None
        self._now: tuple[int | None, tuple[RateLimit, ...]] = (None, ())
        self.button.on_click(lambda _button: self.run())
        self.start_button.on_click(lambda _button: self.start())
        self.stop_button.on_click(lambda _button: self.stop())
        self.root = w.VBox([self.form.box, self.interval, self.budget, self.steps,
                            w.HBox([self.button, self.start_button, self.stop_button]),
                            self.progress, self.feedback.box, self.result, self.chart])

    def _secrets(self) -> list[str]:
        return self.form.secrets()

    def _target(self) -> tuple[str, dict[str, str]]:
        kwargs = self.form.kwargs()
        url = httpx.URL(kwargs["url"]).copy_merge_params(kwargs.get("params") or {})
        return str(url), dict(kwargs.get("headers") or {})

    def _monitor(self, url: str, headers: dict[str, str]) -> RateLimitMonitor:
        from kit._tools.monitor import RateLimitMonitor

        if self.monitor is not None:
            self.monitor.close()
        self.monitor = RateLimitMonitor(url, headers=headers, budget=int(self.budget.value),
                                        interval=float(self.interval.value))
        self.progress.max, self.progress.value = self.monitor.budget, 0
        return self.monitor

    def check(self, url: str, headers: dict[str, str]) -> tuple[int | None, tuple[RateLimit, ...]]:
        """One request: its status and every rate limit its headers announce."""
        from kit._http.probe import Probe, make_client, send
        from kit._http.ratelimit import parse_rate_limits

        with make_client() as client:
            exchange = send(Probe("GET", url, tuple(headers.items()), label="headroom"),
                            client=client, deadline=time.monotonic() + 10)
        now = dt.datetime.now(dt.UTC)
        return exchange.status, tuple(parse_rate_limits(exchange.response_headers, now=now))

    def run(self) -> RateLimitReport | None:
        """Check headroom once, then sample ``steps`` times in the foreground; None on error."""
        self.feedback.clear()
        target = self.feedback.attempt(self._target, what="The request form has a problem",
                                       todo="fix that field and try again")
        if target is None:
            return None
        steps = min(int(self.steps.value), int(self.budget.value))
        with self.feedback.busy(f"Probing… (up to {steps + 1} requests)", self.button,
                                self.start_button):
            self._now = self.feedback.attempt(lambda: self.check(*target),
                                              what="Could not check", todo="check the URL") or (
                None, ())
            monitor = self._monitor(*target)
            for i in range(steps):
                monitor.step()
                self._refresh(chart=False)
                if i < steps - 1:
                    time.sleep(monitor.interval)
            monitor.close()  # its samples stay; its connection is released
        return self._refresh()

    def start(self) -> None:
        """Start the background monitor (Start button); the chart refreshes as samples come."""
        self.feedback.clear()
        target = self.feedback.attempt(self._target, what="The request form has a problem",
                                       todo="fix that field and press Start again")
        if target is None:
            return
        self._now = (None, ())  # the headroom shown comes from the monitor's own samples
        monitor = self._monitor(*target)
        monitor.start()
        self.start_button.disabled, self.stop_button.disabled = True, False
        threading.Thread(target=self._follow, args=(monitor,), daemon=True,
                         name="kit-widgets-monitor-view").start()

    def stop(self) -> None:
        """Stop the background monitor (Stop button)."""
        if self.monitor is not None:
            self.monitor.close()
        self.start_button.disabled, self.stop_button.disabled = False, True
        self._refresh()

    def _follow(self, monitor: RateLimitMonitor) -> None:
        while monitor.running:
            time.sleep(max(0.2, monitor.interval))
            self.feedback.attempt(self._refresh, what="Could not refresh", todo="press Stop")
        monitor.close()
        if self.monitor is monitor:  # not replaced by a newer Start meanwhile
            self.start_button.disabled, self.stop_button.disabled = False, True
            self.feedback.attempt(self._refresh, what="Could not refresh", todo="")

    def _refresh(self, *, chart: bool = True) -> RateLimitReport | None:
        """Show the latest state: progress, explanation, advice and (optionally) the chart."""
        from kit._http.ratelimit import headroom
        from kit._tools.monitor import pacing_advice

        monitor = self.monitor
        if monitor is None:
            return None
        samples = tuple(monitor.samples)
        self.progress.value = monitor.sent
        status, limits = self._now
        if not limits and monitor.last_limit is not None:
            status, limits = samples[-1].status, (monitor.last_limit,)
        now = dt.datetime.now(dt.UTC)
        tight = headroom(limits) or (limits[0] if limits else None)
        advice = pacing_advice(tight, now=now) if tight is not None else monitor.advice()
        report = RateLimitReport(status, limits, samples, advice, monitor.time_to_exhaustion())
        self.result.value = frame(_html(report, now=now, held=monitor.held))
        if chart and samples:
            from kit.plots import headroom_chart

            self.chart.value = png(headroom_chart(list(samples)))
        return report


def _html(report: RateLimitReport, *, now: dt.datetime, held: str | None) -> str:
    """Headroom now (each convention explained), advice, forecast and the last samples."""
    from kit._http.ratelimit import human_span  # the kit's one way to say a duration

    e = html.escape
    parts: list[Any] = ["<b>Headroom now</b>"]
    if report.limits:
        parts.append("<ul>" + "".join(f"<li>{e(x.describe(now=now))}</li>" for x in report.limits)
                     + "</ul>")
    else:
        seen = f"status {report.status}" if report.status is not None else "no response"
        parts.append(f"<p>The response ({e(seen)}) announced no rate limit.</p>")
    parts += ["<b>Pacing</b>", f"<p>{e(report.advice)}.</p>"]
    if report.exhaustion is not None:
        parts.append(f"<p>At the observed pace the limit runs out in about "
                     f"{human_span(report.exhaustion)}.</p>")
    if held:
        parts.append(f"<p>Monitor paused: {e(held)}.</p>")
    if report.samples:
        last = report.samples[-1]
        parts.append(f"<p>{len(report.samples)} samples; last: status {e(str(last.status))}, "
                     f"remaining {e(str(last.remaining))} of {e(str(last.limit))}.</p>")
    return "\n".join(parts)

