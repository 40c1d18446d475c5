"""The house in four wings, kept by reading the imports of every module.

casework, reports, rules and store never reach the terminal (typer, rich,
render, cli, commands); rules touch no database and no other wing; the store
never imports casework or reports; no two modules import each other in a
circle (imports inside functions count); no module is over 700 lines; and
only cli, __main__, settings and errors sit loose beside the packages.
The checker takes a module map, so it is also shown failing on bad modules."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "send_cli"
MAX_LINES = 700
WINGS = ("casework", "reports", "rules", "store")
FACE = ("typer", "rich", "click", "send_cli.render", "send_cli.cli", "send_cli.commands")
DATABASE = ("sqlalchemy", "sqlmodel", "alembic", "psycopg", "psycopg2", "sqlite3")
LOOSE = {"__init__", "__main__", "cli", "settings", "errors"}
PACKAGES = {"render", "commands", *WINGS}


def module_map(root: Path = PACKAGE) -> dict[str, tuple[str, bool]]:
    """Every module under ROOT: dotted name -> (source, is a package); a fresh
    dict each time (the tests add bad modules to it)."""
    return dict(_read_modules(root))


@functools.cache
def _read_modules(root: Path) -> dict[str, tuple[str, bool]]:
    out: dict[str, tuple[str, bool]] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts.pop()
        out[".".join(parts)] = (path.read_text(encoding="utf-8"), package)
    return out


def imports_of(name: str, source: str, package: bool, known: set[str]) -> set[str]:
    """Every module NAME imports, anywhere in it (top level, functions,
    TYPE_CHECKING blocks): `from a import b` is a.b when a.b is a module."""
    found: set[str] = set()
    for base, names in _raw_imports(name, source, package):
        if names is None:
            found.add(base)
        for alias in names or ():
            sub = f"{base}.{alias}"
            found.add(sub if sub in known else base)
    return found


@functools.cache
def _raw_imports(name: str, source: str,
                 package: bool) -> tuple[tuple[str, tuple[str, ...] | None], ...]:
    """(module, names imported from it, or None for `import module`), parsed once."""
    found: list[tuple[str, tuple[str, ...] | None]] = []
    here = name if package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            found.append((base, tuple(alias.name for alias in node.names)))
    return tuple(found)


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan),
    and modules importing themselves."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def check(modules: dict[str, tuple[str, bool]]) -> list[str]:
    """Every broken rule of the house, one line each (none: the house is in order)."""
    known = set(modules)
    problems: list[str] = []
    graph: dict[str, set[str]] = {}
    for name, (source, package) in sorted(modules.items()):
        parts = name.split(".")
        lines = len(source.splitlines())
        if lines > MAX_LINES:
            problems.append(f"{name}: {lines} lines (at most {MAX_LINES})")
        if len(parts) == 2:
            allowed = PACKAGES if package else LOOSE
            if parts[1] not in allowed:
                problems.append(f"{name}: loose in send_cli/ (only cli, __main__, settings, "
                                "errors beside render/, commands/ and the four wings)")
        imported = imports_of(name, source, package, known)
        graph[name] = {m for m in imported if m in known and m != name}
        wing = parts[1] if len(parts) > 1 and parts[1] in WINGS else None
        for module in sorted(imported):
            if wing and _under(module, FACE):
                problems.append(f"{name}: imports {module} (the wings never reach the face)")
            if wing == "rules" and (_under(module, DATABASE) or _under(
                    module, ("send_cli.casework", "send_cli.reports", "send_cli.store"))):
                problems.append(f"{name}: imports {module} (rules are pure: no database, "
                                "no other wing)")
            if wing == "store" and _under(module, ("send_cli.casework", "send_cli.reports")):
                problems.append(f"{name}: imports {module} (the store serves casework and "
                                "reports, never the other way round)")
    problems += [f"import cycle: {' <-> '.join(c)}" for c in _cycles(graph)]
    return problems


def test_the_house_is_in_order() -> None:
    modules = module_map()
    assert "send_cli.casework.cases" in modules and "send_cli.store.models" in modules
    assert check(modules) == []


def test_every_module_opens_with_a_docstring() -> None:
    missing = [name for name, (source, _) in module_map().items()
               if not ast.get_docstring(ast.parse(source))]
    assert missing == []


BAD = {
    "send_cli.rules.bad": ("def f():\n    import sqlalchemy\n", False),
    "send_cli.rules.nosy": ("from send_cli.store.engine import open_store\n", False),
    "send_cli.reports.loud": ("from send_cli.render import emit\n", False),
    "send_cli.casework.chatty": ("def f():\n    import rich\n", False),
    "send_cli.store.upward": ("from send_cli.casework import cases\n", False),
    "send_cli.casework.ping": ("def f():\n    from send_cli.casework import pong\n", False),
    "send_cli.casework.pong": ("from send_cli.casework.ping import f\n", False),
    "send_cli.reports.long": ('"""Long."""\n' + "x = 1\n" * 700, False),
    "send_cli.helpers": ('"""Loose."""\n', False),
}


@pytest.mark.parametrize(("name", "expected"), [
    ("send_cli.rules.bad", "send_cli.rules.bad: imports sqlalchemy (rules are pure"),
    ("send_cli.rules.nosy", "send_cli.rules.nosy: imports send_cli.store.engine (rules"),
    ("send_cli.reports.loud", "send_cli.reports.loud: imports send_cli.render (the wings"),
    ("send_cli.casework.chatty", "send_cli.casework.chatty: imports rich (the wings"),
    ("send_cli.store.upward", "send_cli.store.upward: imports send_cli.casework.cases (the"),
    ("send_cli.casework.ping",
     "import cycle: send_cli.casework.ping <-> send_cli.casework.pong"),
    ("send_cli.reports.long", "send_cli.reports.long: 701 lines (at most 700)"),
    ("send_cli.helpers", "send_cli.helpers: loose in send_cli/"),
])
def test_the_checker_fails_on_a_bad_module(name: str, expected: str) -> None:
    modules = module_map()
    modules[name] = BAD[name]
    if name == "send_cli.casework.ping":
        modules["send_cli.casework.pong"] = BAD["send_cli.casework.pong"]
    problems = check(modules)
    assert any(p.startswith(expected) for p in problems), problems
    assert all(name in p for p in problems), problems  # nothing else is blamed


def test_a_cycle_through_the_real_modules_is_found() -> None:
    """The real has_started cycle, put back: meetings importing cases (which
    imports meetings in a function, through officers) makes a circle."""
    modules = module_map()
    source, package = modules["send_cli.casework.meetings"]
    modules["send_cli.casework.meetings"] = (
        source + "\n\ndef _back():\n    from send_cli.casework.officers import get_officer\n",
        package)
    assert any(p.startswith("import cycle:") and "send_cli.casework.meetings" in p
               and "send_cli.casework.officers" in p for p in check(modules))
