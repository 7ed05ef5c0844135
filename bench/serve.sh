#!/usr/bin/env bash
# Edit-to-visible latency of `mostbook serve` (examples/serve_latency.rs):
# a tactic saved → the reload event → the changed page served, on generated
# playbooks of 1k and 10k elements, playbook and output under /dev/shm.
#
#   bench/serve.sh [--edits N] [--sizes "1000 10000"] [--seed S] [--keep]
#
# Prints each edit and a summary per size (min, median, p90, max in ms).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDITS=10
SIZES="1000 10000"
SEED=1
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --edits) EDITS="$2"; shift ;;
        --sizes) SIZES="$2"; shift ;;
        --seed) SEED="$2"; shift ;;
        --keep) KEEP=1 ;;
        -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/serve.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    WORK=/dev/shm/mostbook-serve-bench
else
    WORK="${TMPDIR:-/tmp}/mostbook-serve-bench"
    echo "bench: no writable /dev/shm: using $WORK (timings will be noisier)" >&2
fi
rm -rf "$WORK"
mkdir -p "$WORK"
cleanup() { [ "$KEEP" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT

cd "$ROOT"
echo "bench: building release binaries" >&2
cargo build --release --bin mostbook --example generate --example serve_latency >&2
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET_DIR/release/mostbook"

for N in $SIZES; do
    PB="$WORK/playbook-$N"
    "$TARGET_DIR/release/examples/generate" "$N" "$PB" --seed "$SEED" >&2
    echo "## $N elements ($(find "$PB/content" -name '*.md' | wc -l) files), $EDITS edits"
    "$TARGET_DIR/release/examples/serve_latency" "$BIN" "$PB" "$WORK/site-$N" --edits "$EDITS"
    echo
    [ "$KEEP" = 1 ] || rm -rf "$PB" "$WORK/site-$N"
done
