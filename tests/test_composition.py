"""One way to build what the program runs: the program, a restore, training, the
screenshot scripts and the tests' helpers all open the data with ``app.desk.open_desk``
and build a window's services with ``ui.services.build_services``. Built anywhere else,
a test would run objects wired another way than the program's."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Who may call each constructor; everything else goes through the two functions above.
BUILT_IN = {
    "Desk": {"app/desk.py"},
    "open_encrypted": {"app/desk.py"},
    # The self-check (--smoke-test) links to its own throwaway HTTPS server.
    "NationalLink": {"ui/services.py", "ui/smoke.py"},
    "SyncBridge": {"ui/services.py"},
    "Treasury": {"ui/services.py"},
    "ReceiptPrinter": {"ui/services.py"},
    "TreasurerFlow": {"ui/window.py"},
}
# The program and what drives it as the program runs (the tests' unit tests of one
# class, and the benchmarks of the domain alone, build that class themselves).
PLACES = [
    "app",
    "ui",
    "sync",
    "docs",
    "tests/ui_helpers.py",
    "tests/screens.py",
    "tests/factories.py",
]


def calls(path: Path) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            function = node.func
            name = (
                function.attr
                if isinstance(function, ast.Attribute)
                else getattr(function, "id", None)
            )
            if name in BUILT_IN:
                found.append((name, node.lineno))
    return found


def files() -> list[Path]:
    found = []
    for place in PLACES:
        path = ROOT / place
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return found


def test_the_program_s_objects_are_built_in_one_place():
    checked = files()
    assert len(checked) > 40 and ROOT / "ui" / "shell.py" in checked
    elsewhere = [
        f"{path.relative_to(ROOT)}:{line} builds {name}"
        for path in checked
        for name, line in calls(path)
        if str(path.relative_to(ROOT)) not in BUILT_IN[name]
    ]
    assert elsewhere == []


def test_each_allowed_place_does_build_it():
    """The rule above names real places: each of them does build its object."""
    for name, places in BUILT_IN.items():
        for place in places:
            assert name in [n for n, _ in calls(ROOT / place)], (name, place)
