"""Builders shared by the count tests: a real campaign, real printed and marked ballots.

Ballots are printed with the ballots library (the same code as a real print run, real QR
payload under the campaign key), marked with its pen marks, rendered to PNG at 200 dpi with
pypdfium2, and their print batch is recorded in the database as the print service records it
(layout JSON, template hash, keyed serial hashes). No test lives here.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.services import Services
from app.services.campaigns import CampaignInput
from app.services.ideas import ProjectInput
from app.storage.tables import BallotStyleRow, IssuedSerialRow, PrintBatchRow
from ballots.layout import layout_to_json
from ballots.marks import MarkKind, draw_mark
from ballots.model import BallotSpec, BallotStyle, Campaign, Project, Residence, VotingRule
from ballots.raster import render_page
from ballots.render import render_ballots
from ballots.serials import keyed_serial_hash

PASSPHRASE = "une phrase secrète assez longue pour les tests"
COSTS = (400_000, 300_000, 250_000, 150_000)
KINDS = (MarkKind.CROSS, MarkKind.FILL, MarkKind.TICK)


@dataclass
class Setup:
    services: Services
    campaign_id: str
    residence_id: str
    residence_name: str
    project_ids: list[str]
    key: bytes


@dataclass
class Deck:
    files: list[Path]
    marked: list[tuple[str, ...]]  # ground truth per file: project ids marked
    layout_json: str
    template_hash: str
    batch: int


def make_setup(
    services: Services, *, budget_cents: int = 800_000, costs: Sequence[int] = COSTS
) -> Setup:
    from app.domain.models import ProjectStatus

    campaign = services.campaigns.create_campaign(CampaignInput(name="Budget participatif 2027"))
    residence = services.campaigns.add_residence("Les Tilleuls", budget_cents=budget_cents)
    ids = []
    for i, cost in enumerate(costs):
        project = services.projects.create_project(
            ProjectInput(
                title=f"Projet numéro {i + 1}",
                residence_id=residence.id,
                cost_cents=cost,
                status=ProjectStatus.ADMISSIBLE,
            )
        )
        ids.append(project.id)
    key = services.campaigns.campaign_secret(campaign.id)
    return Setup(services, campaign.id, residence.id, residence.name, ids, key)


def _spec(setup: Setup, rule: VotingRule, style_index: int = 0) -> BallotSpec:
    campaign = setup.services.campaigns.get_campaign(setup.campaign_id)
    projects = tuple(
        Project(p.id, p.number, p.title, p.cost_cents)
        for p in (setup.services.projects.get_project(pid) for pid in setup.project_ids)
    )
    return BallotSpec(
        Campaign(campaign.id, campaign.short_code, campaign.name),
        Residence(setup.residence_id, setup.residence_name),
        BallotStyle(style_index, "Français"),
        rule,
        projects,
    )


def print_deck(
    setup: Setup,
    marks: Sequence[Sequence[int]],
    out_dir: Path,
    *,
    batch: int = 1,
    test: bool = False,
    rule: VotingRule | None = None,
    record: bool = True,
    dpi: int = 200,
    prefix: str = "scan",
) -> Deck:
    """Print one ballot per entry of `marks` (indices of the projects marked), render each
    page to `out_dir/<prefix>-NNN.png`, and record the print batch unless `record` is False."""
    spec = _spec(setup, rule or VotingRule.approval(2))
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf = out_dir / f"{prefix}-batch{batch}.pdf"
    layout_box = {}

    def hook(pen, index):  # type: ignore[no-untyped-def]
        for n, j in enumerate(marks[index]):
            box = layout_box["layout"].boxes[j]
            draw_mark(pen, box.rect, KINDS[(index + n) % len(KINDS)])

    from ballots.render import prepare_ballot

    prepared = prepare_ballot(spec)
    layout_box["layout"] = prepared.layout
    result = render_ballots(
        prepared, pdf, key=setup.key, batch=batch, count=len(marks), test=test, page_hook=hook
    )
    files = []
    for i in range(len(marks)):
        path = out_dir / f"{prefix}-{batch}-{i:03d}.png"
        render_page(pdf, i, dpi=dpi, grey=True).save(path)
        files.append(path)
    pdf.unlink()
    text = layout_to_json(result.layout)
    if record:
        _record_batch(setup, result, text, batch, test, len(marks))
    truth = [tuple(setup.project_ids[j] for j in m) for m in marks]
    return Deck(files, truth, text, result.layout.template_hash, batch)


def _record_batch(setup, result, layout_text, batch, test, count):  # type: ignore[no-untyped-def]
    with setup.services.uow() as s:
        style = BallotStyleRow(
            campaign_id=setup.campaign_id,
            residence_id=setup.residence_id,
            style_index=batch * 10,
            name=f"Style {batch}",
            project_ids=list(setup.project_ids),
        )
        s.add(style)
        s.flush()
        row = PrintBatchRow(
            campaign_id=setup.campaign_id,
            residence_id=setup.residence_id,
            style_id=style.id,
            batch_number=batch,
            count=count,
            mode="test" if test else "live",
            template_hash=result.layout.template_hash,
            layout_json=layout_text,
            merkle_root=result.merkle_root,
        )
        s.add(row)
        s.flush()
        for serial in result.serials:
            s.add(
                IssuedSerialRow(serial_hash=keyed_serial_hash(setup.key, serial), batch_id=row.id)
            )


def stored(path: Path) -> str:
    """The name a scanned file has once counted (its SHA-256 and suffix): the count never keeps
    the scan's own name, which may carry the time it was scanned."""
    from app.services.counting.store import stored_name
    from scanner.batch import file_sha256

    return stored_name(file_sha256(path), path)


def foreign_ballot(out_dir: Path, setup: Setup) -> Path:
    """A genuine-looking ballot of another campaign (another id, another key)."""
    spec = _spec(setup, VotingRule.approval(2))
    other = BallotSpec(
        Campaign("autre-campagne", "AUTRE", "Une autre campagne"),
        spec.residence,
        spec.style,
        spec.rule,
        spec.projects,
    )
    pdf = out_dir / "foreign.pdf"
    render_ballots(other, pdf, key=secrets.token_bytes(32), batch=1, count=1)
    path = out_dir / "foreign.png"
    render_page(pdf, 0, dpi=200, grey=True).save(path)
    return path
