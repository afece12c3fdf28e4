"""Residences from a spreadsheet: name, address, dwellings, budget; preview first, then all or
nothing.

A line whose name matches a residence of the active campaign (accents and case ignored) updates
it; any other line creates one. A column left out of the file, or a cell left empty, keeps the
residence's current value (0 or empty for a new one). The plan is computed and applied inside
one transaction, so what the preview announced is exactly what is written, or nothing at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.money import check_cents, parse_euros
from app.domain.validation import MAX_NAME, fold, non_negative_int
from app.errors import UserError
from app.i18n import _
from app.services.interop.tables import Cell, Row, Table, check_widths, column_name, read_table
from app.storage.tables import ResidenceRow
from app.storage.uow import insert_synced

if TYPE_CHECKING:
    from app.services.campaigns import CampaignService
    from app.storage.uow import UnitOfWork

FIELDS = ("name", "address", "dwellings", "budget_cents")
HEADERS = {  # the folded header words accepted for each field
    "name": ("nom", "nom de la residence", "residence", "name"),
    "address": ("adresse", "address", "adresse postale"),
    "dwellings": ("logements", "nombre de logements", "nb logements", "dwellings", "foyers"),
    "budget_cents": ("budget", "enveloppe", "budget euros", "montant", "budget eur"),
}
EXPECTED = ("nom", "adresse", "logements", "budget")
MAX_DWELLINGS = 100_000


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ResidenceLine:
    line: int
    action: Action
    name: str
    address: str
    dwellings: int
    budget_cents: int
    residence_id: str | None  # the residence updated (None for a creation)
    changed: tuple[str, ...]  # fields that change (for an update)


@dataclass(frozen=True)
class ResidenceImport:
    lines: tuple[ResidenceLine, ...]
    applied: bool  # False for a preview (dry run)
    columns: tuple[str, ...]  # the fields found in the file
    ignored_columns: tuple[str, ...]  # headers that matched no field
    encoding: str
    delimiter: str

    def count(self, action: Action) -> int:
        return sum(1 for line in self.lines if line.action is action)


def header_key(text: str) -> str:
    words = re.sub(r"\(.*?\)|€|[_\-/.:]", " ", fold(text))
    return " ".join(words.split())


def map_columns(table: Table) -> tuple[dict[str, int], tuple[str, ...]]:
    """The column index of each field found, and the headers that matched none."""
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(table.headers):
        key = header_key(header)
        field = next((f for f, words in HEADERS.items() if key in words), None)
        if field is None:
            if header.strip():
                ignored.append(header)
            continue
        if field in found:
            raise UserError(
                _("Colonnes {a} et {b} : « {header} » apparaît deux fois.").format(
                    a=column_name(found[field]), b=column_name(index), header=header
                )
            )
        found[field] = index
    if "name" not in found:
        raise UserError(_missing_name(table))
    return found, tuple(ignored)


def _missing_name(table: Table) -> str:
    headers = [h for h in table.headers if h]
    if len(headers) == 1 and any(d in headers[0] for d in (";", ",", "\t")):
        return _(
            "Ligne 1 : l'en-tête « {header} » forme une seule colonne : le séparateur n'est pas "
            "celui du reste du fichier (point-virgule et virgule mélangés ?)."
        ).format(header=headers[0])
    return _(
        "Colonne « nom » absente (ligne 1). Colonnes trouvées : {found}. Colonnes attendues : "
        "{expected}."
    ).format(found=", ".join(headers) or "—", expected=", ".join(EXPECTED))


def _where(row: Row, index: int, header: str) -> str:
    return _("Ligne {line}, colonne {col} (« {header} »)").format(
        line=row.line, col=column_name(index), header=header
    )


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_int(value: Cell) -> int | None:
    """A dwellings count; a UserError without the place (the caller adds line and column)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise UserError(_("un nombre entier est attendu."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, (float, Decimal)) and value == int(value):
        number = int(value)
    else:
        text = str(value)
        for space in (" ", "\u00a0", "\u202f"):
            text = text.replace(space, "")
        if not text.isdigit():
            raise UserError(
                _("« {value} » n'est pas un nombre entier.").format(value=str(value).strip())
            )
        number = int(text)
    return non_negative_int(number, "dwellings", _("Le nombre de logements"), MAX_DWELLINGS)


def parse_amount(value: Cell) -> int | None:
    """A budget in cents; a UserError without the place (the caller adds line and column)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise UserError(_("un montant est attendu."))
    if isinstance(value, (int, float, Decimal)):
        try:
            cents = Decimal(str(value)) * 100
        except InvalidOperation:
            raise UserError(_("un montant est attendu.")) from None
        if cents != cents.to_integral_value():
            raise UserError(_("« {value} » a plus de deux décimales.").format(value=value))
        return check_cents(int(cents))
    return parse_euros(str(value))


def parse_name(value: Cell) -> str:
    name = _text(value)
    if not name:
        raise UserError(_("le nom est obligatoire."))
    if len(name) > MAX_NAME:
        raise UserError(
            _("{n} caractères, c'est trop (maximum {max}).").format(n=len(name), max=MAX_NAME)
        )
    return name


def parse_address(value: Cell) -> str | None:
    text = _text(value)
    return text[:2000] if text else None


PARSERS = {
    "name": parse_name,
    "address": parse_address,
    "dwellings": parse_int,
    "budget_cents": parse_amount,
}


def read_residences(table: Table) -> tuple[list[tuple[Row, dict[str, str | int]]], dict[str, int]]:
    """Each line's values (only the fields it gives), checked; errors name line and column."""
    columns, _ignored = map_columns(table)
    check_widths(table)
    out: list[tuple[Row, dict[str, str | int]]] = []
    seen: dict[str, int] = {}
    parsers = [(field, index, PARSERS[field]) for field, index in columns.items()]
    name_index = columns["name"]
    for row in table.rows:
        values: dict[str, str | int] = {}
        cells = row.cells
        for field, index, parse in parsers:
            try:
                value = parse(cells[index] if index < len(cells) else None)
            except UserError as exc:
                where = _where(row, index, table.headers[index])
                raise UserError(f"{where} : {exc.message}") from None
            if value is not None:
                values[field] = value
        key = fold(str(values["name"]))
        if key in seen:
            raise UserError(
                _("{where} : « {name} » figure déjà ligne {other}.").format(
                    where=_where(row, name_index, table.headers[name_index]),
                    name=values["name"],
                    other=seen[key],
                )
            )
        seen[key] = row.line
        out.append((row, values))
    return out, columns


def _plan(row: Row, values: dict[str, str | int], current: ResidenceRow | None) -> ResidenceLine:
    name = str(values["name"])
    if current is None:
        return ResidenceLine(
            row.line, Action.CREATE, name, str(values.get("address", "")),
            int(values.get("dwellings", 0)), int(values.get("budget_cents", 0)), None, (),
        )  # fmt: skip
    new = {
        "name": name,
        "address": values.get("address", current.address),
        "dwellings": values.get("dwellings", current.dwellings),
        "budget_cents": values.get("budget_cents", current.budget_cents),
    }
    changed = tuple(f for f in FIELDS if new[f] != getattr(current, f))
    return ResidenceLine(
        row.line, Action.UPDATE if changed else Action.UNCHANGED, name, str(new["address"]),
        int(new["dwellings"]), int(new["budget_cents"]), current.id, changed,
    )  # fmt: skip


def _apply(
    session: Session, campaign_id: str, plan: list[ResidenceLine], existing: dict[str, ResidenceRow]
) -> None:
    """Creations in bulk (stamped and queued for sync by `insert_synced`), updates one by one."""
    insert_synced(
        session,
        ResidenceRow,
        [
            {"campaign_id": campaign_id, "name": line.name, "address": line.address,
             "dwellings": line.dwellings, "budget_cents": line.budget_cents}
            for line in plan
            if line.action is Action.CREATE
        ],
    )  # fmt: skip
    for line in plan:
        if line.action is Action.UPDATE:
            row = existing[fold(line.name)]
            row.name, row.address = line.name, line.address
            row.dwellings, row.budget_cents = line.dwellings, line.budget_cents
    session.flush()


class ResidenceImporter:
    """Residences read from a spreadsheet (`Services.residence_import`)."""

    def __init__(self, *, campaigns: CampaignService, uow: UnitOfWork) -> None:
        self.campaigns = campaigns
        self.uow = uow

    def import_residences(self, path: Path, *, dry_run: bool = False) -> ResidenceImport:
        """Preview (`dry_run`) or apply the residences of `path` in the active campaign."""
        table = read_table(Path(path))
        if not table.rows:
            raise UserError(_("Aucune ligne de données sous l'en-tête."))
        lines_in, columns = read_residences(table)
        _found, ignored = map_columns(table)
        campaign_id = self.campaigns.active_campaign_id()
        with self.uow() as session:
            existing = {
                fold(r.name): r
                for r in session.scalars(
                    select(ResidenceRow).where(
                        ResidenceRow.campaign_id == campaign_id, ResidenceRow.deleted_at.is_(None)
                    )
                )
            }
            plan = [
                _plan(row, values, existing.get(fold(str(values["name"])))) if existing
                else _plan(row, values, None)
                for row, values in lines_in
            ]  # fmt: skip
            if not dry_run:
                _apply(session, campaign_id, plan, existing)
        return ResidenceImport(
            lines=tuple(plan),
            applied=not dry_run,
            columns=tuple(f for f in FIELDS if f in columns),
            ignored_columns=ignored,
            encoding=table.encoding,
            delimiter=table.delimiter,
        )
