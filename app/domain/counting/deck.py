"""A counted test deck against what it should give: the logic-and-accuracy verdict.

A test deck (pre-marked test ballots, `ballots.testdeck`) is printed with the tally it must
give; counted through the whole chain in a test session, the session's tally must be exactly
that. This module compares the two and says every difference in words. It reads plain data: the
expectation file's content and the session's status (tally, pending reviews, mode).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.counting.models import SessionStatus
from app.i18n import _, ngettext
from ballots.testdeck import ExpectedCount


@dataclass(frozen=True)
class DeckLine:
    """One project: what the deck must give and what the count gave."""

    project_id: str
    number: int
    title: str
    expected: int
    counted: int


@dataclass(frozen=True)
class DeckCheck:
    session_id: str
    residence: str
    expected_ballots: int
    counted: dict[str, int]  # valid, blank, invalid, rejected, review: the session's figures
    expected: dict[str, int]  # valid, blank, invalid
    projects: tuple[DeckLine, ...]
    differences: tuple[str, ...]  # each difference as a sentence; empty when the deck matches

    @property
    def matches(self) -> bool:
        return not self.differences

    def as_dict(self) -> dict[str, object]:
        return {
            "session_id": self.session_id,
            "residence": self.residence,
            "matches": self.matches,
            "expected_ballots": self.expected_ballots,
            "expected": dict(self.expected),
            "counted": dict(self.counted),
            "projects": [
                {"project_id": p.project_id, "number": p.number, "title": p.title,
                 "expected": p.expected, "counted": p.counted}
                for p in self.projects
            ],
            "differences": list(self.differences),
        }  # fmt: skip


def compare_deck(expected: ExpectedCount, status: SessionStatus) -> DeckCheck:
    """Every way the counted session differs from the deck's expectation, in words."""
    session, tally = status.session, status.tally
    names = expected.titles()
    projects = tuple(
        DeckLine(pid, number, names[pid][1], votes, tally.votes.get(pid, 0))
        for pid, number, votes in expected.votes
    )
    want = {k: expected.total(k) for k in ("valid", "blank", "invalid")}
    got = {"valid": tally.valid, "blank": tally.blank, "invalid": tally.invalid,
           "rejected": tally.rejected, "review": tally.pending}  # fmt: skip
    differences = [
        *_setting(expected, status),
        *_ballots(want, got, len(expected.sheets)),
        *(_project(p) for p in projects if p.expected != p.counted),
    ]
    known = {p.project_id for p in projects}
    for pid, votes in sorted(tally.votes.items()):
        if pid not in known and votes:
            differences.append(
                _("Le dépouillement compte {n} voix pour un projet absent du jeu ({id}).").format(
                    n=votes, id=pid
                )
            )
    return DeckCheck(
        session.id, session.residence_name, len(expected.sheets), got, want, projects,
        tuple(differences),
    )  # fmt: skip


def _setting(expected: ExpectedCount, status: SessionStatus) -> list[str]:
    found = []
    if status.session.mode != "test":
        found.append(
            _(
                "Ce dépouillement est réel : un jeu d'essai se compte dans un dépouillement "
                "d'essai (ses bulletins sont rejetés dans un dépouillement réel)."
            )
        )
    if status.session.residence_id != expected.residence_id:
        found.append(
            _("Ce jeu d'essai a été imprimé pour une autre résidence que ce dépouillement.")
        )
    if status.pending_reviews:
        n = status.pending_reviews
        found.append(
            ngettext(
                "{n} bulletin attend encore une décision : finissez la revue, puis comparez.",
                "{n} bulletins attendent encore une décision : finissez la revue, puis comparez.",
                n,
            ).format(n=n)
        )
    return found


def _ballots(want: dict[str, int], got: dict[str, int], ballots: int) -> list[str]:
    labels = {"valid": _("valides"), "blank": _("blancs"), "invalid": _("nuls")}
    found = [
        _("Bulletins {kind} : attendus {expected}, comptés {counted}.").format(
            kind=labels[k], expected=want[k], counted=got[k]
        )
        for k in ("valid", "blank", "invalid")
        if want[k] != got[k]
    ]
    if got["rejected"]:
        found.append(
            ngettext(
                "{n} feuille rejetée (illisible, étrangère ou réelle) : tout le jeu doit être lu.",
                "{n} feuilles rejetées (illisibles, étrangères ou réelles) : tout le jeu doit être lu.",
                got["rejected"],
            ).format(n=got["rejected"])
        )
    counted = got["valid"] + got["blank"] + got["invalid"]
    if counted != ballots and not found:
        found.append(
            _("Bulletins dans le jeu : {expected} ; comptés : {counted}.").format(
                expected=ballots, counted=counted
            )
        )
    return found


def _project(line: DeckLine) -> str:
    name = line.title or line.project_id
    return _("n° {number} {title} : voix attendues {expected}, comptées {counted}.").format(
        number=line.number, title=name, expected=line.expected, counted=line.counted
    )
