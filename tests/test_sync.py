"""The sync engine against the reference server, over real HTTP on 127.0.0.1."""

import threading
import time

import httpx
import pytest

from app.validations import State
from sync.client import ApiClient, RetryLater, Unauthorized
from sync.engine import SyncEngine
from sync.link import NationalLink
from sync.server import ReferenceServer
from sync.training import CodeCategory, training_codes
from tests.factories import DESK_DAY, Clock, open_desk
from tests.tcp_proxy import FaultyProxy


def database(desk):
    return desk._conn.execute("PRAGMA database_list").fetchone()[2]


def enrolled_client(server, desk, **options) -> tuple[ApiClient, NationalLink]:
    link = NationalLink(database(desk), vault=desk.vault)
    link.enrol(server.url, server.new_enrolment_code())
    return link._client(), link


def ours(server) -> list[dict]:
    """What the server holds for the demonstration club (not the neighbouring club's)."""
    return [r for r in server.redemptions() if r["club_siret"] == "73282932000074"]


def record(desk, code: str, last="Martin", first="Léa", born="15/03/2012"):
    parsed, _ = desk.read_code(code)
    person = desk.check_person(last, first, born, desk.season_of(parsed))
    return desk.validate(parsed, person)


def codes(n: int, start: int = 0) -> list[str]:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    out = []
    for i in range(start, start + n):
        digits, x = [], i
        for _ in range(8):
            x, r = divmod(x, 24)
            digits.append(letters[r])
        word = "".join(reversed(digits))
        out.append(f"25-{word[:4]}-{word[4:]}")
    return out


def test_normal_path_sends_confirms_and_brings_back_payments(server, desk, clock):
    client, _ = enrolled_client(server, desk)
    saved = [
        record(desk, c, first=f) for c, f in zip(codes(3), ("Léa", "Tom", "Inès"), strict=True)
    ]
    engine = SyncEngine(database(desk), vault=desk.vault, make_client=lambda: client, clock=clock)
    status = engine.sync_once(desk._conn, client)
    assert status.state == "online" and status.pending == 0
    assert {r["code"] for r in ours(server)} == {v.code for v in saved}
    assert all(desk.get(v.id).state is State.CONFIRMED for v in saved)
    assert desk.get(saved[0].id).national_id

    server.set_payment(desk.get(saved[0].id).national_id, "paid", 7000, "2025-11-20")
    server.set_payment(desk.get(saved[1].id).national_id, "in_processing")
    status = engine.sync_once(desk._conn, client)
    assert status.changed == 2
    paid = desk.get(saved[0].id)
    assert paid.state is State.PAID and paid.paid_cents == 7000
    assert str(paid.paid_on) == "2025-11-20"
    assert desk.get(saved[1].id).state is State.IN_PROCESSING
    client.close()


def test_server_down_then_back_loses_nothing(tmp_path, desk, clock):
    path = tmp_path / "national.sqlite3"
    with ReferenceServer(path, open_codes=True, clock=clock) as first:
        client, link = enrolled_client(first, desk)
        url = first.url
    saved = record(desk, codes(1)[0])
    engine = SyncEngine(database(desk), vault=desk.vault, make_client=link._client, clock=clock)
    with pytest.raises(RetryLater) as caught:
        engine.sync_once(desk._conn, client)
    assert caught.value.reason == "unreachable"
    assert desk.pending_count() == 1 and desk.get(saved.id).state is State.TO_SEND
    port = int(url.rsplit(":", 1)[1])
    with ReferenceServer(path, open_codes=True, clock=clock, port=port) as again:
        with link._client() as again_client:
            engine.sync_once(desk._conn, again_client)
        assert [r["code"] for r in ours(again)] == [saved.code]
    assert desk.get(saved.id).state is State.CONFIRMED
    client.close()


def test_retry_after_is_honoured_and_a_503_storm_makes_no_retry_storm(server, desk, clock):
    _, link = enrolled_client(server, desk)
    record(desk, codes(1)[0])
    statuses = []
    online = threading.Event()

    def seen(status):
        statuses.append(status)
        if status.state == "online":
            online.set()

    refusals = 2
    server.faults.status_code = 503
    server.faults.retry_after = 1
    server.faults.fail_next = refusals
    engine = SyncEngine(
        database(desk),
        link._client,
        vault=desk.vault,
        on_status=seen,
        clock=clock,
        base_backoff_s=0.01,
        max_backoff_s=0.05,
    )
    started = time.monotonic()
    engine.start()
    came_online = online.wait(30)
    took = time.monotonic() - started
    engine.stop()
    assert came_online
    # Retry-After: 1 s means one try a second at most, whatever the backoff says: the
    # backoff alone would have spent the refusals in a tenth of a second.
    offline = [s for s in statuses if s.state == "offline"]
    assert len(offline) == refusals, "one try per refusal, no retry storm"
    assert all(s.retry_in_s >= 1 for s in offline)
    assert took >= refusals * 1.0
    assert desk.pending_count() == 0


