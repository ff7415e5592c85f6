"""A forum with real laptops: the main desk and two desks, each a process of its own, over
real TLS on 127.0.0.1, each with its own SQLite files; the national reference server here.

The command-line main desk (``python -m app hub``) pairs two desk processes with the codes
it prints. The forum day runs the main desk with a national account
(``tests/forum_desk_child.py hub``: the command line has none): what both desks record
reaches the main desk, then the national service, each exactly once and under the desk's
own idempotency key; a code recorded at one desk is seen at the other at once, with the
desk's name; the same code recorded at the second desk anyway ends "à vérifier" there and
in the main desk's list of conflicts.
"""

import re
import statistics
import sys
import time
from datetime import UTC, datetime

import pytest

from app.seasons import load_seasons
from sync.client import ApiClient
from sync.forum import Hub
from sync.server import ReferenceServer
from tests.forum_desk_child import (
    CLUB,
    NOW,
    PEOPLE,
    STEP_S,
    Child,
    join,
    settle,
    start_desk,
    start_hub,
)
from ui.texts.records import STATE_WORDS

pytestmark = pytest.mark.timeout(180)
SEEN_WITHIN_S = 0.3  # a code recorded at one desk is known at the others within this


@pytest.fixture
def national(tmp_path):
    """The national reference server, its clock on the forum's Saturday, and the token of
    the main desk's national account."""
    with ReferenceServer(
        tmp_path / "national.sqlite3", open_codes=True, clock=lambda: NOW
    ) as served:
        with ApiClient(served.url) as client:
            served.token = client.enrol(served.new_enrolment_code(), "poste principal").token
        yield served


def held_nationally(national, codes: set[str]) -> list[tuple[str, str]]:
    """(code, idempotency key) of every live national row for one of ``codes``."""
    return sorted(
        (row["code"], row["idempotency_key"])
        for row in national.redemptions()
        if row["code"] in codes and row["state"] != "cancelled"
    )


def cli_hub(home) -> Child:
    argv = [sys.executable, "-m", "app", "hub", "--home", str(home), "--club-name", CLUB["name"]]
    argv += ["--siret", CLUB["siret"], "--rna", CLUB["rna"], "--host", "127.0.0.1", "--port", "0"]
    home.mkdir(parents=True)
    return Child(argv, home / "stderr.txt", text=True)


def printed_code(cli: Child) -> str:
    line = cli.read_until(lambda text: text.startswith("Code d'appairage : "))
    found = re.match(r"Code d'appairage : (\d{3}) (\d{3}) \(jusqu'à \d\d:\d\d\)$", line)
    assert found, line
    return found[1] + found[2]


def test_the_command_line_main_desk_pairs_desk_processes_with_the_codes_it_prints(tmp_path):
    home = tmp_path / "club-house"
    cli = cli_hub(home)
    try:
        address = cli.read_until(lambda text: text.startswith("Adresse : "))[len("Adresse : ") :]
        assert re.fullmatch(r"127\.0\.0\.1:\d+", address), address
        first = printed_code(cli)
        with start_desk(tmp_path / "a", "Poste A") as a, start_desk(tmp_path / "b", "Poste B") as b:
            wrong = f"{(int(first) + 1) % 10**6:06d}"
            assert a.ask(cmd="join", address=address, code=wrong)["reason"] == "wrong_code"
            assert "device_id" in a.ask(cmd="join", address=address, code=first)
            second = printed_code(cli)  # a used code is replaced at once by a new one
            assert second != first
            assert b.ask(cmd="join", address=address, code=first)["reason"] == "wrong_code"
            joined = b.ask(cmd="join", address=address, code=second)
            assert joined["main_desk"] == {"club": CLUB["name"], "opened_by": "poste du club"}
            # Both now talk to it with the certificate they pinned and their own token.
            assert a.ask(cmd="sync")["state"] == "online"
            assert b.ask(cmd="sync")["state"] == "online"
        assert cli.close() == 0
    finally:
        cli.close()
    lines = cli.log.read_text()
    assert "Poste principal fermé." in _drain(cli)
    assert "Traceback" not in lines
    # Started again on its folder: the same certificate and the desks it knows.
    hub = Hub(home / "forum", CLUB, load_seasons(), opened_by="x", host="127.0.0.1", port=0)
    try:
        assert sorted(d["name"] for d in hub.devices()) == ["Poste A", "Poste B"]
        assert (home / "forum" / "key.pem").stat().st_mode & 0o777 == 0o600
    finally:
        hub.stop()


def _drain(child: Child) -> list[str]:
    lines = []
    while True:
        try:
            lines.append(child.read(timeout=0))
        except AssertionError:
            return lines


