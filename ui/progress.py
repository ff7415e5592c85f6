"""Progress of slow work, carried from the worker thread to the interface thread."""

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal


class ProgressRelay(QObject):
    """Carries a worker's progress to the interface thread (queued), only when the
    percentage moves: at most a hundred updates, whatever the size of the work."""

    changed = Signal(int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._last = -1

    def report(self, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent != self._last:
            self._last = percent
            self.changed.emit(done, total)

    def connect_to(self, slot: Callable[[int, int], None]) -> None:
        self.changed.connect(slot, Qt.ConnectionType.QueuedConnection)
