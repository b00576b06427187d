#!/usr/bin/env bash
# Fails fast, with what to do, when the real test material is missing. The tests run on real
# photos, crowd images, live/spoof samples and sensor logs that are kept outside the repository,
# and the demo plays some of them (the dense-crowd camera, the gate camera, the soil logs):
# $Z5G_TESTDATA, else shared/testdata next to the checkout (zezhou5g.platform.paths.testdata_dir).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${Z5G_TESTDATA:-$root/../shared/testdata}"
if [ ! -d "$dir" ]; then
  echo "test material not found at $dir" >&2
  echo "  the tests and the demo use the real material of shared/testdata (see its README): put that folder" >&2
  echo "  next to the checkout (../shared/testdata) or set Z5G_TESTDATA=/path/to/testdata" >&2
  exit 2
fi
