#!/usr/bin/env bash
# mostbook benchmark (issue 6): `mostbook build` and `mostbook check` timed
# side by side with the floor (examples/floor.rs: walk + pulldown-cmark +
# write, in parallel; floor-fm also parses the front-matter with serde-saphyr,
# floor-theme also puts each page in the default theme's base.html with Tera 2),
# Hugo and, when installed, Zola, on the same generated
# playbooks; peak memory of each; the phase breakdown of a build per size
# (MOSTBOOK_TIMINGS=1); the page weight of the overview and of the largest
# element page; edit-to-visible latency in `mostbook serve`. Everything runs
# under /dev/shm (tmpfs).
#
#   bench/run.sh [--sizes "1000 10000"] [--full] [--runs N] [--rounds R]
#                [--edits N] [--seed S] [--no-hugo] [--no-serve]
#                [--install-zola] [--no-write] [--keep]
#
#   --sizes LIST     element counts, default "1000 10000"
#   --full           adds 100000 (a few more minutes per command)
#   --runs N         timed runs per command and size (default 12 at ≤ 1k,
#                    6 at ≤ 10k, 3 above), split across the rounds
#   --rounds R       hyperfine is run R times per size (default 3), all the
#                    commands each time, so that a burst of load from other
#                    processes hits every command alike; medians are over
#                    all the samples of all rounds
#   --edits N        saves per size for the serve latency (default 10)
#   --no-hugo        no Hugo anchor (it is installed with apt when missing)
#   --no-serve       no serve latency
#   --install-zola   `cargo install --locked zola` when zola is missing
#                    (a long compile); otherwise Zola runs only if on PATH
#   --no-write       print the results only, leave BENCHMARKS.md alone
#   --keep           keep /dev/shm/mostbook-bench (playbooks, sites, logs)
#
# The results (Markdown) go to stdout and into the results section of
# BENCHMARKS.md; progress and hyperfine's own report go to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TODAY=2027-03-15
SEED=1
SIZES="1000 10000"
RUNS=""
ROUNDS=3
EDITS=10
HUGO=1
SERVE=1
INSTALL_ZOLA=0
WRITE=1
KEEP=0

usage() { sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES="$2"; shift ;;
        --sizes=*) SIZES="${1#--sizes=}" ;;
        --full) SIZES="$SIZES 100000" ;;
        --runs) RUNS="$2"; shift ;;
        --runs=*) RUNS="${1#--runs=}" ;;
        --rounds) ROUNDS="$2"; shift ;;
        --rounds=*) ROUNDS="${1#--rounds=}" ;;
        --edits) EDITS="$2"; shift ;;
        --edits=*) EDITS="${1#--edits=}" ;;
        --seed) SEED="$2"; shift ;;
        --seed=*) SEED="${1#--seed=}" ;;
        --no-hugo) HUGO=0 ;;
        --no-serve) SERVE=0 ;;
        --install-zola) INSTALL_ZOLA=1 ;;
        --no-write) WRITE=0 ;;
        --keep) KEEP=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench/run.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
# Sorted, without duplicates.
SIZES="$(printf '%s\n' $SIZES | sort -n -u | tr '\n' ' ')"
for v in $SIZES $ROUNDS $EDITS $SEED ${RUNS:-1}; do
    case "$v" in ''|*[!0-9]*) echo "bench/run.sh: not a number: $v" >&2; exit 2 ;; esac
done
[ "$ROUNDS" -ge 1 ] || ROUNDS=1

log() { echo "bench: $*" >&2; }
NOTES=""
note() { NOTES+="- $*"$'\n'; log "note: $*"; }

# --- tools ---------------------------------------------------------------
APT_UPDATED=0
apt_install() { # apt_install PACKAGE: as root, with apt; false otherwise
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
    log "installing $1 with apt-get"
    apt-get install -y -qq "$1" >&2 2>/dev/null && return 0
    [ "$APT_UPDATED" = 1 ] || { apt-get update -qq >&2 || true; APT_UPDATED=1; }
    apt-get install -y -qq "$1" >&2
}
need() { # need COMMAND DEBIAN-PACKAGE
    command -v "$1" >/dev/null 2>&1 || apt_install "$2" || true
    command -v "$1" >/dev/null 2>&1 || {
        echo "bench/run.sh: \`$1\` is missing: install the Debian package \`$2\`" >&2
        exit 2
    }
}
need hyperfine hyperfine
need /usr/bin/time time
need jq jq
need gzip gzip

