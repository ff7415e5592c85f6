"""Backups after the day's work: every BACKUP_EVERY registrations at the desk and on
closing the window after a change, made off the interface, verified, readable with the
data's own key; a failed backup loses nothing and says so. Real desk, real window, real
files."""

import os
import sqlite3
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from app import backups
from app.backups import BACKUP_EVERY, list_backups, list_set_aside, prune, verify
from app.desk import Desk
from app.keys import open_encrypted
from app.paths import default_paths
from app.seasons import load_seasons
from app.settings import Settings
from app.store import connect
from tests.factories import open_desk
from tests.ui_helpers import desk_opener, start_shell
from ui.app import make_application
from ui.shell import Shell

LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def code(number: int) -> str:
    return f"25-ABCD-EF{LETTERS[number // 24]}{LETTERS[number % 24]}"


def register(desk: Desk, number: int, first: str = "Léa") -> None:
    parsed, _ = desk.read_code(code(number))
    person = desk.check_person(
        "Martin", f"{first}{LETTERS[number % 24]}", "15032012", desk.season_of(parsed)
    )
    desk.validate(parsed, person)


def started(qtbot, clock) -> Shell:
    open_desk(clock).close()  # a club, then the program starts: the day's backup
    shell = start_shell(qtbot, clock)
    shell.window.show()
    return shell


def close_window(qtbot, shell) -> None:
    shell.window.close()
    qtbot.waitUntil(lambda: not shell.window.isVisible(), timeout=10_000)
    shell.window.release()


def made(reason: str) -> list[backups.Backup]:
    return [b for b in list_backups(default_paths().backups) if b.reason.startswith(reason)]


def first_names_in(backup: backups.Backup, vault) -> list[str]:
    """What a backup holds, read with the data's own key, as after a restore."""
    conn = connect(backup.path, vault)
    try:
        return [row[0] for row in conn.execute("SELECT first_name FROM validation_rows")]
    finally:
        conn.close()


def test_after_every_twenty_registrations_a_checked_backup_holds_them(qtbot, clock):
    shell = started(qtbot, clock)
    desk = shell.window.desk
    for number in range(BACKUP_EVERY - 1):
        register(desk, number)
    assert made(backups.AFTER_REGISTRATIONS) == [] and not shell.work_backups.running
    register(desk, BACKUP_EVERY - 1)
    qtbot.waitUntil(lambda: not shell.work_backups.running, timeout=10_000)
    (backup,) = made(backups.AFTER_REGISTRATIONS)
    assert verify(backup), "checked by its SHA-256 and integrity_check"
    assert len(first_names_in(backup, desk.vault)) == BACKUP_EVERY
    for number in range(BACKUP_EVERY, 2 * BACKUP_EVERY):
        register(desk, number)
    qtbot.waitUntil(lambda: len(made(backups.AFTER_REGISTRATIONS)) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: not shell.work_backups.running, timeout=10_000)
    newest = made(backups.AFTER_REGISTRATIONS)[0]
    assert len(first_names_in(newest, desk.vault)) == 2 * BACKUP_EVERY
    assert not shell.window.message.isVisible(), "a backup that worked says nothing"
    close_window(qtbot, shell)


def test_closing_after_a_change_backs_up_the_last_registration(qtbot, clock):
    shell = started(qtbot, clock)
    desk = shell.window.desk
    register(desk, 0, "Tom")
    vault = desk.vault
    close_window(qtbot, shell)
    (backup,) = made(backups.ON_CLOSING)
    assert verify(backup)
    assert first_names_in(backup, vault) == ["TomA"]


def test_closing_without_a_change_makes_no_backup(qtbot, clock):
    shell = started(qtbot, clock)
    before = list_backups(default_paths().backups)
    shell.window.close()
    assert not shell.window.isVisible(), "nothing to save: the window closes at once"
    shell.window.release()
    assert list_backups(default_paths().backups) == before


