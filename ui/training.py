"""Training mode: practise with test codes against a local reference server.

Everything lives in a temporary folder (its own database, the server's database);
leaving training stops the server and deletes the folder, so nothing reaches the
real data. The token stays in memory: no keyring is touched.
"""

import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from app.desk import Desk, utc_now
from app.seasons import load_seasons
from app.settings import Settings
from app.store import open_store
from app.vault import Vault, new_key
from sync.link import NationalLink
from sync.server import ReferenceServer
from sync.training import TRAINING_ENROLMENT_CODE, TrainingCode, training_codes
from ui import french, texts
from ui.printing import ReceiptPrinter
from ui.status import SyncBridge
from ui.widgets import Page, details_form

SEED = 1


class TrainingCodesPage(Page):
    """The test codes and their holders, to type at the training desk."""

    start = Signal()

    def __init__(self, codes: list[TrainingCode], parent=None) -> None:
        super().__init__(texts.TRAINING_CODES, texts.TRAINING_CODES_INTRO, parent)
        self.start_button = QPushButton(texts.TRAINING_START)
        self.start_button.setObjectName("primary")
        self.start_button.setAutoDefault(True)
        self.start_button.clicked.connect(self.start.emit)
        self.body.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignLeft)
        rows = [
            (
                c.code,
                f"{c.first_name} {c.last_name}, {french.short_date(c.birth_date)}. {c.note_fr}",
            )
            for c in codes
        ]
        form, self.values = details_form(rows)
        self.body.addLayout(form)

    def on_shown(self) -> None:
        self.start_button.setFocus()


def _beside_banner(window, button: QPushButton) -> None:
    """Put the way out of training next to the banner that says training is on, rather
    than in the top bar, which must stay narrow enough for text at 200 %."""
    outer = window.centralWidget().layout()
    bar = QWidget()
    bar.setObjectName("trainingBar")
    bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    row = QHBoxLayout(bar)
    row.setContentsMargins(0, 0, 16, 0)
    outer.insertWidget(outer.indexOf(window.banner), bar)
    row.addWidget(window.banner, 1)
    row.addWidget(button)


class TrainingSession:
    def __init__(
        self,
        real_desk: Desk,
        settings: Settings,
        on_leave: Callable[[], None],
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._real_desk = real_desk
        self._clock = clock
        self._settings = settings
        self._on_leave = on_leave
        self.folder = Path(tempfile.mkdtemp(prefix="passsport-formation-"))
        self.codes = training_codes(SEED)
        self.server = ReferenceServer(self.folder / "national.sqlite3", seed=SEED, clock=clock)
        self.desk: Desk | None = None
        self.link: NationalLink | None = None
        self.window = None

    def start(self):
        from ui.window import MainWindow  # the window also offers training: built on demand

        url = self.server.start()
        database = self.folder / "club.sqlite3"
        # A key of its own, in memory only: the training data dies with the session.
        vault = Vault(new_key())
        conn = open_store(database, self.folder / "backups", vault)
        self.desk = Desk(conn, load_seasons(), self._clock, vault)
        profile = self._real_desk.club_profile()
        if profile is not None:
            self.desk.save_club_profile(
                profile.name, profile.siret, profile.rna, profile.federation
            )
        bridge = SyncBridge()
        self.link = NationalLink(
            database,
            bridge.publish,
            keep_token_in_memory=True,
            vault=vault,
            interval_s=5.0,
            clock=self._clock,
        )
        self.link.enrol(url, TRAINING_ENROLMENT_CODE)  # in-process server on loopback
        self.link.start()
        window = MainWindow(
            self.desk, self._settings, ReceiptPrinter(self.desk, self._settings), self.link, bridge
        )
        window.setWindowTitle(f"{texts.APP_TITLE} · {texts.TASK_TRAINING}")
        window.show_banner(texts.TRAINING_BANNER)
        window.home.add_task(
            "training_codes",
            texts.TRAINING_CODES,
            "info",
            texts.TRAINING_CODES_INTRO,
            lambda: self._show_codes(window),
        )
        leave = QPushButton(texts.TRAINING_LEAVE)
        leave.setAutoDefault(True)
        leave.clicked.connect(self.leave)
        _beside_banner(window, leave)
        window.closed.connect(self.leave)
        self.window = window
        window.show()
        return window

    def _show_codes(self, window) -> None:
        page = TrainingCodesPage(self.codes)
        page.start.connect(window.start_validation)
        window.show_page(page)

    def leave(self) -> None:
        """Stop everything and delete the training folder."""
        window, self.window = self.window, None
        if window is None:
            return  # already left (closing the window calls this again)
        if self.link is not None:
            self.link.stop()
        window.close()
        if self.desk is not None:
            self.desk.close()
            self.desk = None
        self.server.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
        self._on_leave()
