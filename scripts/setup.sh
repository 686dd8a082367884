#!/usr/bin/env bash
# Installs everything Stockroom needs on Debian 12 that is not there yet: system packages (build,
# media, webview, end-to-end test tools), the front end's and the e2e tests' npm packages,
# tauri-driver, and the official ImageKit Python SDK used by the emulator's compatibility test.
# Safe to run again: each step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: run as root or install sudo to install system packages" >&2; exit 1; fi
fi

APT_PACKAGES=(
  # build: Tauri (WebKitGTK 4.1) and ffmpeg-next (libav* + clang for bindgen)
  build-essential pkg-config curl wget file clang libssl-dev libxdo-dev libayatana-appindicator3-dev
  librsvg2-dev libwebkit2gtk-4.1-dev libdbus-1-dev
  libavcodec-dev libavformat-dev libavfilter-dev libavdevice-dev libavutil-dev libswscale-dev libswresample-dev
  # media tools used to generate test fixtures and as benchmark references
  ffmpeg
  # H.264/AAC playback in the webview (only "Recommends" of WebKitGTK)
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-libav gstreamer1.0-gl
  # end-to-end tests: WebKitWebDriver, a virtual display, a session bus, screenshots
  webkit2gtk-driver xvfb xauth dbus-x11 imagemagick fonts-dejavu-core
  # Node.js for the front end, Python for the SDK compatibility test
  nodejs npm python3 python3-pip
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A newer Node.js from elsewhere counts as present.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: Rust (cargo) is required: install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi

if ! command -v tauri-driver >/dev/null 2>&1; then
  log "installing tauri-driver 2.x"
  cargo install tauri-driver --version '^2' --locked --quiet
fi

log "installing front-end packages"
(cd ui && { [ -d node_modules ] && npm ls --silent >/dev/null 2>&1 || npm ci --no-audit --no-fund --loglevel=error; })
if [ -f tests/e2e/package.json ]; then
  (cd tests/e2e && { [ -d node_modules ] && npm ls --silent >/dev/null 2>&1 || npm ci --no-audit --no-fund --loglevel=error; })
fi

if ! python3 -c 'import imagekitio' >/dev/null 2>&1; then
  log "installing the official ImageKit Python SDK (emulator compatibility test)"
  python3 -m pip install --quiet --disable-pip-version-check imagekitio==5.11.0 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages imagekitio==5.11.0
fi
log "setup complete"
