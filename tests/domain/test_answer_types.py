"""A question asking for a kind of fact the best units never state is outside the content."""

import numpy as np
import pytest

from masterpath.domain import answer_types, retrieval
from masterpath.domain.content import Skill

SKILL = {
    "objectives": [{"id": "a", "text": "Run containers"}],
    "lesson": "# Docker\n\nIntro.\n\n## Stopping\n\ndocker stop sends SIGTERM to PID 1, then "
    "SIGKILL after ten seconds.\n\n## Images\n\nAn image is built from a Dockerfile; each "
    "instruction adds a layer that docker build caches.\n",
}


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("Is Docker Desktop still free for a company of 300 people?", ["price"]),
        ("does the registry have a free tier for private images", ["price"]),
        ("how much does the Docker certification exam cost?", ["price", "exam"]),
        ("is the TensorFlow Developer Certificate still offered", ["exam"]),
        ("which year was docker first released, and who created it?", ["date", "origin"]),
        ("what licence is buildkit under", ["licence"]),
        ("can i switch Docker Desktop to dark mode", ["appearance"]),
        ("is there a web UI for the registry", ["interface"]),
        ("how much do platform engineers earn in Berlin", ["pay"]),
        ("is the docker documentation translated into Spanish", ["translation"]),
        ("which job title should I put on my LinkedIn", ["career"]),
        ("in interviews for platform roles do they ask leetcode?", ["career"]),
        ("is it a good moment to ask my CTO for a promotion", ["career"]),
        ("how much equity should I ask for as head of ML", ["career"]),
        ("my report wants a 4 day work week, can I approve it", ["career"]),
        ("Docker merged two projects, yes? When did that happen?", ["date"]),
        ("who actually came up with MCP, and in which month was it announced?", ["date", "origin"]),
        ("Is locust.cloud paid? we only load test twice a year", ["price"]),
        ("does Thoughtworks run a paid workshop on this", ["price"]),
        ("how many free minutes do private repos get a month", ["price"]),
        ("How much does the hosted version of Arize Phoenix cost?", ["price"]),
    ],
)
def test_the_kind_of_fact_a_question_asks_for(question: str, kinds: list[str]) -> None:
    assert answer_types.asked(question) == kinds


@pytest.mark.parametrize(
    "question",
    [
        "why does docker stop kill my server after ten seconds",
        "how much does it cost to keep a GPU endpoint up all month",  # the topic, not a price
        "how much does it cost to keep a sagemaker endpoint up 24/7",  # names no product
        "is speculative decoding a free speedup",
        "MAE or RMSE for a house price model",
        "who owns the model artefact after training",
        "when was the model last retrained, and how do I tell",
        "our quota is exhausted and there is none to raise",
        "every https call fails with x509: certificate signed by unknown authority",  # TLS
        "when should I promote the model to production",  # a model's promotion, not a job's
        "how do I resume training from the last checkpoint",
        "how do i approach an ml system design interview question",
        "should I ask the product manager to raise the latency budget",
    ],
)
def test_questions_about_the_topic_ask_for_no_kind(question: str) -> None:
    assert answer_types.asked(question) == []


def test_a_passage_that_states_the_fact_answers_it() -> None:
    question = "when was Kubernetes first released?"
    assert answer_types.unanswered(question, ["Kubernetes schedules pods."]) == ["date"]
    assert answer_types.unanswered(question, ["Google released Kubernetes in 2014."]) == []
    price = "does the managed registry have a free tier?"
    assert answer_types.unanswered(price, ["It bills $0.10 per GB a month."]) == []


def test_a_passage_on_the_topic_words_alone_does_not_state_the_fact() -> None:
    # "example" is no exam; a stakeholder interview, hiring or a model's promotion to
    # production say nothing of a job hunt
    exam = "is there an official certification exam for this?"
    assert answer_types.unanswered(exam, ["For example, NVIDIA L4 or A10G GPUs."]) == ["exam"]
    assert answer_types.unanswered(exam, ["The CKA exam is two hours, hands-on."]) == []
    job = "what do recruiters look for on my CV?"
    passages = [
        "Interview each ML team about where its time goes.",
        "PyTorch code ships first, so hiring is easier.",
        "Promotion to production fails if the model card is missing.",
    ]
    assert answer_types.unanswered(job, passages) == ["career"]
    assert answer_types.unanswered(job, ["Recruiters skim a CV for shipped systems."]) == []


def test_a_price_of_something_else_is_not_the_price_asked_for() -> None:
    # the price of a named product must be stated where that product is named; facts about a
    # job market are not bound to the names around them
    question = "How much does BentoCloud charge per GPU hour?"
    passages = ["An H100 rents for about $2.50 per hour on a neocloud."]
    assert answer_types.unanswered(question, passages) == []
    assert answer_types.unanswered(question, passages, ["bentocloud"]) == ["price"]
    stated = ["BentoCloud bills $1 per hour."]
    assert answer_types.unanswered(question, stated, ["bentocloud"]) == []
    pay = "HR documents hold salary bands: how do I keep them out of answers?"
    assert answer_types.unanswered(pay, ["Salary data needs access control."], ["hr"]) == []


