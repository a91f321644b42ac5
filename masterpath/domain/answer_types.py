"""What kind of fact a question asks for, and whether a passage could give it. Pure.

Near a skill's topic, learners ask for facts that course content rarely states: what a product
or an exam costs, when something was released, who created it, its licence, what a job pays,
whether a tool has a dark mode, a web UI or a translation. Such a question shares its topic's
words and meaning with the lessons, so it finds a close unit; but a unit that never states a
price cannot tell the learner one. As in question answering's expected answer types, a question
asking for one of these (`ASKS`) is answered only by passages that carry that kind of fact
(`GIVES`); when none of the best units does, the question is outside the content.

The kinds are deliberately narrow: a question matches only in the wordings that ask for the fact
itself ("is there a free tier", "which year was it released"), not on topic words that lessons
use ("cost", "price", "certification" alone).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# what a learner buys
_BOUGHT = r"(exam|certification|course|workshop|licen[cs]e|plan|subscription|tier|edition|seat)"


VENDOR = "the project's or the vendor's own site"
GUIDES = (
    "the career guides on MasterPath's home page (salary ranges, recommended certifications "
    "and interview preparation for each career)"
)


@dataclass(frozen=True)
class Kind:
    name: str
    said: str  # the kind of fact, as a reply names it ("the content does not cover …")
    asks: re.Pattern[str]  # the question asks for this kind of fact
    gives: re.Pattern[str]  # a passage states a fact of this kind
    look: str  # where a learner finds such a fact instead

    @property
    def of_products(self) -> bool:
        """A fact about a named product or project (its price, date, licence), which a passage
        must state of that product; a job market's facts are sent to the career guides."""
        return self.look == VENDOR


def _kind(name: str, said: str, asks: str, gives: str, look: str = VENDOR) -> Kind:
    flags = re.IGNORECASE
    return Kind(name, said, re.compile(asks, flags), re.compile(gives, flags), look)


