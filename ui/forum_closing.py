"""« Clôturer le forum » on the main desk: the closing summary, read from the main desk's
store (``closing_summary``, ``conflicts``), then the closing backup, then closing.

The backup is the program's own (app/backups.py): a checked copy of this computer's
database, in the folder chosen (a USB key) or the usual backups folder, and beside it, in
a folder ``forum``, a checked copy of the main desk's forum file (its names stay sealed
with this computer's key). Kept in a folder of its own, the forum's copy is never offered
as a backup of the club's data. Both are made off the interface thread.
"""

from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton

from app import backups
from app.errors import KnownError, StoreError
from app.paths import default_paths
from app.store import connect
from ui import french
from ui.desk_pages import button_row
from ui.forum_pages import line, readable, section
from ui.forum_usb import Busy, forum_files
from ui.texts import backups as backups_texts
from ui.texts import errors as errors_texts
from ui.texts import forum as forum_texts
from ui.texts import forum_closing as texts
from ui.widgets import Page

BACKUP_REASON = "cloture-forum"


@dataclass(frozen=True)
class ClosingView:
    """What the closing page says, in words."""

    totals: str
    desks: list[str] = field(default_factory=list)  # one paragraph per desk
    not_sent: list[str] = field(default_factory=list)  # desks that still hold some
    conflicts: list[str] = field(default_factory=list)


def _clock(stamp: str | None) -> str:
    try:
        return french.clock(datetime.fromisoformat(stamp or ""))
    except ValueError:
        return ""


def closing_view(summary: list[dict], conflicts: list[dict]) -> ClosingView:
    """The closing page's words from the main desk's ``closing_summary()`` and
    ``conflicts()``."""
    desks, not_sent = [], []
    count = amount = held = held_cents = 0
    summary = sorted(summary, key=lambda desk: desk["name"] != texts.MAIN_DESK)  # its own first
    for desk in summary:
        name = texts.desk_name(desk["name"], desk["revoked"])
        count += desk["registrations"]
        amount += desk["amount_cents"]
        lines = [texts.desk_counts(name, desk["registrations"], french.euros(desk["amount_cents"]))]
        pending = desk["pending"]
        lines.append(texts.pending(pending, _clock(desk["reported_at"])))
        cheques = [c for c in desk["cheques"] or [] if isinstance(c, dict)]
        lines.append(texts.held_cheques(len(cheques)))
        for cheque in cheques:
            cents = int(cheque.get("cents") or 0)
            held, held_cents = held + 1, held_cents + cents
            person = f"{cheque.get('first_name', '')} {cheque.get('last_name', '')}".strip()
            lines.append(texts.cheque(
                str(cheque.get("number") or ""), str(cheque.get("bank") or ""),
                french.euros(cents), person, str(cheque.get("receipt_no") or ""),
            ))  # fmt: skip
        desks.append("\n".join(lines))
        if pending is None or pending > 0:
            not_sent.append(texts.not_sent(name, pending))
    return ClosingView(
        totals=texts.totals(count, french.euros(amount), held, french.euros(held_cents),
                            len(summary)),
        desks=desks,
        not_sent=not_sent,
        conflicts=[texts.conflict(c["code"], c["desk"] or "poste") for c in conflicts],
    )  # fmt: skip


def _paragraph(text: str = ""):
    label = readable(text)
    label.setAccessibleName(text.replace("\n", " "))
    return label


