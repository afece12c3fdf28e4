"""Procès-verbal de dépouillement: the official count report, in the shared visual identity.

A pure document: plain frozen data in, a PDF out. The application fills `CountReport` from a
sealed session (`app.services.counting.report`); this module only lays it out. The report ends with the
sealed head hash (text and QR code), the officer's key fingerprint and the signature lines of
the officer and each witness, so that the paper copy signed in the room binds the digital log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ballots.fmt import NBSP, group_thousands, long_date, money, time_of_day
from ballots.furniture import (
    BODY_BOTTOM,
    LEFT,
    RIGHT,
    paragraph,
)
from ballots.i18n import _, ngettext
from ballots.paged import PagedLayout, draw_qr, render_paged
from ballots.style import (
    ACCENT_TINT,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    RULE_GREY,
    Pen,
    fit,
    wrap,
)

ROW = 8.0


@dataclass(frozen=True)
class ReportProject:
    """One line of the results table, in decision order."""

    number: int | None
    title: str
    cost_cents: int
    votes: int
    status: str  # the status in words ("financé", "pas assez d'argent restant"...)
    funded: bool


@dataclass(frozen=True)
class Reconciliation:
    """Ballots printed, handed out (sign-in sheet), returned (found in the box), spoiled."""

    printed: int | None
    handed_out: int | None
    returned: int | None
    spoiled: int | None
    note: str = ""


@dataclass(frozen=True)
class CountReport:
    campaign: str
    residence: str
    officer: str
    witnesses: tuple[str, ...]
    opened_at: dt.datetime  # local time of the count
    closed_at: dt.datetime | None
    session_id: str
    test_mode: bool
    reconciliation: Reconciliation
    valid: int
    blank: int
    invalid: int
    set_aside: int
    rejected: int
    hand_keyed: int
    budget_cents: int
    spent_cents: int
    rule: str  # the rule in words
    threshold: int
    tie_break: str  # the declared tie-break order, in words
    ties: tuple[str, ...]  # each tie that changed the outcome, in words
    projects: tuple[ReportProject, ...]
    sealed_hash: str
    sealed_seq: int
    seal_code: str  # the seal's slip code (BPTA1:SCEL:...), shown as a QR code
    key_fingerprint: str
    notes: tuple[str, ...] = field(default=())
    dwellings: int | None = None  # of the residence, for the turnout (None or 0: not known)
    zone: str = ""  # of the local times, as people check it ("UTC+1"); printed beside them


def render_count_report(report: CountReport, out: Path) -> None:
    """Write the report atomically; pages are counted in a first pass for "page n / N"."""
    title = _("Procès-verbal de dépouillement")
    render_paged(title, lambda pen, pages: _Layout(pen, report, pages), out)


def group_hash(value: str, size: int = 4) -> str:
    """A hash in groups of 4, easier to read aloud and compare with a slip."""
    return " ".join(value[i : i + size] for i in range(0, len(value), size))


def _when(moment: dt.datetime | None, zone: str = "") -> str:
    if moment is None:
        return "—"
    words = _("{day} à {time}").format(
        day=long_date(moment.date()), time=time_of_day(moment.time())
    )
    return (
        _("{moment} (heure locale, {offset})").format(moment=words, offset=zone) if zone else words
    )


class _Layout(PagedLayout):
    """The report's sections, flowed down the pages by the paging base."""

    def __init__(self, pen: Pen, report: CountReport, pages: int) -> None:
        super().__init__(pen, pages)
        self.r = report

    def campaign(self) -> str:
        return self.r.campaign

    def titles(self) -> tuple[str, str]:
        title = _("Procès-verbal de dépouillement")
        if self.r.test_mode:
            title = _("Procès-verbal de dépouillement d'essai")
        subtitle = _("{residence} · {day}").format(
            residence=self.r.residence, day=long_date(self.r.opened_at.date())
        )
        return title, subtitle

    def footer_text(self) -> str:
        return _("Procès-verbal · {residence} · session {id}").format(
            residence=self.r.residence, id=self.r.session_id[:8]
        )

    def is_test(self) -> bool:
        return self.r.test_mode

    def sections(self) -> tuple[Callable[[], None], ...]:
        return (
            self._session,
            self._reconciliation,
            self._ballots,
            self._results,
            self._rule,
            self._funded,
            self._seal,
            self._signatures,
        )

    def _pairs(self, pairs: list[tuple[str, str]], label_w: float = 58) -> None:
        for label, value in pairs:
            lines = wrap(value, FONT, 11, RIGHT - LEFT - label_w)
            self.room(len(lines) * 5 + 1)
            self.pen.text(LEFT, self.y, label, 11, color=MUTED)
            self.y = self.pen.lines(LEFT + label_w, self.y, lines or ["—"], 11) + 1

    # --- sections -------------------------------------------------------------------------

    def _session(self) -> None:
        r = self.r
        self.heading(_("Séance"))
        self._pairs(
            [
                (_("Agent de dépouillement"), r.officer),
                (_("Témoins"), ", ".join(r.witnesses) or _("aucun")),
                (_("Ouverture"), _when(r.opened_at, r.zone)),
                (_("Clôture et scellement"), _when(r.closed_at, r.zone)),
                (_("Session"), r.session_id),
            ]
        )
        self.y += 4

    def _reconciliation(self) -> None:
        rec = self.r.reconciliation
        self.heading(_("Rapprochement des bulletins"), keep=2 * ROW)
        cols = (
            _("Imprimés"), _("Remis (émargement)"), _("Rendus (urne)"), _("Annulés"), _("Écart"),
        )  # fmt: skip
        diff = "—"
        if rec.handed_out is not None and rec.returned is not None:
            d = rec.returned - rec.handed_out
            diff = _("aucun") if d == 0 else f"{d:+d}".replace("-", "−")
        values = (*(_n(v) for v in (rec.printed, rec.handed_out, rec.returned, rec.spoiled)), diff)
        self._grid(cols, [values], widths=(30, 42, 36, 30, 36))
        if rec.note:
            self.y = paragraph(self.pen, LEFT, self.y + 5, RIGHT - LEFT, rec.note, 10, color=MUTED)
        self.y += 4

    def _ballots(self) -> None:
        r = self.r
        self.heading(_("Bulletins comptés"), keep=2 * ROW)
        cols = (_("Valides"), _("Blancs"), _("Nuls"), _("Mis de côté"), _("Rejetés*"))
        values = tuple(_n(v) for v in (r.valid, r.blank, r.invalid, r.set_aside, r.rejected))
        self._grid(cols, [values], widths=(35, 35, 35, 35, 34))
        notes = [_("* Rejetés : feuilles étrangères, falsifiées, d'essai ou illisibles, jamais "
                   "comptées.")]  # fmt: skip
        if r.hand_keyed:
            notes.append(
                ngettext(
                    "Dont {n} bulletin saisi à la main, avec témoin.",
                    "Dont {n} bulletins saisis à la main, avec témoin.",
                    r.hand_keyed,
                ).format(n=r.hand_keyed)
            )
        self.y += 4
        for note in notes:
            self.y = paragraph(self.pen, LEFT, self.y, RIGHT - LEFT, note, 9, color=MUTED)
        self.y = paragraph(self.pen, LEFT, self.y + 2, RIGHT - LEFT, turnout(r), 11, bold=True)
        self.y += 2

    def _results(self) -> None:
        self.heading(_("Résultats par projet"), keep=3 * ROW)
        cols = (_("N°"), _("Projet"), _("Coût"), _("Voix"), _("Résultat"))
        widths = (12, 72, 26, 16, 48)
        rows = [
            (
                str(p.number) if p.number is not None else "—",
                p.title,
                money(p.cost_cents),
                group_thousands(p.votes),
                p.status,
            )
            for p in self.r.projects
        ]
        self._grid(cols, rows, widths=widths, bold_rows={
            i for i, p in enumerate(self.r.projects) if p.funded
        }, align_right=(2, 3))  # fmt: skip
        for note in self.r.notes:
            self.y = paragraph(self.pen, LEFT, self.y + 5, RIGHT - LEFT, note, 10, color=MUTED) - 4
        self.y += 4

    def _rule(self) -> None:
        r = self.r
        self.heading(_("Règle et départage des égalités"))
        pairs = [(_("Règle déclarée"), r.rule)]
        if r.threshold:
            pairs.append((_("Seuil de voix"), str(r.threshold)))
        pairs.append((_("Départage déclaré"), r.tie_break))
        self._pairs(pairs)
        ties = list(r.ties) or [_("Aucune égalité n'a changé le résultat.")]
        for tie in ties:
            lines = wrap("– " + tie, FONT, 11, RIGHT - LEFT)
            self.room(len(lines) * 5)
            self.y = self.pen.lines(LEFT, self.y, lines, 11) + 1
        self.y += 4

    def _funded(self) -> None:
        r = self.r
        funded = [p for p in r.projects if p.funded]
        self.heading(_("Projets financés"), keep=8 + 6 * len(funded[:3]))
        for p in funded:
            self.room(6)
            number = f"n° {p.number}  " if p.number is not None else ""
            name = fit(number + p.title, FONT_BOLD, RIGHT - LEFT - 34, 1, 11, 9)
            self.pen.text(LEFT, self.y, name.lines[0], name.size, bold=True)
            self.pen.text(RIGHT, self.y, money(p.cost_cents), 11, bold=True, align="right")
            self.y += 6
        if not funded:
            self.pen.text(LEFT, self.y, _("Aucun projet financé."), 11)
            self.y += 6
        total = _("Total : {spent} sur une enveloppe de {budget} (reste {left}).").format(
            spent=money(r.spent_cents), budget=money(r.budget_cents),
            left=money(r.budget_cents - r.spent_cents),
        )  # fmt: skip
        self.y = paragraph(self.pen, LEFT, self.y + 1, RIGHT - LEFT, total, 11, color=MUTED) + 4

    def _seal(self) -> None:
        r = self.r
        self.heading(_("Scellement du journal"), keep=50)
        size = 36.0
        top = self.y - 3
        draw_qr(self.pen, r.seal_code, RIGHT - size, top, size)
        width = RIGHT - LEFT - size - 6
        text = _(
            "Ce code permet à chacun de vérifier que le dépouillement n'a pas été modifié après "
            "la signature de ce procès-verbal : il résume tout le journal signé de la séance "
            "(scellé à son entrée n° {n}), et le programme de vérification le recalcule à partir "
            "du paquet publié ; un seul caractère différent signale un changement."
        ).format(n=r.sealed_seq)
        self.pen.text(LEFT, self.y, _("Empreinte de scellement (et code QR)"), 10, bold=True)
        y = self.pen.lines(
            LEFT, self.y + 5.5, wrap(group_hash(r.sealed_hash.upper()), FONT_BOLD, 11, width), 11,
            bold=True,
        )  # fmt: skip
        y = paragraph(self.pen, LEFT, y + 0.5, width, text, 10, color=INK) + 1
        self.pen.text(LEFT, y + 1, _("Clé de l'agent (empreinte)"), 10, bold=True)
        y = self.pen.lines(LEFT, y + 6, wrap(r.key_fingerprint, FONT, 10, width), 10, color=MUTED)
        self.y = max(y, top + size) + 6

    def _signatures(self) -> None:
        people = [(self.r.officer, _("Agent de dépouillement"))]
        people += [(w, _("Témoin")) for w in self.r.witnesses]
        self.heading(_("Signatures"), keep=30)
        self.y = paragraph(
            self.pen, LEFT, self.y, RIGHT - LEFT,
            _("Les soussignés certifient l'exactitude du présent procès-verbal."), 10, color=MUTED,
        ) + 2  # fmt: skip
        width = (RIGHT - LEFT - 10) / 2
        for i in range(0, len(people), 2):
            self.room(28)
            for j, (name, role) in enumerate(people[i : i + 2]):
                x = LEFT + j * (width + 10)
                self.pen.text(x, self.y, fit(name, FONT, width, 1, 11, 9).lines[0], 11, bold=True)
                self.pen.text(x, self.y + 5, role, 9, color=MUTED)
                self.pen.line(x, self.y + 20, x + width, self.y + 20, color=INK, width_mm=0.3)
                self.pen.text(x, self.y + 24, _("Signature"), 8, color=MUTED)
            self.y += 30

    # --- tables ---------------------------------------------------------------------------

    def _grid(
        self,
        cols: tuple[str, ...],
        rows: Sequence[tuple[str, ...]],
        *,
        widths: tuple[float, ...],
        bold_rows: set[int] | None = None,
        align_right: tuple[int, ...] = (),
    ) -> None:
        xs = [LEFT + sum(widths[:i]) for i in range(len(widths))]
        self._head(cols, xs, widths)
        for index, row in enumerate(rows):
            if self.y + ROW > BODY_BOTTOM:
                self.new_page()
                self._head(cols, xs, widths)
            bold = bool(bold_rows and index in bold_rows)
            if bold:
                self.pen.rect(LEFT, self.y, RIGHT - LEFT, ROW, fill=ACCENT_TINT)
            self.pen.line(LEFT, self.y + ROW, RIGHT, self.y + ROW, color=RULE_GREY, width_mm=0.2)
            for i, (x, w, cell) in enumerate(zip(xs, widths, row, strict=True)):
                self._cell(x, w, cell, bold=bold, right=i in align_right)
            self.y += ROW

    def _cell(self, x: float, w: float, text: str, *, bold: bool, right: bool = False) -> None:
        fitted = fit(text, FONT_BOLD if bold else FONT, w - 2.5, 1, 10, 8.5)
        line, size = fitted.lines[0], fitted.size
        if right:
            self.pen.text(x + w - 1.5, self.y + 5.4, line, size, bold=bold, align="right")
        else:
            self.pen.text(x + 1, self.y + 5.4, line, size, bold=bold)

    def _head(self, cols: tuple[str, ...], xs: list[float], widths: tuple[float, ...]) -> None:
        self.pen.rect(LEFT, self.y, RIGHT - LEFT, ROW, fill=ACCENT_TINT)
        for x, w, c in zip(xs, widths, cols, strict=True):
            self._cell(x, w, c, bold=True)
        self.y += ROW


def turnout(report: CountReport) -> str:
    """ "Participation : 95 bulletins pour 150 logements, soit 63,3 %" (ballots in the box)."""
    ballots = report.valid + report.blank + report.invalid
    if not report.dwellings:
        return ngettext(
            "Participation : {n} bulletin ; le nombre de logements de la résidence n'est pas "
            "renseigné.",
            "Participation : {n} bulletins ; le nombre de logements de la résidence n'est pas "
            "renseigné.",
            ballots,
        ).format(n=group_thousands(ballots))
    share = f"{100 * ballots / report.dwellings:.1f}".replace(".", ",") + NBSP + "%"
    return ngettext(
        "Participation : {n} bulletin pour {d} logements, soit {p}.",
        "Participation : {n} bulletins pour {d} logements, soit {p}.",
        ballots,
    ).format(n=group_thousands(ballots), d=group_thousands(report.dwellings), p=share)


def _n(value: int | None) -> str:
    return "—" if value is None else group_thousands(value)
