"""docs/audit-log.md is the contract for outside verifiers: keep it true."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from app.domain import signing
from app.domain.audit import SCHEMAS, SIGNED_EVENTS, EventType
from app.domain.audit.chain import FAILURES
from app.domain.audit.jsonl import write_jsonl
from tests.helpers.audit import build_session

DOC = Path(__file__).resolve().parents[3] / "docs" / "audit-log.md"


def _section(text: str, event: str) -> str:
    for heading in re.finditer(r"^### (.+)$", text, flags=re.M):
        if f"`{event}`" in heading.group(1):
            end = text.find("\n### ", heading.end())
            return text[heading.end() : end if end >= 0 else len(text)]
    raise AssertionError(f"no section for {event}")


def test_every_event_and_payload_key_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    signed = [schema for event, schema in SCHEMAS.items() if event in SIGNED_EVENTS]
    checkpoint_keys = set.intersection(*(set(schema) for schema in signed))
    for event, schema in SCHEMAS.items():
        section = _section(text, event.value)
        inherited = re.search(r"All keys of `(\w+)`", section)
        for key in schema:
            if event in SIGNED_EVENTS and key in checkpoint_keys:
                continue  # documented once for the three checkpoint events
            if inherited and key in SCHEMAS[EventType(inherited.group(1))]:
                continue
            assert f"`{key}`" in section, (event.value, key)
    for key in checkpoint_keys:
        assert f"`{key}`" in _section(text, "checkpoint")


def test_every_failure_code_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code in FAILURES:
        assert f"`{code}`" in text, code


def _hand_script(tmp_path: Path) -> Path:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("## 12. Verify by hand", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    script = tmp_path / "verify_log.py"
    script.write_text(block, encoding="utf-8")
    return script


def test_the_verify_by_hand_script_accepts_a_real_log_and_rejects_a_forged_one(
    tmp_path: Path,
) -> None:
    key = signing.generate_key()
    entries = build_session(key, sheets=5, batch_size=2).entries
    log = tmp_path / "audit.jsonl"
    write_jsonl(log, entries)
    script = _hand_script(tmp_path)
    ok = subprocess.run([sys.executable, str(script), str(log)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == f"chain ok, head hash {entries[-1].hash}"
    forged = log.read_bytes().replace(b'"page":1', b'"page":2', 1)
    log.write_bytes(forged)
    bad = subprocess.run([sys.executable, str(script), str(log)], capture_output=True, text=True)
    assert bad.returncode != 0
    assert "bad hash" in bad.stderr
