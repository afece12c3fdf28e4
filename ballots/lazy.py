"""Names of a package loaded on first use (PEP 562): one mechanism for every package that wants it.

A package lists where each public name lives and hands that map to `lazy_exports`; importing the
package then loads none of its modules, and the first `package.Name` imports the module that
holds it (and keeps the value in the package, so the next access is a plain attribute). The
package keeps the same names under `if TYPE_CHECKING:` for the type checker.

Pure standard library, so that the smallest module (the standalone verifier's) may use it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """The module-level `__getattr__` of `package`, which loads each name from `where[name]`."""
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__
