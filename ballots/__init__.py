"""Paper ballots and vote materials: layout, QR payload, PDF documents (pure library).

The names below are loaded on first use (PEP 562), so that a module needing one small part
(the standalone verifier's `ballots.serials`, through the audit log's privacy rules) does not
load the whole library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ballots.lazy import lazy_exports

if TYPE_CHECKING:
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

_WHERE = {
    "BallotError": "ballots.errors",
    "build_layout": "ballots.geometry",
    "BallotLayout": "ballots.layout",
    "layout_from_json": "ballots.layout",
    "layout_to_json": "ballots.layout",
    "BallotSpec": "ballots.model",
    "BallotStyle": "ballots.model",
    "Campaign": "ballots.model",
    "Project": "ballots.model",
    "Residence": "ballots.model",
    "RuleKind": "ballots.model",
    "VotingRule": "ballots.model",
    "Payload": "ballots.payload",
    "decode_text": "ballots.payload",
    "encode_text": "ballots.payload",
    "new_campaign_key": "ballots.payload",
}


__getattr__ = lazy_exports(__name__, _WHERE)


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
