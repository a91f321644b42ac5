"""`masterpath badge verify`: exit 0 with VALID, 1 with INVALID and the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from masterpath.cli import main
from masterpath.domain import signing

pytest.importorskip("pyld")

VECTORS = Path(__file__).parents[1] / "fixtures" / "vc-di-eddsa"


def run(*args: str, data_dir: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"MASTERPATH_DATA_DIR": str(data_dir)})
    return result.exit_code, result.output


def own_badge(tmp_path: Path) -> Path:
    from masterpath.domain import badges as build
    from masterpath.services import badges
    from masterpath.services.contexts import shipped
    from masterpath.settings import load_settings
    from tests.domain.test_badge_credentials import award

    seed = badges.issuer_seed(load_settings(data_dir=tmp_path))
    issuer = build.Issuer(did=signing.did_key(signing.public_key(seed)), name="MasterPath")
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(build.issue(award(), issuer, seed=seed, contexts=shipped())))
    return path


def test_a_valid_badge_exits_0(tmp_path: Path) -> None:
    path = own_badge(tmp_path)
    code, output = run("badge", "verify", str(path), "--issuer", "this", data_dir=tmp_path)
    assert code == 0, output
    assert output.startswith(f"VALID: {path}: Docker containers — mastered — signature valid")


def test_a_tampered_badge_exits_1_with_the_reason(tmp_path: Path) -> None:
    path = own_badge(tmp_path)
    document = json.loads(path.read_text())
    document["credentialSubject"]["achievement"]["name"] = "Kubernetes"
    path.write_text(json.dumps(document))
    code, output = run("badge", "verify", str(path), data_dir=tmp_path)
    assert code == 1
    assert output.strip() == (f"INVALID: {path}: the signature does not match the credential")


def test_a_badge_of_another_install_fails_with_issuer_this(tmp_path: Path) -> None:
    path = own_badge(tmp_path / "other")
    code, output = run("badge", "verify", str(path), "--issuer", "this", data_dir=tmp_path)
    assert code == 1 and "not by this install" in output


def test_the_w3c_vector_verifies_by_signature_only(tmp_path: Path) -> None:
    path = VECTORS / "signedDataInt.json"
    code, output = run("badge", "verify", "--signature-only", str(path), data_dir=tmp_path)
    assert code == 0 and "VALID" in output
    code, output = run("badge", "verify", str(path), data_dir=tmp_path)
    assert code == 1 and "not by the issuer 'https://vc.example/issuers/5678'" in output


def test_a_file_that_is_not_json_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("nope")
    code, output = run("badge", "verify", str(path), data_dir=tmp_path)
    assert code == 1 and "not a JSON file" in output


def test_the_example_badge_from_a_demo_run_verifies(tmp_path: Path) -> None:
    path = Path(__file__).parents[2] / "docs" / "examples" / "skill-docker-containers-badge.json"
    code, output = run("badge", "verify", str(path), data_dir=tmp_path)
    assert code == 0, output
    assert "signed by the issuer did:key:z6Mko58J9a5x5H7H3qU8uqTMpUxf1FU5uqmG2NYYid2cszGR" in output
