"""Small building blocks shared by the screens."""

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
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

from ui.accessibility import announce, spoken
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


class Field(QWidget):
    """A labelled line edit with its error shown right below it, and read out."""

    def __init__(self, label: str, parent=None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(4)
        self.label = QLabel(label)
        self.label.setWordWrap(True)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(label)
        self.label.setBuddy(self.edit)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.label)
        layout.addWidget(self.edit)
        layout.addWidget(self.error)

    def text(self) -> str:
        return self.edit.text()

    def set_error(self, message: str | None) -> None:
        said = self.error.text() if self.error.isVisibleTo(self) else ""
        self.edit.setProperty("invalid", bool(message))
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)
        self.error.setText(f"✖ {message}" if message else "")
        self.error.setAccessibleName(message or "")
        self.error.setVisible(bool(message))
        self.edit.setAccessibleDescription(message or "")
        if message and self.error.text() != said:
            announce(self.edit, message, "error")


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

    When it comes up, screen readers hear its title and introduction.
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
        self.title = QLabel(title)
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

    def showEvent(self, event) -> None:
        super().showEvent(event)
        shown = [label.text() for label in (self.title, self.intro) if label.isVisibleTo(self)]
        announce(self, spoken(shown))

    takes_code = False  # whether a code typed or scanned here starts a validation

    def on_shown(self) -> None:
        """Called each time the page comes up; puts the focus where work starts."""

    def unsaved_work(self) -> bool:
        """Whether leaving now would lose something typed."""
        return False

    def on_data_changed(self) -> None:
        """Called when the national service's answers changed registrations."""


def details_form(rows: list[tuple[str, str]]) -> tuple[QFormLayout, dict[str, QLabel]]:
    """Label and value pairs, one per line; each value read out with its label.

    When the text is large, a value goes below its label rather than off the screen.
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
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shown.setAccessibleName(f"{label} : {value}")
        caption = QLabel(label)
        caption.setWordWrap(True)
        form.addRow(caption, shown)
        values[label] = shown
    return form, values
