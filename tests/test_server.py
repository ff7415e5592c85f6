"""The reference server answers as the contract says (docs/api/openapi.yaml), over real HTTP
on 127.0.0.1, and its injected faults and rate limit behave as the client's tests expect."""

import json
import logging
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from app.codes import parse_code_format
from app.resources import resource_path
from app.seasons import load_seasons
from sync.server import ReferenceServer
from sync.training import TRAINING_ENROLMENT_CODE, CodeCategory, training_codes, training_data
from tests.factories import Clock

TODAY = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # season 2026 open, 2025 closed
IN_2025 = datetime(2025, 10, 15, 12, 0, tzinfo=UTC)  # season 2025 open
CODES = training_codes(1)
LEA, THEO = CODES[0], CODES[1]  # sister and brother


def first(category, year=2026):
    return next(c for c in CODES if c.category is category and c.year == year)


def item(code, last=None, first_name=None, birth=None, key=None):
    return {
        "idempotency_key": key or str(uuid.uuid4()),
        "code": code.code if hasattr(code, "code") else code,
        "young_person": {
            "last_name": last if last is not None else code.last_name,
            "first_name": first_name if first_name is not None else code.first_name,
            "birth_date": str(birth or code.birth_date),
        },
        "recorded_at": "2026-11-26T11:00:00+01:00",
    }


@pytest.fixture
def clock():
    return Clock(TODAY)


@pytest.fixture
def server(service_db, clock):
    with ReferenceServer(service_db, clock=clock) as running:
        yield running


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url, timeout=5) as client:
        yield client


def enrol(http, code=TRAINING_ENROLMENT_CODE):
    answer = http.post("/v1/devices", json={"enrolment_code": code, "device_name": "Accueil"})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    return body["device_id"], {"Authorization": f"Bearer {body['token']}"}


@pytest.fixture
def auth(http):
    return enrol(http)[1]


def redeem(http, auth, *items):
    answer = http.post("/v1/redemptions:batch", json={"items": list(items)}, headers=auth)
    assert answer.status_code == 200, answer.text
    assert "server_time" in answer.json()
    return answer.json()["results"]


def assert_problem(answer, status):
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == status and body["type"].startswith("urn:") and body["title"]
    return body


# -- training data -------------------------------------------------------------------------


def test_training_data_is_the_same_for_a_seed_and_covers_every_case():
    assert training_codes(1) == CODES and training_codes(2) != CODES
    seasons = load_seasons()
    assert len({c.code for c in CODES}) == len(CODES)
    for c in CODES:
        assert str(parse_code_format(c.code, seasons.aeeh_years)) == c.code
        assert seasons.by_year(c.year).age_allowed(c.birth_date)
    available = [c for c in CODES if c.category is CodeCategory.AVAILABLE]
    assert len(available) >= 20 and {c.year for c in available} == {2025, 2026}
    assert {c.category for c in CODES} == set(CodeCategory)
    assert {c.note_fr for c in CODES} >= {"Disponible", "Révoqué", "Saison passée"}
    data = training_data(1)
    assert data.club.siret != data.other_club.siret
    assert set(data.redeemed_at) == {
        c.code for c in CODES if c.category is CodeCategory.REDEEMED_ELSEWHERE
    }


def test_a_database_keeps_the_seed_it_was_made_with(service_db):
    ReferenceServer(service_db, seed=1).stop()
    with pytest.raises(ValueError, match="seed 1"):
        ReferenceServer(service_db, seed=2)


# -- enrolment and tokens ------------------------------------------------------------------


def test_enrolment_gives_a_device_of_the_training_club(http):
    answer = http.post(
        "/v1/devices", json={"enrolment_code": "demo-2026", "device_name": "Stand forum"}
    )
    body = answer.json()
    assert answer.status_code == 201
    assert body["club"] == {
        "siret": "73282932000074",
        "rna": "W751234567",
        "name": "Club de démonstration",
    }
    assert len(body["token"]) >= 32 and body["device_id"]
    club = http.get("/v1/club", headers={"Authorization": f"Bearer {body['token']}"})
    assert club.json() == body["club"]


