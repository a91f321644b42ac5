"""The mentor chooses its mode from the message and where it is asked, unless told."""

from __future__ import annotations

import pytest

from masterpath.mentor import Prompt, Source, choose_mode
from masterpath.mentor.builtin import Builtin
from masterpath.services import Context, accounts, packs
from masterpath.services.mentor import conversations, replies
from tests.services.test_study import STUDY_PACK


@pytest.mark.parametrize(
    ("message", "item", "task", "mode"),
    [
        ("Can I move on to the next stage?", False, False, "gatekeeper"),
        ("unlock the next skill please", False, False, "gatekeeper"),
        ("am I ready?", True, False, "gatekeeper"),
        ("I'm stuck, give me a hint", True, False, "hint"),
        ("I'm stuck on this", False, False, "explain"),  # hint ladders belong to items
        ("", True, False, "hint"),
        ("Why was my answer wrong?", True, False, "feedback"),
        ("what did I miss in my task?", False, True, "feedback"),
        ("what did I miss?", False, False, "explain"),
        ("Quiz me on this", False, False, "practice"),
        ("What does chmod 755 mean?", False, False, "explain"),
        ("Is the model already ready for production traffic?", False, False, "explain"),
        ("What is the best practice for tagging images?", False, False, "explain"),
        ("In practice, how big do images get?", False, False, "explain"),
        ("How does a mutex unlock?", False, False, "explain"),
        ("What is the next stage after docker build?", False, False, "explain"),
        ("Do type hints change runtime behaviour?", True, False, "explain"),
        ("another hint?", True, False, "hint"),
        ("give me another question", False, False, "practice"),
    ],
)
def test_the_mode_comes_from_the_message(message: str, item: bool, task: bool, mode: str) -> None:
    assert choose_mode(message, item=item, task=task) == mode


def test_auto_asks_the_mastery_engine_when_the_learner_asks_to_move_on(ctx: Context) -> None:
    packs.install(ctx, [STUDY_PACK])
    user = accounts.register(ctx, email="ada@example.com", password="correct horse b").id
    turn = replies.ask(
        ctx, user_id=user, skill_id="shell-basics", message="Can I move on?", mode="auto"
    )
    assert turn.mode == "gatekeeper" and turn.text.startswith("Not yet.")
    assert [t.mode for t in conversations.history(ctx, user_id=user, skill_id="shell-basics")] == [
        "gatekeeper",
        "gatekeeper",
    ]


def test_feedback_on_a_short_answer_names_missing_ideas_and_a_next_step() -> None:
    prompt = Prompt(
        mode="feedback",
        skill_title="Docker",
        message="why was I wrong?",
        sources=[Source("lesson#runtime", "Runtime behaviour", "…")],
        verdict={"correct": False, "score": 0.3, "found": ["sigterm"], "missed": ["exec-form"]},
    )
    text = "".join(Builtin().stream(prompt))
    assert "You have these ideas: sigterm. Not yet there: exec form." in text
    assert "Next step: read “Runtime behaviour” [1]" in text
    task = Prompt(
        mode="feedback",
        skill_title="Docker",
        message="",
        verdict={"correct": False, "missed": ["Publishes the port with `-p 8080:8080`."]},
    )
    assert "`-p 8080:8080`" in "".join(Builtin().stream(task))  # a criterion's own words
