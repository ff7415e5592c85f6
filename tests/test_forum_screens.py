"""The forum's last screens, driven with the keyboard: « Transférer par clé USB » and its
import on the main desk, searching the whole forum and reprinting a receipt made at
another desk, « Clôturer le forum » and its backup.

Real widgets offscreen, real main desks (sync.forum.Hub) on 127.0.0.1, real pairing, real
sealed files on a folder standing for the key, real PDFs read back with pdftotext."""

import json
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.backups import list_backups, verify
from app.seasons import load_seasons
from sync.forum import Hub, join_hub
from sync.forum_bundle import import_bundle, write_bundle
from tests.test_forum_ui import (
    CLUB,
    current,
    desk_client,
    dialogs,
    join_through_page,
    open_forum,
    plain,
    press,
    walk_away,
)
from tests.test_receipt import pdftotext
from tests.ui_helpers import PdfPrinters, open_window
from ui.forum_closing import ClosingPage
from ui.forum_main_page import MainDeskPage
from ui.forum_pages import ForumChoicePage, JoinedPage
from ui.forum_search import ForumRecordPage
from ui.forum_usb import ForumFiles
from ui.records import FindPage
from ui.texts import desk as desk_texts


class KeyFiles(ForumFiles):
    """The file dialogs, answered by the test: the folder of the key, the file on it."""

    def __init__(self, key: Path) -> None:
        self.key = key
        self.to_import: Path | None = None
        self.asked: list[str] = []

    def transfer_folder(self, parent):
        self.asked.append("transfer")
        return self.key

    def bundle(self, parent):
        self.asked.append("bundle")
        return self.to_import

    def backup_folder(self, parent):
        self.asked.append("backup")
        return self.key


@pytest.fixture
def key(tmp_path) -> KeyFiles:
    folder = tmp_path / "CLE-USB"
    folder.mkdir()
    return KeyFiles(folder)


@pytest.fixture
def hub(tmp_path, clock):
    """Another laptop's main desk, of the desk's own club (as tests/test_forum_ui.py's,
    in a folder this module can open again)."""
    with Hub(
        tmp_path / "hub", CLUB, load_seasons(), opened_by="Marie", host="127.0.0.1", port=0,
        clock=clock,
    ) as started:  # fmt: skip
        yield started


def register(desk, code: str, last: str, first: str, born: str = "15032012"):
    parsed, _ = desk.read_code(code)
    return desk.validate(parsed, desk.check_person(last, first, born, desk.season_of(parsed)))


def item(code: str, last: str, first: str, receipt_no: str, clock) -> dict:
    """A registration as a desk sends it to the main desk (a batch, a USB file)."""
    return {
        "idempotency_key": str(uuid.uuid4()), "code": code,
        "young_person": {"last_name": last, "first_name": first, "birth_date": "2012-03-15"},
        "recorded_at": clock().isoformat(), "receipt_no": receipt_no,
    }  # fmt: skip


def message(window) -> str:
    """The message line's words (its icon aside)."""
    return plain(window.message.accessibleName()) if window.message.isVisible() else ""


def open_main_desk(qtbot, window) -> MainDeskPage:
    press(qtbot, open_forum(qtbot, window).open_button)
    page = current(window)
    qtbot.waitUntil(lambda: page.code.isVisible(), timeout=5000)
    return page


def joined_desk(qtbot, window, hub) -> JoinedPage:
    join_through_page(qtbot, window, hub)
    qtbot.waitUntil(lambda: isinstance(current(window), JoinedPage), timeout=5000)
    return current(window)


# « Transférer par clé USB »


def test_a_desk_out_of_reach_writes_its_registrations_on_the_key_for_the_main_desk(
    qtbot, desk, hub, key, tmp_path, clock
):
    window = open_window(qtbot, desk, forum_files=key, interval_s=0.2)
    page = joined_desk(qtbot, window, hub)
    press(qtbot, page.transfer_button)  # everything reached the main desk: an empty file
    qtbot.waitUntil(lambda: "Aucune inscription à transférer" in message(window), timeout=5000)
    assert "Le fichier inscriptions-" in message(window)
    assert "Il dit au poste principal où en est ce poste." in message(window)

    walk_away(window, hub)
    register(desk, "25-ABCD-EFGH", "Martin", "Léa")
    register(desk, "25-BCDE-FGHJ", "Martin", "Hugo")
    press(qtbot, page.transfer_button)
    qtbot.waitUntil(lambda: "2 inscriptions enregistrées" in message(window), timeout=5000)
    (newest,) = [p for p in key.key.glob("*.passsport-forum") if p.name in message(window)]
    assert message(window) == (
        f"2 inscriptions enregistrées sur la clé : {newest.name}. Donnez la clé au poste principal."
    )
    assert QApplication.focusWidget() is page.transfer_button and page.transfer_button.isEnabled()
    assert b"Martin" not in newest.read_bytes(), "sealed: a key lost in the hall tells nothing"

    with Hub(tmp_path / "hub", CLUB, load_seasons(), opened_by="Marie", host="127.0.0.1",
             port=0, clock=clock) as again:  # fmt: skip
        summary = import_bundle(again.store, newest)
    assert (summary.added, summary.already) == (2, 0)


