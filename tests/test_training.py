"""Training mode: its own server and database, a banner, test codes that do what their note
says on the day, a question before leaving, and nothing left after."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.codes import CodeError, CodeReason
from app.paths import default_paths
from app.seasons import load_seasons
from app.settings import Settings
from app.validations import State
from sync.training import CodeCategory, training_codes, training_codes_on
from tests.factories import Clock, open_desk
from tests.ui_helpers import start_shell, type_text
from ui.app import make_application
from ui.desk_pages import CodePage, ResultPage
from ui.national_pages import ToCheckPage
from ui.shell import build_window
from ui.texts import club as club_texts
from ui.texts import codes as codes_texts
from ui.texts import national as national_texts
from ui.texts import training as training_texts
from ui.training import TrainingCodesPage, TrainingSession, code_note

# 5 October 2026: the 2026 season (provisional in the table) takes registrations.
TRAINING_DAY = datetime(2026, 10, 5, 8, 15, tzinfo=UTC)
# 15 October 2025, in the 2025 campaign (its AEEH codes start with I).
DAY_2025 = datetime(2025, 10, 15, 12, 32, tzinfo=UTC)


def start_session(qtbot, desk, clock=TRAINING_DAY, **options) -> TrainingSession:
    make_application([])
    session = TrainingSession(
        desk,
        Settings(default_paths().settings_file),
        on_leave=options.pop("on_leave", lambda: None),
        clock=Clock(clock),
        **options,
    )
    window = session.start()
    qtbot.addWidget(window)
    return session


def question(qtbot, session) -> QMessageBox:
    qtbot.waitUntil(lambda: session.leave_question is not None)
    box = session.leave_question
    qtbot.waitUntil(box.isVisible)
    return box


def answer(box: QMessageBox, text: str) -> None:
    (button,) = [b for b in box.buttons() if b.text() == text]
    button.click()


def test_training_validates_test_codes_then_leaves_no_trace(qtbot, desk):
    left = []
    session = start_session(qtbot, desk, on_leave=lambda: left.append(True))
    window = session.window
    folder = session.folder
    try:
        assert window.banner.isVisible() and "Mode formation" in window.banner.text()
        assert session.mark is window.banner
        assert window.banner.accessibleName().startswith(training_texts.TRAINING_MARK)
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


# -- Every listed code does what its note says -----------------------------------------------


def _outcome(category: CodeCategory) -> tuple[State | None, str | None]:
    """The state and national reason the note of a code of ``category`` promises."""
    return {
        CodeCategory.AVAILABLE: (State.CONFIRMED, None),
        CodeCategory.REDEEMED_ELSEWHERE: (State.TO_CHECK, "other_club"),
        CodeCategory.REVOKED: (State.TO_CHECK, "revoked"),
        CodeCategory.PAST_SEASON: (None, None),  # refused at once, nothing recorded
    }[category]


def _type(qtbot, text: str) -> None:
    for char in text:
        type_text(qtbot, QApplication.focusWidget(), char)


def _key(qtbot, key: Qt.Key) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key)


@pytest.mark.parametrize(
    ("day", "open_year"), [(DAY_2025, 2025), (TRAINING_DAY, 2026)], ids=["2025", "2026"]
)
def test_every_listed_code_does_at_the_desk_what_its_note_says(qtbot, desk, day, open_year):
    session = start_session(qtbot, desk, clock=day)
    window = session.window
    try:
        with qtbot.waitActive(window):
            window.activateWindow()
        window.home.buttons["training_codes"].click()
        page = window.stack.currentWidget()
        assert list(page.values) == [c.code for c in session.codes]
        assert {c.category for c in session.codes} == set(CodeCategory), "every case"
        assert {c.year for c in session.codes} == {open_year, 2024}
        recorded = {}
        for item in session.codes:
            note = code_note(item)
            assert page.values[item.code].text().endswith(note)
            window.go_home()
            _type(qtbot, item.code)
            if item.category is CodeCategory.PAST_SEASON:
                code_page = window.stack.currentWidget()
                assert isinstance(code_page, CodePage), item.code
                with pytest.raises(CodeError) as refused:
                    session.desk.read_code(item.code)
                assert refused.value.reason is CodeReason.SEASON_CLOSED, item.code
                assert codes_texts.describe_code_error(refused.value) in code_page.code.error.text()
                continue
            _type(qtbot, item.last_name)
            _key(qtbot, Qt.Key.Key_Tab)
            _type(qtbot, item.first_name)
            _key(qtbot, Qt.Key.Key_Tab)
            _type(qtbot, item.birth_date.strftime("%d%m%Y"))
            _key(qtbot, Qt.Key.Key_Return)  # to the summary
            _key(qtbot, Qt.Key.Key_Return)  # confirmed
            result = window.stack.currentWidget()
            assert isinstance(result, ResultPage), (item.code, note)
            (saved,) = [v for v in session.desk.find(item.code) if v.code == item.code]
            recorded[item.code] = (saved.id, item.category)
        assert recorded, "codes that register"
        window.send_now()

        def answered() -> bool:
            states = {c: session.desk.get(i).state for c, (i, _) in recorded.items()}
            return State.TO_SEND not in states.values()

        qtbot.waitUntil(answered, timeout=20000)
        for code, (validation_id, category) in recorded.items():
            saved = session.desk.get(validation_id)
            state, reason = _outcome(category)
            assert (saved.state, saved.national_reason) == (state, reason), code
        window.to_check()
        to_check = window.stack.currentWidget()
        assert isinstance(to_check, ToCheckPage)
        shown = [to_check.results.item(i).text() for i in range(to_check.results.count())]
        refused = [(c, cat) for c, (_, cat) in recorded.items() if _outcome(cat)[1]]
        assert len(shown) == len(refused)
        for code, category in refused:
            (line,) = [line for line in shown if code in line]
            assert national_texts.NATIONAL_REASONS[_outcome(category)[1]] in line
    finally:
        session.leave()


def test_no_code_is_offered_that_the_desk_would_refuse_against_its_note():
    seasons = load_seasons()
    for day in (DAY_2025, TRAINING_DAY, datetime(2026, 3, 2, 9, tzinfo=UTC)):
        offered = training_codes_on(day, seasons)
        assert offered, "a list to practise with, on every day"
        open_season = seasons.for_date(day)
        for item in offered:
            if item.category is CodeCategory.PAST_SEASON:
                assert seasons.by_year(item.year).has_closed(day)
            else:
                assert item.year == open_season.year
            assert "I" not in item.code[4:] and "O" not in item.code
            if item.aeeh:
                assert open_season.aeeh_i_prefix
        if open_season is None:  # between two campaigns: only refusals can be tried
            assert {c.category for c in offered} == {CodeCategory.PAST_SEASON}
    assert len(training_codes()) > len(training_codes_on(TRAINING_DAY, seasons))


# -- Leaving asks first ----------------------------------------------------------------------


def practise(session, code) -> None:
    """A practice registration of a training code, straight through the training desk."""
    found, _ = session.desk.read_code(code.code)
    birth = code.birth_date.strftime("%d%m%Y")
    person = session.desk.check_person(
        code.last_name, code.first_name, birth, session.desk.season_of(found)
    )
    session.desk.validate(found, person)


def test_leaving_asks_first_and_staying_is_the_default(qtbot, desk):
    session = start_session(qtbot, desk)
    window, folder = session.window, session.folder
    try:
        for code in session.codes[:2]:
            practise(session, code)
        session.leave_button.click()
        box = question(qtbot, session)
        assert box.text() == "Quitter le mode formation ?"
        assert "Vos 2 inscriptions d'essai seront effacées." in box.informativeText()
        assert box.defaultButton().text() == training_texts.TRAINING_STAY
        assert box.escapeButton().text() == training_texts.TRAINING_STAY
        qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter stays
        qtbot.waitUntil(lambda: not box.isVisible())
        assert window.isVisible() and folder.exists() and session.desk is not None

        window.close()  # closing the window asks too
        box = question(qtbot, session)
        assert window.isVisible() and folder.exists()
        answer(box, training_texts.TRAINING_LEAVE_CONFIRM)
        qtbot.waitUntil(lambda: not folder.exists())
        assert not window.isVisible()
    finally:
        session.leave()


def test_after_leaving_the_real_window_is_home_without_an_old_message(qtbot):
    make_application([])
    desk = open_desk(Clock(TRAINING_DAY), with_club=False)
    settings = Settings(default_paths().settings_file)
    window = build_window(desk, settings, default_paths().database)
    qtbot.addWidget(window)
    window.show()
    try:
        form = window.stack.currentWidget()
        form.fields["name"].edit.setText("Union sportive de Belleville")
        form.fields["siret"].edit.setText("732 829 320 00074")
        form.fields["rna"].edit.setText("W751234567")
        form.save()
        assert window.message.isVisible() and club_texts.CLUB_SAVED in window.message.text()
        window.home.buttons["training"].click()
        session = window.training
        assert session is not None and not window.isVisible()
        training_window = session.window
        qtbot.addWidget(training_window)
        session.leave_button.click()
        box = question(qtbot, session)
        assert "Vous n'avez fait aucune inscription d'essai." in box.informativeText()
        answer(box, training_texts.TRAINING_LEAVE_CONFIRM)
        qtbot.waitUntil(window.isVisible)
        assert window.stack.currentWidget() is window.home
        assert not window.message.isVisible(), window.message.text()
        assert window.training is None
    finally:
        if window.training is not None:
            window.training.leave()
        window.release()


def test_the_treasurer_practises_on_the_training_data(qtbot, desk):
    session = start_session(qtbot, desk)
    window = session.window
    try:
        assert "treasurer" in window.home.buttons
        practise(session, session.codes[0])
        window.home.buttons["treasurer"].click()
        assert window.stack.currentWidget() is window.treasurer.page
        assert session.treasury.summary(2026).count == 1
        assert session.mark.isVisible(), "the training mark stays above the treasurer"
        assert desk.find("") == []
    finally:
        session.leave()


def test_a_program_stopped_in_training_leaves_nothing_after_its_next_start(qtbot, clock):
    home = Path(os.environ["PASSSPORT_CLUB_HOME"])
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.training_child"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        cwd=Path(__file__).resolve().parent.parent,
    )
    with child:
        folder = Path(child.stdout.readline().strip())
        child.kill()  # as a power cut or a crash would
    assert folder.is_relative_to(home), "inside the program's own folder"
    assert (folder / "club.sqlite3").exists(), "what a stopped session leaves"
    shell = start_shell(qtbot, clock)
    assert not folder.exists()
    shell.window.close_now()
    shell.window.release()
