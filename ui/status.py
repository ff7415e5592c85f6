"""The always-visible status area: connection, what waits to be sent, last send.

In training it speaks of the training server ("serveur d'essai"), never of the national
service: nothing there is sent for real, so nothing may say it was."""

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from sync.status import SyncStatus
from ui import french
from ui.texts import common as common_texts
from ui.texts import forum as forum_texts
from ui.texts import national as national_texts
from ui.texts import training as training_texts


class SyncBridge(QObject):
    """Carries the engine's reports from its thread to the interface thread."""

    status = Signal(object)

    def publish(self, status: SyncStatus) -> None:
        self.status.emit(status)  # queued: the receiver lives on the interface thread


def forum_news(last: SyncStatus | None, news: SyncStatus) -> SyncStatus:
    """What stands of the link to the main desk after ``news``: a pass that starts
    (``sending``) does not make a desk out of range look joined, nor a new one joined."""
    if news.state == "sending" and last is not None and last.state != "sending":
        return last
    return news


class StatusArea(QWidget):
    def __init__(self, parent=None, training: bool = False) -> None:
        super().__init__(parent)
        self.training = False
        self._pending = 0
        # At a forum (``main``: this computer is the main desk; ``desk``: joined to one),
        # the forum's line takes the national one's place: the desk sends to the main desk.
        self.forum_role: str | None = None
        self.forum_desks: int | None = None  # desks joined to this main desk; None: opening
        self.forum_failed = False  # the main desk could not open
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._last: SyncStatus | None = None
        self.setObjectName("statusBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 6, 16, 6)
        self.connection = QLabel(common_texts.OFFLINE_NO_ACCOUNT)
        self.connection.setWordWrap(True)
        self.pending = QLabel(common_texts.NOTHING_TO_SEND)
        self.send_now = QPushButton(national_texts.SEND_NOW)
        self.send_now.setToolTip(national_texts.SEND_NOW_HINT)
        self.send_now.setAccessibleDescription(national_texts.SEND_NOW_HINT)
        self.send_now.setAutoDefault(True)
        self.send_now.hide()
        for label in (self.connection, self.pending):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
            label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.connection, 1)
        layout.addWidget(self.pending)
        layout.addWidget(self.send_now)
        if training:
            self.set_training(True)

    def set_training(self, training: bool) -> None:
        """Speak of the training server (True) or of the national service (False)."""
        self.training = training
        hint = training_texts.TRAINING_SEND_NOW_HINT if training else national_texts.SEND_NOW_HINT
        self.send_now.setText(
            training_texts.TRAINING_SEND_NOW if training else national_texts.SEND_NOW
        )
        self.send_now.setToolTip(hint)
        self.send_now.setAccessibleDescription(hint)
        if training:
            self.connection.setText(training_texts.TRAINING_SYNC_STATES["idle"])
            self.connection.setAccessibleName(self.connection.text())
        self.set_pending(self._pending)

    def set_pending(self, count: int) -> None:
        self._pending = count
        words = training_texts.training_waiting if self.training else common_texts.waiting_to_send
        self.pending.setText(words(count))
        self.pending.setAccessibleName(self.pending.text())
        if self.forum_role == "desk":  # the forum's line says what waits for the main desk
            self._say(self._forum_line(self._last))

    def set_forum(self, role: str | None, desks: int | None = 0, failed: bool = False) -> None:
        """The forum this computer is at: ``main``, ``desk``, or None (none). For the main
        desk, ``desks`` joined to it (None: opening, or ``failed`` to open)."""
        self.forum_failed = failed
        if role != self.forum_role:
            self._last = None  # what was said of the other link
            if role is None:  # back to the national service: the window says if linked
                self._say(common_texts.OFFLINE_NO_ACCOUNT)
        self.forum_role, self.forum_desks = role, desks
        self.pending.setVisible(role != "desk")
        if role is not None:
            self._say(self._forum_line(self._last))
        hint = forum_texts.SEND_NOW_HINT if role == "desk" else national_texts.SEND_NOW_HINT
        if not self.training:
            self.send_now.setToolTip(hint)
            self.send_now.setAccessibleDescription(hint)

    def _forum_line(self, status: SyncStatus | None) -> str:
        if self.forum_role == "main":
            if self.forum_desks is None:
                failed = self.forum_failed
                return forum_texts.STATUS_MAIN_FAILED if failed else forum_texts.STATUS_MAIN_OPENING
            parts = [forum_texts.status_main(self.forum_desks)]
        else:
            parts = [self._desk_line(status)]
        if status is not None and status.to_check:
            parts.append(national_texts.to_check_count(status.to_check))
        return " ".join(parts)

    def _desk_line(self, status: SyncStatus | None) -> str:
        if status is None or status.state == "sending":
            return forum_texts.STATUS_CONNECTING
        if status.state == "offline":
            since = status.offline_since or self.clock()
            minutes = int((self.clock() - since).total_seconds() // 60)
            return forum_texts.status_out_of_range(max(0, minutes), self._pending)
        special = {
            "needs_enrolment": forum_texts.STATUS_REVOKED,
            "certificate_refused": forum_texts.STATUS_CERTIFICATE,
            "stopped": forum_texts.STATUS_STOPPED,
        }
        return special.get(status.state) or forum_texts.status_linked(self._pending)

    def tick(self) -> None:
        """Said again as time goes by: "hors de portée depuis 4 minutes"."""
        if self.forum_role is not None:
            self._say(self._forum_line(self._last))

    def _say(self, text: str) -> None:
        if text != self.connection.text():
            self.connection.setText(text)
            self.connection.setAccessibleName(text)

    def show_sync(self, status: SyncStatus) -> None:
        if self.forum_role is not None:
            self._last = forum_news(self._last, status)
            self.set_pending(status.pending)
            self._say(self._forum_line(self._last))
            self.send_now.setVisible(status.state != "needs_enrolment")
            return
        self._last = status
        states = (
            training_texts.TRAINING_SYNC_STATES if self.training else national_texts.SYNC_STATES
        )
        parts = [states.get(status.state, "")]
        if status.last_sent_at is not None:
            when = french.clock(status.last_sent_at)
            parts.append(
                training_texts.training_last_exchange(when)
                if self.training
                else national_texts.last_sent(when)
            )
        if status.state == "offline" and status.retry_in_s is not None:
            parts.append(national_texts.next_try(status.retry_in_s))
        if status.to_check:
            parts.append(national_texts.to_check_count(status.to_check))
        if status.clock_is_off:
            parts.append(national_texts.clock_off(round(abs(status.clock_offset_s) / 60)))
        self.connection.setText(" ".join(p for p in parts if p))
        self.connection.setAccessibleName(self.connection.text())
        self.set_pending(status.pending)
        # Never disabled while a round runs: rounds start by themselves, and a disabled
        # button would drop the keyboard focus and the click under the pointer. Pressed
        # during a round, it asks for one more (the engine's wake is idempotent).
        self.send_now.setVisible(status.state != "needs_enrolment")
