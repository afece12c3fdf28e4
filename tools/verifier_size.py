"""The standalone verifier's own code: every project file that `python -m app.verify` loads,
with its size in lines, and its outside dependencies (docs/verify.md, "Auditing the verifier").

    python tools/verifier_size.py          # a Markdown table, then the totals
    python tools/verifier_size.py --json   # {"files": {path: lines}, "total": n, "external": [...]}

The list is found by running the import, not by reading the code: a module loaded only by
`--reinterpret` (the scanner, OpenCV, numpy) is not part of it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("app", "ballots", "scanner", "ui", "sync")
_PROBE = """
import json, sys
import app.verify.__main__
mods = {}
for name, module in sorted(sys.modules.items()):
    path = getattr(module, "__file__", None)
    mods[name] = path
print(json.dumps({"modules": mods, "stdlib": sorted(sys.stdlib_module_names)}))
"""


def closure() -> tuple[dict[str, int], list[str]]:
    """(project file -> lines, outside top-level packages) loaded by `python -m app.verify`."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, cwd=ROOT, check=True
    )
    data = json.loads(done.stdout)
    stdlib = set(data["stdlib"])
    files: dict[str, int] = {}
    external: set[str] = set()
    for name, path in data["modules"].items():
        top = name.split(".")[0]
        if top in PROJECT and path:
            rel = Path(path).resolve().relative_to(ROOT).as_posix()
            files[rel] = len(Path(path).read_text(encoding="utf-8").splitlines())
        elif top not in stdlib and not top.startswith("_") and path and "site-packages" in path:
            external.add(top)
    return dict(sorted(files.items())), sorted(external)


def main() -> int:
    files, external = closure()
    total = sum(files.values())
    if "--json" in sys.argv:
        print(json.dumps({"files": files, "total": total, "external": external}, indent=1))
        return 0
    print("| file | lines |\n|---|---|")
    for path, lines in files.items():
        print(f"| `{path}` | {lines} |")
    print(f"\n{len(files)} files, {total} lines; outside the standard library: "
          f"{', '.join(external) or 'nothing'}.")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
