"""The club's identity form: asked at first start, changeable from the home screen."""

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton

from app.club import LOCAL_LAW, ClubProfile
from app.desk import Desk
from app.errors import FormError, KnownError
from ui.actions import attempt
from ui.texts import club as club_texts
from ui.texts import common as common_texts
from ui.widgets import Field, Page


class ClubForm(Page):
    def __init__(
        self,
        desk: Desk,
        on_saved: Callable[[ClubProfile], None],
        on_cancel: Callable[[], None] | None = None,
        parent=None,
    ) -> None:
        first_run = desk.club_profile() is None
        super().__init__(
            club_texts.CLUB_FIRST_TITLE if first_run else club_texts.CLUB_EDIT_TITLE,
            club_texts.CLUB_FIRST_INTRO if first_run else club_texts.CLUB_EDIT_INTRO,
            parent,
        )
        self._desk = desk
        self._on_saved = on_saved
        profile = desk.club_profile()
        given = (
            {
                "name": profile.name,
                "siret": profile.siret_display,
                "rna": profile.rna,
                "federation": profile.federation,
            }
            if profile
            else {}
        )
        fields = {  # label, and how long it may be (None: no limit)
            "name": (club_texts.CLUB_NAME, None),
            "siret": (club_texts.CLUB_SIRET, 40),
            "rna": (club_texts.CLUB_RNA, 20),
            "federation": (club_texts.CLUB_FEDERATION, None),
        }
        self.fields = {
            key: Field(label, text=given.get(key, ""), limit=limit)
            for key, (label, limit) in fields.items()
        }
        # Alsace-Moselle: an association under local law has no RNA number.
        self.local_law = QCheckBox(club_texts.CLUB_LOCAL_LAW)
        self.local_law.setAccessibleDescription(club_texts.CLUB_LOCAL_LAW_HINT)
        self.local_law.toggled.connect(self._local_law_changed)
        explained = QLabel(club_texts.CLUB_LOCAL_LAW_HINT)
        explained.setObjectName("intro")
        explained.setWordWrap(True)
        explained.setContentsMargins(52, 0, 0, 8)
        for key, field in self.fields.items():
            self.body.addWidget(field)
            field.edit.returnPressed.connect(self.save)
            if key == "rna":
                self.body.addWidget(self.local_law)
                self.body.addWidget(explained)
        if profile:
            self.local_law.setChecked(profile.local_law)

        buttons = QHBoxLayout()
        self.save_button = QPushButton(common_texts.SAVE)
        self.save_button.setAutoDefault(True)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        if on_cancel and not first_run:
            cancel = QPushButton(common_texts.CANCEL)
            cancel.setAutoDefault(True)
            cancel.clicked.connect(on_cancel)
            buttons.addWidget(cancel)
        buttons.addStretch(1)
        self.body.addLayout(buttons)

    def on_shown(self) -> None:
        self.fields["name"].edit.setFocus()

    def _local_law_changed(self, local: bool) -> None:
        """Under local law there is no RNA number to type: the field is put aside."""
        rna = self.fields["rna"]
        rna.edit.setEnabled(not local)
        if local:
            rna.set_error(None)

    def save(self) -> None:
        values = {key: field.text() for key, field in self.fields.items()}
        if self.local_law.isChecked():
            values["rna"] = LOCAL_LAW

        def explain(error: KnownError) -> bool:
            if isinstance(error, FormError):
                self._show_errors(error.fields)
                return True
            return False

        def saved(profile: ClubProfile) -> None:
            self._show_errors({})
            self._on_saved(profile)

        attempt(self, lambda: self._desk.save_club_profile(**values), saved, explain)

    def _show_errors(self, errors: dict[str, str]) -> None:
        first = None
        for key, field in self.fields.items():
            reason = errors.get(key)
            field.set_error(club_texts.FIELD_ERRORS.get(reason) if reason else None)
            if reason and first is None:
                first = field
        if first is not None:
            first.edit.setFocus()
            first.edit.selectAll()
