"""The server's OpenAPI schema fuzzed with schemathesis against the running server process (on a
SQLite file and on PostgreSQL): whatever it is sent, it never answers 500, and afterwards every
row it holds is whole and every record still pulls as a valid protocol state."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from sqlalchemy import func, select

from sync.core.protocol import PROTOCOL_VERSION, PullReply
from sync.core.tables import Role
from sync.server.store import ServerCounter, ServerRecord, open_engine, transaction
from tests.sync.conftest import Server
from tests.sync.test_server import pull_all

EXAMPLES = 150
"""Generated requests per operation and per engine."""


@pytest.fixture(scope="module")
def tokens(server: Server) -> dict[str, str]:
    """A consultant and an officer: between them they may push every table."""
    return {
        "consultant": server.enrol(Role.CONSULTANT, "fuzz-consultant"),
        "officer": server.enrol(Role.OFFICER, "fuzz-officer"),
    }


def test_no_request_makes_the_server_fail(server: Server, tokens: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {"POST /v1/push", "POST /v1/pull", "POST /v1/enrol"}
    calls: list[int] = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],  # report, do not shrink for minutes
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            if isinstance(case.body, dict) and "protocol" in case.body:
                case.body["protocol"] = PROTOCOL_VERSION  # reach the handlers, past the version
            role = "officer" if len(calls) % 2 else "consultant"
            response = case.call(
                base_url=server.url,
                headers={"Authorization": f"Bearer {tokens[role]}"},
                timeout=120,
            )
            calls.append(response.status_code)
            assert response.status_code < 500, (case.operation.label, case.body, response.text)
            if response.status_code >= 400:
                assert isinstance(response.json().get("detail"), str)  # a message, in French

        call()
    assert len(calls) >= EXAMPLES * 3


def test_after_the_fuzzing_every_row_is_whole(server: Server, tokens: dict[str, str]) -> None:
    """Runs after the fuzzing (same module, same server): no half-written, unreadable row."""
    engine = open_engine(server.db_url)
    try:
        with transaction(engine) as session:
            rows = session.scalars(select(ServerRecord)).all()
            counter = session.get(ServerCounter, "seq")
            assert counter is not None
            seqs = [row.seq for row in rows]
            assert len(seqs) == len(set(seqs)) and max(seqs, default=0) <= counter.value
            for row in rows:
                values, versions = json.loads(row.values_json), json.loads(row.versions_json)
                assert isinstance(values, dict) and isinstance(versions, dict)
                assert all(isinstance(v, int) and v >= 1 for v in versions.values())
                assert set(versions) >= set(values) - {"_deleted"} or not values
            total = session.scalar(select(func.count()).select_from(ServerRecord))
    finally:
        engine.dispose()
    records, _cursor = pull_all(server, tokens["consultant"], limit=500)
    PullReply(records=records, cursor=0, more=False)  # every record is a valid state
    assert len(records) == total


def test_an_oversized_chunked_upload_is_refused_as_it_streams(
    server: Server, tokens: dict[str, str]
) -> None:
    """No Content-Length (chunked transfer): the body is counted as it arrives; over 16 MB it is
    a 413 with a French message, never a 500 nor a 16 MB+ parse."""

    def body() -> Iterator[bytes]:
        yield b'{"protocol": 1, "batch_id": "big", "changes": ['
        text = b'"' + b"x" * 1_000_000 + b'"'
        change = b'{"change_id": "c", "table": "idea", "record_id": "r", "kind": "edit", "fields": '
        for _ in range(20):
            yield change + b'{"title": ' + text + b"}},"
        yield change + b"{}}]}"

    reply = httpx.post(
        f"{server.url}/v1/push",
        content=body(),
        headers={
            "Authorization": f"Bearer {tokens['consultant']}",
            "Content-Type": "application/json",
        },
        timeout=120,
    )
    assert reply.request.headers.get("transfer-encoding") == "chunked"
    assert reply.status_code == 413 and "volumineuse" in reply.json()["detail"]
