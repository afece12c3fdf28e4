"""`bp-terrain` run inside the test process, for the tests that need its words, not a process.

Starting `python -m ui.cli` costs about a second of CPU (Python, SQLAlchemy, the tables), which
the CLI tests paid some 130 times per run (docs/benchmarks.md, "The test suite"). `run_cli` calls
the same `ui.cli.main` with the same arguments and gives back what `subprocess.run` would: the
exit code (argparse's `SystemExit` included; an uncaught exception is code 1 with its traceback on
stderr, as Python does), stdout and stderr as text. Around the call it sets the environment
variables asked for and puts back the interface language, as a new process would start in French.

The tests that need a real process keep one: signals and Ctrl-C, concurrent writers, `count
watch`, the server, the standalone verifier, and one test per family that runs the real entry
point (`python -m ui.cli`).
"""

from __future__ import annotations

import io
import os
import subprocess
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_cli(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`bp-terrain ARGS` in this process, as `subprocess.run(..., capture_output=True, text=True)`."""
    from app.i18n import language, set_language
    from ui.cli import main

    out, err = io.StringIO(), io.StringIO()
    before = language()
    with _environment(env or {}), redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except Exception:  # noqa: BLE001 - what Python does at the top of a process
            traceback.print_exc()
            code = 1
        finally:
            set_language(before)
    return subprocess.CompletedProcess(["bp-terrain", *args], code, out.getvalue(), err.getvalue())
