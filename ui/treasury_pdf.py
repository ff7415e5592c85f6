"""The summary sheet for the treasurer ("état récapitulatif"), painted with Qt as a PDF.

One A4 page: the club's identity, the season, the totals per state, what the State owes,
what it paid and what is missing, and a signature line. Real text (it can be searched and
read aloud), black on white. It carries totals only: no young person's name. Made in
training mode, it says "FORMATION — SANS VALEUR" in a box, in a line and across the page.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from app.club import ClubProfile
from app.exports import write_stream
from app.treasury import SeasonSummary
from ui import french
from ui.receipt import TRAINING_MARK, paint_training_mark, registration
from ui.style import document_font
from ui.texts import summary as summary_texts
from ui.texts import training as training_texts
from ui.texts import treasurer as treasurer_texts

PDF_DPI = 300
MARGIN_MM = 18
COLON = f"{french.NBSP}:"


@dataclass(frozen=True)
class SummaryInput:
    club: ClubProfile
    summary: SeasonSummary
    made_at: datetime  # aware
    training: bool = False  # made on the training data: marked as worthless


@cache
def _font(points: float, bold: bool = False) -> QFont:
    return document_font(points, bold)  # the shipped font, never the system's


def summary_rows(summary: SeasonSummary) -> list[tuple[str, str, str]]:
    """(line, count, amount deducted) for each line of the summary: every registration is
    in exactly one, so they add up to the total."""
    return [
        (
            treasurer_texts.SUMMARY_WORDS[key],
            str(summary.totals[key].count),
            french.euros(summary.totals[key].cents),
        )
        for key in treasurer_texts.SUMMARY_ORDER
        if key != "lost" or summary.lost.count or summary.closed  # none can be lost yet
    ]


class _Page:
    """Writes lines top to bottom on a page ``width`` points wide."""

    def __init__(self, painter: QPainter, width: float) -> None:
        self.p = painter
        self.width = width
        self.y = 0.0

    def text(self, text: str, font: QFont, x: float = 0, width: float | None = None,
             align=Qt.AlignmentFlag.AlignLeft, after: float = 3) -> float:  # fmt: skip
        width = self.width - x if width is None else width
        flags = int(align) | int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignTop)
        height = QFontMetricsF(font).boundingRect(QRectF(0, 0, width, 1e5), flags, text).height()
        self.p.setFont(font)
        self.p.drawText(QRectF(x, self.y, width, height + 2), flags, text)
        return height + after

    def line(self, text: str, font: QFont, after: float = 3) -> None:
        self.y += self.text(text, font, after=after)

    def boxed(self, text: str, font: QFont) -> None:
        height = QFontMetricsF(font).height() + 12
        self.p.setPen(QPen(Qt.GlobalColor.black, 3))
        box = QRectF(1.5, self.y + 1.5, self.width - 3, height - 3)
        self.p.drawRect(box)
        self.p.setFont(font)
        self.p.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)
        self.p.setPen(QPen(Qt.GlobalColor.black))
        self.y += height + 8

    def rule(self, gap: float = 6, weight: float = 0.8) -> None:
        self.y += gap
        self.p.setPen(QPen(Qt.GlobalColor.black, weight))
        self.p.drawLine(QPointF(0, self.y), QPointF(self.width, self.y))
        self.y += gap

    def row(self, cells: tuple[str, str, str], font: QFont) -> None:
        first, second = self.width * 0.58, self.width * 0.17
        right = Qt.AlignmentFlag.AlignRight
        heights = (
            self.text(cells[0], font, 0, first - 8),
            self.text(cells[1], font, first, second, right),
            self.text(cells[2], font, first + second, self.width - first - second, right),
        )
        self.y += max(heights) + 3


def paint_summary(painter: QPainter, width: float, data: SummaryInput, height: float = 0) -> None:
    """Paint the sheet in a painter already scaled to points, ``width`` points wide (and
    ``height`` high: the training mark goes across it)."""
    s, club = data.summary, data.club
    if data.training and height:
        paint_training_mark(painter, width, height)
    page = _Page(painter, width)
    painter.setPen(QPen(Qt.GlobalColor.black))
    body, bold, small = _font(11), _font(11, bold=True), _font(9)
    page.line(summary_texts.PDF_TITLE, _font(20, bold=True), after=2)
    page.line(summary_texts.pdf_season(s.year), _font(15, bold=True), after=10)
    if data.training:
        page.boxed(TRAINING_MARK, _font(20, bold=True))
        page.line(training_texts.TRAINING_SUMMARY_LINE, bold, after=10)
    page.line(club.name, _font(13, bold=True))
    label, number = registration(club)
    page.line(f"SIRET{COLON} {club.siret_display}    {label} {number}".rstrip(), body)
    if club.federation:
        page.line(f"{summary_texts.PDF_FEDERATION}{COLON} {club.federation}", body)
    page.line(f"{summary_texts.PDF_MADE_ON} {french.moment(data.made_at)}.", body, after=2)
    page.line(treasurer_texts.deadline_line(s.deadline, s.days_left, s.closed), body)
    page.rule(10)
    page.line(summary_texts.PDF_TOTALS, _font(13, bold=True), after=6)
    page.row(
        (treasurer_texts.STATE_COLUMN, treasurer_texts.COUNT_COLUMN, treasurer_texts.AMOUNT_COLUMN),
        bold,
    )
    page.rule(2, 0.5)
    for cells in summary_rows(s):
        page.row(cells, body)
    page.rule(2, 0.5)
    page.row((summary_texts.PDF_TOTAL, str(s.count), ""), bold)
    page.y += 6
    page.row(
        (treasurer_texts.CHEQUES_HELD, str(s.cheques_held), french.euros(s.cheques_held_cents)),
        body,
    )
    page.rule(10)
    page.line(summary_texts.PDF_MONEY, _font(13, bold=True), after=6)
    money = [
        (treasurer_texts.EXPECTED, s.expected_cents),
        (treasurer_texts.RECEIVED, s.received_cents),
        (treasurer_texts.MISSING, s.missing_cents),
    ]
    if s.overpaid_cents:
        money.append((treasurer_texts.OVERPAID, s.overpaid_cents))
    for label, cents in money:
        page.row(
            (label, "", french.euros(cents)), bold if label == treasurer_texts.MISSING else body
        )
    if s.lost.count:
        page.line(treasurer_texts.to_enter_late(s.lost.count, french.euros(s.lost.cents)), body)
    page.rule(10)
    page.y += 6
    page.line(summary_texts.PDF_SIGNATURE, body, after=0)
    page.y += 70
    painter.setPen(QPen(Qt.GlobalColor.black, 0.8))
    painter.drawLine(QPointF(0, page.y), QPointF(width * 0.6, page.y))
    page.y += 14
    page.line(summary_texts.PDF_FOOTER, small)


def summary_pdf_bytes(data: SummaryInput) -> bytes:
    """The one-page PDF, in memory (written to disk in one safe step afterwards)."""
    content = QByteArray()
    buffer = QBuffer(content)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    title = f"{summary_texts.PDF_TITLE} {data.summary.year}"
    writer.setTitle(f"{title} ({training_texts.TRAINING_MARK})" if data.training else title)
    writer.setCreator("pass'Sport Club")
    margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            margins,
            QPageLayout.Unit.Millimeter,
        )
    )
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError("the PDF could not be started")
    try:
        points = PDF_DPI / 72
        painter.scale(points, points)
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
        )
        area = writer.pageLayout().paintRect(QPageLayout.Unit.Point)
        paint_summary(painter, area.width(), data, area.height())
    finally:
        painter.end()
    buffer.close()
    return bytes(content.data())


def write_summary_pdf(path: Path, data: SummaryInput, overwrite: bool = False) -> Path:
    content = summary_pdf_bytes(data)
    return write_stream(path, lambda out: out.write(content), overwrite)
