"""The other vote materials (project sheets, poster, sign-in sheet) and document previews.

None of them carries ballot information: no QR, no serial, no batch. The poster needs the times
and places where residents vote ("permanences de vote"); they are typed by the team, one per
line, and kept on the residence's record (so they travel to every laptop by sync).
"""

from __future__ import annotations

import math
import re
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

import ballots
from app.errors import CancelFlag, Cancelled, UserError
from app.i18n import _
from app.services.base import get_live
from app.services.printing import files, specs
from app.services.printing.jobs import PrintJobs
from app.services.printing.preview import Previews, page_count, page_png
from app.services.printing.styles import Styles
from app.services.printing.types import MaterialKind
from app.storage.tables import CampaignRow, ResidenceRow
from app.storage.uow import UnitOfWork
from ballots.materials import (
    VoteSession,
    render_poster,
    render_project_sheets,
    render_sign_in_sheet,
)
from ballots.testdeck import make_test_deck

Progress = Callable[[int, int], None]
SIGNIN_ROWS = 22
MAX_SIGNIN_PAGES = 40
MAX_CONTACT = 80
_SESSION = re.compile(
    r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2})\s*[h:]\s*(\d{2})?\s*[-–à]+\s*"
    r"(\d{1,2})\s*[h:]\s*(\d{2})?\s+(.+?)\s*$"
)
DOCUMENT_KINDS = ("ballots", "test_deck", *(k.value for k in MaterialKind))


@dataclass(frozen=True)
class DocumentPreview:
    png: bytes
    page: int  # 0-based
    pages: int
    warnings: tuple[str, ...] = ()


def parse_vote_sessions(text: str) -> tuple[VoteSession, ...]:
    """Lines such as "12/01/2027 17 h 00 - 19 h 00 Salle commune" (or 17:00-19:00)."""
    sessions = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _SESSION.match(line)
        if not match:
            raise UserError(
                _(
                    "Ligne {n} : écrivez le jour, les heures et le lieu, par exemple "
                    "« 12/01/2027 17:00-19:00 Salle commune »."
                ).format(n=number),
                field="sessions",
            )
        d, mo, y, h1, m1, h2, m2, place = match.groups()
        try:
            start, end = time(int(h1), int(m1 or 0)), time(int(h2), int(m2 or 0))
            day = date(int(y), int(mo), int(d))
        except ValueError as exc:
            raise UserError(
                _("Ligne {n} : date ou heure impossible.").format(n=number), field="sessions"
            ) from exc
        if end <= start:
            raise UserError(
                _("Ligne {n} : l'heure de fin doit suivre l'heure de début.").format(n=number),
                field="sessions",
            )
        sessions.append(VoteSession(place, day, start, end))
    return tuple(sessions)


