from __future__ import annotations

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def csrf(client: TestClient, path: str = "/login") -> str:
    field = soup(client.get(path).text).find("input", attrs={"name": "csrf_token"})
    assert field is not None, f"no CSRF field on {path}"
    return str(field["value"])


def register(client: TestClient, email: str, password: str = PASSWORD) -> None:
    response = client.post(
        "/register",
        data={
            "email": email,
            "password": password,
            "timezone": "Europe/Berlin",
            "csrf_token": csrf(client, "/register"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
