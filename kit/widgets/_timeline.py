"""TimelinePanel: a log or HAR file as error rates over time, its spikes and what they were."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints

from kit._card import plural

from ._base import STYLE, Feedback, Panel, button, image, png, table_html, wide

if TYPE_CHECKING:
    from kit._history.lines import Skipped
    from kit._history.logs import Log
    from kit._history.samples import Incident
    from kit._history.spike_reports import Spike, SpikeReport
    from kit._history.windows import WindowRow

WINDOWS = ("auto", "10s", "1min", "5min", "1h")
SAMPLE_LINES = 50_000
"""The sample log's size: about 1 h 45 min of traffic, so "auto" picks 1-minute windows, in
which each of its three incidents stands out from the noise."""
UPLOAD_TYPES = ".log,.txt,.gz,.har,.json,.jsonl,.csv"
_STAGES = ("Reading", "Counting", "Looking for spikes in", "Explaining the spikes of",
           "Drawing")
_sample: tuple[Path, tuple[Incident, ...]] | None = None
_sample_lock = threading.Lock()


def sample_log_path() -> tuple[Path, tuple[Incident, ...]]:
    """The seeded sample log with its injected incidents, written once per process to a
    temporary folder (``kit.sample_log``)."""
    global _sample
    with _sample_lock:
        if _sample is None or not _sample[0].is_file():
            from kit._history.samples import sample_log

            where = Path(tempfile.mkdtemp(prefix="kit-sample-")) / "sample-access.log.gz"
            _sample = where, tuple(sample_log(where, lines=SAMPLE_LINES))
        return _sample


@dataclass(frozen=True, slots=True)
class TimelineReport:
    """What a log said over time: counts per window, the spikes explained, unread lines and,
    for the sample log, the incidents it really holds."""

    path: str
    format: str
    window: dt.timedelta | None
    rows: tuple[WindowRow, ...]
    reports: tuple[SpikeReport, ...]
    """One report per incident (adjacent spike windows merged), in time order."""
    skipped: Skipped
    incidents: tuple[Incident, ...] = ()
    """For the sample log: the incidents really injected into it (to compare with)."""
    windows: tuple[Spike, ...] = ()
    """The spike windows the incidents were merged from."""

    @property
    def spikes(self) -> tuple[Spike, ...]:
        """The spike windows, in time order."""
        return self.windows or tuple(r.spike for r in self.reports)

    @property
    def total(self) -> int:
        """Requests counted (lines that could not be read are not)."""
        return sum(r.total for r in self.rows)

    def __repr__(self) -> str:
        size = _span(self.window) if self.window else "?"
        return (f"<TimelineReport {self.total} requests in {len(self.rows)} windows of {size}, "
                f"{len(self.reports)} incidents, {self.skipped.count} lines skipped>")

    def _repr_html_(self) -> str:
        return "\n".join([summary_html(self), spikes_html(self.reports),
                          incidents_html(self), skipped_html(self.skipped)])


class TimelinePanel(Panel):
    """Pick or upload a log or HAR file, choose a window, read its error rates and spikes.

    An empty path means the kit's seeded sample log (three injected incidents), written to a
    temporary folder on first run. ``run()`` does what Load does and returns a
    ``TimelineReport`` (None after a red message).
    """

    def __init__(self, path: str | None = None) -> None:
        self.path = w.Text(value=path or "", description="Log or HAR", layout=wide(),
                           style=STYLE, placeholder="empty: a sample log with known incidents")
        self.upload = w.FileUpload(accept=UPLOAD_TYPES, multiple=False, description="Upload")
        self.window = w.Dropdown(options=WINDOWS, value="auto", description="Window",
                                 style=STYLE)
        self.button = button("Load", icon="line-chart")
        self.progress = w.IntProgress(value=0, min=0, max=len(_STAGES), description="Progress")
        self.feedback = Feedback()
        self.summary = w.HTML("")
        self.rates_chart, self.status_chart, self.latency_chart = image(), image(), image()
        self.spike_table = w.HTML("")
        self.skipped = w.HTML("")
        self.report: TimelineReport | None = None
        self.button.on_click(lambda _button: self.run())
        self.upload.observe(self._take_upload, names="value")
        self.root = w.VBox([self.path, w.HBox([self.upload, self.window, self.button]),
                            self.progress, self.feedback.box, self.summary, self.rates_chart,
                            self.spike_table, self.status_chart, self.latency_chart,
                            self.skipped])

    def _take_upload(self, change: dict[str, Any]) -> None:
        """Write an uploaded file to a temporary folder, forget its bytes, and load it."""
        files = change["new"]
        if not files:
            return
        item = files[0]
        self.upload.value = ()  # the file's bytes do not stay in saved widget state
        name = re.sub(r"[^\w.-]", "_", Path(str(item["name"])).name) or "upload.log"
        target = Path(tempfile.mkdtemp(prefix="kit-upload-")) / name
        written = self.feedback.attempt(lambda: target.write_bytes(bytes(item["content"])),
                                        what="Could not keep the upload", todo="try again")
        if written is not None:
            self.path.value = str(target)
            self.run()

    def run(self) -> TimelineReport | None:
        """Load the file, count per window, find and explain spikes, draw the charts."""
        self.feedback.clear()
        self.progress.value = 0
        with self.feedback.busy("Loading…", self.button):
            report = self.feedback.attempt(
                self._analyse, what="Could not read the log",
                todo="give the path of a log or HAR file on the kernel's machine, or upload it")
        if report is not None:
            self.report = report
            self.progress.value = self.progress.max
        return report

    def _stage(self, index: int, name: str) -> None:
        self.progress.value = index
        self.feedback.progress.value = f"{_STAGES[index]} {name}…"

    def _analyse(self) -> TimelineReport:
        import kit

        text = str(self.path.value).strip()
        if not text:
            self.path.value = str(sample_log_path()[0])
        where = Path(str(self.path.value).strip()).expanduser()
        if not where.is_file():
            raise ValueError(f"there is no file at {where}")
        incidents = _sample[1] if _sample is not None and where == _sample[0] else ()
        self._stage(0, where.name)
        log = kit.load_log(where, progress=False)
        self._stage(1, where.name)
        rows = kit.error_rates(log, window=str(self.window.value))
        self._stage(2, where.name)
        found = kit.spikes(rows)
        self._stage(3, where.name)
        reports = kit.explain_spikes(log, kit.incidents(found))
        step = min((b.start - a.start for a, b in itertools.pairwise(rows)), default=None)
        report = TimelineReport(str(where), log.format, step, tuple(rows), tuple(reports),
                                log.skipped, incidents, tuple(found))
        self._stage(4, where.name)
        self._draw(report, log)
        return report

    def _draw(self, report: TimelineReport, log: Log) -> None:
        from kit.plots import error_rates_chart, latency_chart, status_mix

        self.summary.value = summary_html(report)
        self.rates_chart.value = png(error_rates_chart(report.rows, spikes=report.spikes))
        self.spike_table.value = spikes_html(report.reports) + incidents_html(report)
        self.status_chart.value = png(status_mix(report.rows))
        from kit._history.formats import TIMED

        timed = report.format in TIMED
        self.latency_chart.value = png(latency_chart(log, window=report.window or "auto")) if (
            timed) else b""
        self.latency_chart.layout.display = "" if timed else "none"
        self.skipped.value = skipped_html(report.skipped)


def _span(window: dt.timedelta) -> str:
    from kit._http.ratelimit import human_span  # the kit's one way to say a duration

    return human_span(window)


def summary_html(report: TimelineReport) -> str:
    """One paragraph: the file, its format, the time span, the windows, refusals and spikes."""
    rows = report.rows
    refused = sum(r.by_status.get(403, 0) + r.by_status.get(429, 0) for r in rows)
    span = (f" from {rows[0].start:%Y-%m-%d %H:%M} to {rows[-1].start:%H:%M} UTC"
            if rows else "")
    size = f" of {_span(report.window)}" if report.window else ""
    return (f"<p><b>{html.escape(Path(report.path).name)}</b> ({html.escape(report.format)}): "
            f"{report.total:,} requests in {len(rows)} windows{size}{span}; {refused:,} refused "
            f"(403/429); <b>{plural(len(report.reports), 'incident')}</b> "
            f"({plural(len(report.spikes), 'spike window')}).</p>")


def spikes_html(reports: tuple[SpikeReport, ...]) -> str:
    """The incidents table: one row per incident (its spike windows merged), with when, the
    refused share against the usual one, endpoints, clients, the cause and its evidence."""
    if not reports:
        return "<p>No window's refusal rate stands out from its neighbours.</p>"

    def top(counts: list[tuple[str, int]]) -> str:
        return ", ".join(f"{name} ({n:,})" for name, n in counts[:3]) or "–"

    rows = [(_when(r.spike), f"{_share(r.spike.rate)} ({r.spike.count:,} of {r.spike.total:,})"
             f" vs usually {_share(r.spike.baseline)}", top(r.endpoints), top(r.clients),
             f"{r.cause.label} ({r.confidence:.0%})" if r.cause else "unknown from a log alone",
             " ".join(r.evidence)) for r in reports]
    table = table_html(("when (UTC)", "refused (403/429)", "endpoints", "clients", "cause",
                        "evidence"), rows)
    if len(reports) <= 8:  # a few rows are shown whole; many scroll in a box
        return f"<b>Incidents ({len(reports)})</b>{table}"
    return (f"<b>Incidents ({len(reports)})</b>"
            f'<div style="max-height:32em;overflow:auto">{table}</div>')


def _when(spike: Spike) -> str:
    end = spike.end or spike.start
    minutes = max(1, round((end - spike.start).total_seconds() / 60))
    return f"{spike.start:%Y-%m-%d %H:%M}–{end:%H:%M} ({minutes} min)"


def _share(rate: float) -> str:
    """A share without false precision: '40%', '<1%'."""
    return "<1%" if 0 < rate < 0.005 else f"{rate:.0%}"


def incidents_html(report: TimelineReport) -> str:
    """For the sample log: each injected incident and how many spike windows fell inside it."""
    if not report.incidents:
        return ""
    rows = [(i.kind.replace("_", " "), f"{i.start:%H:%M}–{i.end:%H:%M}",
             i.endpoint or "every endpoint", i.client or "every client", i.cause.label,
             sum(1 for r in report.reports if i.covers(r.spike.start))) for i in report.incidents]
    return ("<b>What really happened: the incidents injected into the sample log</b>"
            + table_html(("incident", "UTC", "endpoint", "client", "cause",
                          "incidents found"), rows))


def skipped_html(skipped: Skipped) -> str:
    """How many lines could not be read (counted, never dropped silently), with examples."""
    if not skipped.count:
        return "<p>Skipped lines: 0 (every line was read).</p>"
    head = (f"<p><b>Skipped lines: {skipped.count}</b> could not be read; they are counted "
            "here and left out of the charts. Examples (secrets masked):</p>")
    return head + table_html(("line", "text"), skipped.examples)
