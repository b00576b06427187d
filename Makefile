# Two commands do everything on a fresh machine: `make demo` and `make test`.
.PHONY: demo demo-status test test-fast setup lint proto bench infra-start infra-stop clean

# Set-up installs uv with `pip install --user` when it is missing: its bin folder goes on PATH.
export PATH := $(shell python3 -m site --user-base 2>/dev/null)/bin:$(PATH)

demo:            ## set up, start the whole stack under supervision, print the URL; Ctrl-C stops it
	scripts/demo.sh

demo-status:     ## pid, state and restart count of each program of a running `make demo`
	uv run --frozen python -m localinfra.demo status

test:            ## set up, lint, and run every test against real Kafka/Redis/PostgreSQL/gRPC
	scripts/test.sh

test-fast:       ## pure-code unit tests (no server, no model; under a minute): pytest -m "unit and not slow"
	scripts/testdata.sh
	scripts/setup.sh
	uv run --frozen pytest -m "unit and not slow" -q

setup:
	scripts/setup.sh --for-tests

lint:
	uv run --frozen ruff check .
	uv run --frozen mypy libs/zezhou5g/src services gateway/gateway simulators deploy/local
	cd gateway/web && npx --no-install eslint . && node --test test/

proto:           ## regenerate Python code from proto/
	uv run --frozen python scripts/gen_proto.py

bench:           ## Kafka produce→consume latency and throughput through the project's helpers
	uv run --frozen python bench/kafka_latency.py

infra-start:
	set -a; . ./.env; set +a; uv run --frozen python -m localinfra start kafka redis

infra-stop:
	set -a; . ./.env; set +a; uv run --frozen python -m localinfra stop kafka redis

clean:           ## stop local infrastructure and delete run data
	-$(MAKE) infra-stop
	rm -rf .run
