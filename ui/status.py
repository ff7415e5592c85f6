"""The always-visible status area: connection, what waits to be sent, last send.

In training it speaks of the training server ("serveur d'essai"), never of the national
service: nothing there is sent for real, so nothing may say it was."""

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from sync.status import SyncStatus
from ui import french
from ui.texts import common as common_texts
from ui.texts import national as national_texts
from ui.texts import training as training_texts


class SyncBridge(QObject):
    """Carries the engine's reports from its thread to the interface thread."""

    status = Signal(object)

    def publish(self, status: SyncStatus) -> None:
        self.status.emit(status)  # queued: the receiver lives on the interface thread


class StatusArea(QWidget):
    def __init__(self, parent=None, training: bool = False) -> None:
        super().__init__(parent)
        self.training = False
        self._pending = 0
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

    def show_sync(self, status: SyncStatus) -> None:
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
