"""What makes the program work on the club's Windows laptop or a volunteer's Mac, proven
here on Linux: a user folder with accents, spaces and signs; file names and paths that
Windows or Excel would refuse, mended or explained on every system; CSV as Excel reads
it; which keyrings count as secure; and only the shipped font in what the program paints.
"""

import ast
import csv
import io
import logging
import subprocess
from datetime import date
from pathlib import Path

import keyring
import pytest
from hypothesis import given
from hypothesis import strategies as st
from keyring.backends import SecretService, Windows, chainer, fail, kwallet, libsecret, macOS
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo, QTextLayout
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox

from app import secrets
from app.backups import list_backups, mark_of, restore, verify
from app.exports import ExportError, export_csv, write_stream
from app.filenames import MAX_PATH, name_problem, path_problem, safe_file_name
from app.logs import get_logger, setup_logging
from app.paths import default_paths
from app.settings import Settings
from app.treasury import Treasury
from app.validations import State
from tests.factories import VALID_SIRET, open_desk
from tests.test_files import Answer, click, keep_the_name, type_name
from tests.test_receipt import receipt
from tests.ui_helpers import open_window
from ui import files
from ui.app import make_application
from ui.printing import ask_pdf_path
from ui.receipt import Layout, write_pdf
from ui.recovery_sheet import SheetInput, write_sheet_pdf
from ui.style import FAMILIES, FONT_FAMILY
from ui.texts import errors as errors_texts
from ui.texts import files as files_texts
from ui.texts.treasurer import EXPORT_LABELS
from ui.treasury_pdf import SummaryInput, write_summary_pdf

# A Windows user folder as clubs have them, and a club folder with signs SQLite's file
# names treat apart (# and % in a URI).
USER_FOLDER = ("Users", "Hélène Dupont", "Documents d'été", "Club #1 (100 % sport)")


@pytest.fixture
def accented_home(home, tmp_path, monkeypatch):
    root = tmp_path.joinpath(*USER_FOLDER)
    monkeypatch.setenv("PASSSPORT_CLUB_HOME", str(root))
    return root


def register(desk, code="25-ABCD-EFGH", last="Martin", first="Léa"):
    parsed, _ = desk.read_code(code)
    return desk.validate(
        parsed, desk.check_person(last, first, "15/03/2012", desk.season_of(parsed))
    )


