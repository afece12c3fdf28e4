"""A Decidim budgets vote (.pb) imported for a residence and combined with the paper count:
what is written is read back, each source is counted apart, and no voter id is kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from app.domain import models as m
from app.errors import UserError
from app.services import Services
from app.services.ideas import ProjectInput
from app.services.printing.types import StyleInput
from app.storage.tables import ProjectRow

PASSPHRASE = "phrase secrète du test de vote en ligne"


def pb_file(path: Path, votes: list[tuple[str, str]], projects=None) -> Path:  # type: ignore[no-untyped-def]
    projects = projects or [("101", "20000", "Bancs"), ("102", "15000", "Jardin partagé")]
    lines = ["META", "key;value", "description;Decidim, budgets", "country;France",
             "unit;Les Tilleuls", "instance;2026", f"num_projects;{len(projects)}",
             f"num_votes;{len(votes)}", "budget;30000", "vote_type;approval",
             "PROJECTS", "project_id;cost;name"]  # fmt: skip
    lines += [";".join(p) for p in projects]
    lines += ["VOTES", "voter_id;vote"] + [f"{voter};{vote}" for voter, vote in votes]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def voted(services: Services, campaign, residence):  # type: ignore[no-untyped-def]
    bancs, jardin = (
        services.projects.create_project(
            ProjectInput(title, residence.id, cost_cents=cost, status=m.ProjectStatus.ADMISSIBLE)
        )
        for title, cost in (("Bancs", 20_000_00), ("Jardin partagé", 15_000_00))
    )
    with services.uow() as s:  # matched by `decidim import` of the budgets projects
        s.execute(update(ProjectRow).where(ProjectRow.id == bancs.id).values(decidim_id="101"))
        s.commit()
    services.ballots.create_style(residence.id, StyleInput(name="Standard"))
    session = services.counting.open_session(residence.id, "Agent", passphrase=PASSPHRASE)
    for choices in [[bancs.id]] * 3 + [[jardin.id]]:
        services.counting.hand_key(session.id, choices, "bulletin abîmé")
    return bancs, jardin


def test_online_vote_is_combined_and_each_source_shown(services, residence, voted, tmp_path):
    bancs, jardin = voted
    votes = [("decidim-voter-a1", "102"), ("decidim-voter-b2", "102,101"),
             ("decidim-voter-c3", "102")]  # fmt: skip
    f = pb_file(tmp_path / "vote.pb", votes)
    preview = services.online_vote.import_online_vote(f, "Les Tilleuls", dry_run=True)
    assert (preview.ballots, preview.applied) == (3, False)
    assert preview.votes == {bancs.id: 1, jardin.id: 3}  # 101 by its id, 102 by its title
    assert (
        services.online_vote.combined_results("Les Tilleuls").online_ballots == 0
    )  # nothing written

    done = services.online_vote.import_online_vote(f, "Les Tilleuls")
    assert done.applied and not done.replaced
    res = services.online_vote.combined_results("Les Tilleuls")
    assert (res.paper_ballots, res.online_ballots, res.online_file) == (4, 3, "vote.pb")
    lines = {line.title: (line.paper, line.online, line.votes) for line in res.projects}
    assert lines == {"Bancs": (3, 1, 4), "Jardin partagé": (1, 3, 4)}
    # 4 votes each: the tie is broken by the rule; one of them is funded within 30 000 €
    assert len(res.selected) == 1 and res.spent_cents in (20_000_00, 15_000_00)
    paper_only = services.counting.results(residence.id)
    assert paper_only.selected == (bancs.id,)  # paper alone: Bancs (3 votes against 1)

    again = services.online_vote.import_online_vote(
        pb_file(tmp_path / "v2.pb", votes[:1]), "Les Tilleuls"
    )
    assert again.replaced
    assert services.online_vote.combined_results("Les Tilleuls").online_ballots == 1
    raw = services.database_path.read_bytes()
    wal = services.database_path.with_name(services.database_path.name + "-wal")
    raw += wal.read_bytes() if wal.exists() else b""
    assert b"decidim-voter" not in raw  # the voters' ids are never stored


def test_a_project_of_the_file_that_is_none_of_ours_is_refused(services, voted, tmp_path):
    f = pb_file(tmp_path / "vote.pb", [("v1", "999")],
                projects=[("101", "20000", "Bancs"), ("999", "5000", "Piscine")])  # fmt: skip
    with pytest.raises(UserError) as error:
        services.online_vote.import_online_vote(f, "Les Tilleuls")
    assert "Le projet 999 « Piscine »" in error.value.message
    assert services.online_vote.combined_results("Les Tilleuls").online_ballots == 0


def test_dashboard_and_report_show_each_source(services, residence, voted, tmp_path):
    services.online_vote.import_online_vote(pb_file(tmp_path / "vote.pb", [("v1", "102"), ("v2", "102")]),
                       "Les Tilleuls")  # fmt: skip
    (result,) = services.dashboard.results()
    assert (result.valid, result.online, result.online_file) == (4, 2, "vote.pb")
    from tests.app.test_evaluation_report import pages, squash

    whole = squash(" ".join(pages(services.evaluation.write_report(tmp_path / "r.pdf"))))
    assert "Votes en ligne" in whole and "combinés aux bulletins papier" in whole
