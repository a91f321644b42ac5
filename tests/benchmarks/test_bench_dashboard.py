import json
from pathlib import Path

from click.testing import CliRunner

from masterpath.benchmarks import dashboard
from masterpath.cli import main
from masterpath.content import loader


def test_the_generated_decks_are_a_valid_pack(tmp_path: Path) -> None:
    report = loader.read_packs([dashboard.deck_pack(tmp_path, cards=30)])
    assert report.ok, report.problems[:3]
    (pack,) = report.packs
    assert len(pack.skills) == dashboard.DECKS
    assert sum(len(s.flashcards) for s in pack.skills) >= 30


def test_the_benchmark_times_the_page_of_a_generated_history() -> None:
    command = ["bench", "dashboard", "--evidence", "300", "--cards", "40", "--runs", "3", "--json"]
    ran = CliRunner().invoke(main, command)
    assert ran.exit_code == 0, ran.output
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    assert 0 < result["p50_ms"] <= result["p95_ms"] and result["requests"] == 3
    assert result["cards"] == 40 and result["evidence"] >= 300
    assert set(result["sections_ms"]) == {
        "map_ms",
        "mastery_ms",
        "forecast_ms",
        "activity_ms",
        "log_ms",
        "portfolio_ms",
    }
    assert result["csv_export_kb"] > 0
