"""The rewrite module's script: ``set``, ``rewrite``, ``return``, ``break`` and ``if`` blocks.

https://nginx.org/en/docs/http/ngx_http_rewrite_module.html: directives run in the order
written; ``if`` blocks run inline when their condition holds (and their configuration then
applies to the request); ``rewrite`` flags: last (stop, search locations again), break (stop),
redirect (302), permanent (301); a replacement starting with http://, https:// or $scheme
redirects (302). A rewrite without a flag changes $uri and goes on; nginx searches the
locations again after the location's script (ngx_http_core_post_rewrite_phase).
"""

from __future__ import annotations

from dataclasses import dataclass

from ._model import Step
from ._nginx_cond import Condition, holds, parse_condition
from ._nginx_maps import compile_regex
from ._nginx_syntax import Directive
from ._nginx_tree import Level
from ._nginx_vars import State, expand

Guard = tuple[Directive, Condition, str]  # an enclosing if that held, and why


@dataclass(frozen=True)
class Outcome:
    """How a script stopped: "return", "redirect", "last" or "break"."""

    kind: str
    directive: Directive
    guards: tuple[Guard, ...] = ()
    status: int = 0
    target: str = ""


def run_script(level: Level, st: State, steps: list[Step],
               guards: tuple[Guard, ...] = ()) -> Outcome | None:
    """Run one level's rewrite directives for the request; None when it runs to the end."""
    for d in level:
        if d.name == "set" and len(d.args) == 2:
            st.vars[d.args[0].lstrip("$")] = expand(d.args[1], st)
            steps.append(Step(d.ref(), "note", f"set {d.args[0]}"))
        elif d.name == "return":
            status, target = _return(d, st)
            steps.append(Step(d.ref(), "deny" if status >= 400 else "note",
                              f"return {status} ends the request in the rewrite phase"))
            return Outcome("return", d, guards, status, target)
        elif d.name == "break":
            steps.append(Step(d.ref(), "note", "break stops the rewrite directives"))
            return Outcome("break", d, guards)
        elif d.name == "rewrite":
            out = _rewrite(d, st, steps, guards)
            if out is not None:
                return out
        elif d.name == "if" and d.block is not None:
            cond = parse_condition(d)
            truth, says = holds(cond, st)
            steps.append(Step(d.ref(), "pass" if truth else "skip", f"if: {says}"))
            if truth:
                st.if_block = d
                out = run_script(d.block, st, steps, (*guards, (d, cond, says)))
                if out is not None:
                    return out
    return None


def _return(d: Directive, st: State) -> tuple[int, str]:
    first = d.args[0]
    if first.isdigit():
        return int(first), expand(d.args[1], st) if len(d.args) > 1 else ""
    return 302, expand(first, st)  # "return URL" is a 302 (ngx_http_rewrite_return)


def _rewrite(d: Directive, st: State, steps: list[Step],
             guards: tuple[Guard, ...]) -> Outcome | None:
    regex = compile_regex(d.args[0], False, d)
    match = regex.search(st.uri)
    if match is None:
        steps.append(Step(d.ref(), "skip", f"rewrite {d.args[0]} does not match {st.uri}"))
        return None
    st.set_match(match)
    flag = d.args[2] if len(d.args) > 2 else ""
    template = d.args[1]
    replacement = expand(template, st)
    if flag in ("redirect", "permanent") or template.startswith(
            ("http://", "https://", "$scheme")):
        status = 301 if flag == "permanent" else 302
        steps.append(Step(d.ref(), "note", f"rewrite redirects ({status}) to {replacement}"))
        return Outcome("redirect", d, guards, status, replacement)
    new_uri, qmark, new_args = replacement.partition("?")
    if qmark:
        keep_old = not template.endswith("?") and st.args
        st.args = new_args + (f"&{st.args}" if keep_old else "")
    st.uri = new_uri
    st.internal = True  # ngx_http_script_regex_end_code: a rewritten URI is internal
    steps.append(Step(d.ref(), "note", f"rewrite changes the URI to {new_uri}"
                      + (f" ({flag})" if flag else "")))
    if flag in ("last", "break"):
        return Outcome(flag, d, guards)
    st.uri_changed = True
    return None
