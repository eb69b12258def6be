#!/usr/bin/env bash
# Playwright records videos with its own ffmpeg build, which it downloads from its CDN (not reachable
# here, see ../shared/ENVIRONMENT.md). Debian's ffmpeg takes the same arguments (MJPEG frames in,
# VP8 WebM out), so this installs it when missing (as root, like ensure-chromium.sh) and links it
# where Playwright looks for its own: under PLAYWRIGHT_BROWSERS_PATH, which `npm run demo` points
# at .cache/ms-playwright so that the user's own Playwright cache is left alone.
set -euo pipefail
browsers="${PLAYWRIGHT_BROWSERS_PATH:?set PLAYWRIGHT_BROWSERS_PATH to the folder Playwright should look in}"
revision="$(node -e "const b = JSON.parse(require('node:fs').readFileSync('node_modules/playwright-core/browsers.json', 'utf8')).browsers; console.log(b.find((x) => x.name === 'ffmpeg').revision)")"
target="$browsers/ffmpeg-$revision/ffmpeg-linux"
if [ -x "$target" ]; then exit 0; fi
if ! command -v ffmpeg >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "ensure-ffmpeg: ffmpeg is missing; install it with: sudo apt-get install -y ffmpeg" >&2
    exit 1
  fi
  echo "ensure-ffmpeg: installing Debian's ffmpeg (for the demo's videos)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null
fi
mkdir -p "$(dirname "$target")"
ln -sf "$(command -v ffmpeg)" "$target"
