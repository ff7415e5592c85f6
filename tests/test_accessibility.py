"""Every screen (tests/screens.py), checked as a keyboard user, a screen reader user and a
person who enlarges the text would meet it.

A new screen registered in tests/screens.py is checked here with no further work; its
tab order snapshot is written by running once with UPDATE_SNAPSHOTS=1, then read.
"""

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QRadioButton, QWidget

from tests.a11y import (
    cut_off_problems,
    describe,
    focus_problems,
    grab_around,
    is_interactive,
    sideways_problems,
    small_targets,
    widget_problems,
)
from tests.screens import SCREENS, open_screen
from ui.style import apply_design

SNAPSHOTS = Path(__file__).parent / "snapshots" / "tab_order"
MAX_STOPS = 60


class KeyboardTrap(AssertionError):
    pass


def walk_tabs(qtbot, key=Qt.Key.Key_Tab, check_focus=None) -> list[QWidget]:
    """Press Tab (or Shift+Tab) until the focus comes back to where it started.

    ``check_focus(widget, focused_image, unfocused_image)`` sees each stop as it is drawn
    with the focus, then once the focus has left it.
    """
    start = QApplication.focusWidget()
    assert start is not None, "no widget has the keyboard focus"
    stops = [start]
    current = start
    for _ in range(MAX_STOPS):
        before = grab_around(current) if check_focus else None
        qtbot.keyClick(current, key)
        if check_focus:
            check_focus(current, before, grab_around(current))
        previous, current = current, QApplication.focusWidget()
        if current is previous and len(_tab_stops(previous.window())) > 1:
            raise KeyboardTrap(f"Tab does not leave {describe(current)}")
        if current is start:
            return stops
        if current is None or current in stops:
            path = " → ".join(describe(w) for w in [*stops, current] if w is not None)
            raise KeyboardTrap(f"the focus never comes back to the start: {path}")
        stops.append(current)
    raise KeyboardTrap(f"more than {MAX_STOPS} stops without coming back to the start")


def _tab_stops(window: QWidget) -> list[QWidget]:
    return [
        w
        for w in window.findChildren(QWidget)
        if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]


def unreachable(window: QWidget, stops: list[QWidget]) -> list[str]:
    """Widgets one acts on that the Tab key never reaches (an unchecked radio button of a
    group is reached with the arrow keys)."""
    missed = []
    for widget in window.findChildren(QWidget):
        if not (widget.isVisible() and is_interactive(widget)) or widget in stops:
            continue
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if isinstance(widget, QRadioButton) and not widget.isChecked():
            continue
        missed.append(describe(widget))
    return missed


@pytest.fixture
def opened(qtbot, request, clock):
    ctx = open_screen(request.param, clock)
    yield ctx
    ctx.close()


@pytest.fixture
def opened_large(qtbot, request, clock):
    ctx = open_screen(request.param, clock, scale=2.0)
    ctx.window.resize(1366, 768)
    QApplication.processEvents()
    yield ctx
    ctx.close()
    apply_design(QApplication.instance(), 1.0)


screens = pytest.mark.parametrize("opened", list(SCREENS), indirect=True)


@screens
def test_every_widget_one_acts_on_has_a_name_and_its_role(opened):
    assert widget_problems(opened.window) == []


@screens
def test_tab_order_follows_the_snapshot_and_never_traps_the_focus(qtbot, opened, request):
    forward = walk_tabs(qtbot)
    assert unreachable(opened.window, forward) == []
    backward = walk_tabs(qtbot, Qt.Key.Key_Backtab)
    assert backward == [forward[0], *reversed(forward[1:])], "Shift+Tab goes back the same way"

    order = "\n".join(describe(widget) for widget in forward) + "\n"
    name = request.node.callspec.params["opened"]
    snapshot = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(order, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot for {name}: run once with UPDATE_SNAPSHOTS=1"
    assert order == snapshot.read_text(encoding="utf-8")


@screens
def test_after_each_tab_the_focus_frame_stands_out(qtbot, opened):
    problems = []
    walk_tabs(qtbot, check_focus=lambda w, on, off: problems.extend(focus_problems(w, on, off)))
    assert problems == []


@screens
def test_targets_are_at_least_48_pixels_high_and_nothing_scrolls_sideways(opened):
    assert small_targets(opened.window) == []
    assert sideways_problems(opened.window) == []


@pytest.mark.parametrize("opened_large", list(SCREENS), indirect=True)
def test_at_200_percent_nothing_is_cut_off_and_the_window_fits_the_screen(opened_large):
    window = opened_large.window
    assert window.size().width() <= 1366 and window.size().height() <= 768
    assert cut_off_problems(window) == []
    assert widget_problems(window) == []
