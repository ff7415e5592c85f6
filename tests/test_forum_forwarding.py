"""The main desk forwards the forum's registrations to the national service and brings
back what it decided, down to the desk's money states.

Real parts: the national reference server and the main desk on 127.0.0.1 (the main desk
over its own TLS), the program's desk database on disk, its own sync engine."""

import pytest

from app.seasons import load_seasons
from app.validations import State
from sync.engine import SyncEngine
from sync.link import NationalLink
from sync.server import ReferenceServer
from sync.training import CodeCategory, training_codes
from tests.test_sync import database, record

CLUB = {"name": "Club de démonstration", "siret": "73282932000074", "rna": "W751234567"}


@pytest.fixture
def national(tmp_path, clock):
    with ReferenceServer(tmp_path / "national.sqlite3", clock=clock) as started:
        yield started


@pytest.fixture
def main_desk(tmp_path, desk, national, clock):
    """The club's laptop: enrolled nationally, then the forum's main desk."""
    link = NationalLink(database(desk), vault=desk.vault, keep_token_in_memory=True)
    link.enrol(national.url, national.new_enrolment_code())
    hub = link.open_hub(
        tmp_path / "forum", CLUB, load_seasons(), "Awa", host="127.0.0.1", port=0,
        clock=clock, forward_every_s=3600,
    )  # fmt: skip
    link.stop()  # the test runs each pass itself, and each forwarding
    hub.forwarder.stop()
    yield link, hub
    link.close_hub()


def sync(desk, link: NationalLink) -> None:
    engine = SyncEngine(database(desk), link._client, vault=desk.vault, clock=desk.now)
    with link._client() as client:
        engine.sync_once(desk._conn, client)


def state_of(desk, saved) -> tuple[State, str | None]:
    row = desk.get(saved.id)
    return row.state, row.national_reason


def season_codes(category: CodeCategory) -> list:
    return [c for c in training_codes() if c.category is category and c.year == 2025]


def person(desk, code):
    born = code.birth_date.strftime("%d/%m/%Y")
    return record(desk, code.code, last=code.last_name, first=code.first_name, born=born)


def test_a_registration_stays_to_send_until_the_national_service_says(desk, national, main_desk):
    link, hub = main_desk
    [first, *_] = season_codes(CodeCategory.AVAILABLE)
    saved = person(desk, first)
    sync(desk, link)
    assert state_of(desk, saved)[0] is State.TO_SEND  # the main desk holds it, no more
    assert national.redemptions()[-1]["code"] != first.code

    hub.forwarder.run_once()
    [sent] = [r for r in national.redemptions() if r["code"] == first.code]
    key = desk._conn.execute("SELECT idempotency_key FROM validations WHERE id = ?", (saved.id,))
    assert sent["idempotency_key"] == key.fetchone()[0]  # the desk's own key
    sync(desk, link)
    assert state_of(desk, saved)[0] is State.CONFIRMED

    national.set_payment(sent["redemption_id"], "paid")
    hub.forwarder.run_once()
    sync(desk, link)
    assert state_of(desk, saved)[0] is State.PAID


def test_a_national_refusal_reaches_the_desk_with_its_reason(desk, national, main_desk):
    link, hub = main_desk
    [taken, *_] = season_codes(CodeCategory.REDEEMED_ELSEWHERE)
    [good, *_] = season_codes(CodeCategory.AVAILABLE)
    refused, kept = person(desk, taken), person(desk, good)
    sync(desk, link)
    status = hub.forwarder.run_once()
    assert (status.state, status.waiting) == ("idle", 0)  # the refusal holds nothing back
    sync(desk, link)
    assert state_of(desk, refused) == (State.TO_CHECK, "other_club")
    assert state_of(desk, kept)[0] is State.CONFIRMED


def test_a_cancel_at_the_desk_is_forwarded_to_the_national_service(desk, national, main_desk):
    link, hub = main_desk
    [code, *_] = season_codes(CodeCategory.AVAILABLE)
    saved = person(desk, code)
    sync(desk, link)
    hub.forwarder.run_once()
    sync(desk, link)
    desk.cancel(saved.id, "Erreur de saisie")
    sync(desk, link)
    hub.forwarder.run_once()
    [row] = [r for r in national.redemptions() if r["code"] == code.code]
    assert row["state"] == "cancelled"


def test_without_a_national_account_nothing_leaves_and_it_is_said(tmp_path, desk, clock):
    link = NationalLink(database(desk), vault=desk.vault, keep_token_in_memory=True)
    hub = link.open_hub(
        tmp_path / "forum", CLUB, load_seasons(), "Awa", host="127.0.0.1", port=0,
        clock=clock, forward_every_s=3600,
    )  # fmt: skip
    try:
        link.stop()
        hub.forwarder.stop()
        [code, *_] = season_codes(CodeCategory.AVAILABLE)
        person(desk, code)
        sync(desk, link)
        status = hub.forwarder.run_once()
        assert (status.state, status.waiting) == ("no_account", 1)
    finally:
        link.close_hub()


def test_after_the_forum_the_desk_holds_national_ids_and_sends_what_was_left(
    desk, national, main_desk
):
    """The ids a desk keeps are the national service's (exports show them, cancels use
    them); what the main desk still held when the forum closed goes to the national
    service from the club's laptop, with its own key, once."""
    link, hub = main_desk
    first, second = season_codes(CodeCategory.AVAILABLE)[:2]
    forwarded = person(desk, first)
    sync(desk, link)
    hub.forwarder.run_once()
    left = person(desk, second)
    sync(desk, link)  # held by the main desk, never forwarded
    by_code = {r["code"]: r for r in national.redemptions()}
    assert desk.get(forwarded.id).national_id == by_code[first.code]["redemption_id"]
    assert desk.get(left.id).national_id is None and second.code not in by_code

    link.close_hub()
    link.leave_forum()
    assert desk.pending_count() == 1
    sync(desk, link)  # to the national service itself now
    desk.cancel(forwarded.id, "Erreur de saisie")
    sync(desk, link)
    by_code = {r["code"]: r for r in national.redemptions()}
    keys = dict(desk._conn.execute("SELECT id, idempotency_key FROM validations"))
    assert by_code[second.code]["idempotency_key"] == keys[left.id]
    assert desk.get(left.id).national_id == by_code[second.code]["redemption_id"]
    assert desk.get(left.id).state is State.CONFIRMED
    assert by_code[first.code]["state"] == "cancelled"  # the cancel found its national id
    assert [r["code"] for r in national.redemptions()].count(second.code) == 1
