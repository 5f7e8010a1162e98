#!/usr/bin/env python3
"""Bring the rig up: every product on its own loopback address, configured from
rig/products/<product>/, then write rig/state.json. Stdlib only.

    python3 rig/up.py            # all products
    python3 rig/up.py nginx squid   # only these (plus the origin the proxies need)
"""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time

RIG = os.path.dirname(os.path.abspath(__file__))
PRODUCTS_DIR = os.path.join(RIG, "products")
# RIG_HOME moves the run folder and state.json elsewhere (tests/test_rig.py uses a temporary one).
HOME = os.environ.get("RIG_HOME") or RIG
RUN = os.path.join(HOME, "run")
STATE = os.path.join(HOME, "state.json")
VENV_PY = os.path.join(RIG, ".venv", "bin", "python")

# Test identities of the rig (literal test values, also used in scenarios.jsonl).
USERS = {"alice": "alice-pass", "bob": "bob-pass", "carol": "carol-pass"}

# product -> (address, port). Every product has its own 127.0.0.x address.
ADDR = {
    "origin": ("127.0.0.2", 8000),
    "nginx": ("127.0.0.11", 8080),
    "apache": ("127.0.0.12", 8080),
    "modsecurity": ("127.0.0.13", 8080),
    "haproxy": ("127.0.0.14", 8080),
    "squid": ("127.0.0.15", 3128),
    "lighttpd": ("127.0.0.16", 8080),
    "varnish": ("127.0.0.17", 8080),
    "tomcat": ("127.0.0.18", 8080),
    "django": ("127.0.0.19", 8080),
    "flask": ("127.0.0.20", 8080),
    "express": ("127.0.0.21", 8080),
    "caddy": ("127.0.0.22", 8080),
    "fastapi": ("127.0.0.23", 8080),
    "moto": ("127.0.0.24", 8080),
}
ORDER = list(ADDR)
NEEDS_ORIGIN = {"haproxy", "squid", "varnish"}
APPS = {"django", "flask", "express", "fastapi", "moto"}  # run from their source folder


def render(product):
    """Copy rig/products/<product>/ to rig/run/<product>/, filling @RUN@ and @RIG@."""
    src = os.path.join(PRODUCTS_DIR, product)
    dst = os.path.join(RUN, product)
    if os.path.isdir(dst):
        shutil.rmtree(dst)
    os.makedirs(dst)
    for root, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d not in ("node_modules", "__pycache__")]
        rel = os.path.relpath(root, src)
        os.makedirs(os.path.join(dst, rel), exist_ok=True)
        for name in files:
            with open(os.path.join(root, name), encoding="utf-8") as f:
                text = f.read()
            text = text.replace("@RUN@", dst).replace("@RIG@", RIG)
            with open(os.path.join(dst, rel, name), "w", encoding="utf-8") as f:
                f.write(text)
    return dst


def htpasswd(path, users=USERS):
    """Write an htpasswd file the way operators do: with Apache's htpasswd tool (APR1 MD5,
    which nginx, Apache, lighttpd and Squid's basic_ncsa_auth all read)."""
    first = True
    for user, pw in users.items():
        subprocess.run(["htpasswd", "-b", "-m"] + (["-c"] if first else []) + [path, user, pw],
                       check=True, capture_output=True)
        first = False
    os.chmod(path, 0o644)


def docroot(path):
    """A small static site: the same tree for the static-file servers."""
    pages = {
        "index.html": "<h1>rig home</h1>\n",
        "public/index.html": "public page\n",
        "internal/index.html": "internal page\n",
        "partners/index.html": "partners page\n",
        "private/index.html": "private page\n",
        "admin/index.html": "admin page\n",
        "reports/index.html": "reports page\n",
        "reports-feed/index.html": "reports feed\n",
        "readonly/index.html": "read-only data\n",
        "api/index.html": "api root\n",
        "v1/items/index.html": '{"items": []}\n',
        "v1/admin/index.html": '{"admin": true}\n',
        "v1/reports/index.html": '{"reports": []}\n',
        "files/report.txt": "a file in a directory without an index\n",
        "images/logo.txt": "pretend this is an image\n",
        "upload/index.html": "upload area\n",
        "limited403/index.html": "limited 403\n",
        "limited429/index.html": "limited 429\n",
        "legacy/index.html": "legacy page\n",
        "hotlink/logo.txt": "pretend image\n",
        "config.bak": "backup\n",
        ".env": "SECRET=1\n",
        ".htaccess": "# nothing\n",
        ".git/config": "[core]\n",
        "secret.txt": "root only\n",
        "readable.txt": "readable by all\n",
    }
    for rel, text in pages.items():
        p = os.path.join(path, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, 0o644)
    # File permission refusal: owned by root, mode 0600; the worker user cannot read it.
    os.chown(os.path.join(path, "secret.txt"), 0, 0)
    os.chmod(os.path.join(path, "secret.txt"), 0o600)


