#!/usr/bin/env python3
"""Writes rig/scenarios.jsonl (one labelled scenario a line). Edit here, then run it.

Labelling rule: a scenario is labelled by the MECHANISM that refused it (see README.md).
"""
import base64
import hashlib
import hmac
import json
import os

RIG = os.path.dirname(os.path.abspath(__file__))
H = {"Host": "api.rig.test"}          # the virtual host the servers serve
DENIED_SRC = "127.0.0.99"              # an address no allowlist admits
ALLOWED_SRC = "127.0.0.1"
KEY_ALICE = "rig-key-alice-0001"
KEY_BOB = "rig-key-bob-0002"
KEY_WRONG = "rig-key-wrong-9999"
BAD_UA = "sqlmap/1.7.2#stable (https://sqlmap.org)"


def basic(user, pw):
    return "Basic " + base64.b64encode(f"{user}:{pw}".encode()).decode()


ALICE = basic("alice", "alice-pass")
BOB = basic("bob", "bob-pass")
ALICE_WRONG = basic("alice", "not-her-password")
NOBODY = basic("mallory", "mallory-pass")

OUT = []

# What each request carries (see README.md "What each request carries"): every scenario and
# its control send the product's ONE ordinary valid credential and an ordinary client
# User-Agent, whatever the cause, so that what a scenario sends never predicts its label.
# Only a scenario precisely about the credential changes it (missing: cred="none"; a bad or
# another user's credential: given in its headers), and only a scenario about the
# User-Agent changes the User-Agent.
CLIENT_UA = "acme-client/1.4 (+ops@example.test)"
TOKEN_DRF_ALICE = "Token a11ce0000000000000000000000000000000a11c"
BEARER_ALICE = "Bearer rig-token-alice-0001"
PRODUCT_CRED = {
    "nginx": {"X-API-Key": KEY_ALICE},
    "apache": {"Authorization": ALICE},
    "haproxy": {"X-API-Key": KEY_ALICE},
    "squid": {"Proxy-Authorization": ALICE},
    "lighttpd": {"Authorization": ALICE},
    "varnish": {"Authorization": ALICE},
    "tomcat": {"Authorization": ALICE},
    "django": {"Authorization": TOKEN_DRF_ALICE},
    "flask": {"Authorization": BEARER_ALICE},
    "express": {"X-API-Key": KEY_ALICE},
    "caddy": {"Authorization": ALICE},
    "fastapi": {"Authorization": BEARER_ALICE},
}
# Products with no authenticated area: a harmless client header on every request instead,
# so header presence never tracks the cause there either.
PRODUCT_PLAIN = {
    "modsecurity": {"X-Request-Id": "acme-7f3c2a9e-0001"},
}
CRED_HEADERS = {"authorization", "x-api-key", "proxy-authorization"}


def has_cred(headers):
    for k, v in headers.items():
        if k.lower() in CRED_HEADERS:
            return True
        if k.lower() == "cookie" and "sessionid=" in v:
            return True
    return False


def ordinary(product, headers, add_cred):
    """headers plus what an ordinary client of the product always sends."""
    out = {}
    out.update(PRODUCT_PLAIN.get(product, {}))
    if add_cred and not has_cred(headers):
        out.update(PRODUCT_CRED.get(product, {}))
    out.update(headers)
    if not any(k.lower() == "user-agent" for k in out):
        out["User-Agent"] = CLIENT_UA
    return out


def sc(product, sid, cause, sub_cause, path, *, method="GET", headers=None, src=None,
       status=403, control=None, generic=True, note="", prime=0, body=None, cred="default"):
    """cred="default": the product's valid credential is added unless the headers carry a
    credential of the scenario's own (a bad one, another user's); cred="none": the scenario
    is about a missing credential and sends none (its control still sends a valid one)."""
    given = dict(headers or {})
    add = cred == "default" and not has_cred(given)
    hdrs = ordinary(product, given, add)
    c = {"method": "GET", "path": path, "headers": dict(hdrs), "source_address": None}
    c.update(control or {})
    if control and "headers" in control:
        c["headers"] = ordinary(product, dict(control["headers"]), add)
    row = {"product": product, "id": f"{product}/{sid}", "cause": cause, "sub_cause": sub_cause,
           "method": method, "path": path, "headers": hdrs,
           "source_address": src, "expected_status": status, "control": c,
           "generic_page": generic, "note": note}
    if prime:
        row["prime"] = prime
    if body is not None:
        row["body"] = body
    OUT.append(row)


def with_(d, **kw):
    x = dict(d)
    x.update({k.replace("_", "-"): v for k, v in kw.items()})
    return x


# ------------------------------------------------------------------ nginx
def nginx():
    p = "nginx"
    sc(p, "allow-deny-internal", "ip_allowlist", "address_deny_rule", "/internal/", headers=H,
       src=DENIED_SRC, control={"source_address": ALLOWED_SRC},
       note="location /internal/ { allow 127.0.0.1; deny all; }")
    sc(p, "allow-deny-internal-head", "ip_allowlist", "address_deny_rule", "/internal/index.html",
       method="HEAD", headers=H, src="127.0.0.98", control={"method": "HEAD"},
       note="same allow/deny rule, HEAD from another outside address")
    sc(p, "limit-req-403", "rate_limit", "limiter_403", "/limited403/", headers=H,
       src="127.0.0.51", prime=8, control={"source_address": ALLOWED_SRC},
       note="limit_req zone=limit403 burst=3 nodelay; limit_req_status 403 (30r/m per address)")
    sc(p, "limit-req-429", "rate_limit", "limiter_429", "/limited429/", headers=H,
       src="127.0.0.51", prime=8, status=429, generic=False,
       control={"source_address": ALLOWED_SRC},
       note="limit_req_status 429: nginx's page says 429 Too Many Requests")
    sc(p, "auth-basic-missing", "api_key", "credential_missing", "/private/", headers=H, cred="none",
       status=401, generic=False, control={"headers": with_(H, Authorization=ALICE)},
       note="auth_basic without credentials: 401 Authorization Required + WWW-Authenticate")
    sc(p, "auth-basic-wrong-password", "authentication", "wrong_password", "/private/",
       headers=with_(H, Authorization=ALICE_WRONG), status=401, generic=False,
       control={"headers": with_(H, Authorization=ALICE)},
       note="auth_basic, known user, wrong password")
    sc(p, "auth-basic-unknown-user", "authentication", "unknown_user", "/private/",
       headers=with_(H, Authorization=NOBODY), status=401, generic=False,
       control={"headers": with_(H, Authorization=BOB)}, note="auth_basic, user not in htpasswd")
    sc(p, "admin-not-admin", "permissions", "role_missing", "/admin/",
       headers=with_(H, Authorization=BOB), control={"headers": with_(H, Authorization=ALICE)},
       note="bob authenticates; map $remote_user $is_admin; if ($is_admin = 0) { return 403; }")
    sc(p, "autoindex-off", "configuration", "directory_listing", "/files/", headers=H,
       control={"path": "/files/report.txt"},
       note="directory without index, autoindex off")
    sc(p, "file-permission", "configuration", "file_permission", "/secret.txt", headers=H,
       control={"path": "/readable.txt"}, note="file owned by root, mode 0600; worker is www-data")
    sc(p, "valid-referers", "security_policy", "hotlink_referer", "/images/logo.txt",
       headers=with_(H, Referer="http://evil.example/page"),
       control={"headers": with_(H, Referer="http://api.rig.test/index.html")},
       note="valid_referers none blocked server_names; if ($invalid_referer) { return 403; }")
    sc(p, "user-agent-sqlmap", "security_policy", "bad_user_agent", "/public/",
       headers=with_(H, User_Agent=BAD_UA), control={"headers": H},
       note="if ($http_user_agent ~* (sqlmap|nikto|masscan)) { return 403; }")
    sc(p, "user-agent-nikto", "security_policy", "bad_user_agent", "/v1/items/",
       headers=with_(H, User_Agent="Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000001)",
                     X_API_Key=KEY_ALICE),
       control={"headers": with_(H, X_API_Key=KEY_ALICE)},
       note="same UA rule refuses before the key is looked at")
    sc(p, "api-key-missing", "api_key", "key_missing", "/v1/items/", headers=H, cred="none",
       control={"headers": with_(H, X_API_Key=KEY_BOB)},
       note="map $http_x_api_key $api_client; if ($api_client = \"\") { return 403; }")
    sc(p, "api-key-wrong", "api_key", "key_invalid", "/v1/items/",
       headers=with_(H, X_API_Key=KEY_WRONG), control={"headers": with_(H, X_API_Key=KEY_ALICE)},
       note="key not in the map")
    sc(p, "api-key-not-admin", "permissions", "key_lacks_right", "/v1/admin/",
       headers=with_(H, X_API_Key=KEY_BOB), control={"headers": with_(H, X_API_Key=KEY_ALICE)},
       note="valid key of bob; /v1/admin/ only for alice's key")
    sc(p, "limit-req-per-key", "rate_limit", "quota_per_key", "/v1/reports/",
       headers=with_(H, X_API_Key=KEY_BOB), prime=8, control={"headers": with_(H, X_API_Key=KEY_ALICE)},
       note="limit_req_zone $http_x_api_key zone=perkey rate=30r/m; burst=3 nodelay; limit_req_status 403")
    sc(p, "unmapped-location", "configuration", "route_retired", "/legacy/", headers=H,
       control={"path": "/public/"}, note="location /legacy/ { return 403; }")
    sc(p, "unknown-host", "configuration", "host_not_served", "/public/",
       headers={"Host": "other.rig.test"}, control={"headers": H},
       note="default_server { return 403; } for hosts without a server block")
    sc(p, "limit-except-post", "configuration", "method_not_allowed", "/upload/", method="POST",
       headers=H, body="a=1", note="limit_except GET { deny all; }")
    sc(p, "hidden-file", "configuration", "hidden_file", "/.git/config", headers=H,
       control={"path": "/readable.txt"}, note="location ~ /\\. { deny all; }")



