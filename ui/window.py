"""The main window: a top bar with the way home, the current screen, messages and status."""

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
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
from app.treasury import Treasury
from sync.engine import SyncStatus
from sync.link import NationalLink
from ui import texts
from ui.accessibility import announce
from ui.club_form import ClubForm
from ui.desk_flow import DeskFlow
from ui.home import HomePage
from ui.lock import DeskLock, LockSettingsPage
from ui.national_pages import EnrolPage, ToCheckPage, enrol_error
from ui.printing import ReceiptPrinter
from ui.records_flow import RecordsFlow
from ui.settings_page import SettingsPage
from ui.status import StatusArea, SyncBridge
from ui.style import icon
from ui.tasks import Tasks
from ui.treasurer_flow import TreasurerFlow
from ui.widgets import Page, question

MESSAGE_ICONS = {"success": "✔", "error": "✖", "warning": "⚠", "info": "ℹ"}


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(
        self,
        desk: Desk,
        settings: Settings,
        printer: ReceiptPrinter,
        link: NationalLink | None = None,
        bridge: SyncBridge | None = None,
        start_training: Callable[["MainWindow"], None] | None = None,
        shell=None,
        treasury: Treasury | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.settings = settings
        self.link = link
        self.tasks = Tasks(self)
        self.treasurer = (
            TreasurerFlow(
                treasury,
                self.tasks,
                self,
                portal_offered=lambda: not (self.link and self.link.engine),
                on_added=desk.reload_search,
            )
            if treasury is not None
            else None
        )
        self._start_training = start_training
        self.shell = shell  # ui/shell.py: backups and restore, when the window has one
        # More tasks, each (key, label, icon, hint, action(window)): on the home screen,
        # and on the settings page.
        self.extra_tasks: list[tuple] = []
        self.admin_tasks: list[tuple] = []
        self.training = None  # the training session started from this window, if any
        self._closing = False
        self.treasury = treasury
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
        self.top_layout = QHBoxLayout(top)
        self.top_layout.setContentsMargins(16, 8, 16, 8)
        self.home_button = QPushButton(icon("home"), texts.HOME)
        self.home_button.setToolTip(texts.HOME_HINT)
        self.home_button.setAccessibleName(texts.HOME)
        self.home_button.setAutoDefault(True)
        self.home_button.clicked.connect(self.go_home)
        title = QLabel(texts.APP_TITLE)
        title.setObjectName("appTitle")
        self.club_label = QLabel()
        self.club_label.setObjectName("clubName")
        self.top_layout.addWidget(self.home_button)
        self.top_layout.addWidget(title)
        self.top_layout.addStretch(1)
        self.top_layout.addWidget(self.club_label)
        outer.addWidget(top)

        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        outer.addWidget(self.banner)

        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)

        # Below the screen, so that a message never pushes what the pointer aims at; it
        # belongs to the screen it was shown on and goes with it.
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.hide()
        self._message_page: QWidget | None = None
        message_row = QHBoxLayout()
        message_row.setContentsMargins(24, 0, 24, 8)
        message_row.addWidget(self.message)
        outer.addLayout(message_row)
        self.status = StatusArea()
        self.status.send_now.clicked.connect(self.send_now)
        outer.addWidget(self.status)
        self.setCentralWidget(central)

        self.home = HomePage(texts.HOME_TITLE, texts.HOME_INTRO, takes_code=True)
        self.stack.addWidget(self.home)
        self.build_home()
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.go_home)
        QShortcut(QKeySequence(Qt.Key.Key_F2), self, activated=self.start_validation)
        QShortcut(QKeySequence(Qt.Key.Key_F3), self, activated=self.find)
        if bridge is not None:
            bridge.status.connect(self.on_sync_status)

        self.desk_lock = DeskLock(self, desk)
        QApplication.instance().focusChanged.connect(self._keep_focus_in_sight)
        profile = desk.club_profile()
        if profile is None:
            self.show_page(ClubForm(desk, on_saved=self._club_saved))
        else:
            self._set_club(profile)
            self.go_home()
        self.refresh_status()

    def build_home(self) -> None:
        """Offer only the tasks that work now: the desk's few big ones on the home screen,
        the rest on one page of settings."""
        self.home.clear_tasks()
        add = self.home.add_task
        linked = self.link is not None and self.link.engine is not None
        add(
            "validate",
            texts.TASK_VALIDATE,
            "validate",
            texts.TASK_VALIDATE_HINT,
            self.start_validation,
        )
        add("find", texts.TASK_FIND, "search", texts.TASK_FIND_HINT, self.find)
        if linked:
            add("to_check", texts.TASK_TO_CHECK, "warning", texts.TASK_TO_CHECK_HINT, self.to_check)
        if self.treasurer is not None:
            add(
                "treasurer",
                texts.TASK_TREASURER,
                "treasurer",
                texts.TASK_TREASURER_HINT,
                self.open_treasurer,
            )
        for key, label, icon_name, hint, action in self.extra_tasks:
            add(key, label, icon_name, hint, lambda act=action: act(self))
        if self._start_training is not None and not linked:
            add(
                "training",
                texts.TASK_TRAINING,
                "info",
                texts.TASK_TRAINING_HINT,
                lambda: self._start_training(self),
            )
        add("admin", texts.TASK_ADMIN, "club", texts.TASK_ADMIN_HINT, self.admin)
        self.status.send_now.setVisible(linked)
        if linked:
            self.status.connection.setText(texts.SYNC_STATES["idle"])

    def open_treasurer(self) -> None:
        if self._ready():
            self.treasurer.open()

    def release(self) -> None:
        """Let go of the data: background work, the national link, every connection."""
        self.tasks.wait()
        if self.link is not None:
            self.link.stop()
        if self.treasury is not None:
            self.treasury.close()
        self.desk.close()

    def admin(self) -> None:
        """Settings and safety: the club, the national link, backups, the lock, display."""
        if not self._ready():
            return
        page = HomePage(texts.ADMIN_TITLE)
        linked = self.link is not None and self.link.engine is not None
        page.add_task("club", texts.TASK_CLUB, "club", texts.TASK_CLUB_HINT, self.edit_club)
        if self.link is not None and not linked:
            page.add_task("enrol", texts.TASK_ENROL, "send", texts.TASK_ENROL_HINT, self.enrol)
        if self.shell is not None:
            page.add_task(
                "backups",
                texts.TASK_BACKUPS,
                "club",
                texts.TASK_BACKUPS_HINT,
                lambda: self.shell.show_backups(self),
            )
        page.add_task("lock", texts.TASK_LOCK, "club", texts.TASK_LOCK_HINT, self.lock_settings)
        page.add_task(
            "display",
            texts.TASK_SETTINGS,
            "info",
            texts.TASK_SETTINGS_HINT,
            lambda: self.show_page(SettingsPage(self.settings)),
        )
        for key, label, icon_name, hint, action in self.admin_tasks:
            page.add_task(key, label, icon_name, hint, lambda act=action: act(self))
        self.show_page(page)

    def _keep_focus_in_sight(self, old, new) -> None:
        """Keyboard users always see what has the focus: the page scrolls to it."""
        page = self.stack.currentWidget()
        if new is not None and page is not None and page.widget().isAncestorOf(new):
            top = new.mapTo(page.widget(), QPoint(0, 0))
            page.ensureVisible(top.x(), top.y() + new.height(), 16, 16)  # its bottom, then
            page.ensureVisible(top.x(), top.y(), 16, 16)  # its top, which wins if too tall

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
        if page is not self._message_page:
            self.clear_message()
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
        """A code typed or scanned on the home or result screen starts a validation."""
        if self.stack.currentWidget().takes_code and event.text().isdigit():
            self.start_validation(event.text())
            return
        super().keyPressEvent(event)

    def _ready(self) -> bool:
        if self.desk.club_profile() is None:
            return False
        self.clear_message()
        return True

    def start_validation(self, typed: str = "") -> None:
        if self._ready():
            self.desk_flow.start(typed)

    def find(self) -> None:
        if self._ready():
            self.records.find()

    def open_record(self, validation_id: int) -> None:
        self.clear_message()
        self.records.open(validation_id)

    def edit_club(self) -> None:
        self.clear_message()
        self.show_page(ClubForm(self.desk, on_saved=self._club_saved, on_cancel=self.go_home))

    def lock_settings(self) -> None:
        def done(message: str) -> None:
            self.desk_lock.restart()
            self.go_home()
            self.show_message(message, "success")

        if self._ready():
            self.show_page(LockSettingsPage(self.desk, done))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.desk_lock.overlay.setGeometry(self.rect())

    def to_check(self) -> None:
        if self._ready():
            page = ToCheckPage(self.desk.to_check)
            page.open_record.connect(self.open_record)
            self.show_page(page)

    def enrol(self) -> None:
        if not self._ready() or self.link is None:
            return
        page = EnrolPage(self.settings.get("api_url"))

        def done(enrolment) -> None:
            self.settings.set("api_url", page.url.text().strip())
            self.link.start()
            self.build_home()
            self.go_home()
            self.show_message(texts.enrolled(enrolment.club_name), "success")

        page.submitted.connect(
            lambda url, code: self.tasks.run(
                lambda: self.link.enrol(url, code),
                done,
                lambda error: page.show_error(enrol_error(error)),
            )
        )
        self.show_page(page)

    # Messages and status
    def show_message(self, text: str, kind: str = "info") -> None:
        """A message about what was just done, on the current screen."""
        self._message_page = self.stack.currentWidget()
        self.message.setProperty("kind", kind)
        self.message.setText(f"{MESSAGE_ICONS[kind]}  {text}")
        self.message.setAccessibleName(text)
        announce(self.message, text, kind)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()

    def clear_message(self) -> None:
        self._message_page = None
        self.message.hide()

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setAccessibleName(text)
        self.banner.show()

    def refresh_status(self) -> None:
        self.status.set_pending(self.desk.pending_count())
        if self.link is not None:
            self.link.wake()

    def send_now(self) -> None:
        if self.link is not None:
            self.link.start()

    def on_sync_status(self, status: SyncStatus) -> None:
        self.status.show_sync(status)
        if status.changed:
            self.stack.currentWidget().on_data_changed()
        if status.state == "needs_enrolment":
            self.link.stop()
            self.build_home()

    def _set_club(self, profile: ClubProfile) -> None:
        self.club_label.setText(profile.name)

    def _club_saved(self, profile: ClubProfile) -> None:
        self._set_club(profile)
        self.go_home()
        self.show_message(texts.CLUB_SAVED, "success")

    def closeEvent(self, event) -> None:
        if self.stack.currentWidget().unsaved_work() and not self._closing:
            event.ignore()
            self._ask_before_closing()
            return
        self.tasks.wait()
        super().closeEvent(event)
        self.closed.emit()

    def close_now(self) -> None:
        """Close without asking: the caller has asked already (or nothing can be lost)."""
        self._closing = True
        self.close()

    def _ask_before_closing(self) -> None:
        """A registration half typed is not lost without a word: ask, staying is the
        default (Enter, Échap)."""
        box, close = question(
            self,
            texts.CLOSE_TITLE,
            texts.CLOSE_UNSAVED,
            texts.CLOSE_ANYWAY,
            texts.CLOSE_KEEP,
            warning=True,
        )
        box.setObjectName("closeQuestion")

        def answered() -> None:
            if box.clickedButton() is close:
                self.close_now()
            box.deleteLater()

        box.finished.connect(answered)
        box.open()
