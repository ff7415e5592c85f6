"""The accessibility checks every screen passes, walking a window as a screen reader does.

Run by tests/test_accessibility*.py over tests/screens.py, and shown to bite by
tests/test_accessibility_bite.py:

- ``widget_problems``: every widget one acts on has a name and the role of its kind.
- ``cut_off_problems``, ``sideways_problems``, ``small_targets``: large text fits.
- ``focus_problems`` over ``grab_around``: the focus frame stands out (WCAG 1.4.11, 2.4.7).
"""

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QAccessible, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QLabel,
    QLineEdit,
    QWidget,
)

from tests.contrast import GRAPHIC_RATIO, contrast_ratio

ROLES = {
    "QPushButton": QAccessible.Role.Button,
    "QLineEdit": QAccessible.Role.EditableText,
    "QCheckBox": QAccessible.Role.CheckBox,
    "QRadioButton": QAccessible.Role.RadioButton,
    "QListWidget": QAccessible.Role.List,
    "QListView": QAccessible.Role.List,
    "QComboBox": QAccessible.Role.ComboBox,
    "QSpinBox": QAccessible.Role.SpinBox,
    "QTableView": QAccessible.Role.Table,
    "QTableWidget": QAccessible.Role.Table,
    "QTreeView": QAccessible.Role.Tree,
    "QPlainTextEdit": QAccessible.Role.EditableText,
    "QTextEdit": QAccessible.Role.EditableText,
}


def expected_role(widget: QWidget) -> QAccessible.Role | None:
    """The role a screen reader must hear for this kind of widget (its nearest Qt class)."""
    for cls in type(widget).__mro__:
        if cls.__name__ in ROLES:
            return ROLES[cls.__name__]
    return None


