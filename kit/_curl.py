"""curl command lines as "Copy as cURL" writes them (Chrome, Firefox, Postman) -> RequestSpec.

Why hand-written: the PyPI parsers we looked at are unmaintained or narrow (uncurl 0.0.11,
2021: argparse over shlex, no ``$'...'`` quoting, no ``-u``/``-G``/``--http2``; curlparser
0.1.0, 2021; curl-parsers 0.2.1 and curlconverter 1.0.1 generate code rather than parse), and
shlex itself cannot read bash's ANSI-C ``$'...'`` quoting, which Chrome uses for any body with a
quote or a non-ASCII character. So a small tokenizer with bash's quoting rules lives here.

What curl itself adds is modelled too: ``Host`` first, then ``User-Agent: curl/…`` and
``Accept: */*`` unless overridden, HTTP/2 over https unless ``--http1.1``. Options that cannot
be reproduced (``-F`` forms, cookie files, ``@file`` bodies) are listed in ``spec.skipped``.
"""

from __future__ import annotations

import base64
import re
from urllib.parse import urlencode, urlsplit

from ._reqspec import RequestSpec

CURL_UA = "curl/8.5.0"
_ANSI = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
         "e": "\x1b", "E": "\x1b", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_NO_VALUE = frozenset({"--compressed", "-G", "--get", "--http1.1", "--http1.0", "--http2",
                       "--http2-prior-knowledge", "--http3", "-k", "--insecure", "-L",
                       "--location", "-s", "--silent", "-S", "--show-error", "-v", "--verbose",
                       "-i", "--include", "-I", "--head", "-g", "--globoff", "-f", "--fail",
                       "--path-as-is", "-N", "--no-buffer", "--location-trusted", "-sS",
                       "-Ss", "--fail-with-body", "--no-progress-meter"})
_IGNORED = frozenset({"-o", "--output", "-m", "--max-time", "--connect-timeout", "-w",
                      "--write-out", "--retry", "-D", "--dump-header", "--cacert", "--capath",
                      "--limit-rate", "--max-redirs"})


def tokenize(command: str) -> list[str]:
    """Words of a shell command with bash's quoting: '…', "…", $'…', backslashes, and line
    continuations (``\\``, and ``^`` / a backtick at a line end for cmd and PowerShell)."""
    text = re.sub(r"[\\^`]\r?\n", " ", command.strip())
    if text.startswith("curl ") and "^\"" in text:  # Chrome's "Copy as cURL (cmd)"
        text = re.sub(r"\^(.)", r"\1", text)
    words: list[str] = []
    word: list[str] | None = None
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            if word is not None:
                words.append("".join(word))
                word = None
            i += 1
            continue
        word = word if word is not None else []
        if c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise ValueError("unterminated single quote in the curl command")
            word.append(text[i + 1:end])
            i = end + 1
        elif c == "$" and text.startswith("$'", i):
            value, i = _ansi(text, i + 2)
            word.append(value)
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n and text[i + 1] in '"\\$`':
                    i += 1
                word.append(text[i])
                i += 1
            if i >= n:
                raise ValueError("unterminated double quote in the curl command")
            i += 1
        elif c == "\\" and i + 1 < n:
            word.append(text[i + 1])
            i += 2
        else:
            word.append(c)
            i += 1
    if word is not None:
        words.append("".join(word))
    return words


def _ansi(text: str, i: int) -> tuple[str, int]:
    """Bash's $'…' from just after the opening quote: the value and the index after it."""
    out: list[str] = []
    while i < len(text):
        c = text[i]
        if c == "'":
            return "".join(out), i + 1
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        e = text[i + 1]
        if e in _ANSI:
            out.append(_ANSI[e])
            i += 2
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            digits = re.match(rf"[0-9a-fA-F]{{1,{width}}}", text[i + 2:])
            if digits is None:
                out.append("\\" + e)
                i += 2
            else:
                out.append(chr(int(digits.group(0), 16)))
                i += 2 + len(digits.group(0))
        elif e in "01234567":
            digits = re.match(r"[0-7]{1,3}", text[i + 1:])
            assert digits is not None
            out.append(chr(int(digits.group(0), 8)))
            i += 1 + len(digits.group(0))
        else:
            out.append("\\" + e)
            i += 2
    raise ValueError("unterminated $'...' quote in the curl command")


