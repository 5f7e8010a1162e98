"""Every nginx-tests configuration that nginx -t accepts: does kit.audit read it and answer?

Reads a checkout of nginx/nginx-tests (given on the command line; nothing of it is copied
here), takes each test's nginx.conf (its ``write_file_expand('nginx.conf', ...)`` block), fills
in the test framework's placeholders, writes the files the test writes, and keeps the ones
Debian's nginx accepts with ``nginx -t`` (the rest need modules or certificates that are not
there). Each accepted configuration is loaded with ``kit.load_config`` and audited with GET and
POST for every path the test requests. Prints how many were accepted, loaded, refused by the
kit, and any exception (the goal: none on a configuration nginx accepts).

    python benchmarks/nginx_tests_sweep.py /path/to/nginx-tests
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import kit

BINARY = "/usr/sbin/nginx"
CONF = re.compile(r"write_file_expand\('nginx.conf', <<'EOF'\);\n(.*?)\nEOF\n", re.S)
FILES = re.compile(r"write_file\('([^'/]+)',\s*'([^']*)'\)")
PATHS = re.compile(r"http_get\('(/[^']*)'")


def prepare(source: str, folder: Path) -> Path | None:
    match = CONF.search(source)
    if match is None or "http {" not in match.group(1):
        return None
    conf = match.group(1)
    temp = " ".join(f"{k}_temp_path {folder}/{k};" for k in
                    ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = (conf.replace("%%TEST_GLOBALS%%", f"pid {folder}/nginx.pid;\n"
                         f"error_log {folder}/error.log;")
            .replace("%%TEST_GLOBALS_HTTP%%", f"access_log off; {temp}")
            .replace("%%TESTDIR%%", str(folder)).replace("daemon off;", ""))
    conf = re.sub(r"%%PORT_(\d+)(?:_UDP)?%%", r"\1", conf)
    conf = re.sub(r"%%\w+%%", "", conf)
    (folder / "nginx.conf").write_text(conf)
    for name, content in FILES.findall(source):
        (folder / name).write_text(content)
    return folder / "nginx.conf"


def main() -> None:
    repo = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    if repo is None or not repo.is_dir():
        sys.exit("give the path of an nginx-tests checkout")
    counts = {"tests": 0, "accepted": 0, "loaded": 0, "refused": 0, "exceptions": 0,
              "requests": 0}
    with tempfile.TemporaryDirectory() as tmp:
        for test in sorted(repo.glob("*.t")):
            source = test.read_text(errors="replace")
            folder = Path(tmp) / test.stem
            folder.mkdir()
            conf = prepare(source, folder)
            if conf is None:
                continue
            counts["tests"] += 1
            checked = subprocess.run([BINARY, "-t", "-p", str(folder), "-c", str(conf)],  # noqa: S603
                                     capture_output=True, check=False)
            if checked.returncode != 0:
                continue
            counts["accepted"] += 1
            try:
                config = kit.load_config(conf, kind="nginx")
            except kit.ConfigError as exc:
                counts["refused"] += 1
                print(f"refused {test.name}: {exc}")
                continue
            counts["loaded"] += 1
            for path in sorted(set(PATHS.findall(source)) | {"/", "/%zz"}):
                for method in ("GET", "POST"):
                    counts["requests"] += 1
                    try:
                        kit.audit(config, method=method, url=f"http://localhost:8080{path}",
                                  source_address="127.0.0.1")
                    except Exception:  # noqa: BLE001 - what this script counts
                        counts["exceptions"] += 1
                        print(f"exception {test.name} {method} {path}")
                        traceback.print_exc(limit=3)
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