def test_the_server_keeps_only_a_hash_of_the_token(tmp_path, clock):
    with (
        ReferenceServer(tmp_path / "national.sqlite3", clock=clock) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        _, headers = enrol(http)
        token = headers["Authorization"].split()[1].encode()
        files = list(tmp_path.glob("national.sqlite3*"))  # the database and its WAL
        assert len(files) >= 2 and not any(token in file.read_bytes() for file in files)


def test_an_unknown_enrolment_code_is_refused(http):
    answer = http.post("/v1/devices", json={"enrolment_code": "NOPE-0000", "device_name": "PC"})
    assert_problem(answer, 403)
    assert_problem(http.post("/v1/devices", json={"device_name": "PC"}), 400)


def test_a_generated_enrolment_code_works_once(server, http):
    code = server.new_enrolment_code()
    enrol(http, code)
    again = http.post("/v1/devices", json={"enrolment_code": code, "device_name": "PC 2"})
    assert_problem(again, 403)
    enrol(http)  # the training code stays valid
    enrol(http)


def test_missing_unknown_or_revoked_tokens_get_401(server, http):
    assert_problem(http.get("/v1/club"), 401)
    assert_problem(http.get("/v1/club", headers={"Authorization": "Bearer nope"}), 401)
    device_id, headers = enrol(http)
    assert http.get("/v1/club", headers=headers).status_code == 200
    server.revoke_device(device_id)
    assert_problem(http.get("/v1/club", headers=headers), 401)
    assert_problem(http.post("/v1/redemptions:batch", json={}, headers=headers), 401)


def test_seasons_are_those_of_the_shipped_table(http, auth):
    answer = http.get("/v1/seasons", headers=auth).json()
    shipped = json.loads(resource_path("seasons.json").read_text(encoding="utf-8"))
    assert answer == shipped  # the same document: format, date, time zone, seasons


def test_unknown_paths_and_bad_json(http, auth):
    assert_problem(http.get("/v1/nothing", headers=auth), 404)
    assert_problem(http.get("/v1/redemptions:batch", headers=auth), 405)
    as_json = auth | {"Content-Type": "application/json"}
    bad = http.post("/v1/redemptions:batch", content=b"{not json", headers=as_json)
    assert_problem(bad, 400)
    as_text = http.post("/v1/redemptions:batch", content=b"{}", headers=auth)
    assert_problem(as_text, 415)
    assert_problem(http.post("/v1/codes:check", json=["x"], headers=auth), 400)


# -- codes:check ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "state", "hint"),
    [
        (LEA, "available", "Léa L."),
        (first(CodeCategory.REDEEMED_ELSEWHERE), "redeemed", True),
        (first(CodeCategory.REVOKED), "revoked", True),
        (first(CodeCategory.PAST_SEASON, 2024), "season_closed", True),
        (first(CodeCategory.AVAILABLE, 2025), "season_closed", True),
        ("26-ABCD-EFGH", "unknown", None),
    ],
)
def test_check_tells_the_state_of_each_kind_of_code(http, auth, code, state, hint):
    text = getattr(code, "code", code)
    body = http.post("/v1/codes:check", json={"code": text}, headers=auth).json()
    assert body["code"] == text and body["state"] == state
    if hint is None:
        assert "holder_hint" not in body
    elif hint is True:
        assert body["holder_hint"] == f"{code.first_name} {code.last_name[0]}."
    else:
        assert body["holder_hint"] == hint
    if state == "redeemed":
        assert body["by_this_club"] is False


def test_check_refuses_a_code_not_in_the_contract_format(http, auth):
    answer = http.post("/v1/codes:check", json={"code": "26abcdefgh"}, headers=auth)
    assert_problem(answer, 400)


