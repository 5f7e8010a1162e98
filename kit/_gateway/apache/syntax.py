"""Apache httpd configuration syntax: directives and ``<Section>`` blocks, with file and line.

Follows server/config.c and util.c (ap_getword_conf): one directive a line, a ``\\`` at the
end of a line continues it, ``#`` starts a comment only at a line's start, arguments are
split on white space with ``"..."``/``'...'`` quoting (a backslash escapes the quote).
``Include``/``IncludeOptional`` are expanded here (globs; relative to ``ServerRoot``, else
to the main file's directory); ``Define`` variables are substituted as ``${NAME}``;
``<IfModule>``, ``<IfDefine>``, ``<IfVersion>``, ``<IfFile>``, ``<IfDirective>`` are
resolved: every module is taken as loaded, only ``Define``d names are defined.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..model import ConfigError, RuleRef

_CONDITIONALS = {"ifmodule", "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection"}
_VAR = re.compile(r"\$\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class Directive:
    """One directive or section as written: name, arguments, place, and its body if a section."""

    name: str
    args: tuple[str, ...]
    source: str
    line: int
    block: tuple[Directive, ...] | None = None
    text: str = ""  # the line as written (a section's opening tag)
    key: str = field(init=False, default="")  # the name in lower case, for lookups

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", self.name.lower())

    def ref(self, text: str | None = None) -> RuleRef:
        return RuleRef(self.source, self.line, None, self.text if text is None else text)

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"

    def error(self, message: str, hint: str = "") -> ConfigError:
        return ConfigError(message, source=self.source, line=self.line, hint=hint)


def split_args(text: str) -> list[str]:
    """ap_getword_conf over a whole line: words, quoted words with their quotes removed."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t":
            i += 1
        if i >= n:
            break
        quote = text[i]
        if quote in "\"'":
            i += 1
            word: list[str] = []
            while i < n and text[i] != quote:
                if text[i] == "\\" and i + 1 < n and text[i + 1] in (quote, "\\"):
                    i += 1
                word.append(text[i])
                i += 1
            i += 1  # the closing quote (or the end)
            out.append("".join(word))
        else:
            start = i
            while i < n and text[i] not in " \t":
                i += 1
            out.append(text[start:i])
    return out


