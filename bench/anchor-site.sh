#!/usr/bin/env bash
# Turns a mostbook playbook into the Hugo or Zola site that bench/run.sh
# times as its anchor: the same Markdown bodies as plain pages, front-matter
# reduced to the title, with the minimal layouts of bench/hugo/ or
# bench/zola/.
#
#   bench/anchor-site.sh hugo|zola PLAYBOOK_DIR SITE_DIR
#
# SITE_DIR must not exist yet. The skeleton (config.toml, layouts/ or
# templates/) is copied from bench/hugo/ or bench/zola/, and content/
# mirrors PLAYBOOK_DIR/content/ file for file: only the `title:` line of each
# front-matter is kept (mostbook's generator writes it on one line, as a
# double-quoted string that is valid YAML and TOML alike), and the body after
# the closing `---` is copied byte for byte.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# = 3 ] || { echo "usage: bench/anchor-site.sh hugo|zola PLAYBOOK_DIR SITE_DIR" >&2; exit 2; }
KIND="$1"
case "$KIND" in
    hugo) SKELETON=("$HERE/hugo/config.toml" "$HERE/hugo/layouts") ;;
    zola) SKELETON=("$HERE/zola/config.toml" "$HERE/zola/templates") ;;
    *) echo "bench/anchor-site.sh: hugo or zola, not $KIND" >&2; exit 2 ;;
esac
SRC="$(cd "$2/content" && pwd)"
SITE="$3"
[ ! -e "$SITE" ] || { echo "bench/anchor-site.sh: $SITE already exists" >&2; exit 2; }

mkdir -p "$SITE/content"
cp -r "${SKELETON[@]}" "$SITE/"
SITE="$(cd "$SITE" && pwd)"

cd "$SRC"
find . -type d -print0 | (cd "$SITE/content" && xargs -0 mkdir -p)
# One awk per batch of files (xargs); each file goes to the same relative
# path under the site's content/. Hugo reads YAML front-matter between
# `---` lines; Zola gets TOML between `+++` lines (`title = "…"`).
find . -type f -name '*.md' -print0 | xargs -0 awk -v out="$SITE/content" -v kind="$KIND" '
    function head(line) {
        if (kind == "zola") {
            sub(/^title:[ \t]*/, "title = ", line)
            printf "+++\n%s\n+++\n", line > target
        } else {
            printf "---\n%s\n---\n", line > target
        }
    }
    FNR == 1 {
        if (target != "") close(target)
        target = out "/" substr(FILENAME, 3)
        title = ""
        if ($0 == "---" || $0 == "---\r") { state = 1; next }
        state = 2
        head("title: \"\"")
    }
    state == 1 {
        if ($0 == "---" || $0 == "---\r") {
            head(title == "" ? "title: \"\"" : title)
            state = 2
        } else if ($0 ~ /^title:/) {
            title = $0
            sub(/\r$/, "", title)
        }
        next
    }
    { print > target }
    END { if (target != "") close(target) }'
