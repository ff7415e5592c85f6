"""Logging to a rotating file in the user's log folder.

Safe when frozen and windowed: the file is the only place records go, except when
the log folder cannot be written (a read-only folder): then they go to stderr if
there is one (there is none when frozen and windowed), and the window says what is
wrong. Records carry no personal data: log ids and reason codes, never names, birth
dates or codes.
"""

import logging
import logging.handlers
import sys
from pathlib import Path

LOGGER_NAME = "passsport"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(log_file: Path, level: int = logging.INFO) -> logging.Handler:
    """Send the program's records to ``log_file`` (1 MB, 5 files kept), or to stderr
    when that file cannot be written."""
    handler: logging.Handler
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
        fallback = False
    except OSError:
        handler = logging.StreamHandler(sys.stderr) if sys.stderr else logging.NullHandler()
        fallback = True
    handler.setFormatter(logging.Formatter(_FORMAT))
    root = logging.getLogger(LOGGER_NAME)
    root.setLevel(level)
    root.addHandler(handler)
    root.propagate = False
    logging.captureWarnings(True)
    if fallback:
        root.warning("the log folder cannot be written: records go to the console")
    return handler


def get_logger(name: str) -> logging.Logger:
    """A child of the program's logger, e.g. ``get_logger("store")``."""
    return logging.getLogger(f"{LOGGER_NAME}.{name}")
