"""The main window: a top bar with the way home, the current screen, messages and status."""

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.club import ClubProfile
from app.desk import Desk
from app.settings import Settings
from ui import texts
from ui.club_form import ClubForm
from ui.desk_flow import DeskFlow
from ui.home import HomePage
from ui.printing import ReceiptPrinter
from ui.records_flow import RecordsFlow
from ui.style import icon
from ui.widgets import Page

MESSAGE_ICONS = {"success": "✔", "error": "✖", "warning": "⚠", "info": "ℹ"}


class StatusArea(QWidget):
    """Always visible: the connection and what waits to be sent, in words."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 6, 16, 6)
        self.connection = QLabel(texts.OFFLINE_NO_ACCOUNT)
        self.pending = QLabel(texts.NOTHING_TO_SEND)
        for label in (self.connection, self.pending):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
            label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.connection, 1)
        layout.addWidget(self.pending)

    def set_pending(self, count: int) -> None:
        self.pending.setText(texts.waiting_to_send(count))
        self.pending.setAccessibleName(self.pending.text())


class MainWindow(QMainWindow):
    def __init__(
        self, desk: Desk, settings: Settings, printer: ReceiptPrinter, parent=None
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.desk_flow = DeskFlow(desk, printer, settings, self)
        self.records = RecordsFlow(desk, printer, self.desk_flow, self)
        self.setWindowTitle(texts.APP_TITLE)
        self.resize(1100, 720)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        top = QWidget()
        top.setObjectName("topBar")
        top.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(16, 8, 16, 8)
        self.home_button = QPushButton(icon("home"), texts.HOME)
        self.home_button.setToolTip(texts.HOME_HINT)
        self.home_button.setAccessibleName(texts.HOME)
        self.home_button.setIconSize(QSize(22, 22))
        self.home_button.clicked.connect(self.go_home)
        title = QLabel(texts.APP_TITLE)
        title.setObjectName("appTitle")
        self.club_label = QLabel()
        self.club_label.setObjectName("clubName")
        top_layout.addWidget(self.home_button)
        top_layout.addWidget(title)
        top_layout.addStretch(1)
        top_layout.addWidget(self.club_label)
        outer.addWidget(top)

        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.hide()
        message_row = QHBoxLayout()
        message_row.setContentsMargins(24, 12, 24, 0)
        message_row.addWidget(self.message)
        outer.addLayout(message_row)

        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.status = StatusArea()
        outer.addWidget(self.status)
        self.setCentralWidget(central)

        self.home = HomePage()
        self.home.add_task(
            "validate",
            texts.TASK_VALIDATE,
            "validate",
            texts.TASK_VALIDATE_HINT,
            self.start_validation,
        )
        self.home.add_task("find", texts.TASK_FIND, "search", texts.TASK_FIND_HINT, self.find)
        self.home.add_task("club", texts.TASK_CLUB, "club", texts.TASK_CLUB_HINT, self.edit_club)
        self.stack.addWidget(self.home)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.go_home)
        QShortcut(QKeySequence(Qt.Key.Key_F2), self, activated=self.start_validation)
        QShortcut(QKeySequence(Qt.Key.Key_F3), self, activated=self.find)

        profile = desk.club_profile()
        if profile is None:
            self.show_page(ClubForm(desk, on_saved=self._club_saved))
        else:
            self._set_club(profile)
            self.go_home()
        self.refresh_status()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # Once the window is on screen, so that the focus lands on a visible widget.
        QTimer.singleShot(0, self.stack.currentWidget().on_shown)

    # Navigation
    def show_page(self, page: Page) -> None:
        previous = self.stack.currentWidget()
        if self.stack.indexOf(page) < 0:
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        # Pages out of sight are let go, except the one just left: it may still be running
        # the very handler that brought us here.
        for index in reversed(range(self.stack.count())):
            widget = self.stack.widget(index)
            if widget not in (self.home, page, previous):
                self.stack.removeWidget(widget)
                widget.setParent(None)
        self.home_button.setVisible(page is not self.home and self.desk.club_profile() is not None)
        page.on_shown()

    def go_home(self) -> None:
        if self.desk.club_profile() is None:
            return
        self.show_page(self.home)

    def keyPressEvent(self, event) -> None:
        """A code typed or scanned on the home screen starts a validation with it."""
        if self.stack.currentWidget() is self.home and event.text().isdigit():
            self.start_validation(event.text())
            return
        super().keyPressEvent(event)

    def start_validation(self, typed: str = "") -> None:
        if self.desk.club_profile() is None:
            return
        self.clear_message()
        self.desk_flow.start(typed)

    def find(self) -> None:
        if self.desk.club_profile() is None:
            return
        self.clear_message()
        self.records.find()

    def open_record(self, validation_id: int) -> None:
        self.clear_message()
        self.records.open(validation_id)

    def edit_club(self) -> None:
        self.clear_message()
        self.show_page(ClubForm(self.desk, on_saved=self._club_saved, on_cancel=self.go_home))

    # Messages and status
    def show_message(self, text: str, kind: str = "info") -> None:
        self.message.setProperty("kind", kind)
        self.message.setText(f"{MESSAGE_ICONS[kind]}  {text}")
        self.message.setAccessibleName(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()

    def clear_message(self) -> None:
        self.message.hide()

    def refresh_status(self) -> None:
        self.status.set_pending(self.desk.pending_count())

    def _set_club(self, profile: ClubProfile) -> None:
        self.club_label.setText(profile.name)

    def _club_saved(self, profile: ClubProfile) -> None:
        self._set_club(profile)
        self.go_home()
        self.show_message(texts.CLUB_SAVED, "success")
