"""The desk flow as a blind volunteer meets it: the program on the real X platform, its
events read off the real AT-SPI bus by a client of its own (tests/screen_reader.py),
the keyboard typed into the X server.

"Said" below means in a form Orca 43 speaks: the object that takes the focus (name,
role, description), or a notification that appears (its name). Orca itself ignores the
AT-SPI announcements Qt sends (docs/accessibility.md has its transcript)."""

import sys

import pytest

from tests.screen_reader import Event, ScreenReader, missing_packages, notified, said
from tests.screen_reader_child import PASSPHRASE

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="AT-SPI is the accessibility bus of Linux"
)

CODE = "25ABCDEFGH"


@pytest.fixture
def reader(tmp_path):
    lacking = missing_packages()
    assert not lacking, f"install Debian's {' '.join(lacking)} (.ci/run does)"
    home = tmp_path / "home"
    home.mkdir()
    reader = ScreenReader(home, tmp_path)
    try:
        reader.start()
        yield reader
    finally:
        reader.close()


def described(name: str, description: str):
    """The object named ``name`` now has ``description`` (where a field's error is)."""
    return lambda e: (
        e["type"] == "object:property-change:accessible-description"
        and e.get("name") == name
        and e["data"] == description
    )


def arrives(reader: ScreenReader, start: int, what: str) -> Event:
    """The next focus, which Orca must take as news: no caret event of the same field
    may come before it (Orca takes such a field as known, and says nothing)."""
    focus = reader.focus(start, what)
    with reader._changed:
        before = reader.events[
            start : next(i for i in range(start, len(reader.events)) if reader.events[i] is focus)
        ]
    early = [
        e
        for e in before
        if e["type"] == "object:text-caret-moved"
        and (e.get("name"), e.get("role")) == (focus["name"], focus["role"])
    ]
    assert not early, f"a caret event came before the focus of {said(focus)}: {early}"
    return focus


def open_data(reader: ScreenReader) -> None:
    """The passphrase typed (and a typo mended), checked off the bus, then Enter."""
    field = arrives(reader, 0, "the passphrase field")
    assert field["role"] == "password text" and field["name"] == "Phrase secrète"
    start = reader.mark()
    reader.type(PASSPHRASE)
    reader.keys("BackSpace")
    reader.type(PASSPHRASE[-1])
    last = len(PASSPHRASE) - 1
    mended = reader.wait(
        lambda e: e["type"] == "object:text-changed:delete" and e["detail1"] == last,
        start,
        "the typo removed",
    )
    reader.wait(
        lambda e: e["type"] == "object:text-changed:insert" and e["detail1"] == last,
        reader.events.index(mended, start),
        "the last character typed again",
    )
    typed = [
        e
        for e in reader.events
        if e.get("role") == "password text" and e["type"].startswith("object:text-changed")
    ]
    assert typed and {e["data"] for e in typed} == {"•"}, "the secret's characters on the bus"
    keys = [e for e in reader.events if e["type"] == "key" and e["data"]]
    assert not [e for e in keys if e["data"] in PASSPHRASE], "its keys on the bus"
    start = reader.mark()
    reader.keys("Return")
    home = reader.focus(start, "the home screen")
    assert home["name"] == "Valider un pass'Sport"
    # The window gave the focus before the page came up: the page is said by the
    # description of the focused button, which changes.
    reader.wait(
        lambda e: (
            e["type"] == "object:property-change:accessible-description"
            and e.get("name") == home["name"]
            and e["data"].startswith("Que voulez-vous faire ?")
        ),
        start,
        "the home screen said",
    )
    for event in reader.events:
        carried = " ".join(str(event.get(k) or "") for k in ("data", "name", "description"))
        for piece in ("Velo", "@", "1987", "lub 1"):
            assert piece not in carried, f"{piece!r} reached the bus: {event}"


