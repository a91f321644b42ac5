"""Short answers: concepts found by their words (typo-tolerant) or by their meaning. Pure.

A short answer earns each rubric concept it expresses in any accepted phrasing. Without a model,
"expresses" means the phrasing's content words appear in order (stemmed, typos allowed). With
sentence vectors (`Meaning`, computed by the caller: this module never loads a model), a concept
is also earned when the best cosine between any of its phrasings and any sentence of the answer
reaches THRESHOLD.

THRESHOLD was chosen on data, never on the two held-out assignments of the short-answer file
(5 and 6): it is the lowest of 0.40, 0.45, ... 0.70 at which fewer than 1 in 200 off-topic
answers earn a concept by meaning: on assignments 1-4, a reference-answer word is found in
0.19% of the answers to the other questions of the same assignment (2.7% at 0.40); on the
built-in packs, an authored concept is found in 0.49% of the model answers of other skills'
items (3.7% at 0.40). Lower thresholds fitted the human scores slightly better (r 0.609 at 0.40
against 0.602 at 0.55, leave-one-assignment-out on 1-4) and were refused for that leak.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import Stemmer
from numpy.typing import NDArray
from rapidfuzz.distance import DamerauLevenshtein

from masterpath.domain.content import Concept
from masterpath.domain.verdict import Grade
from masterpath.errors import InvalidInput

THRESHOLD = 0.55  # best phrasing-to-sentence cosine at which a concept counts as found
Vectors = NDArray[np.float32]

_stemmer = Stemmer.Stemmer("english")
_TOKEN = re.compile(r"[a-z0-9]+(?:[.:/_][a-z0-9]+)*|(?<![a-z0-9])--?[a-z][a-z0-9]*")
_STOP_WORDS = """
    a an the and or but if then than so of to in on at by for with from into onto as is are was
    were be been being it its this that these those there here which who whom what when where why
    how do does did done can could should would may might must will shall yes i you he she
    we they them their our your his her my me us also just very too only own same such each any
    all both more most other some about over under again further once up down out off"""
STOP = frozenset(_STOP_WORDS.split())


@cache
def _stem(word: str) -> str:
    stemmed: str = _stemmer.stemWord(word)
    return stemmed


def terms(text: str, *, drop_stop: bool = False) -> list[str]:
    """Lower-case tokens, stemmed; technical tokens (0.0.0.0, -p, 8080:8080) are kept whole."""
    found = _TOKEN.findall(text.lower())
    return [_stem(t) if t.isalpha() else t for t in found if not (drop_stop and t in STOP)]


def _close(a: str, b: str) -> bool:
    """Same term, or the same word with a typo (only for words long enough to tell)."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    if shorter < 6 or not (a.isalpha() and b.isalpha()):
        return False
    allowed = 1 if shorter < 10 else 2
    return DamerauLevenshtein.distance(a, b, score_cutoff=allowed) <= allowed


def phrase_in(phrase: Sequence[str], answer: Sequence[str], gap: int = 2) -> bool:
    """Every term of the phrase appears in order, allowing typos and a few words between."""
    if not phrase:
        return False
    for start, word in enumerate(answer):
        if not _close(phrase[0], word):
            continue
        at, ok = start, True
        for term in phrase[1:]:
            window = answer[at + 1 : at + 2 + gap]
            step = next((n for n, w in enumerate(window) if _close(term, w)), None)
            if step is None:
                ok = False
                break
            at += 1 + step
        if ok:
            return True
    return False


def _says(phrasing: str, said: list[str], said_content: list[str]) -> bool:
    """Content words match content words (stop words neither count nor fill the gap); a
    phrasing made only of stop words ("as is") matches word for word."""
    content = terms(phrasing, drop_stop=True)
    return phrase_in(content, said_content) if content else phrase_in(terms(phrasing), said)


_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


def sentences(text: str) -> list[str]:
    """The text's sentences (split after . ! ? ; and at line breaks); the whole text if none."""
    found = [s.strip() for s in _SENTENCE.split(text) if _TOKEN.search(s.lower())]
    return found or [text.strip()]


