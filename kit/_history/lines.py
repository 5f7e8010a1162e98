"""What the log readers share about lines: the count of those skipped, a line made safe to
show, a file's first lines, and a line format named by the caller. Imported by the Python
reader (``logs``) and the engine reader (``tablelog``) alike, so neither imports the other's
internals back."""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .._http.secrets import is_secret_header, mask, mask_text, mask_url
from .formats import COMBINED, COMMON, NAMES, LineFormat, line_format

_URLISH = re.compile(r"\S*\?\S*")
_JSON_PAIR = re.compile(r'"([\w.-]+)"(\s*:\s*)"([^"]*)"')


@dataclass(frozen=True, slots=True)
class Skipped:
    """Lines that could not be read: how many, and (line number, masked line) for a few."""

    count: int = 0
    examples: list[tuple[int, str]] = field(default_factory=list)

    def __str__(self) -> str:
        if not self.count:
            return "no lines skipped"
        shown = "; ".join(f"line {n}: {text}" for n, text in self.examples)
        return f"{self.count} line{'s' * (self.count != 1)} skipped (e.g. {shown})"


def mask_line(line: str, limit: int = 200) -> str:
    """A log line safe to show: query secrets, secret JSON fields and JWTs masked, then cut."""
    line = _URLISH.sub(lambda m: mask_url(m.group(0)), line)
    line = _JSON_PAIR.sub(lambda m: f'"{m[1]}"{m[2]}"{mask(m[3])}"'
                          if is_secret_header(m[1]) else m[0], line)
    line = mask_text(line)
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as raw:
        return raw.read(2) == b"\x1f\x8b"


def _head(path: Path, size: int = 1 << 16) -> list[str]:
    """The first lines of the file (gunzipped), for format detection."""
    with path.open("rb") as raw:
        try:
            data = gzip.GzipFile(fileobj=raw).read(size) if _is_gzip(path) else raw.read(size)
        except (EOFError, OSError, zlib.error) as exc:  # cut short, or not gzip after all
            raise ValueError(f"{path.name} starts like a gzip file but cannot be "
                             f"decompressed ({exc})") from None
    lines = data.decode("utf-8", "replace").splitlines()
    return lines[:-1] if len(data) == size and len(lines) > 1 else lines


def line_format_named(name: str) -> LineFormat:
    """'combined', 'common' or a format string as a LineFormat (ValueError for the others)."""
    if name in ("combined", "common"):
        return COMBINED if name == "combined" else COMMON
    if name in NAMES:
        raise ValueError(f"{name} logs are read in Python, not by an engine: convert them once "
                         "with kit.load_log(path).to_parquet(directory), then load that")
    return line_format(name)