# -- redemptions ---------------------------------------------------------------------------


def test_a_replay_gives_the_first_answer_again(server, http, auth):
    sent = item(LEA)
    (accepted,) = redeem(http, auth, sent)
    assert (
        accepted["status"] == "accepted" and accepted["idempotency_key"] == sent["idempotency_key"]
    )
    (replayed,) = redeem(http, auth, sent)
    assert replayed["status"] == "replayed"
    assert replayed["redemption_id"] == accepted["redemption_id"]
    assert replayed["received_at"] == accepted["received_at"]
    assert server.count_replays() == 1
    assert len([r for r in server.redemptions() if r["code"] == LEA.code]) == 1


def test_the_same_key_with_another_payload_is_key_reused(http, auth):
    sent = item(LEA)
    redeem(http, auth, sent)
    changed = sent | {"young_person": sent["young_person"] | {"first_name": "Lea"}}
    assert redeem(http, auth, changed)[0]["status"] == "key_reused"


def test_a_code_redeemed_by_another_device_of_the_club_or_by_another_club(server, http, auth):
    (accepted,) = redeem(http, auth, item(LEA))
    _, other_device = enrol(http)
    (again,) = redeem(http, other_device, item(LEA))
    assert again == {
        "idempotency_key": again["idempotency_key"],
        "status": "already_redeemed",
        "by_this_club": True,
        "redeemed_at": accepted["received_at"],
        "redemption_id": accepted["redemption_id"],  # the club's own: which one it is
    }
    elsewhere = first(CodeCategory.REDEEMED_ELSEWHERE)
    (taken,) = redeem(http, auth, item(elsewhere))
    assert taken["status"] == "already_redeemed" and taken["by_this_club"] is False
    assert taken["redeemed_at"].startswith("2026-09-")
    _, neighbour = enrol(http, server.new_enrolment_code(other_club=True))
    assert redeem(http, neighbour, item(THEO))[0]["status"] == "accepted"
    (lost,) = redeem(http, auth, item(THEO))
    assert lost["status"] == "already_redeemed" and lost["by_this_club"] is False


def test_the_identity_check_ignores_case_accents_and_spacing_only(http, auth, clock):
    wrong_birth = item(LEA, birth=date(2014, 3, 16))
    brother = item(LEA, THEO.last_name, THEO.first_name, THEO.birth_date)
    assert [r["status"] for r in redeem(http, auth, wrong_birth, brother)] == [
        "identity_mismatch",
        "identity_mismatch",
    ]
    assert redeem(http, auth, item(LEA, "LEFEVRE  ", " lea"))[0]["status"] == "accepted"
    hyphenated = next(c for c in CODES if "-" in c.last_name and c.year == 2025)
    clock.now = IN_2025
    spaced = item(hyphenated, hyphenated.last_name.replace("-", " ").upper())
    assert redeem(http, auth, spaced)[0]["status"] == "accepted"


def test_revoked_closed_unknown_and_invalid_items(http, auth, clock):
    bad_key = item(THEO, key="not-a-uuid")
    no_birth = item(THEO)
    del no_birth["young_person"]["birth_date"]
    results = redeem(
        http,
        auth,
        item(first(CodeCategory.REVOKED)),
        item(first(CodeCategory.PAST_SEASON, 2024)),
        item(first(CodeCategory.AVAILABLE, 2025)),
        item("26-ABCD-EFGH", "Martin", "Paul", "2012-01-01"),
        bad_key,
        no_birth,
        item(THEO) | {"code": "26-tjqr-sgzt"},
        item(THEO),
    )
    statuses = [r["status"] for r in results]
    assert statuses == ["revoked", "season_closed", "season_closed", "unknown_code"] + [
        "invalid"
    ] * 3 + ["accepted"]
    assert results[4]["idempotency_key"] is None  # only a UUID is given back
    assert "birth_date" in results[5]["detail"] and "code" in results[6]["detail"]
    clock.now = IN_2025  # the 2025 code could be redeemed before the deadline
    assert redeem(http, auth, item(first(CodeCategory.AVAILABLE, 2025)))[0]["status"] == (
        "accepted"
    )


