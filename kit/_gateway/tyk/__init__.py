"""The Tyk gateway: API definitions, policies and key sessions, walked in Tyk's middleware order.

Meets ``kit._gateway.contract.Gateway``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..document import Document
from .config import TykConfig, load_tyk
from .load import looks_like_tyk

__all__ = ["KIND", "SAMPLE", "TEXT", "load", "looks_like"]

KIND = "tyk"
TEXT = False
SAMPLE = ("api.json", "policies.json", "session.json")


def looks_like(content: object) -> str | None:
    """"api", "policies" or "session" for that Tyk file's data, else None."""
    return looks_like_tyk(content)


def load(documents: Sequence[Document], folder: Path | None = None) -> TykConfig:
    """API definitions, policies and key sessions, in any order."""
    return load_tyk(documents)
