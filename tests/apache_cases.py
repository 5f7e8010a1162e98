"""Apache httpd configurations and the requests sent to them, for the conformance check.

The expected answers are not written here: tests/gateway/test_apache_real.py and
benchmarks/apache_conformance.py send every request to a real httpd running the case's
configuration and compare its answer with kit.audit's. Cases marked with a ``source`` in
apache/httpd-tests (t/modules/authz_core.t, access.t, rewrite.t, autoindex2.t and
t/conf/extra.conf.in) rebuild those tests' set-ups and checks in our own words.
"""

from __future__ import annotations

import base64

from passlib.hash import apr_md5_crypt, des_crypt

from .apache_real import Case

L1, L2, L3 = "127.0.0.1", "127.0.0.2", "127.0.0.3"
HT = "https://github.com/apache/httpd-tests/blob/trunk/"


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def get(path: str, headers: dict[str, str] | None = None, source: str = L1,
        method: str = "GET") -> tuple[str, str, dict[str, str], str]:
    return (method, path, headers or {}, source)


def index(*dirs: str) -> dict[str, str]:
    return {f"www/{d.strip('/')}/index.html".replace("//", "/"): "ok\n" for d in dirs}


# --- authz_core.t: RequireAll/RequireAny/RequireNone and AuthMerging over .htaccess files
AUTHZ_PRELUDE = """
<Directory />
  AllowOverride None
</Directory>
<Directory @WWW/authz_core/>
  AllowOverride all
</Directory>
SetEnvIf X-Allowed1 "yes" allowed1
SetEnvIf X-Allowed2 "yes" allowed2
SetEnvIf X-Allowed3 "yes" allowed3
SetEnvIf X-Allowed4 "yes" allowed4
"""
# t/modules/authz_core.t's users (user name == password), DES crypt as written there
BASIC1 = "user1:NYSYdf7MU5KpU\nuser2:KJ7Yxzr1VVzAI\nuser3:xnpSvZ2iqti/c\n"
GROUPS1 = "user1:user1\nuser2:user2\nuser3:user3\n"


def htaccess(merging: str, container: str, *reqs: str) -> str:
    """authz_core.t's write_htaccess: env N for numbers, group for users, ! to negate."""
    out = f"AuthMerging {merging}\n" if merging else ""
    out += f"<Require{container}>\n" if container else ""
    need_auth = False
    for req in reqs:
        neg = "not " if req.startswith("!") else ""
        req = req.lstrip("!")
        if "all" in req:
            out += f"Require {neg}{req}\n"
        elif "user" in req:
            out += f"Require {neg}group {req}\n"
            need_auth = True
        else:
            out += f"Require {neg}env allowed{req}\n"
    out += f"</Require{container}>\n" if container else ""
    if need_auth:
        out += "AuthType basic\nAuthName basic1\nAuthUserFile basic1\nAuthGroupFile groups1\n"
    return out


def allowed(*items: str) -> dict[str, str]:
    headers = {f"X-Allowed{i}": "yes" for i in items if not i.startswith("user")}
    users = [i for i in items if i.startswith("user")]
    if users:
        headers.update(basic(users[0], users[0]))
    return headers


def authz_case(name: str, tree: dict[str, str], checks: list[tuple[str, tuple[str, ...]]]
               ) -> Case:
    files = {"basic1": BASIC1, "groups1": GROUPS1}
    for path, content in tree.items():
        files[f"www/authz_core/{path}.htaccess"] = content
        files[f"www/authz_core/{path}index.html"] = "ok\n"
    return Case(name, "authz_core", AUTHZ_PRELUDE, files,
                [get(f"/authz_core/{p}", allowed(*who)) for p, who in checks],
                HT + "t/modules/authz_core.t")


N: tuple[str, ...] = ()
AUTHZ_ANY = authz_case("authz_core_any_then_merging", {
    "a/": htaccess("", "Any", "1", "2"),
    "a/b/": htaccess("", "Any", "2", "3"),
    "a/o/": htaccess("Or", "Any", "2", "3"),
    "a/n/": htaccess("And", "Any", "2", "3"),
    "a/l/": htaccess("", "All", "2", "3"),
    "a/ol/": htaccess("Or", "All", "3", "4"),
    "a/nl/": htaccess("And", "All", "2", "3"),
    "a/off/": htaccess("Off", "Any", "2", "3"),
}, [("a/", N), ("a/", ("1",)), ("a/", ("2",)), ("a/", ("3",)),
    ("a/b/", N), ("a/b/", ("1",)), ("a/b/", ("2",)), ("a/b/", ("3",)),
    ("a/o/", N), ("a/o/", ("1",)), ("a/o/", ("3",)),
    ("a/n/", N), ("a/n/", ("1",)), ("a/n/", ("2",)), ("a/n/", ("3",)), ("a/n/", ("1", "3")),
    ("a/l/", ("2",)), ("a/l/", ("2", "3")), ("a/l/", ("1", "3")),
    ("a/ol/", N), ("a/ol/", ("1",)), ("a/ol/", ("3", "4")), ("a/ol/", ("3",)),
    ("a/nl/", ("2", "3")), ("a/nl/", ("1", "2")),
    ("a/off/", ("1",)), ("a/off/", ("2",))])

AUTHZ_NOT = authz_case("authz_core_all_not_and_nesting", {
    "a/": htaccess("", "All", "1", "!2"),
    "a/o/": htaccess("Or", "Any", "3", "4"),
    "a/n/": htaccess("And", "Any", "2", "3"),
    "a/n/c/": htaccess("", "Any", "4"),
    "r/": htaccess("", "All", "1", "2"),
    "r/n/": htaccess("And", "Any", "3", "4"),
    "none/": htaccess("", "None", "1", "2") + "Require all granted\n",
}, [("a/", N), ("a/", ("1",)), ("a/", ("2",)), ("a/", ("1", "2")),
    ("a/o/", N), ("a/o/", ("1",)), ("a/o/", ("1", "2")), ("a/o/", ("1", "2", "3")),
    ("a/o/", ("4",)),
    ("a/n/", ("1",)), ("a/n/", ("1", "3")), ("a/n/", ("2", "3")),
    ("a/n/c/", ("1", "3")), ("a/n/c/", ("4",)), ("a/n/c/", ("1", "2", "4")),
    ("r/", ("1",)), ("r/", ("1", "2")), ("r/n/", ("1", "2")), ("r/n/", ("1", "2", "3")),
    ("r/n/", ("1", "3", "4")),
    ("none/", N), ("none/", ("1",))])

