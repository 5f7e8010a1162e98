"""IP allowlist: the caller's source address (or referrer, origin, country) is not admitted.

A single response rarely says so outright, so the differential carries this cause: every
credential variant, every path and a browser User-Agent all get the same refusal (the gate
stands in front of the whole host), or IPv4 and IPv6 get different answers.
"""

from __future__ import annotations

import datetime as dt

from .._causes import Cause
from .._diagnosis import Signal
from .._http.exchange import Exchange
from .._variants import (
    BROWSER_UA,
    FAKE_CREDENTIAL,
    IPV4,
    IPV6,
    NO_CREDENTIALS,
    PARENT_PATH,
    PREFLIGHT,
    REPEAT,
    ROOT_PATH,
    SLASH_TOGGLED,
)
from ._evidence import Evidence, let_through, refused, same_answer, status_of, succeeded

CAUSE = Cause.IP_ALLOWLIST


def signals(ex: Exchange, *, now: dt.datetime) -> list[Signal]:
    return []


def uniform_refusal(ev: Evidence) -> list[Exchange] | None:
    """The variants that all got the baseline's refusal, when every one of them did.

    Needs at least one path variant and one credential or User-Agent variant to say the
    refusal does not depend on the path or on who is asking.
    """
    base = ev.baseline
    if not refused(base):
        return None
    labels = (NO_CREDENTIALS, FAKE_CREDENTIAL, BROWSER_UA, PARENT_PATH, ROOT_PATH, SLASH_TOGGLED,
              PREFLIGHT)
    sent = [v for label in labels if (v := ev.get(label)) is not None and v.status is not None]
    if any(not same_answer(v, base) for v in sent):
        return None
    has_path = any(v.label in (PARENT_PATH, ROOT_PATH, SLASH_TOGGLED) for v in sent)
    has_who = any(v.label in (NO_CREDENTIALS, FAKE_CREDENTIAL, BROWSER_UA) for v in sent)
    return sent if has_path and has_who else None


def differential(ev: Evidence) -> list[Signal]:
    out: list[Signal] = []
    base = ev.baseline
    v4, v6 = ev.get(IPV4), ev.get(IPV6)
    for other in (v4, v6):
        if other is not None and refused(base) and let_through(other):
            out.append(Signal(CAUSE, 0.8, f"over {other.label}: {status_of(other)}; over the "
                              f"family your client picked ({base.remote_address or 'default'}): "
                              f"{status_of(base)}, so the allowlist admits one of your "
                              "addresses but not the other",
                              fix="Add your other egress address (often the IPv6 one) to the "
                              "allowlist, or force the address family that is listed.",
                              check="differential",
                              key="other-family"))
    open_paths = [v for v in (ev.get(ROOT_PATH), ev.get(PARENT_PATH))
                  if v is not None and succeeded(v)]
    if refused(base) and open_paths and not out:
        other = open_paths[0]
        out.append(Signal(CAUSE, -0.5, f"{other.label} ({status_of(other)}) answered the same "
                          "address: no rule refuses it host-wide (a rule over this path alone "
                          "still could)", check="differential",
                          key="other-path-open"))
    sent = uniform_refusal(ev)
    if sent:
        names = ", ".join(v.label for v in sent)
        out.append(Signal(CAUSE, 0.55, f"every variant ({names}) got the same {status_of(base)} "
                          "as yours: the refusal depends neither on the credential nor on the "
                          "path or User-Agent, as a source-address rule in front of the whole "
                          "host does", check="differential",
                          key="uniform"))
        repeat = ev.get(REPEAT)
        if repeat is not None and same_answer(repeat, base):
            out.append(Signal(CAUSE, 0.2, "the identical request, repeated after a pause, was "
                              "still refused: the block is persistent", check="differential",
                              key="repeat-still"))
        elif repeat is not None and let_through(repeat):
            out.append(Signal(CAUSE, -0.6, "the identical request got through after a pause: "
                              "an address rule would not have changed its mind",
                              check="differential",
                              key="repeat-through"))
    return out
