"""Small building blocks shared by the screens."""

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QValidator
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.accessibility import Heading, announce, spoken
from ui.style import icon

# Lines of text longer than this are hard to follow; wide screens get margins. The column
# widens with the text size, up to this many average characters.
COLUMN_WIDTH = 960
COLUMN_CHARACTERS = 70


class BigButton(QPushButton):
    """A large home-screen button: an icon, a task in words, and a hint for screen readers."""

    def __init__(self, text: str, icon_name: str, hint: str = "", parent=None) -> None:
        super().__init__(icon(icon_name), text, parent)
        self.setObjectName("bigButton")
        self.setAutoDefault(True)  # Enter presses the button that has the focus
        # No setIconSize: the stylesheet's icon-size follows the text size.
        self.setAccessibleName(text.replace("&", ""))
        if hint:
            self.setAccessibleDescription(hint)
            self.setToolTip(hint)


MASK = "\u2022"  # what Qt holds of each character of a secret


class _LengthLimit(QValidator):
    """At most ``size`` characters, as ``setMaxLength`` does: of what was just typed or
    pasted (it ends at the cursor), what does not fit is left out."""

    def __init__(self, size: int, parent: QObject) -> None:
        super().__init__(parent)
        self.size = size

    def validate(self, text: str, pos: int):
        excess = len(text) - self.size
        if excess <= 0:
            return QValidator.State.Acceptable, text, pos
        if excess > pos:  # not an insertion before the cursor: keep the beginning
            return QValidator.State.Acceptable, text[: self.size], min(pos, self.size)
        return QValidator.State.Acceptable, text[: pos - excess] + text[pos:], pos - excess


def limit_length(edit: QLineEdit, size: int) -> None:
    """At most ``size`` characters in ``edit``. Not ``setMaxLength``: its first use tells
    the accessibility bus that the caret moved, before the page is shown. Orca then takes
    the field as already known and says nothing when it takes the focus."""
    edit.setValidator(_LengthLimit(size, edit))


def length_limit(edit: QLineEdit) -> int:
    limit = edit.validator()
    return limit.size if isinstance(limit, _LengthLimit) else edit.maxLength()


