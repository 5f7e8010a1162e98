"""Charts of the kit's results as matplotlib Figures (loaded on demand; never pyplot state).

Every function takes ``ax=`` (or makes its own ``Figure``) and returns the ``Axes``; colours
are the Okabe-Ito palette, which stays distinct under the common colour-vision deficiencies;
time axes are UTC. ``to_png`` / ``to_svg`` render a Figure or Axes without any GUI backend.
"""

from __future__ import annotations

import datetime as dt
import http
import io
from collections.abc import Callable, Sequence
from typing import Any, cast

from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ._diagnosis import Diagnosis
from ._http.exchange import Exchange
from ._http.ratelimit import human_span
from ._http.tokens import JwtInfo
from ._theme import NEUTRAL, OKABE_ITO, themed
from ._tools.access import VERDICTS, AccessMatrix, short_labels
from ._tools.clock import relative
from ._tools.monitor import Sample, time_left

VERDICT_COLOURS = {"allowed": OKABE_ITO["green"], "forbidden": OKABE_ITO["vermillion"],
                   "unauthenticated": OKABE_ITO["orange"], "rate_limited": OKABE_ITO["purple"],
                   "not_found": OKABE_ITO["sky"], "other": OKABE_ITO["yellow"],
                   "error": OKABE_ITO["grey"], "skipped": "#BBBBBB"}
OUTCOME_COLOURS = {"allowed": OKABE_ITO["green"], "refused": OKABE_ITO["vermillion"],
                   "other status": OKABE_ITO["sky"], "error": OKABE_ITO["grey"]}
_num = cast("Callable[[dt.datetime], float]", mdates.date2num)  # matplotlib.dates is untyped


def _utc_axis(ax: Axes) -> None:
    """Date ticks on the x axis, read in UTC: clock times, with the date beside them."""
    auto: Any = mdates.AutoDateLocator  # matplotlib.dates is untyped
    concise: Any = mdates.ConciseDateFormatter
    locator = auto(tz=dt.UTC)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(concise(locator, tz=dt.UTC))


def _legend_below(ax: Axes) -> None:
    """The legend under the axes, outside the data (constrained layout makes room)."""
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, fontsize=8,
              frameon=False)


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    return ax if ax is not None else Figure(figsize=size, layout="constrained").add_subplot()


def outcome(exchange: Exchange) -> str:
    """allowed (2xx/3xx), refused (401/403/407/429/451), error (no response), other status."""
    if exchange.status is None:
        return "error"
    if exchange.status < 400:
        return "allowed"
    return "refused" if exchange.status in (401, 403, 407, 429, 451) else "other status"


@themed
def probe_matrix(diagnosis: Diagnosis, ax: Axes | None = None) -> Axes:
    """What each probe got back: one tile per exchange (its label), coloured by outcome
    (allowed, refused, other status, no answer) and reading its status; no timings."""
    exchanges = diagnosis.exchanges
    ax = _axes(ax, (7.0, 0.9 + 0.38 * max(len(exchanges), 1)))
    kinds = [outcome(e) for e in exchanges]
    rows = list(range(len(exchanges)))
    ax.barh(rows, [1.0] * len(rows), color=[OUTCOME_COLOURS[k] for k in kinds],
            edgecolor="none", height=0.78)
    for y, (e, kind) in enumerate(zip(exchanges, kinds, strict=True)):
        status = _status_text(e)
        ax.text(0.02, y, f"{status} · {kind}", va="center", ha="left", fontsize=9,
                color=_ink(OUTCOME_COLOURS[kind]), gid="ink")
    ax.set_yticks(rows, [e.label for e in exchanges])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    refused = sum(k == "refused" for k in kinds)
    ax.set_title(f"What each probe got back: {refused} of {len(exchanges)} refused",
                 loc="left", fontsize=10)
    _legend(ax, {k: OUTCOME_COLOURS[k] for k in OUTCOME_COLOURS if k in kinds}, "outcome",
            outside=True)
    return ax


def _status_text(e: Exchange) -> str:
    if e.status is None:
        return f"no answer ({e.error.kind})" if e.error else "no answer"
    try:
        return f"{e.status} {http.HTTPStatus(e.status).phrase}"
    except ValueError:
        return str(e.status)


