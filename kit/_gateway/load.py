"""Read a gateway configuration from files and tell which gateway it is for.

``load_config`` takes a path, a list of paths (a Tyk API definition with its policies, an AWS
resource policy with the OpenAPI export), a directory of them, or an already loaded
configuration; ``kind=`` skips the sniffing. Every failure is a ``ConfigError`` that names the
file and, where it applies, the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .document import Document, parse_document, read_text
from .model import ConfigError, GatewayConfig
from .registry import GATEWAYS, gateway

_DATA_SUFFIXES = {".json", ".yaml", ".yml"}
ConfigSource = str | Path | GatewayConfig | Sequence[str | Path]


def load_config(source: ConfigSource, *, kind: str | None = None) -> GatewayConfig:
    """A loaded configuration, its gateway detected from the content unless ``kind`` is given."""
    if isinstance(source, GatewayConfig):
        return source
    if kind is not None:
        gateway(kind)  # a clear ValueError for an unknown kind, before any file is read
    paths = _paths(source)
    texts = [read_text(p) for p in paths]  # each file read once, whatever it turns out to be
    text_kind = next((k for k in (_text_kind(kind, p, t) for p, t in zip(
        paths, texts, strict=True)) if k), None)
    if text_kind:
        plain = [Document(str(p), t, None) for p, t in zip(paths, texts, strict=True)]
        return gateway(text_kind).load(plain, paths[0].resolve().parent)
    docs = [parse_document(t, str(p)) for p, t in zip(paths, texts, strict=True)]
    return _from_documents(docs, kind)


def parse_config(text: str, *, kind: str | None = None, source: str = "<text>") -> GatewayConfig:
    """A configuration given as text (a notebook cell, an upload); same detection as files."""
    if not isinstance(text, str):
        raise TypeError("parse_config takes the configuration's text; use load_config for files")
    if kind is not None:
        gateway(kind)
    if not text.strip():
        raise ConfigError("the configuration is empty", source=source,
                          hint="paste or upload the gateway's configuration file")
    text_kind = _text_kind(kind, None, text)
    if text_kind:
        return gateway(text_kind).load([Document(source, text, None)])
    return _from_documents([parse_document(text, source)], kind)


def detect(doc: Document) -> tuple[str, str] | None:
    """(gateway, role) for a JSON/YAML document, e.g. ("tyk", "policies"), or None."""
    for kind in GATEWAYS:
        module = gateway(kind)
        if module.TEXT:
            continue
        role = module.looks_like(doc.data)
        if role:
            return kind, role
    return None


def _from_documents(docs: list[Document], kind: str | None) -> GatewayConfig:
    kinds: dict[str, list[Document]] = {}
    for doc in docs:
        found = kind or (detect(doc) or (None, ""))[0]
        if found is None:
            raise ConfigError(
                "cannot tell which gateway this configuration is for", source=doc.source,
                hint="expected a Tyk API definition or policy, a Kong declarative file, an AWS "
                     "resource policy or OpenAPI export, nginx or Apache httpd; pass kind= one of "
                     f"{', '.join(repr(k) for k in GATEWAYS)} if it is one of them")
        kinds.setdefault(found, []).append(doc)
    if len(kinds) > 1:
        named = "; ".join(f"{k}: {', '.join(d.source for d in ds)}" for k, ds in kinds.items())
        raise ConfigError(f"these files are for different gateways ({named})",
                          source=docs[0].source, hint="audit one gateway at a time")
    (found_kind, group), = kinds.items()
    module = gateway(found_kind)
    if module.TEXT:
        raise ConfigError(f"{found_kind} configurations are text, not JSON/YAML",
                          source=group[0].source,
                          hint=f"pass the {found_kind} configuration file itself")
    return module.load(group)


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


def _text_kind(kind: str | None, path: Path | None, text: str) -> str | None:
    """The plain-text gateway this file is for (given as ``kind`` or sniffed), else None."""
    if kind is not None:
        return kind if gateway(kind).TEXT else None
    if path is not None and path.suffix.lower() in _DATA_SUFFIXES:
        return None
    if text.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
        return None
    for name in GATEWAYS:
        module = gateway(name)
        if module.TEXT and module.looks_like(text):
            return name
    return None
