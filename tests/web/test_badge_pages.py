"""The dashboard lists badges for download; the public page shows the badge and nothing else."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from masterpath.services import Context, accounts, badges
from tests.services.test_mastery_walk import master_python
from tests.web.helpers import PASSWORD, register, soup

pytest.importorskip("pyld")


def mastered(client: TestClient, ctx: Context) -> badges.BadgeView:
    register(client, "ada@example.com")
    _, user = accounts.login(
        ctx, email="ada@example.com", password=PASSWORD, address="127.0.0.9", user_agent="test"
    )
    master_python(ctx, user.id)
    [found] = badges.mine(ctx, user_id=user.id)
    return found


def test_dashboard_links_the_download_and_the_public_page(client: TestClient, ctx: Context) -> None:
    found = mastered(client, ctx)
    page = soup(client.get("/dashboard").text)
    section = page.find(id="badges")
    assert section is not None and "Python" in section.get_text()
    links = [str(a["href"]) for a in section.find_all("a")]
    assert links == [f"/dashboard/badges/{found.id}.json", f"/badges/{found.public_id}"]
    response = client.get(links[0])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert "attachment" in response.headers["content-disposition"]
    assert json.loads(response.text)["type"][1] == "OpenBadgeCredential"


def test_public_page_shows_the_badge_and_no_learner_data(client: TestClient, ctx: Context) -> None:
    found = mastered(client, ctx)
    client.cookies.clear()  # a stranger with the link
    response = client.get(f"/badges/{found.public_id}")
    assert response.status_code == 200
    text = soup(response.text).get_text()
    assert "Signature verified" in text and "Criteria" in text and "Evidence" in text
    # as a word: the page's hex ids and signature may hold the letters "ada" by chance
    assert not re.search(r"\bada\b", response.text, flags=re.IGNORECASE)
    assert client.get(f"/badges/{found.public_id}.json").json()["id"].startswith("urn:uuid:")
    assert client.get("/badges/guessed-id").status_code == 404


def test_a_learner_cannot_download_another_learners_badge(client: TestClient, ctx: Context) -> None:
    found = mastered(client, ctx)
    client.cookies.clear()
    register(client, "eve@example.com")
    assert client.get(f"/dashboard/badges/{found.id}.json").status_code == 404
