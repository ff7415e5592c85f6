"""Training mode: practise with test codes against a local reference server.

Everything lives in its own folder in the data folder (its own database, the server's
database, sealed with a key that exists only in memory); leaving training stops the
server and deletes the folder, and a program stopped in training has it deleted at its
next start, so nothing reaches the real data nor outlives the session. The token stays in memory: no keyring is touched.

Training never looks real: the window, its status area, its receipts and the treasurer's
summary sheet are all built knowing they are in training (one flag where each is made,
below), and none of them says that anything was sent to the national service.
"""

import shutil
from collections.abc import Callable
from datetime import datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from app.desk import Desk, open_desk, utc_now
from app.paths import default_paths
from app.seasons import SeasonTable, load_seasons
from app.settings import Settings
from app.treasury import Treasury
from sync.link import NationalLink
from sync.server import ReferenceServer
from sync.training import (
    TRAINING_ENROLMENT_CODE,
    CodeCategory,
    TrainingCode,
    training_codes_on,
)
from ui import french
from ui.printing import ask_pdf_path, ask_printer
from ui.services import build_services
from ui.style import current_scale, icon
from ui.texts import common as common_texts
from ui.texts import training as training_texts
from ui.treasurer_flow import Dialogs
from ui.widgets import Page, details_form, question

SEED = 1


def code_note(code: TrainingCode) -> str:
    """What the desk does with ``code``, in one short French line."""
    if code.category is CodeCategory.AVAILABLE and code.aeeh:
        return training_texts.TRAINING_NOTES["available_aeeh"]
    return training_texts.TRAINING_NOTES[code.category.value]


class TrainingCodesPage(Page):
    """The test codes and their holders, to type at the training desk."""

    start = Signal()

    def __init__(
        self, codes: list[TrainingCode], open_year: int | None = None, parent=None
    ) -> None:
        super().__init__(training_texts.TRAINING_CODES, training_texts.TRAINING_CODES_INTRO, parent)
        season = QLabel(
            training_texts.training_season(open_year)
            if open_year
            else training_texts.TRAINING_NO_OPEN_SEASON
        )
        season.setObjectName("intro")
        season.setWordWrap(True)
        self.body.addWidget(season)
        self.start_button = QPushButton(training_texts.TRAINING_START)
        self.start_button.setObjectName("primary")
        self.start_button.setAutoDefault(True)
        self.start_button.clicked.connect(self.start.emit)
        self.body.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignLeft)
        rows = [
            (
                c.code,
                f"{c.first_name} {c.last_name}, {french.short_date(c.birth_date)}. {code_note(c)}",
            )
            for c in codes
        ]
        form, self.values = details_form(rows)
        self.body.addLayout(form)

    def on_shown(self) -> None:
        self.start_button.setFocus()


def _training_bar(window, button: QPushButton) -> QLabel:
    """The banner that says training is on, made unmistakable: a warning icon, "Mode
    formation : exercice sans valeur" in large letters above the sentence, and the way out
    beside it rather than in the top bar, which must stay narrow enough for text at 200 %.
    The large letters are relative to the text size, so they follow the setting."""
    plain = f"{training_texts.TRAINING_MARK}. {training_texts.TRAINING_BANNER}"
    window.show_banner(
        f'<span style="font-size: large">{escape(training_texts.TRAINING_MARK)}</span>'
        f"<br>{escape(training_texts.TRAINING_BANNER)}"
    )
    window.banner.setTextFormat(Qt.TextFormat.RichText)
    window.banner.setAccessibleName(plain)
    outer = window.centralWidget().layout()
    bar = QWidget()
    bar.setObjectName("trainingBar")
    bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    row = QHBoxLayout(bar)
    row.setContentsMargins(16, 0, 16, 0)
    mark = QLabel()
    mark.setObjectName("banner")  # the banner's own colours, in the training bar
    size = round(36 * current_scale())
    mark.setPixmap(icon("warning").pixmap(size, size))
    mark.setAccessibleName(common_texts.RESULT_ICON_NAMES["warning"])
    outer.insertWidget(outer.indexOf(window.banner), bar)
    row.addWidget(mark, 0, Qt.AlignmentFlag.AlignVCenter)
    row.addWidget(window.banner, 1)
    row.addWidget(button)
    return window.banner


class _AskBeforeClosing(QObject):
    """Closing the training window asks first, as the button does."""

    def __init__(self, session: "TrainingSession") -> None:
        super().__init__()
        self._session = session

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Close and not self._session.leaving:
            event.ignore()
            self._session.ask_to_leave()
            return True
        return False


