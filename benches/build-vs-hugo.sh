#!/usr/bin/env bash
# Whole-site build benchmark: Haven vs Hugo on the same generated corpus (issue 6).
#
# Usage:
#   benches/build-vs-hugo.sh [ARTICLES ...]        # default: 10000
#   benches/build-vs-hugo.sh 1000 10000 100000
#   RUNS=10 BENCH_DIR=/var/tmp/hb benches/build-vs-hugo.sh 10000
#
# For each article count N it:
#   1. generates (once, cached) a corpus with ../shared/bench/gen-corpus.py into
#      $BENCH_DIR/corpus-N/content and writes its site.yaml (a copy of benches/corpus-site.yaml);
#   2. prepares (once, cached) a Hugo site in $BENCH_DIR/hugo-N: a copy of
#      ../shared/bench/hugo/ with the same content/;
#   3. times with hyperfine (median of RUNS runs after WARMUP warmup runs)
#        haven build --root $BENCH_DIR/corpus-N --output OUT/haven
#        hugo --quiet -s $BENCH_DIR/hugo-N -d OUT/hugo
#      with OUT on disk ($BENCH_DIR/out-N) and on tmpfs (/dev/shm/haven-bench/N). The content
#      stays on disk (it is in the page cache after the first run); only the output moves. Each
#      generator's output of a previous build is present during the timed runs (the normal case
#      for a user: the script builds once before timing, and so does the warmup). Before each
#      run (untimed) it waits for Haven's background removal of the previous output, if any, and
#      runs `sync`, so that no run pays for the previous one's clean-up or writeback;
#   4. measures the peak RSS of one build of each with /usr/bin/time -v;
#   5. times `haven check --root $BENCH_DIR/corpus-N`, if this haven has that subcommand.
# At the end it prints a Markdown table (case, medians, Hugo/Haven ratio, peak RSS) to paste into
# the README. hyperfine's JSON exports and the table are kept in $BENCH_DIR/results/.
#
# Environment:
#   BENCH_DIR  work folder (default /tmp/haven-bench): corpora, Hugo sites, outputs, results.
#              Nothing outside it and /dev/shm/haven-bench is written (besides cargo's target/).
#   SHARED     the shared folder (default: <repo>/../shared).
#   RUNS       timed runs per command (default 5); WARMUP warmup runs (default 1).
#   HAVEN      a haven binary to use instead of building this checkout with
#              `cargo build --release` (the built binary is copied to $BENCH_DIR/bin so a
#              concurrent rebuild cannot change it mid-benchmark).
#   SKIP_TMPFS=1 / SKIP_DISK=1  leave one of the two cases out.
#   PREPARE_ONLY=1  build haven and prepare the corpora and Hugo sites, then stop (to do the
#              slow generation while the machine is busy and measure later).
#
# Needs: python3, hyperfine (Debian package `hyperfine`), /usr/bin/time (Debian package `time`,
# only for peak RSS), hugo (Debian package `hugo`; without it only Haven is timed).
# The machine should be otherwise idle: the CPU use of other processes is printed (and warned
# about above 10%) before each measurement.

# The whole script is one block, read completely before it runs: editing this file while a run is
# going (git checkout, an editor) cannot change what that run executes.
{
set -euo pipefail

die() {
    echo "build-vs-hugo: $*" >&2
    exit 1
}
note() { echo "==> $*" >&2; }

ROOT=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel) \
    || die "run this script from inside the haven repository"
SHARED=${SHARED:-$ROOT/../shared}
BENCH_DIR=${BENCH_DIR:-/tmp/haven-bench}
SHM_ROOT=/dev/shm/haven-bench
SHM_DIR=$SHM_ROOT/run-$$ # this run's tmpfs outputs, removed on exit
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
SKIP_TMPFS=${SKIP_TMPFS:-0}
SKIP_DISK=${SKIP_DISK:-0}
PREPARE_ONLY=${PREPARE_ONLY:-0}

GEN=$SHARED/bench/gen-corpus.py
HUGO_TEMPLATE=$SHARED/bench/hugo
SITE_YAML=$ROOT/benches/corpus-site.yaml

