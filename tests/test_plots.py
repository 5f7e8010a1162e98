"""kit.plots: Figures without pyplot, rendered headless, carrying the expected series and labels."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import jwt
import pytest

import kit
from kit import plots
from kit._http.exchange import NetworkError
from kit._tools.access import AccessMatrix, Cell

T0 = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
PNG = b"\x89PNG\r\n\x1a\n"


def diagnosis() -> kit.Diagnosis:
    """Three probes: a refusal, a success, and one that got no answer."""
    exchanges = [
        kit.Exchange("GET", "http://a.test/a", status=403, elapsed=0.120, label="baseline"),
        kit.Exchange("GET", "http://a.test/a", status=200, elapsed=0.080, label="browser UA"),
        kit.Exchange("GET", "http://a.test/a", error=NetworkError("timeout", "slow"), label="ipv6"),
    ]
    return kit.Diagnosis(findings=[], exchanges=exchanges)


def matrix() -> AccessMatrix:
    """Two credentials by three endpoints, one cell skipped."""
    return AccessMatrix(
        endpoints=("http://h/s/a", "http://h/s/b", "http://h/s/"),
        labels=("none", "member"),
        cells=((Cell(401, "unauthenticated"), Cell(404, "not_found"), Cell(200, "allowed")),
               (Cell(403, "forbidden"), Cell(429, "rate_limited"), Cell(None, "skipped"))),
        skipped=1, stopped="the server asked to wait", sent=5)


def samples() -> list[kit.Sample]:
    """Remaining falls 9, 6, 3 over two minutes of a limit of 10, the last one refused."""
    reset = T0 + dt.timedelta(minutes=10)
    return [kit.Sample(T0 + dt.timedelta(minutes=i), 429 if i == 2 else 200, 10, 9 - 3 * i,
                       reset, "x-ratelimit") for i in range(3)]


def legend_texts(ax: object) -> list[str]:
    """The texts of an Axes' legend."""
    legend = ax.get_legend()  # type: ignore[attr-defined]
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


def test_probe_matrix_shows_each_probes_outcome_and_status() -> None:
    """Three exchanges give three tiles, labelled by probe, coloured by outcome and reading
    the status; response time is not what the chart is about."""
    ax = plots.probe_matrix(diagnosis())
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == ["baseline", "browser UA", "ipv6"]
    colours = [p.get_facecolor()[:3] for p in ax.patches]
    from matplotlib.colors import to_rgb

    assert colours == [to_rgb(plots.OUTCOME_COLOURS[k]) for k in ("refused", "allowed", "error")]
    assert "time" not in ax.get_xlabel()
    assert ax.get_title(loc="left") == "What each probe got back: 1 of 3 refused"
    assert legend_texts(ax) == ["allowed", "refused", "error"]
    assert [t.get_text() for t in ax.texts] == ["403 Forbidden · refused", "200 OK · allowed",
                                                "no answer (timeout) · error"]
    assert to_png_ok(ax)


