"""A real past vote replayed on paper: `pabulib import` of Warszawa 2019 Nadwiśle (7 projects,
205 voters, greedy), ballots printed and marked as the file's voters did, rendered to images,
counted headless, and the funded projects compared with the rule's.

To stay well under a minute the paper count uses a documented subsample: every 5th voter of
the file (41 ballots). Its expected winners are computed with the rules on the same subsample;
the full file is checked against its recorded winners (`selected` column) here by the rules
alone, as the rules tests do for every file. The public `.pb` export of the count is read back.
"""

from __future__ import annotations

import json
from fractions import Fraction

from app.domain import rules
from app.domain.pabulib import parse_pabulib, read_pabulib, to_election
from app.services import open_services
from ballots.model import VotingRule
from tests.cli.test_cli_count import bp, ok
from tests.helpers.counting import Setup, print_deck, stored
from tests.helpers.pabulib import pb

FILE = pb("Poland_Warszawa_2019_Nadwisle.pb")
EVERY = 5


def test_full_file_rule_gives_the_recorded_winners():
    pb = read_pabulib(FILE)
    outcome = rules.run_rule(to_election(pb), rules.Options(rule=rules.ResultsRule.GREEDY))
    assert sorted(outcome.selected) == sorted(pb.recorded_selected() or ())


def test_import_then_replay_a_subsample_on_paper(tmp_path):
    data = tmp_path / "data"
    d = ("--data-dir", str(data))
    imported = json.loads(ok("pabulib", "import", str(FILE), *d, "--json"))
    assert imported["created_campaign"] is True and imported["rule"] == "greedy"
    assert imported["budget_cents"] == 13_550_200 and imported["voters"] == 205
    pb = read_pabulib(FILE)
    by_source = {p["source_id"]: p for p in imported["projects"]}
    assert {s: p["cost_cents"] for s, p in by_source.items()} == {
        p.project_id: int(p.cost * 100) for p in pb.projects
    }
    again = bp("pabulib", "import", str(FILE), *d)  # the same residence twice is refused
    assert again.returncode == 2 and "déjà" in again.stderr

    sample = pb.votes[::EVERY]
    order = [p["source_id"] for p in imported["projects"]]
    marks = [[order.index(s) for s in vote.vote] for vote in sample]
    with open_services(data) as services:
        setup = Setup(
            services, imported["campaign_id"], imported["residence_id"], imported["residence"],
            [p["project_id"] for p in imported["projects"]],
            services.campaigns.campaign_secret(imported["campaign_id"]),
        )  # fmt: skip
        deck = print_deck(setup, marks, tmp_path / "scans", rule=VotingRule.approval(len(order)))

    session = ok("count", "open", *d, "--residence", imported["residence"], "--officer", "Agnès")
    s = ("--session", session.strip().splitlines()[-1])
    ok("count", "ingest", *d, *s, *map(str, deck.files))
    truth = dict(zip([stored(f) for f in deck.files], deck.marked, strict=True))
    for item in json.loads(ok("count", "review", *d, *s, "--json"))["items"]:
        for box in item["boxes"]:
            value = "marked" if box["project_id"] in truth[item["file"]] else "unmarked"
            ok("count", "decide", *d, *s, "--sheet", item["sheet_id"], "--box", box["project_id"],
               "--as", value, "--reason", "Vu avec le témoin")  # fmt: skip
    ok("count", "close", *d, *s)

    results = json.loads(ok("results", *d, "--residence", imported["residence"], "--json"))
    assert results["valid"] == len(sample) and results["invalid"] == 0
    source = {p["project_id"]: p["source_id"] for p in results["projects"]}
    votes = {source[p["project_id"]]: p["votes"] for p in results["projects"]}
    expected_votes = {p: sum(p in v.vote for v in sample) for p in order}
    assert votes == expected_votes
    election = rules.Election(
        pb.budget,
        tuple(rules.Project(p.project_id, p.cost) for p in pb.projects),
        tuple(frozenset(v.vote) for v in sample),
    )
    expected = rules.run_rule(election, rules.Options(rule=rules.ResultsRule.GREEDY)).selected
    assert [source[p] for p in results["selected"]] == list(expected)

    out = tmp_path / "public.pb"
    ok("pabulib", "export", *d, "--residence", imported["residence"], "--out", str(out))
    public = parse_pabulib(out.read_text(encoding="utf-8"))
    assert public.vote_columns == ("voter_id", "vote")
    assert [v.voter_id for v in public.votes] == [str(i) for i in range(1, len(sample) + 1)]
    assert sorted(sorted(v.vote) for v in public.votes) == sorted(sorted(v.vote) for v in sample)
    assert sorted(public.recorded_selected() or ()) == sorted(expected)
    assert public.budget == Fraction(135502)


def test_public_json_and_csv_exports_of_a_count(tmp_path):
    from tests.helpers.verify import live_count

    data = tmp_path / "data"
    with open_services(data) as services:
        counted = live_count(services, tmp_path / "scans", [[0], [0, 1], [1], [2], [0, 3], []])
        residence = services.counting.get_session(counted.session_id).residence_name
    d = ("--data-dir", str(data), "--residence", residence)
    ok("pabulib", "export", *d, "--out", str(tmp_path / "r.json"))
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert (doc["valid"], doc["blank"]) == (6, 1) and len(doc["selected"]) == 2
    ok("pabulib", "export", *d, "--out", str(tmp_path / "r.csv"))
    lines = (tmp_path / "r.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "numero;projet;source_id;cout_euros;voix;statut;finance"
    assert lines[1] == "1;Projet numéro 1;;4000;4;financé;1"
    assert len(lines) == 5
    ok("pabulib", "export", *d, "--out", str(tmp_path / "r.pb"))
    public = parse_pabulib((tmp_path / "r.pb").read_text(encoding="utf-8"))
    assert len(public.votes) == 6 and public.recorded_selected() == ("1", "2")
    text = (tmp_path / "r.pb").read_text(encoding="utf-8")
    assert counted.session_id not in text and "sheet" not in text
    refused = bp("pabulib", "export", *d, "--out", str(tmp_path / "r.xlsx"))
    assert refused.returncode == 2 and "Format inconnu" in refused.stderr
