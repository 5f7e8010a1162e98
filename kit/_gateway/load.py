"""Read a gateway configuration from files and tell which gateway it is for.

``load_config`` takes a path, a list of paths (a Tyk API definition with its policies, an AWS
resource policy with the OpenAPI export), a directory of them, or an already loaded
configuration; ``kind=`` skips the sniffing. Every failure is a ``ConfigError`` that names the
file and, where it applies, the line.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .document import Document, parse_document, read_text
from .model import ConfigError, GatewayConfig

KINDS = ("nginx", "apache", "tyk", "kong", "aws")
_DATA_SUFFIXES = {".json", ".yaml", ".yml"}
ConfigSource = str | Path | GatewayConfig | Sequence[str | Path]


def load_config(source: ConfigSource, *, kind: str | None = None) -> GatewayConfig:
    """A loaded configuration, its gateway detected from the content unless ``kind`` is given."""
    if isinstance(source, GatewayConfig):
        return source
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    paths = _paths(source)
    texts = [read_text(p) for p in paths]  # each file read once, whatever it turns out to be
    if kind == "apache" or (kind is None and _is_apache(paths[0], texts[0])):
        return _apache(paths, texts)
    nginx = [kind == "nginx" or (kind is None and _is_nginx(p, t)) for p, t in zip(
        paths, texts, strict=True)]
    if len(paths) > 1 and any(nginx):
        raise ConfigError("nginx takes one file: its main configuration", source=str(paths[0]),
                          hint="pass the file nginx is started with (or the site file); "
                               "its include lines are followed")
    if nginx[0]:
        module = importlib.import_module(".nginx.parse", __package__)
        loaded: GatewayConfig = module.parse_nginx(texts[0], str(paths[0]),
                                                   paths[0].resolve().parent)
        return loaded
    docs = [parse_document(t, str(p)) for p, t in zip(paths, texts, strict=True)]
    return _from_documents(docs, kind)


def parse_config(text: str, *, kind: str | None = None, source: str = "<text>") -> GatewayConfig:
    """A configuration given as text (a notebook cell, an upload); same detection as files."""
    if not isinstance(text, str):
        raise TypeError("parse_config takes the configuration's text; use load_config for files")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    if not text.strip():
        raise ConfigError("the configuration is empty", source=source,
                          hint="paste or upload the gateway's configuration file")
    if kind == "apache" or (kind is None and _apache_text(text)):
        apache: GatewayConfig = importlib.import_module(
            ".apache.parse", __package__).parse_apache(text, source)
        return apache
    if kind == "nginx" or (kind is None and _nginx_text(text)):
        module = importlib.import_module(".nginx.parse", __package__)
        loaded: GatewayConfig = module.parse_nginx(text, source)
        return loaded
    return _from_documents([parse_document(text, source)], kind)


def detect(doc: Document) -> tuple[str, str] | None:
    """(gateway, role) for a JSON/YAML document, e.g. ("tyk", "policies"), or None."""
    for kind, sniff in _sniffers():
        role = sniff(doc.data)
        if role:
            return kind, role if isinstance(role, str) else kind
    return None


def _sniffers() -> list[tuple[str, Callable[[object], Any]]]:
    package = __package__
    return [
        ("aws", importlib.import_module(".aws.config", package).looks_like_aws),
        ("kong", importlib.import_module(".kong.config", package).looks_like_kong),
        ("tyk", importlib.import_module(".tyk.config", package).looks_like_tyk),
    ]


def _from_documents(docs: list[Document], kind: str | None) -> GatewayConfig:
    kinds: dict[str, list[Document]] = {}
    for doc in docs:
        found = kind or (detect(doc) or (None, ""))[0]
        if found is None:
            raise ConfigError(
                "cannot tell which gateway this configuration is for", source=doc.source,
                hint="expected a Tyk API definition or policy, a Kong declarative file, an AWS "
                     "resource policy or OpenAPI export, nginx or Apache httpd; pass "
                     "kind='tyk', 'kong', 'aws', 'nginx' or 'apache' if it is one of them")
        kinds.setdefault(found, []).append(doc)
    if len(kinds) > 1:
        named = "; ".join(f"{k}: {', '.join(d.source for d in ds)}" for k, ds in kinds.items())
        raise ConfigError(f"these files are for different gateways ({named})",
                          source=docs[0].source, hint="audit one gateway at a time")
    (found_kind, group), = kinds.items()
    if found_kind == "nginx":
        raise ConfigError("nginx configurations are text, not JSON/YAML", source=group[0].source,
                          hint="pass the nginx .conf file itself")
    package = __package__
    if found_kind == "kong":
        if len(group) > 1:
            raise ConfigError("Kong takes one declarative file", source=group[1].source,
                              hint="merge the files (deck file merge) or audit them one by one")
        loaded: GatewayConfig = importlib.import_module(".kong.config", package).load_kong(group[0])
        return loaded
    loader = {"tyk": (".tyk.config", "load_tyk"), "aws": (".aws.config", "load_aws")}[found_kind]
    loaded = getattr(importlib.import_module(loader[0], package), loader[1])(group)
    return loaded


def _paths(source: str | Path | Sequence[str | Path]) -> list[Path]:
    if isinstance(source, str | Path):
        items: list[str | Path] = [source]
    elif isinstance(source, Sequence):
        items = list(source)
    else:
        raise TypeError(f"expected a path, a list of paths or a loaded configuration, "
                        f"not {type(source).__name__}")
    if not items:
        raise ValueError("no configuration files given")
    paths: list[Path] = []
    for item in items:
        if isinstance(item, str) and ("\n" in item or "{" in item):
            raise ValueError("that looks like a configuration's text, not a path: use "
                             "kit.parse_config(text) for text")
        path = Path(item).expanduser()
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in _DATA_SUFFIXES)
            if not found:
                raise ConfigError("no .json, .yaml or .yml files in this directory",
                                  source=str(path), hint="for nginx, pass the .conf file")
            paths.extend(found)
        elif not path.exists():
            raise ConfigError("no such file", source=str(path),
                              hint="check the path (relative paths start at the current "
                                   f"directory, {Path.cwd()})")
        else:
            paths.append(path)
    return paths


def _is_nginx(path: Path, text: str) -> bool:
    return path.suffix.lower() not in _DATA_SUFFIXES and _nginx_text(text)


def _nginx_text(text: str) -> bool:
    if text.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
        return False
    module = importlib.import_module(".nginx.parse", __package__)
    return bool(module.looks_like_nginx(text))


def _is_apache(path: Path, text: str) -> bool:
    return path.suffix.lower() not in _DATA_SUFFIXES and _apache_text(text)


def _apache_text(text: str) -> bool:
    module = importlib.import_module(".apache.parse", __package__)
    return bool(module.looks_like_apache(text))


def _apache(paths: list[Path], texts: list[str]) -> GatewayConfig:
    if len(paths) > 1:
        raise ConfigError("Apache httpd takes one file: its main configuration",
                          source=str(paths[1]), hint="pass apache2.conf/httpd.conf (or the "
                          "site file); its Include lines are followed")
    module = importlib.import_module(".apache.parse", __package__)
    loaded: GatewayConfig = module.parse_apache(texts[0], str(paths[0]),
                                                paths[0].resolve().parent)
    return loaded
