"""The FastAPI application: `create_app(db_url)`. Stateless: everything lives in the database.

Every error reply is JSON `{"detail": <French message>, "code": <kind>}`: 401 for a missing,
unknown or revoked token, 403 for a role that may not push what it sent, 426 for another protocol
version, 413 for an oversized request, 422 for a malformed one.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.i18n import _, ngettext
from sync.core.apply import apply_batch
from sync.core.errors import ProtocolMismatch, SyncError, SyncRefused
from sync.core.protocol import (
    PROTOCOL_VERSION,
    EnrolReply,
    EnrolRequest,
    Hello,
    PullReply,
    PullRequest,
    PushReply,
    PushRequest,
    check_protocol,
)
from sync.core.tables import Role, may_pull
from sync.server import devices as device_registry
from sync.server.public import contact as _contact  # noqa: F401  (creates its table)
from sync.server.public.site import mount as mount_site
from sync.server.store import SqlStore, open_engine, transaction

MAX_BODY = 16 * 1024 * 1024


class Unauthorised(SyncRefused):
    pass


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": message, "code": code})


async def _declared_protocol(request: Request) -> int | None:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return None
    version = body.get("protocol") if isinstance(body, dict) else None
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def create_app(db_url: str) -> FastAPI:
    engine = open_engine(db_url)
    app = FastAPI(title="BP Terrain sync", version=str(PROTOCOL_VERSION))

    @app.middleware("http")
    async def limit_size(request: Request, call_next: Any) -> Any:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY:
            return _error(
                413, "too_large", _("Requête trop volumineuse : envoyez moins à la fois.")
            )
        return await call_next(request)

    @app.exception_handler(ProtocolMismatch)
    async def protocol(_request: Request, exc: ProtocolMismatch) -> JSONResponse:
        return _error(426, "protocol", exc.message)

    @app.exception_handler(Unauthorised)
    async def unauthorised(_request: Request, exc: Unauthorised) -> JSONResponse:
        return _error(401, "unauthorised", exc.message)

    @app.exception_handler(SyncRefused)
    async def refused(_request: Request, exc: SyncRefused) -> JSONResponse:
        return _error(403, "forbidden", exc.message)

    @app.exception_handler(SyncError)
    async def failed(_request: Request, exc: SyncError) -> JSONResponse:
        return _error(400, "refused", exc.message)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> JSONResponse:
        version = await _declared_protocol(request)
        if version is not None and version != PROTOCOL_VERSION:
            try:  # another version's body has another shape: say so, not "malformed"
                check_protocol(version)
            except ProtocolMismatch as mismatch:
                return _error(426, "protocol", mismatch.message)
        count = len(exc.errors())
        message = ngettext(
            "Requête mal formée ({count} erreur) : rien n'a été enregistré.",
            "Requête mal formée ({count} erreurs) : rien n'a été enregistré.",
            count,
        ).format(count=count)
        return _error(422, "malformed", message)

    def device_for(session: Any, authorization: str | None) -> Any:
        try:
            return device_registry.authenticate(session, _bearer(authorization))
        except SyncRefused as exc:
            raise Unauthorised(exc.message) from exc

    @app.get("/v1/hello")
    def hello() -> Hello:
        return Hello(protocol=PROTOCOL_VERSION)

    @app.post("/v1/enrol")
    def enrol(request: EnrolRequest) -> EnrolReply:
        check_protocol(request.protocol)
        token, info = device_registry.enrol(engine, request.code, request.device_id, request.label)
        return EnrolReply(token=token, role=info.role, campaign=info.campaign)

    @app.post("/v1/push")
    def push(request: PushRequest, authorization: str | None = Header(default=None)) -> PushReply:
        check_protocol(request.protocol)
        with transaction(engine) as session:
            device = device_for(session, authorization)
            store = SqlStore(session)
            store.lock()
            reply = apply_batch(store, device.device_id, Role(device.role), request)
        return reply  # committed above, before the reply leaves

    @app.post("/v1/pull")
    def pull(request: PullRequest, authorization: str | None = Header(default=None)) -> PullReply:
        check_protocol(request.protocol)
        with transaction(engine, read_only=True) as session:
            role = Role(device_for(session, authorization).role)
            records, more = SqlStore(session).since(request.cursor, request.limit)
        cursor = records[-1].seq if records else request.cursor
        records = [r for r in records if may_pull(role, r.table)]  # the cursor moves past them
        return PullReply(records=records, cursor=cursor, more=more)

    @app.get("/v1/devices")
    def list_devices(authorization: str | None = Header(default=None)) -> list[dict[str, Any]]:
        with transaction(engine) as session:
            device = device_for(session, authorization)
            if device.role != Role.CONSULTANT.value:
                raise SyncRefused(_("Seul un poste de consultant peut voir la liste des postes."))
        return [info.__dict__ for info in device_registry.devices(engine)]

    mount_site(app, engine)
    app.state.engine = engine
    return app
