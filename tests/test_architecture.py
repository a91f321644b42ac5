"""The layer rules of DESIGN.md §4, checked on every import in the package."""

from __future__ import annotations

import ast
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
    "services": {"store", "mentor", "meaning", "domain", "content", "errors", "settings", "clock"},
    "web": {"services", "errors", "settings", "__init__"},
    "cli": {"services", "errors", "settings", "benchmarks"},
    "benchmarks": {"services", "store", "meaning", "domain", "errors", "settings", "clock"},
    "errors": set(),
    "settings": {"errors"},
    "clock": set(),
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


def layer_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def violations() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = layer_of(path)
        for line, module in imports(path):
            top = module.split(".")[0]
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
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


def test_the_checker_catches_a_wrong_import(tmp_path: Path) -> None:
    bad = PACKAGE / "domain" / "_architecture_probe.py"
    bad.write_text("import sqlalchemy\nfrom masterpath.store import db\n")
    try:
        found = violations()
    finally:
        bad.unlink()
    assert (
        "masterpath/domain/_architecture_probe.py:1 imports sqlalchemy: "
        "domain/ is pure computation" in found
    )
    assert any(
        "_architecture_probe.py:2" in line and "may not import store" in line for line in found
    )
