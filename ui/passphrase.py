"""The passphrase that protects the data on a computer without a keyring: chosen once
(typed twice, checked as it is typed), then typed at each start.

The passphrase itself is never shown, spoken or copied anywhere: the fields hide it,
and the words under them (also their accessible descriptions) only say how it stands.
"""

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QDialog, QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from app.keys import PASSPHRASE_MIN
from ui.accessibility import announce
from ui.desk_pages import button_row
from ui.style import current_scale
from ui.texts import common as common_texts
from ui.texts import keys as keys_texts
from ui.widgets import Field, Page


def _hidden_field(label: str) -> Field:
    return Field(label, secret=True, limit=200)


# Names a volunteer may have to type as they are: a line never breaks inside them.
WHOLE_WORDS = ("gnome-keyring",)
WORD_JOINER = "\u2060"  # invisible; screen readers skip it


def paragraph(text: str, name: str = "") -> QLabel:
    """A paragraph that wraps, except inside the names of :data:`WHOLE_WORDS`."""
    shown = text
    for word in WHOLE_WORDS:
        shown = shown.replace(word, word.replace("-", f"{WORD_JOINER}-{WORD_JOINER}"))
    label = QLabel(shown)
    label.setWordWrap(True)
    label.setAccessibleName(text)
    if name:
        label.setObjectName(name)
    return label