def web_common(p, notes, *, admin_status=403, admin_generic=True, key_status=403,
               skip=(), hidden_path="/.git/config", upload_method="POST", key_generic=True):
    """Scenarios every web server of the rig has, each refused by that product's own rule
    (notes[name] says which directive)."""
    def want(name):
        return name in notes and name not in skip

    if want("internal"):
        sc(p, "address-allowlist", "ip_allowlist", "address_not_allowed", "/internal/", headers=H,
           src=DENIED_SRC, control={"source_address": ALLOWED_SRC}, note=notes["internal"])
    if want("blocklist"):
        sc(p, "address-blocklist", "ip_allowlist", "address_blocklisted", "/public/", headers=H,
           src="127.0.0.98", control={"source_address": ALLOWED_SRC}, note=notes["blocklist"])
    if want("ua"):
        sc(p, "user-agent-rule", "security_policy", "bad_user_agent", "/public/",
           headers=with_(H, User_Agent=BAD_UA), control={"headers": H}, note=notes["ua"])
    if want("referer"):
        sc(p, "hotlink-referer", "security_policy", "hotlink_referer", "/images/logo.txt",
           headers=with_(H, Referer="http://evil.example/page"),
           control={"headers": with_(H, Referer="http://api.rig.test/index.html")},
           note=notes["referer"])
    if want("basic"):
        sc(p, "basic-auth-missing", "api_key", "credential_missing", "/private/", headers=H, cred="none",
           status=401, generic=False, control={"headers": with_(H, Authorization=ALICE)},
           note=notes["basic"] + " (no Authorization header: 401 challenge)")
        sc(p, "basic-auth-wrong-password", "authentication", "wrong_password", "/private/",
           headers=with_(H, Authorization=ALICE_WRONG), status=401, generic=False,
           control={"headers": with_(H, Authorization=ALICE)},
           note=notes["basic"] + " (known user, wrong password)")
        sc(p, "basic-auth-unknown-user", "authentication", "unknown_user", "/private/",
           headers=with_(H, Authorization=NOBODY), status=401, generic=False,
           control={"headers": with_(H, Authorization=BOB)},
           note=notes["basic"] + " (user unknown)")
    if want("admin"):
        sc(p, "user-without-role", "permissions", "role_missing", "/admin/",
           headers=with_(H, Authorization=BOB), status=admin_status,
           generic=admin_generic if admin_status == 403 else False,
           control={"headers": with_(H, Authorization=ALICE)}, note=notes["admin"])
    if want("key"):
        sc(p, "api-key-missing", "api_key", "key_missing", "/v1/items/", headers=H, cred="none",
           status=key_status, generic=key_status == 403,
           control={"headers": with_(H, X_API_Key=KEY_BOB)}, note=notes["key"])
        sc(p, "api-key-wrong", "api_key", "key_invalid", "/v1/items/",
           headers=with_(H, X_API_Key=KEY_WRONG), generic=key_generic,
           control={"headers": with_(H, X_API_Key=KEY_ALICE)}, note=notes["key"])
        sc(p, "api-key-without-right", "permissions", "key_lacks_right", "/v1/admin/",
           headers=with_(H, X_API_Key=KEY_BOB), control={"headers": with_(H, X_API_Key=KEY_ALICE)},
           generic=key_generic, note=notes["key_admin"])
    if want("dir"):
        sc(p, "directory-listing-off", "configuration", "directory_listing", "/files/",
           headers=H, control={"path": "/files/report.txt"}, note=notes["dir"])
    if want("fileperm"):
        sc(p, "file-permission", "configuration", "file_permission", "/secret.txt", headers=H,
           control={"path": "/readable.txt"}, note=notes["fileperm"])
    if want("legacy"):
        sc(p, "retired-route", "configuration", "route_retired", "/legacy/", headers=H,
           control={"path": "/public/"}, note=notes["legacy"])
    if want("hidden"):
        sc(p, "hidden-file", "configuration", "hidden_file", hidden_path, headers=H,
           control={"path": "/public/"}, note=notes["hidden"])
    if want("upload"):
        sc(p, "method-not-allowed-here", "configuration", "method_not_allowed", "/upload/",
           method=upload_method, headers=H, body="a=1", note=notes["upload"])
    if want("host"):
        sc(p, "host-not-served", "configuration", "host_not_served", "/public/",
           headers={"Host": "other.rig.test"}, control={"headers": H}, note=notes["host"])


def limiter(p, src, prime, note403, note429, msg403_generic=True, path403="/limited403/",
            path429="/limited429/"):
    if note403:
        sc(p, "rate-limit-403", "rate_limit", "limiter_403", path403, headers=H, src=src,
           prime=prime, generic=msg403_generic, control={"source_address": ALLOWED_SRC},
           note=note403)
    if note429:
        sc(p, "rate-limit-429", "rate_limit", "limiter_429", path429, headers=H, src=src,
           prime=prime, status=429, generic=False, control={"source_address": ALLOWED_SRC},
           note=note429)


