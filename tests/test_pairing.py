"""The pairing exchange itself (sync/pairing.py): both sides, no network. The same over
HTTP and TLS, with a look-alike main desk in the middle, is in test_forum_security.py."""

from datetime import UTC, datetime, timedelta

import pytest

from sync.pairing import (
    ATTEMPTS,
    CODE_MINUTES,
    DeskPairing,
    HubPairing,
    PairingRefused,
    normalise_code,
)
from tests.factories import Clock

SEEN = "ab" * 32  # the certificate's SHA-256 both sides see when nobody is in the middle


def hub_with_code(clock: Clock) -> tuple[HubPairing, str]:
    hub = HubPairing(SEEN, clock)
    return hub, hub.new_code().code


def pair(hub: HubPairing, typed: str, fingerprint: str = SEEN) -> tuple[str, str | None]:
    desk = DeskPairing(typed)
    answer = hub.start("Poste 2", "K7P", desk.message)
    proof = desk.answer(answer, fingerprint)
    return hub.finish(answer["exchange_id"], proof)


def test_the_code_shown_joins_one_desk_only():
    hub, code = hub_with_code(Clock())
    assert pair(hub, f" {code[:3]} {code[3:]} ") == ("Poste 2", "K7P")
    assert hub.shown is None  # spent: the main desk shows a new one for the next desk
    with pytest.raises(PairingRefused) as refused:
        pair(hub, code)
    assert refused.value.reason == "no_code"


def test_a_wrong_code_is_seen_by_the_desk_and_counted_until_locked():
    hub, code = hub_with_code(Clock())
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(ATTEMPTS):
        with pytest.raises(PairingRefused) as refused:
            pair(hub, wrong)
        assert refused.value.reason == "wrong_code"
    with pytest.raises(PairingRefused) as refused:
        pair(hub, code)  # even the right one now: the volunteer asks for a new code
    assert refused.value.reason == "locked"
    assert pair(hub, hub.new_code().code) == ("Poste 2", "K7P")


def test_a_desk_that_sees_another_certificate_stops_before_any_token():
    """A look-alike main desk relaying the exchange cannot make the real one's proof for
    the certificate the desk sees on its own connection."""
    hub, code = hub_with_code(Clock())
    desk = DeskPairing(code)
    answer = hub.start("Poste 2", None, desk.message)
    with pytest.raises(PairingRefused) as refused:
        desk.answer(answer, "cd" * 32)
    assert refused.value.reason == "wrong_code"


def test_the_main_desk_checks_the_desk_proof_and_serves_each_exchange_once():
    hub, code = hub_with_code(Clock())
    desk = DeskPairing(code)
    answer = hub.start("Poste 2", None, desk.message)
    with pytest.raises(PairingRefused) as refused:
        hub.finish(answer["exchange_id"], answer["proof"])  # the main desk's own proof back
    assert refused.value.reason == "wrong_code"
    with pytest.raises(PairingRefused) as refused:
        hub.finish(answer["exchange_id"], desk.answer(answer, SEEN))  # too late: gone
    assert refused.value.reason == "unknown_exchange"


def test_a_replayed_first_message_gives_a_key_the_replayer_lacks():
    hub, code = hub_with_code(Clock())
    desk = DeskPairing(code)
    heard = desk.message
    first = hub.start("Poste 2", None, heard)
    replayed = hub.start("Intrus", None, heard)
    assert replayed["message"] != first["message"]
    # The listener holds the desk's first proof, bound to the first exchange only.
    proof = desk.answer(first, SEEN)
    with pytest.raises(PairingRefused):
        hub.finish(replayed["exchange_id"], proof)
    assert hub.finish(first["exchange_id"], proof) == ("Poste 2", None)


def test_a_code_expires_after_its_minutes():
    clock = Clock(datetime(2026, 9, 12, 10, tzinfo=UTC))
    hub, code = hub_with_code(clock)
    clock.now += timedelta(minutes=CODE_MINUTES, seconds=1)
    assert hub.shown is None
    with pytest.raises(PairingRefused) as refused:
        pair(hub, code)
    assert refused.value.reason == "expired"


@pytest.mark.parametrize(
    "message", ["", "not base64!", "QQ==", "Qg" + "A" * 42, "QQ" + "/" * 42, 12, None, "A" * 300]
)
def test_garbage_from_the_network_is_a_wrong_code(message):
    hub, _ = hub_with_code(Clock())
    with pytest.raises(PairingRefused) as refused:
        hub.start("Poste 2", None, message)
    assert refused.value.reason == "wrong_code"


def test_what_is_typed_counts_for_its_digits_only():
    assert normalise_code("482-913") == normalise_code(" 482 913 ") == "482913"
    with pytest.raises(PairingRefused):
        DeskPairing("4829")
