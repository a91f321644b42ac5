"""A bounded schemathesis run against a real server, logged in as a learner (`make fuzz`).

A fresh SQLite data folder gets the schema, the study fixture pack and one learner; a real
server process serves it on loopback; schemathesis generates requests from the OpenAPI
document (a fixed number of examples per operation, a fixed seed) and checks that no request
gets a 500 and that every response matches what the document says. Exits with schemathesis'
status.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from masterpath.clock import Clock
from masterpath.services import Context, accounts, packs
from masterpath.settings import Settings
from masterpath.store import make_database, migrate
from tests.web.live import log_in, serving

ROOT = Path(__file__).parents[1]
EXAMPLES = 10
PASSWORD = "a long enough password"


def main() -> int:
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(env="development", data_dir=Path(data), secret_key="fuzz-secret")
        db = make_database(settings.url)
        migrate.upgrade(db)
        ctx = Context(settings, db, Clock())
        packs.install(ctx, [ROOT / "tests" / "fixtures" / "study"])
        accounts.register(ctx, email="fuzz@example.com", password=PASSWORD)
        db.dispose()
        with serving(settings) as port:
            client = log_in(port, "fuzz@example.com", PASSWORD)
            command = [
                str(Path(sys.executable).parent / "schemathesis"),
                "run",
                f"http://127.0.0.1:{port}/api/v1/openapi.json",
                "--max-examples",
                str(EXAMPLES),
                "--seed",
                "1",
                "--request-timeout",
                "30",
                "-H",
                f"Cookie: {client.cookie}",
                "-H",
                f"X-CSRF-Token: {client.csrf}",
                "--exclude-checks",
                "positive_data_acceptance",
                # ending its own session would log the fuzzer out for the rest of the run
                "--exclude-operation-id",
                "end_session_api_v1_me_sessions__session_id__delete",
            ]
            return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
