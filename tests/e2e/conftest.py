"""Browser tests: a real `masterpath serve` process and Debian's Chromium via Playwright."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.services.test_study import STUDY_PACK

ROOT = Path(__file__).parents[2]
ARTIFACTS = ROOT / "e2e-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the built-in packs loaded and their vectors computed, once a session:
    each server starts from a copy (as the unit tests copy a migrated SQLite file)."""
    data = tmp_path_factory.mktemp("loaded")
    env = {**os.environ, "MASTERPATH_DATA_DIR": str(data), "MASTERPATH_ENV": "development"}
    env.pop("MASTERPATH_DATABASE_URL", None)
    core = ROOT / "masterpath" / "content" / "packs" / "core"
    run = [sys.executable, "-m", "masterpath", "content", "load", str(core)]
    subprocess.run(run, env=env, check=True, capture_output=True)
    return data


def from_loaded(loaded: Path, data: Path) -> None:
    for found in loaded.glob("masterpath.db*"):
        shutil.copy(found, data / found.name)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, loaded: Path) -> Iterator[str]:
    """A real server on a free port with a fresh SQLite database."""
    data = tmp_path_factory.mktemp("serve")
    from_loaded(loaded, data)
    port = free_port()
    env = {**os.environ, "MASTERPATH_DATA_DIR": str(data), "MASTERPATH_ENV": "development"}
    env.pop("MASTERPATH_DATABASE_URL", None)
    log = (data / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "masterpath", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, data / "server.log")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if json.load(response)["ok"]:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer within 180 s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: apt-get install -y chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # bypass_csp lets the test inject axe-core; the app itself allows only its own scripts.
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 1280, "height": 900}, timezone_id="Asia/Tokyo"
    )
    yield context.new_page()
    context.close()


def axe_violations(page: Page) -> list[str]:
    """Serious and critical accessibility violations axe-core finds on the page."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm install` (make e2e does)")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


PASSWORD = "a long enough password"  # of the instructor the study server makes


class Server:
    """`masterpath serve` on one data folder, restartable with another clock offset."""

    def __init__(self, data: Path) -> None:
        self.data, self.port = data, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def env(self, offset: str) -> dict[str, str]:
        env = {
            **os.environ,
            "MASTERPATH_DATA_DIR": str(self.data),
            "MASTERPATH_ENV": "development",
            "MASTERPATH_CLOCK_OFFSET": offset,
        }
        env.pop("MASTERPATH_DATABASE_URL", None)
        return env

    def start(self, offset: str = "") -> None:
        log = self.data / "server.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "masterpath", "serve", "--port", str(self.port)],
            env=self.env(offset),
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
        )
        wait_until_up(self.base, self.process, log)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def study_server(tmp_path: Path, loaded: Path) -> Iterator[Server]:
    from_loaded(loaded, tmp_path)
    server = Server(tmp_path)
    for command in (
        ["content", "load", str(STUDY_PACK)],
        ["user", "create-instructor", "tess@example.com", "--password", PASSWORD],
    ):
        run = [sys.executable, "-m", "masterpath", *command]
        subprocess.run(run, env=server.env(""), check=True, capture_output=True)
    server.start()
    yield server
    server.stop()
