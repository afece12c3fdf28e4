"""The calendar (`.ics`, RFC 5545) and the news feed (Atom, RFC 4287) of a campaign."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

from app.domain.models import MEETING_KIND_LABELS, MeetingKind
from app.domain.site import format_text
from sync.server.public.data import Campaign
from sync.server.public.fmt import Lang


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 5545, 3.1)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 74:
            out.append(current)
            current = " "
        current += char
    out.append(current)
    return "\r\n".join(out)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(campaign: Campaign, lang: Lang, base: str) -> str:
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//BP Terrain//Site public//FR",
        "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_ics_text(campaign.name)}",
    ]  # fmt: skip
    now = _stamp(datetime.now(UTC))
    for meeting in campaign.meetings:
        try:
            label = MEETING_KIND_LABELS[MeetingKind(meeting.kind)]
        except ValueError:
            label = meeting.kind
        summary = lang.gettext(label)
        if meeting.residence is not None:
            summary += f" — {meeting.residence.name}"
        lines += [
            "BEGIN:VEVENT", f"UID:{meeting.id}@bp-terrain", f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(meeting.starts_at)}",
            f"DTEND:{_stamp(meeting.starts_at + timedelta(hours=2))}",
            f"SUMMARY:{_ics_text(summary)}", f"LOCATION:{_ics_text(meeting.place)}",
            f"URL:{base}/c/{campaign.slug}/calendrier", "END:VEVENT",
        ]  # fmt: skip
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def atom(campaign: Campaign, lang: Lang, base: str) -> str:
    home = f"{base}/c/{campaign.slug}/"
    updated = campaign.news[0].published_at if campaign.news else datetime(2020, 1, 1, tzinfo=UTC)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang.code}">',
        f"<title>{escape(campaign.name)} — {escape(lang.gettext('Actualités'))}</title>",
        f"<id>{escape(home)}actualites</id>",
        f'<link rel="alternate" type="text/html" href="{escape(home)}actualites"/>',
        f'<link rel="self" href="{escape(home)}actualites.xml"/>',
        f"<updated>{updated.astimezone(UTC).isoformat()}</updated>",
        f"<author><name>{escape(campaign.organiser or campaign.name)}</name></author>",
    ]
    for post in campaign.news:
        link = f"{home}actualites#actualite-{post.id}"
        parts += [
            "<entry>",
            f"<title>{escape(post.title)}</title>",
            f"<id>urn:uuid:{escape(post.id)}</id>",
            f'<link rel="alternate" type="text/html" href="{escape(link)}"/>',
            f"<updated>{post.published_at.astimezone(UTC).isoformat()}</updated>",
            f'<content type="html">{escape(format_text(post.body))}</content>',
            "</entry>",
        ]
    parts.append("</feed>")
    return "\n".join(parts) + "\n"