def test_429_with_retry_after_then_success(server, desk, clock):
    client, link = enrolled_client(server, desk)
    record(desk, codes(1)[0])
    server.faults.status_code = 429
    server.faults.retry_after = 7
    server.faults.fail_next = 1
    engine = SyncEngine(database(desk), vault=desk.vault, make_client=link._client, clock=clock)
    with pytest.raises(RetryLater) as caught:
        engine.sync_once(desk._conn, client)
    assert caught.value.reason == "busy" and caught.value.retry_after == 7
    engine.sync_once(desk._conn, client)
    assert desk.pending_count() == 0
    client.close()


@pytest.mark.parametrize("mode", ["drop", "reset", "truncate", "silent", "delay"])
def test_faults_between_client_and_server_lose_and_duplicate_nothing(server, desk, clock, mode):
    _, link = enrolled_client(server, desk)
    token = link._token()
    saved = [record(desk, c) for c in codes(3)]
    port = int(server.url.rsplit(":", 1)[1])
    with FaultyProxy(port) as proxy:
        proxy.mode, proxy.delay_s = mode, 0.3
        client = ApiClient(proxy.url, token, timeout=httpx.Timeout(1.0, connect=1.0))
        engine = SyncEngine(
            database(desk), vault=desk.vault, make_client=lambda: client, clock=clock
        )
        if mode == "delay":
            engine.sync_once(desk._conn, client)
        else:
            with pytest.raises(RetryLater):
                engine.sync_once(desk._conn, client)
        proxy.mode = "pass"
        engine.sync_once(desk._conn, client)
        client.close()
    held = ours(server)
    assert sorted(r["code"] for r in held) == sorted(v.code for v in saved), "none lost, none twice"
    assert all(desk.get(v.id).state is State.CONFIRMED for v in saved)
    if mode == "truncate":
        assert server.count_replays() == 3, "the lost answer was asked again with the same keys"


def test_two_offline_devices_redeem_the_same_code(server, clock, tmp_path, monkeypatch):
    first = open_desk(clock)
    monkeypatch.setenv("PASSSPORT_CLUB_HOME", str(tmp_path / "second"))
    second = open_desk(clock)
    try:
        one, _ = enrolled_client(server, first)
        two, _ = enrolled_client(server, second)
        code = codes(1)[0]
        a = record(first, code)
        b = record(second, code, first="Léa")
        SyncEngine(
            database(first), vault=first.vault, make_client=lambda: one, clock=clock
        ).sync_once(first._conn, one)
        SyncEngine(
            database(second), vault=second.vault, make_client=lambda: two, clock=clock
        ).sync_once(second._conn, two)
        assert first.get(a.id).state is State.CONFIRMED
        duplicate = second.get(b.id)
        assert duplicate.state is State.TO_CHECK
        assert duplicate.national_reason == "duplicate_here"
        assert [v.id for v in second.to_check()] == [b.id]
        assert len(ours(server)) == 1
        one.close()
        two.close()
    finally:
        first.close()
        second.close()


def test_refusals_go_to_the_list_to_check_with_their_reason(tmp_path, desk):
    late = Clock(DESK_DAY.replace(year=2026, month=10))
    known = training_codes()
    elsewhere = next(c for c in known if c.category is CodeCategory.REDEEMED_ELSEWHERE)
    available = next(c for c in known if c.category is CodeCategory.AVAILABLE and c.year == 2026)
    with ReferenceServer(tmp_path / "n.sqlite3", clock=late) as server:
        desk._clock = late
        client, _ = enrolled_client(server, desk)
        other = record(
            desk,
            elsewhere.code,
            elsewhere.last_name,
            elsewhere.first_name,
            elsewhere.birth_date.strftime("%d/%m/%Y"),
        )
        wrong = record(
            desk,
            available.code,
            available.last_name,
            "Quelqu'un",
            available.birth_date.strftime("%d/%m/%Y"),
        )
        SyncEngine(
            database(desk), vault=desk.vault, make_client=lambda: client, clock=late
        ).sync_once(desk._conn, client)
        client.close()
    assert desk.get(other.id).national_reason == "other_club"
    assert desk.get(wrong.id).national_reason == "identity_mismatch"
    assert {v.id for v in desk.to_check()} == {other.id, wrong.id}
    assert desk.pending_count() == 0, "refused ones are not sent again and again"