def basic(user, pw):
    return "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode()


# ---------------------------------------------------------------- products

def setup_origin(d):
    return [sys.executable, os.path.join(d, "origin.py"), *map(str, ADDR["origin"])], {}


def setup_nginx(d):
    docroot(os.path.join(d, "www"))
    htpasswd(os.path.join(d, "htpasswd"))
    os.makedirs(os.path.join(d, "tmp"), exist_ok=True)
    return ["nginx", "-p", d, "-c", os.path.join(d, "nginx.conf"), "-g", "daemon off;"], {}


def setup_apache(d):
    docroot(os.path.join(d, "www"))
    htpasswd(os.path.join(d, "htpasswd"))
    os.makedirs(os.path.join(d, "evasive"), exist_ok=True)
    shutil.chown(os.path.join(d, "evasive"), "www-data", "www-data")
    return ["apache2", "-f", os.path.join(d, "apache2.conf"), "-DFOREGROUND"], {}


def setup_modsecurity(d):
    docroot(os.path.join(d, "www"))
    for sub in ("data", "tmp"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
        shutil.chown(os.path.join(d, sub), "www-data", "www-data")
    return ["apache2", "-f", os.path.join(d, "apache2.conf"), "-DFOREGROUND"], {}


def setup_haproxy(d):
    return ["haproxy", "-db", "-f", os.path.join(d, "haproxy.cfg")], {}


def setup_squid(d):
    htpasswd(os.path.join(d, "passwd"))
    for sub in ("spool",):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    for root, dirs, files in os.walk(d):
        for n in dirs + files:
            shutil.chown(os.path.join(root, n), "proxy", "proxy")
    shutil.chown(d, "proxy", "proxy")
    return ["squid", "-N", "-f", os.path.join(d, "squid.conf")], {}


def setup_lighttpd(d):
    docroot(os.path.join(d, "www"))
    htpasswd(os.path.join(d, "htpasswd"))
    os.makedirs(os.path.join(d, "logs"), exist_ok=True)
    shutil.chown(os.path.join(d, "logs"), "www-data", "www-data")
    return ["lighttpd", "-D", "-f", os.path.join(d, "lighttpd.conf")], {}


def setup_varnish(d):
    os.makedirs(os.path.join(d, "work"), exist_ok=True)
    host, port = ADDR["varnish"]
    return ["varnishd", "-F", "-a", f"{host}:{port}", "-f", os.path.join(d, "default.vcl"),
            "-n", os.path.join(d, "work"), "-s", "malloc,32m", "-T", "none"], {}


def setup_tomcat(d):
    for sub in ("logs", "temp", "work"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    # Debian's stock files for what the rig does not change.
    for name in ("web.xml", "catalina.properties", "logging.properties", "context.xml"):
        shutil.copy(os.path.join("/etc/tomcat10", name), os.path.join(d, "conf", name))
    env = {"CATALINA_HOME": "/usr/share/tomcat10", "CATALINA_BASE": d,
           "CATALINA_TMPDIR": os.path.join(d, "temp"),
           "CATALINA_PID": os.path.join(d, "tomcat.pid"),
           "JAVA_OPTS": "-Xmx256m -Djava.security.egd=file:/dev/./urandom"}
    return ["/usr/share/tomcat10/bin/catalina.sh", "run"], env


def setup_django(d):
    src = os.path.join(PRODUCTS_DIR, "django")
    env = {"RIG_RUN": d, "DJANGO_SETTINGS_MODULE": "riglab.settings", "PYTHONPATH": src}
    subprocess.run([VENV_PY, os.path.join(src, "manage.py"), "migrate", "--noinput", "-v", "0"],
                   check=True, env={**os.environ, **env}, cwd=src)
    subprocess.run([VENV_PY, os.path.join(src, "seed.py")], check=True,
                   env={**os.environ, **env}, cwd=src)
    host, port = ADDR["django"]
    return [VENV_PY, os.path.join(src, "manage.py"), "runserver", "--noreload",
            f"{host}:{port}"], env


def setup_flask(d):
    src = os.path.join(PRODUCTS_DIR, "flask")
    host, port = ADDR["flask"]
    return [VENV_PY, os.path.join(src, "app.py"), host, str(port)], {"RIG_RUN": d}


def setup_express(d):
    src = os.path.join(PRODUCTS_DIR, "express")
    host, port = ADDR["express"]
    return ["node", os.path.join(src, "app.js"), host, str(port)], {"NODE_ENV": "production"}


def setup_fastapi(d):
    src = os.path.join(PRODUCTS_DIR, "fastapi")
    host, port = ADDR["fastapi"]
    return [VENV_PY, os.path.join(src, "app.py"), host, str(port)], {}


def setup_moto(d):
    src = os.path.join(PRODUCTS_DIR, "moto")
    host, port = ADDR["moto"]
    return [VENV_PY, os.path.join(src, "server.py"), host, str(port)], {}


def setup_caddy(d):
    docroot(os.path.join(d, "www"))
    conf = os.path.join(d, "Caddyfile")
    with open(conf) as f:
        text = f.read()
    for user, pw in USERS.items():
        # bcrypt, as `caddy hash-password` makes, at cost 10 so each check stays fast
        line = subprocess.run(["htpasswd", "-nbB", "-C", "10", user, pw], check=True,
                              capture_output=True, text=True).stdout.strip()
        text = text.replace(f"@HASH_{user}@", line.split(":", 1)[1].replace("$2y$", "$2a$", 1))
    with open(conf, "w") as f:
        f.write(text)
    for sub in ("data", "config"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
        shutil.chown(os.path.join(d, sub), "caddy", "caddy")
    env = {"XDG_DATA_HOME": os.path.join(d, "data"), "XDG_CONFIG_HOME": os.path.join(d, "config"),
           "HOME": os.path.join(d, "data")}
    # Caddy runs as its own unprivileged user (Debian's package creates "caddy").
    return ["runuser", "-u", "caddy", "--", "caddy", "run", "--config", conf,
            "--adapter", "caddyfile"], env


SETUP = {name: globals()[f"setup_{name}"] for name in ORDER}
# How long each product may take to answer, in seconds.
PATIENCE = {"tomcat": 90, "django": 30, "moto": 30}


def answers(product):
    """True once the product answers an HTTP request (any status)."""
    host, port = ADDR[product]
    try:
        with socket.create_connection((host, port), timeout=2) as s:
            s.sendall(b"GET / HTTP/1.0\r\nHost: probe.rig.test\r\n\r\n")
            return s.recv(12).startswith(b"HTTP/")
    except OSError:
        return False


def start(product):
    d = render(product) if os.path.isdir(os.path.join(PRODUCTS_DIR, product)) else RUN
    cmd, env = SETUP[product](d)
    # The apps run from their source folder; the servers from their rendered run folder.
    cwd = os.path.join(PRODUCTS_DIR, product) if product in APPS else d
    with open(os.path.join(d, "product.log"), "ab") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **env}, stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    return proc, os.path.join(d, "product.log")


def main(argv):
    wanted = argv[1:] or ORDER
    unknown = [p for p in wanted if p not in ADDR]
    if unknown:
        sys.exit(f"unknown product(s): {unknown}; known: {ORDER}")
    if os.path.exists(STATE):
        subprocess.run([sys.executable, os.path.join(RIG, "down.py")], check=False)
    if any(p in NEEDS_ORIGIN for p in wanted) and "origin" not in wanted:
        wanted = ["origin", *wanted]
    wanted = [p for p in ORDER if p in wanted]
    os.makedirs(RUN, exist_ok=True)
    t0 = time.time()
    state, procs = {}, {}
    for product in wanted:
        try:
            proc, log = start(product)
        except (OSError, subprocess.CalledProcessError) as exc:  # the others still start
            print(f"{product:12s} FAILED to start: {exc}")
            continue
        host, port = ADDR[product]
        procs[product] = (proc, log)
        state[product] = {"base_url": f"http://{host}:{port}", "pid": proc.pid,
                          "address": host, "port": port, "log": log}
    with open(STATE, "w") as f:  # written early so down.py can stop a half-started rig
        json.dump(state, f, indent=2)
    failed = []
    for product, (proc, log) in procs.items():
        deadline = time.time() + PATIENCE.get(product, 20)
        while time.time() < deadline and proc.poll() is None and not answers(product):
            time.sleep(0.25)
        if proc.poll() is None and answers(product):
            state[product]["ready_after_s"] = round(time.time() - t0, 1)
            print(f"{product:12s} up   {state[product]['base_url']}  pid {proc.pid}"
                  f"  ({state[product]['ready_after_s']} s)")
        else:
            print(f"{product:12s} DOWN (exit {proc.poll()}); see {log}")
            failed.append(product)
            state[product]["failed"] = True
    with open(STATE, "w") as f:
        json.dump(state, f, indent=2)
    print(f"rig up in {time.time() - t0:.1f} s; state in {STATE}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
