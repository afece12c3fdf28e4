"""Ideas, projects, meetings and results exported to real CSV and XLSX files, read back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest

from app.domain.models import Decision, MeetingKind, ProjectStatus
from app.errors import UserError
from app.services.commission import ReviewInput
from app.services.ideas import IdeaInput, ProjectInput
from app.services.interop.tables import read_table
from app.services.meetings import MeetingInput

PASSPHRASE = "une phrase secrète assez longue pour les tests"


@pytest.fixture
def filled(services, residence):
    meeting = services.meetings.create_meeting(
        MeetingInput(
            kind=MeetingKind.WORKSHOP,
            starts_at=datetime(2026, 9, 20, 16, 0, tzinfo=UTC),
            residence_id=residence.id,
            place="Salle commune",
            facilitators="Awa; Jean",
            attendance={"residents": 14, "youth": 3},
        )
    )
    services.meetings.add_question(meeting.id, "Quand le vote ?", "En janvier.")
    idea = services.ideas.create_idea(
        IdeaInput(
            title="=Bancs au jardin",  # a formula-looking title stays text
            residence_id=residence.id,
            description="Des bancs; à l'ombre",
            theme="Cadre de vie",
            estimated_cost_cents=1_250_50,
            meeting_id=meeting.id,
        )
    )
    project = services.projects.merge_ideas(
        [idea.meta.id],
        ProjectInput(
            title="Bancs et ombre",
            residence_id=residence.id,
            short_description="Trois bancs",
            cost_cents=4_000_00,
            status=ProjectStatus.SUBMITTED,
        ),
    )
    session = services.commission.open_session(date(2026, 12, 10), ["Mme Diallo"])
    services.commission.record_review(
        session.id,
        ReviewInput(
            project.meta.id,
            Decision.ADMISSIBLE,
            public_reason="Faisable",
            validated_cost_cents=4_200_00,
        ),
    )
    return residence, meeting, idea, project


def as_dicts(path):
    table = read_table(path)
    return [dict(zip(table.headers, row.cells, strict=False)) for row in table.rows]


def test_ideas_csv_and_xlsx_round_trip(services, filled, tmp_path):
    _residence, meeting, idea, project = filled
    path, n = services.sheets.export_sheet("ideas", tmp_path / "idees.csv")
    assert n == 1 and path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    [row] = as_dicts(path)
    assert read_table(path).delimiter == ";"
    assert row["id"] == idea.meta.id and row["titre"] == "=Bancs au jardin"
    assert row["description"] == "Des bancs; à l'ombre"
    assert row["coût estimé (€)"] == "1250,50" and row["projet n°"] == "1"
    assert row["réunion"] == "2026-09-20" and row["résidence"] == "Les Tilleuls"
    xlsx, _n = services.sheets.export_sheet("ideas", tmp_path / "idees.xlsx")
    [x] = as_dicts(xlsx)
    assert x["titre"] == "'=Bancs au jardin"  # never a formula
    assert Decimal(str(x["coût estimé (€)"])) == Decimal("1250.5")
    cell = openpyxl.load_workbook(xlsx).active["G2"]
    assert cell.data_type == "n"  # an amount is a number in the workbook


def test_projects_carry_the_commission_decision(services, filled, tmp_path):
    *_x, project = filled
    for suffix in ("csv", "xlsx"):
        path, _n = services.sheets.export_sheet("projects", tmp_path / f"projets.{suffix}")
        [row] = as_dicts(path)
        assert row["id"] == project.meta.id and row["titre"] == "Bancs et ombre"
        assert row["statut"] == "Recevable" and row["motif de la commission"] == "Faisable"
        assert str(row["coût validé (€)"]) in ("4200,00", "4200")
        assert str(row["idées"]) == "1"


def test_meetings_count_attendance_ideas_and_questions(services, filled, tmp_path):
    _r, meeting, *_x = filled
    path, _n = services.sheets.export_sheet("meetings", tmp_path / "reunions.xlsx")
    [row] = as_dicts(path)
    assert row["id"] == meeting.meta.id and row["type"] == "Atelier"
    assert (row["Habitants"], row["Enfants et jeunes"], row["participants"]) == (14, 3, 17)
    assert (row["idées"], row["questions"]) == (1, 1)
    assert row["date"] == "2026-09-20T16:00+00:00"


def test_results_lines_only_for_counted_residences(services, filled, tmp_path):
    residence, *_x = filled
    path, n = services.sheets.export_sheet("results", tmp_path / "resultats.csv")
    assert n == 0 and as_dicts(path) == []
    services.counting.open_session(residence.id, "Agent test", passphrase=PASSPHRASE)
    path, n = services.sheets.export_sheet("results", tmp_path / "resultats.csv")
    [row] = as_dicts(path)
    assert row["projet"] == "Bancs et ombre" and row["voix"] == "0"
    assert row["dépouillement scellé"] == "non"
    assert "serial" not in " ".join(read_table(path).headers).lower()


def test_unknown_what_and_extension(services, filled, tmp_path):
    with pytest.raises(UserError, match="Export inconnu"):
        services.sheets.export_sheet("ballots", tmp_path / "x.csv")
    with pytest.raises(UserError, match="Extension non reconnue"):
        services.sheets.export_sheet("ideas", tmp_path / "x.ods")