def test_access_heatmap_cells_and_labels() -> None:
    """A 2 x 3 matrix gives one 2 x 3 image, six cell texts and readable tick labels."""
    ax = plots.access_heatmap(matrix())
    image = ax.get_images()[0]
    assert image.get_array().shape == (2, 3)
    assert [t.get_text() for t in ax.texts] == ["401", "404", "200", "403", "429", "skipped"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["none", "member"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["…/a", "…/b", "…/"]
    assert ax.get_title() == "Access matrix: 5 requests, 1 cells skipped"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("endpoint", "credential")
    assert set(legend_texts(ax)) == {"allowed", "forbidden", "unauthenticated", "rate limited",
                                     "not found", "skipped"}
    assert to_png_ok(ax)


def test_heatmap_colours_follow_the_verdict() -> None:
    """Each cell's colour is its verdict's colour."""
    from matplotlib.colors import to_rgba

    ax = plots.access_heatmap(matrix())
    image = ax.get_images()[0]
    rgba = image.to_rgba(image.get_array(), norm=True)
    assert tuple(rgba[1][0]) == pytest.approx(to_rgba(plots.VERDICT_COLOURS["forbidden"]))
    assert tuple(rgba[0][2]) == pytest.approx(to_rgba(plots.VERDICT_COLOURS["allowed"]))


def test_headroom_chart_series_and_forecast() -> None:
    """Remaining, limit, refused marks, the next reset and the forecast are drawn on UTC time."""
    ax = plots.headroom_chart(samples())
    labels = legend_texts(ax)
    assert labels[:2] == ["remaining", "limit"]
    assert "next reset 12:10:00 UTC" in labels
    assert "forecast: spent in 1 min" in labels
    assert "refused (403/429)" in labels
    remaining = next(line for line in ax.get_lines() if line.get_label() == "remaining")
    assert list(remaining.get_ydata()) == [9, 6, 3]
    assert ax.get_xlabel() == "time (UTC)"
    assert ax.get_ylabel() == "requests remaining"
    assert ax.get_title() == "Rate-limit headroom: 3 of 10 left (3 samples)"
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks
    assert all(":" in t for t in ticks)  # clock times on the ticks ...
    offset = ax.xaxis.get_major_formatter().get_offset()
    assert "2025-Jun-01" in offset  # ... and the date beside them
    assert to_png_ok(ax)


def test_headroom_chart_without_counts() -> None:
    """No samples with counts yet draws a note instead of failing."""
    ax = plots.headroom_chart([kit.Sample(T0, 200, None, None, None, None)])
    assert ax.get_title() == "Rate-limit headroom: no counts yet"
    assert not ax.get_lines()


def test_jwt_timeline_shows_both_clocks() -> None:
    """iat/nbf/exp marks, the validity span, your clock and a server clock 600 s ahead."""
    token = jwt.encode({"iat": int((T0 - dt.timedelta(minutes=55)).timestamp()),
                        "nbf": int((T0 - dt.timedelta(minutes=55)).timestamp()),
                        "exp": int((T0 + dt.timedelta(minutes=5)).timestamp())},
                       "test-secret-not-used-anywhere-else", algorithm="HS256")
    info = kit.inspect_jwt(token)
    ax = plots.jwt_timeline(info, now=T0, server_now=T0 + dt.timedelta(seconds=600))
    assert [t.get_text().split("\n")[0] for t in ax.texts] == ["iat", "nbf", "exp"]
    assert set(legend_texts(ax)) == {"valid span", "your clock 12:00:00",
                                     "server clock (+600 s)"}
    assert ax.get_title() == ("JWT validity: valid by your clock, expires in 5 min; expired by "
                              "the server's clock (5 min ago)")
    assert ax.get_xlabel() == "time (UTC)"
    assert len(ax.patches) == 1
    assert to_png_ok(ax)


def test_jwt_timeline_unreadable_token() -> None:
    """A JwtInfo with an error says so in the title."""
    ax = plots.jwt_timeline(kit.inspect_jwt("eyJnot.a.token"), now=T0)
    assert ax.get_title() == "JWT could not be read"
    assert "not a readable JWT" in ax.texts[0].get_text()


def test_given_axes_are_used() -> None:
    """Passing ax= draws there and returns the same Axes."""
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert plots.probe_matrix(diagnosis(), ax=ax) is ax
    assert plots.to_png(fig).startswith(PNG)


def test_svg_render() -> None:
    """to_svg returns an SVG document of the figure."""
    svg = plots.to_svg(plots.access_heatmap(matrix()))
    assert svg.lstrip().startswith("<?xml")
    assert "<svg" in svg
    assert svg.rstrip().endswith("</svg>")


def to_png_ok(ax: object) -> bool:
    """The Axes' figure renders to a non-trivial PNG."""
    data = plots.to_png(ax)  # type: ignore[arg-type]
    return data.startswith(PNG) and len(data) > 2000


def test_import_kit_does_not_load_matplotlib() -> None:
    """`import kit` and its tool names leave matplotlib unloaded; kit.plots avoids pyplot."""
    code = ("import sys, kit; kit.build_request; kit.RateLimitMonitor; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib loaded'; "
            "import kit.plots; assert 'matplotlib.pyplot' not in sys.modules, 'pyplot loaded'")
    result = subprocess.run([sys.executable, "-c", code],  # noqa: S603 - our own fixed code
                            capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
