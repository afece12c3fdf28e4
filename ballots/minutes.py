"""Compte rendu de la commission d'examen: the commission's decisions, in the shared style.

Projects are grouped by residence (each residence numbers its own projects), in number order
under the residence's name. Each project gets a tinted heading row with its decision as a coloured label (colour and word:
"Recevable", "Non recevable", "À retravailler"), its costs, the public reason and a small table
of per-criterion results. Every line is measured before it is placed (`ballots.flow`), so long
reasons and long criteria lists break over pages instead of running into the footer. The members
present sign at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from reportlab.lib.colors import Color, HexColor

from ballots.flow import Block, Piece, draw_page, paginate
from ballots.fmt import NBSP, long_date, money
from ballots.furniture import (
    BODY_BOTTOM,
    LEFT,
    RIGHT,
    footer,
    header,
    header_bottom,
    write_document,
)
from ballots.i18n import N_, _, ngettext
from ballots.style import (
    ACCENT,
    ACCENT_TINT,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    PT_TO_MM,
    RULE_GREY,
    WHITE,
    Pen,
    fit,
    line_height_mm,
    text_width_mm,
    wrap,
)

TOP = 50.0  # the body never starts higher (a two-line title pushes it down)
WIDTH = RIGHT - LEFT
NAME_W = 62.0  # criterion names column
BADGE_H = 6.5


class DecisionKind(StrEnum):
    """The commission's decision on a project (the app's `Decision` has the same values)."""

    ADMISSIBLE = "admissible"
    INADMISSIBLE = "inadmissible"
    REWORK = "rework"

    @property
    def label(self) -> str:
        return _(DECISION_LABELS[self])

    @property
    def colour(self) -> Color:
        return DECISION_COLOURS[self]


DECISION_LABELS = {
    DecisionKind.ADMISSIBLE: N_("Recevable"),
    DecisionKind.INADMISSIBLE: N_("Non recevable"),
    DecisionKind.REWORK: N_("À retravailler"),
}
# White text on each reaches at least 5:1 contrast; the word is always printed with the colour.
DECISION_COLOURS = {
    DecisionKind.ADMISSIBLE: HexColor("#2E7D32"),
    DecisionKind.INADMISSIBLE: HexColor("#B3261E"),
    DecisionKind.REWORK: HexColor("#9A5B00"),
}


@dataclass(frozen=True)
class CommissionMember:
    name: str
    role: str = ""


@dataclass(frozen=True)
class CommissionDecision:
    """One project's decision. `criteria` pairs a criterion's name with its result in words."""

    number: int
    title: str
    residence: str
    decision: DecisionKind
    public_reason: str
    requested_cost_cents: int | None = None
    validated_cost_cents: int | None = None
    criteria: tuple[tuple[str, str], ...] = field(default=())

    @property
    def admissible(self) -> bool:
        return self.decision is DecisionKind.ADMISSIBLE


@dataclass(frozen=True)
class CommissionMinutes:
    campaign: str
    meeting_date: dt.date
    place: str
    members_present: tuple[CommissionMember, ...]
    decisions: tuple[CommissionDecision, ...]
    criteria: tuple[str, ...] = field(default=())


def render_commission_minutes(minutes: CommissionMinutes, out: Path) -> None:
    """Write the minutes: members, a summary, then each residence's projects in number order
    under the residence's name, and the members' signature lines."""
    blocks = [_intro(minutes)]
    for residence, decisions in by_residence(minutes.decisions):
        heading = _residence_heading(residence, decisions)
        blocks += [_decision(d, heading if i == 0 else ()) for i, d in enumerate(decisions)]
    if minutes.members_present:
        blocks.append(_signatures(minutes.members_present))
    title = _("Compte rendu de la commission d'examen")
    when = _("Réunion du {date} · {place}").format(
        date=long_date(minutes.meeting_date), place=minutes.place
    )
    top = max(TOP, header_bottom(title, when) + 8)
    pages = paginate(blocks, top, BODY_BOTTOM)

    def draw(pen: Pen) -> None:
        for number, page in enumerate(pages, 1):
            header(pen, minutes.campaign, title, when)
            draw_page(pen, page)
            footer(
                pen, _("{title} · {c}").format(title=title, c=minutes.campaign), number, len(pages)
            )
            pen.c.showPage()

    write_document(out, title, draw)


def by_residence(
    decisions: Sequence[CommissionDecision],
) -> list[tuple[str, list[CommissionDecision]]]:
    """Residences by name, each with its decisions in project-number order (a number is only
    unique within its residence)."""
    groups: dict[str, list[CommissionDecision]] = {}
    for d in decisions:
        groups.setdefault(d.residence, []).append(d)
    return [
        (name, sorted(groups[name], key=lambda d: d.number))
        for name in sorted(groups, key=str.casefold)
    ]


def summary(minutes: CommissionMinutes) -> str:
    """ "Projets examinés : 9 · recevables : 3 · …": the counts by decision, and the total cost."""
    count = {kind: sum(1 for d in minutes.decisions if d.decision is kind) for kind in DecisionKind}
    total = sum(d.validated_cost_cents or 0 for d in minutes.decisions if d.admissible)
    parts = [
        _("Projets examinés : {n}").format(n=len(minutes.decisions)),
        _("recevables : {n}").format(n=count[DecisionKind.ADMISSIBLE]),
    ]
    if count[DecisionKind.REWORK]:
        parts.append(_("à retravailler : {n}").format(n=count[DecisionKind.REWORK]))
    parts.append(_("non recevables : {n}").format(n=count[DecisionKind.INADMISSIBLE]))
    cost = ngettext(
        "Coût total du projet recevable : {total}.",
        "Coût total des projets recevables : {total}.",
        count[DecisionKind.ADMISSIBLE],
    ).format(total=money(total))
    # French typography: a no-break space before the colon, and each count kept with its word.
    kept = [part.replace(" : ", NBSP + ":" + NBSP) for part in parts]
    return " · ".join(kept) + ". " + cost


# --- pieces -------------------------------------------------------------------------------


def _lines(
    text: str,
    size: float,
    *,
    x: float = LEFT,
    width: float = WIDTH,
    bold: bool = False,
    color: Color = INK,
) -> list[Piece]:
    """One piece per wrapped line, measured with the font that draws it."""
    font = FONT_BOLD if bold else FONT
    step = line_height_mm(size)
    ascent = 0.8 * size * PT_TO_MM

    def line_piece(line: str) -> Piece:
        def draw(pen: Pen, top: float) -> None:
            pen.text(x, top + ascent, line, size, bold=bold, color=color)

        return Piece(step, draw)

    return [line_piece(line) for line in wrap(text, font, size, width)]


def _kept(pieces: list[Piece]) -> list[Piece]:
    return [Piece(p.height, p.draw, True) for p in pieces]


def _gap(height: float) -> Piece:
    return Piece(height)


def _intro(minutes: CommissionMinutes) -> Block:
    names = ", ".join(f"{m.name} ({m.role})" if m.role else m.name for m in minutes.members_present)
    pieces = [
        *_kept(_lines(_("Membres présents"), 14, bold=True, color=ACCENT)),
        *_lines(names or "—", 12),
        _gap(3),
        *_lines(summary(minutes), 12, bold=True),
    ]
    if minutes.criteria:
        criteria = _("Critères examinés : {c}.").format(c=", ".join(minutes.criteria))
        pieces += [_gap(2), *_lines(criteria, 12, color=MUTED)]
    return Block((*pieces, _gap(6)))


def _residence_heading(residence: str, decisions: Sequence[CommissionDecision]) -> list[Piece]:
    """ "Les Tilleuls · 3 projets, 2 recevables", kept with the residence's first project."""
    admissible = sum(1 for d in decisions if d.admissible)
    n = len(decisions)
    text = _("{residence} · {projects}, {admissible}").format(
        residence=residence,
        projects=ngettext("{n} projet", "{n} projets", n).format(n=n),
        admissible=ngettext("{n} recevable", "{n} recevables", admissible).format(n=admissible),
    )
    line = fit(text, FONT_BOLD, WIDTH, 1, 15, 12)
    ascent = 0.8 * line.size * PT_TO_MM

    def draw(pen: Pen, top: float) -> None:
        pen.text(LEFT, top + ascent + 1, line.lines[0], line.size, bold=True, color=ACCENT)
        pen.line(LEFT, top + ascent + 3, RIGHT, top + ascent + 3, color=ACCENT, width_mm=0.5)

    return [Piece(2.0, keep_with_next=True), Piece(ascent + 7, draw, keep_with_next=True)]