def parse_curl(command: str) -> RequestSpec:
    """A RequestSpec from a curl command line; ValueError naming what could not be read."""
    words = tokenize(command)
    if not words or words[0].rsplit("/", 1)[-1] not in ("curl", "curl.exe"):
        raise ValueError("not a curl command: it should start with 'curl' (paste the whole "
                         "'Copy as cURL' text)")
    url = method = agent = referer = user = proxy = version = None
    headers: list[tuple[str, str]] = []
    removed: set[str] = set()
    data: list[str] = []
    cookies: list[str] = []
    skipped: list[str] = []
    get = compressed = False
    args = iter(words[1:])
    for word in args:
        flag, inline = word, None
        if word.startswith("--") and "=" in word:
            flag, inline = word.split("=", 1)
        if word.startswith("-") and not word.startswith("--") and len(word) > 2 and \
                word[:2] in ("-H", "-X", "-d", "-b", "-u", "-A", "-e", "-x"):
            flag, inline = word[:2], word[2:]

        def value(flag: str = flag, inline: str | None = inline) -> str:
            if inline is not None:
                return inline
            try:
                return next(args)
            except StopIteration:
                raise ValueError(f"{flag} needs a value after it") from None

        if not word.startswith("-") or word == "-":
            url = word
        elif flag == "--url":
            url = value()
        elif flag in ("-X", "--request"):
            method = value().upper()
        elif flag in ("-H", "--header"):
            name, sep, rest = value().partition(":")
            if not sep and name.endswith(";"):  # 'Name;' sends an empty header
                headers.append((name[:-1].strip(), ""))
            elif not sep:
                skipped.append("a -H without ':' (not echoed: it may be a bare secret; "
                               "@file headers are not read)")
            elif rest.strip() == "":
                removed.add(name.strip().lower())  # 'Name:' removes curl's own header
            else:
                headers.append((name.strip(), rest.strip()))
        elif flag in ("-d", "--data", "--data-ascii", "--data-binary", "--data-raw",
                      "--data-urlencode", "--json"):
            text = value()
            if text.startswith("@") and flag != "--data-raw":
                skipped.append(f"{flag} {text} (a body read from a file: paste the body)")
                continue
            data.append(_urlencoded(text) if flag == "--data-urlencode" else text)
            if flag == "--json":
                headers += [("Content-Type", "application/json"),
                            ("Accept", "application/json")]
        elif flag in ("-b", "--cookie"):
            text = value()
            (cookies if "=" in text else skipped).append(
                text if "=" in text else f"-b {text} (a cookie file is not read)")
        elif flag in ("-u", "--user"):
            user = value()
        elif flag in ("-A", "--user-agent"):
            agent = value()
        elif flag in ("-e", "--referer"):
            referer = value()
        elif flag in ("-x", "--proxy"):
            proxy = value()
        elif flag == "--oauth2-bearer":
            headers.append(("Authorization", f"Bearer {value()}"))
        elif flag in ("-G", "--get"):
            get = True
        elif flag == "--compressed":
            compressed = True
        elif flag in ("--http1.1", "--http1.0"):
            version = "1.1"
        elif flag in ("--http2", "--http2-prior-knowledge", "--http3"):
            version = "2"
        elif flag in ("-I", "--head"):
            method = "HEAD"
        elif flag in ("-F", "--form", "--form-string", "-T", "--upload-file", "-E", "--cert",
                      "--key", "-K", "--config"):
            skipped.append(f"{flag} {value()!r} (not reproduced: forms, uploads, client "
                           "certificates and config files)")
        elif flag in _IGNORED:
            value()
        elif flag not in _NO_VALUE:
            skipped.append(f"{flag} (an option this reader does not know)")
    if not url:
        raise ValueError("the curl command has no URL")
    if "://" not in url:
        url = "http://" + url
    body: bytes | None = "&".join(data).encode() if data else None
    if get and body is not None:
        sep = "&" if urlsplit(url).query else "?"
        url, body = f"{url}{sep}{body.decode()}", None
    verb = method or ("POST" if body is not None else "GET")
    named = {k.lower() for k, _ in headers}
    auto: list[tuple[str, str]] = []  # curl's own headers, in the order curl sends them
    if user is not None and "authorization" not in named:
        auto.append(("Authorization", "Basic " + base64.b64encode(user.encode()).decode()))
    if "user-agent" not in named:
        auto.append(("User-Agent", agent if agent is not None else CURL_UA))
    if "accept" not in named:
        auto.append(("Accept", "*/*"))
    if compressed and "accept-encoding" not in named:
        auto.append(("Accept-Encoding", "deflate, gzip, br, zstd"))
    if referer is not None and "referer" not in named:
        auto.append(("Referer", referer))
    if cookies and "cookie" not in named:
        auto.append(("Cookie", "; ".join(cookies)))
    if body is not None and "content-type" not in named:
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    pairs = [(k, v) for k, v in [*auto, *headers] if k.lower() not in removed]
    scheme = urlsplit(url).scheme.lower()
    return RequestSpec.build(verb, url, pairs, body,
                             http_version=version or ("2" if scheme == "https" else "1.1"),
                             tls="curl" if scheme == "https" else "",
                             proxy=proxy or "", source="curl", skipped=tuple(skipped))


def _urlencoded(text: str) -> str:
    """--data-urlencode: 'name=value' encodes the value; a bare string is encoded whole."""
    name, sep, rest = text.partition("=")
    if sep and name:
        return urlencode({name: rest})
    return urlencode({"": rest if sep else text})[1:]
