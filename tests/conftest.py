"""Shared fixtures: the sandbox API and a real nginx, both on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs a fixed, reproducible set of examples (a red main must mean a real regression);
# local runs stay random so they keep finding new cases.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def sandbox() -> Iterator[object]:
    """The kit's own sandbox API, served once for the whole session."""
    from kit.sandbox import serve

    with serve() as api:
        yield api


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Nginx:
    """A real nginx master started from a config written by the test, on loopback ports."""

    def __init__(self, root: Path, servers: dict[str, str]) -> None:
        self.root = root
        self.ports = {name: free_port() for name in servers}
        blocks = "\n".join(
            f"  server {{\n    listen 127.0.0.1:{self.ports[name]};\n{body}\n  }}"
            for name, body in servers.items()
        )
        temp = "\n".join(f"  {kind}_temp_path {root}/{kind};" for kind in
                         ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        self.conf = root / "nginx.conf"
        www = root / "www"
        www.mkdir(exist_ok=True)
        (www / "ok.json").write_text('{"ok": true}\n')
        user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the tmp dir
        blocks = blocks.replace("@www", str(www))
        self.conf.write_text(
            f"{user}worker_processes 1;\npid {root}/nginx.pid;\nerror_log {root}/error.log warn;\n"
            "events { worker_connections 64; }\n"
            f"http {{\n  access_log {root}/access.log;\n{temp}\n"
            "  limit_req_zone $binary_remote_addr zone=perip:1m rate=1r/s;\n"
            f"{blocks}\n}}\n"
        )
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, name: str, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.ports[name]}{path}"

    def start(self) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        check = subprocess.run([binary,  # noqa: S603 - our own binary and config
                               "-t", "-p", str(self.root), "-c", str(self.conf)],
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, f"nginx rejected the test config:\n{check.stderr}"
        self.process = subprocess.Popen(  # noqa: S603 - our own binary and config
            [binary, "-p", str(self.root), "-c", str(self.conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        for port in self.ports.values():
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or self.process.poll() is not None:
                        raise RuntimeError("nginx did not start: " + self.errors()) from None
                    time.sleep(0.05)

    def errors(self) -> str:
        log = self.root / "error.log"
        return log.read_text() if log.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if self.process.stderr is not None:
                self.process.stderr.close()
