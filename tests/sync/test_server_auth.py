"""Every endpoint with every role, and with a revoked, expired, forged or missing token."""

from __future__ import annotations

import hashlib
import uuid

import httpx
import pytest

from sync.core.protocol import PROTOCOL_VERSION
from sync.core.tables import Role
from sync.server.devices import revoke
from sync.server.store import open_engine
from tests.sync.conftest import Server

ENDPOINTS = (
    "push_edit",
    "push_count",
    "pull",
    "keys",
    "devices",
    "revoke",
    "files_missing",
    "file_put_picture",
    "file_put_scan",
    "file_get_picture",
    "file_get_scan",
)
PICTURE, SCAN = b"a picture's bytes", b"a scanned sheet's bytes"
EXPECTED = {
    # endpoint: status for consultant, field, officer
    "push_edit": (200, 200, 200),
    "push_count": (403, 403, 200),
    "pull": (200, 200, 200),
    "keys": (200, 200, 200),
    "devices": (200, 403, 403),
    "revoke": (200, 403, 403),
    # files (docs/sync.md, "Files"): the scans come from the officer, never go to a field laptop
    "files_missing": (200, 200, 200),
    "file_put_picture": (200, 200, 200),
    "file_put_scan": (403, 403, 200),
    "file_get_picture": (200, 200, 200),
    "file_get_scan": (200, 403, 200),
}


def call(server: Server, endpoint: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    if token == "":
        headers = {"Authorization": "Basic YWRtaW46YWRtaW4="}
    table, kind = ("count_sheet", "fact") if endpoint == "push_count" else ("idea", "edit")
    if endpoint.startswith("push"):
        change = {
            "change_id": uuid.uuid4().hex,
            "table": table,
            "record_id": uuid.uuid4().hex,
            "kind": kind,
            "fields": {"title": "x"},
        }
        body = {"protocol": PROTOCOL_VERSION, "batch_id": uuid.uuid4().hex, "changes": [change]}
        return httpx.post(f"{server.url}/v1/push", json=body, headers=headers)
    if endpoint == "pull":
        body = {"protocol": PROTOCOL_VERSION, "cursor": 0, "limit": 1}
        return httpx.post(f"{server.url}/v1/pull", json=body, headers=headers)
    if endpoint == "keys":
        body = {"protocol": PROTOCOL_VERSION, "sealed": []}
        return httpx.post(f"{server.url}/v1/keys", json=body, headers=headers)
    if endpoint == "revoke":
        return httpx.post(f"{server.url}/v1/devices/auth-victim/revoke", headers=headers)
    if endpoint == "files_missing":
        body = {"protocol": PROTOCOL_VERSION, "files": [hashlib.sha256(SCAN).hexdigest()]}
        return httpx.post(f"{server.url}/v1/files/missing", json=body, headers=headers)
    if endpoint.startswith("file_"):
        data = SCAN if endpoint.endswith("scan") else PICTURE
        url = f"{server.url}/v1/files/{hashlib.sha256(data).hexdigest()}"
        if endpoint.startswith("file_put"):
            kind = "scan" if data is SCAN else "picture"
            return httpx.put(f"{url}?kind={kind}", content=data, headers=headers)
        return httpx.get(url, headers=headers)
    return httpx.get(f"{server.url}/v1/devices", headers=headers)


def expire(server: Server, device_id: str, when: str = "2020-01-01T00:00:00+00:00") -> None:
    """Set a device's token expiry in the server's database (as if unused since then)."""
    from sqlalchemy import update

    from sync.server.store import DeviceState, transaction

    engine = open_engine(server.db_url)
    with transaction(engine) as session:
        session.execute(
            update(DeviceState)
            .where(DeviceState.device_id == device_id)
            .values(token_expires_at=when)
        )
    engine.dispose()


@pytest.fixture(scope="module")
def tokens(server: Server) -> dict[str, str]:
    held = {role.value: server.enrol(role, f"auth-{role.value}") for role in Role}
    held["revoked"] = server.enrol(Role.CONSULTANT, "auth-revoked")
    held["expired"] = server.enrol(Role.OFFICER, "auth-expired")
    server.enrol(Role.FIELD, "auth-victim")
    engine = open_engine(server.db_url)
    revoke(engine, "auth-revoked")
    engine.dispose()
    expire(server, "auth-expired")
    for endpoint in ("file_put_scan", "file_put_picture"):  # on the server before any GET
        assert call(server, endpoint, held["officer"]).status_code == 200
    return held


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", list(Role))
def test_roles(server: Server, tokens: dict[str, str], endpoint: str, role: Role) -> None:
    reply = call(server, endpoint, tokens[role.value])
    expected = EXPECTED[endpoint][list(Role).index(role)]
    assert reply.status_code == expected, reply.text
    if expected == 403:
        assert reply.json()["code"] == "forbidden" and reply.json()["detail"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("token", ["revoked", "expired", "forged", "missing", "not-bearer"])
def test_bad_tokens(server: Server, tokens: dict[str, str], endpoint: str, token: str) -> None:
    value = {
        "revoked": tokens["revoked"],
        "expired": tokens["expired"],
        "forged": tokens["consultant"][:-4] + "AAAA",
        "missing": None,
    }.get(token, "")
    reply = call(server, endpoint, value)
    assert reply.status_code == 401, reply.text
    detail = reply.json()["detail"]
    if token == "expired":
        assert reply.json()["code"] == "expired"
        assert "a expiré le 2020-01-01" in detail and "réinscrivez" in detail
    else:
        assert ("révoqué" in detail) if token == "revoked" else ("inscri" in detail)


def test_a_refused_push_writes_nothing(server: Server, tokens: dict[str, str]) -> None:
    body = {"protocol": PROTOCOL_VERSION, "cursor": 0, "limit": 1000}
    headers = {"Authorization": f"Bearer {tokens['consultant']}"}

    def cursor() -> int:
        return int(httpx.post(f"{server.url}/v1/pull", json=body, headers=headers).json()["cursor"])

    before = cursor()
    for token in (
        tokens["field"],
        tokens["consultant"],
        tokens["revoked"],
        tokens["expired"],
        "forged",
    ):
        assert call(server, "push_count", token).status_code in (401, 403)
    assert cursor() == before


def test_hello_and_openapi_need_no_token(server: Server) -> None:
    assert httpx.get(f"{server.url}/v1/hello").json() == {"protocol": PROTOCOL_VERSION}
    assert "/v1/push" in httpx.get(f"{server.url}/openapi.json").json()["paths"]


def test_a_token_in_use_is_renewed(server: Server) -> None:
    """A pull moves the expiry a whole lifetime ahead (it was due in an hour)."""
    from datetime import UTC, datetime, timedelta

    from sync.server.store import DeviceState, transaction

    token = server.enrol(Role.FIELD, "auth-renewed")
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat(timespec="seconds")
    expire(server, "auth-renewed", soon)
    assert call(server, "pull", token).status_code == 200
    engine = open_engine(server.db_url)
    with transaction(engine) as session:
        expires = session.get(DeviceState, "auth-renewed").token_expires_at  # type: ignore[union-attr]
    engine.dispose()
    assert expires is not None
    assert datetime.fromisoformat(expires) > datetime.now(UTC) + timedelta(days=80)
