"""The recovery sheet: the recovery phrase of the club's data on one A4 page, printed or
saved as a PDF, with what it is for and how to keep it (app/keys.py).

The phrase is shown once, on the page that made it, and kept nowhere: leaving the page
forgets it. A new sheet replaces the previous one for the data.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from ui.accessibility import announce
from ui.actions import attempt
from ui.desk_pages import button_row
from ui.french import long_date
from ui.printing import ask_pdf_path, ask_printer
from ui.services import Services
from ui.style import document_font
from ui.texts import keys as keys_texts
from ui.widgets import Page

PDF_DPI = 300
MARGIN_MM = 20


@dataclass(frozen=True)
class SheetInput:
    club: str
    phrase: str
    made_at: datetime


def spaced(phrase: str) -> str:
    """The phrase as printed and shown: its groups apart, easy to copy one by one."""
    return "  ".join(phrase.split("-"))


def _font(points: float, bold: bool = False) -> QFont:
    """The shipped font, never the system's: it tells 0 from O and 1 from l, which the
    phrase needs more than a fixed width (its groups are set apart by ``spaced``)."""
    return document_font(points, bold)


def _blocks(data: SheetInput) -> list[tuple[str, QFont]]:
    return [
        (keys_texts.SHEET_TITLE, _font(20, bold=True)),
        (f"{keys_texts.SHEET_CLUB} {data.club}", _font(13)),
        (f"{keys_texts.SHEET_MADE} {long_date(data.made_at.date())}", _font(13)),
        (keys_texts.SHEET_PHRASE, _font(14, bold=True)),
        (spaced(data.phrase), _font(22, bold=True)),
        (keys_texts.SHEET_WHEN, _font(12)),
        (keys_texts.SHEET_KEEP, _font(12, bold=True)),
        (keys_texts.SHEET_REPLACED, _font(12)),
    ]


def _paint(device: QPagedPaintDevice, resolution: int, data: SheetInput) -> None:
    layout = QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
        QPageLayout.Unit.Millimeter,
    )
    device.setPageLayout(layout)  # a printer without A4 keeps its own page
    painter = QPainter()
    if not painter.begin(device):  # a PDF file that cannot be written, say
        raise OSError("could not start painting the recovery sheet")
    try:
        scale = resolution / 72  # the painter works in points
        painter.scale(scale, scale)
        width = device.pageLayout().paintRectPixels(resolution).width() / scale
        flags = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft)
        y = 0.0
        for text, font in _blocks(data):
            height = QFontMetricsF(font).boundingRect(QRectF(0, 0, width, 1e5), flags, text)
            painter.setFont(font)
            painter.drawText(QRectF(0, y, width, height.height() + 2), flags, text)
            y += height.height() + 14
    finally:
        painter.end()


def write_sheet_pdf(path: Path, data: SheetInput) -> Path:
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setTitle(keys_texts.SHEET_TITLE)
    writer.setCreator("pass'Sport Club")
    _paint(writer, PDF_DPI, data)
    return path


def print_sheet(printer: QPrinter, data: SheetInput) -> None:
    printer.setFullPage(False)
    printer.setDocName(keys_texts.SHEET_TITLE)
    _paint(printer, printer.resolution(), data)


class RecoverySheetPage(Page):
    """Says whether the data has a sheet; makes a new phrase on request, shows it once,
    prints it or saves it as a PDF."""

    def __init__(
        self,
        make_phrase: Callable[[], str],
        has_sheet: bool,
        club: str,
        now: Callable[[], datetime],
        choose_printer: Callable[[QWidget | None], QPrinter | None] = ask_printer,
        choose_pdf: Callable[[QWidget | None, str], Path | None] = ask_pdf_path,
        parent=None,
    ) -> None:
        super().__init__(keys_texts.RECOVERY_SHEET_TITLE, keys_texts.RECOVERY_SHEET_INTRO, parent)
        self._make_phrase = make_phrase
        self._club = club
        self._now = now
        self._choose_printer = choose_printer
        self._choose_pdf = choose_pdf
        self.sheet: SheetInput | None = None
        self.state = QLabel(
            keys_texts.RECOVERY_SHEET_EXISTS if has_sheet else keys_texts.RECOVERY_SHEET_NONE
        )
        self.state.setWordWrap(True)
        self.body.addWidget(self.state)
        self.make_button = QPushButton(keys_texts.RECOVERY_SHEET_MAKE)
        self.make_button.setObjectName("primary")
        self.make_button.clicked.connect(self.make)
        self.body.addLayout(button_row(self.make_button))
        self.phrase_label = QLabel()
        self.phrase_label.setObjectName("pageTitle")
        self.phrase_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.phrase_label.hide()
        self.body.addWidget(self.phrase_label)
        self.print_button = QPushButton(keys_texts.RECOVERY_SHEET_PRINT)
        self.print_button.clicked.connect(self.print)
        self.pdf_button = QPushButton(keys_texts.RECOVERY_SHEET_PDF)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.body.addLayout(button_row(self.print_button, self.pdf_button))
        self.body.addWidget(self.result)
        for widget in (self.print_button, self.pdf_button, self.result):
            widget.hide()
        self.body.addStretch(1)

    def on_shown(self) -> None:
        self.make_button.setFocus()

    def make(self) -> None:
        """A new phrase (the previous sheet opens the data no more), shown once."""
        attempt(self, self._make_phrase, self._show)

    def _show(self, phrase: str) -> None:
        self.sheet = SheetInput(self._club, phrase, self._now())
        words = spaced(self.sheet.phrase)
        self.state.setText(keys_texts.RECOVERY_SHEET_SHOWN)
        self.phrase_label.setText(words)
        self.phrase_label.setAccessibleName(f"{keys_texts.SHEET_PHRASE} : {words}")
        self.make_button.hide()
        for widget in (self.phrase_label, self.print_button, self.pdf_button):
            widget.show()
        self.print_button.setObjectName("primary")
        self.print_button.setDefault(True)
        self.print_button.setFocus()
        announce(self.state, keys_texts.RECOVERY_SHEET_SHOWN)

    def print(self) -> None:
        printer = self._choose_printer(self)
        if printer is not None:
            attempt(
                self,
                lambda: print_sheet(printer, self.sheet),
                lambda _: self._said(keys_texts.RECOVERY_SHEET_PRINTED),
            )

    def save_pdf(self) -> None:
        path = self._choose_pdf(self, str(Path.home() / "feuille-de-secours.pdf"))
        if path is not None:
            attempt(
                self,
                lambda: write_sheet_pdf(path, self.sheet),
                lambda written: self._said(keys_texts.recovery_sheet_saved(str(written))),
            )

    def _said(self, text: str) -> None:
        self.result.setText(text)
        self.result.show()
        announce(self.result, text)


def recovery_sheet_page(services: Services) -> RecoverySheetPage:
    """The recovery sheet page of the window's data (from the settings, or at set-up)."""
    desk = services.desk
    club = desk.club_profile()
    return RecoverySheetPage(
        desk.new_recovery_phrase,
        desk.has_recovery_phrase(),
        club.name if club else "",
        desk.now,
        services.choose_printer,
        services.choose_pdf,
    )
