"""Instructors and cohorts over HTTP: pages and API, 403 for non-instructors, 404 for anything
not theirs, CSRF on every form, bad codes and scores refused by field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient

from masterpath.services import Context, evidence, packs, roles
from tests.services.test_study import SKILL, STUDY_PACK
from tests.web.helpers import PASSWORD, csrf, register, soup


@pytest.fixture
def app_ctx(ctx: Context) -> Context:
    packs.install(ctx, [STUDY_PACK])
    return ctx


@pytest.fixture
def clients(app_ctx: Context) -> Iterator[dict[str, TestClient]]:
    """Signed-in browsers: two instructors (tess, otto) and two learners (ann, bob)."""
    from masterpath.web import create_app

    app = create_app(app_ctx.settings, context=app_ctx)
    with ExitStack() as stack:
        found = {}
        for name in ("tess", "otto", "ann", "bob"):
            client = stack.enter_context(TestClient(app))
            register(client, f"{name}@example.com")
            client.headers["X-CSRF-Token"] = csrf(client, "/account")
            found[name] = client
        for name in ("tess", "otto"):
            roles.set_role(app_ctx, email=f"{name}@example.com", role="instructor")
        yield found


def create(client: TestClient, name: str = "Spring") -> tuple[int, str]:
    made = client.post("/api/v1/instructor/cohorts", json={"name": name})
    assert made.status_code == 201, made.text
    return made.json()["id"], made.json()["invite_code"]


def pending_task(client: TestClient) -> int:
    handed = client.post(f"/api/v1/me/skills/{SKILL}/task", json={"link": "https://example.com/w"})
    assert handed.json()["status"] == "pending", handed.text
    return int(handed.json()["id"])


def test_an_instructor_creates_a_cohort_and_sees_its_code(clients: dict[str, TestClient]) -> None:
    tess = clients["tess"]
    assert soup(tess.get("/").text).select("nav a[href='/instructor']")
    assert not soup(clients["ann"].get("/").text).select("nav a[href='/instructor']")
    form = {"name": "Spring 2027", "expires_in_days": "7", "csrf_token": csrf(tess, "/instructor")}
    made = tess.post("/instructor/cohorts", data=form, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].startswith("/instructor/cohorts/")
    page = soup(tess.get(made.headers["location"]).text)
    code = page.select_one("code.invite")
    assert page.h1 and page.h1.text == "Spring 2027" and code is not None
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{8}", code.text)
    link = page.select_one("#invite-link")
    assert link is not None and str(link["value"]).endswith(f"/cohorts?code={code.text}")
    listed = soup(tess.get("/instructor").text)
    assert code.text in listed.text and "Spring 2027" in listed.text


def test_a_bad_cohort_form_names_the_field(clients: dict[str, TestClient]) -> None:
    tess = clients["tess"]
    form = {"name": "S", "expires_in_days": "400", "csrf_token": csrf(tess, "/instructor")}
    response = tess.post("/instructor/cohorts", data=form)
    assert response.status_code == 400
    alert = soup(response.text).select_one(".alert")
    assert alert is not None and "an invite code lasts from 1 to 365 days" in alert.text
    assert tess.get("/api/v1/instructor/cohorts").json() == []


def test_a_learner_joins_sees_only_names_and_leaves(clients: dict[str, TestClient]) -> None:
    cohort_id, code = create(clients["tess"], "Spring")
    ann, bob = clients["ann"], clients["bob"]
    assert bob.post("/api/v1/me/cohorts", json={"code": code}).status_code == 200
    prefilled = soup(ann.get(f"/cohorts?code={code}").text).select_one("input#code")
    assert prefilled is not None and prefilled["value"] == code
    form = {"code": code.lower(), "csrf_token": csrf(ann, "/cohorts")}
    joined = ann.post("/cohorts", data=form, follow_redirects=False)
    assert joined.status_code == 303
    page = soup(ann.get("/cohorts").text)
    assert "Spring" in page.text and "Instructor: tess" in page.text and "bob" not in page.text
    assert ann.get("/api/v1/me/cohorts").json()[0].keys() == {
        "id",
        "name",
        "instructor",
        "joined_at",
    }
    leave = {"csrf_token": csrf(ann, "/cohorts")}
    assert (
        ann.post(f"/cohorts/{cohort_id}/leave", data=leave, follow_redirects=False).status_code
        == 303
    )
    assert ann.get("/api/v1/me/cohorts").json() == []
    assert ann.post(f"/cohorts/{cohort_id}/leave", data=leave).status_code == 404


def test_an_invite_link_survives_logging_in(clients: dict[str, TestClient]) -> None:
    _, code = create(clients["tess"])
    ann = clients["ann"]
    ann.post("/logout", data={"csrf_token": csrf(ann, "/account")})
    del ann.headers["X-CSRF-Token"]  # it belonged to the session just ended
    sent = ann.get(f"/cohorts?code={code}", follow_redirects=False)
    assert sent.headers["location"] == f"/login?next=/cohorts%3Fcode%3D{code}"
    login = soup(ann.get(sent.headers["location"]).text)
    field = login.select_one("input[name=next]")
    assert field is not None and field["value"] == f"/cohorts?code={code}"
    form = {
        "email": "ann@example.com",
        "password": PASSWORD,
        "next": str(field["value"]),
        "csrf_token": csrf(ann),
    }
    back = ann.post("/login", data=form, follow_redirects=False)
    assert back.headers["location"] == f"/cohorts?code={code}"


def test_unknown_and_expired_codes_are_refused_clearly(
    clients: dict[str, TestClient], app_ctx: Context
) -> None:
    ann, tess = clients["ann"], clients["tess"]
    response = ann.post("/cohorts", data={"code": "NOPE2345", "csrf_token": csrf(ann, "/cohorts")})
    assert response.status_code == 400
    assert "no cohort has the invite code 'NOPE2345'" in soup(response.text).text
    cohort_id, code = create(tess)
    assert tess.post(f"/api/v1/instructor/cohorts/{cohort_id}/expire").json()["code_expired"]
    body = ann.post("/api/v1/me/cohorts", json={"code": code}).json()
    assert body["status"] == 400 and "expired on" in body["error"]
    assert body["errors"][0]["field"] == "code"


def test_non_instructors_get_403_on_instructor_routes(clients: dict[str, TestClient]) -> None:
    ann = clients["ann"]
    for path in ("/instructor", "/instructor/cohorts/1", "/instructor/learners/1"):
        response = ann.get(path)
        assert response.status_code == 403 and "create-instructor" in response.text
    assert ann.get("/api/v1/instructor/cohorts").status_code == 403
    assert ann.post("/api/v1/instructor/cohorts", json={"name": "x"}).status_code == 403


def test_an_instructor_gets_404_for_anything_not_theirs(clients: dict[str, TestClient]) -> None:
    tess, otto, ann, bob = (clients[n] for n in ("tess", "otto", "ann", "bob"))
    mine, my_code = create(tess, "Mine")
    theirs, their_code = create(otto, "Theirs")
    ann.post("/api/v1/me/cohorts", json={"code": my_code})
    bob.post("/api/v1/me/cohorts", json={"code": their_code})
    bobs_task = pending_task(bob)
    ann_id = ann.get("/api/v1/me").json()["id"]
    bob_id = bob.get("/api/v1/me").json()["id"]
    assert tess.get(f"/instructor/learners/{ann_id}").status_code == 200
    for path in (
        f"/instructor/cohorts/{theirs}",
        f"/instructor/learners/{bob_id}",
        f"/instructor/tasks/{bobs_task}",
        "/instructor/tasks/999999",
    ):
        assert tess.get(path).status_code == 404, path
        assert tess.get("/api/v1" + path).status_code == 404, path
    score = {"points": {"find": 2, "sort": 2}}
    assert tess.post(f"/api/v1/instructor/tasks/{bobs_task}/score", json=score).status_code == 404
    assert tess.post(f"/api/v1/instructor/cohorts/{theirs}/expire").status_code == 404
    assert not otto.get(f"/api/v1/instructor/cohorts/{theirs}").json()["cohort"]["code_expired"]
    assert tess.get(f"/api/v1/instructor/cohorts/{mine}").json()["learners"][0]["name"] == "ann"


def test_every_form_needs_the_csrf_token(clients: dict[str, TestClient]) -> None:
    tess, ann = clients["tess"], clients["ann"]
    cohort_id, code = create(tess)
    task_id = pending_task(ann)
    for client in (tess, ann):
        del client.headers["X-CSRF-Token"]
    posts = [
        (tess, "/instructor/cohorts", {"name": "Sneaky"}),
        (tess, f"/instructor/cohorts/{cohort_id}/code", {}),
        (tess, f"/instructor/cohorts/{cohort_id}/expire", {}),
        (tess, f"/instructor/tasks/{task_id}", {"points.find": "2", "points.sort": "2"}),
        (ann, "/cohorts", {"code": code}),
        (ann, f"/cohorts/{cohort_id}/leave", {}),
    ]
    for client, path, data in posts:
        assert client.post(path, data=data).status_code == 403, path
    assert [c["name"] for c in tess.get("/api/v1/instructor/cohorts").json()] == ["Spring"]
    assert ann.get("/api/v1/me/cohorts").json() == []


def test_an_instructor_scores_a_pending_task_through_the_form(
    clients: dict[str, TestClient], app_ctx: Context
) -> None:
    tess, ann = clients["tess"], clients["ann"]
    cohort_id, code = create(tess)
    ann.post("/api/v1/me/cohorts", json={"code": code})
    task_id = pending_task(ann)
    cohort = soup(tess.get(f"/instructor/cohorts/{cohort_id}").text)
    assert cohort.select(f"a[href='/instructor/tasks/{task_id}']")
    page = soup(tess.get(f"/instructor/tasks/{task_id}").text)
    assert [i["name"] for i in page.select("input[type=number]")] == ["points.find", "points.sort"]
    assert page.select_one("a[href='https://example.com/w']") is not None
    token = csrf(tess, f"/instructor/tasks/{task_id}")
    bad = tess.post(
        f"/instructor/tasks/{task_id}",
        data={"points.find": "5", "points.sort": "1", "csrf_token": token},
    )
    assert bad.status_code == 400 and "points.find: give a number from 0 to 2" in bad.text
    assert soup(bad.text).select_one("input#p-sort")["value"] == "1"  # type: ignore[index]
    ok = tess.post(
        f"/instructor/tasks/{task_id}",
        follow_redirects=False,
        data={
            "points.find": "2",
            "points.sort": "1.5",
            "comment": "Nearly there.",
            "csrf_token": token,
        },
    )
    assert ok.status_code == 303
    assert "88% by the instructor grader (passed)" in tess.get(ok.headers["location"]).text
    mine = soup(ann.get(f"/skills/{SKILL}/task").text).text
    assert "88%" in mine and "Your instructor's note: Nearly there." in mine
    checklist = ann.get(f"/api/v1/me/skills/{SKILL}/mastery").json()["checklist"]
    assert next(c for c in checklist if c["key"] == "task")["met"]
    again = tess.post(
        f"/api/v1/instructor/tasks/{task_id}/score", json={"points": {"find": 2, "sort": 2}}
    )
    assert again.status_code == 409
    ann_id = ann.get("/api/v1/me").json()["id"]
    graded = evidence.of_learner(app_ctx, user_id=ann_id, mode="task")
    assert [(r.grader, r.score) for r in graded] == [("instructor", 0.875)]


def test_the_api_names_the_score_field_that_is_wrong(clients: dict[str, TestClient]) -> None:
    tess, ann = clients["tess"], clients["ann"]
    _, code = create(tess)
    ann.post("/api/v1/me/cohorts", json={"code": code})
    task_id = pending_task(ann)
    path = f"/api/v1/instructor/tasks/{task_id}/score"
    over = tess.post(path, json={"points": {"find": 2, "sort": 3}}).json()
    assert over["status"] == 400 and over["errors"][0]["field"] == "points.sort"
    typed = tess.post(path, json={"points": {"find": 2, "sort": "lots"}}).json()
    assert typed["status"] == 400 and typed["errors"][0]["field"] == "points.sort"
    assert tess.get(f"/api/v1/instructor/tasks/{task_id}").json()["status"] == "pending"
    paths = tess.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/me/cohorts",
        "/api/v1/instructor/cohorts",
        "/api/v1/instructor/tasks/{submission_id}/score",
    } <= set(paths)
