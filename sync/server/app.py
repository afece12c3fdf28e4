"""The FastAPI application: `create_app(db_url)`. Stateless: everything lives in the database.

Every error reply is JSON `{"detail": <French message>, "code": <kind>}`: 401 for a missing,
unknown, revoked or expired token (code `expired` for the last), 403 for a role that may not push what it sent, 426 for another protocol
version, 413 for an oversized request, 422 for a malformed one.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from fastapi import FastAPI, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.i18n import _, ngettext
from sync.core.apply import apply_batch
from sync.core.errors import ProtocolMismatch, SyncError, SyncRefused
from sync.core.files import MAX_FILE_BYTES
from sync.core.protocol import (
    PROTOCOL_VERSION,
    EnrolReply,
    EnrolRequest,
    Hello,
    KeysReply,
    KeysRequest,
    PullReply,
    PullRequest,
    PushReply,
    PushRequest,
    check_protocol,
)
from sync.core.tables import Role, may_pull
from sync.server import devices as device_registry
from sync.server.files import mount as mount_files
from sync.server.keys import exchange
from sync.server.public import contact as _contact  # noqa: F401  (creates its table)
from sync.server.public.site import mount as mount_site
from sync.server.store import DeviceState, SqlStore, disk_full, open_engine, transaction

MAX_BODY = 16 * 1024 * 1024

log = logging.getLogger(__name__)


class Unauthorised(SyncRefused):
    def __init__(self, message: str, code: str = "unauthorised") -> None:
        super().__init__(message)
        self.code = code


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": message, "code": code})


def _too_large() -> JSONResponse:
    return _error(413, "too_large", _("Requête trop volumineuse : envoyez moins à la fois."))


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuse a body over `limit` bytes with 413: by its Content-Length, or while it streams in
    (a chunked upload has none), before the application has parsed it."""

    def __init__(self, app: ASGIApp, limit: int, file_limit: int = MAX_FILE_BYTES) -> None:
        self.app = app
        self.limit = limit
        self.file_limit = file_limit  # a file's bytes (`PUT /v1/files/…`) may be larger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.file_limit if scope["path"].startswith("/v1/files/") else self.limit
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large()(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except BodyTooLarge:
            await _too_large()(scope, receive, send)


async def _declared_protocol(request: Request) -> int | None:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return None
    version = body.get("protocol") if isinstance(body, dict) else None
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def _JSON_BODY(model: str) -> dict[str, Any]:  # noqa: N802 - reads as a constant
    """OpenAPI of a required JSON body of the schema `model` (components, `openapi` below)."""
    schema = {"$ref": f"#/components/schemas/{model}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def consultant_only(device: Any) -> Any:
    if device.role != Role.CONSULTANT.value:
        raise SyncRefused(
            _("Seul un poste de consultant peut voir et révoquer les postes inscrits.")
        )
    return device


def create_app(db_url: str, token_lifetime: timedelta = device_registry.TOKEN_LIFETIME) -> FastAPI:
    """The server on the database at `db_url`; tokens unused for `token_lifetime` expire."""
    engine = open_engine(db_url)
    app = FastAPI(title="BP Terrain sync", version=str(PROTOCOL_VERSION))

    app.add_middleware(BodyLimit, limit=MAX_BODY)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        """Starlette's own errors (unknown address, wrong method, unreadable body), in French."""
        if isinstance(exc.__cause__, BodyTooLarge):
            return _too_large()
        if exc.status_code == 404:
            return _error(404, "not_found", _("Adresse inconnue sur ce serveur."))
        if exc.status_code == 405:
            return _error(405, "method", _("Méthode non permise à cette adresse."))
        if exc.status_code >= 500:  # never expected: still a French message
            return _error(exc.status_code, "error", _("Erreur du serveur : réessayez plus tard."))
        return _error(
            exc.status_code,
            "malformed",
            _("Requête illisible ({status}) : rien n'a été enregistré.").format(
                status=exc.status_code
            ),
        )

    @app.exception_handler(ProtocolMismatch)
    async def protocol(_request: Request, exc: ProtocolMismatch) -> JSONResponse:
        return _error(426, "protocol", exc.message)

    @app.exception_handler(Unauthorised)
    async def unauthorised(_request: Request, exc: Unauthorised) -> JSONResponse:
        return _error(401, exc.code, exc.message)

    @app.exception_handler(SyncRefused)
    async def refused(_request: Request, exc: SyncRefused) -> JSONResponse:
        return _error(403, "forbidden", exc.message)

    @app.exception_handler(SyncError)
    async def failed(_request: Request, exc: SyncError) -> JSONResponse:
        return _error(400, "refused", exc.message)

    @app.exception_handler(DBAPIError)
    async def database(_request: Request, exc: DBAPIError) -> JSONResponse:
        if disk_full(exc):  # rolled back: nothing half-written, the laptop keeps its outbox
            return _error(
                507,
                "disk_full",
                _(
                    "Le disque du serveur est plein : rien n'a été enregistré. Les modifications "
                    "restent en attente sur ce poste ; prévenez le responsable du serveur."
                ),
            )
        if exc.connection_invalidated or isinstance(exc, OperationalError):
            return _error(
                503,
                "unavailable",
                _(
                    "La base du serveur ne répond pas : rien n'a été enregistré. Réessayez plus tard."
                ),
            )
        log.warning("the database refused a request (rolled back): %s", exc.orig)
        return _error(
            400,
            "rejected",
            _("La base du serveur refuse ces données : rien n'a été enregistré."),
        )

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
            device = device_registry.authenticate(session, _bearer(authorization))
        except device_registry.TokenExpired as exc:
            raise Unauthorised(exc.message, "expired") from exc
        except SyncRefused as exc:
            raise Unauthorised(exc.message) from exc
        state = session.get(DeviceState, device.device_id)
        limit = device_registry.TOKEN_LIFETIME if state is None else token_lifetime
        if state is not None and state.token_expires_at is not None:
            due = device_registry.renewal_due(state.token_expires_at, limit)
            session.info["renew"] = device.device_id if due else None
        return device

    def renew_after(session: Any) -> None:
        """Renew the token used (its own short transaction, after the request's)."""
        device_id = session.info.get("renew")
        if device_id:
            device_registry.renew(engine, device_id, token_lifetime)

    @app.get("/v1/hello")
    def hello() -> Hello:
        return Hello(protocol=PROTOCOL_VERSION)

    @app.post("/v1/enrol")
    def enrol(request: EnrolRequest) -> EnrolReply:
        check_protocol(request.protocol)
        token, info = device_registry.enrol(
            engine,
            request.code,
            request.device_id,
            request.label,
            request.public_key,
            token_lifetime,
        )
        return EnrolReply(
            token=token,
            role=info.role,
            campaign=info.campaign,
            number=info.number,
            token_expires_at=info.token_expires_at or "",
        )

    @app.post("/v1/push", response_model=PushReply, openapi_extra=_JSON_BODY("PushRequest"))
    async def push(http: Request, authorization: str | None = Header(default=None)) -> Response:
        """The body is decoded by pydantic-core from its bytes (`model_validate_json`), not by
        `json.loads` then validated (a fifth of the server's time for a batch of 1,000), in the
        worker thread with the merge: the event loop keeps serving the other laptops."""
        try:
            body = await http.body()
        except Exception as exc:  # as FastAPI's own: a cut request, a body over the limit
            raise StarletteHTTPException(400, "unreadable body") from exc
        return await run_in_threadpool(merge_batch, body, authorization)

    def merge_batch(body: bytes, authorization: str | None) -> Response:
        try:
            request = PushRequest.model_validate_json(body)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(include_url=False), body=body) from None
        check_protocol(request.protocol)
        with transaction(engine) as session:
            device = device_for(session, authorization)
            keys = [(change.table, change.record_id) for change in request.changes]
            with SqlStore(session).writing(keys) as store:
                reply = apply_batch(store, device.device_id, Role(device.role), request)
        renew_after(session)
        # committed above, before the reply leaves; encoded once, as stored (not validated again)
        return Response(store.reply_json or reply.model_dump_json(), media_type="application/json")

    @app.post("/v1/pull", response_model=PullReply)
    def pull(request: PullRequest, authorization: str | None = Header(default=None)) -> Response:
        check_protocol(request.protocol)
        with transaction(engine, read_only=True) as session:
            role = Role(device_for(session, authorization).role)
            store = SqlStore(session)
            records, cursor, more = store.since_json(  # the cursor moves past tables left out
                request.cursor, request.limit, lambda table: may_pull(role, table), request.skip
            )
            remaining = store.count_after(cursor, request.skip) if more else 0
        renew_after(session)
        # the stored JSON of each record as is: one page, one encoding, no decoding
        body = (
            f'{{"records":[{",".join(records)}],"cursor":{cursor},'
            f'"more":{"true" if more else "false"},"remaining":{remaining}}}'
        )
        return Response(body, media_type="application/json")

    @app.post("/v1/keys")
    def keys(request: KeysRequest, authorization: str | None = Header(default=None)) -> KeysReply:
        """Seal the campaign's ballot key for other devices; receive what was sealed for me."""
        check_protocol(request.protocol)
        with transaction(engine) as session:
            device = device_for(session, authorization)
            reply = exchange(session, device, request)
        renew_after(session)
        return reply

    @app.get("/v1/devices")
    def list_devices(authorization: str | None = Header(default=None)) -> list[dict[str, Any]]:
        with transaction(engine) as session:
            consultant_only(device_for(session, authorization))
        renew_after(session)
        return [info.__dict__ for info in device_registry.devices(engine)]

    @app.post("/v1/devices/{device_id}/revoke")
    def revoke_device(
        device_id: str, authorization: str | None = Header(default=None)
    ) -> dict[str, Any]:
        with transaction(engine) as session:
            me = consultant_only(device_for(session, authorization))
            if me.device_id == device_id:
                raise SyncError(_("Un poste ne peut pas se révoquer lui-même."))
        renew_after(session)
        return device_registry.revoke(engine, device_id).__dict__

    def openapi() -> dict[str, Any]:
        """FastAPI's schema, with the push's body (read by the endpoint itself) described."""
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
            body = PushRequest.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(body.pop("$defs", {}))
            components["PushRequest"] = body
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    mount_files(app, engine, device_for, renew_after)
    mount_site(app, engine)
    app.state.engine = engine
    return app
