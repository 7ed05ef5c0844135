#!/usr/bin/env bash
# mostbook benchmark: `mostbook check`, `mostbook build` and the floor
# (examples/floor.rs: walk + pulldown-cmark + write, in parallel) measured side
# by side with hyperfine on generated playbooks of 1k and 10k elements
# (and 100k with --full), under /dev/shm (tmpfs: timings on disk are too noisy).
#
#   bench/run.sh [--full] [--runs N] [--seed S] [--keep]
#
# The results are written to stdout as Markdown; progress and hyperfine's own
# report go to stderr. Playbooks and outputs live in /dev/shm/mostbook-bench,
# removed at the end unless --keep.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TODAY=2027-03-15
SEED=1
SIZES=(1000 10000)
RUNS=""
KEEP=0

while [ $# -gt 0 ]; do
    case "$1" in
        --full) SIZES=(1000 10000 100000) ;;
        --runs) RUNS="$2"; shift ;;
        --runs=*) RUNS="${1#--runs=}" ;;
        --seed) SEED="$2"; shift ;;
        --seed=*) SEED="${1#--seed=}" ;;
        --keep) KEEP=1 ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/run.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

log() { echo "bench: $*" >&2; }

# --- tools ---------------------------------------------------------------
need() { # need COMMAND DEBIAN-PACKAGE
    if command -v "$1" >/dev/null 2>&1; then return 0; fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "installing $2"
        apt-get install -y -qq "$2" >&2 \
            || { apt-get update -qq >&2 && apt-get install -y -qq "$2" >&2; }
    fi
    command -v "$1" >/dev/null 2>&1 || {
        echo "bench/run.sh: \`$1\` is missing: install the Debian package \`$2\`" >&2
        exit 2
    }
}
need hyperfine hyperfine
need /usr/bin/time time

# --- where ---------------------------------------------------------------
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    WORK=/dev/shm/mostbook-bench
else
    WORK="${TMPDIR:-/tmp}/mostbook-bench"
    log "no writable /dev/shm: using $WORK (timings will be noisier)"
