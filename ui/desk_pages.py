"""The screens of the desk flow: code, young person, review, result.

Each page is a form and says what the user asked for through its signals; the
flow (ui/desk_flow.py) decides what comes next and calls the desk.
"""

import time
from html import escape

from PySide6.QtCore import QEvent, QStringListModel, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QCompleter,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from app.codes import CodeError, format_as_typed
from ui.accessibility import announce, spoken
from ui.style import PALETTE, current_scale, icon
from ui.texts import codes as codes_texts
from ui.texts import common as common_texts
from ui.texts import desk as desk_texts
from ui.widgets import Field, FlowLayout, Page, details_form

# A scanner types the code and its Enter within a few milliseconds: the Enter is waiting
# when the young person page comes up. A person who sees the page change and then presses
# Enter takes far longer than this.
SCANNER_GAP_MS = 150


def now_ms() -> int:
    """The program's own clock for keys, in milliseconds. Not the key events' time: with a
    screen reader on, Qt's bridge hands each key on as a new event whose time is 0."""
    return time.monotonic_ns() // 1_000_000


def button_row(*buttons: QPushButton) -> FlowLayout:
    """Buttons side by side, on several lines if the text is large; Enter presses the one
    that has the focus."""
    row = FlowLayout()
    for button in buttons:
        button.setAutoDefault(True)
        row.addWidget(button)
    return row


class CodePage(Page):
    """One large field for the code, formatted as it is typed or scanned.

    Under it, one line says what is missing or wrong; a fault is shown in the code itself,
    and an obvious fix is one button away. The buttons below never move while typing.
    """

    submitted = Signal(str)
    changed = Signal(str)
    no_code = Signal()
    open_existing = Signal(int)

    def __init__(self, volunteer: str, example: str, intro: str = "", parent=None) -> None:
        super().__init__(desk_texts.CODE_TITLE, intro or desk_texts.code_intro(example), parent)
        # A pasted sentence or a scanned address fits.
        self.code = Field(desk_texts.CODE_LABEL, limit=400)
        font = QFont(self.code.edit.font())  # the size comes from the stylesheet
        font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 2)
        self.code.edit.setFont(font)
        self.code.edit.setObjectName("codeField")
        self.code.edit.textEdited.connect(self._reformat)
        self.code.edit.returnPressed.connect(lambda: self.submitted.emit(self.code.text()))
        self.body.addWidget(self.code)

        # What is missing while typing, or what is wrong: one place, never both.
        self.hint = QLabel()
        self.hint.setObjectName("intro")
        self.hint.setWordWrap(True)
        self.hint.setMinimumHeight(self.hint.fontMetrics().lineSpacing())
        self.fault = QLabel()  # the code as shown, the wrong character marked
        self.fault.setObjectName("codeFault")
        self.fault.setTextFormat(Qt.TextFormat.RichText)
        self.fault.hide()
        self.suggestion_button = QPushButton()
        self.suggestion_button.hide()
        self.suggestion_button.clicked.connect(self._take_suggestion)
        self._suggestion = ""
        self.existing_button = QPushButton(desk_texts.OPEN_EXISTING)
        self.existing_button.hide()
        self._existing_id: int | None = None
        self.existing_button.clicked.connect(lambda: self.open_existing.emit(self._existing_id))
        self.body.addWidget(self.hint)
        self.body.addWidget(self.fault)
        self.body.addLayout(button_row(self.suggestion_button, self.existing_button))

        self.continue_button = QPushButton(desk_texts.CODE_CONTINUE)
        self.continue_button.setObjectName("primary")
        self.continue_button.clicked.connect(lambda: self.submitted.emit(self.code.text()))
        self.no_code_button = QPushButton(desk_texts.NO_CODE_YET)
        self.no_code_button.setToolTip(desk_texts.NO_CODE_YET_HINT)
        self.no_code_button.setAccessibleDescription(desk_texts.NO_CODE_YET_HINT)
        self.no_code_button.clicked.connect(self.no_code.emit)
        self.body.addLayout(button_row(self.continue_button, self.no_code_button))

        self.volunteer = Field(desk_texts.VOLUNTEER_LABEL, text=volunteer, limit=60)
        self.body.addSpacing(24)
        self.body.addWidget(self.volunteer)

    def on_shown(self) -> None:
        self.code.edit.setFocus()

    def unsaved_work(self) -> bool:
        return bool(self.code.text().strip())

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

    def show_problem(
        self,
        message: str | None,
        existing_id: int | None = None,
        error: CodeError | None = None,
    ) -> None:
        """What is wrong, under the field; with ``error``, the fault marked in the code and
        its likely fix offered."""
        self.code.set_error(message)
        if message:
            self.show_hint("")
        self._existing_id = existing_id
        self.existing_button.setVisible(existing_id is not None)
        shown = error.details.get("shown") if error is not None else None
        self.fault.setVisible(bool(message and shown))
        if message and shown:
            self.fault.setText(marked_code(shown, error.details["shown_index"]))
            self.fault.setAccessibleName(shown)
        self._suggestion = (error.suggestion if error is not None and message else None) or ""
        self.suggestion_button.setText(codes_texts.use_suggestion(self._suggestion))
        self.suggestion_button.setVisible(bool(self._suggestion))
        if message:
            self.code.edit.setFocus()

    def show_hint(self, message: str) -> None:
        self.hint.setText(message)

    def _take_suggestion(self) -> None:
        self.code.edit.setText(self._suggestion)
        self.code.edit.setFocus()
        self.show_problem(None)
        self.changed.emit(self.code.text())


