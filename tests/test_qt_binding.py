"""The Qt binding must survive a long day at the desk.

PySide6 6.12.0 on Python 3.11 loses a reference to None on every call of a method
that returns nothing; after a few thousand calls Python aborts the whole program.
From Python 3.12 None is immortal (PEP 683): its count never moves, so that loss can
neither harm nor be seen there, and the check on None runs only where it can fail.
The same loss on an ordinary object would free it while still in use, on every Python.
"""

import sys

import pytest
from PySide6.QtWidgets import QLabel

CALLS = 2000


@pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="None is immortal from Python 3.12: nothing to lose"
)
def test_many_calls_do_not_drain_none(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("Enregistré")
    assert sys.getrefcount(None) - before > -CALLS // 20


def test_many_calls_neither_drop_nor_keep_the_text_they_are_given(qapp):
    label = QLabel()
    # Built at run time: a string of its own, not a constant the interpreter shares.
    text = " ".join(["Enregistré", "à", "14 h 32"])
    before = sys.getrefcount(text)
    for _ in range(CALLS):
        label.setText(text)
        assert label.text() == text
    assert sys.getrefcount(text) == before
