"""A joined desk follows its main desk to a new address, and only its own main desk.

Real parts: the main desk on 127.0.0.1 over its own TLS, stopped and started again on
another port with the same folder; the desk's database and sync engine."""

import socket

from app.seasons import load_seasons
from app.validations import State
from sync.discovery import FoundHub
from sync.forum import Hub, join_hub, leave_hub
from sync.link import NationalLink
from tests.test_forum_bundle import CLUB
from tests.test_forum_forwarding import sync
from tests.test_sync import codes, database, record


def announced(hub: Hub, fingerprint: str) -> FoundHub:
    return FoundHub("Club", CLUB["name"], "Awa", fingerprint, ("127.0.0.1",), hub.port)


def test_a_desk_follows_its_main_desk_to_a_new_address(tmp_path, desk, clock):
    def open_hub() -> Hub:
        return Hub(tmp_path / "main", CLUB, load_seasons(), opened_by="Awa", host="127.0.0.1",
                   port=0, clock=clock, forward_every_s=3600)  # fmt: skip

    with open_hub() as hub:
        link = NationalLink(database(desk), vault=desk.vault)
        link.join(hub.server.url, hub.new_code().code, "Poste 2")
        first = hub.port
    record(desk, codes(1)[0])
    with socket.socket() as holder:  # its old port taken: it starts on another one
        holder.bind(("127.0.0.1", first))
        with open_hub() as hub:
            assert hub.port != first
            assert link.follow_hub([announced(hub, "0" * 16)]) is False  # not its main desk
            assert link.follow_hub([announced(hub, hub.fingerprint[:16])]) is True
            sync(desk, link)
            assert [r["code"] for r in hub.store.search("martin")] == codes(1)
    [state] = {row[0] for row in desk._conn.execute("SELECT state FROM validations")}
    assert state == State.TO_SEND  # at the main desk, not yet national


def test_a_desk_that_leaves_is_withdrawn_at_the_main_desk_and_a_stranger_too(tmp_path, desk, clock):
    with Hub(tmp_path / "main", CLUB, load_seasons(), opened_by="Awa", host="127.0.0.1",
             port=0, clock=clock, forward_every_s=3600) as hub:  # fmt: skip
        link = NationalLink(database(desk), vault=desk.vault)
        joined = link.join(hub.server.url, hub.new_code().code, "Poste 2")
        stranger = join_hub(hub.server.url, hub.new_code().code, "Autre club")
        link.leave_forum()
        leave_hub(stranger.url, stranger.certificate_pem, stranger.token)  # refused as not ours
        withdrawn = {d["device_id"]: d["revoked_at"] is not None for d in hub.devices()}
        assert withdrawn == {joined.device_id: True, stranger.device_id: True}
        assert link.forum() is None
