"""Form values -> kit.diagnose() keyword arguments: every auth kind, and clear errors."""

from __future__ import annotations

import base64

import pytest

import kit
from kit._tools.forms import AUTH_KINDS, build_request, parse_param_lines
from kit._triage import prepare

URL = "https://api.example.com/v1/items"
SECRET = "sk-test-Zq8Wm3Nc7Rv2Lk5Hj9Gf4Ds1Ap6Ty0Ux"


def test_none_sends_no_credential() -> None:
    """auth='none' gives only url, method, empty headers and params."""
    assert build_request(URL) == {"url": URL, "method": "GET", "headers": {}, "params": {}}


def test_bearer_puts_the_secret_behind_the_scheme() -> None:
    """Bearer auth becomes 'Authorization: Bearer <secret>'."""
    kwargs = build_request(URL, auth="bearer", secret=SECRET)
    assert kwargs["headers"] == {"Authorization": f"Bearer {SECRET}"}


def test_api_key_header_defaults_to_x_api_key() -> None:
    """A header key goes in X-API-Key unless another name is given."""
    assert build_request(URL, auth="api_key_header", secret=SECRET)["headers"] == {
        "X-API-Key": SECRET}
    named = build_request(URL, auth="api_key_header", secret=SECRET, name="api-key")
    assert named["headers"] == {"api-key": SECRET}


def test_api_key_query_defaults_to_api_key_param() -> None:
    """A query key goes in the api_key parameter unless another name is given."""
    assert build_request(URL, auth="api_key_query", secret=SECRET)["params"] == {
        "api_key": SECRET}
    assert build_request(URL, auth="api_key_query", secret=SECRET, name="key")["params"] == {
        "key": SECRET}


def test_basic_encodes_user_and_password() -> None:
    """Basic auth base64-encodes 'user:password' after the scheme word."""
    header = build_request(URL, auth="basic", secret="ada:s3cr3t pw")["headers"]["Authorization"]
    scheme, _, encoded = header.partition(" ")
    assert scheme == "Basic"
    assert base64.b64decode(encoded).decode() == "ada:s3cr3t pw"


def test_custom_header_needs_a_name() -> None:
    """custom_header sends the secret under the given name and refuses to guess one."""
    kwargs = build_request(URL, auth="custom_header", secret=SECRET, name="X-Auth-Token")
    assert kwargs["headers"] == {"X-Auth-Token": SECRET}
    with pytest.raises(ValueError, match="needs the header name"):
        build_request(URL, auth="custom_header", secret=SECRET)


def test_every_auth_kind_is_accepted_by_diagnose_preparation() -> None:
    """Each auth kind's kwargs pass kit.diagnose's own argument validation."""
    for kind in AUTH_KINDS:
        kwargs = build_request(URL, auth=kind, secret="u:p" if kind == "basic" else SECRET,
                               name="X-Token" if kind == "custom_header" else "")
        probe = prepare(**kwargs)
        assert probe.url.startswith(URL)


def test_padded_secret_is_sent_as_given() -> None:
    """Whitespace around a pasted key is kept, so the kit can flag it."""
    padded = f" {SECRET}\n"
    assert build_request(URL, auth="api_key_header", secret=padded)["headers"]["X-API-Key"] == (
        padded)


def test_unknown_auth_kind_lists_the_known_ones() -> None:
    """An unknown auth kind raises ValueError naming the valid kinds."""
    with pytest.raises(ValueError, match="bearer, api_key_header"):
        build_request(URL, auth="oauth")


def test_missing_secret_is_an_error() -> None:
    """A credential kind without a secret raises instead of sending nothing."""
    with pytest.raises(ValueError, match="needs a secret"):
        build_request(URL, auth="bearer")


def test_extra_headers_are_parsed_and_blank_lines_skipped() -> None:
    """'Name: value' lines become headers; values keep inner colons."""
    kwargs = build_request(URL, extra_headers="Accept: application/json\n\nX-Trace: a:b\n")
    assert kwargs["headers"] == {"Accept": "application/json", "X-Trace": "a:b"}


