"""Training mode: its own server and database, a banner, test codes; nothing left after."""

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.paths import default_paths
from app.settings import Settings
from app.validations import State
from sync.training import CodeCategory
from tests.factories import Clock
from ui.app import make_application
from ui.training import TrainingCodesPage, TrainingSession

# 5 October 2026: the 2026 season (provisional in the table) takes registrations.
TRAINING_DAY = datetime(2026, 10, 5, 8, 15, tzinfo=UTC)


def test_training_validates_test_codes_then_leaves_no_trace(qtbot, desk):
    make_application([])
    left = []
    session = TrainingSession(
        desk,
        Settings(default_paths().settings_file),
        on_leave=lambda: left.append(True),
        clock=Clock(TRAINING_DAY),
    )
    window = session.start()
    qtbot.addWidget(window)
    folder = session.folder
    try:
        assert window.banner.isVisible() and "Mode formation" in window.banner.text()
        assert "training_codes" in window.home.buttons
        window.home.buttons["training_codes"].click()
        page = window.stack.currentWidget()
        assert isinstance(page, TrainingCodesPage)
        sibling = next(c for c in session.codes if c.category is CodeCategory.AVAILABLE)
        assert sibling.code in page.values

        code, _ = session.desk.read_code(sibling.code)
        person = session.desk.check_person(
            sibling.last_name,
            sibling.first_name,
            sibling.birth_date.strftime("%d%m%Y"),
            session.desk.season_of(code),
        )
        saved = session.desk.validate(code, person)
        window.send_now()
        qtbot.waitUntil(lambda: session.desk.get(saved.id).state is State.CONFIRMED, timeout=5000)
        assert desk.find("") == [], "the real database is untouched"
    finally:
        session.leave()
    assert left == [True]
    assert not folder.exists(), "the training folder is deleted on leaving"
    assert not QApplication.topLevelWidgets() or not window.isVisible()


def test_closing_the_training_window_also_leaves(qtbot, desk):
    make_application([])
    session = TrainingSession(
        desk,
        Settings(default_paths().settings_file),
        on_leave=lambda: None,
        clock=Clock(TRAINING_DAY),
    )
    window = session.start()
    qtbot.addWidget(window)
    window.close()
    assert not session.folder.exists()
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # nothing breaks after leaving
