"""Table of the "Participants" tab: the people who agreed to be named, with search.

Name by pairs: `Participant` -> `ParticipantTableModel` -> `ParticipantTableView`. Residence names
come from a small lookup the panel refreshes.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.domain import models as m
from app.domain.dates import format_date
from app.i18n import _
from ui.widgets import Column, DataclassTableModel, DataTableView


def consent_label(person: m.Participant) -> str:
    """ "3 novembre 2026", or a clear word when no date is recorded (an anonymous record)."""
    if person.consent_at is None:
        return _("pas d'accord enregistré")
    return format_date(person.consent_at, weekday=False)


def display_name(person: m.Participant) -> str:
    """How a person is named in lists and dialogs (a record may hold no name at all)."""
    return person.name or _("(sans nom)")


class ParticipantTableModel(DataclassTableModel[m.Participant]):
    """Named participants, by name: name, residence, building / flat, consent date."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.residences: dict[str, str] = {}
        super().__init__(
            [
                Column(_("Nom"), display_name, tooltip=display_name),
                Column(_("Résidence"), self._residence),
                Column(_("Logement"), lambda p: p.building),
                Column(
                    _("Accord le"),
                    consent_label,
                    sort_key=lambda p: p.consent_at.isoformat() if p.consent_at else "",
                ),
            ],
            parent,
        )

    def _residence(self, person: m.Participant) -> str:
        return self.residences.get(person.residence_id or "", "")


class ParticipantTableView(DataTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Liste des participants nommés"))
