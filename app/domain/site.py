"""Pure rules of the public site: addresses (slugs), the news' simple formatting, the follow-up's
statuses, and the limits of the contact form. No I/O; the server and the app both use them."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.i18n import N_

FOLLOWUP_STATUSES = {
    "planned": N_("Programmé"),
    "in_progress": N_("Travaux en cours"),
    "done": N_("Réalisé"),
    "postponed": N_("Reporté"),
}
REPLY_HOWS = {
    "none": N_("Pas de réponse souhaitée"),
    "email": N_("Par e-mail"),
    "phone": N_("Par téléphone"),
}
MAX_NAME = 100
MAX_CONTACT = 120
MAX_MESSAGE = 3000
MAX_IDEA_TITLE = 150
MAX_IDEA_DESCRIPTION = 3000
MAX_LOCATION = 200
MAX_FORM_BYTES = 16_000
MESSAGES_PER_HOUR = 5
KEEP_DAYS = 365
"""What residents write on the site (messages, an online idea's name and contact) is erased a
year after the campaign's end, or 365 days after it arrived when the campaign has no end."""


def campaign_end(days: Iterable[date | None]) -> date | None:
    """The campaign's end: the latest of its key dates (results, vote, commission…), if any."""
    known = [d for d in days if d is not None]
    return max(known) if known else None


def erase_on(end: date | None, received: datetime | date | None, today: date) -> date:
    """The day a resident's message (or an online idea's contact details) is erased."""
    if end is not None:
        return end + timedelta(days=KEEP_DAYS)
    if isinstance(received, datetime):
        received = received.date()
    return (received or today) + timedelta(days=KEEP_DAYS)


def slugify(text: str) -> str:
    """`Les Hauts de Bel-Air` -> `les-hauts-de-bel-air` (stable addresses for posters)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "x"


_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
_ITALIC = re.compile(r"\*([^*\n]+)\*")


def _inline(text: str) -> str:
    out = html.escape(text, quote=True)
    out = _LINK.sub(r'<a href="\2">\1</a>', out)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    return _ITALIC.sub(r"<em>\1</em>", out)


def format_text(text: str) -> str:
    """Simple formatting to safe HTML: blank lines make paragraphs, lines starting with "- "
    a list, **bold**, *italic*, [text](https://link). Everything else is escaped."""
    blocks = [b for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()) if b.strip()]
    out = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        else:
            out.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return "\n".join(out)


def plain_text(text: str) -> str:
    """The text without its formatting marks (feeds, summaries)."""
    text = _LINK.sub(r"\1", text)
    return _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text)).replace("\n- ", "\n• ")


@dataclass(frozen=True)
class Milestone:
    day: date | None
    label: str
    done: bool = False


@dataclass(frozen=True)
class NewsPost:
    id: str
    campaign_id: str
    title: str
    body: str
    has_picture: bool
    picture_alt: str
    published: bool
    published_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class Followup:
    id: str
    project_id: str
    status: str
    milestones: tuple[Milestone, ...]
    note: str
    has_picture: bool
    picture_alt: str
    published: bool


@dataclass(frozen=True)
class SiteMessage:
    id: str
    campaign_id: str
    residence_id: str
    name: str
    message: str
    reply_how: str
    contact: str
    received_at: datetime | None
    handled_at: datetime | None
    follow_up: str = ""
    follow_up_done: bool = False
    erase_on: date | None = None  # when it will be erased (`KEEP_DAYS`)

    @property
    def handled(self) -> bool:
        return self.handled_at is not None

    @property
    def follow_up_open(self) -> bool:
        return bool(self.follow_up) and not self.follow_up_done


@dataclass(frozen=True)
class PublishedResults:
    """A residence's results as the site shows them: frozen at `published_at`; `sealed` says
    whether every count of the residence was sealed then (otherwise they are provisional)."""

    residence_id: str
    published: bool
    published_at: datetime | None
    sealed: bool


@dataclass(frozen=True)
class PublishState:
    """What the site shows of a campaign."""

    campaign: bool
    projects: int
    projects_total: int
    results: int
    news: int
    followups: int
