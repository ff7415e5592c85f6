"""The one background helper for slow work (network, big files).

Work runs on a Python thread (visible to the tests' check for leftover threads); its
result or its error comes back to the interface thread by a queued Qt signal of the
helper itself, which lives as long as the window. No Qt object is made or dropped per
job, so none can end its life on a worker's thread. Workers never touch widgets.
"""

import contextlib
import itertools
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


class Tasks(QObject):
    """Runs work off the interface thread and calls back on it."""

    _done = Signal(int, object)
    _failed = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._numbers = itertools.count()
        # job number → (on_done, on_failed, thread), until its answer is handed over
        self._running: dict[int, tuple[Callable, Callable, threading.Thread]] = {}
        # Bound to methods of this object, the signals are queued to its (the interface) thread.
        self._done.connect(self._hand_done)
        self._failed.connect(self._hand_failed)

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        number = next(self._numbers)
        # A daemon: a job still running when the program stops does not keep it alive.
        thread = threading.Thread(
            target=self._job, args=(number, work), name="passsport-task", daemon=True
        )
        self._running[number] = (on_done, on_failed, thread)
        thread.start()

    def _job(self, number: int, work: Callable[[], Any]) -> None:
        try:
            result = work()
        except KnownError as error:
            self._answer(self._failed, number, error)
        except Exception as error:
            log.exception("background task failed")
            self._answer(self._failed, number, error)
        else:
            self._answer(self._done, number, result)

    @staticmethod
    def _answer(signal, number: int, value: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the window is gone: nobody is left to answer
            signal.emit(number, value)

    def _hand_done(self, number: int, result: Any) -> None:
        on_done, _, _ = self._running.pop(number)
        on_done(result)

    def _hand_failed(self, number: int, error: BaseException) -> None:
        _, on_failed, _ = self._running.pop(number)
        on_failed(error)

    def busy(self) -> bool:
        return bool(self._running)

    def wait(self, seconds: float = SHUTDOWN_S) -> None:
        """Wait for the running jobs' threads, ``seconds`` in all (at exit and in tests).

        A job still running after that goes on alone and ends with the program: each is
        made so that stopping it half-way loses nothing (a transaction is all or
        nothing, a file is written aside and its leftovers are cleaned at the next start)."""
        deadline = time.monotonic() + seconds
        for _, _, thread in list(self._running.values()):
            thread.join(max(0.0, deadline - time.monotonic()))
