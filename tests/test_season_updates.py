"""Seasons that update themselves (app/season_files.py, ui/seasons_page.py): a signed
season file chosen in the program's file dialog, files refused with nothing changed, a
table that contradicts recorded registrations never applied without asking, and the
national table replacing the local one once linked, kept across a restart. Real files,
real widgets offscreen, a real reference server on 127.0.0.1; a key pair of the test's
own, handed to the desk it opens."""

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox

from app import season_files
from app.desk import open_desk
from app.paths import default_paths
from app.resources import resource_path
from app.seasons import SeasonTable, TableSource
from sync.server import ReferenceServer
from tests.factories import VALID_SIRET
from tests.ui_helpers import let_go, open_admin_task, open_window
from ui.seasons_page import SeasonsFlow, SeasonsPage
from ui.texts import seasons as seasons_texts


@pytest.fixture
def release_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def key_pem(release_key):
    return release_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def open_club_desk(clock, key_pem):
    paths = default_paths().create()
    desk = open_desk(paths.database, paths.backups, clock=clock, season_key=key_pem)
    if desk.club_profile() is None:
        desk.save_club_profile("Étoile sportive", VALID_SIRET, "W751234567", "Football")
    return desk


@pytest.fixture
def desk(clock, key_pem):
    opened = open_club_desk(clock, key_pem)
    yield opened
    opened.close()


def next_table(published="2027-01-15", **changes) -> dict:
    """The shipped document, published later, with ``changes`` per year:
    ``{2026: {"amount_cents": 6000}}`` passed as ``y2026={...}``."""
    document = json.loads(resource_path("seasons.json").read_text(encoding="utf-8"))
    document["published"] = published
    for season in document["seasons"]:
        season.update(changes.get(f"y{season['year']}", {}))
    return document


def write_signed(folder: Path, document: dict, key, name="saisons.json") -> Path:
    path = folder / name
    path.write_text(season_files.sign(json.dumps(document, indent=1), key), encoding="utf-8")
    return path


def record(desk, code: str, birth: str = "15032012"):
    parsed, _ = desk.read_code(code)
    return desk.validate(parsed, desk.check_person("Martin", "Léa", birth, desk.season_of(parsed)))


def seasons_page(qtbot, window) -> SeasonsPage:
    """From the home screen to "Mettre à jour les saisons", with the keyboard."""
    page = open_admin_task(qtbot, window, "seasons")
    assert isinstance(page, SeasonsPage)
    return page


def kept_tables(desk) -> int:
    return desk._conn.execute("SELECT count(*) FROM season_tables").fetchone()[0]


def test_a_good_signed_file_chosen_in_the_dialog_is_in_force_everywhere_and_kept(
    qtbot, desk, clock, key_pem, release_key, documents
):
    path = write_signed(documents, next_table(y2026={"amount_cents": 6000}), release_key)
    window = open_window(qtbot, desk)
    page = seasons_page(qtbot, window)
    assert "fournie avec le programme, du 1er décembre 2026" in page.line.text()
    chosen = []

    def choose_in_dialog() -> None:
        qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QFileDialog))
        dialog = QApplication.activeModalWidget()
        chosen.append(Path(dialog.directory().absolutePath()))
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        qtbot.keyClicks(edit, path.name)
        qtbot.keyClick(edit, Qt.Key.Key_Return)

    QTimer.singleShot(0, choose_in_dialog)
    qtbot.keyClick(page.button, Qt.Key.Key_Return)
    assert chosen == [documents]
    qtbot.waitUntil(window.message.isVisible)
    assert seasons_texts.APPLIED in window.message.text()
    in_force = "Table des saisons en vigueur : fichier de saisons signé, le 15 octobre 2025."
    assert page.line.text() == in_force
    assert desk.seasons.by_year(2026).amount_cents == 6000
    assert window.treasury.seasons is desk.seasons
    assert page.error.isHidden()

    window.start_validation()  # the desk says it too
    assert in_force in [
        label.text() for label in window.stack.currentWidget().findChildren(type(page.line))
    ]
    treasurer = window.treasurer.open()
    assert treasurer.table_line.text() == in_force

    let_go(window)
    desk.close()
    again = open_club_desk(clock, key_pem)  # the next start
    try:
        assert again.seasons.origin.source is TableSource.FILE
        assert again.seasons.by_year(2026).amount_cents == 6000
    finally:
        again.close()


def tampered(folder, key) -> Path:
    path = write_signed(folder, next_table(), key)
    envelope = json.loads(path.read_text(encoding="utf-8"))
    envelope["document"] = envelope["document"].replace(
        '"amount_cents": 7000', '"amount_cents": 9000'
    )
    path.write_text(json.dumps(envelope), encoding="utf-8")
    return path


def other_key(folder, key) -> Path:
    return write_signed(folder, next_table(), Ed25519PrivateKey.generate())


