"""Before a live count opens: the warnings (pure) and the advice gathered from a data folder."""

from __future__ import annotations

from datetime import date

from app.domain.counting.opening import (
    BEFORE_VOTE,
    LONG_AFTER_VOTE,
    NO_LIVE_BATCH,
    NO_PROJECT,
    NO_VOTE_DATES,
    OpeningFacts,
    opening_warnings,
)
from app.services.printing.types import PrintOptions
from tests.helpers.counting import make_setup


def facts(**changes):  # type: ignore[no-untyped-def]
    base = {
        "residence_name": "Les Tilleuls",
        "live_ballots_printed": 120,
        "accepted_projects": 4,
        "first_vote_day": date(2027, 3, 2),
        "last_vote_day": date(2027, 3, 9),
    }
    return OpeningFacts(**{**base, **changes})


def codes(found):  # type: ignore[no-untyped-def]
    return [w.code for w in found]


def test_a_ready_residence_during_its_vote_gets_no_warning():
    assert opening_warnings(facts(), date(2027, 3, 9)) == ()
    assert opening_warnings(facts(), date(2027, 3, 16)) == ()  # a week later: still expected


def test_each_reason_is_said_with_the_residence_and_the_day():
    found = opening_warnings(facts(live_ballots_printed=0, accepted_projects=0), date(2027, 2, 20))
    assert codes(found) == [NO_LIVE_BATCH, NO_PROJECT, BEFORE_VOTE]
    assert found[0].message == (
        "Aucun bulletin réel n'a été imprimé pour « Les Tilleuls » : rien ne peut être compté."
    )
    assert found[2].message == (
        "Le vote de « Les Tilleuls » n'a pas encore commencé (premier jour : mardi 2 mars 2027)."
    )
    assert codes(opening_warnings(facts(), date(2027, 4, 1))) == [LONG_AFTER_VOTE]
    no_dates = facts(first_vote_day=None, last_vote_day=None)
    assert codes(opening_warnings(no_dates, date(2027, 3, 3))) == [NO_VOTE_DATES]


def test_advice_from_the_data_folder(services, tmp_path):
    setup = make_setup(services)
    advice = services.count_opening.advice(setup.residence_id, today=date(2027, 3, 3))
    assert codes(advice.warnings) == [NO_LIVE_BATCH, NO_VOTE_DATES]
    assert "fige la règle de résultats" in advice.rule_notice
    assert services.count_opening.advice(setup.residence_id, test=True).warnings == ()
    services.ballots.print_for_residence(
        setup.residence_id, tmp_path / "b.pdf", PrintOptions(count=2)
    )
    services.ballots.set_vote_sessions(setup.residence_id, "02/03/2027 17:00-19:00 Salle commune")
    assert services.count_opening.advice(setup.residence_id, today=date(2027, 3, 3)).warnings == ()
    early = services.count_opening.advice(setup.residence_id, today=date(2027, 3, 1))
    assert codes(early.warnings) == [BEFORE_VOTE]
    empty = services.campaigns.add_residence("Le Belvédère", budget_cents=100_000)
    assert NO_PROJECT in codes(services.count_opening.advice(empty.id).warnings)
