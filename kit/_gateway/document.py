"""JSON and YAML documents that remember where each value was written.

Tyk, Kong, AWS policies and OpenAPI files are JSON or YAML. Evaluators read plain Python
values from ``Document.data`` and ask ``Document.ref(path)`` for a ``RuleRef`` carrying the
file, the line and the JSON path (``$.version_data.versions.v1.allowed_ips[2]``), so a verdict
can point at the exact rule. Syntax errors become ``ConfigError`` with line and column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .._http.secrets import mask_text
from .model import ConfigError, RuleRef

PathKey = tuple[str | int, ...]


def json_path(keys: Sequence[str | int]) -> str:
    """``("a", 0, "b c")`` -> ``$.a[0]["b c"]``."""
    out = "$"
    for key in keys:
        if isinstance(key, int):
            out += f"[{key}]"
        elif key.isidentifier():
            out += f".{key}"
        else:
            out += f"[{json.dumps(key)}]"
    return out


@dataclass(frozen=True)
class Document:
    """A parsed JSON/YAML file: its data, its text and the line of every value."""

    source: str
    text: str
    data: Any
    positions: dict[PathKey, int] = field(default_factory=dict)  # path -> 1-based line

    def line_of(self, keys: Sequence[str | int]) -> int | None:
        """The line of the value at ``keys``, or of its nearest written parent."""
        keys = tuple(keys)
        while keys:
            if keys in self.positions:
                return self.positions[keys]
            keys = keys[:-1]
        return self.positions.get((), None)

    def ref(self, keys: Sequence[str | int], text: str | None = None) -> RuleRef:
        """A RuleRef to the value at ``keys``; ``text`` defaults to a short rendering of it."""
        if text is None:
            text = _short(self.get(keys))
        return RuleRef(self.source, self.line_of(keys), json_path(keys), mask_text(text))

    def get(self, keys: Sequence[str | int], default: Any = None) -> Any:
        node = self.data
        for key in keys:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                return default
        return node


def _short(value: Any, limit: int = 120) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_document(text: str, source: str = "<text>") -> Document:
    """Parse JSON (strictly, when it looks like JSON) or YAML, keeping value positions."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            offset = len(text) - len(stripped)
            line = text.count("\n", 0, offset + exc.pos) + 1
            raise ConfigError(f"not valid JSON: {exc.msg}", source=source, line=line,
                              column=exc.colno,
                              hint="check for a missing comma, quote or bracket near there"
                              ) from None
        return Document(source, text, data, _positions(_compose(text)))
    try:
        loader = _LOADER(text)
        try:
            root = loader.get_single_node()
            aliased = _ALIAS.search(text) is not None  # no alias: no loop, no blow-up
            looped = _cycle(root) if aliased else None
            if looped is not None:
                raise ConfigError("a YAML alias refers to the value that contains it",
                                  source=source, line=looped.start_mark.line + 1,
                                  hint="a gateway configuration cannot contain itself; write "
                                       "the value out instead of the alias") from None
            if aliased and _expanded_size(root) > _MAX_NODES:
                raise ConfigError("YAML aliases expand this file beyond any real configuration "
                                  f"(over {_MAX_NODES:,} values)", source=source,
                                  hint="write the values out instead of nesting aliases"
                                  ) from None
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"not valid YAML: {problem}", source=source,
                          line=mark.line + 1 if mark else None,
                          column=mark.column + 1 if mark else None,
                          hint="check the indentation and quoting near there") from None
    return Document(source, text, data, _positions(root))


def load_document(path: str | Path) -> Document:
    """Read and parse a JSON/YAML file; unreadable files raise ConfigError."""
    return parse_document(read_text(path), str(path))


_MAX_BYTES = 20 * 1024 * 1024  # a gateway config larger than this is not a config


def read_text(path: str | Path) -> str:
    """A configuration file's text; too large, binary, unreadable or non-UTF-8 files raise
    ConfigError naming the file (and the line of the first bad byte)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > _MAX_BYTES:
            raise ConfigError(f"the file is {size / 2**20:.0f} MiB, too large for a gateway "
                              "configuration", source=str(path), hint="pass the config file")
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the file ({exc.strerror or exc})", source=str(path),
                          hint="check the path and its permissions") from None
    if b"\x00" in raw[:4096]:
        raise ConfigError("this is a binary file, not a configuration", source=str(path))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError("not UTF-8 text", source=str(path), line=line,
                          hint="save the file as UTF-8") from None


# libyaml's parser when PyYAML was built with it (10-30x faster on large files); the same
# SafeConstructor either way, so the data is identical.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(text: str) -> yaml.Node | None:
    """The node graph of a JSON text, for line numbers only.

    JSON is YAML too; a document YAML cannot compose (tabs, exotic escapes) simply gets no
    line numbers: the JSON path still says where a rule is.
    """
    try:
        return yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        return None


def _positions(root: yaml.Node | None) -> dict[PathKey, int]:
    """Line of every mapping value and sequence item, read from YAML's node marks."""
    out: dict[PathKey, int] = {}
    if root is None:
        return out
    seen: set[int] = set()  # an aliased node is walked once: no blow-up, no endless loop
    stack: list[tuple[yaml.Node, PathKey]] = [(root, ())]
    while stack:
        node, keys = stack.pop()
        out.setdefault(keys, node.start_mark.line + 1)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
                path = (*keys, key)
                out[path] = key_node.start_mark.line + 1
                stack.append((value_node, path))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                out[(*keys, index)] = item.start_mark.line + 1
                stack.append((item, (*keys, index)))
    return out


_MAX_NODES = 1_000_000
_ALIAS = re.compile(r"(?:^|[\s\[{,:])\*[^\s,\[\]{}]")  # a YAML alias (*name), or a false alarm


def _expanded_size(root: yaml.Node | None) -> int:
    """How many values the document holds once every alias is written out (no cycles)."""
    if root is None:
        return 0
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if id(node) in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        if ready:
            sizes[id(node)] = min(1 + sum(sizes[id(c)] for c in children), 10 * _MAX_NODES)
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _cycle(root: yaml.Node | None) -> yaml.Node | None:
    """A node that contains itself through an alias (``&a [*a]``), or None."""
    if root is None:
        return None
    done: set[int] = set()
    path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            path.discard(id(node))
            done.add(id(node))
            continue
        if id(node) in path:
            return node
        if id(node) in done:
            continue
        path.add(id(node))
        stack.append((node, True))
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        stack.extend((child, False) for child in children)
    return None
