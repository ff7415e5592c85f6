"""When the data does not open by the keyring: the key is no longer on this computer,
the keyring does not answer, or the passphrase is forgotten. Each case says what
happened in its own words; the phrase of the club's recovery sheet opens the data
(app/keys.py), and "Réessayer" asks the keyring again once it is unlocked.
"""

from PySide6.QtWidgets import QDialog, QFrame, QPushButton, QVBoxLayout, QWidget

from app.keys import RecoveryPhrase
from ui.desk_pages import button_row
from ui.passphrase import paragraph
from ui.style import current_scale
from ui.texts import common as common_texts
from ui.texts import keys as keys_texts
from ui.widgets import Field, Page

# What the dialog is about: the reasons of app.keys.KeyProblem, and a passphrase forgotten.
KEY_MISSING = "key_missing"
KEYRING_NOT_ANSWERING = "keyring_not_answering"
PASSPHRASE_FORGOTTEN = "passphrase_forgotten"

_WORDS = {
    KEY_MISSING: (
        keys_texts.KEY_MISSING_TITLE,
        keys_texts.KEY_MISSING_WHY,
        keys_texts.KEY_MISSING_WHAT,
    ),
    KEYRING_NOT_ANSWERING: (
        keys_texts.KEYRING_SILENT_TITLE,
        keys_texts.KEYRING_SILENT_WHY,
        keys_texts.KEYRING_SILENT_WHAT,
    ),
    PASSPHRASE_FORGOTTEN: (keys_texts.PASSPHRASE_LOST_TITLE, keys_texts.PASSPHRASE_LOST_WHY, ""),
}


class RecoveryDialog(QDialog):
    """``case``: one of the three above; ``error``: why the last phrase was refused;
    ``has_sheet``: the data has a recovery sheet (without one, no field is offered)."""

    RETRY = 2  # the dialog's result when the keyring is to be asked again

    def __init__(self, case: str, error: str = "", has_sheet: bool = True, parent=None):
        super().__init__(parent)
        self.case = case
        self.setWindowTitle(common_texts.APP_TITLE)
        title, why, what = _WORDS[case]
        self.page = Page(title, why)
        body = self.page.body
        if what:
            body.addWidget(paragraph(what))
        self.field = Field(keys_texts.RECOVERY_FIELD, limit=200)
        self.field.edit.setAccessibleDescription(keys_texts.RECOVERY_HINT)
        self.open_button = QPushButton(keys_texts.RECOVERY_OPEN)
        self.open_button.clicked.connect(self._open)
        self.retry_button = QPushButton(keys_texts.RECOVERY_RETRY)
        self.retry_button.clicked.connect(lambda: self.done(self.RETRY))
        self.quit_button = QPushButton(keys_texts.RECOVERY_QUIT)
        self.quit_button.clicked.connect(self.reject)
        retry = case == KEYRING_NOT_ANSWERING
        if retry and has_sheet:
            body.addWidget(paragraph(keys_texts.KEYRING_SILENT_SHEET))
        if has_sheet:
            body.addWidget(self.field)
            body.addWidget(paragraph(keys_texts.RECOVERY_HINT, "intro"))
        elif not retry:
            body.addWidget(paragraph(keys_texts.KEY_MISSING_NO_SHEET))
        buttons = [
            *([self.retry_button] if retry else []),
            *([self.open_button] if has_sheet else []),
            self.quit_button,
        ]
        # Enter presses the default button: "Réessayer" until a phrase is typed.
        self._make_default(buttons[0])
        if retry and has_sheet:
            self.field.edit.textChanged.connect(
                lambda text: self._make_default(
                    self.open_button if text.strip() else self.retry_button
                )
            )
        bar = QWidget()
        bar.setObjectName("page")
        bar_layout = QVBoxLayout(bar)
        bar_layout.setContentsMargins(32, 8, 32, 16)
        bar_layout.addLayout(button_row(*buttons))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.page, 1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        layout.addWidget(line)
        layout.addWidget(bar)
        if error:
            self.field.set_error(error)
        scale = current_scale()
        screen = self.screen().availableGeometry()
        width = min(round(720 * scale), screen.width())
        height = self.page.widget().heightForWidth(width) + bar.sizeHint().height()
        self.resize(width, min(height + line.sizeHint().height(), screen.height()))
        (self.field.edit if has_sheet and not retry else buttons[0]).setFocus()

    def _make_default(self, chosen: QPushButton) -> None:
        for button in (self.retry_button, self.open_button, self.quit_button):
            button.setDefault(button is chosen)
            button.setObjectName("primary" if button is chosen else "")
            button.style().unpolish(button)
            button.style().polish(button)

    def phrase(self) -> RecoveryPhrase:
        return RecoveryPhrase(self.field.text())

    def _open(self) -> None:
        if self.field.text().strip():
            self.accept()
        else:
            self.field.set_error(keys_texts.RECOVERY_EMPTY)
            self.field.edit.setFocus()


def ask_recovery(case: str, error: str = "", has_sheet: bool = True) -> str | None:
    """The recovery phrase typed; "" to ask the keyring again; None when the user quits."""
    dialog = RecoveryDialog(case, error, has_sheet)
    try:
        result = dialog.exec()
        if result == RecoveryDialog.RETRY:
            return ""
        if result != RecoveryDialog.DialogCode.Accepted:
            return None
        return dialog.phrase()
    finally:
        dialog.deleteLater()
