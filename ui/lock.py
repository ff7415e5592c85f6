"""The desk lock: after some minutes without use, a PIN hides the screen. What was being
typed stays where it was; unlocking gives it back, focus included."""

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.desk_lock import Attempt, PinGuard
from app.errors import FormError
from ui.accessibility import announce
from ui.actions import attempt
from ui.desk_pages import button_row
from ui.texts import common as common_texts
from ui.texts import lock as lock_texts
from ui.widgets import Field, Page

# What counts as using the desk: a key, a click, the wheel, a touch. A pointer that only
# moves (a bumped table) does not.
ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.ShortcutOverride,  # a key that a shortcut takes (Échap, F2)
    QEvent.Type.InputMethod,  # a character composed with a dead key (ê)
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}
TICK_MS = 1000  # how often the countdown is looked at (and the time left shown)


class LockOverlay(QWidget):
    """Covers the window's content; only the PIN field can be reached."""

    unlocked = Signal()

    def __init__(self, guard: PinGuard, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lockOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._guard = guard
        # A column of a readable width in the middle of the window, at any text size.
        column = QWidget()
        column.setMaximumWidth(column.fontMetrics().horizontalAdvance("M") * 40)
        outer = QVBoxLayout(self)
        outer.addWidget(column, 0, Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(24, 24, 24, 24)
        title = QLabel(lock_texts.LOCKED_TITLE)
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        # Why the program stays open, when closing was asked: above the field it concerns.
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.hide()
        layout.addWidget(self.notice)
        # A PIN, or the recovery sheet's phrase when it is forgotten (with its spaces).
        self.pin = Field(lock_texts.LOCK_PIN, secret=True, limit=48)
        self.pin.edit.returnPressed.connect(self._try)
        self.pin.edit.setAccessibleDescription(lock_texts.LOCK_FORGOTTEN)
        layout.addWidget(self.pin)
        forgotten = QLabel(lock_texts.LOCK_FORGOTTEN)
        forgotten.setWordWrap(True)
        layout.addWidget(forgotten)
        # The time left before a PIN is heard again, kept up to date (not read out each
        # second: the field's error says it when a PIN is typed too early).
        self.wait = QLabel()
        self.wait.setWordWrap(True)
        self.wait.hide()
        layout.addWidget(self.wait)
        button = QPushButton(lock_texts.UNLOCK)
        button.setObjectName("primary")
        button.clicked.connect(self._try)
        layout.addLayout(button_row(button))
        self.hide()

    def show_error(self, text: str) -> None:
        """An expected problem while the PIN was checked (ui/actions.py)."""
        self.pin.set_error(text)
        self.pin.edit.setFocus()

    def say(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setAccessibleName(text)
        self.notice.setVisible(bool(text))
        if text:
            announce(self.notice, text, "warning")
            self.pin.edit.setFocus()

    def refresh(self) -> None:
        """Show the time left before the next PIN is heard, if there is a wait."""
        left = self._guard.wait_left()
        text = lock_texts.lock_wait(left) if left else ""
        if text != self.wait.text():
            self.wait.setText(text)
            self.wait.setAccessibleName(text)
        self.wait.setVisible(bool(left))

    def _try(self) -> None:
        pin = self.pin.text()
        self.pin.edit.clear()
        attempt(self, lambda: self._guard.attempt(pin), self._answered)

    def _answered(self, result: Attempt) -> None:
        self.refresh()
        if result.unlocked:
            self.pin.set_error(None)
            self.say("")
            self.unlocked.emit()
        elif result.heard:
            self.pin.set_error(lock_texts.lock_wrong(result.tries_left, result.wait_s))
        else:
            self.pin.set_error(lock_texts.lock_wait(result.wait_s))
        if not result.unlocked:
            self.pin.edit.setFocus()


class DeskLock(QObject):
    """Watches for use of one window and locks it after the chosen minutes without any.

    One event filter on the application sees every key, click and wheel turn before any
    widget does, in every widget of the window and of its dialogs, those made later
    included. The countdown is read on the desk's clock, so that time spent asleep (a
    closed laptop) counts too."""

    def __init__(self, window, desk, settings) -> None:
        super().__init__(window)
        self._window = window
        self._desk = desk
        self._clock = desk.now
        self._covered: QWidget = window.centralWidget()
        self._guard = PinGuard(settings, desk.pin_matches, desk.now)
        self.overlay = LockOverlay(self._guard, window)
        self.overlay.unlocked.connect(self.unlock)
        self.tick = QTimer(self, interval=TICK_MS)
        self.tick.timeout.connect(self._tick)
        self._focus: QWidget | None = None
        self._minutes: int | None = None
        self._last_use = self._clock()
        QApplication.instance().installEventFilter(self)
        was_locked = self._guard.locked  # when the program stopped (or was killed)
        self.restart()
        if was_locked:
            self.lock()

    @property
    def locked(self) -> bool:
        return not self.overlay.isHidden()

    def restart(self) -> None:
        """Read the lock's choice again (after the lock page) and count from now."""
        self._minutes = self._desk.lock_minutes()
        self._last_use = self._clock()
        if self._minutes is None:
            self.tick.stop()
            return
        if not self.locked:
            self._guard.set_locked(False)  # a state left by a lock since removed
        self.tick.start()

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind in ACTIVITY and not self.locked and self._belongs(watched):
            self._last_use = self._clock()
        # Locked, the window's shortcuts (Échap, F2, F3) would change the screen behind.
        return kind == QEvent.Type.Shortcut and self.locked and self._belongs(watched)

    def _belongs(self, watched) -> bool:
        """Whether ``watched`` is the window, one of its widgets or shortcuts, or in one
        of its dialogs."""
        while watched is not None:
            if watched is self._window:
                return True
            watched = watched.parent()
        return False

    def _tick(self) -> None:
        now = self._clock()
        if self.locked:
            self.overlay.refresh()
        elif not self._window.isVisible() or now < self._last_use:
            # Hidden while training mode is open, or the computer's clock was put back:
            # the countdown starts again.
            self._last_use = now
        elif (now - self._last_use).total_seconds() >= self._minutes * 60:
            self.lock()

    def lock(self) -> None:
        self._minutes = self._desk.lock_minutes()
        if self._minutes is None:
            return
        self._guard.set_locked(True)  # first on disk: a program killed now starts locked
        self.tick.start()  # the time left after wrong PINs is shown as it goes
        if self.locked:
            return
        self._focus = QApplication.focusWidget()
        self._covered.setEnabled(False)  # nothing behind is reachable; nothing is cleared
        self.overlay.setGeometry(self._window.rect())
        self.overlay.refresh()
        self.overlay.show()
        self.overlay.raise_()
        self.overlay.pin.edit.setFocus()
        announce(self.overlay, lock_texts.LOCKED_TITLE, "info")

    def refuse_close(self) -> None:
        """Closing asked while locked: the program stays, and says why."""
        self.overlay.say(lock_texts.LOCK_NO_CLOSE)

    def unlock(self) -> None:
        self.overlay.hide()
        self._covered.setEnabled(True)
        if self._focus is not None and shiboken6.isValid(self._focus):
            self._focus.setFocus()
        self.restart()


class LockSettingsPage(Page):
    """Choose a PIN and the minutes, or remove the lock."""

    def __init__(self, desk, on_done, parent=None) -> None:
        super().__init__(lock_texts.LOCK_TITLE, lock_texts.LOCK_INTRO, parent)
        self._desk = desk
        self._on_done = on_done
        self.pin = Field(lock_texts.LOCK_NEW_PIN, secret=True, limit=8)
        self.minutes = Field(lock_texts.LOCK_MINUTES, text=str(desk.lock_minutes() or 5), limit=3)
        for field in (self.pin, self.minutes):
            field.edit.returnPressed.connect(self.save)
            self.body.addWidget(field)
        save = QPushButton(common_texts.SAVE)
        save.setObjectName("primary")
        save.clicked.connect(self.save)
        remove = QPushButton(lock_texts.LOCK_REMOVE)
        remove.clicked.connect(self.remove)
        remove.setEnabled(desk.lock_minutes() is not None)
        self.body.addLayout(button_row(save, remove))

    def on_shown(self) -> None:
        self.pin.edit.setFocus()

    def save(self) -> None:
        minutes = self.minutes.text().strip()

        def fields(error) -> bool:
            if not isinstance(error, FormError):
                return False
            self.pin.set_error(lock_texts.LOCK_ERRORS.get(error.fields.get("pin")))
            self.minutes.set_error(lock_texts.LOCK_ERRORS.get(error.fields.get("minutes")))
            return True

        attempt(
            self,
            lambda: self._desk.set_lock(self.pin.text(), int(minutes) if minutes.isdigit() else 0),
            lambda _: self._on_done(lock_texts.LOCK_SET),
            fields,
        )

    def remove(self) -> None:
        attempt(self, self._desk.clear_lock, lambda _: self._on_done(lock_texts.LOCK_REMOVED))
