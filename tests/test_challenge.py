"""WWW-Authenticate parsing: RFC 6750 and RFC 9110 examples, several challenges, and garbage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit._http.challenge import Challenge, parse_www_authenticate


def test_bearer_realm_only() -> None:
    """RFC 6750 3: 'Bearer realm="example"' is one Bearer challenge with a realm."""
    assert parse_www_authenticate('Bearer realm="example"') == [
        Challenge("Bearer", {"realm": "example"})
    ]


def test_bearer_insufficient_scope_with_scopes() -> None:
    """error=insufficient_scope and the space-separated scope list are read."""
    [challenge] = parse_www_authenticate(
        'Bearer realm="example", error="insufficient_scope", scope="repo read:org admin"'
    )
    assert challenge.scheme == "Bearer"
    assert challenge.error == "insufficient_scope"
    assert challenge.scopes == ("repo", "read:org", "admin")
    assert challenge.params["realm"] == "example"


def test_bearer_invalid_token_with_description() -> None:
    """RFC 6750 3 example: invalid_token with an error_description containing spaces."""
    [challenge] = parse_www_authenticate(
        'Bearer realm="example",\n       error="invalid_token",\n'
        '       error_description="The access token expired"'
    )
    assert challenge.error == "invalid_token"
    assert challenge.params["error_description"] == "The access token expired"


def test_two_challenges_in_one_value() -> None:
    """'Basic realm="x", Bearer error="invalid_token"' gives two challenges in order."""
    challenges = parse_www_authenticate('Basic realm="x", Bearer error="invalid_token"')
    assert challenges == [
        Challenge("Basic", {"realm": "x"}),
        Challenge("Bearer", {"error": "invalid_token"}),
    ]
    assert challenges[0].error is None
    assert challenges[1].error == "invalid_token"


def test_rfc9110_newauth_example() -> None:
    """RFC 9110 11.6.1: Newauth with a token param and an escaped-quote title, then Basic."""
    challenges = parse_www_authenticate(
        'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"'
    )
    assert [c.scheme for c in challenges] == ["Newauth", "Basic"]
    assert challenges[0].params == {"realm": "apps", "type": "1", "title": 'Login to "apps"'}
    assert challenges[1].params == {"realm": "simple"}


def test_quoted_comma_is_not_a_separator() -> None:
    """A comma inside a quoted string stays in the value."""
    [challenge] = parse_www_authenticate('Digest realm="a, b", qop="auth,auth-int", nonce="n"')
    assert challenge.params == {"realm": "a, b", "qop": "auth,auth-int", "nonce": "n"}


def test_escaped_quotes_and_backslashes() -> None:
    """Backslash escapes in quoted strings are undone."""
    [challenge] = parse_www_authenticate(r'Bearer realm="say \"hi\" \\ bye", error=invalid_token')
    assert challenge.params["realm"] == 'say "hi" \\ bye'
    assert challenge.error == "invalid_token"


def test_param_names_are_lower_cased_values_kept() -> None:
    """Parameter names are case-insensitive (lower-cased); values keep their case."""
    [challenge] = parse_www_authenticate('Bearer REALM="Example", Error="invalid_token"')
    assert challenge.params == {"realm": "Example", "error": "invalid_token"}


def test_no_space_after_comma() -> None:
    """Parameters separated by a bare comma are still read."""
    [challenge] = parse_www_authenticate('Bearer realm="x",error="invalid_token",scope="a b"')
    assert challenge.scopes == ("a", "b")
    assert challenge.error == "invalid_token"


def test_token68() -> None:
    """'Negotiate abc==' is a challenge with a token68 and no params."""
    assert parse_www_authenticate("Negotiate abc==") == [
        Challenge("Negotiate", {}, token68="abc==")
    ]


def test_token68_then_another_challenge() -> None:
    """A token68 challenge followed by a parameter challenge gives both."""
    challenges = parse_www_authenticate('Negotiate YIIBhg+/x==, Basic realm="corp"')
    assert challenges == [
        Challenge("Negotiate", {}, token68="YIIBhg+/x=="),
        Challenge("Basic", {"realm": "corp"}),
    ]


def test_bare_schemes() -> None:
    """Schemes without parameters ('Negotiate, NTLM') each give a challenge."""
    challenges = parse_www_authenticate("Negotiate, NTLM")
    assert [(c.scheme, c.params, c.token68) for c in challenges] == [
        ("Negotiate", {}, None), ("NTLM", {}, None)]


def test_no_scope_gives_empty_tuple() -> None:
    """A challenge without scope has no scopes and no error."""
    [challenge] = parse_www_authenticate("Bearer")
    assert challenge.scopes == ()
    assert challenge.error is None


@pytest.mark.parametrize("value", ["", "   ", ",,,", ", ,", '"""', "=", "\x00\x01", '="x"'])
def test_empty_or_garbage_gives_no_challenges(value: str) -> None:
    """Empty, punctuation-only or control-character input gives []."""
    assert parse_www_authenticate(value) == []


def test_unterminated_quote_does_not_raise() -> None:
    """An unterminated quoted value is dropped; the scheme is still reported."""
    challenges = parse_www_authenticate('Bearer realm="unterminated')
    assert [c.scheme for c in challenges] == ["Bearer"]
    assert "realm" not in challenges[0].params


def test_very_long_value_is_bounded() -> None:
    """A huge header value parses (up to a cap) quickly and without error."""
    value = "Bearer " + ", ".join(f'p{i}="{"v" * 20}"' for i in range(5000))
    [challenge] = parse_www_authenticate(value)
    assert challenge.scheme == "Bearer"
    assert 0 < len(challenge.params) < 5000


@given(st.text(max_size=300))
def test_random_text_never_raises(value: str) -> None:
    """Any text gives a list of Challenges, never an exception."""
    result = parse_www_authenticate(value)
    assert isinstance(result, list)
    assert all(isinstance(c, Challenge) and c.scheme for c in result)


@given(st.text(alphabet='Bearer realm=",\\ \tabc-_=', max_size=200))
def test_header_like_text_never_raises(value: str) -> None:
    """Text made of header syntax characters never raises."""
    assert isinstance(parse_www_authenticate(value), list)
