"""The interface reaches the national service through a few named doors, no other."""

import subprocess

from tests.test_layers import LINT, ROOT


def lint(tree, files: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the project's contracts over a small tree of modules holding ``files``."""
    for package in ("app", "ui", "sync"):
        (tree / package).mkdir()
        (tree / package / "__init__.py").write_text("")
    main = "import ui.app\nimport ui.crash\nimport sync.forum_cli\n"
    files = {"app/__main__.py": main, **files}
    for name in ("ui/app.py", "ui/crash.py", "sync/link.py", "sync/status.py"):
        files.setdefault(name, "")
    for name in ("sync/forum_cli.py", "sync/forum.py", "sync/pairing.py", "sync/discovery.py"):
        files.setdefault(name, "")
    files.setdefault("sync/client.py", "import httpx\n")
    files.setdefault("sync/server.py", "import sync.client\n")
    files.setdefault("sync/training.py", "")
    for name, text in files.items():
        (tree / name).write_text(text)
    (tree / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    return subprocess.run(
        LINT,
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(tree), "PATH": ""},
    )


ALLOWED = {
    "ui/window.py": "from sync.link import NationalLink\nfrom sync.status import SyncStatus\n",
    "ui/national_pages.py": "from sync.client import Refused\n",
    "ui/training.py": "from sync.server import ReferenceServer\nimport sync.training\n",
    "ui/forum_pages.py": "import sync.forum\nimport sync.pairing\nimport sync.discovery\n",
}


def test_the_named_doors_are_open(tmp_path):
    result = lint(tmp_path, ALLOWED)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


def test_a_screen_reaching_the_client_the_engine_or_the_network_breaks_the_contract(tmp_path):
    result = lint(
        tmp_path,
        {
            **ALLOWED,
            "ui/home.py": "from sync.client import ApiClient\n",
            "ui/records.py": "import httpx\n",
            "ui/desk_flow.py": "from sync.server import ReferenceServer\n",
            "ui/status.py": "import sync.engine\n",
            "sync/engine.py": "import sync.client\n",
        },
    )
    assert result.returncode != 0
    assert "1 broken" in result.stdout
    for importer, imported in (
        ("ui.home", "sync.client"),
        ("ui.records", "httpx"),
        ("ui.desk_flow", "sync.server"),
        ("ui.status", "sync.engine"),
    ):
        assert f"{importer} -> {imported}" in result.stdout
    for allowed in ("ui.window ->", "ui.national_pages ->", "ui.training ->", "ui.forum_pages"):
        assert allowed not in result.stdout
