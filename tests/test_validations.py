"""Registrations in the database: one transaction each, nothing erased, no duplicate."""

import sqlite3

import pytest

from app.codes import parse_code_format
from app.errors import FormError
from app.validations import ChequeState, State, ValidationError


def person(desk, last="Martin", first="Léa", birth="15/03/2012"):
    return desk.check_person(last, first, birth, desk.seasons.by_year(2025))


def counts(desk):
    conn = desk._conn
    return {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
        for table in ("validations", "outbox", "journal")
    }


def test_a_validation_writes_its_outbox_entry_and_journal_event_together(desk):
    before = counts(desk)
    code, existing = desk.read_code("25-abcd-efgh")
    assert existing is None
    saved = desk.validate(code, person(desk), "Judo", 15000)
    assert saved.state is State.TO_SEND
    assert saved.amount_cents == 7000 and saved.remaining_cents == 8000
    assert saved.code == "25-ABCD-EFGH"
    after = counts(desk)
    assert {k: after[k] - before[k] for k in after} == {"validations": 1, "outbox": 1, "journal": 1}
    assert desk.pending_count() == 1


def test_receipt_numbers_follow_each_other_on_this_device(desk):
    a = desk.validate(desk.read_code("25-ABCD-EFGH")[0], person(desk))
    b = desk.validate(desk.read_code("25-ABCD-EFGK")[0], person(desk, first="Tom"))
    device, first = a.receipt_no.split("-")
    assert b.receipt_no == f"{device}-{int(first) + 1:05d}"


def test_the_same_code_twice_is_refused_with_the_first_registration(desk):
    first = desk.validate(desk.read_code("25-ABCD-EFGH")[0], person(desk))
    code, existing = desk.read_code("25ABCDEFGH")
    assert existing == first
    with pytest.raises(ValidationError) as caught:
        desk.validate(code, person(desk, first="Tom"))
    assert caught.value.reason == "duplicate_code"
    assert caught.value.details["existing"].receipt_no == first.receipt_no


def test_the_database_itself_refuses_two_live_registrations_of_one_code(desk):
    desk.validate(desk.read_code("25-ABCD-EFGH")[0], person(desk))
    with pytest.raises(sqlite3.IntegrityError):
        desk._conn.execute(
            "INSERT INTO validations(receipt_no, idempotency_key, code, code_hash, season,"
            " last_name, first_name, birth_date, amount_cents, state, recorded_at)"
            " VALUES ('X', 'k', x'00', pii_hash('25-ABCD-EFGH'), 2025, x'00', x'00', x'00', 0,"
            " 'to_send', 't')"
        )


def test_cancel_is_recorded_and_the_code_can_be_validated_again(desk):
    first = desk.validate(desk.read_code("25-ABCD-EFGH")[0], person(desk))
    cancelled = desk.cancel(first.id, "Erreur de frère")
    assert cancelled.state is State.CANCELLED and cancelled.cancel_reason == "Erreur de frère"
    assert desk.pending_count() == 0, "never sent: nothing to tell the national service"
    code, existing = desk.read_code("25-ABCD-EFGH")
    assert existing is None
    again = desk.validate(code, person(desk, first="Hugo"))
    assert again.state is State.TO_SEND
    assert desk.get(first.id).state is State.CANCELLED, "the cancelled one is kept"
    with pytest.raises(ValidationError):
        desk.cancel(first.id, "deux fois")
    with pytest.raises(FormError):
        desk.cancel(again.id, "   ")


def test_cancelling_a_sent_registration_tells_the_national_service(desk):
    saved = desk.validate(desk.read_code("25-ABCD-EFGH")[0], person(desk))
    desk._conn.execute("UPDATE outbox SET sent_at = 'x' WHERE validation_id = ?", (saved.id,))
    desk.cancel(saved.id, "Désistement")
    kinds = desk._conn.execute(
        "SELECT kind FROM outbox WHERE sent_at IS NULL AND withdrawn_at IS NULL"
    ).fetchall()
    assert [k[0] for k in kinds] == ["cancel"]


def test_a_name_can_be_corrected_until_it_is_sent(desk):
    saved = desk.validate(desk.read_code("25-ABCD-EFGH")[0], person(desk, last="Martn"))
    fixed = desk.correct_person(saved.id, "Martin", "Léa", "15032012")
    assert fixed.last_name == "Martin"
    assert [v.id for v in desk.find("martin")] == [saved.id]
    desk._conn.execute("UPDATE outbox SET sent_at = 'x' WHERE validation_id = ?", (saved.id,))
    with pytest.raises(ValidationError) as caught:
        desk.correct_person(saved.id, "Martine", "Léa", "15032012")
    assert caught.value.reason == "already_sent"


def test_deposit_cheque_then_code_then_cheque_returned(desk):
    waiting = desk.take_deposit(person(desk), desk.open_season(), "0001234", "Crédit Mutuel", "70")
    assert waiting.state is State.AWAITING_CODE and waiting.code is None
    assert waiting.cheque_cents == 7000 and waiting.cheque_state is ChequeState.HELD
    assert desk.pending_count() == 0
    with_code = desk.attach_code(waiting.id, desk.read_code("25-ABCD-EFGH")[0])
    assert with_code.state is State.TO_SEND and with_code.receipt_no == waiting.receipt_no
    assert desk.pending_count() == 1
    assert desk.settle_cheque(waiting.id, ChequeState.RETURNED).cheque_state is (
        ChequeState.RETURNED
    )
    with pytest.raises(FormError) as caught:
        desk.take_deposit(person(desk), desk.open_season(), "", "", "soixante-dix")
    assert set(caught.value.fields) == {"cheque_number", "cheque_bank", "cheque_amount"}


def test_find_by_name_code_receipt_and_date_whatever_the_accents(desk):
    lea = desk.validate(desk.read_code("25-ABCD-EFGH")[0], person(desk, "Lefèvre", "Léa"))
    jp = desk.validate(
        desk.read_code("25-BCDE-FGHJ")[0], person(desk, "N'Diaye", "Jean-Pierre", "01/02/2010")
    )
    assert [v.id for v in desk.find("lefevre")] == [lea.id]
    assert [v.id for v in desk.find("LÉA")] == [lea.id]
    assert [v.id for v in desk.find("jean-pierre ndiaye")] == [jp.id]
    assert [v.id for v in desk.find("jean pierre n diaye")] == [jp.id]
    assert [v.id for v in desk.find("25-bcde")] == [jp.id]
    assert [v.id for v in desk.find(jp.receipt_no.lower())] == [jp.id]
    assert {v.id for v in desk.find("15/10/2025")} == {lea.id, jp.id}
    assert [v.id for v in desk.find("01/02/2010")] == [jp.id]
    assert desk.find("100%_") == []
    assert desk.name_suggestions()[0] in {"Lefèvre", "N'Diaye"}


def test_a_parsed_code_string_is_what_is_stored(desk):
    code = parse_code_format("25-abcd-efgh")
    assert str(code) == "25-ABCD-EFGH"


def test_search_prepared_in_the_background_keeps_what_was_saved_meanwhile(desk):
    from app.paths import default_paths
    from app.store import connect

    first = desk.validate(desk.read_code("25-ABCD-EFGH")[0], person(desk, "Lefèvre"))
    other = connect(default_paths().database, desk.vault)  # as a background thread would
    prepared = desk.prepare_search(other)
    other.close()
    meanwhile = desk.validate(desk.read_code("25-BCDE-FGHJ")[0], person(desk, "Lefébure"))
    desk.use_search(prepared)
    assert [v.id for v in desk.find("lefe")] == [meanwhile.id, first.id]