AUTHZ_USERS = authz_case("authz_core_users_and_env", {
    "all/": htaccess("", "All", "user1", "1", "user2", "2"),
    "any/": htaccess("", "Any", "user1", "1", "user2", "2"),
}, [("all/", N), ("all/", ("1",)), ("all/", ("user1",)), ("all/", ("1", "2")),
    ("all/", ("1", "2", "user1")), ("all/", ("1", "2", "user3")), ("all/", ("1", "user1")),
    ("any/", N), ("any/", ("1",)), ("any/", ("user1",)), ("any/", ("user3",)),
    ("any/", ("1", "2")), ("any/", ("1", "user3"))])

# --- access.t: Order/Allow/Deny in .htaccess under AllowOverride Limit
ACCESS_DIRS = {
    "da-allow-all": "Order deny,allow\nAllow from all\n",
    "ad-allow-addr": f"Order allow,deny\nAllow from {L1}\n",
    "ad-allow-part": "Order allow,deny\nAllow from 127\n",
    "ad-allow-cidr": f"Order allow,deny\nAllow from {L1}/16\n",
    "ad-allow-mask": f"Order allow,deny\nAllow from {L1}/255.255.0.0\n",
    "ad-allow-other": "Order allow,deny\nAllow from 66.6.6.6\n",
    "ad-allow-name": "Order allow,deny\nAllow from somewhere.else.com\n",
    "da-deny-addr": f"Order deny,allow\nDeny from {L1}\n",
    "da-deny-other": "Order deny,allow\nDeny from 66.6.6.6\n",
    "ad-deny-other": "Order allow,deny\nDeny from 66.6.6.6\n",
    "da-both": f"Order deny,allow\nAllow from {L1}\nDeny from all\n",
    "ad-both": f"Order allow,deny\nAllow from all\nDeny from {L1}\n",
    "mf-both": f"Order mutual-failure\nAllow from all\nDeny from {L2}\n",
    "mf-allow": "Order mutual-failure\nAllow from 127.0\n",
}
ACCESS = Case(
    "access_compat_htaccess", "access_compat",
    "<Directory @WWW/access>\n  AllowOverride Limit\n</Directory>\n",
    {**{f"www/access/{d}/.htaccess": t for d, t in ACCESS_DIRS.items()},
     **index(*(f"access/{d}" for d in ACCESS_DIRS))},
    [get(f"/access/{d}/index.html", source=s) for d in ACCESS_DIRS for s in (L1, L2)],
    HT + "t/modules/access.t")

SATISFY = Case(
    "access_compat_satisfy_limit", "access_compat", """
<Directory @WWW/any>
  Order allow,deny
  Allow from 127.0.0.2
  AuthType Basic
  AuthName "any"
  AuthUserFile @ROOT/users
  Require valid-user
  Satisfy Any
</Directory>
<Directory @WWW/all>
  Order allow,deny
  Allow from 127.0.0.2
  AuthType Basic
  AuthName "all"
  AuthUserFile @ROOT/users
  Require valid-user
  Satisfy All
</Directory>
<Directory @WWW/lim>
  <Limit POST DELETE>
    Order deny,allow
    Deny from all
  </Limit>
</Directory>
""", {"users": f"ann:{apr_md5_crypt.hash('pw1')}\n", **index("any", "all", "lim")},
    [get("/any/", source=L2), get("/any/", source=L1), get("/any/", basic("ann", "pw1"), L1),
     get("/any/", basic("ann", "nope"), L1), get("/all/", source=L2),
     get("/all/", basic("ann", "pw1"), L2), get("/all/", basic("ann", "pw1"), L1),
     get("/lim/"), get("/lim/index.html", method="POST"),
     get("/lim/index.html", method="DELETE"), get("/lim/index.html", method="HEAD")],
    "httpd docs: mod_access_compat.html#satisfy")

# --- rewrite.t / extra.conf.in: per-directory F, G, R, conditions on Accept
REWRITE_DIR = Case(
    "rewrite_directory_flags", "rewrite", """
<Directory @WWW/rewrite>
  RewriteEngine On
  RewriteRule ^forbidden$ - [F]
  RewriteRule ^gone$ - [G]
  RewriteRule ^perm$ - [R=permanent]
  RewriteRule ^temp$ - [R]
  RewriteCond %{HTTP_ACCEPT} =lucky13
  RewriteRule ^$ lucky13.html [L]
  RewriteCond %{HTTP_ACCEPT} >6
  RewriteRule ^$ big.html [L]
  RewriteCond %{HTTP_ACCEPT} <1
  RewriteRule ^$ zero.html [L]
  RewriteRule ^redirect-dir.html$ http://elsewhere.test/foobar.html [L,R=301]
  RewriteRule ^old/(.*)$ new/$1 [L]
  RewriteCond %{HTTP:X-Token} !^ok
  RewriteRule ^guarded/ - [F]
</Directory>
<Directory @WWW/rewrite/new>
  Require ip 127.0.0.2
</Directory>
""", {**{f"www/rewrite/{n}.html": "x\n" for n in ("lucky13", "big", "zero", "one")},
      "www/rewrite/new/a.html": "x\n", "www/rewrite/old/a.html": "x\n",
      "www/rewrite/guarded/a.html": "x\n"},
    [get("/rewrite/forbidden"), get("/rewrite/gone"), get("/rewrite/perm"),
     get("/rewrite/temp"), get("/rewrite/", {"Accept": "lucky13"}),
     get("/rewrite/", {"Accept": "7"}), get("/rewrite/", {"Accept": "0"}),
     get("/rewrite/", {"Accept": "3"}), get("/rewrite/one.html"),
     get("/rewrite/redirect-dir.html"), get("/rewrite/old/a.html", source=L1),
     get("/rewrite/old/a.html", source=L2), get("/rewrite/guarded/a.html"),
     get("/rewrite/guarded/a.html", {"X-Token": "ok-1"})],
    HT + "t/modules/rewrite.t")

