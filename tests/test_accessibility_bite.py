"""The accessibility checks catch what they are meant to catch: each is fed a mistake."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tests.a11y import (
    cut_off_problems,
    focus_problems,
    grab_around,
    sideways_problems,
    small_targets,
    widget_problems,
)
from tests.contrast import stylesheet_problems
from tests.test_accessibility import KeyboardTrap, walk_tabs
from tests.test_accessibility_texts import problems
from ui.style import PALETTE, apply_design, icon, stylesheet, stylesheet_template


@pytest.fixture
def window(qtbot):
    app = QApplication.instance() or QApplication([])
    apply_design(app)
    shown = QWidget()
    shown.setLayout(QVBoxLayout())
    qtbot.addWidget(shown)
    yield shown
    apply_design(app)


def show(qtbot, window: QWidget) -> None:
    window.resize(600, 400)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)


def test_a_button_without_a_name_is_caught(qtbot, window):
    named = QPushButton("Valider")
    unnamed = QPushButton(icon("search"), "")  # an icon, no words, no accessible name
    window.layout().addWidget(named)
    window.layout().addWidget(unnamed)
    show(qtbot, window)
    assert widget_problems(window) == ["QPushButton «  »: no accessible name"]
    unnamed.setAccessibleName("Chercher")
    assert widget_problems(window) == []


def test_a_low_contrast_colour_is_caught():
    assert stylesheet_problems(stylesheet()) == []
    pale = stylesheet_template().replace("@ink_soft@", "#9ca3af")  # grey text, 2.5:1
    found = stylesheet_problems(stylesheet(template=pale))
    assert found and all("#9ca3af" in p and "needs 4.5:1" in p for p in found)
    faint_focus = stylesheet_template().replace("@focus@", PALETTE["focus_fill"])
    assert any("focus frame" in p for p in stylesheet_problems(stylesheet(template=faint_focus)))
    thin = "QLineEdit { border: 1px solid #dddddd; background: #ffffff; color: #1a1a1a; }"
    assert any("outline #dddddd" in p for p in stylesheet_problems(thin))


def test_a_focus_frame_too_faint_is_caught(qtbot, window):
    first, second = QPushButton("Premier"), QPushButton("Second")
    for button in (first, second):
        window.layout().addWidget(button)
    window.setStyleSheet(
        "QPushButton { border: 2px solid #1d3557; background: #ffffff; }"
        "QPushButton:focus { border: 2px solid #c8ccd4; }"
    )
    show(qtbot, window)
    first.setFocus()
    focused = grab_around(first)
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    assert focus_problems(first, focused, grab_around(first))


def test_a_keyboard_trap_is_caught(qtbot, window):
    window.layout().addWidget(QLineEdit())
    trap = QPlainTextEdit()  # Tab types a tab character: the focus never leaves
    window.layout().addWidget(trap)
    show(qtbot, window)
    trap.setFocus()
    with pytest.raises(KeyboardTrap):
        walk_tabs(qtbot)


def test_text_cut_off_and_small_targets_are_caught(qtbot, window):
    label = QLabel("Ce texte ne tient pas dans sa place")
    label.setFixedWidth(80)
    button = QPushButton("Petit")
    button.setStyleSheet("padding: 0; min-height: 0; border: 0;")
    button.setFixedHeight(20)
    window.layout().addWidget(label)
    window.layout().addWidget(button)
    show(qtbot, window)
    assert any("Ce texte" in p for p in cut_off_problems(window))
    assert any("Petit" in p for p in small_targets(window))
    window.setMinimumSize(1600, 900)
    assert any("more than the screen" in p for p in cut_off_problems(window))


@pytest.mark.parametrize(
    "text",
    [
        "Ceci est une phrase beaucoup trop longue pour une personne qui lit avec peine, "
        "car elle enchaîne les idées sans jamais s'arrêter ni respirer.",
        "ATTENTION : le code est faux.",
        "Reçu n° 12.",
        "Nouvel essai dans 3 min.",
        "Voir le reçu, etc.",
        "Nb de jeunes : 3",
    ],
)
def test_a_hard_sentence_is_caught(text):
    assert problems(text)


def test_a_list_line_running_past_the_edge_is_caught(qtbot, window):
    long_line = "Une ligne bien trop longue pour tenir dans cette liste étroite " * 3
    lines = QListWidget()
    lines.addItem(long_line)
    window.layout().addWidget(lines)
    show(qtbot, window)
    assert any("scrolls sideways" in p for p in sideways_problems(window))
    lines.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    qtbot.wait(10)
    assert any("line 1" in p and "cut off" in p for p in sideways_problems(window))


def test_a_list_whose_lines_wrap_passes(qtbot, window):
    lines = QListWidget()
    lines.setWordWrap(True)
    lines.setResizeMode(QListWidget.ResizeMode.Adjust)
    lines.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    lines.addItem("Une ligne bien trop longue pour tenir dans cette liste étroite " * 3)
    window.layout().addWidget(lines)
    show(qtbot, window)
    qtbot.waitUntil(lambda: sideways_problems(window) == [])