KINDS = (
    _kind(  # what a product, a plan or an exam costs to buy
        "price",
        "prices",
        r"\b(pricing|priced|fee|fees)\b|\bcost money\b|\bcharged? per\b|\bbill(ed|s)? per\b"
        r"|\bis [\w .'&+-]{1,40}\b(still )?free( of charge)?( or| for| to use| when| if|\?|,|$)"
        r"|\bfree (tier|plan|version|edition|to use|for (commercial|companies|business))\b"
        r"|\bhow many free\b|\bis [\w .'&+-]{1,40}\bpaid\b"
        rf"|\bpaid ([\w-]+ )?(plan|tier|version|edition|cloud|subscription|{_BOUGHT[1:-1]})\b"
        r"|\bhow much (does|do|is|would|will|did) [^?.!]{0,30}(?-i:\b[A-Z])[^?.!]{1,40}\bcost\b"
        r"|\b(student|education|academic) (discount|credit|pricing)"
        r"|\bhow much (does|do|is|would|did) (the|a|an|their|its) [\w .'-]{0,40}"
        rf"\b{_BOUGHT}\b",
        r"[$€£]\s?\d|\b\d[\d,.]*\s?(usd|eur|dollars?|euros?)\b"
        r"|\bper (hour|month|user|seat|gb|million)\b|\bfree (tier|plan)\b|\bpric(e|es|ing|ed)\b",
    ),
    _kind(  # when something happened
        "date",
        "release dates",
        r"\b(what|which) (year|month)\b|\bwhen (did|was|were)\b[\w ,.'-]{0,60}\b(launch|launched"
        r"|released?|founded|created|announced|published|introduced|started|invented"
        r"|open[- ]sourced|graduated?|joined|acquired|bought|come out|came out|renamed|first"
        r"|happen|happened"
        r"|hand|handed|donate|donated|merge|merged)\b",
        r"\b(19|20)\d\d\b",
    ),
    _kind(  # who made, founded or runs it
        "origin",
        "who created a project",
        r"\bwho (actually |really |originally |first )?(created|invented|founded|started|wrote"
        r"|drafted|came up|maintains|made|designed|developed|coined|is behind)\b"
        r"|\b(which|what) (company|person|team) (created|founded|built|made|developed|owns"
        r"|maintains)\b",
        r"\b(created|founded|developed|introduced|invented|maintained|donated|open-sourced|written"
        r"|started|coined|designed) (by|at)\b",
    ),
    _kind(  # the terms it may be used under
        "licence",
        "software licences",
        r"\blicen[cs]e[ds]?\b",
        r"\blicen[cs]|\bapache\b|\bgpl\b|\bbsd\b",
    ),
    _kind(  # an exam's format and cost, a certificate
        "exam",
        "exam details",
        r"\bexams?\b|\bpassing score\b|\bcertifications?\b"  # a certificate: a credential's,
        r"|\b(developer|professional|associate|practitioner|specialist) certificates?\b",  # not TLS
        r"\bexams?\b|\bcertific",  # not "example"
        GUIDES,
    ),
    _kind(  # what a job pays
        "pay",
        "salaries",
        r"\b(salary|salaries|paid more|pay rise|a raise|compensation)\b"
        r"|\bhow much (do|does|can|will|would) [\w .'-]{1,40}\bearn\b"
        r"|\bhow much should i (ask|charge)\b",
        r"\b(salar|compensation|pay band)",
        GUIDES,
    ),
    _kind(  # a job hunt and a workplace: CVs, interviews, titles, promotions, working time
        "career",
        "job hunting and workplace matters (CVs, interviews, promotions)",
        r"\b(my|a|the|your|his|her) (resume|résumé|cv)\b|\bon (my |the |a )?(cv|resume|linkedin)\b"
        r"|\blinkedin\b|\bjob titles?\b|\b(a|my|his|her|the|for|get|got) promotion\b"
        r"|\bpromoted to\b|\bequity\b|\b(a|my|his|her|what %|percent) raise\b|\brecruiters?\b"
        r"|\binterview(s|ing)? (for|at)\b|\bin (an |the |my |job )?interviews?\b"
        r"|\b(engineer|staff|senior|lead|principal) promotion\b"
        r"|\bday work ?week\b|\boffice days\b",
        r"\b(r[ée]sum[ée]s?|cvs?|linkedin|recruiters?|salar\w*|equity|job interviews?"
        r"|promotion (case|packet|committee)|promoted to (senior|staff|lead|principal))\b",
        GUIDES,
    ),
    _kind(  # a tool's look
        "appearance",
        "display settings",
        r"\bdark (mode|theme)\b|\b(colou?r|light) theme\b",
        r"\bdark mode|\btheme\b",
    ),
    _kind(  # whether a tool has a screen of its own
        "interface",
        "which tools have a web interface",
        r"\b(web (ui|dashboard|console|interface)|gui)\b",
        r"\b(web ui|ui\b|gui\b|dashboard|console|web interface)",
    ),
    _kind(  # other languages
        "translation",
        "translations",
        r"\btranslat(ed|ion|ions)\b",
        r"\btranslat",
    ),
)
EVIDENCE_DEPTH = 3  # the best units a reply draws on: one of them must carry the fact


def asked(question: str) -> list[str]:
    """The kinds of fact the question asks for (most questions: none)."""
    return [kind.name for kind in KINDS if kind.asks.search(question[:2_000])]


def said(names: Sequence[str]) -> list[str]:
    """How a reply names these kinds of fact."""
    return [kind.said for kind in KINDS if kind.name in names]


def looks(names: Sequence[str]) -> list[str]:
    """Where a learner finds these kinds of fact instead, each place once."""
    return list(dict.fromkeys(kind.look for kind in KINDS if kind.name in names))


def unanswered(question: str, passages: Sequence[str], subjects: Sequence[str] = ()) -> list[str]:
    """The kinds of fact the question asks for that none of the passages states. When the
    question names what it asks about (`subjects`, lower-case: "bentocloud", "arize phoenix"),
    a fact about a product must be stated in a passage that names every one of them: a price of
    something else does not tell the price of BentoCloud."""
    named = [re.compile(rf"(?<![\w.]){re.escape(s)}", re.IGNORECASE) for s in subjects]

    def states(kind: Kind, passage: str) -> bool:
        about = named if kind.of_products else []
        return bool(kind.gives.search(passage)) and all(s.search(passage) for s in about)

    return [
        kind.name
        for kind in KINDS
        if kind.asks.search(question[:2_000]) and not any(states(kind, p) for p in passages)
    ]
