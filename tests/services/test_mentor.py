"""The builtin mentor through the service: citations, hints, feedback, the gatekeeper, and
answer isolation under extraction attempts."""

from __future__ import annotations

import pytest

from masterpath.benchmarks.isolation import DEVELOPER_ATTEMPTS as ATTEMPTS
from masterpath.domain import isolation
from masterpath.errors import InvalidInput
from masterpath.mentor import Prompt, openai
from masterpath.mentor.builtin import Builtin
from masterpath.services import Context, accounts, checks, evidence, packs, practice
from masterpath.services.mentor import conversations, prompt, replies
from masterpath.store import content
from tests.services.test_study import SKILL, STUDY_PACK, practise_until_ready


@pytest.fixture
def study_ctx(ctx: Context) -> Context:
    packs.install(ctx, [STUDY_PACK])
    return ctx


@pytest.fixture
def user(study_ctx: Context) -> int:
    return accounts.register(study_ctx, email="ada@example.com", password="correct horse b").id


def test_explain_cites_the_lesson_section(study_ctx: Context, user: int) -> None:
    turn = replies.ask(
        study_ctx,
        user_id=user,
        skill_id=SKILL,
        message="what's the difference between an absolute and a relative path?",
    )
    assert turn.citations and turn.citations[0]["id"] == "shell-basics/lesson#paths"
    assert "Paths" in turn.text and "[1]" in turn.text


def test_a_question_outside_the_content_gets_no_invention(study_ctx: Context, user: int) -> None:
    turn = replies.ask(study_ctx, user_id=user, skill_id=SKILL, message="how do I bake sourdough?")
    assert turn.citations == [] and "won't guess" in turn.text


def test_a_fact_the_content_never_states_is_named_not_invented(
    study_ctx: Context, user: int
) -> None:
    turn = replies.ask(
        study_ctx,
        user_id=user,
        skill_id=SKILL,
        message="when was the shell's cd command first released, and who created it?",
    )
    assert turn.citations == []
    assert "does not cover release dates or who created a project" in turn.text
    assert "so I won't guess: check the project's or the vendor's own site." in turn.text


def test_a_job_question_is_sent_to_the_career_guides(study_ctx: Context, user: int) -> None:
    turn = replies.ask(
        study_ctx,
        user_id=user,
        skill_id=SKILL,
        message="what salary should I ask for, and what do they ask in interviews for shell jobs?",
    )
    assert turn.citations == []
    assert "does not cover salaries or job hunting and workplace matters" in turn.text
    assert "won't guess: check the career guides on MasterPath's home page" in turn.text


def test_the_provider_hears_why_no_source_answers() -> None:
    asked = Prompt(
        mode="explain",
        skill_title="Shell basics",
        message="is Podman free?",
        nearest=["[Docker](/skills/docker)"],
        unknown=["Podman"],
        unstated=["prices"],
        look=["the vendor's own pages"],
    )
    system = openai.messages(asked)[0]["content"]
    assert "No installed source answers this question." in system
    assert "never mentions: Podman" in system and "does not cover: prices" in system
    assert "Where to look instead: the vendor's own pages" in system
    assert "nearest skills: [Docker](/skills/docker)" in system
    reply = "".join(Builtin().stream(asked))
    assert reply.startswith("The installed content never mentions Podman, so I won't guess")


def test_the_hint_ladder_is_recorded_and_counts(study_ctx: Context, user: int) -> None:
    """Nudges (the authored hints), a pointer to the idea, a worked sub-step; then no more."""
    item = f"{SKILL}:abs-path"
    rungs = [
        replies.ask(
            study_ctx, user_id=user, skill_id=SKILL, message="", mode="hint", item_id=item
        ).text
        for _ in range(5)
    ]
    assert "(1 of 4) Where does the path start?" in rungs[0]
    assert "(2 of 4)" in rungs[1] and "leading slash" in rungs[1]
    assert "(3 of 4) The idea that decides this is in the lesson section “Paths”" in rungs[2]
    assert "(4 of 4)" in rungs[3] and "does not fit" in rungs[3]
    assert "(" not in rungs[4][:8]  # the ladder is climbed: no fifth rung
    with study_ctx.db.begin() as tx:
        row = content.item(tx, item)
        assert row is not None
        assert all(isolation.leaks(r, [content.item_model(tx, row)]) == [] for r in rungs)
    practice.answer(study_ctx, user_id=user, item_id=item, response="b")
    (record,) = evidence.of_learner(study_ctx, user_id=user)
    assert record.hints_used == 4


