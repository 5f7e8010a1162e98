"""The corpus of real refusals: every row well-formed, labelled, sourced and free of secrets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kit._causes import Cause
from kit._scoring import corpus as _corpus

FOLDER = Path(__file__).parent / "data" / "refusals"
ROWS = _corpus.load(FOLDER)
RAW = [(p.name, n, line) for p in _corpus.files(FOLDER)
       for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if line.strip()]
SECRET = re.compile(
    r"AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{20,}|"
    r"[sr]k_live_[A-Za-z0-9]{10,}|sk-[A-Za-z0-9]{32,}|sk-(proj|ant)-[A-Za-z0-9_-]{20,}|xox[abposr]-[0-9A-Za-z-]{10,}|"
    r"eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}|AIza[0-9A-Za-z_-]{35}"
)


def test_corpus_is_read_whole():
    """Every non-empty line of every file becomes one row (nothing skipped silently)."""
    assert len(ROWS) == len(RAW)
    assert len(ROWS) > 0


@pytest.mark.parametrize("cause", list(Cause), ids=lambda c: c.value)
def test_every_cause_has_rows_from_several_providers(cause):
    """Each cause is represented by more than a handful of providers."""
    providers = {r.provider for r in ROWS if r.cause is cause}
    assert len(providers) >= 5, providers


def test_rows_have_a_source_and_a_settling_sentence():
    """A row without its source or the sentence that settles it cannot be checked."""
    for name, number, line in RAW:
        data = json.loads(line)
        assert data["source"].strip(), f"{name}:{number}"
        assert len(data["settles"].strip()) >= 8, f"{name}:{number}: settles is too short"


def test_no_row_carries_a_real_looking_secret():
    """No key or token shaped like AWS, GitHub, Stripe, Slack, OpenAI, Google ones or a JWT."""
    found = [(name, number, m.group(0)[:12]) for name, number, line in RAW
             for m in [SECRET.search(line)] if m]
    assert found == []


def test_no_duplicate_rows():
    """The same provider, status, body and cause is one row, not two (the same page for two
    causes is kept: that ambiguity is real)."""
    seen: dict[tuple[str, int | None, str, str], str] = {}
    dupes = []
    for row in ROWS:
        key = (row.provider, row.exchange.status, " ".join(row.exchange.body.split()),
               row.cause.value)
        if key in seen:
            dupes.append((seen[key], f"{row.file}:{row.line}"))
        seen.setdefault(key, f"{row.file}:{row.line}")
    assert dupes == []


@pytest.mark.parametrize(("change", "message"), [
    ({"cause": "bad_luck"}, "cause 'bad_luck' is not one of"),
    ({"status": "403"}, "status '403' is not an HTTP status"),
    ({"headers": {"Retry-After": 5}}, "headers must be an object of strings"),
    ({"provider": " "}, "provider must be a non-empty string"),
])
def test_a_bad_row_is_named_with_its_file_and_line(change, message):
    """parse_row says which field of which line is wrong."""
    good = {"provider": "p", "source": "s", "status": 403, "headers": {}, "body": "",
            "cause": "api_key", "sub_cause": "invalid", "settles": "the docs say so"}
    with pytest.raises(_corpus.CorpusError, match=re.escape(f"f.jsonl:7: {message}")):
        _corpus.parse_row({**good, **change}, file="f.jsonl", line=7)


def test_a_missing_field_is_named():
    """A row without its label says which fields are missing."""
    with pytest.raises(_corpus.CorpusError, match=r"missing field.*cause"):
        _corpus.parse_row({"provider": "p", "source": "s", "status": 403, "headers": {},
                           "body": "", "sub_cause": "x", "settles": "y"}, file="f", line=1)


def test_frozen_split_is_about_a_fifth_of_providers_and_stable():
    """The frozen split is the last fifth of provider families gathered, stable across calls."""
    frozen = _corpus.frozen_providers(ROWS)
    providers = {_corpus.family(r.provider) for r in ROWS}
    assert frozen == _corpus.frozen_providers(list(ROWS))
    assert 0.1 <= len(frozen) / len(providers) <= 0.4
