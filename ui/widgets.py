"""Small building blocks shared by the screens."""

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.style import icon

# Lines of text longer than this are hard to follow; wide screens get margins.
COLUMN_WIDTH = 960


class BigButton(QPushButton):
    """A large home-screen button: an icon, a task in words, and a hint for screen readers."""

    def __init__(self, text: str, icon_name: str, hint: str = "", parent=None) -> None:
        super().__init__(icon(icon_name), text, parent)
        self.setObjectName("bigButton")
        self.setAutoDefault(True)  # Enter presses the button that has the focus
        self.setIconSize(QSize(36, 36))
        self.setAccessibleName(text.replace("&", ""))
        if hint:
            self.setAccessibleDescription(hint)
            self.setToolTip(hint)


class Field(QWidget):
    """A labelled line edit with its error shown right below it."""

    def __init__(self, label: str, parent=None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(4)
        self.label = QLabel(label)
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
        self.edit.setProperty("invalid", bool(message))
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.edit.setAccessibleDescription(message or "")


class Page(QScrollArea):
    """One screen: a title, an optional introduction, its content; scrolls when text is large."""

    def __init__(self, title: str, intro: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        inner.setObjectName("page")
        row = QHBoxLayout(inner)
        row.setContentsMargins(0, 0, 0, 0)
        column = QWidget()
        column.setMaximumWidth(COLUMN_WIDTH)
        row.addWidget(column, 1)
        row.addStretch(0)
        self.body = QVBoxLayout(column)
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
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop)

    def on_shown(self) -> None:
        """Called each time the page comes up; puts the focus where work starts."""

    def on_data_changed(self) -> None:
        """Called when the national service's answers changed registrations."""


def details_form(rows: list[tuple[str, str]]) -> tuple[QFormLayout, dict[str, QLabel]]:
    """Label and value pairs, one per line; each value read out with its label."""
    form = QFormLayout()
    form.setHorizontalSpacing(24)
    form.setVerticalSpacing(10)
    values: dict[str, QLabel] = {}
    for label, value in rows:
        shown = QLabel(value)
        shown.setObjectName("detailValue")
        shown.setWordWrap(True)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shown.setAccessibleName(f"{label} : {value}")
        form.addRow(QLabel(label), shown)
        values[label] = shown
    return form, values