def test_the_passphrase_never_reaches_the_bus_and_each_page_is_said_on_arrival(reader):
    open_data(reader)

    # F2: the code page, straight to its field, which says the page and what to do.
    start = reader.mark()
    reader.keys("F2")
    focus = arrives(reader, start, "the code field")
    assert focus["name"] == "Code pass'Sport", reader.heard(start)
    assert focus["description"].startswith("Valider un pass'Sport. Tapez ou scannez le code")

    # A complete code moves on by itself: the young person page is said.
    start = reader.mark()
    reader.type(CODE)
    reader.wait(
        lambda e: e["type"] == "key" and e["data"] == CODE[-1],
        start,
        "its keys on the bus, unlike the passphrase's",
    )
    reader.stop_hearing_keys()
    focus = arrives(reader, start, "the name field")
    assert focus["name"] == "Nom", f"the focus passed through {said(focus)}"
    assert focus["description"] == (
        "Le jeune. Recopiez le nom, le prénom et la date de naissance du jeune."
    )
    # Said once: no notification repeats it (checked once the program has gone on).
    reader.type("M")
    reader.wait(lambda e: e["type"] == "object:text-changed:insert" and e["data"] == "M", start)
    assert not [e for e in reader.events[start:] if notified("Recopiez")(e)]


def test_errors_the_review_the_result_and_a_duplicate_are_said(reader):
    open_data(reader)
    reader.stop_hearing_keys()
    start = reader.mark()
    reader.keys("F2")
    arrives(reader, start, "the code field")
    start = reader.mark()
    reader.type(CODE)
    assert arrives(reader, start, "the name field")["name"] == "Nom"

    # The volunteer's Enter on the empty form: every error said at once, with its field.
    start = reader.mark()
    reader.keys_after_a_pause("Return")
    error = reader.wait(notified("3 cases à corriger"), start, "the errors said")
    for field in ("Nom", "Prénom", "Date de naissance"):
        assert f"{field}" in error["name"], error["name"]
    # Each field carries its error, and loses it once corrected.
    start = reader.mark()
    reader.type("Martin")
    reader.wait(described("Nom", ""), start, "the corrected field's error gone")
    reader.keys("Tab")
    focus = arrives(reader, start, "the first name field")
    assert said(focus) == "Prénom text Cette case est obligatoire."
    reader.type("Lea")
    reader.keys("Tab")
    reader.type("15032012")

    # The review: said on arrival, and each detail a stop of Tab, read with its label.
    start = reader.mark()
    reader.keys("Return")
    confirm = reader.focus(start, "Confirmer")
    assert confirm["name"] == "Confirmer"
    assert confirm["description"].startswith("Vérifiez avant d'enregistrer. Relisez")
    details = []
    while len(details) < 5:
        start = reader.mark()
        reader.keys("Tab")
        focus = reader.focus(start, "the next stop")
        if focus["role"] == "label":
            details.append(focus["name"])
    assert details[:3] == [
        "Code : 25-ABCD-EFGH",
        "Jeune : Lea Martin",
        "Né ou née le : 15 mars 2012",
    ]
    assert details[4].startswith("Montant déduit : 70,00")

    # Enter from a detail confirms, as the page says; the result is said.
    start = reader.mark()
    reader.keys("Return")
    result = reader.focus(start, "the next step")
    assert result["name"] == "Inscription suivante"
    assert result["description"].startswith("Enregistré. Reçu numéro"), said(result)
    assert "70,00" in result["description"]

    # The same code again: the duplicate is said with the receipt it has.
    start = reader.mark()
    reader.keys("Return")
    arrives(reader, start, "the code field")
    start = reader.mark()
    reader.type(CODE)
    duplicate = reader.wait(notified("déjà enregistré"), start, "the duplicate said")
    assert duplicate["name"].startswith("Code pass'Sport : ")
    receipt = result["description"].split("Reçu numéro ")[1].split(".")[0]
    assert receipt in duplicate["name"]


def test_titles_are_headings_and_dialogs_say_what_they_are(reader):
    reader.focus(0, "the passphrase field")
    dialog = next(e for e in reader.events if e["type"] == "window:activate")
    assert dialog["name"] != "pass'Sport Club", "the dialog's title says what it asks"
    headings = [e for e in reader.tree() if e.get("role") == "heading"]
    assert [h["name"] for h in headings] == ["Phrase secrète"]