REWRITE_SERVER = Case(
    "rewrite_server_context", "rewrite", """
RewriteEngine On
RewriteRule ^/modules/rewrite/redirect.html$ http://elsewhere.test/foobar.html [L,R=301]
RewriteCond %{QUERY_STRING} horse=trigger
RewriteRule ^/proxy3/(.*)$ /ok.html [L]
RewriteCond %{HTTP_USER_AGENT} (curl|bot) [NC,OR]
RewriteCond %{HTTP:X-Evil} ^1$
RewriteRule ^/api/ - [F]
RewriteRule ^/old-api/(.*)$ /api/$1 [R=302,L]
RewriteRule ^/gone/ - [G]
RewriteRule !^/(api|ok|proxy3|modules|gone|old-api|admin)(/|\\.html|$) - [F]
<Directory @WWW/admin>
  Require ip 127.0.0.2
</Directory>
RewriteRule ^/backdoor$ /admin/index.html [L]
""", {"www/ok.html": "x\n", "www/api/v1.html": "x\n", **index("admin")},
    [get("/modules/rewrite/redirect.html"), get("/proxy3/x?horse=trigger"),
     get("/proxy3/x?horse=norman"), get("/api/v1.html", {"User-Agent": "curl/8"}),
     get("/api/v1.html", {"User-Agent": "Mozilla/5.0"}),
     get("/api/v1.html", {"User-Agent": "Mozilla/5.0", "X-Evil": "1"}),
     get("/api/v1.html", {"User-Agent": "BOT"}), get("/old-api/v1.html"),
     get("/gone/x"), get("/elsewhere.html"), get("/ok.html"), get("/admin/"),
     get("/admin/", source=L2), get("/backdoor"), get("/backdoor", source=L2)],
    HT + "t/conf/extra.conf.in")

REWRITE_HTACCESS = Case(
    "rewrite_htaccess", "rewrite", """
<Directory @WWW/app>
  AllowOverride FileInfo AuthConfig
</Directory>
""", {"www/app/.htaccess": "RewriteEngine On\nRewriteBase /app/\n"
      "RewriteRule ^private/ - [F,L]\n"
      "RewriteCond %{REQUEST_METHOD} ^(PUT|DELETE)$\nRewriteRule .* - [F]\n"
      "RewriteCond %{REQUEST_FILENAME} !-f\nRewriteCond %{REQUEST_FILENAME} !-d\n"
      "RewriteRule ^(.*)$ index.html [L]\n",
      **index("app"), "www/app/private/a.html": "x\n", "www/app/real.html": "x\n",
      "www/app/sub/.htaccess": "RewriteEngine On\nRewriteRule ^x$ - [G]\n",
      "www/app/sub/x": "x\n", "www/app/sub/y": "y\n"},
    [get("/app/"), get("/app/real.html"), get("/app/missing/route"),
     get("/app/private/a.html"), get("/app/real.html", method="DELETE"),
     get("/app/sub/x"), get("/app/sub/y"), get("/app/sub/nothing")],
    "httpd docs: rewrite/htaccess.html")

# --- autoindex2.t: listings, a protected and a broken sub-directory
AUTOINDEX = Case(
    "autoindex_and_options", "autoindex", """
<Directory @WWW/ai>
  Options +Indexes
  AllowOverride All
</Directory>
<Directory @WWW/ai/closed>
  Options -Indexes
</Directory>
<Directory @WWW/noai>
  Options None
</Directory>
<Directory @WWW/custom>
  DirectoryIndex start.html
</Directory>
""", {"www/ai/dir_normal/f.txt": "x\n", "www/ai/dir_protected/f.txt": "x\n",
      "www/ai/dir_protected/.htaccess": "AuthType Basic\nAuthName \"Restricted Directory\"\n"
      "AuthUserFile @ROOT/www/ai/dir_protected/htpasswd\nRequire valid-user\n",
      "www/ai/dir_protected/htpasswd": "nobody:HIoD8SxAgkCdQ\n",
      "www/ai/dir_broken/.htaccess": "This_is_a_broken_on_purpose_directive\n",
      "www/ai/dir_broken/f.txt": "x\n", "www/ai/closed/f.txt": "x\n",
      "www/noai/f.txt": "x\n", "www/custom/start.html": "x\n", "www/custom/index.html": "x\n",
      "www/plain/f.txt": "x\n", **index("withindex")},
    [get("/ai/"), get("/ai/dir_normal/"), get("/ai/dir_protected/"),
     get("/ai/dir_protected/", basic("nobody", "wrong")), get("/ai/dir_broken/"),
     get("/ai/closed/"), get("/ai/closed/f.txt"), get("/noai/"), get("/custom/"),
     get("/plain/"), get("/plain"), get("/withindex/"), get("/withindex"), get("/ai"),
     get("/withindex/", method="POST"), get("/ai/dir_normal/", method="POST"),
     get("/noai/", method="POST"), get("/withindex/", method="DELETE"),
     get("/ai/dir_normal/", method="OPTIONS"), get("/ai/dir_normal", method="POST")],
    HT + "t/modules/autoindex2.t")

SECTIONS = Case("section_merge_order", "sections", """
<Directory />
  Require all denied
</Directory>
<Directory @WWW>
  Require all granted
</Directory>
<Directory @WWW/private>
  Require ip 127.0.0.2
</Directory>
<Files "*.secret">
  Require all denied
</Files>
<Location /private/open>
  Require all granted
</Location>
<LocationMatch "^/api/v[0-9]+/admin">
  Require ip 127.0.0.3
</LocationMatch>
<DirectoryMatch "^@WWW/rx[0-9]+">
  Require all denied
</DirectoryMatch>
<FilesMatch "\\.(bak|old)$">
  Require all denied
</FilesMatch>
<If "%{HTTP:X-Block} == 'yes'">
  Require all denied
</If>
<Location /private/open/shut.html>
  Require all denied
</Location>
""", {"www/a.html": "x\n", "www/x.secret": "x\n", "www/private/b.html": "x\n",
      "www/private/open/a.secret": "x\n", "www/private/open/shut.html": "x\n",
      "www/api/v1/admin/a.html": "x\n", "www/api/v1/users.html": "x\n",
      "www/rx1/a.html": "x\n", "www/rx/a.html": "x\n", "www/page.bak": "x\n",
      **index("", "private", "private/open")},
    [get("/a.html"), get("/x.secret"), get("/private/b.html"), get("/private/b.html", None, L2),
     get("/private/open/"), get("/private/open/a.secret"), get("/private/open/shut.html"),
     get("/api/v1/admin/a.html"), get("/api/v1/admin/a.html", None, L3),
     get("/api/v1/users.html"), get("/rx1/a.html"), get("/rx/a.html"), get("/page.bak"),
     get("/a.html", {"X-Block": "yes"}), get("/missing.html"), get("/private/missing.html"),
     get("/private/open/missing.html")],
    "httpd docs: sections.html#merging")

