"""nginx configuration syntax: a tokenizer and a block parser that keep file, line and column.

Follows ngx_conf_file.c (ngx_conf_read_token): a directive is ``name args ;`` or
``name args { ... }``; ``#`` starts a comment at a token's start; single/double quoted
strings take ``\\"``, ``\\'``, ``\\\\``, ``\\t``, ``\\r``, ``\\n`` escapes; ``${var}`` inside a
word does not open a block; a ``)`` may follow a quoted string (``if ($a = "x")``).
``include`` is expanded here, globs relative to the including file's directory.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

from ..model import ConfigError, RuleRef

_SPACE = " \t\r\n"
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "t": "\t", "r": "\r", "n": "\n"}


@dataclass(frozen=True, slots=True)
class Directive:
    """One directive as written: its name, arguments, place, and block (None when ``;``)."""

    name: str
    args: tuple[str, ...]
    source: str
    line: int
    column: int
    block: tuple[Directive, ...] | None = None
    text: str = ""  # the directive as written on its line (without the block)

    def ref(self, text: str | None = None) -> RuleRef:
        return RuleRef(self.source, self.line, None, self.text if text is None else text)

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"

    def error(self, message: str, hint: str = "") -> ConfigError:
        return ConfigError(message, source=self.source, line=self.line, column=self.column,
                           hint=hint)


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    line: int
    column: int
    quoted: bool


class _Reader:
    """Turns one file's text into tokens and the structural marks ``;``, ``{`` and ``}``."""

    def __init__(self, text: str, source: str) -> None:
        self.text, self.source = text, source
        self.pos, self.line, self.col = 0, 1, 1

    def _fail(self, message: str, hint: str, line: int | None = None,
              col: int | None = None) -> ConfigError:
        return ConfigError(message, source=self.source, line=line or self.line,
                           column=col or self.col, hint=hint)

    def _next(self) -> str:
        ch = self.text[self.pos]
        self.pos += 1
        if ch == "\n":
            self.line, self.col = self.line + 1, 1
        else:
            self.col += 1
        return ch

    def tokens(self) -> list[_Token]:
        out: list[_Token] = []
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in _SPACE:
                self._next()
            elif ch == "#":
                while self.pos < len(text) and text[self.pos] != "\n":
                    self._next()
            elif ch in ";{}":
                out.append(_Token(ch, self.line, self.col, False))
                self._next()
            elif ch in "\"'":
                out.append(self._quoted(ch))
                if self.pos < len(text) and text[self.pos] not in _SPACE + ";{)":
                    raise self._fail(f'unexpected "{text[self.pos]}" after a quoted string',
                                     "put a space after the closing quote")
            else:
                out.append(self._word())
        return out

    def _quoted(self, quote: str) -> _Token:
        line, col = self.line, self.col
        self._next()
        value: list[str] = []
        while self.pos < len(self.text):
            ch = self._next()
            if ch == "\\" and self.pos < len(self.text):
                nxt = self._next()
                value.append(_ESCAPES.get(nxt, "\\" + nxt))
            elif ch == quote:
                return _Token("".join(value), line, col, True)
            else:
                value.append(ch)
        raise self._fail(f"unterminated {quote}-quoted string", "close the quote opened here",
                         line, col)

    def _word(self) -> _Token:
        line, col = self.line, self.col
        value: list[str] = []
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in _SPACE or ch in ";}" or (ch == "{" and not (value and value[-1] == "$")):
                break
            self._next()
            if ch == "\\" and self.pos < len(text):
                value.append(ch + self._next())
            elif ch == "{":  # ${name}: kept as written, the braces do not open a block
                value.append(ch)
                while self.pos < len(text) and text[self.pos] != "}":
                    if text[self.pos] in _SPACE + ";":
                        raise self._fail("unterminated ${...} variable", "close it with }")
                    value.append(self._next())
                if self.pos < len(text):
                    value.append(self._next())
            else:
                value.append(ch)
        return _Token("".join(value), line, col, False)


