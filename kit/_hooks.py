"""Using the kit inside your own httpx code: an exception that carries a Diagnosis, a hook."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from ._diagnosis import Diagnosis
from ._explain import explain
from ._history.recent import HistoryLike

REFUSED = frozenset({401, 403, 429})


class ForbiddenError(httpx.HTTPStatusError):
    """An HTTP refusal with the kit's diagnosis attached (``.diagnosis``).

    It is an ``httpx.HTTPStatusError``, so existing ``except`` clauses keep working; its
    message names the most likely cause, never a secret.
    """

    def __init__(self, response: httpx.Response, diagnosis: Diagnosis) -> None:
        top = diagnosis.top
        verdict = f"most likely {top.title.lower()} ({top.confidence:.0%})" if top else (
            "no cause recognised")
        first = f": {top.evidence[0]}" if top and top.evidence else ""
        super().__init__(f"{response.status_code} from {diagnosis.exchanges[0].url}: "
                         f"{verdict}{first}", request=response.request, response=response)
        self.diagnosis = diagnosis


def raise_for_refusal(response: httpx.Response, *, statuses: frozenset[int] = REFUSED,
                      history: HistoryLike | None = None) -> None:
    """Raise ForbiddenError with a diagnosis if the response is a refusal; else do nothing.

    Use it in place of ``response.raise_for_status()``, or as a response event hook.
    ``history=`` (what ``kit.record(client)`` collects) lets the diagnosis read the client's
    recent traffic: the same request answering 200 shortly before, a burst.
    """
    if response.status_code not in statuses:
        return
    if not response.is_closed:
        response.read()
    raise ForbiddenError(response, explain(response, history=history))


async def araise_for_refusal(response: httpx.Response, *,
                             statuses: frozenset[int] = REFUSED,
                             history: HistoryLike | None = None) -> None:
    """The async twin of raise_for_refusal, for AsyncClient event hooks."""
    if response.status_code not in statuses:
        return
    if not response.is_closed:
        await response.aread()
    raise ForbiddenError(response, explain(response, history=history))


def diagnosis_hook(store: Callable[[Diagnosis], object], *,
                   history: HistoryLike | None = None) -> Callable[[httpx.Response], None]:
    """A response event hook that hands a diagnosis of every refusal to ``store`` and goes on.

    ``client = httpx.Client(event_hooks={"response": [kit.diagnosis_hook(found.append)]})``;
    with ``history=kit.record(client)`` each diagnosis also reads the client's recent traffic.
    """

    def hook(response: httpx.Response) -> None:
        if response.status_code in REFUSED:
            response.read()
            store(explain(response, history=history))

    return hook


def adiagnosis_hook(
    store: Callable[[Diagnosis], object], *, history: HistoryLike | None = None,
) -> Callable[[httpx.Response], Awaitable[None]]:
    """The async twin of diagnosis_hook."""

    async def hook(response: httpx.Response) -> None:
        if response.status_code in REFUSED:
            await response.aread()
            store(explain(response, history=history))

    return hook
