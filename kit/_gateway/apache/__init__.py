"""The Apache httpd gateway: its configuration read and a request walked through it the way
httpd does (sections merged in httpd's order, authz, access_compat, rewrite, mod_dir).

Meets ``kit._gateway.contract.Gateway``: one text file, its ``Include`` lines followed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..document import Document
from ..model import ConfigError
from .eval import ApacheConfig
from .parse import looks_like_apache, parse_apache

__all__ = ["KIND", "SAMPLE", "TEXT", "load", "looks_like"]

KIND = "apache"
TEXT = True
SAMPLE = ("httpd.conf",)


def looks_like(content: object) -> str | None:
    """"apache" for httpd configuration text, else None."""
    return KIND if isinstance(content, str) and looks_like_apache(content) else None


def load(documents: Sequence[Document], folder: Path | None = None) -> ApacheConfig:
    """apache2.conf, httpd.conf or a site file; its Include lines resolve in ``folder``."""
    if len(documents) != 1:
        raise ConfigError("Apache httpd takes one file: its main configuration",
                          source=documents[1].source if len(documents) > 1 else "<none>",
                          hint="pass apache2.conf/httpd.conf (or the site file); its Include "
                               "lines are followed")
    return parse_apache(documents[0].text, documents[0].source, folder)
