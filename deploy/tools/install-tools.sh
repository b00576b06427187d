#!/usr/bin/env bash
# Installs the pinned tools that validate deploy/ (used by tests/deploy and CI).
#
#   kustomize  - built from source with `go install` (the Go module proxy is the
#                only way to get it here; no release tarball downloads).
#   compose-spec.json - the Compose Specification JSON schema, taken from the
#                compose-go module, which vendors it at schema/compose-spec.json.
#   composecheck - deploy/tools/composecheck: loads a compose file with
#                compose-go like `docker compose config` (no Docker needed).
#
# compose-go is pinned once, in deploy/tools/composecheck/go.mod, so the
# schema and the loader always come from the same release.
#
# Everything lands under $Z5G_TOOLS_CACHE (default ~/.cache/zezhou5g), outside
# git. Idempotent: re-running with the same pins does nothing. Prints the
# paths on success:  KUSTOMIZE=...  COMPOSE_SCHEMA=...  COMPOSECHECK=...
set -euo pipefail

KUSTOMIZE_VERSION="v5.7.1"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
COMPOSECHECK_SRC="$HERE/composecheck"
COMPOSE_GO_VERSION="$(awk '$1 == "require" && $2 == "github.com/compose-spec/compose-go/v2" {print $3}' \
  "$COMPOSECHECK_SRC/go.mod" 2>/dev/null || true)"

CACHE="${Z5G_TOOLS_CACHE:-$HOME/.cache/zezhou5g}"
BIN="$CACHE/bin"
KUSTOMIZE="$BIN/kustomize"
SCHEMA_DIR="$CACHE/compose-spec/$COMPOSE_GO_VERSION"
SCHEMA="$SCHEMA_DIR/compose-spec.json"
COMPOSECHECK="$BIN/composecheck"

die() { echo "install-tools: ERROR: $*" >&2; exit 1; }
log() { echo "install-tools: $*" >&2; }

find_go() {
  if command -v go >/dev/null 2>&1; then command -v go
  elif [ -x /usr/local/go/bin/go ]; then echo /usr/local/go/bin/go
  else return 1
  fi
}

[ -n "$COMPOSE_GO_VERSION" ] \
  || die "cannot read the compose-go version from $COMPOSECHECK_SRC/go.mod"

GO="$(find_go)" || die "Go >= 1.21 is required (it fetches the newer toolchain the build needs
  through the module proxy itself), but 'go' was not found on PATH
  or at /usr/local/go/bin/go. Install Go (e.g. 'apt-get install golang-go' or the
  official tarball) and re-run $0."

# Keep the module cache inside our cache dir so a fresh machine needs no GOPATH
# setup, and make it writable so `rm -rf ~/.cache/zezhou5g` always works.
export GOMODCACHE="${GOMODCACHE:-$CACHE/gomodcache}"
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-modcacherw"
mkdir -p "$BIN"

# --- kustomize ---------------------------------------------------------------
have_version=""
if [ -x "$KUSTOMIZE" ]; then
  have_version="$("$KUSTOMIZE" version 2>/dev/null || true)"
fi
if [ "$have_version" = "$KUSTOMIZE_VERSION" ]; then
  log "kustomize $KUSTOMIZE_VERSION already installed"
else
  log "building kustomize $KUSTOMIZE_VERSION with $("$GO" version) (takes a few minutes)"
  # CGO off: a static binary that needs no C compiler on the build machine.
  GOBIN="$BIN" CGO_ENABLED=0 "$GO" install \
    "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" \
    || die "go install of kustomize $KUSTOMIZE_VERSION failed (see output above)"
  got="$("$KUSTOMIZE" version 2>/dev/null || true)"
  [ "$got" = "$KUSTOMIZE_VERSION" ] \
    || die "installed kustomize reports version '$got', expected $KUSTOMIZE_VERSION"
fi

# --- Compose Specification schema ---------------------------------------------
if [ -s "$SCHEMA" ]; then
  log "compose-spec.json (compose-go $COMPOSE_GO_VERSION) already cached"
else
  log "fetching compose-go $COMPOSE_GO_VERSION for its schema/compose-spec.json"
  # `go mod download -json` prints the extracted module's Dir; no go.mod needed.
  # Run from the cache dir so a go.work/go.mod in the caller's cwd is ignored.
  info="$(cd "$CACHE" && GOWORK=off "$GO" mod download -json \
    "github.com/compose-spec/compose-go/v2@$COMPOSE_GO_VERSION")" \
    || die "go mod download of compose-go $COMPOSE_GO_VERSION failed: $info"
  dir="$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -n "$dir" && -s "$dir/schema/compose-spec.json" ]] \
    || die "compose-go $COMPOSE_GO_VERSION has no schema/compose-spec.json (Dir='$dir')"
  mkdir -p "$SCHEMA_DIR"
  # Copy atomically so an interrupted run never leaves a half-written schema.
  cp "$dir/schema/compose-spec.json" "$SCHEMA.tmp.$$"
  mv "$SCHEMA.tmp.$$" "$SCHEMA"
fi

# --- composecheck --------------------------------------------------------------
# Rebuilt when its sources or the Go version change (stamp = their hash).
# -mod=readonly: go.sum is the lock; never rewrite it from here.
stamp="$( (cat "$COMPOSECHECK_SRC"/go.mod "$COMPOSECHECK_SRC"/go.sum "$COMPOSECHECK_SRC"/*.go; \
  "$GO" version) | sha256sum | cut -d' ' -f1)"
if [ -x "$COMPOSECHECK" ] && [ "$(cat "$COMPOSECHECK.stamp" 2>/dev/null)" = "$stamp" ]; then
  log "composecheck up to date"
else
  log "building composecheck (compose-go $COMPOSE_GO_VERSION)"
  (cd "$COMPOSECHECK_SRC" && GOWORK=off CGO_ENABLED=0 "$GO" build -mod=readonly -trimpath \
    -o "$COMPOSECHECK.tmp.$$" .) || die "go build of $COMPOSECHECK_SRC failed (see output above)"
  mv "$COMPOSECHECK.tmp.$$" "$COMPOSECHECK"
  echo "$stamp" > "$COMPOSECHECK.stamp"
fi

echo "KUSTOMIZE=$KUSTOMIZE"
echo "COMPOSE_SCHEMA=$SCHEMA"
echo "COMPOSECHECK=$COMPOSECHECK"