@dataclass(frozen=True)
class Meaning:
    """Unit vectors of one answer and of what it is compared with, all from one model.

    sentences: one row per `sentences(answer)` (k, d); phrasings: a phrasing's text → its
    vector; reference: the model answer (d,), if any.
    """

    sentences: Vectors
    phrasings: Mapping[str, Vectors] = field(default_factory=dict)
    reference: Vectors | None = None


def answer_vector(meaning: Meaning) -> Vectors:
    """The answer's vector: the normalised mean of its sentences' (one embedding per sentence
    serves both uses; on assignments 1-4 it fits human scores as well as the whole answer's)."""
    mean = meaning.sentences.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return np.asarray(mean / norm if norm else mean, dtype=np.float32)


def similarity(meaning: Meaning, concept: Concept) -> float:
    """The best cosine between any of the concept's phrasings and any sentence of the answer
    (0.0 when no phrasing has a vector)."""
    rows = [meaning.phrasings[p] for p in concept.phrasings if p in meaning.phrasings]
    if not rows or not len(meaning.sentences):
        return 0.0
    return float(np.max(np.stack(rows) @ meaning.sentences.T))


def short_text(
    concepts: Iterable[Concept], answer: str, *, meaning: Meaning | None = None
) -> Grade:
    """Weighted share of the rubric's concepts the answer expresses in any accepted phrasing:
    in words, or (given `meaning`) in a sentence whose vector is close enough to a phrasing's."""
    said, said_content = terms(answer), terms(answer, drop_stop=True)
    found, missed, total, got = [], [], 0.0, 0.0
    for concept in concepts:
        weight = concept.weight
        total += weight
        if any(_says(p, said, said_content) for p in concept.phrasings) or (
            meaning is not None and similarity(meaning, concept) >= THRESHOLD
        ):
            found.append(concept.id)
            got += weight
        else:
            missed.append(concept.id)
    score = got / total if total else 0.0
    return Grade(round(score, 4), found=tuple(found), missed=tuple(missed))


# Rubrics derived from a model answer, and a calibrated score -----------------------------------
#
# An author's model answer becomes a rubric of one concept per content word (stemmed, stop words
# dropped). Words the question already says are dropped too: repeating the question earns
# nothing (Mohler et al. 2011, "question demoting"). The grader above scores that rubric like
# any other; `answer_features` adds the few measures a calibration maps to a score.

FEATURES = ("coverage", "support", "trigrams", "length")
MEANING_FEATURES = (*FEATURES, "similarity")  # with sentence vectors


def rubric_from_answer(model_answer: str, question: str = "") -> list[Concept]:
    """Concepts (the shape authors write) for every content word of the model answer.

    Question words are left out unless the model answer says nothing else.
    """
    asked = set(terms(question, drop_stop=True))
    words: dict[str, str] = {}  # term -> the first word written for it
    for word in _TOKEN.findall(model_answer.lower()):
        if word not in STOP:
            words.setdefault(_stem(word) if word.isalpha() else word, word)
    kept = {t: w for t, w in words.items() if t not in asked} or words
    return [Concept(word, (word,)) for word in kept.values()]


def support(model_answer: str, answer: str, question: str = "") -> float:
    """Share of the answer's own content words (not the question's) the model answer backs."""
    asked = set(terms(question, drop_stop=True))
    said = [t for t in terms(answer, drop_stop=True) if t not in asked]
    model = set(terms(model_answer, drop_stop=True))
    if not said:
        return 0.0
    return sum(any(_close(t, m) for m in model) for t in said) / len(said)


def _trigrams(text: str) -> dict[str, int]:
    joined = f" {' '.join(terms(text, drop_stop=True))} "
    counts: dict[str, int] = {}
    for n in range(len(joined) - 2):
        counts[joined[n : n + 3]] = counts.get(joined[n : n + 3], 0) + 1
    return counts