class PassphraseDialog(QDialog):
    """``new``: choose the passphrase (two fields); otherwise type it to open the data.
    ``error``: why the last one was refused; ``remembered``: a keyring keeps it from now;
    ``has_sheet``: the data has a recovery sheet, which opens it too (ui/recovery.py)."""

    USE_SHEET = 2  # the dialog's result when the recovery sheet is to be used instead

    def __init__(
        self,
        new: bool,
        error: str = "",
        remembered: bool = False,
        parent=None,
        has_sheet: bool = False,
    ):
        super().__init__(parent)
        self.new = new
        title = keys_texts.PASSPHRASE_NEW_TITLE if new else keys_texts.PASSPHRASE_TITLE
        self.setWindowTitle(f"{title} – {common_texts.APP_TITLE}")  # what it asks, first
        intro = keys_texts.NO_KEYRING_WHY if new else keys_texts.PASSPHRASE_ASK
        self.page = Page(title, intro)
        body = self.page.body
        self.first = _hidden_field(
            keys_texts.PASSPHRASE_FIRST if new else keys_texts.PASSPHRASE_FIELD
        )
        self.first_state = paragraph("")
        self.second = _hidden_field(keys_texts.PASSPHRASE_SECOND)
        self.second_state = paragraph("")
        self.confirm_button = QPushButton(
            keys_texts.PASSPHRASE_PROTECT if new else keys_texts.PASSPHRASE_OPEN
        )
        self.confirm_button.setObjectName("primary")
        self.confirm_button.setDefault(True)
        self.confirm_button.clicked.connect(self._confirm)
        self.quit_button = QPushButton(keys_texts.PASSPHRASE_QUIT)
        self.quit_button.clicked.connect(self.reject)
        self.sheet_button = QPushButton(keys_texts.PASSPHRASE_USE_SHEET)
        self.sheet_button.clicked.connect(lambda: self.done(self.USE_SHEET))
        buttons = [self.confirm_button, self.quit_button]
        if has_sheet and not new:
            buttons.insert(1, self.sheet_button)
        if new:
            body.addWidget(paragraph(keys_texts.PASSPHRASE_NEW))
            for widget in (self.first, self.first_state, self.second, self.second_state):
                body.addWidget(widget)
            body.addWidget(paragraph(keys_texts.KEYRING_WOULD_HELP, "intro"))
            self.first.edit.returnPressed.connect(self.second.edit.setFocus)
            self.second.edit.returnPressed.connect(self._confirm)
        else:
            body.addWidget(self.first)
            for unused in (self.second, self.second_state):  # in the dialog, never a window
                body.addWidget(unused)
                unused.hide()
            self.first.edit.returnPressed.connect(self._confirm)
            heading = paragraph(keys_texts.PASSPHRASE_FORGOTTEN_TITLE, "detailValue")  # bold
            body.addWidget(heading)
            body.addWidget(paragraph(keys_texts.PASSPHRASE_FORGOTTEN))
            why = keys_texts.KEYRING_NOW if remembered else keys_texts.NO_KEYRING_WHY
            body.addWidget(paragraph(why, "intro"))
            if not remembered:
                body.addWidget(paragraph(keys_texts.KEYRING_WOULD_HELP, "intro"))
        self.first.edit.textChanged.connect(self._follow)
        self.second.edit.textChanged.connect(self._follow)
        for edit in (self.first.edit, self.second.edit):
            edit.installEventFilter(self)
        # The buttons stay in sight below the text, which scrolls when it is large.
        self.bar = bar = QWidget()
        bar.setObjectName("page")
        bar_layout = QVBoxLayout(bar)
        bar_layout.setContentsMargins(32, 8, 32, 16)
        bar_layout.addLayout(button_row(*buttons))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.page, 1)
        self.line = QFrame()
        self.line.setFrameShape(QFrame.Shape.HLine)  # where the text scrolls under the buttons
        layout.addWidget(self.line)
        layout.addWidget(bar)
        self._follow()
        if error:
            self.first.set_error(error)
        self._fit()
        self.first.edit.setFocus()

    def _fit(self) -> None:
        """As wide as a comfortable line, as tall as the text (within the screen)."""
        scale = current_scale()
        screen = self.screen().availableGeometry()
        width = min(round(720 * scale), screen.width())
        needed = sum(
            (
                self.page.widget().heightForWidth(width),
                self.line.sizeHint().height(),
                self.bar.sizeHint().height(),
            )
        )
        self.resize(width, min(needed, screen.height()))

    def eventFilter(self, watched, event) -> bool:
        """A field that gets the focus scrolls into sight with the words under it."""
        if event.type() == QEvent.Type.FocusIn:
            for field, state in ((self.first, self.first_state), (self.second, self.second_state)):
                if watched is field.edit:
                    self.page.ensureWidgetVisible(state if state.isVisibleTo(self) else field)
                    self.page.ensureWidgetVisible(field.label)
        return False

    def passphrase(self) -> str:
        return self.first.text()

    def _states(self) -> tuple[str, str, bool]:
        """The words under each field and whether the passphrase can be used."""
        first, second = self.first.text(), self.second.text()
        if not self.new:
            return "", "", bool(first)
        missing = PASSPHRASE_MIN - len(first)
        long_enough = missing <= 0
        first_words = (
            keys_texts.PASSPHRASE_LONG_ENOUGH
            if long_enough
            else keys_texts.passphrase_missing(missing)
        )
        if not second:
            second_words = keys_texts.PASSPHRASE_TYPE_TWICE
        elif second == first:
            second_words = keys_texts.PASSPHRASE_SAME
        elif first.startswith(second):
            second_words = keys_texts.PASSPHRASE_NOT_YET_SAME
        else:
            second_words = keys_texts.PASSPHRASE_DIFFERENT
        return first_words, second_words, long_enough and second == first

    def _follow(self) -> None:
        """As each character is typed: what is missing, whether both match, the button."""
        first_words, second_words, ready = self._states()
        self.confirm_button.setEnabled(ready)
        # The stylesheet's look of a disabled button loses to the primary one: the button
        # looks pressable only when it is.
        self.confirm_button.setObjectName("primary" if ready else "")
        self.confirm_button.style().unpolish(self.confirm_button)
        self.confirm_button.style().polish(self.confirm_button)
        if not self.new:
            self.confirm_button.setAccessibleDescription("" if ready else keys_texts.PASSPHRASE_ASK)
            return
        for field, state, words in (
            (self.first, self.first_state, first_words),
            (self.second, self.second_state, second_words),
        ):
            said = state.text()
            state.setText(words)
            state.setAccessibleName(words)
            state.setObjectName("fieldError" if words == keys_texts.PASSPHRASE_DIFFERENT else "")
            state.style().unpolish(state)
            state.style().polish(state)
            field.edit.setAccessibleDescription(words)
            if words != said and words.startswith(("✔", "✖")):
                announce(field.edit, words.lstrip("✔✖ "), "error" if "✖" in words else "info")
        first_done = first_words == keys_texts.PASSPHRASE_LONG_ENOUGH
        reason = "" if ready else (second_words if first_done else first_words)
        self.confirm_button.setAccessibleDescription(reason)

    def _confirm(self) -> None:
        if self._states()[2]:
            self.accept()
