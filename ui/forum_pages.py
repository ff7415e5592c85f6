"""The screens of the forum: the choice, joining the main desk, a desk that joined (the
main desk's own screen is ui/forum_main_page.py).

Each page shows what it is given and says what the user asked for through its signals;
the flow (ui/forum_flow.py) opens the main desk, joins, leaves and refreshes them.
"""

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
)

from ui.accessibility import Heading
from ui.desk_pages import button_row
from ui.texts import forum as forum_texts
from ui.texts import forum_usb as usb_texts
from ui.widgets import BigButton, Field, Page


def line(text: str = "", name: str = "intro") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def readable(text: str = "") -> QLabel:
    """A line reached with Tab, whose text can be selected and copied (an address)."""
    label = QLabel(text)
    label.setObjectName("detailValue")
    label.setWordWrap(True)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    label.setProperty("tabStop", True)
    return label


def section(text: str) -> Heading:
    heading = Heading(text)
    heading.setObjectName("stateLine")
    heading.setWordWrap(True)
    heading.setAccessibleName(text)
    return heading


class WrappedList(QListWidget):
    """Lines that wrap at the list's width, never scrolling sideways."""

    def __init__(self, name: str, lines: int = 3, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setWordWrap(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * (lines * 2 + 2))

    def sizeHint(self) -> QSize:
        """No taller than its few lines: the page, not the list, takes the room left."""
        return QSize(super().sizeHint().width(), self.minimumHeight())

    def show_lines(self, lines: list[tuple[str, object]]) -> None:
        """``(text, key)`` lines; the line selected stays selected if it is still there."""
        if [(self.item(i).text(), self.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.count())] == lines:  # fmt: skip
            return
        current = self.currentItem()
        kept = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self.clear()
        for text, key in lines:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.addItem(item)
            if key == kept:
                self.setCurrentItem(item)
        if lines and self.currentItem() is None:
            self.setCurrentRow(0)

    def current_key(self) -> object:
        item = self.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


class ForumChoicePage(Page):
    """Open the main desk here, or join one: two large buttons, each saying when."""

    open_main = Signal()
    join = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(forum_texts.CHOICE_TITLE, forum_texts.CHOICE_INTRO, parent)
        self.open_button = BigButton(forum_texts.OPEN_MAIN, "club", forum_texts.OPEN_MAIN_WHEN)
        self.open_button.clicked.connect(self.open_main.emit)
        self.join_button = BigButton(forum_texts.JOIN_MAIN, "send", forum_texts.JOIN_MAIN_WHEN)
        self.join_button.clicked.connect(self.join.emit)
        for button, when in (
            (self.open_button, forum_texts.OPEN_MAIN_WHEN),
            (self.join_button, forum_texts.JOIN_MAIN_WHEN),
        ):
            self.body.addWidget(button)
            self.body.addWidget(line(when))
            self.body.addSpacing(8)

    def on_shown(self) -> None:
        self.open_button.setFocus()


class JoinPage(Page):
    """The main desks heard on this network, or an address typed by hand; the code."""

    submitted = Signal(str, str, str)  # address, code, this desk's name
    back = Signal()

    def __init__(self, desk_name: str, with_back: bool = False, parent=None) -> None:
        super().__init__(forum_texts.JOIN_TITLE, forum_texts.JOIN_INTRO, parent)
        self.body.addWidget(line(forum_texts.FOUND_TITLE))
        self.found = WrappedList(forum_texts.FOUND_TITLE, lines=1)
        self.found.itemActivated.connect(lambda _item: self.code.edit.setFocus())
        self.body.addWidget(self.found)
        self.found_state = line(forum_texts.SEARCHING)
        self.body.addWidget(self.found_state)
        self._urls: dict[str, str] = {}
        self.address = Field(forum_texts.ADDRESS_LABEL, limit=200)
        self.address.edit.setAccessibleDescription(forum_texts.ADDRESS_HINT)
        self.body.addWidget(self.address)
        self.body.addWidget(line(forum_texts.ADDRESS_HINT))
        self.code = Field(forum_texts.CODE_LABEL, limit=12)
        self.body.addWidget(self.code)
        self.name = Field(forum_texts.DESK_NAME_LABEL, text=desk_name, limit=60)
        self.body.addWidget(self.name)
        self.button = QPushButton(forum_texts.JOIN_BUTTON)
        self.button.setObjectName("primary")
        self.button.clicked.connect(self._submit)
        self.back_button = QPushButton(forum_texts.BACK)
        self.back_button.clicked.connect(self.back.emit)
        self.back_button.setVisible(with_back)
        self.body.addLayout(button_row(self.button, self.back_button))
        for field_ in (self.address, self.code, self.name):
            field_.edit.returnPressed.connect(self._submit)
        self.progress = line()
        self.body.addWidget(self.progress)

    def on_shown(self) -> None:
        (self.found if self.found.count() else self.address.edit).setFocus()

    def unsaved_work(self) -> bool:
        return False  # a code is typed again in seconds, and it expires anyway

    def show_hubs(self, hubs: list) -> None:
        """``hubs``: sync.discovery.FoundHub, as heard."""
        self._urls = {hub.name: hub.url for hub in hubs}
        self.found.show_lines(
            [(forum_texts.found_hub(hub.club, hub.opened_by), hub.name) for hub in hubs]
        )
        self.found_state.setText("" if hubs else forum_texts.NONE_FOUND)
        self.found_state.setVisible(not hubs)

    def show_unavailable(self, text: str) -> None:
        self.found.hide()
        self.found_state.setText(text)
        self.found_state.show()

    def chosen_address(self) -> str:
        typed = self.address.text().strip()
        if typed:
            return typed
        key = self.found.current_key() if self.found.isVisibleTo(self) else None
        return self._urls.get(str(key), "") if key is not None else ""

    def _submit(self) -> None:
        if not self.button.isEnabled():
            return  # joining already
        address = self.chosen_address()
        if not address:
            self.address.set_error(forum_texts.CHOOSE_OR_TYPE)
            (self.found if self.found.count() else self.address.edit).setFocus()
            return
        self.address.set_error(None)
        digits = "".join(ch for ch in self.code.text() if ch.isdigit())
        if not digits:
            self.refuse("code", forum_texts.CODE_MISSING)
            return
        if len(digits) != 6:
            self.refuse("code", forum_texts.code_length(len(digits)))
            return
        if not self.name.text().strip():
            self.refuse("name", forum_texts.NAME_MISSING)
            return
        self.set_busy(True)
        self.submitted.emit(address, digits, self.name.text().strip())

    def set_busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)
        self.progress.setText(forum_texts.JOINING if busy else "")

    def refuse(self, where: str, text: str) -> None:
        """``where``: ``address``, ``code`` or ``name``; the focus goes there."""
        self.set_busy(False)
        fields = {"address": self.address, "code": self.code, "name": self.name}
        fields[where].set_error(text)
        fields[where].edit.setFocus()
        fields[where].edit.selectAll()