def test_a_key_pulled_out_is_said_in_words_and_nothing_is_lost(qtbot, desk, hub, key):
    window = open_window(qtbot, desk, forum_files=key)
    page = joined_desk(qtbot, window, hub)
    walk_away(window, hub)
    register(desk, "25-ABCD-EFGH", "Martin", "Léa")
    key.key.rmdir()  # the key was taken away after it was chosen
    press(qtbot, page.transfer_button)
    qtbot.waitUntil(lambda: "n'a pas pu être écrit sur la clé" in message(window), timeout=5000)
    assert "Rien n'est perdu : tout reste sur ce poste." in message(window)
    assert dialogs() == [] and desk.pending_count() == 1


def test_the_main_desk_imports_a_key_says_what_it_added_and_a_second_import_adds_nothing(
    qtbot, desk, key, clock
):
    window = open_window(qtbot, desk, forum_files=key)
    page = open_main_desk(qtbot, window)
    hub = window.link.hub
    paul = join_hub(f"127.0.0.1:{hub.port}", hub.new_code().code, "Paul")
    with desk_client(paul) as client:  # Paul took this code over the network already
        client.redeem_batch([item("25-ABCD-EFGH", "Martin", "Léa", "PAU-00001", clock)])
    accueil = join_hub(f"127.0.0.1:{hub.port}", hub.new_code().code, "Accueil 2")
    key.to_import = write_bundle(
        key.key, device_id=accueil.device_id, token=accueil.token, desk_name="Accueil 2",
        items=[item("25-BCDE-FGHJ", "Martin", "Hugo", "ACC-00001", clock),
               item("25-CDEF-GHJK", "Diallo", "Awa", "ACC-00002", clock),
               item("25-ABCD-EFGH", "Martin", "Léo", "ACC-00003", clock)],
        report={"pending": 0, "to_check": 0, "cheques": []}, now=clock(),
    )  # fmt: skip

    press(qtbot, page.import_button)
    qtbot.waitUntil(lambda: "Poste « Accueil 2 »" in message(window), timeout=5000)
    assert message(window).startswith(
        "Poste « Accueil 2 » : 2 inscriptions ajoutées, 1 à vérifier."
    )
    assert key.asked == ["bundle"]
    qtbot.waitUntil(lambda: page.conflicts.count() == 1, timeout=3000)
    assert "25-ABCD-EFGH" in page.conflicts.item(0).text()
    lines = [plain(page.desks.item(i).text()) for i in range(page.desks.count())]
    assert any(line.startswith("« Accueil 2 »") and "2 inscriptions" in line for line in lines)

    press(qtbot, page.import_button)  # the same file again
    qtbot.waitUntil(lambda: "aucune inscription nouvelle" in message(window), timeout=5000)
    assert "2 déjà reçues" in message(window)
    assert [d["registrations"] for d in hub.devices() if d["name"] == "Accueil 2"] == [2]
    assert QApplication.focusWidget() is page.import_button


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        ("damaged", "Ce fichier a été modifié ou abîmé : il n'est pas importé. "
                    "Refaites le transfert depuis le poste."),
        ("not_a_bundle", "Ce fichier n'est pas un transfert de pass'Sport Club."),
        ("withdrawn", "Ce fichier vient d'un poste retiré du forum. Il n'est pas importé."),
        ("gone", "Ce fichier ne peut pas être lu"),
    ],
)  # fmt: skip
def test_a_file_refused_by_the_main_desk_is_explained_without_a_dialog(
    qtbot, desk, key, clock, spoil, said
):
    window = open_window(qtbot, desk, forum_files=key)
    page = open_main_desk(qtbot, window)
    hub = window.link.hub
    accueil = join_hub(f"127.0.0.1:{hub.port}", hub.new_code().code, "Accueil 2")
    path = write_bundle(
        key.key, device_id=accueil.device_id, token=accueil.token, desk_name="Accueil 2",
        items=[item("25-BCDE-FGHJ", "Martin", "Hugo", "ACC-00001", clock)],
        report={"pending": 0, "to_check": 0, "cheques": []}, now=clock(),
    )  # fmt: skip
    if spoil == "damaged":
        document = json.loads(path.read_text())
        document["created_at"] = "2025-10-15T14:00:00+00:00"  # bound to the seal
        path.write_text(json.dumps(document))
    elif spoil == "not_a_bundle":
        path.write_text("nom;prénom\nMartin;Hugo\n")
    elif spoil == "withdrawn":
        hub.revoke(accueil.device_id)
    else:
        path.unlink()
    key.to_import = path
    press(qtbot, page.import_button)
    qtbot.waitUntil(lambda: said in message(window), timeout=5000)
    assert window.message.property("kind") == "error"
    assert dialogs() == []
    assert [d["registrations"] for d in hub.devices() if d["name"] == "Accueil 2"] == [0]


