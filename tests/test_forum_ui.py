"""The forum in the window, driven with the keyboard: opening the main desk, joining it
with its code, the live duplicate check, out of range, withdrawing a desk, leaving.

Real widgets offscreen, real main desks (sync.forum.Hub) on 127.0.0.1, real pairing;
nothing is announced or looked for on the network (tests/ui_helpers.SilentBrowser)."""

import uuid
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from app.seasons import load_seasons
from sync.client import ApiClient, Unauthorized
from sync.discovery import DiscoveryUnavailable, FoundHub
from sync.forum import Hub, join_hub, pinned_context
from sync.status import SyncStatus
from tests.factories import VALID_SIRET
from tests.test_desk_ui import Keyboard
from tests.ui_helpers import SilentAnnouncement, SilentBrowser, let_go, open_window, type_text
from ui.desk_pages import CodePage, PersonPage
from ui.forum_main_page import MainDeskPage
from ui.forum_pages import ForumChoicePage, JoinedPage, JoinPage
from ui.records import RecordPage

CLUB = {"name": "Étoile sportive d'Hérouville", "siret": VALID_SIRET, "rna": "W751234567"}
OTHER_CLUB = {"name": "Cercle d'escrime de Caen", "siret": "35600000000048", "rna": "W141234567"}


@pytest.fixture
def hub(tmp_path, clock):
    """Another laptop's main desk, of the desk's own club."""
    with Hub(
        tmp_path / "hub", CLUB, load_seasons(), opened_by="Marie", host="127.0.0.1", port=0,
        clock=clock,
    ) as started:  # fmt: skip
        yield started


def found(hub: Hub) -> FoundHub:
    """``hub`` as the network's list would show it."""
    return FoundHub(
        name=f"{hub.club['name']} (ab12)._passsport-club._tcp.local.",
        club=hub.club["name"],
        opened_by=hub.opened_by,
        fingerprint=hub.fingerprint[:16],
        addresses=("127.0.0.1",),
        port=hub.port,
    )


def current(window):
    return window.stack.currentWidget()


def press(qtbot, widget, key=Qt.Key.Key_Return) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, key)


def open_forum(qtbot, window):
    press(qtbot, window.home.buttons["forum"])
    return current(window)


def open_join_page(qtbot, window) -> JoinPage:
    choice = open_forum(qtbot, window)
    assert isinstance(choice, ForumChoicePage)
    press(qtbot, choice.join_button)
    page = current(window)
    assert isinstance(page, JoinPage)
    return page


def join_through_page(qtbot, window, hub: Hub, code: str | None = None) -> JoinPage:
    page = open_join_page(qtbot, window)
    page.address.edit.setFocus()
    qtbot.keyClicks(page.address.edit, f"127.0.0.1:{hub.port}")
    page.code.edit.setFocus()
    qtbot.keyClicks(page.code.edit, code or hub.new_code().code)
    qtbot.keyClick(page.code.edit, Qt.Key.Key_Return)
    return page


def walk_away(window, hub: Hub) -> None:
    """The desk goes out of the main desk's reach (its connection closed first: a server
    stopped under an open connection leaves it to the collector)."""
    window.link.stop()
    hub.stop()
    window.link.start()


def plain(text: str) -> str:
    """``text`` with its non-breaking spaces as plain ones."""
    return text.replace("\u00a0", " ")


def dialogs() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def desk_client(joined) -> ApiClient:
    return ApiClient(joined.url, joined.token, verify=pinned_context(joined.certificate_pem))


def paul_records(hub: Hub, first_name: str, clock) -> None:
    """Paul, another desk of the forum, recorded 25-ABCD-EFGH 6 minutes ago."""
    paul = join_hub(f"127.0.0.1:{hub.port}", hub.new_code().code, "Paul")
    with desk_client(paul) as client:
        client.redeem_batch([{
            "idempotency_key": str(uuid.uuid4()), "code": "25-ABCD-EFGH",
            "young_person": {"last_name": "Martin", "first_name": first_name,
                             "birth_date": "2012-03-15"},
            "recorded_at": (clock() - timedelta(minutes=6)).isoformat(),
        }])  # fmt: skip


