"""Imports follow the layers written in the package docstring: the foundation knows no
feature, a feature never imports one above it, and nothing forms a cycle."""

import ast
import re
from pathlib import Path

import onboarding

PACKAGE = Path(onboarding.__file__).parent


def layers_from_docstring(doc: str) -> list[tuple[str, set[str]]]:
    """The indented block after "Layers, lowest first": `name: members` or a lone feature."""
    block = doc.split("Layers, lowest first", 1)[1].split("\n\n", 2)[1]
    layers: list[tuple[str, set[str]]] = []
    for line in block.splitlines():
        if not line.strip():
            continue
        if line.startswith("        ") and layers:  # a wrapped list of members
            layers[-1][1].update(line.split())
            continue
        name, _, members = line.strip().partition(":")
        layers.append((name, set(members.split()) if members else {name}))
    return layers


MODULES = {path.stem for path in PACKAGE.iterdir() if path.suffix == ".py" or path.is_dir()}


def top_level(module: str) -> str:
    """`onboarding.buddies.views` -> `buddies`; the package itself (and a name imported from
    it, like `create_app`) is `onboarding`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in MODULES else "onboarding"


def imports_between_top_level_modules(package: Path) -> set[tuple[str, str, str]]:
    """(importer, imported, where) for every import from one top-level module to another."""
    found = set()
    for path in package.rglob("*.py"):
        parts = path.relative_to(package.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        base = module if parts[-1] == "__init__" else module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                anchor = base.split(".")[: len(base.split(".")) - (node.level - 1)]
                target = ".".join(anchor + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "onboarding":
                target = node.module
            else:
                continue
            targets = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            for imported in targets:
                if top_level(imported) != top_level(module):
                    found.add((top_level(module), top_level(imported), str(path.name)))
    return found


def violations(layers, imports) -> list[str]:
    """Upward imports, imports of unknown modules, and cycles inside a shared layer."""
    rank = {member: i for i, (_name, members) in enumerate(layers) for member in members}
    problems = []
    for importer, imported, where in sorted(imports):
        if importer not in rank or imported not in rank:
            problems.append(f"{importer} or {imported} is in no layer ({where})")
        elif rank[imported] > rank[importer]:
            problems.append(f"{importer} imports {imported}, a higher layer ({where})")
    graph: dict[str, set[str]] = {}
    for importer, imported, _where in imports:
        if rank.get(importer) == rank.get(imported):
            graph.setdefault(importer, set()).add(imported)

    def reaches(start: str, goal: str, seen: set) -> bool:
        for step in graph.get(start, ()):
            if step == goal or (step not in seen and reaches(step, goal, seen | {step})):
                return True
        return False

    problems += [
        f"{node} is part of an import cycle" for node in sorted(graph) if reaches(node, node, set())
    ]
    return problems


def test_every_import_follows_the_layers():
    layers = layers_from_docstring(onboarding.__doc__)
    print("Layers, lowest first:")
    for name, members in layers:
        print(f"  {name}: {' '.join(sorted(members))}")
    names = [name for name, _members in layers]
    assert names[0] == "foundation" and names[-1] == "composition"
    assert {"codes", "accounts", "checklist", "push", "buddies"} <= set(names)
    problems = violations(layers, imports_between_top_level_modules(PACKAGE))
    assert not problems, "\n".join(problems)


def test_the_check_catches_an_upward_import_and_a_cycle():
    layers = [("foundation", {"clock", "staff"}), ("codes", {"codes"}), ("buddies", {"buddies"})]
    assert violations(layers, {("codes", "clock", "x.py"), ("buddies", "codes", "y.py")}) == []
    upward = violations(layers, {("staff", "buddies", "views.py")})
    assert upward == ["staff imports buddies, a higher layer (views.py)"]
    cycle = violations(layers, {("clock", "staff", "a.py"), ("staff", "clock", "b.py")})
    assert cycle == ["clock is part of an import cycle", "staff is part of an import cycle"]
    assert re.search("in no layer", violations(layers, {("codes", "mystery", "z.py")})[0])
    # And the real tree, with one upward import added, fails.
    real = imports_between_top_level_modules(PACKAGE) | {("staff", "buddies", "views.py")}
    assert violations(layers_from_docstring(onboarding.__doc__), real) == [
        "staff imports buddies, a higher layer (views.py)"
    ]
