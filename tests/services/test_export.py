from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from masterpath.clock import Clock
from masterpath.services import Context, catalogue, packs
from masterpath.store import make_database, migrate
from tests.conftest import PG_URL, make_settings


def test_export_has_keys_and_loads_back_unchanged(ctx: Context, tmp_path: Path) -> None:
    document = packs.export(ctx)
    (pack,) = document["packs"]
    assert pack["info"]["id"] == "fixture"
    python = next(s for s in pack["skills"] if s["id"] == "python-basics")
    mutable = next(i for i in python["items"] if i["id"] == "mutable")
    assert [(o["text"], o["correct"]) for o in mutable["options"]] == [
        ("tuple", False),
        ("list", True),
        ("str", False),
    ]
    (asked,) = python["explanations"]  # the explanation bank travels with the export
    assert asked["question"] == "Why can I change a list but not a tuple?"
    assert asked["sources"] == ["lesson#introduction", "https://docs.python.org/3/tutorial/"]
    lab = python["lab"]  # so does the lab, and a skill without one exports none
    assert (lab["title"], lab["minutes"]) == (
        "Write and test a function that finds the largest of three numbers",
        30,
    )
    assert lab["markdown"].startswith("## Starting point") and "## How to check" in lab["markdown"]
    assert all(s["lab"] is None for s in pack["skills"] if s["id"] != "python-basics")
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    (done,) = packs.install(ctx, [path])
    assert not done.changed  # same content: nothing to change
    if PG_URL:
        return
    fresh = make_database(f"sqlite:///{tmp_path / 'fresh.db'}")
    migrate.upgrade(fresh)
    other = Context(make_settings(tmp_path, f"sqlite:///{tmp_path / 'fresh.db'}"), fresh, Clock())
    (loaded,) = packs.install(other, [path])
    assert loaded.changed and loaded.counts == {"careers": 2, "skills": 4, "items": 9, "cards": 3}
    assert packs.export(other) == document
    assert catalogue.guide(other, "data-wrangler").career.title == "Data Wrangler"
    fresh.dispose()


def test_a_broken_export_names_the_line(ctx: Context, tmp_path: Path) -> None:
    from masterpath.content.loader import read_packs

    document = packs.export(ctx)
    document["packs"][0]["skills"][0]["hours"] = -1
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document, indent=1))
    problems = [str(p) for p in read_packs([path]).problems]
    assert len(problems) == 1
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if '"hours": -1' in text
    )
    assert problems[0].startswith(f"{path}:{line} packs.0.skills.0.hours: Input should be greater")


def test_a_lab_out_of_range_in_an_export_names_the_line(ctx: Context, tmp_path: Path) -> None:
    from masterpath.content.loader import read_packs

    document = packs.export(ctx)
    python = next(s for s in document["packs"][0]["skills"] if s["id"] == "python-basics")
    python["lab"]["minutes"] = 600
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document, indent=1))
    (problem,) = [str(p) for p in read_packs([path]).problems]
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "600" in text)
    assert problem.startswith(f"{path}:{line} packs.0.skills.")
    assert problem.endswith(".lab.minutes: Input should be less than or equal to 480")


def test_certification_facts_travel_through_an_export(ctx: Context, tmp_path: Path) -> None:
    document = packs.export(ctx)
    career = next(c for c in document["packs"][0]["careers"] if c["slug"] == "data-wrangler")
    (cert,) = career["certifications"]
    assert {k: cert[k] for k in ("exam_code", "as_of", "status", "retires_on", "successor")} == {
        "exam_code": "FDC-01",
        "as_of": "2026-05-01",
        "status": "retiring",
        "retires_on": "2026-12-31",
        "successor": "Fixture Data Certificate II",
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    from masterpath.content.loader import read_packs

    report = read_packs([path])
    assert report.ok, report.problems
    loaded = next(c for c in report.packs[0].careers if c.slug == "data-wrangler")
    assert loaded.certifications[0].as_of == date(2026, 5, 1)
    assert loaded.certifications[0].retires_on == date(2026, 12, 31)
    guide = catalogue.guide(ctx, "data-wrangler")
    assert guide.career.certifications[0].model_dump(mode="json") == cert
