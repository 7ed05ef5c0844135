#!/usr/bin/env bash
# Runs every fuzz target for SECS seconds each (default 300), one after the other.
#   fuzz/run.sh [SECS] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain, or
# RUSTC_BOOTSTRAP=1 with stable (set below when there is no nightly).
# Seeds the corpora from tests/fixtures and example-playbook; crashes land in
# fuzz/artifacts/TARGET/. Build outside the shared target dir: CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")"
SECS=${1:-300}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(frontmatter_yaml markdown_scan check_content check_config build_content)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/fuzz-target}
# mostbook has no `unsafe` code: AddressSanitizer finds nothing there and slows
# the whole-playbook targets twentyfold. SANITIZER=address to use it anyway.
SANITIZER=${SANITIZER:-none}
TOOLCHAIN=()
if rustup run nightly rustc -V >/dev/null 2>&1; then TOOLCHAIN=(+nightly); else export RUSTC_BOOTSTRAP=1; fi

seed() { # seed TARGET PREFIX-BYTE FILES...
  local t=$1 p=$2; shift 2
  mkdir -p "corpus/$t"
  for f in "$@"; do
    local name; name=$(echo "$f" | tr '/' '_')
    if [ -n "$p" ]; then { printf "$p"; cat "$f"; } > "corpus/$t/$name"; else cp "$f" "corpus/$t/$name"; fi
  done
}
mapfile -t MD < <(find ../tests/fixtures ../example-playbook -name '*.md' -size -64k | sort)
mapfile -t YAML < <(find ../tests/fixtures ../example-playbook -name 'playbook.yaml' | sort)
seed frontmatter_yaml "" "${MD[@]}"
seed markdown_scan "" "${MD[@]}"
seed check_content '\x02' "${MD[@]}"
seed build_content '\x02' "${MD[@]}"
seed check_config "" "${YAML[@]}"

for t in "${TARGETS[@]}"; do
  echo "== $t: ${SECS}s"
  cargo "${TOOLCHAIN[@]}" fuzz run -O -s "$SANITIZER" "$t" -- -max_total_time="$SECS" -timeout=20 -rss_limit_mb=4096 \
    -max_len=262144 -dict=mostbook.dict -print_final_stats=1 2>&1 | tee "/tmp/fuzz-$t.log" | grep -E '^(#[0-9]+ +(DONE|pulse)|stat::|==|SUMMARY|artifact)' || true
done
