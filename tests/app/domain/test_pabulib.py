"""Reading and writing the pabulib `.pb` format, on real files and on crafted broken ones."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from app.domain.pabulib import (
    PabulibError,
    format_pabulib,
    from_election,
    money_text,
    parse_pabulib,
    read_pabulib,
    to_election,
    write_pabulib,
)
from app.domain.rules import Options, run_rule
from tests.helpers.pabulib import LARGE, names
from tests.helpers.pabulib import pb as pb_path

SMALL = [name for name in names() if name not in LARGE]

MINIMAL = """META
key;value
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
a;60;"Parc ""des Tilleuls""; côté nord"
b;50;Bancs
VOTES
voter_id;vote
1;a,b
2;b
"""


@pytest.mark.parametrize("name", SMALL)
def test_real_files_parse_with_meta_counts_and_recorded_votes(name: str) -> None:
    pb = read_pabulib(pb_path(name))
    assert len(pb.projects) == int(pb.meta_value("num_projects") or -1)
    assert len(pb.votes) == int(pb.meta_value("num_votes") or -1)
    election = to_election(pb)
    for project in pb.projects:
        column = pb.project_value(project, "votes")
        if column is not None:
            assert int(column) == election.votes[project.project_id]


@pytest.mark.parametrize("name", SMALL)
def test_round_trip_keeps_every_field(name: str, tmp_path: Path) -> None:
    pb = read_pabulib(pb_path(name))
    out = tmp_path / name
    write_pabulib(pb, out)
    assert read_pabulib(out) == pb


def test_quoted_fields_with_separator_and_doubled_quotes() -> None:
    pb = parse_pabulib(MINIMAL)
    assert pb.project_value(pb.projects[0], "name") == 'Parc "des Tilleuls"; côté nord'
    assert parse_pabulib(format_pabulib(pb)) == pb
    assert '"Parc ""des Tilleuls""; côté nord"' in format_pabulib(pb)


def test_large_file_quotes_and_counts() -> None:
    pb = read_pabulib(pb_path("Poland_Lodz_2022.pb"))
    assert len(pb.votes) == 90494
    names = {p.project_id: pb.project_value(p, "name") for p in pb.projects}
    assert names["L132"] is not None and names["L132"].endswith('od przedszkola do senora"')
    assert (
        names["L140"]
        == '"Dofinansowanie działalności Ośrodka Rehabilitacji Dzikich Zwierząt" , działka nr. 45/9 obręb B-16'
    )


def test_decimal_budget_and_bom() -> None:
    text = "\ufeff" + MINIMAL.replace("budget;100", "budget;222176.85")
    pb = parse_pabulib(text)
    assert pb.budget == Fraction(22217685, 100)
    assert money_text(pb.budget) == "222176.85"


def test_to_election_counts_votes() -> None:
    election = to_election(parse_pabulib(MINIMAL))
    assert election.budget == 100
    assert dict(election.votes) == {"a": 1, "b": 2}
    assert election.ballots == (frozenset({"a", "b"}), frozenset({"b"}))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("key;value\nbudget;1\n", "commencer par la section META"),
        ("META\nkey;value\nbudget;1\n", "Section PROJECTS absente"),
        (MINIMAL.replace("a;60;", "a;soixante;"), "Montant illisible"),
        (MINIMAL.replace("1;a,b", "1;a,z"), "projet inconnu « z »"),
        (MINIMAL.replace("2;b", "2;b;extra"), "3 colonnes au lieu de 2"),
        (MINIMAL.replace("b;50;Bancs", "a;50;Bancs"), "en double « a »"),
        (MINIMAL.replace("project_id;cost;name", "project_id;prix;name"), "Colonne « cost »"),
        (MINIMAL + "META\nkey;value\n", "VOTES doit être la dernière"),
    ],
)
def test_malformed_files_give_french_messages_with_the_line(text: str, message: str) -> None:
    with pytest.raises(PabulibError) as info:
        parse_pabulib(text)
    assert message in str(info.value)


def test_unknown_vote_names_its_line() -> None:
    with pytest.raises(PabulibError, match="Ligne 11"):
        parse_pabulib(MINIMAL.replace("1;a,b", "1;a,z"))


def test_missing_budget_and_unsupported_vote_type() -> None:
    pb = parse_pabulib(MINIMAL.replace("budget;100\n", ""))
    with pytest.raises(PabulibError, match="budget"):
        to_election(pb)
    cumulative = parse_pabulib(MINIMAL.replace("vote_type;approval", "vote_type;cumulative"))
    with pytest.raises(PabulibError, match="cumulative"):
        to_election(cumulative)


def test_missing_file_and_binary_file(tmp_path: Path) -> None:
    with pytest.raises(PabulibError, match="introuvable"):
        read_pabulib(tmp_path / "absent.pb")
    binary = tmp_path / "image.pb"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(PabulibError, match="UTF-8"):
        read_pabulib(binary)


def test_results_export_reads_back_to_the_same_outcome(tmp_path: Path) -> None:
    source = to_election(read_pabulib(pb_path("Poland_Warszawa_2019_Brodno.pb")))
    outcome = run_rule(source, Options())
    exported = from_election(
        source, [("description", "Résultats"), ("rule", "greedy")], outcome.selected
    )
    path = tmp_path / "export.pb"
    write_pabulib(exported, path)
    back = read_pabulib(path)
    assert back.recorded_selected() is not None
    assert set(back.recorded_selected() or ()) == set(outcome.selected)
    assert {v.voter_id for v in back.votes} == {str(i) for i in range(1, len(source.ballots) + 1)}
    again = to_election(back)
    assert again.votes == source.votes and again.budget == source.budget
    assert run_rule(again, Options()).selected == outcome.selected
