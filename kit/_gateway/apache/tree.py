"""The httpd configuration as the evaluator reads it: servers, sections, and how they are built.

Sections keep their ``Directive`` for file:line. A virtual host's sections come after the
main server's (server/core.c merge_core_server_configs appends ``sec_dir``/``sec_url``/
``sec_file``); ``<Directory>`` sections are then ordered as ap_core_reorder_directories
does: plain paths by number of components (shortest first, ties in file order), regexes
after them in file order.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass, field

from .syntax import Directive

Body = tuple[Directive, ...]
SECTION_KINDS = {"directory", "directorymatch", "files", "filesmatch", "location",
                 "locationmatch", "if", "elseif", "else"}
# AllowOverride categories of the directives the evaluator reads (httpd's own OR_* flags).
OVERRIDE_OF = {
    **dict.fromkeys(("authtype", "authname", "authuserfile", "authgroupfile", "require",
                     "authmerging", "authbasicprovider", "authzsendforbiddenonfailure",
                     "requireany", "requireall", "requirenone", "satisfy"), "authconfig"),
    **dict.fromkeys(("order", "allow", "deny"), "limit"),
    **dict.fromkeys(("options",), "options"),
    **dict.fromkeys(("directoryindex", "indexoptions", "indexignore"), "indexes"),
    **dict.fromkeys(("rewriteengine", "rewriterule", "rewritecond", "rewritebase",
                     "rewriteoptions", "errordocument", "setenvif", "setenvifnocase",
                     "browsermatch", "browsermatchnocase", "setenv", "unsetenv", "passenv",
                     "redirect", "redirectmatch", "redirectpermanent", "redirecttemp",
                     "header", "requestheader", "addtype", "addhandler", "sethandler",
                     "forcetype", "adddefaultcharset", "acceptpathinfo", "fileetag",
                     "addencoding", "addlanguage", "addcharset", "defaulttype", "removehandler",
                     "removetype", "removeencoding", "setinputfilter", "setoutputfilter",
                     "addoutputfilter", "addoutputfilterbytype", "languagepriority",
                     "forcelanguagepriority", "multiviewsmatch", "substitute"), "fileinfo"),
    **dict.fromkeys(("fallbackresource", "indexheadinsert", "indexignorereset",
                     "indexorderdefault", "indexstylesheet", "headername", "readmename",
                     "addicon", "addiconbytype", "addiconbyencoding", "adddescription",
                     "addalt", "defaulticon", "expiresactive", "expiresbytype",
                     "expiresdefault"), "indexes"),
    **dict.fromkeys(("checkspelling", "checkcaseonly", "contentdigest"), "options"),
    **dict.fromkeys(("authbasicprovider", "authbasicauthoritative", "authbasicfake",
                     "authdigestprovider", "authdigestdomain", "authformprovider",
                     "anonymous", "authzgroupfileauthoritative", "authzuserauthoritative",
                     "authbasicusedigestalgorithm", "ssloptions", "sslrequire",
                     "sslrequiressl", "sslverifyclient", "sslverifydepth"), "authconfig"),
}


# Directives of httpd 2.4's core and its common modules: a .htaccess line naming anything
# else is "Invalid command" (500). https://httpd.apache.org/docs/2.4/mod/directives.html
_KNOWN_TEXT = """
acceptpathinfo accessfilename adddefaultcharset addencoding addhandler addlanguage
addoutputfilter addoutputfilterbytype addtype allow allowencodedslashes anonymous
authbasicauthoritative authbasicprovider authbasicfake authbasicusedigestalgorithm
authdigestdomain authdigestprovider authformprovider authgroupfile authmerging authname authtype
authuserfile authzgroupfileauthoritative authzsendforbiddenonfailure authzuserauthoritative
browsermatch browsermatchnocase cgimapextension cgipassauth contentdigest cookiename
cookietracking defaulttype deny directorycheckhandler directoryindex directoryindexredirect
directoryslash else elseif enablemmap enablesendfile errordocument expiresactive expiresbytype
expiresdefault fallbackresource fileetag files filesmatch forcetype header headername if
ifdefine ifmodule ifversion indexheadinsert indexignore indexignorereset indexoptions
indexorderdefault indexstylesheet limit limitexcept limitrequestbody limitxmlrequestbody options
order passenv readmename redirect redirectmatch redirectpermanent redirecttemp removeencoding
removehandler removetype requestheader require requireall requireany requirenone rewritebase
rewritecond rewriteengine rewriteoptions rewriterule satisfy scriptinterpretersource
serversignature setenv setenvif setenvifexpr setenvifnocase sethandler setinputfilter
setoutputfilter ssloptions sslrequire sslrequiressl sslverifyclient sslverifydepth unsetenv
addcharset addiconbyencoding addiconbytype addicon adddescription addalt defaulticon
languagepriority forcelanguagepriority multiviewsmatch checkspelling checkcaseonly substitute
"""
KNOWN = frozenset(_KNOWN_TEXT.split())


@dataclass(frozen=True)
class Section:
    """``<Directory>``, ``<Files>``, ``<Location>`` (and their Match forms) or ``<If>``."""

    kind: str  # "directory", "files", "location", "if", "elseif", "else"
    directive: Directive
    pattern: str
    regex: re.Pattern[str] | None
    body: Body
    components: int = 0  # path components of a plain <Directory>
    wild: bool = False  # a plain pattern with *, ? or [ ] (matched as fnmatch does)

    def __post_init__(self) -> None:
        if self.regex is None and any(c in self.pattern for c in "*?["):
            object.__setattr__(self, "wild", True)

    @property
    def label(self) -> str:
        return self.directive.text

    @property
    def where(self) -> str:
        return self.directive.where


@dataclass(frozen=True)
class Server:
    """The main server or one ``<VirtualHost>``, with the main server's sections merged in."""

    directive: Directive | None  # None for the main server
    addresses: tuple[tuple[str, int | None], ...]  # ("*", 80), ("127.0.0.1", None)
    names: tuple[str, ...]  # ServerName, then ServerAlias entries (lower case)
    base: Body  # directives outside sections: the main server's, then the host's own
    own: Body  # the host's own directives outside sections (rewrite rules, names)
    directories: tuple[Section, ...]
    files: tuple[Section, ...]
    locations: tuple[Section, ...]
    ifs: tuple[Section, ...]

    @property
    def where(self) -> str:
        return self.directive.where if self.directive else "(main server)"

    def last(self, name: str, body: Body | None = None) -> Directive | None:
        return next((d for d in reversed(self.base if body is None else body)
                     if d.key == name), None)


