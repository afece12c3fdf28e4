"""Synchronisation: this laptop and the server, the enrolled laptops, the conflicts to resolve.

Left, this laptop: the server address, the enrolment code (first time), its role, when it last
synchronised and what waits; "Synchroniser maintenant" (progress, Cancel; an interrupted first
sync resumes where it stopped). Right, for a consultant: the laptops enrolled on the server, one
of which can be revoked. Below, the conflicts side by side: the value of this laptop and the
other one, "Garder celle-ci" under each and "Autre valeur…" (a consultant's laptop only).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, _, ngettext
from ui.tasks import format_count
from ui.theme import set_role
from ui.widgets import Column, DataclassTableModel, DataTableView, Screen, primary_button
from ui.widgets.status_bar import moment_text, sync_text

if TYPE_CHECKING:
    from sync.client.service import Enrolment
    from ui.context import AppContext
    from ui.screens.sync.controller import SyncController
    from ui.widgets import ScreenshotVariant

TABLE_NAMES = {
    "campaign": N_("Campagne"),
    "residence": N_("Résidence"),
    "meeting": N_("Réunion"),
    "question": N_("Question"),
    "participant": N_("Participant"),
    "idea": N_("Idée"),
    "project": N_("Projet"),
    "criterion": N_("Critère"),
    "commission_session": N_("Séance de commission"),
    "review": N_("Examen"),
    "ballot_style": N_("Modèle de bulletin"),
    "print_batch": N_("Lot d'impression"),
    "results_rule": N_("Règle de résultat"),
    "count_session": N_("Séance de dépouillement"),
}

ROLE_NAMES = {
    "consultant": N_("consultant"),
    "field": N_("équipe terrain"),
    "officer": N_("agent de dépouillement"),
}


FIELD_NAMES = {
    "name": N_("nom"),
    "title": N_("titre"),
    "address": N_("adresse"),
    "dwellings": N_("logements"),
    "budget_cents": N_("budget"),
    "cost_cents": N_("coût"),
    "description": N_("description"),
    "status": N_("statut"),
    "notes": N_("notes"),
    "place": N_("lieu"),
    "starts_at": N_("date et heure"),
    "vote_sessions": N_("permanences de vote"),
    "poster_contact": N_("contact de l'affiche"),
    "_deleted": N_("suppression"),
}


def field_name(name: str) -> str:
    return _(FIELD_NAMES[name]) if name in FIELD_NAMES else name


def role_name(role: str) -> str:
    return _(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def value_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, str):
        return value or "—"
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class ConflictRow:
    conflict_id: str
    table: str
    record: str
    field: str
    mine: Any
    theirs: Any
    other_device: str

    @staticmethod
    def of(data: dict[str, Any]) -> ConflictRow:
        mine, theirs = data.get("kept_value"), data.get("other_value")
        if data.get("mine_is_other"):
            mine, theirs = theirs, mine
        return ConflictRow(
            conflict_id=str(data["conflict_id"]),
            table=_(TABLE_NAMES[str(data["table"])])
            if data.get("table") in TABLE_NAMES
            else str(data.get("table")),
            record=str(data.get("record_label") or data.get("record_id")),
            field=str(data.get("field")),
            mine=mine,
            theirs=theirs,
            other_device=str(data.get("other_device") or ""),
        )


@dataclass(frozen=True)
class DeviceRow:
    device_id: str
    label: str
    role: str
    number: int
    revoked_at: str | None

    @staticmethod
    def of(data: dict[str, Any]) -> DeviceRow:
        return DeviceRow(
            device_id=str(data["device_id"]),
            label=str(data.get("label") or ""),
            role=str(data.get("role") or ""),
            number=int(data.get("number") or 0),
            revoked_at=data.get("revoked_at"),
        )


class ConflictModel(DataclassTableModel[ConflictRow]):
    """The list; the two values are shown side by side beside it, for the selected conflict."""

    columns = (
        Column(_("Enregistrement"), lambda c: f"{c.table} « {c.record} »"),
        Column(_("Champ"), lambda c: field_name(c.field)),
    )


class DeviceModel(DataclassTableModel[DeviceRow]):
    columns = (
        Column(_("N°"), lambda d: d.number or "—"),
        Column(_("Poste"), lambda d: d.label or d.device_id[:8]),
        Column(_("Rôle"), lambda d: role_name(d.role)),
        Column(
            _("État"),
            lambda d: _("révoqué") if d.revoked_at else _("actif"),
            tooltip=lambda d: (d.revoked_at or "")[:10],
        ),
    )


def card(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    set_role(frame, "card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, 12, 16, 12)
    layout.setSpacing(8)
    layout.addWidget(set_role(QLabel(title), "section"))
    return frame, layout


class ValueCard(QFrame):
    """One side of a conflict: whose value, the value, and "Garder celle-ci"."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        self.title = set_role(QLabel(title), "muted")
        self.value = QLabel()
        self.value.setWordWrap(True)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.value.setFont(font)
        self.keep = QPushButton(_("Garder celle-ci"))
        layout.addWidget(self.title)
        layout.addWidget(self.value, 1)
        layout.addWidget(self.keep, 0, Qt.AlignmentFlag.AlignLeft)