def marked_code(shown: str, index: int) -> str:
    """Rich text of ``shown`` with the character at ``index`` boxed, bold and underlined."""
    before, char, after = shown[:index], shown[index : index + 1], shown[index + 1 :]
    style = "background-color:{error_fill}; color:{error_ink}; font-weight:bold;"
    style = style.format(**PALETTE)
    mark = f'<span style="{style} text-decoration:underline">&nbsp;{escape(char)}&nbsp;</span>'
    return f'<span style="font-size:x-large">{escape(before)}{mark}{escape(after)}</span>'


class PersonPage(Page):
    """The young person: names and birth date; optional activity and fee; cheque if no code."""

    submitted = Signal()

    def __init__(
        self,
        title: str,
        intro: str,
        names: list[str],
        with_cheque: bool,
        parent=None,
        after_code: bool = False,
        given: dict[str, str] | None = None,
    ) -> None:
        """``after_code``: the page comes up because a code was just typed or scanned, and a
        scanner's Enter may follow it here. ``given``: what fields hold at first (a
        brother's name, a registration to correct); leaving them as given loses nothing."""
        super().__init__(title, intro, parent)
        self.fields: dict[str, Field] = {}
        # Rows of fields side by side, in the order of the Tab key.
        rows = [
            [("last_name", desk_texts.LAST_NAME), ("first_name", desk_texts.FIRST_NAME)],
            [("birth_date", desk_texts.BIRTH_DATE)],
        ]
        if with_cheque:
            rows.append(
                [
                    ("cheque_number", desk_texts.CHEQUE_NUMBER),
                    ("cheque_bank", desk_texts.CHEQUE_BANK),
                    ("cheque_amount", desk_texts.CHEQUE_AMOUNT),
                ]
            )
        rows.append([("activity", desk_texts.ACTIVITY), ("fee", desk_texts.FEE)])
        grid = QGridLayout()
        grid.setHorizontalSpacing(20)
        for row, pairs in enumerate(rows):
            for column, (key, label) in enumerate(pairs):
                limit = 12 if key == "birth_date" else 200
                field = Field(label, text=(given or {}).get(key, ""), limit=limit)
                field.edit.returnPressed.connect(self._enter)
                field.edit.installEventFilter(self)
                self.fields[key] = field
                grid.addWidget(field, row, column)
        self.body.addLayout(grid)
        completer = QCompleter(QStringListModel(names, self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.fields["last_name"].edit.setCompleter(completer)
        self.continue_button = QPushButton(desk_texts.CODE_CONTINUE)
        self.continue_button.setObjectName("primary")
        self.continue_button.clicked.connect(self.submitted.emit)
        self.body.addLayout(button_row(self.continue_button))
        self._as_given = {key: field.text() for key, field in self.fields.items()}
        self._scanner_may_follow = after_code
        self._shown_ms: int | None = None

    def unsaved_work(self) -> bool:
        return any(
            field.text() != self._as_given.get(key, "") for key, field in self.fields.items()
        )

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() not in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            self._scanner_may_follow = False  # typing here: any Enter is a request
        return False

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._shown_ms = now_ms()

    def _enter(self) -> None:
        """Enter asks to go on, and an empty form says what it needs; except the Enter a
        scanner sends right after the code, which lands here, in the still-empty page,
        within SCANNER_GAP_MS of its coming up (however long the page took to build), and
        is not a request."""
        scanner, self._scanner_may_follow = self._scanner_may_follow, False
        if (
            scanner
            and self._shown_ms is not None
            and now_ms() - self._shown_ms <= SCANNER_GAP_MS
            and not self.unsaved_work()
        ):
            return
        self.submitted.emit()

    def on_shown(self) -> None:
        self.fields["last_name"].edit.setFocus()

    def value(self, key: str) -> str:
        return self.fields[key].text()

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each error under its field; the focus on the first; and all of them said at once,
        each with the name of its field."""
        first = None
        for key, field in self.fields.items():
            field.set_error(errors.get(key), say=False)
            if key in errors and first is None:
                first = field
        if first is not None:
            first.edit.setFocus()
            first.edit.selectAll()
            lines = [f"{f.name()} : {errors[k]}" for k, f in self.fields.items() if k in errors]
            announce(self, spoken([desk_texts.errors_to_correct(len(lines)), *lines]), "error")


class ReviewPage(Page):
    """The summary before anything that moves money: Modifier or Confirmer (Enter)."""

    modify = Signal()
    confirm = Signal()

    def __init__(
        self,
        rows: list[tuple[str, str]],
        title: str = desk_texts.REVIEW_TITLE,
        intro: str = desk_texts.REVIEW_INTRO,
        parent=None,
    ) -> None:
        super().__init__(title, intro, parent)
        form, self.values = details_form(rows)
        self.body.addLayout(form)
        self.confirm_button = QPushButton(desk_texts.CONFIRM)
        self.confirm_button.setObjectName("primary")
        self.confirm_button.setDefault(True)
        self.confirm_button.clicked.connect(self.confirm.emit)
        self.modify_button = QPushButton(desk_texts.MODIFY)
        self.modify_button.clicked.connect(self.modify.emit)
        self.body.addLayout(button_row(self.confirm_button, self.modify_button))
        self.pending = True  # nothing is saved until Confirmer

    def on_shown(self) -> None:
        self.confirm_button.setFocus()

    def keyPressEvent(self, event) -> None:
        """Enter confirms, as the page says, also from a detail read with Tab. A button or
        a field with the focus does what its own Enter does, and nothing more."""
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        on_detail = isinstance(QApplication.focusWidget(), QLabel)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain and on_detail:
            self.confirm_button.click()
            return
        super().keyPressEvent(event)

    def unsaved_work(self) -> bool:
        return self.pending


class ResultPage(Page):
    """A large, clear outcome, in words and with an icon; Enter starts the next family."""

    next_family = Signal()
    sibling = Signal()
    print_receipt = Signal()
    print_family = Signal()
    save_pdf = Signal()
    takes_code = True  # the next code can be typed or scanned right here

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
        mark.setAccessibleName(common_texts.RESULT_ICON_NAMES.get(kind, ""))
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
        self.next_button = QPushButton(desk_texts.NEXT_FAMILY)
        self.next_button.setObjectName("primary")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next_family.emit)
        self.sibling_button = QPushButton(desk_texts.SIBLING)
        self.sibling_button.setToolTip(desk_texts.SIBLING_HINT)
        self.sibling_button.setAccessibleDescription(desk_texts.SIBLING_HINT)
        self.sibling_button.clicked.connect(self.sibling.emit)
        self.print_button = QPushButton(desk_texts.PRINT)
        self.print_button.clicked.connect(self.print_receipt.emit)
        self.family_button = QPushButton()
        self.family_button.hide()
        self.family_button.clicked.connect(self.print_family.emit)
        self.pdf_button = QPushButton(desk_texts.SAVE_PDF)
        self.pdf_button.clicked.connect(self.save_pdf.emit)
        self.body.addLayout(button_row(self.next_button, self.sibling_button))
        self.body.addLayout(button_row(self.print_button, self.family_button, self.pdf_button))
        self.next_hint = QLabel(desk_texts.NEXT_CODE_HINT)
        self.next_hint.setObjectName("intro")
        self.next_hint.setWordWrap(True)
        self.body.addWidget(self.next_hint)

    def offer_family_print(self, count: int) -> None:
        """The receipts of the brothers and sisters registered one after the other."""
        self.family_button.setText(desk_texts.print_family(count))
        self.family_button.setVisible(count > 1)

    def text(self) -> str:
        return "\n".join([self.headline.text(), *(label.text() for label in self.lines)])

    def arrival(self) -> tuple[str, str]:
        return spoken(self.text().split("\n")), self._kind

    def on_shown(self) -> None:
        self.next_button.setFocus()