class SecretEdit(QLineEdit):
    """A field for a passphrase or a PIN whose characters Qt itself never holds.

    Qt tells screen readers each character inserted in a line edit, hidden or not, and
    sends each key pressed to the accessibility bus with its text. Here the secret is kept
    on the Python side (``text()``); Qt's line edit holds one bullet per character, so its
    events, its undo history and its input method carry bullets only; and a key typed
    into it is handed over directly, never through the accessibility bus (``_KeyGuard``).
    Editing keys (Backspace, Delete, selections, Ctrl+V) work as in any field.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._secret = ""
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)  # no undo, no drop
        self.setAcceptDrops(False)

    def text(self) -> str:  # the secret, for Python; Qt's own text() stays bullets
        return self._secret

    def setText(self, text: str) -> None:
        self._secret = text[: length_limit(self)]
        super().setText(MASK * len(self._secret))

    def clear(self) -> None:
        self.setText("")

    def insert(self, text: str) -> None:
        self._insert(text)

    def backspace(self) -> None:
        self._follow(super().backspace)

    def del_(self) -> None:
        self._follow(super().del_)

    def focusInEvent(self, event) -> None:
        _KeyGuard.watch()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        _KeyGuard.rest()
        super().focusOutEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            lines = QGuiApplication.clipboard().text().splitlines()
            self._insert(lines[0] if lines else "")
        elif event.matches(QKeySequence.StandardKey.Undo) or event.matches(
            QKeySequence.StandardKey.Redo
        ):
            pass  # the bullets' history would no longer match the secret
        elif event.text() and event.text().isprintable():
            self._insert(event.text())
        else:
            self._follow(lambda: super(SecretEdit, self).keyPressEvent(event))
            return
        event.accept()

    def inputMethodEvent(self, event) -> None:
        """A character composed by the system (a dead key, an input method): inserted
        as if typed; what is being composed is never shown."""
        if event.commitString():
            self._insert(event.commitString())
        event.accept()

    def _range(self) -> tuple[int, int]:
        """The characters the next insertion replaces: the selection, or none at the cursor."""
        if self.hasSelectedText():
            start = self.selectionStart()
            return start, start + len(self.selectedText())
        return self.cursorPosition(), self.cursorPosition()

    def _insert(self, typed: str) -> None:
        start, end = self._range()
        room = length_limit(self) - (len(self._secret) - (end - start))
        typed = typed[: max(0, room)]
        self._secret = self._secret[:start] + typed + self._secret[end:]
        super().insert(MASK * len(typed))

    def _follow(self, edit) -> None:
        """Run a key Qt handles (moves, Backspace, Delete…) and remove from the secret
        what it removed from the bullets: it removes one stretch, where the cursor ends."""
        before, (start, _) = len(super().text()), self._range()
        edit()
        removed = before - len(super().text())
        if removed > 0:
            at = min(start, self.cursorPosition())
            self._secret = self._secret[:at] + self._secret[at + removed :]


class _KeyGuard(QObject):
    """Keeps the keys typed into a :class:`SecretEdit` off the accessibility bus.

    Qt's bridge to AT-SPI filters every key the system delivers ("spontaneous" ones) and
    sends its text on the bus before the widget sees it. This filter, put back first in
    line each time a secret field takes the focus (and taken away when it leaves), takes
    such a key and hands the same key straight to its receiver, which the bridge does not
    look at."""

    _instance = None

    @classmethod
    def watch(cls) -> None:
        app = QApplication.instance()
        if cls._instance is None:
            cls._instance = cls(app)
        app.removeEventFilter(cls._instance)
        app.installEventFilter(cls._instance)  # the last one installed runs first

    @classmethod
    def rest(cls) -> None:
        """No secret field has the focus: the other events need not go through here."""
        if cls._instance is not None:
            QApplication.instance().removeEventFilter(cls._instance)

    def eventFilter(self, watched, event) -> bool:
        if (
            event.type() in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
            and event.spontaneous()
            and isinstance(QApplication.focusWidget(), SecretEdit)
        ):
            copy = QKeyEvent(
                event.type(),
                event.key(),
                event.modifiers(),
                event.nativeScanCode(),
                event.nativeVirtualKey(),
                event.nativeModifiers(),
                event.text(),
                event.isAutoRepeat(),
                event.count(),
            )
            QApplication.sendEvent(watched, copy)
            return True
        return False


class Field(QWidget):
    """A labelled line edit with its error shown right below it, and read out.
    ``secret``: a passphrase or a PIN (:class:`SecretEdit`). ``text``: what it holds at
    first, and ``limit``: how many characters it takes (:func:`limit_length`), both given
    here rather than set afterwards, which would tell the caret too early (see
    :class:`ui.accessibility._FocusWatcher`)."""

    def __init__(
        self,
        label: str,
        parent=None,
        secret: bool = False,
        text: str = "",
        limit: int | None = None,
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(4)
        self.label = QLabel(label)
        self.label.setWordWrap(True)
        self.edit = SecretEdit() if secret else QLineEdit(text)
        if limit is not None:
            limit_length(self.edit, limit)
        self.edit.setAccessibleName(label)
        self.label.setBuddy(self.edit)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.label)
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        # Once the volunteer corrects the field, its error no longer stands (nor is read).
        self.edit.textEdited.connect(lambda _text: self.set_error(None))

    def text(self) -> str:
        return self.edit.text()

    def name(self) -> str:
        return self.edit.accessibleName()

    def set_error(self, message: str | None, say: bool = True) -> None:
        """Show ``message`` under the field (None: no error); ``say``: screen readers hear
        it with the field's name (a form with several errors says them all at once)."""
        if not message and not self.error.isVisibleTo(self) and not self.edit.property("invalid"):
            return
        said = self.error.text() if self.error.isVisibleTo(self) else ""
        self.edit.setProperty("invalid", bool(message))
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)
        self.error.setText(f"✖ {message}" if message else "")
        self.error.setAccessibleName(message or "")
        self.error.setVisible(bool(message))
        self.edit.setAccessibleDescription(message or "")
        if say and message and self.error.text() != said:
            announce(self.edit, f"{self.name()} : {message}", "error")


