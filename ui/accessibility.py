"""Accessibility at run time: what screen readers hear, and the optional sounds at the desk.

- ``announce`` sends a result or an error to screen readers, in two forms: a Qt
  announcement (UI Automation notifications on Windows, newer AT-SPI readers), and the
  window's :class:`Notice`, a notification that appears, which Orca and the readers that
  ignore announcements speak.
- ``arrive`` says a screen that comes up with the widget its focus lands on.
- ``install`` gives page titles the heading role and the notice its own, and watches the
  focus for ``arrive`` and for the carets of line edits.
- ``Sounds`` plays a short sound for a success or a failure, when the setting is on.

The checks every screen passes live with the tests (tests/a11y.py, tests/contrast.py).
"""

import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QAccessibleWidget, QApplication, QLabel, QLineEdit, QWidget
from shiboken6 import isValid

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


class _FocusWatcher(QObject):
    """Follows where the focus lands (no event filter: it would see every event), for two
    things screen readers need.

    - **Where a screen is, said with its first focus.** The page that comes up is said as
      the description of the widget its focus lands on, set just before the focus is
      told, so every screen reader reads it with that widget ("Nom, texte. Le jeune.
      Recopiez le nom…"). The widget gets its own description back once the focus has
      moved on (after, so that the change is not read as news).
    - **Carets told after the focus.** Qt says where a line edit's caret is on its first
      change, whatever the change: its text selected by Tab, say. Just before the field's
      focus, Orca 43 then finds the field focused already, takes it as known and says
      nothing. Each line edit says it once, right after a focus has landed in its window.
    """

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.arrival: tuple[QWidget, str] | None = None  # a page, said with its focus
        self.carrier: tuple[QWidget, str, str] | None = None  # widget, said, its own

    def focus_changed(self, _old, new) -> None:
        """QApplication.focusChanged: sent once the new widget had its FocusIn, before
        Qt tells screen readers about the focus."""
        if new is None:
            return
        window = new.window()
        QTimer.singleShot(0, window, lambda: _settle_carets(window))
        if self.carrier is not None and self.carrier[0] is not new:
            carrier, self.carrier = self.carrier, None
            if isValid(carrier[0]):  # not gone with its page
                QTimer.singleShot(0, carrier[0], lambda: _give_back(*carrier))
        if self.arrival is not None and _within(new, self.arrival[0]):
            self.carry(new)

    def carry(self, widget: QWidget) -> None:
        """The page that came up said as ``widget``'s description, until the focus leaves."""
        text, self.arrival = self.arrival[1], None
        own = widget.accessibleDescription()
        if self.carrier is not None:
            carrier, said, its_own = self.carrier
            if carrier is widget:
                own = its_own  # still saying the last page: not said twice
            elif isValid(carrier):
                _give_back(carrier, said, its_own)
        said = spoken([text, own])
        widget.setAccessibleDescription(said)
        self.carrier = (widget, said, own)


def _within(widget: QWidget, page: QWidget) -> bool:
    return isValid(page) and (widget is page or page.isAncestorOf(widget))


def _give_back(widget: QWidget, said: str, own: str) -> None:
    if widget.accessibleDescription() == said:  # not changed since (an error, say)
        widget.setAccessibleDescription(own)


def _settle_carets(window: QWidget) -> None:
    for edit in window.findChildren(QLineEdit):
        if not edit.property("caretSettled") and not edit.hasSelectedText():
            edit.setCursorPosition(edit.cursorPosition())
            edit.setProperty("caretSettled", True)


def _watcher() -> _FocusWatcher:
    install()
    return QApplication.instance().findChild(_FocusWatcher)


def arrive(page: QWidget, text: str, kind: str, bring_focus: Callable[[], None]) -> None:
    """``page`` comes up: ``bring_focus`` puts the focus in it, and ``text`` is said with
    the widget the focus lands on. In a window not active yet, that is when it becomes
    active. If the focus was there already, that widget's description changes, which
    screen readers say of the focus; with no focus in the page, ``text`` is announced."""
    watcher = _watcher()
    watcher.arrival = (page, text) if text else None
    bring_focus()
    if watcher.arrival is None or not page.window().isActiveWindow():
        return
    focused = QApplication.focusWidget()
    if focused is not None and _within(focused, page):
        # Orca says a change of the focus's description; UI Automation and macOS do not
        # pass it on, so it is also announced there (Orca ignores announcements).
        watcher.carry(focused)
        _post(QAccessibleAnnouncementEvent(page, text))
    else:
        watcher.arrival = None
        announce(page, text, kind)


def install() -> None:
    """Once per program: Qt gives a label one role only, "label", and these get their
    own; and the focus is watched (:class:`_FocusWatcher`)."""
    app = QApplication.instance()
    if app.findChild(_FocusWatcher) is not None:
        return
    QAccessible.installFactory(_interface)
    app.focusChanged.connect(_FocusWatcher(app).focus_changed)


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
