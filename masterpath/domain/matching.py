"""Goal → career: lexical retrieval over the installed careers, with an honest "no match". Pure.

Each career has one text (title, tagline, summary, audience, stages, example goals and the
titles and summaries of its skills) that BM25 (bm25s) ranks and that confidence is measured
against. Ranking adds the career's title and other names: a goal naming "tech lead" or
"architect" points at the career whose title says so, and a name's other words ("LLM" in "LLM
architect") count only beside its role noun. Confidence is coverage: the share of the goal's
meaningful words, weighted by how specific they are to the field (a word no career or skill
uses weighs most), that the best career's text contains. "Landscape architect" shares
"architect" with a career but "landscape" with none, so nothing is matched. Professions outside
the catalogue that share its words are named outright, and a job no career or skill text names
("policy advisor") is matched with nothing. Where the learner comes from ("I'm a nurse", "4
years as an ML engineer") is told apart from what they aim at (`aims.focus`): only the aim names a
career or lets a title's words count, and the longest career name it says wins. With meaning,
a career is compared with its own skills (not those another career lists too), and a goal
nearer to neighbouring work no career covers (`OUTSIDE`) than to the best career gets no
match. Small typos are corrected against the vocabulary. English only: goals in other
languages find no match.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import bm25s
import numpy as np
from numpy.typing import NDArray
from rapidfuzz.distance import DamerauLevenshtein

from masterpath.domain import aims
from masterpath.domain.content import Skill
from masterpath.domain.grading import phrase_in, terms

# Words that say someone wants a career, not which one.
FILLER = frozenset(
    terms(
        """want wanna would like love become becoming be get getting job jobs role roles career
        careers work working move moving switch switching transition transitioning into toward
        towards next step day someday eventually dream hope hoping plan planning goal goals
        study studying start starting good better great new help me how able year years month
        months now currently current im i'm am ive i've also really professional position title
        field industry company honestly know much yet keep reading lot people person someone
        thing things stuff kind sort way day days time money rich fast quick quickly easy make
        yr yrs"""
    )
)
# Everyday abbreviations, expanded to the words career documents use.
EXPAND = {
    "ml": "machine learning",
    "mle": "machine learning engineer",
    "ai": "artificial intelligence ai",
    "genai": "generative ai",
    "llm": "large language model llm",
    "llms": "large language model llm",
    "mlops": "mlops machine learning operations",
    "k8s": "kubernetes",
    "swe": "software engineer",
    "tech": "technical",
    "dev": "developer",
    "devs": "developer",
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "eng": "engineer",
    "engs": "engineer",
    "mgr": "manager",
    "infra": "infrastructure",
}
# Work near the catalogue that none of its careers is: neighbouring jobs, using AI rather than
# engineering it, life goals. A goal closer in meaning to one of these than to the best
# career's own texts (by `Tuning.outside_margin`) gets no match. Generic descriptions of each
# neighbour, written for the comparison, like the careers' example goals: the meaning-based
# counterpart of `aims.OTHER_PROFESSIONS`.
OUTSIDE = (
    "data analyst building dashboards and reports with SQL, Excel and BI tools",
    "business intelligence developer maintaining reports and a data warehouse",
    "data engineer building ETL jobs and data warehouses for analytics",
    "data scientist analysing data, running statistics and A/B experiments for the business",
    "AI research scientist inventing new model architectures and publishing papers",
    "academic machine learning researcher, PhD student or professor",
    "statistician, actuary or quantitative analyst",
    "product manager or product owner deciding what an AI product should do",
    "UX or product designer designing screens and user journeys",
    "prompt writer or content creator using ChatGPT to write text",
    "artist making images and art with generative AI tools",
    "use AI assistants like ChatGPT or Copilot to work faster in my own job",
    "data annotator labelling images and text for AI companies",
    "teacher or trainer teaching people about artificial intelligence",
    "consultant advising companies on which AI vendor or software to buy",
    "AI ethics, policy, law or regulation specialist",
    "recruiter hiring engineers for tech companies",
    "frontend, web or mobile app developer building user interfaces",
    "game developer or game designer",
    "software architect for enterprise business applications",
    "Salesforce, SAP or ERP consultant and administrator",
    "cloud FinOps analyst controlling cloud costs and bills",
    "database administrator or IT support technician",
    "cybersecurity analyst or penetration tester",
    "chip designer or hardware engineer building processors and AI accelerators",
    "compiler engineer or embedded systems programmer",
    "robotics technician repairing machines and hardware",
    "building architect or construction project manager designing houses",
    "doctor, nurse or other healthcare worker",
    "marketing, sales or customer support",
    "start my own business or become an entrepreneur",
    "personal goals: get fit, lose weight, travel, be happier",
    "journalist, blogger or YouTuber writing and talking about AI news and the tech industry",
    "investor, venture capitalist or startup founder funding and running a business",
    "IT manager running computers, networks and support for an office or a school",
    "UX researcher interviewing users and running usability studies",
    "cloud or solutions architect for websites, web hosting and business IT systems",
    "team leader or supervisor of a call centre, shop, restaurant or sales team",
    "hiring manager or founder looking to hire engineers for a startup",
    "manual job or trade: driver, cleaner, hairdresser, farmer, builder",
)
Vectors = NDArray[np.float32]
TITLE_BOOST = 1.5  # how much a title word counts against the normalised BM25 score
NAME_BOOST = 3.0  # a goal that says a career's title or another name for it
OOV_WEIGHT = 2.5  # weight of a goal word that no career or skill uses


@dataclass(frozen=True)
class Tuning:
    """How BM25 and meaning are fused and when a career is close enough. Chosen by the sweep
    of `masterpath bench tracks --sweep` on the four tuning sets pooled (tests/fixtures/
    goals.yaml and the second, third and fourth authors' goals_*_author.yaml), not by hand: its
    top row (balanced 0.9619, 95% / 97%). Left one set out, the other three chose margin 0.0
    and threshold 0.55-0.6 each time (README gives the folds). `lexical_threshold` is not swept
    (the sweep runs with meaning): it is the threshold BM25 alone had."""

    fusion: str = "score"  # "rank": weighted reciprocal rank fusion; "score": weighted scores
    meaning_weight: float = 2.0  # weight of meaning in the fusion (BM25's is 1)
    rrf_k: float = 60.0  # reciprocal rank fusion: 1 / (rrf_k + rank)
    top_k: int = 3  # similarity to a set of texts: the mean of the k closest to the goal
    skill_share: float = 0.25  # share of the skills' similarity (against the career's own texts)
    similarity_weight: float = 0.75  # share of similarity (against coverage) in confidence
    similarity_floor: float = 0.2  # cosine counted as no similarity at all
    similarity_ceiling: float = 0.5  # cosine counted as full similarity
    threshold: float = 0.6  # below this confidence: no match
    lexical_threshold: float = 0.6  # the same without meaning (confidence is coverage alone)
    # no match when the goal is this much closer to work outside the catalogue (`OUTSIDE`)
    # than to the best career's own texts; 1.0 never
    outside_margin: float = 0.0


TUNING = Tuning()


@dataclass(frozen=True)
class Match:
    career: str | None
    confidence: float
    alternatives: list[dict[str, Any]] = field(default_factory=list)  # slug, confidence
    words: list[str] = field(default_factory=list)  # the goal's meaningful words


@dataclass
class Index:
    slugs: list[str]
    retriever: Any
    core: list[set[str]]
    titles: list[set[str]]
    names: list[list[list[str]]]  # the title and other names of each career, as words
    title_weight: dict[str, float]  # idf of a word among the career titles
    specificity: dict[str, float]  # idf over every career and skill text
    vocabulary: dict[int, list[str]]  # known words by length, for typo correction
    vectors: list[tuple[Vectors, Vectors]] | None = None  # per career: (own texts, skills)
    spelled: frozenset[str] = frozenset()  # every word the careers and skills use, as written
    outside: Vectors | None = None  # rows of `OUTSIDE`
    advanced: frozenset[int] = frozenset()  # careers for seniors (the pack's `difficulty`)


def listed(career: Mapping[str, Any]) -> list[str]:
    """The skills a career's stages list."""
    return [s for stage in career.get("stages", []) for s in stage.get("skills", [])]


def own_skills(career: Mapping[str, Any], shared: frozenset[str] = frozenset()) -> list[str]:
    """The skills that tell a career apart: those no other installed career lists (`shared`).
    A career whose path contains another's whole skill list (the architect's holds the ML
    engineer's and the tech lead's) would otherwise match every goal about those skills as
    well as they do. All its skills when none is its own."""
    found = listed(career)
    return [s for s in found if s not in shared] or found


def texts(career: Mapping[str, Any], skills: Mapping[str, Skill]) -> tuple[str, str]:
    """The (core, full) texts a career is matched on."""
    parts = [career["title"], career["tagline"], career.get("field", ""), career["summary"]]
    parts += [career.get("learn", ""), *career.get("audience", []), *career.get("highlights", [])]
    parts += career.get("goals", [])  # example goals: the words learners use for it
    for stage in career.get("stages", []):
        parts += [stage["title"], stage["summary"], *stage.get("key_actions", [])]
    core = "\n".join(parts)
    extra = [f"{skills[s].title}. {skills[s].summary}" for s in listed(career) if s in skills]
    return core, "\n".join([core, *extra])


def units(
    career: Mapping[str, Any], skills: Mapping[str, Skill], shared: frozenset[str] = frozenset()
) -> tuple[list[str], list[str]]:
    """The texts a career is compared with by meaning: its own (names, tagline, summary, each
    stage, example goals) and its skills' (title and summary of each that no other career
    lists, `shared`)."""
    own = [career["title"], *career.get("aliases", []), career["tagline"], career["summary"]]
    own += [f"{stage['title']}. {stage['summary']}" for stage in career.get("stages", [])]
    own += career.get("goals", [])  # example goals the pack's authors wrote
    theirs = [
        f"{skills[s].title}. {skills[s].summary}" for s in own_skills(career, shared) if s in skills
    ]
    return _clean(own), _clean(theirs)


def _clean(found: list[str]) -> list[str]:
    return [" ".join(text.replace("**", "").split()) for text in found if text.strip()]


def words(text: str) -> list[str]:
    """Meaningful stemmed words, with common abbreviations expanded."""
    found = []
    # "AI/ML", "ML/AI", "A/B": each word apart, in goals and in career texts alike
    for word in terms(text[:10_000].replace("/", " "), drop_stop=True):
        if word in FILLER:
            continue
        found += terms(EXPAND[word], drop_stop=True) if word in EXPAND else [word]
    return found


def _idf(documents: Sequence[set[str]]) -> dict[str, float]:
    n = len(documents)
    frequency: dict[str, int] = {}
    for found in documents:
        for word in found:
            frequency[word] = frequency.get(word, 0) + 1
    return {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in frequency.items()}


def build(
    careers: Mapping[str, tuple[Sequence[str], str, str]],
    passages: Sequence[str] = (),
    *,
    vectors: Mapping[str, tuple[Vectors, Vectors]] | None = None,
    outside: Vectors | None = None,
    advanced: Collection[str] = (),
) -> Index:
    """Index careers by slug: (title and other names, core text, full text); `passages` (skill
    texts) sharpen which words are specific to the field and which are everyday words;
    `vectors` (by slug, the rows of the two lists of `units`) let goals match by meaning too,
    `outside` (the rows of `OUTSIDE`) tell them from work the catalogue has no career for;
    `advanced` are the careers for seniors, the only ones a senior aim can match."""
    slugs = sorted(careers)
    full = [words(careers[slug][2]) for slug in slugs]
    retriever = bm25s.BM25()
    if slugs:
        retriever.index(full, show_progress=False)
    names = [[words(name) for name in careers[slug][0]] for slug in slugs]
    titles = [{w for name in found for w in name} for found in names]
    corpus = [set(f) for f in full] + [set(words(text)) for text in passages]
    specificity = _idf(corpus)
    vocabulary: dict[int, list[str]] = {}
    for word in sorted(specificity):
        vocabulary.setdefault(len(word), []).append(word)
    meaning = [vectors[slug] for slug in slugs] if vectors else None
    written = [text for slug in slugs for text in (*careers[slug][0], careers[slug][2])]
    spelled = frozenset(
        w for text in [*written, *passages] for w in aims.SPELLED.findall(text.lower())
    )
    return Index(
        slugs,
        retriever,
        [set(f) for f in full],
        titles,
        names,
        _idf(titles),
        specificity,
        vocabulary,
        meaning,
        spelled,
        outside if meaning else None,
        frozenset(i for i, slug in enumerate(slugs) if slug in advanced),
    )


def _correct(index: Index, word: str) -> str:
    """A known word one or two edits away, for goal words no text uses (typos)."""
    if word in index.specificity or len(word) < 6 or not word.isalpha():
        return word
    allowed = 1 if len(word) < 10 else 2
    for size in range(len(word) - allowed, len(word) + allowed + 1):
        for known in index.vocabulary.get(size, []):
            if DamerauLevenshtein.distance(word, known, score_cutoff=allowed) <= allowed:
                return known
    return word


def _coverage(index: Index, goal: Sequence[str], doc: int) -> float:
    """Share of the goal's words (weighted by specificity) that the career's core text has."""
    unique = sorted(set(goal))
    weights = {w: index.specificity.get(w, OOV_WEIGHT) + 0.05 for w in unique}
    total = sum(weights.values())
    covered = index.core[doc] | index.titles[doc]
    return sum(weights[w] for w in unique if w in covered) / total if total else 0.0


def _title_match(index: Index, goal: set[str], aimed: set[str], doc: int) -> float:
    """How much of the goal names this career's title or another name for it: the words of
    each name whose role noun (its last word) the goal aims at, not one it comes from."""
    said = {w for name in index.names[doc] if name and name[-1] in aimed for w in name}
    return sum(index.title_weight[w] for w in said & goal)


def unlisted_role(index: Index, goal: str) -> str | None:
    """A job the goal aims at that no career or skill text ever names ("policy advisor",
    "hardware technician"): the catalogue has no such career, whatever else the goal shares
    with it. Not a job the learner comes from, a typo of a known word, nor a form of a career
    title's word ("leader")."""
    word: str
    for word in aims.roles(goal):
        if word in index.spelled or word in aims.GENERIC_ROLES or _near(index, word):
            continue
        if aims.background(goal, word):
            continue
        if any(word[: -len(end)] in title for end in ("er", "or") for title in index.titles):
            continue
        return word
    return None


def _near(index: Index, word: str) -> bool:
    allowed = 1 if len(word) < 10 else 2
    return any(
        DamerauLevenshtein.distance(word, known, score_cutoff=allowed) <= allowed
        for known in index.spelled
        if abs(len(known) - len(word)) <= allowed
    )


def _named(index: Index, said: list[str], doc: int) -> int:
    """The length in words of the longest name of the career the goal says, 0 for none."""
    return max(
        (len(name) for name in index.names[doc] if name and phrase_in(name, said, gap=1)), default=0
    )


def _most_specific(lengths: Sequence[int]) -> frozenset[int]:
    """The careers named by the longest name the goal says: "senior ML engineer" names the
    senior engineer's career, not the ML engineer's that its last two words name too."""
    longest = max(lengths, default=0)
    return frozenset(i for i, n in enumerate(lengths) if n and n == longest)


@dataclass(frozen=True)
class Evidence:
    """What a goal says about every career, before weights and thresholds decide."""

    said: list[str]
    named: frozenset[int]  # careers whose title or other name the goal says
    elsewhere: bool  # it aims at a profession outside the catalogue
    lexical: list[float]  # BM25 plus title and name boosts; all 0 when no word is shared
    coverage: list[float]
    similarities: list[tuple[Vectors, Vectors]] | None  # per career: cosines, descending
    # how much closer the goal is to work outside the catalogue (`OUTSIDE`) than to each
    # career's own texts (cosines of the closest); empty without meaning
    outside: list[float] = field(default_factory=list)
    senior: bool = False  # it aims at a senior role (`aims.senior`)


def evidence(
    index: Index, goal: str, *, vector: Vectors | None = None, aim: Vectors | None = None
) -> Evidence:
    """Everything `decide` needs, computed once per goal (a sweep reuses it); `aim` is the
    vector of what the goal aims at (`aims.focus`), compared with work outside the catalogue
    instead of the whole goal's."""
    written, aiming = words(goal), words(aims.focus(goal))
    fixed = {w: _correct(index, w) for w in {*written, *aiming}}  # typos, once per word
    said, aimed = [fixed[w] for w in written], [fixed[w] for w in aiming]
    count = len(index.slugs)
    named = _most_specific([_named(index, aimed, i) if aimed else 0 for i in range(count)])
    elsewhere = not named and (
        aims.other_profession(goal) is not None or unlisted_role(index, goal) is not None
    )
    lexical, coverage = [0.0] * count, [0.0] * count
    if said and count:
        scores = np.asarray(index.retriever.get_scores(said), dtype=float)
        top, unique, aiming_at = float(scores.max()), set(said), set(aimed)
        if top > 0:
            lexical = [
                float(scores[i]) / top
                + TITLE_BOOST * _title_match(index, unique, aiming_at, i)
                + NAME_BOOST * (i in named)
                for i in range(count)
            ]
            coverage = [_coverage(index, aimed or said, i) for i in range(count)]
    return Evidence(
        said,
        named,
        elsewhere,
        lexical,
        coverage,
        _similarities(index, vector),
        _outside(index, vector, aim),
        aims.senior(goal),
    )


def _outside(index: Index, vector: Vectors | None, aim: Vectors | None = None) -> list[float]:
    """Per career: the goal's cosine to the closest work outside the catalogue minus its
    cosine to the career's closest own text; with `aim`, the smaller of the goal's and the
    aim's (a goal is outside only when what it aims at is too)."""
    if vector is None or index.outside is None or index.vectors is None:
        return []
    if not len(index.outside):
        return []
    found = _contrast(index.outside, index.vectors, vector)
    if aim is None:
        return found
    return [
        min(a, b) for a, b in zip(found, _contrast(index.outside, index.vectors, aim), strict=True)
    ]


def _contrast(
    outside: Vectors, careers: list[tuple[Vectors, Vectors]], vector: Vectors
) -> list[float]:
    closest = float((outside @ vector).max())
    return [closest - float((own @ vector).max(initial=-1.0)) for own, _ in careers]


def _similarities(index: Index, vector: Vectors | None) -> list[tuple[Vectors, Vectors]] | None:
    if vector is None or index.vectors is None:
        return None
    return [
        (_descending(own, vector), _descending(theirs, vector)) for own, theirs in index.vectors
    ]


def _descending(rows: Vectors, vector: Vectors) -> Vectors:
    found: Vectors = np.sort(rows @ vector)[::-1] if len(rows) else np.zeros(1, np.float32)
    return found


def similarity(found: tuple[Vectors, Vectors], tuning: Tuning) -> float:
    """A career's similarity to the goal: its own texts' and its skills', mixed."""
    own, theirs = (float(s[: tuning.top_k].mean()) for s in found)
    return (1 - tuning.skill_share) * own + tuning.skill_share * theirs


def _ranks(values: Sequence[float]) -> list[int]:
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ranks = [0] * len(values)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks


def _scaled(similarity: float, tuning: Tuning) -> float:
    span = max(tuning.similarity_ceiling - tuning.similarity_floor, 1e-6)
    return float(min(1.0, max(0.0, (similarity - tuning.similarity_floor) / span)))


def _fused(
    lexical: Sequence[float], close: Sequence[float], tuning: Tuning, *, weight: float
) -> dict[int, float]:
    """Rank fusion: weighted 1 / (k + rank) of both rankings. Score fusion: BM25 scaled to its
    best plus weight x 10 x cosine (a cosine 0.1 higher outweighs the whole BM25 range at 1)."""
    count = len(lexical)
    if tuning.fusion == "score":
        top = max(lexical) or 1.0
        return {i: lexical[i] / top + weight * 10 * close[i] for i in range(count)}
    words, meaning = _ranks(lexical), _ranks(close)
    return {
        i: 1 / (tuning.rrf_k + words[i] + 1) + weight / (tuning.rrf_k + meaning[i] + 1)
        for i in range(count)
    }


def _by_rank(index: Index, found: Evidence, order: list[int]) -> tuple[list[int], frozenset[int]]:
    """A senior aim gets the best career for seniors, as sure as a name when the goal says a
    senior rank of another career's name ("director of ML engineering")."""
    named, advanced = found.named, index.advanced
    if not found.senior or not advanced or order[0] in advanced:
        return order, named
    best = min(advanced, key=order.index)
    named = named | {best} if order[0] in named else named
    return [best, *(i for i in order if i != best)], named


def decide(index: Index, found: Evidence, *, tuning: Tuning, alternatives: int = 3) -> Match:
    """Fuse the rankings, then match the best career or say plainly that none fits."""
    meaning = found.similarities is not None and tuning.meaning_weight > 0
    if not found.said or not index.slugs or found.elsewhere:
        return Match(None, 0.0, [], found.said)
    if not meaning and max(found.lexical) <= 0:
        return Match(None, 0.0, [], found.said)
    count = len(index.slugs)
    close = [0.0] * count
    if meaning and found.similarities is not None:
        close = [similarity(pair, tuning) for pair in found.similarities]
    fused = _fused(found.lexical, close, tuning, weight=tuning.meaning_weight if meaning else 0.0)
    alpha = tuning.similarity_weight if meaning else 0.0
    confidence = [
        (1 - alpha) * found.coverage[i] + alpha * _scaled(close[i], tuning) for i in range(count)
    ]
    order = sorted(fused, key=lambda i: (i not in found.named, -fused[i], index.slugs[i]))
    order, named = _by_rank(index, found, order)
    ranked = [(index.slugs[i], round(confidence[i], 4)) for i in order[: alternatives + 1]]
    best, sure = ranked[0]
    threshold = tuning.threshold if meaning else tuning.lexical_threshold
    if order[0] in named:
        sure = max(sure, threshold)  # it says the career's name
    elif meaning and found.outside and found.outside[order[0]] > tuning.outside_margin:
        sure = min(sure, round(threshold - 0.01, 4))  # nearer to work outside
    others = [{"career": slug, "confidence": c} for slug, c in ranked[1:]]
    if sure < threshold:
        return Match(None, sure, [{"career": best, "confidence": sure}, *others], found.said)
    return Match(best, sure, others, found.said)


def match(
    index: Index,
    goal: str,
    *,
    vector: Vectors | None = None,
    aim: Vectors | None = None,
    tuning: Tuning | None = None,
    alternatives: int = 3,
) -> Match:
    """The best career for a goal, or None with a confidence below the threshold. Without a
    goal vector (no model) it is BM25 alone."""
    found = evidence(index, goal, vector=vector, aim=aim)
    return decide(index, found, tuning=tuning or TUNING, alternatives=alternatives)
