"""Read and write the pabulib `.pb` format (https://pabulib.org/format).

A file has three sections, each a title line then a header line then rows, `;`-separated with
`"`-quoted fields: META (`key;value`), PROJECTS (`project_id;cost;...`) and VOTES
(`voter_id;vote;...`, the vote a `,`-separated list of project ids). Money is kept as an exact
`Fraction` parsed from the decimal text ("222176.85"), never a float.

This is the exchange format for past votes (replayed with `rules run`) and for public results.
The only I/O in app.domain is here, in the functions taking a path.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from app.domain.rules.serialize import exact_money
from app.domain.rules.types import Election, Project
from app.errors import UserError
from app.i18n import _

SECTIONS = ("meta", "projects", "votes")
APPROVAL_TYPES = ("approval", "choose-1")
_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


class PabulibError(UserError):
    """A file that is not valid pabulib; `str(error)` is a French sentence with the line."""


@dataclass(frozen=True, slots=True)
class PbProject:
    """A PROJECTS row: id, exact cost and every column as written (`values` follows the header)."""

    project_id: str
    cost: Fraction
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PbVote:
    """A VOTES row: the voter id, the projects voted for, and every column as written."""

    voter_id: str
    vote: tuple[str, ...]
    values: tuple[str, ...]


@dataclass(frozen=True)
class PbFile:
    """A whole `.pb` file, in file order, so that writing it back loses nothing."""

    meta: tuple[tuple[str, str], ...]
    project_columns: tuple[str, ...]
    projects: tuple[PbProject, ...]
    vote_columns: tuple[str, ...]
    votes: tuple[PbVote, ...]

    def meta_value(self, key: str) -> str | None:
        return dict(self.meta).get(key)

    @property
    def budget(self) -> Fraction:
        value = self.meta_value("budget")
        if value is None:
            raise PabulibError(_("Le fichier n'indique pas de budget (META budget)."))
        return parse_money(value, _("le budget"))

    @property
    def vote_type(self) -> str:
        return (self.meta_value("vote_type") or "approval").strip().lower()

    @property
    def threshold(self) -> int:
        """The file's `min_project_score_threshold`, or 0."""
        value = self.meta_value("min_project_score_threshold")
        return int(parse_money(value, "min_project_score_threshold")) if value else 0

    def project_value(self, project: PbProject, column: str) -> str | None:
        if column not in self.project_columns:
            return None
        value = project.values[self.project_columns.index(column)]
        return None if value.strip().lower() == "none" else value

    def recorded_selected(self) -> tuple[str, ...] | None:
        """Projects the file marks as funded (`selected` column), or None without that column."""
        if "selected" not in self.project_columns:
            return None
        return tuple(
            p.project_id for p in self.projects if (self.project_value(p, "selected") or "0") != "0"
        )


def parse_money(text: str, what: str) -> Fraction:
    value = text.strip().replace(" ", "")
    if not _NUMBER.match(value):
        raise PabulibError(
            _("Montant illisible pour {what} : « {value} ».").format(what=what, value=text)
        )
    return Fraction(value.replace(",", "."))


