"""Receipts: real PDFs read back with pypdf or pdftotext, and the QR code as painted pixels.
Brothers and sisters: several receipts in one PDF or one print job."""

import dataclasses
import subprocess
import unicodedata
from datetime import UTC, date, datetime

import pypdf
import pytest
import segno
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from app.club import ClubProfile
from app.paths import default_paths
from app.settings import Settings
from app.validations import State, Validation
from tests.ui_helpers import PdfPrinters
from ui.printing import ReceiptPrinter
from ui.receipt import (
    CUT_GAP,
    Layout,
    ReceiptInput,
    measure_receipt,
    measure_tickets,
    paint_receipt,
    print_receipt,
    qr_matrix,
    receipt_lines,
    write_pdf,
    write_pdf_many,
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
        "Numéro de reçu : K7Q-00042",
        "À garder : il prouve la réduction.",
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


@pytest.mark.parametrize("layout", list(Layout))
def test_a_club_under_local_law_says_so_rather_than_an_empty_rna(qapp, tmp_path, layout):
    club = ClubProfile("SC Sarreguemines", "73282932000074", "", "Football")
    _, text = pdf_text(write_pdf(tmp_path / "r.pdf", receipt(club=club), layout))
    assert "Association de droit local (Alsace-Moselle)" in text.replace("- ", "-")
    assert "RNA" not in text


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
    assert (
        "Code à venir : chèque de caution numéro 1234567 (banque Crédit Mutuel) de 70,00 €" in text
    )
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
    assert "Numéro de reçu : K7Q-00042" in text


def test_the_number_says_what_it_is_and_fits_the_ticket_on_one_line(qapp, tmp_path):
    """A family does not know what "K7Q-00042" is: the receipt says it, briefly."""
    pdf = write_pdf(tmp_path / "t.pdf", receipt(), Layout.TICKET)
    lines = [plain(line) for line in pdftotext(pdf, layout=True).splitlines()]
    assert "Numéro de reçu : K7Q-00042" in lines
    assert "À garder : il prouve la réduction." in lines


# -- Brothers and sisters ------------------------------------------------------------------------


def pdftotext(path, page: int | None = None, layout: bool = False) -> str:
    """The text of the PDF (or of one page), as poppler's pdftotext reads it."""
    command = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        command.append("-layout")
    if page is not None:
        command += ["-f", str(page), "-l", str(page)]
    return subprocess.run(
        [*command, str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


SIBLINGS = (
    ("25-ABCD-EFGH", "Dupont", "Léa", "15032012"),
    ("25-BCDE-FGHJ", "Dupont", "Théo", "02072014"),
    ("25-CDEF-GHJK", "Dupont", "Zoé", "19082016"),
)


@pytest.fixture
def family(desk):
    """Three brothers and sisters registered one after the other at the desk."""
    saved = []
    for text, last, first, born in SIBLINGS:
        code, _ = desk.read_code(text)
        person = desk.check_person(last, first, born, desk.season_of(code))
        saved.append(desk.validate(code, person, "Judo", 15000))
    return saved


def family_printer(desk, tmp_path, layout: Layout) -> tuple[ReceiptPrinter, PdfPrinters]:
    settings = Settings(default_paths().settings_file)
    settings.set("receipt_layout", layout.value)
    files = PdfPrinters(tmp_path)
    return ReceiptPrinter(desk, settings, files.printer, files.pdf_path), files


def pages(path) -> int:
    return len(pypdf.PdfReader(path).pages)


def test_a_family_s_receipts_make_one_a5_pdf_one_page_each(qapp, tmp_path, desk, family):
    printer, files = family_printer(desk, tmp_path, Layout.PAGE)
    path = printer.save_pdf_many([v.id for v in family])
    assert files.files == [path], "one PDF for the whole family"
    assert pages(path) == 3
    whole = plain(pdftotext(path))
    for page, saved in enumerate(family, start=1):
        own = plain(pdftotext(path, page))
        assert f"Numéro de reçu : {saved.receipt_no}" in own
        assert f"{saved.first_name} DUPONT" in own
        assert whole.count(f"{saved.first_name} DUPONT") == 1
        assert whole.count(saved.receipt_no) == 1
    assert "DUPLICATA" not in whole
    assert all(desk.was_printed(v.id) for v in family)
    for mediabox in (page.mediabox for page in pypdf.PdfReader(path).pages):
        assert float(mediabox.width) == pytest.approx(148 * MM, abs=1)


def test_a_family_s_tickets_are_one_run_with_a_cut_line_between(qapp, tmp_path, desk, family):
    printer, files = family_printer(desk, tmp_path, Layout.TICKET)
    margins = 14 * MM  # 4 mm above, 10 mm below the content of a ticket
    alone = [printer.save_pdf(v.id) for v in family]
    contents = sum(float(pypdf.PdfReader(p).pages[0].mediabox.height) - margins for p in alone)
    assert printer.print_many([v.id for v in family]) is True
    path = files.files[-1]  # one print job
    assert len(files.files) == 4 and pages(path) == 1
    ticket = pypdf.PdfReader(path).pages[0]
    assert float(ticket.mediabox.width) == pytest.approx(80 * MM, abs=1)
    # Each reprint says DUPLICATA, so the run is taller than the tickets alone, plus cuts.
    assert float(ticket.mediabox.height) - margins > contents + 2 * CUT_GAP
    whole = plain(pdftotext(path))
    assert whole.count("Couper ici") == 2
    for saved in family:
        assert whole.count(f"{saved.first_name} DUPONT") == 1
    # In order, and the cut lines fall between two receipts.
    order = [whole.index(f"{v.first_name} DUPONT") for v in family]
    cuts = [i for i in range(len(whole)) if whole.startswith("Couper ici", i)]
    assert order[0] < cuts[0] < order[1] < cuts[1] < order[2]


def test_a_family_printed_again_is_all_duplicates_and_a_cancel_prints_nothing(
    qapp, tmp_path, desk, family
):
    printer, files = family_printer(desk, tmp_path, Layout.PAGE)
    ids = [v.id for v in family]
    files.cancel_next = True
    assert printer.print_many(ids) is False
    assert files.files == [] and not any(desk.was_printed(i) for i in ids)
    assert printer.print_many(ids + ids[:1]) is True  # a child twice: one receipt
    (first,) = files.files
    assert pages(first) == 3 and "DUPLICATA" not in pdftotext(first)
    again = printer.save_pdf_many(ids)
    assert [pdftotext(again, page).count("DUPLICATA") for page in (1, 2, 3)] == [1, 1, 1]


def test_the_ticket_run_measures_the_sum_of_its_tickets():
    one, two = receipt(), receipt(first_name="Théo")
    heights = (
        measure_receipt(one, Layout.TICKET).height + measure_receipt(two, Layout.TICKET).height
    )
    assert measure_tickets([one, two]) == pytest.approx(heights + CUT_GAP)
    assert measure_tickets([one]) == pytest.approx(measure_receipt(one, Layout.TICKET).height)


def test_one_pdf_of_several_receipts_from_inputs(qapp, tmp_path):
    receipts = [receipt(first_name=name, receipt_no=f"K7Q-0004{i}") for i, name in enumerate("ABC")]
    path = write_pdf_many(tmp_path / "f.pdf", receipts, Layout.PAGE)
    assert pages(path) == 3
