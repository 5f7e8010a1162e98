"""The Kong gateway: a declarative file walked through Kong's router and plugins.

Meets ``kit._gateway.contract.Gateway``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..document import Document
from ..model import ConfigError
from .config import KongConfig, load_kong, looks_like_kong

__all__ = ["KIND", "SAMPLE", "TEXT", "load", "looks_like"]

KIND = "kong"
TEXT = False
SAMPLE = ("kong.yml",)


def looks_like(content: object) -> str | None:
    """"kong" for a declarative file's data, else None."""
    return KIND if looks_like_kong(content) else None


def load(documents: Sequence[Document], folder: Path | None = None) -> KongConfig:
    """One declarative file."""
    if len(documents) != 1:
        raise ConfigError("Kong takes one declarative file",
                          source=documents[1].source if documents else "<none>",
                          hint="merge the files (deck file merge) or audit them one by one")
    return load_kong(documents[0])
