"""Accueil says when a live count is open (the results rule is then frozen) and which results
are sealed, with local times."""

from __future__ import annotations

from app.domain.dates import format_datetime
from ui.screens.home.screen import HomeScreen

PASSPHRASE = "une phrase secrète pour les tests"


def test_home_shows_open_counts_and_sealed_results(ctx, qtbot):
    services = ctx.services
    home = HomeScreen(ctx)
    qtbot.addWidget(home)
    home.refresh()
    assert home.count_labels == []  # nothing counted yet: no count card
    residence_id = services.demo.demo_residence_id()
    session = services.counting.open_session(
        residence_id, "Agnès Martin", ["Karim Benali"], passphrase=PASSPHRASE
    )
    services.counting.open_session(residence_id, "Agnès Martin", passphrase=PASSPHRASE, mode="test")
    home.refresh()
    tz = services.campaigns.get_campaign().timezone
    [line] = home.count_labels  # the test count is not a count under way
    assert line.startswith(f"Dépouillement en cours : {session.residence_name}, ouvert le ")
    assert format_datetime(session.opened_at, tz) in line and "règle de résultats est figée" in line
    project = services.ballots.admissible_projects(residence_id)[0]
    services.counting.hand_key(session.id, [project.id], "Bulletin déchiré")
    sealed = services.counting.seal(session.id, PASSPHRASE)
    assert sealed.hash
    home.refresh()
    [line] = home.count_labels
    when = services.counting.get_session(session.id).sealed_at
    assert line == f"Résultats scellés : {session.residence_name}, le {format_datetime(when, tz)}."
