"""The public site's pages, mounted on the sync server's FastAPI app (docs/platform.md).

Server-rendered HTML (Jinja2, no JavaScript), French first; `?lang=en` gives English and every
link keeps it. Addresses are stable (they are printed on posters): `/` lists the published
campaigns, `/c/<slug>/` is a campaign's home, under it `regles`, `calendrier` (+ `.ics`),
`actualites` (+ `.xml`, Atom), `residences/<slug>` (+ `/idee`, online ideas), `projets/<id>`, `resultats`, `suivi`,
`contact`. Only what a consultant published is shown (`data.py`).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.engine import Engine

from app.domain.models import DECISION_LABELS, MEETING_KIND_LABELS, PROJECT_STATUS_LABELS
from app.domain.rules import ResultsRule
from app.domain.rules.labels import RULE_LABELS
from app.domain.site import FOLLOWUP_STATUSES, MAX_FORM_BYTES, REPLY_HOWS, format_text
from sync.server.public import feeds
from sync.server.public.contact import Form, keep_message
from sync.server.public.data import Campaign, Residence, Site, SiteCache
from sync.server.public.fmt import LANGS, Lang
from sync.server.public.ideas import IdeaForm, keep_idea

HERE = Path(str(resources.files("sync.server.public")))
PHASES = (
    ("ideas", "ideas_start", "ideas_end", "Collecte des idées"),
    ("workshops", "workshops_start", "workshops_end", "Ateliers"),
    ("commission", "commission_date", "commission_date", "Commission d'examen"),
    ("vote", "vote_start", "vote_end", "Vote"),
    ("results", "results_date", "results_date", "Résultats"),
)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["formatted"] = lambda text: Markup(format_text(text or ""))
    return env


def _lang(request: Request) -> Lang:
    code = request.query_params.get("lang", "fr")
    return Lang(code if code in LANGS else "fr")


class Pages:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cache = SiteCache(engine)
        self.env = _environment()
        self._pages: dict[tuple[str, str, str], tuple[bytes, bytes]] = {}
        self._pages_seq = -1
        self._pages_lock = threading.Lock()

    def render(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        lang: Lang = context.pop("lang", None) or _lang(request)
        campaign: Campaign | None = context.get("campaign")
        if campaign is not None:
            lang = Lang(lang.code, campaign.timezone)

        def url(path: str, **params: str) -> str:
            query = {**({"lang": "en"} if lang.code == "en" else {}), **params}
            return path + ("?" + urlencode(query) if query else "")

        other = "fr" if lang.code == "en" else "en"
        switch = request.url.path + ("?lang=en" if other == "en" else "")
        html = self.env.get_template(template).render(
            _=lang.gettext, ngettext=lang.ngettext, lang=lang, url=url, switch=switch,
            other_lang=other, path=request.url.path, labels=LABELS, today=date.today(),
            **context,
        )  # fmt: skip
        return HTMLResponse(html, status_code=status, headers=_headers())

    def site(self, request: Request) -> Site:
        """The published site, read once per request (one indexed query when nothing moved)."""
        site: Site | None = getattr(request.state, "site", None)
        if site is None:
            site = request.state.site = self.cache.get()
        return site

    def campaign(self, slug: str, request: Request) -> Campaign | None:
        return self.site(request).campaigns.get(slug)

    def cached(self, request: Request, key: str, produce: Callable[[], HTMLResponse]) -> Response:
        """A page built once per state of the data, language and day: a page is a function
        of the published records (their highest `seq`), `?lang` and today's date."""
        seq = self.site(request).seq
        full = (key, _lang(request).code, date.today().isoformat())
        with self._pages_lock:
            if self._pages_seq != seq:
                self._pages.clear()
                self._pages_seq = seq
            hit = self._pages.get(full)
        if hit is None:
            response = produce()
            if response.status_code != 200:
                return response
            body = bytes(response.body)
            hit = (body, gzip.compress(body, 6))
            with self._pages_lock:
                if self._pages_seq == seq:
                    self._pages[full] = hit
        headers = {**_headers(), "Vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(hit[1], media_type="text/html; charset=utf-8", headers=headers)
        return Response(hit[0], media_type="text/html; charset=utf-8", headers=headers)

    def not_found(self, request: Request) -> HTMLResponse:
        return self.render(request, "not_found.html", status=404)


LABELS = {
    "meeting": {k.value: v for k, v in MEETING_KIND_LABELS.items()},
    "decision": {k.value: v for k, v in DECISION_LABELS.items()},
    "status": {k.value: v for k, v in PROJECT_STATUS_LABELS.items()},
    "followup": FOLLOWUP_STATUSES,
    "reply": REPLY_HOWS,
}


def _headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": "default-src 'self'; img-src 'self'; style-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-cache",
    }


