"""The HTTP side of the client (httpx): every failure becomes a French `SyncError`."""

from __future__ import annotations

import functools
import ssl
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

    def post(self, path: str, body: BaseModel, reply_type: type[Reply]) -> Reply:
        reply = self._send("POST", path, body.model_dump_json())
        return reply_type.model_validate_json(reply.content)

    def call(self, method: str, path: str) -> Any:
        """A request without a body (devices, revocation); the reply's JSON."""
        return self._send(method, path, None).json()

    def _send(self, method: str, path: str, content: str | None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if content is not None:
            headers["Content-Type"] = "application/json"
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
            raise SyncUnavailable(
                _(
                    "Le serveur {url} ne répond pas ({error}). Rien n'est perdu : les "
                    "modifications restent en attente sur ce poste ; synchronisez quand le réseau "
                    "revient."
                ).format(url=self.url, error=type(exc).__name__)
            ) from exc
        if reply.status_code == 200:
            return reply
        raise _error(reply)


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
