"""« À saisir sur Le Compte Asso »: the codes not yet typed on the portal, one at a time.

For clubs without the national service: copy the code, paste it on the portal, check
the name the portal shows, then « Fait ». Each « Fait » is recorded (journal event
``portal_entered``) and that code does not come back.
"""

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from app.errors import KnownError
from app.treasury import TreasuryError
from app.validations import Validation
from ui import french
from ui.actions import attempt, report
from ui.desk_pages import button_row
from ui.style import icon
from ui.texts import portal as portal_texts
from ui.texts import treasurer as treasurer_texts
from ui.widgets import Page


def _big(label: QLabel, style: str) -> None:
    """Large bold text from the stylesheet."""
    label.setObjectName(style)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )


class PortalAssistantPage(Page):
    finished = Signal()

    def __init__(
        self,
        load: Callable[[], list[Validation]],
        mark: Callable[[int], None],
        copy: Callable[[str], None],
        parent=None,
    ) -> None:
        super().__init__(portal_texts.PORTAL_TITLE, portal_texts.PORTAL_INTRO, parent)
        self._load = load
        self._mark = mark
        self._copy = copy
        self._skipped: list[int] = []  # passed over in this visit: shown again at the end
        self._items: list[Validation] = []
        self.current: Validation | None = None

        self.position = QLabel()
        self.body.addWidget(self.position)
        code_title = QLabel(portal_texts.PORTAL_CODE)
        # A read-only field in the stylesheet's large code font: easy to read and select.
        self.code = QLineEdit()
        self.code.setObjectName("codeField")
        self.code.setReadOnly(True)
        self.code.setMaximumWidth(420)
        code_title.setBuddy(self.code)
        self.copy_code = QPushButton(icon("validate"), portal_texts.COPY_CODE)
        self.copy_code.setObjectName("bigButton")
        self.copy_code.setIconSize(QSize(32, 32))
        self.body.addWidget(code_title)
        self.copy_code.setAutoDefault(True)
        # The code above its copy button: each keeps its own height at any text size.
        self.body.addWidget(self.code)
        self.body.addLayout(button_row(self.copy_code))

        self.check = QLabel(portal_texts.CHECK_NAME)
        self.name = QLabel()
        self.name.setWordWrap(True)
        _big(self.name, "stateLine")
        self.copy_name = QPushButton(icon("search"), portal_texts.COPY_NAME)
        self.copy_name.setObjectName("bigButton")
        self.copy_name.setIconSize(QSize(32, 32))
        self.body.addWidget(self.check)
        self.body.addWidget(self.name)
        self.body.addLayout(button_row(self.copy_name))

        self.copied = QLabel()
        self.copied.setObjectName("intro")
        self.body.addWidget(self.copied)
        self.done = QPushButton(icon("success"), portal_texts.DONE)
        self.done.setObjectName("primary")
        self.skip = QPushButton(portal_texts.SKIP)
        self.skip.setToolTip(portal_texts.SKIP_HINT)
        self.skip.setAccessibleDescription(portal_texts.SKIP_HINT)
        self.back = QPushButton(treasurer_texts.TITLE)
        self.back.clicked.connect(self.finished.emit)
        self.body.addLayout(button_row(self.done, self.skip, self.back))

        self.copy_code.clicked.connect(
            lambda: self._copy_text(self.current.code if self.current else "")
        )
        self.copy_name.clicked.connect(lambda: self._copy_text(self._name_text()))
        self.done.clicked.connect(self._done)
        self.skip.clicked.connect(self._skip)
        self.reload()

    def _name_text(self) -> str:
        v = self.current
        return f"{v.first_name} {v.last_name}" if v else ""

    def reload(self) -> None:
        items = self._load()
        skipped = [v for v in items if v.id in self._skipped]
        self._items = [v for v in items if v.id not in self._skipped] + sorted(
            skipped, key=lambda v: self._skipped.index(v.id)
        )
        self._show(self._items[0] if self._items else None)

    def _show(self, v: Validation | None) -> None:
        self.current = v
        self.copied.setText("")
        widgets = (self.code, self.copy_code, self.check, self.name, self.copy_name)
        for widget in (*widgets, self.done, self.skip):
            widget.setVisible(v is not None)
        if v is None:
            self.position.setText(portal_texts.PORTAL_NONE)
            self.position.setAccessibleName(portal_texts.PORTAL_NONE)
            self.back.setFocus()
            return
        count = len(self._items)
        self.position.setText(
            f"{portal_texts.portal_position(1, count)}. {portal_texts.portal_left(count)}"
        )
        self.code.setText(v.code or "")
        self.code.setAccessibleName(f"{portal_texts.PORTAL_CODE} : {v.code}")
        born = french.long_date(v.birth_date)
        self.name.setText(f"{v.first_name} {v.last_name.upper()}, né ou née le {born}")
        self.name.setAccessibleName(f"{portal_texts.CHECK_NAME} : {self.name.text()}")
        self.skip.setEnabled(count > 1)
        self.copy_code.setFocus()

    def _copy_text(self, text: str) -> None:
        if not text:
            return
        self._copy(text)
        self.copied.setText(portal_texts.COPIED)
        self.copied.setAccessibleName(portal_texts.COPIED)
        self.done.setDefault(True)
        # Code copied: next, the name. Name copied: next, « Fait ».
        (self.done if text == self._name_text() else self.copy_name).setFocus()

    def _done(self) -> None:
        if self.current is None:
            return
        entered = self.current

        def no_longer_there(error: KnownError) -> bool:
            """Noted meanwhile (another desk, an import): the next code comes."""
            if not isinstance(error, TreasuryError):
                return False  # not noted (a full disk...): the same code stays, and « Fait »
            self.reload()
            report(self, error)
            return True

        def marked(_) -> None:
            if entered.id in self._skipped:
                self._skipped.remove(entered.id)
            self.reload()
            self.copied.setText(portal_texts.entered(entered.code or ""))
            self.copied.setAccessibleName(self.copied.text())

        attempt(self, lambda: self._mark(entered.id), marked, no_longer_there)

    def _skip(self) -> None:
        if self.current is None:
            return
        if self.current.id in self._skipped:
            self._skipped.remove(self.current.id)
        self._skipped.append(self.current.id)
        self.reload()

    def on_shown(self) -> None:
        if self.current is not None:
            self.copy_code.setFocus()
        else:
            self.back.setFocus()
