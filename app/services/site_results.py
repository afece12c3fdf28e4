"""The results a consultant publishes on the site: frozen when published (docs/platform.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from app import i18n
from app.storage.count_tables import CountSessionRow

if TYPE_CHECKING:
    from app.services import Services


def publish_results(services: Services, residence_id: str) -> None:
    """Freeze the residence's current results for the site and publish them."""
    services.site.save_results(residence_id, public_results_payload(services, residence_id))


def public_results_payload(services: Services, residence_id: str) -> dict[str, Any]:
    """What the site shows of a residence's results: tallies, votes per project, funded
    projects, the rule explained (French and English), the seals. No serial, sheet or time."""

    res = services.counting.results(residence_id)
    doc: dict[str, Any] = res.as_dict()
    residence = services.campaigns.get_residence(residence_id)
    doc["dwellings"] = residence.dwellings
    texts: dict[str, Any] = {}
    previous = i18n.language()
    try:
        for language in i18n.LANGUAGES:
            i18n.set_language(language)
            text = services.count_view.explanation(residence_id)
            texts[language] = {
                "rule": text.rule_text, "lines": list(text.lines),
                "equal_shares": list(text.equal_shares), "ties": list(text.ties),
            }  # fmt: skip
    finally:
        i18n.set_language(previous)
    doc["explanation"] = texts
    with services.uow() as session:
        rows = session.scalars(
            select(CountSessionRow).where(CountSessionRow.id.in_(list(res.sessions)))
        )
        doc["seals"] = [
            {"session": row.id, "sealed_hash": row.sealed_hash or "",
             "key_fingerprint": row.key_fingerprint}
            for row in rows
        ]  # fmt: skip
    return doc