class _Builder:
    """Reads files into Directive trees, following includes and conditionals."""

    def __init__(self, base_dir: Path | None) -> None:
        self.base_dir = base_dir
        self.server_root: Path | None = None
        self.files: dict[str, list[str]] = {}
        self.skipped: list[str] = []
        self.defines: dict[str, str] = {}
        self.depth = 0

    def parse(self, text: str, source: str) -> list[Directive]:
        self.files[source] = text.splitlines()
        lines = self._logical(text)
        body, _pos, closer = self._block(lines, 0, source, None)
        if closer is not None:
            raise ConfigError(f"</{closer[1]}> without matching <{closer[1]}> section",
                              source=source, line=closer[0], hint="remove it or open the section")
        return body

    def _logical(self, text: str) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        pending, start = "", 0
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.rstrip()
            if not pending:
                start = number
            if line.endswith("\\") and not line.endswith("\\\\"):
                pending += line[:-1] + " "
                continue
            line, pending = (pending + line).strip(), ""
            if line and not line.startswith("#"):
                out.append((start, line))
        if pending.strip():
            out.append((start, pending.strip()))
        return out

    def _block(self, lines: list[tuple[int, str]], pos: int, source: str,
               opened: str | None) -> tuple[list[Directive], int, tuple[int, str] | None]:
        out: list[Directive] = []
        while pos < len(lines):
            number, line = lines[pos]
            pos += 1
            line = _VAR.sub(lambda m: self.defines.get(m.group(1), m.group(0)), line)
            if line.startswith("</"):
                name = line[2:].rstrip(">").strip()
                if opened is None or name.lower() != opened.lower():
                    if opened is None:
                        return out, pos, (number, name)
                    raise ConfigError(f"</{name}> where </{opened}> was expected",
                                      source=source, line=number,
                                      hint=f"close <{opened}> first")
                return out, pos, None
            if line.startswith("<"):
                if not line.endswith(">"):
                    tag = (line[1:].split() or [""])[0]
                    raise ConfigError(f"<{tag}> directive missing closing '>'", source=source,
                                      line=number, hint="end the tag with >")
                words = split_args(line[1:-1])
                if not words:
                    raise ConfigError("empty section tag", source=source, line=number)
                name, args = words[0], tuple(words[1:])
                inner, pos, _ = self._block(lines, pos, source, name)
                if name.lower() in _CONDITIONALS:
                    if self._holds(name.lower(), args):
                        out.extend(inner)
                    continue
                out.append(Directive(name, args, source, number, tuple(inner), line))
                continue
            words = split_args(line)
            if not words or not words[0]:
                raise ConfigError(f"cannot read {line!r} as a directive", source=source,
                                  line=number, hint="a directive name comes first")
            d = Directive(words[0], tuple(words[1:]), source, number, None, line)
            key = d.key
            if key in ("include", "includeoptional"):
                out.extend(self._include(d, optional=key == "includeoptional"))
                continue
            if key == "define" and d.args:
                self.defines[d.args[0]] = d.args[1] if len(d.args) > 1 else ""
            if key == "serverroot" and d.args:
                self.server_root = Path(d.args[0])
            out.append(d)
        if opened is not None:
            raise ConfigError(f"<{opened}> section is never closed", source=source,
                              line=lines[-1][0] if lines else 1, hint=f"add </{opened}>")
        return out, pos, None

    def _holds(self, name: str, args: tuple[str, ...]) -> bool:
        arg = args[0] if args else ""
        negate = arg.startswith("!")
        arg = arg.lstrip("!")
        if name == "ifdefine":
            return (arg in self.defines) != negate
        if name == "iffile":
            return Path(arg).exists() != negate
        return not negate  # modules, directives, sections: present; versions: assumed to hold

    def resolve(self, path: str) -> Path:
        p = Path(path)
        if p.is_absolute():
            return p
        base = self.server_root or self.base_dir or Path.cwd()
        return base / p

    def _include(self, d: Directive, optional: bool) -> list[Directive]:
        if len(d.args) != 1:
            raise d.error(f"{d.name} takes one file, directory or wildcard",
                          "Include conf.d/*.conf")
        if self.base_dir is None and self.server_root is None:
            self.skipped.append(f"`{d.text}` ({d.where}) was not followed (configuration given "
                                "as text): rules in it are not part of this audit")
            return []
        self.depth += 1
        if self.depth > 20:
            raise d.error("Include nesting is deeper than 20", "an Include includes itself")
        full = self.resolve(d.args[0])
        if full.is_dir():
            names = sorted(str(p) for p in full.iterdir() if p.is_file())
        elif glob.has_magic(str(full)):
            names = sorted(n for n in glob.glob(str(full)) if Path(n).is_file())
            if not names and not optional:
                raise d.error(f"No matches for the wildcard '{full.name}' in '{full.parent}'",
                              "use IncludeOptional, or fix the pattern")
        elif full.is_file():
            names = [str(full)]
        elif optional:
            names = []
        else:
            raise d.error(f"Could not open configuration file {full}: No such file",
                          "fix the path (relative to ServerRoot) or use IncludeOptional")
        out: list[Directive] = []
        for name in names:
            try:
                text = Path(name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise d.error(f"{d.name} {name}: cannot read it ({exc})",
                              "check the file's permissions and encoding") from None
            out.extend(self.parse(text, name))
        self.depth -= 1
        return out


def parse_tree(text: str, source: str, base_dir: Path | None
               ) -> tuple[tuple[Directive, ...], dict[str, list[str]], list[str], Path | None]:
    """Top-level directives (includes expanded), each file's lines, what was skipped, and
    the ServerRoot the configuration sets (None when it sets none)."""
    builder = _Builder(base_dir)
    body = builder.parse(text, source)
    return tuple(body), builder.files, builder.skipped, builder.server_root


def parse_htaccess(text: str, source: str) -> tuple[Directive, ...]:
    """A ``.htaccess`` file: directives and sections, no includes."""
    builder = _Builder(None)
    return tuple(builder.parse(text, source))
