"""Right to erasure at the byte level: once erased, a name cannot be read back from the files.

No Qt here: this checks `ParticipantService.erase_participant` on a real SQLite file, including
a connection whose SQLite build does not zero freed space by default (`secure_delete=OFF`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import event

from app.services import Services
from app.services.meetings import ParticipantInput

NAME = "Zoé Marchetti-Lefèvre"
PHONE = "07 12 34 56 78"


def store_bytes(services: Services) -> bytes:
    """The database file and its write-ahead log, as anyone copying the folder would get them."""
    path = Path(services.db.path)
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _add_and_edit(services: Services) -> str:
    person = services.participants.add_participant(
        ParticipantInput(
            name=NAME,
            phone=PHONE,
            email="zoe.ml@example.org",
            consent_at=date(2026, 11, 1),
            consent_text="Accepte d'être recontactée au sujet du local vélos. " * 10,
        )
    )
    # An edit leaves the previous version of the row behind in the page's free space.
    services.participants.update_participant(
        person.id,
        ParticipantInput(
            name=NAME, phone="07 12 34 56 79", consent_at=date(2026, 11, 1), consent_text="Oui"
        ),
    )
    return person.id


def _secure_delete_off(services: Services) -> None:
    """Behave like SQLite builds (Windows, macOS) that leave freed bytes in place."""
    event.listen(
        services.db.engine, "connect", lambda conn, _rec: conn.execute("PRAGMA secure_delete=OFF")
    )
    services.db.engine.dispose()


def test_name_readable_in_file_before_erasure(services):
    _secure_delete_off(services)
    _add_and_edit(services)
    assert NAME.encode() in store_bytes(services)


def test_erased_name_and_phone_are_gone_from_the_file_while_open(services):
    _secure_delete_off(services)
    person_id = _add_and_edit(services)
    assert services.participants.erase_participant(person_id) is True
    data = store_bytes(services)
    assert NAME.encode() not in data
    assert PHONE.encode() not in data
    assert b"zoe.ml@example.org" not in data
    # Other people's data is untouched.
    assert b"Jean-Marc Dupuis" in data
    assert [p.name for p in services.participants.list_participants()] == [
        "Fatima Benali (nom inventé)",
        "Jean-Marc Dupuis (nom inventé)",
    ]


def test_erased_demo_participant_is_gone_after_closing(services):
    fatima = next(
        p for p in services.participants.list_participants() if p.name.startswith("Fatima")
    )
    services.participants.erase_participant(fatima.id)
    services.close()
    assert b"Fatima" not in store_bytes(services)
    assert b"06 00 00 00 00" not in store_bytes(services)
