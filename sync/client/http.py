"""The HTTP side of the client (httpx): every failure becomes a French `SyncError`."""

from __future__ import annotations

import functools
import os
import ssl
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from app.i18n import _
from sync.core.errors import (
    ProtocolMismatch,
    SyncError,
    SyncRefused,
    SyncRejected,
    SyncUnavailable,
)

Reply = TypeVar("Reply", bound=BaseModel)


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for the process: loading the CA store costs ~0.2 s, once, not per request."""
    return ssl.create_default_context()


class Transport:
    def __init__(self, url: str, token: str | None = None, timeout: float = 60.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def post(self, path: str, body: BaseModel | str, reply_type: type[Reply]) -> Reply:
        """POST `body` (a model, or its JSON already encoded) and decode the reply."""
        text = body if isinstance(body, str) else body.model_dump_json()
        reply = self._send("POST", path, text)
        return reply_type.model_validate_json(reply.content)

    def call(self, method: str, path: str) -> Any:
        """A request without a body (devices, revocation); the reply's JSON."""
        return self._send(method, path, None).json()

    def put_bytes(self, path: str, data: bytes) -> Any:
        """Send a file's bytes (`PUT /v1/files/…`); the reply's JSON."""
        return self._send("PUT", path, data, {"Content-Type": "application/octet-stream"}).json()

    def fetch_to(self, path: str, partial: Path) -> bool:
        """Download a file into `partial`, appending to what a cut download left there (it asks
        for the rest only), each chunk written as it arrives; False when the server does not
        have the file (yet). A cut raises `SyncUnavailable` and keeps what arrived."""
        start = partial.stat().st_size if partial.exists() else 0
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if start:
            headers["Range"] = f"bytes={start}-"
        try:
            with httpx.stream(
                "GET", f"{self.url}{path}", headers=headers, timeout=self.timeout, verify=_tls()
            ) as reply:
                if reply.status_code == 404:
                    return False
                if reply.status_code == 416:  # what is kept is not a prefix: start again
                    partial.unlink(missing_ok=True)
                    return self.fetch_to(path, partial)
                if reply.status_code not in (200, 206):
                    reply.read()
                    raise _error(reply)
                mode = "ab" if reply.status_code == 206 else "wb"
                with open(partial, mode) as out:
                    for chunk in reply.iter_bytes():  # as it arrives: kept if cut
                        out.write(chunk)
                        out.flush()
                    os.fsync(out.fileno())
        except httpx.HTTPError as exc:
            raise self._unavailable(exc) from exc
        return True

    def _send(
        self,
        method: str,
        path: str,
        content: str | bytes | None,
        extra: dict[str, str] | None = None,
        accept: tuple[int, ...] = (200,),
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if content is not None:
            headers["Content-Type"] = "application/json"
        headers.update(extra or {})
        try:
            reply = httpx.request(
                method,
                f"{self.url}{path}",
                content=content,
                headers=headers,
                timeout=self.timeout,
                verify=_tls(),
            )
        except httpx.HTTPError as exc:
            raise self._unavailable(exc) from exc
        if reply.status_code in accept:
            return reply
        raise _error(reply)

    def _unavailable(self, exc: httpx.HTTPError) -> SyncUnavailable:
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            return SyncUnavailable(
                _(
                    "Le certificat TLS du serveur {url} n'est pas reconnu par ce poste ({error}) "
                    ": rien n'a été envoyé. Installez le certificat de l'autorité du serveur "
                    "sur ce poste (docs/server.md), ne désactivez pas la vérification."
                ).format(url=self.url, error=exc)
            )
        return SyncUnavailable(
            _(
                "Le serveur {url} ne répond pas ({error}). Rien n'est perdu : les "
                "modifications restent en attente sur ce poste ; synchronisez quand le réseau "
                "revient."
            ).format(url=self.url, error=type(exc).__name__)
        )


def _error(reply: httpx.Response) -> SyncError:
    detail: Any = None
    try:
        detail = reply.json().get("detail")
    except ValueError:
        pass
    message = detail if isinstance(detail, str) else None
    if reply.status_code == 426:
        return ProtocolMismatch(message or _("Versions du protocole incompatibles."))
    if reply.status_code in (401, 403):
        return SyncRefused(message or _("Le serveur refuse ce poste."))
    text = message or _(
        "Le serveur a répondu par une erreur ({status}) : réessayez plus tard."
    ).format(status=reply.status_code)
    if 400 <= reply.status_code < 500:
        return SyncRejected(text)
    return SyncError(text)
