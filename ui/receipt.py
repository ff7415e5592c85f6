"""The pass'Sport receipt, painted with Qt on a PDF file or a printer.

Two layouts share one content (:func:`receipt_lines`): an A5 page and an 80 mm
thermal ticket whose height follows the content. The layout is worked out in
points (1/72 inch) by one routine that runs twice: once to measure, once to
paint, so what is measured is what is painted. Text stays real text in the PDF.
Black on white only: thermal printers have no grey.

Brothers and sisters come together: several receipts go in one document, one A5 page
each, or one after the other on one ticket with a cut line between them.

A receipt made in training mode carries "FORMATION — SANS VALEUR" three times: in a box
under its number, as a line of its text, and as large outlined letters across it (drawn as
shapes, so that they neither hide the text nor mix with it when the PDF is read back).
It never says that the national service confirmed anything.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path

import segno
from PySide6.QtCore import QMarginsF, QPointF, QRect, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QRegion,
    QTransform,
)
from PySide6.QtPrintSupport import QPrinter

from app.club import ClubProfile
from app.logs import get_logger
from app.validations import State, Validation
from ui.french import NBSP, euros, moment
from ui.style import document_font

COLON = f"{NBSP}:"  # French typography: a non-breaking space before the colon
TRAINING_MARK = "FORMATION — SANS VALEUR"
LOCAL_LAW = "Association de droit local (Alsace-Moselle)"  # in place of an RNA number
TRAINING_LINE = "Mode formation : ce reçu est un exercice. Il est sans valeur."
NUMBER_LABEL = f"Numéro de reçu{COLON}"
NUMBER_NOTE = "À garder : il prouve la réduction."
TRAINING_NUMBER_NOTE = "Exercice : ce numéro ne prouve rien."
CUT_LINE = "Couper ici"
CUT_GAP = 36.0  # points between two tickets of one run, the cut line in the middle
PDF_DPI = 300
_log = get_logger("receipt")
POINTS_PER_MM = 72 / 25.4


class Layout(StrEnum):
    PAGE = "page"  # A5 portrait page (fits A4 printers too: the print dialog can scale)
    TICKET = "ticket"  # 80 mm thermal ticket, 72 mm printable width, height as needed


@dataclass(frozen=True)
class ReceiptInput:
    club: ClubProfile
    validation: Validation
    printed_at: datetime  # aware
    volunteer: str = ""  # first name of the volunteer at the desk, may be empty
    duplicate: bool = False  # a reprint: shows "DUPLICATA" prominently
    training: bool = False  # made in training mode: marked "FORMATION — SANS VALEUR"


@dataclass(frozen=True)
class _Style:
    margins_mm: tuple[float, float, float, float]  # left, top, right, bottom
    title: int
    number: int
    body: int
    small: int
    qr_mm: float
    centred: bool


_STYLES = {
    Layout.PAGE: _Style((12, 12, 12, 12), 18, 13, 11, 9, 24, centred=False),
    Layout.TICKET: _Style((4, 4, 4, 10), 15, 12, 10, 9, 28, centred=True),
}
_PAGE_WIDTH_MM = {Layout.PAGE: 148.0, Layout.TICKET: 80.0}
_NUMBER, _CLUB, _PERSON, _MONEY, _STATUS = range(5)  # the sections, in order


@dataclass(frozen=True)
class Geometry:
    """Where things go, in points from the top left of the printable area."""

    height: float
    qr: QRectF


# -- Content -------------------------------------------------------------------------------------


def registration(club: ClubProfile) -> tuple[str, str]:
    """The club's RNA number, or that it has none under the local law of Alsace-Moselle."""
    return (f"RNA{COLON}", club.rna) if club.rna else ("", LOCAL_LAW)


