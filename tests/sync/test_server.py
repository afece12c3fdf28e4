"""The sync server as a real uvicorn process on loopback: push, pull, enrolment, idempotence."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import httpx

from sync.core.protocol import PROTOCOL_VERSION
from sync.core.tables import Role
from tests.sync.conftest import Server


def edit(table: str, record_id: str, base: dict[str, int] | None = None, **fields: Any) -> dict:
    return {
        "change_id": uuid.uuid4().hex,
        "table": table,
        "record_id": record_id,
        "kind": "edit",
        "fields": fields,
        "base": base or {name: 0 for name in fields},
    }


def push(server: Server, token: str, changes: list[dict], batch_id: str | None = None) -> Any:
    body = {
        "protocol": PROTOCOL_VERSION,
        "batch_id": batch_id or uuid.uuid4().hex,
        "changes": changes,
    }
    return httpx.post(
        f"{server.url}/v1/push", json=body, headers={"Authorization": f"Bearer {token}"}
    )


def pull_all(server: Server, token: str, cursor: int = 0, limit: int = 50) -> tuple[list, int]:
    records = []
    while True:
        reply = httpx.post(
            f"{server.url}/v1/pull",
            json={"protocol": PROTOCOL_VERSION, "cursor": cursor, "limit": limit},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert reply.status_code == 200, reply.text
        page = reply.json()
        records += page["records"]
        cursor = page["cursor"]
        if not page["more"]:
            return records, cursor


def test_push_then_pull_over_http(server: Server) -> None:
    token = server.enrol(Role.CONSULTANT, "laptop-a")
    reply = push(server, token, [edit("residence", "r-http", name="Les Lilas", dwellings=12)])
    assert reply.status_code == 200, reply.text
    assert reply.json()["accepted"] == 1
    other = server.enrol(Role.FIELD, "laptop-b")
    records, _cursor = pull_all(server, other)
    held = {r["record_id"]: r for r in records}
    assert held["r-http"]["values"] == {"name": "Les Lilas", "dwellings": 12}
    assert held["r-http"]["versions"] == {"name": 1, "dwellings": 1}


def test_a_batch_sent_twice_is_applied_once(server: Server) -> None:
    token = server.enrol(Role.CONSULTANT, "laptop-twice")
    changes = [edit("idea", "idea-twice", title="Bancs")]
    first = push(server, token, changes, batch_id="batch-twice")
    _records, cursor = pull_all(server, token)
    second = push(server, token, changes, batch_id="batch-twice")
    assert first.json() == second.json()
    after, _ = pull_all(server, token, cursor)
    assert after == []  # nothing written the second time


def test_same_field_on_two_laptops_is_one_conflict_over_http(server: Server) -> None:
    a = server.enrol(Role.CONSULTANT, "laptop-c1")
    b = server.enrol(Role.FIELD, "laptop-c2")
    push(server, a, [edit("residence", "r-clash", dwellings=10)])
    one = push(server, a, [edit("residence", "r-clash", base={"dwellings": 1}, dwellings=11)])
    two = push(server, b, [edit("residence", "r-clash", base={"dwellings": 1}, dwellings=12)])
    assert one.json()["conflicts"] == []
    [conflict] = two.json()["conflicts"]
    assert (conflict["kept_value"], conflict["other_value"]) == (11, 12)


def test_an_old_client_gets_a_french_message(server: Server) -> None:
    token = server.enrol(Role.FIELD, "laptop-old")
    body = {"protocol": 0, "batch_id": "b", "changes": []}
    reply = httpx.post(
        f"{server.url}/v1/push", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert reply.status_code == 426
    assert "Mettez BP Terrain à jour" in reply.json()["detail"]
    # an old body of another shape still gets the version message, not "malformed"
    old = {"protocol": 0, "batch": "b", "edits": [{"row": 1}]}
    reply = httpx.post(
        f"{server.url}/v1/push", json=old, headers={"Authorization": f"Bearer {token}"}
    )
    assert reply.status_code == 426 and "version 0" in reply.json()["detail"]
    newer = httpx.post(
        f"{server.url}/v1/pull", json={"protocol": PROTOCOL_VERSION + 1, "since": "x"}
    )
    assert newer.status_code == 426 and "Mettez le serveur à jour" in newer.json()["detail"]


def test_malformed_and_oversized_requests_are_refused_cleanly(server: Server) -> None:
    token = server.enrol(Role.FIELD, "laptop-bad")
    headers = {"Authorization": f"Bearer {token}"}
    bad = httpx.post(f"{server.url}/v1/push", content=b"{not json", headers=headers)
    assert bad.status_code == 422 and "mal formée" in bad.json()["detail"]
    wrong = httpx.post(
        f"{server.url}/v1/push", json={"protocol": PROTOCOL_VERSION}, headers=headers
    )
    assert wrong.status_code == 422
    huge = httpx.post(f"{server.url}/v1/push", content=b"x" * (17 * 1024 * 1024), headers=headers)
    assert huge.status_code == 413


def test_a_code_is_spent_once(server: Server) -> None:
    code = server.code(Role.FIELD)
    body = {"protocol": PROTOCOL_VERSION, "code": code, "device_id": "laptop-once"}
    assert httpx.post(f"{server.url}/v1/enrol", json=body).status_code == 200
    again = httpx.post(f"{server.url}/v1/enrol", json={**body, "device_id": "laptop-twice-b"})
    assert again.status_code == 403 and "déjà utilisé" in again.json()["detail"]


def test_concurrent_pushes_never_leave_a_puller_behind(server: Server) -> None:
    """Pullers following their cursor while writers push end up with every record."""
    writers = [server.enrol(Role.CONSULTANT, f"writer-{n}") for n in range(4)]
    reader = server.enrol(Role.FIELD, "reader")
    _seen, cursor = pull_all(server, reader)
    seen: dict[str, Any] = {}
    done = threading.Event()

    def write(token: str, number: int) -> None:
        for batch in range(5):
            changes = [edit("idea", f"late-{number}-{batch}-{i}", title="x") for i in range(10)]
            assert push(server, token, changes).status_code == 200

    def read() -> None:
        nonlocal cursor
        while True:
            last = done.is_set()
            records, cursor = pull_all(server, reader, cursor, limit=7)
            seen.update({r["record_id"]: r for r in records})
            if last:
                return

    threads = [threading.Thread(target=write, args=(t, n)) for n, t in enumerate(writers)]
    puller = threading.Thread(target=read)
    puller.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    puller.join()
    late = {rid for rid in seen if rid.startswith("late-")}
    assert len(late) == 4 * 5 * 10


def test_concurrent_edits_of_one_field_are_never_lost(server: Server) -> None:
    """Writers are serialised: of six edits made on the same version, one wins, five conflict."""
    tokens = [server.enrol(Role.CONSULTANT, f"racer-{n}") for n in range(6)]
    assert push(server, tokens[0], [edit("residence", "r-race", dwellings=1)]).status_code == 200
    replies: list[Any] = []

    def race(number: int) -> None:
        change = edit("residence", "r-race", base={"dwellings": 1}, dwellings=100 + number)
        replies.append(push(server, tokens[number], [change]).json())

    threads = [threading.Thread(target=race, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    conflicts = [c for reply in replies for c in reply["conflicts"]]
    assert len(conflicts) == 5
    winners = {100 + n for n in range(6)} - {c["other_value"] for c in conflicts}
    [record] = [r for r in replies[0]["records"] if r["record_id"] == "r-race"]
    assert record["values"]["dwellings"] in winners and len(winners) == 1
    assert record["versions"]["dwellings"] == 2


def test_a_push_holds_the_writers_lock_until_it_commits(server: Server) -> None:
    """The lock that keeps concurrent pushes from merging into the same old state."""
    from sync.server.store import SqlStore, open_engine, transaction

    engine = open_engine(server.db_url)
    order: list[str] = []
    second_waiting = threading.Event()

    def second() -> None:
        second_waiting.set()
        with transaction(engine) as session:
            SqlStore(session).lock()
            order.append("second locked")

    with transaction(engine) as session:
        SqlStore(session).lock()
        thread = threading.Thread(target=second)
        thread.start()
        second_waiting.wait()
        thread.join(timeout=1.0)
        assert thread.is_alive()  # still waiting for the first transaction
        order.append("first commits")
    thread.join(timeout=30)
    engine.dispose()
    assert order == ["first commits", "second locked"]


def test_the_server_refuses_a_forked_audit_chain(server: Server) -> None:
    from tests.sync.test_audit_chain import chain, entry

    token = server.enrol(Role.OFFICER, "officer-chain")
    entries = chain("session-http", 3)

    def fact(values: dict) -> dict:
        return {
            "change_id": uuid.uuid4().hex,
            "table": "count_audit",
            "record_id": uuid.uuid4().hex,
            "kind": "fact",
            "fields": values,
        }

    assert push(server, token, [fact(e) for e in entries]).json()["accepted"] == 3
    fork = entry("session-http", 3, entries[1]["hash"], n=42)
    reply = push(server, token, [fact(fork)]).json()
    assert [r["reason"] for r in reply["refused"]] == ["audit_forked"]


def test_a_pull_does_not_wait_for_a_writer_and_sees_only_commits(server: Server) -> None:
    from sync.server.store import SqlStore, open_engine, transaction

    engine = open_engine(server.db_url)
    seen: list[Any] = []
    with transaction(engine) as session:
        with SqlStore(session).writing() as store:
            store.put("idea", "uncommitted", {"title": "x"}, {"title": 1})
        # written on leaving the block, not committed

        def read() -> None:
            with transaction(engine, read_only=True) as reading:
                seen.extend(r.record_id for r in SqlStore(reading).since(0, 100_000)[0])
            seen.append("done")

        thread = threading.Thread(target=read)
        thread.start()
        thread.join(timeout=10)
        assert not thread.is_alive()  # answered while the writer still holds its lock
    engine.dispose()
    assert seen[-1] == "done" and "uncommitted" not in seen
