"""The audit chain checked by a real server process (SQLite and PostgreSQL): a checkpoint with a
forged officer signature and a rewritten past entry are refused, loudly, and the server keeps
the chain it had; the genuine chain then goes on. The laptop names each refusal in French."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import select, update

from sync.client.service import describe_refusals
from sync.core.protocol import PROTOCOL_VERSION, PushReply, PushRequest
from sync.core.tables import Role
from sync.server.store import RECORDS, open_engine, transaction
from tests.helpers.audit import rechain, sha
from tests.sync.conftest import Server
from tests.sync.test_audit_chain import as_values, forged_signature, real_entries
from tests.sync.test_server import pull_all, push
from ui.cli import main


def facts(entries: list[dict[str, Any]], ids: list[str]) -> list[dict[str, Any]]:
    return [
        {"change_id": uuid.uuid4().hex, "table": "count_audit", "record_id": rid, "kind": "fact",
         "fields": values}
        for rid, values in zip(ids, entries, strict=True)
    ]  # fmt: skip


def held(server: Server, token: str, session: str) -> list[str]:
    records, _cursor = pull_all(server, token)
    entries = [
        r["values"]
        for r in records
        if r["table"] == "count_audit" and r["values"]["session_id"] == session
    ]
    return [values["hash"] for values in sorted(entries, key=lambda values: values["seq"])]


def test_a_forged_checkpoint_signature_is_refused_by_the_server(server: Server) -> None:
    token = server.enrol(Role.OFFICER, f"officer-{uuid.uuid4().hex[:6]}")
    session = f"session-{uuid.uuid4().hex[:8]}"
    entries, index = forged_signature(session)
    ids = [uuid.uuid4().hex for _ in entries]
    body = {
        "protocol": PROTOCOL_VERSION,
        "batch_id": uuid.uuid4().hex,
        "changes": facts(entries, ids),
    }
    reply = push(server, token, body["changes"], body["batch_id"])
    assert reply.status_code == 200, reply.text
    refused = reply.json()["refused"]
    assert [r["reason"] for r in refused][:1] == ["audit_signature"]
    assert held(server, token, session) == [values["hash"] for values in entries[:index]]
    # the laptop's report names it in French
    [first, *_rest] = describe_refusals(
        PushRequest.model_validate(body), PushReply.model_validate(reply.json())
    )
    assert f"entrée n° {index + 1}" in first["message"]
    assert "signature" in first["message"] and "garde le journal" in first["message"]
    # the genuine chain goes on from what the server kept
    genuine = [as_values(session, item) for item in real_entries(session)]
    reply = push(server, token, facts(genuine[index:], ids[index:]))
    assert reply.json()["refused"] == []
    assert held(server, token, session) == [values["hash"] for values in genuine]


def test_a_rewritten_past_entry_is_refused_and_the_chain_kept(server: Server) -> None:
    token = server.enrol(Role.OFFICER, f"officer-{uuid.uuid4().hex[:6]}")
    session = f"session-{uuid.uuid4().hex[:8]}"
    genuine = [as_values(session, item) for item in real_entries(session)]
    ids = [uuid.uuid4().hex for _ in genuine]
    assert push(server, token, facts(genuine, ids)).json()["refused"] == []
    # entry 2 rewritten (another image) and every hash after it recomputed, by a forger
    dicts = [json.loads(values["entry"]) for values in genuine]
    dicts[1]["payload"]["image_sha256"] = sha("another image")
    rechain(dicts, 1)
    rewritten = [as_values(session, data) for data in dicts]
    same_ids = push(server, token, facts(rewritten[1:], ids[1:])).json()
    assert {r["reason"] for r in same_ids["refused"]} == {"fact_rewritten"}
    new_ids = push(server, token, facts(rewritten[1:], [uuid.uuid4().hex for _ in dicts[1:]]))
    assert {r["reason"] for r in new_ids.json()["refused"]} == {"audit_forked"}
    assert held(server, token, session) == [values["hash"] for values in genuine]


def test_server_verify_audit_replays_every_chain_and_names_a_broken_one(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    """`bp-terrain server verify-audit`: every chain the server holds replayed whole; an entry
    edited in the server's database (a restored or tampered copy) is named, exit code 1."""
    token = server.enrol(Role.OFFICER, f"officer-{uuid.uuid4().hex[:6]}")
    session = f"session-{uuid.uuid4().hex[:8]}"
    genuine = [as_values(session, item) for item in real_entries(session)]
    assert (
        push(server, token, facts(genuine, [uuid.uuid4().hex for _ in genuine])).json()["refused"]
        == []
    )
    assert main(["server", "verify-audit", "--db", server.db_url, "--json"]) == 0
    reports = {r["session_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert reports[session]["ok"] and reports[session]["entries"] == len(genuine)

    engine = open_engine(server.db_url)
    try:
        with transaction(engine) as db:
            rows = db.execute(
                select(RECORDS.c.record_id, RECORDS.c.values_json).where(
                    RECORDS.c.table_name == "count_audit"
                )
            ).all()
            record_id, values = next(
                (rid, values)
                for rid, values in ((rid, json.loads(text)) for rid, text in rows)
                if values["seq"] == 3 and values["session_id"] == session
            )
            values["entry"] = values["entry"].replace(sha("img2"), sha("img9"))
            db.execute(
                update(RECORDS)
                .where(RECORDS.c.table_name == "count_audit", RECORDS.c.record_id == record_id)
                .values(values_json=json.dumps(values))
            )
    finally:
        engine.dispose()
    assert main(["server", "verify-audit", "--db", server.db_url]) == 1
    out, err = capsys.readouterr()
    assert f"Session {session} : journal rompu. Entrée n° 3 modifiée" in err
