"""The forum's main desk on screen: its pairing code, large, with its QR code and how long
it lasts; the addresses to type by hand; the desks joined; the codes recorded at two desks;
the forwarding to the national service. The flow (ui/forum_main.py) fills it in."""

from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.desk_pages import button_row
from ui.forum_pages import WrappedList, line, readable, section
from ui.receipt import qr_matrix
from ui.style import PALETTE, current_scale
from ui.texts import forum as forum_texts
from ui.texts import forum_closing as closing_texts
from ui.texts import forum_usb as usb_texts
from ui.widgets import Page

QR_MODULE_PX = 5  # at 100 % text; the quiet zone is 4 modules each side
CODE_POINTS = 48  # the pairing code, read from across the stand


def qr_pixmap(text: str, module_px: int) -> QPixmap:
    """``text`` as a QR code, dark on white, with its quiet zone."""
    matrix = qr_matrix(text)
    side = (len(matrix) + 8) * module_px
    pixmap = QPixmap(side, side)
    pixmap.fill(QColor(PALETTE["paper"]))
    painter = QPainter(pixmap)
    ink = QColor(PALETTE["ink"])
    for row, modules in enumerate(matrix):
        for col, dark in enumerate(modules):
            if dark:
                x, y = (col + 4) * module_px, (row + 4) * module_px
                painter.fillRect(x, y, module_px, module_px, ink)
    painter.end()
    return pixmap


@dataclass(frozen=True)
class MainDeskView:
    """What the main desk page shows, read from the main desk."""

    code: str | None  # six digits, None once used, expired or locked
    valid_until: str  # "10 h 42"
    addresses: list[str]
    announced: bool
    desks: list[tuple[str, str]] = field(default_factory=list)  # (line, device_id)
    conflicts: list[str] = field(default_factory=list)
    forwarding: str = ""


