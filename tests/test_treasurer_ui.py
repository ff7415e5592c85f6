"""The treasurer's screens in the real window: what a treasurer reads, the exports with
their progress and warnings, the summary PDF read back, the portal assistant, the import."""

import csv
from datetime import date
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt

from app.validations import State
from tests.extracts import Entry, write_csv
from tests.ui_helpers import open_window
from ui.import_page import PreviewPage, ResultPage
from ui.portal_assistant import PortalAssistantPage
from ui.treasurer import TreasurerPage
from ui.treasurer_flow import Dialogs

NBSP = "\u00a0"


class Answers(Dialogs):
    """The dialogs, answered by the test: files in tmp_path, a clipboard in memory."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.to_open: Path | None = None
        self.replace_answer = False
        self.asked_replace: list[Path] = []
        self.clipboard: list[str] = []

    def save_path(self, parent, name, kind):
        assert name.endswith(f".{kind}") and "/" not in name
        return self.folder / name

    def open_path(self, parent):
        return self.to_open

    def replace(self, parent, path):
        self.asked_replace.append(path)
        return self.replace_answer

    def copy(self, text):
        self.clipboard.append(text)


@pytest.fixture
def screen(qtbot, desk, tmp_path):
    answers = Answers(tmp_path)
    window = open_window(qtbot, desk, treasurer_dialogs=answers)
    treasury = window.treasury
    for code, last, first in (
        ("25-ABCD-EFGH", "Martin", "Léa"),
        ("25-BCDE-FGHJ", "Lefèvre", "Chloé"),
        ("25-CDEF-GHJK", "N'Diaye", "Aïssata"),
    ):
        parsed, _ = desk.read_code(code)
        desk.validate(parsed, desk.check_person(last, first, "15/03/2012", desk.season_of(parsed)))
    treasury._conn.execute(
        "UPDATE validations SET state = 'paid', paid_cents = 7000, paid_on = '2025-11-05'"
        " WHERE id = (SELECT min(id) FROM validations)"
    )
    treasury._conn.execute(  # sent and answered by the national service
        "UPDATE outbox SET sent_at = '2025-10-16T08:00:00+00:00'"
        " WHERE validation_id = (SELECT min(id) FROM validations)"
    )
    flow = window.treasurer
    page = flow.open()
    yield window, flow, page, answers
    window.tasks.wait()


def money(euros: str) -> str:
    return euros.replace(" ", NBSP)


def test_the_treasurer_reads_what_is_owed_paid_and_missing(screen):
    window, _, page, _ = screen
    assert isinstance(window.stack.currentWidget(), TreasurerPage)
    assert page.figures["expected"].text() == money("210,00 €")
    assert page.figures["received"].text() == money("70,00 €")
    assert page.figures["missing"].text() == money("140,00 €")
    _name, count, amount = page.rows["to_send"]
    assert (count.text(), amount.text()) == ("2", money("140,00 €"))
    assert page.rows["paid"][1].text() == "1"
    assert "Remboursé : 1 inscription, 70,00" in page.rows["paid"][0].accessibleName()
    assert page.bars["to_send"].fraction == 1.0 and page.bars["paid"].fraction == 0.5
    assert "31 décembre 2025" in page.deadline.text() and "77 jours" in page.deadline.text()
    assert page.results.count() == 3 and page.count.text() == "3 inscriptions."
    page.filter.setCurrentIndex(page.filter.findData("paid"))
    assert page.results.count() == 1 and "Martin" in page.results.item(0).text()


def test_exporting_runs_in_the_background_and_warns_about_personal_data(qtbot, screen, tmp_path):
    window, _, page, answers = screen
    qtbot.mouseClick(page.buttons["csv"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.tasks.busy() and window.message.isVisible(), timeout=5000)
    assert "3 inscriptions exportées" in window.message.text()
    assert page.notice.isVisible() and "données personnelles" in page.notice.text()
    exported = next(tmp_path.glob("*.csv"))
    rows = list(csv.reader(exported.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert len(rows) == 4 and rows[1][2] == "Martin"
    assert page.progress.isHidden() and page.buttons["xlsx"].isEnabled()

    # Again: the file exists, the user keeps the old one; nothing is written.
    before = exported.read_bytes()
    qtbot.mouseClick(page.buttons["csv"], Qt.MouseButton.LeftButton)
    assert answers.asked_replace == [exported] and exported.read_bytes() == before

    qtbot.mouseClick(page.buttons["xlsx"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.tasks.busy() and "classeur" not in window.message.text()
                    and next(tmp_path.glob("*.xlsx"), None) is not None, timeout=5000)  # fmt: skip


def test_a_failed_export_says_so_in_plain_words(qtbot, screen, tmp_path):
    window, _, page, answers = screen
    answers.folder = tmp_path / "cle-retiree"
    qtbot.mouseClick(page.buttons["xlsx"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.tasks.busy() and window.message.isVisible(), timeout=5000)
    assert window.message.property("kind") == "error"
    assert "Rien n'est enregistré" in window.message.text()
    assert page.buttons["xlsx"].isEnabled()


def test_the_summary_pdf_has_the_club_the_totals_and_a_signature_line(qtbot, screen, tmp_path):
    window, _, page, _ = screen
    qtbot.mouseClick(page.buttons["pdf"], Qt.MouseButton.LeftButton)
    pdf = next(tmp_path.glob("*.pdf"))
    text = pypdf.PdfReader(pdf).pages[0].extract_text()
    flat = " ".join(text.replace(NBSP, " ").split())
    assert "État récapitulatif pass'Sport" in flat and "Saison 2025" in flat
    assert "Étoile sportive d'Hérouville" in flat and "732 829 320 00074" in flat
    assert "W751234567" in flat
    assert "À envoyer au service national 2 140,00 €" in flat
    assert "Remboursé 1 70,00 €" in flat
    assert "Reste à recevoir 140,00 €" in flat
    assert "signature" in flat
    assert "Martin" not in flat  # totals only: no young person's name
    assert "récapitulatif est enregistré" in window.message.text()


def test_the_portal_assistant_goes_through_the_codes_one_by_one(qtbot, screen, desk):
    window, _flow, page, answers = screen
    assert page.buttons["portal"].text() == "À saisir sur Le Compte Asso (2)"
    qtbot.mouseClick(page.buttons["portal"], Qt.MouseButton.LeftButton)
    assistant = window.stack.currentWidget()
    assert isinstance(assistant, PortalAssistantPage)
    assert assistant.code.text() == "25-BCDE-FGHJ"
    assert "Chloé LEFÈVRE" in assistant.name.text()
    qtbot.keyClick(assistant.copy_code, Qt.Key.Key_Return)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Return)  # the focus moved to « Copier le nom »
    assert answers.clipboard == ["25-BCDE-FGHJ", "Chloé Lefèvre"]
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Return)  # then « Fait »
    assert assistant.code.text() == "25-CDEF-GHJK"
    assert "25-BCDE-FGHJ" in assistant.copied.text()
    assert desk.find("Lefèvre")[0].state is State.CONFIRMED
    qtbot.mouseClick(assistant.done, Qt.MouseButton.LeftButton)
    assert assistant.position.text() == "Tous les codes sont saisis. Il n'y a rien à faire."
    assert not assistant.done.isVisible()
    assert window.status.pending.text() == "Aucune inscription à envoyer."


def test_importing_an_extract_through_the_screens(qtbot, screen, desk, tmp_path):
    window, flow, page, answers = screen
    added = []
    flow.imports.on_added = lambda: added.append(1)  # the window refreshes the desk's search
    answers.to_open = write_csv(
        tmp_path / "extrait.csv",
        [
            Entry(
                "25-BCDE-FGHJ",
                "Lefèvre",
                "Chloé",
                date(2012, 3, 15),
                "Remboursé",
                "70,00",
                date(2025, 11, 5),
            ),
            Entry("25-PQRS-TUVW", "Lambert", "Adèle", date(2012, 9, 14)),
        ],
        ",",
        "cp1252",
    )
    qtbot.mouseClick(page.buttons["import"], Qt.MouseButton.LeftButton)
    choose = window.stack.currentWidget()
    qtbot.mouseClick(choose.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(window.stack.currentWidget(), PreviewPage), timeout=5000)
    preview = window.stack.currentWidget()
    assert preview.choices[0].currentText() == "Code pass'Sport"
    # The user says the code column is to be ignored: comparing is refused, with a reason.
    preview.choices[0].setCurrentIndex(0)
    qtbot.mouseClick(preview.compare_button, Qt.MouseButton.LeftButton)
    assert preview.error.text() == "Choisissez la colonne du code pass'Sport."
    preview.choices[0].setCurrentIndex(1)
    qtbot.mouseClick(preview.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(window.stack.currentWidget(), ResultPage), timeout=5000)
    result = window.stack.currentWidget()
    assert result.lines["updates"].text() == "À mettre à jour : 1 inscription."
    assert result.lines["portal_only"].text() == "Sur Le Compte Asso mais pas ici : 1 inscription."
    assert result.lines["here_only"].text().endswith(" : 1 inscription.")  # N'Diaye
    qtbot.mouseClick(result.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 inscription mise à jour." in window.message.text(), timeout=5000)
    assert desk.find("Lefèvre")[0].state is State.PAID
    again = window.stack.currentWidget()  # compared again: the one to add is still offered
    assert isinstance(again, ResultPage) and again.lines["updates"].text().endswith(
        "aucune inscription."
    )
    qtbot.mouseClick(again.add_button, Qt.MouseButton.LeftButton)
    confirm = window.stack.currentWidget()
    qtbot.mouseClick(confirm.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 inscription ajoutée." in window.message.text(), timeout=5000)
    shown = window.stack.currentWidget()
    assert isinstance(shown, TreasurerPage) and shown.count.text() == "4 inscriptions."
    assert any("Adèle LAMBERT" in shown.results.item(i).text() for i in range(4))
    assert added == [1]


def test_a_bad_file_is_explained_on_the_import_screen(qtbot, screen, tmp_path):
    window, _flow, page, answers = screen
    answers.to_open = tmp_path / "photo.csv"
    answers.to_open.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    qtbot.mouseClick(page.buttons["import"], Qt.MouseButton.LeftButton)
    choose = window.stack.currentWidget()
    qtbot.mouseClick(choose.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: choose.error.isVisible(), timeout=5000)
    assert choose.error.text() == (
        "Ce fichier n'est pas un tableau. "
        "Choisissez un fichier CSV, ou un classeur Excel ou LibreOffice."
    )
    assert choose.button.isEnabled()


def _preview(qtbot, window, page, answers, path):
    answers.to_open = path
    qtbot.mouseClick(page.buttons["import"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.stack.currentWidget().button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(window.stack.currentWidget(), PreviewPage), timeout=5000)
    return window.stack.currentWidget()


def _compare(qtbot, window, preview):
    qtbot.mouseClick(preview.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(window.stack.currentWidget(), ResultPage), timeout=5000)
    return window.stack.currentWidget()


def test_an_unknown_state_is_asked_never_guessed(qtbot, screen, desk, tmp_path):
    window, _flow, page, answers = screen
    path = write_csv(
        tmp_path / "extrait.csv",
        [
            Entry("25-BCDE-FGHJ", "Lefèvre", "Chloé", date(2012, 3, 15), "Dossier incomplet"),
            Entry("25-CDEF-GHJK", "N'Diaye", "Aïssata", date(2012, 3, 15), "Remboursé"),
        ],
    )
    preview = _preview(qtbot, window, page, answers, path)
    unknown = preview.wordings.choices["Dossier incomplet"]
    known = preview.wordings.choices["Remboursé"]
    assert unknown.currentText() == "Je ne sais pas : ces lignes ne changent rien"
    assert "ne connaît pas cet état" in unknown.accessibleDescription()
    assert known.currentText() == "Remboursé"
    result = _compare(qtbot, window, preview)
    assert result.lines["ignored"].text() == "1 ligne a un état inconnu. Elle ne change rien."
    assert result.lines["updates"].text() == "À mettre à jour : 1 inscription."
    # Back to the file: the treasurer says what the wording means, and it counts.
    preview = _preview(qtbot, window, page, answers, path)
    unknown = preview.wordings.choices["Dossier incomplet"]
    unknown.setCurrentIndex(unknown.findText("En cours de paiement"))
    # Changing a column keeps what the treasurer chose for the states.
    amount = next(c for c in preview.choices if c.currentText() == "Montant")
    amount.setCurrentIndex(0)
    unknown = preview.wordings.choices["Dossier incomplet"]
    assert unknown.currentText() == "En cours de paiement"
    result = _compare(qtbot, window, preview)
    assert "ignored" not in result.lines
    assert result.lines["updates"].text() == "À mettre à jour : 2 inscriptions."
    qtbot.mouseClick(result.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "2 inscriptions mises à jour." in window.message.text(), timeout=5000)
    assert desk.find("Lefèvre")[0].state is State.IN_PROCESSING


def test_a_workbook_opens_on_the_sheet_with_the_codes(qtbot, screen, desk, tmp_path):
    import openpyxl

    window, _flow, page, answers = screen
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Synthèse"
    summary.append(["Total remboursé", 140])
    summary.append(["Nombre de bénéficiaires", 2])
    codes = book.create_sheet("Bénéficiaires")
    codes.append(["NumeroPassSport", "Nom", "Prénom", "EtatInscription"])
    codes.append(["25-BCDE-FGHJ", "LEFÈVRE", "Chloé", "Remboursé"])
    notes = book.create_sheet("Notes")
    notes.append(["Rien ici"])
    book.save(tmp_path / "extrait.xlsx")
    preview = _preview(qtbot, window, page, answers, tmp_path / "extrait.xlsx")
    assert preview.sheet.currentText() == "Bénéficiaires"
    assert [preview.sheet.itemText(i) for i in range(preview.sheet.count())] == [
        "Synthèse", "Bénéficiaires", "Notes"
    ]  # fmt: skip
    assert preview.choices[0].currentText() == "Code pass'Sport"
    # Another sheet may be chosen: the columns are read again from it.
    preview.sheet.setCurrentIndex(0)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is not preview, timeout=5000)
    other = window.stack.currentWidget()
    assert other.sheet.currentText() == "Synthèse"
    assert all(choice.currentData() is None for choice in other.choices[:1])
    other.sheet.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is not other, timeout=5000)
    again = window.stack.currentWidget()
    result = _compare(qtbot, window, again)
    assert result.lines["updates"].text() == "À mettre à jour : 1 inscription."
