"""Commission minutes: three decisions with their own label and colour, measured page breaks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from ballots.furniture import BODY_BOTTOM
from ballots.minutes import (
    DECISION_COLOURS,
    CommissionDecision,
    CommissionMember,
    CommissionMinutes,
    DecisionKind,
    render_commission_minutes,
)
from ballots.raster import page_count, render_page_array
from tests.ballots.textboxes import overlapping, page_text, text_boxes

CRITERIA = (
    "Intérêt général",
    "Faisabilité technique",
    "Coût raisonnable",
    "Compétence du bailleur",
    "Accessibilité aux personnes à mobilité réduite",
    "Entretien dans la durée",
    "Respect du règlement intérieur",
    "Impact environnemental",
    "Sécurité des usagers",
    "Bénéfice pour toute la résidence",
)
LONG_RESULT = (
    "Non respecté (le devis du prestataire ne couvre pas la pose ni l'entretien sur trois ans, "
    "il faut le refaire avec le bailleur)"
)
KINDS = (DecisionKind.ADMISSIBLE, DecisionKind.INADMISSIBLE, DecisionKind.REWORK)


def _minutes(
    count: int, criteria: int = len(CRITERIA), reason_words: int = 12
) -> CommissionMinutes:
    decisions = tuple(
        CommissionDecision(
            number=i + 1,
            title=f"Projet {i + 1} : jardins partagés et composteur au pied du bâtiment B",
            residence="Résidence Les Tilleuls",
            decision=KINDS[i % 3],
            public_reason=" ".join(["Motif public détaillé."] * (reason_words + i)),
            requested_cost_cents=1_200_000 + i,
            validated_cost_cents=1_100_000 + i if KINDS[i % 3] is DecisionKind.ADMISSIBLE else None,
            criteria=tuple(
                (name, LONG_RESULT if (i + j) % 2 else "À vérifier")
                for j, name in enumerate(CRITERIA[:criteria])
            ),
        )
        for i in range(count)
    )
    return CommissionMinutes(
        "BP 2026",
        dt.date(2026, 2, 10),
        "Mairie annexe",
        (CommissionMember("Mme Diallo", "présidente"), CommissionMember("M. Martin")),
        decisions,
        CRITERIA,
    )


def test_each_decision_has_its_own_words_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "cr.pdf"
    render_commission_minutes(_minutes(6, criteria=1, reason_words=1), out)
    text = " ".join(page_text(out, i) for i in range(page_count(out)))
    assert "Compte rendu de la commission d'examen" in text and "Mme Diallo (présidente)" in text
    assert (
        "Projets examinés : 6 · recevables : 2 · à retravailler : 2 · non recevables : 2. "
        "Coût total des projets recevables : 22 000,03 €." in text
    )
    assert text.count("Non recevable") == 2 and text.count("À retravailler") == 2
    assert text.count("Recevable") == 2  # "Non recevable" is lower case: counted apart
    assert "coût validé : 11 000 €" in text and "coût demandé : 12 000,02 €" in text
    assert "À retravailler : " not in text  # the decision is a label, not a prefix of the reason


def test_decision_labels_are_drawn_in_their_colours(tmp_path: Path) -> None:
    out = tmp_path / "cr.pdf"
    render_commission_minutes(_minutes(3, criteria=0, reason_words=1), out)
    image = render_page_array(out, 0, 100, grey=False).astype(int)
    for kind in KINDS:
        colour = DECISION_COLOURS[kind]
        rgb = np.array([round(c * 255) for c in (colour.red, colour.green, colour.blue)])
        close = (np.abs(image - rgb).max(axis=2) <= 6).sum()
        assert close > 200, f"{kind}: {close} pixels of its colour"


def test_a_summary_without_rework_does_not_mention_it(tmp_path: Path) -> None:
    minutes = _minutes(2, criteria=0, reason_words=1)
    out = tmp_path / "cr.pdf"
    render_commission_minutes(minutes, out)
    text = page_text(out)
    assert "recevables : 1 · non recevables : 1." in text and "retravailler" not in text


def test_long_criteria_lists_break_over_pages_and_never_reach_the_footer(tmp_path: Path) -> None:
    """The old layout guessed heights and ran the criteria into the footer."""
    minutes = _minutes(9, reason_words=40)
    out = tmp_path / "cr.pdf"
    render_commission_minutes(minutes, out)
    pages = page_count(out)
    assert pages >= 4
    texts = []
    for index in range(pages):
        boxes = text_boxes(out, index)
        assert overlapping(boxes) == [], f"page {index + 1}"
        body = [b for b in boxes if b.y0 < 276]
        assert max(b.y1 for b in body) <= BODY_BOTTOM + 0.3, f"page {index + 1}"
        footer = [b for b in boxes if b.y0 >= 276]
        assert any(b.text.endswith(f"{index + 1} / {pages}") for b in footer)
        texts.append(page_text(out, index))
    joined = " ".join(texts)
    for decision in minutes.decisions:
        assert decision.title in joined
        assert joined.count(decision.public_reason[:40]) >= 1
    assert joined.count(LONG_RESULT) == sum(
        1 for d in minutes.decisions for _name, result in d.criteria if result == LONG_RESULT
    )
    assert "(suite)" in joined  # a project that goes on over a page is named again


def test_the_heading_of_a_project_never_ends_a_page(tmp_path: Path) -> None:
    out = tmp_path / "cr.pdf"
    render_commission_minutes(_minutes(12, criteria=3, reason_words=25), out)
    for index in range(page_count(out)):
        boxes = sorted((b for b in text_boxes(out, index) if b.y0 < 276), key=lambda b: b.y0)
        last = boxes[-1].text
        assert not any(kind.label in last for kind in KINDS), f"page {index + 1} ends on {last!r}"


def _mixed() -> CommissionMinutes:
    """Two residences whose decisions arrive mixed, each numbered from 1."""
    made = []
    for residence, number in (("Les Tilleuls", 2), ("Le Parc", 1), ("Les Tilleuls", 1),
                              ("Le Parc", 2), ("Les Tilleuls", 3)):  # fmt: skip
        made.append(
            CommissionDecision(
                number,
                f"{residence} projet {number}",
                residence,
                DecisionKind.ADMISSIBLE,
                "Conforme.",
                100_000,
                100_000,
            )  # fmt: skip
        )
    members = (CommissionMember("Mme Diallo", "présidente"), CommissionMember("M. Martin"),
               CommissionMember("Mme Roux", "Ville"))  # fmt: skip
    return CommissionMinutes("BP 2026", dt.date(2026, 2, 10), "Mairie annexe", members,
                             tuple(made))  # fmt: skip


def test_decisions_are_grouped_by_residence_in_number_order(tmp_path: Path) -> None:
    out = tmp_path / "cr.pdf"
    render_commission_minutes(_mixed(), out)
    text = " ".join(page_text(out, i) for i in range(page_count(out)))
    order = [text.index(f"{r} projet {n}") for r in ("Le Parc", "Les Tilleuls") for n in (1, 2)]
    order.append(text.index("Les Tilleuls projet 3"))
    assert order == sorted(order)
    parc, tilleuls = text.index("Le Parc · 2 projets"), text.index("Les Tilleuls · 3 projets")
    assert parc < order[0] < order[1] < tilleuls < order[2]


def test_every_member_present_has_a_signature_line(tmp_path: Path) -> None:
    out = tmp_path / "cr.pdf"
    render_commission_minutes(_mixed(), out)
    last = page_text(out, page_count(out) - 1)
    assert "Signatures des membres de la commission" in last
    for name in ("Mme Diallo", "M. Martin", "Mme Roux"):
        assert name in last
    assert last.count("Signature") >= 4  # the heading and one line under each member
