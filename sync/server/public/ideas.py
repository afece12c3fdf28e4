"""Online ideas (docs/platform.md): a resident proposes an idea on a residence's page, when the
campaign allows it. The idea is written as a synced `idea` record "proposée en ligne", waiting
for a field team's moderation: the site never shows it before it is accepted.

The same protections as the contact form (`contact.py`): the honeypot field, the rate limit per
sender address (shared with the contact form), the size limits, and HTML never interpreted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from app.domain.models import MODERATION_PENDING
from app.domain.site import (
    MAX_CONTACT,
    MAX_IDEA_DESCRIPTION,
    MAX_IDEA_TITLE,
    MAX_LOCATION,
    MAX_NAME,
)
from app.i18n import N_
from sync.server.public.contact import HONEYPOT, field_reader, keep_record

TABLE = "idea"


@dataclass
class IdeaForm:
    title: str = ""
    description: str = ""
    location: str = ""
    name: str = ""
    contact: str = ""
    name_public: bool = False
    consent: bool = False
    honeypot: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, fields: dict[str, list[str]]) -> IdeaForm:
        one = field_reader(fields)
        return cls(
            title=one("title"), description=one("description"), location=one("location"),
            name=one("name"), contact=one("contact"), name_public=one("name_public") == "1",
            consent=one("consent") == "1", honeypot=one(HONEYPOT),
        )  # fmt: skip

    def check(self) -> bool:
        """Fill `errors` (messages to translate, by field); True when the idea can be kept."""
        if not self.title:
            self.errors["title"] = N_("Donnez un titre à votre idée.")
        elif len(self.title) > MAX_IDEA_TITLE:
            self.errors["title"] = N_("Le titre est trop long (150 caractères au plus).")
        if not self.description:
            self.errors["description"] = N_("Décrivez votre idée en quelques phrases.")
        elif len(self.description) > MAX_IDEA_DESCRIPTION:
            self.errors["description"] = N_(
                "La description est trop longue (3 000 caractères au plus)."
            )
        if len(self.location) > MAX_LOCATION:
            self.errors["location"] = N_("Le lieu est trop long (200 caractères au plus).")
        if len(self.name) > MAX_NAME:
            self.errors["name"] = N_("Le nom est trop long (100 caractères au plus).")
        if len(self.contact) > MAX_CONTACT:
            self.errors["contact"] = N_("Ce champ est trop long (120 caractères au plus).")
        if (self.name or self.contact) and not self.consent:
            self.errors["consent"] = N_(
                "Cochez la case d'accord pour que l'équipe garde votre nom ou votre contact, "
                "ou laissez ces champs vides."
            )
        if self.name_public and not self.name:
            self.errors["name"] = N_("Indiquez votre nom pour qu'il soit affiché avec l'idée.")
        return not self.errors


def keep_idea(
    engine: Engine, campaign_id: str, residence_id: str, form: IdeaForm, sender: str
) -> bool:
    """Write the idea as a synced record awaiting moderation; False when the sender's address
    sent too many forms in the last hour (nothing written)."""
    consented = form.consent

    def values(_now: str) -> dict[str, Any]:
        return {
            "campaign_id": campaign_id, "residence_id": residence_id, "meeting_id": None,
            "title": form.title, "description": form.description, "theme": "",
            "location": form.location, "estimated_cost_cents": None, "proposer_id": None,
            "project_id": None, "decidim_id": "", "origin": "online",
            "moderation": MODERATION_PENDING, "moderation_reason": "",
            "online_name": form.name if consented else "",
            "online_contact": form.contact if consented else "",
            "name_public": bool(consented and form.name and form.name_public),
        }  # fmt: skip

    return keep_record(engine, TABLE, sender, values)
