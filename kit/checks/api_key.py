"""API key: missing, invalid, malformed, revoked, disabled or sent in the wrong place.

Single-response evidence: what the request itself shows (no credential at all, whitespace,
quotes, a placeholder, an unusual header). Differential evidence: a same-shaped fake key gets
the same answer as yours, or your key makes no difference at all while the rest of the site
lets requests through.
"""

from __future__ import annotations

import datetime as dt

from .._causes import Cause
from .._diagnosis import Signal
from .._http.exchange import Exchange
from .._variants import FAKE_CREDENTIAL, NO_CREDENTIALS, PARENT_PATH, ROOT_PATH
from ._evidence import Evidence, let_through, refused, same_answer, status_of

CAUSE = Cause.API_KEY

LINT_WEIGHTS = {
    "empty": 0.7,
    "newline": 0.7,
    "whitespace": 0.65,
    "quotes": 0.65,
    "doubled_scheme": 0.65,
    "placeholder": 0.7,
    "non_ascii": 0.6,
    "inner_whitespace": 0.5,
    "basic_not_base64": 0.5,
    "basic_no_colon": 0.5,
    "unexpected_location": 0.5,
    "underscore_header": 0.45,
    "scheme_missing": 0.35,
    "unusual_header": 0.15,
}


def signals(ex: Exchange, *, now: dt.datetime) -> list[Signal]:
    if not refused(ex):
        return []
    out: list[Signal] = []
    for cred in ex.credentials:
        for issue in cred.issues:
            weight = LINT_WEIGHTS.get(issue.code, 0.3)
            out.append(Signal(CAUSE, weight, f"the credential in {cred.where}: {issue.message}",
                              fix=_lint_fix(issue.code), check=f"key-lint:{issue.code}"))
    if not ex.credentials and ex.request_headers:  # (unknown when the headers were not kept)
        weight = 0.4 if ex.status == 401 or ex.header("www-authenticate") else 0.3
        out.append(Signal(CAUSE, weight, "the request carries no credential at all (no "
                          "Authorization, API-key header, key parameter or cookie)",
                          fix="Send the API key or token the provider documents for this "
                          "endpoint.", check="no-credential"))
    return out


def _lint_fix(code: str) -> str:
    return {
        "newline": "Strip the key when you read it (for example key.strip()); `echo` and files "
                   "add a trailing newline.",
        "whitespace": "Strip surrounding whitespace from the key before sending it.",
        "quotes": "Remove the quotes around the key: they are sent as part of it.",
        "doubled_scheme": "Send 'Bearer <token>' once: the token variable already holds "
                          "the scheme word.",
        "placeholder": "Replace the placeholder with your real key (check the environment "
                       "variable is set in this process).",
        "underscore_header": "Use hyphens in the header name (X-API-Key, not X_API_Key).",
        "unexpected_location": "Send the key where the provider documents it.",
        "scheme_missing": "Prefix the token with the scheme the API documents, e.g. 'Bearer '.",
    }.get(code, "Check the key against the provider's console, character by character.")


def differential(ev: Evidence) -> list[Signal]:
    base, none, fake = ev.baseline, ev.get(NO_CREDENTIALS), ev.get(FAKE_CREDENTIAL)
    if not refused(base) or not ev.credentials_sent:
        return []
    is_jwt = any(c.kind == "jwt" for c in base.credentials)
    out: list[Signal] = []
    if fake is not None and same_answer(fake, base) and none is not None and not same_answer(
        none, base
    ):
        weight = 0.3 if is_jwt else 0.65
        out.append(Signal(CAUSE, weight, f"with a same-shaped fake credential: {status_of(fake)}, "
                          f"the same answer as yours; with none: {status_of(none)}; so the server "
                          "treats your credential like an invalid one", check="differential",
                          key="fake-same"))
    elif fake is not None and none is not None and same_answer(fake, base) and same_answer(
        none, base
    ):
        open_paths = [v for v in (ev.get(PARENT_PATH), ev.get(ROOT_PATH))
                      if v is not None and let_through(v)]
        if open_paths:
            where = ", ".join(f"{v.label}: {status_of(v)}" for v in open_paths)
            weight = 0.3 if is_jwt else 0.55
            out.append(Signal(CAUSE, weight, "your credential makes no difference (none, fake "
                              f"and yours all get {status_of(base)}) while other paths answer "
                              f"({where}): the key is not accepted here, or not where it is "
                              "sent", check="differential",
                              key="credential-irrelevant"))
    return out
