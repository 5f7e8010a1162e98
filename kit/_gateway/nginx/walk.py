"""What one evaluation gathers as it walks: state, steps, limits, levels, the location.

Its own module so that the evaluator (``eval``) and the fix-writer (``fix``) both read it
without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Limit, Step
from .syntax import Directive
from .tree import Level
from .vars import State


@dataclass
class Walk:
    """Everything one evaluation gathered."""

    st: State
    steps: list[Step] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)
    location_label: str = "the server level"
    location: Directive | None = None
    changes: int = 0  # URI changes so far (rewrites and internal redirects)
