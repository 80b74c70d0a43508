"""Only the window may use Qt: everything else must run in a script, a server or a test."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "readinglist"
QT_MODULES = ("PySide6", "shiboken6", "qtawesome", "PyQt5", "PyQt6", "qtpy")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_nothing_outside_the_gui_package_imports_qt() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "gui":
            continue
        for name in _imports(path):
            if name.split(".")[0] in QT_MODULES:
                offenders.append(f"{relative}: imports {name}")
    assert not offenders, "Qt outside readinglist/gui/:\n" + "\n".join(offenders)


def test_the_core_imports_no_other_part_of_readinglist() -> None:
    # Importers and exporters build on the core, the window and the command line on all three;
    # never the other way round.
    offenders = []
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "readinglist" and len(parts) > 1 and parts[1] != "core":
                offenders.append(f"core/{path.relative_to(PACKAGE / 'core')}: imports {name}")
    assert not offenders, "the core depends on an outer layer:\n" + "\n".join(offenders)


def test_the_check_sees_the_gui_package() -> None:
    # Guard against the walk silently finding nothing (a moved package would pass vacuously).
    gui = [p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] == "gui"]
    assert any("PySide6" in " ".join(_imports(p)) for p in gui)
