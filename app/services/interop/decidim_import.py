"""Decidim exports in: proposals become ideas, budgets projects are matched to ours.

`decidim import F` reads a Decidim export (CSV, JSON or XLSX) and tells its kind by its
columns: a **proposals** export (`id`, `title…`, `body…`) or a **budgets projects** export
(`id`, `title…`, `budget_amount`). Titles and bodies may be plain (`title`, older versions) or
per language (`title/fr`, later versions; French first, else the first language present).

Proposals: one already matched (same Decidim id) is left as is; an unmatched idea with the same
title (accents, case and spacing ignored; the body decides between several) gets the proposal's
Decidim id (so that answers can be exported); any other proposal becomes a new idea of the
residence whose name is the proposal's scope (else the `--residence` given). Withdrawn proposals
and amendments are skipped. Projects: matched by id, then by title among the admissible
projects; an unknown project is reported, never created (projects come from the commission).
Everything is planned first (the preview) and written in one transaction.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.models import ProjectStatus
from app.domain.validation import MAX_TITLE, fold
from app.errors import UserError
from app.i18n import _
from app.services.interop.tables import Row, Table, column_name, read_table
from app.storage.tables import IdeaRow, ProjectRow

if TYPE_CHECKING:
    from app.services.campaigns import CampaignService
    from app.storage.uow import UnitOfWork

LOCALE = "fr"


class Kind(StrEnum):
    PROPOSALS = "proposals"
    PROJECTS = "projects"


class Action(StrEnum):
    CREATE = "create"  # a new idea
    LINK = "link"  # an existing idea or project gets the Decidim id
    UNCHANGED = "unchanged"  # already linked to that id
    SKIP = "skip"  # withdrawn, amendment, unknown project, ambiguous title


@dataclass(frozen=True)
class DecidimLine:
    line: int
    decidim_id: str
    title: str
    action: Action
    record_id: str | None  # our idea or project
    residence: str
    note: str = ""


@dataclass(frozen=True)
class DecidimImport:
    kind: Kind
    lines: tuple[DecidimLine, ...]
    applied: bool
    locale: str

    def count(self, action: Action) -> int:
        return sum(1 for line in self.lines if line.action is action)


# --- reading ------------------------------------------------------------------------------------


def read_export(path: Path) -> Table:
    """A Decidim export as a table; JSON records are flattened (`title/fr`, `scope/name/fr`)."""
    path = Path(path)
    if path.suffix.lower() != ".json":
        return read_table(path)
    if not path.is_file():
        raise UserError(_("Fichier introuvable : {path}").format(path=path), field="file")
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(
            _("JSON illisible : {name} ({error}).").format(name=path.name, error=exc)
        ) from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise UserError(_("Ce JSON n'est pas un export Decidim : une liste d'objets est attendue."))
    flat = [_flatten(record) for record in data]
    headers: list[str] = []
    for record in flat:
        headers += [k for k in record if k not in headers]
    rows = tuple(Row(i + 1, tuple(record.get(h) for h in headers)) for i, record in enumerate(flat))
    return Table(tuple(headers), rows)


def _flatten(value: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict):
            out.update(_flatten(item, name + "/"))
        elif isinstance(item, list):
            out[name] = ", ".join(str(x) for x in item)
        else:
            out[name] = item
    return out


def _pick(headers: tuple[str, ...], name: str, locale: str) -> int | None:
    """The column of `name` in `locale` (else plain `name`, else its first language)."""
    keys = [h.strip().lower() for h in headers]
    for wanted in (f"{name}/{locale}", name):
        if wanted in keys:
            return keys.index(wanted)
    for i, key in enumerate(keys):
        if re.fullmatch(rf"{name}/[a-z]{{2}}(?:[-_][a-z]{{2}})?", key):
            return i
    return None


def _column(headers: tuple[str, ...], name: str) -> int | None:
    keys = [h.strip().lower() for h in headers]
    return keys.index(name) if name in keys else None


_TAG = re.compile(r"<[^>]+>")


def plain(value: Any) -> str:
    """A Decidim rich text as plain text (paragraphs kept as line breaks)."""
    if value is None:
        return ""
    text = str(value)
    text = re.sub(r"</p>\s*|<br\s*/?>", "\n", text, flags=re.I)
    text = html.unescape(_TAG.sub("", text))
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()


def _id(row: Row, index: int, header: str) -> str:
    value = row.cells[index] if index < len(row.cells) else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else str(value).strip()
    if not text.isdigit():
        raise UserError(
            _("Ligne {line}, colonne {col} (« {header} ») : identifiant Decidim « {value} » "
              "illisible (un nombre entier est attendu).").format(
                line=row.line, col=column_name(index), header=header, value=text
            )
        )  # fmt: skip
    return text


def detect(table: Table, locale: str) -> tuple[Kind, dict[str, int | None]]:
    """The export's kind and its columns; a file of another kind or version is explained."""
    h = table.headers
    cols = {
        "id": _column(h, "id"),
        "title": _pick(h, "title", locale),
        "body": _pick(h, "body", locale),
        "description": _pick(h, "description", locale),
        "budget_amount": _column(h, "budget_amount"),
        "scope": _pick(h, "scope/name", locale),
        "category": _pick(h, "category/name", locale),
        "address": _column(h, "address"),
        "state": _column(h, "state"),
        "is_amend": _column(h, "is_amend"),
    }
    if cols["budget_amount"] is not None:
        kind = Kind.PROJECTS
    elif cols["body"] is not None:
        kind = Kind.PROPOSALS
    else:
        raise UserError(
            _(
                "Ce fichier n'est ni un export de propositions ni un export de projets Decidim "
                "(colonnes attendues : id, title/{locale}, body/{locale} ou budget_amount ; "
                "colonnes trouvées : {found})."
            ).format(locale=locale, found=", ".join(h[:12]) or "—")
        )
    missing = [name for name in ("id", "title") if cols[name] is None]
    if missing:
        raise UserError(
            _(
                "Ligne 1 : colonne(s) {missing} absente(s). Ce fichier vient sans doute d'une "
                "autre version de Decidim ; exportez les {what} depuis l'administration de "
                "Decidim (format CSV, JSON ou Excel) sans modifier les en-têtes."
            ).format(
                missing=", ".join(missing),
                what=_("propositions") if kind is Kind.PROPOSALS else _("projets"),
            )
        )
    return kind, cols


