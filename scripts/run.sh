#!/usr/bin/env bash
# One command: install what is missing, build, and open Stockroom on the Sandbox remote.
# Extra arguments go to the app (e.g. --library DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
app="$(STOCKROOM_PROFILE="${STOCKROOM_PROFILE:-release}" ./scripts/build-app.sh)"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: starting Stockroom under a virtual display (xvfb-run)." >&2
  exec xvfb-run -a "$app" "$@"
fi
exec "$app" "$@"
