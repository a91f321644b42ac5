"""The README's dashboard picture, from `masterpath demo` on a fresh data folder.

    PYTHONPATH=. .venv/bin/python scripts/readme_screenshot.py docs/dashboard.png

Runs `masterpath demo`, starts `masterpath serve`, logs in as the demo learner in Debian's
Chromium (Playwright) and photographs the top of /dashboard.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from masterpath.services.demo import LEARNER, PASSWORD
from tests.e2e.conftest import CHROMIUM_ARGS, free_port, wait_until_up


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "MASTERPATH_DATA_DIR": data, "MASTERPATH_ENV": "development"}
        env.pop("MASTERPATH_DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "masterpath", "demo"], env=env, check=True)
        port = free_port()
        log = Path(data) / "server.log"
        server = subprocess.Popen(
            [sys.executable, "-m", "masterpath", "serve", "--port", str(port)],
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, server, log)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1280, "height": 1500})
                page.goto(f"{base}/login")
                page.get_by_label("Email").fill(LEARNER)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Log in").click()
                page.goto(f"{base}/dashboard")
                page.screenshot(path=str(out))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