def _sections(data: ReceiptInput) -> list[list[tuple[str, str]]]:
    v, club = data.validation, data.club
    note = TRAINING_NUMBER_NOTE if data.training else NUMBER_NOTE
    number = [(NUMBER_LABEL, v.receipt_no), ("", note)]
    identity = [("", club.name), (f"SIRET{COLON}", club.siret_display), registration(club)]
    if club.federation:
        identity.append((f"Fédération{COLON}", club.federation))
    person = [
        ("Enregistré le", _unbroken_moment(v.recorded_at)),
        (f"Jeune{COLON}", f"{v.first_name} {v.last_name.upper()}"),
    ]  # no birth date: a receipt carries no more personal data than it needs
    if v.code:
        person.append((f"Code pass'Sport{COLON}", v.code))
    else:
        cheque = f"chèque de caution numéro{NBSP}{v.cheque_number or '…'}"
        if v.cheque_bank:
            cheque += f" (banque {v.cheque_bank})"
        cheque += f" de {euros(v.cheque_cents if v.cheque_cents is not None else v.amount_cents)}"
        person.append((f"Code à venir{COLON}", cheque))
    person.append(("Saison", str(v.season)))
    if v.activity:
        person.append((f"Activité{COLON}", v.activity))
    money = []
    if v.fee_cents is not None:
        money.append((f"Cotisation{COLON}", euros(v.fee_cents)))
    money.append((f"Montant déduit{COLON}", euros(v.amount_cents)))
    if v.remaining_cents is not None:
        money.append((f"Reste à payer{COLON}", euros(v.remaining_cents)))
    national = _national_state(v, data.training)
    status = [("", TRAINING_LINE)] if data.training else []
    if national:
        status.append(("", national))
    # A reprint names who recorded the registration, not who reprints it.
    recorder = v.recorded_by if data.duplicate else (data.volunteer or v.recorded_by)
    if recorder:
        status.append(("Enregistré par", recorder))
    return [number, identity, person, money, status]


def _unbroken_moment(when: datetime) -> str:
    """``6 septembre 2025 à 14 h 32`` that wraps only around « à »: never ``14 h`` / ``32``."""
    day, time = moment(when).rsplit(" à ", 1)
    return f"{day.replace(' ', NBSP)} à {time.replace(' ', NBSP)}"


def _national_state(v: Validation, training: bool = False) -> str:
    if training and v.state == State.TO_SEND:
        return "Rien n'est transmis au service national."
    if training and v.state in (State.CONFIRMED, State.IN_PROCESSING, State.PAID):
        return "Accepté par le serveur d'essai, pas par le service national."
    if training and v.state == State.TO_CHECK:
        return "Refusé par le serveur d'essai."
    if v.state == State.TO_SEND:
        return "Pas encore confirmé par le service national."
    if v.state in (State.CONFIRMED, State.IN_PROCESSING, State.PAID):
        return "Confirmé par le service national."
    if v.state == State.TO_CHECK:
        return "À vérifier avec le service national."
    if v.state == State.CANCELLED:
        if v.cancelled_at is None:
            return "Inscription annulée."
        return f"Inscription annulée le {_unbroken_moment(v.cancelled_at)}."
    return ""  # awaiting a code: the cheque line says it all


def receipt_lines(data: ReceiptInput) -> list[tuple[str, str]]:
    """The receipt's facts in order, as (label, value); a line reads ``label value``.

    The label carries its own punctuation (``"Cotisation :"``) and may be
    empty for a sentence. The title, "DUPLICATA", the QR code, the signature line and the
    printing date are added by the layouts."""
    return [pair for section in _sections(data) for pair in section]


def _line(label: str, value: str) -> str:
    if not label:
        return value
    return f"{label}{value}" if label.endswith(NBSP) else f"{label} {value}"