@themed
def access_heatmap(matrix: AccessMatrix, ax: Axes | None = None) -> Axes:
    """Credentials (rows) x endpoints (columns); colour = verdict, text = status."""
    rows, cols = len(matrix.labels), len(matrix.endpoints)
    ax = _axes(ax, (2.0 + 1.8 * cols + 1.8, 1.4 + 0.6 * rows))
    codes = [[VERDICTS.index(c.verdict) for c in row] for row in matrix.cells]
    cmap = ListedColormap([VERDICT_COLOURS[v] for v in VERDICTS])
    norm = BoundaryNorm([i - 0.5 for i in range(len(VERDICTS) + 1)], len(VERDICTS))
    ax.imshow(codes, cmap=cmap, norm=norm, aspect="auto")
    for i, row in enumerate(matrix.cells):
        for j, cell in enumerate(row):
            text = str(cell.status) if cell.status is not None else {
                "skipped": "skipped", "error": "no answer"}.get(cell.verdict, cell.verdict)
            ax.text(j, i, text, ha="center", va="center", fontsize=10,
                    color=_ink(VERDICT_COLOURS[cell.verdict]), gid="ink")
    ax.set_xticks(range(cols), short_labels(matrix.endpoints), fontsize=9)
    ax.set_yticks(range(rows), list(matrix.labels))
    ax.set_xlabel("endpoint")
    ax.set_ylabel("credential")
    title = f"Access matrix: {matrix.sent} requests"
    ax.set_title(title + (f", {matrix.skipped} cells skipped" if matrix.skipped else ""))
    seen = {c.verdict for row in matrix.cells for c in row}
    _legend(ax, {v: VERDICT_COLOURS[v] for v in VERDICTS if v in seen}, "verdict",
            outside=True)
    return ax


@themed
def headroom_chart(samples: Sequence[Sample], ax: Axes | None = None) -> Axes:
    """Requests remaining (and the limit) over UTC time, the next reset, and the forecast."""
    ax = _axes(ax, (8.0, 4.0))
    ax.set_xlabel("time (UTC)")
    ax.set_ylabel("requests remaining")
    counted = [s for s in samples if s.remaining is not None]
    if not counted:
        ax.set_title("Rate-limit headroom: no counts yet")
        ax.text(0.5, 0.5, "no samples with rate-limit headers yet", ha="center", va="center",
                transform=ax.transAxes)
        return ax
    times = [_num(s.at) for s in counted]
    ax.step(times, [float(s.remaining or 0) for s in counted], where="post", marker="o",
            markersize=3, color=OKABE_ITO["blue"], label="remaining")
    limits = [s.limit for s in counted]
    if any(v is not None for v in limits):
        ax.step(times, [float("nan") if v is None else float(v) for v in limits], where="post",
                linestyle="--", color=OKABE_ITO["grey"], label="limit")
    refused = [s for s in counted if s.status in (403, 429)]
    if refused:
        ax.scatter([_num(s.at) for s in refused], [float(s.remaining or 0) for s in refused],
                   marker="x", s=50,
                   color=OKABE_ITO["vermillion"], label="refused (403/429)", zorder=3)
    last = counted[-1]
    if last.reset is not None:
        ax.axvline(_num(last.reset), color=OKABE_ITO["green"], linestyle=":",
                   label=f"next reset {last.reset:%H:%M:%S} UTC")
    forecast = time_left(counted)
    if forecast is not None and forecast > dt.timedelta(0):
        ax.plot([_num(last.at), _num(last.at + forecast)], [float(last.remaining or 0), 0.0],
                linestyle="-.",
                color=OKABE_ITO["orange"], label=f"forecast: spent in {human_span(forecast)}")
    _utc_axis(ax)
    ax.set_ylim(bottom=0)
    left = f"{last.remaining} of {last.limit}" if last.limit is not None else str(last.remaining)
    ax.set_title(f"Rate-limit headroom: {left} left ({len(counted)} samples)")
    _legend_below(ax)
    return ax


@themed
def jwt_timeline(info: JwtInfo, *, now: dt.datetime, server_now: dt.datetime | None = None,
                 ax: Axes | None = None) -> Axes:
    """iat, nbf and exp on a UTC time line, the validity span, and both clocks."""
    ax = _axes(ax, (8.0, 2.8))
    ax.set_yticks([])
    ax.set_xlabel("time (UTC)")
    if info.error is not None:
        ax.set_title("JWT could not be read")
        ax.text(0.5, 0.5, info.error, ha="center", va="center", wrap=True,
                transform=ax.transAxes)
        return ax
    marks = {k: v for k, v in (("iat", info.iat), ("nbf", info.nbf), ("exp", info.exp))
             if v is not None}
    start, end = info.nbf or info.iat, info.exp
    if start is not None and end is not None and end > start:
        ax.barh(0, _num(end) - _num(start), left=_num(start),
                height=0.3, color=OKABE_ITO["green"], alpha=0.35, label="valid span")
    for name, when in marks.items():
        ax.plot([_num(when)], [0.0], marker="|", markersize=22, color=NEUTRAL)
        ax.annotate(f"{name}\n{when:%H:%M:%S}", (_num(when), 0), xytext=(0, 14),
                    textcoords="offset points", ha="center", fontsize=8)
    ax.axvline(_num(now), color=OKABE_ITO["blue"], label=f"your clock {now:%H:%M:%S}")
    if server_now is not None:
        offset = (server_now - now).total_seconds()
        ax.axvline(_num(server_now), color=OKABE_ITO["vermillion"], linestyle="--",
                   label=f"server clock ({offset:+.0f} s)")
    points = [*marks.values(), now, *([server_now] if server_now else [])]
    lo, hi = min(points), max(points)
    pad = max((hi - lo) * 0.1, dt.timedelta(minutes=1))
    ax.set_xlim(_num(lo - pad), _num(hi + pad))
    ax.set_ylim(-1, 1)
    _utc_axis(ax)
    ax.set_title("JWT validity: " + _token_state(info, now, "your clock") + (
        "; " + _token_state(info, server_now, "the server's clock") if server_now else ""))
    _legend_below(ax)
    return ax