def fonts_of(pdf) -> list[str]:
    """The fonts a PDF uses, as poppler's ``pdffonts`` lists them."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    return [line.split()[0] for line in out.stdout.splitlines()[2:]]


# 1. A user folder with accents, spaces and signs


def test_the_program_works_in_a_user_folder_with_accents_and_spaces(accented_home, clock, qapp):
    paths = default_paths()
    assert paths.database.is_relative_to(accented_home)
    logger = logging.getLogger("passsport")
    level, propagate = logger.level, logger.propagate
    handler = setup_logging(paths.log_file, logging.DEBUG)
    try:
        desk = open_desk(clock)
        try:
            made = register(desk)
            get_logger("portability").info("registration %s recorded", made.id)
            daily = desk.backup(paths.backups, "quotidienne")
            key = accented_home.parent / "Clé USB de l'école #2"
            on_key = desk.backup(key)
            treasury = Treasury(paths.database, desk.vault, desk.seasons, clock)
            try:
                exported = accented_home / "Trésorerie" / "Bilan d'été.csv"
                exported.parent.mkdir()
                assert treasury.export_csv(exported, 2025, None, EXPORT_LABELS) == 1
                assert treasury.export_xlsx(
                    exported.with_suffix(".xlsx"), 2025, None, EXPORT_LABELS
                )
                summary = SummaryInput(desk.club_profile(), treasury.summary(2025), clock())
                write_summary_pdf(exported.with_suffix(".pdf"), summary)
            finally:
                treasury.close()
        finally:
            desk.close()
    finally:
        handler.close()
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    assert "registration" in paths.log_file.read_text(encoding="utf-8")
    for backup in (daily, on_key):
        assert verify(backup), f"a backup in {backup.path.parent.name} is checked whole"
        assert mark_of(backup.path) is not None
    assert [b.path for b in list_backups(key)] == [on_key.path]
    made_beside = {p.name for p in accented_home.parent.iterdir()}
    assert made_beside == {accented_home.name, key.name}, "checking a copy made no other file"
    assert "Martin" in exported.read_text(encoding="utf-8-sig")

    settings = Settings(paths.settings_file)
    settings.set("last_folder", str(key))
    assert Settings(paths.settings_file).get("last_folder") == str(key)

    restore(on_key, paths.database, clock())  # the key's copy, back in place
    reopened = open_desk(clock, with_club=False)
    try:
        assert reopened.get(made.id).last_name == "Martin"
    finally:
        reopened.close()

    (accented_home / "Reçus").mkdir()
    pdf = write_pdf(accented_home / "Reçus" / "reçu de Léa.pdf", receipt(), Layout.PAGE)
    sheet = write_sheet_pdf(accented_home / "feuille d'été.pdf", SheetInput("Club", "a-b", clock()))
    assert pdf.stat().st_size > 1000 and sheet.stat().st_size > 1000


# 2. File names Windows refuses, on every system


REFUSED = {
    "CON": "reserved",
    "prn.csv": "reserved",
    "Aux.tar.gz": "reserved",
    "nul .pdf": "reserved",
    "COM7.xlsx": "reserved",
    "lpt9": "reserved",
    "COM\u00b9.csv": "reserved",
    "conout$.txt": "reserved",
    "bilan: octobre.csv": "forbidden_character",
    'le "bilan".csv': "forbidden_character",
    "a<b>c.pdf": "forbidden_character",
    "oui|non.csv": "forbidden_character",
    "quoi?.csv": "forbidden_character",
    "tout*.csv": "forbidden_character",
    "dossier\\fichier.csv": "forbidden_character",
    "deux\tcolonnes.csv": "forbidden_character",
    "ligne\nbrisée.csv": "forbidden_character",
    "bilan.": "ends_badly",
    "bilan ": "ends_badly",
    "   ": "empty",
    "..": "empty",
    "é" * 130 + ".csv": "too_long",  # 130 letters, 260 bytes on Linux
    "x" * 252 + ".csv": "too_long",
}
ACCEPTED = ["CONSEIL.csv", "console.pdf", "COM10.csv", "lpt.csv", "nullité.xlsx", "a.con.csv",
            "Bilan d'été 2025 (version 2).csv", "reçu K7Q-00042.pdf"]  # fmt: skip


@pytest.mark.parametrize(("name", "reason"), REFUSED.items(), ids=range(len(REFUSED)))
def test_a_name_windows_refuses_is_told_apart(name, reason):
    assert name_problem(name) == reason
    mended = safe_file_name(name, "csv")
    assert name_problem(mended) is None and mended.endswith(".csv"), mended


@pytest.mark.parametrize("name", ACCEPTED)
def test_a_name_windows_takes_is_kept(name):
    assert name_problem(name) is None
    assert safe_file_name(name, name.rpartition(".")[2]) == name


@given(st.text(max_size=300), st.sampled_from(["csv", "xlsx", "pdf"]))
def test_any_suggested_name_is_mended_into_one_every_system_takes(name, kind):
    mended = safe_file_name(name, kind)
    assert name_problem(mended) is None and mended.endswith(f".{kind}")


def test_a_name_made_from_the_club_s_name_is_mended():
    assert name_problem("x" * 251 + ".csv") is None, "255 characters: a long name, but taken"
    assert len(safe_file_name("Étoile " * 60, "csv")) == 120, "a suggestion stays readable"
    assert safe_file_name("Club : Les Aigles?", "pdf") == "Club - Les Aigles.pdf"
    assert safe_file_name("NUL", "csv") == "export-NUL.csv"
    assert safe_file_name("Aux.2025", "csv") == "export-Aux.2025.csv"


@pytest.fixture
def parent(qtbot):
    make_application([])
    window = QMainWindow()
    window.resize(1100, 720)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_suggested_name_is_mended_before_the_dialog_shows_it(qtbot, documents, parent):
    answer = Answer(qtbot, keep_the_name)
    chosen = files.FileChooser().save_path(parent, "Bilan : Les Aigles? CON.csv", "csv")
    answer.check()
    assert chosen == documents / "Bilan - Les Aigles- CON.csv"
    answer = Answer(qtbot, keep_the_name)
    assert ask_pdf_path(parent, "/ailleurs/LPT1.pdf") == documents / "export-LPT1.pdf"
    answer.check()


def test_the_treasurer_s_export_is_named_after_the_club_in_a_name_windows_takes(
    qtbot, desk, documents
):
    desk.save_club_profile("Club : Les Aigles? <Nord>", VALID_SIRET, "W751234567")
    register(desk)
    window = open_window(qtbot, desk)
    page = window.treasurer.open()
    answer = Answer(qtbot, keep_the_name)
    qtbot.mouseClick(page.buttons["csv"], Qt.MouseButton.LeftButton)
    answer.check()
    qtbot.waitUntil(lambda: not window.tasks.busy() and window.message.isVisible())
    assert [p.name for p in documents.iterdir()] == [
        "pass'Sport 2025 Club - Les Aigles- -Nord- 2025-10-15.csv"
    ]


@pytest.mark.parametrize(
    ("typed", "reason", "proposed"),
    [
        ("CON", "reserved", "export-CON.pdf"),
        ("prn.pdf", "reserved", "export-prn.pdf"),
        ("bilan: octobre", "forbidden_character", "bilan- octobre.pdf"),
        ("oui|non", "forbidden_character", "oui-non.pdf"),
        ("<b>gras", "forbidden_character", "b-gras.pdf"),
    ],
)
def test_a_name_typed_that_windows_refuses_is_explained_and_mended(
    qtbot, documents, parent, typed, reason, proposed
):
    answer = Answer(qtbot, type_name(typed), click(files_texts.NAME_REFUSED_OK), keep_the_name)
    chosen = files.FileChooser().save_path(parent, "recu.pdf", "pdf")
    answer.check()
    said = " ".join(answer.seen[1]["labels"])
    assert answer.seen[1]["title"] == files_texts.NAME_REFUSED_TITLE
    assert files_texts.NAME_PROBLEMS[reason] in said and f"« {proposed} »" in said
    assert chosen == documents / proposed, "the dialog came back with the mended name"
    assert list(documents.iterdir()) == [], "nothing written yet"


# 3. Paths too long for Windows and Excel


def deep_folder(root, length):
    """A folder whose path is ``length`` characters long, made of ordinary folders."""
    folder = root
    while len(str(folder)) < length - 40:
        folder = folder / "Saison 2025 - Documents du club"
    folder = folder / ("d" * (length - len(str(folder)) - 1))
    folder.mkdir(parents=True)
    assert len(str(folder)) == length
    return folder


def test_a_path_too_long_for_excel_is_explained_not_written(qtbot, documents, parent):
    folder = deep_folder(documents, MAX_PATH - 8)  # room for "a.pdf", not for "bilan.pdf"
    assert path_problem(folder / "a.pdf") is None
    assert path_problem(folder / "bilan.pdf") == "path_too_long"
    dialog = files.FileChooser(folder=folder)
    answer = Answer(
        qtbot,
        type_name("bilan"),
        click(files_texts.NAME_REFUSED_OK),
        lambda qtbot, shown: shown.reject(),
    )
    assert dialog.save_path(parent, "recu.pdf", "pdf") is None
    answer.check()
    assert files_texts.NAME_PROBLEMS["path_too_long"] in " ".join(answer.seen[1]["labels"])

    with pytest.raises(ExportError) as refused:  # a path that came another way
        write_stream(folder / "bilan.csv", lambda out: out.write(b"x"))
    assert refused.value.reason == "path_too_long"
    assert "Windows et Excel" in errors_texts.describe(refused.value)
    assert list(folder.iterdir()) == []


def test_an_export_refuses_a_name_windows_refuses_with_a_plain_message(tmp_path):
    with pytest.raises(ExportError) as refused:
        write_stream(tmp_path / "aux.csv", lambda out: out.write(b"x"))
    assert errors_texts.describe(refused.value) == (
        "Rien n'est enregistré. " + files_texts.NAME_PROBLEMS["reserved"]
    )
    assert list(tmp_path.iterdir()) == []


# 4. CSV as Excel reads it


def test_a_csv_has_a_byte_order_mark_and_windows_line_ends_only(tmp_path):
    rows = [
        ("K7Q-00001", "25-ABCD-EFGH", "Lefèvre", "Chloé", "Judo\nloisir", 2025, date(2025, 10, 1),
         State.PAID, 7000, date(2025, 11, 5), 7000, 0),
        ("K7Q-00002", "25-BCDE-FGHJ", "N'Diaye", "Aïssata", "Foot; U13", 2025, date(2025, 10, 2),
         State.TO_SEND, 7000, None, None, 7000),
    ]  # fmt: skip
    path = tmp_path / "bilan.csv"
    assert export_csv(path, rows, 2, EXPORT_LABELS) == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel reads UTF-8 only after a byte order mark"
    records = raw[3:].split(b"\r\n")
    assert records[-1] == b"" and len(records) == 4, "every record ends with CR LF"
    assert b"\n" not in raw.replace(b"\r\n", b"").replace(b"Judo\nloisir", b"")
    read = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert read[1][2:5] == ["Lefèvre", "Chloé", "Judo\nloisir"] and read[2][4] == "Foot; U13"


# 5. Which keyrings count as secure


class PlaintextKeyring(keyring.backend.KeyringBackend):
    """Like ``keyrings.alt.file.PlaintextKeyring``, with a priority that would win."""

    __module__ = "keyrings.alt.file"
    priority = 20

    def get_password(self, service, username):
        return None

    def set_password(self, service, username, password):
        raise AssertionError("a secret was written in plain text")

    def delete_password(self, service, username):
        pass


SECURE = [
    Windows.WinVaultKeyring,
    macOS.Keyring,
    SecretService.Keyring,
    libsecret.Keyring,
    kwallet.DBusKeyring,
    kwallet.DBusKeyringKWallet4,
]


def viable(kind):
    """``kind`` as it is on its own system: usable, at its usual priority."""
    return type(kind.__name__, (kind,), {"__module__": kind.__module__, "priority": 5})


@pytest.mark.parametrize("kind", SECURE, ids=lambda k: f"{k.__module__}.{k.__name__}")
def test_the_system_keyrings_count_as_secure_where_they_work(kind):
    assert not kind.viable, "none of them works in this test's session"
    assert not secrets.is_secure(kind()), "a keyring that does not work here is refused"
    working = viable(kind)()
    assert secrets.is_secure(working) and secrets.choose_backend(working) is working


@pytest.mark.parametrize("backend", [fail.Keyring(), PlaintextKeyring()], ids=["fail", "plaintext"])
def test_a_keyring_outside_the_list_is_refused_whatever_its_priority(backend):
    assert not secrets.is_secure(backend)
    keyring.set_keyring(backend)
    assert not secrets.secure_keyring_available()
    with pytest.raises(secrets.KeyringUnavailable) as refused:
        secrets.save_secret("device", "token")
    assert refused.value.reason == "no_secure_keyring"


def test_a_chain_keeps_secrets_only_in_its_secure_keyring(monkeypatch):
    kept = {}
    secret_service = viable(SecretService.Keyring)
    monkeypatch.setattr(secret_service, "set_password", lambda self, s, u, p: kept.update({u: p}))
    chain = [PlaintextKeyring(), secret_service()]  # the plaintext one first, as its priority says
    monkeypatch.setattr(chainer.ChainerBackend, "backends", chain)
    keyring.set_keyring(chainer.ChainerBackend())
    secrets.save_secret("device", "token")
    assert kept == {"device": "token"}
    monkeypatch.setattr(chainer.ChainerBackend, "backends", chain[:1])
    assert not secrets.secure_keyring_available()


# 6. Only the shipped font


def test_a_receipt_a_summary_and_a_recovery_sheet_embed_only_the_shipped_font(
    tmp_path, clock, desk
):
    make_application([])
    training = receipt(duplicate=True, club=desk.club_profile())
    pdfs = [
        write_pdf(tmp_path / "page.pdf", training, Layout.PAGE),
        write_pdf(tmp_path / "ticket.pdf", training, Layout.TICKET),
        write_sheet_pdf(tmp_path / "sheet.pdf", SheetInput("Étoile", "abcd-0O1l-efgh", clock())),
    ]
    treasury = Treasury(default_paths().database, desk.vault, desk.seasons, clock)
    try:
        register(desk)
        summary = SummaryInput(desk.club_profile(), treasury.summary(2025), clock(), training=True)
        pdfs.append(write_summary_pdf(tmp_path / "summary.pdf", summary))
    finally:
        treasury.close()
    for pdf in pdfs:
        used = fonts_of(pdf)
        assert used and {name.split("+")[-1] for name in used} <= {
            "AtkinsonHyperlegible-Regular",
            "AtkinsonHyperlegible-Bold",
        }, f"{pdf.name}: {used}"


def test_the_screens_use_the_shipped_font_whatever_the_system_has(qtbot):
    make_application([])
    family = QFontInfo(QApplication.font()).family()
    assert family == FONT_FAMILY, "the font the screens really get, not only the one asked"
    box = QMessageBox()  # a widget of Qt's own, as the program shows them
    qtbot.addWidget(box)
    assert QFontInfo(box.font()).family() == FONT_FAMILY


ROOT = Path(__file__).resolve().parent.parent


def interface_strings() -> set[str]:
    """Every string written in the interface's code (ui/): its words and its signs."""
    found = set()
    for path in (ROOT / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def test_every_sign_the_screens_show_is_drawn_with_a_shipped_font(qtbot):
    """A sign missing from the shipped fonts (✔, ⚠...) would be drawn with whatever the
    computer has, or as an empty box."""
    make_application([])
    label = QLabel()
    qtbot.addWidget(label)
    label.ensurePolished()  # the program's stylesheet and its family list
    assert label.font().families() == FAMILIES
    drawn_with: dict[str, set[str]] = {}
    for text in interface_strings():
        layout = QTextLayout(text, label.font())
        layout.beginLayout()
        while layout.createLine().isValid():
            pass
        layout.endLayout()
        for run in layout.glyphRuns():
            drawn_with.setdefault(run.rawFont().familyName(), set()).add(text)
    foreign = {family: sorted(texts)[:3] for family, texts in drawn_with.items()}
    for family in FAMILIES:
        foreign.pop(family, None)
    assert not foreign, foreign
