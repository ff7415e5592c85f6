"""Logging to a rotating file in the user's log folder.

Safe when frozen and windowed: no handler ever writes to stderr, which does
not exist there. Records carry no personal data: log ids and reason codes,
never names, birth dates or codes.
"""

import logging
import logging.handlers
from pathlib import Path

LOGGER_NAME = "passsport"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(log_file: Path, level: int = logging.INFO) -> logging.Handler:
    """Send the program's records to ``log_file`` (1 MB, 5 files kept)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    root = logging.getLogger(LOGGER_NAME)
    root.setLevel(level)
    root.addHandler(handler)
    root.propagate = False
    logging.captureWarnings(True)
    return handler


def get_logger(name: str) -> logging.Logger:
    """A child of the program's logger, e.g. ``get_logger("store")``."""
    return logging.getLogger(f"{LOGGER_NAME}.{name}")
