"""A large campaign for the dashboard and evaluation report benchmarks.

40 residences, 200 meetings with 600 questions, 2,000 ideas, 400 projects (half admitted by a
commission session), one print batch of ballots per residence, and 20,000 counted ballots:
one live count per residence with 500 hand-keyed ballots recorded through the real counting
service (audit log, signatures), so that the results are computed exactly as in the field.
Records other than the ballots are inserted in bulk (`insert_synced`), as the spreadsheet
import does. The folder is built once and reused (`--data-dir`), since keying 20,000
ballots takes a few minutes.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from app.domain.models import ProjectStatus
from app.services import Services, open_services
from app.services.campaigns import CampaignInput
from app.storage.tables import (
    CommissionSessionRow,
    IdeaRow,
    MeetingRow,
    PrintBatchRow,
    ProjectRow,
    QuestionRow,
    ResidenceRow,
    ReviewRow,
)
from app.storage.uow import insert_synced

THEMES = ("Cadre de vie", "Enfance et jeunesse", "Propreté", "Lien social", "Sécurité",
          "Nature en ville", "Mobilité", "Culture")  # fmt: skip
PASSPHRASE = "banc d'essai du tableau de bord"


def build(data_dir: Path, residences: int = 40, ideas: int = 2000, ballots: int = 20000,
          progress: bool = True) -> Path:  # fmt: skip
    """Build the campaign in `data_dir` (unless it is already there); returns `data_dir`."""
    marker = data_dir / "campaign-built.txt"
    if marker.exists():
        return data_dir
    services = open_services(data_dir)
    try:
        _records(services, residences, ideas)
        _count(services, ballots // residences, progress)
    finally:
        services.close()
    marker.write_text(f"{residences} {ideas} {ballots}\n", encoding="utf-8")
    return data_dir


def _records(services: Services, n_res: int, n_ideas: int) -> None:
    rng = random.Random(7)
    campaign = services.campaigns.create_campaign(
        CampaignInput(
            name="Budget participatif — banc d'essai",
            organiser="Bailleur de démonstration",
            ideas_start=date(2026, 3, 1), ideas_end=date(2026, 5, 31),
            workshops_start=date(2026, 3, 15), workshops_end=date(2026, 6, 15),
            commission_date=date(2026, 6, 30), vote_start=date(2026, 9, 14),
            vote_end=date(2026, 9, 30), results_date=date(2026, 10, 10),
            themes=THEMES,
        )
    )  # fmt: skip
    cid = campaign.id
    with services.uow() as s:
        res_ids = insert_synced(s, ResidenceRow, [
            {"campaign_id": cid, "name": f"Résidence {i + 1:02d}", "address": f"{i + 1} rue des Lilas",
             "dwellings": 150 + 25 * (i % 12), "budget_cents": 30_000_00}
            for i in range(n_res)
        ])  # fmt: skip
        meetings = []
        for i in range(n_res * 5):
            day = date(2026, 3, 16) + timedelta(days=(i * 3) % 90)
            meetings.append({
                "campaign_id": cid, "residence_id": res_ids[i % n_res], "kind": "workshop",
                "starts_at": datetime(day.year, day.month, day.day, 17, tzinfo=UTC),
                "attendance": {"residents": rng.randint(5, 40), "youth": rng.randint(0, 12),
                               "staff": rng.randint(0, 3), "partners": rng.randint(0, 2)},
            })  # fmt: skip
        meeting_ids = insert_synced(s, MeetingRow, meetings)
        insert_synced(s, QuestionRow, [
            {"meeting_id": meeting_ids[i % len(meeting_ids)],
             "question": f"Question n° {i + 1} : quand les travaux commenceront-ils ?",
             "answer": "Après le vote, à l'automne." if i % 3 else ""}
            for i in range(n_res * 15)
        ])  # fmt: skip
        projects = []
        for r, rid in enumerate(res_ids):
            for k in range(10):
                projects.append({
                    "campaign_id": cid, "residence_id": rid, "number": k + 1,
                    "title": f"Projet {k + 1} de la résidence {r + 1:02d}",
                    "short_description": "Un aménagement proposé par les habitants.",
                    "cost_cents": rng.randint(2, 12) * 1_000_00, "theme": THEMES[k % len(THEMES)],
                    "status": "admissible" if k < 6 else "inadmissible",
                })  # fmt: skip
        project_ids = insert_synced(s, ProjectRow, projects)
        (session_id,) = insert_synced(s, CommissionSessionRow, [
            {"campaign_id": cid, "held_on": date(2026, 6, 30), "members": ["Mme A", "M. B"]}
        ])  # fmt: skip
        insert_synced(s, ReviewRow, [
            {"project_id": pid, "session_id": session_id,
             "decision": p["status"], "validated_cost_cents": p["cost_cents"],
             "public_reason": "Conforme aux critères." if p["status"] == "admissible"
             else "Relève de l'entretien courant du bailleur."}
            for pid, p in zip(project_ids, projects, strict=True)
        ])  # fmt: skip
        insert_synced(s, IdeaRow, [
            {"campaign_id": cid, "residence_id": res_ids[i % n_res],
             "meeting_id": meeting_ids[i % len(meeting_ids)],
             "title": f"Idée n° {i + 1}", "theme": THEMES[rng.randrange(len(THEMES))],
             "project_id": project_ids[(i % n_res) * 10 + (i // n_res) % 10]}
            for i in range(n_ideas)
        ])  # fmt: skip
        s.commit()
    _styles_and_batches(services, cid, res_ids)


def _styles_and_batches(services: Services, cid: str, res_ids: list[str]) -> None:
    """A real print run per residence (2 ballots, real layout), then its row says 600: the
    dashboard reads the figure only, and printing 24,000 ballots would take the whole run."""
    from app.services.printing.types import PrintOptions

    work = services.data_dir / "bench-prints"
    work.mkdir(exist_ok=True)
    for i, rid in enumerate(res_ids):
        services.ballots.print_for_residence(rid, work / f"r{i}.pdf", PrintOptions(count=2))
    with services.uow() as s:
        s.execute(update(PrintBatchRow).where(PrintBatchRow.campaign_id == cid).values(count=600))
        s.commit()


def _count(services: Services, per_residence: int, progress: bool) -> None:
    rng = random.Random(11)
    for n, residence in enumerate(services.campaigns.list_residences()):
        session = services.counting.open_session(
            residence.id, "Agent de dépouillement", ("Témoin",), passphrase=PASSPHRASE
        )
        projects = services.projects.list_projects(
            residence_id=residence.id, status=ProjectStatus.ADMISSIBLE
        )
        for _i in range(per_residence):
            chosen = rng.sample(projects, rng.randint(1, 3))
            services.counting.hand_key(
                session.id, [p.id for p in chosen], "bulletin de banc d'essai"
            )
        if progress:
            print(f"  count {n + 1}", flush=True)