class ClosingPage(Page):
    """The closing summary, the closing backup, then closing the main desk."""

    backup_usb = Signal()
    backup_here = Signal()
    close_main = Signal()
    back = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(texts.TITLE, texts.INTRO, parent)
        self.body.addWidget(section(texts.TOTALS_TITLE))
        self.totals = _paragraph()
        self.body.addWidget(self.totals)
        self.body.addWidget(section(texts.DESKS_TITLE))
        self._desks_at = self.body.count()
        self.desks: list = []
        self.body.addWidget(section(texts.NOT_SENT_TITLE))
        self.not_sent = _paragraph()
        self.body.addWidget(self.not_sent)
        self.body.addWidget(section(texts.CONFLICTS_TITLE))
        self.conflicts = _paragraph()
        self.body.addWidget(self.conflicts)

        self.body.addWidget(section(texts.BACKUP_TITLE))
        self.body.addWidget(line(texts.BACKUP_INTRO))
        self.usb_button = QPushButton(texts.BACKUP_USB)
        self.usb_button.setObjectName("primary")
        self.usb_button.clicked.connect(self.backup_usb.emit)
        self.here_button = QPushButton(texts.BACKUP_HERE)
        self.here_button.setToolTip(texts.BACKUP_HERE_HINT)
        self.here_button.setAccessibleDescription(texts.BACKUP_HERE_HINT)
        self.here_button.clicked.connect(self.backup_here.emit)
        self.body.addLayout(button_row(self.usb_button, self.here_button))
        self.backed_up = _paragraph()
        self.backed_up.hide()
        self.body.addWidget(self.backed_up)

        self.body.addWidget(line(texts.CLOSE_HINT))
        self.close_button = QPushButton(forum_texts.CLOSE_MAIN)
        self.close_button.clicked.connect(self.close_main.emit)
        self.back_button = QPushButton(texts.BACK)
        self.back_button.clicked.connect(self.back.emit)
        self.body.addLayout(button_row(self.close_button, self.back_button))
        self._view: ClosingView | None = None

    def on_shown(self) -> None:
        self.totals.setFocus()

    def show_view(self, view: ClosingView) -> None:
        if view == self._view:
            return
        self._view = view
        self._say(self.totals, view.totals)
        while len(self.desks) > len(view.desks):  # a desk gone: the focus stays on the page
            gone = self.desks.pop()
            if gone.hasFocus():
                self.totals.setFocus()
            gone.deleteLater()
        while len(self.desks) < len(view.desks):
            self.desks.append(_paragraph())
            self.body.insertWidget(self._desks_at + len(self.desks) - 1, self.desks[-1])
        for label, text in zip(self.desks, view.desks, strict=True):
            self._say(label, text)
        chain = [self.totals, *self.desks, self.not_sent, self.conflicts, self.usb_button]
        for before, after in pairwise(chain):  # Tab reads down the page
            self.setTabOrder(before, after)
        self._say(self.not_sent, "\n".join(view.not_sent) or texts.ALL_SENT)
        conflicts = texts.NO_CONFLICT
        if view.conflicts:
            conflicts = "\n".join([texts.conflicts_intro(len(view.conflicts)), *view.conflicts])
        self._say(self.conflicts, conflicts)
        self.body.invalidate()  # texts that wrap on more lines: room for them
        self.column.updateGeometry()

    @staticmethod
    def _say(label, text: str) -> None:
        if label.text() != text:
            label.setText(text)
            label.setAccessibleName(text.replace("\n", " "))

    def show_backed_up(self, text: str) -> None:
        self._say(self.backed_up, text)
        self.backed_up.show()
        self.body.invalidate()
        self.column.updateGeometry()
        self.close_button.setObjectName("primary")  # the next step
        self.close_button.style().unpolish(self.close_button)
        self.close_button.style().polish(self.close_button)
        self.close_button.setFocus()


def make_closing_backup(main, page: ClosingPage, to_usb: bool) -> None:
    """The closing backup, in the folder chosen or the usual backups folder."""
    window, desk, hub = main.window, main.desk, main.link.hub
    if to_usb:
        folder = forum_files(main.services).backup_folder(window)
        if folder is None:
            return
    else:
        shell = window.shell
        folder = shell.paths.backups if shell is not None else default_paths().backups
    database = main.services.database or default_paths().database
    button = page.usb_button if to_usb else page.here_button
    busy = Busy(window, button, texts.BACKING_UP)

    def work() -> tuple[backups.Backup, backups.Backup | None]:
        conn = connect(database, desk.vault)
        try:
            made = backups.make_backup(conn, folder, BACKUP_REASON, desk.now())
        finally:
            conn.close()
        copy = hub.backup(folder / backups.FORUM_COPIES, desk.now()) if hub is not None else None
        if not all(backups.verify(b) for b in (made, copy) if b is not None):
            raise StoreError("backup_damaged")
        return made, copy

    def made(done: tuple[backups.Backup, backups.Backup | None]) -> None:
        club, forum = done
        said = texts.backed_up(str(club.path), str(forum.path) if forum else "")
        busy.done(said, "success")
        page.show_backed_up(said)

    def failed(error: BaseException) -> None:
        said = texts.BACKUP_FAILED
        if isinstance(error, KnownError) and error.reason == "backup_damaged":
            said = f"{backups_texts.BACKUP_FAILED_WHY['backup_damaged']} {said}"
        elif isinstance(error, KnownError):
            said = errors_texts.describe(error)
        busy.done(said, "error")

    window.tasks.run(work, made, failed)
