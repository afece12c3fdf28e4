"""The files that records point to, by SHA-256, kept in the server's database (docs/server.md).

`PUT /v1/files/{sha256}?kind=K` stores the body if its SHA-256 is the address (idempotent: the
same file sent twice is one file); `GET /v1/files/{sha256}` gives it back (a `Range: bytes=N-`
header resumes a cut download); `POST /v1/files/missing` says which of a list the server lacks.
The bytes live in the database, like everything else the server holds: one transaction writes
the whole file or nothing, a full disk is the same 507 as for a push, and several workers or
machines behind one PostgreSQL database see the same files (the server stays stateless).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Header, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import Integer, LargeBinary, String, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from starlette.concurrency import run_in_threadpool

from app.i18n import _
from app.services.files import sha256_bytes
from sync.core.errors import SyncRefused
from sync.core.files import (
    KINDS,
    MAX_FILE_BYTES,
    READERS,
    UPLOADERS,
    FilesMissing,
    FilesQuery,
    is_sha256,
)
from sync.core.protocol import check_protocol
from sync.core.tables import Role
from sync.server.store import ServerBase, transaction


class ServerFile(ServerBase):
    __tablename__ = "server_file"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    device_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[str] = mapped_column(String(40))


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": message, "code": code})


def _bad_address() -> JSONResponse:
    return _error(
        422, "malformed", _("Adresse de fichier invalide : une empreinte SHA-256 est attendue.")
    )


def read_file(session: Session, sha256: str) -> bytes | None:
    """A file's bytes (for the server's own pages, e.g. the public site), or None."""
    row = session.get(ServerFile, sha256)
    return bytes(row.data) if row is not None else None


def missing(session: Session, shas: list[str]) -> list[str]:
    present = set(
        session.scalars(select(ServerFile.sha256).where(ServerFile.sha256.in_(set(shas))))
    )
    return sorted({sha for sha in shas if sha not in present})


def store_file(session: Session, device: Any, sha256: str, kind: str, data: bytes) -> bool:
    """Keep a file sent by `device` (its hash checked by the caller): True if new, False if the
    server had it (sent twice: one file). Its role must be one that sends this kind."""
    if Role(device.role) not in UPLOADERS.get(kind, frozenset()):
        raise SyncRefused(
            _("Ce poste ne peut pas envoyer ce type de fichier ({kind}).").format(kind=kind)
        )
    if session.get(ServerFile, sha256) is not None:
        return False
    session.add(
        ServerFile(
            sha256=sha256,
            kind=kind,
            size=len(data),
            data=data,
            device_id=device.device_id,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
    )
    session.flush()
    return True


def files_for(session: Session, shas: Iterable[str], role: Role) -> dict[str, tuple[str, bytes]]:
    """The files among `shas` the server holds that this role may read: sha -> (kind, bytes)."""
    wanted = sorted(set(shas))
    found: dict[str, tuple[str, bytes]] = {}
    for start in range(0, len(wanted), 500):
        rows = session.scalars(
            select(ServerFile).where(ServerFile.sha256.in_(wanted[start : start + 500]))
        )
        for row in rows:
            if role in READERS.get(row.kind, frozenset()):
                found[row.sha256] = (row.kind, bytes(row.data))
    return found


RANGE = re.compile(r"bytes=([0-9]{1,18})-", re.ASCII)


def _range_start(header: str | None, size: int) -> int | None:
    """The first byte asked by `Range: bytes=N-` (0 without one); None if unreadable."""
    if not header:
        return 0
    match = RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first = int(match.group(1))
    return first if first <= size else None


def mount(
    app: FastAPI,
    engine: Engine,
    device_for: Callable[[Any, str | None], Any],
    renew_after: Callable[[Any], None],
) -> None:
    """Add the file endpoints to the sync server (`device_for` checks the token)."""

    def check_missing(query: FilesQuery, authorization: str | None) -> FilesMissing:
        with transaction(engine, read_only=True) as session:
            device_for(session, authorization)
            lacking = missing(session, query.files)
        renew_after(session)
        return FilesMissing(missing=lacking)

    @app.post("/v1/files/missing")
    def files_missing(
        query: FilesQuery, authorization: str | None = Header(default=None)
    ) -> FilesMissing:
        check_protocol(query.protocol)
        return check_missing(query, authorization)

    def store(sha256: str, kind: str, body: bytes, authorization: str | None) -> Response:
        with transaction(engine) as session:
            device = device_for(session, authorization)
            stored = store_file(session, device, sha256, kind, body)
        renew_after(session)
        return JSONResponse({"sha256": sha256, "size": len(body), "stored": stored})

    @app.put("/v1/files/{sha256}")
    async def put_file(
        sha256: str,
        request: Request,
        kind: str = "document",
        authorization: str | None = Header(default=None),
    ) -> Response:
        if not is_sha256(sha256):
            return _bad_address()
        if kind not in KINDS:
            return _error(
                422, "malformed", _("Type de fichier inconnu : {kind}.").format(kind=kind)
            )
        body = await request.body()
        if len(body) > MAX_FILE_BYTES:
            return _error(413, "too_large", _("Fichier trop volumineux : il reste sur le poste."))
        if sha256_bytes(body) != sha256:
            return _error(
                422,
                "hash_mismatch",
                _(
                    "Le fichier reçu ne correspond pas à son empreinte SHA-256 (abîmé en route "
                    "ou sur le poste) : il n'a pas été enregistré."
                ),
            )
        try:
            return await run_in_threadpool(store, sha256, kind, body, authorization)
        except IntegrityError:  # another worker stored it at the same moment: one file
            return JSONResponse({"sha256": sha256, "size": len(body), "stored": False})

    def fetch(sha256: str, authorization: str | None) -> tuple[str, bytes] | None:
        with transaction(engine, read_only=True) as session:
            device = device_for(session, authorization)
            row = session.get(ServerFile, sha256)
            if row is not None and Role(device.role) not in READERS.get(row.kind, frozenset()):
                raise SyncRefused(_("Ce poste ne peut pas lire ce fichier."))
            found = (row.kind, bytes(row.data)) if row is not None else None
        renew_after(session)
        return found

    @app.get("/v1/files/{sha256}")
    async def get_file(
        sha256: str,
        range_: str | None = Header(default=None, alias="range"),
        authorization: str | None = Header(default=None),
    ) -> Response:
        if not is_sha256(sha256):
            return _bad_address()
        found = await run_in_threadpool(fetch, sha256, authorization)
        if found is None:
            return _error(404, "file_missing", _("Ce fichier n'est pas (encore) sur le serveur."))
        _kind, data = found
        start = _range_start(range_, len(data))
        if start is None:
            return Response(status_code=416, headers={"Content-Range": f"bytes */{len(data)}"})
        headers = {"Accept-Ranges": "bytes", "X-Content-SHA256": sha256}
        if range_:
            headers["Content-Range"] = f"bytes {start}-{max(len(data) - 1, start)}/{len(data)}"
            return Response(
                data[start:],
                status_code=206,
                headers=headers,
                media_type="application/octet-stream",
            )
        return Response(data, headers=headers, media_type="application/octet-stream")
