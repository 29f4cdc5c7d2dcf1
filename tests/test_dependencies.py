"""The project stands on its own: every package the app imports is declared, and nothing in the
repository points to a document or a machine path outside it."""

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "onboarding"


def _normal(name: str) -> str:
    """Distribution names compare without case, dashes, dots or underscores (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_top_level_modules() -> dict[str, Path]:
    """Every absolute import in the package (also those inside functions), by top-level name."""
    found: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], path)
    return found


def declared_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {
        _normal(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0]) for spec in project["dependencies"]
    }


def test_every_imported_package_is_a_declared_run_time_dependency():
    distributions = packages_distributions()
    declared = declared_dependencies()
    missing = []
    for module, path in sorted(imported_top_level_modules().items()):
        if module in sys.stdlib_module_names or module == "onboarding":
            continue
        owners = {_normal(d) for d in distributions.get(module, [])}
        assert owners, f"{module} (imported in {path.relative_to(ROOT)}) is not installed"
        if not owners & declared:
            missing.append(f"{module} from {sorted(owners)} in {path.relative_to(ROOT)}")
    assert not missing, "imported but not in [project].dependencies: " + "; ".join(missing)


def tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    paths = [ROOT / name for name in listed]
    return [p for p in paths if p.is_file() and p.suffix not in {".png", ".ttf", ".mo", ".ico"}]


def test_nothing_points_outside_the_repository():
    """Rules cite their sources, not a brief or a facts sheet that only some machines have."""
    outside = re.compile(r"DESIGN\.md|FACTS\.md|STYLE\.md|TOOLCHAIN\.md|/work/|\bshared/")
    offenders = []
    for path in tracked_text_files():
        if path == Path(__file__):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if outside.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}")
    assert not offenders, "\n".join(offenders)
