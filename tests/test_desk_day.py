"""A crowded forum day at the desk, as a first-time volunteer meets it: the queue, brothers
and sisters, a code copied wrong, a message, the window closed too early. Real widgets, a
real database on disk."""

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetrics, QTextLayout
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from app.validations import State
from tests.test_desk_ui import Keyboard, current, validate
from tests.ui_helpers import PdfPrinters, open_window
from ui.desk_pages import CodePage, PersonPage, ResultPage
from ui.records import RecordPage
from ui.window import MainWindow


@pytest.fixture
def printers(tmp_path):
    return PdfPrinters(tmp_path)


@pytest.fixture
def window(qtbot, desk, printers):
    return open_window(qtbot, desk, printers)


def shown_texts(page) -> list[str]:
    return [label.text() for label in page.findChildren(QLabel) if label.isVisibleTo(page)]


def where(widget) -> QPoint:
    return widget.mapTo(widget.window(), QPoint(0, 0))


def test_three_registrations_in_a_row_from_the_result_screen(qtbot, window, desk):
    """In a queue, the next code is typed or scanned on "Enregistré" itself: no key
    between families (each family's keys are only those of ``validate``)."""
    keys = Keyboard(qtbot)
    families = [
        ("25abcdefgh", "Martin", "Léa", "15032012"),
        ("25bcdefghj", "Dupont", "Hugo", "02112010"),
        ("25cdefghjk", "Nguyen", "Anh", "30061999"),
    ]
    for family in families:
        validate(keys, *family)
        assert isinstance(current(window), ResultPage)
    assert sorted(v.last_name for v in desk.find("")) == ["Dupont", "Martin", "Nguyen"]


def test_enter_on_an_empty_young_person_form_says_what_is_needed(qtbot, window, key_clock):
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_F2)
    keys.type("25-ABCD-EFGH")  # complete: on to the young person by itself
    keys.press(Qt.Key.Key_Return)  # the scanner's Enter, waiting as the page comes: not a request
    page = current(window)
    assert isinstance(page, PersonPage)
    assert not page.fields["last_name"].error.isVisible()
    keys.press(Qt.Key.Key_Return)  # the volunteer's: it is
    assert page.fields["last_name"].error.isVisible()
    assert "obligatoire" in page.fields["last_name"].error.text()
    assert QApplication.focusWidget() is page.fields["last_name"].edit


def test_a_first_enter_after_a_pause_is_the_volunteers(qtbot, window, key_clock):
    """However long the page took to build, and even when a screen reader makes key
    events lose their time: the pause counts from the page coming up."""
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_F2)
    keys.type("25-ABCD-EFGH")
    page = current(window)
    assert isinstance(page, PersonPage)
    key_clock.pause(400)  # the volunteer sees the page, then presses Enter
    keys.press(Qt.Key.Key_Return)
    assert page.fields["last_name"].error.isVisible()


def test_a_message_stays_with_its_screen_and_never_moves_the_buttons(qtbot, window, desk):
    keys = Keyboard(qtbot)
    validate(keys, "25abcdefgh", "Martin", "Léa", "15032012")
    result = current(window)
    button = result.pdf_button
    before = where(button)
    qtbot.mouseClick(result.print_button, Qt.MouseButton.LeftButton)
    assert window.message.isVisible() and "imprimante" in window.message.text()
    assert where(button) == before, "the message pushed the buttons under the pointer"

    keys.press(Qt.Key.Key_Escape)  # home: the message was about the receipt
    assert current(window) is window.home
    assert not window.message.isVisible()

    (saved,) = desk.find("")
    window.open_record(saved.id)
    record = current(window)
    qtbot.mouseClick(record.buttons["cancel"], Qt.MouseButton.LeftButton)
    keys.type("Erreur de saisie")
    keys.press(Qt.Key.Key_Return)
    record = current(window)
    assert isinstance(record, RecordPage)
    assert window.message.isVisible() and "annulée" in window.message.text()
    keys.press(Qt.Key.Key_Escape)
    assert not window.message.isVisible(), "the cancellation message followed to the home screen"
    assert desk.get(saved.id).state is State.CANCELLED


def test_closing_over_a_half_typed_registration_asks_first(qtbot, window):
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_F2)
    keys.type("25-ABCD-EFGH")
    keys.type("Mart")
    window.close()
    box = window.findChild(QMessageBox, "closeQuestion")
    assert box is not None and box.isVisible(), "closing lost the registration without a word"
    assert window.isVisible()
    assert "perdu" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # staying is the default
    qtbot.waitUntil(lambda: not box.isVisible())
    page = current(window)
    assert window.isVisible() and page.fields["last_name"].text() == "Mart"

    with qtbot.waitSignal(window.closed):
        window.close()
        box = window.findChild(QMessageBox, "closeQuestion")
        close = next(b for b in box.buttons() if b.text() == "Fermer sans enregistrer")
        qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not window.isVisible()