# ------------------------------------------------------------------ Apache httpd
def apache():
    p = "apache"
    web_common(p, {
        "internal": "<Location /internal/> Require ip 127.0.0.1",
        "blocklist": "<Directory docroot> <RequireAll> Require all granted; Require not ip 127.0.0.98",
        "ua": "RewriteCond %{HTTP_USER_AGENT} (sqlmap|nikto|masscan) [NC]; RewriteRule ^ - [F]",
        "referer": "mod_rewrite hotlink rule: RewriteCond %{HTTP_REFERER} ...; RewriteRule ^/images/ - [F]",
        "basic": "AuthType Basic, AuthUserFile (htpasswd), Require valid-user",
        "admin": "Require group admins (AuthGroupFile); bob authenticates but is not in the group: httpd answers 401, not 403",
        "key": "Require expr \"%{HTTP:X-API-Key} in { ... }\" (mod_authz_core expression)",
        "key_admin": "Require expr \"%{HTTP:X-API-Key} == 'rig-key-alice-0001'\" on /v1/admin/",
        "dir": "Options -Indexes on a directory without index.html",
        "fileperm": "file owned by root, mode 0600; httpd children run as www-data",
        "legacy": "RewriteRule ^/legacy/ - [F]",
        "hidden": "<LocationMatch \"/\\.(git|env)\"> Require all denied",
        "upload": "<LimitExcept GET HEAD> Require all denied </LimitExcept>",
        "host": "first <VirtualHost> (default for unknown Host) has Require all denied",
    }, admin_status=401)
    sc(p, "require-host", "ip_allowlist", "client_hostname_not_allowed", "/partners/", headers=H,
       src=DENIED_SRC, control={"source_address": ALLOWED_SRC},
       note="Require host localhost: double reverse DNS of the client address must give localhost")
    sc(p, "require-user", "permissions", "user_not_allowed", "/reports/",
       headers=with_(H, Authorization=BOB), status=401, generic=False,
       control={"headers": with_(H, Authorization=ALICE)},
       note="Require user alice; bob's password is right but httpd answers 401 (re-challenge)")
    sc(p, "htaccess-file", "configuration", "protected_file", "/.htaccess", headers=H,
       control={"path": "/public/"}, note="<FilesMatch \"^\\.ht\"> Require all denied (Debian's stock rule)")
    sc(p, "setenvif-bad-bot", "security_policy", "bad_user_agent", "/reports-feed/",
       headers=with_(H, User_Agent="masscan/1.3 (https://github.com/robertdavidgraham/masscan)"),
       control={"headers": H},
       note="SetEnvIfNoCase User-Agent \"^masscan\" bad_bot; Require not env bad_bot")
    sc(p, "require-method", "configuration", "method_not_allowed", "/readonly/", method="POST",
       headers=H, body="a=1", note="Require method GET HEAD (mod_authz_core)")
    sc(p, "mod-evasive", "rate_limit", "flood_block", "/public/", headers=H, src="127.0.0.52",
       prime=8, control={"source_address": ALLOWED_SRC},
       note="mod_evasive: DOSPageCount 5 per DOSPageInterval 1 s, then 403 for DOSBlockingPeriod 10 s")


# ------------------------------------------------------------------ ModSecurity + CRS
def modsecurity():
    p = "modsecurity"
    ok = {"path": "/public/?id=42", "headers": H}
    rows = [
        ("sqli-tautology", "sql_injection", "/public/?id=1%27%20OR%20%271%27%3D%271", {}, None,
         "CRS 942 SQL injection (libinjection) in a query argument; anomaly score >= 5 -> 949110 deny"),
        ("sqli-union", "sql_injection", "/public/?id=1%20UNION%20SELECT%20username,password%20FROM%20users--", {}, None,
         "CRS 942 UNION SELECT in a query argument"),
        ("sqli-cookie", "sql_injection", "/public/", {"Cookie": "session=1' OR '1'='1"}, None,
         "CRS 942 SQL injection in a cookie"),
        ("sqli-form-body", "sql_injection", "/public/", {}, "user=admin'--&pass=x",
         "CRS 942 SQL injection in a urlencoded POST body"),
        ("xss-script", "xss", "/public/?q=%3Cscript%3Ealert(1)%3C/script%3E", {}, None,
         "CRS 941 XSS <script> in a query argument"),
        ("xss-event-handler", "xss", "/public/?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", {}, None,
         "CRS 941 XSS event handler"),
        ("path-traversal", "path_traversal", "/public/?file=../../../../etc/passwd", {}, None,
         "CRS 930 path traversal / LFI in a query argument"),
        ("rce-unix", "command_injection", "/public/?cmd=%3Bcat%20/etc/passwd", {}, None,
         "CRS 932 Unix command injection"),
        ("php-injection", "code_injection", "/public/?x=%3C%3Fphp%20system(%24_GET%5Bc%5D)%3B%20%3F%3E", {}, None,
         "CRS 933 PHP injection"),
        ("scanner-sqlmap", "scanner_user_agent", "/public/", {"User-Agent": BAD_UA}, None,
         "CRS 913100 security scanner User-Agent"),
        ("scanner-nikto", "scanner_user_agent", "/public/",
         {"User-Agent": "Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000001)"}, None,
         "CRS 913100 security scanner User-Agent (Nikto)"),
        ("restricted-extension", "restricted_file", "/config.bak", {}, None,
         "CRS 920440 restricted file extension (.bak)"),
        ("method-not-allowed", "method_policy", "/public/", {}, None,
         "CRS 911100 method not in tx.allowed_methods (PUT)"),
    ]
    for sid, sub, path, extra, body, note in rows:
        method = "POST" if body is not None else ("PUT" if sid == "method-not-allowed" else "GET")
        sc(p, sid, "security_policy", sub, path, method=method, headers=with_(H, **{}) | extra,
           control=ok, body=body, note=note)
    sc(p, "file-permission", "configuration", "file_permission", "/secret.txt", headers=H,
       control=ok, note="not the WAF: httpd itself cannot read a root-owned 0600 file")
    sc(p, "waf-address-rule", "ip_allowlist", "address_blocklisted", "/public/?id=42", headers=H,
       src="127.0.0.98", control={"source_address": ALLOWED_SRC},
       note="SecRule REMOTE_ADDR \"@ipMatch 127.0.0.98\" \"phase:1,deny,status:403\" (site rule before the CRS)")
    sc(p, "waf-rate-limit-429", "rate_limit", "limiter_429", "/api/", headers=H, src="127.0.0.63",
       prime=15, status=429, generic=False, control={"source_address": ALLOWED_SRC},
       note="initcol:ip, setvar:ip.api_requests=+1, expirevar 10 s; deny,status:429 when > 10. "
            "The page is Apache's stock 429 page")


