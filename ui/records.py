"""Find a registration, and act on one: reprint, cancel, correct, add the code, cheque."""

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton

from app.validations import ChequeState, State, Validation
from ui import french
from ui.desk_pages import button_row
from ui.style import current_scale, icon
from ui.texts import desk as desk_texts
from ui.texts import national as national_texts
from ui.texts import records as records_texts
from ui.widgets import Field, Page, details_form

SEARCH_DELAY_MS = 150
# At a forum, the main desk is asked once typing pauses this long, for 2 characters or more.
FORUM_DELAY_MS = 400
FORUM_MIN_CHARACTERS = 2


def summary_line(v: Validation) -> str:
    """Two lines: who and where it stands, then the code, the receipt and the day."""
    details = [
        v.code or desk_texts.NO_CODE_VALUE,
        desk_texts.receipt_number(v.receipt_no),
        french.long_date(v.recorded_at.astimezone(french.PARIS).date()),
    ]
    return f"{v.first_name} {v.last_name} : {records_texts.STATE_WORDS[v.state]}\n{' · '.join(details)}"


class ValidationList(QListWidget):
    """Registrations one per line, each with its state's icon; Enter opens one."""

    open_record = Signal(int)

    def __init__(self, name: str, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        # No setIconSize: the stylesheet's icon-size follows the text size.
        self.setMinimumHeight(320)
        self.setWordWrap(True)
        # Long lines wrap at the width of the list: no scrolling sideways.
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.itemActivated.connect(
            lambda item: self.open_record.emit(item.data(Qt.ItemDataRole.UserRole))
        )

    def show_validations(
        self,
        found: list[Validation],
        describe=summary_line,
        icon_name=lambda v: records_texts.STATE_ICONS[v.state],
    ) -> None:
        self.clear()
        for v in found:
            item = QListWidgetItem(icon(icon_name(v)), describe(v))
            item.setData(Qt.ItemDataRole.UserRole, v.id)
            self.addItem(item)
        if found:
            self.setCurrentRow(0)


class FindPage(Page):
    """A search field and the list of matches; Enter or a double click opens one.

    ``forum``: this computer is at a forum, and this is the list of the other desks'
    registrations (ui/forum_search.py ForumResults); once typing pauses, ``forum_query``
    asks the main desk, and its answer comes back through :meth:`show_forum`. This desk's
    own list stays instant."""

    open_record = Signal(int)
    open_forum = Signal(object)  # a registration of another desk, as the main desk has it
    forum_query = Signal(str)

    def __init__(self, search, parent=None, forum=None) -> None:
        super().__init__(records_texts.FIND_TITLE, parent=parent)
        self._search = search
        self.query = Field(records_texts.FIND_LABEL, limit=100)
        self.count = QLabel()
        self.results = ValidationList(records_texts.FIND_RESULTS)
        self.body.addWidget(self.query)
        self.body.addWidget(self.count)
        self.body.addWidget(self.results, 1)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.query.edit.textEdited.connect(lambda _: self._timer.start())
        self.query.edit.returnPressed.connect(self._open_first)
        self.results.open_record.connect(self.open_record)
        self.forum = forum
        self._local_codes: set[str] = set()
        if forum is not None:
            self.results.setMinimumHeight(200)  # room for the other desks' list below
            forum.open_found.connect(self.open_forum)
            self.body.addWidget(self.forum)
            self._forum_timer = QTimer(self, singleShot=True, interval=FORUM_DELAY_MS)
            self._forum_timer.timeout.connect(self.ask_forum)
            self.query.edit.textEdited.connect(lambda _: self._forum_timer.start())
        self.refresh()

    def refresh(self) -> None:
        self._timer.stop()
        found = self._search(self.query.text())
        self.results.show_validations(found)
        self.count.setText(records_texts.found(len(found)) if found else records_texts.FIND_NONE)
        self._local_codes = {v.code for v in found if v.code}
        if self.forum is not None and self.forum.first() is not None:
            self.forum.keep_apart(self._local_codes)

    def ask_forum(self) -> None:
        """Ask the main desk for what the field holds now (nothing under 2 characters)."""
        if self.forum is None:
            return
        self._forum_timer.stop()
        text = self.query.text().strip()
        if len(text) < FORUM_MIN_CHARACTERS:
            self.forum.show_waiting(records_texts.FORUM_TYPE_MORE)
            return
        self.forum.show_waiting()
        self.forum_query.emit(text)

    def show_forum(self, text: str, found: list | None, problem: str = "") -> None:
        """The main desk's answer for ``text`` (None and why: it could not answer); an
        answer to what the field no longer holds is dropped."""
        if self.forum is None or text != self.query.text().strip():
            return
        if found is None:
            self.forum.show_waiting(problem)
            return
        self.refresh()  # this desk's list first: the forum's keeps apart what it shows
        self.forum.show_found(found, self._local_codes)

    def on_data_changed(self) -> None:
        self.refresh()

    def _open_first(self) -> None:
        self.refresh()
        item = self.results.currentItem()
        if item is not None:
            self.open_record.emit(item.data(Qt.ItemDataRole.UserRole))
            return
        if self.forum is None:
            return
        first = self.forum.first()
        if first is not None:
            self.open_forum.emit(first)
        elif self._forum_timer.isActive():
            self.ask_forum()  # nothing here: ask the main desk at once

    def on_shown(self) -> None:
        self.refresh()
        self.query.edit.setFocus()
        self.query.edit.selectAll()


class RecordPage(Page):
    """One registration, its state in words and with an icon, and what can be done."""

    reprint = Signal()
    save_pdf = Signal()
    cancel = Signal()
    correct = Signal()
    add_code = Signal()
    cheque = Signal(object)

    def __init__(self, v: Validation, parent=None) -> None:
        super().__init__(
            f"{records_texts.RECORD_TITLE} · {desk_texts.receipt_number(v.receipt_no)}",
            parent=parent,
        )
        self.state = QLabel(records_texts.STATE_WORDS[v.state])
        self.state.setObjectName("stateLine")
        self.state.setProperty("kind", records_texts.STATE_ICONS[v.state])
        self.state.setWordWrap(True)
        state_row = QHBoxLayout()
        state_icon = QLabel()
        size = round(28 * current_scale())
        state_icon.setPixmap(icon(records_texts.STATE_ICONS[v.state]).pixmap(size, size))
        state_icon.setAccessibleName(records_texts.STATE_WORDS[v.state])
        state_row.addWidget(state_icon)
        state_row.addWidget(self.state, 1)
        self.body.addLayout(state_row)

        rows = [
            (desk_texts.REVIEW_CODE, v.code or desk_texts.NO_CODE_VALUE),
            (desk_texts.REVIEW_NAME, f"{v.first_name} {v.last_name}"),
            (desk_texts.REVIEW_BORN, french.long_date(v.birth_date)),
            (desk_texts.REVIEW_SEASON, str(v.season)),
            (desk_texts.REVIEW_AMOUNT, french.euros(v.amount_cents)),
        ]
        if v.fee_cents is not None:
            rows.append((desk_texts.REVIEW_FEE, french.euros(v.fee_cents)))
            rows.append((desk_texts.REVIEW_REMAINING, french.euros(v.remaining_cents)))
        if v.activity:
            rows.append((desk_texts.REVIEW_ACTIVITY, v.activity))
        recorded = french.moment(v.recorded_at)
        if v.recorded_by:
            recorded += f" ({v.recorded_by})"
        rows.append((records_texts.RECORDED, recorded))
        if v.cheque_state is not None:
            cheque = desk_texts.cheque_summary(
                v.cheque_number, v.cheque_bank, french.euros(v.cheque_cents)
            )
            rows.append((desk_texts.REVIEW_CHEQUE, cheque))
            rows.append((desk_texts.CHEQUE_STATE, records_texts.CHEQUE_STATE_WORDS[v.cheque_state]))
        if v.national_reason:
            rows.append(
                (
                    national_texts.NATIONAL_REASON,
                    national_texts.NATIONAL_REASONS.get(
                        v.national_reason, national_texts.NATIONAL_REASONS["invalid"]
                    ),
                )
            )
        if v.paid_cents is not None:
            paid = french.euros(v.paid_cents)
            if v.paid_on is not None:
                paid = f"{french.long_date(v.paid_on)} · {paid}"
            rows.append((national_texts.PAID_ON, paid))
        if v.cancelled_at is not None:
            rows.append(
                (
                    records_texts.CANCELLATION,
                    records_texts.cancelled_on(french.moment(v.cancelled_at), v.cancel_reason),
                )
            )
        form, self.values = details_form(rows)
        self.body.addLayout(form)

        self.buttons: dict[str, QPushButton] = {}
        live = v.state is not State.CANCELLED

        def add(key: str, text: str, signal, shown: bool = True, *args) -> None:
            if shown:
                button = QPushButton(text)
                button.clicked.connect(lambda: signal.emit(*args))
                self.buttons[key] = button

        add(
            "add_code",
            records_texts.ADD_CODE,
            self.add_code,
            live and v.state is State.AWAITING_CODE,
        )
        add("reprint", records_texts.REPRINT, self.reprint)
        add("pdf", desk_texts.SAVE_PDF, self.save_pdf)
        add("correct", records_texts.CORRECT, self.correct, live and not v.sent)
        add("cancel", records_texts.CANCEL_REGISTRATION, self.cancel, live)
        held = v.cheque_state is ChequeState.HELD
        add("returned", records_texts.CHEQUE_RETURNED, self.cheque, held, ChequeState.RETURNED)
        add("cashed", records_texts.CHEQUE_CASHED, self.cheque, held, ChequeState.CASHED)
        self.body.addLayout(button_row(*self.buttons.values()))

    def on_shown(self) -> None:
        first = next(iter(self.buttons.values()), None)
        if first is not None:
            first.setFocus()
