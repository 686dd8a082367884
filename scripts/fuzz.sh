#!/usr/bin/env bash
# Long fuzz run of the property targets: PROPTEST_CASES (default 100000) cases per target.
set -euo pipefail
export PROPTEST_CASES="${PROPTEST_CASES:-100000}"
cargo test -p sr-imagekit --release --test it fuzz:: "$@"
# The media probe on damaged real files (each case writes and probes a file: slower per case).
PROPTEST_CASES="${MEDIA_CASES:-$((PROPTEST_CASES / 20))}" cargo test -p sr-media --release --test it fuzz:: "$@"