# Searching the whole forum


def test_the_whole_forum_is_searched_and_a_receipt_of_another_desk_is_reprinted(
    qtbot, desk, hub, tmp_path, clock
):
    paul = join_hub(f"127.0.0.1:{hub.port}", hub.new_code().code, "Paul")
    with desk_client(paul) as client:
        client.redeem_batch([item("25-ABCD-EFGH", "Martin", "Léa", "PAU-00007", clock)])
    printers = PdfPrinters(tmp_path)
    window = open_window(qtbot, desk, printers, interval_s=0.2)
    joined_desk(qtbot, window, hub)
    register(desk, "25-BCDE-FGHJ", "Martin", "Hugo")  # this desk's own, sent there too
    window.refresh_status()
    qtbot.waitUntil(lambda: desk.pending_count() == 0, timeout=8000)
    asked = []
    search = window.link.forum_search
    window.link.forum_search = lambda text: asked.append(text) or search(text)

    window.go_home()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F3)  # the search, from anywhere
    page = current(window)
    assert isinstance(page, FindPage) and page.forum is not None
    qtbot.keyClicks(page.query.edit, "martin")
    qtbot.waitUntil(lambda: page.count.text() == "1 inscription trouvée.", timeout=2000)
    assert asked == [], "the main desk is not asked at each key"
    forum = page.forum
    qtbot.waitUntil(lambda: forum.results.isVisible(), timeout=5000)
    assert asked == ["martin"], "asked once, when typing paused"
    assert forum.state.text() == "1 inscription sur un autre poste."
    assert forum.results.count() == 1, "Hugo is in this desk's own list: not twice"
    shown = plain(forum.results.item(0).text())
    assert shown.startswith("Léa Martin : À envoyer au service national\n25-ABCD-EFGH")
    assert "Reçu numéro PAU-00007 · poste « Paul », 15 octobre 2025 à 14 h 32" in shown

    forum.results.setFocus()
    qtbot.keyClick(forum.results, Qt.Key.Key_Return)  # Enter opens it
    record = current(window)
    assert isinstance(record, ForumRecordPage)
    assert QApplication.focusWidget() is record.reprint_button
    assert record.values["Poste"].text() == "Paul"
    qtbot.keyClick(record.reprint_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(printers.files) and printers.files[-1].exists(), timeout=5000)
    text = plain(pdftotext(printers.files[-1]))
    assert "Numéro de reçu : PAU-00007" in text
    assert "DUPLICATA" in text and "Léa MARTIN" in text and "25-ABCD-EFGH" in text
    assert "Étoile sportive d'Hérouville" in text
    assert "Pas encore confirmé par le service national." in text
    assert message(window) == desk_texts.PRINTED

    qtbot.keyClick(record.back_button, Qt.Key.Key_Return)
    assert current(window) is page, "back to the search, as it was"


def test_out_of_reach_only_this_desk_is_searched_and_it_says_so(qtbot, desk, hub):
    window = open_window(qtbot, desk)
    joined_desk(qtbot, window, hub)
    register(desk, "25-BCDE-FGHJ", "Martin", "Hugo")
    walk_away(window, hub)
    page = window.records.find()
    qtbot.keyClicks(page.query.edit, "martin")
    qtbot.waitUntil(
        lambda: page.forum.state.text() == (
            "Le poste principal est hors de portée : "
            "seules les inscriptions de ce poste sont cherchées."
        ),
        timeout=8000,
    )  # fmt: skip
    assert page.results.count() == 1 and not page.forum.results.isVisible()
    assert dialogs() == []


