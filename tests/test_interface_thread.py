"""Qt objects end their life on the interface thread (ui/app.py, ui/tasks.py).

Python's automatic garbage collector runs on whichever thread crosses its threshold: the
sync engine, a server, a background task. A window caught in a reference cycle destroyed
there, while the interface thread builds widgets, crashes the program (seen in the suite
on a busy machine). Real Qt application offscreen, real threads."""

import threading

from PySide6.QtCore import QObject

from app.errors import KnownError
from ui.app import make_application
from ui.tasks import Tasks


class Marker:
    """Says on which thread it was freed."""

    def __init__(self, freed_on: list[int]) -> None:
        self.freed_on = freed_on

    def __del__(self) -> None:
        self.freed_on.append(threading.get_ident())


def test_garbage_left_by_the_interface_is_collected_on_its_thread_not_a_busy_worker(qtbot):
    make_application([])
    freed_on: list[int] = []
    for _ in range(50):  # Qt objects in reference cycles, as a closed window leaves them
        thing = QObject()
        thing.itself, thing.marker = thing, Marker(freed_on)
    del thing
    allocated = []

    def allocate() -> None:  # enough to cross the collector's thresholds many times
        allocated.append([[] for _ in range(200_000)])

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert freed_on == [], "a Qt object was destroyed on a background thread"
    qtbot.waitUntil(lambda: len(freed_on) == 50)
    assert set(freed_on) == {threading.get_ident()}


def test_background_work_answers_on_the_interface_thread_once_each(qtbot):
    make_application([])
    tasks = Tasks()
    answers: list[tuple[str, object, int]] = []

    def work(n: int):
        if n % 10 == 0:
            raise KnownError(f"refusé {n}")
        return n * n

    for n in range(100):
        tasks.run(
            lambda n=n: work(n),
            lambda result: answers.append(("done", result, threading.get_ident())),
            lambda error: answers.append(("failed", str(error), threading.get_ident())),
        )
    qtbot.waitUntil(lambda: len(answers) == 100)
    tasks.wait()
    assert not tasks.busy()
    assert {thread for *_, thread in answers} == {threading.get_ident()}
    assert sorted(r for kind, r, _ in answers if kind == "done") == sorted(
        n * n for n in range(100) if n % 10
    )
    assert sorted(r for kind, r, _ in answers if kind == "failed") == sorted(
        f"refusé {n}" for n in range(0, 100, 10)
    )
