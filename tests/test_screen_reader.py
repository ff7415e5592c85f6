"""The desk flow as a blind volunteer meets it: the program on the real X platform, its
events read off the real AT-SPI bus by a client of its own (tests/screen_reader.py),
the keyboard typed into the X server.

"Spoken" below means in a form Orca 43 speaks: the object that takes the focus (name,
role, description), or a notification that appears (its name). Orca itself ignores the
AT-SPI announcements Qt sends (docs/accessibility.md has its transcript)."""

import sys

import pytest

from tests.screen_reader import ScreenReader, missing_packages, said
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


def notified(since_text: str):
    """A notification appears whose name holds ``since_text``."""
    return lambda e: (
        e["type"] == "object:state-changed:showing"
        and e["detail1"] == 1
        and e.get("role") == "notification"
        and since_text in e.get("name", "")
    )


def open_data(reader: ScreenReader) -> None:
    field = reader.focus(0, "the passphrase field")
    assert field["role"] == "password text" and field["name"] == "Phrase secrète"
    start = reader.mark()
    reader.type(PASSPHRASE)
    reader.keys("BackSpace")
    reader.type(PASSPHRASE[-1])
    reader.keys("Return")
    home = reader.focus(start, "the home screen")
    assert home["name"] == "Valider un pass'Sport"
    for event in reader.events:
        carried = " ".join(str(event.get(k) or "") for k in ("data", "name", "description"))
        for piece in ("Velo", "@", "1987", "lub 1"):
            assert piece not in carried, f"{piece!r} reached the bus: {event}"


def test_the_passphrase_never_reaches_the_bus_and_each_page_is_said_on_arrival(reader):
    open_data(reader)
    secret_events = [
        e
        for e in reader.events
        if e.get("role") == "password text" and e["type"].startswith("object:text-changed")
    ]
    assert secret_events and {e["data"] for e in secret_events} == {"•"}
    assert not [
        e for e in reader.events if e["type"] == "key" and e["data"] and e["data"] in PASSPHRASE
    ]
    reader.stop_hearing_keys()

    # F2: the code page, straight to its field, and said what it is for.
    start = reader.mark()
    reader.keys("F2")
    focus = reader.focus(start, "the code field")
    assert focus["name"] == "Code pass'Sport", reader.heard(start)
    reader.wait(notified("Tapez ou scannez le code"), start, "the code page said")

    # A complete code moves on by itself: the young person page is said.
    start = reader.mark()
    reader.type(CODE)
    focus = reader.focus(start, "the name field")
    assert focus["name"] == "Nom", f"the focus passed through {said(focus)}"
    reader.wait(notified("Recopiez le nom"), start, "the young person page said")


def test_titles_are_headings_and_dialogs_say_what_they_are(reader):
    reader.focus(0, "the passphrase field")
    dialog = next(e for e in reader.events if e["type"] == "window:activate")
    assert dialog["name"] != "pass'Sport Club", "the dialog's title says what it asks"
    headings = [e for e in reader.tree() if e.get("role") == "heading"]
    assert [h["name"] for h in headings] == ["Phrase secrète"]
