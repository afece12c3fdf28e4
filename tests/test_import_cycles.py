"""No import circle inside `app`, between modules and between the rooms of each package.

The graph is grimp's (the library import-linter uses), built from the source with the imports
made under `if TYPE_CHECKING:` and inside functions included: an import moved into a function or
behind TYPE_CHECKING to dodge a cycle still counts. Two views are checked:

- modules: no module reaches itself through its imports (a part importing its facade back, a
  table module importing the other one that imports it);
- rooms: in each package, its sub-packages and modules squashed into one node each (everything
  under `app.services.counting` counts as `app.services.counting`), no two rooms import each
  other, directly or round a longer loop. An import of the package itself (its `__init__`, the
  facade) from inside is left to the module view.

A failure names each circle as a chain of imports with file line numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import grimp
import pytest

ROOT = "app"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(ROOT, include_external_packages=False, cache_dir=None)


def strongly_connected(
    nodes: Iterable[str], edges: Callable[[str], Iterable[str]]
) -> list[list[str]]:
    """Tarjan's algorithm, iterative; the components of two nodes or more, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(edges(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges(child)))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return sorted(found)


def import_lines(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    where = ", ".join(f"line {d['line_number']}" for d in details)
    return f"{importer} -> {imported} ({where})"


def module_cycle(graph: grimp.ImportGraph, component: list[str]) -> list[str]:
    """One concrete circle through the component's first module, import by import."""
    first, members = component[0], set(component)
    for nxt in sorted(graph.find_modules_directly_imported_by(first) & members):
        back = graph.find_shortest_chain(importer=nxt, imported=first)
        if back:
            chain = (first, *back)
            return [import_lines(graph, a, b) for a, b in zip(chain, chain[1:], strict=False)]
    return component


def test_no_import_cycle_between_modules_of_app(graph: grimp.ImportGraph) -> None:
    components = strongly_connected(graph.modules, graph.find_modules_directly_imported_by)
    report = [
        f"circle of {len(c)} modules: {', '.join(c)}\n    " + "\n    ".join(module_cycle(graph, c))
        for c in components
    ]
    assert not components, "\n".join(report)


def packages(graph: grimp.ImportGraph) -> list[str]:
    return sorted(m for m in graph.modules if graph.find_children(m))


def test_no_import_cycle_between_the_rooms_of_each_package(graph: grimp.ImportGraph) -> None:
    report = []
    for package in packages(graph):
        rooms = graph.find_children(package)

        def room_of(module: str, rooms: set[str] = rooms) -> str | None:
            for room in rooms:
                if module == room or module.startswith(room + "."):
                    return room
            return None

        edges: dict[str, set[str]] = {room: set() for room in rooms}
        evidence: dict[tuple[str, str], str] = {}
        for room in rooms:
            for module in {room} | graph.find_descendants(room):
                for imported in graph.find_modules_directly_imported_by(module):
                    target = room_of(imported)
                    if target is not None and target != room:
                        edges[room].add(target)
                        evidence.setdefault((room, target), import_lines(graph, module, imported))
        for component in strongly_connected(rooms, lambda r, e=edges: e[r]):
            members = set(component)
            links = sorted(v for (a, b), v in evidence.items() if a in members and b in members)
            report.append(
                f"in {package}, the rooms {', '.join(component)} import each other:\n    "
                + "\n    ".join(links)
            )
    assert not report, "\n".join(report)


def test_the_checks_see_a_circle() -> None:
    """The search itself finds a circle, names its members and leaves a chain alone."""
    loop = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(loop, lambda n: loop[n]) == [["a", "b", "c"]]
    chain = {"a": {"b"}, "b": {"c"}, "c": set()}
    assert strongly_connected(chain, lambda n: chain[n]) == []
