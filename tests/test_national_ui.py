"""The national service in the window: enrolment, status, answers, the list to check,
training mode. Real widgets, a real reference server on 127.0.0.1."""

import threading
import time

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.paths import default_paths
from app.validations import State
from sync.client import READ_TIMEOUT_S
from sync.status import SyncStatus
from tests.a11y import cut_off_problems, widget_problems
from tests.tcp_proxy import FaultyProxy
from tests.ui_helpers import PdfPrinters, open_admin_task, services_for, watch
from ui.app import make_application
from ui.national_pages import EnrolPage, ToCheckPage
from ui.window import MainWindow


@pytest.fixture
def services(desk, clock, tmp_path):
    make_application([])
    return services_for(desk, PdfPrinters(tmp_path), clock=clock, interval_s=0.2)


@pytest.fixture
def bridge(services):
    return services.bridge


@pytest.fixture
def window(qtbot, services):
    window = MainWindow(services, start_training=lambda w: None)
    watch(qtbot, window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    return window


def open_link_page(qtbot, window) -> EnrolPage:
    """From the home screen to "Relier au service national", with the keyboard."""
    page = open_admin_task(qtbot, window, "enrol")
    assert isinstance(page, EnrolPage)
    return page


def enrol(qtbot, window, server, code: str):
    assert "training" in window.home.buttons
    page = open_link_page(qtbot, window)
    page.url.edit.setText(server.url)
    page.code.edit.setFocus()
    qtbot.keyClicks(page.code.edit, code)
    qtbot.keyClick(page.code.edit, Qt.Key.Key_Return)
    return page


def test_enrol_then_registrations_are_sent_and_confirmed_on_screen(
    qtbot, window, server, desk, memory_keyring, suite_log
):
    enrol(qtbot, window, server, server.new_enrolment_code())
    qtbot.waitUntil(lambda: window.message.isVisible(), timeout=5000)
    assert "relié au service national" in window.message.text()
    assert "to_check" in window.home.buttons and "training" not in window.home.buttons
    assert window.status.send_now.isVisible()

    code, _ = desk.read_code("25-ABCD-EFGH")
    saved = desk.validate(
        code, desk.check_person("Martin", "Léa", "15032012", desk.season_of(code))
    )
    window.open_record(saved.id)
    qtbot.mouseClick(window.status.send_now, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.get(saved.id).state is State.CONFIRMED, timeout=5000)
    qtbot.waitUntil(lambda: "Confirmé" in window.stack.currentWidget().state.text(), timeout=5000)
    qtbot.waitUntil(lambda: "Envoyé à" in window.status.connection.text(), timeout=5000)
    assert window.status.pending.text() == "Aucune inscription à envoyer."

    # The token is in the keyring, and nowhere else.
    (token,) = [v for (_, k), v in memory_keyring.secrets.items() if not k.startswith("database")]
    paths = default_paths()
    desk._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    places = [paths.settings_file, suite_log, *paths.data.glob("club.sqlite3*")]
    assert paths.settings_file.exists() and len(places) >= 3
    for place in places:
        assert token.encode() not in place.read_bytes(), place.name


def test_a_send_in_the_background_never_takes_the_button_from_under_the_user(
    qtbot, window, server, bridge
):
    enrol(qtbot, window, server, server.new_enrolment_code())
    qtbot.waitUntil(lambda: window.message.isVisible(), timeout=5000)  # linked, home shown
    button = window.status.send_now
    qtbot.waitUntil(button.isEnabled)
    button.setFocus()
    assert QApplication.focusWidget() is button
    seen = []  # after each report of a round: (state, focus on the button, usable)

    def note(status):
        seen.append((status.state, QApplication.focusWidget() is button, button.isEnabled()))

    bridge.status.connect(note)
    qtbot.waitUntil(lambda: [s for s, _, _ in seen].count("sending") >= 3, timeout=10000)
    assert seen and all(focused and usable for _, focused, usable in seen), seen


def test_closing_never_waits_for_a_server_that_stopped_answering(qtbot, window, server):
    with FaultyProxy(int(server.url.rsplit(":", 1)[1])) as proxy:
        enrol(qtbot, window, proxy, server.new_enrolment_code())
        qtbot.waitUntil(lambda: window.message.isVisible(), timeout=5000)
        proxy.mode = "silent"  # the venue's wifi dies with a request on its way
        qtbot.waitUntil(lambda: proxy.waiting > 0, timeout=10000)
        began = time.monotonic()
        window.close_now()
        window.release()
        took = time.monotonic() - began
    # The request alone would have waited READ_TIMEOUT_S before giving up.
    assert not window.isVisible() and took < READ_TIMEOUT_S - 5, took


def test_news_from_the_sync_engine_never_reaches_a_window_whose_data_is_closed(
    qtbot, window, bridge, desk
):
    code, _ = desk.read_code("25-ABCD-EFGH")
    saved = desk.validate(
        code, desk.check_person("Martin", "Léa", "15032012", desk.season_of(code))
    )
    window.open_record(saved.id)  # a page that reads the data again on news
    shown = window.status.connection.text()
    # News sent by the engine's thread just before closing: queued for the window.
    sender = threading.Thread(target=bridge.publish, args=(SyncStatus("online", changed=1),))
    sender.start()
    sender.join()
    window.release()
    QApplication.processEvents()  # a slot reading the closed data would raise here
    assert window.status.connection.text() == shown


def test_a_wrong_enrolment_code_is_explained_and_nothing_changes(qtbot, window, server):
    page = enrol(qtbot, window, server, "PAS-BON")
    qtbot.waitUntil(lambda: page.code.error.isVisible(), timeout=5000)
    assert "pas valable" in page.code.error.text()
    assert page.button.isEnabled()
    assert QApplication.focusWidget() is page.code.edit
    assert not window.link.configured()


def test_refused_registrations_appear_in_the_list_to_check(qtbot, window, server, desk):
    enrol(qtbot, window, server, server.new_enrolment_code())
    qtbot.waitUntil(lambda: "to_check" in window.home.buttons, timeout=5000)
    code, _ = desk.read_code("25-BCDE-FGHJ")
    server.portal_redeem(str(code), "Autre", "Personne", "2012-01-01")
    saved = desk.validate(
        code, desk.check_person("Martin", "Léa", "15032012", desk.season_of(code))
    )
    window.send_now()
    qtbot.waitUntil(lambda: desk.get(saved.id).state is State.TO_CHECK, timeout=5000)
    window.home.buttons["to_check"].setFocus()
    qtbot.keyClick(window.home.buttons["to_check"], Qt.Key.Key_Return)
    page = window.stack.currentWidget()
    assert isinstance(page, ToCheckPage)
    assert page.results.count() == 1
    text = page.results.item(0).text()
    assert "Martin" in text and "déjà enregistré par un autre ordinateur du club" in text


def test_without_a_keyring_the_link_page_says_so_before_anything_is_typed(qtbot, window):
    keyring.set_keyring(fail.Keyring())  # a Linux computer with neither gnome-keyring nor KWallet
    page = open_link_page(qtbot, window)
    assert page.no_keyring is not None and page.no_keyring.isVisible()
    assert not page.url.isVisible() and not page.code.isVisible(), "no form that cannot work"
    assert not page.button.isVisible()
    said = page.no_keyring.accessibleName()
    assert "ne peut pas être relié pour l'instant" in said
    assert "pas de trousseau de mots de passe" in said
    assert "installez gnome-keyring ou KWallet, puis relancez" in said, "what to do"
    assert "sans connexion" in said, "and that the desk still works"
    assert QApplication.focusWidget() is page.no_keyring, "read first"
    assert widget_problems(window) == [] and cut_off_problems(window) == []


def test_with_a_keyring_the_link_page_asks_for_the_code_and_names_the_keyring(qtbot, window):
    window.enrol()
    page = window.stack.currentWidget()
    assert page.no_keyring is None and page.code.isVisible()
    assert "trousseau de mots de passe de l'ordinateur" in page.intro.text()
    assert "coffre" not in page.intro.text()
