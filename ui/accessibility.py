"""Accessibility at run time: what screen readers hear, and the optional sounds at the desk.

- ``announce`` sends a result or an error to screen readers, in two forms: a Qt
  announcement (UI Automation notifications on Windows, newer AT-SPI readers), and the
  window's :class:`Notice`, a notification that appears, which Orca and the readers that
  ignore announcements speak.
- ``install_roles`` gives page titles the heading role and the notice its own.
- ``Sounds`` plays a short sound for a success or a failure, when the setting is on.

The checks every screen passes live with the tests (tests/a11y.py, tests/contrast.py).
"""

import sys

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QAccessibleWidget, QApplication, QLabel, QLineEdit, QWidget

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
    if isinstance(source, QWidget):
        Notice.of(source.window()).say(text)


class Heading(QLabel):
    """A screen's title: a heading for screen readers, who can jump from one to the next."""


class Notice(QWidget):
    """What was just said to screen readers, as a notification of the window. It appears
    (an empty pixel, out of any layout; the page shows the same words) each time there is
    something to say, and Orca speaks a notification that appears. What is said within
    one turn of the event loop is said together, after the focus has moved: the last
    thing heard is the whole message."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("notice")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setGeometry(0, 0, 1, 1)
        self.hide()
        self._waiting: list[str] = []

    @staticmethod
    def of(window: QWidget) -> "Notice":
        notice = window.findChild(Notice, "notice", Qt.FindChildOption.FindDirectChildrenOnly)
        return notice or Notice(window)

    def say(self, text: str) -> None:
        if text in self._waiting:
            return
        self._waiting.append(text)
        if len(self._waiting) == 1:
            QTimer.singleShot(0, self, self._appear)

    def _appear(self) -> None:
        text, self._waiting = spoken(self._waiting), []
        self.hide()
        self.setAccessibleName(text)  # its name only: it shows no text of its own
        self.show()


_ROLES = {Heading: QAccessible.Role.Heading, Notice: QAccessible.Role.Notification}


def _interface(key: str, thing: QObject):
    for kind, role in _ROLES.items():
        if isinstance(thing, kind):
            return QAccessibleWidget(thing, role)
    return None


class _CaretSettler(QObject):
    """Each line edit tells the accessibility bus where its caret is once, right after a
    focus has landed in its window, and so never just before it takes the focus.

    Qt says where the caret is on a line edit's first change, whatever the change: its
    length limit set, its text selected by Tab. When that comes just before the field's
    focus, Orca 43 finds the field focused already, takes it as known and says nothing.
    Said after the focus, or for a field the focus is not in, it is harmless."""

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            window = watched.window()
            QTimer.singleShot(0, window, lambda: _settle_carets(window))
        return False


def _settle_carets(window: QWidget) -> None:
    for edit in window.findChildren(QLineEdit):
        if not edit.property("caretSettled") and not edit.hasSelectedText():
            edit.setCursorPosition(edit.cursorPosition())
            edit.setProperty("caretSettled", True)


def install_roles() -> None:
    """Once per program: Qt gives a label one role only, "label"; these get their own.
    And line edits say where their caret is at a time screen readers expect."""
    app = QApplication.instance()
    if getattr(app, "_roles", False):
        return
    QAccessible.installFactory(_interface)
    app.installEventFilter(_CaretSettler(app))
    app._roles = True


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