# ------------------------------------------------------------------ HAProxy
def haproxy():
    p = "haproxy"
    web_common(p, {
        "internal": "http-request deny if { path_beg /internal/ } !{ src 127.0.0.1 }",
        "blocklist": "acl blocklisted src 127.0.0.98; http-request deny deny_status 403 if blocklisted",
        "ua": "acl bad_ua req.hdr(user-agent) -i -m sub sqlmap nikto masscan; http-request deny if bad_ua",
        "basic": "userlist + http-request auth realm rig if !{ http_auth(rigusers) }",
        "admin": "http-request deny if { path_beg /admin/ } !{ http_auth_group(rigusers) admins }",
        "key": "acl valid_key req.hdr(x-api-key) -m str ...; http-request deny if { path_beg /v1/ } !valid_key",
        "key_admin": "http-request deny if { path_beg /v1/admin/ } !admin_key",
        "legacy": "http-request deny if { path_beg /legacy/ }",
        "hidden": "acl hidden path_beg /.git /.env; http-request deny if hidden",
        "upload": "http-request deny if { path_beg /upload/ } !{ method GET HEAD }",
        "host": "acl known_host req.hdr(host) -i api.rig.test ...; http-request deny if !known_host",
    })
    sc(p, "rate-limit-403", "rate_limit", "limiter_403", "/limited403/", headers=H, src="127.0.0.53",
       prime=15, control={"source_address": ALLOWED_SRC},
       note="stick-table http_req_rate(10s); http-request deny deny_status 403 if { sc_http_req_rate(0) gt 10 }")
    sc(p, "rate-limit-429", "rate_limit", "limiter_429", "/limited429/", headers=H, src="127.0.0.54",
       prime=15, status=429, generic=False, control={"source_address": ALLOWED_SRC},
       note="same stick table, deny_status 429")
    sc(p, "rate-limit-per-key", "rate_limit", "quota_per_key", "/v1/reports/",
       headers=with_(H, X_API_Key=KEY_BOB), prime=8, status=429, generic=False,
       control={"headers": with_(H, X_API_Key=KEY_ALICE)},
       note="http-request track-sc1 req.hdr(x-api-key) table keyrates; deny_status 429 if sc_http_req_rate(1,keyrates) gt 5")


# ------------------------------------------------------------------ Squid (forward proxy)
def squid():
    p = "squid"
    url = "http://origin.rig.test:8000/public/"
    auth = {"Proxy-Authorization": ALICE}
    ok = {"method": "GET", "path": url, "headers": auth, "source_address": ALLOWED_SRC}

    def s(sid, cause, sub, path, *, method="GET", headers=None, src=None, status=403,
          generic=True, note="", control=None, body=None, cred="default"):
        sc(p, sid, cause, sub, path, method=method, headers=headers if headers is not None else auth,
           src=src, status=status, generic=generic, control=control or ok, note=note, body=body,
           cred=cred)

    s("client-not-allowed", "ip_allowlist", "address_not_allowed", url, src=DENIED_SRC,
      note="acl clients src 127.0.0.1 127.0.0.55; http_access deny !clients (ERR_ACCESS_DENIED)")
    s("client-not-allowed-2", "ip_allowlist", "address_not_allowed", "http://admin.rig.test:8000/",
      src="127.0.0.98", note="same rule, another outside address and site")
    s("proxy-auth-missing", "api_key", "credential_missing", url, headers={}, status=407,
      generic=False, cred="none", note="acl authed proxy_auth REQUIRED; http_access deny !authed: 407 challenge")
    s("proxy-auth-wrong-password", "authentication", "wrong_password", url,
      headers={"Proxy-Authorization": ALICE_WRONG}, status=407, generic=False,
      note="basic_ncsa_auth rejects the password: 407 again")
    s("proxy-auth-unknown-user", "authentication", "unknown_user", url,
      headers={"Proxy-Authorization": NOBODY}, status=407, generic=False,
      note="basic_ncsa_auth: user not in the passwd file")
    s("user-not-admin", "permissions", "user_not_allowed", "http://admin.rig.test:8000/",
      headers={"Proxy-Authorization": BOB},
      control={"method": "GET", "path": "http://admin.rig.test:8000/", "headers": auth,
               "source_address": ALLOWED_SRC},
      note="acl admins proxy_auth alice; http_access deny admin_site !admins all (403, not 407)")
    s("blocked-domain", "security_policy", "destination_blocked", "http://www.blocked.rig.test:8000/",
      note="acl blocked_sites dstdomain .blocked.rig.test; http_access deny blocked_sites")
    s("user-agent-rule", "security_policy", "bad_user_agent", url, headers=with_(auth, User_Agent=BAD_UA),
      note="acl bad_ua browser -i sqlmap nikto masscan; http_access deny bad_ua")
    s("unsafe-port", "security_policy", "unsafe_port", "http://origin.rig.test:25/",
      note="http_access deny !Safe_ports (squid.conf's stock rule)")
    s("connect-non-ssl-port", "security_policy", "unsafe_port", "origin.rig.test:8000", method="CONNECT",
      note="http_access deny CONNECT !SSL_ports (squid.conf's stock rule)")
    s("hidden-file", "configuration", "hidden_file", "http://origin.rig.test:8000/.git/config",
      note="acl hidden urlpath_regex ^/\\.(git|env); http_access deny hidden")
    s("method-not-allowed-here", "configuration", "method_not_allowed",
      "http://origin.rig.test:8000/upload/x", method="PUT", body="a=1",
      note="acl write_methods method PUT DELETE; http_access deny upload_path write_methods")


# ------------------------------------------------------------------ lighttpd
def lighttpd():
    p = "lighttpd"
    web_common(p, {
        "internal": "$HTTP[\"remote-ip\"] != \"127.0.0.1\" { $HTTP[\"url\"] =^ \"/internal/\" { url.access-deny = (\"\") } }",
        "ua": "$HTTP[\"useragent\"] =~ \"(?i)(sqlmap|nikto|masscan)\" { url.access-deny = (\"\") }",
        "referer": "$HTTP[\"referer\"] !~ ... { url.access-deny = (\"\") } under /images/",
        "basic": "mod_auth: auth.backend = \"htpasswd\", \"require\" => \"valid-user\"",
        "admin": "mod_auth \"require\" => \"user=alice\"; bob's password is right but lighttpd answers 401",
        "key": "$REQUEST_HEADER[\"X-API-Key\"] !~ \"^(...)$\" { url.access-deny = (\"\") }",
        "key_admin": "$REQUEST_HEADER[\"X-API-Key\"] != \"rig-key-alice-0001\" under /v1/admin/",
        "dir": "mod_dirlisting not loaded: directory without index.html",
        "fileperm": "file owned by root, mode 0600; lighttpd runs as www-data",
        "legacy": "$HTTP[\"url\"] =^ \"/legacy/\" { url.access-deny = (\"\") }",
        "hidden": "$HTTP[\"url\"] =~ \"^/\\.(git|env|htaccess)\" { url.access-deny = (\"\") }",
        "upload": "$HTTP[\"request-method\"] !~ \"^(GET|HEAD)$\" { url.access-deny = (\"\") } under /upload/",
        "host": "$HTTP[\"host\"] !~ \"^api\\.rig\\.test(:8080)?$\" { url.access-deny = (\"\") }",
    }, admin_status=401)
    sc(p, "denied-extension", "configuration", "file_type_denied", "/config.bak", headers=H,
       control={"path": "/readable.txt"}, note="url.access-deny = ( \"~\", \".inc\", \".bak\" )")


