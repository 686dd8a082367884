#!/usr/bin/env bash
# Long fuzz run of the property targets: PROPTEST_CASES (default 100000) cases per target.
set -euo pipefail
export PROPTEST_CASES="${PROPTEST_CASES:-100000}"
cargo test -p sr-imagekit --release --test it fuzz:: "$@"
