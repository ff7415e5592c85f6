"""Training never looks real: its receipts (A5 and ticket, printed or saved, one or a whole
family), its result page, its status area and the treasurer's summary sheet all say so,
and none claims that anything was sent to or confirmed by the national service.

Real widgets, a real training server on 127.0.0.1, real PDFs read back with pdftotext and
drawn as pictures with pdftoppm."""

import dataclasses
import re
import subprocess
from datetime import UTC, datetime

import pypdf
import pytest
from PySide6.QtGui import QImage

from app.paths import default_paths
from app.settings import Settings
from app.validations import State
from sync.training import CodeCategory
from tests.factories import Clock
from tests.test_receipt import plain, receipt
from tests.ui_helpers import PdfPrinters
from ui.app import make_application
from ui.desk_pages import ResultPage
from ui.receipt import Layout, write_pdf
from ui.texts import training as training_texts
from ui.training import TrainingSession

TRAINING_DAY = datetime(2026, 10, 5, 8, 15, tzinfo=UTC)
MARK = "FORMATION — SANS VALEUR"
# What a training receipt or screen must never say.
REAL_CLAIMS = ("Confirmé par le service national", "envoyé", "Envoyé", "prouve la réduction")


def pdftotext(path, page: int | None = None) -> str:
    command = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        command += ["-f", str(page), "-l", str(page)]
    done = subprocess.run([*command, str(path), "-"], capture_output=True, check=True)
    return plain(done.stdout.decode())


class Answers:
    """The treasurer's file dialogs, answered by the test."""

    def __init__(self, folder) -> None:
        self.folder = folder

    def save_path(self, parent, name: str, kind: str):
        return self.folder / f"etat.{kind}"

    def replace(self, parent, path) -> bool:
        return True

    def open_path(self, parent):
        return None

    def copy(self, text: str) -> None:
        pass


@pytest.fixture
def training(qtbot, desk, tmp_path):
    make_application([])
    settings = Settings(default_paths().settings_file)
    files = PdfPrinters(tmp_path)
    session = TrainingSession(
        desk,
        settings,
        on_leave=lambda: None,
        clock=Clock(TRAINING_DAY),
        choose_printer=files.printer,
        choose_pdf=files.pdf_path,
        dialogs=Answers(tmp_path),
    )
    window = session.start()
    qtbot.addWidget(window)
    session.files = files
    session.settings = settings
    yield session
    session.leave()


def register(session, index: int = 0):
    """A practice registration through the desk flow's pages, up to the result page."""
    item = [c for c in session.codes if c.category is CodeCategory.AVAILABLE][index]
    window = session.window
    window.desk_flow.start(item.code)  # as typed on the home screen: it goes on by itself
    person = window.stack.currentWidget()
    person.fields["last_name"].edit.setText(item.last_name)
    person.fields["first_name"].edit.setText(item.first_name)
    person.fields["birth_date"].edit.setText(item.birth_date.strftime("%d/%m/%Y"))
    person.submitted.emit()
    window.stack.currentWidget().confirm.emit()
    result = window.stack.currentWidget()
    assert isinstance(result, ResultPage)
    (saved,) = [v for v in session.desk.find(item.code) if v.code == item.code]
    return result, saved


def assert_marked(path, pages: int) -> None:
    assert len(pypdf.PdfReader(path).pages) == pages
    for page in range(1, pages + 1):
        text = pdftotext(path, page)
        assert text.count(MARK) >= 1, f"page {page}: {text}"
        assert "Mode formation : ce reçu est un exercice. Il est sans valeur." in text
        assert "Exercice : ce numéro ne prouve rien." in text
        for claim in REAL_CLAIMS:
            assert claim not in text, (claim, page)


def test_the_result_page_says_training_and_never_sent(qtbot, training):
    result, _ = register(training)
    text = result.text()
    assert result.headline.text() == training_texts.TRAINING_SAVED
    assert training_texts.TRAINING_RESULT in text
    assert training_texts.TRAINING_SAVED_TO_SEND in text
    assert "envoyé au service national" not in text
    assert training.mark.isVisible()