def test_a_forum_day_two_desks_one_list_each_code_once_nationally(tmp_path, national):
    hub = start_hub(tmp_path / "hub", national.url, national.token, national=False)
    a, b = start_desk(tmp_path / "a", "Poste A"), start_desk(tmp_path / "b", "Poste B")
    try:
        pairing_s = [join(a, hub)["seconds"], join(b, hub)["seconds"]]
        recorded = {}  # code -> (desk, key)
        for desk, name, numbers in ((a, "A", range(1, 6)), (b, "B", range(101, 106))):
            for number in numbers:
                saved = desk.ask(cmd="record", number=number)
                assert saved["outcome"] == "saved", saved
                assert saved["check"]["state"] == "available"
                recorded[saved["code"]] = (name, saved["key"])

        # A code recorded at A: B's check sees it, with A's name, at once.
        saved = a.ask(cmd="record", number=7)
        at = time.monotonic()
        deadline = at + STEP_S
        while (seen := b.ask(cmd="check", code=saved["code"]))["state"] != "redeemed":
            assert time.monotonic() < deadline, seen
        seen_after_s = time.monotonic() - at
        checks = [b.ask(cmd="check", code=saved["code"])["ms"] for _ in range(20)]
        recorded[saved["code"]] = ("A", saved["key"])
        assert seen["desk"] == "Poste A" and seen["by_this_club"] is True
        last, first, _ = PEOPLE[7 % len(PEOPLE)]
        assert seen["holder_hint"] == f"{first} {last[0]}."  # enough to tell siblings apart
        assert seen_after_s < SEEN_WITHIN_S, seen_after_s

        # B records it anyway (the family queued twice): "à vérifier" once sent.
        again = b.ask(cmd="record", code=saved["code"], number=7, check=False)
        assert again["outcome"] == "saved"
        states = settle([a, b], lambda seen: all(
            s["forum_id"] or s["state"] == "to_check" for s in seen[0] + seen[1]
        ))  # fmt: skip
        duplicate = next(s for s in states[1] if s["key"] == again["key"])
        assert (duplicate["state"], duplicate["reason"]) == ("to_check", "duplicate_here")
        assert STATE_WORDS[duplicate["state"]] == "À vérifier"
        conflicts = hub.ask(cmd="conflicts")["conflicts"]
        assert [(c["code"], c["desk"], c["kept_desk"]) for c in conflicts] == [
            (saved["code"], "Poste B", "Poste A")
        ]
        # Both desks know it after their next pass, each what it holds of it, no names.
        for desk, here in ((a, "kept"), (b, "to_check")):
            desk.ask(cmd="sync")
            (known,) = desk.ask(cmd="conflicts")["conflicts"]
            assert (known["code"], known["desk"], known["kept_desk"], known["here"]) == (
                saved["code"], "Poste B", "Poste A", here
            )  # fmt: skip
            assert "last_name" not in known
        # Held by the main desk, not yet answered nationally: still "to send" at the desks.
        kept = [s for s in states[0] + states[1] if s["key"] != again["key"]]
        assert {s["state"] for s in kept} == {"to_send"}
        assert hub.ask(cmd="held")["waiting"] == len(recorded) == 11
        assert held_nationally(national, set(recorded)) == []

        # The main desk finds its national account: everything goes on, once each.
        assert hub.ask(cmd="national", on=True)["done"]
        assert hub.ask(cmd="forward")["waiting"] == 0
        expected = sorted((code, key) for code, (_, key) in recorded.items())
        assert held_nationally(national, set(recorded)) == expected
        states = settle([a, b], lambda seen: all(
            s["state"] == "confirmed" for s in seen[0] + seen[1] if s["key"] != again["key"]
        ))  # fmt: skip
        assert sorted(s["key"] for s in states[0]) == sorted(
            key for desk, key in recorded.values() if desk == "A"
        )
        assert [s["state"] for s in states[1]].count("to_check") == 1
        held = hub.ask(cmd="held")["held"]
        assert sorted(h["code"] for h in held) == sorted(recorded)  # the duplicate is not held
        # A second forward sends nothing again.
        assert hub.ask(cmd="forward")["state"] == "idle"
        assert held_nationally(national, set(recorded)) == expected
    finally:
        for child in (a, b, hub):
            child.close()
    print(
        f"\npairing {max(pairing_s) * 1000:.0f} ms at most; duplicate check p50"
        f" {statistics.median(checks):.1f} ms, max {max(checks):.1f} ms; seen at B {seen_after_s * 1000:.0f} ms"
        f" after A's save; {datetime.now(UTC):%H:%M:%S}"
    )
