"""kit.audit against a real apache2 on randomly built configurations (a differential check).

The hand-written cases (benchmarks/apache_conformance.py) test what their author thought
of; here a seeded generator combines sections (<Directory>, <Files>, <Location>, .htaccess),
Require lines and containers, AuthMerging, Order/Allow/Deny, Satisfy, <Limit>, Options and
DirectoryIndex at random, starts apache2 on each configuration httpd accepts, sends every
request to it and to kit.audit, and prints the agreement and each disagreement.

    python benchmarks/apache_random.py [--configs 30] [--seed 1]
"""

from __future__ import annotations

import argparse
import base64
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from passlib.hash import apr_md5_crypt

from tests.apache_real import Case, available, run_case
from tests.conftest import free_port

SOURCES = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
AUTH = {"Authorization": "Basic " + base64.b64encode(b"ann:pw").decode()}
BAD = {"Authorization": "Basic " + base64.b64encode(b"ann:nope").decode()}
REQUIRES = ("Require all granted", "Require all denied", "Require ip 127.0.0.2",
            "Require ip 127.0.0.1 127.0.0.3", "Require local", "Require method GET",
            "Require env from_two", "Require expr \"%{REMOTE_ADDR} == '127.0.0.3'\"")
EXTRAS = ("Options +Indexes", "Options -Indexes", "Options Indexes", "DirectoryIndex a.html",
          "Order allow,deny\nAllow from 127.0.0.1", "Order deny,allow\nDeny from 127.0.0.2",
          "Satisfy Any", "AuthMerging And", "AuthMerging Or",
          "RewriteEngine On\nRewriteRule ^a\\.html$ - [F]",
          "RewriteEngine On\nRewriteRule ^x\\.secret$ a.html [L]",
          "RewriteEngine On\nRewriteCond %{REMOTE_ADDR} =127.0.0.3\nRewriteRule .* - [G]",
          "ErrorDocument 403 http://elsewhere.test/", "Require valid-user",
          "AuthType Basic\nAuthName r\nAuthUserFile @ROOT/users",
          "Options -Indexes\nDirectoryIndex nothing.html", "Require user ann",
          "Allow from env=from_two", "Satisfy All", "Options None", "Options All",
          "AllowOverride None", "ErrorDocument 403 /a.html", "AuthMerging Off",
          "RewriteEngine Off", "Options +FollowSymLinks -Indexes",
          "<LimitExcept GET>\nRequire ip 127.0.0.2\n</LimitExcept>")


def body(rng: random.Random, htaccess: bool = False) -> str:
    lines: list[str] = []
    for _ in range(rng.randint(0, 3)):
        roll = rng.random()
        if roll < 0.45:
            lines.append(rng.choice(REQUIRES))
        elif roll < 0.6:
            kind = rng.choice(("All", "Any"))
            inner = [rng.choice(REQUIRES) for _ in range(rng.randint(1, 2))]
            if kind == "All" and rng.random() < 0.5:
                inner.append("Require not ip 127.0.0.3")
            lines.append(f"<Require{kind}>\n" + "\n".join(inner) + f"\n</Require{kind}>")
        elif roll < 0.7 and not htaccess:
            lines.append("<Limit POST>\n" + rng.choice(REQUIRES) + "\n</Limit>")
        else:
            lines.append(rng.choice(EXTRAS))
    return "\n".join(lines)


def case(rng: random.Random, number: int) -> Case:
    dirs = ["d0", "d1", "d0/s0", "d1/s1"]
    files = {"www/a.html": "x\n"}
    for d in dirs:
        for name in rng.sample(["index.html", "a.html", "x.secret"], rng.randint(0, 3)):
            files[f"www/{d}/{name}"] = "x\n"
    conf = ["SetEnvIf Remote_Addr ^127\\.0\\.0\\.2$ from_two",
            "<Directory @WWW>\n  AllowOverride All\n</Directory>"]
    for d in rng.sample(dirs, rng.randint(1, len(dirs))):
        inner = body(rng)
        if rng.random() < 0.25:
            inner += f'\n<Files "a.html">\n{body(rng)}\n</Files>'
        if rng.random() < 0.2:
            inner += f"\n<If \"%{{REMOTE_ADDR}} == '127.0.0.3'\">\n{body(rng)}\n</If>"
        conf.append(f"<Directory @WWW/{d}>\n{inner}\n</Directory>")
    if rng.random() < 0.3:
        conf.append(f'<LocationMatch "^/d[01]/s">\n{body(rng)}\n</LocationMatch>')
    if rng.random() < 0.5:
        conf.append("Alias /al @WWW/d0")
    for d in rng.sample(dirs, rng.randint(0, 2)):
        extra = (f'<Files "*.secret">\n{body(rng, htaccess=True)}\n</Files>\n'
                 if rng.random() < 0.3 else "")
        files[f"www/{d}/.htaccess"] = body(rng, htaccess=True) + "\n" + extra
    if rng.random() < 0.5:
        conf.append(f'<Files "*.secret">\n{body(rng)}\n</Files>')
    if rng.random() < 0.3:
        conf.append(f'<FilesMatch "^a">\n{body(rng)}\n</FilesMatch>')
    if rng.random() < 0.3:
        conf.append(f'<DirectoryMatch "/s[0-9]$">\n{body(rng)}\n</DirectoryMatch>')
    if rng.random() < 0.3:
        conf.append(f"<If \"%{{REMOTE_ADDR}} == '127.0.0.2'\">\n{body(rng)}\n</If>")
    for d in rng.sample(dirs, rng.randint(0, 2)):
        conf.append(f"<Location /{d}>\n{body(rng)}\n</Location>")
    paths = ["/a.html"] + [f"/{d}/{n}" for d in dirs for n in ("", "a.html", "x.secret")]
    paths += ["/al/", "/al/a.html", "/d0", "/d0/s0/a.html/extra"]
    files["users"] = f"ann:{apr_md5_crypt.hash('pw')}\n"
    requests = [("GET", p, {}, s) for p in paths for s in SOURCES]
    requests += [("GET", p, AUTH, "127.0.0.1") for p in rng.sample(paths, 4)]
    requests += [("GET", p, BAD, "127.0.0.2") for p in rng.sample(paths, 2)]
    requests += [(m, p, {}, "127.0.0.3") for p in rng.sample(paths, 2)
                 for m in ("HEAD", "DELETE", "OPTIONS")]
    requests += [("POST", p, {}, "127.0.0.1") for p in rng.sample(paths, 4)]
    return Case(f"random-{number}", "random", "\n".join(conf) + "\n", files, requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not available():
        sys.exit("apache2 and its modules are not installed (apt-get install apache2)")
    rng = random.Random(args.seed)
    started = time.perf_counter()
    total = agree = refused = 0
    misses = []
    for number in range(args.configs):
        c = case(rng, number)
        try:
            rows = run_case(c, free_port())
        except RuntimeError:  # httpd -t refused the configuration: nothing to compare
            refused += 1
            continue
        for method, path, source, actual, predicted in rows:
            total += 1
            agree += actual == predicted
            if actual != predicted:
                misses.append((c.name, method, path, source, actual, predicted))
    print(f"{args.configs} random configurations (seed {args.seed}), {refused} refused by "
          f"httpd -t, {total} requests, {time.perf_counter() - started:.1f} s")
    print(f"agreement: {agree}/{total} = {agree / max(total, 1):.3f}")
    for miss in misses:
        print("  disagree: {} {} {} from {}: httpd {}, kit {}".format(*miss))


if __name__ == "__main__":
    main()
