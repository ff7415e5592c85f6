"""The forum: five desks send to the main desk, which sends on to the national service.

Every laptop is a process of its own, as at a forum: the main desk (``python -m
tests.forum_desk_child hub``, :class:`sync.forum.Hub` with its forwarder) and five desks
(``python -m tests.forum_desk_child desk``: the program's store on disk, the
:class:`~sync.link.NationalLink` and its sync engine), over TLS on 127.0.0.1; the national
reference server runs here (open codes, no rate limit, its clock on 12 September 2026).

One run: the five desks join the main desk with its pairing codes (timed by each desk,
``join_hub``); each records 200 validations as fast as it can (``Desk.validate``), each
preceded by the duplicate check at the main desk (``NationalLink.forum_check``), its engine
sending meanwhile, until the main desk holds all 1,000; then each desk checks 40 codes that
another desk recorded (the duplicate check a volunteer waits for); then the main desk gets
its national account and forwards the 1,000 in one pass of its forwarder (batches of 100,
then the national changes pulled), and the desks bring back "confirmed". The main desk
starts without its national account so that the two phases are timed apart.

The main desk keeps its rate limit (50 requests a second per desk, bursts of 100): a desk
recording flat out meets it, a volunteer (one family every half-minute) never does; the
checks it answered "busy" are counted.

Then, in this process: a desk's USB file of 10,000 registrations written and merged at the
main desk, twice (:mod:`sync.forum_bundle`).
"""

import tempfile
import time
import uuid
from pathlib import Path

from app.seasons import load_seasons
from bench.desk import _percentile
from bench.harness import Figure, measure
from sync.client import ApiClient
from sync.forum import Hub
from sync.forum_bundle import import_bundle, write_bundle
from sync.server import ReferenceServer
from tests.forum_desk_child import NOW, code_text, join, settle, start_desk, start_hub

DESKS = 5
VALIDATIONS = 200  # per desk
DUPLICATE_CHECKS = 40  # per desk, of codes another desk recorded
RUNS_MAX = 3  # each run starts seven processes: three runs keep the bench to a minute or two
USB_REGISTRATIONS = 10_000
PHASE_S = 300.0  # the longest a phase may take before the bench gives up


def one_run(folder: Path) -> dict:
    national = ReferenceServer(
        folder / "national.sqlite3", open_codes=True, clock=lambda: NOW, rate_per_second=0
    )
    national.start()
    hub, desks = None, []
    try:
        with ApiClient(national.url) as client:
            token = client.enrol(national.new_enrolment_code(), "poste principal").token
        hub = start_hub(folder / "hub", national.url, token, national=False)
        desks = [start_desk(folder / f"desk-{n}", f"Poste {n + 1}") for n in range(DESKS)]
        pairing_ms = [join(desk, hub)["seconds"] * 1000 for desk in desks]

        started = time.perf_counter()
        for n, desk in enumerate(desks):
            desk.send(cmd="burst", start=n * 10_000, count=VALIDATIONS, check=True)
        done = [item for desk in desks for item in desk.read(PHASE_S)["done"]]
        recorded_s = time.perf_counter() - started
        settle(desks, lambda seen: all(s["forum_id"] for d in seen for s in d), PHASE_S)
        at_hub_s = time.perf_counter() - started
        held = hub.ask(cmd="held")["held"]
        if len({h["code"] for h in held}) != len(held) or len(held) != DESKS * VALIDATIONS:
            raise RuntimeError(f"the main desk holds {len(held)} registrations")
        answered = [o["check"] for o in done if "state" in o["check"]]
        busy = sum(1 for o in done if o["check"].get("reason") == "busy")

        duplicate_ms = []
        for n, desk in enumerate(desks):
            other = (n + 1) % DESKS * 10_000
            for number in range(other, other + DUPLICATE_CHECKS):
                seen = desk.ask(cmd="check", code=code_text(number))
                if seen.get("state") != "redeemed":
                    raise RuntimeError(f"not seen as a duplicate: {seen}")
                duplicate_ms.append(seen["ms"])

        hub.ask(cmd="national", on=True)
        forwarded = hub.ask(PHASE_S, cmd="forward")
        if forwarded["waiting"]:
            raise RuntimeError(f"not all forwarded: {forwarded}")
        codes = {o["code"] for o in done}
        rows = [r["code"] for r in national.redemptions() if r["code"] in codes]
        settle(desks, lambda seen: all(s["state"] == "confirmed" for d in seen for s in d), PHASE_S)
    finally:
        for child in [*desks, hub]:
            if child is not None:
                child.close()
        national.stop()
    return {
        "pairing_ms": pairing_ms,
        "recorded_s": recorded_s,
        "at_hub_s": at_hub_s,
        "save_p99_ms": _percentile([o["save_ms"] for o in done], 0.99),
        "load_check_p50_ms": _percentile([c["ms"] for c in answered], 0.50),
        "load_check_p99_ms": _percentile([c["ms"] for c in answered], 0.99),
        "busy": busy,
        "duplicate_p50_ms": _percentile(duplicate_ms, 0.50),
        "duplicate_p99_ms": _percentile(duplicate_ms, 0.99),
        "forward_s": forwarded["seconds"],
        "national_rows": len(rows),
        "national_doubled": len(rows) - len(set(rows)),
    }


