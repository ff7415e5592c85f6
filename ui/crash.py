"""The last resort: an unexpected error is logged in full and the user sees a calm dialog.

An expected error should never come this far (every action runs through
``ui/actions.py``); if one does, the user reads its own sentence, not "a problem".
"""

import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from app.errors import KnownError
from app.logs import get_logger
from ui.actions import expected
from ui.texts import common as common_texts
from ui.texts import errors as errors_texts

log = get_logger("crash")


def install_exception_hook(log_file: Path) -> None:
    """Route uncaught exceptions (including those raised in Qt slots) to the log and a dialog."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        # The traceback holds file names and line numbers, not the values of variables.
        where = "".join(traceback.format_exception(kind, value, tb))
        value = expected(value)  # a refusal of the disk that came as it was, too
        if isinstance(value, KnownError):
            # Its reason code, never its details (they may hold what was typed).
            log.warning("expected error outside an action (%s)\n%s", value.reason, where)
            box = (QMessageBox.Icon.Warning, common_texts.APP_TITLE, errors_texts.describe(value))
        else:
            log.error("unexpected error\n%s", where)
            box = (
                QMessageBox.Icon.Warning,
                errors_texts.UNEXPECTED_TITLE,
                errors_texts.unexpected(str(log_file)),
            )
        if QApplication.instance() is not None:
            QMessageBox(*box).exec()

    sys.excepthook = hook
