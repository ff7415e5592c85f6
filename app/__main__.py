"""The program's entry point: builds every piece once and hands them over.

``passsport-club`` and ``python -m app`` both land here. This module is the
composition root: it alone may import ``ui`` and ``sync`` from ``app``.
"""

import argparse
import os
import sys
import tempfile
import time

START = time.perf_counter()

NO_DISPLAY = "Aucun écran n'est disponible : lancez pass'Sport Club depuis une session graphique."


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="passsport-club", description="pass'Sport Club")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="start in a temporary folder, show the window, quit (exit 0 when all is well)",
    )
    parser.add_argument(
        "--startup-time",
        action="store_true",
        help="print the seconds from start to the main window shown, then quit"
        " (for benchmarks, in a temporary PASSSPORT_CLUB_HOME: its data gets a throwaway key)",
    )
    return parser.parse_args(argv)


def _has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    env = os.environ
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("QT_QPA_PLATFORM"))


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    if args.smoke_test:
        os.environ["PASSSPORT_CLUB_HOME"] = tempfile.mkdtemp(prefix="passsport-smoke-")
        if not _has_display():
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if not _has_display():
        if sys.stderr:
            print(NO_DISPLAY, file=sys.stderr)
        return 2

    from app.logs import get_logger, setup_logging
    from app.paths import default_paths
    from app.settings import Settings

    paths = default_paths()  # created by the interface, which says so if it cannot
    setup_logging(paths.log_file)  # to stderr when the folder cannot be written
    log = get_logger("main")
    log.info("starting, version %s, frozen=%s", _version(), getattr(sys, "frozen", False))

    from ui.app import run

    quick = args.smoke_test or args.startup_time
    from ui.crash import install_exception_hook

    install_exception_hook(paths.log_file)
    status = run(
        paths,
        Settings(paths.settings_file),
        lambda passphrase: _open_desk(paths, passphrase, throwaway_key=quick),
        sys.argv[:1],
        quit_when_shown=quick,
        on_shown=_report_startup if args.startup_time else None,
    )
    log.info("stopped with status %d", status)
    return status


def _open_desk(paths, passphrase: str | None, throwaway_key: bool = False):
    from app.desk import open_desk

    # A temporary folder (smoke test, start-up time): neither keyring nor passphrase.
    return open_desk(paths.database, paths.backups, passphrase, throwaway_key=throwaway_key)


def _report_startup() -> None:
    print(f"{time.perf_counter() - START:.3f}")


def _version() -> str:
    from app import __version__

    return __version__


if __name__ == "__main__":
    sys.exit(main())
