"""Finding the forum's main desk on the network (sync/discovery.py), between real processes.

Nothing here may multicast on the real network: each test runs tests/forum_discovery_child.py
in a private network namespace of its own (``unshare --net``, which needs root), where only the
loopback is up and the child starts the laptops of its scenario as separate processes.
"""

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests import forum_discovery_child as child

ROOT = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).with_name("forum_discovery_child.py")
LOOPBACK_UP = "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo"
RUN_S = 40  # a scenario is a few seconds; this only stops a hang


def namespaces() -> None:
    """Skips without root, the one case where a private network cannot be made."""
    made = subprocess.run(["unshare", "--net", "true"], capture_output=True, text=True)
    if made.returncode != 0:
        if os.geteuid() != 0:
            pytest.skip("a private network namespace (unshare --net) needs root")
        pytest.fail(f"unshare --net failed as root: {made.stderr.strip()}")


def run(scenario: str, loopback: bool = True) -> dict:
    """The child's report on a scenario played in a new network namespace."""
    namespaces()
    play = f"exec {shlex.quote(sys.executable)} {shlex.quote(str(CHILD))} {scenario}"
    script = f"{LOOPBACK_UP} && {play}" if loopback else play
    done = subprocess.run(
        ["unshare", "--net", "bash", "-c", script],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=RUN_S,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["error"] is None, json.dumps(report, ensure_ascii=False, indent=1)
    for process, errors in {"child": done.stderr, **report["stderr"]}.items():
        assert "Traceback" not in errors, f"{process}:\n{errors}"
    return report


def test_a_main_desk_announced_on_one_laptop_is_listed_on_another():
    report = run("one_hub")

    assert report["announced"] is True
    assert report["constructor_s"] < 0.5  # the announcement probes in the background
    [hub] = report["listed"]
    assert hub["club"] == "Étoile sportive d'Aïn-Sefra — section judo"
    assert hub["opened_by"] == "Zoé Ménard"
    assert hub["fingerprint"] == child.FP_A
    assert hub["port"] == child.PORT
    assert hub["url"].startswith("https://127.0.0.1:")
    # The command line's one-shot search finds it too.
    assert [found["url"] for found in report["found"]["hubs"]] == [hub["url"]]


def test_two_main_desks_of_one_club_are_both_listed_until_one_closes():
    report = run("two_hubs")

    assert report["first_announced"] is True
    assert report["second_announced"] is True  # its first name was taken: it chose another
    both = report["both"]
    assert {hub["club"] for hub in both} == {child.CLUB}
    assert {hub["fingerprint"] for hub in both} == {child.FP_A, child.FP_B}
    assert len({hub["name"] for hub in both}) == 2
    [left] = report["after_close"]
    assert left["fingerprint"] == child.FP_B


def test_what_another_program_announces_under_our_name_is_not_listed():
    report = run("garbage_ignored")

    assert any("\ufffd" in name for name in report["heard"])  # a name that is not UTF-8
    assert set(report["announced_garbage"]) <= set(report["heard"])
    expected = {child.FP_GOOD, child.FP_GARBLED}
    assert {hub["fingerprint"] for hub in report["final"]} == expected
    for listed in report["changes"]:
        assert {hub["fingerprint"] for hub in listed} <= expected
    garbled = next(hub for hub in report["final"] if hub["fingerprint"] == child.FP_GARBLED)
    assert garbled["club"] == "Judo \ufffd\ufffd club"  # shown as it can be, not dropped


def test_looking_for_main_desks_when_there_is_none_ends_on_time():
    report = run("find_nothing")

    assert report["found"]["hubs"] == []
    assert report["found"]["elapsed_s"] < 2 + 1


def test_without_any_network_the_desk_is_told_to_type_the_address():
    report = run("no_interface", loopback=False)

    assert len(report["outcomes"]) == 4
    for attempt, outcome in report["outcomes"].items():
        assert outcome["raised"] == "DiscoveryUnavailable", attempt
        assert outcome["message"] == (
            "La recherche automatique des postes est impossible sur ce réseau : "
            "saisissez l'adresse du poste principal."
        )
        assert outcome["elapsed_s"] < 1, attempt