if [ "$HUGO" = 1 ]; then
    command -v hugo >/dev/null 2>&1 || apt_install hugo || true
    if ! command -v hugo >/dev/null 2>&1; then
        HUGO=0
        note "Hugo skipped: \`hugo\` is missing and could not be installed (\`apt-get install hugo\` as root)."
    fi
fi
ZOLA=0
if command -v zola >/dev/null 2>&1; then
    ZOLA=1
elif [ "$INSTALL_ZOLA" = 1 ]; then
    log "cargo install --locked zola (long)"
    if cargo install --locked zola >&2; then ZOLA=1; else note "\`cargo install --locked zola\` failed: Zola skipped."; fi
fi
if [ "$ZOLA" = 0 ] && [ "$INSTALL_ZOLA" = 0 ]; then
    note "Zola skipped: not on PATH, and Debian has no \`zola\` package (\`apt-cache policy zola\`); \`bench/run.sh --install-zola\` builds it with \`cargo install\`."
fi

# --- where ---------------------------------------------------------------
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    WORK=/dev/shm/mostbook-bench
else
    WORK="${TMPDIR:-/tmp}/mostbook-bench"
    note "No writable /dev/shm: everything ran in $WORK, on disk (noisier timings)."
fi
rm -rf "$WORK"
mkdir -p "$WORK"
cleanup() { [ "$KEEP" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')

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
LATENCY=""
if [ "$SERVE" = 1 ]; then
    if [ -f "$ROOT/examples/serve_latency.rs" ]; then
        if cargo build --release --example serve_latency >&2; then
            LATENCY="$TARGET_DIR/release/examples/serve_latency"
        else
            note "Serve latency skipped: examples/serve_latency.rs does not build."
        fi
    else
        note "Serve latency skipped: examples/serve_latency.rs (the serve engineer's tool) is not there yet."
    fi
fi
# What was built: the commit, and whether the work tree differed from it.
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain -- src Cargo.toml Cargo.lock themes 2>/dev/null | wc -l)
# Copies of the binaries, so that a concurrent `cargo build` in the same
# target folder cannot swap them in the middle of the run.
mkdir -p "$WORK/bin"
cp "$BIN" "$GEN" "$FLOOR" ${LATENCY:+"$LATENCY"} "$WORK/bin/"
BIN="$WORK/bin/mostbook"
GEN="$WORK/bin/generate"
FLOOR="$WORK/bin/floor"
[ -z "$LATENCY" ] || LATENCY="$WORK/bin/serve_latency"

q() { printf '%q' "$1"; }
ms() { awk -v s="$1" 'BEGIN { if (s == "") print "n/a"; else printf "%.0f", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
mib() { awk -v k="$1" 'BEGIN { if (k == "") print "n/a"; else printf "%.0f", k / 1024 }'; }
human() { awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%.2f MiB", b / 1048576; else if (b >= 1024) printf "%.1f KiB", b / 1024; else printf "%d B", b }'; }
gz() { gzip -9c "$1" | wc -c; }

# Peak resident memory (KiB) of a run of the command, the largest of $1 runs.
peak_kib() { # peak_kib RUNS PREPARE COMMAND...
    local runs="$1" prepare="$2" best=0 kib
    shift 2
    for _ in $(seq "$runs"); do
        bash -c "$prepare"
        /usr/bin/time -v -o "$WORK/time.txt" "$@" >/dev/null 2>&1 || true
        kib=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")
        [ "${kib:-0}" -gt "$best" ] && best=$kib
    done
    echo "$best"
}

# Statistics of a command over every round's hyperfine JSON.
hstat() { # hstat SIZE NAME median|min|count|cpu
    local files=("$WORK"/hyperfine-"$1"-*.json)
    case "$3" in
        median) jq -s --arg n "$2" '[.[].results[] | select(.command == $n) | .times[]] | sort
            | if length == 0 then empty elif length % 2 == 1 then .[length / 2 | floor]
              else (.[length / 2 - 1] + .[length / 2]) / 2 end' "${files[@]}" ;;
        min) jq -s --arg n "$2" '[.[].results[] | select(.command == $n) | .times[]] | min // empty' "${files[@]}" ;;
        count) jq -s --arg n "$2" '[.[].results[] | select(.command == $n) | .times[]] | length' "${files[@]}" ;;
        cpu) jq -s --arg n "$2" '[.[].results[] | select(.command == $n) | {k: (.times | length), c: (.user + .system)}]
            | if length == 0 then empty else ([.[] | .k * .c] | add) / ([.[] | .k] | add) end' "${files[@]}" ;;
    esac
}