def read_pabulib(path: Path) -> PbFile:
    """Read a `.pb` file (UTF-8, with or without BOM)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PabulibError(_("Fichier introuvable : {path}.").format(path=path)) from None
    except UnicodeDecodeError:
        raise PabulibError(
            _("Le fichier {path} n'est pas un texte UTF-8.").format(path=path)
        ) from None
    except OSError as exc:
        raise PabulibError(
            _("Impossible de lire {path} : {reason}.").format(path=path, reason=exc.strerror)
        ) from None
    return parse_pabulib(text)


Rows = Iterable[tuple[int, list[str]]]


def parse_pabulib(text: str) -> PbFile:
    """Parse the text of a `.pb` file; errors name the line."""
    with _gc_paused():
        return _parse(text)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Parsing allocates hundreds of thousands of small objects and creates no cycles: pausing
    the cycle collector meanwhile halves the time on the largest files (130,000 votes)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse(text: str) -> PbFile:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    parts: dict[str, tuple[list[str], Rows]] = {}
    current: list[tuple[int, list[str]]] | None = None
    for row in reader:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        head = row[0].strip().lower()
        if len(row) == 1 and head in SECTIONS:
            header = [h.strip() for h in next(reader, [])]
            if head == "votes":
                parts[head] = (header, _vote_rows(reader))  # read lazily, straight into votes
                break
            current = []
            parts[head] = (header, current)
        elif current is None:
            raise PabulibError(
                _("Ligne {line} : le fichier doit commencer par la section META.").format(
                    line=reader.line_num
                )
            )
        else:
            current.append((reader.line_num, row))
    return _assemble(parts)


def _vote_rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """The VOTES section is most of the file: stream it, line numbers included.

    pabulib puts VOTES last; a section title after it is an error.
    """
    for row in reader:
        if len(row) == 1 and row[0].strip().lower() in SECTIONS:
            raise PabulibError(
                _("Ligne {line} : la section VOTES doit être la dernière.").format(
                    line=reader.line_num  # type: ignore[attr-defined]
                )
            )
        if row:
            yield reader.line_num, row  # type: ignore[attr-defined]


def _assemble(parts: Mapping[str, tuple[list[str], Rows]]) -> PbFile:
    for section in ("meta", "projects"):
        if section not in parts:
            raise PabulibError(
                _("Section {section} absente : ce n'est pas un fichier pabulib.").format(
                    section=section.upper()
                )
            )
    meta = tuple(_meta_rows(parts["meta"][1]))
    project_columns, project_rows = parts["projects"]
    projects = tuple(_projects(project_columns, project_rows))
    if "votes" not in parts:
        raise PabulibError(
            _("Section VOTES absente : le fichier ne contient aucun vote, rien à rejouer.")
        )
    vote_columns, vote_rows = parts["votes"]
    known = {p.project_id for p in projects}
    votes = tuple(_votes(vote_columns, vote_rows, known))
    return PbFile(meta, tuple(project_columns), projects, tuple(vote_columns), votes)


def _meta_rows(rows: Rows) -> Iterator[tuple[str, str]]:
    for line, row in rows:
        if len(row) < 2:
            raise PabulibError(
                _("Ligne {line} : une ligne META doit avoir une clé et une valeur.").format(
                    line=line
                )
            )
        yield row[0].strip(), ";".join(row[1:]).strip()


def _column(columns: Sequence[str], name: str, section: str) -> int:
    try:
        return list(columns).index(name)
    except ValueError:
        raise PabulibError(
            _("Colonne « {name} » absente de la section {section}.").format(
                name=name, section=section
            )
        ) from None


def _projects(columns: list[str], rows: Rows) -> Iterator[PbProject]:
    id_col = _column(columns, "project_id", "PROJECTS")
    cost_col = _column(columns, "cost", "PROJECTS")
    seen: set[str] = set()
    for line, row in rows:
        if len(row) != len(columns):
            raise _width_error(line, len(columns), len(row))
        pid = row[id_col].strip()
        if not pid or pid in seen:
            raise PabulibError(
                _("Ligne {line} : identifiant de projet vide ou en double « {id} ».").format(
                    line=line, id=pid
                )
            )
        seen.add(pid)
        what = _("le coût du projet {id} (ligne {line})").format(id=pid, line=line)
        yield PbProject(pid, parse_money(row[cost_col], what), tuple(row))


def _votes(columns: list[str], rows: Rows, known: set[str]) -> Iterator[PbVote]:
    id_col = _column(columns, "voter_id", "VOTES")
    vote_col = _column(columns, "vote", "VOTES")
    width = len(columns)
    parsed: dict[str, tuple[str, ...]] = {}  # many voters cast the same vote: parse it once
    voters: dict[str, int] = {}  # voter id -> line: a voter votes once
    for line, row in rows:
        if len(row) != width:
            if len(row) == 1 and not row[0].strip():
                continue
            raise _width_error(line, width, len(row))
        text = row[vote_col]
        vote = parsed.get(text)
        if vote is None:
            vote = parsed[text] = _parse_vote(text, known, line)
        voter = row[id_col].strip()
        first = voters.setdefault(voter, line)
        if first != line:
            raise PabulibError(
                _(
                    "Ligne {line} : le votant « {id} » a déjà voté ligne {first} ; un votant "
                    "ne vote qu'une fois (fichier à corriger)."
                ).format(line=line, id=voter, first=first)
            )
        yield PbVote(voter, vote, tuple(row))


def _parse_vote(text: str, known: set[str], line: int) -> tuple[str, ...]:
    vote = tuple(v.strip() for v in text.split(",") if v.strip())
    for pid in vote:
        if pid not in known:
            raise PabulibError(
                _("Ligne {line} : le vote cite un projet inconnu « {id} ».").format(
                    line=line, id=pid
                )
            )
    return vote


def _width_error(line: int, expected: int, got: int) -> PabulibError:
    return PabulibError(
        _("Ligne {line} : {got} colonnes au lieu de {expected}.").format(
            line=line, got=got, expected=expected
        )
    )


def format_pabulib(pb: PbFile) -> str:
    """The text of a `.pb` file; quoting only where a field needs it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(pb.meta)
    writer.writerow(["PROJECTS"])
    writer.writerow(pb.project_columns)
    writer.writerows(p.values for p in pb.projects)
    writer.writerow(["VOTES"])
    writer.writerow(pb.vote_columns)
    writer.writerows(v.values for v in pb.votes)
    return out.getvalue()


