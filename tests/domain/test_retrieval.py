from masterpath.domain import retrieval

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


def test_search_cites_the_section_that_answers() -> None:
    index = retrieval.build(retrieval.passages(SKILL))
    hits = retrieval.search(index, "why does docker stop kill the server after ten seconds?")
    assert hits[0].passage.id == "lesson#stopping"
    tags = retrieval.search(index, "is a digest the same as a tag")
    assert tags[0].passage.id == "lesson#tags-and-digests"
    withheld = retrieval.search(index, "tag digest", exclude={"lesson#tags-and-digests"})
    assert all(h.passage.id != "lesson#tags-and-digests" for h in withheld)


def test_a_question_outside_the_content_finds_nothing() -> None:
    index = retrieval.build(retrieval.passages(SKILL))
    assert retrieval.search(index, "what is the capital of france") == []
    assert retrieval.search(index, "") == []