fi
rm -rf "$WORK"
mkdir -p "$WORK"
cleanup() { [ "$KEEP" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT

# --- build ---------------------------------------------------------------
cd "$ROOT"
log "building release binaries"
cargo build --release --bin mostbook --example generate --example floor >&2
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET_DIR/release/mostbook"
GEN="$TARGET_DIR/release/examples/generate"
FLOOR="$TARGET_DIR/release/examples/floor"
for f in "$BIN" "$GEN" "$FLOOR"; do
    [ -x "$f" ] || { echo "bench/run.sh: $f was not built" >&2; exit 2; }
done

q() { printf '%q' "$1"; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }

# Peak resident memory in MiB of one run of the command.
peak_mib() {
    local file="$WORK/time.txt"
    if /usr/bin/time -v -o "$file" "$@" >/dev/null 2>&1; then :; fi
    awk -F': *' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$file"
}

# Field of hyperfine's CSV for a command name: median, mean, stddev, min…
csv_field() { # csv_field FILE NAME FIELD
    awk -F, -v name="$2" -v field="$3" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $1 == name { print $(col[field]) }' "$1"
}

ROWS=""
RATIOS=""
NOTES=""

for N in "${SIZES[@]}"; do
    PB="$WORK/playbook-$N"
    OUT="$WORK/site-$N"
    FOUT="$WORK/floor-$N"
    log "generating $N elements (seed $SEED)"
    "$GEN" "$N" "$PB" --seed "$SEED"
    FILES=$(find "$PB/content" -name '*.md' | wc -l)
    MB=$(du -sm --apparent-size "$PB/content" | cut -f1)

    # Is `check` there, and is the playbook clean?
    CHECK=0
    CHECK_IGNORE=()
    set +e
    "$BIN" check "$PB" --today "$TODAY" --format json >"$WORK/check.json" 2>"$WORK/check.err"
    rc=$?
    set -e
    if grep -q '"errors"' "$WORK/check.json"; then
        CHECK=1
        errors=$(grep -o '"errors": *[0-9]*' "$WORK/check.json" | head -1 | grep -o '[0-9]*$')
        warnings=$(grep -o '"warnings": *[0-9]*' "$WORK/check.json" | head -1 | grep -o '[0-9]*$')
        if [ "$rc" != 0 ] || [ "${errors:-0}" != 0 ] || [ "${warnings:-0}" != 0 ]; then
            NOTES+="- $N: \`mostbook check\` exited $rc with ${errors:-?} errors and ${warnings:-?} warnings on the generated playbook (the generator should give none)."$'\n'
            log "check: exit $rc, ${errors:-?} errors, ${warnings:-?} warnings"
            [ "$rc" = 0 ] || CHECK_IGNORE=(-i)
        fi
    else
        NOTES+="- \`mostbook check\` is unavailable (exit $rc: $(head -c 200 "$WORK/check.err" | tr '\n' ' '))."$'\n'
        log "check unavailable"
    fi

    # Is `build` there? One real build, which must write index.html.
    BUILD=0
    set +e
    "$BIN" build "$PB" -o "$OUT" --today "$TODAY" >"$WORK/build.out" 2>"$WORK/build.err"
    rc=$?
    set -e
    if [ "$rc" = 0 ] && [ -f "$OUT/index.html" ]; then
        BUILD=1
    else
        NOTES+="- \`mostbook build\` is unavailable (exit $rc: $(cat "$WORK/build.err" "$WORK/build.out" | head -c 200 | tr '\n' ' '))."$'\n'
        log "build unavailable (exit $rc)"
        rm -rf "$OUT"
    fi

    CHECK_CMD="$(q "$BIN") check $(q "$PB") --today $TODAY"
    BUILD_CMD="$(q "$BIN") build $(q "$PB") -o $(q "$OUT") --today $TODAY"
    FLOOR_CMD="$(q "$FLOOR") $(q "$PB") $(q "$FOUT")"

    if [ -n "$RUNS" ]; then
        runs=(--runs "$RUNS")
    else
        case "$N" in
            1000) runs=(--min-runs 20) ;;
            10000) runs=(--min-runs 10) ;;
            *) runs=(--runs 3) ;;
        esac
    fi
    cmds=()
    names=""
    if [ "$CHECK" = 1 ]; then cmds+=(-n check "$CHECK_CMD"); names+="check, "; fi
    if [ "$BUILD" = 1 ]; then cmds+=(-n build "$BUILD_CMD"); names+="build, "; fi
    cmds+=(-n floor "$FLOOR_CMD")
    names+="floor"
    CSV="$WORK/hyperfine-$N.csv"
    log "timing $names on $N elements"
    hyperfine --style basic --warmup 1 "${runs[@]}" "${CHECK_IGNORE[@]}" \
        --export-csv "$CSV" "${cmds[@]}" >&2

    for name in check build floor; do
        case "$name" in
            check) [ "$CHECK" = 1 ] || { ROWS+="| $N | $FILES | $MB | check | unavailable | | | |"$'\n'; continue; } ;;
            build) [ "$BUILD" = 1 ] || { ROWS+="| $N | $FILES | $MB | build | unavailable | | | |"$'\n'; continue; } ;;
        esac
        median=$(csv_field "$CSV" "$name" median)
        mean=$(csv_field "$CSV" "$name" mean)
        stddev=$(csv_field "$CSV" "$name" stddev)
        min=$(csv_field "$CSV" "$name" min)
        case "$name" in
            check) peak=$(peak_mib "$BIN" check "$PB" --today "$TODAY") ;;
            build) peak=$(peak_mib "$BIN" build "$PB" -o "$OUT" --today "$TODAY") ;;
            floor) peak=$(peak_mib "$FLOOR" "$PB" "$FOUT") ;;
        esac
        ROWS+="| $N | $FILES | $MB | $name | $(ms "$median") | $(ms "$mean") ± $(ms "$stddev") | $(ms "$min") | $peak |"$'\n'
    done

    floor=$(csv_field "$CSV" floor median)
    ratio_build="n/a"
    ratio_check="n/a"
    [ "$BUILD" = 1 ] && ratio_build=$(awk -v a="$(csv_field "$CSV" build median)" -v b="$floor" 'BEGIN { printf "%.2f×", a / b }')
    [ "$CHECK" = 1 ] && ratio_check=$(awk -v a="$(csv_field "$CSV" check median)" -v b="$floor" 'BEGIN { printf "%.2f×", a / b }')
    RATIOS+="| $N | $ratio_build | $ratio_check |"$'\n'

    [ "$KEEP" = 1 ] || rm -rf "$PB" "$OUT" "$FOUT"
done

CPU=$(awk -F': *' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=""
if [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]; then
    DIRTY=" (with uncommitted changes)"
fi

echo "## mostbook benchmark"
echo
echo "$(date -u +%Y-%m-%d), commit \`$COMMIT\`$DIRTY, ${CPU:-unknown CPU}, $(nproc) cores," \
    "$(hyperfine --version). Playbooks from \`examples/generate.rs\` (seed $SEED)" \
    "in $WORK; \`--today $TODAY\`."
echo
echo "| elements | files | MB | command | median (ms) | mean ± σ (ms) | min (ms) | peak RSS (MiB) |"
echo "|---:|---:|---:|---|---:|---:|---:|---:|"
printf '%s' "$ROWS"
echo
echo "| elements | build / floor | check / floor |"
echo "|---:|---:|---:|"
printf '%s' "$RATIOS"
if [ -n "$NOTES" ]; then
    echo
    printf '%s' "$NOTES" | awk '!seen[$0]++'
fi
