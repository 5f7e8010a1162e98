"""The gateway registry: every entry meets the contract, and the CLI, panel and samples read it."""

from __future__ import annotations

import pytest

import kit
from kit._gateway.document import Document
from kit._gateway.model import GatewayConfig
from kit._gateway.registry import GATEWAYS, gateway


@pytest.mark.parametrize("kind", GATEWAYS)
def test_each_gateway_meets_the_contract(kind):
    """A registered subpackage names itself, lists sample files that exist, and loads them."""
    module = gateway(kind)
    assert kind == module.KIND
    assert isinstance(module.TEXT, bool)
    files = kit.sample_config(kind)
    assert [p.name for p in files] == list(module.SAMPLE)
    assert all(p.is_file() for p in files)
    texts = [p.read_text(encoding="utf-8") for p in files]
    if module.TEXT:
        assert module.looks_like(texts[0])
    else:
        from kit._gateway.document import parse_document

        assert all(module.looks_like(parse_document(t, str(p)).data)
                   for p, t in zip(files, texts, strict=True))
    assert isinstance(kit.load_config(files), GatewayConfig)
    assert kit.load_config(files).kind == kind


@pytest.mark.parametrize("kind", GATEWAYS)
def test_no_gateway_claims_another_ones_sample(kind):
    """Detection is unambiguous on the samples: only the sample's own gateway says yes."""
    from kit._gateway.document import parse_document

    for path in kit.sample_config(kind):
        text = path.read_text(encoding="utf-8")
        for other in GATEWAYS:
            if other == kind:
                continue
            module = gateway(other)
            content = text if module.TEXT else _data(parse_document, text, str(path))
            assert not module.looks_like(content), (other, path.name)


def _data(parse, text: str, source: str) -> object:
    try:
        doc: Document = parse(text, source)
    except kit.ConfigError:
        return None  # nginx text is no JSON/YAML: nothing for a document gateway to sniff
    return doc.data


def test_unknown_kind_is_a_clear_error():
    """An unknown kind names the known ones."""
    with pytest.raises(ValueError, match="not one of apache, nginx, tyk, kong, aws"):
        kit.load_config("x.conf", kind="apache-typo")
    with pytest.raises(ValueError, match="pick one of"):
        kit.sample_config("apache-typo")


def test_cli_and_panel_offer_the_registered_gateways():
    """`audit --kind` choices and the panel's dropdown are the registry's names."""
    import argparse

    from kit._gateway.cli import add_parser
    from kit.widgets._audit import KINDS

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    kind = next(a for a in parser._subparsers._group_actions[0].choices["audit"]._actions
                if a.dest == "kind")
    assert tuple(kind.choices) == tuple(GATEWAYS)
    assert ("auto", *GATEWAYS) == KINDS