def test_a_batch_holds_at_most_100_items(http, auth):
    too_many = [item(LEA) for _ in range(101)]
    answer = http.post("/v1/redemptions:batch", json={"items": too_many}, headers=auth)
    assert_problem(answer, 413)
    assert_problem(http.post("/v1/redemptions:batch", json={"items": []}, headers=auth), 400)


def test_two_devices_racing_for_one_code_get_one_acceptance(server, http):
    devices = [enrol(http)[1] for _ in range(4)]

    def send(headers):
        with httpx.Client(base_url=server.url, timeout=5) as client:
            answer = client.post(
                "/v1/redemptions:batch", json={"items": [item(LEA)]}, headers=headers
            )
            return answer.json()["results"][0]["status"]

    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(send, devices))
    assert statuses == ["accepted"] + ["already_redeemed"] * 3


def test_batches_of_100_are_answered_item_by_item_in_order(service_db, clock):
    """Batches as large as the engine sends. How fast they are answered is measured by
    the bench (bench/sync.py), not here: a busy machine would make a timed test fail."""
    with (
        ReferenceServer(service_db, clock=clock, open_codes=True) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        _, auth = enrol(http)
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
        batches = [
            [item(f"26-{letters[b]}{letters[i // 24]}{letters[i % 24]}A-BCDE", "Martin", "Paul",
                  "2012-01-01") for i in range(100)]
            for b in range(3)
        ]  # fmt: skip
        for batch in batches:
            results = redeem(http, auth, *batch)
            assert [r["status"] for r in results] == ["accepted"] * 100
            assert [r["idempotency_key"] for r in results] == [i["idempotency_key"] for i in batch]


# -- cancel and pull -----------------------------------------------------------------------


def test_a_replay_tells_the_redemption_s_state_now(server, http, auth):
    sent = item(LEA)
    (accepted,) = redeem(http, auth, sent)
    assert accepted["state"] == "accepted"
    http.post(f"/v1/redemptions/{accepted['redemption_id']}/cancel", headers=auth)
    (replayed,) = redeem(http, auth, sent)  # the first answer was lost, say, and sent again
    assert replayed["status"] == "replayed" and replayed["state"] == "cancelled"
    assert replayed["redemption_id"] == accepted["redemption_id"]


def test_a_key_is_bound_to_its_first_payload_even_when_it_was_refused(http, auth):
    sent = item(first(CodeCategory.REVOKED))
    assert redeem(http, auth, sent)[0]["status"] == "revoked"
    assert redeem(http, auth, sent)[0]["status"] == "revoked"  # judged again: not key_reused
    other = item(LEA, key=sent["idempotency_key"])
    assert redeem(http, auth, other)[0]["status"] == "key_reused"


def test_keys_belong_to_a_club(server, http, auth):
    sent = item(LEA)
    assert redeem(http, auth, sent)[0]["status"] == "accepted"
    _, neighbour = enrol(http, server.new_enrolment_code(other_club=True))
    theirs = item(THEO, key=sent["idempotency_key"])  # the same UUID in another club
    assert redeem(http, neighbour, theirs)[0]["status"] == "accepted"


def test_an_enrolment_sent_again_with_its_key_gives_the_same_device(server, http):
    code, key = server.new_enrolment_code(), str(uuid.uuid4())
    request = {"enrolment_code": code, "device_name": "Accueil"}
    first_answer = http.post("/v1/devices", json=request, headers={"Idempotency-Key": key})
    again = http.post("/v1/devices", json=request, headers={"Idempotency-Key": key})
    assert first_answer.status_code == again.status_code == 201  # the code is not spent twice
    assert again.json()["device_id"] == first_answer.json()["device_id"]
    old, new = (f"Bearer {a.json()['token']}" for a in (first_answer, again))
    assert http.get("/v1/club", headers={"Authorization": old}).status_code == 401
    assert http.get("/v1/club", headers={"Authorization": new}).status_code == 200
    other = {"enrolment_code": code, "device_name": "Buvette"}
    assert_problem(http.post("/v1/devices", json=other, headers={"Idempotency-Key": key}), 422)
    without_key = http.post("/v1/devices", json=request)
    assert_problem(without_key, 403)  # a single-use code, already used


def test_a_cancellation_keeps_when_who_and_why(server, http, auth):
    (accepted,) = redeem(http, auth, item(LEA))
    url = f"/v1/redemptions/{accepted['redemption_id']}/cancel"
    cancelled = http.post(url, json={"reason": "famille partie"}, headers=auth).json()
    assert cancelled["cancel_reason"] == "famille partie" and cancelled["cancelled_at"]
    assert cancelled["cancelled_by"] == cancelled["device_id"]
    assert cancelled["recorded_at"] == item(LEA)["recorded_at"]
    # In processing, it can still be cancelled (the contract says so); paid, it cannot.
    (again,) = redeem(http, auth, item(LEA))
    server.set_payment(again["redemption_id"], "in_processing")
    taken_back = http.post(f"/v1/redemptions/{again['redemption_id']}/cancel", headers=auth)
    assert taken_back.status_code == 200 and taken_back.json()["state"] == "cancelled"


def test_the_pull_pages_with_has_more_and_cursors_belong_to_their_club(server, http, auth):
    codes = [c for c in CODES if c.category is CodeCategory.AVAILABLE and c.year == 2026][:5]
    redeem(http, auth, *(item(c) for c in codes))
    seen, cursor, pages = [], "", 0
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = http.get("/v1/redemptions", params=params, headers=auth).json()
        seen += [r["code"] for r in page["items"]]
        cursor, pages = page["next_cursor"], pages + 1
        if not page["has_more"]:
            break
    assert sorted(seen) == sorted(c.code for c in codes) and pages == 3
    _, neighbour = enrol(http, server.new_enrolment_code(other_club=True))
    assert_problem(http.get("/v1/redemptions", params={"cursor": cursor}, headers=neighbour), 400)


def test_cancel_is_idempotent_and_frees_the_code(server, http, auth):
    (accepted,) = redeem(http, auth, item(LEA))
    url = f"/v1/redemptions/{accepted['redemption_id']}/cancel"
    cancelled = http.post(url, json={"reason": "erreur de saisie"}, headers=auth)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    again = http.post(url, headers=auth)
    assert again.status_code == 200 and again.json() == cancelled.json()
    (new,) = redeem(http, auth, item(LEA))
    assert new["status"] == "accepted" and new["redemption_id"] != accepted["redemption_id"]
    assert_problem(http.post(f"/v1/redemptions/{uuid.uuid4()}/cancel", headers=auth), 404)
    _, neighbour = enrol(http, server.new_enrolment_code(other_club=True))
    assert_problem(http.post(url, headers=neighbour), 404)
    server.set_payment(new["redemption_id"], "paid", 5000, date(2026, 12, 15))
    paid = http.post(f"/v1/redemptions/{new['redemption_id']}/cancel", headers=auth)
    assert_problem(paid, 409)


def test_pull_brings_only_what_changed_since_the_cursor(server, http, auth):
    everything = http.get("/v1/redemptions", headers=auth).json()
    assert everything["items"] == [] and "server_time" in everything  # not the other club's
    cursor = everything["next_cursor"]
    (mine,) = redeem(http, auth, item(LEA))
    portal = server.portal_redeem(THEO.code, THEO.last_name, THEO.first_name, THEO.birth_date)
    page = http.get("/v1/redemptions", params={"cursor": cursor}, headers=auth).json()
    assert [(r["redemption_id"], r["source"], r["state"]) for r in page["items"]] == [
        (mine["redemption_id"], "device", "accepted"),
        (portal, "portal", "accepted"),
    ]
    assert page["items"][1]["idempotency_key"] is None and page["items"][1]["device_id"] is None
    assert page["items"][0]["young_person"] == item(LEA)["young_person"]
    assert page["items"][0]["amount_cents"] == 5000
    cursor = page["next_cursor"]
    server.set_payment(mine["redemption_id"], "in_processing")
    server.set_payment(mine["redemption_id"], "paid", 5000, date(2026, 12, 15))
    page = http.get("/v1/redemptions", params={"cursor": cursor}, headers=auth).json()
    assert [(r["redemption_id"], r["state"], r["paid_on"]) for r in page["items"]] == [
        (mine["redemption_id"], "paid", "2026-12-15")
    ]
    done = http.get("/v1/redemptions", params={"cursor": page["next_cursor"]}, headers=auth)
    assert done.json()["items"] == [] and done.json()["next_cursor"] == page["next_cursor"]
    one = http.get("/v1/redemptions", params={"limit": 1}, headers=auth).json()
    assert [r["redemption_id"] for r in one["items"]] == [portal]  # mine changed later
    bad = http.get("/v1/redemptions", params={"cursor": "!!"}, headers=auth)
    assert_problem(bad, 400)
    assert_problem(http.get("/v1/redemptions", params={"limit": 501}, headers=auth), 400)


def test_data_survives_a_restart(service_db, clock):
    path = service_db
    with ReferenceServer(path, clock=clock) as server, httpx.Client(base_url=server.url) as http:
        _, auth = enrol(http)
        (accepted,) = redeem(http, auth, item(LEA))
    with ReferenceServer(path, clock=clock) as server, httpx.Client(base_url=server.url) as http:
        assert redeem(http, auth, item(LEA))[0]["by_this_club"] is True
        assert server.redemptions()[-1]["redemption_id"] == accepted["redemption_id"]


def test_open_codes_belong_to_their_first_redeemer(service_db, clock):
    with (
        ReferenceServer(service_db, clock=clock, open_codes=True) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        _, auth = enrol(http)
        check = http.post("/v1/codes:check", json={"code": "26-ABCD-EFGH"}, headers=auth)
        assert check.json() == {"code": "26-ABCD-EFGH", "state": "available"}
        (accepted,) = redeem(http, auth, item("26-ABCD-EFGH", "Martin", "Paul", "2012-01-01"))
        http.post(f"/v1/redemptions/{accepted['redemption_id']}/cancel", headers=auth)
        (other,) = redeem(http, auth, item("26-ABCD-EFGH", "Petit", "Paul", "2012-01-01"))
        assert other["status"] == "identity_mismatch"
        assert redeem(http, auth, item("24-ABCD-EFGH", "Martin", "Paul", "2012-01-01"))[0][
            "status"
        ] == ("season_closed")
        assert redeem(http, auth, item(LEA))[0]["status"] == "accepted"  # seeded ones too


# -- faults, rate limit, threads, logs -----------------------------------------------------


def test_injected_failures(server, http, auth):
    server.faults.fail_next = 2
    for _ in range(2):
        answer = http.get("/v1/club", headers=auth)
        assert_problem(answer, 503)
        assert answer.headers["Retry-After"] == "1"
    assert http.get("/v1/club", headers=auth).status_code == 200
    server.faults.status_code, server.faults.retry_after, server.faults.fail_next = 429, 7, 1
    too_many = http.post("/v1/redemptions:batch", json={"items": [item(LEA)]}, headers=auth)
    assert_problem(too_many, 429)
    assert too_many.headers["Retry-After"] == "7"
    assert server.redemptions()[-1]["code"] != LEA.code  # nothing was done
    server.faults.reset_all()
    assert http.get("/v1/club", headers=auth).status_code == 200


def test_a_dropped_or_lost_answer_is_a_transport_error(server, http, auth):
    before = server.request_count
    server.faults.drop_next = 1
    with pytest.raises(httpx.TransportError):
        http.get("/v1/club", headers=auth)
    sent = item(LEA)
    server.faults.lose_response_next = 1
    with pytest.raises(httpx.TransportError):
        http.post("/v1/redemptions:batch", json={"items": [sent]}, headers=auth)
    assert redeem(http, auth, sent)[0]["status"] == "replayed"  # the work was done
    assert server.request_count == before + 3


def test_latency(server, http, auth):
    server.faults.latency_s = 0.1
    start = time.perf_counter()
    assert http.get("/v1/club", headers=auth).status_code == 200
    assert time.perf_counter() - start >= 0.1


def test_each_token_is_rate_limited(service_db, clock):
    with (
        ReferenceServer(service_db, clock=clock, rate_per_second=1, burst=2) as server,
        httpx.Client(base_url=server.url) as http,
    ):
        _, auth = enrol(http)
        _, other = enrol(http)
        assert http.get("/v1/club", headers=auth).status_code == 200
        assert http.get("/v1/club", headers=auth).status_code == 200
        answer = http.get("/v1/club", headers=auth)
        assert_problem(answer, 429)
        assert int(answer.headers["Retry-After"]) >= 1
        assert http.get("/v1/club", headers=other).status_code == 200  # its own bucket


def test_stop_ends_every_thread_even_with_open_connections(tmp_path):
    before = set(threading.enumerate())
    server = ReferenceServer(tmp_path / "n.sqlite3")
    with httpx.Client(base_url=server.start()) as http:
        assert http.get("/v1/club").status_code == 401  # the connection stays open
        server.stop()
        assert set(threading.enumerate()) <= before
        with pytest.raises(httpx.TransportError):
            http.get("/v1/club")
    assert server.redemptions()  # helpers still answer after stop
    server.stop()


def test_logs_hold_no_code_nor_name(server, http, auth, caplog):
    with caplog.at_level(logging.DEBUG, logger="passsport"):
        redeem(http, auth, item(LEA))
        http.post("/v1/codes:check", json={"code": THEO.code}, headers=auth)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "/v1/redemptions:batch" in text
    for secret in (LEA.code, THEO.code, "Lefèvre", "Léa", "2014-03-15"):
        assert secret not in text


def _ignore_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a script's background job starts


@pytest.mark.skipif(sys.platform == "win32", reason="sends POSIX signals")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "terminate"])
@pytest.mark.parametrize("inherited", [None, _ignore_ctrl_c], ids=["terminal", "background"])
def test_the_command_line_serves_until_ctrl_c(tmp_path, stop, inherited):
    command = [sys.executable, "-m", "sync.server", "--port", "0", "--db", str(tmp_path / "x")]
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        command, cwd=root, stdout=subprocess.PIPE, text=True, preexec_fn=inherited
    )
    try:
        lines = [process.stdout.readline()]
        while "Ctrl+C" not in lines[-1] and lines[-1]:
            lines.append(process.stdout.readline())
        url = lines[0].split()[-1]
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(f"{url}/v1/club", timeout=30).status_code == 401
        process.send_signal(stop)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()  # a test that failed above never leaves the server running
        process.wait()
        process.stdout.close()
    output = "".join(lines)
    assert TRAINING_ENROLMENT_CODE in output and f"{LEA.code}  Lefèvre Léa" in output


def test_the_client_enrols_once_when_the_first_answer_is_lost(server):
    from sync.client import ApiClient

    code = server.new_enrolment_code()  # single use
    server.faults.lose_response_next = 1  # the service enrols, the answer never comes back
    with ApiClient(server.url) as client:
        enrolment = client.enrol(code, "Accueil")
    assert len(server.store.device_token_hashes()) == 1  # one device, not an orphan and a 403
    with ApiClient(server.url, token=enrolment.token) as client:
        assert client.club()["siret"] == enrolment.club_siret
