"""What `pabulib export` writes passes pabulib's own checker (the `pabulib-checker` package):
required META fields in their order, counts, votes, the greedy winners."""

from __future__ import annotations

from datetime import date

from pabulib import Checker

from app.domain.pabulib import parse_pabulib
from app.services.campaigns import CampaignInput
from tests.helpers.counting import PASSPHRASE, make_setup


def check(text: str) -> dict:
    results = Checker().process_files([text])
    [(_key, file_result)] = [(k, v) for k, v in results.items() if k not in ("metadata", "summary")]
    return file_result["results"]


def test_exported_pb_is_valid_for_the_pabulib_checker(services, tmp_path):
    setup = make_setup(services)
    services.campaigns.update_campaign(
        setup.campaign_id,
        CampaignInput(name="Budget participatif 2027", vote_start=date(2027, 1, 10),
                      vote_end=date(2027, 1, 20)),
    )  # fmt: skip
    session = services.counting.open_session(setup.residence_id, "Agnès", passphrase=PASSPHRASE)
    p = setup.project_ids
    for choices in ([p[0]], [p[0], p[1]], [p[1]], [p[0], p[3]], [p[2]]):
        services.counting.hand_key(session.id, choices, "Bulletin déchiré")
    out = services.public_results.export_public(setup.residence_id, tmp_path / "resultats.pb")
    text = out.read_text(encoding="utf-8")
    assert check(text) == {"errors": {}, "warnings": {}}
    pb = parse_pabulib(text)
    assert [k for k, _v in pb.meta][:4] == ["description", "country", "unit", "subunit"]
    assert (pb.meta_value("date_begin"), pb.meta_value("date_end")) == ("10.01.2027", "20.01.2027")
    assert pb.meta_value("instance") == "2027" and len(pb.votes) == 5


def test_the_checker_does_catch_a_broken_file(services, tmp_path):
    """The check can fail: a vote for a project that does not exist is reported."""
    setup = make_setup(services)
    session = services.counting.open_session(setup.residence_id, "Agnès", passphrase=PASSPHRASE)
    services.counting.hand_key(session.id, [setup.project_ids[0]], "Bulletin déchiré")
    out = services.public_results.export_public(setup.residence_id, tmp_path / "r.pb")
    text = out.read_text(encoding="utf-8").replace("voter_id;vote\n1;1", "voter_id;vote\n1;99")
    assert check(text)["errors"]