class JoinedPage(Page):
    """The main desk this desk joined, whether it is in range, the codes recorded at two
    desks (the one of this desk to check opens from here), the USB key when there is no
    network, and leaving the forum."""

    leave = Signal()
    transfer = Signal()
    open_record = Signal(int)

    def __init__(self, joined_to: str, parent=None) -> None:
        super().__init__(forum_texts.JOINED_TITLE, joined_to, parent)
        self.state = readable()
        self.todo = line()
        self.body.addWidget(self.state)
        self.body.addWidget(self.todo)

        self._openable: dict[str, int] = {}  # this desk's registration to check, by code
        self.conflicts_title = section(forum_texts.CONFLICTS_TITLE)
        self.conflicts_intro = line()
        self.conflicts = WrappedList(forum_texts.CONFLICTS_TITLE, lines=4)
        self.conflicts.itemActivated.connect(lambda *_: self._open())
        self.open_button = QPushButton(forum_texts.OPEN_CONFLICT)
        self.open_button.setToolTip(forum_texts.OPEN_CONFLICT_HINT)
        self.open_button.setAccessibleDescription(forum_texts.OPEN_CONFLICT_HINT)
        self.open_button.clicked.connect(self._open)
        for widget in (self.conflicts_title, self.conflicts_intro, self.conflicts):
            self.body.addWidget(widget)
            widget.setVisible(False)
        self.body.addLayout(button_row(self.open_button))
        self.open_button.setVisible(False)

        self.transfer_button = QPushButton(usb_texts.TRANSFER)
        self.transfer_button.setToolTip(usb_texts.TRANSFER_HINT)
        self.transfer_button.setAccessibleDescription(usb_texts.TRANSFER_HINT)
        self.transfer_button.clicked.connect(self.transfer.emit)
        self.leave_button = QPushButton(forum_texts.LEAVE)
        self.leave_button.setToolTip(forum_texts.LEAVE_HINT)
        self.leave_button.setAccessibleDescription(forum_texts.LEAVE_HINT)
        self.leave_button.clicked.connect(self.leave.emit)
        self.body.addWidget(line(usb_texts.TRANSFER_HINT))
        self.body.addLayout(button_row(self.transfer_button, self.leave_button))

    def on_shown(self) -> None:
        self.state.setFocus()

    def show_state(self, state: str, todo: str = "") -> None:
        if self.state.text() == state and self.todo.text() == todo:
            return
        self.state.setText(state)
        self.state.setAccessibleName(state)
        self.todo.setText(todo)
        self.todo.setVisible(bool(todo))
        self._room()

    def show_conflicts(
        self, intro: str, lines: list[tuple[str, str]], openable: dict[str, int]
    ) -> None:
        """The codes recorded at two desks: ``(text, code)`` lines, and the id of this
        desk's registration to check, by code. Nothing shown without any. The first
        line to check is chosen when the list is new, so that the button is reached."""
        shown = bool(lines)
        changed = shown != self.conflicts.isVisibleTo(self) or intro != self.conflicts_intro.text()
        fresh = self.conflicts.count() == 0
        self._openable = openable
        self.conflicts_intro.setText(intro)
        self.conflicts.show_lines(lines)
        if fresh and openable:
            first = next(row for row, (_, code) in enumerate(lines) if code in openable)
            self.conflicts.setCurrentRow(first)
        for widget in (self.conflicts_title, self.conflicts_intro, self.conflicts):
            widget.setVisible(shown)
        self.open_button.setVisible(bool(openable))
        if changed:
            self._room()

    def _open(self) -> None:
        """The line chosen if it is this desk's to check, else the first that is: the
        button is never disabled (it would leave the Tab order)."""
        chosen = self._openable.get(self.conflicts.current_key())
        if chosen is None and self._openable:
            chosen = next(iter(self._openable.values()))
        if chosen is not None:
            self.open_record.emit(chosen)

    def _room(self) -> None:
        self.body.invalidate()  # a text that wraps on more lines: room for it
        self.column.updateGeometry()
