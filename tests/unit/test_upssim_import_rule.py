"""The simulator is an independent witness: no module under tools/upssim imports the firmware."""

import ast
import subprocess
import sys
import unittest
from pathlib import Path

SIM = Path(__file__).resolve().parents[2] / "tools" / "upssim"
FORBIDDEN = "firmware"


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every import statement, including relative ones resolved by name only."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, "." * node.level + (node.module or "")))
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
              and getattr(node.func, "id", getattr(node.func, "attr", None))
              in ("import_module", "__import__")
              and node.args and isinstance(node.args[0], ast.Constant)):
            found.append((node.lineno, str(node.args[0].value)))   # importlib, __import__
    return found


def offends(module: str) -> bool:
    return module == FORBIDDEN or module.startswith(FORBIDDEN + ".")


class ImportRuleTest(unittest.TestCase):
    def test_rule_sees_every_kind_of_import(self):
        """The checker itself: each way of importing the firmware is caught."""
        for source in ("import firmware", "import firmware.ups.maps as m",
                       "from firmware.ups import decode", "from firmware import ups",
                       "importlib.import_module('firmware.ups.maps')",
                       "__import__('firmware')", "def f():\n    from firmware.ups import maps\n"):
            modules = [m for _line, m in imported_modules(ast.parse(source))]
            self.assertTrue(any(offends(m) for m in modules), source)
        for source in ("import firmwarex", "from tools.upssim import physics", "import json"):
            modules = [m for _line, m in imported_modules(ast.parse(source))]
            self.assertFalse(any(offends(m) for m in modules), source)

    def test_no_simulator_module_imports_the_firmware(self):
        files = sorted(SIM.rglob("*.py"))
        self.assertGreater(len(files), 8, "the simulator's modules were not found")
        offenders = []
        for path in files:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            offenders += [f"{path.relative_to(SIM.parent.parent)}:{line}: {module}"
                          for line, module in imported_modules(tree) if offends(module)]
        self.assertEqual(offenders, [], "tools/upssim must not import the firmware")

    def test_not_even_indirectly(self):
        """Import every simulator module in a fresh interpreter: no firmware module gets loaded."""
        modules = sorted(".".join(("tools", "upssim") + p.relative_to(SIM).with_suffix("").parts)
                         .removesuffix(".__init__") for p in SIM.rglob("*.py"))
        probe = ("import importlib, sys\n"
                 f"for name in {modules!r}:\n"
                 "    importlib.import_module(name)\n"
                 "print(sorted(m for m in sys.modules if m == 'firmware' "
                 "or m.startswith('firmware.')))\n")
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                             cwd=SIM.parent.parent, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), "[]", "firmware modules loaded by the simulator")

    def test_no_relative_import_climbs_out_of_the_simulator(self):
        """A relative import above tools/upssim could reach the firmware by another name."""
        for path in sorted(SIM.rglob("*.py")):
            depth = len(path.relative_to(SIM).parts)   # 1 for tools/upssim/x.py
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom):
                    self.assertLessEqual(node.level, depth, f"{path}:{node.lineno}")


if __name__ == "__main__":
    unittest.main()
