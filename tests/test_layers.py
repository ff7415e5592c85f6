"""The layer contracts (pyproject.toml, import-linter) hold, and they do bite."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT = [
    sys.executable,
    "-c",
    "import sys; from importlinter.cli import lint_imports_command;"
    " sys.exit(lint_imports_command())",
]


def test_the_real_code_keeps_its_layers():
    result = subprocess.run(LINT, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_domain_module_importing_qt_breaks_the_contract(tmp_path):
    for package in ("app", "ui", "sync"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "ui" / "app.py").write_text("")
    (tmp_path / "ui" / "crash.py").write_text("")
    (tmp_path / "sync" / "forum_cli.py").write_text("")
    (tmp_path / "app" / "__main__.py").write_text(
        "import ui.app\nimport ui.crash\nimport sync.forum_cli\n"
    )
    (tmp_path / "app" / "shortcut.py").write_text("import PySide6.QtWidgets\n")
    (tmp_path / "sync" / "client.py").write_text("import httpx\n")
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    result = subprocess.run(
        LINT,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(tmp_path), "PATH": ""},
    )
    assert result.returncode != 0
    assert "1 broken" in result.stdout
    assert "app.shortcut -> PySide6" in result.stdout
