"""Extracts of Le Compte Asso: read whatever their shape, compared with what is recorded
here, written once. Bad files get a reason and change nothing."""

import zipfile
from datetime import date

import pytest

from app.extract_columns import Field, field_of
from app.paths import default_paths
from app.portal_extracts import ExtractError, read_table
from app.portal_states import PortalState
from app.treasury import Treasury
from app.validations import State
from tests.extracts import Entry, write_csv, write_xlsx

BORN = date(2012, 3, 15)
ENTRIES = [
    Entry("25-ABCD-EFGH", "Martin", "Léa", BORN, "Remboursé", "70,00", date(2025, 11, 5)),
    Entry("25-BCDE-FGHJ", "Lefèvre", "Chloé", date(2010, 7, 2), "En cours de paiement"),
    Entry("25-CDEF-GHJK", "N'Diaye", "Aïssata", date(2013, 11, 23), "En cours de traitement"),
    Entry("25-DEFG-HJKL", "Autre", "Personne", date(2011, 1, 9), "Remboursé", "70", None),
    Entry("25-PQRS-TUVW", "Lambert", "Adèle", date(2012, 9, 14), "En cours de traitement"),
]


@pytest.fixture
def treasury(desk, clock):
    opened = Treasury(default_paths().database, desk.vault, desk.seasons, clock)
    yield opened
    opened.close()


@pytest.fixture
def recorded(desk):
    """Here: four of the file's codes (one under another name) and one it does not list."""
    made = {}
    for code, last, first, born in (
        ("25-ABCD-EFGH", "Martin", "Léa", "15/03/2012"),
        ("25-BCDE-FGHJ", "Lefèvre", "Chloé", "02/07/2010"),
        ("25-CDEF-GHJK", "N'Diaye", "Aïssata", "23/11/2013"),
        ("25-DEFG-HJKL", "Da Silva", "João", "09/01/2011"),
        ("25-EFGH-JKLM", "Bernard", "Hugo", "30/05/2014"),
    ):
        parsed, _ = desk.read_code(code)
        made[code] = desk.validate(
            parsed, desk.check_person(last, first, born, desk.season_of(parsed))
        )
    return made


def dump(desk):
    conn = desk._conn
    return {
        table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()  # noqa: S608
        for table in ("validations", "outbox", "journal")
    }


