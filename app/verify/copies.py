"""Check the unsigned files of the bundle against the signed log: layouts, readings, sheets,
decisions. Each file is a convenience copy; a copy that disagrees with the log was altered.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from app.i18n import _
from app.verify.bundle import Bundle
from app.verify.log import LogFacts, LogSheet
from app.verify.model import VerifyFailure
from scanner.template import Template, template_from_json

READINGS = "readings.jsonl"
SHEETS = "sheets.json"
DECISIONS = "decisions.json"


def load_layouts(bundle: Bundle, facts: LogFacts) -> dict[str, Template]:
    """Template hash -> template; each layout must hash to its name, each sheet's must be there."""
    out: dict[str, Template] = {}
    for name in bundle.names("layouts/"):
        th = name.removeprefix("layouts/").removesuffix(".layout.json")
        try:
            tpl = template_from_json(bundle.json(name))
        except (ValueError, KeyError, TypeError):
            raise VerifyFailure(
                "layout",
                name,
                _(
                    "Mise en page {name} refusée : son empreinte ne correspond pas à son contenu."
                ).format(name=name),
            ) from None
        if tpl.template_hash != th:
            raise VerifyFailure(
                "layout",
                name,
                _("Mise en page {name} : elle porte l'empreinte {th}.").format(
                    name=name, th=tpl.template_hash
                ),
            )
        out[th] = tpl
    for sheet in facts.sheets.values():
        counted = sheet.status != "rejected"
        if counted and sheet.template_hash and sheet.template_hash not in out:
            raise VerifyFailure(
                "missing_file",
                f"layouts/{sheet.template_hash}.layout.json",
                _(
                    "La mise en page {th} du bulletin de l'entrée n° {seq} manque dans le paquet."
                ).format(th=sheet.template_hash, seq=sheet.reading_seq or sheet.seq),
            )
    return out


def load_readings(bundle: Bundle, facts: LogFacts) -> dict[str, dict[str, Any]]:
    """Reading sha256 -> parsed reading; every line must be one the log names, and back."""
    wanted = {s.reading_sha256: s for s in facts.sheets.values() if s.reading_sha256}
    out: dict[str, dict[str, Any]] = {}
    lines = bundle.get(READINGS).split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    for number, line in enumerate(lines, 1):
        digest = hashlib.sha256(line).hexdigest()
        sheet = wanted.get(digest)
        where = _("{file}, ligne {n}").format(file=READINGS, n=number)
        if sheet is None:
            raise VerifyFailure(
                "reading_mismatch",
                where,
                _(
                    "Lecture n° {n} modifiée ou étrangère : son empreinte ne correspond à aucune "
                    "entrée du journal."
                ).format(n=number),
            )
        reading = json.loads(line.decode("utf-8"))
        _check_reading(reading, sheet, where)
        if sheet.template_hash is None:  # a rejected sheet's layout is in its reading only
            sheet.template_hash = reading.get("template_hash")
        out[digest] = reading
    for digest, sheet in wanted.items():
        if digest not in out:
            raise VerifyFailure(
                "missing_reading",
                READINGS,
                _("La lecture de la feuille de l'entrée n° {seq} manque dans {file}.").format(
                    seq=sheet.reading_seq, file=READINGS
                ),
            )
    return out


def _check_reading(reading: dict[str, Any], sheet: LogSheet, where: str) -> None:
    same = (
        reading.get("file_sha256") == sheet.image_sha256
        and reading.get("page") == sheet.page
        and (sheet.serial_mac is None or reading.get("serial_hash") == sheet.serial_mac)
        and (sheet.template_hash is None or reading.get("template_hash") == sheet.template_hash)
    )
    if not same:
        raise VerifyFailure(
            "reading_mismatch",
            where,
            _("La lecture ne correspond pas à la feuille de l'entrée n° {seq} du journal.").format(
                seq=sheet.reading_seq
            ),
        )


def check_sheets(bundle: Bundle, facts: LogFacts) -> dict[str, str | None]:
    """Compare sheets.json with the log; returns sheet id -> template hash (hand-keyed too)."""
    rows = bundle.json(SHEETS)
    if not isinstance(rows, list):
        raise _bad_file(SHEETS)
    listed = {str(r.get("sheet_id")): r for r in rows if isinstance(r, dict)}
    templates: dict[str, str | None] = {}
    for sid, sheet in facts.sheets.items():
        row = listed.pop(sid, None)
        if row is None or _sheet_view(row) != _log_view(sheet):
            raise VerifyFailure(
                "sheet_mismatch",
                SHEETS,
                _(
                    "La feuille {id} de {file} ne correspond pas à l'entrée n° {seq} du journal."
                ).format(id=sid, file=SHEETS, seq=sheet.seq),
            )
        templates[sid] = sheet.template_hash or row.get("template_hash")
    if listed or len(rows) != len(facts.sheets):
        raise VerifyFailure(
            "sheet_mismatch",
            SHEETS,
            _("{file} contient des feuilles qu'aucune entrée du journal n'a reçues.").format(
                file=SHEETS
            ),
        )
    return templates


def _sheet_view(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row.get("seq"),
        row.get("image_sha256"),
        row.get("status"),
        tuple(row.get("reasons") or ()),
        row.get("reading_sha256"),
        bool(row.get("hand_keyed")),
        tuple(row.get("choices") or ()),
        None if row.get("hand_keyed") else row.get("page"),
        None if row.get("hand_keyed") else row.get("template_hash"),
    )


def _log_view(sheet: LogSheet) -> tuple[Any, ...]:
    return (
        sheet.seq,
        sheet.image_sha256,
        sheet.status,
        sheet.reasons,
        sheet.reading_sha256,
        sheet.hand_keyed,
        sheet.choices,
        None if sheet.hand_keyed else sheet.page,
        None if sheet.hand_keyed else sheet.template_hash,
    )


def check_decisions(bundle: Bundle, facts: LogFacts) -> None:
    """decisions.json must hold exactly the log's decisions, field for field."""
    rows = bundle.json(DECISIONS)
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise _bad_file(DECISIONS)
    listed = {r.get("seq"): r for r in rows}
    for entry in facts.decisions:
        row = listed.pop(entry.seq, None)
        p = entry.payload
        expected = (
            p["sheet_id"],
            p["target"],
            p.get("project_id"),
            p["value"],
            p["reason"],
            p["decided_by"],
            p.get("witness") or "",
            p.get("corrects_seq"),
        )
        found = None
        if row is not None:
            found = tuple(
                row.get(k) for k in ("sheet_id", "target", "project_id", "value", "reason")
            ) + (row.get("decided_by"), row.get("witness") or "", row.get("corrects_seq"))
        if found != expected:
            raise VerifyFailure(
                "decision_mismatch",
                _("{file}, décision de l'entrée n° {seq}").format(file=DECISIONS, seq=entry.seq),
                _("La décision de l'entrée n° {seq} diffère entre {file} et le journal.").format(
                    seq=entry.seq, file=DECISIONS
                ),
            )
    if listed:
        seq = sorted(listed, key=str)[0]
        raise VerifyFailure(
            "decision_mismatch",
            DECISIONS,
            _("{file} contient une décision (n° {seq}) absente du journal.").format(
                file=DECISIONS, seq=seq
            ),
        )


def _bad_file(name: str) -> VerifyFailure:
    return VerifyFailure("unreadable", name, _("Fichier {name} mal formé.").format(name=name))