@pytest.mark.parametrize("layout", list(Layout))
def test_every_training_receipt_is_marked_printed_or_saved(qtbot, training, layout):
    training.settings.set("receipt_layout", layout.value)
    result, saved = register(training)
    result.print_button.click()
    result.pdf_button.click()
    printed, pdf = training.files.files
    for path in (printed, pdf):
        assert_marked(path, 1)
    # The training server may have answered already (it works in the background): either
    # way the receipt speaks of it, never of the national service confirming.
    said = pdftotext(printed)
    assert (
        "Rien n'est transmis au service national." in said
        or "Accepté par le serveur d'essai, pas par le service national." in said
    ), said
    assert "DUPLICATA" in pdftotext(pdf)

    training.window.send_now()  # the training server answers: still not "confirmed"
    qtbot.waitUntil(lambda: training.desk.get(saved.id).state is State.CONFIRMED, timeout=5000)
    again = training.printer.save_pdf(saved.id)
    assert_marked(again, 1)
    assert "Accepté par le serveur d'essai, pas par le service national." in pdftotext(again)


@pytest.mark.parametrize(("layout", "pages"), [(Layout.PAGE, 2), (Layout.TICKET, 1)])
def test_a_training_family_is_marked_on_every_page_and_every_ticket(qtbot, training, layout, pages):
    training.settings.set("receipt_layout", layout.value)
    ids = [register(training, index)[1].id for index in range(2)]
    printer = training.printer
    assert printer.print_many(ids)
    path = printer.save_pdf_many(ids)
    for made in training.files.files:
        assert_marked(made, pages)
    if layout is Layout.TICKET:
        text = pdftotext(path)
        assert text.count(MARK) == 2 and text.count("Couper ici") == 1


def test_the_status_area_speaks_of_the_training_server(qtbot, training):
    status = training.window.status
    assert status.send_now.text() == training_texts.TRAINING_SEND_NOW
    assert "serveur d'essai" in status.connection.text().lower()  # answered yet or not
    _, saved = register(training)
    assert status.pending.text() == "1 inscription d'essai en attente."
    training.window.send_now()
    qtbot.waitUntil(lambda: training.desk.get(saved.id).state is State.CONFIRMED, timeout=5000)
    # Rounds follow one another: wait for one that has ended.
    qtbot.waitUntil(
        lambda: (
            status.connection.text().startswith("Serveur d'essai : connecté.")
            and "Dernier échange à" in status.connection.text()
        )
    )
    qtbot.waitUntil(lambda: status.pending.text() == "Rien en attente.")
    for label in (status.connection, status.pending, status.send_now):
        for claim in (*REAL_CLAIMS, "Service national : connecté", "à envoyer"):
            assert claim not in label.text(), (claim, label.text())


def test_the_training_treasurer_s_summary_sheet_is_marked(qtbot, training, tmp_path):
    register(training)
    training.window.home.buttons["treasurer"].click()
    page = training.window.treasurer.page
    page.export_pdf.emit()
    text = pdftotext(tmp_path / "etat.pdf")
    assert MARK in text
    assert training_texts.TRAINING_SUMMARY_LINE in text
    assert "1" in text


def word_box(path, word: str) -> tuple[float, float]:
    """The top and bottom, in points from the top of page 1, of the first ``word``."""
    done = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        check=True,
    )
    found = re.search(
        r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">' + re.escape(word) + "<",
        done.stdout.decode(),
    )
    assert found, word
    return float(found.group(1)), float(found.group(2))


def dark_pixels_above_the_signature_line(path) -> int:
    """Dark pixels in the band between "Signature du responsable" and the line to sign on,
    across the whole width: blank on a real receipt."""
    _, top = word_box(path, "Signature")
    footer, _ = word_box(path, "Imprimé")
    png = path.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", "72", "-singlefile", str(path), str(png)], check=True)
    image = QImage(str(png.with_suffix(".png")))
    return sum(
        image.pixelColor(x, y).lightness() < 160
        for y in range(round(top) + 3, round(footer) - 14)
        for x in range(image.width())
    )


@pytest.mark.parametrize("layout", list(Layout))
def test_the_big_mark_crosses_even_where_a_real_receipt_is_blank(qapp, tmp_path, layout):
    real = receipt()
    plain_pdf = write_pdf(tmp_path / "real.pdf", real, layout)
    marked = write_pdf(tmp_path / "training.pdf", dataclasses.replace(real, training=True), layout)
    assert dark_pixels_above_the_signature_line(plain_pdf) == 0
    assert dark_pixels_above_the_signature_line(marked) > 30