if [ $# -eq 0 ]; then
    set -- 10000
fi
for n in "$@"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "article counts must be positive integers, got '$n'"
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
[[ $WARMUP =~ ^[0-9]+$ ]] || die "WARMUP must be a non-negative integer, got '$WARMUP'"

# --- tools -------------------------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 is required (gen-corpus.py and result parsing)"
command -v hyperfine >/dev/null || die "hyperfine is required: apt-get install hyperfine"
[ -f "$GEN" ] || die "$GEN not found (set SHARED=path/to/shared)"
[ -f "$SITE_YAML" ] || die "$SITE_YAML not found"
HAVE_HUGO=0
if command -v hugo >/dev/null; then
    if [ -d "$HUGO_TEMPLATE" ]; then
        HAVE_HUGO=1
    else
        note "$HUGO_TEMPLATE not found: timing Haven only"
    fi
else
    note "hugo is not installed (apt-get install hugo): timing Haven only"
fi
HAVE_TIME=0
if [ -x /usr/bin/time ]; then
    HAVE_TIME=1
else
    note "/usr/bin/time not found (apt-get install time): no peak RSS"
fi
if [ "$SKIP_TMPFS" != 1 ] && [ "$(stat -f -c %T /dev/shm 2>/dev/null || true)" != tmpfs ]; then
    note "/dev/shm is not a tmpfs: skipping the tmpfs case"
    SKIP_TMPFS=1
fi

# --- the work folder ---------------------------------------------------------------------------
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd -P)
[ "$BENCH_DIR" != / ] || die "BENCH_DIR must not be /"
[[ $BENCH_DIR != *[[:space:]]* ]] || die "BENCH_DIR must not contain spaces (hyperfine splits commands)"
RESULTS=$BENCH_DIR/results
mkdir -p "$BENCH_DIR/bin" "$RESULTS"
# Hugo keeps a module/resource cache; keep it in the work folder too.
export HUGO_CACHEDIR=$BENCH_DIR/hugo-cache

# Removes a path only if it is inside BENCH_DIR or this run's SHM_DIR.
remove() {
    local p
    for p in "$@"; do
        case "$p" in
        "$BENCH_DIR"/?* | "$SHM_DIR" | "$SHM_DIR"/?*) rm -rf -- "$p" ;;
        *) die "refusing to remove $p (outside $BENCH_DIR and $SHM_DIR)" ;;
        esac
    done
}
cleanup_shm() { [ -d "$SHM_DIR" ] && rm -rf -- "$SHM_DIR"; return 0; }
trap cleanup_shm EXIT

# One run at a time on this machine: two runs at once would share the CPUs and the disk (and a
# BENCH_DIR), and both would measure nonsense. The lock file stays; it is empty.
mkdir -p "$SHM_ROOT"
exec 9>"$SHM_ROOT/.lock"
if ! flock -n 9; then
    note "another build-vs-hugo.sh is running on this machine; waiting for it to finish"
    flock 9
fi

# --- haven -------------------------------------------------------------------------------------
HAVEN_BIN=$BENCH_DIR/bin/haven
if [ -n "${HAVEN:-}" ]; then
    [ -x "$HAVEN" ] || die "HAVEN=$HAVEN is not an executable"
    cp -f "$HAVEN" "$HAVEN_BIN"
    HAVEN_VERSION="$HAVEN"
else
    note "building haven (cargo build --release) in $ROOT"
    (cd "$ROOT" && cargo build --release --quiet --bin haven) ||
        die "cargo build --release failed (or pass a binary with HAVEN=path/to/haven)"
    target_dir=$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
    cp -f "$target_dir/release/haven" "$HAVEN_BIN"
    HAVEN_VERSION="$(git -C "$ROOT" rev-parse --short HEAD)"
    if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no -- src Cargo.toml Cargo.lock themes)" ]; then
        HAVEN_VERSION+=" + uncommitted changes"
    fi
fi

# `haven build` keeps the output it replaces as `.NAME.haven-spare` for the next build to reuse;
# a previous output it could not keep (`.NAME.haven-old-*`) is removed by a background process
# after the build returns. Before each timed run, wait until no such folder is left beside the
# outputs, then sync: no run pays for the previous one's clean-up or writeback, as for a user
# whose last build was a while ago. (hyperfine --prepare runs this file.)
SETTLE=$BENCH_DIR/bin/settle
cat >"$SETTLE" <<'EOF'
#!/usr/bin/env bash
# settle DIR...: waits (at most 10 minutes) until DIR has no `.*.haven-old-*` entry, then syncs.
for dir in "$@"; do
    for _ in $(seq 6000); do
        compgen -G "$dir/.*.haven-old-*" >/dev/null || break
        sleep 0.1
    done
done
sync
EOF
chmod +x "$SETTLE"

sha() { sha256sum | cut -c1-16; }
GEN_KEY=$(sha <"$GEN")
HUGO_KEY=none
if [ "$HAVE_HUGO" = 1 ]; then
    HUGO_KEY=$(cd "$HUGO_TEMPLATE" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha)
fi

