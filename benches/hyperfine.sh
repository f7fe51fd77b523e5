#!/usr/bin/env bash
# Whole-process timings for docs/performance.md, each beside a baseline measured in the same run:
#
#   1. start-up: `replylint --version`, and one 300-character draft (Chinese, English) through stdin;
#   2. 70,000 small files with -j1 and -j2 (outputs compared byte for byte), and the bare scan of
#      the same files as one process;
#   3. the ~20 MB file: the bare scan as one process, replylint with the built-in packs, and with
#      the synthetic packs ten times their size added;
#   4. peak RSS of each (GNU time), against 2.5 x the largest input file + 30 MB.
#
# Usage: benches/hyperfine.sh            (RUNS=N for the slow measurements, default 5)
# Inputs come from `cargo bench --bench throughput -- --prepare`, which builds them from
# ../shared/corpus into target/bench-corpus/ and says SKIPPED when the corpus is absent.
# Needs hyperfine and GNU time (Debian packages `hyperfine`, `time`); installs them with apt-get
# when run as root, otherwise says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
STARTUP_RUNS=${STARTUP_RUNS:-100}
OUT=target/bench-results
CORPUS=target/bench-corpus
mkdir -p "$OUT"

missing=()
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "hyperfine.sh: needs ${missing[*]}: run 'apt-get install ${missing[*]}' as root" >&2
        exit 1
    fi
fi

cargo build --release --quiet
prepare=$(cargo bench --quiet --bench throughput -- --prepare 2>&1) || { echo "$prepare" >&2; exit 1; }
echo "$prepare"
if grep -q SKIPPED <<<"$prepare"; then
    exit 0
fi
bench_bin=$(cargo bench --bench throughput --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\)).*/\1/p' | tail -1)
[ -x "$bench_bin" ] || { echo "hyperfine.sh: cannot find the throughput bench binary" >&2; exit 1; }

bin=target/release/replylint
rules=()
if [ "$("$bin" rules list 2>/dev/null | grep -c '^[a-z]')" = 0 ]; then
    # Nothing embedded yet: use the packs under rules/, as the throughput bench does.
    rules=(--no-builtin --rules rules)
    echo "note: the binary has no built-in rules yet; using ${rules[*]}"
fi

{
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), nproc $(nproc)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "rules: $("$bin" rules list "${rules[@]}" 2>/dev/null | grep -c '^[a-z]') (+ synthetic: $(grep -c '^  - id:' "$CORPUS"/synthetic/*.yaml | awk -F: '{s+=$2} END {print s}'))"
} | tee "$OUT/machine.txt"

hf() { hyperfine --style basic --ignore-failure "$@"; }

echo
echo "== 1. start-up and one 300-character draft through stdin"
hf --warmup 10 --runs "$STARTUP_RUNS" --export-json "$OUT/startup.json" \
    -n "true < draft (shell baseline)" "true < $CORPUS/draft-zh.txt" \
    -n "replylint --version" "$bin --version" \
    -n "replylint check < draft-zh (300 chars)" "$bin check ${rules[*]} < $CORPUS/draft-zh.txt" \
    -n "replylint check < draft-en (300 chars)" "$bin check ${rules[*]} < $CORPUS/draft-en.txt" \
    -n "replylint check + synthetic x10 < draft-zh" \
    "$bin check ${rules[*]} --rules $CORPUS/synthetic < $CORPUS/draft-zh.txt"

echo
echo "== 2. 70,000 small files"
"$bin" check "${rules[@]}" -j1 "$CORPUS/small" >"$OUT/small-j1.out" 2>&1 || true
"$bin" check "${rules[@]}" -j2 "$CORPUS/small" >"$OUT/small-j2.out" 2>&1 || true
if cmp -s "$OUT/small-j1.out" "$OUT/small-j2.out"; then
    order="identical ($(wc -c <"$OUT/small-j1.out") bytes; $(tail -1 "$OUT/small-j1.out"))"
else
    order="DIFFERENT: see $OUT/small-j1.out and $OUT/small-j2.out"
fi
echo "output of -j2 vs -j1: $order" | tee "$OUT/order.txt"
hf --warmup 1 --runs "$RUNS" --export-json "$OUT/small.json" \
    -n "bare scan, 70k files" "$bench_bin --bare-scan $CORPUS/small" \
    -n "replylint check -j1, 70k files" "$bin check ${rules[*]} -j1 $CORPUS/small" \
    -n "replylint check -j2, 70k files" "$bin check ${rules[*]} -j2 $CORPUS/small"

echo
echo "== 3. one large file"
hf --warmup 1 --runs "$RUNS" --export-json "$OUT/large.json" \
    -n "bare scan, large file" "$bench_bin --bare-scan $CORPUS/large.txt" \
    -n "replylint check -j1, large file" "$bin check ${rules[*]} -j1 $CORPUS/large.txt" \
    -n "replylint check -j1 + synthetic x10, large file" \
    "$bin check ${rules[*]} --rules $CORPUS/synthetic -j1 $CORPUS/large.txt"