def test_away_from_a_forum_only_this_desk_is_searched(qtbot, desk):
    window = open_window(qtbot, desk)
    page = window.records.find()
    assert page.forum is None


# « Clôturer le forum »


def test_the_closing_summary_counts_each_desk_then_the_closing_backup_is_checked(
    qtbot, desk, key, clock
):
    window = open_window(qtbot, desk, forum_files=key, interval_s=0.2)
    page = open_main_desk(qtbot, window)
    hub = window.link.hub
    paul = join_hub(f"127.0.0.1:{hub.port}", hub.new_code().code, "Paul")
    with desk_client(paul) as client:
        client.redeem_batch([
            item("25-ABCD-EFGH", "Martin", "Léa", "PAU-00001", clock),
            item("25-BCDE-FGHJ", "Martin", "Hugo", "PAU-00002", clock),
        ])  # fmt: skip
        client.forum_report({"pending": 1, "to_check": 0, "cheques": [{
            "receipt_no": "PAU-00003", "last_name": "Diallo", "first_name": "Awa",
            "number": "0001234", "bank": "La Banque Postale", "cents": 7000,
        }]})  # fmt: skip
    join_hub(f"127.0.0.1:{hub.port}", hub.new_code().code, "Julie")  # never said anything
    register(desk, "25-CDEF-GHJK", "Lefèvre", "Chloé")  # the main desk's own desk
    window.refresh_status()
    qtbot.waitUntil(lambda: desk.pending_count() == 0, timeout=8000)

    press(qtbot, page.closing_button)
    closing = current(window)
    assert isinstance(closing, ClosingPage)
    assert QApplication.focusWidget() is closing.totals
    assert plain(closing.totals.text()) == (
        "3 inscriptions à 3 postes, 210,00 € déduits. 1 chèque de caution gardé, pour 70,00 €."
    )
    desks = [plain(label.text()) for label in closing.desks]
    assert desks[0].startswith("Poste principal : 1 inscription, 70,00 € déduits.")
    paul, julie = (
        next(d for d in desks if d.startswith(f"Poste « {n} »")) for n in ("Paul", "Julie")
    )
    assert paul.splitlines() == [
        "Poste « Paul » : 2 inscriptions, 140,00 € déduits.",
        "1 inscription n'est pas encore arrivée ici (dit à 14 h 32). "
        "Rapprochez-le du poste principal.",
        "1 chèque de caution gardé :",
        "Chèque numéro 0001234, La Banque Postale, 70,00 €, pour Awa Diallo, reçu PAU-00003.",
    ]
    assert julie.startswith("Poste « Julie » : aucune inscription, 0,00 € déduits.")
    assert "On ne sait pas s'il garde des inscriptions" in julie
    # The main desk's own desk tells what it holds after its pass: the page, read again
    # every 2 s, follows (its report may still be the one made before it sent).
    qtbot.waitUntil(
        lambda: sorted(plain(closing.not_sent.text()).splitlines()) == [
            "Poste « Julie » : on ne sait pas, il n'a rien dit.",
            "Poste « Paul » : 1 inscription.",
        ],
        timeout=8000,
    )  # fmt: skip
    assert plain(closing.conflicts.text()) == "Aucun code enregistré à deux postes."

    press(qtbot, closing.usb_button)
    qtbot.waitUntil(lambda: closing.backed_up.isVisible(), timeout=8000)
    (copy,) = list_backups(key.key)
    (forum_copy,) = list_backups(key.key / "forum")
    assert verify(copy) and verify(forum_copy)
    assert plain(closing.backed_up.text()) == (
        f"La sauvegarde de clôture est faite et vérifiée : {copy.path}. "
        f"Le fichier du forum est à côté : {forum_copy.path}. "
        "Vous pouvez fermer le poste principal."
    )
    assert QApplication.focusWidget() is closing.close_button, "the next step"

    press(qtbot, closing.close_button)
    qtbot.waitUntil(lambda: bool(dialogs()), timeout=3000)
    (box,) = dialogs()
    next(b for b in box.buttons() if b.text() == "Fermer le poste principal").click()
    qtbot.waitUntil(lambda: isinstance(current(window), ForumChoicePage), timeout=5000)
    assert window.link.hub is None


def test_a_refused_file_is_said_in_words_wherever_it_is_met():
    from sync.forum_bundle import BundleError
    from ui.texts.errors import describe

    assert describe(BundleError("withdrawn_desk")).startswith("Ce fichier vient d'un poste retiré")
    assert describe(BundleError("no_forum")).startswith("Ce poste n'a pas rejoint")
