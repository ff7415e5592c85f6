"""« Transférer par clé USB »: a desk's registrations carried on a file to the main desk.

Real parts: a main desk serving on 127.0.0.1 over its own TLS, a desk's real database
joined to it by pairing, the file written to a folder on disk and read back."""

import json
from datetime import timedelta

import pytest

from app.seasons import load_seasons
from app.validations import State
from sync.engine import SyncEngine
from sync.forum import Hub
from sync.forum_bundle import BundleError, import_bundle, write_bundle
from sync.link import NationalLink
from tests.factories import DESK_DAY, Clock
from tests.test_sync import codes, database, record

CLUB = {"name": "Étoile sportive d'Hérouville", "siret": "73282932000074", "rna": "W751234567"}


@pytest.fixture
def hub(tmp_path, clock):
    with Hub(tmp_path / "main", CLUB, load_seasons(), opened_by="Awa", host="127.0.0.1",
             port=0, clock=clock, forward_every_s=3600) as started:  # fmt: skip
        yield started


def joined_link(desk, hub) -> NationalLink:
    link = NationalLink(database(desk), vault=desk.vault)
    link.join(hub.server.url, hub.new_code().code, "Poste 2")
    return link


def sync_once(desk, link: NationalLink):
    engine = SyncEngine(database(desk), link._client, vault=desk.vault, clock=desk.now)
    with link._client() as client:
        return engine.sync_once(desk._conn, client)


def test_a_bundle_adds_the_registrations_once_however_often_imported(tmp_path, desk, hub):
    link = joined_link(desk, hub)
    for code in codes(3):
        record(desk, code)
    key = tmp_path / "usb"
    key.mkdir()
    path, count = link.write_forum_bundle(key, "Poste 2")
    assert count == 3 and path.parent == key and path.suffix == ".passsport-forum"
    assert [p.name for p in key.iterdir()] == [path.name]  # no partial file left beside

    first = import_bundle(hub.store, path)
    assert (first.desk_name, first.added, first.already, first.to_check) == ("Poste 2", 3, 0, 0)
    again = import_bundle(hub.store, path)
    assert (again.added, again.already) == (0, 3)
    assert len(hub.store.search("martin")) == 3

    # The desk reaches the main desk later and sends them itself: nothing doubles.
    sync_once(desk, link)
    assert len(hub.store.search("martin")) == 3
    states = {row[0] for row in desk._conn.execute("SELECT state FROM validations")}
    assert states == {State.TO_SEND}  # held by the main desk, not yet national
    assert sum(r["source"] == "device" for r in hub.store.redemptions()) == 3


def test_two_transfers_in_the_same_second_keep_both_files(tmp_path, desk, hub, clock):
    link = joined_link(desk, hub)
    forum = link.forum()
    key = tmp_path / "usb"
    key.mkdir()
    sealing = {"device_id": forum.device_id, "token": link._token(), "desk_name": "Poste 2"}
    written = [write_bundle(key, **sealing, items=[], report={}, now=clock()) for _ in range(3)]
    assert len(set(written)) == 3 and sorted(p.name for p in key.iterdir()) == sorted(
        p.name for p in written
    )
    assert [import_bundle(hub.store, p).desk_name for p in written] == ["Poste 2"] * 3


def test_the_main_desk_keeps_the_names_sealed_on_disk(tmp_path, desk, hub):
    link = joined_link(desk, hub)
    for code in codes(2):
        record(desk, code, last="Plantévoix", first="Zébulon", born="03/02/2013")
    sync_once(desk, link)
    assert [r["last_name"] for r in hub.store.search("zebulon")] == ["Plantévoix"] * 2
    stored = b"".join(p.read_bytes() for p in (tmp_path / "main").glob("forum.sqlite3*"))
    for clear in ("Plantévoix", "Zébulon", "2013-02-03"):
        assert clear.encode() not in stored