def _signatures(members: Sequence[CommissionMember]) -> Block:
    """One signature line under each member present, two to a row."""
    heading = _kept(_lines(_("Signatures des membres de la commission"), 14, bold=True,
                           color=ACCENT))  # fmt: skip
    note = _kept(
        _lines(
            _("Les membres présents certifient l'exactitude du présent compte rendu."),
            11,
            color=MUTED,
        )
    )
    width = (WIDTH - 10) / 2
    rows = []
    for i in range(0, len(members), 2):
        pair = members[i : i + 2]

        def draw(pen: Pen, top: float, pair: Sequence[CommissionMember] = pair) -> None:
            for j, member in enumerate(pair):
                x = LEFT + j * (width + 10)
                name = fit(member.name, FONT_BOLD, width, 1, 12, 10)
                pen.text(x, top + 6, name.lines[0], name.size, bold=True)
                if member.role:
                    pen.text(x, top + 11, fit(member.role, FONT, width, 1, 10, 8).lines[0], 10,
                             color=MUTED)  # fmt: skip
                pen.line(x, top + 22, x + width, top + 22, color=INK, width_mm=0.3)
                pen.text(x, top + 25.5, _("Signature"), 9, color=MUTED)

        rows.append(Piece(28.0, draw))
    return Block((_gap(4), *heading, *note, Piece(3.0, keep_with_next=True), *rows))


