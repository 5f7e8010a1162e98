"""``error_page``: what nginx answers when a phase ends in an error or a redirect.

src/http/ngx_http_special_response.c (ngx_http_special_response_handler,
ngx_http_send_error_page) and ngx_http_core_error_page in ngx_http_core_module.c:

- only answers that go through the special response handler are caught (a refusal, a bare
  ``return 4xx``, a redirect); ``return 404 "text"`` is sent as it is;
- the first error_page of the innermost level that lists the status applies, once per request
  (``recursive_error_pages`` is off by default);
- to a URL: a redirect, 302 unless ``=301/302/303/307/308`` says which;
- to a URI (or ``@name``): an internal redirect, as GET (HEAD stays HEAD), to locations that
  may be ``internal``; the answer keeps the original status unless ``=code`` (``=`` alone:
  the page's own status) is given, but an error or a redirect the page itself ends in
  replaces it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from ._model import Step
from ._nginx_access import Verdict, inherited
from ._nginx_syntax import Directive
from ._nginx_tree import Location
from ._nginx_vars import expand

if TYPE_CHECKING:
    from ._nginx_eval import Walk

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class Phases(Protocol):
    """NginxConfig._phases: the walk from the server rewrite (or a named location) on."""

    def __call__(self, walk: Walk, named: Location | None = None, /) -> Verdict: ...


def _parse(d: Directive) -> tuple[list[str], int, str]:
    """(codes, overwrite, target); overwrite is -1 without ``=``, 0 for ``=`` alone."""
    codes = [a for a in d.args[:-1] if a.isdigit()]
    change = next((a for a in d.args[:-1] if a.startswith("=")), None)
    overwrite = -1 if change is None else (int(change[1:]) if change[1:].isdigit() else 0)
    return codes, overwrite, d.args[-1] if d.args else ""


def error_page(walk: Walk, verdict: Verdict, phases: Phases) -> Verdict:
    """The answer after the error_page that catches ``verdict`` (the verdict itself if none)."""
    st = walk.st
    if not verdict.special or st.error_page_done or verdict.kind == "cycle":
        return verdict  # after 10 URI changes nginx shows no error page (r->uri_changes == 0)
    for d in inherited(walk.levels, "error_page"):
        codes, overwrite, target = _parse(d)
        if str(verdict.status) not in codes:
            continue
        st.error_page_done = True
        page = expand(target, st)
        if not page.startswith(("/", "@")):
            status = overwrite if overwrite in _REDIRECTS else 302
            walk.steps.append(Step(d.ref(), "note", f"error_page redirects ({status}) to {page}"))
            return Verdict(status, d, "redirect", f"{d.text} ({d.where}) answers the "
                           f"{verdict.status} with a redirect ({status}) to {page}")
        return _redirect(walk, verdict, d, page, overwrite, phases)
    return verdict


def _redirect(walk: Walk, verdict: Verdict, d: Directive, page: str, overwrite: int,
              phases: Phases) -> Verdict:
    st = walk.st
    kept = (list(walk.levels), walk.location, walk.location_label)
    status = overwrite if overwrite >= 0 else verdict.status
    walk.steps.append(Step(d.ref(), "note", f"error_page: internal redirect to {page}"))
    if st.method != "HEAD":
        st.method = "GET"
    st.internal = True
    walk.changes += 1
    if page.startswith("@"):
        named = next((x for x in st.server.locations if x.modifier == "@"
                      and x.pattern == page), None)
        if named is None:  # nginx -t does not check; at run time it answers 500
            return replace(verdict, status=500, reason=f"{d.text} ({d.where}) names no "
                           f"location {page}: nginx answers 500")
        shown = phases(walk, named)
    else:
        uri, _, args = page.partition("?")
        st.uri, st.args = uri, args
        shown = phases(walk)
    if shown.special and shown.status >= 300:  # the page's own error or redirect answers
        return replace(shown, reason=f"{d.text} ({d.where}) sends the {verdict.status} to "
                       f"{page}, which answers {shown.status}: {shown.reason}")
    final = status or shown.status
    walk.levels, walk.location, walk.location_label = kept
    if final < 400:
        return Verdict(final, d, "error_page", f"{verdict.reason}; {d.text} ({d.where}) "
                       f"then shows {page} with status {final}", special=False)
    return replace(verdict, status=final, reason=f"{verdict.reason}; {d.text} ({d.where}) "
                   f"shows {page} with status {final}")