LOCATIONS = Case("location_prefixes", "sections", """
<Location /private1>
  Require all denied
</Location>
<Location /private2/>
  Require all denied
</Location>
<Location /wild/*/secret>
  Require all denied
</Location>
<Location /order>
  Require all denied
</Location>
<Location /order/open>
  Require all granted
</Location>
<LocationMatch "(?i)\\.PHP$">
  Require all denied
</LocationMatch>
""", {"www/private1.html": "x\n", "www/private1other.html": "x\n",
      "www/private2.html": "x\n", "www/wild/a/secret/index.html": "x\n",
      "www/wild/a/public.html": "x\n", "www/order/open/a.html": "x\n",
      "www/order/shut.html": "x\n", "www/x.php": "x\n", "www/private1other/a.html": "x\n",
      **index("private1", "private2")},
    [get("/private1"), get("/private1/"), get("/private1other.html"),
     get("/private1other/a.html"), get("/private1.html"), get("/private2"), get("/private2/"),
     get("/private2.html"), get("/wild/a/secret/"), get("/wild/a/public.html"),
     get("/order/open/a.html"), get("/order/shut.html"), get("/x.php"), get("/X.PHP")],
    "httpd docs: mod/core.html#location")

VHOSTS = Case("virtual_hosts", "vhosts", """
<VirtualHost *:@PORT>
  ServerName first.test
  DocumentRoot @WWW/first
  <Location />
    Require ip 127.0.0.3
  </Location>
</VirtualHost>
<VirtualHost *:@PORT>
  ServerName api.test
  ServerAlias *.api.test api-alias.test
  DocumentRoot @WWW/api
  <Location /admin>
    Require ip 127.0.0.2
  </Location>
</VirtualHost>
<VirtualHost *:@PORT>
  ServerName open.test
  DocumentRoot @WWW/open
</VirtualHost>
""", {**index("first", "api", "api/admin", "open")},
    [get("/", {"Host": "first.test"}), get("/", {"Host": "first.test"}, L3),
     get("/", {"Host": "api.test"}), get("/admin/", {"Host": "api.test"}),
     get("/admin/", {"Host": "api.test"}, L2), get("/admin/", {"Host": "eu.api.test"}),
     get("/admin/", {"Host": "api-alias.test"}, L2), get("/", {"Host": "unknown.test"}),
     get("/", {"Host": "OPEN.TEST"}), get("/", {"Host": "open.test:80"}),
     get("/admin/", {"Host": "open.test"})],
    "httpd docs: vhosts/name-based.html")

_PASSWORDS = {
    "apr": apr_md5_crypt.hash("s3cret"), "crypt": des_crypt.hash("s3cret"),
    "sha": "{SHA}" + base64.b64encode(__import__("hashlib").sha1(b"s3cret").digest()).decode(),
}


def _bcrypt() -> str:
    import bcrypt

    return bcrypt.hashpw(b"s3cret", bcrypt.gensalt(5)).decode().replace("$2b$", "$2y$", 1)


AUTH_BASIC = Case("auth_basic_hashes", "auth_basic", """
<Directory @WWW/members>
  AuthType Basic
  AuthName "members"
  AuthUserFile @ROOT/passwords
  AuthGroupFile @ROOT/groups
  Require valid-user
</Directory>
<Directory @WWW/members/staff>
  Require group staff
</Directory>
<Directory @WWW/members/bob>
  Require user bob
  AuthzSendForbiddenOnFailure On
</Directory>
<Directory @WWW/members/expr>
  Require expr "%{REMOTE_USER} == 'apr'"
</Directory>
<Directory @WWW/lonely>
  AuthType Basic
  AuthName "lonely"
  AuthUserFile @ROOT/passwords
</Directory>
<Directory @WWW/noauth>
  Require valid-user
</Directory>
""", {"passwords": "".join(f"{u}:{h}\n" for u, h in _PASSWORDS.items())
      + f"bcrypt:{_bcrypt()}\nplain:s3cret\nbroken:$apr1$zz\nbob:{apr_md5_crypt.hash('b0b')}\n",
      "groups": "staff: apr sha\n", **index("members", "members/staff", "members/bob",
                                               "members/expr", "lonely", "noauth")},
    [get("/members/"), *(get("/members/", basic(u, "s3cret")) for u in
                        ("apr", "crypt", "sha", "bcrypt", "plain", "broken", "nobody")),
     get("/members/", basic("apr", "wrong")), get("/members/", {"Authorization": "Basic !!"}),
     get("/members/", {"Authorization": "Bearer abc"}),
     get("/members/staff/", basic("apr", "s3cret")),
     get("/members/staff/", basic("crypt", "s3cret")),
     get("/members/bob/", basic("bob", "b0b")), get("/members/bob/", basic("apr", "s3cret")),
     get("/lonely/"), get("/noauth/"), get("/members/expr/"),
     get("/members/expr/", basic("apr", "s3cret")), get("/members/expr/", basic("sha", "s3cret"))],
    "httpd docs: howto/auth.html")

LIMITS = Case("limit_and_methods", "limit", """
<Directory @WWW/ro>
  <LimitExcept GET>
    Require ip 127.0.0.2
  </LimitExcept>
</Directory>
<Directory @WWW/post>
  <Limit POST PUT>
    Require all denied
  </Limit>
</Directory>
<Location /m>
  Require method GET OPTIONS
</Location>
""", {"www/ro/a.html": "x\n", "www/post/a.html": "x\n", "www/m/a.html": "x\n",
      "www/s.html": "x\n"},
    [get("/ro/a.html"), get("/ro/a.html", method="HEAD"), get("/ro/a.html", method="POST"),
     get("/ro/a.html", source=L2, method="POST"), get("/ro/a.html", method="DELETE"),
     get("/post/a.html"), get("/post/a.html", method="POST"),
     get("/post/a.html", method="DELETE"), get("/m/a.html"), get("/m/a.html", method="POST"),
     get("/s.html", method="POST"), get("/s.html", method="OPTIONS"),
     get("/s.html", method="PATCH")],
    "httpd docs: mod/core.html#limitexcept")

