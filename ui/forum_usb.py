"""« Transférer par clé USB », where the forum has no network at all: a desk that joined
writes its registrations not yet sent on a key (``NationalLink.write_forum_bundle``), the
main desk imports the file (``sync.forum_bundle.import_bundle``). Both run on the window's
background helper; the folder and the file are chosen in the program's one file dialog
(ui/files.py), which the tests answer with their own :class:`ForumFiles`.

A refusal (:class:`sync.forum_bundle.BundleError`, by its reason) is said in words on the
window's message line, and the button that asked is pressed again as it is.
"""

from pathlib import Path

from PySide6.QtWidgets import QPushButton, QWidget

from app.errors import KnownError
from sync.forum_bundle import import_bundle
from ui import files
from ui.texts import files as files_texts
from ui.texts import forum_closing as closing_texts
from ui.texts import forum_usb as usb_texts

BUNDLES = (usb_texts.IMPORT_FILES, "*.passsport-forum")


class ForumFiles:
    """The forum's questions of a folder or a file; the tests give answers of their own."""

    def transfer_folder(self, parent: QWidget | None) -> Path | None:
        """Where a desk writes its registrations (a USB key)."""
        return files.chooser_for(parent).folder(parent, usb_texts.TRANSFER_CHOOSE)

    def bundle(self, parent: QWidget | None) -> Path | None:
        """The file a desk wrote, to import on the main desk."""
        everything = (files_texts.FILES_ALL, "*")
        return files.chooser_for(parent).open_path(parent, (BUNDLES, everything))

    def backup_folder(self, parent: QWidget | None) -> Path | None:
        """Where the closing backup goes (a USB key)."""
        return files.chooser_for(parent).folder(parent, closing_texts.BACKUP_CHOOSE)


def forum_files(services) -> ForumFiles:
    return services.forum_files or ForumFiles()


class Busy:
    """A button pressed for slow work: disabled until the answer, then the focus back on
    it (or where it went meanwhile)."""

    def __init__(self, window, button: QPushButton, text: str) -> None:
        self.window, self.button = window, button
        button.setEnabled(False)
        window.show_message(text, "info")

    def done(self, text: str, kind: str) -> None:
        self.button.setEnabled(True)
        if self.window.stack.currentWidget().isAncestorOf(self.button):
            self.button.setFocus()
        self.window.show_message(text, kind)  # then the focus is kept in sight


def transfer(forum, button: QPushButton) -> None:
    """On a desk that joined: its registrations not yet sent, on the key chosen."""
    window, link = forum.window, forum.link
    folder = forum_files(forum.services).transfer_folder(window)
    if folder is None:
        return
    name = forum.desk.volunteer or forum.computer
    busy = Busy(window, button, usb_texts.TRANSFER_WRITING)

    def written(made: tuple[Path, int]) -> None:
        path, count = made
        busy.done(usb_texts.transferred(count, path.name), "success")

    def failed(error: BaseException) -> None:
        reason = error.reason if isinstance(error, KnownError) else "write_failed"
        busy.done(usb_texts.write_problem(reason), "error")

    window.tasks.run(lambda: link.write_forum_bundle(folder, name), written, failed)


def import_from_key(main, button: QPushButton) -> None:
    """On the main desk: the file a desk wrote, added as if that desk had sent it; the
    page shows the desks and the codes to check again."""
    window, hub = main.window, main.link.hub
    if hub is None:
        return
    path = forum_files(main.services).bundle(window)
    if path is None:
        return
    busy = Busy(window, button, usb_texts.IMPORT_READING)

    def imported(summary) -> None:
        main.forum.refresh()
        said = usb_texts.imported(
            summary.desk_name, summary.added, summary.already, summary.to_check, summary.refused
        )
        busy.done(said, "warning" if summary.to_check or summary.refused else "success")

    def failed(error: BaseException) -> None:
        reason = error.reason if isinstance(error, KnownError) else ""
        busy.done(usb_texts.read_problem(reason), "error")

    window.tasks.run(lambda: import_bundle(hub.store, path), imported, failed)
