"""Files travel by their SHA-256 (docs/sync.md, "Files"): the endpoints, then real laptops and a
real server process (SQLite and PostgreSQL), with an upload and a download cut in the middle,
bytes damaged on the way, and a file missing or damaged on the laptop that sends it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from sqlalchemy import select

from app.services import open_services
from app.storage.tables import ProjectRow
from sync.core.files import MAX_FILE_BYTES
from sync.core.protocol import PROTOCOL_VERSION
from sync.core.tables import Role
from tests.helpers.faultproxy import FaultProxy
from tests.sync.conftest import Server
from ui.cli import main


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_put_get_and_missing_check_the_hash_the_role_and_the_size(server: Server) -> None:
    field = server.enrol(Role.FIELD, "files-field")
    officer = server.enrol(Role.OFFICER, "files-officer")
    consultant = server.enrol(Role.CONSULTANT, "files-consultant")
    data = os.urandom(200_000)
    digest = sha(data)
    url = f"{server.url}/v1/files/{digest}"

    missing = httpx.post(
        f"{server.url}/v1/files/missing",
        json={"protocol": PROTOCOL_VERSION, "files": [digest]},
        headers=auth(field),
    )
    assert missing.status_code == 200 and missing.json() == {"missing": [digest]}
    assert httpx.get(url, headers=auth(field)).status_code == 404
    # no token, then bytes that are not the address's
    assert httpx.put(url, content=data).status_code == 401
    wrong = httpx.put(url + "?kind=picture", content=data[:-1] + b"x", headers=auth(field))
    assert wrong.status_code == 422 and wrong.json()["code"] == "hash_mismatch"
    assert "ne correspond pas à son empreinte" in wrong.json()["detail"]
    assert httpx.get(url, headers=auth(field)).status_code == 404  # nothing was stored
    # stored once, sent twice: one file
    first = httpx.put(url + "?kind=picture", content=data, headers=auth(field))
    assert first.status_code == 200 and first.json()["stored"] is True
    again = httpx.put(url + "?kind=picture", content=data, headers=auth(field))
    assert again.status_code == 200 and again.json()["stored"] is False
    got = httpx.get(url, headers=auth(consultant))
    assert got.status_code == 200 and got.content == data
    # a cut download asks for the rest only
    rest = httpx.get(url, headers={**auth(officer), "Range": "bytes=150000-"})
    assert rest.status_code == 206 and rest.content == data[150_000:]
    assert rest.headers["Content-Range"] == f"bytes 150000-{len(data) - 1}/{len(data)}"
    bad_range = httpx.get(url, headers={**auth(officer), "Range": "bytes=900000-"})
    assert bad_range.status_code == 416
    missing = httpx.post(
        f"{server.url}/v1/files/missing",
        json={"protocol": PROTOCOL_VERSION, "files": [digest, "0" * 64]},
        headers=auth(field),
    )
    assert missing.json() == {"missing": ["0" * 64]}

    # scans: only the officer sends them; a field laptop never reads them, a consultant may
    scan = os.urandom(5000)
    scan_url = f"{server.url}/v1/files/{sha(scan)}?kind=scan"
    refused = httpx.put(scan_url, content=scan, headers=auth(field))
    assert refused.status_code == 403 and "ne peut pas envoyer" in refused.json()["detail"]
    assert httpx.put(scan_url, content=scan, headers=auth(officer)).status_code == 200
    plain = f"{server.url}/v1/files/{sha(scan)}"
    assert httpx.get(plain, headers=auth(field)).status_code == 403
    assert httpx.get(plain, headers=auth(consultant)).content == scan

    # malformed addresses and kinds, a file over the limit (refused by its announced length)
    assert httpx.get(f"{server.url}/v1/files/nothex", headers=auth(field)).status_code == 422
    assert httpx.put(url + "?kind=odd", content=data, headers=auth(field)).status_code == 422
    assert _announce(server.url, digest, field, MAX_FILE_BYTES + 1).startswith(b"HTTP/1.1 413")


def _announce(base: str, digest: str, token: str, length: int) -> bytes:
    """A PUT whose head announces `length` bytes; the server's first reply line and head."""
    where = urlparse(base)
    with socket.create_connection((where.hostname, where.port), timeout=10) as conn:
        conn.sendall(
            (
                f"PUT /v1/files/{digest}?kind=picture HTTP/1.1\r\nHost: x\r\n"
                f"Authorization: Bearer {token}\r\nContent-Length: {length}\r\n\r\n"
            ).encode()
        )
        return conn.recv(4096)


