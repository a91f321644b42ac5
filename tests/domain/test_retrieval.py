import dataclasses

import numpy as np
import pytest

from masterpath.domain import retrieval
from masterpath.domain.content import Skill

SKILL = {
    "objectives": [{"id": "a", "text": "Tell tags from digests"}],
    "lesson": "# Title\n\nIntro text about containers.\n\n## Tags and digests\n\nA tag is a "
    "movable name; a digest is the sha256 of the image content and never changes.\n\n"
    "```dockerfile\n# not a heading\nFROM python:3.12-slim\n```\n\n## Stopping\n\n"
    "docker stop sends SIGTERM to PID 1, then SIGKILL after ten seconds.\n",
    "resources": [{"title": "Docker docs", "url": "https://docs.docker.com/", "kind": "docs"}],
}


def test_sections_split_at_level_two_headings_outside_code() -> None:
    found = retrieval.sections(str(SKILL["lesson"]))
    assert [h for h, _ in found] == ["Introduction", "Tags and digests", "Stopping"]
    assert "# not a heading" in found[1][1]
    assert retrieval.anchor("Tags, digests and shared layers") == "tags-digests-and-shared-layers"


def test_units_are_explanations_sections_and_resources_with_summaries() -> None:
    units = _explained()
    assert [u.id for u in units] == [
        "docker/q#why-pin-a-digest",
        "docker/lesson#introduction",
        "docker/lesson#tags-and-digests",
        "docker/lesson#stopping",
        "https://docs.docker.com/",
    ]
    assert units[0].sources == ("lesson#tags-and-digests",)
    assert units[-1].body == "the docs page on Docker"  # no summary written: said plainly
    assert retrieval.rows(units)[:2] == ["Why pin a digest?", "Because a tag can move at any time."]


def _index() -> retrieval.Index:
    return retrieval.build(
        retrieval.units(Skill.from_data({**SKILL, "id": "docker", "title": "Docker"}))
    )


def test_search_cites_the_section_that_answers() -> None:
    index = _index()
    hits = retrieval.search(index, "why does docker stop kill the server after ten seconds?")
    assert hits[0].unit.id == "docker/lesson#stopping"
    tags = retrieval.search(index, "is a digest the same as a tag")
    assert tags[0].unit.id == "docker/lesson#tags-and-digests"
    withheld = retrieval.search(index, "tag digest", exclude={"docker/lesson#tags-and-digests"})
    assert all(h.unit.id != "docker/lesson#tags-and-digests" for h in withheld)


def test_a_question_outside_the_content_finds_nothing() -> None:
    index = _index()
    assert retrieval.search(index, "what is the capital of france") == []
    assert retrieval.search(index, "") == []


def test_meaning_ranks_a_unit_whose_words_differ_and_decides_outside() -> None:
    units = retrieval.units(Skill.from_data({**SKILL, "id": "docker", "title": "Docker"}))
    rows = retrieval.rows(units)
    vectors = np.zeros((len(rows), 2), dtype=np.float32)
    vectors[:, 0] = 1.0  # every text points one way ...
    stopping = rows.index("docker stop sends SIGTERM to PID 1, then SIGKILL after ten seconds.")
    vectors[stopping] = [0.0, 1.0]  # ... but the stopping sentence points the other
    index = retrieval.build(units, vectors)
    near = np.asarray([0.0, 1.0], dtype=np.float32)
    # The cosine rule alone: the ranker's threshold is fitted on real vectors, not these two.
    cosine_only = retrieval.Weights(outside_score=float("-inf"))
    asked = "how come it takes so long to quit"
    hits = retrieval.search(index, asked, query=near, weights=cosine_only)
    assert hits[0].unit.id == "docker/lesson#stopping" and hits[0].cosine == pytest.approx(1.0)
    far = np.asarray([0.0, 0.3], dtype=np.float32)  # nothing closer than 0.3
    assert retrieval.search(index, asked, query=far, weights=cosine_only) == []
    assert retrieval.nearest_skills(index, near) == ["docker"]