def test_a_failed_backup_loses_no_registration_and_says_so(qtbot, clock, expected_warnings):
    shell = started(qtbot, clock)
    desk = shell.window.desk
    folder = default_paths().backups
    for old in folder.iterdir():
        old.unlink()
    folder.rmdir()
    folder.write_text("")  # the backups folder is gone: a file stands in its place
    for number in range(BACKUP_EVERY):
        register(desk, number)
    qtbot.waitUntil(lambda: shell.window.message.isVisible(), timeout=10_000)
    message = shell.window.message.text()
    assert "La sauvegarde automatique n'a pas pu être faite" in message
    assert "restent bien enregistrées" in message
    assert "Le dossier des sauvegardes de cet ordinateur ne peut pas être écrit" in message
    assert len(desk.find("")) == BACKUP_EVERY, "every registration is kept"
    shell.window.close()
    qtbot.waitUntil(lambda: "fermez à nouveau" in shell.window.message.text(), timeout=10_000)
    assert shell.window.isVisible(), "the user is told before the window goes"
    shell.window.close()
    assert not shell.window.isVisible(), "closing again closes at once"
    shell.window.release()
    conn, vault = open_encrypted(default_paths().database, folder.parent / "elsewhere")
    assert len(Desk(conn, load_seasons(), clock, vault).find("")) == BACKUP_EVERY
    conn.close()
    assert expected_warnings, "the failure is logged too"
    assert {r.levelname for r in expected_warnings} == {"WARNING"}, "an expected failure, no bug"


def test_two_backups_in_the_same_second_are_both_kept(desk, tmp_path):
    first = desk.backup(tmp_path, "inscriptions")
    second = desk.backup(tmp_path, "inscriptions")
    assert first.path != second.path and verify(first) and verify(second)
    assert list_backups(tmp_path)[0].path == second.path, "the last written is the newest"


def test_earlier_days_keep_their_last_good_backup_today_keeps_all(desk, clock, tmp_path):
    day = clock.now

    def at(before: timedelta, reason: str) -> backups.Backup:
        clock.now = day - before
        return desk.backup(tmp_path, reason)

    older = [at(timedelta(days=2, hours=h), r) for h, r in ((3, "quotidienne"), (1, "fermeture"))]
    migration = at(timedelta(days=2, hours=4), "avant-mise-a-jour-v2")
    good = at(timedelta(days=1, hours=2), "inscriptions")
    damaged = at(timedelta(days=1, hours=1), "fermeture")
    ancient = at(timedelta(days=40), "fermeture")
    today = [at(timedelta(minutes=m), r) for m, r in ((30, "quotidienne"), (10, "fermeture"))]
    with damaged.path.open("r+b") as stream:
        stream.seek(4096)
        stream.write(b"\xff" * 64)
    prune(tmp_path, day, keep_days=30)
    left = {b.path for b in list_backups(tmp_path)}
    assert left == {older[-1].path, migration.path, good.path, *(b.path for b in today)}
    for gone in (older[0], damaged, ancient):
        assert not gone.path.exists() and not gone.checksum_path.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == sorted(
        name for path in left for name in (path.name, f"{path.name}.sha256")
    ), "nothing else is left beside the backups: no half file, no -wal, no -shm"


def test_when_the_days_backup_fails_at_start_the_window_says_so(qtbot, clock, expected_warnings):
    open_desk(clock).close()
    paths = default_paths().create()
    paths.backups.rmdir()
    paths.backups.write_text("")  # no backups folder can be made
    make_application([])
    shell = Shell(paths, Settings(paths.settings_file), desk_opener(clock))
    assert shell.open(), "the program starts all the same"
    qtbot.addWidget(shell.window)
    shell.window.show()
    assert shell.window.message.isVisible()
    assert "La sauvegarde automatique n'a pas pu être faite" in shell.window.message.text()
    assert "Demandez de l'aide" in shell.window.message.text()
    shell.work_backups.stop()
    shell.window.release()


def names_in(copy: backups.Backup, vault) -> list[str]:
    """The first names a copy gives back with the data's key, read without changing it."""
    conn = sqlite3.connect(f"file:{copy.path}?mode=ro", uri=True)
    try:
        vault.install(conn)
        return sorted(row[0] for row in conn.execute("SELECT first_name FROM validation_rows"))
    finally:
        conn.close()