ERRORDOCS = Case("error_documents", "errordocument", """
<Directory @WWW/ext>
  Require all denied
  ErrorDocument 403 http://elsewhere.test/denied
</Directory>
<Directory @WWW/local>
  Require all denied
  ErrorDocument 403 /err.html
</Directory>
<Directory @WWW/text>
  Require all denied
  ErrorDocument 403 "no entry"
</Directory>
ErrorDocument 404 http://elsewhere.test/missing
<Directory @WWW/to-missing>
  Require all denied
  ErrorDocument 403 /no-such-page.html
</Directory>
<Directory @WWW/to-denied>
  Require all denied
  ErrorDocument 403 /closed/page.html
</Directory>
<Directory @WWW/closed>
  Require all denied
</Directory>
<Directory @WWW/to-gone>
  Require all denied
  ErrorDocument 403 /gone.html
</Directory>
<Files gone.html>
  RewriteEngine On
  RewriteRule .* - [G]
</Files>
<Directory @WWW/to-auth>
  Require all denied
  ErrorDocument 403 /auth/page.html
</Directory>
<Directory @WWW/auth>
  AuthType Basic
  AuthName x
  AuthUserFile @ROOT/nobody
  Require valid-user
</Directory>
""", {"www/err.html": "err\n", "www/gone.html": "x\n", "www/closed/page.html": "x\n",
      "www/auth/page.html": "x\n", "nobody": "",
      **index("ext", "local", "text", "to-missing", "to-denied", "to-gone", "to-auth")},
    [get("/ext/"), get("/local/"), get("/text/"), get("/nothing-here.html"),
     get("/err.html"), get("/to-missing/"), get("/to-denied/"), get("/to-gone/"),
     get("/to-auth/")],
    "httpd docs: mod/core.html#errordocument")

IFS = Case("if_and_expr", "expr", """
<Directory @WWW/if>
  <If "-R '127.0.0.2/32'">
    Require all denied
  </If>
  <ElseIf "%{HTTP_USER_AGENT} =~ /bot/i">
    Require all denied
  </ElseIf>
  <Else>
    Require all granted
  </Else>
</Directory>
<Location /expr>
  Require expr "%{HTTP:X-Key} in { 'k1', 'k2' } && %{REQUEST_METHOD} == 'GET'"
</Location>
<Location /ipm>
  Require expr "%{REMOTE_ADDR} -ipmatch '127.0.0.0/30' && ! (%{QUERY_STRING} =~ /debug/)"
</Location>
""", {**index("if", "expr", "ipm")},
    [get("/if/"), get("/if/", source=L2), get("/if/", {"User-Agent": "GoodBot/1"}),
     get("/expr/"), get("/expr/", {"X-Key": "k2"}), get("/expr/", {"X-Key": "k3"}),
     get("/ipm/"), get("/ipm/", source=L3), get("/ipm/?debug=1"),
     get("/ipm/", source="127.0.0.5")],
    "httpd docs: expr.html")

OVERRIDES = Case("htaccess_override_limits", "htaccess", """
<Directory @WWW>
  AllowOverride None
</Directory>
<Directory @WWW/auth-only>
  AllowOverride AuthConfig
</Directory>
<Directory @WWW/limit-only>
  AllowOverride Limit
</Directory>
<Directory @WWW/ignored>
  AllowOverride None
</Directory>
""", {"www/auth-only/.htaccess": "Require ip 127.0.0.2\n",
      "www/auth-only/opts/.htaccess": "Options +Indexes\n",
      "www/limit-only/.htaccess": "Order allow,deny\nAllow from 127.0.0.2\n",
      "www/limit-only/auth/.htaccess": "Require all denied\n",
      "www/ignored/.htaccess": "Require all denied\n",
      "www/auth-only/if/.htaccess": "<If \"%{HTTP:X-Open} == 'yes'\">\n"
      "  Require all granted\n</If>\n",
      **index("auth-only", "auth-only/opts", "limit-only", "limit-only/auth", "ignored",
              "auth-only/if")},
    [get("/auth-only/"), get("/auth-only/", source=L2), get("/auth-only/opts/", source=L2),
     get("/limit-only/"), get("/limit-only/", source=L2), get("/limit-only/auth/", source=L2),
     get("/ignored/"), get("/auth-only/if/"), get("/auth-only/if/", {"X-Open": "yes"})],
    "httpd docs: mod/core.html#allowoverride")

URIS = Case("uri_normalisation", "uri", """
<Directory @WWW/secret>
  Require all denied
</Directory>
""", {"www/a.html": "x\n", "www/secret/s.html": "x\n", "www/d/e.html": "x\n"},
    [get("/a.html"), get("/d/../a.html"), get("/../a.html"), get("//secret//s.html"),
     get("/%73ecret/s.html"), get("/d%2Fe.html"), get("/d/./e.html"),
     get("/secret/../a.html"), get("/d/e.html/extra"), get("/bad%zz")],
    "httpd docs: mod/core.html#allowencodedslashes")

ALIASES = Case("alias_and_require_forms", "sections", """
Alias /static @ROOT/static
<Directory @ROOT/static>
  Require all granted
  Require ip 127.0.0.2
</Directory>
<Directory @ROOT/static/deny>
  Require all denied
</Directory>
SetEnvIf User-Agent "^Good" good_agent
BrowserMatchNoCase "evil" evil_agent
<Location /env>
  <RequireAll>
    Require env good_agent
    Require not env evil_agent
  </RequireAll>
</Location>
<Location /local>
  Require local
</Location>
<Location /host>
  Require host localhost
</Location>
<Location /partial>
  Require ip 127.0.0
</Location>
""", {"static/a.css": "x\n", "static/deny/b.css": "x\n", **index("env", "local", "host",
                                                                   "partial")},
    [get("/static/a.css"), get("/static/deny/b.css"), get("/static/nothing.css"),
     get("/env/", {"User-Agent": "Good/1"}), get("/env/", {"User-Agent": "Good EVIL"}),
     get("/env/", {"User-Agent": "curl"}), get("/local/"), get("/local/", source=L3),
     get("/partial/", source=L3), get("/partial/", source="127.0.1.1")],
    "httpd docs: mod/mod_authz_host.html")

