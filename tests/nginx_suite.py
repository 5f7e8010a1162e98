"""nginx conformance cases converted from nginx's own test suite, run on a real nginx.

Each file in tests/data/nginx_conformance/ is one configuration with a table of requests,
written for this repository after a file of nginx/nginx-tests (named in ``source``; the
commit in ``COMMIT``). nginx-tests read headers and bodies; an audit answers a status, so each
configuration turns what the original test observed into a status code (``return 210`` when
``$geo`` is ``loopback`` and so on). The expected answers are not written anywhere: the real
nginx is started on loopback with its own prefix and asked, request by request, and the audit
of the same nginx.conf is compared with what it answered.

A row may say ``unknowable:`` (a file test, a request counter, an upstream's own answer): the
audit cannot know it offline, so the row is kept out of the score, and the audit must say so in
its ``assumptions``. Used by tests/test_audit_nginx_conformance.py and
benchmarks/nginx_conformance.py.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from kit._gateway._model import AuditRequest, AuditResult
from kit._gateway._nginx_parse import NginxConfig, load_nginx

COMMIT = "76bb761"  # nginx/nginx-tests, the version the cases were converted from
DATA = Path(__file__).parent / "data" / "nginx_conformance"
BINARY = shutil.which("nginx") or "/usr/sbin/nginx"
PORTS = range(18500, 18600)  # this suite's loopback ports


@dataclass(frozen=True)
class Row:
    """One request of a table: the raw request line and headers, who sends it."""

    name: str  # the nginx-tests assertion it comes from
    method: str
    target: str
    host: str | None
    headers: tuple[tuple[str, str], ...]
    source: str
    unknowable: str = ""
    context: dict[str, str] = field(default_factory=dict)
    rate: float | None = None


@dataclass(frozen=True)
class Case:
    """One configuration and its requests."""

    name: str
    area: str
    source: str
    config: str
    files: dict[str, str]
    html: dict[str, str]
    rows: tuple[Row, ...]


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(DATA.glob("*.yaml")):
        raw: dict[str, Any] = yaml.safe_load(path.read_text())
        rows = []
        for item in raw["requests"]:
            method, _, target = item["r"].partition(" ")
            rows.append(Row(item.get("t", item["r"]), method, target,
                            item.get("host", "localhost"),
                            tuple((k, str(v)) for k, v in (item.get("h") or {}).items()),
                            item.get("from", "127.0.0.1"), item.get("unknowable", ""),
                            {k: str(v) for k, v in (item.get("context") or {}).items()},
                            item.get("rate")))
        cases.append(Case(path.stem, raw["area"], raw["source"], raw["config"],
                          {k: str(v) for k, v in (raw.get("files") or {}).items()},
                          {str(k): str(v) for k, v in (raw.get("html") or {}).items()},
                          tuple(rows)))
    return cases


def _free_port(used: set[int]) -> int:
    start = random.randrange(len(PORTS))  # two runs at once rarely probe the same port
    for port in (*PORTS[start:], *PORTS[:start]):
        if port in used:
            continue
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as nginx binds
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        used.add(port)
        return port
    raise RuntimeError("no free loopback port in 18500-18599")


class Server:
    """A real nginx for one case, under its own prefix."""

    def __init__(self, case: Case, root: Path) -> None:
        self.case, self.root = case, root
        used: set[int] = set()
        self.port, self.upstream = _free_port(used), _free_port(used)
        html = root / "html"
        html.mkdir(parents=True, exist_ok=True)
        for row in case.rows:  # the files the requests ask for exist (an audit assumes so)
            _touch(html, row.target)
        for name, text in case.html.items():
            target = html / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        for name, text in case.files.items():
            (root / name).write_text(text.replace("@ROOT", str(root)))
        site = (case.config.replace("@PORT", str(self.port)).replace("@UP", str(self.upstream))
                .replace("@ROOT", str(root)))
        (root / "site.conf").write_text(site)
        temp = "".join(f"  {k}_temp_path {root}/{k};\n" for k in
                       ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user root;\n" if os.geteuid() == 0 else ""
        self.conf = root / "nginx.conf"
        self.conf.write_text(
            f"{user}worker_processes 1;\npid {root}/nginx.pid;\n"
            f"error_log {root}/error.log warn;\nevents {{ worker_connections 64; }}\n"
            f"http {{\n  access_log off;\n{temp}  include site.conf;\n}}\n")
        self.process: subprocess.Popen[bytes] | None = None

    def args(self) -> list[str]:
        return [BINARY, "-p", str(self.root), "-c", str(self.conf)]

    def check(self) -> subprocess.CompletedProcess[str]:
        """``nginx -t`` on the case's configuration."""
        return subprocess.run([*self.args(), "-t"], capture_output=True, text=True,  # noqa: S603
                              check=False)

    def start(self) -> None:
        checked = self.check()
        if checked.returncode != 0:
            raise RuntimeError(f"{self.case.name}: nginx -t failed:\n{checked.stderr}")
        self.process = subprocess.Popen([*self.args(), "-g", "daemon off;"],  # noqa: S603
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"{self.case.name}: nginx did not start") from None
                time.sleep(0.03)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def send(self, row: Row) -> int:
        """Send the request line and headers as written (HTTP/1.0); nginx's status, 0 if none."""
        lines = [f"{row.method} {row.target} HTTP/1.0"]
        if row.host is not None:
            lines.append(f"Host: {row.host}")
        lines += [f"{k}: {v}" for k, v in row.headers]
        if row.method in ("POST", "PUT"):
            lines.append("Content-Length: 0")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        target = "::1" if ":" in row.source else "127.0.0.1"  # IPv6 rows: listen [::1]:@PORT
        with socket.create_connection((target, self.port), timeout=5,
                                      source_address=(row.source, 0)) as conn:
            conn.sendall(data)
            answer = b""
            while b"\r\n" not in answer:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                answer += chunk
        parts = answer.split(b" ", 2)
        return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _touch(html: Path, target: str) -> None:
    path = unquote(target.split("?", 1)[0].split("#", 1)[0], errors="replace")
    if not path.startswith("/") or ".." in path or "\x00" in path or "//" in path:
        return
    file = html / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        if not file.exists():
            file.write_text("x\n")
    except OSError:  # a name that is a file and a directory in two rows: keep the first
        pass


