"""What a goal aims at, told apart from where the learner comes from and from jobs outside the
catalogue. Pure.

"I'm a nurse and want to move into ML" aims at ML; "become a nurse" aims at nursing. A career's
name counts only in the aim (`focus`), so "4 years as an ML engineer; next step is leading the
team" is about leading, and "mentor ML engineers" names other people, not the learner's role.
"""

from __future__ import annotations

import re

from masterpath.domain.grading import phrase_in, terms

# Professions outside the catalogue whose names share words with it: named outright, because
# word overlap alone would match them. Extend it when a new near miss turns up.
OTHER_PROFESSIONS = (
    "building architect",
    "landscape architect",
    "interior architect",
    "naval architect",
    "architect buildings",
    "architect houses",
    "design houses",
    "building design",
    "civil engineer",
    "mechanical engineer",
    "electrical engineer",
    "chemical engineer",
    "sound engineer",
    "audio engineer",
    "data analyst",
    "business analyst",
    "financial analyst",
    "product manager",
    "project manager",
    "marketing",
    "sales",
    "lawyer",
    "attorney",
    "nurse",
    "doctor",
    "physician",
    "teacher",
    "chef",
    "baker",
    "electrician",
    "plumber",
    "accountant",
    "frontend",
    "front end",
    "machine operator",
    "fashion model",
)


BACKGROUND = re.compile(
    r"\b(i'?m|i am|i was|currently|former(ly)?|coming from|background (in|as)|worked as|work as)"
    r"\W+(an?\W+)?(\w+\W+){0,3}$"
)


def other_profession(goal: str) -> str | None:
    """A profession outside the catalogue that the goal aims at (not one it comes from)."""
    said = terms(goal[:10_000], drop_stop=True)
    for name in OTHER_PROFESSIONS:
        if phrase_in(terms(name, drop_stop=True), said, gap=0) and not background(goal, name):
            return name
    return None


# What the learner wants, said after where they come from: "nurse ... I want to move into ML".
TARGET = re.compile(
    r"\b(want|wanna|would like|hope|hoping|plan|planning|trying|looking|aim|aiming|dream)\b"
    r"|\b(move|moving|switch|switching|transition|transitioning|pivot|pivoting|get|break)\s+"
    r"(in)?to\b|\bbecome\b|\bnext step\b"
)


def background(goal: str, name: str) -> bool:
    """Whether every mention of `name` is where the learner says where they come from: after
    "I'm", "former", "worked as" and the like, or before what they want."""
    text = goal[:10_000].lower()
    spots = [m.start() for m in re.finditer(re.escape(name), text)]
    return bool(spots) and all(
        BACKGROUND.search(text[:start]) or TARGET.search(text[start + len(name) :])
        for start in spots
    )


# Role nouns in the plural name other people ("mentor ML engineers", "hire architects").
PEOPLE = re.compile(r"\b(engineer|architect|lead|developer|scientist|manager)s\b", re.IGNORECASE)


def focus(goal: str) -> str:
    """The part of a goal that says what the learner wants: from the first "want", "move into",
    "next step" and the like (where they come from is said before it), with role nouns in the
    plural (other people) left out."""
    text = goal[:10_000]
    found = TARGET.search(text.lower())
    return PEOPLE.sub(" ", text[found.start() :] if found else text)


SPELLED = re.compile(r"[a-z]+")
# Job nouns that name no profession without their field ("director of ML", "MLOps
# practitioner"): the rest of the goal decides.
GENERIC_ROLES = frozenset(
    {
        "director",
        "practitioner",
        "specialist",
        "manager",
        "member",
        "contributor",
        "founder",
        "expert",
        "officer",
        "professional",
        "leader",
        "worker",
    }
)
# A job noun heading a phrase: "chip designer working on", "policy advisor for", "technician".
ROLE = re.compile(
    r"\b([a-z]{4,}(?:er|or|ist|ian|ant))\b"
    r"(?=\s*$|\s*[,.(/]|\s+(?:for|at|in|who|working|with|of|and)\b)"
)