def phases(campaign: Campaign, today: date) -> list[dict[str, Any]]:
    """The calendar's phases with where the campaign stands today."""
    out = []
    for key, start_name, end_name, label in PHASES:
        start, end = campaign.dates.get(start_name), campaign.dates.get(end_name)
        if start is None and end is None:
            continue
        first, last = start or end, end or start
        assert first is not None and last is not None
        state = "past" if last < today else "future" if first > today else "now"
        out.append({"key": key, "label": label, "start": start, "end": end, "state": state})
    return out


def mount(app: FastAPI, engine: Engine) -> None:
    pages = Pages(engine)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="site-static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request) -> Response:
        def produce() -> HTMLResponse:
            campaigns = sorted(pages.site(request).campaigns.values(), key=lambda c: c.name)
            return pages.render(request, "index.html", campaigns=campaigns)

        return pages.cached(request, "/", produce)

    @app.get("/c/{slug}", include_in_schema=False)
    def campaign_no_slash(request: Request, slug: str) -> Response:
        query = f"?{request.url.query}" if request.url.query else ""
        return Response(status_code=308, headers={"Location": f"/c/{slug}/{query}"})

    @app.get("/c/{slug}/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, slug: str) -> Response:
        campaign = pages.campaign(slug, request)
        if campaign is None:
            return pages.not_found(request)

        def produce() -> HTMLResponse:
            assert campaign is not None
            today = date.today()
            upcoming = [m for m in campaign.meetings if m.starts_at.date() >= today][:3]
            return pages.render(
                request, "home.html", campaign=campaign, phases=phases(campaign, today),
                upcoming=upcoming, news=campaign.news[:3],
            )  # fmt: skip

        return pages.cached(request, request.url.path, produce)

    def simple(name: str, template: str) -> None:
        @app.get(f"/c/{{slug}}/{name}", response_class=HTMLResponse, include_in_schema=False)
        def page(request: Request, slug: str) -> Response:
            campaign = pages.campaign(slug, request)
            if campaign is None:
                return pages.not_found(request)

            def produce() -> HTMLResponse:
                assert campaign is not None
                return pages.render(
                    request, template, campaign=campaign, phases=phases(campaign, date.today()),
                    rule_name=rule_label_in(campaign.rule),
                )  # fmt: skip

            return pages.cached(request, request.url.path, produce)

        page.__name__ = f"page_{name}"

    for name in ("regles", "calendrier", "actualites", "resultats", "suivi"):
        simple(name, f"{name}.html")

    @app.get("/c/{slug}/calendrier.ics", include_in_schema=False)
    def ics(request: Request, slug: str) -> Response:
        campaign = pages.campaign(slug, request)
        if campaign is None:
            return pages.not_found(request)
        lang = Lang(_lang(request).code, campaign.timezone)
        body = feeds.calendar(campaign, lang, str(request.base_url).rstrip("/"))
        return Response(body, media_type="text/calendar; charset=utf-8")

    @app.get("/c/{slug}/actualites.xml", include_in_schema=False)
    def atom(request: Request, slug: str) -> Response:
        campaign = pages.campaign(slug, request)
        if campaign is None:
            return pages.not_found(request)
        body = feeds.atom(campaign, _lang(request), str(request.base_url).rstrip("/"))
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    @app.get("/c/{slug}/residences/{rslug}", response_class=HTMLResponse, include_in_schema=False)
    def residence(request: Request, slug: str, rslug: str) -> HTMLResponse:
        campaign = pages.campaign(slug, request)
        place = campaign.residence(rslug) if campaign else None
        if campaign is None or place is None:
            return pages.not_found(request)
        return pages.render(request, "residence.html", campaign=campaign, residence=place)

    @app.get("/c/{slug}/projets/{project_id}", response_class=HTMLResponse, include_in_schema=False)
    def project(request: Request, slug: str, project_id: str) -> HTMLResponse:
        campaign = pages.campaign(slug, request)
        item = campaign.projects.get(project_id) if campaign else None
        if campaign is None or item is None:
            return pages.not_found(request)
        place = next(r for r in campaign.residences if r.id == item.residence_id)
        return pages.render(
            request, "project.html", campaign=campaign, project=item, residence=place
        )

    @app.get("/c/{slug}/images/{name}.jpg", include_in_schema=False)
    def image(request: Request, slug: str, name: str) -> Response:
        campaign = pages.campaign(slug, request)
        encoded = campaign.pictures.get(name) if campaign else None
        if not encoded:
            return PlainTextResponse("", status_code=404)
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            return PlainTextResponse("", status_code=404)
        return Response(data, media_type="image/jpeg", headers={"Cache-Control": "max-age=3600"})

    @app.get("/c/{slug}/contact", response_class=HTMLResponse, include_in_schema=False)
    def contact(request: Request, slug: str) -> HTMLResponse:
        campaign = pages.campaign(slug, request)
        if campaign is None:
            return pages.not_found(request)
        return pages.render(request, "contact.html", campaign=campaign, form=Form(), sent=False)

    @app.post("/c/{slug}/contact", response_class=HTMLResponse, include_in_schema=False)
    async def contact_post(request: Request, slug: str) -> HTMLResponse:
        campaign = pages.campaign(slug, request)
        if campaign is None:
            return pages.not_found(request)
        body = await _bounded_body(request)
        if body is None:
            return pages.render(request, "too_large.html", status=413, campaign=campaign)
        form = Form.parse(parse_qs(body.decode("utf-8", "replace"), max_num_fields=20))
        residences = {r.id: r for r in campaign.residences}
        if form.honeypot:  # a bot: thanked, nothing kept
            return pages.render(request, "contact.html", campaign=campaign, form=Form(), sent=True)
        if not form.check(set(residences)):
            return pages.render(
                request, "contact.html", status=400, campaign=campaign, form=form, sent=False
            )
        sender = request.client.host if request.client else "unknown"
        if not keep_message(engine, campaign.id, form.residence, form, sender):
            return pages.render(
                request, "contact.html", status=429, campaign=campaign, form=form, sent=False,
                flooded=True,
            )  # fmt: skip
        return pages.render(request, "contact.html", campaign=campaign, form=Form(), sent=True)

    mount_ideas(app, pages)


def mount_ideas(app: FastAPI, pages: Pages) -> None:
    """`/c/<campaign>/residences/<residence>/idee`: propose an idea, when the campaign allows
    it (`campaign.online_ideas`); the idea waits for moderation (`ideas.py`)."""
    path = "/c/{slug}/residences/{rslug}/idee"

    def place(request: Request, slug: str, rslug: str) -> tuple[Campaign, Residence] | None:
        campaign = pages.campaign(slug, request)
        residence = campaign.residence(rslug) if campaign else None
        if campaign is None or residence is None or not campaign.online_ideas:
            return None
        return campaign, residence

    @app.get(path, response_class=HTMLResponse, include_in_schema=False)
    def idea_page(request: Request, slug: str, rslug: str) -> HTMLResponse:
        found = place(request, slug, rslug)
        if found is None:
            return pages.not_found(request)
        campaign, residence = found
        return pages.render(
            request, "idee.html", campaign=campaign, residence=residence, form=IdeaForm(),
            sent=False,
        )  # fmt: skip

    @app.post(path, response_class=HTMLResponse, include_in_schema=False)
    async def idea_post(request: Request, slug: str, rslug: str) -> HTMLResponse:
        found = place(request, slug, rslug)
        if found is None:
            return pages.not_found(request)
        campaign, residence = found
        body = await _bounded_body(request)
        if body is None:
            return pages.render(request, "too_large.html", status=413, campaign=campaign)
        form = IdeaForm.parse(parse_qs(body.decode("utf-8", "replace"), max_num_fields=20))
        context: dict[str, Any] = {"campaign": campaign, "residence": residence}
        if form.honeypot:  # a bot: thanked, nothing kept
            return pages.render(request, "idee.html", form=IdeaForm(), sent=True, **context)
        if not form.check():
            return pages.render(request, "idee.html", status=400, form=form, sent=False, **context)
        sender = request.client.host if request.client else "unknown"
        if not keep_idea(pages.engine, campaign.id, residence.id, form, sender):
            return pages.render(
                request, "idee.html", status=429, form=form, sent=False, flooded=True, **context
            )
        return pages.render(request, "idee.html", form=IdeaForm(), sent=True, **context)


async def _bounded_body(request: Request) -> bytes | None:
    """The request's body, or None beyond `MAX_FORM_BYTES` (read no further than that)."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_FORM_BYTES:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def rule_label_in(rule: str) -> str:
    """The rule's French label (the source string: templates translate it)."""
    try:
        return RULE_LABELS[ResultsRule(rule)]
    except ValueError:
        return rule


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