def question(
    parent: QWidget | None,
    title: str,
    text: str,
    go: str,
    stay: str,
    details: str = "",
    warning: bool = False,
) -> tuple[QMessageBox, QAbstractButton]:
    """A question whose safe answer, ``stay``, is the default for Enter and Échap; returns
    the box (to ``exec`` or ``open``) and its ``go`` button."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setInformativeText(details)
    go_button = box.addButton(go, QMessageBox.ButtonRole.AcceptRole)
    stay_button = box.addButton(stay, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(stay_button)
    box.setEscapeButton(stay_button)
    return box, go_button


class ItemLayout(QLayout):
    """A layout of our own: it keeps its items in a list and places them with
    ``_arrange(rect, move)``, which returns the height they take at that width."""

    def __init__(self, parent=None, spacing: int = 12) -> None:
        super().__init__(parent)
        self._items = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def _visible(self):
        return [item for item in self._items if not item.isEmpty()]

    def _arrange(self, rect: QRect, move: bool) -> int:
        raise NotImplementedError


class FlowLayout(ItemLayout):
    """Widgets side by side that wrap onto the next line when the text is large."""

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def sizeHint(self) -> QSize:
        """All on one line if there is room; as tall as the lines need at the width it has
        (a layout aligned in its parent trusts the hint more than the height for width)."""
        items = self._visible()
        width = sum(i.sizeHint().width() for i in items) + self._spacing * max(0, len(items) - 1)
        current = self.geometry().width()
        return QSize(width, self.heightForWidth(current if current > 0 else width))

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.sizeHint())  # items are always given their hint
        return size

    def _arrange(self, rect: QRect, move: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._visible():
            hint = item.sizeHint()
            if x > rect.x() and x + hint.width() > rect.right() + 1:
                x, y = rect.x(), y + line_height + self._spacing
                line_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


class Page(QScrollArea):
    """One screen: a title, an optional introduction, its content; scrolls when text is large.

    When it comes up, screen readers hear its title and introduction (``arrival``).
    """

    def __init__(self, title: str, intro: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no empty stop for the Tab key
        inner = QWidget()
        inner.setObjectName("page")
        row = QHBoxLayout(inner)
        row.setContentsMargins(0, 0, 0, 0)
        self.column = QWidget()
        self.column.setMaximumWidth(COLUMN_WIDTH)
        self.column.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        # At the top, as tall as its content needs for its width (not its size hint: text
        # that wraps at large sizes needs more).
        row.addWidget(self.column, 1, Qt.AlignmentFlag.AlignTop)
        row.addStretch(0)
        self.body = QVBoxLayout(self.column)
        self.body.setContentsMargins(32, 24, 32, 24)
        self.body.setSpacing(14)
        self.title = Heading(title)
        self.title.setObjectName("pageTitle")
        self.title.setWordWrap(True)
        self.title.setAccessibleName(title)
        self.body.addWidget(self.title)
        self.intro = QLabel(intro)
        self.intro.setObjectName("intro")
        self.intro.setWordWrap(True)
        if not intro:
            self.intro.hide()
        self.body.addWidget(self.intro)
        self.setWidget(inner)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            wide = self.column.fontMetrics().averageCharWidth() * COLUMN_CHARACTERS
            self.column.setMaximumWidth(max(COLUMN_WIDTH, wide))

    def arrival(self) -> tuple[str, str]:
        """What screen readers hear as the page comes up, and its kind (ui.accessibility)."""
        shown = [label.text() for label in (self.title, self.intro) if label.isVisibleTo(self)]
        return spoken(shown), "info"

    takes_code = False  # whether a code typed or scanned here starts a validation

    def on_shown(self) -> None:
        """Called each time the page comes up; puts the focus where work starts."""

    def unsaved_work(self) -> bool:
        """Whether leaving now would lose something typed."""
        return False

    def on_data_changed(self) -> None:
        """Called when the national service's answers changed registrations."""


def details_form(rows: list[tuple[str, str]]) -> tuple[QFormLayout, dict[str, QLabel]]:
    """Label and value pairs, one per line; each value read out with its label, once.

    Each value is a stop of the Tab key, so that a screen reader reaches it from the
    keyboard, and its text can be selected and copied there. When the text is large, a
    value goes below its label rather than off the screen.
    """
    form = QFormLayout()
    form.setHorizontalSpacing(24)
    form.setVerticalSpacing(10)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    values: dict[str, QLabel] = {}
    for label, value in rows:
        shown = QLabel(value)
        shown.setObjectName("detailValue")
        shown.setWordWrap(True)
        shown.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        shown.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        shown.setProperty("tabStop", True)  # its focus frame (resources/style.qss)
        shown.setAccessibleName(f"{label} : {value}")
        caption = QLabel(label)
        caption.setWordWrap(True)
        form.addRow(caption, shown)
        caption.setBuddy(None)  # the value says its label itself: not read twice
        values[label] = shown
    return form, values
