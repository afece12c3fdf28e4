"""A fault-injecting TCP proxy of our own, between a real sync client and a real server process.

It listens on a loopback port and forwards each HTTP request to the server (its `upstream`, which
can change: a server killed and restarted elsewhere is behind the same address). For each request
it takes the next fault of its plan (a callable: the request's path -> a fault name, or None):

- `drop`: the connection is closed before anything reaches the server;
- `truncate`: half the request reaches the server, then both connections close;
- `delay`: the request waits a little before it is forwarded (then goes through);
- `cut_reply`: the server gets the whole request and answers (it has committed), the client gets
  nothing: the reply is lost;
- `duplicate`: the request reaches the server twice (a retry by some middlebox); the client gets
  the second reply;
- `half_reply`: the client gets the head and half the reply's body, then the connection closes
  (a download cut in the middle);
- `corrupt_reply`: the reply's last byte is changed (bytes damaged on the way);
- `offline` (the attribute, not a fault): the network is cut; every connection is refused.

Every fault applied is counted in `faults` (name -> count). Requests are forwarded with
`Connection: close`, so one connection carries one request (the client opens one per request).
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Callable

FAULTS = ("drop", "truncate", "delay", "cut_reply", "duplicate")
"""The faults of the storms (`half_reply` and `corrupt_reply` are asked for by name)."""

Plan = Callable[[str], str | None]


def _read_request(conn: socket.socket) -> bytes | None:
    """One whole HTTP request (headers and Content-Length body), or None if the client left."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _colon, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    lines = [
        line
        for line in head.split(b"\r\n")
        if not line.lower().startswith((b"connection:", b"keep-alive:"))
    ]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body


def _path(request: bytes) -> str:
    first = request.split(b"\r\n", 1)[0].split(b" ")
    return first[1].decode("latin-1") if len(first) > 1 else ""


class FaultProxy:
    def __init__(self, upstream: tuple[str, int], plan: Plan | None = None) -> None:
        self.upstream = upstream
        self.plan: Plan = plan or (lambda _path: None)
        self.offline = False
        self.faults: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.ranges: list[str] = []  # the `Range` headers seen (a resumed download)
        self._lock = threading.Lock()
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = int(self._sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopped = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def total_faults(self) -> int:
        return sum(self.faults.values())

    def point_to(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.upstream = (host, int(port))

    def close(self) -> None:
        self._stopped = True
        self._sock.close()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        while not self._stopped:
            try:
                conn, _addr = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _count(self, counter: Counter[str], name: str) -> None:
        with self._lock:
            counter[name] += 1

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            if self.offline:
                self._count(self.faults, "offline")
                return _reset(conn)
            try:
                request = _read_request(conn)
            except OSError:
                return None
            if request is None:
                return None
            path = _path(request)
            self._count(self.requests, path)
            for line in request.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
                if line.lower().startswith(b"range:"):
                    self.ranges.append(line.partition(b":")[2].strip().decode("latin-1"))
            fault = self.plan(path)
            if fault:
                self._count(self.faults, fault)
            try:
                return self._forward(conn, request, fault)
            except OSError:  # the server is down: the client sees a reset connection
                return _reset(conn)

    def _forward(self, conn: socket.socket, request: bytes, fault: str | None) -> None:
        if fault == "drop":
            return _reset(conn)
        if fault == "delay":
            time.sleep(0.05)
        if fault == "truncate":
            with socket.create_connection(self.upstream, timeout=30) as up:
                up.sendall(request[: len(request) // 2])
            return _reset(conn)
        reply = self._exchange(request)
        if fault == "duplicate":
            reply = self._exchange(request)
        if fault == "cut_reply":
            return _reset(conn)
        if fault == "half_reply":
            head, _sep, body = reply.partition(b"\r\n\r\n")
            conn.sendall(head + b"\r\n\r\n" + body[: len(body) // 2])
            return None  # closed cleanly: the client sees a body shorter than announced
        if fault == "corrupt_reply" and reply:
            reply = reply[:-1] + bytes([reply[-1] ^ 0xFF])
        conn.sendall(reply)
        return None

    def _exchange(self, request: bytes) -> bytes:
        with socket.create_connection(self.upstream, timeout=60) as up:
            up.sendall(request)
            chunks = []
            while True:
                chunk = up.recv(65536)
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)


def _reset(conn: socket.socket) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a network cut looks to the client."""
    try:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    except OSError:
        pass
    return None