NESTED = Case("nested_files_and_options", "sections", """
<Directory @WWW/n>
  Options Indexes
  <Files "*.log">
    Require all denied
  </Files>
</Directory>
<Directory @WWW/n/sub>
  Options -Indexes
  AllowOverride All
</Directory>
<Directory @WWW/n/plus>
  Options +FollowSymLinks
</Directory>
""", {"www/n/a.log": "x\n", "www/n/a.txt": "x\n", "www/n/sub/b.log": "x\n",
      "www/n/sub/.htaccess": "<Files \"*.txt\">\n  Require all denied\n</Files>\n",
      "www/n/sub/c.txt": "x\n", "www/n/sub/d.html": "x\n", "www/n/plus/e.html": "x\n",
      "www/n/sub/deeper/f.html": "x\n"},
    [get("/n/"), get("/n/a.log"), get("/n/a.txt"), get("/n/sub/"), get("/n/sub/b.log"),
     get("/n/sub/c.txt"), get("/n/sub/d.html"), get("/n/plus/"), get("/n/sub/deeper/")],
    "httpd docs: sections.html#merging")

CASES = [AUTHZ_ANY, AUTHZ_NOT, AUTHZ_USERS, ACCESS, SATISFY, REWRITE_DIR, REWRITE_SERVER,
         REWRITE_HTACCESS, AUTOINDEX, SECTIONS, LOCATIONS, VHOSTS, AUTH_BASIC, LIMITS,
         ERRORDOCS, IFS, OVERRIDES, URIS, ALIASES, NESTED]

MERGING = Case("merging_subtleties", "sections", """
<Directory @WWW/priv>
  Require all denied
</Directory>
<Location /priv2>
  Require all denied
</Location>
RewriteEngine On
RewriteRule ^/pub/(.*)$ /priv/$1 [L]
RewriteRule ^/pub2/(.*)$ @WWW/priv2/$1 [L]
RewriteRule ^/pt/(.*)$ /priv2/$1 [PT,L]
<Directory @WWW/mixed>
  Require all granted
  Order allow,deny
  Deny from all
</Directory>
<Directory @WWW/loc>
  Require all denied
</Directory>
<Location /loc/open>
  Require all granted
</Location>
<Directory @WWW/iff>
  Require all granted
</Directory>
<Location /iff>
  <If "%{QUERY_STRING} =~ /close/">
    Require all denied
  </If>
</Location>
<Files index.html>
  <If "%{HTTP:X-No-Index} == '1'">
    Require all denied
  </If>
</Files>
""", {"www/priv/a.html": "x\n", "www/priv2/a.html": "x\n", "www/pub/a.html": "x\n",
      "www/mixed/a.html": "x\n", "www/loc/open/a.html": "x\n", "www/loc/b.html": "x\n",
      "www/iff/a.html": "x\n", **index("idx")},
    [get("/pub/a.html"), get("/pub2/a.html"), get("/pt/a.html"), get("/priv2/a.html"),
     get("/mixed/a.html"), get("/loc/open/a.html"), get("/loc/b.html"), get("/iff/a.html"),
     get("/iff/a.html?close=1"), get("/idx/"), get("/idx/", {"X-No-Index": "1"}),
     get("/idx/index.html", {"X-No-Index": "1"})],
    "httpd docs: sections.html#merging, mod/mod_rewrite.html#rewriterule")

AUTH_CONFIG = Case("auth_configuration_errors", "auth_basic", """
<Directory @WWW/any-noallow>
  AuthType Basic
  AuthName x
  AuthUserFile @ROOT/users
  Require valid-user
  Satisfy Any
</Directory>
<Directory @WWW/type-only>
  AuthType Basic
  AuthName x
  AuthUserFile @ROOT/users
</Directory>
<Directory @WWW/require-only>
  Require user ann
</Directory>
<Directory @WWW/ext401>
  AuthType Basic
  AuthName x
  AuthUserFile @ROOT/users
  Require valid-user
  ErrorDocument 401 /err401.html
</Directory>
<Directory @WWW/nofile>
  AuthType Basic
  AuthName x
  AuthUserFile @ROOT/no-such-file
  Require valid-user
</Directory>
<Directory @WWW/limited>
  AuthType Basic
  AuthName x
  AuthUserFile @ROOT/users
  <Limit GET>
    Require valid-user
  </Limit>
</Directory>
""", {"users": f"ann:{apr_md5_crypt.hash('pw')}\n", "www/err401.html": "x\n",
      **index("any-noallow", "type-only", "require-only", "ext401", "nofile", "limited")},
    [get("/any-noallow/"), get("/type-only/"), get("/require-only/"),
     get("/require-only/", basic("ann", "pw")), get("/ext401/"), get("/nofile/"),
     get("/nofile/", basic("ann", "pw")), get("/limited/"), get("/limited/", method="HEAD"),
     get("/limited/index.html", method="POST"), get("/limited/", basic("ann", "pw"))],
    "httpd docs: howto/auth.html, mod/mod_authz_core.html")

DIR_PATTERNS = Case("directory_patterns", "sections", """
<DirectoryMatch "^@WWW/dm/[0-9]+$">
  Require all denied
</DirectoryMatch>
<DirectoryMatch "/slash/">
  Require all denied
</DirectoryMatch>
<Directory ~ "/tilde[a-z]">
  Require all denied
</Directory>
<Directory @WWW/w*/inner>
  Require all denied
</Directory>
<Directory "@WWW/q?">
  Require ip 127.0.0.2
</Directory>
""", {"www/dm/12/a.html": "x\n", "www/dm/12/sub/a.html": "x\n", "www/dm/ab/a.html": "x\n",
      "www/slash/a.html": "x\n", "www/slashy/a.html": "x\n", "www/tildex/a.html": "x\n",
      "www/tilde/a.html": "x\n", "www/wa/inner/a.html": "x\n", "www/wa/outer/a.html": "x\n",
      "www/qz/a.html": "x\n", "www/qzz/a.html": "x\n"},
    [get("/dm/12/a.html"), get("/dm/12/"), get("/dm/12/sub/a.html"), get("/dm/ab/a.html"),
     get("/slash/a.html"), get("/slashy/a.html"), get("/tildex/a.html"), get("/tilde/a.html"),
     get("/wa/inner/a.html"), get("/wa/outer/a.html"), get("/qz/a.html"),
     get("/qz/a.html", source=L2), get("/qzz/a.html")],
    "httpd docs: mod/core.html#directorymatch")

