"""The layer rules of DESIGN.md §4, checked on every import in the package."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "masterpath"
BASE = {"errors", "settings", "clock"}
# layer -> the masterpath layers it may import (itself always allowed)
ALLOWED: dict[str, set[str]] = {
    "domain": {"errors"},
    "content": {"domain", "errors"},
    "store": {"domain", "errors"},
    "mentor": {"domain", "errors", "settings"},
    "meaning": {"domain", "errors"},
    "interop": {"domain", "content", "errors"},
    "services": {
        "store",
        "mentor",
        "meaning",
        "domain",
        "content",
        "interop",
        "errors",
        "settings",
        "clock",
    },
    "web": {"services", "errors", "settings", "__init__"},
    "cli": {
        "services",
        "errors",
        "settings",
        "benchmarks",
        "cli_interop",
        "outbox_cli",
        "commands",
        "workers",
    },
    "cli_interop": {"services", "errors", "settings"},
    "outbox_cli": {"services", "errors", "settings"},
    "commands": {"services", "errors", "settings", "benchmarks", "cli_interop"},
    "benchmarks": {"services", "store", "meaning", "domain", "errors", "settings", "clock"},
    "errors": set(),
    "settings": {"errors"},
    "clock": set(),
    "workers": {"settings"},
    "__init__": set(),
    "__main__": {"cli"},
}
FORBIDDEN_IN_DOMAIN = {
    "sqlalchemy",
    "fastapi",
    "starlette",
    "jinja2",
    "httpx",
    "requests",
    "os",
    "pathlib",
    "socket",
    "subprocess",
    "random",
    "time",
    "yaml",
    "alembic",
    "uvicorn",
    "click",
}
SQLALCHEMY_OUTSIDE_STORE = {"sqlalchemy", "alembic"}


def layer_of(path: Path, root: Path = PACKAGE) -> str:
    return path.relative_to(root).with_suffix("").parts[0]


def imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def violations(root: Path = PACKAGE) -> list[str]:
    """Every import under `root` (the package folder) that breaks a layer rule."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        layer = layer_of(path, root)
        for line, module in imports(path):
            top = module.split(".")[0]
            where = f"{path.relative_to(root.parent)}:{line} imports {module}"
            if top == "masterpath":
                parts = module.split(".")
                target = parts[1] if len(parts) > 1 else "__init__"
                if target != layer and target not in ALLOWED[layer]:
                    problems.append(f"{where}: {layer} may not import {target}")
            elif layer == "domain" and top in FORBIDDEN_IN_DOMAIN:
                problems.append(f"{where}: domain/ is pure computation")
            elif top in SQLALCHEMY_OUTSIDE_STORE and layer != "store":
                problems.append(f"{where}: only store/ imports SQLAlchemy")
    return problems


def test_layers_import_only_what_they_may() -> None:
    assert violations() == []


def _not_source(folder: str, names: list[str]) -> set[str]:
    """What copying the package for a probe skips: caches and every file but Python source."""
    return {
        name
        for name in names
        if name == "__pycache__" or (Path(folder, name).is_file() and not name.endswith(".py"))
    }


def test_the_checker_catches_a_wrong_import(tmp_path: Path) -> None:
    # A copy of the package, so the probe never lands in the real one (a test run that dies
    # here must not leave a broken module behind, nor race another run reading the package).
    copy = tmp_path / "masterpath"
    shutil.copytree(PACKAGE, copy, ignore=_not_source)
    (copy / "domain" / "_architecture_probe.py").write_text(
        "import sqlalchemy\nfrom masterpath.store import db\n"
    )
    found = violations(copy)
    assert (
        "masterpath/domain/_architecture_probe.py:1 imports sqlalchemy: "
        "domain/ is pure computation" in found
    )
    assert any(
        "_architecture_probe.py:2" in line and "may not import store" in line for line in found
    )
