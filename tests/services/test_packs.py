from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from masterpath.errors import ContentError
from masterpath.services import Context, catalogue, packs
from masterpath.store import content as store

FIXTURE = Path(__file__).parents[1] / "fixtures" / "pack"


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(FIXTURE, target)
    return target


def snapshot(ctx: Context) -> dict[str, object]:
    with ctx.db.begin() as tx:
        return {
            "packs": [(p.id, p.version, p.content_hash) for p in store.packs(tx)],
            "careers": sorted(store.keys(tx, "career", live=False)),
            "items": sorted(store.keys(tx, "item", live=False)),
            "live_items": sorted(store.keys(tx, "item")),
            "cards": sorted(store.keys(tx, "card", live=False)),
        }


def test_fixture_pack_is_installed(ctx: Context) -> None:
    assert [c.slug for c in catalogue.careers(ctx)] == ["data-wrangler", "pipeline-builder"]
    with ctx.db.begin() as tx:
        assert store.count(tx, "item") == 9
        assert store.count(tx, "card") == 3


def test_reloading_the_same_pack_changes_nothing(ctx: Context) -> None:
    before = snapshot(ctx)
    (done,) = packs.install(ctx, [FIXTURE])
    assert not done.changed
    assert snapshot(ctx) == before


def test_a_pack_with_an_error_changes_nothing(ctx: Context, pack: Path) -> None:
    before = snapshot(ctx)
    (pack / "pack.yaml").write_text('id: fixture\nversion: "2.0.0"\ntitle: Fixture\n')
    path = pack / "skills" / "sql-basics" / "skill.yaml"
    path.write_text(path.read_text() + "\nbogus_field: 1\n")
    with pytest.raises(ContentError) as raised:
        packs.install(ctx, [pack])
    assert any("bogus_field" in str(p) for p in raised.value.problems)
    assert snapshot(ctx) == before


def test_new_version_keeps_ids_retires_removed_and_keeps_old_text(ctx: Context, pack: Path) -> None:
    (pack / "pack.yaml").write_text('id: fixture\nversion: "2.0.0"\ntitle: Fixture\n')
    path = pack / "skills" / "python-basics" / "skill.yaml"
    text = path.read_text()
    start = text.index("  - id: def-keyword")
    end = text.index("  - id: return-none")
    text = text[:start] + text[end:]  # remove one item
    text = text.replace("What does `len([1, 2, 3])` return?", "What is `len([1, 2, 3])`?")
    path.write_text(text)

    (done,) = packs.install(ctx, [pack])
    assert done.changed and done.version == "2.0.0"
    after = snapshot(ctx)
    assert "python-basics:def-keyword" in after["items"]  # type: ignore[operator]
    assert "python-basics:def-keyword" not in after["live_items"]  # type: ignore[operator]
    with ctx.db.begin() as tx:
        retired = store.item(tx, "python-basics:def-keyword")
        assert retired is not None and retired.retired_at is not None
        kept = store.revisions(tx, "item", "python-basics:len-list")
        assert [r.pack_version for r in kept] == ["1.0.0", "2.0.0"]
        assert kept[0].data["stem"] == "What does `len([1, 2, 3])` return?"
        assert kept[1].data["stem"] == "What is `len([1, 2, 3])`?"
        assert [row.id for row in store.live_items(tx, "python-basics")] == [
            "python-basics:len-list",
            "python-basics:mutable",
            "python-basics:return-none",
        ]


def test_item_that_comes_back_is_served_again(ctx: Context, pack: Path) -> None:
    path = pack / "skills" / "pipeline-orchestration" / "skill.yaml"
    original = path.read_text()
    path.write_text(original.replace("  - id: dag-cycle", "  - id: dag-acyclic"))
    (pack / "pack.yaml").write_text('id: fixture\nversion: "2"\ntitle: F\n')
    packs.install(ctx, [pack])
    path.write_text(original)
    (pack / "pack.yaml").write_text('id: fixture\nversion: "3"\ntitle: F\n')
    packs.install(ctx, [pack])
    with ctx.db.begin() as tx:
        assert [r.id for r in store.live_items(tx, "pipeline-orchestration")] == [
            "pipeline-orchestration:dag-cycle"
        ]


def test_a_pack_may_depend_on_skills_of_an_installed_pack(ctx: Context, tmp_path: Path) -> None:
    other = tmp_path / "other"
    (other / "skills" / "warehousing").mkdir(parents=True)
    (other / "pack.yaml").write_text('id: other\nversion: "1"\ntitle: Other\n')
    (other / "skills" / "warehousing" / "skill.yaml").write_text(
        "id: warehousing\ntitle: Warehousing\nsummary: Star schemas.\nhours: 3\n"
        "prerequisites: [sql-basics]\nobjectives:\n  - {id: star, text: Draw a star schema}\n"
    )
    (done,) = packs.install(ctx, [other])
    assert done.changed
    assert packs.validate([other]).problems != []  # alone, sql-basics is unknown


def test_skill_owned_by_another_pack_is_refused(ctx: Context, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(FIXTURE / "skills" / "sql-basics", other / "skills" / "sql-basics")
    (other / "pack.yaml").write_text('id: other\nversion: "1"\ntitle: Other\n')
    with pytest.raises(ContentError, match="clash"):
        packs.install(ctx, [other])


def test_guide_lists_stage_skills(ctx: Context) -> None:
    guide = catalogue.guide(ctx, "data-wrangler")
    assert [s.id for s in guide.stage_skills["basics"]] == ["python-basics", "sql-basics"]
    assert guide.study_hours == 13
