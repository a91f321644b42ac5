from pathlib import Path

from masterpath.benchmarks import tracks
from masterpath.content import loader


def test_the_generated_catalogue_is_a_valid_pack(tmp_path: Path) -> None:
    root = tracks.generated_pack(tmp_path, careers=5, skills=60)
    report = loader.read_packs([root])
    assert report.ok, report.problems[:3]
    (pack,) = report.packs
    assert len(pack.careers) == 5 and len(pack.skills) == 60


def test_the_benchmark_reports_both_catalogues(tmp_path: Path) -> None:
    result = tracks._measure(tmp_path, None, 20, lambda _: None)
    assert result["goals"] == 20 and 0 < result["p50_ms"] <= result["p95_ms"]
    assert 0 < result["matched"] < 20  # every tenth goal matches nothing