def _footer(data: ReceiptInput) -> str:
    text = f"Imprimé le {_unbroken_moment(data.printed_at)}"
    if data.duplicate and data.volunteer:
        text += f" par {data.volunteer}"
    return text + "."


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code's modules, dark = True, without the quiet zone. A full QR code (not
    a Micro QR, which many phone readers do not scan), medium error correction."""
    return [[bool(m) for m in row] for row in segno.make(text, error="m", micro=False).matrix]


# -- Layout --------------------------------------------------------------------------------------


@cache
def _font(points: int, bold: bool = False) -> QFont:
    """The shipped font (``ui/style.py``), whatever the computer has."""
    return document_font(points, bold)


def _fitting(text: str, largest: int, width: float) -> QFont:
    """A bold font for ``text`` on one line of ``width`` points, at most ``largest`` and not
    less than 4 points under it; too narrow even then: ``largest``, and the text wraps."""
    for size in range(largest, largest - 5, -1):
        if QFontMetricsF(_font(size, bold=True)).horizontalAdvance(text) <= width:
            return _font(size, bold=True)
    return _font(largest, bold=True)


class _Flow:
    """Places blocks top to bottom; paints them too when given a painter."""

    def __init__(self, painter: QPainter | None, width: float) -> None:
        self.painter = painter
        self.width = width
        self.y = 0.0

    def text(
        self,
        text: str,
        font: QFont,
        *,
        centred: bool = False,
        right: float = 0.0,
        after: float = 2.0,
    ) -> None:
        width = self.width - right
        metrics = QFontMetricsF(font)
        words_fit = all(metrics.horizontalAdvance(w) <= width for w in text.split())
        wrap = Qt.TextFlag.TextWordWrap if words_fit else Qt.TextFlag.TextWrapAnywhere
        align = Qt.AlignmentFlag.AlignHCenter if centred else Qt.AlignmentFlag.AlignLeft
        flags = int(wrap) | int(align) | int(Qt.AlignmentFlag.AlignTop)
        height = metrics.boundingRect(QRectF(0, 0, width, 1e5), flags, text).height()
        if self.painter:
            self.painter.setFont(font)
            self.painter.drawText(QRectF(0, self.y, width, height + 2), flags, text)
        self.y += height + after

    def space(self, height: float) -> None:
        self.y += height

    def rule(self, gap: float = 5.0, x: float = 0.0, width: float | None = None) -> None:
        self.y += gap
        if self.painter:
            self.painter.setPen(QPen(Qt.GlobalColor.black, 1.0))
            self.painter.drawLine(QPointF(x, self.y), QPointF(x + (width or self.width), self.y))
        self.y += gap

    def boxed(self, text: str, font: QFont) -> None:
        """Text in a thick frame, centred; it wraps between words if the frame is narrow."""
        flags = int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap)
        inner = QRectF(0, 0, self.width - 12, 1e5)
        height = QFontMetricsF(font).boundingRect(inner, flags, text).height() + 10
        if self.painter:
            box = QRectF(1.5, self.y + 1.5, self.width - 3, height - 3)
            self.painter.setPen(QPen(Qt.GlobalColor.black, 3))
            self.painter.drawRect(box)
            self.painter.setFont(font)
            self.painter.drawText(box.adjusted(4.5, 0, -4.5, 0), flags, text)
        self.y += height

    def qr(self, matrix: list[list[bool]], rect: QRectF) -> None:
        """Dark modules as one filled path of rectangles: crisp, no image scaling."""
        if not self.painter:
            return
        # Built in module units as one region, then outlined and scaled: a single fill with
        # no seams between modules, and few calls into Qt.
        region = QRegion()
        for row, modules in enumerate(matrix):
            col = 0
            while col < len(modules):
                if not modules[col]:
                    col += 1
                    continue
                start = col
                while col < len(modules) and modules[col]:
                    col += 1
                region = region.united(QRect(start, row, col - start, 1))
        outline = QPainterPath()
        outline.addRegion(region)
        module = rect.width() / len(matrix)
        to_page = QTransform.fromTranslate(rect.x(), rect.y()).scale(module, module)
        path = to_page.map(outline.simplified())
        self.painter.save()
        self.painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.painter.fillPath(path, Qt.GlobalColor.black)
        self.painter.restore()


def _run(data: ReceiptInput, layout: Layout, width: float, painter: QPainter | None) -> Geometry:
    style = _STYLES[layout]
    matrix = qr_matrix(data.validation.receipt_no)
    # The quiet zone of 4 modules each side is kept white, inside the QR rectangle.
    qr_side = style.qr_mm * POINTS_PER_MM
    module = qr_side / (len(matrix) + 8)
    flow = _Flow(painter, width)
    if painter:
        painter.setPen(QPen(Qt.GlobalColor.black))
    sections = _sections(data)
    body, bold = _font(style.body), _font(style.body, bold=True)
    number = _line(*sections[_NUMBER][0])
    note = sections[_NUMBER][1][1]  # what the number is for, in a few words
    if style.centred:
        flow.text("Reçu pass'Sport", _font(style.title, bold=True), centred=True, after=3)
        flow.text(number, _font(style.number, bold=True), centred=True, after=1)
        flow.text(note, _font(style.small), centred=True, after=6)
    else:
        qr_rect = QRectF(width - qr_side, 0, qr_side, qr_side)
        flow.text("Reçu pass'Sport", _font(style.title, bold=True), right=qr_side, after=4)
        flow.text(number, _font(style.number, bold=True), right=qr_side, after=1)
        flow.text(note, _font(style.small), right=qr_side)
        flow.y = max(flow.y, qr_rect.bottom() - module * 2)
        flow.space(4)
    if data.training:
        flow.boxed(TRAINING_MARK, _fitting(TRAINING_MARK, style.title + 4, width - 12))
        flow.space(8)
    if data.duplicate:
        flow.boxed("DUPLICATA", _font(style.title + 4, bold=True))
        flow.space(8)
    # Bold: the club's name, the code, what is left to pay and the national state sentence.
    strong = {f"Code pass'Sport{COLON}", f"Reste à payer{COLON}"}
    for index in (_CLUB, _PERSON, _MONEY, _STATUS):
        if not sections[index]:
            continue
        if index != _CLUB:
            flow.rule()
        for label, value in sections[index]:
            font = bold if label in strong or (not label and index != _PERSON) else body
            # On the ticket the club is centred under the title; the facts stay aligned left.
            flow.text(_line(label, value), font, centred=style.centred and index == _CLUB)
    if style.centred:
        flow.space(10)
        qr_rect = QRectF((width - qr_side) / 2, flow.y, qr_side, qr_side)
        flow.y = qr_rect.bottom()
    flow.qr(matrix, qr_rect.adjusted(4 * module, 4 * module, -4 * module, -4 * module))
    flow.space(12 if style.centred else 18)
    flow.text("Signature du responsable", body, after=0)
    flow.space(36 if style.centred else 48)
    flow.rule(gap=0, width=width if style.centred else width * 0.6)
    flow.space(10)
    flow.text(_footer(data), _font(style.small), after=0)
    return Geometry(flow.y, qr_rect)


def measure_receipt(data: ReceiptInput, layout: Layout, width: float | None = None) -> Geometry:
    """The receipt's height and QR position, in points, for a printable width in points
    (by default the layout's own: 124 mm for the page, 72 mm for the ticket)."""
    return _run(data, layout, _printable_width(layout) if width is None else width, None)


def measure_tickets(receipts: Sequence[ReceiptInput], width: float | None = None) -> float:
    """The height in points of tickets printed one after the other, cut lines included."""
    return _run_tickets(receipts, _printable_width(Layout.TICKET) if width is None else width, None)


def _printable_width(layout: Layout) -> float:
    left, _, right, _ = _STYLES[layout].margins_mm
    return (_PAGE_WIDTH_MM[layout] - left - right) * POINTS_PER_MM


def paint_training_mark(
    painter: QPainter, width: float, height: float, spare: QRectF | None = None
) -> None:
    """The words "FORMATION — SANS VALEUR" in large outlined letters across ``width`` x ``height``
    points: once across a page, once every ticket-width or so down a ticket. Shapes, not
    text: the letters are seen, and the text read back from the PDF stays clean. The
    ``spare`` rectangle (the QR code) is left as it is, so that it still scans."""
    tiles = max(1, round(height / (width * 1.4)))
    tile = height / tiles
    angle = math.atan2(tile, width)
    along = math.hypot(width, tile) * 0.82  # the letters' length along the diagonal
    probe = _font(40, bold=True)
    size = max(10, round(40 * along / QFontMetricsF(probe).horizontalAdvance(TRAINING_MARK)))
    # Not taller than the tile allows across its diagonal.
    size = min(size, round(tile * math.cos(angle) * 0.5))
    letters = QPainterPath()
    letters.addText(QPointF(0, 0), _font(size, bold=True), TRAINING_MARK)
    centre = letters.boundingRect().center()
    painter.save()
    if spare is not None:
        area, hole = QPainterPath(), QPainterPath()
        area.addRect(QRectF(0, 0, width, height))
        hole.addRect(spare.adjusted(-3, -3, 3, 3))
        painter.setClipPath(area.subtracted(hole))
    painter.setPen(QPen(Qt.GlobalColor.black, max(0.5, size / 60)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for index in range(tiles):
        painter.save()
        painter.translate(width / 2, tile * (index + 0.5))
        painter.rotate(-math.degrees(angle))
        painter.translate(-centre)
        painter.drawPath(letters)
        painter.restore()
    painter.restore()


def _cut_line(painter: QPainter, width: float, y: float) -> None:
    """A dashed line across the ticket with "Couper ici" in its middle."""
    font = _font(_STYLES[Layout.TICKET].small)
    metrics = QFontMetricsF(font)
    label = metrics.horizontalAdvance(CUT_LINE) + 12
    painter.save()
    painter.setPen(QPen(Qt.GlobalColor.black, 1.0, Qt.PenStyle.DashLine))
    painter.drawLine(QPointF(0, y), QPointF((width - label) / 2, y))
    painter.drawLine(QPointF((width + label) / 2, y), QPointF(width, y))
    painter.setPen(QPen(Qt.GlobalColor.black))
    painter.setFont(font)
    box = QRectF(0, y - metrics.height(), width, metrics.height() * 2)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), CUT_LINE)
    painter.restore()


def _run_tickets(receipts: Sequence[ReceiptInput], width: float, painter: QPainter | None) -> float:
    """Tickets top to bottom, a cut line between two; returns the height in points."""
    y = 0.0
    for index, data in enumerate(receipts):
        if index:
            if painter:
                _cut_line(painter, width, y + CUT_GAP / 2)
            y += CUT_GAP
        if painter:
            painter.save()
            painter.translate(0, y)
            if data.training:  # behind the ticket's text, all along it
                geometry = _run(data, Layout.TICKET, width, None)
                paint_training_mark(painter, width, geometry.height, geometry.qr)
        y += _run(data, Layout.TICKET, width, painter).height
        if painter:
            painter.restore()
    return y


# -- Painting ------------------------------------------------------------------------------------


def _fitted(painter: QPainter, page: QRectF, height_for) -> tuple[float, float]:
    """The width in points to lay out at and the scale from points to the painter's pixels,
    so that content of ``height_for(width)`` points fits ``page``: shrunk evenly, never cut."""
    points = painter.device().logicalDpiY() / 72
    width, height = page.width() / points, page.height() / points
    shrink = 1.0
    needed = height_for(width)
    if needed > height:
        shrink = height / needed
        width /= shrink  # laid out wider, then shrunk: fewer wrapped lines, still fits
    return width, points * shrink


def _begin(painter: QPainter, page: QRectF, scale: float) -> None:
    painter.save()
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.translate(page.topLeft())
    painter.scale(scale, scale)


def paint_receipt(painter: QPainter, page: QRectF, data: ReceiptInput, layout: Layout) -> None:
    """Paint the receipt into ``page`` (in the painter's device pixels). When the content is
    taller than the page it is shrunk evenly to fit, never cut."""
    if layout == Layout.TICKET:
        paint_tickets(painter, page, [data])
        return
    width, scale = _fitted(painter, page, lambda w: measure_receipt(data, layout, w).height)
    _begin(painter, page, scale)
    if data.training:  # behind the text, across the whole page
        qr = measure_receipt(data, layout, width).qr
        paint_training_mark(painter, width, page.height() / scale, qr)
    _run(data, layout, width, painter)
    painter.restore()


def paint_tickets(painter: QPainter, page: QRectF, receipts: Sequence[ReceiptInput]) -> None:
    """Paint tickets one after the other into ``page``, shrunk evenly if they do not fit."""
    width, scale = _fitted(painter, page, lambda w: _run_tickets(receipts, w, None))
    _begin(painter, page, scale)
    _run_tickets(receipts, width, painter)
    painter.restore()


def _page_layout(receipts: Sequence[ReceiptInput], layout: Layout) -> QPageLayout:
    left, top, right, bottom = _STYLES[layout].margins_mm
    if layout == Layout.PAGE:
        size = QPageSize(QPageSize.PageSizeId.A5)
    else:
        content_mm = measure_tickets(receipts) / POINTS_PER_MM
        size = QPageSize(
            QSizeF(_PAGE_WIDTH_MM[layout], round(top + content_mm + bottom + 0.5, 1)),
            QPageSize.Unit.Millimeter,
            "Ticket 80 mm",
            QPageSize.SizeMatchPolicy.ExactMatch,
        )
    return QPageLayout(
        size,
        QPageLayout.Orientation.Portrait,
        QMarginsF(left, top, right, bottom),
        QPageLayout.Unit.Millimeter,
    )


def _paint_on(
    device: QPagedPaintDevice,
    resolution: int,
    receipts: Sequence[ReceiptInput],
    layout: Layout,
) -> None:
    """One A5 page per receipt, or all the tickets on one long ticket."""
    if not receipts:
        raise ValueError("no receipt to paint")
    if not device.setPageLayout(_page_layout(receipts, layout)):
        # A printer without this paper size: its own page is used, shrunk to fit if need be.
        _log.info("the printer refused the %s page size; using its own page", layout)
    painter = QPainter()
    if not painter.begin(device):
        raise RuntimeError("could not start painting the receipt")
    try:
        # The painter's origin is the top left of the printable area.
        paint_rect = device.pageLayout().paintRectPixels(resolution)
        page = QRectF(0, 0, paint_rect.width(), paint_rect.height())
        if layout == Layout.TICKET:
            paint_tickets(painter, page, receipts)
            return
        for index, data in enumerate(receipts):
            if index and not device.newPage():
                raise RuntimeError("could not start a new page")
            paint_receipt(painter, page, data, layout)
    finally:
        painter.end()


def _document_name(receipts: Sequence[ReceiptInput]) -> str:
    numbers = ", ".join(data.validation.receipt_no for data in receipts)
    name = "Reçus pass'Sport" if len(receipts) > 1 else "Reçu pass'Sport"
    if any(data.training for data in receipts):
        name += " (formation, sans valeur)"
    return f"{name} {numbers}"


def write_pdf(path: Path, data: ReceiptInput, layout: Layout) -> Path:
    """Write the receipt as a one-page PDF at ``path`` and return the path."""
    return write_pdf_many(path, [data], layout)


def write_pdf_many(path: Path, receipts: Sequence[ReceiptInput], layout: Layout) -> Path:
    """Write several receipts in one PDF at ``path``: one A5 page each, or one ticket page
    with all of them, a cut line between two. Returns the path."""
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setTitle(_document_name(receipts))
    writer.setCreator("pass'Sport Club")
    _paint_on(writer, PDF_DPI, receipts, layout)
    return path


def print_receipt(printer: QPrinter, data: ReceiptInput, layout: Layout) -> None:
    """Paint the receipt on ``printer`` (already chosen, e.g. by a print dialog); the page
    size and margins are set from the layout."""
    print_receipts(printer, [data], layout)


def print_receipts(printer: QPrinter, receipts: Sequence[ReceiptInput], layout: Layout) -> None:
    """Several receipts as one print job: one A5 page each, or one continuous ticket."""
    printer.setFullPage(False)
    printer.setDocName(_document_name(receipts))
    _paint_on(printer, printer.resolution(), receipts, layout)