echo
echo "== 4. peak RSS (GNU time, maximum resident set size)"
rss() { # name, largest input in bytes, command...
    local name=$1 largest=$2
    shift 2
    /usr/bin/time -f '%M' -o "$OUT/rss.kb" "$@" >/dev/null 2>&1 || true
    echo "$name	$(tail -1 "$OUT/rss.kb")	$largest"
}
largest_small=$(find "$CORPUS/small" -type f -printf '%s\n' | sort -n | tail -1)
{
    rss "--version" 0 "$bin" --version
    rss "check < draft-zh" "$(stat -c %s "$CORPUS/draft-zh.txt")" \
        sh -c "exec $bin check ${rules[*]} < $CORPUS/draft-zh.txt"
    rss "check -j2, 70k files" "$largest_small" "$bin" check "${rules[@]}" -j2 "$CORPUS/small"
    rss "check -j1, large file" "$(stat -c %s "$CORPUS/large.txt")" \
        "$bin" check "${rules[@]}" -j1 "$CORPUS/large.txt"
    rss "check -j1 + synthetic x10, large file" "$(stat -c %s "$CORPUS/large.txt")" \
        "$bin" check "${rules[@]}" --rules "$CORPUS/synthetic" -j1 "$CORPUS/large.txt"
} >"$OUT/rss.tsv"

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
echo
python3 - "$OUT" <<'EOF'
import json, sys
out = sys.argv[1]

def load(name):
    with open(f"{out}/{name}.json") as f:
        return {r["command"]: r for r in json.load(f)["results"]}

def ms(r):
    return r["median"] * 1e3

print("| measurement | median (indicative) | user+sys CPU | ratio | target | verdict |")
print("|---|---:|---:|---|---|---|")

def row(name, r, ratio, target="", ok=None):
    cpu = (r["user"] + r["system"]) * 1e3
    verdict = "" if ok is None else ("pass" if ok else "MISS")
    print(f"| {name} | {ms(r):.1f} ms | {cpu:.1f} ms | {ratio} | {target} | {verdict} |")

s = load("startup")
version = s["replylint --version"]
row("replylint --version (baseline)", version, "1.00")
for name in ("replylint check < draft-zh (300 chars)", "replylint check < draft-en (300 chars)"):
    r = s[name]
    row(name, r, f"{ms(r) / ms(version):.2f}x --version", "median <= 5 ms", ms(r) <= 5.0)

small = load("small")
bare = small["bare scan, 70k files"]
j1 = small["replylint check -j1, 70k files"]
j2 = small["replylint check -j2, 70k files"]
row("bare scan, 70k files (baseline)", bare, "1.00")
row("check -j1, 70k files", j1, f"{bare['median'] / j1['median']:.2f} of bare")
speedup = j1["median"] / j2["median"]
row("check -j2, 70k files", j2, f"{speedup:.2f}x -j1", ">= 1.7x -j1", speedup >= 1.7)
print(f"| output order -j2 vs -j1 | | | {open(f'{out}/order.txt').read().split(': ', 1)[1].strip()} | identical | "
      f"{'pass' if 'identical' in open(f'{out}/order.txt').read() else 'MISS'} |")

large = load("large")
bare = large["bare scan, large file"]
lint = large["replylint check -j1, large file"]
scaled = large["replylint check -j1 + synthetic x10, large file"]
row("bare scan, large file (baseline)", bare, "1.00")
row("check -j1, large file", lint, f"{bare['median'] / lint['median']:.2f} of bare", "(in-process target: >= 0.50)")
scaling = scaled["median"] / lint["median"]
row("check -j1 + synthetic x10, large file", scaled, f"{scaling:.2f}x built-in", "<= 1.5x", scaling <= 1.5)
# Loading 1,150 rules from YAML is a start-up cost, not a scanning cost: take it out.
load = s["replylint check + synthetic x10 < draft-zh"]["median"] - s["replylint check < draft-zh (300 chars)"]["median"]
print(f"| of which loading the synthetic YAML packs | {load * 1e3:.1f} ms | | "
      f"scan only: {(scaled['median'] - load) / lint['median']:.2f}x built-in | <= 1.5x | "
      f"{'pass' if (scaled['median'] - load) / lint['median'] <= 1.5 else 'MISS'} |")

print()
print("| peak RSS (1 MB = 10^6 bytes) | MB | largest input MB | limit MB (2.5 x input + 30) | verdict |")
print("|---|---:|---:|---:|---|")
for line in open(f"{out}/rss.tsv"):
    name, kb, largest = line.rstrip("\n").split("\t")
    mb, largest_mb = int(kb) * 1024 / 1e6, int(largest) / 1e6
    limit = 2.5 * largest_mb + 30
    print(f"| {name} | {mb:.1f} | {largest_mb:.2f} | {limit:.1f} | {'pass' if mb <= limit else 'MISS'} |")
EOF
