"""The gateway contract: what each subpackage of ``kit._gateway`` exports from its face.

    KIND        the name in ``kind=``, ``forbidden-kit audit --kind`` and the panel's dropdown
    TEXT        True when the configuration is one plain-text file (nginx), False for JSON/YAML
    SAMPLE      the file names of its sample configuration, in ``<gateway>/sample/``
    looks_like  the file's text (TEXT) or its parsed data -> a role ("api", "policy"...) or None
    load        the files, as Documents -> a GatewayConfig whose ``evaluate`` walks a request

A new gateway is a folder whose ``__init__.py`` meets this contract, one line in
``registry.GATEWAYS`` and one test file (docs/architecture.md shows the three).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from .document import Document
from .model import GatewayConfig


class Gateway(Protocol):
    """A gateway subpackage, as the loader, the CLI, the panel and ``sample_config`` see it."""

    KIND: str
    TEXT: bool
    SAMPLE: tuple[str, ...]

    def looks_like(self, content: Any) -> str | None:
        """A role for a file this gateway reads, or None."""

    def load(self, documents: Sequence[Document], folder: Path | None = None) -> GatewayConfig:
        """The configuration the files make; ``folder`` is where relative includes resolve."""
