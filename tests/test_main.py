"""The program as a user starts it: a real process, a real log file."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.logs import get_logger, setup_logging
from app.paths import default_paths

ROOT = Path(__file__).resolve().parent.parent


def run_program(*args, env_extra=None, drop=(), cwd=None):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=cwd,
    )


def test_without_a_screen_it_says_so_in_one_sentence(home):
    result = run_program(drop=("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Aucun écran n'est disponible : lancez pass'Sport Club depuis une session graphique."
    )
    assert not home.exists(), "nothing is written when the program cannot start"


def test_smoke_test_starts_shows_the_window_and_quits_cleanly(home):
    result = run_program("--smoke-test", drop=("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    assert result.returncode == 0, result.stderr
    assert not home.exists(), "the smoke test works in a temporary folder of its own"
    # What the frozen program must still do: print, export, read a workbook, talk TLS.
    verdict = result.stdout.strip().splitlines()[-1]
    for check in ("font", "French", "receipt PDF", "printed receipt", "XLSX", "TLS"):
        assert check in verdict, verdict
    assert verdict.endswith(" s)") and "all well" in verdict


def program_copy(folder: Path) -> Path:
    """The program's packages and resources copied to ``folder``, run from there."""
    for name in ("app", "ui", "sync", "resources"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


@pytest.mark.parametrize("damage", ["missing", "empty"])
def test_the_smoke_test_fails_in_one_line_when_the_shipped_font_is_damaged(tmp_path, damage):
    """A bundle that lost a face of its font (or holds a damaged one) fails the smoke test
    with its reason: the receipts and screens would fall back to another font."""
    copy = program_copy(tmp_path / "program")
    font = copy / "resources" / "fonts" / "AtkinsonHyperlegible-Bold.ttf"
    if damage == "missing":
        font.unlink()
    else:
        font.write_bytes(b"")
    result = run_program("--smoke-test", env_extra={"QT_QPA_PLATFORM": "offscreen"}, cwd=copy)
    assert result.returncode == 1
    reason = result.stderr.strip().splitlines()[-1]
    assert reason.startswith("smoke test failed: "), result.stderr
    assert "Bold" in reason and "font" in reason, reason
    assert "Traceback" not in result.stderr


def test_a_normal_start_creates_its_database_and_log_in_the_home_folder(home):
    result = run_program("--startup-time")
    assert result.returncode == 0, result.stderr
    assert 0 < float(result.stdout.strip()) < 30
    paths = default_paths()
    assert paths.database.is_file()
    log = paths.log_file.read_text(encoding="utf-8")
    assert "starting, version" in log and "stopped with status 0" in log


def test_the_log_goes_to_a_rotating_file_and_never_to_the_console(home, capsys):
    handler = setup_logging(default_paths().log_file)
    try:
        get_logger("test").info("hello %s", "log")
        handler.flush()
        assert "hello log" in default_paths().log_file.read_text(encoding="utf-8")
        captured = capsys.readouterr()
        assert captured.err == "" and captured.out == ""
    finally:
        import logging

        logging.getLogger("passsport").removeHandler(handler)
        handler.close()


def test_the_startup_benchmark_never_writes_into_the_clubs_own_folder(tmp_path):
    """--startup-time gives its data a key that dies with it: started in a real user's
    session, it would leave a database the next normal start could not open."""
    user_home = tmp_path / "user"
    user_home.mkdir()
    result = run_program(
        "--startup-time",
        drop=("PASSSPORT_CLUB_HOME",),
        env_extra={"HOME": str(user_home), "XDG_DATA_HOME": str(user_home / "data")},
    )
    assert result.returncode == 2
    assert "PASSSPORT_CLUB_HOME" in result.stderr and "Traceback" not in result.stderr
    assert not any(user_home.rglob("*.sqlite3"))