HTACCESS_OPTIONS = Case("htaccess_options_and_rewrite", "htaccess", """
<Directory @WWW>
  Options -Indexes
  AllowOverride Options FileInfo
</Directory>
<Directory @WWW/secret>
  Require all denied
</Directory>
""", {"www/list/.htaccess": "Options +Indexes\n", "www/list/f.txt": "x\n",
      "www/list/nolist/.htaccess": "Options -Indexes\n", "www/list/nolist/f.txt": "x\n",
      "www/list/inherit/f.txt": "x\n", "www/badorder/.htaccess": "Order deny,allow\n",
      "www/badorder/index.html": "x\n", "www/secret/s.html": "x\n",
      "www/rw/.htaccess": "RewriteEngine On\nRewriteRule ^to-secret$ /secret/s.html [L]\n"
      "RewriteRule ^moved$ new.html [R=301,L]\nRewriteRule ^loop$ loop2\n"
      "RewriteRule ^loop2$ loop\n",
      "www/rw/new.html": "x\n"},
    [get("/list/"), get("/list/nolist/"), get("/list/inherit/"), get("/badorder/"),
     get("/rw/to-secret"), get("/rw/moved"), get("/rw/new.html"), get("/rw/loop")],
    "httpd docs: mod/core.html#options, rewrite/htaccess.html")

CASES += [MERGING, AUTH_CONFIG, DIR_PATTERNS, HTACCESS_OPTIONS]

HARDER = Case("rewrite_inherit_location_redirect", "rewrite", """
RewriteEngine On
RewriteOptions Inherit
<VirtualHost *:@PORT>
  ServerName site.test
  DocumentRoot @WWW
  RewriteEngine On
  RewriteRule ^/vh-only$ - [F]
  Redirect 301 /moved-away http://elsewhere.test/new
  RedirectMatch 302 ^/rm/(.*)$ /target/$1
  <Location /locrw>
    RewriteEngine On
    RewriteRule x\\.html$ - [F]
  </Location>
  <Directory @WWW/parent>
    RewriteEngine On
    RewriteRule ^p\\.html$ - [F]
  </Directory>
  <Directory @WWW/parent/child>
    RewriteEngine On
    RewriteOptions Inherit
    RewriteRule ^c\\.html$ - [G]
  </Directory>
  <Directory @WWW/parent/plain>
    Require all granted
  </Directory>
</VirtualHost>
""", {"www/vh-only": "x\n", "www/locrw/x.html": "x\n", "www/locrw/y.html": "x\n",
      "www/parent/p.html": "x\n", "www/parent/child/p.html": "x\n",
      "www/parent/child/c.html": "x\n", "www/parent/plain/p.html": "x\n",
      "www/target/a.html": "x\n"},
    [get("/vh-only"), get("/moved-away"), get("/moved-away/deeper"), get("/rm/a.html"),
     get("/locrw/x.html"), get("/locrw/y.html"), get("/parent/p.html"),
     get("/parent/child/p.html"), get("/parent/child/c.html"), get("/parent/plain/p.html")],
    "httpd docs: mod/mod_rewrite.html#rewriteoptions, mod/mod_alias.html#redirect")

CASES += [HARDER]

EDGES = Case("edges_errors_methods_hosts", "errordocument", """
<VirtualHost 127.0.0.1:@PORT>
  ServerName ip.test
  DocumentRoot @WWW
  <Directory @WWW/auth>
    AuthType Basic
    AuthName x
    AuthUserFile @ROOT/users
    Require valid-user
    ErrorDocument 401 http://elsewhere.test/login
  </Directory>
  <Directory @WWW/sat>
    Satisfy Any
    Require all denied
    Order allow,deny
    Allow from 127.0.0.1 127.0.0.3
  </Directory>
  <Directory @WWW/envdeny>
    Order deny,allow
    Deny from env=bad_client
  </Directory>
  SetEnvIfNoCase X-Client "^evil" bad_client
  <Files ~ "\\.(ini|cfg)$">
    Require all denied
  </Files>
  <Location /opts>
    Options +Indexes
  </Location>
  Alias /icons/ @ROOT/icons/
  <Directory @ROOT/icons>
    Require all granted
  </Directory>
  ErrorDocument 403 http://elsewhere.test/forbidden
  <Directory @WWW/override403>
    Require all denied
    ErrorDocument 403 "local text"
  </Directory>
</VirtualHost>
<VirtualHost *:@PORT>
  ServerName name.test
  DocumentRoot @WWW/other
</VirtualHost>
""", {"users": f"ann:{apr_md5_crypt.hash('pw')}\n", "www/a.html": "x\n",
      "www/app.ini": "x\n", "www/app.cfg.txt": "x\n", "www/opts/f.txt": "x\n",
      "icons/i.png": "x\n", **index("auth", "sat", "envdeny", "override403", "other")},
    [get("/auth/"), get("/sat/"), get("/sat/", source=L2), get("/sat/", source=L3),
     get("/envdeny/"), get("/envdeny/", {"X-Client": "EVIL-bot"}), get("/app.ini"),
     get("/app.cfg.txt"), get("/opts/"), get("/icons/i.png"), get("/icons"),
     get("/override403/"), get("/", {"Host": "name.test"}), get("/a.html", {"Host": "ip.test."}),
     get("/a.html", method="PUT"), get("/auth/", method="OPTIONS"),
     get("/a.html", method="TRACE"), get("/auth/", method="TRACE"),
     get("/override403/", method="TRACE"), get("/nothing.html", method="TRACE")],
    "httpd docs: mod/core.html#errordocument, vhosts/details.html")

CASES += [EDGES]

ALIAS_ORDER = Case("alias_order_and_matches", "sections", """
Alias /shared @ROOT/main-shared
<VirtualHost *:@PORT>
  ServerName site.test
  DocumentRoot @WWW
  Alias /shared @ROOT/vhost-shared
  AliasMatch "^/img/([a-z]+)\\.png$" "@ROOT/images/$1.png"
  ScriptAlias /scripts/ @ROOT/scripts/
  Redirect /shared/old http://elsewhere.test/old
  <Directory @ROOT/vhost-shared>
    Require all granted
  </Directory>
  <Directory @ROOT/main-shared>
    Require all denied
  </Directory>
  <Directory @ROOT/images>
    Require ip 127.0.0.2
  </Directory>
  <Directory @ROOT/scripts>
    Require all denied
  </Directory>
</VirtualHost>
""", {"vhost-shared/a.txt": "x\n", "main-shared/a.txt": "x\n", "images/cat.png": "x\n",
      "scripts/run": "x\n"},
    [get("/shared/a.txt"), get("/shared/old"), get("/img/cat.png"),
     get("/img/cat.png", source=L2), get("/img/CAT.png"), get("/scripts/run"),
     get("/scripts"), get("/shared/none.txt")],
    "httpd docs: mod/mod_alias.html#order")