def test_a_code_another_desk_took_is_counted_to_check(tmp_path, desk, hub, clock):
    link = joined_link(desk, hub)
    taken = codes(1)[0]
    record(desk, taken)
    other = hub.own_desk(None, "Poste 1")
    items = [{
        "idempotency_key": "3f0c3a34-7f5e-4c1e-9d6f-0c1c8f7b2a11", "code": taken,
        "young_person": {"last_name": "Martin", "first_name": "Léa", "birth_date": "2012-03-15"},
        "recorded_at": (DESK_DAY - timedelta(minutes=5)).isoformat(),
    }]  # fmt: skip
    hub.store.redeem_batch(hub.store.authenticate(other.token), items, [None])

    path, _ = link.write_forum_bundle(tmp_path, "Poste 2")
    summary = import_bundle(hub.store, path)
    assert (summary.added, summary.to_check) == (0, 1)
    [conflict] = hub.store.conflicts()
    assert (conflict["code"], conflict["desk"], conflict["kept_desk"]) == (
        taken,
        "Poste 2",
        "Poste 1",
    )


def test_a_changed_or_foreign_file_is_refused_whole(tmp_path, desk, hub, clock):
    link = joined_link(desk, hub)
    record(desk, codes(1)[0])
    path, _ = link.write_forum_bundle(tmp_path, "Poste 2")
    document = json.loads(path.read_text())

    changed = tmp_path / "changed.passsport-forum"
    sealed = bytearray(document["sealed"].encode())
    sealed[10] = ord("A") if sealed[10] != ord("A") else ord("B")
    changed.write_text(json.dumps(document | {"sealed": sealed.decode()}))
    renamed = tmp_path / "renamed.passsport-forum"  # the header is bound to the seal
    renamed.write_text(json.dumps(document | {"created_at": "2025-10-16T09:00:00+00:00"}))
    stranger = tmp_path / "stranger.passsport-forum"
    stranger.write_text(json.dumps(document | {"device_id": "not-a-desk-of-this-forum"}))
    other = tmp_path / "notes.passsport-forum"
    other.write_text("Liste des bénévoles\n")
    expected = {changed: "damaged", renamed: "damaged", stranger: "unknown_desk",
                other: "not_a_bundle"}  # fmt: skip
    for file, reason in expected.items():
        with pytest.raises(BundleError) as refused:
            import_bundle(hub.store, file)
        assert refused.value.reason == reason, file.name
    assert hub.store.search("martin") == []

    hub.revoke(link.forum().device_id)
    with pytest.raises(BundleError) as refused:
        import_bundle(hub.store, path)
    assert refused.value.reason == "withdrawn_desk"


def test_another_forum_does_not_read_the_file(tmp_path, desk, hub, clock):
    link = joined_link(desk, hub)
    record(desk, codes(1)[0])
    path, _ = link.write_forum_bundle(tmp_path, "Poste 2")
    with Hub(tmp_path / "other", CLUB | {"name": "Autre forum"}, load_seasons(), opened_by="X",
             host="127.0.0.1", port=0, clock=Clock()) as other:  # fmt: skip
        with pytest.raises(BundleError) as refused:
            import_bundle(other.store, path)
    assert refused.value.reason == "unknown_desk"


def test_a_key_pulled_out_is_said_and_leaves_nothing(tmp_path, desk, hub):
    link = joined_link(desk, hub)
    record(desk, codes(1)[0])
    with pytest.raises(BundleError) as refused:
        link.write_forum_bundle(tmp_path / "gone", "Poste 2")
    assert refused.value.reason == "write_failed"
    assert not (tmp_path / "gone").exists()


def test_a_desk_that_never_joined_is_told_so(tmp_path, desk):
    with pytest.raises(BundleError) as refused:
        NationalLink(database(desk), vault=desk.vault).write_forum_bundle(tmp_path)
    assert refused.value.reason == "no_forum"
