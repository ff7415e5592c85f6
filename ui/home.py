"""The home screen: a few large buttons, one task each."""

from collections.abc import Callable

from ui.texts import common as common_texts
from ui.widgets import BigButton, Page


class HomePage(Page):
    def __init__(
        self,
        title: str = common_texts.HOME_TITLE,
        intro: str = "",
        takes_code: bool = False,
        parent=None,
    ) -> None:
        super().__init__(title, intro, parent=parent)
        self.takes_code = takes_code  # a code typed or scanned here starts a validation
        self.buttons: dict[str, BigButton] = {}

    def add_task(
        self, key: str, label: str, icon_name: str, hint: str, action: Callable[[], None]
    ) -> BigButton:
        """Offer a task. Only tasks that work are added (see ui/window.py)."""
        button = BigButton(label, icon_name, hint)
        button.clicked.connect(action)
        self.body.addWidget(button)
        self.buttons[key] = button
        return button

    def clear_tasks(self) -> None:
        for button in self.buttons.values():
            self.body.removeWidget(button)
            button.setParent(None)
        self.buttons.clear()

    def on_shown(self) -> None:
        if self.buttons:
            next(iter(self.buttons.values())).setFocus()
