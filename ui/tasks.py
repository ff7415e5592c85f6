"""The one background helper for slow work (network, big files).

Work runs on a Python thread (visible to the tests' check for leftover threads); its
result or its error comes back to the interface thread by a queued Qt signal.
Workers never touch widgets.
"""

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.errors import KnownError
from app.logs import get_logger

log = get_logger("tasks")


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


def _job(work: Callable[[], Any], signals: _Signals) -> None:
    try:
        result = work()
    except KnownError as error:
        signals.failed.emit(error)
    except Exception as error:
        log.exception("background task failed")
        signals.failed.emit(error)
    else:
        signals.done.emit(result)


class Tasks(QObject):
    """Runs work off the interface thread; keeps each job's signals alive until it ends."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: dict[_Signals, threading.Thread] = {}

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        signals = _Signals()

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            self._running.pop(signals, None)
            callback(value)

        signals.done.connect(lambda result: finish(on_done, result))
        signals.failed.connect(lambda error: finish(on_failed, error))
        thread = threading.Thread(target=_job, args=(work, signals), name="passsport-task")
        self._running[signals] = thread
        thread.start()

    def busy(self) -> bool:
        return bool(self._running)

    def wait(self, seconds: float = 30.0) -> None:
        """Wait for the running jobs' threads (at exit and in tests)."""
        for thread in list(self._running.values()):
            thread.join(seconds)
