"""An AT-SPI client, as a screen reader is one: it prints what the bus tells it.

Run by tests/screen_reader.py with the system's Python 3, which has Debian's pyatspi
(python3-pyatspi); the program under test runs in its own process. Each event is one line
of JSON on standard output: its type, its numbers and data, and the name, description,
role and states of the object it is about. A key pressed is one too, with the text the
bus carries for it. "ready" is printed once the listeners are in place.

A line on standard input is a question:
- ``tree``: the active window's accessible tree, one object per line, then ``end``.
- ``keys-off``: no more keys (each key waits for its listeners' answer: slow), then ``end``.
"""

import json
import sys

import pyatspi
from gi.repository import GLib

EVENTS = (
    "focus:",
    "object:state-changed",
    "object:text-changed",
    "object:text-caret-moved",
    "object:announcement",
    "object:property-change:accessible-name",
    "object:property-change:accessible-description",
    "object:children-changed",
    "window:activate",
    "window:create",
)


MASKS = list(range(1 << 8))  # every combination of modifiers
KINDS = (pyatspi.KEY_PRESSED_EVENT, pyatspi.KEY_RELEASED_EVENT)


def _say(record: dict) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def describe(accessible) -> dict:
    """What a screen reader can ask of an object, read at once (it may go away)."""
    if accessible is None:
        return {}
    try:
        states = accessible.getState().getStates()
        return {
            "name": accessible.name or "",
            "description": accessible.description or "",
            "role": accessible.getRoleName(),
            "states": sorted(pyatspi.stateToString(s) for s in states),
        }
    except Exception as error:  # the object left the bus while being read
        return {"gone": type(error).__name__}


def on_event(event) -> None:
    data = event.any_data
    _say(
        {
            "type": event.type,
            "detail1": event.detail1,
            "detail2": event.detail2,
            "data": data if isinstance(data, str) else None,
            **describe(event.source),
        }
    )


def on_key(event) -> bool:
    _say(
        {
            "type": "key",
            "pressed": event.type == pyatspi.KEY_PRESSED_EVENT,
            "data": event.event_string,
        }
    )
    return False  # never keep a key from the program


def tree(accessible, depth: int = 0) -> None:
    record = describe(accessible)
    record["type"], record["depth"] = "node", depth
    _say(record)
    try:
        children = list(accessible)
    except Exception:
        return
    for child in children:
        if child is not None:
            tree(child, depth + 1)


def active_window():
    for app in pyatspi.Registry.getDesktop(0):
        if app is None:
            continue
        for window in app:
            if window is not None and window.getState().contains(pyatspi.STATE_ACTIVE):
                return window
    return None


def on_question(channel, condition) -> bool:
    line = sys.stdin.readline()
    if not line:
        pyatspi.Registry.stop()
        return False
    if line.strip() == "tree":
        window = active_window()
        if window is not None:
            tree(window)
        _say({"type": "end"})
    elif line.strip() == "keys-off":
        pyatspi.Registry.deregisterKeystrokeListener(on_key, mask=MASKS, kind=KINDS)
        _say({"type": "end"})
    return True


def main() -> None:
    for kind in EVENTS:
        pyatspi.Registry.registerEventListener(on_event, kind)
    pyatspi.Registry.registerKeystrokeListener(on_key, mask=MASKS, kind=KINDS)
    GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, on_question)
    _say({"type": "ready"})
    pyatspi.Registry.start()


if __name__ == "__main__":
    main()