# --- corpora and sites (cached by article count and generator/template version) ----------------
prepare_corpus() {
    local n=$1 dir=$BENCH_DIR/corpus-$1 key="articles=$1 gen=$GEN_KEY"
    if [ "$(cat "$dir/.complete" 2>/dev/null)" != "$key" ]; then
        note "generating a corpus of $n articles in $dir"
        remove "$dir"
        mkdir -p "$dir"
        python3 "$GEN" --articles "$n" --out "$dir" >&2
        echo "$key" >"$dir/.complete"
    fi
    cp -f "$SITE_YAML" "$dir/site.yaml"
}

prepare_hugo() {
    local n=$1 dir=$BENCH_DIR/hugo-$1 key="articles=$1 gen=$GEN_KEY hugo=$HUGO_KEY"
    if [ "$(cat "$dir/.complete" 2>/dev/null)" != "$key" ]; then
        note "preparing the Hugo site for $n articles in $dir"
        remove "$dir"
        mkdir -p "$dir"
        cp -R "$HUGO_TEMPLATE/." "$dir/"
        chmod -R u+w "$dir" # shared/ is read-only
        cp -R "$BENCH_DIR/corpus-$n/content" "$dir/content"
        echo "$key" >"$dir/.complete"
    fi
}

# --- measurements ------------------------------------------------------------------------------
median() { # JSON file, command name → median seconds
    python3 - "$1" "$2" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    if r["command"] == sys.argv[2]:
        print(r["median"])
        break
EOF
}

fmt_s() { python3 -c 'import sys; v=float(sys.argv[1]); print(f"{v:.3f} s" if v < 10 else f"{v:.2f} s")' "$1"; }

peak_rss() { # command... → "123 MB" (one run)
    if [ "$HAVE_TIME" != 1 ]; then
        echo "n/a"
        return
    fi
    local log
    log=$(mktemp "$BENCH_DIR/time.XXXXXX")
    # A failing command still has a peak RSS (`haven check` exits 1 on a site with errors).
    /usr/bin/time -v "$@" >/dev/null 2>"$log" || true
    awk -F': ' '/Maximum resident set size/ { printf "%d MB\n", $2 / 1024 }' "$log"
    remove "$log"
}

commas() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

# The share of CPU time other processes use over one second, as "12%"; warns above 10%.
# (The load average would count this script's own previous runs.)
machine_busy() {
    local a b
    sync # the writeback of the builds before is not "other processes"
    a=$(head -n1 /proc/stat)
    sleep 1
    b=$(head -n1 /proc/stat)
    python3 - "$a" "$b" <<'EOF'
import sys
a, b = ([int(x) for x in s.split()[1:]] for s in sys.argv[1:3])
d = [y - x for x, y in zip(a, b)]
idle = d[3] + d[4]  # idle + iowait
busy = 100 * (1 - idle / max(1, sum(d)))
print(f"{busy:.0f}% of the CPUs busy")
if busy > 10:
    print("build-vs-hugo: warning: other processes use the CPUs: the numbers may be noisy",
          file=sys.stderr)
EOF
}

ROWS=()
declare -A TMPFS_MEDIAN=()

run_case() { # N, case name (disk|tmpfs), output folder
    local n=$1 where=$2 out=$3
    local corpus=$BENCH_DIR/corpus-$n hugo_site=$BENCH_DIR/hugo-$n
    local json=$RESULTS/build-$n-$where.json
    mkdir -p "$out"
    local haven_cmd="$HAVEN_BIN build --root $corpus --output $out/haven"
    local hugo_cmd="hugo --quiet -s $hugo_site -d $out/hugo"

    note "$n articles, output on $where: one build of each first (an existing output is the normal case)"
    local log=$BENCH_DIR/build.log
    if ! "$HAVEN_BIN" build --root "$corpus" --output "$out/haven" >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        die "haven build failed (whole output in $log)"
    fi
    tail -n 1 "$log" >&2
    "$SETTLE" "$out"
    local args=(-n haven "$haven_cmd")
    if [ "$HAVE_HUGO" = 1 ]; then
        hugo --quiet -s "$hugo_site" -d "$out/hugo" >&2 || die "hugo failed"
        args+=(-n hugo "$hugo_cmd")
    fi
    note "before: $(machine_busy); hyperfine --warmup $WARMUP --runs $RUNS (settled and synced before each run)"
    hyperfine --shell=none --prepare "$SETTLE $out" --warmup "$WARMUP" --runs "$RUNS" --export-json "$json" \
        "${args[@]}" >&2

    local h g="" ratio="—" h_rss g_rss="—"
    h=$(median "$json" haven)
    "$SETTLE" "$out"
    h_rss=$(peak_rss "$HAVEN_BIN" build --root "$corpus" --output "$out/haven")
    "$SETTLE" "$out"
    if [ "$HAVE_HUGO" = 1 ]; then
        g=$(median "$json" hugo)
        g_rss=$(peak_rss hugo --quiet -s "$hugo_site" -d "$out/hugo")
        ratio=$(python3 -c 'import sys; print(f"{float(sys.argv[2]) / float(sys.argv[1]):.2f}×")' "$h" "$g")
        note "$n articles, $where: Haven $(fmt_s "$h"), Hugo $(fmt_s "$g"): Hugo/Haven = $ratio"
    else
        note "$n articles, $where: Haven $(fmt_s "$h") (Hugo not timed)"
    fi
    if [ "$where" = tmpfs ]; then
        TMPFS_MEDIAN[$n]=$h
    fi
    local label="$(commas "$n") articles, output on $where"
    ROWS+=("| $label | $(fmt_s "$h") | $([ -n "$g" ] && fmt_s "$g" || echo —) | $ratio | $h_rss | $g_rss |")
}