def describe(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    name = iface.text(QAccessible.Text.Name) if iface is not None else ""
    role = iface.role().name if iface is not None else "?"
    return f"{role} « {name} »"


def _interfaces(iface, depth: int = 0):
    yield iface
    if depth > 40:
        return
    for index in range(iface.childCount()):
        child = iface.child(index)
        if child is not None and child.isValid():
            yield from _interfaces(child, depth + 1)


def is_interactive(widget: QWidget) -> bool:
    takes_focus = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
    return widget.isEnabled() and (takes_focus or expected_role(widget) is not None)


def widget_problems(window: QWidget) -> list[str]:
    """Every visible widget one acts on must have a name and the role of its kind, as the
    accessibility tree shows them to screen readers; list items must have a name too."""
    problems = []
    reached = set()
    for iface in _interfaces(QAccessible.queryAccessibleInterface(window)):
        target = iface.object()
        if iface.role() == QAccessible.Role.ListItem and not iface.text(QAccessible.Text.Name):
            problems.append(f"an item of {describe(target)} has no name")
        if not isinstance(target, QWidget) or not target.isVisible():
            continue
        reached.add(target)
        if not is_interactive(target):
            continue
        label = f"{type(target).__name__} « {_text(target)} »"
        if not iface.text(QAccessible.Text.Name).strip():
            problems.append(f"{label}: no accessible name")
        role = expected_role(target)
        if role is not None and iface.role() != role:
            problems.append(f"{label}: role {iface.role().name}, expected {role.name}")
    for widget in window.findChildren(QWidget):
        if widget.isVisible() and is_interactive(widget) and widget not in reached:
            problems.append(f"{type(widget).__name__}: missing from the accessibility tree")
    return problems


# Large text: nothing cut off

SCREEN = QSize(1366, 768)
MIN_TARGET = 48
TARGETS = (QAbstractButton, QLineEdit)


def _visible(window: QWidget) -> list[QWidget]:
    return [w for w in window.findChildren(QWidget) if w.isVisible() and w.window() is window]


def cut_off_problems(window: QWidget) -> list[str]:
    """Widgets smaller than their text needs, and a window that does not fit the screen
    (1366 × 768) without scrolling sideways."""
    problems = []
    for widget in _visible(window):
        need = widget.minimumSizeHint()
        if isinstance(widget, QLabel):
            if widget.wordWrap() and widget.text():
                need = QSize(0, widget.heightForWidth(widget.width()))
            else:
                need = widget.sizeHint()
        elif isinstance(widget, QAbstractButton):
            need = widget.sizeHint()
        elif isinstance(widget, QLineEdit):
            need = QSize(need.width(), widget.sizeHint().height())
        if need.width() > widget.width() or need.height() > widget.height():
            problems.append(
                f"{type(widget).__name__} « {_text(widget)} » is {widget.width()}×"
                f"{widget.height()}, needs {need.width()}×{need.height()}"
            )
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    if hint.width() > SCREEN.width() or hint.height() > SCREEN.height():
        problems.append(f"the window needs {hint.width()}×{hint.height()}, more than the screen")
    return problems + sideways_problems(window)


def sideways_problems(window: QWidget) -> list[str]:
    """Nothing scrolls sideways, and no line of a list runs past its right edge."""
    problems = []
    for area in window.findChildren(QAbstractScrollArea):
        if not area.isVisible():
            continue
        if area.horizontalScrollBar().maximum() > 0:
            problems.append(f"{type(area).__name__} « {_text(area)} » scrolls sideways")
        if isinstance(area, QAbstractItemView) and area.model() is not None:
            width = area.viewport().width()
            for row in range(area.model().rowCount()):
                index = area.model().index(row, 0)
                rect, hint = area.visualRect(index), area.sizeHintForIndex(index)
                unwrapped = not area.wordWrap() and hint.width() > rect.width()
                if rect.right() >= width or unwrapped:
                    problems.append(f"line {row + 1} of « {_text(area)} » is cut off")
    return problems


def small_targets(window: QWidget) -> list[str]:
    """What one clicks or types into must be at least 48 pixels high."""
    return [
        f"{type(w).__name__} « {_text(w)} » is {w.height()} pixels high"
        for w in _visible(window)
        if isinstance(w, TARGETS) and w.isEnabled() and w.height() < MIN_TARGET
    ]


def _text(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    return (text() if callable(text) else "") or widget.accessibleName() or widget.objectName()


# The focus: a frame that stands out from what is outside it, from what is inside it, and
# from the same place without the focus (WCAG 1.4.11 and 2.4.7).


def grab_around(widget: QWidget, margin: int = 4) -> QImage:
    """The widget as it is on screen, with a margin of what surrounds it."""
    window = widget.window()
    corner = widget.mapTo(window, QPoint(0, 0)) - QPoint(margin, margin)
    size = widget.size() + QSize(2 * margin, 2 * margin)
    return window.grab(QRect(corner, size)).toImage()


def _colour(image: QImage, x: int, y: int) -> str:
    return image.pixelColor(x, y).name()


def focus_problems(
    widget: QWidget, focused: QImage, unfocused: QImage, margin: int = 4
) -> list[str]:
    """Check the focus frame in the middle of each side of ``widget``."""
    width, height = focused.width() - 2 * margin, focused.height() - 2 * margin
    middle_x, middle_y = margin + width // 2, margin + height // 2
    sides = {
        "left": [(margin + i, middle_y) for i in range(-2, 10)],
        "right": [(margin + width - 1 - i, middle_y) for i in range(-2, 10)],
        "top": [(middle_x, margin + i) for i in range(-2, 10)],
        "bottom": [(middle_x, margin + height - 1 - i) for i in range(-2, 10)],
    }
    problems = []
    for side, line in sides.items():
        outside, ring = _colour(focused, *line[0]), _colour(focused, *line[3])
        inside = next(
            (_colour(focused, *p) for p in line[4:] if _colour(focused, *p) != ring), ring
        )
        changed = sum(
            contrast_ratio(_colour(focused, *p), _colour(unfocused, *p)) >= GRAPHIC_RATIO
            for p in line[2:]
        )
        for what, other in (("outside", outside), ("inside", inside)):
            ratio = contrast_ratio(ring, other)
            if ratio < GRAPHIC_RATIO:
                problems.append(f"{side}: frame {ring} against {what} {other} = {ratio:.2f}:1")
        if changed < 2:
            problems.append(f"{side}: the focus changes {changed} pixel(s) by 3:1 or more")
    return [f"{describe(widget)} {p}" for p in problems]
