"""Bad input gets a clear French message, and nothing already saved is lost."""

from __future__ import annotations

import os
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from app.domain import models as m
from app.domain.money import parse_euros
from app.errors import StorageError, UserError
from app.services import open_services
from app.services.campaigns import CampaignInput
from app.services.ideas import IdeaInput, ProjectInput
from app.services.meetings import MeetingInput, ParticipantInput

PARIS = ZoneInfo("Europe/Paris")


def test_empty_and_blank_names(services, campaign):
    with pytest.raises(UserError, match="obligatoire") as err:
        services.campaigns.add_residence("   ")
    assert err.value.field == "name"
    with pytest.raises(UserError, match="obligatoire"):
        services.campaigns.create_campaign(CampaignInput(name=""))


def test_duplicate_residence_name_ignores_case_and_accents(services, residence):
    with pytest.raises(UserError, match="s'appelle déjà"):
        services.campaigns.add_residence("les tilleuls")
    services.campaigns.add_residence("Résidence du Parc")
    with pytest.raises(UserError, match="s'appelle déjà"):
        services.campaigns.add_residence("RESIDENCE DU PARC")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", "négatif"),
        ("abc", "n'est pas un montant"),
        ("", "Indiquez"),
        ("999999999999", "aberrant"),
    ],
)
def test_bad_amounts(text, message):
    with pytest.raises(UserError, match=message):
        parse_euros(text)


def test_amounts_the_french_way():
    assert parse_euros("1 234,50 €") == 123450
    assert parse_euros("1234.5") == 123450
    assert parse_euros("30\u202f000") == 3_000_000


def test_negative_or_absurd_costs_are_refused(services, residence):
    with pytest.raises(UserError, match="négatif"):
        services.campaigns.add_residence("Autre", budget_cents=-1)
    with pytest.raises(UserError, match="aberrant"):
        services.ideas.create_idea(
            IdeaInput(title="Tour Eiffel", residence_id=residence.id, estimated_cost_cents=10**13)
        )
    with pytest.raises(UserError, match="supérieur à zéro"):
        services.projects.create_project(
            ProjectInput(title="Gratuit", residence_id=residence.id, cost_cents=0)
        )


def test_project_over_the_residence_budget(services, residence):
    with pytest.raises(UserError, match="dépasse l'enveloppe") as err:
        services.projects.create_project(
            ProjectInput(title="Piscine", residence_id=residence.id, cost_cents=45_000_00)
        )
    assert err.value.field == "cost_cents"
    assert "30\u202f000" in err.value.message
    assert services.projects.list_projects() == []


def test_date_outside_the_campaign(services, residence):
    with pytest.raises(UserError, match="en dehors de la campagne"):
        services.meetings.create_meeting(
            MeetingInput(
                kind=m.MeetingKind.WORKSHOP, starts_at=datetime(2025, 3, 1, 18, tzinfo=PARIS)
            )
        )
    with pytest.raises(UserError, match="date de fin est avant"):
        services.campaigns.create_campaign(
            CampaignInput(name="X", vote_start=date(2027, 2, 1), vote_end=date(2027, 1, 1))
        )


def test_personal_data_needs_consent(services, campaign):
    with pytest.raises(UserError, match="consentement"):
        services.participants.add_participant(ParticipantInput(name="Mme Martin"))
    assert services.participants.list_participants() == []


def _limit_size(services, extra_pages: int) -> None:
    """Cap the database file: SQLite then fails with SQLITE_FULL, as on a full disk."""
    services.db.engine.dispose()

    @event.listens_for(services.db.engine, "connect")
    def cap(dbapi_connection, _record):
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + extra_pages}")


def test_full_disk_gives_a_clear_message_and_keeps_saved_data(tmp_path, services, residence):
    saved = services.ideas.create_idea(
        IdeaInput(title="Déjà enregistrée", residence_id=residence.id)
    )
    _limit_size(services, 2)
    with pytest.raises(StorageError, match="disque est plein"):
        for n in range(500):
            services.ideas.create_idea(
                IdeaInput(title=f"Idée {n}", residence_id=residence.id, description="x" * 3000)
            )
    services.close()
    reopened = open_services(tmp_path / "data")
    titles = [i.title for i in reopened.ideas.list_ideas()]
    assert "Déjà enregistrée" in titles and saved.id in [i.id for i in reopened.ideas.list_ideas()]
    reopened.close()


@pytest.fixture
def read_only_copy(tmp_path):
    """A data folder that the OS refuses to write: a read-only bind mount as root (root ignores
    file modes), file modes otherwise."""
    data = tmp_path / "rw"
    fresh = open_services(data)
    fresh.campaigns.create_campaign(CampaignInput(name="Lecture seule"))
    fresh.campaigns.add_residence("R1")
    fresh.close()
    if os.geteuid() == 0:
        target = tmp_path / "ro"
        target.mkdir()
        subprocess.run(["mount", "--bind", str(data), str(target)], check=True)
        subprocess.run(["mount", "-o", "remount,ro,bind", str(target)], check=True)
        yield target
        subprocess.run(["umount", str(target)], check=True)
    else:
        for p in [*data.rglob("*"), data]:
            os.chmod(p, 0o555 if p.is_dir() else 0o444)
        yield data
        for p in [data, *data.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)


def test_read_only_database_gives_a_clear_message(read_only_copy):
    with pytest.raises(StorageError, match="lecture seule"):
        services = open_services(read_only_copy)
        residence = services.campaigns.list_residences()[0]
        services.ideas.create_idea(IdeaInput(title="Nouvelle", residence_id=residence.id))


def test_limit_messages_read_well_with_a_feminine_label():
    """ "La question est trop long" once: the wording no longer agrees with the label."""
    from app.domain.validation import non_negative_int, required_text

    with pytest.raises(UserError) as err:
        required_text("x" * 2001, "question", "La question", max_len=2000)
    assert str(err.value) == "La question : 2001 caractères, c'est trop (maximum 2000)."
    assert err.value.field == "question"
    with pytest.raises(UserError) as err:
        non_negative_int(20_000, "n", "La taille du groupe", 10_000)
    assert str(err.value) == "La taille du groupe : la valeur 20000 paraît aberrante."
    with pytest.raises(UserError) as err:
        non_negative_int(-3, "n", "La taille du groupe")
    assert str(err.value) == "La taille du groupe : une valeur négative (-3) n'est pas possible."