class MainDeskPage(Page):
    """The pairing code, large, with its QR code and how long it lasts; the addresses to
    type by hand; the desks joined; the codes recorded at two desks; the forwarding."""

    new_code = Signal()
    revoke = Signal(str)
    close_main = Signal()
    retry = Signal()
    import_bundle = Signal()
    closing = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(forum_texts.MAIN_TITLE, forum_texts.MAIN_INTRO, parent)
        self.progress = line(forum_texts.OPENING, "stateLine")
        self.body.addWidget(self.progress)
        self.retry_button = QPushButton(forum_texts.RETRY_OPEN)
        self.retry_button.setObjectName("primary")
        self.retry_button.clicked.connect(self.retry.emit)
        self.retry_button.hide()
        self.body.addLayout(button_row(self.retry_button))

        self.content = QWidget()
        inner = QVBoxLayout(self.content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(14)
        inner.addWidget(line(forum_texts.CODE_CAPTION))
        row = QHBoxLayout()
        row.setSpacing(32)
        self.code = QLabel()
        self.code.setObjectName("detailValue")
        self.code.setProperty("tabStop", True)
        self.code.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.code.setStyleSheet(f"font-size: {round(CODE_POINTS * current_scale())}pt;")
        self.qr = QLabel()
        self.qr.setAccessibleName(forum_texts.QR_NAME)
        row.addWidget(self.code, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch(1)
        inner.addLayout(row)
        self.validity = line()
        inner.addWidget(self.validity)
        self.new_code_button = QPushButton(forum_texts.NEW_CODE)
        self.new_code_button.setToolTip(forum_texts.NEW_CODE_HINT)
        self.new_code_button.setAccessibleDescription(forum_texts.NEW_CODE_HINT)
        self.new_code_button.clicked.connect(self.new_code.emit)
        inner.addLayout(button_row(self.new_code_button))

        inner.addWidget(section(forum_texts.ADDRESSES_TITLE))
        inner.addWidget(line(forum_texts.ADDRESSES_INTRO))
        self.addresses = readable()
        inner.addWidget(self.addresses)
        self.not_announced = line(forum_texts.NOT_ANNOUNCED)
        self.not_announced.hide()
        inner.addWidget(self.not_announced)

        inner.addWidget(section(forum_texts.DESKS_TITLE))
        self.no_desk = line(forum_texts.NO_DESK)
        inner.addWidget(self.no_desk)
        self.desks = WrappedList(forum_texts.DESKS_TITLE)
        inner.addWidget(self.desks)
        self.revoke_button = QPushButton(forum_texts.REVOKE)
        self.revoke_button.clicked.connect(self._revoke)
        inner.addLayout(button_row(self.revoke_button))
        inner.addWidget(line(usb_texts.IMPORT_HINT))
        self.import_button = QPushButton(usb_texts.IMPORT)
        self.import_button.setToolTip(usb_texts.IMPORT_HINT)
        self.import_button.setAccessibleDescription(usb_texts.IMPORT_HINT)
        self.import_button.clicked.connect(self.import_bundle.emit)
        inner.addLayout(button_row(self.import_button))

        inner.addWidget(section(forum_texts.CONFLICTS_TITLE))
        self.no_conflict = line(forum_texts.NO_CONFLICT)
        inner.addWidget(self.no_conflict)
        self.conflicts = WrappedList(forum_texts.CONFLICTS_TITLE, lines=4)
        inner.addWidget(self.conflicts)

        inner.addWidget(section(forum_texts.FORWARD_TITLE))
        self.forwarding = line()
        inner.addWidget(self.forwarding)
        self.close_button = QPushButton(forum_texts.CLOSE_MAIN)
        self.close_button.setToolTip(forum_texts.CLOSE_MAIN_HINT)
        self.close_button.setAccessibleDescription(forum_texts.CLOSE_MAIN_HINT)
        self.close_button.clicked.connect(self.close_main.emit)
        self.closing_button = QPushButton(closing_texts.CLOSING)
        self.closing_button.setToolTip(closing_texts.CLOSING_HINT)
        self.closing_button.setAccessibleDescription(closing_texts.CLOSING_HINT)
        self.closing_button.clicked.connect(self.closing.emit)
        inner.addWidget(section(closing_texts.TITLE))
        inner.addWidget(line(closing_texts.CLOSING_HINT))
        inner.addLayout(button_row(self.closing_button, self.close_button))
        self.content.hide()
        self.body.addWidget(self.content)
        self._code_shown: str | None = ""

    def on_shown(self) -> None:
        if self.content.isVisibleTo(self):
            (self.code if self.code.isVisibleTo(self) else self.new_code_button).setFocus()
        elif self.retry_button.isVisibleTo(self):
            self.retry_button.setFocus()

    def show_failed(self, text: str) -> None:
        self.progress.setText(text)
        self.progress.setAccessibleName(text)
        self.progress.show()
        self.retry_button.show()
        self.content.hide()
        self.retry_button.setFocus()

    def show_opening(self) -> None:
        self.progress.setText(forum_texts.OPENING)
        self.progress.show()
        self.retry_button.hide()
        self.content.hide()

    def show_view(self, view: MainDeskView) -> None:
        first = not self.content.isVisibleTo(self)
        before = self._texts()
        self.progress.hide()
        self.retry_button.hide()
        self._show_code(view)
        addresses = "\n".join(view.addresses) if view.addresses else forum_texts.NO_ADDRESS
        if self.addresses.text() != addresses:
            self.addresses.setText(addresses)
            self.addresses.setAccessibleName(
                f"{forum_texts.ADDRESSES_TITLE} : {', '.join(view.addresses)}"
                if view.addresses
                else forum_texts.NO_ADDRESS
            )
        self.not_announced.setVisible(not view.announced)
        self.desks.show_lines(view.desks)
        self.no_desk.setVisible(not view.desks)
        self.desks.setVisible(bool(view.desks))
        self.revoke_button.setVisible(bool(view.desks))
        self.conflicts.show_lines([(line, line) for line in view.conflicts])
        self.no_conflict.setVisible(not view.conflicts)
        self.conflicts.setVisible(bool(view.conflicts))
        if self.forwarding.text() != view.forwarding:
            self.forwarding.setText(view.forwarding)
        if self._texts() != before:  # a text that wraps on more lines: room for it
            self.content.layout().invalidate()
            self.content.updateGeometry()
        self.content.show()
        if first:
            self.on_shown()

    def _texts(self) -> tuple[str, ...]:
        return tuple(w.text() for w in (self.addresses, self.validity, self.forwarding))

    def _show_code(self, view: MainDeskView) -> None:
        if view.code == self._code_shown:
            return
        self._code_shown = view.code
        if view.code is None:
            had_focus = self.code.hasFocus()
            self.code.hide()
            self.qr.hide()
            self.validity.setText(forum_texts.NO_CODE_SHOWN)
            if had_focus:
                self.new_code_button.setFocus()
            return
        shown = f"{view.code[:3]} {view.code[3:]}"
        self.code.setText(shown)
        self.code.setAccessibleName(forum_texts.spelled_code(view.code))
        module = max(3, round(QR_MODULE_PX * current_scale()))
        self.qr.setPixmap(qr_pixmap(view.code, module))
        self.code.show()
        self.qr.show()
        self.validity.setText(forum_texts.code_valid_until(view.valid_until))

    def _revoke(self) -> None:
        key = self.desks.current_key()
        if key is not None:
            self.revoke.emit(str(key))