@dataclass(frozen=True)
class Model:
    main: Server
    hosts: tuple[Server, ...]
    listens: tuple[int, ...]
    notes: tuple[str, ...] = ()
    secrets: frozenset[str] = field(default_factory=frozenset)


def compile_regex(pattern: str, d: Directive, nocase: bool = False) -> re.Pattern[str]:
    """A PCRE pattern as Python's ``re`` reads it; a bad one is a ConfigError at its line."""
    try:
        return _compiled(pattern, nocase)
    except re.error as exc:
        raise d.error(f'Regular expression could not be compiled: "{pattern}" ({exc})',
                      "fix the pattern") from None


@functools.lru_cache(maxsize=8192)
def _compiled(pattern: str, nocase: bool) -> re.Pattern[str]:
    converted = re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", pattern)
    converted = re.sub(r"\(\?P?'([A-Za-z_]\w*)'", r"(?P<\1>", converted)
    return re.compile(converted, re.IGNORECASE if nocase else 0)


def section(d: Directive) -> Section:
    """Build one section, checking its arguments as httpd does when it reads them."""
    key = d.key
    args = d.args
    if key == "else":
        return Section("else", d, "", None, d.block or ())
    if not args:
        raise d.error(f"<{d.name}> needs an argument", f"<{d.name} /path>")
    if key in ("if", "elseif"):
        return Section(key, d, " ".join(args), None, d.block or ())
    regex_form = key.endswith("match") or (len(args) == 2 and args[0] == "~")
    pattern = args[-1]
    base = key.removesuffix("match")
    if regex_form:
        return Section(base, d, pattern, compile_regex(pattern, d), d.block or ())
    if base == "directory":
        path = pattern.rstrip("/") or "/"
        parts = 1 if path == "/" else path.count("/") + 1
        return Section(base, d, path, None, d.block or (), parts)
    return Section(base, d, pattern, None, d.block or ())


def address(text: str, d: Directive) -> tuple[str, int | None]:
    """``*:80``, ``127.0.0.1``, ``[::1]:8080``, ``_default_:443``, ``name.example:80``."""
    host, port = text, None
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest[1:] or None
    elif text.count(":") == 1:
        host, port = text.split(":")
    if port is not None and port != "*":
        if not str(port).isdigit():
            raise d.error(f"invalid port in {text!r}", "<VirtualHost *:80>")
        return (host.lower(), int(port))
    if host not in ("*", "_default_"):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            host = host.lower()  # a name: httpd resolves it at start-up
    return (host.lower(), None)