def test_best_sentences_keep_their_order() -> None:
    found = ["Alpha is first.", "Beta is second.", "Gamma is third."]
    vectors = np.eye(3, dtype=np.float32)
    query = np.asarray([0.9, 0.0, 1.0], dtype=np.float32)
    chosen = retrieval.best_sentences(found, question="", query=query, vectors=vectors, count=2)
    assert chosen == ["Alpha is first.", "Gamma is third."]


def _explained() -> list[retrieval.Unit]:
    skill = {
        **SKILL,
        "id": "docker",
        "title": "Docker",
        "explanations": [
            {
                "question": "Why pin a digest?",
                "sources": ["lesson#tags-and-digests"],
                "answer": "Because a tag can move at any time. A digest names exactly one image.",
            }
        ],
    }
    return retrieval.units(Skill.from_data(skill))


def test_the_ranker_reads_openings_and_relatives_built_beside_the_meaning_texts() -> None:
    units = _explained()
    rows = retrieval.rows(units)
    meant = sum(len(u.meaning_texts) for u in units)
    assert rows[meant : meant + 2] == [
        "Why pin a digest? Because a tag can move at any time.",
        "Because a tag can move at any time. A digest names exactly one image.",
    ]
    assert len(rows) == meant + 2 * len(units)
    index = retrieval.build(units, np.ones((len(rows), 2), dtype=np.float32) / np.sqrt(2))
    assert index.vectors is not None and len(index.vectors) == meant
    assert index.openings is not None and index.openings.shape == (len(units), 2, 2)
    ids = [u.id for u in units]
    explanation, section = (
        ids.index("docker/q#why-pin-a-digest"),
        ids.index("docker/lesson#tags-and-digests"),
    )
    assert index.relatives[explanation] == (section,)
    assert index.relatives[section] == (explanation,)
    assert len(retrieval.RANKER) == len(retrieval.FEATURES)


def test_the_ranker_orders_only_what_isolation_allows() -> None:
    units = _explained()
    rows = retrieval.rows(units)
    vectors = np.zeros((len(rows), 2), dtype=np.float32)
    vectors[:, 0] = 1.0
    index = retrieval.build(units, vectors)
    query = np.asarray([1.0, 0.0], dtype=np.float32)
    hits = retrieval.search(index, "why pin a digest instead of a tag", query=query, limit=8)
    assert hits and len({h.unit.id for h in hits}) == len(hits)
    withheld = {"docker/q#why-pin-a-digest", "docker/lesson#tags-and-digests"}
    kept = retrieval.search(
        index, "why pin a digest instead of a tag", query=query, limit=8, exclude=withheld
    )
    assert kept and not withheld & {h.unit.id for h in kept}
    fused = retrieval.search(
        index,
        "why pin a digest instead of a tag",
        query=query,
        limit=8,
        weights=retrieval.Weights(rerank=False),
    )
    assert {h.unit.id for h in fused} == {h.unit.id for h in hits}


def test_typos_are_spelled_as_the_content_spells_them_but_real_words_are_kept() -> None:
    units = retrieval.units(Skill.from_data({**SKILL, "id": "docker", "title": "Docker"}))
    index = retrieval.build(units, lexicon=frozenset({"movable", "stopping", "kill", "server"}))
    asked = "why do digsets never chnages, and does stoping kill the server?"
    assert retrieval.respelled(index, asked) == (
        "why do digests never changes, and does stopping kill the server?"
    )
    assert retrieval.respelled(index, "Killing the servers, doesnt it") == (
        "Killing the servers, doesnt it"  # known words with an ending; a contraction
    )
    assert retrieval.respelled(index, "xigest") == "xigest"  # the first letter is kept
    assert retrieval.respelled(retrieval.build(units), "digsets") == "digsets"  # no lexicon