def test_opening_the_main_desk_shows_a_code_and_the_desks_that_join(qtbot, desk):
    window = open_window(qtbot, desk)
    choice = open_forum(qtbot, window)
    assert isinstance(choice, ForumChoicePage)
    assert QApplication.focusWidget() is choice.open_button
    press(qtbot, choice.open_button)
    page = current(window)
    assert isinstance(page, MainDeskPage)
    qtbot.waitUntil(lambda: page.code.isVisible(), timeout=5000)
    hub = window.link.hub
    shown = page.code.text()
    assert len(shown) == 7 and shown[3] == " " and shown.replace(" ", "").isdigit()
    assert shown.replace(" ", "") == hub.pairing.shown.code
    digits = shown.replace(" ", "")
    spelled = f"{' '.join(digits[:3])}, {' '.join(digits[3:])}"
    assert page.code.accessibleName() == f"Code pour relier un poste : {spelled}."
    assert not page.qr.pixmap().isNull()
    assert page.validity.text().startswith("Valable jusqu'à 14 h 42.")  # ten minutes
    assert f"127.0.0.1:{hub.port}" in page.addresses.text()
    assert page.no_desk.isVisible() and not page.revoke_button.isVisible()
    assert window.status.connection.text() == "Forum : poste principal, aucun poste relié."
    assert "pas relié au service national" in page.forwarding.text()

    join_hub(f"127.0.0.1:{hub.port}", digits, "Julie")  # another laptop, with the code
    qtbot.waitUntil(lambda: page.desks.count() == 1, timeout=5000)
    assert plain(page.desks.item(0).text()) == "« Julie », relié à 14 h 32, aucune inscription."
    assert window.status.connection.text() == "Forum : poste principal, 1 poste relié."
    assert not page.code.isVisible(), "a code serves one desk"
    assert "a servi" in page.validity.text()
    press(qtbot, page.new_code_button)
    assert page.code.isVisible() and page.code.text().replace(" ", "") != digits


def test_a_wrong_code_is_explained_in_french_without_a_dialog_then_the_right_one_joins(
    qtbot, desk, hub
):
    window = open_window(qtbot, desk)
    shown = hub.new_code().code
    wrong = f"{(int(shown[0]) + 1) % 10}{shown[1:3]} {shown[3:]}"
    page = join_through_page(qtbot, window, hub, wrong)
    qtbot.waitUntil(lambda: page.code.error.isVisible(), timeout=5000)
    assert "Ce code ne correspond pas. Vérifiez-le sur le poste principal" in page.code.error.text()
    assert QApplication.focusWidget() is page.code.edit and page.button.isEnabled()
    assert dialogs() == [] and current(window) is page
    assert window.link.forum() is None and hub.devices() == []

    page.code.edit.clear()
    qtbot.keyClicks(page.code.edit, f"{shown[:3]} {shown[3:]}")  # spaces allowed
    qtbot.keyClick(page.code.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(current(window), JoinedPage), timeout=5000)
    said = (
        "Ce poste est relié au poste principal de Étoile sportive d'Hérouville (ouvert par Marie)."
    )
    assert said in window.message.text()
    assert window.link.forum().role == "desk"
    assert [d["name"] for d in hub.devices()] == [page.name.text()]
    qtbot.waitUntil(
        lambda: window.status.connection.text() == "Forum : relié au poste principal.",
        timeout=5000,
    )
    qtbot.waitUntil(lambda: "Relié" in current(window).state.text(), timeout=5000)


def test_a_main_desk_heard_on_the_network_is_chosen_from_the_list(qtbot, desk, hub):
    browsers = []

    def browse(on_change):
        browsers.append(SilentBrowser(on_change))
        return browsers[-1]

    window = open_window(qtbot, desk, browse=browse)
    page = open_join_page(qtbot, window)
    assert page.found.count() == 0 and "Aucun poste principal trouvé" in page.found_state.text()
    browsers[0].hear([found(hub)])
    assert page.found.item(0).text() == "Étoile sportive d'Hérouville, ouvert par Marie"
    page.found.setFocus()
    qtbot.keyClick(page.found, Qt.Key.Key_Return)  # Enter on a main desk: to its code
    assert QApplication.focusWidget() is page.code.edit
    type_text(qtbot, page.code.edit, hub.new_code().code)
    qtbot.keyClick(page.code.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(current(window), JoinedPage), timeout=5000)
    assert browsers[0].closed, "the browser stops once the page is left"


def test_without_multicast_the_page_says_to_type_the_address(qtbot, desk):
    def browse(on_change):
        raise DiscoveryUnavailable()

    window = open_window(qtbot, desk, browse=browse)
    page = open_join_page(qtbot, window)
    assert not page.found.isVisible()
    assert "saisissez l'adresse du poste principal" in page.found_state.text()
    assert QApplication.focusWidget() is page.address.edit


