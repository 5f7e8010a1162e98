"""The public surface: a complete __all__, a light `import kit`, and the seven causes."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
import types
import typing

import pytest

import kit

ON_DEMAND = {"plots", "widgets", "sandbox", "checks"}
HEAVY = ("matplotlib", "ipywidgets", "uvicorn", "starlette", "jupyter")
CAUSE_IDS = {"permissions", "api_key", "ip_allowlist", "rate_limit", "authentication",
             "security_policy", "configuration"}


def is_import_machinery(name: str, value: object) -> bool:
    """`from __future__ import annotations`, typing helpers and imported modules: not API."""
    if isinstance(value, types.ModuleType) or type(value).__module__ == "__future__":
        return True
    return hasattr(typing, name) and getattr(typing, name) is value


def public_names() -> set[str]:
    for name in kit.__all__:  # names load lazily: resolve them all first
        getattr(kit, name)
    return {
        name for name, value in vars(kit).items()
        if not name.startswith("_") and name not in ON_DEMAND
        and not is_import_machinery(name, value)
    }


def test_every_public_name_is_in_all() -> None:
    """Each public, non-module name in kit's namespace is listed in __all__."""
    missing = public_names() - set(kit.__all__)
    assert not missing, f"public but not in __all__: {sorted(missing)}"


def test_every_name_in_all_exists() -> None:
    """Each name in __all__ resolves to a real object."""
    for name in kit.__all__:
        assert getattr(kit, name) is not None, name


def test_all_has_no_duplicates_or_modules() -> None:
    """__all__ lists each name once and lists no module."""
    assert len(kit.__all__) == len(set(kit.__all__))
    assert not [n for n in kit.__all__ if isinstance(getattr(kit, n), types.ModuleType)]


def test_all_covers_the_design_contract() -> None:
    """The names the design promises are exported."""
    promised = {"Cause", "explain", "diagnose", "adiagnose", "Diagnosis", "Finding",
                "Exchange", "make_client", "make_async_client", "mask", "mask_url"}
    assert promised <= set(kit.__all__)


def test_unknown_attribute_raises_attribute_error() -> None:
    """A name kit does not have raises AttributeError, as for any module."""
    with pytest.raises(AttributeError):
        _ = kit.no_such_name_anywhere


def test_dir_lists_all_exports() -> None:
    """dir(kit) shows every exported name."""
    assert set(kit.__all__) <= set(dir(kit))


def test_version_matches_the_installed_distribution() -> None:
    """kit.__version__ is the version pip installed."""
    assert kit.__version__ == importlib.metadata.version("forbidden-kit")


def loaded_after(code: str) -> list[str]:
    """Top-level module names in sys.modules after running code in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(  # noqa: S603 - our own interpreter running a fixed script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


def heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0] in HEAVY or m.startswith("jupyter")]


def test_import_kit_is_light() -> None:
    """`import kit` in a fresh interpreter loads no matplotlib, ipywidgets, uvicorn, starlette
    or Jupyter."""
    modules = loaded_after("import kit")
    assert "kit" in modules
    assert heavy(modules) == []


def test_using_every_export_is_still_light() -> None:
    """Touching every exported name (the whole analysis API) still loads none of them."""
    modules = loaded_after("import kit\nfor n in kit.__all__: getattr(kit, n)")
    assert "kit._triage" in modules
    assert heavy(modules) == []


# --- the seven causes -----------------------------------------------------------------------


def test_cause_has_exactly_the_seven_ids() -> None:
    """kit.Cause has exactly the seven documented ids."""
    assert {c.value for c in kit.Cause} == CAUSE_IDS
    assert len(list(kit.Cause)) == 7
    assert kit.Cause.RATE_LIMIT.value == "rate_limit"
    assert kit.Cause("api_key") is kit.Cause.API_KEY
    assert kit.Cause.IP_ALLOWLIST == "ip_allowlist"


def test_every_cause_has_material() -> None:
    """Each cause has a non-empty title, explanation, fixes and prevention."""
    assert set(kit.CAUSES) == set(kit.Cause)
    for cause in kit.Cause:
        info = cause.info
        assert info is kit.CAUSES[cause]
        assert info.title.strip()
        assert cause.label == info.title
        assert len(info.explanation.strip()) > 20
        assert info.fixes
        assert info.prevention
        assert all(isinstance(s, str) and s.strip() for s in (*info.fixes, *info.prevention))


def test_cause_titles_are_distinct() -> None:
    """No two causes share a title."""
    titles = [c.info.title for c in kit.Cause]
    assert len(set(titles)) == len(titles)
