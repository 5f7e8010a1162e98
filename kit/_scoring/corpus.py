"""The corpus of real refusals: JSON Lines rows read into Exchanges, with their labels.

Each row is one response copied from a public source (see ``tests/data/refusals/README.md``):
provider, source, status, headers as the source shows them, the body verbatim, the cause by
the mechanism that refused, a finer sub-cause, and the sentence that settles it. The fit
(``benchmarks/fit.py``) and the accuracy benchmark read it through here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._causes import Cause
from .._http.exchange import Exchange

FIELDS = ("provider", "source", "status", "headers", "body", "cause", "sub_cause", "settles")
URL = "https://api.example.test/resource"
"""The corpus records responses, not requests: every row is read as a GET of this URL."""


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled refusal."""

    provider: str
    source: str
    cause: Cause
    sub_cause: str
    exchange: Exchange
    file: str
    line: int
    source_kind: str = ""


class CorpusError(ValueError):
    """A corpus line that cannot be read: the file, the line and what is wrong."""


def parse_row(data: Mapping[str, Any], *, file: str = "", line: int = 0) -> Row:
    """One JSON object -> Row; raises CorpusError naming the field that is wrong."""
    where = f"{file}:{line}"
    missing = [f for f in FIELDS if f not in data]
    if missing:
        raise CorpusError(f"{where}: missing field(s) {', '.join(missing)}")
    try:
        cause = Cause(data["cause"])
    except ValueError:
        raise CorpusError(f"{where}: cause {data['cause']!r} is not one of "
                          f"{', '.join(c.value for c in Cause)}") from None
    status, headers, body = data["status"], data["headers"], data["body"]
    if not isinstance(status, int) or not 100 <= status <= 599:
        raise CorpusError(f"{where}: status {status!r} is not an HTTP status")
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise CorpusError(f"{where}: headers must be an object of strings")
    if not isinstance(body, str):
        raise CorpusError(f"{where}: body must be a string")
    for name in ("provider", "source", "sub_cause", "settles"):
        if not isinstance(data[name], str) or not data[name].strip():
            raise CorpusError(f"{where}: {name} must be a non-empty string")
    exchange = Exchange(method="GET", url=URL, status=status,
                        response_headers=tuple((str(k), v) for k, v in headers.items()),
                        body=body, body_size=len(body.encode()))
    return Row(data["provider"].strip().lower(), data["source"], cause, data["sub_cause"],
               exchange, file, line, str(data.get("source_kind", "")))


_FAMILY = {"amazon": "aws", "youtube": "google", "firebase": "google", "gcp": "google",
           "microsoft": "azure", "msgraph": "azure", "x": "twitter"}


def family(provider: str) -> str:
    """The company or project behind a provider: folds and splits group by it, so that
    ``google-maps`` and ``google-cloud-storage`` never sit on both sides of a split."""
    head = provider.split("-")[0]
    return _FAMILY.get(head, head)


def files(folder: Path) -> list[Path]:
    """The corpus files, in a fixed order."""
    return sorted(folder.glob("*.jsonl"))


def load(folder: Path) -> list[Row]:
    """Every row of every ``*.jsonl`` file in ``folder``, in file then line order."""
    rows: list[Row] = []
    for path in files(folder):
        rows += read(path)
    return rows


def read(path: Path) -> list[Row]:
    out: list[Row] = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path.name}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(data, dict):
            raise CorpusError(f"{path.name}:{number}: a row must be a JSON object")
        out.append(parse_row(data, file=path.name, line=number))
    return out


def digest(folder: Path) -> str:
    """SHA-256 over the corpus files' names and bytes: what the shipped fit was made from."""
    h = hashlib.sha256()
    for path in files(folder):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def frozen_providers(rows: Iterable[Row], share: float = 0.2) -> set[str]:
    """The last ``share`` of provider families gathered, per file: the split evaluated once."""
    by_file: dict[str, list[str]] = {}
    for row in rows:
        seen = by_file.setdefault(row.file, [])
        if family(row.provider) not in seen:
            seen.append(family(row.provider))
    frozen: set[str] = set()
    for providers in by_file.values():
        cut = len(providers) - round(len(providers) * share)
        frozen.update(providers[cut:])
    return frozen
