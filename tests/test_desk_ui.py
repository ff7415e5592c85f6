"""The registration desk, driven like a volunteer would: keyboard only, real widgets,
a real database on disk and real PDF receipts."""

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.validations import ChequeState, State
from tests.ui_helpers import PdfPrinters, open_window, type_text
from ui.desk_pages import CodePage, PersonPage, ResultPage, ReviewPage
from ui.records import FindPage, RecordPage

EXTRA_KEYS = (
    Qt.Key.Key_Return,
    Qt.Key.Key_Enter,
    Qt.Key.Key_Tab,
    Qt.Key.Key_F2,
    Qt.Key.Key_Escape,
    Qt.Key.Key_Space,
)


class Keyboard:
    """Types into whatever has the focus, and counts the keys that are not data."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.extra = 0

    def type(self, text: str) -> None:
        for char in text:
            type_text(self.qtbot, QApplication.focusWidget(), char)

    def press(self, key: Qt.Key) -> None:
        assert key in EXTRA_KEYS
        self.extra += 1
        self.qtbot.keyClick(QApplication.focusWidget(), key)


def pdf_text(path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture
def printers(tmp_path):
    return PdfPrinters(tmp_path)


@pytest.fixture
def window(qtbot, desk, printers):
    return open_window(qtbot, desk, printers)


def current(window):
    return window.stack.currentWidget()


def to_review(keys: Keyboard, code: str, last: str, first: str, born: str) -> None:
    keys.type(code)
    keys.type(last)
    keys.press(Qt.Key.Key_Tab)
    keys.type(first)
    keys.press(Qt.Key.Key_Tab)
    keys.type(born)
    keys.press(Qt.Key.Key_Return)


def validate(keys: Keyboard, code: str, last: str, first: str, born: str) -> None:
    to_review(keys, code, last, first, born)
    keys.press(Qt.Key.Key_Return)


def test_a_code_is_validated_from_home_with_four_keys_beyond_the_data(qtbot, window, desk):
    """Tab, Tab, Enter to the summary, Enter to confirm: each key is followed to where the
    next piece of data goes, so a step that needs one key more fails here."""
    keys = Keyboard(qtbot)
    keys.type("25abcdefgh")
    person = current(window)
    assert isinstance(person, PersonPage), "the code goes on by itself once complete"
    assert QApplication.focusWidget() is person.fields["last_name"].edit
    keys.type("Martin")
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is person.fields["first_name"].edit
    keys.type("Léa")
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is person.fields["birth_date"].edit
    keys.type("15032012")
    keys.press(Qt.Key.Key_Return)
    assert isinstance(current(window), ReviewPage)
    keys.press(Qt.Key.Key_Return)

    result = current(window)
    assert isinstance(result, ResultPage)
    (saved,) = desk.find("")
    assert saved.code == "25-ABCD-EFGH" and saved.first_name == "Léa"
    assert saved.state is State.TO_SEND
    assert "Enregistré" in result.text()
    assert saved.receipt_no in result.text()
    assert "70,00\u00a0€" in result.text()
    assert "envoyé au service national" in result.text()
    assert window.status.pending.text() == "1 inscription à envoyer."

    keys.press(Qt.Key.Key_Return)  # next family
    page = current(window)
    assert isinstance(page, CodePage) and page.code.text() == ""
    assert QApplication.focusWidget() is page.code.edit


def test_enter_confirms_the_review_also_from_a_detail_read_with_tab(qtbot, window, desk):
    keys = Keyboard(qtbot)
    to_review(keys, "25abcdefgh", "Martin", "Léa", "15032012")
    review = current(window)
    assert isinstance(review, ReviewPage)
    detail = review.values["Jeune"]
    while QApplication.focusWidget() is not detail:
        keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Return)
    assert isinstance(current(window), ResultPage)
    assert len(desk.find("")) == 1


def test_a_scanner_typing_the_code_then_enter_lands_on_the_person_form(qtbot, window, key_clock):
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F2)
    code_page = current(window)
    assert QApplication.focusWidget() is code_page.code.edit
    keys = Keyboard(qtbot)
    keys.type("25-ABCD-EFGH")
    keys.press(Qt.Key.Key_Return)
    page = current(window)
    assert isinstance(page, PersonPage)
    assert QApplication.focusWidget() is page.fields["last_name"].edit
    assert not any(f.error.isVisible() for f in page.fields.values())


def test_problems_are_explained_as_the_code_is_typed(qtbot, window):
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_F2)
    page = current(window)
    keys.type("25abcd")
    assert page.code.text() == "25-ABCD"
    assert page.hint.text() == "Il manque 4 caractères."
    keys.type("efgO")
    assert page.code.error.isVisible()
    assert "O" in page.code.error.text()
    keys.press(Qt.Key.Key_Return)
    assert current(window) is page, "a wrong code never goes further"


def test_the_same_code_again_is_flagged_at_once_with_its_receipt(qtbot, window, desk):
    keys = Keyboard(qtbot)
    validate(keys, "25abcdefgh", "Martin", "Léa", "15032012")
    first = desk.find("")[0]
    keys.press(Qt.Key.Key_Return)
    keys.type("25abcdefgh")
    page = current(window)
    assert isinstance(page, CodePage), "no going on with a code already registered"
    assert first.receipt_no in page.code.error.text()
    assert "déjà enregistré" in page.code.error.text()
    assert page.existing_button.isVisible()
    qtbot.mouseClick(page.existing_button, Qt.MouseButton.LeftButton)
    record = current(window)
    assert isinstance(record, RecordPage) and first.receipt_no in record.title.text()


def test_wrong_person_details_are_explained_next_to_each_field(qtbot, window, desk):
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_F2)
    keys.type("25abcdefgh")
    page = current(window)
    keys.type("Martin😀")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.type("29022013")
    keys.press(Qt.Key.Key_Return)
    assert current(window) is page
    assert "lettres" in page.fields["last_name"].error.text()
    assert "obligatoire" in page.fields["first_name"].error.text()
    assert "n'existe pas" in page.fields["birth_date"].error.text()
    assert QApplication.focusWidget() is page.fields["last_name"].edit

    page.fields["last_name"].edit.setText("x" * 10_000)
    page.fields["first_name"].edit.setText("Léa")
    page.fields["birth_date"].edit.setText("15/03/1990")
    page.continue_button.click()
    assert "60 caractères au plus" in page.fields["last_name"].error.text()
    assert "de 6 à 30 ans" in page.fields["birth_date"].error.text()
    assert desk.find("") == [], "nothing is saved while something is wrong"


def test_modifier_goes_back_with_everything_typed(qtbot, window, desk):
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_F2)
    keys.type("25abcdefgh")
    person = current(window)
    keys.type("Martin")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Lea")
    keys.press(Qt.Key.Key_Tab)
    keys.type("15/03/2012")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Judo")
    keys.press(Qt.Key.Key_Tab)
    keys.type("150")
    keys.press(Qt.Key.Key_Return)
    review = current(window)
    assert isinstance(review, ReviewPage)
    assert review.values["Reste à payer"].text() == "80,00\u00a0€"
    qtbot.mouseClick(review.modify_button, Qt.MouseButton.LeftButton)
    assert current(window) is person and person.value("first_name") == "Lea"
    assert desk.find("") == []


def test_a_fee_below_the_aid_is_what_the_review_and_the_saved_record_deduct(qtbot, window, desk):
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_F2)
    keys.type("25abcdefgh")
    for text in ("Martin", "Lea", "15/03/2012", "Éveil", "40"):
        keys.type(text)
        keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Return)
    review = current(window)
    assert isinstance(review, ReviewPage)
    # The aid pays all or part of the fee: 40 € here, not the season's 70 €.
    assert review.values["Montant déduit"].text() == "40,00\u00a0€"
    assert review.values["Reste à payer"].text() == "0,00\u00a0€"
    keys.press(Qt.Key.Key_Return)
    assert desk.find("Martin")[0].amount_cents == 4000


def test_deposit_cheque_then_code_then_cheque_given_back(qtbot, window, desk):
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_F2)
    qtbot.mouseClick(current(window).no_code_button, Qt.MouseButton.LeftButton)
    page = current(window)
    assert isinstance(page, PersonPage) and "caution" in page.title.text()
    assert page.value("cheque_amount") == "70,00"
    keys.type("Diallo")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Awa")
    keys.press(Qt.Key.Key_Tab)
    keys.type("02022014")
    keys.press(Qt.Key.Key_Tab)
    keys.type("0001234")
    keys.press(Qt.Key.Key_Tab)
    keys.type("La Banque Postale")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Return)
    result = current(window)
    assert "chèque de caution" in result.text()
    (waiting,) = desk.find("diallo")
    assert waiting.state is State.AWAITING_CODE and waiting.cheque_state is ChequeState.HELD
    assert window.status.pending.text() == "Aucune inscription à envoyer."

    window.find()
    find = current(window)
    keys.type("diallo")
    keys.press(Qt.Key.Key_Return)
    record = current(window)
    assert isinstance(record, RecordPage)
    assert "En attente du code" in record.state.text()
    qtbot.mouseClick(record.buttons["add_code"], Qt.MouseButton.LeftButton)
    keys.type("25-BCDE-FGHJ")
    keys.press(Qt.Key.Key_Return)
    result = current(window)
    assert "Rendez le chèque de caution numéro 0001234" in result.text()
    assert desk.get(waiting.id).state is State.TO_SEND
    assert window.status.pending.text() == "1 inscription à envoyer."

    window.open_record(waiting.id)
    qtbot.mouseClick(current(window).buttons["returned"], Qt.MouseButton.LeftButton)
    assert desk.get(waiting.id).cheque_state is ChequeState.RETURNED
    assert "rendu" in window.message.text()
    assert isinstance(find, FindPage)


def test_cancel_with_a_reason_then_validate_the_code_again(qtbot, window, desk):
    keys = Keyboard(qtbot)
    validate(keys, "25abcdefgh", "Martin", "Hugo", "15032012")
    wrong = desk.find("")[0]
    window.open_record(wrong.id)
    qtbot.mouseClick(current(window).buttons["cancel"], Qt.MouseButton.LeftButton)
    confirm = current(window)
    assert isinstance(confirm, ReviewPage)
    keys.press(Qt.Key.Key_Return)  # no reason given
    assert desk.get(wrong.id).state is State.TO_SEND
    keys.type("Erreur : c'est sa soeur")
    keys.press(Qt.Key.Key_Return)
    assert desk.get(wrong.id).state is State.CANCELLED
    assert window.message.text().endswith(" L'inscription est annulée."), "confirmed once"
    assert "Annulé" in current(window).state.text()

    window.start_validation()
    validate(keys, "25abcdefgh", "Martin", "Léa", "15032012")
    assert isinstance(current(window), ResultPage)
    assert {v.state for v in desk.find("martin")} == {State.CANCELLED, State.TO_SEND}


def test_reprint_says_duplicata_and_the_first_print_does_not(qtbot, window, desk, printers):
    keys = Keyboard(qtbot)
    validate(keys, "25abcdefgh", "Lefèvre", "Léa", "15032012")
    saved = desk.find("")[0]
    qtbot.mouseClick(current(window).print_button, Qt.MouseButton.LeftButton)
    window.find()
    keys.type(saved.receipt_no)
    keys.press(Qt.Key.Key_Return)
    qtbot.mouseClick(current(window).buttons["reprint"], Qt.MouseButton.LeftButton)

    original, duplicate = (pdf_text(p) for p in printers.files)
    for text in (original, duplicate):
        assert saved.receipt_no in text and "25-ABCD-EFGH" in text and "70,00 €" in text
        assert "Lefèvre" in text or "LEFÈVRE" in text
    assert "DUPLICATA" not in original
    assert "DUPLICATA" in duplicate


def test_a_typo_in_the_name_is_corrected_before_sending(qtbot, window, desk):
    keys = Keyboard(qtbot)
    validate(keys, "25abcdefgh", "Martn", "Léa", "15032012")
    saved = desk.find("")[0]
    window.open_record(saved.id)
    qtbot.mouseClick(current(window).buttons["correct"], Qt.MouseButton.LeftButton)
    page = current(window)
    page.fields["last_name"].edit.setText("Martin")
    keys.press(Qt.Key.Key_Return)
    assert desk.get(saved.id).last_name == "Martin"
    assert "correction" in window.message.text()
