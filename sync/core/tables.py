"""Which tables travel, how they merge, and which role may push them.

Only the tables listed here ever leave a laptop (the keyed serial hashes of `issued_serial` ride
inside their print batch). `local_meta` and the outbox never do: nothing synced may link a voter
to a ballot serial. Count sheets carry only the keyed hash of a serial, never a person.
"""

from __future__ import annotations

from enum import StrEnum

from sync.core.protocol import CONFLICT_TABLE, FLAG_TABLE


class Role(StrEnum):
    CONSULTANT = "consultant"
    FIELD = "field"
    OFFICER = "officer"


EDITABLE_TABLES = frozenset(
    {
        "campaign",
        "residence",
        "meeting",
        "question",
        "participant",
        "idea",
        "project",
        "criterion",
        "commission_session",
        "review",
        "ballot_style",
        "print_batch",
        "results_rule",
        "online_vote",
        "count_session",
        "appointment",
        "survey",
        "survey_response",
        "news_post",
        "project_followup",
        "public_result",
        "verification_bundle",
        "site_message",
        CONFLICT_TABLE,
    }
)
"""Records merged field by field, with a conflict when two sides change the same field."""

FACT_TABLES = frozenset({"count_sheet", "count_decision", "count_audit"})
"""Insert-only facts: written once, never edited; the same fact sent twice is one fact."""

SERVER_TABLES = frozenset({FLAG_TABLE})
"""Written only by the server (laptops pull them, never push them)."""

COUNT_TABLES = frozenset({"count_session", "count_sheet", "count_decision", "count_audit"})
"""Only an officer's laptop pushes its count."""

NEVER_SYNCED = frozenset({"issued_serial", "local_meta", "pending_change"})
"""Never pushed as tables of their own. The keyed hashes of `issued_serial` travel inside their
print batch (the field `_serials`): a count on another laptop must recognise the ballots."""

KEY_ROLES = frozenset({Role.FIELD, Role.OFFICER})
"""The roles that receive a campaign's ballot key (encrypted for each device): the field teams
print ballots, the officer counts them. A consultant's laptop does neither; it holds the key
only if it created the campaign."""

CONSULTANT_TABLES = frozenset({"site_message"})
"""Personal data written by residents on the public site: only consultants' laptops pull them
and mark them handled (field teams' and officers' laptops never receive them)."""


def may_pull(role: Role, table: str) -> bool:
    """Whether a device of this role receives records of this table."""
    return table not in CONSULTANT_TABLES or role is Role.CONSULTANT


def kind_of(table: str) -> str | None:
    """'edit', 'fact', or None for a table that never travels from a laptop."""
    if table in EDITABLE_TABLES:
        return "edit"
    if table in FACT_TABLES:
        return "fact"
    return None


def may_push(role: Role, table: str) -> bool:
    """Whether a device of this role may push a change to this table."""
    if kind_of(table) is None:
        return False
    if table in COUNT_TABLES:
        return role is Role.OFFICER
    if table == CONFLICT_TABLE or table in CONSULTANT_TABLES:
        return role is Role.CONSULTANT
    return True
