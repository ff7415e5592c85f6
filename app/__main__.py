"""The program's entry point: builds every piece once and hands them over.

``passsport-club`` and ``python -m app`` both land here. This module is the
composition root: it alone may import ``ui`` and ``sync`` from ``app``.
"""

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import time

START = time.perf_counter()

NO_DISPLAY = "Aucun écran n'est disponible : lancez pass'Sport Club depuis une session graphique."
STARTUP_TIME_NEEDS_HOME = (
    "--startup-time is for benchmarks: set PASSSPORT_CLUB_HOME to a folder of their own."
)


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
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["hub"]:  # the forum's main desk without a window
        from sync.forum_cli import main as hub

        return hub(argv[1:])
    args = _parse(argv)
    if args.smoke_test:
        sys.excepthook = _smoke_failed  # any error, even a module missing: one line, exit 1
        os.environ["PASSSPORT_CLUB_HOME"] = home = tempfile.mkdtemp(prefix="passsport-smoke-")
        atexit.register(shutil.rmtree, home, ignore_errors=True)
        if not _has_display():
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if args.startup_time and not os.environ.get("PASSSPORT_CLUB_HOME"):
        # Its data gets a key that dies with the process: never in the club's own folder.
        if sys.stderr:
            print(STARTUP_TIME_NEEDS_HOME, file=sys.stderr)
        return 2
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

    if not args.smoke_test:  # the smoke test's errors: no dialog that nobody would close
        install_exception_hook(paths.log_file)
    status = run(
        paths,
        Settings(paths.settings_file),
        lambda passphrase: _open_desk(paths, passphrase, throwaway_key=quick),
        sys.argv[:1],
        quit_when_shown=quick,
        on_shown=_report_startup if args.startup_time else None,
        smoke_test=args.smoke_test,
    )
    log.info("stopped with status %d", status)
    return status


def _smoke_failed(kind, error, tb) -> None:
    """The smoke test's verdict on an error it did not expect to pass: its one-line reason,
    then exit status 1 at once (an error in a Qt slot would leave the event loop running).
    The temporary folder stays, with the traceback in its log."""
    import traceback

    from app.logs import get_logger

    get_logger("main").error("smoke test failed\n%s", "".join(traceback.format_exception(error)))
    reason = " ".join(str(error).split())  # ui/smoke.py's checks say which failed and why
    if kind.__name__ != "SmokeFailure":
        reason = f"{kind.__name__}: {reason}"
    if sys.stderr:
        print(f"smoke test failed: {reason}", file=sys.stderr, flush=True)
    os._exit(1)


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