def _token_state(info: JwtInfo, now: dt.datetime, whose: str) -> str:
    if info.nbf is not None and now < info.nbf:
        return f"not valid yet by {whose} (nbf {relative(info.nbf, now)})"
    if info.exp is not None and now >= info.exp:
        return f"expired by {whose} ({relative(info.exp, now)})"
    if info.exp is not None:
        return f"valid by {whose}, expires {relative(info.exp, now)}"
    return f"valid by {whose}, no expiry"


def to_png(fig_or_ax: Figure | Axes, *, dpi: int = 100) -> bytes:
    """The figure (of an Axes, or itself) as PNG bytes on a transparent background, its
    black text and rules turned mid grey, so it reads in light and dark notebook themes."""
    buffer = io.BytesIO()
    figure = theme_safe(_figure(fig_or_ax))
    figure.savefig(buffer, format="png", dpi=dpi, transparent=True)
    return buffer.getvalue()


def theme_safe(figure: Figure) -> Figure:
    """Recolour what matplotlib draws black (text, spines, ticks, outlines, legend frames) to
    ``NEUTRAL`` and drop the white slabs; text set on a coloured tile (gid "ink") is kept."""
    from matplotlib.legend import Legend
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch as AnyPatch
    from matplotlib.spines import Spine
    from matplotlib.text import Text

    def dark(colour: Any) -> bool:
        r, g, b = to_rgb(colour)
        return 0.299 * r + 0.587 * g + 0.114 * b < 0.3

    for text in figure.findobj(Text):
        if text.get_gid() != "ink" and dark(text.get_color()):
            text.set_color(NEUTRAL)
    for ax in figure.axes:
        ax.tick_params(colors=NEUTRAL, which="both")
        ax.set_facecolor("none")
    for spine in figure.findobj(Spine):
        spine.set_edgecolor(NEUTRAL)
    for line in figure.findobj(Line2D):
        if dark(line.get_color()):
            line.set_color(NEUTRAL)
    for patch in figure.findobj(AnyPatch):
        if not isinstance(patch, Spine) and patch.get_linewidth() and dark(patch.get_edgecolor()):
            patch.set_edgecolor(NEUTRAL)
    for legend in figure.findobj(Legend):
        legend.get_frame().set_facecolor("none")
        legend.get_frame().set_edgecolor(NEUTRAL)
    return figure


def to_svg(fig_or_ax: Figure | Axes) -> str:
    """The figure (of an Axes, or itself) as an SVG document."""
    buffer = io.StringIO()
    _figure(fig_or_ax).savefig(buffer, format="svg")
    return buffer.getvalue()


def _figure(fig_or_ax: Figure | Axes) -> Figure:
    if isinstance(fig_or_ax, Figure):
        return fig_or_ax
    figure = fig_or_ax.get_figure(root=True)
    if not isinstance(figure, Figure):
        raise ValueError("the Axes is not attached to a Figure")
    return figure


def _legend(ax: Axes, colours: dict[str, str], title: str, *, outside: bool = False) -> None:
    handles = [Patch(facecolor=c, edgecolor=NEUTRAL, linewidth=0.5, label=k.replace("_", " "))
               for k, c in colours.items()]
    if outside:
        ax.legend(handles=handles, title=title, loc="upper left", bbox_to_anchor=(1.01, 1),
                  fontsize=8)
    else:
        ax.legend(handles=handles, title=title, loc="lower right", fontsize=8)


def _ink(colour: str) -> str:
    r, g, b = to_rgb(colour)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


# The time-series charts live in their own module; kit.plots is where they are imported from.
# Appended after the charts above, on purpose (hence E402).
from ._history import charts as _timeplots  # noqa: E402

headroom_over_time = _timeplots.headroom_over_time
error_rates_chart = _timeplots.error_rates_chart
status_mix = _timeplots.status_mix
cause_mix_chart = _timeplots.cause_mix_chart
latency_chart = _timeplots.latency_chart