# --- laptops -----------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict | str]:
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else err)


def sync(capsys: pytest.CaptureFixture[str], folder: Path, *extra: str) -> dict:
    code, report = run(capsys, "sync", "--data-dir", str(folder), *extra)
    assert code == 0, report
    assert isinstance(report, dict)
    return report


def sync_fails(capsys: pytest.CaptureFixture[str], folder: Path, *extra: str) -> str:
    code, error = run(capsys, "sync", "--data-dir", str(folder), *extra)
    assert code != 0
    return str(error)


def pictures(folder: Path) -> dict[str, str]:
    """Each project's picture path -> its SHA-256 (as the record says)."""
    services = open_services(folder)
    try:
        with services.uow() as session:
            rows = session.execute(
                select(ProjectRow.picture_path, ProjectRow.picture_sha256).where(
                    ProjectRow.picture_path != ""
                )
            ).all()
    finally:
        services.close()
    return {str(path): str(digest) for path, digest in rows}


def demo(folder: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["demo", "--data-dir", str(folder)]) == 0
    capsys.readouterr()
    return folder


def test_a_picture_travels_through_cut_uploads_cut_downloads_and_damaged_bytes(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_dir = demo(tmp_path / "a", capsys)
    (relative, digest), *_ = pictures(a_dir).items()
    original = (a_dir / relative).read_bytes()
    assert sha(original) == digest  # the record names its file by its hash
    upstream = urlparse(server.url)
    faults: list[str] = []
    proxy = FaultProxy(
        (str(upstream.hostname), int(upstream.port or 0)),
        lambda path: faults.pop(0) if faults and path.startswith("/v1/files/") else None,
    )
    try:
        # A's upload is cut in the middle: the server keeps nothing of it, the sync fails
        faults[:] = ["", "truncate"]  # the `missing` query passes, the PUT is cut
        error = sync_fails(
            capsys, a_dir, "--server", proxy.url, "--code", server.code(Role.CONSULTANT)
        )
        assert "ne répond pas" in error
        lacking = httpx.post(
            f"{server.url}/v1/files/missing",
            json={"protocol": PROTOCOL_VERSION, "files": [digest]},
            headers=auth(server.enrol(Role.FIELD, f"probe-{id(tmp_path)}")),
        )
        assert lacking.json()["missing"] == [digest]
        report = sync(capsys, a_dir)  # the next sync sends it (the batch was not acknowledged)
        assert report["files_sent"] == len(set(pictures(a_dir).values()))
        assert report["problems"] == []

        # B's download is cut in the middle: the bytes received are kept, the next sync asks
        # for the rest only, and the file in place is A's, byte for byte
        b_dir = tmp_path / "b"
        faults[:] = ["half_reply"]
        sync_fails(capsys, b_dir, "--server", proxy.url, "--code", server.code(Role.FIELD))
        partial = (b_dir / relative).with_name(Path(relative).name + ".partiel")
        assert 0 < partial.stat().st_size < len(original)
        assert not (b_dir / relative).exists()
        received = partial.stat().st_size
        report = sync(capsys, b_dir)
        assert f"bytes={received}-" in proxy.ranges
        assert not partial.exists()
        assert (b_dir / relative).read_bytes() == original
        assert report["files_received"] >= 1 and report["files_pending"] == 0

        # bytes damaged on the way: refused with a French message, asked again next time
        c_dir = tmp_path / "c"
        faults[:] = ["corrupt_reply"]
        report = sync(capsys, c_dir, "--server", proxy.url, "--code", server.code(Role.FIELD))
        assert any("ne correspond pas à son empreinte" in p for p in report["problems"])
        assert not (c_dir / relative).exists()
        assert not (c_dir / relative).with_name(Path(relative).name + ".partiel").exists()
        report = sync(capsys, c_dir)
        assert (c_dir / relative).read_bytes() == original and report["problems"] == []
    finally:
        proxy.close()


def test_a_file_missing_or_damaged_on_the_sender_waits_and_goes_when_it_is_back(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_dir = demo(tmp_path / "a", capsys)
    # the demo draws the same picture each time: give A's project a picture of its own, so
    # that it is not on the server already (the other test sent the demo's)
    services = open_services(a_dir)
    try:
        project = next(p for p in services.projects.list_projects() if p.picture_path)
        source = tmp_path / "photo.png"
        from PIL import Image

        Image.new("RGB", (320, 200), tuple(os.urandom(3))).save(source)
        services.projects.set_picture(project.id, source)
    finally:
        services.close()
    relative, digest = next((p, d) for p, d in pictures(a_dir).items() if project.id in p)
    kept = (a_dir / relative).read_bytes()
    (a_dir / relative).unlink()  # lost on the sender

    report = sync(capsys, a_dir, "--server", server.url, "--code", server.code(Role.CONSULTANT))
    assert any("manque sur ce poste" in p for p in report["problems"]), report["problems"]
    b_dir = tmp_path / "b"
    report = sync(capsys, b_dir, "--server", server.url, "--code", server.code(Role.FIELD))
    assert report["files_pending"] == 1  # the record came, its file is awaited
    assert not (b_dir / relative).exists()

    # damaged on the sender: never sent
    (a_dir / relative).write_bytes(kept[:-10] + b"0123456789")
    report = sync(capsys, a_dir)
    assert any("abîmé sur ce poste" in p for p in report["problems"]), report["problems"]
    assert sync(capsys, b_dir)["files_pending"] == 1

    # back on the sender: the next sync sends it, the other laptop receives it
    (a_dir / relative).write_bytes(kept)
    report = sync(capsys, a_dir)
    assert report["files_sent"] == 1 and report["problems"] == []
    report = sync(capsys, b_dir)
    assert report["files_received"] == 1 and report["files_pending"] == 0
    assert sha((b_dir / relative).read_bytes()) == digest


def test_a_file_on_a_full_server_disk_is_refused_with_507_and_stored_once_there_is_room(
    tmp_path: Path,
) -> None:
    """The server's data folder on a small tmpfs (root, as in CI), filled while it runs."""
    import subprocess

    from tests.sync.conftest import start_server, stop_server

    assert os.geteuid() == 0, "this test mounts a tmpfs: run the suite as root, as CI does"
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], check=True)
    running = None
    try:
        running = start_server(disk / "server")
        token = running.enrol(Role.FIELD, "full-disk")
        data = os.urandom(300_000)
        url = f"{running.url}/v1/files/{sha(data)}?kind=picture"
        filler = disk / "filler"
        with open(filler, "wb") as stream:
            try:
                while True:
                    stream.write(b"\0" * 65536)
            except OSError:
                pass
        full = httpx.put(url, content=data, headers=auth(token), timeout=60)
        assert full.status_code == 507 and full.json()["code"] == "disk_full"
        assert "disque du serveur est plein" in full.json()["detail"]
        filler.unlink()
        assert httpx.get(url.split("?")[0], headers=auth(token)).status_code == 404
        stored = httpx.put(url, content=data, headers=auth(token), timeout=60)
        assert stored.status_code == 200 and stored.json()["stored"] is True
        assert httpx.get(url.split("?")[0], headers=auth(token)).content == data
    finally:
        if running is not None:
            stop_server(running)
        subprocess.run(["umount", "-l", str(disk)], check=False)
        shutil.rmtree(disk, ignore_errors=True)