def write_pabulib(pb: PbFile, path: Path) -> None:
    Path(path).write_text(format_pabulib(pb), encoding="utf-8")


def money_text(value: Fraction) -> str:
    """Exact decimal text of an amount with a finite decimal expansion ("222176.85")."""
    text = exact_money(value)
    if isinstance(text, str) and "/" in text:
        raise PabulibError(
            _(
                "Le montant {value} ne s'écrit pas en décimal fini : il ne peut pas être exporté."
            ).format(value=value)
        )
    return str(text)


def to_election(pb: PbFile) -> Election:
    """The election a rule works on: budget, projects and one approval set per vote."""
    if pb.vote_type not in APPROVAL_TYPES:
        raise PabulibError(
            _("Type de vote « {kind} » non pris en charge (approbation ou choix unique).").format(
                kind=pb.vote_type
            )
        )
    name_col = pb.project_columns.index("name") if "name" in pb.project_columns else None
    projects = tuple(
        Project(p.project_id, p.cost, p.values[name_col] if name_col is not None else "")
        for p in pb.projects
    )
    sets: dict[tuple[str, ...], frozenset[str]] = {}
    ballots = tuple(
        sets.get(v.vote) or sets.setdefault(v.vote, frozenset(v.vote)) for v in pb.votes
    )
    return Election(pb.budget, projects, ballots)


def from_election(
    election: Election,
    meta: Sequence[tuple[str, str]],
    selected: Iterable[str] = (),
) -> PbFile:
    """A `.pb` file for public results: ballots in the order given (shuffle them first), no
    serial and no time; voter ids are just 1, 2, 3..."""
    chosen = set(selected)
    votes = election.votes
    projects = tuple(
        PbProject(
            p.project_id,
            p.cost,
            (
                p.project_id,
                money_text(p.cost),
                str(votes[p.project_id]),
                p.name,
                "1" if p.project_id in chosen else "0",
            ),
        )
        for p in election.projects
    )
    ids = [p.project_id for p in election.projects]
    rows = tuple(
        PbVote(str(i), vote, (str(i), ",".join(vote)))
        for i, vote in enumerate(
            (tuple(pid for pid in ids if pid in b) for b in election.ballots), 1
        )
    )
    return PbFile(
        meta=_complete_meta(meta, election),
        project_columns=("project_id", "cost", "votes", "name", "selected"),
        projects=projects,
        vote_columns=("voter_id", "vote"),
        votes=rows,
    )


def _complete_meta(
    meta: Sequence[tuple[str, str]], election: Election
) -> tuple[tuple[str, str], ...]:
    """The given META rows, plus the fields pabulib requires when missing."""
    rows = list(meta)
    keys = {k for k, _v in rows}
    required = {
        "num_projects": str(len(election.projects)),
        "num_votes": str(len(election.ballots)),
        "budget": money_text(election.budget),
        "vote_type": "approval",
    }
    rows.extend((k, v) for k, v in required.items() if k not in keys)
    rank = {key: i for i, key in enumerate(META_ORDER)}
    return tuple(sorted(rows, key=lambda row: rank.get(row[0], len(META_ORDER))))


META_ORDER = (
    "description", "country", "unit", "district", "subunit", "instance", "num_projects",
    "num_votes", "budget", "vote_type", "rule", "date_begin", "date_end",
)  # fmt: skip
"""The order of the META fields that pabulib's format and its checker expect (others follow)."""