# ------------------------------------------------------------------ Varnish
def varnish():
    p = "varnish"
    web_common(p, {
        "internal": "acl internal { \"127.0.0.1\"; } if (req.url ~ \"^/internal/\" && client.ip !~ internal) { return (synth(403)); }",
        "blocklist": "acl blocklist { \"127.0.0.98\"; } if (client.ip ~ blocklist) { return (synth(403)); }",
        "ua": "if (req.http.User-Agent ~ \"(?i)(sqlmap|nikto|masscan)\") { return (synth(403)); }",
        "referer": "if (req.url ~ \"^/images/\" && req.http.Referer && req.http.Referer !~ ...) { return (synth(403)); }",
        "basic": "VCL compares req.http.Authorization with the known credentials; synth(401) + WWW-Authenticate",
        "admin": "VCL: /admin/ only for alice's Authorization: return (synth(403))",
        "key": "VCL: req.http.X-API-Key !~ \"^(...)$\" -> return (synth(403))",
        "key_admin": "VCL: /v1/admin/ and req.http.X-API-Key != alice's key -> synth(403)",
        "legacy": "if (req.url ~ \"^/legacy/\") { return (synth(403)); }",
        "hidden": "if (req.url ~ \"^/\\.(git|env)\") { return (synth(403)); }",
        "upload": "if (req.url ~ \"^/upload/\" && req.method !~ \"^(GET|HEAD)$\") { return (synth(403)); }",
        "host": "if (req.http.host !~ \"^api\\.rig\\.test(:8080)?$\") { return (synth(403)); }",
    })
    limiter(p, "127.0.0.57", 8,
            "vsthrottle.is_denied(\"l403:\" + client.ip, 5, 10s) -> return (synth(403))",
            "vsthrottle.is_denied(\"l429:\" + client.ip, 5, 10s) -> return (synth(429))")
    sc(p, "purge-not-allowed", "ip_allowlist", "address_not_allowed", "/public/", method="PURGE",
       headers=H, src=DENIED_SRC, control={"method": "PURGE", "source_address": ALLOWED_SRC},
       note="PURGE only from acl internal: if (client.ip !~ internal) { return (synth(403)); }")


# ------------------------------------------------------------------ Tomcat
def tomcat():
    p = "tomcat"
    web_common(p, {
        "internal": "webapp /internal: <Valve className=\"org.apache.catalina.valves.RemoteAddrValve\" allow=\"127\\.0\\.0\\.1\"/>",
        "blocklist": "<Host>: <Valve className=\"org.apache.catalina.valves.RemoteCIDRValve\" deny=\"127.0.0.98/32\"/>",
        "basic": "web.xml security-constraint role user, login-config BASIC, MemoryRealm (tomcat-users.xml)",
        "admin": "security-constraint /admin/* auth-constraint role admin; bob has only role user",
        "upload": "security-constraint on /upload/* with http-method-omission GET, HEAD and an empty auth-constraint",
        "host": "unknown Host goes to defaultHost default.invalid, whose ROOT app has an empty auth-constraint on /*",
    })
    sc(p, "excluded-resource", "configuration", "excluded_resource", "/archive/", headers=H,
       control={"path": "/public/"}, note="security-constraint /archive/* with an empty <auth-constraint/>")
    sc(p, "csrf-filter", "security_policy", "csrf", "/forms/submit.html", headers=H,
       control={"path": "/forms/start.html"},
       note="CsrfPreventionFilter on /forms/*: only the entry point /forms/start.html without a nonce")
    sc(p, "manager-without-role", "permissions", "role_missing", "/manager/html",
       headers=with_(H, Authorization=BOB), generic=False,
       control={"headers": with_(H, Authorization=ALICE)},
       note="Manager app needs role manager-gui; its 403 page explains the roles")
    sc(p, "manager-missing-credentials", "api_key", "credential_missing", "/manager/html", headers=H, cred="none",
       status=401, generic=False, control={"headers": with_(H, Authorization=ALICE)},
       note="Manager app BASIC login, no credentials")
    sc(p, "manager-csrf-nonce", "security_policy", "csrf", "/manager/html/stop?path=/internal",
       headers=with_(H, Authorization=ALICE), generic=False,
       control={"path": "/manager/html", "headers": with_(H, Authorization=ALICE)},
       note="Manager app's CsrfPreventionFilter: a command URL without org.apache.catalina.filters.CSRF_NONCE")
    limiter(p, "127.0.0.58", 12,
            "org.apache.catalina.filters.RateLimitFilter, statusCode 403, 5 requests per 10 s bucket (rounded up by Tomcat)",
            "RateLimitFilter with its default statusCode 429")


# ------------------------------------------------------------------ Django + DRF
def django():
    p = "django"
    tok = {k: f"Token {v}" for k, v in {
        "alice": "a11ce0000000000000000000000000000000a11c",
        "bob": "b0b0000000000000000000000000000000000b0b",
        "carol": "ca401000000000000000000000000000000ca401"}.items()}
    sess = {"alice": "sessionid=sessalice0000000000000000000000a",
            "bob": "sessionid=sessbob00000000000000000000000bb"}
    csrf = "0123456789abcdefghijklmnopqrstuv"
    sc(p, "internal-ips", "ip_allowlist", "address_not_allowed", "/internal/", headers=H, src=DENIED_SRC,
       control={"source_address": ALLOWED_SRC},
       note="view raises PermissionDenied unless REMOTE_ADDR is in settings.INTERNAL_IPS")
    sc(p, "disallowed-user-agent", "security_policy", "bad_user_agent", "/public/",
       headers=with_(H, User_Agent=BAD_UA), control={"headers": H},
       note="settings.DISALLOWED_USER_AGENTS, enforced by CommonMiddleware (PermissionDenied)")
    sc(p, "staff-only-page", "permissions", "role_missing", "/staff/",
       headers=with_(H, Cookie=sess["bob"]), control={"headers": with_(H, Cookie=sess["alice"])},
       note="session user bob is not is_staff: PermissionDenied, Django's bare 403 page")
    sc(p, "staff-page-no-session", "api_key", "credential_missing", "/staff/", headers=H, cred="none",
       control={"headers": with_(H, Cookie=sess["alice"])},
       note="no session cookie: the view raises PermissionDenied (no login redirect)")
    sc(p, "staff-page-stale-session", "authentication", "session_invalid", "/staff/",
       headers=with_(H, Cookie="sessionid=expiredorunknownsession0000000000"),
       control={"headers": with_(H, Cookie=sess["alice"])},
       note="session key unknown to the session store (expired or logged out)")
    sc(p, "csrf-middleware", "security_policy", "csrf", "/form/", method="POST", headers=H, body="a=1",
       generic=False,
       control={"method": "POST", "body": "a=1",
                "headers": with_(H, Cookie=f"csrftoken={csrf}", X_CSRFToken=csrf)},
       note="CsrfViewMiddleware: POST without the csrftoken cookie ('CSRF verification failed')")
    sc(p, "drf-token-missing", "api_key", "credential_missing", "/api/items/", headers=H, cred="none", status=401,
       generic=False, control={"headers": with_(H, Authorization=tok["bob"])},
       note="DRF TokenAuthentication + IsAuthenticated: 401 with WWW-Authenticate: Token")
    sc(p, "drf-token-invalid", "api_key", "key_invalid", "/api/items/",
       headers=with_(H, Authorization="Token 0000000000000000000000000000000000000000"), status=401,
       generic=False, control={"headers": with_(H, Authorization=tok["bob"])},
       note="DRF TokenAuthentication: 'Invalid token.'")
    sc(p, "drf-session-missing", "api_key", "credential_missing", "/api/session/items/", headers=H, cred="none",
       generic=False, control={"headers": with_(H, Cookie=sess["bob"])},
       note="DRF SessionAuthentication has no WWW-Authenticate, so DRF answers 403 'Authentication credentials were not provided.'")
    sc(p, "drf-session-csrf", "security_policy", "csrf", "/api/session/items/", method="POST",
       headers=with_(H, Cookie=sess["bob"]), body="a=1", generic=False,
       control={"method": "POST", "body": "a=1",
                "headers": with_(H, Cookie=f"{sess['bob']}; csrftoken={csrf}", X_CSRFToken=csrf)},
       note="DRF SessionAuthentication enforces CSRF on unsafe methods: 'CSRF Failed: CSRF cookie not set.'")
    sc(p, "drf-basic-wrong-password", "authentication", "wrong_password", "/api/basic/items/",
       headers=with_(H, Authorization=ALICE_WRONG), status=401, generic=False,
       control={"headers": with_(H, Authorization=ALICE)},
       note="DRF BasicAuthentication: 'Invalid username/password.'")
    sc(p, "drf-is-admin-user", "permissions", "role_missing", "/api/admin/",
       headers=with_(H, Authorization=tok["bob"]), generic=False,
       control={"headers": with_(H, Authorization=tok["alice"])},
       note="DRF IsAdminUser: 'You do not have permission to perform this action.'")
    sc(p, "drf-model-permissions", "permissions", "model_permission_missing", "/api/readonly/",
       method="POST", headers=with_(H, Authorization=tok["bob"]), body="a=1", generic=False,
       control={"method": "POST", "body": "a=1", "headers": with_(H, Authorization=tok["alice"])},
       note="DRF DjangoModelPermissions: bob lacks auth.change_user")
    sc(p, "drf-user-throttle", "rate_limit", "limiter_429", "/api/limited/",
       headers=with_(H, Authorization=tok["carol"]), status=429, generic=False, prime=12,
       control={"headers": with_(H, Authorization=tok["alice"])},
       note="DRF UserRateThrottle 10/minute per user: 'Request was throttled.' + Retry-After")
    sc(p, "drf-anon-throttle", "rate_limit", "limiter_429", "/api/anon-limited/", headers=H,
       src="127.0.0.62", status=429, generic=False, prime=12, control={"source_address": ALLOWED_SRC},
       note="DRF AnonRateThrottle 10/minute per address")


