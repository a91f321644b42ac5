"""Check one skill folder's explanations.md (and its skill.yaml) the way the loader will.

python scripts/check_explanations.py masterpath/content/packs/core/skills/<id>
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from masterpath.content import explanations


def main(folder: str) -> int:
    root = Path(folder)
    skill = yaml.safe_load((root / "skill.yaml").read_text(encoding="utf-8"))
    skill["lesson"] = (root / "lesson.md").read_text(encoding="utf-8")
    found, problems = explanations.read(root / "explanations.md", skill)
    for problem in problems:
        print(problem)
    missing = [r["title"] for r in skill.get("resources", []) if not r.get("summary")]
    for title in missing:
        print(f"{root / 'skill.yaml'}: resource {title!r} has no summary")
    print(f"{len(found)} explanations, {len(problems) + len(missing)} problems")
    return 1 if problems or missing or len(found) < 12 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
