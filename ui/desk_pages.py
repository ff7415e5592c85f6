"""The screens of the desk flow: code, young person, review, result.

Each page is a form and says what the user asked for through its signals; the
flow (ui/desk_flow.py) decides what comes next and calls the desk.
"""

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from app.codes import format_as_typed
from ui import texts
from ui.accessibility import announce, spoken
from ui.style import current_scale, icon
from ui.widgets import Field, FlowLayout, Page, details_form


def button_row(*buttons: QPushButton) -> FlowLayout:
    """Buttons side by side, on several lines if the text is large; Enter presses the one
    that has the focus."""
    row = FlowLayout()
    for button in buttons:
        button.setAutoDefault(True)
        row.addWidget(button)
    return row


class CodePage(Page):
    """One large field for the code, formatted as it is typed or scanned."""

    submitted = Signal(str)
    changed = Signal(str)
    no_code = Signal()
    open_existing = Signal(int)

    def __init__(self, volunteer: str, parent=None) -> None:
        super().__init__(texts.CODE_TITLE, texts.CODE_INTRO, parent)
        self.code = Field(texts.CODE_LABEL)
        font = QFont(self.code.edit.font())  # the size comes from the stylesheet
        font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 2)
        self.code.edit.setFont(font)
        self.code.edit.setObjectName("codeField")
        self.code.edit.setMaxLength(400)  # a pasted sentence or a scanned address fits
        self.code.edit.textEdited.connect(self._reformat)
        self.code.edit.returnPressed.connect(lambda: self.submitted.emit(self.code.text()))
        self.hint = QLabel()
        self.hint.setObjectName("intro")
        self.hint.setWordWrap(True)
        self.hint.hide()
        self.body.addWidget(self.code)
        self.body.addWidget(self.hint)

        self.existing_button = QPushButton(texts.OPEN_EXISTING)
        self.existing_button.hide()
        self._existing_id: int | None = None
        self.existing_button.clicked.connect(lambda: self.open_existing.emit(self._existing_id))
        self.body.addLayout(button_row(self.existing_button))

        self.continue_button = QPushButton(texts.CODE_CONTINUE)
        self.continue_button.setObjectName("primary")
        self.continue_button.clicked.connect(lambda: self.submitted.emit(self.code.text()))
        self.no_code_button = QPushButton(texts.NO_CODE_YET)
        self.no_code_button.setToolTip(texts.NO_CODE_YET_HINT)
        self.no_code_button.setAccessibleDescription(texts.NO_CODE_YET_HINT)
        self.no_code_button.clicked.connect(self.no_code.emit)
        self.body.addLayout(button_row(self.continue_button, self.no_code_button))

        self.volunteer = Field(texts.VOLUNTEER_LABEL)
        self.volunteer.edit.setText(volunteer)
        self.volunteer.edit.setMaxLength(60)
        self.body.addSpacing(24)
        self.body.addWidget(self.volunteer)

    def on_shown(self) -> None:
        self.code.edit.setFocus()

    def prefill(self, text: str) -> None:
        self.code.edit.setText(format_as_typed(text))
        self.changed.emit(self.code.text())

    def _reformat(self, text: str) -> None:
        self.show_problem(None)
        # Reformat only what looks like a code being typed; a pasted sentence stays as it is.
        if len(text) <= 14 and all(c.isalnum() or c in " -" for c in text):
            formatted = format_as_typed(text)
            if formatted != text:
                self.code.edit.setText(formatted)
        self.changed.emit(self.code.text())

    def show_problem(self, message: str | None, existing_id: int | None = None) -> None:
        self.code.set_error(message)
        self._existing_id = existing_id
        self.existing_button.setVisible(existing_id is not None)
        if message:
            self.code.edit.setFocus()

    def show_hint(self, message: str) -> None:
        self.hint.setText(message)
        self.hint.setVisible(bool(message))