def test_closing_with_nothing_typed_asks_nothing(qtbot, window):
    keys = Keyboard(qtbot)
    validate(keys, "25abcdefgh", "Martin", "Léa", "15032012")  # saved: nothing to lose
    with qtbot.waitSignal(window.closed):
        window.close()
    assert window.findChild(QMessageBox, "closeQuestion") is None


def test_a_wrong_character_is_shown_in_the_code_and_its_fix_offered(qtbot, window):
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_F2)
    page = current(window)
    keys.type("25-XAHE-TVOS")
    # Counted as on screen, dashes included, and marked in the code itself.
    assert page.code.error.text().startswith("✖ Le 11e caractère, O, n'existe pas")
    assert page.fault.isVisible()
    assert ">&nbsp;O&nbsp;</span>" in page.fault.text()
    assert not page.suggestion_button.isVisible(), "no guess for an O"

    page.code.edit.clear()
    keys.type("25-ABCD-EFG5")
    assert page.suggestion_button.isVisible()
    assert page.suggestion_button.text() == "Prendre 25-ABCD-EFGS"
    qtbot.mouseClick(page.suggestion_button, Qt.MouseButton.LeftButton)
    person = current(window)
    assert isinstance(person, PersonPage)
    assert "25-ABCD-EFGS" in " ".join(shown_texts(person))


def test_what_is_missing_is_said_once(qtbot, window):
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_F2)
    page = current(window)
    keys.type("25abc")
    keys.press(Qt.Key.Key_Return)
    said = [text for text in shown_texts(page) if "manque 5 caractères" in text]
    assert len(said) == 1, said


def test_an_old_code_says_what_to_do_with_the_open_seasons_example(qtbot, clock, desk, printers):
    clock.now = datetime(2026, 10, 1, 10, tzinfo=UTC)
    window = open_window(qtbot, desk, printers)
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_F2)
    page = current(window)
    assert "26-\u2060ABCD-\u2060EFGH" in page.intro.text()
    keys.type("25abcdefgh")
    message = page.code.error.text()
    assert "Ce code de 2025 ne sert plus" in message
    assert "Demandez à la famille le code de cette saison" in message
    assert "26-\u2060ABCD-\u2060EFGH" in message


def lines_of(text: str, label: QLabel, width: int) -> list[str]:
    layout = QTextLayout(text, label.font())
    layout.beginLayout()
    lines = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        lines.append(text[line.textStart() : line.textStart() + line.textLength()])
    layout.endLayout()
    return lines


def test_the_example_code_never_wraps_at_a_dash(qtbot, window):
    window.start_validation()
    intro = current(window).intro
    widest = QFontMetrics(intro.font()).horizontalAdvance(intro.text())
    for width in range(120, widest, 7):
        for line in lines_of(intro.text(), intro, width):
            assert not line.rstrip().endswith("-"), (width, line)


def test_a_brother_or_sister_keeps_the_family_and_prints_with_it(qtbot, window, desk, printers):
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_F2)
    keys.type("25abcdefgh")
    page = current(window)
    keys.type("Martin")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Léa")
    keys.press(Qt.Key.Key_Tab)
    keys.type("15032012")
    page.fields["activity"].edit.setText("Judo")
    page.fields["fee"].edit.setText("150")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Return)
    result = current(window)
    assert not result.family_button.isVisible(), "one child: one receipt"
    qtbot.mouseClick(result.sibling_button, Qt.MouseButton.LeftButton)

    code_page = current(window)
    assert isinstance(code_page, CodePage) and "Martin" in code_page.intro.text()
    keys.type("25bcdefghj")
    person = current(window)
    assert person.fields["last_name"].text() == "Martin"
    assert person.fields["activity"].text() == "Judo"
    assert person.fields["fee"].text() == "150"
    assert QApplication.focusWidget() is person.fields["first_name"].edit
    keys.type("Tom")
    keys.press(Qt.Key.Key_Tab)
    keys.type("01092015")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Return)

    result = current(window)
    assert isinstance(result, ResultPage)
    assert result.family_button.isVisible()
    assert result.family_button.text() == "Imprimer les 2 reçus de la famille"
    tom = next(v for v in desk.find("") if v.first_name == "Tom")
    assert tom.last_name == "Martin" and tom.activity == "Judo" and tom.fee_cents == 15000

    qtbot.mouseClick(result.family_button, Qt.MouseButton.LeftButton)
    assert "2 reçus de la famille" in window.message.text()
    (printed,) = printers.files
    from tests.test_desk_ui import pdf_text

    text = pdf_text(printed)
    assert "Léa" in text and "Tom" in text

    keys.press(Qt.Key.Key_Return)  # the next family starts afresh
    keys.type("25cdefghjk")
    assert current(window).fields["last_name"].text() == ""


def test_the_home_screen_says_a_code_can_be_typed_there(window):
    assert "taper ou scanner son code ici" in window.home.intro.text()
    assert window.home.intro.isVisible()


def test_a_window_without_a_half_typed_page_has_nothing_unsaved(window):
    assert isinstance(window, MainWindow)
    assert not window.stack.currentWidget().unsaved_work()
