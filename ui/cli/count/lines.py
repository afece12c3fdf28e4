"""One line per sheet, in words: where the sheet is, what it counts as, why (the codes stay in
`--json`). Shared by `ingest`, `watch`, `review` and `sheets`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.domain.counting.labels import outcome_text, reading_state, reasons_text
from app.i18n import _


def where(file_name: str, page: int) -> str:
    return _("{file}, page {page}").format(file=file_name, page=page)


def reading_line(file_name: str, page: int, status: str, reasons: Sequence[str]) -> str:
    """A sheet just recorded: "scan-003.png, page 1 : rejeté. Aucun repère de bulletin…"."""
    text = _("{where} : {state}.").format(where=where(file_name, page), state=reading_state(status))
    return f"{text} {reasons_text(list(reasons))}".rstrip()


def outcome_line(
    sheet_id: str, file_name: str, page: int, outcome: str, reasons: Sequence[str]
) -> str:
    """A sheet of the session and what it counts as now, its id first (for `decide`)."""
    text = _("{where} : {outcome}.").format(
        where=where(file_name, page), outcome=outcome_text(outcome)
    )
    return f"{sheet_id}  {text} {reasons_text(list(reasons))}".rstrip()


def review_line(
    sheet_id: str, file_name: str, page: int, reasons: Sequence[str], boxes: Sequence[Any]
) -> str:
    """A sheet to review: its id, where it is, why, and the boxes to look at (by project id)."""
    looked = ", ".join(
        _("{project} (n° {number})").format(project=b.project_id, number=b.number) for b in boxes
    )
    why = reasons_text(list(reasons)) or _("Lecture à vérifier.")
    text = f"{sheet_id}  {where(file_name, page)} : {why}"
    if looked:
        text += " " + _("Cases : {boxes}.").format(boxes=looked)
    return text