CASES += [ALIAS_ORDER]

# authz_core.t's last block: every order of (user1, user2, 1, 2) must give the same answers;
# three orders each for RequireAll and RequireAny.
_ORDERS = (("user1", "user2", "1", "2"), ("2", "user1", "1", "user2"),
           ("1", "2", "user2", "user1"))
_ALL_CHECKS = (N, ("1",), ("user1",), ("1", "2"), ("1", "2", "user1"), ("1", "2", "user3"),
               ("1", "user1"))
_ANY_CHECKS = (N, ("1",), ("user1",), ("user3",), ("1", "2"), ("1", "user1"), ("1", "user3"))
AUTHZ_ORDERS = authz_case("authz_core_provider_orders", {
    **{f"all{i}/": htaccess("", "All", *order) for i, order in enumerate(_ORDERS)},
    **{f"any{i}/": htaccess("", "Any", *order) for i, order in enumerate(_ORDERS)},
}, [(f"{kind}{i}/", who) for i in range(len(_ORDERS))
    for kind, checks in (("all", _ALL_CHECKS), ("any", _ANY_CHECKS)) for who in checks])

CASES += [AUTHZ_ORDERS]

# access.t's full grid: every Order with every Allow and Deny form (allow only, deny only,
# both), one .htaccess per combination, requested from 127.0.0.1.
_FORMS = ("all", "localhost", L1, "127.0", f"{L1}/255.255.0.0", f"{L1}/16",
          "somewhere.else.com", "66.6.6.6")
_GRID: dict[str, str] = {}
for _o, _order in enumerate(("deny,allow", "allow,deny", "mutual-failure")):
    for _a, _allow in enumerate(_FORMS):
        _GRID[f"o{_o}a{_a}"] = f"Order {_order}\nAllow from {_allow}\n"
        _GRID[f"o{_o}d{_a}"] = f"Order {_order}\nDeny from {_allow}\n"
        for _d, _deny in enumerate(_FORMS):
            _GRID[f"o{_o}a{_a}d{_d}"] = f"Order {_order}\nAllow from {_allow}\nDeny from {_deny}\n"
ACCESS_GRID = Case(
    "access_compat_full_grid", "access_compat",
    "<Directory @WWW/grid>\n  AllowOverride Limit\n</Directory>\n",
    {**{f"www/grid/{d}/.htaccess": t for d, t in _GRID.items()},
     **{f"www/grid/{d}/index.html": "ok\n" for d in _GRID}},
    [get(f"/grid/{d}/index.html") for d in _GRID], HT + "t/modules/access.t")

CASES += [ACCESS_GRID]

VHOST_REWRITE = Case("rewrite_engine_per_host", "rewrite", """
RewriteEngine On
RewriteRule ^/main-only$ - [F]
<VirtualHost *:@PORT>
  ServerName site.test
  DocumentRoot @WWW
  RewriteRule ^/vh-no-engine$ - [F]
  AcceptPathInfo On
  <Directory @WWW/pi>
    AcceptPathInfo Off
  </Directory>
</VirtualHost>
""", {"www/main-only": "x\n", "www/vh-no-engine": "x\n", "www/a.html": "x\n",
      "www/pi/b.html": "x\n"},
    [get("/main-only"), get("/vh-no-engine"), get("/a.html/extra"), get("/pi/b.html/extra")],
    "httpd docs: mod/mod_rewrite.html#rewriteengine, mod/core.html#acceptpathinfo")

CASES += [VHOST_REWRITE]

# mod_access_compat has no merge function: a later section holding any Order/Allow/Deny/
# Satisfy replaces the whole set, Satisfy included (found by benchmarks/apache_random.py).
COMPAT_REPLACE = Case("access_compat_section_replaces", "access_compat", """
<Directory @WWW/r>
  AuthType Basic
  AuthName r
  AuthUserFile @ROOT/users
  Require valid-user
  Order allow,deny
  Allow from 127.0.0.2
  Satisfy Any
</Directory>
<Location /r/reset>
  Deny from 127.0.0.9
</Location>
<Location /r/keep>
  Require valid-user
</Location>
""", {"users": f"ann:{apr_md5_crypt.hash('pw')}\n", **index("r", "r/reset", "r/keep")},
    [get("/r/", source=L2), get("/r/", source=L1), get("/r/reset/", source=L2),
     get("/r/reset/", source=L1), get("/r/reset/", basic("ann", "pw"), L3),
     get("/r/keep/", source=L2), get("/r/keep/", source=L1)],
    "mod_access_compat.c (no dir merger), httpd docs: mod/mod_access_compat.html")

CASES += [COMPAT_REPLACE]

# mod_rewrite refuses per-directory rules when Options turns both FollowSymLinks and
# SymLinksIfOwnerMatch off (AH00670), matching or not (found by benchmarks/apache_random.py).
REWRITE_SYMLINKS = Case("rewrite_needs_followsymlinks", "rewrite", """
<Directory @WWW/nolinks>
  Options Indexes
  RewriteEngine On
  RewriteRule ^never$ - [F]
</Directory>
<Directory @WWW/owner>
  Options Indexes SymLinksIfOwnerMatch
  RewriteEngine On
  RewriteRule ^never$ - [F]
</Directory>
<Directory @WWW/links>
  Options -FollowSymLinks
  RewriteEngine On
</Directory>
""", {**index("nolinks", "owner", "links")},
    [get("/nolinks/"), get("/nolinks/index.html"), get("/owner/"), get("/links/")],
    "mod_rewrite.c hook_fixup (AH00670)")

CASES += [REWRITE_SYMLINKS]

# Each walk merges its own sections first, then onto what came before: an AuthMerging And
# in a later <Location> joins the locations' rules with the directories' (request.c).
MERGE_WALKS = Case("authz_merge_per_walk", "authz_core", """
<Directory @WWW/w>
  AllowOverride AuthConfig
</Directory>
<Location /w>
  <RequireAny>
    Require local
  </RequireAny>
</Location>
<Location /w/s>
  AuthMerging And
</Location>
""", {"www/w/.htaccess": "Require ip 127.0.0.1 127.0.0.3\n", **index("w", "w/s")},
    [get("/w/", source=L2), get("/w/s/", source=L2), get("/w/s/", source=L1),
     get("/w/s/", source=L3)],
    "server/request.c (ap_location_walk), mod_authz_core.c merge_authz_core_dir_config")

CASES += [MERGE_WALKS]
