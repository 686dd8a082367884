#!/usr/bin/env bash
# Builds the front end and the desktop app binary with the front end embedded
# (`custom-protocol`, so it does not look for a dev server). Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${STOCKROOM_PROFILE:-dev}"
[ "${STOCKROOM_UI_BUILT:-}" = 1 ] || (cd ui && npm run build --silent) >&2
cargo build --quiet --features custom-protocol --bin stockroom-app --profile "$profile" >&2
dir="${CARGO_TARGET_DIR:-target}/$([ "$profile" = dev ] && echo debug || echo "$profile")"
echo "$(cd "$dir" && pwd)/stockroom-app"
