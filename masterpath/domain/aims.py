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
    # neighbouring software jobs that share "engineer", "developer", "data" or "design" with it
    "data engineer",
    "site reliability",
    "web developer",
    "mobile developer",
    "ios developer",
    "android developer",
    "game developer",
    "game development",
    "game designer",
    "ux designer",
    "ui designer",
    "ux researcher",
    "product designer",
    "graphic designer",
    "blockchain",
    "business intelligence",
    "machine operator",
    "fashion model",
)


BACKGROUND = re.compile(
    r"\b(i'?m|i am|i was|currently|former(ly)?|coming from|background (in|as)|worked as|work as)"
    r"\W+(an?\W+)?(\w+\W+){0,3}$"
)


def other_profession(goal: str) -> str | None:
    """A profession outside the catalogue that the goal aims at (not one it comes from). Its
    name as written, not another word with the same stem ("data analysis" is no analyst)."""
    said = terms(goal[:10_000], drop_stop=True)
    text = goal[:10_000].lower()
    for name in OTHER_PROFESSIONS:
        if not phrase_in(terms(name, drop_stop=True), said, gap=0):
            continue
        if re.search(_written(name), text) and not background(goal, name):
            return name
    return None


def _written(name: str) -> str:
    """A profession's name as a pattern: its words, then the last one's plural or -ing form
    ("nurses", "nursing"), not another word of its stem ("analysis" for "analyst")."""
    *first, last = name.split()
    body = "".join(rf"{re.escape(part)}[\s-]*" for part in first)
    return rf"\b{body}{re.escape(last.removesuffix('e'))}(?:e|es|s|ing)?\b"


# What the learner wants, said after where they come from: "nurse ... I want to move into ML".
TARGET = re.compile(
    r"\b(wants?|wanting|wanna|would like|'d like|would love|'d love|hope|hopes|hoping|plans?"
    r"|planning|trying|looking|aim|aims|aiming|dream|considering|interested in|keen)\b"
    r"|\b(move|moving|switch|switching|transition|transitioning|pivot|pivoting|get|break|change"
    r"|changing|retrain|retraining)\s+(in)?to\b|\bbecome\b|\bnext (step|goal)\b|\bgoal\s*:|->|→|=>"
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


# Someone else the learner hires or looks for: "hire a good ML engineer", "find an architect".
OTHERS = re.compile(
    r"\b(hire|hiring|recruit|recruiting|interview|interviewing|find|finding|looking for)\s+"
    r"(an?\s+|the\s+|some\s+)?([\w/+-]+\s+){0,3}?"
    r"(engineer|architect|lead|developer|scientist|manager)s?\b",
    re.IGNORECASE,
)
# Where the learner comes from, said after what they want: ", currently a mid-level ML engineer".
LATER_BACKGROUND = re.compile(
    r"([,;(]|\s-+\s|\.\s)\s*(currently|right now|i'?m|i am|i'?ve been|i have been|i was|"
    r"former(ly)?|coming from|background)\b[^,;.)]*",
    re.IGNORECASE,
)


def focus(goal: str) -> str:
    """The part of a goal that says what the learner wants: from the first "want", "move into",
    "next step" and the like (where they come from is said before it), unless nothing follows
    it ("... That's the job I want."), without where they come from said after it ("...,
    currently an ML engineer"), other people (role nouns in the plural, someone to hire)."""
    text = goal[:10_000]
    found = TARGET.search(text.lower())
    if found and len(re.findall(r"[a-z]{3,}", text[found.end() :].lower())) >= 2:
        text = text[found.start() :]
    text = LATER_BACKGROUND.sub(" ", text)
    return PEOPLE.sub(" ", OTHERS.sub(" ", text))


# What makes an aim a senior role: a rank ("staff", "head of ML", "director of AI"), leading
# ("lead a team", "tech lead") or managing a team, a promotion ("next step up").
SENIORITY = re.compile(
    r"\b(senior|sr|staff|principal|lead|leading|leader|head|director|vp|chief|cto|promoted"
    r"|promotion|step up)\b|\bmanag\w*\s+(?:an?\s+|the\s+|my\s+|our\s+)?(?:[\w/-]+\s+){0,3}"
    r"(?:team|group|squad|department)s?\b"
)


def senior(goal: str) -> bool:
    """Whether the goal aims at a senior role (said in its aim, `focus`, not where the learner
    comes from): "senior AI/ML engineer", "head of machine learning", "manage an AI team"."""
    return SENIORITY.search(focus(goal).lower()) is not None


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
# What comes before a job title: the start of the goal or of a clause, or "a", "as", "become",
# "I'm", then at most three words that qualify it ("become a professional photographer",
# "AI ethics policy advisor"). Not "go further and", "the architecture of our recommender":
# an -er word in the middle of a clause is rarely the learner's job.
ROLE_HEAD = re.compile(
    r"(?:^|[,.;:/!?()]|->|\b(?:a|an|as|become|be|am|i'?m)\b)\s*(?:[\w+#'-]+\s+){0,3}$"
)


def roles(goal: str) -> list[str]:
    """The job nouns that head a job title in the goal's aim (`focus`)."""
    text = goal[:10_000].lower()
    aim = TARGET.search(text)
    start = aim.start() if aim else 0
    return [
        m.group(1)
        for m in ROLE.finditer(text)
        if m.start() >= start and ROLE_HEAD.search(text[: m.start()])
    ]