# --- planning and applying ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Planned:
    line: DecidimLine
    row: Row
    residence_id: str | None = None


def _cell(row: Row, index: int | None) -> Any:
    if index is None or index >= len(row.cells):
        return None
    return row.cells[index]


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes", "oui", "vrai")


def _plan_proposals(  # type: ignore[no-untyped-def]
    s: Session, table: Table, cols: dict[str, int | None], campaign_id: str, residences, default
) -> list[_Planned]:
    ideas = list(
        s.scalars(
            select(IdeaRow).where(IdeaRow.campaign_id == campaign_id, IdeaRow.deleted_at.is_(None))
        )
    )
    by_id = {i.decidim_id: i for i in ideas if i.decidim_id}
    free: dict[str, list[IdeaRow]] = {}
    for idea in ideas:
        if not idea.decidim_id:
            free.setdefault(fold(" ".join(idea.title.split())), []).append(idea)
    names = {fold(r.name): r for r in residences}
    res_names = {r.id: r.name for r in residences}
    taken: set[str] = set()
    seen: dict[str, int] = {}
    out: list[_Planned] = []
    id_col, title_col = cols["id"], cols["title"]
    assert id_col is not None and title_col is not None
    for row in table.rows:
        did = _id(row, id_col, table.headers[id_col])
        if did in seen:
            raise UserError(
                _("Ligne {line} : la proposition {id} figure déjà ligne {other}.").format(
                    line=row.line, id=did, other=seen[did]
                )
            )
        seen[did] = row.line
        title = " ".join(plain(_cell(row, title_col)).split())
        body = plain(_cell(row, cols["body"]))

        line = partial(DecidimLine, row.line, did, title)

        if not title:
            raise UserError(
                _("Ligne {line}, colonne {col} : la proposition {id} n'a pas de titre.").format(
                    line=row.line, col=column_name(title_col), id=did
                )
            )
        state = str(_cell(row, cols["state"]) or "").strip().lower()
        if state == "withdrawn" or _truthy(_cell(row, cols["is_amend"])):
            note = _("retirée") if state == "withdrawn" else _("amendement")
            out.append(_Planned(line(Action.SKIP, None, "", note), row))
            continue
        if did in by_id:
            idea = by_id[did]
            out.append(
                _Planned(line(Action.UNCHANGED, idea.id, res_names.get(idea.residence_id, "")), row)
            )
            continue
        candidates = [i for i in free.get(fold(title), []) if i.id not in taken]
        if len(candidates) > 1:
            same_body = [
                i for i in candidates if fold(plain(i.description or i.title)) == fold(body)
            ]
            candidates = same_body if len(same_body) == 1 else candidates
        if len(candidates) == 1:
            idea = candidates[0]
            taken.add(idea.id)
            out.append(
                _Planned(line(Action.LINK, idea.id, res_names.get(idea.residence_id, "")), row)
            )
            continue
        if len(candidates) > 1:
            note = _("{n} idées portent ce titre : associez-la à la main").format(n=len(candidates))
            out.append(_Planned(line(Action.SKIP, None, "", note), row))
            continue
        scope = plain(_cell(row, cols["scope"]))
        target = names.get(fold(scope)) if scope else None
        target = target or default
        if target is None:
            where = (
                _(
                    "colonne {col} (« {header} ») : la portée « {scope} » n'est le nom d'aucune résidence"
                ).format(
                    col=column_name(cols["scope"]), header=table.headers[cols["scope"]], scope=scope
                )
                if scope and cols["scope"] is not None
                else _("aucune portée ne désigne sa résidence")
            )
            raise UserError(
                _(
                    "Ligne {line} : {where} ; indiquez la résidence des nouvelles idées (--residence)."
                ).format(line=row.line, where=where)
            )
        out.append(_Planned(line(Action.CREATE, None, target.name), row, target.id))
    return out


