"""Receipts: real PDFs read back with pypdf, and the QR code as painted pixels."""

import dataclasses
import unicodedata
from datetime import UTC, date, datetime

import pypdf
import pytest
import segno
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from app.club import ClubProfile
from app.validations import State, Validation
from ui.receipt import (
    Layout,
    ReceiptInput,
    measure_receipt,
    paint_receipt,
    print_receipt,
    qr_matrix,
    receipt_lines,
    write_pdf,
)

CLUB = ClubProfile("Étoile sportive d'Hérouville", "73282932000074", "W751234567", "Football")
LONG_CLUB = ClubProfile(
    "Association omnisports de la jeunesse d'Hérouville-Saint-Clair",
    "73282932000074",
    "W751234567",
    "Fédération française de gymnastique",
)
MM = 72 / 25.4


def validation(**changes) -> Validation:
    base = Validation(
        id=1,
        receipt_no="K7Q-00042",
        code="25-ABCD-EFGH",
        season=2025,
        last_name="Dupont",
        first_name="Léa",
        birth_date=date(2012, 3, 14),
        activity="Football U13",
        fee_cents=15000,
        amount_cents=7000,
        state=State.TO_SEND,
        recorded_at=datetime(2025, 11, 26, 13, 32, tzinfo=UTC),  # 14 h 32 in Paris
        recorded_by="Julie",
    )
    return dataclasses.replace(base, **changes)


def receipt(duplicate: bool = False, club: ClubProfile = CLUB, **changes) -> ReceiptInput:
    printed = datetime(2025, 11, 26, 13, 35, tzinfo=UTC)
    return ReceiptInput(club, validation(**changes), printed, "Julie", duplicate)


def plain(text: str) -> str:
    """Extracted text made comparable: no-break spaces, tabs, line breaks -> one space."""
    text = unicodedata.normalize("NFKC", text.replace("\u202f", " ").replace("\u00a0", " "))
    return " ".join(text.split())