def trigram_similarity(a: str, b: str) -> float:
    """Cosine of the character trigrams of two texts' content words: partial word matches."""
    left, right = _trigrams(a), _trigrams(b)
    dot = sum(count * right.get(gram, 0) for gram, count in left.items())
    norm = math.sqrt(sum(c * c for c in left.values()) * sum(c * c for c in right.values()))
    return dot / norm if norm else 0.0


def answer_features(
    rubric: Iterable[Concept],
    *,
    model_answer: str,
    answer: str,
    question: str = "",
    meaning: Meaning | None = None,
) -> tuple[float, ...]:
    """The measures in FEATURES, in order, or in MEANING_FEATURES given `meaning`.

    coverage: the square root of the rubric grader's score (the first concepts say the most),
    concepts found by meaning too when given; support: the square root of `support`; trigrams:
    `trigram_similarity`; length: the log ratio of the answer's content words to the model
    answer's; similarity: the cosine of `answer_vector` and the model answer's vector.
    """
    coverage = short_text(rubric, answer, meaning=meaning).score
    backed = support(model_answer, answer, question)
    length = math.log(
        (1 + len(terms(answer, drop_stop=True))) / (1 + len(terms(model_answer, drop_stop=True)))
    )
    lexical = (
        math.sqrt(coverage),
        math.sqrt(backed),
        trigram_similarity(model_answer, answer),
        length,
    )
    if meaning is None:
        return lexical
    if meaning.reference is None:
        raise InvalidInput("similarity features need the model answer's vector")
    return (*lexical, float(answer_vector(meaning) @ meaning.reference))


def reference_texts(
    concepts: Iterable[Concept], *, model_answer: str = "", question: str = ""
) -> list[str]:
    """Every text an answer is compared with by meaning, once each: the concepts' phrasings,
    the words of the rubric derived from the model answer, and the model answer."""
    texts = [p for c in concepts for p in c.phrasings]
    if model_answer.strip():
        derived = rubric_from_answer(model_answer, question)
        texts += [p for c in derived for p in c.phrasings] + [model_answer]
    return list(dict.fromkeys(texts))


@dataclass(frozen=True)
class Calibration:
    """A linear map from FEATURES to a score in [0, 1]: intercept, then one weight each."""

    weights: tuple[float, ...]


def fit_calibration(
    features: Sequence[Sequence[float]], scores: Sequence[float], *, ridge: float = 1e-3
) -> Calibration:
    """Least squares (slightly regularised) of human scores in [0, 1] on the features."""
    if not features or len(features) != len(scores):
        raise InvalidInput("a calibration needs as many scores as feature rows, at least one")
    x = np.column_stack([np.ones(len(features)), np.asarray(features, dtype=float)])
    penalty = ridge * np.eye(x.shape[1])
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    weights = np.linalg.solve(x.T @ x + penalty, x.T @ np.asarray(scores, dtype=float))
    return Calibration(tuple(float(w) for w in weights))


def calibrated(calibration: Calibration, features: Sequence[float]) -> float:
    """The calibrated score of one answer's features, clipped to [0, 1]."""
    intercept, *weights = calibration.weights
    value = intercept + sum(w * f for w, f in zip(weights, features, strict=True))
    return min(1.0, max(0.0, value))


# Fitted by `masterpath bench grading` on all six assignments of cs_short_answers_dev.csv
# ("fitted_on_all" in its JSON): one map for each feature set, so a grader with no model is
# calibrated for the features it has.
LEXICAL = Calibration((0.637, 0.0965, 0.1863, 0.1326, 0.0598))
WITH_MEANING = Calibration((0.537, 0.0864, 0.194, -0.0564, 0.0514, 0.3107))


def estimate(
    *, model_answer: str, answer: str, question: str = "", meaning: Meaning | None
) -> float:
    """A human grader's likely score in [0, 1] of an answer to a question with a model answer."""
    derived = rubric_from_answer(model_answer, question)
    features = answer_features(
        derived, model_answer=model_answer, answer=answer, question=question, meaning=meaning
    )
    return calibrated(LEXICAL if meaning is None else WITH_MEANING, features)