# ------------------------------------------------------------------ Flask
def flask():
    p = "flask"
    web_common(p, {
        "internal": "before the view: if request.remote_addr not in INTERNAL_ADDRESSES: abort(403)",
        "basic": "Flask-HTTPAuth HTTPBasicAuth @login_required ('Unauthorized Access')",
        "admin": "Flask-HTTPAuth @login_required(role='admin'): 403 'Unauthorized Access'",
        "host": "@app.before_request: abort(403) unless request.host is served",
    })
    sc(p, "bearer-missing", "api_key", "credential_missing", "/api/items/", headers=H, cred="none", status=401,
       generic=False, control={"headers": with_(H, Authorization="Bearer rig-token-bob-0002")},
       note="Flask-HTTPAuth HTTPTokenAuth(scheme='Bearer'), no token")
    sc(p, "bearer-invalid", "api_key", "key_invalid", "/api/items/",
       headers=with_(H, Authorization="Bearer rig-token-wrong-9999"), status=401, generic=False,
       control={"headers": with_(H, Authorization="Bearer rig-token-bob-0002")},
       note="HTTPTokenAuth: verify_token returns None")
    sc(p, "bearer-without-role", "permissions", "role_missing", "/api/admin/",
       headers=with_(H, Authorization="Bearer rig-token-bob-0002"),
       control={"headers": with_(H, Authorization="Bearer rig-token-alice-0001")},
       note="HTTPTokenAuth @login_required(role='admin'): 403 'Unauthorized Access'")
    sc(p, "api-key-missing", "api_key", "key_missing", "/v1/items/", headers=H, cred="none", status=401,
       generic=False, control={"headers": with_(H, X_API_Key=KEY_BOB)},
       note="HTTPTokenAuth(header='X-API-Key'), header absent")
    sc(p, "api-key-wrong", "api_key", "key_invalid", "/v1/items/", headers=with_(H, X_API_Key=KEY_WRONG),
       status=401, generic=False, control={"headers": with_(H, X_API_Key=KEY_ALICE)},
       note="HTTPTokenAuth(header='X-API-Key'), unknown key")
    sc(p, "api-key-without-right", "permissions", "key_lacks_right", "/v1/admin/",
       headers=with_(H, X_API_Key=KEY_BOB), control={"headers": with_(H, X_API_Key=KEY_ALICE)},
       note="HTTPTokenAuth(header='X-API-Key') @login_required(role='admin')")
    limiter(p, "127.0.0.60", 8,
            "Flask-Limiter @limiter.limit('5 per 10 seconds', on_breach=...) returning a bare 403",
            "Flask-Limiter default: 429 Too Many Requests")


# ------------------------------------------------------------------ Express
def express():
    p = "express"
    import hashlib
    token = "rigcsrftoken0001"
    cookie = f"x-csrf-token={token}|" + hashlib.sha256((token + "rig-csrf-secret").encode()).hexdigest()
    web_common(p, {
        "internal": "app.use('/internal', IpFilter(['127.0.0.1'], { mode: 'allow' })) (express-ipfilter)",
        "blocklist": "app.use(IpFilter(['127.0.0.98'], { mode: 'deny' })) (express-ipfilter)",
        "basic": "basic-auth module; 401 + WWW-Authenticate when missing or wrong",
        "admin": "role check after basic-auth: res.sendStatus(403)",
        "key": "X-API-Key middleware: missing -> 401 JSON, unknown -> res.sendStatus(403)",
        "key_admin": "X-API-Key middleware: key's user lacks role admin -> res.sendStatus(403)",
    }, key_status=401)
    sc(p, "csrf-double-submit", "security_policy", "csrf", "/forms/", method="POST", headers=H, body="a=1",
       generic=False,
       control={"method": "POST", "body": "a=1", "headers": with_(H, Cookie=cookie, X_CSRF_Token=token)},
       note="csrf-csrf doubleCsrfProtection: 403 'invalid csrf token'")
    sc(p, "static-dotfile", "configuration", "hidden_file", "/static/.env", headers=H,
       control={"path": "/static/readme.txt"},
       note="express.static(..., { dotfiles: 'deny', fallthrough: false })")
    sc(p, "static-path-traversal", "security_policy", "path_traversal", "/static/..%2fapp.js", headers=H,
       control={"path": "/static/readme.txt"},
       note="serve-static/send refuses a path that climbs out of the root (403 Forbidden)")
    sc(p, "rate-limit-per-key", "rate_limit", "quota_per_key", "/v1/reports/",
       headers=with_(H, X_API_Key=KEY_BOB), prime=8, status=429, generic=False,
       control={"headers": with_(H, X_API_Key=KEY_ALICE)},
       note="express-rate-limit with keyGenerator: the X-API-Key, 5 per 10 s")
    limiter(p, "127.0.0.61", 8,
            "express-rate-limit rateLimit({ windowMs: 10000, limit: 5, statusCode: 403 }); its message names the limit",
            "express-rate-limit default statusCode 429", msg403_generic=False)


