"""A real local HTTP API that reproduces every 403 cause (imported on demand only).

    from kit.sandbox import serve
    with serve() as api:
        scenario = api.scenario("waf-user-agent")
        kit.diagnose(**scenario.request())

``serve()`` runs uvicorn on 127.0.0.1 in a daemon thread with two listeners: ``api.url``,
where every scenario lives under ``/s/<name>/``, and ``api.perimeter_url``, a whole site that
admits only 127.0.0.2. Each ``Scenario`` is refused for one known cause and carries its fix
(``fixed_request()``); generic scenarios answer only nginx's bare 403 page.
"""

from __future__ import annotations

from ._bucket import Quota, TokenBucket
from ._cli import main, table
from ._model import Scenario
from ._pages import GENERIC_PAGE
from ._scenarios import SCENARIO_NAMES
from ._server import Sandbox, serve
from ._start import start
from ._state import Hit

__all__ = [
    "GENERIC_PAGE",
    "SCENARIO_NAMES",
    "Hit",
    "Quota",
    "Sandbox",
    "Scenario",
    "TokenBucket",
    "main",
    "serve",
    "start",
    "table",
]