def test_what_a_question_names() -> None:
    units = retrieval.units(Skill.from_data({**SKILL, "id": "docker", "title": "Docker"}))
    index = retrieval.build(units)
    asked = "How much does BentoCloud cost next to Docker? Is locust.cloud paid, I wonder"
    # not "How" or "Is" (a sentence's first word), not "I", and not "Docker": the content's
    # own word, in every unit
    assert retrieval.subjects(index, asked) == ["bentocloud", "locust.cloud"]


def test_search_says_outside_when_no_best_unit_states_the_fact() -> None:
    index = retrieval.build(
        retrieval.units(Skill.from_data({**SKILL, "id": "docker", "title": "Docker"}))
    )
    hits = retrieval.search(index, "why does docker stop send SIGKILL after ten seconds")
    assert hits and hits[0].unit.id == "docker/lesson#stopping"
    assert retrieval.search(index, "docker stop SIGKILL: who invented it, what year?") == []
    assert retrieval.search(index, "is docker build caching free or a paid plan?") == []


def test_names_neither_the_content_nor_the_language_knows() -> None:
    units = retrieval.units(Skill.from_data({**SKILL, "id": "docker", "title": "Docker"}))
    index = retrieval.build(units, lexicon=frozenset({"backstage", "does", "is", "we", "ok"}))
    asked = "Does LangSmith trace Docker builds? Is TensorFlow.js ok, and `buildx bake` too?"
    assert retrieval.unknown_names(index, asked) == ["LangSmith", "TensorFlow.js", "buildx bake"]
    # known to the content (Docker, SIGKILL), a word of the language (Backstage), a size, a
    # capitalised word that starts a sentence
    assert retrieval.unknown_names(index, "Is Backstage like SIGKILL on a 4Gi box? Docker") == []
    assert retrieval.unknown_names(retrieval.build(units), "Does LangSmith work") == []


def test_a_name_of_several_words_the_content_never_says_is_unknown() -> None:
    # "Docker" and "Scout" are each known; "Docker Scout" as a whole is not; a date is no name
    units = retrieval.units(Skill.from_data({**SKILL, "id": "docker", "title": "Docker"}))
    known = "does is scout build the march how do i a container fast"
    index = retrieval.build(units, lexicon=frozenset(known.split()))
    asked = "Does Docker Scout have a free plan? Is Docker Build the same on March 3 2024?"
    assert retrieval.unknown_names(index, asked) == ["Docker Scout"]
    # a question in title case is no name
    assert retrieval.unknown_names(index, "How Do I Stop A Docker Container Fast") == []


def test_a_question_naming_what_nothing_mentions_is_outside_unless_very_close() -> None:
    units = retrieval.units(Skill.from_data({**SKILL, "id": "docker", "title": "Docker"}))
    rows = retrieval.rows(units)
    vectors = np.zeros((len(rows), 2), dtype=np.float32)
    vectors[:, 0] = 1.0
    index = retrieval.build(units, vectors, lexicon=frozenset({"does", "stop"}))
    cosine_only = retrieval.Weights(outside_score=float("-inf"))
    asked = "does docker stop send Kubelet SIGKILL"
    near = np.asarray([0.65, 0.76], dtype=np.float32)  # cosine 0.65: near, not very close
    assert retrieval.search(index, asked, query=near, weights=cosine_only) == []
    assert retrieval.search(index, "does docker stop send SIGKILL", query=near, weights=cosine_only)
    close = np.asarray([0.75, 0.661], dtype=np.float32)  # 0.75: close enough whatever it names
    assert retrieval.search(index, asked, query=close, weights=cosine_only)


def test_names_made_of_names_the_content_knows_are_no_new_name() -> None:
    lesson = (
        "# Serving\n\nIntro.\n\n## Streams\n\nA Java service reads Kafka; the EKS cluster "
        "has a GPU node group. Export a TF SavedModel. Track it in the cloud.\n"
    )
    skill = Skill.from_data({**SKILL, "lesson": lesson, "id": "serving", "title": "Serving"})
    words = frozenset({"does", "our", "in", "studio"})
    index = retrieval.build(retrieval.units(skill), lexicon=words)
    # each word a name the content uses: "Java Kafka", "EKS GPU", "TF SavedModels"
    asked = "Does our Java Kafka consumer run on EKS GPU nodes with TF SavedModels"
    assert retrieval.unknown_names(index, asked) == []
    # an ordinary word the content writes in lower case, or one it never writes, makes a new
    # name; a sentence's end ends a name; an acronym's plural is the acronym
    assert retrieval.unknown_names(index, "Is Kafka Cloud ok? Or Kafka Studio") == [
        "Kafka Cloud",
        "Kafka Studio",
    ]
    assert retrieval.unknown_names(index, "We run Java. Kafka too, on GPUs in EKS") == []