def _plan_projects(
    s: Session, table: Table, cols: dict[str, int | None], campaign_id: str
) -> list[_Planned]:
    projects = list(
        s.scalars(
            select(ProjectRow).where(
                ProjectRow.campaign_id == campaign_id, ProjectRow.deleted_at.is_(None)
            )
        )
    )
    by_id = {p.decidim_id: p for p in projects if p.decidim_id}
    free: dict[str, list[ProjectRow]] = {}
    for p in projects:
        if not p.decidim_id and p.status == ProjectStatus.ADMISSIBLE.value:
            free.setdefault(fold(" ".join(p.title.split())), []).append(p)
    id_col, title_col = cols["id"], cols["title"]
    assert id_col is not None and title_col is not None
    taken: set[str] = set()
    out: list[_Planned] = []
    for row in table.rows:
        did = _id(row, id_col, table.headers[id_col])
        title = " ".join(plain(_cell(row, title_col)).split())
        if did in by_id:
            out.append(
                _Planned(
                    DecidimLine(row.line, did, title, Action.UNCHANGED, by_id[did].id, ""), row
                )
            )
            continue
        candidates = [p for p in free.get(fold(title), []) if p.id not in taken]
        if len(candidates) == 1:
            taken.add(candidates[0].id)
            out.append(
                _Planned(DecidimLine(row.line, did, title, Action.LINK, candidates[0].id, ""), row)
            )
        else:
            note = (
                _("aucun projet recevable de ce titre")
                if not candidates
                else _("{n} projets portent ce titre : associez-le à la main").format(
                    n=len(candidates)
                )
            )
            out.append(
                _Planned(DecidimLine(row.line, did, title, Action.SKIP, None, "", note), row)
            )
    return out


def _apply(  # type: ignore[no-untyped-def]
    s: Session, kind: Kind, plan: list[_Planned], campaign_id: str, table: Table, cols
) -> None:
    for p in plan:
        if p.line.action is Action.LINK and p.line.record_id:
            row: IdeaRow | ProjectRow | None = (
                s.get(IdeaRow, p.line.record_id)
                if kind is Kind.PROPOSALS
                else s.get(ProjectRow, p.line.record_id)
            )
            if row is not None:
                row.decidim_id = p.line.decidim_id
        elif p.line.action is Action.CREATE and p.residence_id:
            s.add(
                IdeaRow(
                    campaign_id=campaign_id,
                    residence_id=p.residence_id,
                    title=p.line.title[:MAX_TITLE],
                    description=plain(_cell(p.row, cols["body"]))[:10_000],
                    theme=plain(_cell(p.row, cols["category"]))[:100],
                    location=plain(_cell(p.row, cols["address"]))[:200],
                    decidim_id=p.line.decidim_id,
                )
            )
    s.flush()


class DecidimImporter:
    """Reads a Decidim export, previews it and applies it (`Services.decidim_import`)."""

    def __init__(self, *, campaigns: CampaignService, uow: UnitOfWork) -> None:
        self.campaigns = campaigns
        self.uow = uow

    def import_decidim(
        self,
        path: Path,
        *,
        residence: str | None = None,
        dry_run: bool = False,
        locale: str = LOCALE,
    ) -> DecidimImport:
        """Preview (`dry_run`) or apply a Decidim proposals or budgets projects export."""
        table = read_export(Path(path))
        if not table.rows:
            raise UserError(_("Aucune ligne de données sous l'en-tête."))
        kind, cols = detect(table, locale)
        campaign_id = self.campaigns.active_campaign_id()
        residences = self.campaigns.list_residences(campaign_id)
        default = self.campaigns.find_residence(residence, campaign_id) if residence else None
        with self.uow() as s:
            if kind is Kind.PROPOSALS:
                plan = _plan_proposals(s, table, cols, campaign_id, residences, default)
            else:
                plan = _plan_projects(s, table, cols, campaign_id)
            if not dry_run:
                _apply(s, kind, plan, campaign_id, table, cols)
        return DecidimImport(kind, tuple(p.line for p in plan), not dry_run, locale)