def unsigned(folder, key) -> Path:
    path = folder / "saisons.json"
    path.write_text(json.dumps(next_table()), encoding="utf-8")
    return path


def not_seasons(folder, key) -> Path:
    path = folder / "inscriptions.csv"
    path.write_text("Nom;Prénom\nMartin;Léa\n", encoding="utf-8")
    return path


def signed_unchecked(folder: Path, key, document: dict) -> Path:
    """Signed by the right key, without the signing command's checks: a release's table
    that is wrong is refused all the same."""
    text = json.dumps(document)
    signature = base64.b64encode(key.sign(text.encode())).decode()
    envelope = {"passsport_season_file": 1, "document": text, "signature": signature}
    path = folder / "saisons.json"
    path.write_text(json.dumps(envelope), encoding="utf-8")
    return path


def bad_amount(folder, key) -> Path:
    return signed_unchecked(folder, key, next_table(y2026={"amount_cents": 0}))


def bad_dates(folder, key) -> Path:
    return signed_unchecked(folder, key, next_table(y2025={"entry_closes": "2025-08-01"}))


def older(folder, key) -> Path:
    return write_signed(folder, next_table(published="2026-06-01"), key)


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (tampered, "La signature de ce fichier ne correspond pas"),
        (other_key, "La signature de ce fichier ne correspond pas"),
        (unsigned, "Ce fichier de saisons n'est pas signé"),
        (not_seasons, "Ce fichier n'est pas un fichier de saisons"),
        (bad_amount, "un montant impossible, pour la saison 2026"),
        (bad_dates, "une fin des inscriptions avant leur début, pour la saison 2025"),
        (older, "La table en vigueur est plus récente : elle date du 1er décembre 2026"),
    ],
)
def test_a_file_refused_says_why_and_nothing_changes(
    qtbot, desk, release_key, tmp_path, make, said
):
    path = make(tmp_path, release_key)
    window = open_window(qtbot, desk)
    before = desk.seasons
    flow = SeasonsFlow(desk, window.treasury, window, choose_file=lambda parent: path)
    page = flow.open()
    qtbot.keyClick(page.button, Qt.Key.Key_Return)
    assert page.error.isVisible() and said in page.error.text()
    assert desk.seasons is before and window.treasury.seasons is before
    assert "fournie avec le programme" in page.line.text()
    assert kept_tables(desk) == 0 and not window.message.isVisible()


def test_a_file_that_contradicts_recorded_registrations_asks_first(
    qtbot, desk, release_key, tmp_path
):
    for code in ("25-ABCD-EFGH", "25-BCDE-FGHJ"):
        record(desk, code)  # born in 2012: 13 in 2025
    record(desk, "25-CDEF-GHJK", birth="02022000")
    cancelled = record(desk, "25-DEFG-HJKL")
    desk.cancel(cancelled.id, "Erreur de saisie")
    document = next_table(y2025={"amount_cents": 5000, "age_min": 15})
    path = write_signed(tmp_path, document, release_key)
    window = open_window(qtbot, desk)
    flow = SeasonsFlow(desk, window.treasury, window, choose_file=lambda parent: path)
    page = flow.open()

    def answer(text: str) -> QMessageBox:
        qtbot.keyClick(page.button, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.findChild(QMessageBox, "seasonsQuestion") is not None)
        box = window.findChild(QMessageBox, "seasonsQuestion")
        shown = (box.text(), box.informativeText())
        button = next(b for b in box.buttons() if b.text() == text)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(window.message.isVisible)
        return shown

    question, changes = answer(seasons_texts.CONFIRM_KEEP)
    assert "déjà enregistrées" in question
    assert changes.splitlines() == [
        "Saison 2025 : le montant passe de 70,00\u00a0€ à 50,00\u00a0€. "
        "Cela touche 3 inscriptions enregistrées.",
        "Saison 2025 : les nouveaux âges ne permettent plus 2 inscriptions enregistrées.",
    ]
    assert seasons_texts.NOT_APPLIED in window.message.text()
    assert desk.seasons.by_year(2025).amount_cents == 7000 and kept_tables(desk) == 0

    answer(seasons_texts.CONFIRM_APPLY)
    assert seasons_texts.APPLIED in window.message.text()
    assert desk.seasons.by_year(2025).amount_cents == 5000 and kept_tables(desk) == 1
    assert "fichier de saisons signé" in page.line.text()