class Materials:
    """Materials and document previews (a part of `BallotService`)."""

    def __init__(
        self, uow: UnitOfWork, jobs: PrintJobs, styles: Styles, previews: Previews
    ) -> None:
        self.uow = uow
        self.jobs = jobs
        self.styles = styles
        self.previews = previews

    def vote_sessions_text(self, residence_id: str) -> str:
        with self.uow() as session:
            return get_live(session, ResidenceRow, residence_id, _("Résidence")).vote_sessions

    def set_vote_sessions(self, residence_id: str, text: str) -> tuple[VoteSession, ...]:
        """Check and keep the residence's voting times and places (one per line)."""
        sessions = parse_vote_sessions(text)
        self._set_residence_text(residence_id, vote_sessions=text.strip())
        return sessions

    def _set_residence_text(self, residence_id: str, **values: str) -> None:
        with self.uow() as session:
            row = get_live(session, ResidenceRow, residence_id, _("Résidence"))
            for name, value in values.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)

    def poster_contact_text(self, residence_id: str) -> str:
        with self.uow() as session:
            return get_live(session, ResidenceRow, residence_id, _("Résidence")).poster_contact

    def set_poster_contact(self, residence_id: str, text: str) -> str:
        """Keep whom residents ask about the vote (printed at the foot of the poster)."""
        contact = " ".join(text.split())
        if len(contact) > MAX_CONTACT:
            raise UserError(
                _("Le contact tient en {n} caractères au plus (un nom et un numéro).").format(
                    n=MAX_CONTACT
                ),
                field="contact",
            )
        self._set_residence_text(residence_id, poster_contact=contact)
        return contact

    def materials(
        self,
        residence_id: str,
        kind: MaterialKind,
        out: Path,
        *,
        style_id: str | None = None,
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
    ) -> Path:
        """Write project sheets, the poster or the sign-in sheet to `out` (atomically)."""
        out = files.check_target(out)
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        if progress is not None:
            progress(0, 1)
        self._write_material(residence_id, MaterialKind(kind), out, style_id)
        if progress is not None:
            progress(1, 1)
        return out

    def _write_material(
        self, residence_id: str, kind: MaterialKind, out: Path, style_id: str | None
    ) -> None:
        if kind is MaterialKind.SIGNIN:
            campaign, residence, pages = self._signin_inputs(residence_id)
            sessions = parse_vote_sessions(self.vote_sessions_text(residence_id))
            with specs.printed_language("fr"), specs.library_errors():
                render_sign_in_sheet(
                    campaign, residence, out, pages=pages, rows=SIGNIN_ROWS, sessions=sessions
                )
            return
        style_id = style_id or self.styles.ensure_default_style(residence_id).id
        job = self.jobs.job(style_id, long=kind is MaterialKind.SHEETS)
        with specs.printed_language(job.language), specs.library_errors():
            if kind is MaterialKind.SHEETS:
                render_project_sheets(job.spec, out)
            else:
                budget, contact = self._poster_facts(residence_id)
                render_poster(
                    job.spec,
                    self._poster_sessions(residence_id),
                    out,
                    budget_cents=budget,
                    contact=contact,
                )

    def _poster_sessions(self, residence_id: str) -> tuple[VoteSession, ...]:
        sessions = parse_vote_sessions(self.vote_sessions_text(residence_id))
        if not sessions:
            raise UserError(
                _(
                    "Indiquez au moins une permanence de vote (jour, heures et lieu) : l'affiche "
                    "dit aux habitants où et quand voter."
                ),
                field="sessions",
            )
        return sessions

    def _poster_facts(self, residence_id: str) -> tuple[int, str]:
        """The residence's budget and the contact typed for it (else the organiser's name)."""
        with self.uow() as session:
            residence = session.get(ResidenceRow, residence_id)
            assert residence is not None
            campaign = session.get(CampaignRow, residence.campaign_id)
            organiser = campaign.organiser if campaign is not None else ""
            budget = residence.budget_cents or 0
        return budget, self.poster_contact_text(residence_id) or organiser

    def _signin_inputs(self, residence_id: str) -> tuple[ballots.Campaign, ballots.Residence, int]:
        with self.uow() as session:
            residence = session.get(ResidenceRow, residence_id)
            if residence is None or residence.deleted_at is not None:
                raise UserError(_("Résidence introuvable ({id}).").format(id=residence_id))
            campaign = session.get(CampaignRow, residence.campaign_id)
            assert campaign is not None
            pages = min(MAX_SIGNIN_PAGES, max(1, math.ceil(residence.dwellings / SIGNIN_ROWS)))
            return (
                ballots.Campaign(campaign.id, campaign.short_code, campaign.name),
                ballots.Residence(residence.id, residence.name),
                pages,
            )

    def document_preview(
        self,
        residence_id: str,
        kind: str,
        *,
        style_id: str | None = None,
        page: int = 0,
        dpi: float = 100.0,
        test: bool = False,
    ) -> DocumentPreview:
        """Page `page` of any document of the Vote screen, drawn exactly as it will print."""
        if kind == "ballots" and style_id:
            preview = self.previews.preview(style_id, dpi=dpi, test=test)
            return DocumentPreview(preview.png, 0, 1, preview.warnings)
        with tempfile.TemporaryDirectory(prefix="bp-preview-") as folder:
            out = Path(folder) / "document.pdf"
            if kind == "test_deck":
                self._preview_deck(
                    style_id or self.styles.ensure_default_style(residence_id).id, out
                )
            else:
                self._write_material(residence_id, MaterialKind(kind), out, style_id)
            pages = page_count(out)
            page = max(0, min(page, pages - 1))
            return DocumentPreview(page_png(out, page, dpi), page, pages)

    def _preview_deck(self, style_id: str, out: Path) -> None:
        job = self.jobs.job(style_id, seed=0)
        with specs.printed_language(job.language), specs.library_errors():
            make_test_deck(job.spec, out, key=secrets.token_bytes(32), batch=1, count=7)
