#!/usr/bin/env bash
# Playwright cannot download browsers here, so the e2e suite uses Debian's Chromium headless shell
# (same WebGPU behaviour as /usr/bin/chromium, starts ~4x faster). Installs it when missing (we run
# as root on CI and fresh machines); does nothing when it is already there.
set -euo pipefail
browser="${VITRINE_CHROMIUM:-/usr/bin/chromium-headless-shell}"
if [ -x "$browser" ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "ensure-chromium: $browser is missing; install it with: sudo apt-get install -y chromium-headless-shell" >&2
  exit 1
fi
echo "ensure-chromium: installing Debian's chromium-headless-shell" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null
"$browser" --version >&2