def test_feedback_on_a_wrong_choice_names_the_choice_not_the_key(
    study_ctx: Context, user: int
) -> None:
    item = f"{SKILL}:abs-path"
    practice.answer(study_ctx, user_id=user, item_id=item, response="a")
    turn = replies.ask(
        study_ctx,
        user_id=user,
        skill_id=SKILL,
        message="why was I wrong?",
        mode="feedback",
        item_id=item,
    )
    assert "docs/notes.txt" in turn.text and "/home/ana/notes.txt" not in turn.text


def test_gatekeeper_answers_from_the_engine(study_ctx: Context, user: int) -> None:
    turn = replies.ask(
        study_ctx, user_id=user, skill_id=SKILL, message="can I move on?", mode="gatekeeper"
    )
    assert turn.text.startswith("Not yet") and "mastery check" in turn.text


def test_during_a_check_the_mentor_declines(study_ctx: Context, user: int) -> None:
    practise_until_ready(study_ctx, user)
    check = checks.start_check(study_ctx, user_id=user, skill_id=SKILL, kind="mastery_check")
    turn = replies.ask(study_ctx, user_id=user, skill_id=SKILL, message="what is a digest?")
    assert turn.text == prompt.DECLINE
    # "Am I ready?" gets the engine's checklist only: no passage, no learner text.
    asked = prompt.prepare(
        study_ctx, user_id=user, skill_id=SKILL, message="am I ready? absolute paths", mode="auto"
    )
    assert asked.prompt.mode == "gatekeeper" and asked.prompt.checklist
    assert asked.prompt.sources == [] and asked.prompt.message == ""
    # On any other page the check's items stay guarded, with their passages withheld.
    elsewhere = prompt.prepare(
        study_ctx, user_id=user, skill_id="shell-scripting", message="paths?", mode="explain"
    )
    assert {k.id.local for k in elsewhere.keys} >= {i.id.split(":")[1] for i in check.items}


def test_no_reply_gives_away_an_open_item(study_ctx: Context, user: int) -> None:
    with study_ctx.db.begin() as tx:
        items = [row for row in content.live_items(tx, SKILL) if not row.assessment_only]
        models = {row.id: content.item_model(tx, row) for row in items}
    pairs = leaks = 0
    for row in items:
        for attempt in ATTEMPTS:
            for mode in ("explain", "hint", "feedback"):
                turn = replies.ask(
                    study_ctx,
                    user_id=user,
                    skill_id=SKILL,
                    message=attempt,
                    mode=mode,
                    item_id=row.id,
                )
                pairs += 1
                leaks += bool(isolation.leaks(turn.text, [models[row.id]]))
    assert pairs == len(items) * len(ATTEMPTS) * 3 and leaks == 0


def test_bad_messages_are_refused_and_the_conversation_can_be_cleared(
    study_ctx: Context, user: int
) -> None:
    with pytest.raises(InvalidInput, match="at most 4,000"):
        replies.ask(study_ctx, user_id=user, skill_id=SKILL, message="x" * 50_000)
    with pytest.raises(InvalidInput, match="write a question"):
        replies.ask(study_ctx, user_id=user, skill_id=SKILL, message="  ")
    replies.ask(study_ctx, user_id=user, skill_id=SKILL, message="what is ~ ?")
    assert [t.role for t in conversations.history(study_ctx, user_id=user, skill_id=SKILL)] == [
        "learner",
        "mentor",
    ]
    conversations.clear(study_ctx, user_id=user, skill_id=SKILL)
    assert conversations.history(study_ctx, user_id=user, skill_id=SKILL) == []


def test_feedback_on_the_applied_task_names_criteria_met_and_missing(
    study_ctx: Context, user: int
) -> None:
    from masterpath.services import tasks

    tasks.submit(study_ctx, user_id=user, skill_id=SKILL, text="use find to list files recursively")
    turn = replies.ask(study_ctx, user_id=user, skill_id=SKILL, message="", mode="feedback")
    assert "Finds files recursively." in turn.text
    assert "Not yet there: Sorts by size and keeps three." in turn.text


def test_feedback_names_the_likely_misconception_behind_a_pick(
    study_ctx: Context, user: int
) -> None:
    item = f"{SKILL}:cd-home"
    practice.answer(study_ctx, user_id=user, item_id=item, response="a")
    turn = replies.ask(
        study_ctx, user_id=user, skill_id=SKILL, message="why?", mode="feedback", item_id=item
    )
    assert "You picked “cd /”" in turn.text
    assert "A likely mix-up: `/` is the root of the whole filesystem" in turn.text
    assert "cd ~" not in turn.text
