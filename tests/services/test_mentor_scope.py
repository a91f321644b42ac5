"""The mentor's learned "outside the content" decision on the built-in content, through the
service: questions written for this test (in no labelled set)."""

from __future__ import annotations

from masterpath.domain import retrieval
from masterpath.services import Context, knowledge, meaning
from masterpath.services.mentor import context


def sources(ctx: Context, question: str, skill: str) -> tuple[list[context.Source], list[str]]:
    know = knowledge.get(ctx)
    return context.sources(ctx, know, question=question, skill=skill, found=context.Open([], {}))


def test_the_learned_decision_answers_in_scope_and_refuses_outside(builtin: Context) -> None:
    assert meaning.scope(builtin) is not None  # the packaged model and reader are installed
    cited, near = sources(
        builtin,
        "my model server takes two minutes to load weights, how do I stop kubernetes sending it "
        "traffic before it's ready?",
        "kubernetes-for-ml",
    )
    assert cited and cited[0].id.startswith("kubernetes-for-ml/") and not near
    cited, near = sources(
        builtin,
        "what's the pass mark for the CKA exam and how long is the voucher valid?",
        "kubernetes-for-ml",
    )
    assert cited == [] and near  # outside: the nearest skills instead


def test_the_gauge_reads_what_the_gates_read(builtin: Context) -> None:
    index = knowledge.get(builtin).index
    question = "how do I bake a sourdough loaf with a crisp crust?"
    query = meaning.one(builtin, question)
    assert query is not None
    hits, gauge = retrieval.gauge(index, question, query=query)
    assert gauge is not None and len(hits) == 3
    assert gauge.best == float(index.closeness(query)[0].max())
    assert gauge.coverage == retrieval.coverage(index, question)
    assert gauge.best < retrieval.WEIGHTS.outside  # far from everything
