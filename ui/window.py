"""The main window: a top bar with the way home, the current screen, messages and status."""

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt, QTimer, Signal
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
from sync.status import SyncStatus
from ui.about_page import AboutPage
from ui.accessibility import announce, arrive, install
from ui.actions import attempt
from ui.club_form import ClubForm
from ui.desk_flow import DeskFlow
from ui.forum_flow import ForumFlow
from ui.home import HomePage
from ui.lock import DeskLock, LockSettingsPage
from ui.national_pages import EnrolPage, ToCheckPage, enrol_error
from ui.records_flow import RecordsFlow
from ui.recovery_sheet import recovery_sheet_page
from ui.seasons_page import SeasonsFlow, take_national_seasons
from ui.services import Services
from ui.settings_page import SettingsPage
from ui.status import StatusArea
from ui.style import icon
from ui.tasks import Tasks
from ui.texts import about as about_texts
from ui.texts import club as club_texts
from ui.texts import common as common_texts
from ui.texts import desk as desk_texts
from ui.texts import forum as forum_texts
from ui.texts import national as national_texts
from ui.texts import seasons as seasons_texts
from ui.texts import settings as settings_texts
from ui.treasurer_flow import TreasurerFlow
from ui.widgets import Page, question

MESSAGE_ICONS = {"success": "✔", "error": "✖", "warning": "⚠", "info": "ℹ"}


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(
        self,
        services: Services,
        start_training: Callable[["MainWindow"], None] | None = None,
        shell=None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        install()  # what screen readers need, once per program
        self.services = services
        self.desk = desk = services.desk
        self.settings = settings = services.settings
        self.link = services.link
        self.treasury = services.treasury
        printer = services.printer
        self.tasks = Tasks(self)
        self.treasurer = TreasurerFlow(
            services.treasury,
            self.tasks,
            self,
            services.treasurer_dialogs,
            # The training desk is linked to its own server: no portal to import from.
            portal_offered=lambda: not (services.training or self.link.engine),
            on_added=desk.reload_search,
            training=services.training,
        )
        self._start_training = start_training
        self.shell = shell  # ui/shell.py: backups and restore, when the window has one
        self.training = None  # the training session started from this window, if any
        self._closing = False
        self.desk_flow = DeskFlow(desk, printer, settings, self, link=self.link, tasks=self.tasks)
        self.records = RecordsFlow(
            desk, printer, self.desk_flow, self, self.tasks, self._forum_search
        )
        self.setWindowTitle(common_texts.APP_TITLE)
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
        self.home_button = QPushButton(icon("home"), common_texts.HOME)
        self.home_button.setToolTip(common_texts.HOME_HINT)
        self.home_button.setAccessibleName(common_texts.HOME)
        self.home_button.setAutoDefault(True)
        self.home_button.clicked.connect(self.go_home)
        title = QLabel(common_texts.APP_TITLE)
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
        self.status.clock = desk.now
        self.status.send_now.clicked.connect(self.send_now)
        outer.addWidget(self.status)
        self.setCentralWidget(central)
        self.forum = ForumFlow(self, services)

        self.home = HomePage(common_texts.HOME_TITLE, common_texts.HOME_INTRO, takes_code=True)
        self.stack.addWidget(self.home)
        self.build_home()
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.go_home)
        QShortcut(QKeySequence(Qt.Key.Key_F2), self, activated=self.start_validation)
        QShortcut(QKeySequence(Qt.Key.Key_F3), self, activated=self.find)
        self._bridge = services.bridge
        self._bridge.status.connect(self.on_sync_status)
        self.status.set_training(services.training)

        self.desk_lock = DeskLock(self, desk, settings)
        QApplication.instance().focusChanged.connect(self._keep_focus_in_sight)
        profile = desk.club_profile()
        if profile is None:
            self.show_page(self._first_club_form())
        else:
            self._set_club(profile)
            self.go_home()
        self.forum.start()
        self.refresh_status()

    def build_home(self) -> None:
        """Offer only the tasks that work now: the desk's few big ones on the home screen,
        the rest on one page of settings."""
        focused = QApplication.focusWidget()
        had_focus = next((k for k, b in self.home.buttons.items() if b is focused), None)
        self.home.clear_tasks()
        add = self.home.add_task
        linked = self.link.engine is not None
        add(
            "validate",
            common_texts.TASK_VALIDATE,
            "validate",
            common_texts.TASK_VALIDATE_HINT,
            self.start_validation,
        )
        add("find", common_texts.TASK_FIND, "search", common_texts.TASK_FIND_HINT, self.find)
        if linked:
            add(
                "to_check",
                common_texts.TASK_TO_CHECK,
                "warning",
                common_texts.TASK_TO_CHECK_HINT,
                self.to_check,
            )
        add(
            "treasurer",
            common_texts.TASK_TREASURER,
            "treasurer",
            common_texts.TASK_TREASURER_HINT,
            self.open_treasurer,
        )
        if self.forum.offered:
            add(
                "forum",
                forum_texts.TASK_FORUM,
                "club",
                forum_texts.TASK_FORUM_HINT,
                self.open_forum,
            )
        if self._start_training is not None and not linked:
            add(
                "training",
                common_texts.TASK_TRAINING,
                "info",
                common_texts.TASK_TRAINING_HINT,
                lambda: self._start_training(self),
            )
        add("admin", common_texts.TASK_ADMIN, "club", common_texts.TASK_ADMIN_HINT, self.admin)
        if had_focus is not None:  # rebuilt under the user's eyes: the focus stays put
            (self.home.buttons.get(had_focus) or next(iter(self.home.buttons.values()))).setFocus()
        self.status.send_now.setVisible(linked)
        if linked and self.status.forum_role is None:
            self.status.connection.setText(national_texts.SYNC_STATES["idle"])
            self.status.connection.setAccessibleName(national_texts.SYNC_STATES["idle"])

    def open_treasurer(self) -> None:
        if self._ready():
            self.treasurer.open()

    def open_forum(self) -> None:
        if self._ready():
            self.forum.open()

    def _first_club_form(self) -> ClubForm:
        """The first start's club form; a laptop brought to the forum can instead take the
        club of the main desk it joins."""
        form = ClubForm(self.desk, on_saved=self._club_set_up)
        if self.forum.offered:
            join = QPushButton(forum_texts.JOIN_FIRST)
            join.setToolTip(forum_texts.JOIN_FIRST_HINT)
            join.setAccessibleDescription(forum_texts.JOIN_FIRST_HINT)
            join.setAutoDefault(True)
            join.clicked.connect(lambda: self.forum.join(back=lambda: self.show_page(form)))
            for index in range(form.body.count()):  # beside « Enregistrer »
                row = form.body.itemAt(index).layout()
                if row is not None and row.indexOf(form.save_button) >= 0:
                    row.insertWidget(row.indexOf(form.save_button) + 1, join)
        return form

    def club_changed(self, profile: ClubProfile) -> None:
        """The club's profile was saved from elsewhere (the forum's main desk)."""
        self._set_club(profile)

    def release(self) -> None:
        """Let go of the data: background work, the national link, every connection.
        Bounded: neither waits more than a few seconds."""
        self.forum.close()
        self.stop_listening()
        self.tasks.wait()
        self.services.close()

    def admin(self) -> None:
        """Settings and safety: the club, the national link, backups, the lock, display."""
        if not self._ready():
            return
        page = HomePage(settings_texts.ADMIN_TITLE)
        page.add_task(
            "club", common_texts.TASK_CLUB, "club", common_texts.TASK_CLUB_HINT, self.edit_club
        )
        if self.link.engine is None:
            page.add_task(
                "enrol", common_texts.TASK_ENROL, "send", common_texts.TASK_ENROL_HINT, self.enrol
            )
        if self.shell is not None:
            page.add_task(
                "backups",
                common_texts.TASK_BACKUPS,
                "club",
                common_texts.TASK_BACKUPS_HINT,
                lambda: self.shell.show_backups(self),
            )
        page.add_task(
            "lock", common_texts.TASK_LOCK, "club", common_texts.TASK_LOCK_HINT, self.lock_settings
        )
        page.add_task(
            "seasons",
            seasons_texts.TASK,
            "info",
            seasons_texts.TASK_HINT,
            lambda: SeasonsFlow(
                self.desk, self.treasury, self, linked=self.link.engine is not None
            ).open(),
        )
        page.add_task(
            "display",
            common_texts.TASK_SETTINGS,
            "info",
            common_texts.TASK_SETTINGS_HINT,
            lambda: self.show_page(SettingsPage(self.settings)),
        )
        page.add_task(
            "about",
            about_texts.TASK_ABOUT,
            "info",
            about_texts.TASK_ABOUT_HINT,
            lambda: self.show_page(
                AboutPage(self.desk.seasons, self.shell.paths if self.shell else None)
            ),
        )
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
        QTimer.singleShot(0, self, lambda: self._arrive(self.stack.currentWidget()))

    # Navigation
    def show_page(self, page: Page) -> None:
        previous = self.stack.currentWidget()
        if self.stack.indexOf(page) < 0:
            self.stack.addWidget(page)
        # The new page shows beside the old one for an instant and takes the focus there,
        # so that it goes straight to its place: a page hidden with the focus in it hands
        # it to the next button (« Accueil »), which a screen reader would say each time.
        focused = QApplication.focusWidget()
        early = previous is not None and focused is not None and previous.isAncestorOf(focused)
        if early:
            page.show()
            self._arrive(page)
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
        if not early:
            self._arrive(page)
        self._focus_in_sight()

    def _arrive(self, page: Page) -> None:
        """The focus to where work starts on ``page``, and the page said with it."""
        text, kind = page.arrival()
        arrive(page, text, kind, page.on_shown)

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

    def _forum_search(self):
        """How to search the whole forum, while this computer is at one (else None)."""
        at_forum = getattr(self, "forum", None) is not None and self.forum.role is not None
        return self.link.forum_search if at_forum else None

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
        if not self._ready():
            return
        page = EnrolPage(self.settings.get("api_url"))

        def done(enrolment) -> None:
            # Only the address the page offers next time: not saved, the link still works.
            attempt(self, lambda: self.settings.set("api_url", page.url.text().strip()))
            self.link.start()
            self.build_home()
            self.go_home()
            self.show_message(national_texts.enrolled(enrolment.club_name), "success")

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
        self._focus_in_sight()  # the message takes room from the page

    def _focus_in_sight(self) -> None:
        """What has the focus on the page is in sight, once the page is laid out."""
        page, focused = self.stack.currentWidget(), QApplication.focusWidget()
        if isinstance(page, Page) and focused is not None and page.isAncestorOf(focused):
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            page.ensureWidgetVisible(focused, 16, 16)

    def clear_message(self) -> None:
        self._message_page = None
        self.message.hide()

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setAccessibleName(text)
        self.banner.show()

    def refresh_status(self) -> None:
        self.status.set_pending(self.desk.pending_count())
        self.link.wake()

    def send_now(self) -> None:
        self.link.start()

    def stop_listening(self) -> None:
        """No more news from the sync engine: news still on its way would reach pages
        whose data is closed."""
        if self._bridge is not None:
            with contextlib.suppress(RuntimeError):  # already let go
                self._bridge.status.disconnect(self.on_sync_status)
            self._bridge = None
        QCoreApplication.removePostedEvents(self, QEvent.Type.MetaCall)

    def on_sync_status(self, status: SyncStatus) -> None:
        self.status.show_sync(status)
        self.forum.on_sync_status(status)
        if status.seasons is not None and take_national_seasons(
            self.desk, self.treasury, status.seasons, self
        ):
            self.stack.currentWidget().on_data_changed()
        if status.changed:
            self.stack.currentWidget().on_data_changed()
        if status.state == "needs_enrolment":
            self.link.stop()
            self.build_home()

    def _set_club(self, profile: ClubProfile) -> None:
        self.club_label.setText(profile.name)

    def _club_set_up(self, profile: ClubProfile) -> None:
        """The first start's club form is saved: the next step is the recovery sheet,
        without which a lost key is lost data (training data needs none)."""
        if self.services.training or self.desk.has_recovery_phrase():
            self._club_saved(profile)
            return
        self._set_club(profile)
        self.show_page(recovery_sheet_page(self.services))
        self.show_message(club_texts.CLUB_SAVED_SHEET_NEXT, "success")

    def _club_saved(self, profile: ClubProfile) -> None:
        self._set_club(profile)
        self.go_home()
        self.show_message(club_texts.CLUB_SAVED, "success")

    def closeEvent(self, event) -> None:
        if self.desk_lock.locked and not self._closing:
            event.ignore()  # the lock would be gone at the next start: the PIN first
            self.desk_lock.refuse_close()
            return
        if self.stack.currentWidget().unsaved_work() and not self._closing:
            event.ignore()
            self._ask_before_closing()
            return
        self.forum.close()  # the main desk stops with the program
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
            desk_texts.CLOSE_TITLE,
            desk_texts.CLOSE_UNSAVED,
            desk_texts.CLOSE_ANYWAY,
            desk_texts.CLOSE_KEEP,
            warning=True,
        )
        box.setObjectName("closeQuestion")

        def answered() -> None:
            if box.clickedButton() is close:
                self.close_now()
            box.deleteLater()

        box.finished.connect(answered)
        box.open()
