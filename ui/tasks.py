"""The one background helper for slow work (network, big files).

Work runs on a Python thread (visible to the tests' check for leftover threads); its
result or its error comes back to the interface thread by a queued Qt signal.
Workers never touch widgets.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.errors import KnownError
from app.logs import get_logger

log = get_logger("tasks")

# Closing the program waits this long for background work, never longer.
SHUTDOWN_S = 3.0


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
        # A daemon: a job still running when the program stops does not keep it alive.
        thread = threading.Thread(
            target=_job, args=(work, signals), name="passsport-task", daemon=True
        )
        self._running[signals] = thread
        thread.start()

    def busy(self) -> bool:
        return bool(self._running)

    def wait(self, seconds: float = SHUTDOWN_S) -> None:
        """Wait for the running jobs' threads, ``seconds`` in all (at exit and in tests).

        A job still running after that goes on alone and ends with the program: each is
        made so that stopping it half-way loses nothing (a transaction is all or
        nothing, a file is written aside and its leftovers are cleaned at the next start)."""
        deadline = time.monotonic() + seconds
        for thread in list(self._running.values()):
            thread.join(max(0.0, deadline - time.monotonic()))