# ------------------------------------------------------------------ Caddy
def caddy():
    p = "caddy"
    web_common(p, {
        "internal": "@outside_internal { path /internal/*; not remote_ip 127.0.0.1/32 } respond @outside_internal 403",
        "blocklist": "@blocklisted remote_ip 127.0.0.98/32; respond @blocklisted 403",
        "ua": "@bad_bots header_regexp User-Agent (?i)(sqlmap|nikto|masscan); respond @bad_bots 403",
        "referer": "@hotlink { path /images/*; header Referer *; not header_regexp Referer ... } respond @hotlink 403",
        "basic": "basicauth /private/* with bcrypt hashes",
        "admin": "basicauth /admin/* lists only alice; bob's valid password is refused with 401",
        "key": "@no_key { path /v1/*; not header X-API-Key ... } respond @no_key 403",
        "key_admin": "@not_admin_key { path /v1/admin/*; not header X-API-Key rig-key-alice-0001 } respond 403",
        "fileperm": "file_server cannot read a root-owned 0600 file (Caddy runs as user caddy)",
        "legacy": "respond /legacy/* 403",
        "hidden": "respond /.git/* 403",
        "upload": "@upload_write { path /upload/*; not method GET HEAD } respond @upload_write 403",
        "host": "catch-all site block http://:8080 { respond 403 }",
    }, admin_status=401)


# ------------------------------------------------------------------ FastAPI
def fastapi():
    p = "fastapi"
    web_common(p, {
        "internal": "dependency: raise HTTPException(403) unless request.client.host is internal ({\"detail\":\"Forbidden\"})",
        "basic": "fastapi.security.HTTPBasic + a dependency raising 401 'Incorrect username or password'",
        "admin": "dependency raising HTTPException(403, 'Not enough permissions')",
        "key": "fastapi.security.APIKeyHeader(name='X-API-Key'): absent -> 401 'Not authenticated'; unknown -> 403 'Could not validate API key'",
        "key_admin": "valid key, dependency raises 403 'Not enough permissions'",
    }, admin_generic=False, key_status=401, key_generic=False)
    sc(p, "bearer-missing", "api_key", "credential_missing", "/api/items/", headers=H, cred="none", status=401,
       generic=False, control={"headers": with_(H, Authorization="Bearer rig-token-bob-0002")},
       note="fastapi.security.HTTPBearer, no Authorization header: 401 'Not authenticated'")
    sc(p, "bearer-invalid", "api_key", "key_invalid", "/api/items/",
       headers=with_(H, Authorization="Bearer rig-token-wrong-9999"), status=401, generic=False,
       control={"headers": with_(H, Authorization="Bearer rig-token-bob-0002")},
       note="HTTPBearer + dependency: unknown token, 401 'Could not validate credentials'")
    limiter(p, "127.0.0.64", 8, None, "slowapi @limiter.limit('5/10seconds'): 429 'Rate limit exceeded'")


# ------------------------------------------------------------------ host-wide rules
# Refusals that cover a whole site, not one path: each product serves them on a virtual host
# of its own (edge.rig.test: an address allowlist for every path; quota.rig.test: one limiter
# for every path; gw.rig.test: an API gateway serving only mapped routes), so they disturb
# no other scenario. The parent path and the root are refused just the same.
EDGE = {"Host": "edge.rig.test"}
QUOTA = {"Host": "quota.rig.test"}
GW = {"Host": "gw.rig.test"}


def host_allowlist(p, note, *, generic=True, path="/public/"):
    sc(p, "host-wide-allowlist", "ip_allowlist", "host_wide_allowlist", path, headers=EDGE,
       src=DENIED_SRC, control={"source_address": ALLOWED_SRC}, generic=generic, note=note)


def host_limit(p, src, note, *, status=403, generic=True, prime=12, path="/public/"):
    sc(p, "host-wide-rate-limit", "rate_limit", "host_wide_limit", path, headers=QUOTA,
       src=src, prime=prime, status=status, generic=generic,
       control={"source_address": ALLOWED_SRC}, note=note)


def gateway(p, notes, *, generic=True):
    """gw.rig.test maps GET /v1/items (no trailing slash) and /v1/reports/ (only with it)."""
    sc(p, "gateway-unmapped-route", "configuration", "unmapped_route", "/v1/orders",
       headers=GW, control={"path": "/v1/items"}, generic=generic, note=notes["route"])
    sc(p, "gateway-method-not-mapped", "configuration", "method", "/v1/items", method="DELETE",
       headers=GW, control={"method": "GET"}, generic=generic, note=notes["method"])
    sc(p, "gateway-trailing-slash", "configuration", "trailing_slash", "/v1/reports",
       headers=GW, control={"path": "/v1/reports/"}, generic=generic, note=notes["slash"])


