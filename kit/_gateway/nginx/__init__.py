"""The nginx gateway: its configuration read and a request walked through it the way nginx does.

Meets ``kit._gateway.contract.Gateway``: one text file, its ``include`` lines followed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..document import Document
from ..model import ConfigError
from .eval import NginxConfig
from .parse import looks_like_nginx, parse_nginx

__all__ = ["KIND", "SAMPLE", "TEXT", "load", "looks_like"]

KIND = "nginx"
TEXT = True
SAMPLE = ("site.conf",)


def looks_like(content: object) -> str | None:
    """"nginx" for nginx configuration text, else None."""
    return KIND if isinstance(content, str) and looks_like_nginx(content) else None


def load(documents: Sequence[Document], folder: Path | None = None) -> NginxConfig:
    """The one file nginx is started with (or a site file); its includes resolve in ``folder``."""
    if len(documents) != 1:
        raise ConfigError("nginx takes one file: its main configuration",
                          source=documents[0].source if documents else "<none>",
                          hint="pass the file nginx is started with (or the site file); "
                               "its include lines are followed")
    return parse_nginx(documents[0].text, documents[0].source, folder)
