"""Searching the whole forum from « Retrouver une inscription », through the main desk.

While this computer is at a forum, the search field also asks the main desk
(``NationalLink.forum_search``, off the interface thread) once typing pauses: its
registrations from the other desks come in their own list, with the desk and the time.
One of them opens read-only (it belongs to its desk), and its receipt is reprinted from
what the main desk holds, with its own number, by the one receipt of ui/receipt.py.
"""

from datetime import UTC, date, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.codes import CodeError, parse_code_format
from app.validations import State, Validation
from ui import french
from ui.desk_pages import button_row
from ui.forum_pages import line, section
from ui.records import ValidationList
from ui.style import current_scale, icon
from ui.texts import desk as desk_texts
from ui.texts import records as records_texts
from ui.widgets import Page, details_form

# The main desk's states (sync/forum_store.py), as this desk names its own.
_STATES = {
    "awaiting_national": State.TO_SEND,
    "accepted": State.CONFIRMED,
    "in_processing": State.IN_PROCESSING,
    "paid": State.PAID,
    "refused": State.TO_CHECK,
    "cancelled": State.CANCELLED,
}


def _moment(stamp: object) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(stamp))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def recorded_at(found: dict) -> datetime:
    """When the desk recorded it (else when the main desk received it)."""
    return (
        _moment(found.get("recorded_at")) or _moment(found.get("received_at")) or datetime.now(UTC)
    )


def forum_validation(found: dict, aeeh_years=frozenset(), ident: int = 0) -> Validation:
    """A registration found on the main desk, as a receipt shows one. The main desk does
    not hold the activity, the fee or who recorded it: the receipt goes without them."""
    code = str(found.get("code") or "")
    when = recorded_at(found)
    try:
        season = parse_code_format(code, aeeh_years).year
    except CodeError:
        season = when.year
    try:
        born = date.fromisoformat(str(found.get("birth_date")))
    except ValueError:
        born = None
    return Validation(
        id=ident,
        receipt_no=str(found.get("receipt_no") or ""),
        code=code or None,
        season=season,
        last_name=str(found.get("last_name") or ""),
        first_name=str(found.get("first_name") or ""),
        birth_date=born,
        activity="",
        fee_cents=None,
        amount_cents=int(found.get("amount_cents") or 0),
        state=_STATES.get(str(found.get("state")), State.TO_SEND),
        recorded_at=when,
        recorded_by="",
        sent=True,
    )


def _describe(found: dict, v: Validation) -> str:
    receipt = desk_texts.receipt_number(v.receipt_no) if v.receipt_no else ""
    return records_texts.forum_line(
        f"{v.first_name} {v.last_name}",
        records_texts.STATE_WORDS[v.state],
        v.code or desk_texts.NO_CODE_VALUE,
        receipt,
        str(found.get("desk") or ""),
        french.moment(v.recorded_at),
    )


class ForumResults(QWidget):
    """Under this desk's own results: what the main desk found at the other desks."""

    open_found = Signal(object)  # the main desk's dict of one registration

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(section(records_texts.FORUM_TITLE))
        self.state = line(records_texts.FORUM_TYPE_MORE)
        layout.addWidget(self.state)
        self.results = ValidationList(records_texts.FORUM_RESULTS)
        self.results.setMinimumHeight(200)
        self.results.hide()
        layout.addWidget(self.results)
        self.results.open_record.connect(self._open)
        self._found: list[dict] = []
        self._shown: list[dict] = []

    def _say(self, text: str) -> None:
        if self.state.text() != text:
            self.state.setText(text)
            self.state.setAccessibleName(text)
            self.layout().invalidate()  # a longer sentence wraps: room for it
            self.updateGeometry()

    def show_waiting(self, text: str = records_texts.FORUM_SEARCHING) -> None:
        self._found = []
        self._say(text)
        self.results.clear()
        self.results.hide()

    def show_found(self, found: list[dict], local_codes: set[str]) -> None:
        self._found = list(found)
        self.keep_apart(local_codes)

    def keep_apart(self, local_codes: set[str]) -> None:
        """The registrations this desk's own list already shows are not shown twice."""
        self._shown = [f for f in self._found if f.get("code") not in local_codes]
        shown = [forum_validation(f, ident=i) for i, f in enumerate(self._shown)]
        self.results.show_validations(
            shown,
            describe=lambda v: _describe(self._shown[v.id], v),
        )
        self._say(records_texts.forum_found(len(shown)) if shown else records_texts.FORUM_NONE)
        self.results.setVisible(bool(shown))

    def first(self) -> dict | None:
        return self._shown[0] if self._shown and self.results.isVisibleTo(self) else None

    def _open(self, index: int) -> None:
        if 0 <= index < len(self._shown):
            self.open_found.emit(self._shown[index])


class ForumRecordPage(Page):
    """A registration of another desk of the forum, read-only, and its receipt."""

    reprint = Signal()
    save_pdf = Signal()
    back = Signal()

    def __init__(self, found: dict, v: Validation, parent=None) -> None:
        title = records_texts.RECORD_TITLE
        if v.receipt_no:
            title += f" · {desk_texts.receipt_number(v.receipt_no)}"
        super().__init__(title, records_texts.FORUM_RECORD_INTRO, parent)
        words = records_texts.STATE_WORDS[v.state]
        state = QLabel(words)
        state.setObjectName("stateLine")
        state.setProperty("kind", records_texts.STATE_ICONS[v.state])
        state.setWordWrap(True)
        state_icon = QLabel()
        size = round(28 * current_scale())
        state_icon.setPixmap(icon(records_texts.STATE_ICONS[v.state]).pixmap(size, size))
        state_icon.setAccessibleName(words)
        row = QHBoxLayout()
        row.addWidget(state_icon)
        row.addWidget(state, 1)
        self.body.addLayout(row)
        rows = [
            (desk_texts.REVIEW_CODE, v.code or desk_texts.NO_CODE_VALUE),
            (desk_texts.REVIEW_NAME, f"{v.first_name} {v.last_name}"),
        ]
        if v.birth_date is not None:
            rows.append((desk_texts.REVIEW_BORN, french.long_date(v.birth_date)))
        rows += [
            (desk_texts.REVIEW_SEASON, str(v.season)),
            (desk_texts.REVIEW_AMOUNT, french.euros(v.amount_cents)),
            (records_texts.FORUM_DESK, str(found.get("desk") or "")),
            (records_texts.RECORDED, french.moment(v.recorded_at)),
        ]
        received = _moment(found.get("received_at"))
        if received is not None:
            rows.append((records_texts.FORUM_RECEIVED, french.moment(received)))
        form, self.values = details_form(rows)
        self.body.addLayout(form)
        self.reprint_button = QPushButton(records_texts.REPRINT)
        self.reprint_button.setObjectName("primary")
        self.reprint_button.clicked.connect(self.reprint.emit)
        self.pdf_button = QPushButton(desk_texts.SAVE_PDF)
        self.pdf_button.clicked.connect(self.save_pdf.emit)
        self.back_button = QPushButton(records_texts.FORUM_BACK)
        self.back_button.clicked.connect(self.back.emit)
        if not v.receipt_no:  # nothing to reprint: its number is the proof
            self.body.addWidget(line(records_texts.FORUM_NO_RECEIPT))
            self.reprint_button.hide()
            self.pdf_button.hide()
        self.body.addLayout(button_row(self.reprint_button, self.pdf_button, self.back_button))

    def on_shown(self) -> None:
        shown = self.reprint_button if self.reprint_button.isVisibleTo(self) else self.back_button
        shown.setFocus()