def host_wide():
    # address allowlists for a whole site
    host_allowlist("nginx", "server { server_name edge.rig.test; allow 127.0.0.1; deny all; } (server level)")
    host_allowlist("apache", "<VirtualHost> edge.rig.test: <Location \"/\"> Require ip 127.0.0.1")
    host_allowlist("modsecurity", "SecRule REQUEST_HEADERS:Host edge.rig.test chained with REMOTE_ADDR \"!@ipMatch 127.0.0.1\" -> deny,status:403 (every path)")
    host_allowlist("haproxy", "http-request deny deny_status 403 if edge_host !internal_net (frontend level)")
    host_allowlist("lighttpd", '$HTTP["host"] =~ "^edge..." { $HTTP["remote-ip"] != "127.0.0.1" { url.access-deny = ("") } }')
    host_allowlist("varnish", "vcl_recv: edge.rig.test and client.ip !~ internal -> synth(403) for every URL")
    host_allowlist("caddy", "site http://edge.rig.test:8080 { @outside not remote_ip 127.0.0.1/32; respond @outside 403 }")
    host_allowlist("express", "Router for Host edge.rig.test with app-level IpFilter(['127.0.0.1'], {mode: 'allow'})")
    host_allowlist("tomcat", "<Host name=\"edge.rig.test\"> with RemoteAddrValve allow=\"127\\.0\\.0\\.1\" (host level)")
    host_allowlist("django", "middleware EdgeAllowlistMiddleware: Host edge.rig.test and REMOTE_ADDR not listed -> PermissionDenied")
    host_allowlist("flask", "before_request: Host edge.rig.test and request.remote_addr not internal -> abort(403)")
    host_allowlist("fastapi", "HTTP middleware: Host edge.rig.test and client not internal -> 403 {\"detail\":\"Forbidden\"}",
                   generic=True)
    # limiters for a whole site
    host_limit("nginx", "127.0.0.55", "server-level limit_req zone=sitewide burst=3 nodelay; limit_req_status 429",
               status=429, generic=False)
    host_limit("haproxy", "127.0.0.56", "track-sc2 src table siterates if quota_host; deny_status 403 if sc_http_req_rate(2) gt 10")
    host_limit("varnish", "127.0.0.59", "vsthrottle.is_denied(\"site:\" + client.ip, 5, 10s) for every URL of quota.rig.test -> synth(403)")
    host_limit("express", "127.0.0.65", "Router for Host quota.rig.test with one rateLimit({ windowMs: 10000, limit: 5 }) (default 429)",
               status=429, generic=False)
    # API gateways
    gateway("nginx", {"route": "location / { return 403; } beside the mapped locations",
                      "method": "location = /v1/items { if ($request_method !~ ^(GET|HEAD)$) { return 403; } }",
                      "slash": "only location = /v1/reports/ is mapped; /v1/reports falls to location / { return 403; }"})
    gateway("apache", {"route": "gw.rig.test: <Location \"/\"> Require all denied; only mapped <LocationMatch> are granted",
                       "method": "<LocationMatch \"^/v1/items$\"> Require method GET HEAD",
                       "slash": "only <LocationMatch \"^/v1/reports/...\"> is granted; /v1/reports stays denied (no DirectorySlash redirect)"})
    gateway("haproxy", {"route": "use_backend gw_unmapped if gw_host (no mapped route); backend gw_unmapped: http-request deny",
                        "method": "use_backend origin only if { path /v1/items } { method GET HEAD }",
                        "slash": "use_backend origin if { path /v1/reports/ }; /v1/reports falls to the refusing backend"})
    gateway("varnish", {"route": "vcl_recv for gw.rig.test: unmapped URL -> synth(403)",
                        "method": "/v1/items passes only for GET/HEAD; other methods -> synth(403)",
                        "slash": "only ^/v1/reports/ is mapped; /v1/reports -> synth(403)"})
    gateway("caddy", {"route": "route { respond @items ...; respond /v1/reports/ ...; respond 403 } (fallback)",
                      "method": "@items { path /v1/items; method GET HEAD }; DELETE falls to respond 403",
                      "slash": "respond /v1/reports/ matches only with the slash; /v1/reports falls to respond 403"})
    gateway("express", {"route": "gw Router catch-all: all('*') -> 403 {\"message\":\"Missing Authentication Token\"}",
                        "method": "only gw.get('/v1/items'); DELETE falls to the catch-all",
                        "slash": "Router({ strict: true }) with gw.get('/v1/reports/'); /v1/reports falls to the catch-all"},
            generic=False)
    gateway("flask", {"route": "before_request for gw.rig.test: path not in GATEWAY_ROUTES -> 403 {\"message\":\"Forbidden\"}",
                      "method": "GATEWAY_ROUTES['/v1/items'] = {GET, HEAD}; DELETE -> 403",
                      "slash": "only '/v1/reports/' is mapped; '/v1/reports' -> 403"})
    gateway("fastapi", {"route": "HTTP middleware for gw.rig.test: unmapped path -> 403 {\"message\":\"Missing Authentication Token\"}",
                        "method": "GATEWAY_ROUTES['/v1/items'] = {GET, HEAD}; DELETE -> 403 Missing Authentication Token",
                        "slash": "only '/v1/reports/' is mapped; '/v1/reports' -> 403 Missing Authentication Token"},
            generic=False)


# ------------------------------------------------------------------ moto (S3 emulator)
# moto_server with IAM authentication on. Its ordinary credential is a SigV4 signature by
# alice's access key, computed here with the stdlib for each request. moto does not check the
# request time (no RequestTimeTooSkewed), so a fixed X-Amz-Date keeps the file deterministic
# and the signatures valid; it evaluates neither principals nor conditions (aws:SourceIp) in
# bucket policies, so there is no address scenario here.
MOTO_HOST = "127.0.0.24:8080"
MOTO_DATE = "20261204T000000Z"
MOTO_KEYS = {"alice": ("EXAMPLERIGALICE00001", "rig/secret/alice/0000000000000000000001"),
             "bob": ("EXAMPLERIGBOB0000002", "rig/secret/bob/000000000000000000000002"),
             "unknown": ("EXAMPLERIGWRONG09999", "rig/secret/alice/0000000000000000000001"),
             "alice-wrong-secret": ("EXAMPLERIGALICE00001", "rig/secret/not/alices/secret/00000000")}
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def sigv4(method, path, who):
    """Headers of an S3 request signed (AWS4-HMAC-SHA256) by who's key, or unsigned."""
    hdrs = {"host": MOTO_HOST, "x-amz-content-sha256": EMPTY_SHA256, "x-amz-date": MOTO_DATE}
    out = {"Host": MOTO_HOST, "X-Amz-Content-SHA256": EMPTY_SHA256, "X-Amz-Date": MOTO_DATE}
    if who is None:
        return out
    key_id, secret = MOTO_KEYS[who]
    signed = ";".join(sorted(hdrs))
    canon = "\n".join([method, path, "", "".join(f"{k}:{hdrs[k]}\n" for k in sorted(hdrs)),
                       signed, EMPTY_SHA256])
    scope = f"{MOTO_DATE[:8]}/us-east-1/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", MOTO_DATE, scope,
                         hashlib.sha256(canon.encode()).hexdigest()])
    k = ("AWS4" + secret).encode()
    for part in (MOTO_DATE[:8], "us-east-1", "s3", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    out["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={key_id}/{scope}, "
                            f"SignedHeaders={signed}, Signature={sig}")
    return out


def moto():
    p = "moto"

    def s(sid, cause, sub, path, who, *, control_path=None, control_who="alice", generic=True,
          note=""):
        cpath = control_path or path
        row = {"product": p, "id": f"{p}/{sid}", "cause": cause, "sub_cause": sub,
               "method": "GET", "path": path,
               "headers": {**sigv4("GET", path, who), "User-Agent": CLIENT_UA},
               "source_address": None, "expected_status": 403,
               "control": {"method": "GET", "path": cpath,
                           "headers": {**sigv4("GET", cpath, control_who),
                                       "User-Agent": CLIENT_UA},
                           "source_address": None},
               "generic_page": generic, "note": note}
        OUT.append(row)

    s("bucket-policy-deny", "permissions", "bucket_policy_deny", "/rig-data/restricted/payroll.csv",
      "alice", control_path="/rig-data/report.txt",
      note="bucket policy: Effect Deny, Principal *, s3:GetObject on rig-data/restricted/* (moto answers an empty 403)")
    s("iam-policy-get-object", "permissions", "role_missing", "/rig-data/report.txt", "bob",
      note="bob's valid key; his IAM user policy allows only s3:ListAllMyBuckets: AccessDenied")
    s("iam-policy-list-bucket", "permissions", "role_missing", "/rig-data", "bob",
      note="bob's valid key; ListBucket not in his IAM user policy: AccessDenied")
    s("invalid-access-key", "api_key", "key_invalid", "/rig-data/report.txt", "unknown", generic=False,
      note="SigV4 with an access key id moto's IAM does not know: InvalidAccessKeyId")
    s("signature-mismatch", "authentication", "wrong_secret", "/rig-data/report.txt",
      "alice-wrong-secret", generic=False,
      note="alice's access key id signed with a wrong secret: SignatureDoesNotMatch")
    s("anonymous-request", "api_key", "credential_missing", "/rig-data/report.txt", None,
      note="no Authorization: anonymous read of a private object (moto answers an empty 403)")


PRODUCTS = [nginx, apache, modsecurity, haproxy, squid, lighttpd, varnish, tomcat, django, flask,
            express, caddy, fastapi, host_wide, moto]

if __name__ == "__main__":
    for f in PRODUCTS:
        f()
    ids = [r["id"] for r in OUT]
    assert len(ids) == len(set(ids)), "duplicate ids"
    with open(os.path.join(RIG, "scenarios.jsonl"), "w") as fh:
        for r in OUT:
            fh.write(json.dumps(r) + "\n")
    print(f"{len(OUT)} scenarios written")