class PersonPage(Page):
    """The young person: names and birth date; optional activity and fee; cheque if no code."""

    submitted = Signal()

    def __init__(
        self, title: str, intro: str, names: list[str], with_cheque: bool, parent=None
    ) -> None:
        super().__init__(title, intro, parent)
        self.fields: dict[str, Field] = {}
        # Rows of fields side by side, in the order of the Tab key.
        rows = [
            [("last_name", texts.LAST_NAME), ("first_name", texts.FIRST_NAME)],
            [("birth_date", texts.BIRTH_DATE)],
        ]
        if with_cheque:
            rows.append(
                [
                    ("cheque_number", texts.CHEQUE_NUMBER),
                    ("cheque_bank", texts.CHEQUE_BANK),
                    ("cheque_amount", texts.CHEQUE_AMOUNT),
                ]
            )
        rows.append([("activity", texts.ACTIVITY), ("fee", texts.FEE)])
        grid = QGridLayout()
        grid.setHorizontalSpacing(20)
        for row, pairs in enumerate(rows):
            for column, (key, label) in enumerate(pairs):
                field = Field(label)
                field.edit.setMaxLength(200)
                field.edit.returnPressed.connect(self._enter)
                self.fields[key] = field
                grid.addWidget(field, row, column)
        self.body.addLayout(grid)
        self.fields["birth_date"].edit.setMaxLength(12)
        completer = QCompleter(QStringListModel(names, self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.fields["last_name"].edit.setCompleter(completer)
        self.continue_button = QPushButton(texts.CODE_CONTINUE)
        self.continue_button.setObjectName("primary")
        self.continue_button.clicked.connect(self.submitted.emit)
        self.body.addLayout(button_row(self.continue_button))

    def _enter(self) -> None:
        # A scanner's Enter right after the code lands in the still-empty first field.
        if not any(field.text().strip() for field in self.fields.values()):
            return
        self.submitted.emit()

    def on_shown(self) -> None:
        self.fields["last_name"].edit.setFocus()

    def value(self, key: str) -> str:
        return self.fields[key].text()

    def show_errors(self, errors: dict[str, str]) -> None:
        first = None
        for key, field in self.fields.items():
            field.set_error(errors.get(key))
            if key in errors and first is None:
                first = field
        if first is not None:
            first.edit.setFocus()
            first.edit.selectAll()


class ReviewPage(Page):
    """The summary before anything that moves money: Modifier or Confirmer (Enter)."""

    modify = Signal()
    confirm = Signal()

    def __init__(
        self,
        rows: list[tuple[str, str]],
        title: str = texts.REVIEW_TITLE,
        intro: str = texts.REVIEW_INTRO,
        parent=None,
    ) -> None:
        super().__init__(title, intro, parent)
        form, self.values = details_form(rows)
        self.body.addLayout(form)
        self.confirm_button = QPushButton(texts.CONFIRM)
        self.confirm_button.setObjectName("primary")
        self.confirm_button.setDefault(True)
        self.confirm_button.clicked.connect(self.confirm.emit)
        self.modify_button = QPushButton(texts.MODIFY)
        self.modify_button.clicked.connect(self.modify.emit)
        self.body.addLayout(button_row(self.confirm_button, self.modify_button))

    def on_shown(self) -> None:
        self.confirm_button.setFocus()


class ResultPage(Page):
    """A large, clear outcome, in words and with an icon; Enter starts the next family."""

    next_family = Signal()
    print_receipt = Signal()
    save_pdf = Signal()

    def __init__(self, headline: str, kind: str, lines: list[str], parent=None) -> None:
        super().__init__("", parent=parent)
        self.title.hide()
        self._kind = kind
        card = QFrame()
        card.setObjectName("resultCard")
        card.setProperty("kind", kind)
        row = QHBoxLayout(card)
        row.setContentsMargins(24, 20, 24, 20)
        row.setSpacing(20)
        mark = QLabel()
        size = round(64 * current_scale())
        mark.setPixmap(icon(kind).pixmap(size, size))
        mark.setAlignment(Qt.AlignmentFlag.AlignTop)
        mark.setAccessibleName(texts.RESULT_ICON_NAMES.get(kind, ""))
        row.addWidget(mark)
        column = QVBoxLayout()
        self.headline = QLabel(headline)
        self.headline.setObjectName("resultHeadline")
        self.headline.setWordWrap(True)
        self.headline.setAccessibleName(headline)
        column.addWidget(self.headline)
        self.lines = []
        for line in lines:
            label = QLabel(line)
            label.setObjectName("resultLine")
            label.setWordWrap(True)
            column.addWidget(label)
            self.lines.append(label)
        row.addLayout(column, 1)
        self.body.addWidget(card)
        self.next_button = QPushButton(texts.NEXT_FAMILY)
        self.next_button.setObjectName("primary")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next_family.emit)
        self.print_button = QPushButton(texts.PRINT)
        self.print_button.clicked.connect(self.print_receipt.emit)
        self.pdf_button = QPushButton(texts.SAVE_PDF)
        self.pdf_button.clicked.connect(self.save_pdf.emit)
        self.body.addLayout(button_row(self.next_button, self.print_button, self.pdf_button))

    def text(self) -> str:
        return "\n".join([self.headline.text(), *(label.text() for label in self.lines)])

    def showEvent(self, event) -> None:
        super().showEvent(event)
        announce(self, spoken(self.text().split("\n")), self._kind)

    def on_shown(self) -> None:
        self.next_button.setFocus()
