#!/usr/bin/env bash
# One command: install what is missing, then run the whole suite — Rust (unit, integration,
# contract, chaos), UI unit tests (Vitest) and end-to-end tests of the real app under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

step() { printf '\n\033[1;34m==== %s ====\033[0m\n' "$*"; }

step "Rust: formatting"
cargo fmt --all --check

step "UI: type check, unit tests and production build"
(cd ui && npm test --silent && npm run build --silent)

# After the UI build: the shell embeds ui/dist, which its macros read even for clippy.
step "Rust: lints (clippy, warnings are errors)"
cargo clippy --workspace --all-targets --features custom-protocol -- -D warnings

# The app's binary embeds ui/dist (custom-protocol); building the tests with the same features
# lets the e2e build below reuse every compiled crate.
step "Rust: tests (cargo test --workspace)"
cargo test --workspace --features custom-protocol

step "End-to-end: the real app under Xvfb through tauri-driver"
app="$(STOCKROOM_UI_BUILT=1 ./scripts/build-app.sh)"
(cd tests/e2e && STOCKROOM_APP="$app" xvfb-run -a --server-args="-screen 0 1600x1000x24" dbus-run-session -- npm test --silent)

step "All suites passed"