def test_a_main_desk_out_of_reach_or_of_another_club_is_said_and_nothing_is_joined(
    qtbot, tmp_path, desk, clock
):
    window = open_window(qtbot, desk)
    page = open_join_page(qtbot, window)
    page.address.edit.setText("127.0.0.1:9")  # nothing listens there
    page.code.edit.setText("123456")
    qtbot.keyClick(page.code.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.address.error.isVisible(), timeout=5000)
    assert "Le poste principal ne répond pas" in page.address.error.text()

    with Hub(
        tmp_path / "other", OTHER_CLUB, desk.seasons, opened_by="Luc", host="127.0.0.1",
        port=0, clock=clock,
    ) as other:  # fmt: skip
        page.address.edit.setText(f"127.0.0.1:{other.port}")
        page.code.edit.setText(other.new_code().code)
        qtbot.keyClick(page.code.edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "autre club" in page.address.error.text(), timeout=5000)
        # the other club's main desk is told: the desk it paired is withdrawn there
        qtbot.waitUntil(lambda: all(d["revoked_at"] for d in other.devices()), timeout=5000)
        assert len(other.devices()) == 1
    assert "Cercle d'escrime de Caen" in page.address.error.text()
    assert window.link.forum() is None and desk.club_profile().siret == VALID_SIRET
    assert dialogs() == []


def test_the_live_check_shows_the_duplicate_screen_naming_the_other_desk(qtbot, desk, hub, clock):
    paul_records(hub, "Léa", clock)
    window = open_window(qtbot, desk)
    join_through_page(qtbot, window, hub)
    qtbot.waitUntil(lambda: isinstance(current(window), JoinedPage), timeout=5000)
    window.go_home()

    keys = Keyboard(qtbot)
    keys.type("25abcdefgh")  # typed on the home screen, as a scanner would
    page = current(window)
    assert isinstance(page, CodePage)
    assert page.hint.text() == "Vérification auprès du poste principal…"
    qtbot.waitUntil(lambda: page.code.error.isVisible(), timeout=3000)
    said = plain(page.code.error.text())
    assert "déjà enregistré pour Léa M. au poste « Paul », le 15 octobre 2025 à 14 h 26." in said
    assert "ne refaites rien" in said
    assert current(window) is page and QApplication.focusWidget() is page.code.edit
    assert desk.pending_count() == 0, "nothing registered"

    page.code.edit.clear()
    keys.type("25bcdefghj")  # a code no desk holds: on to the young person
    qtbot.waitUntil(lambda: isinstance(current(window), PersonPage), timeout=3000)


def test_out_of_range_the_desk_goes_on_alone_and_the_status_area_says_since_when(
    qtbot, desk, hub, clock
):
    window = open_window(qtbot, desk, interval_s=0.2)
    join_through_page(qtbot, window, hub)
    qtbot.waitUntil(lambda: isinstance(current(window), JoinedPage), timeout=5000)
    walk_away(window, hub)
    code, _ = desk.read_code("25-ABCD-EFGH")
    desk.validate(code, desk.check_person("Martin", "Léa", "15032012", desk.season_of(code)))
    window.refresh_status()
    qtbot.waitUntil(
        lambda: (
            window.status.connection.text()
            == "Forum : hors de portée depuis moins d'une minute, 1 inscription à transmettre."
        ),
        timeout=8000,
    )
    window.on_sync_status(SyncStatus("sending", pending=1))  # the next try starts
    assert "hors de portée" in window.status.connection.text(), "no flicker to « relié »"
    clock.now += timedelta(minutes=4)
    window.forum.refresh()
    assert window.status.connection.text() == (
        "Forum : hors de portée depuis 4 minutes, 1 inscription à transmettre."
    )
    state = current(window).state.text()
    assert (
        state
        == "Hors de portée du poste principal depuis 4 minutes. 1 inscription attend d'être transmise."
    )

    window.go_home()
    Keyboard(qtbot).type("25bcdefghj")  # the main desk cannot be asked: no dialog, on
    qtbot.waitUntil(lambda: isinstance(current(window), PersonPage), timeout=3000)
    assert dialogs() == []