def usb_run(folder: Path) -> dict:
    """A desk's file of 10,000 registrations (« Transférer par clé USB ») written, then
    imported by the main desk twice: the second import must add nothing."""
    club = {"name": "Club du banc d'essai", "siret": "73282932000074", "rna": "W751234567"}
    with Hub(folder / "hub", club, load_seasons(), opened_by="banc", host="127.0.0.1",
             port=0, clock=lambda: NOW) as hub:  # fmt: skip
        desk = hub.own_desk(None, "Poste USB")
        items = [
            {
                "idempotency_key": str(uuid.UUID(int=number + 1)), "code": code_text(number),
                "young_person": {"last_name": "Martin", "first_name": "Léa",
                                 "birth_date": "2014-03-15"},
                "recorded_at": NOW.isoformat(), "receipt_no": f"USB-{number:05d}",
            }
            for number in range(USB_REGISTRATIONS)
        ]  # fmt: skip
        started = time.perf_counter()
        path = write_bundle(folder, device_id=desk.device_id, token=desk.token,
                            desk_name="Poste USB", items=items,
                            report={"pending": 0, "to_check": 0, "cheques": []}, now=NOW)  # fmt: skip
        written_s = time.perf_counter() - started
        started = time.perf_counter()
        first = import_bundle(hub.store, path)
        merged_s = time.perf_counter() - started
        started = time.perf_counter()
        again = import_bundle(hub.store, path)
        again_s = time.perf_counter() - started
    if (first.added, again.added, again.already) != (USB_REGISTRATIONS, 0, USB_REGISTRATIONS):
        raise RuntimeError(f"the imports said {first} then {again}")
    return {"written_s": written_s, "merged_s": merged_s, "again_s": again_s,
            "megabytes": path.stat().st_size / 1e6}  # fmt: skip


def run(runs: int) -> list[Figure]:
    results, usb = [], []
    for _ in range(min(runs, RUNS_MAX)):
        with tempfile.TemporaryDirectory(prefix="passsport-forum-bench-") as folder:
            results.append(one_run(Path(folder)))
            usb.append(usb_run(Path(folder)))
    total = DESKS * VALIDATIONS
    note = f"{DESKS} desks x {VALIDATIONS}"
    return [
        measure("forum: pairing a desk (join_hub, SPAKE2 over TLS)", "ms",
                [ms for r in results for ms in r["pairing_ms"]]),
        measure(f"forum: {note} validations, all held at the main desk", "s",
                [r["at_hub_s"] for r in results]),
        measure("forum: validations per second through the main desk", "/s",
                [total / r["at_hub_s"] for r in results]),
        measure("forum: save p99 at a desk during the burst (Desk.validate)", "ms",
                [r["save_p99_ms"] for r in results]),
        measure("forum: duplicate check p50, code held by another desk", "ms",
                [r["duplicate_p50_ms"] for r in results]),
        measure("forum: duplicate check p99, code held by another desk", "ms",
                [r["duplicate_p99_ms"] for r in results], "< 50 ms"),
        measure(f"forum: check p50 during the burst ({note})", "ms",
                [r["load_check_p50_ms"] for r in results]),
        measure("forum: check p99 during the burst", "ms", [r["load_check_p99_ms"] for r in results]),
        measure(f"forum: checks answered 'busy' during the burst (of {total})", "checks",
                [r["busy"] for r in results]),
        measure(f"forum: forwarding {total:,} registrations to the national service", "s",
                [r["forward_s"] for r in results]),
        measure("forum: forwarding, registrations per second", "/s",
                [total / r["forward_s"] for r in results]),
        measure("forum: held nationally (each code once)", "rows",
                [r["national_rows"] - r["national_doubled"] for r in results], f"{total:,}"),
        measure("forum: doubled nationally", "rows",
                [r["national_doubled"] for r in results], "0"),
        measure(f"forum: USB file of {USB_REGISTRATIONS:,} written at a desk", "s",
                [r["written_s"] for r in usb]),
        measure("forum: its size", "MB", [r["megabytes"] for r in usb]),
        measure(f"forum: USB file of {USB_REGISTRATIONS:,} merged at the main desk", "s",
                [r["merged_s"] for r in usb], "< 5 s"),
        measure("forum: the same file imported again (nothing added)", "s",
                [r["again_s"] for r in usb]),
    ]  # fmt: skip