def test_the_erasure_reaches_every_backup_and_the_data_set_aside(qtbot, clock):
    clock.now = datetime(2023, 9, 15, 10, tzinfo=UTC)  # a 2023 registration ...
    desk = open_desk(clock)
    parsed, _ = desk.read_code("23-ABCD-EFGH")
    desk.validate(parsed, desk.check_person("Martin", "Zoé", "15032012", desk.season_of(parsed)))
    clock.now = datetime(2025, 10, 15, 10, tzinfo=UTC)  # ... and one of 2025
    register(desk, 0, "Tom")
    folder = default_paths().backups
    for day in (20, 27):  # the backups of the last days hold both
        clock.now = datetime(2025, 12, day, 18, tzinfo=UTC)
        desk.backup(folder, "fermeture")
    desk.close()
    backups.restore(backups.latest_good(folder), default_paths().database, clock.now)
    older = list_backups(folder) + list_set_aside(default_paths().database)
    assert len(older) == 3

    clock.now = datetime(2026, 1, 15, 8, tzinfo=UTC)  # 2023's control period is over
    shell = start_shell(qtbot, clock)
    vault = shell.window.desk.vault
    copies = list_backups(folder) + list_set_aside(default_paths().database)
    assert len(copies) == 4, "the day's backup is made, none of the older ones is lost"
    for copy in copies:
        assert verify(copy), "each copy can still be restored"
        assert names_in(copy, vault) == ["", "TomA"], "2023's name is gone, 2025's is kept"
    assert [v.receipt_no for v in shell.window.desk.find("")] != []
    shell.work_backups.stop()
    shell.window.release()


def test_the_data_set_aside_by_a_restore_can_be_brought_back(qtbot, clock):
    desk = open_desk(clock)
    register(desk, 0, "Léa")
    desk.close()
    shell = started(qtbot, clock)  # the day's backup holds Léa
    register(shell.window.desk, 1, "Tom")
    window = shell.window
    window.home.buttons["admin"].click()
    window.stack.currentWidget().buttons["backups"].click()
    page = window.stack.currentWidget()
    page.restore_button.click()
    qtbot.keyClick(window.stack.currentWidget().confirm_button, Qt.Key.Key_Return)
    assert [v.first_name for v in shell.window.desk.find("")] == ["LéaA"], "Tom went aside"

    window = shell.window
    window.home.buttons["admin"].click()
    window.stack.currentWidget().buttons["backups"].click()
    page = window.stack.currentWidget()
    entries = [page.list.item(row).text() for row in range(page.list.count())]
    aside = [row for row, text in enumerate(entries) if "mises de côté" in text]
    assert len(aside) == 1, entries
    assert entries[aside[0]].startswith("Données mises de côté avant la restauration du ")
    assert "vérifiée" in entries[aside[0]]
    page.list.setCurrentRow(aside[0])
    page.restore_button.click()
    summary = window.stack.currentWidget()
    assert "juste avant cette restauration" in summary.intro.text()
    qtbot.keyClick(summary.confirm_button, Qt.Key.Key_Return)
    assert sorted(v.first_name for v in shell.window.desk.find("")) == ["LéaA", "TomB"]
    beside = [p.name for p in default_paths().data.glob("club.avant-restauration-*")]
    assert not [name for name in beside if name.endswith(("-wal", "-shm"))], (
        "looking at the data set aside leaves nothing beside it"
    )
    close_window(qtbot, shell)


def test_of_backups_made_in_the_same_second_the_last_made_is_the_newest(desk, tmp_path):
    first = desk.backup(tmp_path, "inscriptions")
    second = desk.backup(tmp_path, "fermeture")
    # Copied to a USB key and back: the file times say nothing of the order.
    os.utime(first.path, ns=(2_000_000_000_000_000_000, 2_000_000_000_000_000_000))
    os.utime(second.path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    assert [b.path for b in list_backups(tmp_path)] == [second.path, first.path]
    assert backups.latest_good(tmp_path).path == second.path
