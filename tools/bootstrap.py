#!/usr/bin/env python3
"""Set BP Terrain up on this machine, then start it or test it.

    python3 tools/bootstrap.py start   # set up, then open the app on the demo campaign
    python3 tools/bootstrap.py test    # set up, then run the whole test suite

Needs only Python 3.11+. On Debian/Ubuntu it installs the system libraries the app needs
(zbar for QR codes, the Qt runtime libraries, python3-venv; PostgreSQL for the tests) when it
runs as root or with password-less sudo; otherwise it says in plain words which command to run. It creates `.venv`
beside this repository and installs the project into it; a second run reuses both.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
MIN_PYTHON = (3, 11)

# Debian/Ubuntu packages: zbar reads QR codes; the rest are what Qt needs to open windows
# (xcb) and to render offscreen (EGL, fontconfig).
SYSTEM_PACKAGES = [
    "libzbar0",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libdbus-1-3",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-shape0",
    "libxcb-render-util0",
    "libxcb-image0",
    "libxcb-xinerama0",
    "libxcb-randr0",
    "fonts-dejavu-core",
]

# Only for the tests: the sync server's tests run against PostgreSQL too (a throwaway cluster
# that the test fixture starts with initdb in a temporary folder); the public site's pages are
# checked in Debian's headless Chromium driven by Selenium (tests/sync/test_site_browser.py).
TEST_PACKAGES = ["postgresql", "chromium", "chromium-driver"]


def say(message: str) -> None:
    print(f"[bp-terrain] {message}", flush=True)


def run(cmd: list[str], **kwargs: object) -> None:
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[call-overload]


def missing_debian_packages(names: list[str]) -> list[str]:
    if not shutil.which("dpkg-query"):
        return []
    missing = []
    for name in names:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True
        )
        if "install ok installed" not in result.stdout:
            missing.append(name)
    return missing


def apt_prefix() -> list[str] | None:
    """How to run apt-get here: directly as root, with sudo -n, or not at all."""
    if not shutil.which("apt-get"):
        return None
    if os.geteuid() == 0:
        return []
    if (
        shutil.which("sudo")
        and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0
    ):
        return ["sudo", "-n"]
    return None


def install_system_packages(names: list[str]) -> None:
    missing = missing_debian_packages(names)
    if not missing:
        return
    prefix = apt_prefix()
    if prefix is None:
        say(
            "Il manque des bibliothèques système : "
            + " ".join(missing)
            + ". Installez-les avec : sudo apt-get install -y "
            + " ".join(missing)
        )
        return
    say("Installation des bibliothèques système : " + " ".join(missing))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run([*prefix, "apt-get", "update", "-qq"], env=env)
    run([*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> None:
    if venv_python().exists():
        return
    say("Création de l'environnement Python (.venv)")
    result = subprocess.run(
        [sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True
    )
    if result.returncode != 0:
        shutil.rmtree(VENV, ignore_errors=True)
        version = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"
        install_system_packages([version])
        run([sys.executable, "-m", "venv", str(VENV)])


def ensure_project(extras: str) -> None:
    """pip-install the project (editable) unless pyproject.toml is unchanged since last time."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".bp-terrain-installed-{extras or 'app'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    say("Installation des dépendances Python (première fois : quelques minutes)")
    py = str(venv_python())
    run([py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    target = f"{ROOT}[{extras}]" if extras else str(ROOT)
    run([py, "-m", "pip", "install", "--quiet", "-e", target])
    stamp.write_text(digest)


def parallel_args(args: list[str]) -> list[str]:
    """Two pytest-xdist workers, each file on one worker (its module fixtures are built once).

    Not when the caller chose (`-n ...`, `-p no:xdist`) or runs only some tests (`-k`, a path):
    starting workers costs more than it saves on a short run. The tests use no fixed port,
    display or shared folder, so two workers never clash.
    """
    chosen = any(a in ("-n", "--numprocesses", "no:xdist") or a.startswith("-n") for a in args)
    narrowed = any(a == "-k" or not a.startswith("-") for a in args)
    if chosen or narrowed or (os.cpu_count() or 1) < 2:
        return []
    return ["-n", "2", "--dist", "loadfile"]


def main(argv: list[str]) -> int:
    if sys.version_info < MIN_PYTHON:
        say("BP Terrain demande Python 3.11 ou plus récent.")
        return 1
    action = argv[0] if argv else "start"
    if action not in ("start", "test", "setup"):
        say("Usage : python3 tools/bootstrap.py start|test|setup")
        return 2
    install_system_packages(SYSTEM_PACKAGES)
    if action in ("test", "setup"):
        install_system_packages(TEST_PACKAGES)
    ensure_venv()
    ensure_project("dev" if action in ("test", "setup") else "")
    bin_dir = venv_python().parent
    if action == "start":
        return subprocess.call(
            [str(bin_dir / "bp-terrain"), "gui", "--demo", "--with-count", *argv[1:]]
        )
    if action == "test":
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        return subprocess.call(
            [str(venv_python()), "-m", "pytest", *parallel_args(argv[1:]), *argv[1:]],
            cwd=ROOT,
            env=env,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
