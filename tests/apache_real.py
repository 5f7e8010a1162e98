"""A real Apache httpd (Debian's apache2) on loopback, started from a configuration we write.

Each case gets its own ServerRoot, PidFile, ErrorLog and port; nothing of the system's
apache2 set-up (no /etc/apache2, no service) is used. httpd refuses to serve as root, so
when the tests run as root the workers run as www-data and the case's folder is made
world-readable. Requests go over a raw socket so the path reaches httpd exactly as written
(``/a/../b``, ``//x``, ``%2F``), from a chosen 127.0.0.0/8 source address.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BINARY = shutil.which("apache2") or "/usr/sbin/apache2"
MODULES = Path("/usr/lib/apache2/modules")
LOADED = ("mpm_prefork", "authz_core", "authz_host", "authz_user", "authz_groupfile",
          "authn_core", "authn_file", "auth_basic", "access_compat", "rewrite", "dir",
          "autoindex", "alias", "setenvif")


def available() -> bool:
    return Path(BINARY).exists() and all((MODULES / f"mod_{m}.so").exists() for m in LOADED)


@dataclass
class Case:
    """One configuration and the requests sent to it."""

    name: str
    area: str  # authz_core, access_compat, rewrite, autoindex, sections, auth_basic, ...
    conf: str  # the site part; @ROOT, @WWW and @PORT are filled in
    files: dict[str, str] = field(default_factory=dict)  # path under @ROOT -> content
    requests: list[tuple[str, str, dict[str, str], str]] = field(default_factory=list)
    source: str = ""  # where the case comes from (an httpd-tests file, httpd docs)


class RealApache:
    """httpd -DFOREGROUND with a private ServerRoot, stopped by ``stop``."""

    def __init__(self, case: Case, port: int) -> None:
        self.case, self.port = case, port
        self.root = Path(tempfile.mkdtemp(prefix="kit-apache-"))
        os.chmod(self.root, 0o755)  # noqa: S103 - the www-data workers read the docroot
        www = self.root / "www"
        www.mkdir()
        for name, content in case.files.items():
            target = self.root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self._fill(content))
        for folder in [self.root, *self.root.rglob("*")]:
            os.chmod(folder, 0o755 if folder.is_dir() else 0o644)
        modules = "".join(f"LoadModule {m}_module {MODULES}/mod_{m}.so\n" for m in LOADED)
        user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
        self.conf = self.root / "httpd.conf"
        self.conf.write_text(
            f'ServerRoot "{self.root}"\nPidFile "{self.root}/httpd.pid"\n'
            f'DefaultRuntimeDir "{self.root}"\nErrorLog "{self.root}/error.log"\n'
            f"LogLevel warn\nListen 127.0.0.1:{port}\nServerName site.test\n{user}{modules}"
            f'DocumentRoot "{www}"\n' + self._fill(case.conf))
        self.process: subprocess.Popen[bytes] | None = None

    def _fill(self, text: str) -> str:
        return (text.replace("@ROOT", str(self.root)).replace("@WWW", str(self.root / "www"))
                .replace("@PORT", str(self.port)))

    def start(self) -> None:
        args = [BINARY, "-d", str(self.root), "-f", str(self.conf)]
        check = subprocess.run([*args, "-t"], capture_output=True, text=True, check=False)  # noqa: S603
        if check.returncode != 0:
            raise RuntimeError(f"{self.case.name}: httpd -t failed: {check.stderr}")
        # its own session: on shutdown the prefork parent signals its whole process group
        self.process = subprocess.Popen([*args, "-DFOREGROUND"],  # noqa: S603
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    log = self.root / "error.log"
                    text = log.read_text() if log.exists() else ""
                    raise RuntimeError(f"httpd did not start: {text}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        shutil.rmtree(self.root, ignore_errors=True)

    def send(self, method: str, path: str, headers: dict[str, str], source: str) -> int:
        """The status httpd answers, the request line sent byte for byte as given."""
        lines = [f"{method} {path} HTTP/1.1"]
        given = {k.lower() for k in headers}
        if "host" not in given:
            lines.append("Host: site.test")
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if method in ("POST", "PUT"):
            lines.append("Content-Length: 0")
        lines.append("Connection: close")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode()
        with socket.create_connection(("127.0.0.1", self.port), timeout=5,
                                      source_address=(source, 0)) as sock:
            sock.sendall(raw)
            data = b""
            while b"\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
        return int(data.split(b" ", 2)[1])


def audit_status(config: object, case: Case, port: int, method: str, path: str,
                 headers: dict[str, str], source: str) -> int:
    """kit's answer for the same request (the URL as the client sends it)."""
    from kit._gateway.model import AuditRequest

    given = {k.lower() for k in headers}
    request = AuditRequest.build(method, f"http://127.0.0.1:{port}{path}",
                                 headers={**({} if "host" in given else {"host": "site.test"}),
                                          **headers},
                                 source_address=source)
    return int(config.evaluate(request).status)  # type: ignore[attr-defined]


def run_case(case: Case, port: int) -> list[tuple[str, str, str, int, int]]:
    """(method, path, source, httpd's status, kit's status) for every request of a case."""
    from kit._gateway.apache.parse import load_apache

    server = RealApache(case, port)
    try:
        server.start()
        config = load_apache(server.conf)
        out = []
        for method, path, headers, source in case.requests:
            actual = server.send(method, path, headers, source)
            predicted = audit_status(config, case, port, method, path, headers, source)
            out.append((method, path, source, actual, predicted))
        return out
    finally:
        server.stop()
