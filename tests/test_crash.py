"""An unexpected error: the traceback goes to the log, the user sees where it is."""

import sys

import pytest
from PySide6.QtWidgets import QMessageBox

from ui.app import make_application
from ui.crash import install_exception_hook


@pytest.fixture
def restore_hook():
    saved = sys.excepthook
    yield
    sys.excepthook = saved


def test_an_unexpected_error_is_logged_and_explained_calmly(
    tmp_path, monkeypatch, restore_hook, expected_warnings
):
    make_application([])
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()))
    log_file = tmp_path / "logs" / "passsport-club.log"
    install_exception_hook(log_file)
    try:
        raise KeyError("boom")
    except KeyError:
        sys.excepthook(*sys.exc_info())

    (record,) = expected_warnings
    assert "Traceback" in record.getMessage() and "KeyError" in record.getMessage()
    (text,) = shown
    assert str(log_file) in text
    assert "Ce qui était enregistré est conservé." in text


def test_qt_own_buttons_speak_french(qapp):
    from PySide6.QtWidgets import QDialogButtonBox

    make_application([])
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Annuler"
