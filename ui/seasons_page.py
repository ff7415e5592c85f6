"""The season table in the window: the line that says which one is in force, the page
that imports a signed season file, and the national table put in force when it comes.

Swapping the table happens here, on the interface thread: the desk keeps the one in force
(app/desk.py), the treasury is handed the same one.
"""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from app.desk import Desk
from app.errors import KnownError
from app.season_files import SeasonFileError, SeasonUpdate
from app.seasons import SeasonDataError, SeasonTable
from app.treasury import Treasury
from ui import files
from ui.actions import attempt
from ui.desk_pages import button_row
from ui.texts import seasons as seasons_texts
from ui.widgets import Page, question

SEASON_FILES = (seasons_texts.FILES_KIND, "*.json")


class SeasonsLine(QLabel):
    """One short line: the table in force and since when; ``notice``: with what the
    national table changed under recorded registrations, for the treasurer."""

    def __init__(self, table: Callable[[], SeasonTable], notice: bool = False, parent=None) -> None:
        super().__init__(parent)
        self._table = table
        self._notice = notice
        self.setObjectName("intro")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.refresh()

    def refresh(self) -> None:
        table = self._table()
        lines = [seasons_texts.in_force(table)]
        if self._notice and table.origin.notice:
            lines += [seasons_texts.NOTICE, seasons_texts.changes_text(table.origin.notice)]
        self.setText("\n".join(lines))
        self.setAccessibleName(self.text())


class SeasonsPage(Page):
    """The table in force, and the button that reads a signed season file."""

    choose = Signal()

    def __init__(self, table: Callable[[], SeasonTable], linked: bool, parent=None) -> None:
        intro = f"{seasons_texts.INTRO}\n{seasons_texts.LINKED}" if linked else seasons_texts.INTRO
        super().__init__(seasons_texts.TITLE, intro, parent)
        self.line = SeasonsLine(table)
        self.body.addWidget(self.line)
        self.button = QPushButton(seasons_texts.CHOOSE)
        self.button.setObjectName("primary")
        self.button.setToolTip(seasons_texts.CHOOSE_HINT)
        self.button.setAccessibleDescription(seasons_texts.CHOOSE_HINT)
        self.button.setAutoDefault(True)
        self.button.clicked.connect(self.choose.emit)
        self.body.addLayout(button_row(self.button))
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.body.addWidget(self.error)

    def on_shown(self) -> None:
        self.button.setFocus()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setAccessibleName(text)
        self.error.setVisible(bool(text))


def describe(error: KnownError) -> str | None:
    """The sentence for a refused season file, or None when it is not about one."""
    if isinstance(error, SeasonFileError):
        if error.reason == "older":
            return seasons_texts.older(error.details["published"], error.details["in_force"])
        return seasons_texts.FILE_ERRORS.get(error.reason, seasons_texts.FILE_ERRORS["unreadable"])
    if isinstance(error, SeasonDataError):
        return seasons_texts.data_refused(error.reason, error.year)
    return None


class SeasonsFlow:
    """The "Mettre à jour les saisons" task. ``nav``: the window (show_page,
    show_message); ``choose_file``: the program's file dialog, which tests replace."""

    def __init__(
        self,
        desk: Desk,
        treasury: Treasury,
        nav,
        linked: bool = False,
        choose_file: Callable[[QWidget], Path | None] | None = None,
    ) -> None:
        self._desk = desk
        self._treasury = treasury
        self._nav = nav
        self._linked = linked
        self._choose_file = choose_file or (
            lambda parent: files.chooser_for(parent).open_path(
                parent, (SEASON_FILES, files.EVERYTHING)
            )
        )
        self.page: SeasonsPage | None = None
        self.question = None  # the question asked before a table that contradicts

    def open(self) -> SeasonsPage:
        self.page = page = SeasonsPage(lambda: self._desk.seasons, self._linked)
        page.choose.connect(self._choose)
        self._nav.show_page(page)
        return page

    def _choose(self) -> None:
        path = self._choose_file(self.page)
        if path is not None:
            self.read(path)

    def read(self, path: Path) -> None:
        """Read the file at ``path``; apply it, or ask first when it contradicts
        registrations already recorded."""
        page = self.page
        page.show_error("")
        self._nav.clear_message()

        def refused(error: KnownError) -> bool:
            text = describe(error)
            if text is not None:
                page.show_error(text)
            return text is not None

        attempt(
            page,
            lambda: self._desk.read_season_file(path),
            lambda update: self._decide(update, path),
            refused,
        )

    def _decide(self, update: SeasonUpdate, path: Path) -> None:
        if update.already:
            self._nav.show_message(seasons_texts.ALREADY, "info")
        elif update.changes:
            self._ask(update, path)
        else:
            self._apply(update)

    def _ask(self, update: SeasonUpdate, path: Path) -> None:
        """Exactly what changes, for how many registrations; keeping the table in force is
        the default answer (Enter, Échap)."""
        box, go = question(
            self.page,
            seasons_texts.CONFIRM_TITLE,
            seasons_texts.CONFIRM_QUESTION,
            seasons_texts.CONFIRM_APPLY,
            seasons_texts.CONFIRM_KEEP,
            details=seasons_texts.changes_text(update.changes),
            warning=True,
        )
        box.setObjectName("seasonsQuestion")
        self.question = box

        def answered() -> None:
            self.question = None
            if box.clickedButton() is go and update.against is not self._desk.seasons:
                # The national table came in while the question was open: what the file
                # changes is found again against it (and asked again if need be).
                self.read(path)
            elif box.clickedButton() is go:
                self._apply(update)
            else:
                self._nav.show_message(seasons_texts.NOT_APPLIED, "info")
            box.deleteLater()

        box.finished.connect(answered)
        box.open()

    def _apply(self, update: SeasonUpdate) -> None:
        def done(table: SeasonTable) -> None:
            self._treasury.seasons = table
            self.page.line.refresh()
            self._nav.show_message(seasons_texts.APPLIED, "success")

        attempt(self.page, lambda: self._desk.apply_seasons(update), done)


def take_national_seasons(
    desk: Desk, treasury: Treasury, document: dict, where: QWidget
) -> SeasonUpdate | None:
    """The national table, as the engine handed it: in force on the desk and the treasury
    when it is new; what it changed is kept for the treasurer (see SeasonsLine)."""
    taken: list[SeasonUpdate | None] = [None]

    def done(update: SeasonUpdate | None) -> None:
        taken[0] = update
        if update is not None:
            treasury.seasons = update.table

    attempt(where, lambda: desk.take_national_seasons(document), done)
    return taken[0]
