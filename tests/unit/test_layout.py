"""The rules of the code's layout: what the ESP32 build runs is portable, no import loop, small
modules, one catalogue of card events, the simulator imports nothing from the firmware."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from firmware.state import catalogue
from tools.mpy import manifest

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "firmware"
# MicroPython's standard modules the portable code may use (DESIGN.md, "Portable core").
MICROPYTHON = {"sys", "time", "struct", "json", "asyncio", "uasyncio", "collections", "binascii",
               "hashlib", "os", "uos", "re", "errno", "math", "gc", "micropython"}
MAX_LINES = 400
COMPOSITION_ROOT_LINES = 200


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(tree: ast.AST, guarded_too: bool = True) -> list[tuple[str, bool]]:
    """(module, guarded) of every import; guarded = inside try/except ImportError."""
    out = []

    def visit(node: ast.AST, guarded: bool) -> None:
        if isinstance(node, ast.Try):
            catches = any(isinstance(h.type, ast.Name) and h.type.id == "ImportError"
                          or isinstance(h.type, ast.Tuple) and any(
                              isinstance(e, ast.Name) and e.id == "ImportError"
                              for e in h.type.elts)
                          for h in node.handlers)
            for child in node.body:
                visit(child, guarded or catches)
            for child in node.handlers + node.orelse + node.finalbody:
                visit(child, guarded)
            return
        if isinstance(node, ast.Import):
            out.extend((alias.name, guarded) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module + "." + alias.name for alias in node.names]
            out.extend((name, guarded) for name in names)
        for child in ast.iter_child_nodes(node):
            visit(child, guarded)

    visit(tree, False)
    return out


def firmware_module(name: str) -> str | None:
    """The firmware module file an import names (a.b.c may be module a.b's attribute c)."""
    while name.startswith("firmware"):
        path = ROOT / (name.replace(".", "/") + ".py")
        package = ROOT / name.replace(".", "/") / "__init__.py"
        for candidate in (path, package):
            if candidate.exists():
                return candidate.relative_to(ROOT).as_posix()
        name = name.rpartition(".")[0]
    return None


def test_the_esp32_build_imports_only_what_micropython_has():
    portable = set(manifest.files())
    assert "firmware/ups/poller.py" in portable and "firmware/card/card.py" in portable
    bad = []
    for path in sorted(portable):
        for name, guarded in imports(ast.parse((ROOT / path).read_text())):
            if guarded:
                continue
            if name.startswith("firmware"):
                target = firmware_module(name)
                if target not in portable:
                    bad.append("%s imports %s, which the ESP32 build does not have" % (path, name))
            elif name.split(".")[0] not in MICROPYTHON:
                bad.append("%s imports %s, which MicroPython lacks" % (path, name))
    assert bad == []


def test_unit_tests_of_portable_modules_run_under_micropython():
    """A unit test that needs only the ESP32 build and MicroPython's modules must say PORTABLE,
    so that the MicroPython run covers it."""
    portable = set(manifest.files())
    missing = []
    for test in sorted((ROOT / "tests" / "unit").glob("test_*.py")):
        text = test.read_text()
        names = [n for n, guarded in imports(ast.parse(text)) if not guarded]
        local = {p.stem for p in test.parent.glob("*.py")}
        if any(n.startswith("firmware") for n in names) and all(
                firmware_module(n) in portable if n.startswith("firmware")
                else n.split(".")[0] in MICROPYTHON | {"unittest"} | local for n in names):
            if not re.search(r"^PORTABLE\s*=\s*True\b", text, re.M):
                missing.append(test.name)
    assert missing == []


def test_no_import_loop_in_the_firmware():
    graph = {}
    for path in FIRMWARE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        deps = set()
        for node in top:
            for name, _guarded in imports(node):
                target = firmware_module(name) if name.startswith("firmware") else None
                if target:
                    deps.add(target)
        graph[path.relative_to(ROOT).as_posix()] = deps - {path.relative_to(ROOT).as_posix()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == 2:
            return
        assert state.get(node) != 1, "import loop: " + " -> ".join(trail + [node])
        state[node] = 1
        for dep in graph.get(node, ()):
            visit(dep, trail + [node])
        state[node] = 2

    for node in sorted(graph):
        visit(node, [])


def test_modules_are_small_and_the_composition_root_smaller():
    long = ["%s: %d lines" % (p.relative_to(ROOT), n)
            for p in list(FIRMWARE.rglob("*.py")) + list((ROOT / "tools").rglob("*.py"))
            if "node_modules" not in p.parts
            for n in [len(p.read_text().splitlines())] if n > MAX_LINES]
    assert long == []
    root = len((FIRMWARE / "card" / "card.py").read_text().splitlines())
    assert root < COMPOSITION_ROOT_LINES, root


def test_every_card_event_the_firmware_sends_is_in_the_catalogue():
    used = set()
    for path in FIRMWARE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "card_event":
                code = node.args[1]
                if isinstance(code, ast.Constant):
                    used.add(code.value)
                elif isinstance(code, ast.BinOp) and isinstance(code.left, ast.Constant):
                    prefix = code.left.value.split("%")[0]       # "log.%s.cleared" % part
                    assert any(c.startswith(prefix) for c in catalogue.CARD), prefix
                else:
                    raise AssertionError("%s: a card event code that is not written out" % path)
    assert used and used <= set(catalogue.CARD), used - set(catalogue.CARD)
    # Nothing publishes a card event around the catalogue.
    for path in FIRMWARE.rglob("*.py"):
        if path.name != "catalogue.py":
            assert 'make_event("card"' not in path.read_text(), path


def test_the_simulator_imports_nothing_from_the_firmware():
    for path in (ROOT / "tools" / "upssim").rglob("*.py"):
        for name, _guarded in imports(ast.parse(path.read_text())):
            assert not name.startswith("firmware"), "%s imports %s" % (path, name)