def test_the_national_table_replaces_the_local_one_and_is_kept_across_a_restart(
    qtbot, desk, clock, key_pem, tmp_path
):
    saved = record(desk, "25-ABCD-EFGH")
    national = SeasonTable.from_document(next_table(y2025={"amount_cents": 6000}))
    with ReferenceServer(
        tmp_path / "national.sqlite3", open_codes=True, clock=clock, seasons=national
    ) as server:
        window = open_window(qtbot, desk, clock=clock, interval_s=0.2)
        statuses = []
        window.services.bridge.status.connect(statuses.append)
        window.link.enrol(server.url, server.new_enrolment_code())
        window.link.start()
        qtbot.waitUntil(lambda: desk.seasons.origin.source is TableSource.NATIONAL, timeout=10000)
        assert desk.seasons.by_year(2025).amount_cents == 6000
        assert window.treasury.seasons is desk.seasons
        treasurer = window.treasurer.open()
        lines = treasurer.table_line.text().splitlines()
        assert lines == [
            "Table des saisons en vigueur : service national, le 15 octobre 2025.",
            seasons_texts.NOTICE,
            "Saison 2025 : le montant passe de 70,00\u00a0€ à 60,00\u00a0€. "
            "Cela touche 1 inscription enregistrée.",
        ]
        # Fetched once for the session: the next rounds do not ask again.
        qtbot.waitUntil(lambda: [s.state for s in statuses].count("online") >= 3, timeout=10000)
        assert [s for s in statuses if s.seasons is not None][1:] == []
        assert kept_tables(desk) == 1
        assert desk.get(saved.id).amount_cents == 7000  # what was recorded stays as it was
        let_go(window)
    desk.close()
    again = open_club_desk(clock, key_pem)  # the next start, before any link
    try:
        assert again.seasons.origin.source is TableSource.NATIONAL
        assert again.seasons.by_year(2025).amount_cents == 6000
        assert len(again.seasons.origin.notice) == 1
    finally:
        again.close()


def test_an_earlier_deadline_is_a_change_that_is_asked_about(desk, release_key, tmp_path):
    """Codes not sent by the new deadline would be lost, and the purge would come sooner."""
    record(desk, "25-ABCD-EFGH")
    sooner = {"entry_closes": "2025-11-30", "deadline": "2025-12-01T00:00"}
    path = write_signed(tmp_path, next_table(y2025=sooner), release_key)
    update = desk.read_season_file(path)
    assert [(c.year, c.kind, c.count) for c in update.changes] == [(2025, "deadline", 1)]
    assert seasons_texts.change_line(update.changes[0]) == (
        "Saison 2025 : la date limite d'envoi est avancée. Cela touche 1 inscription enregistrée."
    )


def national_document(published: str, **changes) -> dict:
    return next_table(published=published, **changes)


def test_a_national_table_without_a_recorded_season_keeps_that_season(desk, clock, key_pem):
    saved = record(desk, "25-ABCD-EFGH")
    document = national_document("2027-01-15")
    document["seasons"] = [s for s in document["seasons"] if s["year"] != 2025]
    update = desk.take_national_seasons(document)
    assert [(c.year, c.kind) for c in update.changes] == [(2025, "removed")]
    assert desk.seasons.by_year(2025) is not None  # still there for what was recorded
    corrected = desk.correct_person(saved.id, "Martin", "Léo", "15032012")
    assert corrected.first_name == "Léo"
    assert seasons_texts.change_line(update.changes[0]).startswith(
        "Saison 2025 : elle n'est plus dans la table. Elle reste connue pour 1 inscription"
    )
    assert desk.take_national_seasons(document) is None, "taken once, not at every pass"


def test_the_national_table_stays_in_force_at_the_next_start_whatever_its_date(
    desk, clock, key_pem
):
    document = national_document("2026-06-01", y2026={"amount_cents": 6500})  # before shipped
    assert desk.take_national_seasons(document) is not None
    desk.close()
    again = open_club_desk(clock, key_pem)
    try:
        assert again.seasons.origin.source is TableSource.NATIONAL
        assert again.seasons.by_year(2026).amount_cents == 6500
        assert again.take_national_seasons(document) is None  # nothing applied again
        assert kept_tables(again) == 1
    finally:
        again.close()


def test_a_question_left_open_while_the_national_table_came_is_asked_again(
    qtbot, desk, release_key, tmp_path
):
    record(desk, "25-ABCD-EFGH")
    path = write_signed(tmp_path, next_table(y2025={"amount_cents": 5000}), release_key)
    window = open_window(qtbot, desk)
    flow = SeasonsFlow(desk, window.treasury, window, choose_file=lambda parent: path)
    page = flow.open()
    qtbot.keyClick(page.button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: flow.question is not None)
    first = flow.question
    assert "de 70,00\u00a0€ à 50,00\u00a0€" in first.informativeText()
    # Meanwhile the national side changes the same season.
    desk.take_national_seasons(national_document("2026-12-15", y2025={"amount_cents": 6000}))
    apply = next(b for b in first.buttons() if b.text() == seasons_texts.CONFIRM_APPLY)
    qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: flow.question is not None and flow.question is not first)
    assert "de 60,00\u00a0€ à 50,00\u00a0€" in flow.question.informativeText()
    assert desk.seasons.by_year(2025).amount_cents == 6000, "nothing applied on the old answer"
