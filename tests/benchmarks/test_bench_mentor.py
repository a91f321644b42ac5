import pytest

from masterpath.benchmarks import mentor


# A whole run through a real MasterPath server and the fake LLM server (15 s): `make
# test-slow`; the mentor's streaming through that LLM server is tested fast in
# tests/services/test_mentor_openai.py.
@pytest.mark.slow
def test_turns_go_through_real_servers_and_report_first_and_last_byte() -> None:
    result = mentor.run(turns=4, embedding_model="off")  # the protocol path, not meaning
    assert result["turns"] == 4
    assert 0 < result["first_byte"]["p50_ms"] <= result["last_byte"]["p95_ms"]
    llm = result["openai"]
    assert llm["direct_first_token"]["p50_ms"] > 0
    assert llm["through_masterpath_first_token"]["p50_ms"] > 0
    assert isinstance(llm["overhead_ms"], float)