def test_a_question_the_ranker_finds_no_real_answer_for_is_outside() -> None:
    described = np.zeros((2, len(retrieval.FEATURES)))
    described[:, retrieval.FEATURES.index("cosine")] = [0.5, 0.2]
    described[:, retrieval.FEATURES.index("same skill")] = 1.0  # the page does not count
    cosine = retrieval.RANKER[retrieval.FEATURES.index("cosine")]
    assert retrieval.relevance(described) == pytest.approx(0.5 * cosine)


def test_learners_abbreviations_are_spelled_out_and_their_filler_dropped() -> None:
    said = retrieval.words("should i tell him the vram of the prod db till gpt answers")
    assert said[:7] == ["gpu", "memori", "vram", "product", "prod", "databas", "db"]
    assert said[7:] == ["gpt", "larg", "languag", "model", "llm", "answer"]


def _asked_units() -> list[retrieval.Unit]:
    skill = {
        **SKILL,
        "id": "docker",
        "title": "Docker",
        "asked": {
            "lesson#stopping": ["my image gets murdered on shutdown", "ctrl-c hangs forever"],
            "https://docs.docker.com/": ["official manual please"],
        },
    }
    return retrieval.units(Skill.from_data(skill))


def test_other_phrasings_come_last_in_the_rows_and_are_never_quoted() -> None:
    units = _asked_units()
    stopping = next(u for u in units if u.id == "docker/lesson#stopping")
    assert stopping.asked == ("my image gets murdered on shutdown", "ctrl-c hangs forever")
    assert "murdered" not in stopping.body and "murdered" not in " ".join(stopping.meaning_texts)
    rows = retrieval.rows(units)
    assert rows[-3:] == [
        "my image gets murdered on shutdown",
        "ctrl-c hangs forever",
        "official manual please",
    ]


def test_a_learners_wording_finds_its_unit_through_the_phrasings() -> None:
    units = _asked_units()
    question = "why is my image murdered"  # "image" is the tags section's word
    unasked = [dataclasses.replace(u, asked=()) for u in units]
    before = retrieval.search(retrieval.build(unasked), question)
    assert before[0].unit.id != "docker/lesson#stopping"
    index = retrieval.build(units)  # BM25 alone: the phrasings' words count
    assert retrieval.search(index, question)[0].unit.id == "docker/lesson#stopping"
    assert "murdered" not in index.vocabulary  # outside is judged on the content's own words
    rows = retrieval.rows(units)
    vectors = np.zeros((len(rows), 2), dtype=np.float32)
    vectors[:, 0] = 1.0
    vectors[rows.index("ctrl-c hangs forever")] = [0.0, 1.0]  # only a phrasing points there
    index = retrieval.build(units, vectors)
    assert index.asked is not None and len(index.asked) == 3
    near = np.asarray([0.0, 1.0], dtype=np.float32)
    found = retrieval.candidates(index, "ctrl c stuck", query=near)
    assert found is not None
    stopping = [u.id for u in units].index("docker/lesson#stopping")
    assert found.order[0] == stopping
    assert found.asked[stopping] == pytest.approx(1.0)
    assert found.cosines[stopping] == pytest.approx(1.0)  # the closest of all its texts
    assert found.titles[stopping] == pytest.approx(0.0)


def test_another_skills_unit_comes_first_only_when_it_answers_much_better() -> None:
    described = np.zeros((3, len(retrieval.FEATURES)))
    cosine = retrieval.FEATURES.index("cosine")
    described[:, retrieval.FEATURES.index("same skill")] = [1.0, 0.0, 0.0]
    described[:, cosine] = [0.50, 0.52, 0.50]  # the page's unit wins on its skill preference
    order, _ = retrieval.ranking(described, elsewhere=3.0)
    assert order[0] == 0
    weight = retrieval.RANKER[cosine]
    described[2, cosine] = 0.50 + 3.5 / weight  # another skill's unit, clearly better
    order, _ = retrieval.ranking(described, elsewhere=3.0)
    assert order == [2, 0, 1]
    assert retrieval.ranking(described, elsewhere=4.0)[0][0] == 0  # not by more than 4