def test_a_code_recorded_here_and_at_another_desk_is_listed_here_with_what_to_do(
    qtbot, desk, hub, clock
):
    window = open_window(qtbot, desk, interval_s=0.2)
    page = join_through_page(qtbot, window, hub)
    qtbot.waitUntil(lambda: isinstance(current(window), JoinedPage), timeout=5000)
    page = current(window)
    assert not page.conflicts.isVisibleTo(page), "nothing to check yet"
    paul_records(hub, "Hugo", clock)  # while this desk could not ask
    code, _ = desk.read_code("25-ABCD-EFGH")
    saved = desk.validate(
        code, desk.check_person("Martin", "Léa", "15032012", desk.season_of(code))
    )
    window.refresh_status()
    qtbot.waitUntil(lambda: page.conflicts.count() == 1, timeout=8000)
    assert page.conflicts_intro.text() == (
        "1 code est enregistré à deux postes du forum. "
        "1 inscription de ce poste est à vérifier : choisissez-la, puis ouvrez-la."
    )
    said = plain(page.conflicts.item(0).text())
    assert said.startswith(
        "Le code 25-ABCD-EFGH est aussi enregistré au poste « Paul », qui le garde. "
        "L'inscription faite ici, pour Léa M., est à vérifier."
    )
    assert "rendez à la famille" in said and "chèque de caution" in said
    qtbot.waitUntil(
        lambda: "1 inscription à vérifier." in window.status.connection.text(), timeout=8000
    )

    page.conflicts.setFocus()
    qtbot.keyClick(page.conflicts, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.open_button
    qtbot.keyClick(page.open_button, Qt.Key.Key_Space)
    record = current(window)
    assert isinstance(record, RecordPage) and saved.receipt_no in record.title.text()
    assert record.state.text() == "À vérifier"

    desk.cancel(saved.id, "Même jeune inscrit au poste de Paul")  # the family is paid back
    window.forum.open()
    page = current(window)
    assert plain(page.conflicts.item(0).text()) == (
        "Le code 25-ABCD-EFGH est aussi enregistré au poste « Paul », qui le garde. "
        "L'inscription faite ici, pour Léa M., est annulée : plus rien à faire."
    )
    assert page.conflicts_intro.text() == (
        "1 code est enregistré à deux postes du forum. "
        "Aucune inscription de ce poste n'est à vérifier."
    )
    assert not page.open_button.isVisibleTo(page)


def test_a_desk_withdrawn_from_the_main_desk_is_refused_at_its_next_request(qtbot, desk):
    window = open_window(qtbot, desk)
    press(qtbot, open_forum(qtbot, window).open_button)
    page = current(window)
    qtbot.waitUntil(lambda: page.code.isVisible(), timeout=5000)
    hub = window.link.hub
    julie = join_hub(f"127.0.0.1:{hub.port}", hub.pairing.shown.code, "Julie")
    with desk_client(julie) as client:
        assert client.check_code("25-ABCD-EFGH")["state"] == "available"
        qtbot.waitUntil(lambda: page.desks.count() == 1, timeout=5000)
        press(qtbot, page.revoke_button)
        qtbot.waitUntil(lambda: bool(dialogs()), timeout=3000)
        (box,) = dialogs()
        assert plain(box.text()) == "Retirer le poste « Julie » du forum ?"
        assert box.defaultButton().text() == "Garder ce poste", "the safe answer is Enter's"
        go = next(b for b in box.buttons() if b.text() == "Retirer ce poste")
        go.click()
        qtbot.waitUntil(lambda: page.no_desk.isVisible(), timeout=3000)
        assert "Le poste « Julie » est retiré du forum." in plain(window.message.text())
        with pytest.raises(Unauthorized):
            client.check_code("25-ABCD-EFGH")


def test_leaving_asks_whether_to_erase_the_personal_data_and_erases_by_default(qtbot, desk, hub):
    window = open_window(qtbot, desk, interval_s=0.2)
    join_through_page(qtbot, window, hub)
    qtbot.waitUntil(lambda: isinstance(current(window), JoinedPage), timeout=5000)
    code, _ = desk.read_code("25-ABCD-EFGH")
    saved = desk.validate(
        code, desk.check_person("Martin", "Léa", "15032012", desk.season_of(code))
    )
    window.refresh_status()
    qtbot.waitUntil(lambda: desk.pending_count() == 0, timeout=8000)  # at the main desk
    page = current(window)
    press(qtbot, page.leave_button)
    qtbot.waitUntil(lambda: bool(dialogs()), timeout=3000)
    (box,) = dialogs()
    assert box.text() == (
        "Effacer de cet ordinateur les noms et les dates de naissance des jeunes ?"
    )
    assert box.defaultButton().text() == "Quitter et effacer", "not the club's laptop"
    box.defaultButton().click()
    qtbot.waitUntil(lambda: isinstance(current(window), ForumChoicePage), timeout=5000)
    assert "Les noms et les dates de naissance sont effacés" in window.message.text()
    assert window.link.forum() is None
    kept = desk.get(saved.id)
    assert kept.last_name == "" and kept.first_name == "" and kept.receipt_no == saved.receipt_no
    assert kept.sent, "the main desk holds it, names and all"
    assert (
        window.status.connection.text()
        == "Pas de compte national. Tout est gardé sur cet ordinateur."
    )


def test_leaving_with_registrations_not_yet_at_the_main_desk_offers_no_erasing(qtbot, desk, hub):
    window = open_window(qtbot, desk)
    join_through_page(qtbot, window, hub)
    qtbot.waitUntil(lambda: isinstance(current(window), JoinedPage), timeout=5000)
    walk_away(window, hub)
    code, _ = desk.read_code("25-ABCD-EFGH")
    desk.validate(code, desk.check_person("Martin", "Léa", "15032012", desk.season_of(code)))
    press(qtbot, current(window).leave_button)
    qtbot.waitUntil(lambda: bool(dialogs()), timeout=3000)
    (box,) = dialogs()
    assert box.text() == "1 inscription n'a pas encore rejoint le poste principal."
    assert {b.text() for b in box.buttons()} == {"Rester au forum", "Quitter sans effacer"}
    assert box.defaultButton().text() == "Rester au forum"
    box.defaultButton().click()
    assert window.link.forum() is not None


def test_a_restarted_main_desk_serves_its_forum_again(qtbot, desk):
    window = open_window(qtbot, desk)
    press(qtbot, open_forum(qtbot, window).open_button)
    qtbot.waitUntil(lambda: current(window).code.isVisible(), timeout=5000)
    fingerprint = window.link.hub.fingerprint
    announced = []
    window.close_now()
    qtbot.waitUntil(lambda: window.link.hub is None, timeout=5000)

    def announce(*args):
        announced.append(SilentAnnouncement(*args))
        return announced[-1]

    again = open_window(qtbot, desk, announce=announce)  # the program started again
    assert again.status.connection.text().startswith("Forum : ")
    qtbot.waitUntil(lambda: again.link.hub is not None, timeout=5000)
    hub = again.link.hub
    assert hub.fingerprint == fingerprint, "the same certificate: the desks still trust it"
    qtbot.waitUntil(lambda: bool(announced), timeout=5000)  # once it listens
    assert [a.port for a in announced] == [hub.port]
    qtbot.waitUntil(
        lambda: again.status.connection.text() == "Forum : poste principal, aucun poste relié.",
        timeout=5000,
    )
    join_hub(f"127.0.0.1:{hub.port}", hub.pairing.shown.code, "Julie")
    qtbot.waitUntil(
        lambda: again.status.connection.text() == "Forum : poste principal, 1 poste relié.",
        timeout=5000,
    )


def test_a_new_laptop_joins_from_its_first_start_and_takes_the_club_of_the_main_desk(qtbot, hub):
    from tests.factories import open_desk

    fresh = open_desk(with_club=False)
    try:
        window = open_window(qtbot, fresh)
        form = current(window)
        join = next(
            b for b in form.findChildren(QPushButton) if b.text() == "Rejoindre le forum du club"
        )
        press(qtbot, join)
        page = current(window)
        assert isinstance(page, JoinPage) and page.back_button.isVisible()
        page.address.edit.setText(f"127.0.0.1:{hub.port}")
        page.code.edit.setText(hub.new_code().code)
        qtbot.keyClick(page.code.edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: isinstance(current(window), JoinedPage), timeout=5000)
        profile = fresh.club_profile()
        assert (profile.name, profile.siret, profile.rna) == (
            CLUB["name"],
            CLUB["siret"],
            CLUB["rna"],
        )
        assert window.club_label.text() == CLUB["name"]
        assert "prend le profil du club" in window.message.text()
        assert window.home_button.isVisible()
    finally:
        window.close_now()
        let_go(window)
        fresh.close()


def test_closing_the_main_desk_asks_first_then_this_computer_leaves_the_forum(qtbot, desk):
    window = open_window(qtbot, desk)
    press(qtbot, open_forum(qtbot, window).open_button)
    page = current(window)
    qtbot.waitUntil(lambda: page.code.isVisible(), timeout=5000)
    press(qtbot, page.close_button)
    qtbot.waitUntil(lambda: bool(dialogs()), timeout=3000)
    (box,) = dialogs()
    assert box.defaultButton().text() == "Laisser ouvert"
    next(b for b in box.buttons() if b.text() == "Fermer le poste principal").click()
    qtbot.waitUntil(lambda: isinstance(current(window), ForumChoicePage), timeout=5000)
    assert window.link.hub is None and window.link.forum() is None
    assert "Le poste principal est fermé." in window.message.text()
    assert window.status.connection.text() == (
        "Pas de compte national. Tout est gardé sur cet ordinateur."
    )