class SyncScreen(Screen):
    title = _("Synchronisation")
    kinds = ("all",)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout, header = self.standard_layout(
            _("Synchronisation"),
            _(
                "Partager la campagne entre les postes par le serveur : chacun travaille hors "
                "ligne, tout se rejoint à la synchronisation, rien n'est écrasé en silence."
            ),
        )
        self.sync_button = header.add_action(
            primary_button(_("Synchroniser maintenant"), self.sync_now)
        )
        top = QHBoxLayout()
        top.setSpacing(16)
        layout.addLayout(top)
        top.addWidget(self._build_laptop(), 1)
        top.addWidget(self._build_devices(), 1)
        layout.addWidget(self._build_conflicts(), 1)
        self.enrolment: Enrolment | None = None
        self.devices_error = ""
        if ctx.sync is not None:
            ctx.sync.changed.connect(self._on_sync_changed)

    # --- building ------------------------------------------------------------------------

    def _build_laptop(self) -> QFrame:
        frame, box = card(_("Ce poste"))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.server = QLineEdit()
        self.server.setPlaceholderText("http://10.0.0.2:8765")
        self.server.setAccessibleName(_("Adresse du serveur"))
        self.code = QLineEdit()
        self.code.setPlaceholderText("A1B2C3-D4E5F6-…")
        self.code.setAccessibleName(_("Code d'inscription"))
        self.enrol_button = QPushButton(_("Inscrire ce poste"))
        self.enrol_button.clicked.connect(self.enrol)
        code_row = QHBoxLayout()
        code_row.addWidget(self.code, 1)
        code_row.addWidget(self.enrol_button)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.role_label = QLabel()
        self.last_label = QLabel()
        self.pending_label = QLabel()
        form.addRow(_("Serveur"), self.server)
        form.addRow(_("Code d'inscription"), code_row)
        form.addRow(_("État"), self.state_label)
        form.addRow(_("Rôle"), self.role_label)
        form.addRow(_("Dernière synchronisation"), self.last_label)
        form.addRow(_("En attente d'envoi"), self.pending_label)
        box.addLayout(form)
        self.error_label = set_role(QLabel(), "error")
        self.error_label.setWordWrap(True)
        box.addWidget(self.error_label)
        box.addStretch(1)
        return frame

    def _build_devices(self) -> QFrame:
        frame, box = card(_("Postes inscrits"))
        self.devices_model = DeviceModel()
        self.devices_view = DataTableView()
        self.devices_view.setModel(self.devices_model)
        self.devices_view.setAccessibleName(_("Postes inscrits"))
        self.devices_note = set_role(QLabel(), "muted")
        self.devices_note.setWordWrap(True)
        buttons = QHBoxLayout()
        self.refresh_devices_button = QPushButton(_("Actualiser"))
        self.refresh_devices_button.clicked.connect(self.load_devices)
        self.revoke_button = QPushButton(_("Révoquer ce poste…"))
        self.revoke_button.clicked.connect(self.revoke)
        buttons.addWidget(self.refresh_devices_button)
        buttons.addStretch(1)
        buttons.addWidget(self.revoke_button)
        box.addWidget(self.devices_note)
        box.addWidget(self.devices_view, 1)
        box.addLayout(buttons)
        box.addStretch(0)  # takes the room only while the list is hidden
        return frame

    def _build_conflicts(self) -> QFrame:
        frame, box = card(_("Conflits à résoudre"))
        self.conflicts_title = box.itemAt(0).widget()
        self.conflicts_note = set_role(QLabel(), "muted")
        self.conflicts_note.setWordWrap(True)
        box.addWidget(self.conflicts_note)
        row = QHBoxLayout()
        row.setSpacing(16)
        self.conflicts_model = ConflictModel()
        self.conflicts_view = DataTableView()
        self.conflicts_view.setModel(self.conflicts_model)
        self.conflicts_view.setAccessibleName(_("Conflits à résoudre"))
        self.conflicts_view.stretch_column(0)
        self.conflicts_view.setWordWrap(True)
        self.conflicts_view.selectionModel().currentRowChanged.connect(self._show_conflict)
        row.addWidget(self.conflicts_view, 3)
        side = QGridLayout()
        side.setSpacing(8)
        self.conflict_heading = QLabel()
        self.conflict_heading.setWordWrap(True)
        self.mine_card = ValueCard(_("Sur ce poste"))
        self.theirs_card = ValueCard(_("Sur l'autre poste"))
        self.mine_card.keep.clicked.connect(lambda: self.resolve("mine"))
        self.theirs_card.keep.clicked.connect(lambda: self.resolve("theirs"))
        self.edit_button = QPushButton(_("Autre valeur…"))
        self.edit_button.clicked.connect(self.resolve_with_value)
        side.addWidget(self.conflict_heading, 0, 0, 1, 2)
        side.addWidget(self.mine_card, 1, 0)
        side.addWidget(self.theirs_card, 1, 1)
        side.addWidget(self.edit_button, 2, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
        panel = QWidget()
        panel.setLayout(side)
        self.conflict_panel = panel
        row.addWidget(panel, 4)
        box.addLayout(row, 1)
        return frame

    # --- state ---------------------------------------------------------------------------

    @property
    def controller(self) -> SyncController | None:
        return self.ctx.sync

    def is_consultant(self) -> bool:
        return self.enrolment is not None and self.enrolment.role == "consultant"

    def refresh(self) -> None:
        from sync.client.service import enrolment, list_conflicts

        data_dir = self.ctx.services.data_dir
        self.enrolment = enrolment(data_dir)
        status = self.ctx.services.status.campaign_status()
        self._show_laptop(status.pending_sync_changes, status.last_sync)
        conflicts = [ConflictRow.of(c) for c in list_conflicts(data_dir)]
        current = self.conflicts_view.current_object()
        self.conflicts_model.set_rows(conflicts)
        self.conflicts_title.setText(  # type: ignore[union-attr]
            _("Conflits à résoudre ({n})").format(n=format_count(len(conflicts)))
            if conflicts
            else _("Conflits à résoudre")
        )
        if conflicts:
            keep = current.conflict_id if isinstance(current, ConflictRow) else None
            if not keep or not self.conflicts_view.select_row_where(
                lambda c: c.conflict_id == keep
            ):
                self.conflicts_view.selectRow(0)
        self._show_conflict()
        if self.is_consultant() and not self.devices_model.rows():
            self.load_devices()
        self._show_devices_note()

    def _on_sync_changed(self) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def _show_laptop(self, pending: int, last_sync: str | None) -> None:
        controller = self.controller
        online = controller.online if controller else None
        running = bool(controller and controller.running)
        enrolled = self.enrolment is not None
        text, _tone = sync_text(pending, online, last_sync, enrolled)
        if running:
            text = _("Synchronisation en cours…")
        self.state_label.setText(text)
        if self.enrolment is not None:
            if not self.server.hasFocus():
                self.server.setText(self.enrolment.server)
            number = self.enrolment.number
            self.role_label.setText(
                _("{role}, poste n° {number}").format(
                    role=role_name(self.enrolment.role),
                    number=number or "—",
                )
            )
        else:
            self.role_label.setText(_("pas encore inscrit"))
        self.last_label.setText(moment_text(last_sync) if last_sync else _("jamais"))
        self.pending_label.setText(
            ngettext("{n} modification", "{n} modifications", pending).format(
                n=format_count(pending)
            )
        )
        self.code.setVisible(True)
        self.enrol_button.setText(_("Réinscrire ce poste") if enrolled else _("Inscrire ce poste"))
        self.sync_button.setEnabled(enrolled and not running)
        self.enrol_button.setEnabled(not running)
        error = controller.error if controller else ""
        self.error_label.setText(error)
        self.error_label.setVisible(bool(error))

    def _show_devices_note(self) -> None:
        consultant = self.is_consultant()
        self.devices_view.setVisible(consultant)
        self.refresh_devices_button.setVisible(consultant)
        self.revoke_button.setVisible(consultant)
        if not consultant:
            self.devices_note.setText(
                _(
                    "La liste des postes inscrits se voit depuis un poste de consultant, qui "
                    "peut aussi révoquer un poste perdu ou volé."
                )
            )
        else:
            self.devices_note.setText(self.devices_error)
        self.devices_note.setVisible(bool(self.devices_note.text()))

    def _show_conflict(self, *_args: Any) -> None:
        row = self.conflicts_view.current_object()
        has = isinstance(row, ConflictRow)
        self.conflict_panel.setVisible(has)
        consultant = self.is_consultant()
        if not self.conflicts_model.rows():
            self.conflicts_note.setText(
                _("Aucun conflit : toutes les modifications se sont rejointes sans heurt.")
            )
        elif consultant:
            self.conflicts_note.setText(
                _(
                    "Deux postes ont modifié le même champ hors ligne. Choisissez la valeur à "
                    "garder : elle partira vers tous les postes à la prochaine synchronisation."
                )
            )
        else:
            self.conflicts_note.setText(
                _(
                    "Deux postes ont modifié le même champ hors ligne. Un poste de consultant "
                    "choisira la valeur à garder ; elle arrivera ici à la synchronisation."
                )
            )
        if not isinstance(row, ConflictRow):
            return
        self.conflict_heading.setText(
            _("{table} « {record} », champ « {field} »").format(
                table=row.table, record=row.record, field=field_name(row.field)
            )
        )
        self.mine_card.value.setText(value_text(row.mine))
        self.theirs_card.value.setText(value_text(row.theirs))
        for button in (self.mine_card.keep, self.theirs_card.keep, self.edit_button):
            button.setEnabled(consultant)

    # --- actions -------------------------------------------------------------------------

    def sync_now(self) -> None:
        if self.controller is not None:
            self.controller.sync_now()

    def enrol(self) -> None:
        server, code = self.server.text().strip(), self.code.text().strip()
        if not server or not code:
            self.error_label.setText(
                _("Indiquez l'adresse du serveur et le code d'inscription reçu.")
            )
            self.error_label.setVisible(True)
            return
        self.code.clear()
        if self.controller is not None:
            self.controller.sync_now(server=server, code=code)

    def resolve(self, keep: str | None, value: Any = None) -> None:
        from sync.client.service import resolve_conflict

        row = self.conflicts_view.current_object()
        if not isinstance(row, ConflictRow):
            return
        try:
            resolve_conflict(self.ctx.services.data_dir, row.conflict_id, keep, value)
        except Exception as exc:  # noqa: BLE001 - shown to the person
            self.ctx.show_error(exc, self)
            return
        self.ctx.notify(_("Conflit résolu : la décision part à la prochaine synchronisation."))
        self.ctx.changed("all")
        if self.controller is not None:
            self.controller.background()

    def resolve_with_value(self) -> None:
        row = self.conflicts_view.current_object()
        if not isinstance(row, ConflictRow):
            return
        current = row.mine if isinstance(row.mine, str) else value_text(row.mine)
        text, ok = QInputDialog.getText(
            self,
            _("Autre valeur"),
            _("Nouvelle valeur du champ « {field} » :").format(field=field_name(row.field)),
            text=current,
        )
        if not ok:
            return
        value: Any = text
        if not isinstance(row.mine, str):
            try:
                value = json.loads(text)
            except ValueError:
                value = text
        self.resolve(None, value)

    def load_devices(self) -> None:
        from sync.client.service import list_devices

        data_dir = self.ctx.services.data_dir

        def work(_progress: Any, _cancel: Any) -> list[dict[str, Any]]:
            return list_devices(data_dir)

        self.ctx.tasks.run(
            work,
            on_done=self._devices_loaded,
            on_error=self._devices_failed,
            title=_("Postes inscrits"),
            quiet=True,
        )

    def _devices_loaded(self, rows: list[dict[str, Any]]) -> None:
        self.devices_error = ""
        self.devices_model.set_rows([DeviceRow.of(r) for r in rows])
        self.devices_view.stretch_column(1)
        self._show_devices_note()

    def _devices_failed(self, exc: BaseException) -> None:
        self.devices_error = _("Liste des postes indisponible : {error}").format(error=exc)
        self._show_devices_note()

    def revoke(self) -> None:
        from sync.client.service import revoke_device

        row = self.devices_view.current_object()
        if not isinstance(row, DeviceRow):
            return
        answer = QMessageBox.question(
            self,
            _("Révoquer ce poste ?"),
            _(
                "Le poste « {label} » ne pourra plus synchroniser (ses données locales restent "
                "sur lui). Pour le réutiliser, il faudra un nouveau code d'inscription."
            ).format(label=row.label or row.device_id[:8]),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            revoke_device(self.ctx.services.data_dir, row.device_id)
        except Exception as exc:  # noqa: BLE001 - shown to the person
            self.ctx.show_error(exc, self)
            return
        self.load_devices()

    # --- screenshots ---------------------------------------------------------------------

    def screenshot_variants(self) -> list[ScreenshotVariant]:
        return [("sync-conflicts", self._screenshot_with_conflicts)]

    def _screenshot_with_conflicts(self) -> QWidget:
        """A consultant's laptop with two conflicts and three enrolled laptops (shown data only:
        nothing is written)."""
        from sync.client.service import Enrolment

        self.enrolment = Enrolment(
            "http://10.0.0.2:8765", "consultant", "1", "", self.ctx.services.uow.device_id
        )
        self.server.setText(self.enrolment.server)
        moment = "2026-12-07T14:05:00+00:00"
        self._show_laptop(3, moment)
        window = self.window()
        if hasattr(window, "status"):
            window.status.set_sync(3, False, moment)
        conflicts = [
            ConflictRow("c1", _("Résidence"), "Les Tilleuls", "dwellings", 41, 43, "b"),
            ConflictRow(
                "c2",
                _("Projet"),
                "Aire de jeux",
                "title",
                "Aire de jeux",
                "Aire de jeux pour les petits",
                "b",
            ),  # fmt: skip
        ]
        self.conflicts_model.set_rows(conflicts)
        self.conflicts_title.setText(_("Conflits à résoudre ({n})").format(n=2))  # type: ignore[union-attr]
        self.conflicts_view.selectRow(1)
        self._show_conflict()
        self._devices_loaded(
            [
                {"device_id": "a", "label": "Portable bureau", "role": "consultant", "number": 1},
                {"device_id": "b", "label": "Équipe Nord", "role": "field", "number": 2},
                {
                    "device_id": "c",
                    "label": "Agent",
                    "role": "officer",
                    "number": 3,
                    "revoked_at": "2026-12-01T09:00:00+00:00",
                },  # fmt: skip
            ]
        )
        return self
