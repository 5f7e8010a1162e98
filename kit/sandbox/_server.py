"""serve(): run the sandbox with uvicorn in a daemon thread, and the handle it yields."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn

from ._app import Edge
from ._jwt import mint_tokens
from ._keys import TEMPLATE_VALUES
from ._model import Scenario, build
from ._scenarios import ROWS, SCENARIO_NAMES
from ._state import Hit, State


class Sandbox:
    """A running sandbox: its addresses, scenarios, recorded hits and injected latency."""

    def __init__(self, state: State) -> None:
        self._state = state

    @property
    def url(self) -> str:
        """The main listener's base URL, ``http://127.0.0.1:PORT``."""
        return self._state.base_url

    @property
    def perimeter_url(self) -> str:
        """The second listener: the whole site admits only 127.0.0.2."""
        return self._state.perimeter_url

    @property
    def localhost_url(self) -> str:
        """The main listener as another origin, ``http://localhost:PORT``."""
        return self._state.localhost_url

    @property
    def clock_skew(self) -> float:
        """Seconds the auth-clock-skew family's clock runs ahead."""
        return self._state.clock_skew

    @property
    def monitor_url(self) -> str:
        """An endpoint with a small live bucket (10 per 10 s per address) for monitor demos."""
        return f"{self._state.base_url}/live/items"

    @property
    def scenarios(self) -> list[Scenario]:
        """Every scenario, with tokens minted now (expired ones expired, valid ones ~1 h)."""
        state = self._state
        values = {**TEMPLATE_VALUES,
                  **mint_tokens(state.secret, audience=state.base_url, now=time.time(),
                                skew=state.clock_skew),
                  "csrf": state.csrf, "clearance": state.clearance, "base": state.base_url,
                  "perimeter": state.perimeter_url, "localhost": state.localhost_url}
        return [build(row, values) for row in ROWS]

    def scenario(self, name: str) -> Scenario:
        """One scenario by name; KeyError listing the known names otherwise."""
        for scenario in self.scenarios:
            if scenario.name == name:
                return scenario
        raise KeyError(f"no sandbox scenario {name!r}; known: {', '.join(SCENARIO_NAMES)}")

    @property
    def hits(self) -> list[Hit]:
        """Every request received so far (both listeners), oldest first."""
        return self._state.hits()

    def reset_hits(self) -> None:
        """Forget the recorded hits."""
        self._state.reset_hits()

    @property
    def latency(self) -> float:
        """Seconds slept before each response; settable while running."""
        return self._state.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("latency must be >= 0")
        self._state.latency = float(seconds)

    def __repr__(self) -> str:
        return f"<Sandbox {self.url} perimeter={self.perimeter_url}>"


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


@contextlib.contextmanager
def serve(*, latency: float = 0.0, clock_skew: float = 600.0, port: int = 0,
          perimeter_port: int = 0, startup_timeout: float = 10.0) -> Iterator[Sandbox]:
    """Run the sandbox on 127.0.0.1 (random free ports by default) until the block ends.

    Returns once the server accepts connections; raises RuntimeError if it cannot start
    within ``startup_timeout`` seconds. ``clock_skew`` must be positive: it is how far the
    auth-clock-skew family's clock runs ahead.
    """
    if clock_skew <= 0:
        raise ValueError("clock_skew must be positive (the auth-clock-skew scenario needs it)")
    if latency < 0:
        raise ValueError("latency must be >= 0")
    sockets: list[socket.socket] = []
    try:
        sockets.append(_bind("127.0.0.1", port))
        sockets.append(_bind("127.0.0.1", perimeter_port))
        main_port, edge_port = (s.getsockname()[1] for s in sockets)
        state = State(base_url=f"http://127.0.0.1:{main_port}",
                      perimeter_url=f"http://127.0.0.1:{edge_port}",
                      localhost_url=f"http://localhost:{main_port}", perimeter_port=edge_port,
                      clock_skew=clock_skew, latency=latency)
        config = uvicorn.Config(Edge(state), log_level="warning", access_log=False,
                                log_config=None, lifespan="off", ws="none", http="h11",
                                proxy_headers=False, server_header=False, date_header=False,
                                timeout_graceful_shutdown=2)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": sockets},
                                  name=f"kit-sandbox-{main_port}", daemon=True)
        thread.start()
        try:
            _wait_started(server, thread, startup_timeout)
            yield Sandbox(state)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    finally:
        for sock in sockets:
            sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the sandbox server stopped during startup")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the sandbox server did not start within {timeout} s")
        time.sleep(0.01)
