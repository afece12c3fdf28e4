"""One service style (issue 14): no `Any` at a service boundary, every public method of every
service reached from `Services` taking and returning typed values; no module-level function in
`app/services` taking the whole `Services` or one service (a use case needing several services
is a class reached from `Services`, holding the services it needs; one needing one service is a
method of that service); no mixin inheritance in `app/services`
(a service is composed of parts, each a class holding what it needs).

The services are the real ones, built on a real store; each annotation is resolved with
`typing.get_type_hints` (so that an alias hiding `Any`, such as `dict[str, Any]`, is caught), or
read as written when it names a type imported only for the type checker.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
import typing
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import app.services
from app.services import Services

SERVICES_DIR = Path(app.services.__file__).parent


def _mentions_any(hint: object) -> bool:
    if hint is typing.Any:
        return True
    return any(_mentions_any(arg) for arg in typing.get_args(hint))


def _any_parameters(function: typing.Callable[..., object]) -> list[str]:
    try:
        hints = typing.get_type_hints(function)
    except NameError:  # a name imported under TYPE_CHECKING: read the annotation as written
        module = sys.modules[function.__module__]
        any_names = {name for name, value in vars(module).items() if value is typing.Any}
        any_names.add("Any")
        alternatives = "|".join(sorted(any_names))
        pattern = re.compile(rf"\b(?:typing\.)?({alternatives})\b")
        return [
            name for name, text in function.__annotations__.items() if pattern.search(str(text))
        ]
    return [name for name, hint in hints.items() if _mentions_any(hint)]


def _service_names() -> list[str]:
    return [name for name, attr in vars(Services).items() if isinstance(attr, cached_property)]


def _public_methods(cls: type) -> Iterator[tuple[str, typing.Callable[..., object]]]:
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if not name.startswith("_"):
            yield name, member


def test_every_service_is_reached_from_services(services: Services) -> None:
    names = _service_names()
    assert {"campaigns", "counting", "ballots", "status", "participants"} <= set(names)
    for name in names:
        assert getattr(services, name) is getattr(services, name)  # built once, then kept


def test_no_service_method_takes_or_returns_any(services: Services) -> None:
    found = [
        f"{type(getattr(services, name)).__name__}.{method}({parameter})"
        for name in _service_names()
        for method, function in _public_methods(type(getattr(services, name)))
        for parameter in _any_parameters(function)
    ]
    assert found == []


def test_the_check_sees_an_any() -> None:
    class Loose:
        def run(self, value: typing.Any) -> dict[str, typing.Any]:
            return {"value": value}

    assert _any_parameters(Loose.run) == ["value", "return"]
    assert list(_public_methods(Loose)) == [("run", Loose.run)]


# --- one style: no free function taking `Services`, no mixins ------------------------------------


def _names_services(annotation: ast.expr | None) -> bool:
    if annotation is None:
        return False
    text = ast.unparse(annotation).strip("'\"")
    return any(
        part.strip().split(".")[-1].endswith(("Services", "Service")) for part in text.split("|")
    )


def functions_taking_services(source: str) -> list[str]:
    """Module-level functions with a parameter typed `Services` or a `…Service` (or named
    `services`, `service` or `svc`)."""
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            a = node.args
            for arg in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg):
                named = arg is not None and arg.arg in ("services", "service", "svc")
                if arg is not None and (named or _names_services(arg.annotation)):
                    found.append(f"{node.name}({arg.arg})")
    return found


def mixin_classes(source: str) -> list[str]:
    """Classes built by mixin inheritance: several base classes, or a name ending in Mixin."""
    return [
        node.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ClassDef) and (len(node.bases) > 1 or node.name.endswith("Mixin"))
    ]


def _service_sources() -> Iterator[tuple[str, str]]:
    for path in sorted(SERVICES_DIR.rglob("*.py")):
        yield str(path.relative_to(SERVICES_DIR.parent.parent)), path.read_text(encoding="utf-8")


def test_no_module_function_in_services_takes_services() -> None:
    sources = list(_service_sources())
    assert len(sources) > 50  # the whole package is read
    found = [f"{name}: {f}" for name, text in sources for f in functions_taking_services(text)]
    assert found == []


def test_no_class_in_services_uses_mixin_inheritance() -> None:
    found = [f"{name}: {c}" for name, text in _service_sources() for c in mixin_classes(text)]
    assert found == []


def test_the_style_checks_see_a_free_function_and_a_mixin() -> None:
    source = """
from __future__ import annotations
if TYPE_CHECKING:
    from app.services import Services
def report(services: Services, session_id: str) -> None: ...
def helper(session_id: str, *, services: "Services") -> None: ...
def sheet(service: AppointmentService, day: date) -> None: ...
def legacy(svc, day) -> None: ...
def fine(session_id: str) -> None: ...
class Styles: ...
class PreviewMixin: ...
class Ballots(Styles, Service): ...
class Facade(Service):
    def run(self, services: Services) -> None: ...
"""
    assert functions_taking_services(source) == [
        "report(services)", "helper(services)", "sheet(service)", "legacy(svc)"
    ]  # fmt: skip
    assert mixin_classes(source) == ["PreviewMixin", "Ballots"]
