"""start(): one sandbox kept running for the life of the process, for notebooks.

A notebook's first cells say ``api = kit.sandbox.start()``; running the cell again, or
calling ``start()`` from another notebook cell, returns the same running sandbox. It stops
when the interpreter exits (an ``atexit`` handler closes the ``serve()`` context).
"""

from __future__ import annotations

import atexit
import contextlib
import threading
from typing import Any

from ._server import Sandbox, serve

_lock = threading.Lock()
_stack: contextlib.ExitStack | None = None
_running: tuple[Sandbox, dict[str, Any]] | None = None


def start(**kwargs: Any) -> Sandbox:
    """The process's running sandbox, started on first call with ``serve(**kwargs)``.

    Later calls return the same sandbox; asking for different settings once it runs raises
    ValueError (restart the kernel to change them).
    """
    global _stack, _running
    with _lock:
        if _running is not None:
            sandbox, settings = _running
            if kwargs and kwargs != settings:
                raise ValueError(
                    f"the sandbox already runs with {settings or 'the defaults'}; restart the "
                    f"kernel to start it with {kwargs}")
            return sandbox
        stack = contextlib.ExitStack()
        sandbox = stack.enter_context(serve(**kwargs))
        _stack, _running = stack, (sandbox, dict(kwargs))
        atexit.register(_stop)
        return sandbox


def _stop() -> None:
    """Stop the sandbox started by start() (the atexit handler)."""
    global _stack, _running
    with _lock:
        stack, _stack, _running = _stack, None, None
    if stack is not None:
        stack.close()
