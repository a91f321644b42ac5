"""One exception tree. Every error carries a message a user can act on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in user input: where it is and what is wrong."""

    message: str
    file: str = ""
    line: int | None = None
    field: str = ""

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place = f"{place}:{self.line}"
        if self.field:
            place = f"{place} {self.field}" if place else self.field
        return f"{place}: {self.message}" if place else self.message


class MasterPathError(Exception):
    """Base of every error MasterPath raises on purpose."""

    status = 400

    def __init__(self, message: str, *, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class InvalidInput(MasterPathError):
    status = 400


class ContentError(InvalidInput):
    """A content pack has one or more problems; `problems` lists them all."""

    status = 422


class NotFound(MasterPathError):
    status = 404


class NotAuthenticated(MasterPathError):
    status = 401


class Forbidden(MasterPathError):
    status = 403


class Conflict(MasterPathError):
    status = 409


class RateLimited(MasterPathError):
    status = 429


class ConfigurationError(MasterPathError):
    status = 500


class Unavailable(MasterPathError):
    """Something MasterPath needs (the database, a tool) does not answer."""

    status = 503
