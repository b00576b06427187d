#!/usr/bin/env bash
# make test: set up (idempotent), lint, then pytest. The test session starts its own Kafka,
# Redis and PostgreSQL on free ports (see conftest.py), so it never touches a running demo.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(python3 -m site --user-base)/bin:$PATH"  # uv, if set-up installed it
scripts/testdata.sh  # before the long set-up: the tests need the real material
scripts/setup.sh --for-tests
echo "==> lint"
uv run --frozen ruff check .
uv run --frozen mypy libs/zezhou5g/src services gateway/gateway simulators deploy/local
echo "==> web: ESLint and the unit tests of the pages' pure parts (Node's test runner)"
(cd gateway/web && npx --no-install eslint . && node --test test/)
echo "==> tests"
uv run --frozen pytest "$@"
