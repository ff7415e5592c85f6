"""Screens about the national service: enrolling this computer, the list to check."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton

from app.errors import StoreError
from app.secrets import KeyringUnavailable, secure_keyring_available
from app.validations import Validation
from sync.client import BadAddress, CertificateRefused, Refused, RetryLater, api_address
from ui.accessibility import announce
from ui.desk_pages import button_row
from ui.passphrase import paragraph
from ui.records import ValidationList, summary_line
from ui.texts import desk as desk_texts
from ui.texts import errors as errors_texts
from ui.texts import national as national_texts
from ui.widgets import Field, Page


def enrol_error(error: BaseException) -> str:
    if isinstance(error, KeyringUnavailable):
        return national_texts.ENROL_ERRORS["no_secure_keyring"]
    if isinstance(error, BadAddress):
        return national_texts.ENROL_URL_ERRORS[error.reason]
    if isinstance(error, CertificateRefused):
        return national_texts.ENROL_ERRORS["certificate_refused"]
    if isinstance(error, Refused):
        return national_texts.ENROL_ERRORS["refused"]
    if isinstance(error, RetryLater):
        return national_texts.ENROL_ERRORS["unreachable"]
    if isinstance(error, StoreError):  # the enrolment could not be written here
        return errors_texts.describe(error)
    return national_texts.ENROL_ERRORS["unreachable"]


def _with_advice(v: Validation) -> str:
    advice = national_texts.NATIONAL_REASONS.get(v.national_reason or "invalid", "")
    return f"{summary_line(v)}\n{advice}"


class EnrolPage(Page):
    """Type the enrolment code from the national portal; the work is done in the background.

    A computer without a keyring cannot keep the key the national service gives: the page
    says so as it opens, with what to do, instead of a form that would fail at the end."""

    submitted = Signal(str, str)

    def __init__(
        self, api_url: str, parent=None, keyring_available=secure_keyring_available
    ) -> None:
        super().__init__(national_texts.ENROL_TITLE, national_texts.ENROL_INTRO, parent)
        self.no_keyring = None if keyring_available() else self._no_keyring_notice()
        self.url = Field(national_texts.ENROL_URL, text=api_url, limit=200)
        self.code = Field(national_texts.ENROL_CODE, limit=40)
        self.body.addWidget(self.url)
        self.body.addWidget(self.code)
        self.button = QPushButton(national_texts.ENROL_BUTTON)
        self.button.setObjectName("primary")
        self.button.clicked.connect(self._submit)
        self.code.edit.returnPressed.connect(self._submit)
        self.url.edit.returnPressed.connect(self._submit)
        self.body.addLayout(button_row(self.button))
        self.progress = QLabel()
        self.progress.setObjectName("intro")
        self.body.addWidget(self.progress)
        if self.no_keyring is not None:  # nothing to fill in that could not work
            for widget in (self.intro, self.url, self.code, self.button, self.progress):
                widget.hide()

    def _no_keyring_notice(self) -> QLabel:
        words = [
            national_texts.ENROL_NO_KEYRING,
            national_texts.ENROL_NO_KEYRING_TODO,
            national_texts.ENROL_NO_KEYRING_MEANWHILE,
        ]
        notice = paragraph("⚠  " + "\n\n".join(words), "message")
        notice.setProperty("kind", "warning")
        notice.setAccessibleName(" ".join(words))
        # Reachable with Tab and read first: it is the one thing this page has to say.
        notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        notice.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.body.addWidget(notice)
        return notice

    def _submit(self) -> None:
        try:
            url = api_address(self.url.text())
        except BadAddress as refused:  # the one check the client itself makes again
            self.url.set_error(national_texts.ENROL_URL_ERRORS[refused.reason])
            self.url.edit.setFocus()
            return
        self.url.set_error(None)
        if not self.code.text().strip():
            self.code.set_error(desk_texts.PERSON_ERRORS["required"])
            self.code.edit.setFocus()
            return
        self.set_busy(True)
        self.submitted.emit(url, self.code.text())

    def set_busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)
        self.progress.setText(national_texts.ENROL_WAIT if busy else "")

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.code.set_error(message)
        self.code.edit.setFocus()

    def on_shown(self) -> None:
        if self.no_keyring is not None:
            self.no_keyring.setFocus()
            self.no_keyring.setSelection(0, 0)  # read from the start
            announce(self.no_keyring, self.no_keyring.accessibleName(), "warning")
            return
        (self.code if self.url.text() else self.url).edit.setFocus()


class ToCheckPage(Page):
    """The registrations the national service refused, each with what to do."""

    open_record = Signal(int)

    def __init__(self, load, parent=None) -> None:
        super().__init__(national_texts.TO_CHECK_TITLE, national_texts.TO_CHECK_INTRO, parent)
        self._load = load
        self.count = QLabel()
        self.results = ValidationList(national_texts.TO_CHECK_TITLE)
        self.results.open_record.connect(self.open_record)
        self.body.addWidget(self.count)
        self.body.addWidget(self.results, 1)
        self.refresh()

    def refresh(self) -> None:
        found: list[Validation] = self._load()
        self.results.show_validations(found, _with_advice)
        self.count.setText(
            national_texts.to_check_count(len(found)) if found else national_texts.TO_CHECK_NONE
        )

    def on_shown(self) -> None:
        self.refresh()
        self.results.setFocus()

    def on_data_changed(self) -> None:
        self.refresh()