MAIN_ROWS=""
PLAYBOOKS=""
LOADS=""
TIMING_ROWS=""   # "size<TAB>phase<TAB>ms" lines
TIMING_RAW=""
WEIGHT=""
SERVE_ROWS=""
declare -A BUILD_MEDIAN BUILD_CPU BUILD_PEAK FLOOR_MEDIAN ZOLA_MEDIAN SERVE_MEDIAN RATIO_FLOOR

for N in $SIZES; do
    PB="$WORK/playbook-$N"
    LOADS+="${LOADS:+, }$N: $(cut -d' ' -f1 /proc/loadavg)"
    log "generating $N elements (seed $SEED)"
    "$GEN" "$N" "$PB" --seed "$SEED"
    FILES=$(find "$PB/content" -name '*.md' | wc -l)
    MB=$(du -sk --apparent-size "$PB/content" | awk '{ printf "%.1f", $1 / 1024 }')
    PLAYBOOKS+="${PLAYBOOKS:+; }$N elements: $FILES files, $MB MiB of Markdown"

    # name, command, output folder (emptied before each run)
    NAMES=()
    declare -A CMD=() OUTDIR=()
    add() { NAMES+=("$1"); CMD[$1]="$2"; OUTDIR[$1]="$3"; }

    # check: clean on the generated playbook?
    set +e
    "$BIN" check "$PB" --today "$TODAY" --format json >"$WORK/check.json" 2>"$WORK/check.err"
    rc=$?
    set -e
    IGNORE=()
    if jq -e 'has("errors")' "$WORK/check.json" >/dev/null 2>&1; then
        errors=$(jq .errors "$WORK/check.json")
        warnings=$(jq .warnings "$WORK/check.json")
        if [ "$rc" != 0 ] || [ "${errors:-0}" != 0 ] || [ "${warnings:-0}" != 0 ]; then
            note "$N: \`mostbook check\` exited $rc with ${errors:-?} errors and ${warnings:-?} warnings on the generated playbook (the generator should give none)."
            [ "$rc" = 0 ] || IGNORE=(-i)
        fi
        add check "$(q "$BIN") check $(q "$PB") --today $TODAY" ""
    else
        note "$N: \`mostbook check\` unavailable (exit $rc: $(head -c 200 "$WORK/check.err" | tr '\n' ' '))."
    fi

    # build: must write index.html
    OUT="$WORK/site-$N"
    set +e
    "$BIN" build "$PB" -o "$OUT" --today "$TODAY" >"$WORK/build.out" 2>"$WORK/build.err"
    rc=$?
    set -e
    if [ "$rc" = 0 ] && [ -f "$OUT/index.html" ]; then
        add build "$(q "$BIN") build $(q "$PB") -o $(q "$OUT") --today $TODAY" "$OUT"
    else
        note "$N: \`mostbook build\` failed (exit $rc: $(cat "$WORK/build.err" "$WORK/build.out" | head -c 300 | tr '\n' ' '))."
    fi

    add floor "$(q "$FLOOR") $(q "$PB") $(q "$WORK/floor-$N")" "$WORK/floor-$N"
    # The floor plus the front-matter parsed as mostbook must (serde-saphyr, spanned).
    add floor-fm "$(q "$FLOOR") --front-matter $(q "$PB") $(q "$WORK/floor-fm-$N")" "$WORK/floor-fm-$N"
    # …and each page dressed in the default theme's base.html with Tera 2.
    add floor-theme "$(q "$FLOOR") --theme $(q "$PB") $(q "$WORK/floor-theme-$N")" "$WORK/floor-theme-$N"

    if [ "$HUGO" = 1 ]; then
        HSITE="$WORK/hugo-site-$N"
        HOUT="$WORK/hugo-$N"
        "$ROOT/bench/anchor-site.sh" hugo "$PB" "$HSITE"
        HCMD="hugo --source $(q "$HSITE") --destination $(q "$HOUT") --cacheDir $(q "$WORK/hugo-cache") --quiet"
        if bash -c "$HCMD" >"$WORK/hugo.log" 2>&1 && [ -f "$HOUT/index.html" ]; then
            pages=$(find "$HOUT" -name '*.html' | wc -l)
            [ "$pages" -ge "$FILES" ] || note "$N: Hugo wrote $pages pages for $FILES files."
            add hugo "$HCMD" "$HOUT"
        else
            note "$N: Hugo failed: $(head -c 300 "$WORK/hugo.log" | tr '\n' ' ')"
        fi
    fi
    if [ "$ZOLA" = 1 ]; then
        ZSITE="$WORK/zola-site-$N"
        ZOUT="$WORK/zola-$N"
        "$ROOT/bench/anchor-site.sh" zola "$PB" "$ZSITE"
        ZCMD="zola --root $(q "$ZSITE") build --output-dir $(q "$ZOUT")"
        if bash -c "$ZCMD" >"$WORK/zola.log" 2>&1 && [ -f "$ZOUT/index.html" ]; then
            pages=$(find "$ZOUT" -name '*.html' | wc -l)
            [ "$pages" -ge "$FILES" ] || note "$N: Zola wrote $pages pages for $FILES files."
            add zola "$ZCMD" "$ZOUT"
        else
            note "$N: Zola failed: $(head -c 300 "$WORK/zola.log" | tr '\n' ' ')"
        fi
    fi

    # --- time: every command in each round, outputs emptied before each run
    if [ -n "$RUNS" ]; then total=$RUNS
    elif [ "$N" -le 1000 ]; then total=12
    elif [ "$N" -le 10000 ]; then total=6
    else total=3
    fi
    rounds=$ROUNDS
    [ "$rounds" -le "$total" ] || rounds=$total
    warmup=1
    [ "$N" -le 10000 ] || warmup=0
    args=()
    for name in "${NAMES[@]}"; do
        if [ -n "${OUTDIR[$name]}" ]; then
            args+=(--prepare "rm -rf $(q "${OUTDIR[$name]}")")
        else
            args+=(--prepare true)
        fi
    done
    for name in "${NAMES[@]}"; do args+=(-n "$name" "${CMD[$name]}"); done
    done_runs=0
    for r in $(seq "$rounds"); do
        runs=$(( (total - done_runs) / (rounds - r + 1) ))
        done_runs=$((done_runs + runs))
        w=0
        [ "$r" != 1 ] || w=$warmup
        log "$N elements, round $r/$rounds: ${NAMES[*]} ($runs runs each)"
        hyperfine --style basic --warmup "$w" --runs "$runs" "${IGNORE[@]}" \
            --export-json "$WORK/hyperfine-$N-$r.json" "${args[@]}" >&2
    done

    # --- peak memory
    rss_runs=3
    [ "$N" -le 10000 ] || rss_runs=1
    declare -A MED=() PEAK=()
    for name in "${NAMES[@]}"; do
        MED[$name]=$(hstat "$N" "$name" median)
        prep=true
        [ -z "${OUTDIR[$name]}" ] || prep="rm -rf $(q "${OUTDIR[$name]}")"
        log "$N elements: peak memory of $name"
        PEAK[$name]=$(peak_kib "$rss_runs" "$prep" bash -c "exec ${CMD[$name]}")
    done
    FLOOR_MEDIAN[$N]=${MED[floor]:-}
    BUILD_MEDIAN[$N]=${MED[build]:-}
    BUILD_CPU[$N]=$( [ -z "${MED[build]:-}" ] || hstat "$N" build cpu)
    BUILD_PEAK[$N]=${PEAK[build]:-}
    ZOLA_MEDIAN[$N]=${MED[zola]:-}
    RATIO_FLOOR[$N]=$(ratio "${MED[build]:-}" "${MED[floor]:-}")

    for name in "${NAMES[@]}"; do
        target=""
        case "$name:$N" in
            build:10000) target="≤ 2.5× floor; ≤ 200 MiB; ≥ 4× faster than Zola" ;;
            build:100000) target="≤ 11× the 10k build; ≤ 1024 MiB" ;;
        esac
        label="\`$name\`"
        [ "$name" != build ] && [ "$name" != check ] || label="\`mostbook $name\`"
        MAIN_ROWS+="| $N | $label | $(ms "${MED[$name]}") | $(ms "$(hstat "$N" "$name" min)") | $(ms "$(hstat "$N" "$name" cpu)") | $(ratio "${MED[$name]}" "${MED[floor]:-}") | $(ratio "${MED[$name]}" "${MED[hugo]:-}") | $(mib "${PEAK[$name]}") | $(hstat "$N" "$name" count) | $target |"$'\n'
    done

    # --- where a build spends its time: MOSTBOOK_TIMINGS=1 builds (3 at
    # ≤ 10k, 1 above), the median of each phase; the last one's stderr kept
    if [ -n "${CMD[build]:-}" ]; then
        tb=3
        [ "$N" -le 10000 ] || tb=1
        log "$N elements: $tb builds with MOSTBOOK_TIMINGS=1"
        : >"$WORK/timings-$N.tsv"
        for t in $(seq "$tb"); do
            rm -rf "$OUT"
            MOSTBOOK_TIMINGS=1 "$BIN" build "$PB" -o "$OUT" --today "$TODAY" >/dev/null 2>"$WORK/timings-$N.txt" || true
            awk -v t="$t" '/^timing / {
                    ms = $(NF - 1); line = $0
                    sub(/^timing +/, "", line); sub(/ +[0-9.]+ ms *$/, "", line)
                    print t "\t" line "\t" ms }' "$WORK/timings-$N.txt" >>"$WORK/timings-$N.tsv"
        done
        TIMING_RAW+="#### $N elements"$'\n\n```text\n'"$(cat "$WORK/timings-$N.txt")"$'\n```\n\n'
        # size, phase, median over the builds (phases in first-seen order)
        TIMING_ROWS+=$(awk -F'\t' -v n="$N" '
            { if (!($2 in seen)) { seen[$2] = 1; order[++k] = $2 }; c = ++cnt[$2]; v[$2, c] = $3 }
            END {
                for (i = 1; i <= k; i++) {
                    p = order[i]; m = cnt[p]
                    for (a = 1; a <= m; a++) x[a] = v[p, a]
                    for (a = 2; a <= m; a++) { y = x[a]; b = a - 1; while (b > 0 && x[b] + 0 > y + 0) { x[b + 1] = x[b]; b-- }; x[b + 1] = y }
                    med = (m % 2) ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2
                    printf "%s\t%s\t%.1f\n", n, p, med
                }
            }' "$WORK/timings-$N.tsv")$'\n'

        # --- page weight, from that build
        css_js=0; css_js_gz=0; assets=""
        for a in $(grep -o '<link rel="stylesheet" href="[^"]*"\|<script [^>]*src="[^"]*"' "$OUT/index.html" \
            | grep -o '\(href\|src\)="[^"]*"' | sed 's/^[a-z]*="//; s/"$//; s/[?#].*//' | sort -u); do
            [ -f "$OUT/$a" ] || continue
            css_js=$((css_js + $(stat -c %s "$OUT/$a")))
            css_js_gz=$((css_js_gz + $(gz "$OUT/$a")))
            assets+="${assets:+, }\`$a\`"
        done
        index=$(stat -c %s "$OUT/index.html")
        index_gz=$(gz "$OUT/index.html")
        # element pages: out/X.html for every content/X.md
        (cd "$PB/content" && find . -name '*.md' | sed 's/\.md$/.html/') \
            | (cd "$OUT" && xargs stat -c '%s %n' 2>/dev/null) | sort -n >"$WORK/element-sizes.txt"
        count=$(wc -l <"$WORK/element-sizes.txt")
        largest=$(tail -1 "$WORK/element-sizes.txt")
        median_el=$(awk -v n="$count" 'NR == int((n + 1) / 2) { print $1 }' "$WORK/element-sizes.txt")
        largest_path=${largest#* }
        largest_path=${largest_path#./}
        WEIGHT+="| $N | \`index.html\` | $(human "$index") | $(human "$index_gz") |"$'\n'
        if [ -n "$assets" ]; then
            WEIGHT+="| $N | \`index.html\` + $assets (first visit) | $(human $((index + css_js))) | $(human $((index_gz + css_js_gz))) |"$'\n'
        fi
        WEIGHT+="| $N | largest element page (\`$largest_path\`) | $(human "${largest%% *}") | $(human "$(gz "$OUT/$largest_path")") |"$'\n'
        WEIGHT+="| $N | median element page (of $count) | $(human "${median_el:-0}") | |"$'\n'
        for f in search-index.js playbook.json print.html; do
            [ -f "$OUT/$f" ] && WEIGHT+="| $N | \`$f\` | $(human "$(stat -c %s "$OUT/$f")") | $(human "$(gz "$OUT/$f")") |"$'\n'
        done
        total_kib=$(du -sk --apparent-size "$OUT" | cut -f1)
        WEIGHT+="| $N | whole site ($(find "$OUT" -type f | wc -l) files) | $(human $((total_kib * 1024))) | |"$'\n'
    fi

    # --- edit-to-visible in serve
    if [ -n "$LATENCY" ] && { [ "$N" = 1000 ] || [ "$N" = 10000 ]; }; then
        log "$N elements: serve latency, $EDITS edits"
        if "$LATENCY" "$BIN" "$PB" "$WORK/serve-$N" --edits "$EDITS" >"$WORK/serve-$N.txt" 2>"$WORK/serve-$N.err"; then
            cat "$WORK/serve-$N.txt" >&2
            field() { # field LABEL STAT
                awk -v l="$1" -v s="$2" 'index($0, l) == 1 {
                    for (i = 1; i < NF; i++) if ($i == s) { print $(i + 1); exit } }' "$WORK/serve-$N.txt"
            }
            SERVE_MEDIAN[$N]=$(field "page served" median)
            target=""
            [ "$N" != 10000 ] || target="≤ 150 ms"
            SERVE_ROWS+="| $N | $(field "reload event" median) | $(field "page served" median) | $(field "page served" p90) | $(field "page served" max) | $(field "minus build" median) | $target |"$'\n'
        else
            note "$N: serve latency failed: $(tail -c 300 "$WORK/serve-$N.err" | tr '\n' ' ')"
        fi
    fi

    [ "$KEEP" = 1 ] || rm -rf "$PB" "$WORK"/site-"$N" "$WORK"/floor-"$N" "$WORK"/floor-fm-"$N" "$WORK"/floor-theme-"$N" "$WORK"/hugo-*"$N" "$WORK"/zola-*"$N" "$WORK"/serve-"$N"
    unset CMD OUTDIR MED PEAK
done

# --- targets -------------------------------------------------------------
verdict() { # verdict MEASURED OP LIMIT
    awk -v m="$1" -v op="$2" -v l="$3" 'BEGIN {
        if (m == "" || m == "n/a") { print "not measured"; exit }
        ok = (op == "<=") ? (m + 0 <= l + 0) : (m + 0 >= l + 0)
        print ok ? "yes" : "**no**" }'
}
TARGETS=""
if [ -n "${BUILD_MEDIAN[10000]:-}" ]; then
    r=${RATIO_FLOOR[10000]}
    TARGETS+="| build at 10k ≤ 2.5× the floor | ${r}× ($(ms "${BUILD_MEDIAN[10000]}") ms vs $(ms "${FLOOR_MEDIAN[10000]}") ms) | $(verdict "$r" "<=" 2.5) |"$'\n'
    if [ -n "${ZOLA_MEDIAN[10000]:-}" ]; then
        z=$(ratio "${ZOLA_MEDIAN[10000]}" "${BUILD_MEDIAN[10000]}")
        TARGETS+="| build at 10k ≥ 4× faster than Zola | Zola / build = ${z}× | $(verdict "$z" ">=" 4) |"$'\n'
    else
        TARGETS+="| build at 10k ≥ 4× faster than Zola | Zola not run | not measured |"$'\n'
    fi
    p=$(mib "${BUILD_PEAK[10000]}")
    TARGETS+="| peak memory at 10k ≤ 200 MiB | $p MiB | $(verdict "$p" "<=" 200) |"$'\n'
else
    TARGETS+="| build at 10k ≤ 2.5× the floor | 10k not run | not measured |"$'\n'
fi
if [ -n "${BUILD_MEDIAN[100000]:-}" ] && [ -n "${BUILD_MEDIAN[10000]:-}" ]; then
    s=$(ratio "${BUILD_MEDIAN[100000]}" "${BUILD_MEDIAN[10000]}")
    c=$(ratio "${BUILD_CPU[100000]}" "${BUILD_CPU[10000]}")
    TARGETS+="| 100k costs ≤ 11× 10k (linear) | ${s}× in wall time ($(ms "${BUILD_MEDIAN[100000]}") ms), ${c}× in CPU time | $(verdict "$s" "<=" 11) |"$'\n'
    p=$(mib "${BUILD_PEAK[100000]}")
    TARGETS+="| peak memory at 100k ≤ 1 GiB | $p MiB | $(verdict "$p" "<=" 1024) |"$'\n'
else
    TARGETS+="| 100k costs ≤ 11× 10k (linear) | 100k not run (\`--full\`) | not measured |"$'\n'
    TARGETS+="| peak memory at 100k ≤ 1 GiB | 100k not run (\`--full\`) | not measured |"$'\n'
fi
if [ -n "${SERVE_MEDIAN[10000]:-}" ]; then
    TARGETS+="| edit-to-visible at 10k ≤ 150 ms | ${SERVE_MEDIAN[10000]} ms (median) | $(verdict "${SERVE_MEDIAN[10000]}" "<=" 150) |"$'\n'
else
    TARGETS+="| edit-to-visible at 10k ≤ 150 ms | not run | not measured |"$'\n'
fi

# --- phase table: one row per phase, one column per size -------------------
PHASES=""
if [ -n "$TIMING_ROWS" ]; then
    PHASES=$(printf '%s' "$TIMING_ROWS" | awk -F'\t' -v sizes="$SIZES" '
        BEGIN {
            # Known phases in the order of a build, nested ones after their
            # parent; phases the script does not know yet follow, as seen.
            n = split("analyze|load|resolve|check|theme|render|pages|element pages|overview|network pages|matrix|calendar|print|print data|print tera|data files|commit", known, "|")
            for (i = 1; i <= n; i++) { order[i] = known[i]; seen[known[i]] = 1 }
        }
        NF == 3 {
            if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }
            v[$1, $2] = $3; found[$2] = 1
        }
        END {
            k = split(sizes, s, " ")
            head = "| phase |"; rule = "|---|"
            for (j = 1; j <= k; j++) { head = head " " s[j] " (ms) |"; rule = rule "---:|" }
            print head; print rule
            for (i = 1; i <= n; i++) {
                if (!(order[i] in found)) continue
                line = "| " order[i] " |"
                for (j = 1; j <= k; j++) line = line " " ((s[j], order[i]) in v ? v[s[j], order[i]] : "") " |"
                print line
            }
        }')
fi

# --- report --------------------------------------------------------------
CPU=$(awk -F': *' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
MEM=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
REV_TEXT="\`$REV\`"
[ "$DIRTY" = 0 ] || REV_TEXT+=" plus uncommitted changes to $DIRTY files under src/, themes/ or Cargo.*"
HUGO_V="not run"
[ "$HUGO" = 0 ] || HUGO_V=$(hugo version 2>/dev/null | awk '{ print $2 }')
ZOLA_V="not run"
[ "$ZOLA" = 0 ] || ZOLA_V=$(zola --version 2>/dev/null | awk '{ print $2 }')
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v a="${LOAD_START%% *}" -v b="${LOAD_END%% *}" -v c="$(nproc)" 'BEGIN { exit !(a > c / 2 || b > c / 2) }'; then
    note "The machine was shared and loaded (load average $LOAD_START at the start, $LOAD_END at the end, on $(nproc) cores): absolute times are inflated and noisy; ratios from the same run hold better."
fi

REPORT=$(
    echo "### Run of $STARTED"
    echo
    echo "- machine: $(nproc) cores, ${CPU:-unknown CPU}, ${MEM:-? GiB}; load average $LOAD_START at the start, $LOAD_END at the end (1-minute load when each size started: $LOADS)"
    echo "- mostbook $REV_TEXT, $(rustc --version 2>/dev/null | awk '{ print $1, $2 }'), release profile"
    echo "- Hugo $HUGO_V; Zola $ZOLA_V; $(hyperfine --version)"
    echo "- playbooks: $PLAYBOOKS"
    echo "- \`bench/run.sh --sizes \"${SIZES% }\" --rounds $ROUNDS${RUNS:+ --runs $RUNS} --seed $SEED\`; playbooks from \`examples/generate.rs\`, \`--today $TODAY\`; all files under $WORK"
    echo
    echo "#### Time and memory"
    echo
    echo "| elements | command | median (ms) | min (ms) | CPU (ms) | × floor | × Hugo | peak RSS (MiB) | runs | target (issue 6) |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"
    printf '%s' "$MAIN_ROWS"
    echo
    echo "#### Targets"
    echo
    echo "| target | measured | met |"
    echo "|---|---|---|"
    printf '%s' "$TARGETS"
    if [ -n "$SERVE_ROWS" ]; then
        echo
        echo "#### Edit-to-visible in \`mostbook serve\` (ms, $EDITS saves of one tactic)"
        echo
        echo "| elements | reload event, median | page served, median | p90 | max | page served minus build, median | target |"
        echo "|---:|---:|---:|---:|---:|---:|---|"
        printf '%s' "$SERVE_ROWS"
    fi
    if [ -n "$WEIGHT" ]; then
        echo
        echo "#### Page weight"
        echo
        echo "| elements | file | bytes | gzip -9 |"
        echo "|---:|---|---:|---:|"
        printf '%s' "$WEIGHT"
    fi
    if [ -n "$PHASES" ]; then
        echo
        echo "#### Phase breakdown (\`MOSTBOOK_TIMINGS=1\`)"
        echo
        echo "Wall time of each phase as the build prints it, median of 3 builds (1 above 10k). Phases nest — \`analyze\` = load + resolve + check; \`render\` holds \`pages\`, which runs \`element pages\` beside the other page groups (overview … data files) in parallel; \`print\` holds \`print data\` and \`print tera\` — so a column does not add up."
        echo
        printf '%s\n' "$PHASES"
        echo
        echo "<details><summary>stderr of the last of those builds, per size</summary>"
        echo
        printf '%s' "$TIMING_RAW"
        echo "</details>"
    fi
    if [ -n "$NOTES" ]; then
        echo
        echo "#### Notes from the script"
        echo
        printf '%s' "$NOTES" | awk '!seen[$0]++'
    fi
)

printf '%s\n' "$REPORT"

if [ "$WRITE" = 1 ]; then
    DOC="$ROOT/BENCHMARKS.md"
    BEGIN_MARK="<!-- bench/run.sh results: begin -->"
    END_MARK="<!-- bench/run.sh results: end -->"
    [ -f "$DOC" ] || printf '# Benchmarks\n\n## Results\n\n%s\n%s\n' "$BEGIN_MARK" "$END_MARK" >"$DOC"
    if ! grep -qF "$BEGIN_MARK" "$DOC" || ! grep -qF "$END_MARK" "$DOC"; then
        printf '\n## Results\n\n%s\n%s\n' "$BEGIN_MARK" "$END_MARK" >>"$DOC"
    fi
    printf '%s\n' "$REPORT" >"$WORK/report.md"
    awk -v b="$BEGIN_MARK" -v e="$END_MARK" -v f="$WORK/report.md" '
        $0 == b { print; print ""; while ((getline line < f) > 0) print line; print ""; skip = 1; next }
        $0 == e { skip = 0 }
        !skip { print }' "$DOC" >"$WORK/doc.md"
    cp "$WORK/doc.md" "$DOC"
    log "results written into $DOC"
fi
