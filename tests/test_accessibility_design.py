"""The design of our own (font, palette, one stylesheet), the text-size setting, what
screen readers hear and the sounds at the desk."""

import re

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible, QFontInfo
from PySide6.QtWidgets import QApplication, QLabel

import ui.accessibility
from app.resources import resource_path
from tests.contrast import contrast_ratio, stylesheet_problems
from tests.screens import open_screen
from tests.test_desk_ui import Keyboard, validate
from ui.desk_pages import ResultPage
from ui.settings_page import SettingsPage
from ui.style import (
    FONT_FAMILY,
    FONT_FILES,
    PALETTE,
    TEXT_SCALES,
    apply_design,
    current_scale,
    stylesheet,
    stylesheet_template,
)

HEX = re.compile(r"#[0-9a-fA-F]{3,8}\b")


@pytest.fixture(autouse=True)
def normal_size():
    yield
    if QApplication.instance() is not None:
        apply_design(QApplication.instance(), 1.0)


# The design


def test_the_stylesheet_takes_every_colour_from_the_palette():
    template = stylesheet_template()
    assert HEX.findall(template) == [], "a colour written in the stylesheet, not in PALETTE"
    for name in PALETTE:
        assert f"@{name}@" in template, f"{name} is in the palette but never used"
    assert re.findall(r"@[a-z_]+@", stylesheet()) == [], "every token is filled in"


@pytest.mark.parametrize("scale", [s / 100 for s in TEXT_SCALES])
def test_every_colour_pair_meets_its_ratio(scale):
    assert stylesheet_problems(stylesheet(scale)) == []


def test_the_contrast_formula_gives_the_known_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio(PALETTE["ink"], PALETTE["paper"]) >= 7


def test_our_own_legible_font_is_shipped_with_its_licence_and_used(qtbot, clock):
    for name in FONT_FILES:
        assert resource_path("fonts", name).stat().st_size > 10_000
    assert "SIL Open Font License" in resource_path("fonts", "OFL.txt").read_text()
    shipped = " ".join(p.name.lower() for p in resource_path("fonts").iterdir())
    assert "marianne" not in shipped and "dsfr" not in stylesheet_template().lower()
    ctx = open_screen("home", clock)
    try:
        assert QFontInfo(ctx.page.title.font()).family() == FONT_FAMILY
        assert QFontInfo(ctx.window.status.pending.font()).family() == FONT_FAMILY
    finally:
        ctx.close()


# The text-size setting


def test_text_size_changes_at_once_from_the_keyboard_and_is_kept(qtbot, clock):
    ctx = open_screen("settings", clock)
    try:
        page = ctx.page
        before = QFontInfo(page.title.font()).pointSizeF()
        assert QApplication.focusWidget() is page.text_size.radios[100]
        for _ in range(4):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
        assert page.text_size.radios[200].isChecked()
        assert ctx.settings.get("text_scale") == 200
        assert current_scale() == 2.0
        assert QFontInfo(page.title.font()).pointSizeF() == pytest.approx(2 * before, abs=1)
        status = QFontInfo(ctx.window.status.pending.font()).pointSizeF()
        assert status == pytest.approx(28, abs=1), "the whole window follows, not the page only"
        assert QApplication.focusWidget() is page.text_size.radios[200], "the focus stays"
    finally:
        ctx.close()


@pytest.mark.parametrize(("start", "chosen"), [(150, 200), (200, 100)])
def test_the_size_just_chosen_stays_in_sight_under_the_pointer(qtbot, clock, start, chosen):
    ctx = open_screen("settings", clock, scale=start / 100)
    try:
        ctx.settings.set("text_scale", start)
        ctx.window.show_page(SettingsPage(ctx.settings))
        page = ctx.page
        radio = page.text_size.radios[chosen]
        page.ensureWidgetVisible(radio)
        QApplication.processEvents()
        before = radio.mapTo(page.viewport(), QPoint(0, 0)).y()
        qtbot.mouseClick(radio, Qt.MouseButton.LeftButton)
        assert current_scale() == chosen / 100 and ctx.settings.get("text_scale") == chosen
        QApplication.processEvents()
        top = radio.mapTo(page.viewport(), QPoint(0, 0)).y()
        assert top >= 0 and top + radio.height() <= page.viewport().height(), "in sight"
        assert abs(top - before) <= 2, "it stays where it was, under the pointer"
        assert QApplication.focusWidget() is radio
    finally:
        ctx.close()