class TrainingSession:
    def __init__(
        self,
        real_desk: Desk,
        settings: Settings,
        on_leave: Callable[[], None],
        clock: Callable[[], datetime] = utc_now,
        choose_printer: Callable[[QWidget | None], QPrinter | None] = ask_printer,
        choose_pdf: Callable[[QWidget | None, str], Path | None] = ask_pdf_path,
        dialogs: Dialogs | None = None,
    ) -> None:
        self._real_desk = real_desk
        self._clock = clock
        self._settings = settings
        self._on_leave = on_leave
        self._choose_printer = choose_printer
        self._choose_pdf = choose_pdf
        self._dialogs = dialogs
        self.seasons: SeasonTable = load_seasons()
        self.folder = default_paths().training
        shutil.rmtree(self.folder, ignore_errors=True)  # what a stopped session left
        self.folder.mkdir(parents=True)
        # Only the codes that do on this day what their note says.
        self.codes = training_codes_on(clock(), self.seasons, SEED)
        self.server = ReferenceServer(self.folder / "national.sqlite3", seed=SEED, clock=clock)
        self.desk: Desk | None = None
        self.treasury: Treasury | None = None
        self.link: NationalLink | None = None
        self.window = None
        self.leave_question: QMessageBox | None = None
        self.leaving = False
        self._close_filter = _AskBeforeClosing(self)

    def start(self):
        from ui.window import MainWindow  # the window also offers training: built on demand

        url = self.server.start()
        database = self.folder / "club.sqlite3"
        # A key of its own, in memory only: the training data dies with the session.
        self.desk = open_desk(
            database,
            self.folder / "backups",
            clock=self._clock,
            throwaway_key=True,
            seasons=self.seasons,
        )
        profile = self._real_desk.club_profile()
        if profile is not None:
            self.desk.save_club_profile(
                profile.name, profile.siret, profile.rna, profile.federation
            )
        self.services = services = build_services(
            self.desk,
            self._settings,
            database,
            training=True,
            choose_printer=self._choose_printer,
            choose_pdf=self._choose_pdf,
            treasurer_dialogs=self._dialogs,
            keep_token_in_memory=True,
            interval_s=5.0,
        )
        self.link, self.treasury, self.printer = services.link, services.treasury, services.printer
        self.link.enrol(url, TRAINING_ENROLMENT_CODE)  # in-process server on loopback
        self.link.start()
        window = MainWindow(services)
        window.setWindowTitle(f"{common_texts.APP_TITLE} · {common_texts.TASK_TRAINING}")
        window.home.add_task(
            "training_codes",
            training_texts.TRAINING_CODES,
            "info",
            training_texts.TRAINING_CODES_INTRO,
            lambda: self._show_codes(window),
        )
        self.leave_button = QPushButton(training_texts.TRAINING_LEAVE)
        self.leave_button.setAutoDefault(True)
        self.leave_button.clicked.connect(self.ask_to_leave)
        self.mark = _training_bar(window, self.leave_button)
        window.installEventFilter(self._close_filter)
        window.closed.connect(self.leave)
        self.window = window
        window.show()
        return window

    def _show_codes(self, window) -> None:
        season = self.seasons.for_date(self._clock())
        page = TrainingCodesPage(self.codes, season.year if season else None)
        page.start.connect(window.start_validation)
        window.show_page(page)

    def practice_count(self) -> int:
        """How many registrations were made in this session (cancelled ones too)."""
        if self.treasury is None:
            return 0
        return sum(self.treasury.summary(year).count for year in self.treasury.years())

    def ask_to_leave(self) -> QMessageBox | None:
        """Ask before erasing the practice: staying is the default answer. The question is
        window-modal and does not block; answering "Quitter" leaves."""
        if self.window is None:
            return None
        if self.leave_question is not None and self.leave_question.isVisible():
            self.leave_question.raise_()
            return self.leave_question
        box, leave = question(
            self.window,
            training_texts.TRAINING_LEAVE,
            training_texts.TRAINING_LEAVE_TITLE,
            training_texts.TRAINING_LEAVE_CONFIRM,
            training_texts.TRAINING_STAY,
            details=training_texts.training_leave_question(self.practice_count()),
        )
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(lambda _: self._answered(box, leave))
        self.leave_question = box
        box.open()
        return box

    def _answered(self, box: QMessageBox, leave: QPushButton) -> None:
        self.leave_question = None
        if box.clickedButton() is leave:
            self.leave()

    def _real_window(self):
        """The window that started this session: it keeps it as ``window.training``."""
        from ui.window import MainWindow

        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and getattr(widget, "training", None) is self:
                return widget
        return None

    def leave(self) -> None:
        """Stop everything and delete the training folder, without asking (the button
        and closing the window ask first: :meth:`ask_to_leave`)."""
        window, self.window = self.window, None
        if window is None:
            return  # already left (closing the window calls this again)
        self.leaving = True
        window.stop_listening()  # no more news from the server reaches it
        # Without asking again (the question was asked, or the caller knows): every
        # practice registration goes anyway.
        window.close_now()
        window.removeEventFilter(self._close_filter)
        window.release()  # the link, the treasury and the desk, as the program's window
        self.treasury = self.desk = None
        self.server.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
        real = self._real_window()
        if real is not None:
            # Back to the start of the real desk, without what it said before training.
            real.training = None
            real.clear_message()
            real.go_home()
        self._on_leave()