def test_header_line_without_colon_names_the_line() -> None:
    """A line without ':' raises ValueError quoting its number and text."""
    with pytest.raises(ValueError, match=r"line 2: 'foo' has no ':'"):
        build_request(URL, extra_headers="Accept: */*\nfoo")


def test_header_line_error_never_repeats_a_secret() -> None:
    """A malformed line that holds a key is quoted with the key masked."""
    with pytest.raises(ValueError, match="line 1") as caught:
        build_request(URL, extra_headers=f"X-API-Key {SECRET}")
    assert SECRET not in str(caught.value)
    with pytest.raises(ValueError, match="line 1") as caught:
        build_request(URL, extra_headers=f"Token={SECRET}")
    assert SECRET not in str(caught.value)


def test_invalid_header_name_and_empty_name() -> None:
    """Spaces in a header name, or no name at all, are errors naming the line."""
    with pytest.raises(ValueError, match="line 1: 'Bad Name' is not a valid header name"):
        build_request(URL, extra_headers="Bad Name: x")
    with pytest.raises(ValueError, match="line 1: the header name"):
        build_request(URL, extra_headers=": x")


def test_params_lines_and_ampersands() -> None:
    """Parameters come as lines or as an a=1&b=2 string; a piece without '=' is an error."""
    assert parse_param_lines("a=1&b=2\nc = 3") == {"a": "1", "b": "2", "c": "3"}
    with pytest.raises(ValueError, match="line 2: 'oops' is not 'name=value'"):
        build_request(URL, params_text="a=1\noops")


def test_json_body_gets_a_content_type() -> None:
    """A JSON body is encoded and labelled; a given content type wins; plain text stays bare."""
    kwargs = build_request(URL, method="post", body='{"name": "x"}')
    assert kwargs["method"] == "POST"
    assert kwargs["content"] == b'{"name": "x"}'
    assert kwargs["headers"]["Content-Type"] == "application/json"
    typed = build_request(URL, method="POST", body="{}", extra_headers="content-type: text/x")
    assert typed["headers"] == {"content-type": "text/x"}
    assert "Content-Type" not in build_request(URL, method="POST", body="a=1")["headers"]


def test_bad_url_and_method() -> None:
    """A URL without scheme or host, or a method with odd characters, raises ValueError."""
    with pytest.raises(ValueError, match="not an http"):
        build_request("api.example.com/items")
    with pytest.raises(ValueError, match="URL is empty"):
        build_request("  ")
    with pytest.raises(ValueError, match="not an HTTP method"):
        build_request(URL, method="GE T")


def test_bad_url_error_masks_a_query_key() -> None:
    """A rejected URL is quoted with its secret query value masked."""
    with pytest.raises(ValueError, match="not an http") as caught:
        build_request(f"ftp://example.com/x?api_key={SECRET}")
    assert SECRET not in str(caught.value)


def test_secret_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The variable's value is returned as is; unset or empty names the variable."""
    monkeypatch.setenv("KIT_TEST_KEY", SECRET + "\n")
    assert kit.secret_from_env("KIT_TEST_KEY") == SECRET + "\n"
    monkeypatch.delenv("KIT_TEST_KEY")
    with pytest.raises(ValueError, match="'KIT_TEST_KEY' is not set"):
        kit.secret_from_env("KIT_TEST_KEY")
    monkeypatch.setenv("KIT_TEST_KEY", "")
    with pytest.raises(ValueError, match="KIT_TEST_KEY"):
        kit.secret_from_env("KIT_TEST_KEY")


def test_built_request_works_against_the_sandbox(sandbox) -> None:
    """The fixed api-key-wrong-header request, rebuilt from form values, gets 200."""
    scenario = sandbox.scenario("api-key-wrong-header")
    key = scenario.fixed_request()["headers"]["X-API-Key"]
    kwargs = build_request(scenario.url, auth="api_key_header", secret=key)
    with kit.make_client() as client:
        response = client.request(kwargs["method"], kwargs["url"], headers=kwargs["headers"],
                                  params=kwargs["params"])
    assert response.status_code == 200