def test_a_cancellation_at_the_desk_is_sent(server, desk, clock):
    client, _ = enrolled_client(server, desk)
    saved = record(desk, codes(1)[0])
    engine = SyncEngine(database(desk), vault=desk.vault, make_client=lambda: client, clock=clock)
    engine.sync_once(desk._conn, client)
    desk.cancel(saved.id, "Erreur")
    assert desk.pending_count() == 1
    engine.sync_once(desk._conn, client)
    assert [r["state"] for r in ours(server)] == ["cancelled"]
    assert desk.pending_count() == 0
    client.close()


def test_a_revoked_token_stops_and_asks_to_enrol_again(server, desk, clock, expected_warnings):
    client, link = enrolled_client(server, desk)
    record(desk, codes(1)[0])
    server.revoke_device(
        desk._conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0]
    )
    engine = SyncEngine(database(desk), vault=desk.vault, make_client=link._client, clock=clock)
    with pytest.raises(Unauthorized):
        engine.sync_once(desk._conn, client)
    statuses = []
    refused, retried = threading.Event(), threading.Event()

    def seen(status):
        if status.state == "sending" and refused.is_set():
            retried.set()
        statuses.append(status)
        if status.state == "needs_enrolment":
            refused.set()

    engine = SyncEngine(
        database(desk),
        vault=desk.vault,
        make_client=link._client,
        on_status=seen,
        clock=clock,
        interval_s=0.0,
        base_backoff_s=0.0,
        max_backoff_s=0.0,
    )
    requests = server.request_count
    engine.start()
    came_refused = refused.wait(10)
    # With no interval and no backoff, a try of its own would be due at once: none within
    # a second means none is planned.
    tried_again = retried.wait(1.0)
    engine.stop()
    assert came_refused and not tried_again
    assert [s.state for s in statuses] == ["sending", "needs_enrolment", "stopped"]
    assert server.request_count == requests + 1, "no retries with a refused token"
    assert [r.getMessage() for r in expected_warnings] == ["device token refused: enrolment needed"]
    client.close()


def test_the_token_is_kept_in_the_keyring_only(server, desk, memory_keyring, tmp_path):
    _, link = enrolled_client(server, desk)
    (device,) = [u for (_, u) in memory_keyring.secrets if not u.startswith("database-key")]
    token = memory_keyring.secrets[("passsport-club", device)]
    assert token
    desk._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(database(desk), "rb") as file:
        db_file = file.read()
    assert token.encode() not in db_file
    assert link.configured()


def test_without_a_secure_keyring_enrolment_says_so(server, desk):
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    from app.secrets import KeyringUnavailable

    with pytest.raises(KeyringUnavailable):
        NationalLink(database(desk), vault=desk.vault).enrol(
            server.url, server.new_enrolment_code()
        )


def test_the_clock_difference_is_measured(server, desk):
    laptop = Clock(DESK_DAY.replace(hour=DESK_DAY.hour - 1))  # an hour late
    client, _ = enrolled_client(server, desk)
    status = SyncEngine(
        database(desk), vault=desk.vault, make_client=lambda: client, clock=laptop
    ).sync_once(desk._conn, client)
    assert status.clock_is_off and 3500 < status.clock_offset_s < 3700
    client.close()


def test_a_cancellation_after_a_lost_answer_still_reaches_the_service(server, desk, clock):
    client, _ = enrolled_client(server, desk)
    saved = record(desk, codes(1)[0])
    engine = SyncEngine(database(desk), vault=desk.vault, make_client=lambda: client, clock=clock)
    server.faults.lose_response_next = 1  # the service saves it, the answer never comes back
    with pytest.raises(RetryLater):
        engine.sync_once(desk._conn, client)
    desk.cancel(saved.id, "Erreur")
    engine.sync_once(desk._conn, client)
    assert [r["state"] for r in ours(server)] == ["cancelled"]
    assert desk.get(saved.id).state is State.CANCELLED
    assert desk.pending_count() == 0
    client.close()


def test_a_cancellation_before_any_send_tells_the_service_nothing(server, desk, clock):
    client, _ = enrolled_client(server, desk)
    saved = record(desk, codes(1)[0])
    desk.cancel(saved.id, "Erreur")
    engine = SyncEngine(database(desk), vault=desk.vault, make_client=lambda: client, clock=clock)
    engine.sync_once(desk._conn, client)
    assert ours(server) == []
    client.close()