def pdf_text(path) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(path)
    return reader, plain(" ".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize("layout", list(Layout))
def test_the_pdf_says_everything_the_family_needs(qapp, tmp_path, layout):
    reader, text = pdf_text(write_pdf(tmp_path / "r.pdf", receipt(), layout))
    assert len(reader.pages) == 1
    for expected in (
        "Reçu pass'Sport",
        "Étoile sportive d'Hérouville",
        "SIRET : 732 829 320 00074",
        "RNA : W751234567",
        "Fédération : Football",
        "Reçu n° K7Q-00042",
        "Enregistré le 26 novembre 2025 à 14 h 32",
        "Léa DUPONT",
        "Code pass'Sport : 25-ABCD-EFGH",
        "Saison 2025",
        "Activité : Football U13",
        "Cotisation : 150,00 €",
        "Montant déduit : 70,00 €",
        "Reste à payer : 80,00 €",
        "Pas encore confirmé par le service national.",
        "Enregistré par Julie",
        "Signature du responsable",
        "Imprimé le 26 novembre 2025 à 14 h 35",
    ):
        assert expected in text, expected
    assert "DUPLICATA" not in text
    assert "2012" not in text, "the birth date stays off the receipt"


def test_the_page_is_a5_and_the_ticket_80_mm_wide(qapp, tmp_path):
    page = pypdf.PdfReader(write_pdf(tmp_path / "p.pdf", receipt(), Layout.PAGE)).pages[0]
    assert float(page.mediabox.width) == pytest.approx(148 * MM, abs=1)
    assert float(page.mediabox.height) == pytest.approx(210 * MM, abs=1)
    ticket = pypdf.PdfReader(write_pdf(tmp_path / "t.pdf", receipt(), Layout.TICKET)).pages[0]
    assert float(ticket.mediabox.width) == pytest.approx(80 * MM, abs=1)


def test_a_long_ticket_grows_on_one_page_and_nothing_is_lost(qapp, tmp_path):
    data = receipt(
        club=LONG_CLUB,
        last_name="de La Tour d'Auvergne-Lauraguais",
        first_name="Marie-Ségolène Anne-Charlotte",
    )
    assert len(LONG_CLUB.name) >= 60
    reader, text = pdf_text(write_pdf(tmp_path / "long.pdf", data, Layout.TICKET))
    short = pypdf.PdfReader(write_pdf(tmp_path / "short.pdf", receipt(), Layout.TICKET))
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.height > short.pages[0].mediabox.height
    assert float(reader.pages[0].mediabox.width) == pytest.approx(80 * MM, abs=1)
    assert LONG_CLUB.name in text
    assert "Marie-Ségolène Anne-Charlotte DE LA TOUR D'AUVERGNE-LAURAGUAIS" in text
    assert "Imprimé le 26 novembre 2025" in text  # the last line is there: nothing cut


@pytest.mark.parametrize("layout", list(Layout))
def test_a_reprint_says_duplicata(qapp, tmp_path, layout):
    _, text = pdf_text(write_pdf(tmp_path / "d.pdf", receipt(duplicate=True), layout))
    assert "DUPLICATA" in text


def test_a_reprint_names_who_recorded_and_who_reprinted():
    data = dataclasses.replace(receipt(duplicate=True), volunteer="Paul")
    lines = [plain(f"{label} {value}") for label, value in receipt_lines(data)]
    assert "Enregistré par Julie" in lines
    assert "Paul" not in " ".join(lines)


def test_a_registration_awaiting_its_code_shows_the_cheque_and_no_code(qapp, tmp_path):
    data = receipt(
        code=None,
        state=State.AWAITING_CODE,
        cheque_number="1234567",
        cheque_bank="Crédit Mutuel",
        cheque_cents=7000,
    )
    _, text = pdf_text(write_pdf(tmp_path / "a.pdf", data, Layout.TICKET))
    assert "Code à venir : chèque de caution n° 1234567 (banque Crédit Mutuel) de 70,00 €" in text
    assert "Code pass'Sport" not in text
    assert "25-ABCD-EFGH" not in text


@pytest.mark.parametrize(
    ("state", "sentence"),
    [
        (State.TO_SEND, "Pas encore confirmé par le service national."),
        (State.CONFIRMED, "Confirmé par le service national."),
        (State.IN_PROCESSING, "Confirmé par le service national."),
        (State.PAID, "Confirmé par le service national."),
        (State.TO_CHECK, "À vérifier avec le service national."),
    ],
)
def test_the_national_state_in_words(state, sentence):
    assert ("", sentence) in receipt_lines(receipt(state=state))


def test_a_cancelled_registration_says_when():
    data = receipt(state=State.CANCELLED, cancelled_at=datetime(2025, 12, 1, 9, 5, tzinfo=UTC))
    text = plain(" ".join(value for _, value in receipt_lines(data)))
    assert "Inscription annulée le 1er décembre 2025 à 10 h 05." in text


def test_an_unknown_fee_shows_only_the_amount_deducted():
    labels = [plain(label) for label, _ in receipt_lines(receipt(fee_cents=None))]
    assert "Montant déduit :" in labels
    assert "Cotisation :" not in labels
    assert "Reste à payer :" not in labels


def test_the_qr_matrix_is_the_receipt_number_as_a_full_qr_code():
    matrix = qr_matrix("K7Q-00042")
    assert matrix and all(len(row) == len(matrix) for row in matrix)
    assert len(matrix) >= 21  # a full QR code, not a Micro QR that phones do not read
    expected = segno.make("K7Q-00042", error="m", micro=False).matrix
    assert matrix == [[bool(m) for m in row] for row in expected]
    assert qr_matrix("K7Q-00043") != matrix


def test_the_painted_qr_code_is_the_matrix_module_by_module(qapp):
    data = receipt()
    dpi, geometry = 300, measure_receipt(data, Layout.TICKET)
    scale = dpi / 72
    image = QImage(round(72 * MM * scale), round(geometry.height * scale), QImage.Format_RGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    paint_receipt(painter, QRectF(image.rect()), data, Layout.TICKET)
    painter.end()

    matrix = qr_matrix(data.validation.receipt_no)
    module = geometry.qr.width() / (len(matrix) + 8)  # with a quiet zone of 4 modules

    def dark(row: float, col: float) -> bool:
        x = (geometry.qr.x() + (col + 4.5) * module) * scale
        y = (geometry.qr.y() + (row + 4.5) * module) * scale
        return image.pixelColor(round(x), round(y)).lightness() < 128

    painted = [[dark(r, c) for c in range(len(matrix))] for r in range(len(matrix))]
    assert painted == matrix
    assert not any(dark(-2, c) or dark(len(matrix) + 1, c) for c in range(len(matrix)))


def test_a_page_too_small_is_shrunk_not_cut(qapp):
    image = QImage(400, 300, QImage.Format_RGB32)  # far shorter than an A5 receipt
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    paint_receipt(painter, QRectF(0, 0, 400, 200), receipt(duplicate=True), Layout.PAGE)
    painter.end()
    below = [image.pixelColor(x, y).lightness() for y in range(202, 300) for x in range(400)]
    above = [image.pixelColor(x, y).lightness() for y in range(150, 200) for x in range(400)]
    assert min(below) == 255
    assert min(above) < 128  # the footer and the signature line are drawn near the bottom


def test_printing_sets_the_ticket_page_size(qapp, tmp_path):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    print_receipt(printer, receipt(), Layout.TICKET)
    size = printer.pageLayout().pageSize().size(QPageSize.Unit.Millimeter)
    assert size.width() == pytest.approx(80, abs=0.5)
    assert printer.pageLayout().orientation() == QPageLayout.Orientation.Portrait
    _, text = pdf_text(tmp_path / "printed.pdf")
    assert "Reçu n° K7Q-00042" in text
