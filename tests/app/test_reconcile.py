"""The reconciliation's differences (pure): any disagreement is one, with its numbers."""

from __future__ import annotations

from app.domain.counting.reconcile import (
    BOX_VS_COUNTED,
    BOX_VS_SIGNIN,
    OVER_PRINTED,
    Figures,
    differences,
)


def test_figures_that_agree_have_no_difference():
    assert differences(Figures(printed=60, handed_out=10, returned=10, spoiled=2, counted=10)) == ()
    assert differences(Figures(printed=0, handed_out=0, returned=0, spoiled=0, counted=0)) == ()


def test_none_handed_out_with_ballots_in_the_box_is_a_difference():
    found = differences(Figures(printed=60, handed_out=0, returned=10, spoiled=0, counted=10))
    assert [d.kind for d in found] == [BOX_VS_SIGNIN]
    assert found[0].delta == 10
    assert found[0].message == "Écart urne / émargement : +10 bulletins (urne : 10, remis : 0)."


def test_every_disagreement_is_named_with_its_numbers():
    found = differences(Figures(printed=5, handed_out=8, returned=7, spoiled=1, counted=6))
    assert [(d.kind, d.delta) for d in found] == [
        (BOX_VS_SIGNIN, -1),
        (BOX_VS_COUNTED, 1),
        (OVER_PRINTED, 4),
    ]
    assert found[0].message == "Écart urne / émargement : -1 bulletin (urne : 7, remis : 8)."
    assert found[1].message == "Écart urne / lecture : +1 (urne : 7, lus à l'écran : 6)."
    assert found[2].message == "Plus de bulletins remis et abîmés (9) que d'imprimés (5)."


def test_nothing_printed_but_ballots_handed_out_is_a_difference():
    found = differences(Figures(printed=0, handed_out=3, returned=3, spoiled=0, counted=3))
    assert [d.kind for d in found] == [OVER_PRINTED]


def test_the_service_names_the_recorded_differences(services):
    from tests.helpers.counting import PASSPHRASE, make_setup

    setup = make_setup(services)
    session = services.counting.open_session(setup.residence_id, "Agnès", passphrase=PASSPHRASE)
    assert services.counting.reconciliation_differences(session.id) == ()  # nothing recorded
    for _n in range(2):
        services.counting.hand_key(session.id, [setup.project_ids[0]], "Bulletin déchiré")
    services.counting.record_reconciliation(session.id, handed_out=0, printed=60)
    found = services.counting.reconciliation_differences(session.id)
    assert [d.message for d in found] == [
        "Écart urne / émargement : +2 bulletins (urne : 2, remis : 0)."
    ]
    services.counting.record_reconciliation(session.id, handed_out=2, printed=60)
    assert services.counting.reconciliation_differences(session.id) == ()
