#!/usr/bin/env bash
# Refreshes the README screenshots (docs/screenshots/*.png) from the example playbook:
# a release build of mostbook renders example-playbook/, headless Chromium photographs it.
#
#   scripts/screenshots.sh            # needs cargo and chromium (or google-chrome) on PATH
#   CHROMIUM=/path/to/chrome scripts/screenshots.sh
#
# The build date is fixed so that the pictures only change when the theme or the example does.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
out="$root/docs/screenshots"
today=2027-03-15

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
  for b in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
  done
fi
[ -n "$browser" ] || { echo "screenshots.sh: no chromium / google-chrome on PATH (set CHROMIUM=...)" >&2; exit 2; }

cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-$root/target}/release/mostbook"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
site="$work/site"
"$bin" build example-playbook -o "$site" --today "$today" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }

mkdir -p "$out"

# shot NAME PAGE WIDTH HEIGHT [chromium flags...]: a WIDTH×HEIGHT viewport of PAGE (top of the page).
shot() {
  local name=$1 page=$2 width=$3 height=$4
  shift 4
  "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chromium" --hide-scrollbars --virtual-time-budget=3000 \
    --window-size="$width,$height" "$@" --screenshot="$out/$name.png" \
    "file://$site/$page" >/dev/null 2>&1
  printf '%-38s %4s KB\n' "docs/screenshots/$name.png" "$(( $(wc -c <"$out/$name.png") / 1024 ))"
}

dark=(--blink-settings=preferredColorScheme=0)
phone=(--force-device-scale-factor=2)

shot overview             index.html                                   1280 1560
shot objective            linkedin/objectives/notoriete-decideurs.html 1280 1000
shot calendar             calendar.html                                1280 1280
shot overview-phone       index.html                                    390 1100 "${phone[@]}"
shot overview-dark        index.html                                   1280 1000 "${dark[@]}"
shot objective-dark       linkedin/objectives/notoriete-decideurs.html 1280 1000 "${dark[@]}"
