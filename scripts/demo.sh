#!/usr/bin/env bash
# make demo: set up, start Kafka + Redis, then every service, the simulators and the gateway
# under honcho. Ctrl-C stops the processes and then the infrastructure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(python3 -m site --user-base)/bin:$PATH"  # uv, if set-up installed it
scripts/setup.sh
set -a; . ./.env; set +a
uv run --frozen python scripts/gen_secrets.py .run/secrets.env
set -a; . ./.run/secrets.env; set +a
uv run --frozen python -m localinfra start kafka redis
trap 'uv run --frozen python -m localinfra stop kafka redis' EXIT
cat <<MSG

  Zezhou 5G+ platform is starting:  http://127.0.0.1:${Z5G_HTTP_PORT}/
  public page: http://127.0.0.1:${Z5G_HTTP_PORT}/public.html   readiness: /readyz   API docs: /docs
  sign in as admin, jueshan-ops, dr-wang, dr-li, station-ops, farmer-zhao or agri-bureau
  password: ${Z5G_DEMO_PASSWORD}          (Ctrl-C stops everything)

MSG
uv run --frozen honcho start -f Procfile -e .env,.run/secrets.env
