"""The one way the interface runs a user action.

Every slot that changes the data or writes a file runs its desk or treasury call through
:func:`attempt`. An expected failure (a :class:`~app.errors.KnownError`: a full disk, a
read-only or busy data file, a field to correct) becomes its French sentence on the
screen that asked; nothing typed is cleared and the focus goes back where it was, so
the same button can simply be pressed again. A refusal of the disk or the database that
reaches the interface as it came (an ``OSError`` writing the settings, an ``sqlite3``
error) is expected too when ``app.errors.storage_reason`` knows it: it is said the same
way. Anything else is a bug: it goes on, to the crash hook (``ui/crash.py``), which logs
it and says where the log is.

Work that runs on the background helper (``ui/tasks.py``) comes back with its error:
:func:`report` shows it the same way, and gives the focus back to the widget that had it
when the work started (its button was disabled meanwhile).
"""

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.errors import KnownError, StoreError, storage_reason
from app.logs import get_logger
from ui.texts import common as common_texts
from ui.texts import errors as errors_texts

log = get_logger("actions")

T = TypeVar("T")


def attempt(
    where: object,
    action: Callable[[], T],
    then: Callable[[T], Any] | None = None,
    explain: Callable[[KnownError], bool] | None = None,
) -> bool:
    """Run ``action``; on success call ``then`` with its result. Returns whether it was done.

    ``explain`` lets a screen put some errors in its own words (a form shows a
    :class:`~app.errors.FormError` next to its fields): it returns True when it did.
    Every other known error is described on ``where`` (see :func:`say`).
    """
    focus = QApplication.focusWidget()
    try:
        result = action()
    except (KnownError, OSError, sqlite3.Error) as error:
        known = expected(error)
        if not isinstance(known, KnownError):
            raise  # a bug
        if explain is None or not explain(known):
            report(where, known)
            _give_back(focus)
        return False
    if then is not None:
        then(result)
    return True


def expected(error: BaseException) -> BaseException:
    """The known error a raw refusal of the disk or the database stands for; any other
    error as it is."""
    reason = None if isinstance(error, KnownError) else storage_reason(error)
    if reason is None:
        return error
    log.warning("storage refused a write (%s)", reason)
    return StoreError(reason)


def report(where: object, error: BaseException, focus: QWidget | None = None) -> None:
    """Show the sentence for ``error`` on ``where`` (see :func:`say`); the focus goes back
    to ``focus``, if given."""
    say(where, errors_texts.describe(expected(error)))
    _give_back(focus)


def say(where: object, text: str) -> None:
    """Show an error sentence: on a page's own error line (``show_error``), else on the
    window's message line (``show_message``: the window, or the window of a page)."""
    if hasattr(where, "show_error"):
        where.show_error(text)
        return
    if not hasattr(where, "show_message") and isinstance(where, QWidget):
        window = where.window()
        where = window if hasattr(window, "show_message") else where
    if hasattr(where, "show_message"):
        where.show_message(text, "error")
        return
    QMessageBox.warning(where if isinstance(where, QWidget) else None, common_texts.APP_TITLE, text)


def _give_back(focus: QWidget | None) -> None:
    """The focus where it was before the action, if that widget can still take it."""
    alive = focus is not None and shiboken6.isValid(focus)
    if alive and focus.isEnabled() and focus.isVisible():
        focus.setFocus()
