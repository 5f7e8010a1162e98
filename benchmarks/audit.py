"""kit.audit on large configurations: load time and time per request, per gateway.

Generates an nginx config with N prefix and regex locations (allow/deny, a map of N keys, a
geo of N networks), an httpd.conf with N Locations, N LocationMatches, N Directories and N
RewriteRules, a Kong declarative file with N routes and N consumers, a Tyk API with N
path entries and N policies, and an AWS policy with N statements beside an OpenAPI export
with N paths; then times loading and auditing requests that hit early, late and no rules.
A gateway config of a few thousand rules should load in well under a second and answer a
request in milliseconds, so a notebook form feels instant.

    python benchmarks/audit.py [--rules 2000] [--requests 200]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import yaml

import kit


def nginx(n: int) -> str:
    keys = "\n".join(f'    "key-{i:06d}-abcdefgh" client{i};' for i in range(n))
    nets = "\n".join(f"    10.{i // 256 % 256}.{i % 256}.0/24 1;" for i in range(n))
    locs = "\n".join(
        f"    location /svc{i}/ {{\n        allow 10.{i % 256}.0.0/16;\n        deny all;\n"
        f"        proxy_pass http://127.0.0.1:9000;\n    }}\n"
        f"    location ~ ^/re{i}/[0-9]+$ {{\n        return 403;\n    }}" for i in range(n))
    return (f"map $http_x_api_key $client {{\n    default \"\";\n{keys}\n}}\n"
            f"geo $office {{\n    default 0;\n{nets}\n}}\n"
            f"server {{\n    listen 80;\n{locs}\n    location / {{\n"
            "        if ($client = \"\") { return 403; }\n        proxy_pass http://127.0.0.1:9;\n"
            "    }\n}\n")


def apache(n: int) -> str:
    """N <Location> sections (Require ip, ProxyPass), N <LocationMatch> refusals, N server
    RewriteRules and N <Directory> sections: 4N rules in httpd's own merge order."""
    rules = "\n".join(f"RewriteRule ^/gone{i}/ - [G]" for i in range(n))
    dirs = "\n".join(f"<Directory /srv/www/d{i}>\n    Require ip 10.{i % 256}.0.0/16\n"
                     "</Directory>" for i in range(n))
    locs = "\n".join(
        f"<Location /svc{i}/>\n    Require ip 10.{i % 256}.0.0/16\n"
        f"    ProxyPass http://127.0.0.1:9000/svc{i}/\n</Location>\n"
        f'<LocationMatch "^/re{i}/[0-9]+$">\n    Require all denied\n</LocationMatch>'
        for i in range(n))
    return (f"DocumentRoot /srv/www\n<VirtualHost *:80>\nServerName api.example.com\n"
            f"RewriteEngine On\n{rules}\n{dirs}\n{locs}\n</VirtualHost>\n")


def kong(n: int) -> str:
    return yaml.safe_dump({
        "_format_version": "3.0",
        "services": [{"name": f"s{i}", "url": "http://127.0.0.1:9000", "routes": [
            {"name": f"r{i}", "paths": [f"/svc{i}", f"~/re{i}/[0-9]+$"], "methods": ["GET"]}],
            "plugins": [{"name": "key-auth", "config": {"key_names": ["X-API-Key"]}},
                        {"name": "acl", "config": {"allow": [f"g{i % 10}"]}}]}
            for i in range(n)],
        "consumers": [{"username": f"c{i}", "keyauth_credentials": [{"key": f"key-{i:06d}"}],
                       "acls": [{"group": f"g{i % 10}"}]} for i in range(n)],
    })


def tyk(n: int) -> tuple[str, str]:
    api = {"name": "big", "api_id": "big", "active": True, "use_keyless": False,
           "auth": {"auth_header_name": "X-API-Key"},
           "proxy": {"listen_path": "/", "target_url": "http://127.0.0.1:9000/"},
           "version_data": {"not_versioned": True, "default_version": "Default", "versions": {
               "Default": {"name": "Default", "use_extended_paths": True, "extended_paths": {
                   "black_list": [{"path": f"/svc{i}/admin", "method_actions": {
                       "GET": {"action": "no_action", "code": 200, "data": "", "headers": {}}}}
                       for i in range(n)]}}}}}
    policies = {f"p{i}": {"name": f"p{i}", "rate": 10, "per": 1, "access_rights": {"big": {
        "api_id": "big", "versions": ["Default"],
        "allowed_urls": [{"url": f"/svc{i}/.*", "methods": ["GET"]}]}}} for i in range(n)}
    return json.dumps(api), json.dumps(policies)


def aws(n: int) -> tuple[str, str]:
    statements = [{"Sid": f"S{i}", "Effect": "Deny", "Principal": "*",
                   "Action": "execute-api:Invoke", "Resource": f"execute-api:/*/GET/svc{i}/*",
                   "Condition": {"NotIpAddress": {"aws:SourceIp": [f"10.{i % 256}.0.0/16"]}}}
                  for i in range(n)]
    statements.append({"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
                       "Resource": "execute-api:/*"})
    paths = {f"/svc{i}/{{proxy+}}": {"get": {"responses": {"200": {"description": "ok"}}}}
             for i in range(n)}
    openapi = {"openapi": "3.0.1", "info": {"title": "big", "version": "1"}, "paths": paths}
    return json.dumps({"Version": "2012-10-17", "Statement": statements}), yaml.safe_dump(openapi)


def timed(action, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    n = args.rules
    folder = Path(tempfile.mkdtemp(prefix="kit-audit-bench-"))
    files: dict[str, list[Path]] = {}
    (folder / "big.conf").write_text(nginx(n))
    files["nginx"] = [folder / "big.conf"]
    (folder / "httpd.conf").write_text(apache(n))
    files["apache"] = [folder / "httpd.conf"]
    (folder / "kong.yml").write_text(kong(n))
    files["kong"] = [folder / "kong.yml"]
    api, policies = tyk(n)
    (folder / "api.json").write_text(api)
    (folder / "policies.json").write_text(policies)
    files["tyk"] = [folder / "api.json", folder / "policies.json"]
    policy, openapi = aws(n)
    (folder / "policy.json").write_text(policy)
    (folder / "openapi.yaml").write_text(openapi)
    files["aws"] = [folder / "policy.json", folder / "openapi.yaml"]
    urls = ["/svc0/x", f"/svc{n - 1}/admin", f"/re{n - 1}/42", "/nowhere"]
    print(f"{n} rules per gateway, {args.requests} requests each (median per request)")
    print(f"{'gateway':8} {'size':>9} {'load':>9} {'per request':>12} {'worst':>9}")
    for kind, paths in files.items():
        size = sum(p.stat().st_size for p in paths)
        load = timed(lambda paths=paths: kit.load_config(paths), 3)
        config = kit.load_config(paths)
        per = []
        for i in range(args.requests):
            url = urls[i % len(urls)]
            started = time.perf_counter()
            kit.audit(config, url=url, source_address="203.0.113.9",
                      headers={"X-API-Key": f"key-{n - 1:06d}"}, identity=f"p{n - 1}")
            per.append(time.perf_counter() - started)
        print(f"{kind:8} {size / 1024:7.0f} KB {load * 1000:7.0f} ms "
              f"{statistics.median(per) * 1000:9.2f} ms {max(per) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