def audit(config: NginxConfig, server: Server, row: Row) -> AuditResult:
    target = row.target if row.target.startswith("/") else "/" + row.target.split("/", 3)[-1]
    headers = ([("host", row.host)] if row.host is not None else []) + [
        (k.lower(), v) for k, v in row.headers]
    # no Host header: a bare path (a URL's host would stand for the Host header)
    base = f"http://127.0.0.1:{server.port}" if row.host is not None else ""
    request = AuditRequest.build(row.method, f"{base}{target}",
                                 headers=headers, source_address=row.source,
                                 context=row.context, rate=row.rate)
    return config.evaluate(request)


@dataclass(frozen=True)
class Outcome:
    """One row: what nginx answered and what the audit said."""

    case: Case
    row: Row
    nginx: int
    audit: int | None  # None when the audit raised
    assumptions: tuple[str, ...]
    error: str = ""

    @property
    def agrees(self) -> bool:
        return self.audit == self.nginx


def run_case(case: Case, root: Path) -> list[Outcome]:
    """Start nginx with the case, send every row, audit every row."""
    for attempt in range(3):  # a port taken between the probe and nginx's bind: other ports
        server = Server(case, root / f"run{attempt}")
        try:
            server.start()
            break
        except RuntimeError:
            if attempt == 2 or server.check().returncode != 0:
                raise
    try:
        try:
            config: NginxConfig | None = load_nginx(server.conf)
            load_error = ""
        except Exception as exc:  # noqa: BLE001 - every row then counts as a disagreement
            config, load_error = None, f"{type(exc).__name__}: {exc}"
        out = []
        for row in case.rows:
            status = server.send(row)
            if config is None:
                out.append(Outcome(case, row, status, None, (), load_error))
                continue
            try:
                result = audit(config, server, row)
                out.append(Outcome(case, row, status, result.status, result.assumptions))
            except Exception as exc:  # noqa: BLE001 - counted as a disagreement, with the error
                out.append(Outcome(case, row, status, None, (), f"{type(exc).__name__}: {exc}"))
        return out
    finally:
        server.stop()


def score(outcomes: list[Outcome]) -> tuple[int, int]:
    """(agreeing, scored) over the rows the audit can know."""
    scored = [o for o in outcomes if not o.row.unknowable]
    return sum(o.agrees for o in scored), len(scored)
