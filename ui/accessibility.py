"""Accessibility at run time: what screen readers hear, and the optional sounds at the desk.

- ``announce`` sends a result or an error to screen readers (Qt accessibility events).
- ``Sounds`` plays a short sound for a success or a failure, when the setting is on.

The checks every screen passes live with the tests (tests/a11y.py, tests/contrast.py).
"""

import sys

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QApplication

# What screen readers hear


def _post(event) -> None:
    """Hand an event to the platform's accessibility bridge (a seam for the tests)."""
    QAccessible.updateAccessibility(event)


def announce(source: QObject, text: str, kind: str = "info") -> None:
    """Have screen readers say ``text`` now; errors interrupt what is being read."""
    if not text:
        return
    event = QAccessibleAnnouncementEvent(source, text)
    if kind == "error":
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    _post(event)


def spoken(parts: list[str]) -> str:
    """Lines read as sentences: each ends with a full stop unless it has its own."""
    return " ".join(p if p.endswith((".", "!", "?", "…")) else f"{p}." for p in parts if p)


class Sounds:
    """One short sound for a success, two for a failure; silent unless the setting is on.

    Windows plays its own system sounds (stdlib ``winsound``); elsewhere the system beep.
    QtMultimedia is not part of PySide6-Essentials, so there is no sound file to play.
    """

    def __init__(self, settings) -> None:
        self._settings = settings

    def success(self) -> None:
        if self._settings.get("sounds"):
            _play("success")

    def failure(self) -> None:
        if self._settings.get("sounds"):
            _play("failure")


def _play(kind: str) -> None:
    if sys.platform == "win32":
        import winsound

        flag = winsound.MB_OK if kind == "success" else winsound.MB_ICONHAND
        winsound.MessageBeep(flag)
        return
    QApplication.beep()
    if kind == "failure":
        QTimer.singleShot(220, QApplication.beep)
