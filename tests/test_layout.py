"""The layout the architecture promises (docs/architecture.md), read from the source with ast.

No kit module imports a module that imports it back (imports inside functions count; those
under ``if TYPE_CHECKING:`` do not, they never run), the kit/ root stays small, each gateway is
a subpackage in the registry, and nothing patches a Diagnosis after it is built.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parents[1] / "kit"


def modules() -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package face) for every module of the kit."""
    found = {}
    for path in KIT.rglob("*.py"):
        parts = list(path.relative_to(KIT.parent).with_suffix("").parts)
        face = parts[-1] == "__init__"
        found[".".join(parts[:-1] if face else parts)] = (path, face)
    return found


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:``."""
    out: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


def imports(name: str, path: Path, face: bool, known: set[str]) -> set[str]:
    """The kit modules ``name`` imports when it runs."""
    package = name if face else name.rpartition(".")[0]
    found = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in known else base)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return (found & known) - {name}


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports(name, path, face, set(mods)) for name, (path, face) in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return groups


def test_cycle_finder_finds_a_cycle():
    """The finder itself: a -> b -> c -> a is one group, d on its own is none."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_type_checking_imports_do_not_count(tmp_path):
    """An import under `if TYPE_CHECKING:` never runs; one inside a function does."""
    path = tmp_path / "m.py"
    path.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kit import a\n"
                    "def f():\n    from kit import b\n")
    assert imports("kit.m", path, False, {"kit.a", "kit.b", "kit.m"}) == {"kit.b"}


def test_no_kit_module_imports_one_that_imports_it_back():
    """The import graph of kit/ has no cycle, direct or through other modules."""
    assert cycles(graph()) == []


def test_the_root_holds_the_faces_and_the_engine():
    """At most 15 modules at the kit/ root; the rest live in the wings."""
    root = sorted(p.name for p in KIT.glob("*.py"))
    assert len(root) <= 15, root


def test_no_lazy_name_is_also_a_submodule():
    """A name a face loads on first use (its ``_EXPORTS``) must not be one of its own
    submodules' names: once that submodule is imported, Python sets it as the package's
    attribute, the face's ``__getattr__`` is never asked, and the name means the module."""
    for name, (path, face) in modules().items():
        if not face:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lazy = {key.value for node in ast.walk(tree) if isinstance(node, ast.AnnAssign | ast.Assign)
                and "_EXPORTS" in ast.unparse(node.target if isinstance(node, ast.AnnAssign)
                                              else node.targets[0])
                and isinstance(node.value, ast.Dict)
                for key in node.value.keys if isinstance(key, ast.Constant)}
        own = {p.stem for p in path.parent.glob("*.py")} | {
            p.name for p in path.parent.iterdir() if (p / "__init__.py").exists()}
        assert not lazy & own, (name, sorted(lazy & own))


def test_each_gateway_is_a_registered_subpackage():
    """No gateway module lies flat in _gateway/; every subpackage is in GATEWAYS and back."""
    from kit._gateway.registry import GATEWAYS

    gateway = KIT / "_gateway"
    flat = sorted(p.name for p in gateway.glob("_*.py") if p.name != "__init__.py")
    assert flat == []
    folders = {p.parent.name for p in gateway.glob("*/__init__.py")}
    assert folders == set(GATEWAYS)
    assert all(GATEWAYS[k] == f".{k}" for k in GATEWAYS)


MUTATORS = {"append", "extend", "insert", "clear", "sort", "remove", "pop", "reverse"}
FIELDS = {"findings", "exchanges", "next_steps"}  # a Diagnosis's own names (Walks have notes)


@pytest.mark.parametrize("path", sorted(KIT.rglob("*.py")), ids=lambda p: str(p.relative_to(KIT)))
def test_nothing_patches_a_built_diagnosis(path):
    """No `x.next_steps[:] = ...` or `x.findings.append(...)`: a new value takes replace()."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute):
                assert target.value.attr not in FIELDS, f"line {node.lineno}"
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in MUTATORS and isinstance(node.func.value, ast.Attribute)
                and not (isinstance(node.func.value.value, ast.Name)
                         and node.func.value.value.id == "self")):
            assert node.func.value.attr not in FIELDS, f"line {node.lineno}"


@pytest.mark.parametrize("tool", ["access", "keycheck", "compare", "monitor"])
def test_tools_follow_the_floor_rules_without_loading_the_checks(tool):
    """The politeness rules live in _http: a tool loads no check and no catalogue."""
    import subprocess
    import sys

    code = (f"import kit._tools.{tool}, sys; "
            "print(sorted(m for m in sys.modules if m.startswith('kit.checks')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,  # noqa: S603 - our own interpreter
                         check=True).stdout.strip()
    assert out == "[]"


def test_kit_reaches_each_wing_through_its_face():
    """kit/__init__.py names a root module or a wing's face, never a module inside a wing."""
    import kit

    deep = {name: module for name, module in kit._EXPORTS.items()
            if "." in module.lstrip(".")}
    assert deep == {}, "export these from the wing's face (its _EXPORTS) and point kit there"


@pytest.mark.parametrize("wing", ["_http", "_tools", "_history", "_gateway", "_compare"])
def test_a_face_lists_its_names_and_loads_nothing_until_asked(wing):
    """A wing's __all__ is its exports; importing the face loads none of its modules."""
    import importlib
    import subprocess
    import sys

    face = importlib.import_module(f"kit.{wing}")
    assert sorted(face.__all__) == sorted(face._EXPORTS)
    assert all(getattr(face, name) is not None for name in face.__all__)
    code = (f"import kit.{wing}, sys; "
            f"print(sorted(m for m in sys.modules if m.startswith('kit.{wing}.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,  # noqa: S603 - our own interpreter
                         check=True).stdout.strip()
    assert out == "[]"
