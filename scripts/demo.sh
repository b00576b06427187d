#!/usr/bin/env bash
# make demo: set up, start Kafka + Redis (detached), then every Procfile program under the
# supervisor (python -m localinfra.demo run): a program that crashes is restarted with back-off
# while the broker and Redis keep running. Ctrl-C stops the programs, then the infrastructure,
# and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(python3 -m site --user-base)/bin:$PATH"  # uv, if set-up installed it
scripts/testdata.sh  # the demo's dense-crowd and gate cameras and the soil logs play real material
scripts/setup.sh
set -a; . ./.env; set +a
uv run --frozen python scripts/gen_secrets.py .run/secrets.env
set -a; . ./.run/secrets.env; set +a
uv run --frozen python -m localinfra start kafka redis
trap 'uv run --frozen python -m localinfra stop kafka redis' EXIT

url="http://127.0.0.1:${Z5G_HTTP_PORT}"
# The accounts come from the gateway's seed list, so the banner cannot miss one.
users=$(uv run --frozen python -c 'from gateway.users import demo_accounts; print(demo_accounts())')
# The banner holds the demo password: a file (mode 600), not a command-line argument.
(umask 077; cat > .run/banner.txt) <<MSG

  Zezhou 5G+ platform:  ${url}/
  public page: ${url}/public.html   readiness: ${url}/readyz   API docs: ${url}/docs
  sign in as one of these, password ${Z5G_DEMO_PASSWORD} (also in .run/secrets.env):
${users}
  Ctrl-C stops everything; \`make demo-status\` shows each program's pid and restarts.
MSG
printf '\n  Zezhou 5G+ platform is starting; %s/ and the sign-in list follow once /readyz is 200.\n\n' "$url"
# The supervisor runs on the locked environment's interpreter itself, not under `uv run`: uv
# exits 130 when it sees a SIGINT, even after the supervisor stopped everything and exited 0.
python=$(uv run --frozen python -c 'import sys; print(sys.executable)')
"$python" -m localinfra.demo run --procfile Procfile --ready-url "${url}/readyz" \
  --banner-file .run/banner.txt