SHAPES = {
    "csv-semicolon-utf8": lambda p: write_csv(p / "a.csv", ENTRIES),
    "csv-comma-cp1252": lambda p: write_csv(p / "b.csv", ENTRIES, ",", "cp1252"),
    "csv-columns-moved": lambda p: write_csv(p / "c.csv", ENTRIES, ";", "cp1252", shuffled=True),
    "csv-other-words": lambda p: write_csv(
        p / "d.csv",
        ENTRIES,
        header=(
            "NUMERO PASS SPORT",
            "nom",
            "PRENOM",
            "naissance",
            "Etat du paiement",
            "Montant verse",
            "date   de   remboursement",
        ),
    ),
    "xlsx-typed": lambda p: write_xlsx(p / "e.xlsx", ENTRIES),
    "xlsx-text": lambda p: write_xlsx(p / "f.xlsx", ENTRIES, typed=False),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_of_extract_is_understood(shape, treasury, tmp_path):
    table = treasury.read_extract(SHAPES[shape](tmp_path))
    assert set(table.mapping) == set(Field) - {Field.CHANGED_ON}  # these files have no such date
    from app.portal_extracts import read_lines

    lines = read_lines(table)
    assert lines.unreadable == []  # the title, the blank lines and the totals row are skipped
    assert [line.code for line in lines.lines] == [e.code for e in ENTRIES]
    first = lines.lines[0]
    assert (first.last_name, first.first_name, first.birth_date) == ("MARTIN", "Léa", BORN)
    assert first.state is PortalState.PAID and first.amount_cents == 7000
    assert first.paid_on == date(2025, 11, 5)
    assert lines.lines[1].state is PortalState.IN_PAYMENT
    assert lines.lines[2].last_name == "N'DIAYE" and lines.lines[2].first_name == "Aïssata"


def test_column_titles_are_recognised_by_meaning():
    assert field_of("N° pass'Sport") is Field.CODE
    assert field_of("  NUMÉRO   DU PASS ") is Field.CODE
    assert field_of("Code postal") is None
    assert field_of("Nom de la structure") is None
    assert field_of("Prénom du bénéficiaire") is Field.FIRST_NAME
    assert field_of("État du paiement") is Field.STATE
    assert field_of("Date du virement") is Field.PAID_ON


def test_importing_updates_matched_registrations_once(desk, treasury, recorded, tmp_path):
    path = write_csv(tmp_path / "extrait.csv", ENTRIES, ";", "cp1252")
    table = treasury.read_extract(path)
    plan, _ = treasury.compare(table, table.mapping)
    assert sorted(u.local.code for u in plan.updates) == [
        "25-ABCD-EFGH", "25-BCDE-FGHJ", "25-CDEF-GHJK"
    ]  # fmt: skip
    assert [c.local.code for c in plan.conflicts] == ["25-DEFG-HJKL"]  # another young person
    assert [line.code for line in plan.portal_only] == ["25-PQRS-TUVW"]
    assert [local.code for local in plan.here_only] == ["25-EFGH-JKLM"]

    assert treasury.apply(plan, str(path)) == 3
    paid = desk.get(recorded["25-ABCD-EFGH"].id)
    assert paid.state is State.PAID and paid.paid_cents == 7000
    assert paid.paid_on == date(2025, 11, 5)
    assert desk.get(recorded["25-BCDE-FGHJ"].id).state is State.IN_PROCESSING
    assert desk.get(recorded["25-CDEF-GHJK"].id).state is State.CONFIRMED
    assert desk.get(recorded["25-DEFG-HJKL"].id).state is State.TO_SEND  # the conflict waits
    assert desk.pending_count() == 2  # known nationally now: their 'redeem' is withdrawn
    kinds = desk._conn.execute(
        "SELECT kind, detail FROM journal WHERE kind LIKE 'portal_%' ORDER BY id"
    ).fetchall()
    assert sorted(k[0] for k in kinds) == [
        "portal_confirmed",
        "portal_in_processing",
        "portal_paid",
    ]
    assert {k[1] for k in kinds} == {"extrait.csv"}

    before = dump(desk)
    again, _ = treasury.compare(treasury.read_extract(path), table.mapping)
    assert again.updates == [] and again.unchanged == 3
    assert treasury.apply(again, str(path)) == 0
    assert dump(desk) == before  # the same file twice: nothing changes the second time


def test_an_older_file_never_undoes_a_payment(desk, treasury, recorded, tmp_path):
    newer = write_csv(tmp_path / "novembre.csv", ENTRIES[:1])
    table = treasury.read_extract(newer)
    treasury.apply(treasury.compare(table, table.mapping)[0], str(newer))
    older = write_csv(tmp_path / "octobre.csv", [Entry("25-ABCD-EFGH", "Martin", "Léa", BORN)])
    table = treasury.read_extract(older)
    plan, _ = treasury.compare(table, table.mapping)
    assert plan.updates == [] and plan.unchanged == 1
    assert desk.get(recorded["25-ABCD-EFGH"].id).state is State.PAID


def test_a_registration_made_on_the_portal_can_be_added_without_sending_it(
    desk, treasury, recorded, tmp_path
):
    path = write_xlsx(tmp_path / "extrait.xlsx", ENTRIES)
    table = treasury.read_extract(path)
    plan, _ = treasury.compare(table, table.mapping)
    pending = desk.pending_count()
    assert treasury.add_from_portal(treasury.addable(plan), str(path)) == 1
    added = desk.find("Lambert")[0]
    assert added.code == "25-PQRS-TUVW" and added.state is State.CONFIRMED
    assert added.birth_date == date(2012, 9, 14) and added.last_name == "LAMBERT"
    assert desk.pending_count() == pending  # already known nationally: nothing queued
    again, _ = treasury.compare(table, table.mapping)
    assert again.portal_only == []


def write_bytes(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def truncated_xlsx(tmp_path):
    whole = write_xlsx(tmp_path / "whole.xlsx", ENTRIES).read_bytes()
    return write_bytes(tmp_path, "cut.xlsx", whole[: len(whole) // 2])


def zip_bomb(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", b"<workbook>" + b" " * 50_000_000 + b"</workbook>")
    return path


def huge(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as out:
        out.truncate(200 * 1024 * 1024)  # sparse: big on paper, instant to make
    return path


BAD_FILES = {
    "empty": (lambda p: write_bytes(p, "vide.csv", b""), "empty"),
    "blank": (lambda p: write_bytes(p, "blanc.csv", b"\r\n;;;\r\n  \r\n"), "empty"),
    "an image": (lambda p: write_bytes(p, "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\rIHDR"), "not_a_table"),
    "a pdf": (lambda p: write_bytes(p, "doc.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00"), "not_a_table"),
    "a word file": (lambda p: _docx(p), "not_a_table"),
    "broken old excel": (lambda p: write_bytes(p, "vieux.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500), "damaged"),
    "truncated csv": (lambda p: write_bytes(p, "coupe.csv", "N° pass'Sport;Nom;Prénom;Statut\r\n25-ABCD-EFGH;MARTIN;Léa;Remboursé\r\n25-BCDE-FGHJ;LEF".encode()), "damaged"),
    "unclosed quote": (lambda p: write_bytes(p, "guillemet.csv", b'Code pass;Nom\r\n25-ABCD-EFGH;"MARTIN\r\n'), "damaged"),
    "truncated xlsx": (truncated_xlsx, "damaged"),
    "zip bomb": (zip_bomb, "too_large"),
    "huge": (huge, "too_large"),
}  # fmt: skip


def _docx(tmp_path):
    path = tmp_path / "lettre.docx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("word/document.xml", "<document/>")
    return path


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_gets_a_reason_and_changes_nothing(name, desk, treasury, recorded, tmp_path):
    make, reason = BAD_FILES[name]
    before = dump(desk)
    with pytest.raises(ExtractError) as caught:
        treasury.read_extract(make(tmp_path))
    assert caught.value.reason == reason
    assert dump(desk) == before


def test_too_many_rows_is_refused(tmp_path):
    path = write_csv(tmp_path / "long.csv", ENTRIES * 3)
    with pytest.raises(ExtractError) as caught:
        read_table(path, max_rows=10)
    assert caught.value.reason == "too_many_rows"
