"""`election.json`, database side: the residence's budget, projects, declared rule and funded
projects, written into a session's verification bundle so that anyone can rerun the rule on the
recounted ballots (the verifier's side, which reads the file, is `app.verify.election`).
"""

from __future__ import annotations

import json
from typing import Any

from app.services.counting.core import CountingCore
from app.services.counting.results import residence_results
from app.services.counting.seal import campaign_rule
from app.verify.election import FORMAT, OPTION_KEYS


def election_document(counting: CountingCore, session_id: str) -> dict[str, Any]:
    """The residence's budget, projects, declared rule and funded projects (database side)."""
    session = counting.get_session(session_id)
    res = residence_results(counting, session.residence_id)
    with counting.uow() as s:
        row = campaign_rule(s, session.campaign_id)
        lot_order = list(row.lot_order or ()) if row else []
        options = (
            {k: v for k, v in dict(row.options or {}).items() if k in OPTION_KEYS} if row else {}
        )
    return {
        "format": FORMAT,
        "version": 1,
        "residence_id": res.residence_id,
        "residence": res.residence_name,
        "budget_cents": res.budget_cents,
        "rule": res.rule,
        "threshold": res.threshold,
        "lot_order": [p for p in lot_order if p in {x.project_id for x in res.projects}],
        "options": options,
        "sessions": list(res.sessions),
        "projects": [
            {
                "project_id": p.project_id,
                "number": p.number,
                "title": p.title,
                "source_id": p.source_id,
                "cost_cents": p.cost_cents,
            }
            for p in res.projects
        ],  # fmt: skip
        "selected": list(res.selected),
    }


def election_bytes(counting: CountingCore, session_id: str) -> bytes:
    doc = election_document(counting, session_id)
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()