def _decision(d: CommissionDecision, heading: Sequence[Piece] = ()) -> Block:
    """Heading row, costs, reason and criteria; the heading stays with the first lines (and the
    residence's heading, before its first project, with the project)."""
    parts = []  # the residence is the heading above: not repeated
    if d.requested_cost_cents is not None:
        parts.append(_("coût demandé : {c}").format(c=money(d.requested_cost_cents)))
    if d.admissible and d.validated_cost_cents is not None:
        parts.append(_("coût validé : {c}").format(c=money(d.validated_cost_cents)))
    costs = " · ".join(parts)
    reason = _lines(d.public_reason, 12, x=LEFT + 2, width=WIDTH - 4) if d.public_reason else []
    pieces = [
        *heading,
        _head(d),
        Piece(2.5, keep_with_next=True),
        *(_kept(_lines(costs, 11, x=LEFT + 2, width=WIDTH - 4, color=MUTED)) if costs else []),
        *(_kept(reason[:1]) + reason[1:]),
    ]
    if d.criteria:
        pieces += [_gap(2.5), *(_criterion(name, result) for name, result in d.criteria)]
    continued = _continued(d)
    return Block((*pieces, _gap(6)), continued)


def _head(d: CommissionDecision) -> Piece:
    label = d.decision.label
    badge_w = text_width_mm(label, FONT_BOLD, 11) + 6
    title_x = LEFT + 13
    title_w = RIGHT - badge_w - 4 - title_x
    title = fit(d.title, FONT_BOLD, title_w, 3, 12, 11)
    step = line_height_mm(title.size)
    height = max(9.0, len(title.lines) * step + 3.6)

    def draw(pen: Pen, top: float) -> None:
        pen.rect(LEFT, top, WIDTH, height, fill=ACCENT_TINT)
        pen.line(LEFT, top + height, RIGHT, top + height, color=RULE_GREY, width_mm=0.25)
        first = top + 1.8 + 0.8 * title.size * PT_TO_MM
        pen.text(LEFT + 2, first, str(d.number), 12, bold=True, color=ACCENT)
        pen.lines(title_x, first, title.lines, title.size, bold=True)
        badge_top = top + (min(height, 9.0) - BADGE_H) / 2
        pen.rect(
            RIGHT - 2 - badge_w, badge_top, badge_w, BADGE_H, fill=d.decision.colour, radius=1.5
        )
        pen.text(
            RIGHT - 2 - badge_w / 2,
            badge_top + 4.6,
            label,
            11,
            bold=True,
            color=WHITE,
            align="center",
        )

    return Piece(height, draw, keep_with_next=True)


def _continued(d: CommissionDecision) -> Piece:
    text = _("Projet n° {n} · {title} (suite)").format(n=d.number, title=d.title)
    line = fit(text, FONT_BOLD, WIDTH - 4, 1, 11, 9)

    def draw(pen: Pen, top: float) -> None:
        pen.rect(LEFT, top, WIDTH, 7, fill=ACCENT_TINT)
        pen.text(LEFT + 2, top + 4.8, line.lines[0], line.size, bold=True, color=MUTED)

    return Piece(9.0, draw)


def _criterion(name: str, result: str) -> Piece:
    """One row of the criteria table: the criterion's name, then its result in words."""
    size = 11
    names = fit(name, FONT, NAME_W - 3, 4, size, size).lines
    results = fit(result, FONT, WIDTH - NAME_W - 4, 8, size, size).lines
    step = line_height_mm(size)
    height = max(len(names), len(results)) * step + 1.6
    ascent = 0.8 * size * PT_TO_MM + 0.4

    def draw(pen: Pen, top: float) -> None:
        pen.line(LEFT + 2, top, RIGHT, top, color=RULE_GREY, width_mm=0.15)
        pen.lines(LEFT + 2, top + ascent, names, size, color=MUTED)
        pen.lines(LEFT + NAME_W, top + ascent, results, size, color=INK)

    return Piece(height, draw)
