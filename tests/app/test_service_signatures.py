"""No `Any` at a service boundary: every public method of every service reached from `Services`
takes and returns typed values (issue 14, "one service style").

The services are the real ones, built on a real store; each annotation is resolved with
`typing.get_type_hints` (so that an alias hiding `Any`, such as `dict[str, Any]`, is caught), or
read as written when it names a type imported only for the type checker.
"""

from __future__ import annotations

import inspect
import re
import sys
import typing
from collections.abc import Iterator
from functools import cached_property

from app.services import Services


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
