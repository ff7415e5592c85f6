"""The last resort: an unexpected error is logged in full and the user sees a calm dialog."""

import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from app.logs import get_logger
from ui import texts

log = get_logger("crash")


def install_exception_hook(log_file: Path) -> None:
    """Route uncaught exceptions (including those raised in Qt slots) to the log and a dialog."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        # The traceback holds file names and line numbers, not the values of variables.
        log.error("unexpected error\n%s", "".join(traceback.format_exception(kind, value, tb)))
        if QApplication.instance() is not None:
            box = QMessageBox(
                QMessageBox.Icon.Warning, texts.UNEXPECTED_TITLE, texts.unexpected(str(log_file))
            )
            box.exec()

    sys.excepthook = hook
