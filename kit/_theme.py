"""Charts that read in JupyterLab's light and dark themes alike.

A chart the kit makes itself (no ``ax=`` given) is drawn under :data:`RC`: a transparent
figure and axes, mid-grey text, ticks, spines and legend frames (about 4:1 contrast on white
and on a near-black background), so the inline backend's PNG is no white slab in a dark
notebook. A chart drawn into the caller's own Axes keeps the caller's style.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

NEUTRAL = "#808080"
OKABE_ITO = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "grey": "#999999"}
"""The colour-blind-safe palette (Okabe and Ito) every chart of the kit draws with."""
RC: dict[str, Any] = {
    "figure.facecolor": "none", "axes.facecolor": "none", "savefig.facecolor": "none",
    "savefig.transparent": True, "text.color": NEUTRAL, "axes.labelcolor": NEUTRAL,
    "axes.edgecolor": NEUTRAL, "axes.titlecolor": NEUTRAL, "xtick.color": NEUTRAL,
    "ytick.color": NEUTRAL, "legend.facecolor": "none", "legend.edgecolor": NEUTRAL,
    "legend.framealpha": None, "hatch.color": NEUTRAL,
}
F = TypeVar("F", bound=Callable[..., Any])


def themed(chart: F) -> F:
    """Run ``chart`` under :data:`RC` when it makes its own Figure (``ax`` not given)."""

    @functools.wraps(chart)
    def draw(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("ax") is not None:
            return chart(*args, **kwargs)
        from matplotlib import rc_context

        settings: Any = RC  # matplotlib types rc keys as a Literal union
        with rc_context(settings):
            return chart(*args, **kwargs)

    return cast("F", draw)
