"""`masterpath content import-gift|import-moodle-xml` write a pack that `content validate`
accepts; `content export --format gift|moodle-xml` writes the installed bank."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from masterpath.cli import main
from masterpath.interop import gift, moodle_xml
from masterpath.settings import Settings
from tests.conftest import Snapshot


@pytest.fixture(scope="session")
def template_db(builtin_template: Path | Snapshot) -> Path | Snapshot:
    """The commands here install the built-in packs as they start: each test's database has
    them installed already (conftest.py), so the commands find them rather than install them."""
    return builtin_template


SAMPLES = Path(__file__).parents[1] / "interop" / "samples"


@pytest.mark.parametrize(
    ("command", "sample", "items"),
    [("import-gift", "containers.gift", 9), ("import-moodle-xml", "containers.xml", 6)],
)
def test_an_imported_bank_is_a_pack_that_validates(
    command: str, sample: str, items: int, tmp_path: Path
) -> None:
    out = tmp_path / "pack"
    runner = CliRunner()
    done = runner.invoke(
        main,
        ["content", command, str(SAMPLES / sample), "--skill", "containers", "--out", str(out)],
    )
    assert done.exit_code == 0, done.output
    assert f"wrote {items} items as skill containers" in done.output
    assert f"skipped {sample}:" in done.output  # the unmapped questions, by line
    checked = runner.invoke(main, ["content", "validate", str(out)])
    assert checked.exit_code == 0, checked.output
    assert (out / "skills" / "containers" / "skill.yaml").is_file()


def test_a_gift_syntax_error_exits_1_naming_the_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gift"
    broken.write_text("::ok::Fine?{T}\n\n::bad::Never closed{=yes ~no\n", encoding="utf-8")
    out = tmp_path / "pack"
    done = CliRunner().invoke(
        main, ["content", "import-gift", str(broken), "--skill", "x", "--out", str(out)]
    )
    assert done.exit_code == 1
    assert "broken.gift:3: the answer block opened with { is not closed with }" in done.output
    assert not out.exists()  # nothing written


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    latin = tmp_path / "latin.gift"
    latin.write_bytes(b"::ok::Fine?{T}\n\n::caf\xe9::Bad?{T}\n")
    done = CliRunner().invoke(
        main, ["content", "import-gift", str(latin), "--skill", "x", "--out", str(tmp_path / "p")]
    )
    assert done.exit_code == 1 and "latin.gift:3: not UTF-8 text" in done.output


def test_export_writes_the_installed_bank(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MASTERPATH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("MASTERPATH_DATABASE_URL", settings.url)
    monkeypatch.setenv("MASTERPATH_SECRET_KEY", "test-secret-key")
    runner = CliRunner()
    for fmt, reader in (("gift", gift.read), ("moodle-xml", moodle_xml.read)):
        out = tmp_path / f"bank.{fmt}"
        done = runner.invoke(main, ["content", "export", "--format", fmt, "--out", str(out)])
        assert done.exit_code == 0, done.output
        found = reader(out.read_text(encoding="utf-8"), file=out.name)
        assert len(found.items) > 400 and found.skipped == []
