"""The site's read model: the published part of the synced records, read-only.

`load(engine)` reads the server's records once per write (the records' highest `seq` is the
cache key: one indexed query per page), keeps only what a consultant published, and never reads
what the site must not show: participants (names, phones), count sheets and decisions (serials,
times), print batches, devices. Ideas are shown without their proposer, except an online
idea whose proposer consented to their name on the site; an online idea still to moderate, or
refused, is never shown.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app.domain.models import MODERATED
from app.domain.site import slugify
from sync.core.protocol import DELETED
from sync.server.store import ServerRecord, transaction

READ_TABLES = (
    "campaign", "residence", "meeting", "idea", "project", "criterion", "review",
    "commission_session", "results_rule", "news_post", "project_followup", "public_result",
)  # fmt: skip
"""The only tables the site reads (participants, the count and the print runs are never read)."""


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass
class Idea:
    title: str
    description: str
    theme: str
    location: str
    online: bool = False  # proposed on the site (and accepted)
    name: str = ""  # an online idea's proposer, only with their consent


@dataclass
class Review:
    decision: str
    reason: str
    held_on: date | None


@dataclass
class Followup:
    status: str
    milestones: list[dict[str, Any]]
    note: str
    picture: bool
    picture_alt: str


@dataclass
class Project:
    id: str
    residence_id: str
    number: int
    title: str
    short_description: str
    long_description: str
    cost_cents: int | None
    theme: str
    status: str
    picture: bool
    review: Review | None = None
    followup: Followup | None = None
    funded: bool = False
    votes: int | None = None


@dataclass
class Result:
    residence_id: str
    payload: dict[str, Any]
    published_at: datetime | None


@dataclass
class Residence:
    id: str
    slug: str
    name: str
    address: str
    dwellings: int
    budget_cents: int
    ideas: list[Idea] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    result: Result | None = None


@dataclass
class Meeting:
    id: str
    kind: str
    starts_at: datetime
    place: str
    residence: Residence | None
    updated: str


@dataclass
class News:
    id: str
    title: str
    body: str
    picture: bool
    picture_alt: str
    published_at: datetime


@dataclass
class Campaign:
    id: str
    slug: str
    name: str
    organiser: str
    description: str
    rules_text: str
    timezone: str
    dates: dict[str, date | None]
    residences: list[Residence] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    news: list[News] = field(default_factory=list)
    criteria: list[tuple[str, str]] = field(default_factory=list)
    rule: str = "greedy"
    threshold: int = 0
    projects: dict[str, Project] = field(default_factory=dict)
    pictures: dict[str, str] = field(default_factory=dict)  # "projet-<id>" -> base64 JPEG
    online_ideas: bool = False  # residents may propose ideas on the site

    def residence(self, slug: str) -> Residence | None:
        return next((r for r in self.residences if r.slug == slug), None)

    @property
    def budget_cents(self) -> int:
        return sum(r.budget_cents for r in self.residences)

    @property
    def funded(self) -> list[Project]:
        return [p for p in self.projects.values() if p.funded]


@dataclass
class Site:
    seq: int
    campaigns: dict[str, Campaign]


def _records(engine: Engine) -> tuple[int, dict[str, list[tuple[str, dict[str, Any]]]]]:
    by_table: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    with transaction(engine, read_only=True) as session:
        seq = session.scalar(select(func.max(ServerRecord.seq))) or 0
        rows = session.execute(
            select(ServerRecord.table_name, ServerRecord.record_id, ServerRecord.values_json).where(
                ServerRecord.table_name.in_(READ_TABLES)
            )
        )
        for table, record_id, values_json in rows:
            values = json.loads(values_json)
            if not values.get(DELETED):
                by_table[table].append((record_id, values))
    return int(seq), by_table


def _campaigns(rows: list[tuple[str, dict[str, Any]]]) -> dict[str, Campaign]:
    out: dict[str, Campaign] = {}
    for record_id, v in sorted(rows, key=lambda r: str(r[1].get("created_at", ""))):
        if not v.get("published"):
            continue
        slug = slugify(v.get("short_code") or v.get("name") or record_id)
        dates = {
            name: _date(v.get(name))
            for name in ("ideas_start", "ideas_end", "workshops_start", "workshops_end",
                         "commission_date", "vote_start", "vote_end", "results_date")
        }  # fmt: skip
        out[record_id] = Campaign(
            record_id, slug, v.get("name", ""), v.get("organiser", ""), v.get("description", ""),
            v.get("rules_text", ""), v.get("timezone") or "Europe/Paris", dates,
            online_ideas=bool(v.get("online_ideas")),
        )  # fmt: skip
    return out


def build(seq: int, by_table: dict[str, list[tuple[str, dict[str, Any]]]]) -> Site:
    campaigns = _campaigns(by_table["campaign"])
    residences: dict[str, Residence] = {}
    for record_id, v in sorted(by_table["residence"], key=lambda r: str(r[1].get("name", ""))):
        campaign = campaigns.get(v.get("campaign_id", ""))
        if campaign is None:
            continue
        taken = {r.slug for r in campaign.residences}
        slug = slugify(v.get("name", ""))
        if slug in taken:
            slug = f"{slug}-{record_id[:8]}"
        residence = Residence(
            record_id, slug, v.get("name", ""), v.get("address", ""), int(v.get("dwellings") or 0),
            int(v.get("budget_cents") or 0),
        )  # fmt: skip
        residences[record_id] = residence
        campaign.residences.append(residence)
    _projects(campaigns, residences, by_table)
    for _id, v in by_table["idea"]:
        place = residences.get(v.get("residence_id", ""))
        if place is None or (v.get("moderation") or "") not in MODERATED:
            continue  # an online idea is shown only once a field team accepted it
        online = v.get("origin") == "online"
        name = v.get("online_name", "") if online and v.get("name_public") else ""
        place.ideas.append(
            Idea(v.get("title", ""), v.get("description", ""), v.get("theme", ""),
                 v.get("location", ""), online, name)
        )  # fmt: skip
    _meetings(campaigns, residences, by_table)
    _news(campaigns, by_table)
    _rules(campaigns, by_table)
    _results(campaigns, residences, by_table)
    return Site(seq, {c.slug: c for c in campaigns.values()})


def _projects(
    campaigns: dict[str, Campaign],
    residences: dict[str, Residence],
    by_table: dict[str, list[tuple[str, dict[str, Any]]]],
) -> None:
    projects: dict[str, Project] = {}
    for record_id, v in by_table["project"]:
        home = residences.get(v.get("residence_id", ""))
        if home is None or not v.get("published"):
            continue
        residence = home
        project = Project(
            record_id, residence.id, int(v.get("number") or 0), v.get("title", ""),
            v.get("short_description", ""), v.get("long_description", ""), v.get("cost_cents"),
            v.get("theme", ""), v.get("status", ""), bool(v.get("web_picture")),
        )  # fmt: skip
        projects[record_id] = project
        residence.projects.append(project)
        campaign = campaigns[v["campaign_id"]]
        campaign.projects[record_id] = project
        if v.get("web_picture"):
            campaign.pictures[f"projet-{record_id}"] = v["web_picture"]
    for residence in residences.values():
        residence.projects.sort(key=lambda p: p.number)
    sessions = {rid: _date(v.get("held_on")) for rid, v in by_table["commission_session"]}
    latest: dict[str, tuple[str, Review]] = {}
    for _id, v in by_table["review"]:
        project_id = v.get("project_id", "")
        if project_id not in projects:
            continue
        key = str(v.get("created_at", ""))
        if project_id not in latest or latest[project_id][0] < key:
            review = Review(v.get("decision", ""), v.get("public_reason", ""),
                            sessions.get(v.get("session_id", "")))  # fmt: skip
            latest[project_id] = (key, review)
    for project_id, (_key, review) in latest.items():
        projects[project_id].review = review
    for _record_id, v in by_table["project_followup"]:
        followed = projects.get(v.get("project_id", ""))
        if followed is None or not v.get("published"):
            continue
        project = followed
        project.followup = Followup(
            v.get("status", "planned"),
            [{**m, "day": _date(m.get("day"))} for m in v.get("milestones") or []],
            v.get("note", ""),
            bool(v.get("web_picture")), v.get("picture_alt", ""),
        )  # fmt: skip
        if v.get("web_picture"):
            campaigns[v["campaign_id"]].pictures[f"suivi-{project.id}"] = v["web_picture"]


def _meetings(
    campaigns: dict[str, Campaign],
    residences: dict[str, Residence],
    by_table: dict[str, list[tuple[str, dict[str, Any]]]],
) -> None:
    for record_id, v in by_table["meeting"]:
        campaign = campaigns.get(v.get("campaign_id", ""))
        starts = _moment(v.get("starts_at"))
        if campaign is None or starts is None:
            continue
        residence = residences.get(v.get("residence_id") or "")
        campaign.meetings.append(
            Meeting(record_id, v.get("kind", ""), starts, v.get("place", ""), residence,
                    str(v.get("created_at", "")))
        )  # fmt: skip
    for campaign in campaigns.values():
        campaign.meetings.sort(key=lambda m: m.starts_at)


def _news(campaigns: dict[str, Campaign], by_table: dict[str, Any]) -> None:
    for record_id, v in by_table["news_post"]:
        campaign = campaigns.get(v.get("campaign_id", ""))
        when = _moment(v.get("published_at"))
        if campaign is None or not v.get("published") or when is None:
            continue
        campaign.news.append(
            News(record_id, v.get("title", ""), v.get("body", ""), bool(v.get("web_picture")),
                 v.get("picture_alt", ""), when)
        )  # fmt: skip
        if v.get("web_picture"):
            campaign.pictures[f"actualite-{record_id}"] = v["web_picture"]
    for campaign in campaigns.values():
        campaign.news.sort(key=lambda n: n.published_at, reverse=True)


def _rules(campaigns: dict[str, Campaign], by_table: dict[str, Any]) -> None:
    for _id, v in sorted(by_table["criterion"], key=lambda r: r[1].get("position", 0)):
        campaign = campaigns.get(v.get("campaign_id", ""))
        if campaign is not None:
            campaign.criteria.append((v.get("label", ""), v.get("description", "")))
    for _id, v in by_table["results_rule"]:
        campaign = campaigns.get(v.get("campaign_id", ""))
        if campaign is not None:
            campaign.rule = v.get("rule") or "greedy"
            campaign.threshold = int(v.get("threshold") or 0)


def _results(
    campaigns: dict[str, Campaign],
    residences: dict[str, Residence],
    by_table: dict[str, Any],
) -> None:
    for _id, v in by_table["public_result"]:
        residence = residences.get(v.get("residence_id", ""))
        if residence is None or not v.get("published"):
            continue
        payload = dict(v.get("payload") or {})
        residence.result = Result(residence.id, payload, _moment(v.get("published_at")))
        campaign = campaigns[v["campaign_id"]]
        selected = set(payload.get("selected") or [])
        for line in payload.get("projects") or []:
            project = campaign.projects.get(line.get("project_id", ""))
            if project is not None:
                project.votes = int(line.get("votes") or 0)
                project.funded = project.id in selected


class SiteCache:
    """The built site, rebuilt when the records' highest `seq` moves (any write)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._site: Site | None = None
        self._lock = threading.Lock()

    def current_seq(self) -> int:
        with transaction(self.engine, read_only=True) as session:
            return int(session.scalar(select(func.max(ServerRecord.seq))) or 0)

    def get(self) -> Site:
        seq = self.current_seq()
        site = self._site
        if site is not None and site.seq == seq:
            return site
        with self._lock:
            if self._site is None or self._site.seq != seq:
                self._site = build(*_records(self.engine))
            return self._site
