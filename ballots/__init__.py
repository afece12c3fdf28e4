"""Paper ballots and vote materials: layout, QR payload, PDF documents (pure library)."""

from ballots.errors import BallotError
from ballots.geometry import build_layout
from ballots.layout import BallotLayout, layout_from_json, layout_to_json
from ballots.model import (
    BallotSpec,
    BallotStyle,
    Campaign,
    Project,
    Residence,
    RuleKind,
    VotingRule,
)
from ballots.payload import Payload, decode_text, encode_text, new_campaign_key

__all__ = [
    "BallotError",
    "BallotLayout",
    "BallotSpec",
    "BallotStyle",
    "Campaign",
    "Payload",
    "Project",
    "Residence",
    "RuleKind",
    "VotingRule",
    "build_layout",
    "decode_text",
    "encode_text",
    "layout_from_json",
    "layout_to_json",
    "new_campaign_key",
]