def test_receipt_layout_printing_and_sounds_are_set_from_the_page(qtbot, clock):
    ctx = open_screen("settings", clock)
    try:
        page = ctx.page
        assert not ctx.settings.get("sounds"), "sounds are off until asked for"
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is page.receipt_layout.radios["page"]
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
        assert ctx.settings.get("receipt_layout") == "ticket"
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
        assert ctx.settings.get("auto_print") is True
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
        assert ctx.settings.get("sounds") is True
    finally:
        ctx.close()


# What screen readers hear, and the sounds


@pytest.fixture
def heard(monkeypatch):
    """What was announced: (text, assertive)."""
    said = []

    def post(event):
        assertive = event.politeness() == QAccessible.AnnouncementPoliteness.Assertive
        said.append((event.message(), assertive))

    monkeypatch.setattr(ui.accessibility, "_post", post)
    return said


@pytest.fixture
def played(monkeypatch):
    sounds = []
    monkeypatch.setattr(ui.accessibility, "_play", sounds.append)
    return sounds


@pytest.fixture
def desk_window(qtbot, clock):
    ctx = open_screen("home", clock)
    yield ctx
    ctx.close()


def test_each_screen_and_the_result_are_said_with_the_focus_they_bring(qtbot, desk_window, heard):
    """Every screen reader reads the description of the widget that takes the focus: a
    screen that comes up is said there, once, and the widget has its own back after."""
    keys = Keyboard(qtbot)
    keys.type("25abcdefgh")
    name = QApplication.focusWidget()
    assert name.accessibleDescription() == (
        "Le jeune. Recopiez le nom, le prénom et la date de naissance du jeune."
    )
    keys.type("Martin")
    keys.press(Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: name.accessibleDescription() == "")
    keys.type("Léa")
    keys.press(Qt.Key.Key_Tab)
    keys.type("15032012")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_Return)
    assert isinstance(desk_window.page, ResultPage)
    result = QApplication.focusWidget()
    assert result is desk_window.page.next_button
    assert result.accessibleDescription().startswith("Enregistré. Reçu numéro")
    assert "70,00\u00a0€" in result.accessibleDescription()
    assert not heard, "said with the focus, not announced a second time"


def test_an_error_is_announced_at_once_and_only_once(qtbot, desk_window, heard):
    keys = Keyboard(qtbot)
    keys.press(Qt.Key.Key_F2)
    keys.type("25abcdefgO")
    keys.press(Qt.Key.Key_Return)
    errors = [text for text, assertive in heard if assertive]
    assert len(errors) == 1 and "O" in errors[0]
    described = desk_window.page.code.edit.accessibleDescription()
    assert errors[0] == f"Code pass'Sport : {described}", "the error says which field"


def test_messages_above_the_page_are_announced(desk_window, heard):
    desk_window.window.show_message("Le reçu est parti à l'imprimante.", "success")
    assert ("Le reçu est parti à l'imprimante.", False) in heard


def test_sounds_play_only_when_asked_for(qtbot, desk_window, played):
    keys = Keyboard(qtbot)
    validate(keys, "25abcdefgh", "Martin", "Léa", "15032012")
    assert played == []
    desk_window.settings.set("sounds", True)
    keys.press(Qt.Key.Key_Return)
    validate(keys, "25bcdefghj", "Martin", "Hugo", "15032012")
    assert played == ["success"]
    keys.press(Qt.Key.Key_Return)
    keys.type("25bcdefghj")  # the same code again
    assert played == ["success", "failure"]


def test_a_state_is_never_shown_by_colour_alone(qtbot, clock):
    """The record's state has words and a named icon; the message has a sign before it."""
    ctx = open_screen("record_to_check", clock)
    try:
        state_words = ctx.page.state.text()
        icons = [
            label
            for label in ctx.page.findChildren(QLabel)
            if label.pixmap() is not None and not label.pixmap().isNull()
        ]
        assert state_words == "À vérifier"
        assert [label.accessibleName() for label in icons] == [state_words]
    finally:
        ctx.close()