def _render(words: list[_Token], mark: str) -> str:
    """The directive in one line, as written: ``deny all;`` or ``location /x {``."""
    shown = [f'"{w.value}"' if w.quoted or not w.value or any(c in w.value for c in " ;{")
             else w.value for w in words]
    return " ".join(shown) + (" {" if mark == "{" else ";")


class _Builder:
    """Builds Directive trees from tokens, following includes."""

    def __init__(self, base_dir: Path | None) -> None:
        self.base_dir = base_dir
        self.files: dict[str, list[str]] = {}
        self.skipped: list[str] = []
        self.depth = 0

    def parse(self, text: str, source: str) -> tuple[Directive, ...]:
        self.files[source] = text.splitlines()
        tokens = _Reader(text, source).tokens()
        _pos, body = self._block(tokens, 0, text, source, top=True)
        return body

    def _block(self, tokens: list[_Token], pos: int, text: str, source: str,
               top: bool) -> tuple[int, tuple[Directive, ...]]:
        out: list[Directive] = []
        words: list[_Token] = []
        while pos < len(tokens):
            tok = tokens[pos]
            pos += 1
            mark = tok.value if not tok.quoted else ""
            if mark == "}":
                if words:
                    raise ConfigError(f'directive "{words[0].value}" has no ending ";"',
                                      source=source, line=words[-1].line,
                                      column=words[-1].column,
                                      hint='end the directive with ";" before "}"')
                if top:
                    raise ConfigError('unexpected "}"', source=source, line=tok.line,
                                      column=tok.column, hint="remove it, or open the block "
                                      "it closes with {")
                return pos, tuple(out)
            if mark in (";", "{"):
                if not words:
                    raise ConfigError(f'unexpected "{mark}"', source=source, line=tok.line,
                                      column=tok.column, hint="a directive name must come first")
                first = words[0]
                d = Directive(first.value, tuple(w.value for w in words[1:]), source,
                              first.line, first.column, None, _render(words, mark))
                words = []
                if mark == "{":
                    pos, inner = self._block(tokens, pos, text, source, top=False)
                    d = Directive(d.name, d.args, source, d.line, d.column, inner, d.text)
                    out.append(d)
                elif d.name == "include":
                    out.extend(self._include(d))
                else:
                    out.append(d)
                continue
            words.append(tok)
        if words:
            raise ConfigError(f'unexpected end of file: directive "{words[0].value}" has no '
                              'ending ";"', source=source, line=words[-1].line,
                              column=words[-1].column, hint='add ";" at its end')
        if not top:
            last = tokens[-1] if tokens else None
            raise ConfigError('unexpected end of file, expecting "}"', source=source,
                              line=last.line if last else 1, column=last.column if last else 1,
                              hint="a block is never closed: add the missing }")
        return pos, tuple(out)

    def _include(self, d: Directive) -> list[Directive]:
        if len(d.args) != 1:
            raise d.error("include takes exactly one file or glob", "include sites/*.conf;")
        if self.base_dir is None:  # text without a directory: noted, not followed
            self.skipped.append(f"`{d.text}` ({d.where}) was not followed (configuration given "
                                "as text): rules in it are not part of this audit")
            return []
        self.depth += 1
        if self.depth > 20:
            raise d.error("include nesting is deeper than 20", "an include includes itself")
        pattern = d.args[0]
        full = pattern if Path(pattern).is_absolute() else str(self.base_dir / pattern)
        out: list[Directive] = []
        if glob.has_magic(full):
            names = sorted(glob.glob(full))
        else:
            if not Path(full).is_file():
                raise d.error(f'include "{pattern}": no such file {full}',
                              "fix the path (relative to the main file's directory)")
            names = [full]
        for name in names:
            path = Path(name)
            if path.is_dir():
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise d.error(f'include "{pattern}": cannot read {name} ({exc})',
                              "check the file's permissions and encoding") from None
            out.extend(self.parse(text, str(path)))
        self.depth -= 1
        return out


def parse_tree(text: str, source: str, base_dir: Path | None
               ) -> tuple[tuple[Directive, ...], dict[str, list[str]], list[str]]:
    """The top-level directives (includes expanded), every file's lines, includes skipped."""
    builder = _Builder(base_dir)
    body = builder.parse(text, source)
    return body, builder.files, builder.skipped
