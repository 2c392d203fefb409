#!/usr/bin/env bash
# Screenshots a campaign's HTML report in headless Chromium at 1,280 px wide, to look at it.
#   scripts/screenshot-report.sh [REPORT.html] [OUT.png]
# Without a report it runs a small campaign (every server and fault, 10 trials) to make one.
# Needs Debian's chromium (apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
report="${1:-}"
out="${2:-report.png}"
if [ -z "$report" ]; then
  report="$(mktemp --suffix=.html)"
  npx curios campaign --trials 10 --no-store --format html --out "$report"
fi
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  echo "screenshot-report: no chromium on PATH (apt-get install -y chromium)" >&2
  exit 2
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
  --user-data-dir="$profile" --hide-scrollbars --window-size=1280,2000 \
  --screenshot="$(realpath -m "$out")" "file://$(realpath "$report")" 2>/dev/null
echo "$out"