run_check() { # N
    local n=$1 corpus=$BENCH_DIR/corpus-$n json=$RESULTS/check-$n.json log status=0
    log=$(mktemp "$BENCH_DIR/check.XXXXXX")
    "$HAVEN_BIN" check --root "$corpus" >"$log" 2>&1 || status=$?
    if [ "$status" != 0 ] && grep -q "unrecognized subcommand" "$log"; then
        note "haven check: not available in this haven, skipped"
        remove "$log"
        return
    fi
    local extra=()
    if [ "$status" != 0 ]; then
        note "haven check exited $status (the site has problems?); timing it anyway. Its output:"
        tail -n 20 "$log" >&2
        extra=(--ignore-failure)
    fi
    remove "$log"
    note "before: $(machine_busy); hyperfine haven check"
    hyperfine --shell=none --warmup "$WARMUP" --runs "$RUNS" "${extra[@]}" --export-json "$json" \
        -n check "$HAVEN_BIN check --root $corpus" >&2
    local c rss label
    c=$(median "$json" check)
    rss=$(peak_rss "$HAVEN_BIN" check --root "$corpus")
    label="$(commas "$n") articles, \`haven check\`"
    [ "$status" = 0 ] || label+=" (exit $status)"
    ROWS+=("| $label | $(fmt_s "$c") | — | — | $rss | — |")
}

for n in "$@"; do
    prepare_corpus "$n"
    if [ "$HAVE_HUGO" = 1 ]; then
        prepare_hugo "$n"
    fi
    if [ "$PREPARE_ONLY" = 1 ]; then
        note "$n articles prepared in $BENCH_DIR"
        continue
    fi
    if [ "$SKIP_DISK" != 1 ]; then
        run_case "$n" disk "$BENCH_DIR/out-$n"
    fi
    if [ "$SKIP_TMPFS" != 1 ]; then
        mkdir -p "$SHM_DIR"
        run_case "$n" tmpfs "$SHM_DIR/$n"
        remove "$SHM_DIR/$n" # frees the memory before the next count
    fi
    run_check "$n"
done

if [ "$PREPARE_ONLY" = 1 ]; then
    exit 0
fi

# --- report ------------------------------------------------------------------------------------
{
    echo
    echo "Haven $HAVEN_VERSION vs $( [ "$HAVE_HUGO" = 1 ] && hugo version | cut -d' ' -f1-2 || echo "no Hugo (not installed)"); $(nproc) cores; $(date -u +%Y-%m-%d)."
    echo "Median of $RUNS runs after $WARMUP warmup, previous output present; \`gen-corpus.py\` corpora; theme \`calm\`."
    echo
    echo "| case | Haven median | Hugo median | Hugo/Haven | Haven peak RSS | Hugo peak RSS |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${ROWS[@]}"
    if [ "${#TMPFS_MEDIAN[@]}" -gt 1 ]; then
        echo
        echo "Scaling (tmpfs):"
        first=""
        for n in $(printf '%s\n' "${!TMPFS_MEDIAN[@]}" | sort -n); do
            if [ -z "$first" ]; then
                first=$n
                continue
            fi
            python3 -c 'import sys; a,ta,b,tb=int(sys.argv[1]),float(sys.argv[2]),int(sys.argv[3]),float(sys.argv[4]); print(f"- {b:,} articles: {tb/ta:.2f}× the {a:,}-article time for {b/a:g}× the articles")' \
                "$first" "${TMPFS_MEDIAN[$first]}" "$n" "${TMPFS_MEDIAN[$n]}"
        done
    fi
} | tee "$RESULTS/summary.md"
echo >&2
note "results: $RESULTS (hyperfine JSON and summary.md)"
exit
}
